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
