package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/memstore"
	"github.com/backorderkit/backorderkit/backorder/pgstore"
)

// TestMergedWritesMatchMemstore runs the same random transactions on
// pgstore and on memstore (the reference) and compares every read and,
// after each transaction, everything stored. The writes are the kinds
// pgstore merges into one statement per batch (positions, book entries
// put and deleted, sequence counters, lines of known orders, including
// lines moving between orders) mixed with the statements that must stay
// in between (orders with their lines), lock statements, prefetches, and
// reads that send a batch at random points.
func TestMergedWritesMatchMemstore(t *testing.T) {
	seeds := 12
	if testing.Short() {
		seeds = 4
	}
	for seed := range seeds {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			differential(t, uint64(seed))
		})
	}
}

var errRollBack = errors.New("roll back")

func differential(t *testing.T, seed uint64) {
	ctx := context.Background()
	pg := newStore(t, nil)
	mem := memstore.New()
	r := rand.New(rand.NewPCG(seed, 7))
	skus := []string{"A", "B", "C"}
	locs := []string{"L1", `L"2\{, } NULL`}
	customers := []string{"C1", "C2"}
	seqs := []string{"seq/A", "seq/B", "n"}
	orders := make([]uuid.UUID, 3)
	lines := make([]uuid.UUID, 8)
	for i := range orders {
		orders[i] = uuid.New()
	}
	for i := range lines {
		lines[i] = uuid.New()
	}
	placed := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	// Every order exists from the start, so a line can always be put on
	// one; lines move between them later.
	setup := func(tx backorder.Tx) error {
		for i, id := range orders {
			o := backorder.Order{ID: id, Customer: customers[i%2], Currency: "EUR", Placed: placed}
			if i == 0 {
				o.Lines = []backorder.Line{{ID: lines[0], SKU: "A", Qty: 1, Backordered: 1}}
			}
			if err := tx.PutOrder(o); err != nil {
				return err
			}
		}
		return nil
	}
	mustUpdate(t, pg, setup)
	mustUpdate(t, mem, setup)

	type op struct {
		name string
		run  func(tx backorder.Tx) (any, error)
	}
	randomOp := func() op {
		sku, loc := skus[r.IntN(len(skus))], locs[r.IntN(len(locs))]
		line, order := lines[r.IntN(len(lines))], orders[r.IntN(len(orders))]
		switch r.IntN(12) {
		case 0, 1:
			p := backorder.StockPosition{SKU: sku, Location: loc, OnHand: r.Int64N(100), Allocated: r.Int64N(10), Received: r.Int64N(5)}
			return op{fmt.Sprintf("PutPosition(%s,%s)", sku, loc), func(tx backorder.Tx) (any, error) { return nil, tx.PutPosition(p) }}
		case 2, 3:
			e := backorder.BookEntry{SKU: sku, LineID: line, OrderID: order, Customer: customers[r.IntN(2)],
				Placed: placed.Add(time.Duration(r.IntN(3)) * time.Hour), Seq: r.Int64N(4), Backordered: r.Int64N(3)}
			if r.IntN(2) == 0 {
				e.Allocations = []backorder.LocQty{{Location: loc, Qty: 1 + r.Int64N(2)}}
			}
			return op{fmt.Sprintf("PutBookEntry(%s,%v,open=%v)", sku, line, e.Open()), func(tx backorder.Tx) (any, error) { return nil, tx.PutBookEntry(e) }}
		case 4:
			name := seqs[r.IntN(len(seqs))]
			return op{"NextSequence(" + name + ")", func(tx backorder.Tx) (any, error) { return tx.NextSequence(name) }}
		case 5, 6:
			l := backorder.Line{ID: line, OrderID: order, SKU: sku, Qty: 1 + r.Int64N(5)}
			l.Backordered = l.Qty
			if r.IntN(3) == 0 {
				l.Backordered, l.Shipped = 0, l.Qty
			}
			return op{fmt.Sprintf("PutLine(%v→%v)", line, order), func(tx backorder.Tx) (any, error) { return nil, tx.PutLine(l) }}
		case 7:
			o := backorder.Order{ID: order, Customer: customers[r.IntN(2)], Currency: "EUR", Placed: placed}
			for range r.IntN(3) {
				id := lines[r.IntN(len(lines))]
				o.Lines = append(o.Lines, backorder.Line{ID: id, SKU: sku, Qty: 2, Backordered: 2})
			}
			return op{fmt.Sprintf("PutOrder(%v, %d lines)", order, len(o.Lines)), func(tx backorder.Tx) (any, error) { return nil, tx.PutOrder(o) }}
		case 8:
			h := backorder.Hint{SKUs: []string{sku}, Lines: []uuid.UUID{line}, Sequences: []string{seqs[r.IntN(len(seqs))]},
				Orders: []uuid.UUID{order}, Locations: r.IntN(2) == 0}
			return op{"Prefetch", func(tx backorder.Tx) (any, error) {
				if p, ok := tx.(backorder.Prefetcher); ok {
					return nil, p.Prefetch(h)
				}
				return nil, nil
			}}
		case 9:
			return op{"Positions+Book(" + sku + ")", func(tx backorder.Tx) (any, error) {
				ps, err := tx.Positions(sku)
				if err != nil {
					return nil, err
				}
				b, err := tx.Book(sku)
				return []any{ps, b}, err
			}}
		case 10:
			return op{fmt.Sprintf("Line+Order(%v,%v)", line, order), func(tx backorder.Tx) (any, error) {
				l, lerr := tx.Line(line)
				o, oerr := tx.Order(order)
				return []any{l, errors.Is(lerr, backorder.ErrNotFound), o, oerr}, nil
			}}
		default:
			c := customers[r.IntN(2)]
			return op{"CustomerBook+Holders", func(tx backorder.Tx) (any, error) {
				cb, err := tx.CustomerBook(c)
				if err != nil {
					return nil, err
				}
				h, err := tx.Holders(sku, loc)
				return []any{cb, h}, err
			}}
		}
	}

	dump := func(s backorder.Store) any {
		var out []any
		err := s.View(ctx, func(tx backorder.Tx) error {
			for _, sku := range skus {
				ps, err := tx.Positions(sku)
				if err != nil {
					return err
				}
				b, err := tx.Book(sku)
				if err != nil {
					return err
				}
				out = append(out, ps, b)
				for _, loc := range locs {
					h, err := tx.Holders(sku, loc)
					if err != nil {
						return err
					}
					out = append(out, h)
				}
			}
			for _, c := range customers {
				cb, err := tx.CustomerBook(c)
				if err != nil {
					return err
				}
				out = append(out, cb)
			}
			for _, id := range orders {
				o, err := tx.Order(id)
				if err != nil {
					return err
				}
				out = append(out, o)
			}
			for _, id := range lines {
				l, err := tx.Line(id)
				out = append(out, l, errors.Is(err, backorder.ErrNotFound))
			}
			return nil
		})
		if err != nil {
			t.Fatalf("dump: %v", err)
		}
		// The counters, read by taking the next value in a transaction
		// that rolls back.
		_ = s.Update(ctx, func(tx backorder.Tx) error {
			for _, n := range seqs {
				v, err := tx.NextSequence(n)
				if err != nil {
					return err
				}
				out = append(out, n, v)
			}
			return errRollBack
		})
		return out
	}

	for txn := range 15 {
		ops := make([]op, 5+r.IntN(30))
		for i := range ops {
			ops[i] = randomOp()
		}
		rollback := r.IntN(5) == 0
		var pgRes, memRes []any
		var names []string
		run := func(s backorder.Store, res *[]any) error {
			return s.Update(ctx, func(tx backorder.Tx) error {
				*res = (*res)[:0]
				names = names[:0]
				for _, o := range ops {
					v, err := o.run(tx)
					if err != nil {
						return fmt.Errorf("%s: %w", o.name, err)
					}
					*res = append(*res, v)
					names = append(names, o.name)
				}
				if rollback {
					return errRollBack
				}
				return nil
			})
		}
		perr, merr := run(pg, &pgRes), run(mem, &memRes)
		if errors.Is(perr, errRollBack) != errors.Is(merr, errRollBack) || (perr == nil) != (merr == nil) {
			t.Fatalf("transaction %d: pgstore %v, memstore %v", txn, perr, merr)
		}
		for i := range pgRes {
			expectSame(t, fmt.Sprintf("transaction %d, op %d %s", txn, i, names[i]), pgRes[i], memRes[i])
		}
		expectSame(t, fmt.Sprintf("everything stored after transaction %d", txn), dump(pg), dump(mem))
		if t.Failed() {
			t.FailNow()
		}
	}
}

// TestRoundTrips pins how many batches the engine's hot operations send
// to PostgreSQL: placing a 10-line order is one read of everything it
// needs (Prefetch), and the commit with every write merged; a receipt into
// a book is the same.
func TestRoundTrips(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, nil)
	eng, err := backorder.New(backorder.Config{Store: s})
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.PutLocation(ctx, backorder.Location{ID: "AMS"}); err != nil {
		t.Fatal(err)
	}
	var skus []string
	for i := range 10 {
		sku := fmt.Sprintf("S%d", i)
		skus = append(skus, sku)
		if err := eng.PutItem(ctx, backorder.Item{SKU: sku}); err != nil {
			t.Fatal(err)
		}
		if _, err := eng.Receive(ctx, backorder.Receipt{ID: "r" + sku, SKU: sku, Location: "AMS", Qty: 25}); err != nil {
			t.Fatal(err)
		}
	}
	order := func() backorder.Order {
		o := backorder.Order{ID: uuid.New(), Customer: "ACME", Currency: "EUR"}
		for _, sku := range skus {
			o.Lines = append(o.Lines, backorder.Line{ID: uuid.New(), SKU: sku, Qty: 10})
		}
		return o
	}
	trips := func(what string, max int64, fn func() error) {
		t.Helper()
		before := pgstore.RoundTrips(s)
		if err := fn(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if n := pgstore.RoundTrips(s) - before; n > max {
			t.Errorf("%s: %d round trips, want at most %d", what, n, max)
		} else {
			t.Logf("%s: %d round trips", what, n)
		}
	}
	for i := range 3 { // 25 units: two orders allocated, the third backordered in part
		o := order()
		trips(fmt.Sprint("PlaceOrder #", i+1), 2, func() error { _, err := eng.PlaceOrder(ctx, o); return err })
		trips(fmt.Sprint("PlaceOrder #", i+1, " again"), 2, func() error { _, err := eng.PlaceOrder(ctx, o); return err })
	}
	trips("Receive into a book", 3, func() error {
		_, err := eng.Receive(ctx, backorder.Receipt{ID: "more", SKU: "S3", Location: "AMS", Qty: 7})
		return err
	})
	for range 4 { // four more orders wait for all of S0
		if _, err := eng.PlaceOrder(ctx, order()); err != nil {
			t.Fatal(err)
		}
	}
	trips("Receive that serves five waiting lines", 3, func() error {
		res, err := eng.Receive(ctx, backorder.Receipt{ID: "S0 again", SKU: "S0", Location: "AMS", Qty: 100})
		if err == nil && len(res.Allocated) != 5 {
			err = fmt.Errorf("served %d lines, want 5", len(res.Allocated))
		}
		return err
	})
	// What the engine wrote is what it would write without merging: the
	// events are numbered 1, 2, 3, … with no gap.
	evs, err := eng.Events(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range evs {
		if e.Seq != uint64(i)+1 {
			t.Fatalf("event %d has Seq %d", i, e.Seq)
		}
	}
	if !slices.ContainsFunc(evs, func(e backorder.Event) bool { return e.Type == backorder.LineBackordered }) {
		t.Error("no line was backordered: the test does not cover a book")
	}
}
