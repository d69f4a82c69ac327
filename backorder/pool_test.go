package backorder_test

import (
	"context"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/invoice"
)

// The engine reuses each operation's working memory for the next one. These
// tests check that nothing it returns, or hands to the store, lives in that
// memory: results and stored records stay as they were while later
// operations run, and a caller changing a result changes nothing else.
func TestResultsAndRecordsOutliveLaterOperations(t *testing.T) {
	h := newHarness(t)
	h.location("AMS", 1)
	h.location("BER", 2)
	for _, sku := range []string{"A", "B", "C", "E"} {
		h.item(sku)
		h.receive(backorder.Receipt{ID: "r" + sku, SKU: sku, Location: "AMS", Qty: 10})
	}

	o1 := h.order("C1", 1, lineSpec{"A", 4}, lineSpec{"B", 12}, lineSpec{"C", 3})
	res1 := h.place(o1)
	want1 := jsonOf(t, res1)
	stored1 := jsonOf(t, h.line(o1.ID, o1.Lines[1].ID))
	rec1 := h.receive(backorder.Receipt{ID: "rB2", SKU: "B", Location: "BER", Qty: 1})
	wantRec1 := jsonOf(t, rec1)

	// Many more operations of every size, through the same pooled works.
	for i := range 20 {
		o := h.order("C2", int32(1+i%3), lineSpec{"A", 1}, lineSpec{"B", int64(1 + i)}, lineSpec{"C", 2}, lineSpec{"A", 7})
		h.place(o)
		h.receive(backorder.Receipt{ID: "rr" + o.ID.String(), SKU: "B", Location: "AMS", Qty: 3})
	}
	require.Equal(t, want1, jsonOf(t, res1), "a PlaceResult changed after later operations")
	require.Equal(t, wantRec1, jsonOf(t, rec1), "a ReceiveResult changed after later operations")

	// A caller writing into a result changes neither the store nor the
	// results of later operations.
	res1.Lines[0].Allocated[0].Qty = 999
	res1.Lines[0].Allocated = append(res1.Lines[0].Allocated, backorder.LocQty{Location: "X", Qty: 1})
	rec1.Allocated[0].Qty = 999
	got := h.line(o1.ID, o1.Lines[0].ID)
	require.Equal(t, int64(4), got.Allocated())
	o2 := h.order("C3", 1, lineSpec{"E", 1}, lineSpec{"E", 2})
	res2 := h.place(o2)
	require.Equal(t, []backorder.LocQty{{Location: "AMS", Qty: 1}}, res2.Lines[0].Allocated)
	require.Equal(t, []backorder.LocQty{{Location: "AMS", Qty: 2}}, res2.Lines[1].Allocated)

	// The first order's line B waited for stock; a receipt served it since,
	// so only that line's record moved.
	require.NotEqual(t, stored1, jsonOf(t, h.line(o1.ID, o1.Lines[1].ID)))
	require.Equal(t, jsonOf(t, res1.Lines[2].Allocated), jsonOf(t, h.line(o1.ID, o1.Lines[2].ID).Allocations))
	h.check()
}

// lateConflictStore runs the first n updates to the end, then reports a
// conflict, so the store rolls back what they wrote and the engine retries
// with everything the failed attempt did already done once.
type lateConflictStore struct {
	backorder.Store
	n int
}

func (s *lateConflictStore) Update(ctx context.Context, fn func(backorder.Tx) error) error {
	if s.n <= 0 {
		return s.Store.Update(ctx, fn)
	}
	s.n--
	return s.Store.Update(ctx, func(tx backorder.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return backorder.ErrConflict
	})
}

// A retry after a conflict starts from the order as the caller gave it,
// not from the failed attempt's changes to it.
func TestRetriedOperationsStartAfresh(t *testing.T) {
	var ls *lateConflictStore
	h := newHarness(t, func(c *backorder.Config) {
		ls = &lateConflictStore{Store: c.Store}
		c.Store = ls
	})
	h.location("AMS", 1)
	h.item("A")
	h.item("D", func(it *backorder.Item) { it.Status = backorder.Discontinued })
	h.receive(backorder.Receipt{ID: "r1", SKU: "A", Location: "AMS", Qty: 5})

	o := h.order("C1", 1, lineSpec{"A", 3}, lineSpec{"A", 4}, lineSpec{"D", 2})
	ls.n = 2
	res := h.place(o)
	require.Zero(t, ls.n, "both conflicts were used")
	require.Equal(t, []backorder.LocQty{{Location: "AMS", Qty: 3}}, res.Lines[0].Allocated)
	require.Equal(t, []backorder.LocQty{{Location: "AMS", Qty: 2}}, res.Lines[1].Allocated)
	require.Equal(t, int64(2), res.Lines[1].Backordered)
	require.Equal(t, int64(2), res.Lines[2].Rejected)
	require.Equal(t, int64(2), res.Lines[2].Cancelled)

	ls.n = 1
	rec := h.receive(backorder.Receipt{ID: "r2", SKU: "A", Location: "AMS", Qty: 5})
	require.Equal(t, int64(10), rec.Position.OnHand)
	require.Equal(t, int64(7), rec.Position.Allocated)
	require.Len(t, rec.Allocated, 1)
	require.Equal(t, int64(2), rec.Allocated[0].Qty)
}

// The store keeps no reference to an order's charges: neither to the
// caller's nor, through a read, to its own.
func TestChargesAreCopied(t *testing.T) {
	h := newHarness(t)
	h.location("AMS", 1)
	h.item("A")
	o := h.order("C1", 1, lineSpec{"A", 1})
	o.Charges = []invoice.Charge{{ID: "F", Kind: invoice.Freight, TaxCategory: "freight", Amount: decimal.NewFromInt(5)}}
	h.place(o)
	o.Charges[0].TaxCategory = "changed by the caller"
	got, err := h.eng.Order(h.ctx, o.ID)
	require.NoError(t, err)
	require.Equal(t, "freight", got.Charges[0].TaxCategory)
	got.Charges[0].TaxCategory = "changed by a reader"
	again, err := h.eng.Order(h.ctx, o.ID)
	require.NoError(t, err)
	require.Equal(t, "freight", again.Charges[0].TaxCategory)
}
