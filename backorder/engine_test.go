package backorder_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/backorderkit/backorderkit/allocation"
	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/memstore"
)

func TestShortItemIsPartlyAllocatedThenFilledByReceipt(t *testing.T) {
	h := newHarness(t)
	h.location("AMS", 1)
	h.item("BOLT-M8")
	h.receive(backorder.Receipt{ID: "R1", SKU: "BOLT-M8", Location: "AMS", Qty: 300})

	o := h.order("ACME", 2, lineSpec{"BOLT-M8", 500})
	res := h.place(o)
	require.Equal(t, []backorder.LocQty{{Location: "AMS", Qty: 300}}, res.Lines[0].Allocated)
	require.EqualValues(t, 200, res.Lines[0].Backordered)
	require.Equal(t, []string{"ACME:200"}, h.book("BOLT-M8"))

	rr := h.receive(backorder.Receipt{ID: "R2", SKU: "BOLT-M8", Location: "AMS", Qty: 250})
	require.Equal(t, []backorder.Grant{{OrderID: o.ID, LineID: o.Lines[0].ID, Location: "AMS", Qty: 200}}, rr.Allocated)
	require.EqualValues(t, 50, rr.Position.Available())
	require.Empty(t, h.book("BOLT-M8"))

	l := h.line(o.ID, o.Lines[0].ID)
	require.EqualValues(t, 500, l.Allocated())
	require.Equal(t, backorder.LineStatusAllocated, l.Status())

	evs, err := h.eng.Events(h.ctx, 0, 100)
	require.NoError(t, err)
	var types []backorder.EventType
	for i, ev := range evs {
		require.EqualValues(t, i+1, ev.Seq)
		types = append(types, ev.Type)
	}
	require.Equal(t, []backorder.EventType{
		backorder.ItemChanged,
		backorder.StockReceived,
		backorder.OrderPlaced, backorder.LineAllocated, backorder.LineBackordered,
		backorder.StockReceived, backorder.LineAllocated,
	}, types)
}

func TestFIFOServesTheBookInArrivalOrder(t *testing.T) {
	h := newHarness(t)
	h.location("AMS", 1)
	h.item("X")
	a := h.order("A", 3, lineSpec{"X", 30})
	b := h.order("B", 1, lineSpec{"X", 40})
	c := h.order("C", 2, lineSpec{"X", 60})
	h.place(a)
	h.place(b)
	h.place(c)
	require.Equal(t, []string{"A:30", "B:40", "C:60"}, h.book("X"))
	rr := h.receive(backorder.Receipt{ID: "R1", SKU: "X", Location: "AMS", Qty: 50})
	require.Len(t, rr.Allocated, 2)
	require.EqualValues(t, 30, h.line(a.ID, a.Lines[0].ID).Allocated())
	require.EqualValues(t, 20, h.line(b.ID, b.Lines[0].ID).Allocated())
	require.Equal(t, []string{"B:20", "C:60"}, h.book("X"))
}

func TestPriorityServesTiersFirst(t *testing.T) {
	h := newHarness(t, func(c *backorder.Config) { c.Policy = allocation.Priority{} })
	h.location("AMS", 1)
	h.item("X")
	a := h.order("A", 3, lineSpec{"X", 30})
	b := h.order("B", 1, lineSpec{"X", 40})
	c := h.order("C", 2, lineSpec{"X", 60})
	h.place(a)
	h.place(b)
	h.place(c)
	require.Equal(t, []string{"B:40", "C:60", "A:30"}, h.book("X"))
	h.receive(backorder.Receipt{ID: "R1", SKU: "X", Location: "AMS", Qty: 50})
	require.EqualValues(t, 40, h.line(b.ID, b.Lines[0].ID).Allocated())
	require.EqualValues(t, 10, h.line(c.ID, c.Lines[0].ID).Allocated())
	require.EqualValues(t, 0, h.line(a.ID, a.Lines[0].ID).Allocated())
}

func TestItemOverridesPolicy(t *testing.T) {
	h := newHarness(t, func(c *backorder.Config) {
		c.Policies = map[string]allocation.Policy{"fair": allocation.FairShare{}}
	})
	h.location("AMS", 1)
	h.item("X", func(it *backorder.Item) { it.Policy = "fair" })
	var orders []backorder.Order
	for _, c := range []string{"A", "B", "C"} {
		o := h.order(c, 1, lineSpec{"X", 5})
		h.place(o)
		orders = append(orders, o)
	}
	h.receive(backorder.Receipt{ID: "R1", SKU: "X", Location: "AMS", Qty: 10})
	var got []int64
	for _, o := range orders {
		got = append(got, h.line(o.ID, o.Lines[0].ID).Allocated())
	}
	require.Equal(t, []int64{4, 3, 3}, got)
}

func TestShortfallFollowsSupplyStatus(t *testing.T) {
	h := newHarness(t)
	h.location("AMS", 1)
	h.item("R")
	h.item("N", func(it *backorder.Item) { it.Status = backorder.NoBackorder })
	h.item("D", func(it *backorder.Item) { it.Status = backorder.Discontinued })
	for _, sku := range []string{"R", "N", "D"} {
		h.receive(backorder.Receipt{ID: "in-" + sku, SKU: sku, Location: "AMS", Qty: 4})
	}
	o := h.order("A", 1, lineSpec{"R", 10}, lineSpec{"N", 10}, lineSpec{"D", 10})
	res := h.place(o)
	require.EqualValues(t, 6, res.Lines[0].Backordered)
	require.EqualValues(t, 0, res.Lines[0].Cancelled)
	require.EqualValues(t, 0, res.Lines[1].Backordered)
	require.EqualValues(t, 6, res.Lines[1].Cancelled)
	require.Equal(t, "no_backorder", res.Lines[1].Reason)
	require.EqualValues(t, 6, res.Lines[2].Rejected)
	require.EqualValues(t, 6, res.Lines[2].Cancelled)
	require.Equal(t, "discontinued", res.Lines[2].Reason)
	for _, l := range res.Lines {
		require.Equal(t, []backorder.LocQty{{Location: "AMS", Qty: 4}}, l.Allocated)
	}
	require.Empty(t, h.book("N"))
	require.Empty(t, h.book("D"))
}

func TestDiscontinuingCancelsTheBook(t *testing.T) {
	h := newHarness(t)
	h.location("AMS", 1)
	h.item("X")
	o := h.order("A", 1, lineSpec{"X", 10})
	h.place(o)
	h.item("X", func(it *backorder.Item) { it.Status = backorder.Discontinued })
	l := h.line(o.ID, o.Lines[0].ID)
	require.EqualValues(t, 10, l.Cancelled)
	require.Equal(t, "discontinued", l.CancelReason)
	require.Empty(t, h.book("X"))
	// Putting the same item again changes nothing.
	before := h.snapshot()
	require.NoError(t, h.eng.PutItem(h.ctx, backorder.Item{SKU: "X", Status: backorder.Discontinued}))
	require.Equal(t, before, h.snapshot())
}

func TestPreferredLocationFirstThenOthersInRank(t *testing.T) {
	h := newHarness(t)
	h.location("AMS", 1)
	h.location("BER", 2)
	h.location("CPH", 3)
	h.item("X")
	h.receive(backorder.Receipt{ID: "a", SKU: "X", Location: "AMS", Qty: 5})
	h.receive(backorder.Receipt{ID: "b", SKU: "X", Location: "BER", Qty: 5})
	h.receive(backorder.Receipt{ID: "c", SKU: "X", Location: "CPH", Qty: 5})
	o := h.order("A", 1, lineSpec{"X", 12})
	o.Lines[0].PreferredLocation = "CPH"
	res := h.place(o)
	require.Equal(t, []backorder.LocQty{{Location: "AMS", Qty: 5}, {Location: "BER", Qty: 2}, {Location: "CPH", Qty: 5}}, res.Lines[0].Allocated)
	require.EqualValues(t, 0, res.Lines[0].Backordered)

	a, err := h.eng.Availability(h.ctx, "X")
	require.NoError(t, err)
	require.EqualValues(t, 15, a.OnHand)
	require.EqualValues(t, 12, a.Allocated)
	require.EqualValues(t, 3, a.Available)
}

func TestAdjustDownTakesFromTheLastRanked(t *testing.T) {
	h := newHarness(t)
	h.location("AMS", 1)
	h.item("X")
	h.receive(backorder.Receipt{ID: "r", SKU: "X", Location: "AMS", Qty: 20})
	a := h.order("A", 1, lineSpec{"X", 10})
	b := h.order("B", 1, lineSpec{"X", 10})
	h.place(a)
	h.place(b)
	res := h.adjust(backorder.Adjustment{ID: "dmg", SKU: "X", Location: "AMS", Delta: -7, Reason: "damaged"})
	require.Equal(t, []backorder.Grant{{OrderID: b.ID, LineID: b.Lines[0].ID, Location: "AMS", Qty: 7}}, res.Deallocated)
	require.Equal(t, []string{"B:7"}, h.book("X"))
	// A count back up to 20 gives B its 7 again.
	res = h.count(backorder.Count{ID: "cc", SKU: "X", Location: "AMS", OnHand: 20, Reason: "found"})
	require.Equal(t, []backorder.Grant{{OrderID: b.ID, LineID: b.Lines[0].ID, Location: "AMS", Qty: 7}}, res.Allocated)
	require.Empty(t, h.book("X"))
	require.EqualValues(t, 0, res.Position.Available())
	require.EqualValues(t, 0, res.Position.Adjusted)
}

func TestAdjustDownOnNoBackorderItemCancels(t *testing.T) {
	h := newHarness(t)
	h.location("AMS", 1)
	h.item("X", func(it *backorder.Item) { it.Status = backorder.NoBackorder })
	h.receive(backorder.Receipt{ID: "r", SKU: "X", Location: "AMS", Qty: 10})
	a := h.order("A", 1, lineSpec{"X", 10})
	h.place(a)
	h.adjust(backorder.Adjustment{ID: "dmg", SKU: "X", Location: "AMS", Delta: -4})
	l := h.line(a.ID, a.Lines[0].ID)
	require.EqualValues(t, 6, l.Allocated())
	require.EqualValues(t, 4, l.Cancelled)
}

func TestCancelTakesBackorderFirstAndReleasesToTheBook(t *testing.T) {
	h := newHarness(t)
	h.location("AMS", 1)
	h.item("X")
	h.receive(backorder.Receipt{ID: "r", SKU: "X", Location: "AMS", Qty: 10})
	a := h.order("A", 1, lineSpec{"X", 15})
	b := h.order("B", 1, lineSpec{"X", 8})
	h.place(a)
	h.place(b)
	require.Equal(t, []string{"A:5", "B:8"}, h.book("X"))
	res := h.cancel(backorder.Cancellation{ID: "c1", OrderID: a.ID, LineID: a.Lines[0].ID, Qty: 9, Reason: "customer"})
	require.Equal(t, []backorder.LocQty{{Location: "AMS", Qty: 4}}, res.Released)
	require.Equal(t, []backorder.Grant{{OrderID: b.ID, LineID: b.Lines[0].ID, Location: "AMS", Qty: 4}}, res.Reallocated)
	la := h.line(a.ID, a.Lines[0].ID)
	require.EqualValues(t, 6, la.Allocated())
	require.EqualValues(t, 0, la.Backordered)
	require.EqualValues(t, 9, la.Cancelled)
	require.Equal(t, []string{"B:4"}, h.book("X"))
	// Cancel the whole order: the rest of A goes to B.
	h.cancel(backorder.Cancellation{ID: "c2", OrderID: a.ID})
	require.Empty(t, h.book("X"))
	o, err := h.eng.Order(h.ctx, a.ID)
	require.NoError(t, err)
	require.Equal(t, backorder.OrderStatusCancelled, o.Status())
}

func TestPreemptionMovesStockToHigherPriority(t *testing.T) {
	h := newHarness(t, func(c *backorder.Config) { c.Policy = allocation.Priority{}; c.Preempt = true })
	h.location("AMS", 1)
	h.item("X")
	h.receive(backorder.Receipt{ID: "r", SKU: "X", Location: "AMS", Qty: 10})
	low := h.order("LOW", 3, lineSpec{"X", 10})
	h.place(low)
	keep := h.order("KEEP", 3, lineSpec{"X", 5})
	keep.Lines[0].Protection = backorder.ProtectKeep
	h.receive(backorder.Receipt{ID: "r2", SKU: "X", Location: "AMS", Qty: 5})
	h.place(keep)
	high := h.order("HIGH", 1, lineSpec{"X", 12})
	res := h.place(high)
	// HIGH takes all of LOW's 10 but none of KEEP's protected 5.
	require.Equal(t, []backorder.LocQty{{Location: "AMS", Qty: 10}}, res.Lines[0].Allocated)
	require.EqualValues(t, 0, h.line(low.ID, low.Lines[0].ID).Allocated())
	require.EqualValues(t, 5, h.line(keep.ID, keep.Lines[0].ID).Allocated())
	// Raising LOW above HIGH moves the stock back.
	pr := h.setPriority(backorder.PriorityChange{ID: "p1", OrderID: low.ID, Priority: 1})
	require.EqualValues(t, 3, pr.From)
	require.Len(t, pr.Allocated, 1)
	require.Len(t, pr.Deallocated, 1)
	require.EqualValues(t, 10, h.line(low.ID, low.Lines[0].ID).Allocated())
	require.Equal(t, []string{"HIGH:12"}, h.book("X"))
}

func TestWithoutPreemptionANewOrderDoesNotJumpTheBook(t *testing.T) {
	h := newHarness(t, func(c *backorder.Config) { c.Policy = allocation.Priority{} })
	h.location("AMS", 1)
	h.item("X")
	h.receive(backorder.Receipt{ID: "r", SKU: "X", Location: "AMS", Qty: 10})
	low := h.order("LOW", 3, lineSpec{"X", 10})
	h.place(low)
	high := h.order("HIGH", 1, lineSpec{"X", 5})
	res := h.place(high)
	require.Empty(t, res.Lines[0].Allocated)
	require.EqualValues(t, 10, h.line(low.ID, low.Lines[0].ID).Allocated())
	h.setPriority(backorder.PriorityChange{ID: "p", OrderID: high.ID, Priority: 2})
	require.EqualValues(t, 10, h.line(low.ID, low.Lines[0].ID).Allocated())
}

func TestCasePackAndMinimumHoldStockWithoutStranding(t *testing.T) {
	h := newHarness(t)
	h.location("AMS", 1)
	h.item("X", func(it *backorder.Item) { it.CasePack = 6 })
	a := h.order("A", 1, lineSpec{"X", 20})
	a.Lines[0].MinAllocation = 12
	h.place(a)
	b := h.order("B", 1, lineSpec{"X", 4})
	h.place(b)
	// 10 arrive: A takes no less than 12, so it waits; B's 4 is its whole
	// remaining quantity, so it ships as an odd case.
	h.receive(backorder.Receipt{ID: "r", SKU: "X", Location: "AMS", Qty: 10})
	require.EqualValues(t, 0, h.line(a.ID, a.Lines[0].ID).Allocated())
	require.EqualValues(t, 4, h.line(b.ID, b.Lines[0].ID).Allocated())
	// 8 more: 14 available, A takes 12 (two cases).
	h.receive(backorder.Receipt{ID: "r2", SKU: "X", Location: "AMS", Qty: 8})
	require.EqualValues(t, 12, h.line(a.ID, a.Lines[0].ID).Allocated())
}

func TestReceiptAgainstInbound(t *testing.T) {
	h := newHarness(t)
	h.location("AMS", 1)
	h.item("X")
	require.NoError(t, h.store.Update(h.ctx, func(tx backorder.Tx) error {
		return tx.PutInbound(backorder.Inbound{ID: "PO-1", SKU: "X", Location: "AMS", Qty: 100, Expected: t0.AddDate(0, 0, 5)})
	}))
	h.receive(backorder.Receipt{ID: "r", SKU: "X", Location: "AMS", Qty: 60, InboundID: "PO-1"})
	a, err := h.eng.Availability(h.ctx, "X")
	require.NoError(t, err)
	require.Len(t, a.Inbound, 1)
	require.EqualValues(t, 40, a.Inbound[0].Qty)
	require.EqualValues(t, 60, a.Inbound[0].Received)
	h.receive(backorder.Receipt{ID: "r2", SKU: "X", Location: "AMS", Qty: 50, InboundID: "PO-1"})
	a, err = h.eng.Availability(h.ctx, "X")
	require.NoError(t, err)
	require.Empty(t, a.Inbound)
}

func TestCustomerBook(t *testing.T) {
	h := newHarness(t)
	h.location("AMS", 1)
	h.item("X")
	h.item("Y")
	h.place(h.order("A", 1, lineSpec{"X", 3}, lineSpec{"Y", 4}))
	h.place(h.order("B", 1, lineSpec{"X", 5}))
	h.place(h.order("A", 1, lineSpec{"Y", 6}))
	cb, err := h.eng.CustomerBook(h.ctx, "A")
	require.NoError(t, err)
	var got []int64
	for _, en := range cb {
		require.Equal(t, "A", en.Customer)
		got = append(got, en.Backordered)
	}
	require.Equal(t, []int64{3, 4, 6}, got)
}

// TestSameInputsSameDecisions is invariant 8: two runs of one history on
// fresh stores end in identical states and events.
func TestSameInputsSameDecisions(t *testing.T) {
	run := func() snapshot {
		h := newHarness(t, func(c *backorder.Config) { c.Policy = allocation.FairShare{} })
		h.location("AMS", 1)
		h.location("BER", 2)
		h.item("X")
		for i := range 12 {
			h.place(h.order(string(rune('A'+i%5)), int32(1+i%3), lineSpec{"X", int64(3 + i*7%11)}))
		}
		h.receive(backorder.Receipt{ID: "r1", SKU: "X", Location: "BER", Qty: 17})
		h.receive(backorder.Receipt{ID: "r2", SKU: "X", Location: "AMS", Qty: 23})
		h.adjust(backorder.Adjustment{ID: "a1", SKU: "X", Location: "AMS", Delta: -9})
		return h.snapshot()
	}
	require.Equal(t, run(), run())
}

func TestConfigValidate(t *testing.T) {
	_, err := backorder.New(backorder.Config{})
	require.ErrorIs(t, err, backorder.ErrInvalid)
	var ve *backorder.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "Config.Store", ve.Field)
	_, err = backorder.New(backorder.Config{Store: memstore.New(), DefaultPriority: -1})
	require.ErrorIs(t, err, backorder.ErrInvalid)
	_, err = backorder.New(backorder.Config{Store: memstore.New(), Policies: map[string]allocation.Policy{"x": nil}})
	require.ErrorIs(t, err, backorder.ErrInvalid)
	_, err = backorder.New(backorder.Config{Store: memstore.New(), Policies: map[string]allocation.Policy{"": allocation.FIFO{}}})
	require.ErrorIs(t, err, backorder.ErrInvalid)
}

// conflictStore fails the first n updates with ErrConflict.
type conflictStore struct {
	backorder.Store
	n int
}

func (s *conflictStore) Update(ctx context.Context, fn func(backorder.Tx) error) error {
	if s.n > 0 {
		s.n--
		return backorder.ErrConflict
	}
	return s.Store.Update(ctx, fn)
}

func TestEngineRetriesConflicts(t *testing.T) {
	cs := &conflictStore{Store: memstore.New(), n: 3}
	eng, err := backorder.New(backorder.Config{Store: cs})
	require.NoError(t, err)
	require.NoError(t, eng.PutLocation(context.Background(), backorder.Location{ID: "AMS"}))

	cs.n = 10
	err = eng.PutLocation(context.Background(), backorder.Location{ID: "BER"})
	require.ErrorIs(t, err, backorder.ErrConflict)

	eng, err = backorder.New(backorder.Config{Store: cs, Retries: -1})
	require.NoError(t, err)
	cs.n = 1
	require.ErrorIs(t, eng.PutLocation(context.Background(), backorder.Location{ID: "BER"}), backorder.ErrConflict)
}

// badPolicy breaks the Policy contract.
type badPolicy struct{ grant int64 }

func (p badPolicy) Allocate(dst []int64, supply int64, demands []allocation.Demand) []int64 {
	for range demands {
		dst = append(dst, p.grant)
	}
	return dst
}

func TestFaultyPolicyIsCaught(t *testing.T) {
	for _, g := range []int64{-1, 1000, 6} {
		h := newHarness(t, func(c *backorder.Config) { c.Policy = badPolicy{grant: g} })
		h.location("AMS", 1)
		h.item("X")
		h.place(h.order("A", 1, lineSpec{"X", 10}))
		h.place(h.order("B", 1, lineSpec{"X", 10}))
		err := h.fails(nil, func() error {
			_, err := h.eng.Receive(h.ctx, backorder.Receipt{ID: "r", SKU: "X", Location: "AMS", Qty: 10})
			return err
		})
		var pe *backorder.PolicyError
		require.ErrorAs(t, err, &pe)
	}
}

// TestConcurrentEnginesLoseNothing runs several engines over one store from
// many goroutines; under -race it also proves the engine's own safety.
func TestConcurrentEnginesLoseNothing(t *testing.T) {
	store := memstore.New()
	ctx := context.Background()
	var engines []*backorder.Engine
	for range 4 {
		e, err := backorder.New(backorder.Config{Store: store, Policy: allocation.Priority{}})
		require.NoError(t, err)
		engines = append(engines, e)
	}
	require.NoError(t, engines[0].PutLocation(ctx, backorder.Location{ID: "AMS"}))
	require.NoError(t, engines[0].PutItem(ctx, backorder.Item{SKU: "HOT"}))
	var wg sync.WaitGroup
	var mu sync.Mutex
	var orders []uuid.UUID
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := engines[g%len(engines)]
			for i := range 25 {
				o := backorder.Order{ID: uuid.New(), Customer: "C", Priority: int32(1 + i%3), Currency: "EUR",
					Lines: []backorder.Line{{ID: uuid.New(), SKU: "HOT", Qty: 3}}}
				_, err := e.PlaceOrder(ctx, o)
				require.NoError(t, err)
				mu.Lock()
				orders = append(orders, o.ID)
				mu.Unlock()
				_, err = e.Receive(ctx, backorder.Receipt{ID: uuid.NewString(), SKU: "HOT", Location: "AMS", Qty: 2})
				require.NoError(t, err)
			}
		}()
	}
	wg.Wait()
	h := &harness{t: t, ctx: ctx, store: store, eng: engines[0], skus: []string{"HOT"}, locs: []string{"AMS"}, orders: orders}
	h.check()
	a, err := engines[0].Availability(ctx, "HOT")
	require.NoError(t, err)
	require.EqualValues(t, 8*25*2, a.OnHand)
	require.EqualValues(t, 8*25*2, a.Allocated)
	require.EqualValues(t, 8*25*1, a.Backordered)
}

// TestClockReadingsAreWallClockInstants checks that the times the engine
// takes from its clock, the default time.Now and a host's clock alike,
// carry no monotonic reading: they are stored and compared with times read
// back, and a time placed by the host is kept as given.
func TestClockReadingsAreWallClockInstants(t *testing.T) {
	ctx := context.Background()
	for _, now := range []func() time.Time{nil, time.Now} {
		eng, err := backorder.New(backorder.Config{Store: memstore.New(), Now: now})
		require.NoError(t, err)
		require.NoError(t, eng.PutLocation(ctx, backorder.Location{ID: "AMS"}))
		require.NoError(t, eng.PutItem(ctx, backorder.Item{SKU: "A"}))
		o := backorder.Order{ID: uuid.New(), Customer: "C", Currency: "EUR",
			Lines: []backorder.Line{{ID: uuid.New(), SKU: "A", Qty: 2}}}
		_, err = eng.PlaceOrder(ctx, o)
		require.NoError(t, err)
		got, err := eng.Order(ctx, o.ID)
		require.NoError(t, err)
		require.False(t, got.Placed.IsZero())
		require.True(t, got.Placed == got.Placed.Round(0), "no monotonic reading: %v", got.Placed)
		book, err := eng.Book(ctx, "A")
		require.NoError(t, err)
		require.Len(t, book, 1)
		require.True(t, book[0].Placed == got.Placed)
		evs, err := eng.Events(ctx, 0, 10)
		require.NoError(t, err)
		for _, ev := range evs {
			require.True(t, ev.At == ev.At.Round(0), "%s at %v", ev.Type, ev.At)
		}

		// A host's own Placed, monotonic reading and all, is kept.
		mine := time.Now()
		o2 := o
		o2.ID, o2.Placed = uuid.New(), mine
		o2.Lines = []backorder.Line{{ID: uuid.New(), SKU: "A", Qty: 1}}
		_, err = eng.PlaceOrder(ctx, o2)
		require.NoError(t, err)
		got2, err := eng.Order(ctx, o2.ID)
		require.NoError(t, err)
		require.True(t, got2.Placed == mine)
		book, err = eng.Book(ctx, "A")
		require.NoError(t, err)
		require.Len(t, book, 2)
		require.True(t, book[1].Placed == mine, "the entry's Placed too, spilled beside its box")
	}
}
