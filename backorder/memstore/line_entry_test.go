package memstore_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/backorderkit/backorderkit/backorder"
)

// lineEntryOp is an op that writes a line and its entry with
// PutLineAndEntry; the model does what PutLine and then PutBookEntry do,
// the method's reference.
func (d *decoder) lineEntryOp() (string, op) {
	sku := d.pick(fzSKUs)
	l := backorder.Line{ID: fzID(d.next()), OrderID: fzID(d.next()), SKU: sku, Qty: d.small(9),
		Backordered: d.small(2), Allocations: d.allocs()}
	l.Committed = d.allocs()
	e := backorder.BookEntry{SKU: sku, LineID: l.ID, OrderID: l.OrderID, Customer: d.pick(fzCusts), Placed: d.at(),
		Seq: d.small(4), Backordered: l.Backordered, Allocations: l.Allocations, Committed: l.Committed}
	if d.next()%4 == 0 { // a closed entry, removed
		e.Backordered, e.Allocations = 0, nil
	}
	return "PutLineAndEntry", func(tx backorder.Tx, m *model) (error, error) {
		lw, ok := tx.(backorder.LineEntryTx)
		if !ok {
			return fmt.Errorf("%T does not implement backorder.LineEntryTx", tx), nil
		}
		lc, ec := l.Clone(), e.Clone()
		err := lw.PutLineAndEntry(&l, &e)
		if !backorderEqual(l, lc) || !backorderEqual(e, ec) {
			return errors.New("PutLineAndEntry changed its arguments"), nil
		}
		if _, ok := m.orders[l.OrderID]; !ok {
			return err, errNotFound // PutLine fails; nothing is written
		}
		m.putLine(l.OrderID, l)
		if e.Backordered == 0 && len(e.Allocations) == 0 {
			delete(m.book, bookKey(e.SKU, e.LineID))
		} else {
			m.book[bookKey(e.SKU, e.LineID)] = e.Clone()
		}
		return err, nil
	}
}

// backorderEqual reports whether two values print alike (deep enough for
// the lines and entries the op builds).
func backorderEqual(a, b any) bool { return fmt.Sprintf("%+v", a) == fmt.Sprintf("%+v", b) }

// runLineEntryModel is runModel with PutLineAndEntry among the ops: a third
// of them, on the small id space the other ops use, so that it meets
// stored lines with and without entries, of this order and of others,
// written earlier in the same transaction or not, and rolled back.
func runLineEntryModel(t *testing.T, data []byte) {
	runModelWith(t, data, func(d *decoder) (string, op) {
		if d.next()%3 == 0 {
			return d.lineEntryOp()
		}
		return d.op()
	})
}

// FuzzLineAndEntry checks PutLineAndEntry against PutLine then
// PutBookEntry, in the model, among every other write.
func FuzzLineAndEntry(f *testing.F) {
	addModelSeeds(f, 60, 13, 17)
	f.Fuzz(runLineEntryModel)
}
