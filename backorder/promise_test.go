package backorder_test

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/backorderkit/backorderkit/allocation"
	"github.com/backorderkit/backorderkit/backorder"
)

var testPolicies = []struct {
	name string
	p    allocation.Policy
}{
	{"FIFO", allocation.FIFO{}},
	{"Priority", allocation.Priority{}},
	{"FairShare", allocation.FairShare{}},
	{"TieredFairShare", allocation.FairShare{Tiered: true}},
	{"MaxMin", allocation.MaxMin{}},
}

// randomBook places random orders for one SKU with nothing on hand and
// expects random inbound supply at two locations.
func randomBook(t *testing.T, h *harness, r *rand.Rand) (orders []backorder.Order, inbounds []backorder.Inbound) {
	t.Helper()
	h.location("AMS", 1)
	h.location("BER", 2)
	casePack := []int64{0, 0, 1, 3, 6}[r.IntN(5)]
	h.item("X", func(it *backorder.Item) { it.CasePack = casePack; it.LeadTime = 40 * 24 * time.Hour })
	for i := range 3 + r.IntN(10) {
		o := h.order(fmt.Sprintf("C%d", i), int32(1+r.IntN(3)), lineSpec{"X", int64(1 + r.IntN(50))})
		if r.IntN(4) == 0 {
			o.Lines[0].MinAllocation = int64(1 + r.IntN(int(o.Lines[0].Qty)))
		}
		h.place(o)
		orders = append(orders, o)
	}
	for i := range 1 + r.IntN(5) {
		in := backorder.Inbound{ID: fmt.Sprintf("PO-%d", i), SKU: "X", Location: []string{"AMS", "BER"}[r.IntN(2)],
			Qty: int64(1 + r.IntN(80)), Expected: t0.AddDate(0, 0, 1+r.IntN(20)), Supplier: "ACME"}
		require.NoError(t, h.eng.ExpectInbound(h.ctx, in))
		h.check()
		inbounds = append(inbounds, in)
	}
	return orders, inbounds
}

// TestPromisesMatchReplay is the consistency property: replaying the
// inbound supply through the engine on its expected dates allocates each
// line exactly in the projected tranches, for every policy.
func TestPromisesMatchReplay(t *testing.T) {
	seeds := 60
	if testing.Short() {
		seeds = 10
	}
	for _, pol := range testPolicies {
		t.Run(pol.name, func(t *testing.T) {
			for seed := range seeds {
				r := rand.New(rand.NewPCG(uint64(seed), 7))
				h := newHarness(t, func(c *backorder.Config) { c.Policy = pol.p })
				orders, inbounds := randomBook(t, h, r)
				want := map[uuid.UUID]map[string]int64{} // line → inbound → qty
				for _, o := range orders {
					ps, err := h.eng.Promises(h.ctx, o.ID)
					require.NoError(t, err)
					for _, p := range ps {
						for _, tr := range p.Tranches {
							if tr.InboundID == "" {
								continue
							}
							if want[p.LineID] == nil {
								want[p.LineID] = map[string]int64{}
							}
							want[p.LineID][tr.InboundID] += tr.Qty
							require.Equal(t, day(tr.Date), day(inboundDate(inbounds, tr.InboundID)), "seed %d: tranche dated by its inbound", seed)
						}
					}
				}
				slices.SortFunc(inbounds, func(a, b backorder.Inbound) int {
					if c := a.Expected.Compare(b.Expected); c != 0 {
						return c
					}
					return cmp.Compare(a.ID, b.ID)
				})
				got := map[uuid.UUID]map[string]int64{}
				for _, in := range inbounds {
					h.clock = in.Expected
					res := h.receive(backorder.Receipt{ID: "GR-" + in.ID, SKU: "X", Location: in.Location, Qty: in.Qty, InboundID: in.ID})
					for _, g := range res.Allocated {
						if got[g.LineID] == nil {
							got[g.LineID] = map[string]int64{}
						}
						got[g.LineID][in.ID] += g.Qty
					}
				}
				require.Equal(t, want, got, "seed %d: the engine did not allocate as projected", seed)
			}
		})
	}
}

func inboundDate(ins []backorder.Inbound, id string) time.Time {
	for _, in := range ins {
		if in.ID == id {
			return in.Expected
		}
	}
	return time.Time{}
}

// TestSlipMovesExactlyTheLinesWhoseDatesMoved: a slip of an inbound date
// raises PromiseChanged for exactly the lines whose ready day moved.
func TestSlipMovesExactlyTheLinesWhoseDatesMoved(t *testing.T) {
	for _, pol := range testPolicies {
		t.Run(pol.name, func(t *testing.T) {
			for seed := range 40 {
				r := rand.New(rand.NewPCG(uint64(seed), 11))
				h := newHarness(t, func(c *backorder.Config) { c.Policy = pol.p })
				orders, inbounds := randomBook(t, h, r)
				ready := func() map[uuid.UUID]string {
					m := map[uuid.UUID]string{}
					for _, o := range orders {
						ps, err := h.eng.Promises(h.ctx, o.ID)
						require.NoError(t, err)
						for _, p := range ps {
							m[p.LineID] = day(p.Ready)
						}
					}
					return m
				}
				before := ready()
				evs, err := h.eng.Events(h.ctx, 0, backorder.MaxEventsPerRead)
				require.NoError(t, err)
				last := evs[len(evs)-1].Seq
				in := inbounds[r.IntN(len(inbounds))]
				h.tick(time.Minute)
				_, err = h.eng.ChangeInbound(h.ctx, backorder.InboundChange{ID: "slip", InboundID: in.ID, Expected: in.Expected.AddDate(0, 0, 1+r.IntN(10))})
				require.NoError(t, err)
				h.check()
				after := ready()
				moved := map[uuid.UUID]bool{}
				for id, d := range after {
					if before[id] != d {
						moved[id] = true
					}
				}
				evs, err = h.eng.Events(h.ctx, last, backorder.MaxEventsPerRead)
				require.NoError(t, err)
				told := map[uuid.UUID]bool{}
				for _, ev := range evs {
					if ev.Type == backorder.PromiseChanged {
						require.False(t, told[ev.LineID], "seed %d: two PromiseChanged for one line", seed)
						told[ev.LineID] = true
						require.Equal(t, before[ev.LineID], day(ev.OldDate), "seed %d: old date", seed)
						require.Equal(t, after[ev.LineID], day(ev.NewDate), "seed %d: new date", seed)
					}
				}
				require.Equal(t, moved, told, "seed %d", seed)
			}
		})
	}
}
