package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/memstore"
	"github.com/backorderkit/backorderkit/backorder/storetest"
)

var _ backorder.AppendTx = appendTx(nil)

// appendTx is the optional capability memstore's transactions have.
type appendTx interface {
	backorder.Tx
	backorder.AppendTx
}

// checkAppends compares the appending reads with the plain ones for every
// SKU the model fuzzer uses: the same values, appended after what dst
// held, and memory of their own.
func checkAppends(tx backorder.Tx) error {
	app, ok := tx.(appendTx)
	if !ok {
		return fmt.Errorf("%T does not implement backorder.AppendTx", tx)
	}
	var diffs []string
	for _, sku := range fzSKUs {
		book, err := tx.Book(sku)
		if err != nil {
			return err
		}
		dst := make([]backorder.BookEntry, 1, 1+len(book)/2) // too small: must grow
		dst[0] = backorder.BookEntry{SKU: "dst"}
		got, err := app.AppendBook(dst, sku)
		if err != nil {
			return err
		}
		for _, d := range storetest.Diff(got, append([]backorder.BookEntry{{SKU: "dst"}}, book...)) {
			diffs = append(diffs, "AppendBook "+sku+": "+d)
		}
		// Changing what was appended changes nothing stored.
		for i := range got {
			if len(got[i].Allocations) > 0 {
				got[i].Allocations[0].Qty = -99
				got[i].Allocations = append(got[i].Allocations, backorder.LocQty{Location: "zz", Qty: 1})
			}
			if len(got[i].Committed) > 0 {
				got[i].Committed[0].Qty = -99
			}
		}
		again, err := tx.Book(sku)
		if err != nil {
			return err
		}
		for _, d := range storetest.Diff(again, book) {
			diffs = append(diffs, "Book "+sku+" after changing AppendBook's result: "+d)
		}

		ps, err := tx.Positions(sku)
		if err != nil {
			return err
		}
		gotPs, err := app.AppendPositions([]backorder.StockPosition{{SKU: "dst"}}, sku)
		if err != nil {
			return err
		}
		for _, d := range storetest.Diff(gotPs, append([]backorder.StockPosition{{SKU: "dst"}}, ps...)) {
			diffs = append(diffs, "AppendPositions "+sku+": "+d)
		}
	}
	if len(diffs) > 0 {
		return errors.New(fmt.Sprint(diffs))
	}
	return nil
}

// FuzzAppendingReads drives memstore with the model fuzzer's random
// transactions and checks the appending reads after each.
func FuzzAppendingReads(f *testing.F) { fuzzChecked(f, 3, checkAppends) }

// fuzzChecked seeds f (from seed) and drives memstore with the model
// fuzzer's random transactions, running check at the end of each one and
// in a View after it.
func fuzzChecked(f *testing.F, seed uint64, check func(backorder.Tx) error) {
	r := rand.New(rand.NewPCG(seed, seed+2))
	for range 20 {
		b := make([]byte, 50+r.IntN(400))
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1024 {
			data = data[:1024]
		}
		d := &decoder{data: data}
		s := memstore.New()
		m := newModel()
		ctx := context.Background()
		for len(d.data) > 0 {
			n := 1 + d.small(6)
			err := s.Update(ctx, func(tx backorder.Tx) error {
				for range n {
					_, o := d.op()
					o(tx, m) // the model test checks the outcome
				}
				return check(tx)
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.View(ctx, check); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// A lookup by id that finds nothing matches ErrNotFound, reads like, and
// converts with errors.As to, a *backorder.NotFoundError naming the id.
func TestNotFoundByID(t *testing.T) {
	s := memstore.New()
	id := uuid.MustParse("7e57ab1e-0000-4000-8000-00000000abcd")
	err := s.View(context.Background(), func(tx backorder.Tx) error {
		for _, c := range []struct {
			kind string
			err  error
		}{
			{"order", second(tx.Order(id))},
			{"line", second(tx.Line(id))},
			{"shipment", second(tx.Shipment(id))},
			{"invoice", second(tx.Invoice(id))},
		} {
			if !errors.Is(c.err, backorder.ErrNotFound) {
				return fmt.Errorf("%s: %v does not match ErrNotFound", c.kind, c.err)
			}
			var nf *backorder.NotFoundError
			if !errors.As(c.err, &nf) || nf.Kind != c.kind || nf.Key != id.String() {
				return fmt.Errorf("%s: errors.As gave %+v", c.kind, nf)
			}
			if c.err.Error() != nf.Error() {
				return fmt.Errorf("%s: %q reads differently from %q", c.kind, c.err, nf)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// PutLine of a line whose order does not exist.
	err = s.Update(context.Background(), func(tx backorder.Tx) error {
		return tx.PutLine(backorder.Line{ID: id, OrderID: id})
	})
	var nf *backorder.NotFoundError
	if !errors.As(err, &nf) || nf.Kind != "order" {
		t.Fatalf("PutLine: %v", err)
	}
}

func second[T any](_ T, err error) error { return err }

// The lines of an order are stored in one block with room for their first
// allocations; a stored line's slices still belong to it alone.
func TestStoredLinesShareNoMemory(t *testing.T) {
	s := memstore.New()
	ctx := context.Background()
	oid := uuid.MustParse("00000000-0000-4000-8000-0000000000a1")
	ids := []uuid.UUID{uuid.MustParse("00000000-0000-4000-8000-0000000000b1"), uuid.MustParse("00000000-0000-4000-8000-0000000000b2")}
	in := backorder.Order{ID: oid, Lines: []backorder.Line{
		{ID: ids[0], SKU: "A", Qty: 9, Allocations: []backorder.LocQty{{Location: "L", Qty: 2}, {Location: "M", Qty: 3}, {Location: "N", Qty: 4}},
			Committed: []backorder.LocQty{{Location: "L", Qty: 1}}},
		{ID: ids[1], SKU: "A", Qty: 1, Allocations: []backorder.LocQty{{Location: "L", Qty: 1}}, Committed: []backorder.LocQty{}},
	}}
	want := in.Clone()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.Update(ctx, func(tx backorder.Tx) error { return tx.PutOrder(in) }))
	in.Lines[0].Allocations[0].Qty = 99 // the caller's memory
	in.Lines[1].Allocations[0].Qty = 99
	must(s.Update(ctx, func(tx backorder.Tx) error {
		l, err := tx.Line(ids[1])
		if err != nil {
			return err
		}
		l.Allocations = append(l.Allocations, backorder.LocQty{Location: "M", Qty: 5}) // a reader's memory
		o, err := tx.Order(oid)
		if err != nil {
			return err
		}
		o.Lines[0].Allocations = append(o.Lines[0].Allocations[:1], backorder.LocQty{Location: "Z", Qty: 7})
		o.Lines[0].Committed[0].Qty = 42
		return nil
	}))
	must(s.View(ctx, func(tx backorder.Tx) error {
		o, err := tx.Order(oid)
		if err != nil {
			return err
		}
		want.Lines[0].OrderID, want.Lines[1].OrderID = oid, oid
		if d := storetest.Diff(o.Lines, want.Lines); len(d) > 0 {
			return fmt.Errorf("stored lines changed: %v", d)
		}
		if !slices.Equal(o.Lines[1].Committed, []backorder.LocQty{}) || o.Lines[1].Committed == nil {
			return fmt.Errorf("an empty Committed came back as %#v", o.Lines[1].Committed)
		}
		return nil
	}))
}

// A line's book entries under several SKUs, and entries for a line that is
// not stored, live in one row with the line: each comes and goes on its
// own, and a rolled-back transaction leaves them as they were.
func TestEntriesUnderSeveralSKUs(t *testing.T) {
	s := memstore.New()
	ctx := context.Background()
	oid := uuid.MustParse("00000000-0000-4000-8000-0000000000c1")
	lid := uuid.MustParse("00000000-0000-4000-8000-0000000000c2")
	entry := func(sku string, back int64) backorder.BookEntry {
		return backorder.BookEntry{SKU: sku, LineID: lid, OrderID: oid, Customer: "C", Seq: 1, Backordered: back}
	}
	update := func(fn func(tx backorder.Tx) error) {
		t.Helper()
		if err := s.Update(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}
	// waiting returns the backordered quantity of the line under each SKU,
	// from Book and from CustomerBook, and whether the line is stored.
	waiting := func() (map[string]int64, bool) {
		t.Helper()
		got := map[string]int64{}
		stored := false
		err := s.View(ctx, func(tx backorder.Tx) error {
			for _, sku := range []string{"A", "B", "C"} {
				book, err := tx.Book(sku)
				if err != nil {
					return err
				}
				for _, e := range book {
					got[sku] += e.Backordered
				}
			}
			cb, err := tx.CustomerBook("C")
			if err != nil {
				return err
			}
			var n int64
			for _, e := range cb {
				n += e.Backordered
			}
			var total int64
			for _, q := range got {
				total += q
			}
			if n != total {
				return fmt.Errorf("CustomerBook has %d waiting, the books %d", n, total)
			}
			_, err = tx.Line(lid)
			stored = err == nil
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return got, stored
	}
	check := func(want map[string]int64, wantStored bool) {
		t.Helper()
		got, stored := waiting()
		if fmt.Sprint(got) != fmt.Sprint(want) || stored != wantStored {
			t.Fatalf("got %v (line stored %v), want %v (%v)", got, stored, want, wantStored)
		}
	}

	update(func(tx backorder.Tx) error { return tx.PutBookEntry(entry("A", 1)) })
	check(map[string]int64{"A": 1}, false)
	update(func(tx backorder.Tx) error { return tx.PutBookEntry(entry("B", 2)) })
	update(func(tx backorder.Tx) error { return tx.PutBookEntry(entry("C", 3)) })
	update(func(tx backorder.Tx) error { return tx.PutBookEntry(entry("B", 4)) })
	check(map[string]int64{"A": 1, "B": 4, "C": 3}, false)
	update(func(tx backorder.Tx) error {
		return tx.PutOrder(backorder.Order{ID: oid, Lines: []backorder.Line{{ID: lid, SKU: "A", Qty: 1, Backordered: 1}}})
	})
	check(map[string]int64{"A": 1, "B": 4, "C": 3}, true)
	update(func(tx backorder.Tx) error { return tx.PutBookEntry(entry("A", 0)) })
	check(map[string]int64{"B": 4, "C": 3}, true)
	// A failed transaction changes nothing.
	err := s.Update(ctx, func(tx backorder.Tx) error {
		return errors.Join(tx.PutBookEntry(entry("B", 0)), tx.PutBookEntry(entry("A", 9)),
			tx.PutBookEntry(entry("C", 8)), errRollback)
	})
	if !errors.Is(err, errRollback) {
		t.Fatal(err)
	}
	check(map[string]int64{"B": 4, "C": 3}, true)
	update(func(tx backorder.Tx) error {
		return errors.Join(tx.PutBookEntry(entry("B", 0)), tx.PutBookEntry(entry("C", 0)), tx.PutBookEntry(entry("C", 0)))
	})
	check(map[string]int64{}, true)
	update(func(tx backorder.Tx) error { return tx.PutBookEntry(entry("C", 5)) })
	check(map[string]int64{"C": 5}, true)

	// An entry of a line that is not stored goes with its last entry.
	other := uuid.MustParse("00000000-0000-4000-8000-0000000000c3")
	update(func(tx backorder.Tx) error {
		return tx.PutBookEntry(backorder.BookEntry{SKU: "A", LineID: other, Customer: "D", Backordered: 1})
	})
	update(func(tx backorder.Tx) error {
		return tx.PutBookEntry(backorder.BookEntry{SKU: "A", LineID: other, Customer: "D"})
	})
	err = s.View(ctx, func(tx backorder.Tx) error {
		cb, err := tx.CustomerBook("D")
		if err != nil || len(cb) > 0 {
			return fmt.Errorf("customer D's book: %v, %v", cb, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The appending reads refuse a transaction that has ended, and leave dst
// as it was.
func TestAppendingReadsAfterTheEnd(t *testing.T) {
	s := memstore.New()
	var kept backorder.Tx
	if err := s.View(context.Background(), func(tx backorder.Tx) error { kept = tx; return nil }); err != nil {
		t.Fatal(err)
	}
	app := kept.(backorder.AppendTx)
	dst := []backorder.BookEntry{{SKU: "dst"}}
	got, err := app.AppendBook(dst, "A")
	if !errors.Is(err, memstore.ErrTxDone) || len(got) != 1 {
		t.Fatalf("AppendBook after the end: %v, %v", got, err)
	}
	ps, err := app.AppendPositions(nil, "A")
	if !errors.Is(err, memstore.ErrTxDone) || ps != nil {
		t.Fatalf("AppendPositions after the end: %v, %v", ps, err)
	}
	// errors.As into anything but a *backorder.NotFoundError finds nothing.
	err = s.View(context.Background(), func(tx backorder.Tx) error { _, err := tx.Line(uuid.Nil); return err })
	var ve *backorder.ValidationError
	if errors.As(err, &ve) {
		t.Fatalf("a not-found error converted to %v", ve)
	}
}
