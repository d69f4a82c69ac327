package eta_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/backorderkit/backorderkit/allocation"
	"github.com/backorderkit/backorderkit/eta"
	"github.com/stretchr/testify/require"
)

// validInput is a small valid input that each validation case breaks in
// one place.
func validInput() eta.Input {
	now := time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC)
	return eta.Input{
		Now:       now,
		Demands:   []allocation.Demand{{Outstanding: 10, Seq: 1}, {Outstanding: 5, Seq: 2}},
		OnHand:    []eta.Stock{{Location: "AMS", Qty: 1}},
		Inbound:   []eta.Inbound{{Qty: 8, Expected: now.AddDate(0, 0, 3), Location: "AMS", Supplier: "acme"}},
		Policy:    allocation.FairShare{},
		Calendars: map[string]eta.Calendar{"AMS": {}},
		Handling:  1,
		LeadTime:  24 * time.Hour,
		History:   map[string][]int{"acme": {1, 2}},
	}
}

func TestValidation(t *testing.T) {
	cases := []struct {
		field  string
		change func(in *eta.Input)
	}{
		{"Policy", func(in *eta.Input) { in.Policy = nil }},
		{"Now", func(in *eta.Input) { in.Now = time.Time{} }},
		{"Now", func(in *eta.Input) { in.Now = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }},
		{"Inbound[0].Expected", func(in *eta.Input) { in.Inbound[0].Expected = time.Unix(math.MinInt64, 0) }},
		{"Demands[1].Outstanding", func(in *eta.Input) { in.Demands[1].Outstanding = -1 }},
		{"Demands[0].Held", func(in *eta.Input) { in.Demands[0].Held = -1 }},
		{"Demands[1].Min", func(in *eta.Input) { in.Demands[1].Min = -3 }},
		{"Demands[0].Tier", func(in *eta.Input) { in.Demands[0].Tier = -1 }},
		{"Demands[1].Protection", func(in *eta.Input) { in.Demands[1].Protection = 9 }},
		{"Demands[0].Seq", func(in *eta.Input) { in.Demands[1].Seq = 1 }},
		{"Demands[0].Seq", func(in *eta.Input) { in.Demands[0].Seq = 2; in.Demands[1].Seq = 2 }},
		{"OnHand[0].Qty", func(in *eta.Input) { in.OnHand[0].Qty = -1 }},
		{"Inbound[0].Qty", func(in *eta.Input) { in.Inbound[0].Qty = -8 }},
		{"Inbound[0].Expected", func(in *eta.Input) { in.Inbound[0].Expected = time.Time{} }},
		{"Inbound[1].Qty", func(in *eta.Input) {
			in.Inbound = append(in.Inbound, eta.Inbound{Qty: math.MaxInt64, Expected: in.Now})
		}},
		{"OnHand[1].Qty", func(in *eta.Input) { in.OnHand = append(in.OnHand, eta.Stock{Qty: math.MaxInt64}) }},
		{`History["acme"][1]`, func(in *eta.Input) { in.History["acme"][1] = eta.MaxBusinessDays + 1 }},
		{"Handling", func(in *eta.Input) { in.Handling = -1 }},
		{"Handling", func(in *eta.Input) { in.Handling = eta.MaxBusinessDays + 1 }},
		{"Transit", func(in *eta.Input) { in.Transit = -2 }},
		{"LeadTime", func(in *eta.Input) { in.LeadTime = -time.Hour }},
		{"Calendar.Workdays", func(in *eta.Input) { in.Calendar.Workdays = 0xff }},
		{`Calendars["AMS"].Holidays[0]`, func(in *eta.Input) {
			in.Calendars["AMS"] = eta.Calendar{Holidays: []eta.Date{{Year: 2025, Month: 2, Day: 30}}}
		}},
	}
	for _, pol := range policies {
		for _, c := range cases {
			t.Run(pol.name+"/"+c.field, func(t *testing.T) {
				in := validInput()
				in.Policy = pol.p
				c.change(&in)
				var p eta.Projector
				out, err := eta.Project(validInput()) // a projection to overwrite
				require.NoError(t, err)
				err = p.Project(&out, in)
				require.ErrorIs(t, err, eta.ErrInvalid)
				var ve *eta.ValidationError
				require.True(t, errors.As(err, &ve), "%T", err)
				require.Equal(t, c.field, ve.Field, ve.Error())
				require.NotEmpty(t, ve.Reason)
				require.Contains(t, ve.Error(), c.field)
				require.Zero(t, out.Len(), "dst is left empty on error")
			})
		}
	}
}

func TestValidationDemandErrorUnwraps(t *testing.T) {
	in := validInput()
	in.Demands[0].Weight = -1
	_, err := eta.Project(in)
	require.ErrorIs(t, err, eta.ErrInvalid)
	require.ErrorIs(t, err, allocation.ErrInvalid)
	var de *allocation.DemandError
	require.True(t, errors.As(err, &de))
	require.Equal(t, 0, de.Index)
	require.Equal(t, "Weight", de.Field)
}

func TestHistoryOfUnusedSupplierIsNotRead(t *testing.T) {
	in := validInput()
	in.History["nobody"] = []int{math.MaxInt}
	_, err := eta.Project(in)
	require.NoError(t, err)
}

// badPolicy breaks the Policy contract in the way its mode says.
type badPolicy struct{ mode int }

func (b badPolicy) Allocate(dst []int64, supply int64, demands []allocation.Demand) []int64 {
	dst = dst[:0]
	for i := range demands {
		switch b.mode {
		case 0: // too much for the demand
			dst = append(dst, demands[i].Outstanding+1)
		case 1: // negative
			dst = append(dst, -1)
		case 2: // more than the supply in total
			dst = append(dst, min(demands[i].Outstanding, supply))
		default:
			dst = append(dst, 0)
		}
	}
	if b.mode == 3 { // one grant short
		dst = dst[:max(len(demands)-1, 0)]
	}
	return dst
}

func TestPolicyBreakingItsContract(t *testing.T) {
	for mode, reason := range []string{"outstanding", "negative", "supply", "grants for"} {
		in := validInput()
		in.Demands = []allocation.Demand{{Outstanding: 10, Seq: 1}, {Outstanding: 10, Seq: 2}}
		in.OnHand = nil
		in.Policy = badPolicy{mode}
		var p eta.Projector
		var out eta.Projection
		err := p.Project(&out, in)
		require.ErrorIs(t, err, eta.ErrPolicy, "mode %d", mode)
		var pe *eta.PolicyError
		require.True(t, errors.As(err, &pe))
		require.Contains(t, pe.Error(), reason)
		require.Contains(t, pe.Policy, "badPolicy")
		require.Zero(t, out.Len())
	}
}

// A policy that only breaks its contract in the P50 and P90 re-projection
// is caught there too.
func TestPolicyBreakingItsContractInReprojection(t *testing.T) {
	in := validInput()
	in.OnHand = nil
	in.History = map[string][]int{"acme": {3}}
	calls := 0
	in.Policy = allocation.Func(func(dst []int64, supply int64, ds []allocation.Demand) []int64 {
		calls++
		dst = allocation.FIFO{}.Allocate(dst, supply, ds)
		if calls > 1 {
			dst[0] = -5
		}
		return dst
	})
	var p eta.Projector
	var out eta.Projection
	err := p.Project(&out, in)
	require.ErrorIs(t, err, eta.ErrPolicy)
	require.Zero(t, out.Len())
}

func TestKindString(t *testing.T) {
	require.Equal(t, "none", eta.None.String())
	require.Equal(t, "covered", eta.Covered.String())
	require.Equal(t, "estimated", eta.Estimated.String())
	require.Equal(t, "Kind(7)", eta.Kind(7).String())
}

func TestEmptyBookAndHugeQuantities(t *testing.T) {
	now := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
	out, err := eta.Project(eta.Input{Now: now, Policy: allocation.FIFO{}})
	require.NoError(t, err)
	require.Zero(t, out.Len())

	for _, pol := range policies {
		in := eta.Input{Now: now, Policy: pol.p, LeadTime: math.MaxInt64,
			Demands: []allocation.Demand{{Outstanding: math.MaxInt64, Seq: 1}, {Outstanding: math.MaxInt64, Seq: math.MaxInt64}},
			Inbound: []eta.Inbound{{Qty: math.MaxInt64 - 1, Expected: now.AddDate(0, 0, 1)}, {Qty: 1, Expected: now.AddDate(0, 0, 2)}},
		}
		out, err := eta.Project(in)
		require.NoError(t, err, pol.name)
		var total int64
		for i := range out.Len() {
			for _, tr := range out.Tranches(nil, i) {
				if tr.Source != eta.SourceLeadTime {
					total += tr.Qty
				}
			}
			pr := out.Promise(i)
			require.NotEqual(t, eta.None, pr.Kind, pol.name)
			require.False(t, pr.Ready.Before(now))
		}
		require.Equal(t, int64(math.MaxInt64), total, pol.name)
	}
}

// TestProjectorReuse reuses one Projector and Projection over inputs of
// different shapes, and a calendar whose holidays change in place between
// calls: the business-day cache must not serve a stale result.
func TestProjectorReuse(t *testing.T) {
	var p eta.Projector
	var out eta.Projection
	now := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
	hol := []eta.Date{{Year: 2025, Month: 1, Day: 13}}
	in := eta.Input{Now: now, Policy: allocation.FIFO{}, Handling: 1, Calendar: eta.Calendar{Holidays: hol},
		Demands: []allocation.Demand{{Outstanding: 5, Seq: 1}},
		Inbound: []eta.Inbound{{Qty: 5, Expected: now.AddDate(0, 0, 4)}}} // Friday
	require.NoError(t, p.Project(&out, in))
	require.Equal(t, time.Date(2025, 1, 14, 0, 0, 0, 0, time.UTC), out.Promise(0).Delivery)
	hol[0].Day = 14 // the same slice, changed in place
	require.NoError(t, p.Project(&out, in))
	require.Equal(t, time.Date(2025, 1, 13, 0, 0, 0, 0, time.UTC), out.Promise(0).Delivery)

	// Many calendars: the cache starts over without losing exactness.
	for d := 1; d <= 100; d++ {
		in.Calendar = eta.Calendar{Holidays: []eta.Date{{Year: 2025, Month: 1, Day: 13}, {Year: 2026, Month: 1, Day: 1 + d%28}}}
		require.NoError(t, p.Project(&out, in))
		require.Equal(t, time.Date(2025, 1, 14, 0, 0, 0, 0, time.UTC), out.Promise(0).Delivery)
	}

	// A clone outlives the next projection into the original, even one of
	// the same shape that reuses every array.
	kept := out.Clone()
	before := viewOf(&kept)
	later := in
	later.Inbound = []eta.Inbound{{Qty: 5, Expected: now.AddDate(0, 0, 9)}}
	require.NoError(t, p.Project(&out, later))
	require.Equal(t, now.AddDate(0, 0, 9), out.Promise(0).Ready)
	requireSamePromises(t, before, viewOf(&kept))

	// From a big book to a small one and back.
	big := in
	big.Policy = allocation.FairShare{}
	for i := range 50 {
		big.Demands = append(big.Demands, allocation.Demand{Outstanding: int64(1 + i%7), Seq: int64(i + 2)})
	}
	require.NoError(t, p.Project(&out, big))
	require.Equal(t, 51, out.Len())
	require.NoError(t, p.Project(&out, in))
	require.Equal(t, 1, out.Len())
	require.Len(t, out.Tranches(nil, 0), 1)
	requireSamePromises(t, before, viewOf(&kept))
}

// TestNowMonotonicStripped: a Now from time.Now carries a monotonic clock
// reading; the results do not.
func TestNowMonotonicStripped(t *testing.T) {
	now := time.Now()
	out, err := eta.Project(eta.Input{Now: now, Policy: allocation.FIFO{},
		OnHand: []eta.Stock{{Qty: 3}}, Demands: []allocation.Demand{{Outstanding: 3, Seq: 1}}})
	require.NoError(t, err)
	pr := out.Promise(0)
	require.Equal(t, eta.Covered, pr.Kind)
	require.Equal(t, now.Round(0), pr.Ready)
	require.Equal(t, []eta.Tranche{{Qty: 3, Date: now.Round(0), Source: eta.SourceStock}}, out.Tranches(nil, 0))
}

// TestHostPolicyOnTheGenericPath runs a host policy (allocation.Func) that
// serves the latest arrival first, and checks it against the oracle.
func TestHostPolicyOnTheGenericPath(t *testing.T) {
	lifo := allocation.Func(func(dst []int64, supply int64, ds []allocation.Demand) []int64 {
		dst = dst[:0]
		for range ds {
			dst = append(dst, 0)
		}
		for i := len(ds) - 1; i >= 0 && supply > 0; i-- {
			g := min(supply, ds[i].Outstanding)
			dst[i] = g
			supply -= g
		}
		return dst
	})
	in := validInput()
	in.Policy = lifo
	in.Demands = []allocation.Demand{{Outstanding: 4, Seq: 1}, {Outstanding: 4, Seq: 2}, {Outstanding: 4, Seq: 3}}
	in.Inbound = append(in.Inbound, eta.Inbound{Qty: 3, Expected: in.Now.AddDate(0, 0, 9), Location: "RTM"})
	out, err := eta.Project(in)
	require.NoError(t, err)
	requireSamePromises(t, oracleProjection(in), viewOf(&out))
	// The last arrival takes the 1 on hand now and 3 of the first inbound.
	require.Equal(t, []eta.Tranche{{Qty: 1, Date: in.Now, Source: eta.SourceStock}, {Qty: 3, Date: in.Now.AddDate(0, 0, 3), Source: 0}},
		out.Tranches(nil, 2))
}
