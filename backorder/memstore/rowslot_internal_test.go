package memstore

import (
	"context"
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/backorderkit/backorderkit/backorder"
)

// TestRowSlotRoundTrip stores random rows, built from a few blocks, boxes
// and exts, into a slot that held another row, and reads each back ==
// to what was stored. A row is kept without x exactly when the rule,
// written out here, says so; an x is never modified, and a row stored
// again as it was keeps its x.
func TestRowSlotRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	// Two registered blocks, of one and of three boxes: refs names two
	// boxes, obs the same boxes.
	var log undoLog
	tb := newLineTable(new(interner), &log, nil, nil)
	tb.addBlock(make([]openLineBox, 1))
	tb.addBlock(make([]openLineBox, 3))
	refs := []blockRef{{blk: 1}, {blk: 2, i: 2}}
	obs := []*openLineBox{tb.box(refs[0]), tb.box(refs[1])}
	lb, eb := new(lineBox), new(entryBox)
	ext, sp, more := new(lineExt), new(entrySpill), &[]entryRef{{b: new(entryBox)}}
	pick := func(n int) int { return r.IntN(n) }
	random := func() lineRow {
		var row lineRow
		if pick(3) == 0 {
			// The common form, or near it.
			k := pick(2)
			ob := obs[k]
			row.ob = refs[k]
			if pick(4) > 0 {
				row.line = &ob.line
			}
			if pick(4) > 0 {
				row.home = &ob.entry
			}
			if pick(2) == 0 {
				row.entry.b = &ob.entry
			}
			if pick(8) == 0 {
				row.lext = ext
			}
			row.homeTx = uint64(pick(3))
			return row
		}
		if k := pick(3); k > 0 {
			row.ob = refs[k-1]
		}
		switch pick(4) {
		case 1:
			row.line = &obs[0].line
		case 2:
			row.line = &obs[1].line
		case 3:
			row.line = lb
		}
		entryBoxes := []*entryBox{nil, &obs[0].entry, &obs[1].entry, eb}
		row.home = entryBoxes[pick(4)]
		row.entry.b = entryBoxes[pick(4)]
		if pick(4) == 0 {
			row.entry.sp = sp
		}
		if pick(4) == 0 {
			row.lext = ext
		}
		if pick(4) == 0 {
			row.more = more
		}
		row.homeTx = uint64(pick(3))
		return row
	}
	compactRule := func(row lineRow) bool {
		if row.lext != nil || row.entry.sp != nil || row.more != nil {
			return false
		}
		if row.ob == (blockRef{}) {
			return row.line == nil && row.home == nil && row.entry.b == nil
		}
		ob := obs[0]
		if row.ob == refs[1] {
			ob = obs[1]
		}
		return in(row.line, &ob.line) && in(row.home, &ob.entry) && in(row.entry.b, &ob.entry)
	}
	var s rowSlot
	compact, whole := 0, 0
	for step := range 20000 {
		row := random()
		var old *lineRow
		var oldX lineRow
		if s.x != nil {
			old, oldX = s.x, *s.x
		}
		tb.store(&s, &row)
		got := tb.rowOf(&s)
		require.True(t, got == row, "step %d: stored %+v, read %+v", step, row, got)
		if compactRule(row) {
			compact++
			require.Nil(t, s.x, "step %d: %+v has the common form", step, row)
		} else {
			whole++
			require.NotNil(t, s.x, "step %d", step)
		}
		if old != nil {
			require.True(t, *old == oldX, "step %d: an x is never modified", step)
		}
		if s.x != nil {
			x := s.x
			again := row
			tb.store(&s, &again)
			require.Same(t, x, s.x, "step %d: the same row keeps its x", step)
		}
	}
	require.Greater(t, compact, 1000)
	require.Greater(t, whole, 1000)
}

// in reports whether p is nil or q, for pointers of one type.
func in[T any](p, q *T) bool { return p == nil || p == q }

// TestRowSlotPointers pins what makes a stored row cheap to mark: one
// pointer word, not set for a row in the common form.
func TestRowSlotPointers(t *testing.T) {
	typ := reflect.TypeFor[rowSlot]()
	n := 0
	for i := range typ.NumField() {
		if hasPointers(typ.Field(i).Type) {
			require.Equal(t, reflect.Pointer, typ.Field(i).Type.Kind(), typ.Field(i).Name)
			n++
		}
	}
	require.Equal(t, 1, n)
}

// TestRowChunksHaveNoPointers stores rows in the common form across
// several chunks and checks that no chunk has pointer storage (the chunks
// themselves have none); then a row kept whole gets its chunk's, a
// rolled-back one gives its x back, and one written back in the common
// form clears its x.
func TestRowChunksHaveNoPointers(t *testing.T) {
	require.False(t, hasPointers(reflect.TypeFor[rowCore]()), "rowCore has a pointer")
	ctx := context.Background()
	s := New()
	price := decimal.RequireFromString("2.50")
	var lines []backorder.Line
	for range 3 {
		o := backorder.Order{ID: uuid.New(), Customer: "C", Currency: "EUR"}
		for range rowChunk / 2 {
			o.Lines = append(o.Lines, backorder.Line{ID: uuid.New(), OrderID: o.ID, SKU: "A", Qty: 5, UnitPrice: price,
				Backordered: 5})
		}
		require.NoError(t, s.Update(ctx, func(tx backorder.Tx) error { return tx.PutOrder(o) }))
		lines = append(lines, o.Lines...)
	}
	require.Len(t, s.lines.chunks, 2)
	require.Equal(t, []([]*lineRow){nil, nil}, s.lines.xs, "no row is kept whole")

	rare := lines[rowChunk+1] // in the second chunk
	rare.DiscountPercent = decimal.RequireFromString("10")
	num := s.lines.rows.get(rare.ID)
	errFail := errors.New("fail")
	require.ErrorIs(t, s.Update(ctx, func(tx backorder.Tx) error {
		if err := tx.PutLine(rare); err != nil {
			return err
		}
		require.NotNil(t, s.lines.slot(num).x, "kept whole")
		return errFail
	}), errFail)
	require.Nil(t, s.lines.slot(num).x, "rolled back")
	require.NoError(t, s.Update(ctx, func(tx backorder.Tx) error { return tx.PutLine(rare) }))
	x := s.lines.slot(num).x
	require.NotNil(t, x)
	require.Nil(t, s.lines.xs[0], "the first chunk keeps no row whole")
	require.Same(t, x, s.lines.xs[1][(num-1)%rowChunk])
	var got backorder.Line
	require.NoError(t, s.View(ctx, func(tx backorder.Tx) error {
		var err error
		got, err = tx.Line(rare.ID)
		return err
	}))
	require.True(t, rare.DiscountPercent.Equal(got.DiscountPercent))

	plain := lines[rowChunk+1]
	require.NoError(t, s.Update(ctx, func(tx backorder.Tx) error { return tx.PutLine(plain) }))
	require.Nil(t, s.lines.slot(num).x, "written back in the common form")
	require.Nil(t, s.lines.xs[1][(num-1)%rowChunk], "and the chunk's pointer cleared")
}

// TestStoredRowsAreCompact stores an order's open lines with their book
// entries (through PutOrderEntries, as the engine does, and through
// PutOrder then PutBookEntry), writes them again as shipping does, and
// checks that every row is kept in the common form; a line with a rare
// field, whose row has an ext, is kept whole.
func TestStoredRowsAreCompact(t *testing.T) {
	ctx := context.Background()
	s := New()
	price := decimal.RequireFromString("2.50")
	order := func(rare bool) (backorder.Order, []*backorder.BookEntry) {
		o := backorder.Order{ID: uuid.New(), Customer: "C", Currency: "EUR"}
		var es []*backorder.BookEntry
		for i := range 3 {
			l := backorder.Line{ID: uuid.New(), OrderID: o.ID, SKU: "A", Qty: 5, UnitPrice: price, Seq: int64(i + 1),
				Backordered: 2, Allocations: []backorder.LocQty{{Location: "AMS", Qty: 3}}}
			if rare {
				l.DiscountPercent = decimal.RequireFromString("10")
			}
			o.Lines = append(o.Lines, l)
			es = append(es, &backorder.BookEntry{SKU: "A", LineID: l.ID, OrderID: o.ID, Customer: "C", Seq: l.Seq,
				Backordered: 2, Allocations: []backorder.LocQty{{Location: "AMS", Qty: 3}}})
		}
		return o, es
	}
	fused, fusedEntries := order(false)
	plain, plainEntries := order(false)
	rare, rareEntries := order(true)
	require.NoError(t, s.Update(ctx, func(btx backorder.Tx) error {
		tx := btx.(*tx)
		if err := tx.PutOrderEntries(&fused, fusedEntries); err != nil {
			return err
		}
		for _, o := range []backorder.Order{plain, rare} {
			if err := tx.PutOrder(o); err != nil {
				return err
			}
		}
		for _, e := range append(plainEntries, rareEntries...) {
			if err := tx.PutBookEntry(*e); err != nil {
				return err
			}
		}
		return nil
	}))
	check := func() {
		t.Helper()
		for _, o := range []backorder.Order{fused, plain, rare} {
			for _, l := range o.Lines {
				num := s.lines.rows.get(l.ID)
				require.NotEqual(t, uint64(idEmpty), num)
				slot := s.lines.slot(num)
				if o.ID == rare.ID {
					require.NotNil(t, slot.x, "a line with a rare field is kept whole")
				} else {
					require.Nil(t, slot.x, "line %d of order %s", l.Seq, o.ID)
					require.Equal(t, uint8(slotLine|slotHome|slotEntry), slot.flags)
				}
			}
		}
	}
	check()
	// Shipped: the line written again with its entry, then its entry
	// closed, as shipping and confirming do.
	require.NoError(t, s.Update(ctx, func(btx backorder.Tx) error {
		tx := btx.(*tx)
		for i, l := range fused.Lines {
			l.Allocations = []backorder.LocQty{{Location: "AMS", Qty: 1}}
			e := *fusedEntries[i]
			e.Allocations = l.Allocations
			if err := tx.PutLineAndEntry(&l, &e); err != nil {
				return err
			}
		}
		return nil
	}))
	check()
	require.NoError(t, s.Update(ctx, func(btx backorder.Tx) error {
		l := fused.Lines[0]
		l.Backordered, l.Allocations, l.Shipped = 0, nil, 5
		e := *fusedEntries[0]
		e.Backordered, e.Allocations = 0, nil
		return btx.(*tx).PutLineAndEntry(&l, &e)
	}))
	slot := s.lines.slot(s.lines.rows.get(fused.Lines[0].ID))
	require.Nil(t, slot.x)
	require.Equal(t, uint8(slotLine|slotHome), slot.flags, "the closed entry left the home")
}

// TestBlocksRolledBack checks that the blocks a failed transaction
// registered (an order's open lines, a line put alone) are taken back
// with it, and that a committed one keeps them.
func TestBlocksRolledBack(t *testing.T) {
	ctx := context.Background()
	s := New()
	o := backorder.Order{ID: uuid.New(), Customer: "C", Currency: "EUR", Lines: []backorder.Line{
		{ID: uuid.New(), SKU: "A", Qty: 2, Backordered: 2},
		{ID: uuid.New(), SKU: "B", Qty: 1, Backordered: 1}}}
	errFail := errors.New("fail")
	put := func(fail bool) error {
		return s.Update(ctx, func(tx backorder.Tx) error {
			if err := tx.PutOrder(o); err != nil {
				return err
			}
			if err := tx.PutLine(backorder.Line{ID: uuid.New(), OrderID: o.ID, SKU: "C", Qty: 1, Backordered: 1}); err != nil {
				return err
			}
			if fail {
				return errFail
			}
			return nil
		})
	}
	require.ErrorIs(t, put(true), errFail)
	require.Empty(t, s.lines.blocks)
	require.NoError(t, put(false))
	require.Len(t, s.lines.blocks, 2, "the order's block and the line's")
	for _, l := range o.Lines {
		slot := s.lines.slot(s.lines.rows.get(l.ID))
		require.Nil(t, slot.x)
		require.Equal(t, uint32(1), slot.ob.blk)
	}
}
