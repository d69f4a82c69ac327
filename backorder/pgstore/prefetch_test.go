package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/backorder"
)

// TestPrefetch checks that reads after Prefetch return what the same reads
// return without it, that writes after Prefetch are seen, and that
// NextSequence counts on from prefetched values.
func TestPrefetch(t *testing.T) {
	s := newStore(t, nil)
	oid, l1, l2, missing := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	mustUpdate(t, s, func(tx backorder.Tx) error {
		for range 3 {
			if _, err := tx.NextSequence("seq/A"); err != nil {
				return err
			}
		}
		var err error
		for i := range 70 { // a book longer than Prefetch reads ahead
			err = errors.Join(err, tx.PutBookEntry(backorder.BookEntry{SKU: "LONG", LineID: uuid.New(), Customer: "C", Seq: int64(i), Backordered: 1}))
		}
		return errors.Join(err,
			tx.PutItem(fullItem("A")), tx.PutItem(fullItem("LONG")),
			tx.PutPosition(backorder.StockPosition{SKU: "A", Location: "L2", OnHand: 2}),
			tx.PutPosition(backorder.StockPosition{SKU: "A", Location: "L1", OnHand: 1}),
			tx.PutBookEntry(backorder.BookEntry{SKU: "A", LineID: l1, OrderID: oid, Customer: "C", Seq: 2, Backordered: 3}),
			tx.PutBookEntry(backorder.BookEntry{SKU: "A", LineID: l2, OrderID: oid, Customer: "C", Seq: 1, Backordered: 4}),
			tx.PutOrder(backorder.Order{ID: oid, Customer: "C", Lines: []backorder.Line{
				{ID: l1, SKU: "A", Qty: 3, Backordered: 3}, {ID: l2, SKU: "A", Qty: 4, Backordered: 4}}}))
	})
	type reads struct {
		Items     []maybeItem
		Positions [][]backorder.StockPosition
		Books     [][]backorder.BookEntry
		Lines     []maybeLine
	}
	skus := []string{"A", "LONG", "NONE"}
	lines := []uuid.UUID{l1, l2, missing}
	read := func(tx backorder.Tx) (reads, error) {
		var r reads
		for _, sku := range skus {
			it, err := tx.Item(sku)
			r.Items = append(r.Items, maybeItem{err == nil, it})
			if err != nil && !errors.Is(err, backorder.ErrNotFound) {
				return r, err
			}
			ps, err := tx.Positions(sku)
			if err != nil {
				return r, err
			}
			r.Positions = append(r.Positions, ps)
			b, err := tx.Book(sku)
			if err != nil {
				return r, err
			}
			r.Books = append(r.Books, b)
		}
		for _, id := range lines {
			l, err := tx.Line(id)
			r.Lines = append(r.Lines, maybeLine{err == nil, l})
			if err != nil && !errors.Is(err, backorder.ErrNotFound) {
				return r, err
			}
		}
		return r, nil
	}
	var want reads
	mustView(t, s, func(tx backorder.Tx) error { var err error; want, err = read(tx); return err })
	if len(want.Books[1]) != 70 || !want.Items[0].Found || want.Items[2].Found || !want.Lines[0].Found || want.Lines[2].Found {
		t.Fatalf("fixture: %+v", want)
	}
	for _, mode := range []string{"Update", "View"} {
		run := s.Update
		if mode == "View" {
			run = s.View
		}
		if err := run(context.Background(), func(tx backorder.Tx) error {
			if err := tx.(backorder.Prefetcher).Prefetch(backorder.Hint{SKUs: skus, Lines: lines, Sequences: []string{"seq/A", "seq/NEW"}}); err != nil {
				return err
			}
			got, err := read(tx)
			expectSame(t, "reads after Prefetch in "+mode, got, want)
			return err
		}); err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
	}

	// Writes after Prefetch are seen; sequences count on.
	mustUpdate(t, s, func(tx backorder.Tx) error {
		if err := tx.(backorder.Prefetcher).Prefetch(backorder.Hint{SKUs: skus, Lines: lines, Sequences: []string{"seq/A", "seq/NEW"}}); err != nil {
			return err
		}
		for _, want := range []struct {
			name string
			v    int64
		}{{"seq/A", 4}, {"seq/A", 5}, {"seq/NEW", 1}, {"seq/A", 6}, {"seq/OTHER", 1}, {"seq/OTHER", 2}} {
			if v, err := tx.NextSequence(want.name); err != nil || v != want.v {
				t.Errorf("NextSequence(%q) = %d, %v; want %d", want.name, v, err, want.v)
			}
		}
		it := fullItem("A")
		it.Description = "changed"
		l := want.Lines[0].Value
		l.Backordered, l.Cancelled = 0, 3
		err := errors.Join(tx.PutItem(it),
			tx.PutPosition(backorder.StockPosition{SKU: "A", Location: "L0", OnHand: 9}),
			tx.PutBookEntry(backorder.BookEntry{SKU: "A", LineID: l1, OrderID: oid, Customer: "C", Seq: 2}),
			tx.PutLine(l))
		if err != nil {
			return err
		}
		gotIt, err1 := tx.Item("A")
		ps, err2 := tx.Positions("A")
		b, err3 := tx.Book("A")
		gotL, err4 := tx.Line(l1)
		if gotIt.Description != "changed" || len(ps) != 3 || len(b) != 1 || gotL.Cancelled != 3 {
			t.Errorf("reads after writes over a Prefetch: item %q, %d positions, %d book entries, line cancelled %d",
				gotIt.Description, len(ps), len(b), gotL.Cancelled)
		}
		return errors.Join(err1, err2, err3, err4)
	})
	mustUpdate(t, s, func(tx backorder.Tx) error {
		for name, want := range map[string]int64{"seq/A": 7, "seq/NEW": 2, "seq/OTHER": 3} {
			if v, err := tx.NextSequence(name); err != nil || v != want {
				t.Errorf("after commit, NextSequence(%q) = %d, %v; want %d", name, v, err, want)
			}
		}
		return nil
	})
}

func fullItem(sku string) backorder.Item {
	return backorder.Item{SKU: sku, Description: "d", Status: backorder.NoBackorder, LeadTime: 36e11,
		Substitutes: []string{"X", "Y"}, Policy: "fifo", CasePack: 6}
}

type maybeItem struct {
	Found bool
	Value backorder.Item
}

type maybeLine struct {
	Found bool
	Value backorder.Line
}

// TestPrefetchSequences mixes transactions that prefetch a sequence and
// count it on locally with ones that do not: every number is handed out
// once.
func TestPrefetchSequences(t *testing.T) {
	s := newStore(t, nil)
	const workers, rounds = 6, 30
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				var got []int64
				err := retry(context.Background(), s, func(tx backorder.Tx) error {
					got = got[:0]
					if (w+i)%2 == 0 {
						if err := tx.(backorder.Prefetcher).Prefetch(backorder.Hint{Sequences: []string{"shared"}}); err != nil {
							return err
						}
					}
					for range 2 {
						v, err := tx.NextSequence("shared")
						if err != nil {
							return err
						}
						got = append(got, v)
					}
					return nil
				})
				if err != nil {
					t.Errorf("worker %d: %v", w, err)
					return
				}
				mu.Lock()
				for _, v := range got {
					seen[v]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for v := int64(1); v <= workers*rounds*2; v++ {
		if seen[v] != 1 {
			t.Errorf("%d handed out %d times", v, seen[v])
		}
	}
	if len(seen) != workers*rounds*2 {
		t.Errorf("%d distinct numbers, want %d", len(seen), workers*rounds*2)
	}
}

// TestPrefetchNoPhantoms repeats the book cap test with every transaction
// reading the book through Prefetch.
func TestPrefetchNoPhantoms(t *testing.T) {
	c := capCase{
		name: "BookPrefetched",
		count: func(tx backorder.Tx) (int, error) {
			if err := tx.(backorder.Prefetcher).Prefetch(backorder.Hint{SKUs: []string{"S"}}); err != nil {
				return 0, err
			}
			return lenOf(tx.Book("S"))
		},
		add: func(tx backorder.Tx, n int) error {
			return tx.PutBookEntry(backorder.BookEntry{SKU: "S", LineID: uuid.New(), Customer: fmt.Sprint("C", n), Seq: int64(n), Backordered: 1})
		},
	}
	runCapCase(t, c)
}

// TestPrefetchOrder checks that what Prefetch reads comes back in the
// order the one-by-one reads give, now that the prefetch statement leaves
// the order to the client: positions by location, waiting book entries by
// seq then line id (equal seqs included), inbound lines by expected date
// with no date first and ties (to the microsecond: the column's precision,
// while documents keep nanoseconds) broken by id, an order's lines by
// their place, and locations by rank then id.
func TestPrefetchOrder(t *testing.T) {
	s := newStore(t, nil)
	rng := rand.New(rand.NewPCG(7, 7))
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	oid := uuid.New()
	var lineIDs []uuid.UUID
	mustUpdate(t, s, func(tx backorder.Tx) error {
		var err error
		for i, loc := range []string{"Z", "b", "B", "a", "M", "é"} {
			err = errors.Join(err,
				tx.PutLocation(backorder.Location{ID: loc, Rank: (i * 7) % 3}),
				tx.PutPosition(backorder.StockPosition{SKU: "A", Location: loc, OnHand: int64(i)}))
		}
		for range 12 {
			err = errors.Join(err, tx.PutBookEntry(backorder.BookEntry{SKU: "A", LineID: uuid.New(),
				Customer: "C", Seq: int64(rng.IntN(4)), Backordered: 1}))
		}
		for i := range 12 {
			var exp time.Time
			if i%4 != 0 {
				// Several share a microsecond and differ in nanoseconds.
				exp = t0.Add(time.Duration(rng.IntN(3))*time.Microsecond + time.Duration(rng.IntN(1000)))
			}
			err = errors.Join(err, tx.PutInbound(backorder.Inbound{ID: fmt.Sprintf("IN-%02d", 11-i),
				SKU: "A", Location: "Z", Qty: 1, Expected: exp}))
		}
		o := backorder.Order{ID: oid, Customer: "C"}
		for i := range 7 {
			id := uuid.New()
			lineIDs = append(lineIDs, id)
			o.Lines = append(o.Lines, backorder.Line{ID: id, SKU: fmt.Sprint("S", 6-i), Qty: int64(i + 1), Backordered: int64(i + 1)})
		}
		return errors.Join(err, tx.PutOrder(o))
	})
	// A line added later goes after the others.
	mustUpdate(t, s, func(tx backorder.Tx) error {
		id := uuid.New()
		lineIDs = append(lineIDs, id)
		return tx.PutLine(backorder.Line{ID: id, OrderID: oid, SKU: "S0", Qty: 1, Backordered: 1})
	})

	type reads struct {
		Positions []backorder.StockPosition
		Book      []backorder.BookEntry
		Inbounds  []backorder.Inbound
		Order     backorder.Order
		Locations []backorder.Location
	}
	read := func(tx backorder.Tx, prefetch bool) (reads, error) {
		var r reads
		if prefetch {
			err := tx.(backorder.Prefetcher).Prefetch(backorder.Hint{SKUs: []string{"A"}, Orders: []uuid.UUID{oid}, Locations: true})
			if err != nil {
				return r, err
			}
		}
		var err error
		if r.Positions, err = tx.Positions("A"); err != nil {
			return r, err
		}
		if r.Book, err = tx.Book("A"); err != nil {
			return r, err
		}
		if r.Inbounds, err = tx.Inbounds("A"); err != nil {
			return r, err
		}
		if r.Order, err = tx.Order(oid); err != nil {
			return r, err
		}
		r.Locations, err = tx.Locations()
		return r, err
	}
	var plain, pre reads
	mustUpdate(t, s, func(tx backorder.Tx) (err error) { plain, err = read(tx, false); return err })
	mustUpdate(t, s, func(tx backorder.Tx) (err error) { pre, err = read(tx, true); return err })
	if !reflect.DeepEqual(plain, pre) {
		t.Errorf("reads after Prefetch differ from plain reads:\nplain    %+v\nprefetch %+v", plain, pre)
	}
	// The plain reads are the server's order; pin the parts of it the
	// test means to exercise, so that it cannot pass on empty reads.
	if len(pre.Positions) != 6 || len(pre.Book) != 12 || len(pre.Inbounds) != 12 || len(pre.Locations) != 6 {
		t.Fatalf("read %d positions, %d book entries, %d inbounds, %d locations; want 6, 12, 12, 6",
			len(pre.Positions), len(pre.Book), len(pre.Inbounds), len(pre.Locations))
	}
	var got []uuid.UUID
	for _, l := range pre.Order.Lines {
		got = append(got, l.ID)
	}
	if !slices.Equal(got, lineIDs) {
		t.Errorf("order lines %v, want %v", got, lineIDs)
	}
	if !pre.Inbounds[0].Expected.IsZero() {
		t.Errorf("first inbound expected %v, want none", pre.Inbounds[0].Expected)
	}
}
