package backorder_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/backorderkit/backorderkit/allocation"
	"github.com/backorderkit/backorderkit/backorder"
)

// Each test is a history the simulator found; the harness checks every
// invariant (no stranded stock among them) after every step.

func TestNoBackorderCancelsWaitingLines(t *testing.T) {
	h := newHarness(t)
	h.location("AMS", 1)
	h.item("X")
	o := h.order("A", 1, lineSpec{"X", 5})
	h.place(o)
	h.item("X", func(it *backorder.Item) { it.Status = backorder.NoBackorder })
	l := h.line(o.ID, o.Lines[0].ID)
	require.EqualValues(t, 5, l.Cancelled)
	require.Equal(t, "no_backorder", l.CancelReason)
}

func TestShrinkOffersStockHeldBackElsewhere(t *testing.T) {
	h := newHarness(t)
	h.location("AMS", 1)
	h.location("BER", 2)
	h.item("X", func(it *backorder.Item) { it.CasePack = 5 })
	h.receive(backorder.Receipt{ID: "a", SKU: "X", Location: "AMS", Qty: 5})
	h.receive(backorder.Receipt{ID: "b", SKU: "X", Location: "BER", Qty: 3}) // not a case: held back
	o := h.order("A", 1, lineSpec{"X", 10})
	h.place(o)
	require.Equal(t, []backorder.LocQty{{Location: "AMS", Qty: 5}}, h.line(o.ID, o.Lines[0].ID).Allocations)
	// AMS loses its 5: the line waits for 10 again; BER's 3 still is no
	// case, so nothing moves — and nothing is stranded either.
	res := h.adjust(backorder.Adjustment{ID: "d", SKU: "X", Location: "AMS", Delta: -5})
	require.Empty(t, res.Allocated)
}

func TestCancelLetsALineTakeStockHeldBack(t *testing.T) {
	h := newHarness(t)
	h.location("AMS", 1)
	h.item("X", func(it *backorder.Item) { it.CasePack = 3 })
	h.receive(backorder.Receipt{ID: "r", SKU: "X", Location: "AMS", Qty: 2})
	o := h.order("A", 1, lineSpec{"X", 11}) // cases of 3: 2 on hand do not fit
	res := h.place(o)
	require.Empty(t, res.Lines[0].Allocated)
	// Cancelling 9 leaves 2 waiting: exactly what is on hand.
	cr := h.cancel(backorder.Cancellation{ID: "c", OrderID: o.ID, LineID: o.Lines[0].ID, Qty: 9})
	require.Len(t, cr.Reallocated, 1)
	require.EqualValues(t, 2, cr.Reallocated[0].Qty)
}

func TestPreemptedStockOfADiscontinuedItemIsCancelled(t *testing.T) {
	h := newHarness(t, func(c *backorder.Config) { c.Policy = allocation.Priority{}; c.Preempt = true })
	h.location("AMS", 1)
	h.item("X")
	h.receive(backorder.Receipt{ID: "r", SKU: "X", Location: "AMS", Qty: 4})
	low := h.order("LOW", 3, lineSpec{"X", 4})
	h.place(low)
	h.item("X", func(it *backorder.Item) { it.Status = backorder.Discontinued })
	high := h.order("HIGH", 1, lineSpec{"X", 4})
	h.place(high)
	l := h.line(low.ID, low.Lines[0].ID)
	require.EqualValues(t, 4, l.Cancelled, "nothing waits for a discontinued item")
	require.EqualValues(t, 4, h.line(high.ID, high.Lines[0].ID).Allocated())
}

func TestPreemptedLineTakesStockAtAnotherLocation(t *testing.T) {
	h := newHarness(t, func(c *backorder.Config) { c.Policy = allocation.Priority{}; c.Preempt = true })
	h.location("AMS", 1)
	h.location("BER", 2)
	h.item("X")
	h.receive(backorder.Receipt{ID: "a", SKU: "X", Location: "AMS", Qty: 4})
	low := h.order("LOW", 3, lineSpec{"X", 4})
	low.Lines[0].PreferredLocation = "AMS"
	h.place(low)
	h.receive(backorder.Receipt{ID: "b", SKU: "X", Location: "BER", Qty: 4}) // free at BER
	high := h.order("HIGH", 1, lineSpec{"X", 4})
	high.Lines[0].PreferredLocation = "AMS"
	h.place(high)
	require.EqualValues(t, 4, h.line(low.ID, low.Lines[0].ID).Allocated(), "LOW lost AMS but takes BER")
	require.EqualValues(t, 4, h.line(high.ID, high.Lines[0].ID).Allocated())
}
