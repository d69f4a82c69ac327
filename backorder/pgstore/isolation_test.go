package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/backorder"
)

// The conformance suite proves isolation on positions, sequences, commands
// and the outbox. These tests prove that every other read an Update can do
// is protected against writers that would change its result, including
// writers that add a row the read would now return (a phantom): each
// worker counts a set and adds to it only while it is below a cap, so a
// set that ends above the cap means two transactions both saw room.

const (
	capWorkers = 6
	capLimit   = 12
)

// retry runs fn in an Update until it does not fail with ErrConflict.
func retry(ctx context.Context, s backorder.Store, fn func(backorder.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := s.Update(ctx, fn)
		if err == nil || !errors.Is(err, backorder.ErrConflict) || attempt == 200 {
			return err
		}
		time.Sleep(time.Duration(rand.IntN(attempt*200+1)) * time.Microsecond)
	}
}

type capCase struct {
	name string
	// seed writes what the set lives in.
	seed func(tx backorder.Tx) error
	// count reads the set's size.
	count func(tx backorder.Tx) (int, error)
	// add adds the n-th member (n is unique across workers).
	add func(tx backorder.Tx, n int) error
}

func lenOf[T any](list []T, err error) (int, error) { return len(list), err }

var capOrder = uuid.MustParse("0b0b0b0b-0000-4000-8000-000000000001")

func capCases() []capCase {
	return []capCase{
		{
			name:  "Locations",
			count: func(tx backorder.Tx) (int, error) { return lenOf(tx.Locations()) },
			add: func(tx backorder.Tx, n int) error {
				return tx.PutLocation(backorder.Location{ID: fmt.Sprint("L", n)})
			},
		},
		{
			name:  "Inbounds",
			count: func(tx backorder.Tx) (int, error) { return lenOf(tx.Inbounds("S")) },
			add: func(tx backorder.Tx, n int) error {
				return tx.PutInbound(backorder.Inbound{ID: fmt.Sprint("I", n), SKU: "S", Qty: 1})
			},
		},
		{
			name:  "Book",
			count: func(tx backorder.Tx) (int, error) { return lenOf(tx.Book("S")) },
			add: func(tx backorder.Tx, n int) error {
				return tx.PutBookEntry(backorder.BookEntry{SKU: "S", LineID: uuid.New(), Customer: "C", Seq: int64(n), Backordered: 1})
			},
		},
		{
			name:  "Holders",
			count: func(tx backorder.Tx) (int, error) { return lenOf(tx.Holders("S", "AMS")) },
			add: func(tx backorder.Tx, n int) error {
				return tx.PutBookEntry(backorder.BookEntry{SKU: "S", LineID: uuid.New(), Customer: "C", Seq: int64(n),
					Allocations: []backorder.LocQty{{Location: "AMS", Qty: 1}}})
			},
		},
		{
			// Each member is on its own SKU, so only the customer's lock
			// stands between two writers.
			name:  "CustomerBook",
			count: func(tx backorder.Tx) (int, error) { return lenOf(tx.CustomerBook("C")) },
			add: func(tx backorder.Tx, n int) error {
				return tx.PutBookEntry(backorder.BookEntry{SKU: fmt.Sprint("S", n), LineID: uuid.New(), Customer: "C", Backordered: 1})
			},
		},
		{
			name: "OrderLines",
			seed: func(tx backorder.Tx) error { return tx.PutOrder(backorder.Order{ID: capOrder, Customer: "C"}) },
			count: func(tx backorder.Tx) (int, error) {
				o, err := tx.Order(capOrder)
				return len(o.Lines), err
			},
			add: func(tx backorder.Tx, n int) error {
				return tx.PutLine(backorder.Line{ID: uuid.New(), OrderID: capOrder, SKU: fmt.Sprint("S", n), Qty: 1})
			},
		},
		{
			name:  "OpenOrders",
			count: func(tx backorder.Tx) (int, error) { return lenOf(tx.OpenOrders(uuid.Nil, 1000)) },
			add: func(tx backorder.Tx, n int) error {
				id := uuid.New()
				return tx.PutOrder(backorder.Order{ID: id, Customer: "C", Lines: []backorder.Line{{ID: uuid.New(), SKU: "S", Qty: 1, Backordered: 1}}})
			},
		},
		{
			name:  "Shipments",
			count: func(tx backorder.Tx) (int, error) { return lenOf(tx.Shipments(capOrder)) },
			add: func(tx backorder.Tx, n int) error {
				return tx.PutShipment(backorder.Shipment{ID: uuid.New(), OrderID: capOrder})
			},
		},
		{
			name:  "Invoices",
			count: func(tx backorder.Tx) (int, error) { return lenOf(tx.Invoices(capOrder)) },
			add: func(tx backorder.Tx, n int) error {
				return tx.PutInvoice(backorder.Invoice{ID: uuid.New(), OrderID: capOrder, Number: fmt.Sprint(n)})
			},
		},
		{
			name:  "Events",
			count: func(tx backorder.Tx) (int, error) { return lenOf(tx.Events(0, 1000)) },
			add: func(tx backorder.Tx, n int) error {
				return tx.AppendEvents([]backorder.Event{{Type: backorder.OrderPlaced, Qty: int64(n)}})
			},
		},
	}
}

func TestNoPhantoms(t *testing.T) {
	needDB(t)
	for _, c := range capCases() {
		t.Run(c.name, func(t *testing.T) { runCapCase(t, c) })
	}
}

func runCapCase(t *testing.T, c capCase) {
	s := newStore(t, nil)
	ctx := context.Background()
	if c.seed != nil {
		mustUpdate(t, s, c.seed)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range capWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range capLimit {
				err := retry(ctx, s, func(tx backorder.Tx) error {
					n, err := c.count(tx)
					if err != nil || n >= capLimit {
						return err
					}
					return c.add(tx, int(next.Add(1)))
				})
				if err != nil {
					t.Errorf("worker %d: %v", w, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	mustView(t, s, func(tx backorder.Tx) error {
		n, err := c.count(tx)
		if err == nil && n != capLimit {
			t.Errorf("%d workers adding while the set is below %d ended with %d members", capWorkers, capLimit, n)
		}
		return err
	})
}

// TestCreateOnce has workers create the same thing when a lookup finds it
// missing: exactly one creation may succeed per key, for every lookup.
func TestCreateOnce(t *testing.T) {
	needDB(t)
	oid := uuid.MustParse("0c0c0c0c-0000-4000-8000-000000000001")
	lid := uuid.MustParse("0c0c0c0c-0000-4000-8000-000000000002")
	sid := uuid.MustParse("0c0c0c0c-0000-4000-8000-000000000003")
	iid := uuid.MustParse("0c0c0c0c-0000-4000-8000-000000000004")
	type kase struct {
		name   string
		seed   func(tx backorder.Tx) error
		lookup func(tx backorder.Tx) error
		create func(tx backorder.Tx) error
	}
	seedOrder := func(tx backorder.Tx) error { return tx.PutOrder(backorder.Order{ID: oid, Customer: "C"}) }
	cases := []kase{
		{"Item", nil,
			func(tx backorder.Tx) error { _, err := tx.Item("X"); return err },
			func(tx backorder.Tx) error { return tx.PutItem(backorder.Item{SKU: "X"}) }},
		{"Supplier", nil,
			func(tx backorder.Tx) error { _, err := tx.Supplier("X"); return err },
			func(tx backorder.Tx) error { return tx.PutSupplier(backorder.Supplier{ID: "X", DaysLate: []int{1}}) }},
		{"Location", nil,
			func(tx backorder.Tx) error { _, err := tx.Location("X"); return err },
			func(tx backorder.Tx) error { return tx.PutLocation(backorder.Location{ID: "X"}) }},
		{"Inbound", nil,
			func(tx backorder.Tx) error { _, err := tx.Inbound("X"); return err },
			func(tx backorder.Tx) error { return tx.PutInbound(backorder.Inbound{ID: "X", SKU: "S"}) }},
		{"Order", nil,
			func(tx backorder.Tx) error { _, err := tx.Order(oid); return err },
			seedOrder},
		{"Line", seedOrder,
			func(tx backorder.Tx) error { _, err := tx.Line(lid); return err },
			func(tx backorder.Tx) error { return tx.PutLine(backorder.Line{ID: lid, OrderID: oid}) }},
		{"LineByPutOrder", seedOrder,
			func(tx backorder.Tx) error { _, err := tx.Line(lid); return err },
			func(tx backorder.Tx) error {
				return tx.PutOrder(backorder.Order{ID: oid, Customer: "C", Lines: []backorder.Line{{ID: lid}}})
			}},
		{"Shipment", nil,
			func(tx backorder.Tx) error { _, err := tx.Shipment(sid); return err },
			func(tx backorder.Tx) error { return tx.PutShipment(backorder.Shipment{ID: sid, OrderID: oid}) }},
		{"Invoice", nil,
			func(tx backorder.Tx) error { _, err := tx.Invoice(iid); return err },
			func(tx backorder.Tx) error { return tx.PutInvoice(backorder.Invoice{ID: iid, OrderID: oid}) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newStore(t, nil)
			if c.seed != nil {
				mustUpdate(t, s, c.seed)
			}
			var created atomic.Int64
			var wg sync.WaitGroup
			for w := range capWorkers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					var mine bool
					err := retry(context.Background(), s, func(tx backorder.Tx) error {
						mine = false
						err := c.lookup(tx)
						if !errors.Is(err, backorder.ErrNotFound) {
							return err
						}
						mine = true
						time.Sleep(time.Millisecond) // widen the window
						return c.create(tx)
					})
					if err != nil {
						t.Errorf("worker %d: %v", w, err)
					}
					if mine {
						created.Add(1)
					}
				}()
			}
			wg.Wait()
			if n := created.Load(); n != 1 {
				t.Errorf("%d workers created what a lookup found missing, want 1", n)
			}
		})
	}
}

// TestMovesLockBothSides moves a line, a shipment, an invoice, an inbound
// line and a book entry between the sets that list them while readers
// count both sets: every count a reader sees must be a committed state.
func TestMovesLockBothSides(t *testing.T) {
	s := newStore(t, nil)
	ctx := context.Background()
	a, b := uuid.MustParse("0d0d0d0d-0000-4000-8000-00000000000a"), uuid.MustParse("0d0d0d0d-0000-4000-8000-00000000000b")
	lid, sid, iid := uuid.New(), uuid.New(), uuid.New()
	mustUpdate(t, s, func(tx backorder.Tx) error {
		return errors.Join(
			tx.PutOrder(backorder.Order{ID: a, Customer: "CA", Lines: []backorder.Line{{ID: lid, SKU: "S", Qty: 1, Backordered: 1}}}),
			tx.PutOrder(backorder.Order{ID: b, Customer: "CB"}),
			tx.PutShipment(backorder.Shipment{ID: sid, OrderID: a}),
			tx.PutInvoice(backorder.Invoice{ID: iid, OrderID: a}),
			tx.PutInbound(backorder.Inbound{ID: "IN", SKU: "SA", Qty: 1}),
			tx.PutBookEntry(backorder.BookEntry{SKU: "S", LineID: lid, OrderID: a, Customer: "CA", Backordered: 1}),
		)
	})
	// Each move flips everything from side a to side b or back, in one
	// Update; a reader must see all five on one side.
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; !stop.Load(); i++ {
			from, to, fromSKU, toSKU, fromC, toC := a, b, "SA", "SB", "CA", "CB"
			if i%2 == 1 {
				from, to, fromSKU, toSKU, fromC, toC = b, a, "SB", "SA", "CB", "CA"
			}
			_ = fromC
			err := retry(ctx, s, func(tx backorder.Tx) error {
				l, err := tx.Line(lid)
				if err != nil {
					return err
				}
				if l.OrderID != from {
					return fmt.Errorf("line is on %s, want %s", l.OrderID, from)
				}
				l.OrderID = to
				sh, err := tx.Shipment(sid)
				if err != nil {
					return err
				}
				sh.OrderID = to
				inv, err := tx.Invoice(iid)
				if err != nil {
					return err
				}
				inv.OrderID = to
				in, err := tx.Inbound("IN")
				if err != nil {
					return err
				}
				in.SKU = toSKU
				_ = fromSKU
				return errors.Join(tx.PutLine(l), tx.PutShipment(sh), tx.PutInvoice(inv), tx.PutInbound(in),
					tx.PutBookEntry(backorder.BookEntry{SKU: "S", LineID: lid, OrderID: to, Customer: toC, Backordered: 1}))
			})
			if err != nil {
				t.Errorf("move %d: %v", i, err)
				return
			}
		}
	}()
	deadline := time.Now().Add(2 * time.Second)
	reads := 0
	for time.Now().Before(deadline) {
		err := retry(ctx, s, func(tx backorder.Tx) error {
			var sides [2][5]int
			for i, o := range []uuid.UUID{a, b} {
				ord, err := tx.Order(o)
				if err != nil {
					return err
				}
				sides[i][0] = len(ord.Lines)
				if sides[i][1], err = lenOf(tx.Shipments(o)); err != nil {
					return err
				}
				if sides[i][2], err = lenOf(tx.Invoices(o)); err != nil {
					return err
				}
				if sides[i][3], err = lenOf(tx.Inbounds([]string{"SA", "SB"}[i])); err != nil {
					return err
				}
				if sides[i][4], err = lenOf(tx.CustomerBook([]string{"CA", "CB"}[i])); err != nil {
					return err
				}
			}
			if sides != [2][5]int{{1, 1, 1, 1, 1}, {}} && sides != [2][5]int{{}, {1, 1, 1, 1, 1}} {
				t.Errorf("an Update read a state no commit made: side a %v, side b %v", sides[0], sides[1])
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		reads++
	}
	stop.Store(true)
	wg.Wait()
	if reads == 0 {
		t.Fatal("no reads")
	}
}

// TestBookMoveLocksOldCustomer moves book entries to another customer
// while a reader holds the old customer's book lock, as CustomerBook in an
// Update does: the move must wait for the reader. The upsert takes that
// lock only on the rows it finds (see bookMoveCustomer), for one entry
// (one statement per row) and for several (the merged statement).
func TestBookMoveLocksOldCustomer(t *testing.T) {
	for _, n := range []int{1, 3} {
		t.Run(fmt.Sprintf("%d entries", n), func(t *testing.T) {
			s := newStore(t, nil)
			ctx := context.Background()
			entries := make([]backorder.BookEntry, n)
			for i := range entries {
				entries[i] = backorder.BookEntry{SKU: fmt.Sprint("S", i), LineID: uuid.New(), OrderID: uuid.New(),
					Customer: "CA", Seq: int64(i + 1), Backordered: 1}
			}
			mustUpdate(t, s, func(tx backorder.Tx) error {
				for _, e := range entries {
					if err := tx.PutBookEntry(e); err != nil {
						return err
					}
				}
				return nil
			})

			// The reader: the exclusive lock CustomerBook("CA") takes.
			conn, err := testPool.Acquire(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Release()
			reader, err := conn.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = reader.Rollback(ctx) }()
			key := "backorderkit\x1f" + s.Schema() + "\x1fcustomer:CA"
			if _, err := reader.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", key); err != nil {
				t.Fatal(err)
			}

			done := make(chan error, 1)
			go func() {
				done <- s.Update(ctx, func(tx backorder.Tx) error {
					for _, e := range entries {
						e.Customer = "CB"
						if err := tx.PutBookEntry(e); err != nil {
							return err
						}
					}
					return nil
				})
			}()
			select {
			case err := <-done:
				t.Fatalf("the move committed (err %v) while a reader held the old customer's book", err)
			case <-time.After(300 * time.Millisecond):
			}
			if err := reader.Commit(ctx); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the move did not finish after the reader committed")
			}
			err = s.View(ctx, func(tx backorder.Tx) error {
				a, err := tx.CustomerBook("CA")
				if err != nil {
					return err
				}
				b, err := tx.CustomerBook("CB")
				if err != nil {
					return err
				}
				if len(a) != 0 || len(b) != n {
					t.Errorf("after the move: %d entries for CA, %d for CB; want 0 and %d", len(a), len(b), n)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestBookUpsertSameCustomer rewrites book entries that stay with their
// customer, in one merged upsert: the rows it finds keep their customer
// and take every other new value (one leaves the waiting book and becomes
// a holder).
func TestBookUpsertSameCustomer(t *testing.T) {
	s := newStore(t, nil)
	ctx := context.Background()
	e1 := backorder.BookEntry{SKU: "S1", LineID: uuid.New(), Customer: "C", Seq: 1, Backordered: 2}
	e2 := backorder.BookEntry{SKU: "S2", LineID: uuid.New(), Customer: "C", Seq: 2, Backordered: 3}
	mustUpdate(t, s, func(tx backorder.Tx) error { return errors.Join(tx.PutBookEntry(e1), tx.PutBookEntry(e2)) })
	e1.Backordered, e2.Backordered = 5, 0
	e2.Allocations = []backorder.LocQty{{Location: "AMS", Qty: 3}}
	mustUpdate(t, s, func(tx backorder.Tx) error { return errors.Join(tx.PutBookEntry(e1), tx.PutBookEntry(e2)) })
	err := s.View(ctx, func(tx backorder.Tx) error {
		got, err := tx.CustomerBook("C")
		if err != nil {
			return err
		}
		if len(got) != 1 || got[0].LineID != e1.LineID || got[0].Backordered != 5 {
			t.Errorf("CustomerBook(C) = %+v, want only %v with 5 waiting", got, e1.LineID)
		}
		h, err := tx.Holders("S2", "AMS")
		if err != nil {
			return err
		}
		if len(h) != 1 || h[0].LineID != e2.LineID || h[0].Customer != "C" {
			t.Errorf("Holders(S2, AMS) = %+v, want %v of C", h, e2.LineID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
