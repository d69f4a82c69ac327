package memstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/memstore"
)

// TestEntryBesideLine follows an open line's book entry through the room
// the store keeps for it beside the line: stored there, rolled back, stored
// again, replaced, deleted, and under a second SKU; every read sees what
// was committed, and what a reader holds never changes.
func TestEntryBesideLine(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	oid, lid := uuid.New(), uuid.New()
	line := backorder.Line{ID: lid, OrderID: oid, SKU: "A", Qty: 9, Backordered: 4,
		Allocations: []backorder.LocQty{{Location: "AMS", Qty: 5}}}
	entry := func(backordered int64, loc string, q int64) backorder.BookEntry {
		e := backorder.BookEntry{SKU: "A", LineID: lid, OrderID: oid, Customer: "C", Seq: 1, Backordered: backordered}
		if q > 0 {
			e.Allocations = []backorder.LocQty{{Location: loc, Qty: q}}
		}
		return e
	}
	update := func(fn func(tx backorder.Tx) error) error { return s.Update(ctx, fn) }
	book := func() (waiting, holders []backorder.BookEntry) {
		require.NoError(t, s.View(ctx, func(tx backorder.Tx) error {
			var err error
			if waiting, err = tx.Book("A"); err != nil {
				return err
			}
			holders, err = tx.Holders("A", "AMS")
			return err
		}))
		return waiting, holders
	}
	boom := errors.New("boom")

	// Placed with the order; the entry written in a transaction that fails.
	require.NoError(t, update(func(tx backorder.Tx) error {
		return tx.PutOrder(backorder.Order{ID: oid, Lines: []backorder.Line{line}})
	}))
	require.ErrorIs(t, update(func(tx backorder.Tx) error {
		if err := tx.PutBookEntry(entry(4, "AMS", 5)); err != nil {
			return err
		}
		return boom
	}), boom)
	w, h := book()
	require.Empty(t, w)
	require.Empty(t, h)

	// Written again, committed: the room is reused.
	first := entry(4, "AMS", 5)
	require.NoError(t, update(func(tx backorder.Tx) error { return tx.PutBookEntry(first) }))
	w, h = book()
	require.Equal(t, []backorder.BookEntry{first}, w)
	require.Equal(t, []backorder.BookEntry{first}, h)

	// Replaced twice in one transaction (the room is taken: new memory),
	// then by a line write and its entry, rolled back.
	second := entry(2, "AMS", 7)
	require.NoError(t, update(func(tx backorder.Tx) error {
		if err := tx.PutBookEntry(entry(3, "AMS", 6)); err != nil {
			return err
		}
		return tx.PutBookEntry(second)
	}))
	require.ErrorIs(t, update(func(tx backorder.Tx) error {
		l := line
		l.Backordered, l.Allocations = 0, []backorder.LocQty{{Location: "AMS", Qty: 9}}
		if err := tx.PutLine(l); err != nil {
			return err
		}
		if err := tx.PutBookEntry(entry(0, "AMS", 9)); err != nil {
			return err
		}
		return boom
	}), boom)
	w, h = book()
	require.Equal(t, []backorder.BookEntry{second}, w)
	require.Equal(t, []backorder.BookEntry{second}, h)

	// A line write and its entry, committed; then an entry under another
	// SKU for the same line.
	third := entry(0, "AMS", 9)
	other := backorder.BookEntry{SKU: "B", LineID: lid, OrderID: oid, Customer: "C", Seq: 2, Backordered: 1}
	require.NoError(t, update(func(tx backorder.Tx) error {
		l := line
		l.Backordered, l.Allocations = 0, []backorder.LocQty{{Location: "AMS", Qty: 9}}
		if err := tx.PutLine(l); err != nil {
			return err
		}
		if err := tx.PutBookEntry(third); err != nil {
			return err
		}
		return tx.PutBookEntry(other)
	}))
	w, h = book()
	require.Empty(t, w)
	require.Equal(t, []backorder.BookEntry{third}, h)
	require.NoError(t, s.View(ctx, func(tx backorder.Tx) error {
		b, err := tx.Book("B")
		require.Equal(t, []backorder.BookEntry{other}, b)
		return err
	}))

	// Shipped: the line is closed, its entry deleted.
	require.NoError(t, update(func(tx backorder.Tx) error {
		l := line
		l.Backordered, l.Allocations, l.Shipped = 0, nil, 9
		if err := tx.PutLine(l); err != nil {
			return err
		}
		return tx.PutBookEntry(entry(0, "", 0))
	}))
	w, h = book()
	require.Empty(t, w)
	require.Empty(t, h)
	require.NoError(t, s.View(ctx, func(tx backorder.Tx) error {
		l, err := tx.Line(lid)
		require.Equal(t, int64(9), l.Shipped)
		return err
	}))
}

// TestRollbackRestoresDeletedRow removes the only book entry stored under a
// line id that has no line, so that the store deletes the id's row, then,
// in the same transaction, writes the id again or not, and fails: the
// rollback puts the first row back under its id, in the book, among the
// holders and in the customer's book, exactly as it was. The row is then
// the store's as before: removing it for good and writing the id again
// both work.
func TestRollbackRestoresDeletedRow(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	line := uuid.New()
	e := backorder.BookEntry{SKU: "A", LineID: line, OrderID: uuid.New(), Customer: "C", Seq: 1, Backordered: 3,
		Allocations: []backorder.LocQty{{Location: "AMS", Qty: 2}}}
	closed := e
	closed.Backordered, closed.Allocations = 0, nil
	require.NoError(t, s.Update(ctx, func(tx backorder.Tx) error { return tx.PutBookEntry(e) }))

	type state struct{ book, holders, customer []backorder.BookEntry }
	read := func(tx backorder.Tx) state {
		var st state
		var err error
		st.book, err = tx.Book("A")
		require.NoError(t, err)
		st.holders, err = tx.Holders("A", "AMS")
		require.NoError(t, err)
		st.customer, err = tx.CustomerBook("C")
		require.NoError(t, err)
		return st
	}
	var before state
	require.NoError(t, s.View(ctx, func(tx backorder.Tx) error { before = read(tx); return nil }))
	require.Len(t, before.book, 1)
	require.Len(t, before.holders, 1)
	require.Len(t, before.customer, 1)

	errFail := errors.New("fail")
	for _, again := range []int64{0, 7} {
		err := s.Update(ctx, func(tx backorder.Tx) error {
			require.NoError(t, tx.PutBookEntry(closed))
			require.Equal(t, state{}, read(tx), "the entry is gone, and its row")
			if again > 0 {
				// A new row under the same id, deleted by the rollback
				// before the first comes back.
				e2 := e
				e2.Backordered, e2.Seq = again, 2
				require.NoError(t, tx.PutBookEntry(e2))
				require.Len(t, read(tx).book, 1)
			}
			return errFail
		})
		require.ErrorIs(t, err, errFail)
		require.NoError(t, s.View(ctx, func(tx backorder.Tx) error {
			require.Equal(t, before, read(tx), "rolled back, written again: %d", again)
			return nil
		}))
	}

	require.NoError(t, s.Update(ctx, func(tx backorder.Tx) error { return tx.PutBookEntry(closed) }))
	require.NoError(t, s.View(ctx, func(tx backorder.Tx) error {
		require.Equal(t, state{}, read(tx))
		return nil
	}))
	require.NoError(t, s.Update(ctx, func(tx backorder.Tx) error { return tx.PutBookEntry(e) }))
	require.NoError(t, s.View(ctx, func(tx backorder.Tx) error {
		require.Equal(t, before, read(tx))
		return nil
	}))
}
