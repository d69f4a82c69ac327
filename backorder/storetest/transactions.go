package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/invoice"
)

// The world is one of everything, committed, that the transaction tests
// change with every kind of write and then read back whole.

const (
	wSKU  = "W-SKU"
	wCust = "W-C"
)

// seedWorld commits the world.
func seedWorld(t *testing.T, s backorder.Store) {
	t.Helper()
	update(t, s, func(tx backorder.Tx) error {
		o := fullOrder(id(1), id(11), id(12))
		_, err1 := tx.NextSequence("w-seq")
		_, err2 := tx.NextSequence("w-seq")
		return firstErr(
			tx.PutItem(fullItem("W-ITEM")),
			tx.PutLocation(backorder.Location{ID: "W-L1", Rank: 1}),
			tx.PutLocation(backorder.Location{ID: "W-L2", Rank: 2}),
			tx.PutPosition(backorder.StockPosition{SKU: wSKU, Location: "W-L1", OnHand: 10, Allocated: 2, Received: 10}),
			tx.PutInbound(backorder.Inbound{ID: "W-IN-1", SKU: wSKU, Location: "W-L1", Qty: 5, Expected: at(100)}),
			tx.PutOrder(o),
			tx.PutBookEntry(backorder.BookEntry{SKU: wSKU, LineID: id(11), OrderID: id(1), Customer: wCust,
				Seq: 1, Backordered: 3, Placed: at(0)}),
			tx.PutBookEntry(backorder.BookEntry{SKU: wSKU, LineID: id(12), OrderID: id(1), Customer: wCust,
				Seq: 2, Allocations: []backorder.LocQty{{Location: "W-L1", Qty: 2}}, Placed: at(0)}),
			tx.PutShipment(backorder.Shipment{ID: id(31), OrderID: id(1), CreatedAt: at(10)}),
			tx.PutInvoice(backorder.Invoice{ID: id(41), OrderID: id(1), IssuedAt: at(10), Number: "INV-1", Document: invoice.Invoice{Currency: "EUR", Totals: invoice.Totals{Total: dec("1.5")}}}),
			tx.AppendEvents([]backorder.Event{{Type: backorder.OrderPlaced}, {Type: backorder.LineBackordered}, {Type: backorder.LineAllocated}}),
			tx.PutCommand(fullCommand("w/1")),
			err1, err2,
		)
	})
}

type namedWrite struct {
	name string
	fn   func(backorder.Tx) error
}

// worldWrites are writes of every kind that change the seeded world or add
// to it.
func worldWrites() []namedWrite {
	o := fullOrder(id(1), id(11), id(12))
	o.Customer = "CHANGED"
	o.Lines = []backorder.Line{o.Lines[1], fullLine(id(13), id(1), "NEW")}
	o.Lines[0].Backordered = 0
	l11 := fullOrder(id(1), id(11)).Lines[0]
	l11.Qty = 1
	seq := func(name string) func(backorder.Tx) error {
		return func(tx backorder.Tx) error { _, err := tx.NextSequence(name); return err }
	}
	return []namedWrite{
		{"PutItem (replace)", func(tx backorder.Tx) error { return tx.PutItem(backorder.Item{SKU: "W-ITEM"}) }},
		{"PutItem (insert)", func(tx backorder.Tx) error { return tx.PutItem(fullItem("W-ITEM-NEW")) }},
		{"PutLocation (replace)", func(tx backorder.Tx) error {
			return tx.PutLocation(backorder.Location{ID: "W-L2", Rank: 0, Name: "changed"})
		}},
		{"PutLocation (insert)", func(tx backorder.Tx) error { return tx.PutLocation(backorder.Location{ID: "W-L0", Rank: 5}) }},
		{"PutPosition (replace)", func(tx backorder.Tx) error {
			return tx.PutPosition(backorder.StockPosition{SKU: wSKU, Location: "W-L1", OnHand: 99})
		}},
		{"PutPosition (insert)", func(tx backorder.Tx) error {
			return tx.PutPosition(backorder.StockPosition{SKU: wSKU, Location: "W-L2", OnHand: 1})
		}},
		{"PutInbound (replace)", func(tx backorder.Tx) error {
			return tx.PutInbound(backorder.Inbound{ID: "W-IN-1", SKU: wSKU, Location: "W-L1", Qty: 0, Expected: at(100)})
		}},
		{"PutInbound (insert)", func(tx backorder.Tx) error {
			return tx.PutInbound(backorder.Inbound{ID: "W-IN-2", SKU: wSKU, Location: "W-L2", Qty: 3, Expected: at(50)})
		}},
		{"PutOrder (replace)", func(tx backorder.Tx) error { return tx.PutOrder(o) }},
		{"PutOrder (insert)", func(tx backorder.Tx) error { return tx.PutOrder(fullOrder(id(2), id(21))) }},
		{"PutLine", func(tx backorder.Tx) error { return tx.PutLine(l11) }},
		{"PutBookEntry (delete)", func(tx backorder.Tx) error {
			return tx.PutBookEntry(backorder.BookEntry{SKU: wSKU, LineID: id(11), OrderID: id(1), Customer: wCust, Seq: 1})
		}},
		{"PutBookEntry (replace)", func(tx backorder.Tx) error {
			return tx.PutBookEntry(backorder.BookEntry{SKU: wSKU, LineID: id(12), OrderID: id(1), Customer: wCust,
				Seq: 2, Backordered: 2, Allocations: []backorder.LocQty{{Location: "W-L2", Qty: 1}}, Placed: at(0)})
		}},
		{"PutBookEntry (insert)", func(tx backorder.Tx) error {
			return tx.PutBookEntry(backorder.BookEntry{SKU: wSKU, LineID: id(13), OrderID: id(1), Customer: wCust,
				Seq: 3, Backordered: 1, Placed: at(-5)})
		}},
		{"PutShipment (replace)", func(tx backorder.Tx) error {
			return tx.PutShipment(backorder.Shipment{ID: id(31), OrderID: id(1), CreatedAt: at(30)})
		}},
		{"PutShipment (insert)", func(tx backorder.Tx) error { return tx.PutShipment(fullShipment(id(32), id(1))) }},
		{"PutInvoice (replace)", func(tx backorder.Tx) error {
			return tx.PutInvoice(backorder.Invoice{ID: id(41), OrderID: id(1), IssuedAt: at(10), Number: "INV-1b"})
		}},
		{"PutInvoice (insert)", func(tx backorder.Tx) error { return tx.PutInvoice(fullInvoice(id(42), id(1))) }},
		{"AppendEvents", func(tx backorder.Tx) error { return tx.AppendEvents([]backorder.Event{fullEvent(), fullEvent()}) }},
		{"AppendEvents (again)", func(tx backorder.Tx) error { return tx.AppendEvents([]backorder.Event{fullEvent()}) }},
		{"PutCommand", func(tx backorder.Tx) error { return tx.PutCommand(fullCommand("w/2")) }},
		{"NextSequence (used)", seq("w-seq")},
		{"NextSequence (new)", seq("w-seq-2")},
	}
}

// writeWorld applies every world write, reporting any that fails.
func writeWorld(t *testing.T, tx backorder.Tx) {
	t.Helper()
	for _, w := range worldWrites() {
		if err := w.fn(tx); err != nil {
			t.Errorf("%s: %v", w.name, err)
		}
	}
}

// maybe is the result of a lookup that may find nothing.
type maybe[T any] struct {
	Found bool
	Value T
}

// snapshot is everything of the world a Tx can read without writing.
type snapshot struct {
	Items                  []maybe[backorder.Item]
	Locations              []backorder.Location
	Location               []maybe[backorder.Location]
	Positions              []backorder.StockPosition
	Inbounds               []backorder.Inbound
	Inbound                []maybe[backorder.Inbound]
	Orders                 []maybe[backorder.Order]
	OpenOrders             []uuid.UUID
	Lines                  []maybe[backorder.Line]
	Book, Customer         []backorder.BookEntry
	HoldersL1, HoldersL2   []backorder.BookEntry
	Shipments              []backorder.Shipment
	Shipment               []maybe[backorder.Shipment]
	Invoices               []backorder.Invoice
	Invoice                []maybe[backorder.Invoice]
	Events                 []backorder.Event
	Commands               []maybe[backorder.Command]
	EventsPaged, EventsEnd []backorder.Event
}

// reader collects the first error of a run of reads.
type reader struct{ err error }

func (r *reader) keep(err error) {
	if err != nil && r.err == nil {
		r.err = err
	}
}

func look[T any](r *reader, dst *[]maybe[T], v T, err error) {
	switch {
	case err == nil:
		*dst = append(*dst, maybe[T]{Found: true, Value: v})
	case errors.Is(err, backorder.ErrNotFound):
		*dst = append(*dst, maybe[T]{})
	case r.err == nil:
		r.err = err
	}
}

// readWorld reads the whole world through tx.
func readWorld(tx backorder.Tx) (snapshot, error) {
	var (
		s   snapshot
		err error
	)
	r := &reader{}
	for _, sku := range []string{"W-ITEM", "W-ITEM-NEW"} {
		v, err := tx.Item(sku)
		look(r, &s.Items, v, err)
	}
	s.Locations, err = tx.Locations()
	r.keep(err)
	for _, l := range []string{"W-L0", "W-L1", "W-L2"} {
		v, err := tx.Location(l)
		look(r, &s.Location, v, err)
	}
	s.Positions, err = tx.Positions(wSKU)
	r.keep(err)
	s.Inbounds, err = tx.Inbounds(wSKU)
	r.keep(err)
	for _, in := range []string{"W-IN-1", "W-IN-2"} {
		v, err := tx.Inbound(in)
		look(r, &s.Inbound, v, err)
	}
	for _, n := range []int{1, 2} {
		v, err := tx.Order(id(n))
		look(r, &s.Orders, v, err)
	}
	s.OpenOrders, err = tx.OpenOrders(uuid.Nil, 100)
	r.keep(err)
	for _, n := range []int{11, 12, 13, 21} {
		v, err := tx.Line(id(n))
		look(r, &s.Lines, v, err)
	}
	s.Book, err = tx.Book(wSKU)
	r.keep(err)
	s.Customer, err = tx.CustomerBook(wCust)
	r.keep(err)
	s.HoldersL1, err = tx.Holders(wSKU, "W-L1")
	r.keep(err)
	s.HoldersL2, err = tx.Holders(wSKU, "W-L2")
	r.keep(err)
	s.Shipments, err = tx.Shipments(id(1))
	r.keep(err)
	for _, n := range []int{31, 32} {
		v, err := tx.Shipment(id(n))
		look(r, &s.Shipment, v, err)
	}
	s.Invoices, err = tx.Invoices(id(1))
	r.keep(err)
	for _, n := range []int{41, 42} {
		v, err := tx.Invoice(id(n))
		look(r, &s.Invoice, v, err)
	}
	s.Events, err = tx.Events(0, 100)
	r.keep(err)
	s.EventsPaged, err = tx.Events(2, 2)
	r.keep(err)
	s.EventsEnd, err = tx.Events(3, 100)
	r.keep(err)
	for _, k := range []string{"w/1", "w/2"} {
		v, err := tx.Command(k)
		look(r, &s.Commands, v, err)
	}
	return s, r.err
}

func viewWorld(t *testing.T, s backorder.Store) snapshot {
	t.Helper()
	var snap snapshot
	view(t, s, func(tx backorder.Tx) error {
		var err error
		snap, err = readWorld(tx)
		return err
	})
	return snap
}

// expectSequences checks the next value of each named sequence (which
// increments it).
func expectSequences(t *testing.T, s backorder.Store, next map[string]int64) {
	t.Helper()
	update(t, s, func(tx backorder.Tx) error {
		for name, want := range next {
			got, err := tx.NextSequence(name)
			if err != nil {
				return err
			}
			if got != want {
				t.Errorf("NextSequence(%q) = %d, want %d", name, got, want)
			}
		}
		return nil
	})
}

// expectUntouched checks that the world is as seeded.
func expectUntouched(t *testing.T, s backorder.Store, before snapshot, after string) {
	t.Helper()
	expectEqual(t, "the store after "+after, viewWorld(t, s), before)
	expectSequences(t, s, map[string]int64{"w-seq": 3, "w-seq-2": 1})
}

// rolledBack seeds the world, calls run (which must apply the world writes
// in an Update and make it fail), and checks that the error run returns
// satisfies check and that the world is untouched.
func rolledBack(t *testing.T, s backorder.Store, how string,
	run func(t *testing.T, s backorder.Store) error, check func(error) bool) {
	t.Helper()
	seedWorld(t, s)
	before := viewWorld(t, s)
	err := run(t, s)
	if !check(err) {
		t.Errorf("Update that %s returned %v", how, err)
	}
	expectUntouched(t, s, before, "an Update that "+how)
	// The store still works.
	update(t, s, func(tx backorder.Tx) error { return tx.PutItem(backorder.Item{SKU: "AFTER"}) })
	view(t, s, func(tx backorder.Tx) error { _, err := tx.Item("AFTER"); return err })
}

var txCases = []testCase{
	{"Commit", func(t *testing.T, s backorder.Store) {
		seedWorld(t, s)
		before := viewWorld(t, s)
		var inTx snapshot
		update(t, s, func(tx backorder.Tx) error {
			writeWorld(t, tx)
			var err error
			inTx, err = readWorld(tx)
			return err
		})
		if len(Diff(inTx, before)) == 0 {
			t.Fatal("the world writes changed nothing that the Update could read back")
		}
		expectEqual(t, "the store after a committed Update (vs. what the Update read of its own writes)",
			viewWorld(t, s), inTx)
		expectSequences(t, s, map[string]int64{"w-seq": 4, "w-seq-2": 2})
		// Spot checks of what the writes did.
		if !inTx.Items[1].Found || len(inTx.Events) != 6 || !inTx.Commands[1].Found ||
			len(inTx.HoldersL1) != 0 || len(inTx.HoldersL2) != 1 || len(inTx.Book) != 2 ||
			len(inTx.Inbounds) != 1 || len(inTx.Positions) != 2 || len(inTx.Shipments) != 2 ||
			len(inTx.Invoices) != 2 || !inTx.Orders[1].Found || len(inTx.Locations) != 3 || len(inTx.OpenOrders) != 2 {
			t.Errorf("the Update's own reads miss some of its writes: %+v", inTx)
		}
		if inTx.Orders[0].Found {
			expectKeys(t, "lines of the replaced order", lineKey, ids(11, 12, 13))(inTx.Orders[0].Value.Lines, nil)
		}
	}},
	{"FnError", func(t *testing.T, s backorder.Store) {
		rolledBack(t, s, "fails", func(t *testing.T, s backorder.Store) error {
			return s.Update(t.Context(), func(tx backorder.Tx) error {
				writeWorld(t, tx)
				return fmt.Errorf("wrapped: %w", errBoom)
			})
		}, func(err error) bool { return errors.Is(err, errBoom) })
	}},
	{"CancelledBefore", func(t *testing.T, s backorder.Store) {
		rolledBack(t, s, "starts with a cancelled context", func(t *testing.T, s backorder.Store) error {
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			return s.Update(ctx, func(tx backorder.Tx) error {
				for _, w := range worldWrites() {
					if err := w.fn(tx); err != nil {
						return err
					}
				}
				return nil
			})
		}, func(err error) bool { return errors.Is(err, context.Canceled) })
	}},
	{"CancelledDuring", func(t *testing.T, s backorder.Store) {
		rolledBack(t, s, "sees its context cancelled", func(t *testing.T, s backorder.Store) error {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			return s.Update(ctx, func(tx backorder.Tx) error {
				writeWorld(t, tx)
				cancel()
				return nil
			})
		}, func(err error) bool { return errors.Is(err, context.Canceled) })
	}},
	{"Panic", func(t *testing.T, s backorder.Store) {
		type boom struct{ n int }
		rolledBack(t, s, "panics", func(t *testing.T, s backorder.Store) (err error) {
			defer func() {
				r := recover()
				if r != (boom{42}) {
					t.Errorf("Update after fn panicked with boom{42}: recovered %v, want the same value", r)
				}
				err = errBoom
			}()
			err = s.Update(t.Context(), func(tx backorder.Tx) error {
				writeWorld(t, tx)
				panic(boom{42})
			})
			t.Errorf("Update returned %v after fn panicked; want the panic to go on", err)
			return err
		}, func(err error) bool { return errors.Is(err, errBoom) })
	}},
	{"ViewSeesCommitted", func(t *testing.T, s backorder.Store) {
		seedWorld(t, s)
		snap := viewWorld(t, s)
		if !snap.Items[0].Found || snap.Items[1].Found || len(snap.Events) != 3 || len(snap.Book) != 1 ||
			!snap.Commands[0].Found || len(snap.Positions) != 1 || !snap.Orders[0].Found {
			t.Errorf("a View misses committed data: %+v", snap)
		}
		// Failed writes are never seen.
		_ = s.Update(t.Context(), func(tx backorder.Tx) error {
			writeWorld(t, tx)
			return errBoom
		})
		expectEqual(t, "a View after a failed Update", viewWorld(t, s), snap)
	}},
	{"ViewWritesFail", func(t *testing.T, s backorder.Store) {
		seedWorld(t, s)
		before := viewWorld(t, s)
		for _, w := range worldWrites() {
			// Each in its own View: a database may abort the transaction
			// at the first refused write. View's own result is not checked.
			_ = s.View(t.Context(), func(tx backorder.Tx) error {
				if err := w.fn(tx); err == nil {
					t.Errorf("%s in a View returned no error", w.name)
				}
				return nil
			})
		}
		expectUntouched(t, s, before, "writes in Views")
	}},
	{"ViewSnapshot", func(t *testing.T, s backorder.Store) {
		// A View that reads twice sees the same committed state both
		// times, even though an Update runs (and, with a database,
		// commits) in between.
		p := backorder.StockPosition{SKU: "SNAP", Location: "L", OnHand: 1}
		update(t, s, func(tx backorder.Tx) error { return tx.PutPosition(p) })
		done := make(chan error, 1)
		view(t, s, func(tx backorder.Tx) error {
			first, err := tx.Positions("SNAP")
			if err != nil {
				return err
			}
			go func() {
				done <- s.Update(context.Background(), func(tx backorder.Tx) error {
					p2 := p
					p2.OnHand = 2
					return firstErr(tx.PutPosition(p2), tx.AppendEvents([]backorder.Event{{Type: backorder.StockAdjusted}}))
				})
			}()
			time.Sleep(50 * time.Millisecond)
			second, err := tx.Positions("SNAP")
			if err != nil {
				return err
			}
			expectEqual(t, "a position read twice in one View", second, first)
			evs, err := tx.Events(0, 10)
			if err != nil {
				return err
			}
			if len(evs) != 0 {
				t.Errorf("a View saw %d events appended by an Update that started after it", len(evs))
			}
			return nil
		})
		if err := <-done; err != nil {
			t.Fatalf("Update alongside a View: %v", err)
		}
		view(t, s, func(tx backorder.Tx) error {
			ps, err := only(tx.Positions("SNAP"))
			if err == nil && ps.OnHand != 2 {
				t.Errorf("after the Update, OnHand = %d, want 2", ps.OnHand)
			}
			return err
		})
	}},
	{"ErrorFromWriteMethod", func(t *testing.T, s backorder.Store) {
		// An error a Tx method returns, passed on by fn, comes out of Update
		// with its meaning kept, and nothing is written.
		err := s.Update(t.Context(), func(tx backorder.Tx) error {
			if err := tx.PutItem(backorder.Item{SKU: "BEFORE"}); err != nil {
				return err
			}
			return tx.PutLine(fullLine(id(1), id(2), "X"))
		})
		expectNotFound(t, "Update whose fn returned PutLine's error", err)
		view(t, s, func(tx backorder.Tx) error {
			_, err := tx.Item("BEFORE")
			expectNotFound(t, "Item written before the failing write", err)
			return nil
		})
	}},
}

// String keeps error messages that print a whole snapshot short.
func (s snapshot) String() string {
	return fmt.Sprintf("snapshot{%d events, %d book entries, %d positions, %d shipments}",
		len(s.Events), len(s.Book), len(s.Positions), len(s.Shipments))
}
