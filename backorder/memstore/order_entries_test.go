package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/memstore"
)

// orderEntriesOp is an op that writes an order and book entries with
// PutOrderEntries; the model does what PutOrder and then PutBookEntry for
// each entry do, the method's reference. The entries are of the order's
// lines under their own SKUs, open or closed, mostly in the lines' order,
// and sometimes out of it, repeated, of another SKU, or of another line.
func (d *decoder) orderEntriesOp() (string, op) {
	o := backorder.Order{ID: fzID(d.next()), Customer: d.pick(fzCusts)}
	for range d.small(4) {
		o.Lines = append(o.Lines, backorder.Line{ID: fzID(d.next()), SKU: d.pick(fzSKUs), Qty: d.small(9),
			Backordered: d.small(2), Allocations: d.allocs()})
	}
	var entries []*backorder.BookEntry
	for _, l := range o.Lines {
		if d.next()%4 == 0 {
			continue
		}
		e := &backorder.BookEntry{SKU: l.SKU, LineID: l.ID, OrderID: o.ID, Customer: o.Customer, Placed: d.at(),
			Seq: d.small(4), Backordered: l.Backordered, Allocations: l.Allocations}
		switch d.next() % 8 {
		case 0: // closed: removes what the row has under the SKU
			e.Backordered, e.Allocations = 0, nil
		case 1: // under another SKU
			e.SKU = d.pick(fzSKUs)
		case 2: // of a line of the store's, maybe of this order
			e.LineID = fzID(d.next())
		case 3: // written twice, the second time changed
			again := *e
			again.Backordered++
			entries = append(entries, e)
			e = &again
		}
		entries = append(entries, e)
	}
	if len(entries) > 1 && d.next()%4 == 0 { // out of the lines' order
		entries[0], entries[len(entries)-1] = entries[len(entries)-1], entries[0]
	}
	return "PutOrderEntries", func(tx backorder.Tx, m *model) (error, error) {
		oe, ok := tx.(backorder.OrderEntriesTx)
		if !ok {
			return fmt.Errorf("%T does not implement backorder.OrderEntriesTx", tx), nil
		}
		oc := o.Clone()
		var ecs []backorder.BookEntry
		for _, e := range entries {
			ecs = append(ecs, e.Clone())
		}
		err := oe.PutOrderEntries(&o, entries)
		if !backorderEqual(o, oc) {
			return errors.New("PutOrderEntries changed its order"), nil
		}
		for i, e := range entries {
			if !backorderEqual(*e, ecs[i]) {
				return errors.New("PutOrderEntries changed an entry"), nil
			}
		}
		m.putOrder(o)
		for _, e := range entries {
			if e.Backordered == 0 && len(e.Allocations) == 0 {
				delete(m.book, bookKey(e.SKU, e.LineID))
			} else {
				m.book[bookKey(e.SKU, e.LineID)] = e.Clone()
			}
		}
		return err, nil
	}
}

// FuzzOrderEntries checks PutOrderEntries against PutOrder and then
// PutBookEntry for each entry, in the model, among every other write: a
// third of the ops, on the small id space the others use, so that its
// lines are new or stored, in this order or another, with or without
// entries, written earlier in the same transaction or not, and rolled
// back.
func FuzzOrderEntries(f *testing.F) {
	addModelSeeds(f, 60, 19, 23)
	f.Fuzz(func(t *testing.T, data []byte) {
		runModelWith(t, data, func(d *decoder) (string, op) {
			if d.next()%3 == 0 {
				return d.orderEntriesOp()
			}
			return d.op()
		})
	})
}

// TestOrderEntriesManyLines writes an order of 70 lines with their entries
// (more than one word of the method's record of which entries it wrote
// with their lines; every third entry out of place, so written after the
// order) and reads back what PutOrder and PutBookEntry write.
func TestOrderEntriesManyLines(t *testing.T) {
	ctx := context.Background()
	o := backorder.Order{ID: uuid.New(), Customer: "C", Currency: "EUR"}
	var entries []*backorder.BookEntry
	for i := range 70 {
		l := backorder.Line{ID: uuid.New(), SKU: []string{"A", "B"}[i%2], Qty: 3, Backordered: int64(1 + i%2),
			Allocations: []backorder.LocQty{{Location: "AMS", Qty: 2 - int64(i%2)}}}
		o.Lines = append(o.Lines, l)
		entries = append(entries, &backorder.BookEntry{SKU: l.SKU, LineID: l.ID, OrderID: o.ID, Customer: "C",
			Seq: int64(i), Backordered: l.Backordered, Allocations: l.Allocations})
	}
	for i := 0; i+2 < len(entries); i += 3 {
		entries[i], entries[i+2] = entries[i+2], entries[i]
	}
	read := func(s *memstore.Store) (backorder.Order, []backorder.BookEntry, []backorder.BookEntry) {
		var got backorder.Order
		var a, b []backorder.BookEntry
		require.NoError(t, s.View(ctx, func(tx backorder.Tx) error {
			var err error
			if got, err = tx.Order(o.ID); err != nil {
				return err
			}
			if a, err = tx.Book("A"); err != nil {
				return err
			}
			b, err = tx.Holders("B", "AMS")
			return err
		}))
		return got, a, b
	}
	with, without := memstore.New(), memstore.New()
	require.NoError(t, with.Update(ctx, func(tx backorder.Tx) error {
		return tx.(backorder.OrderEntriesTx).PutOrderEntries(&o, entries)
	}))
	require.NoError(t, without.Update(ctx, func(tx backorder.Tx) error {
		if err := tx.PutOrder(o); err != nil {
			return err
		}
		for _, e := range entries {
			if err := tx.PutBookEntry(*e); err != nil {
				return err
			}
		}
		return nil
	}))
	wo, wa, wb := read(without)
	go1, ga, gb := read(with)
	require.Equal(t, wo, go1)
	require.Equal(t, wa, ga)
	require.Equal(t, wb, gb)
	require.Len(t, ga, 35)
	require.Len(t, gb, 35)
	require.ErrorIs(t, with.View(ctx, func(tx backorder.Tx) error {
		return tx.(backorder.OrderEntriesTx).PutOrderEntries(&o, entries)
	}), memstore.ErrReadOnly)
}
