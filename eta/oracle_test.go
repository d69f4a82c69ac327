package eta_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
	"time"
	_ "time/tzdata" // the tests use named zones; do not depend on the host's zoneinfo

	"github.com/backorderkit/backorderkit/allocation"
	"github.com/backorderkit/backorderkit/eta"
	"github.com/stretchr/testify/require"
)

// policies are the built-in policies, plus FIFO hidden from the fast path.
var policies = []struct {
	name string
	p    allocation.Policy
}{
	{"FIFO", allocation.FIFO{}},
	{"FIFO-generic", hidden{allocation.FIFO{}}},
	{"Priority", allocation.Priority{}},
	{"FairShare", allocation.FairShare{}},
	{"FairShare-tiered", allocation.FairShare{Tiered: true}},
	{"MaxMin", allocation.MaxMin{}},
	{"MaxMin-tiered", allocation.MaxMin{Tiered: true}},
}

// hidden wraps a policy so that Project cannot recognise it: FIFO then takes
// the generic path.
type hidden struct{ allocation.Policy }

// naiveAddBusinessDays walks day by day with time.AddDate: the slow,
// obvious version of Calendar.AddBusinessDays.
func naiveAddBusinessDays(c eta.Calendar, t time.Time, n int) time.Time {
	loc := c.Loc
	if loc == nil {
		loc = time.UTC
	}
	t = t.In(loc)
	y, m, d := t.Date()
	hh, mm, ss := t.Clock()
	step := 1
	if n < 0 {
		step = -1
	}
	k := 0
	for n != 0 {
		k += step
		day := time.Date(y, m, d+k, 12, 0, 0, 0, loc)
		if naiveBusiness(c, day) {
			n -= step
		}
	}
	return time.Date(y, m, d+k, hh, mm, ss, t.Nanosecond(), loc)
}

// naiveBusiness reports whether t's day (in t's location) is a business
// day of c.
func naiveBusiness(c eta.Calendar, t time.Time) bool {
	work := c.Workdays
	if work == 0 {
		work = eta.MondayToFriday
	}
	if !work.Has(t.Weekday()) {
		return false
	}
	return !slices.Contains(c.Holidays, eta.DateOf(t))
}

// view is a promise with its tranches, for comparisons.
type view struct {
	eta.Promise
	List []eta.Tranche
}

// viewOf reads every promise of a projection.
func viewOf(p *eta.Projection) []view {
	out := make([]view, p.Len())
	for i := range out {
		out[i] = view{Promise: p.Promise(i), List: p.Tranches(nil, i)}
	}
	return out
}

// oracleProjection simulates the receipts one by one with Policy.Allocate,
// the way the engine will: the slow, obvious projection.
func oracleProjection(in eta.Input) []view {
	plain := oracleRun(in, 0)
	p50 := oracleRun(in, 50)
	p90 := oracleRun(in, 90)
	for i := range plain {
		if plain[i].Kind == eta.None {
			continue
		}
		plain[i].P50Ready = p50[i].Ready
		plain[i].P90Ready = p90[i].Ready
	}
	return plain
}

// oracleRun projects with every inbound moved by its supplier's pct-th
// percentile lateness (pct 0: not moved).
func oracleRun(in eta.Input, pct int) []view {
	type event struct {
		date time.Time
		qty  int64
		loc  string
		src  int
	}
	calOf := func(loc string) eta.Calendar {
		if c, ok := in.Calendars[loc]; ok {
			return c
		}
		return in.Calendar
	}
	var events []event
	for _, s := range in.OnHand {
		if s.Qty > 0 {
			events = append(events, event{in.Now, s.Qty, s.Location, eta.SourceStock})
		}
	}
	for i, b := range in.Inbound {
		if b.Qty == 0 {
			continue
		}
		date := b.Expected
		if h := in.History[b.Supplier]; pct > 0 && len(h) > 0 {
			date = naiveAddBusinessDays(calOf(b.Location), date, percentile(h, pct))
		}
		if date.Before(in.Now) {
			date = in.Now
		}
		events = append(events, event{date, b.Qty, b.Location, i})
	}
	sort.SliceStable(events, func(a, b int) bool { return events[a].date.Before(events[b].date) })

	n := len(in.Demands)
	rem := make([]int64, n)
	lastLoc := make([]string, n)
	lastHasLoc := make([]bool, n)
	out := make([]view, n)
	for i, d := range in.Demands {
		rem[i] = d.Outstanding
	}
	// order is where held-back stock is offered again: Input.Locations,
	// then the other locations in order of first appearance.
	var order []string
	add := func(l string) {
		if !slices.Contains(order, l) {
			order = append(order, l)
		}
	}
	for _, l := range in.Locations {
		for _, s := range in.OnHand {
			if s.Location == l && s.Qty > 0 {
				add(l)
			}
		}
		for _, b := range in.Inbound {
			if b.Location == l && b.Qty > 0 {
				add(l)
			}
		}
	}
	for _, s := range in.OnHand {
		if s.Qty > 0 {
			add(s.Location)
		}
	}
	for _, b := range in.Inbound {
		if b.Qty > 0 {
			add(b.Location)
		}
	}
	avail := map[string]int64{}
	// offer runs the policy once with supply over the demands still short,
	// records the tranches at event e, and returns what is left and whether
	// anything was granted.
	offer := func(e event, supply int64) (int64, bool) {
		var idx []int
		var short []allocation.Demand
		for i, d := range in.Demands {
			if rem[i] > 0 {
				d.Outstanding, d.Held = rem[i], 0
				short = append(short, d)
				idx = append(idx, i)
			}
		}
		if len(short) == 0 {
			return supply, false
		}
		served := false
		grants := in.Policy.Allocate(nil, supply, short)
		for j, g := range grants {
			if g > 0 {
				i := idx[j]
				rem[i] -= g
				supply -= g
				served = true
				out[i].List = append(out[i].List, eta.Tranche{Qty: g, Date: e.date, Source: e.src})
				lastLoc[i], lastHasLoc[i] = e.loc, true
			}
		}
		return supply, served
	}
	for _, e := range events {
		left, served := offer(e, avail[e.loc]+e.qty)
		avail[e.loc] = left
		// Then the stock held back elsewhere, again and again while that
		// serves anyone.
		for skip := e.loc; served; skip = "" {
			served = false
			for _, l := range order {
				if l == skip || avail[l] <= 0 {
					continue
				}
				left, ok := offer(e, avail[l])
				avail[l] = left
				served = served || ok
			}
		}
	}
	estimate := in.Now.Add(in.LeadTime)
	for i := range out {
		p := &out[i]
		cal := in.Calendar
		switch {
		case rem[i] == 0 && len(p.List) == 0:
			p.Kind, p.Ready = eta.Covered, in.Now
		case rem[i] == 0:
			p.Kind, p.Ready = eta.Covered, p.List[len(p.List)-1].Date
			cal = calOf(lastLoc[i])
		case in.LeadTime > 0 && !in.Discontinued:
			p.Kind, p.Ready = eta.Estimated, estimate
			if lastHasLoc[i] && p.List[len(p.List)-1].Date.After(estimate) {
				p.Ready = p.List[len(p.List)-1].Date
				cal = calOf(lastLoc[i])
			}
			p.List = append(p.List, eta.Tranche{Qty: rem[i], Date: p.Ready, Source: eta.SourceLeadTime})
		default:
			p.Kind = eta.None
			p.Tranches = len(p.List)
			continue
		}
		p.Tranches = len(p.List)
		p.Delivery = naiveAddBusinessDays(cal, p.Ready, in.Handling+in.Transit)
		p.P50Ready, p.P90Ready = p.Ready, p.Ready
	}
	return out
}

// percentile is the nearest-rank percentile: the smallest value with at
// least pct% of the values at or below it.
func percentile(h []int, pct int) int {
	s := slices.Clone(h)
	slices.Sort(s)
	k := 1
	for k*100 < pct*len(s) {
		k++
	}
	return s[k-1]
}

// randomInput makes a small random book and schedule: demands with every
// kind of constraint, stock at up to three locations, inbound around now
// (some overdue, some on equal dates), per-location calendars in several
// zones, supplier history.
func randomInput(r *rand.Rand, policy allocation.Policy) eta.Input {
	zones := []string{"UTC", "Europe/Amsterdam", "America/New_York", "Asia/Tokyo"}
	locs := []string{"AMS", "RTM", "NYC"}
	suppliers := []string{"acme", "bolt", "cog"}
	loadZone := func() *time.Location {
		z, err := time.LoadLocation(zones[r.IntN(len(zones))])
		if err != nil {
			panic(err)
		}
		return z
	}
	randomCalendar := func() eta.Calendar {
		c := eta.Calendar{Loc: loadZone()}
		if r.IntN(2) == 0 {
			c.Workdays = eta.Weekdays(1 + r.IntN(127))
		}
		for range r.IntN(4) {
			c.Holidays = append(c.Holidays, eta.Date{Year: 2025, Month: time.January, Day: 1 + r.IntN(31)})
		}
		return c
	}
	now := time.Date(2025, 1, 1+r.IntN(10), r.IntN(24), 30*r.IntN(2), 0, 0, loadZone())
	in := eta.Input{Now: now, Policy: policy, Calendar: randomCalendar(),
		Handling: r.IntN(4), Transit: r.IntN(3), Discontinued: r.IntN(5) == 0}
	if r.IntN(3) > 0 {
		in.LeadTime = time.Duration(1+r.IntN(30*24)) * time.Hour
	}
	if r.IntN(2) == 0 {
		in.Calendars = map[string]eta.Calendar{}
		for _, l := range locs[:r.IntN(len(locs))] {
			in.Calendars[l] = randomCalendar()
		}
	}
	constrained := r.IntN(2) == 0
	seqs := r.Perm(40)
	for i := range r.IntN(13) {
		d := allocation.Demand{Outstanding: int64(r.IntN(40)), Seq: int64(seqs[i]), Tier: int32(r.IntN(4)), Held: int64(r.IntN(3))}
		if r.IntN(3) == 0 {
			d.Weight = int64(r.IntN(10))
		}
		if constrained {
			if r.IntN(3) == 0 {
				d.Min = int64(r.IntN(25))
			}
			if r.IntN(3) == 0 {
				d.Multiple = int64(r.IntN(8))
			}
			d.Protection = allocation.Protection(r.IntN(3))
		} else if r.IntN(4) == 0 {
			d.Protection = allocation.Redistribute
		}
		in.Demands = append(in.Demands, d)
	}
	if r.IntN(2) == 0 { // nothing held, all short: the policy sees Input.Demands first
		for i := range in.Demands {
			in.Demands[i].Held = 0
			in.Demands[i].Outstanding = max(in.Demands[i].Outstanding, 1)
		}
	}
	if r.IntN(2) == 0 {
		slices.SortFunc(in.Demands, func(a, b allocation.Demand) int { return int(a.Seq - b.Seq) })
	}
	for range r.IntN(3) {
		in.OnHand = append(in.OnHand, eta.Stock{Location: locs[r.IntN(len(locs))], Qty: int64(r.IntN(30))})
	}
	for range r.IntN(7) {
		day := r.IntN(25) - 4
		if r.IntN(4) == 0 {
			day = 3 // equal dates
		}
		in.Inbound = append(in.Inbound, eta.Inbound{
			Qty:      int64(r.IntN(60)),
			Expected: now.Add(time.Duration(day*24+r.IntN(3)*5) * time.Hour),
			Location: locs[r.IntN(len(locs))],
			Supplier: suppliers[r.IntN(len(suppliers))],
		})
	}
	if r.IntN(2) == 0 {
		// The engine's location order, which need not be the order of
		// first appearance; sometimes naming a location with no supply.
		in.Locations = slices.Clone(append(locs, "BER"))
		r.Shuffle(len(in.Locations), func(i, j int) { in.Locations[i], in.Locations[j] = in.Locations[j], in.Locations[i] })
	}
	if r.IntN(2) == 0 {
		in.History = map[string][]int{}
		for _, s := range suppliers[:r.IntN(len(suppliers)+1)] {
			for range 1 + r.IntN(6) {
				in.History[s] = append(in.History[s], r.IntN(15)-4)
			}
		}
	}
	return in
}

// requireSamePromises compares promises field by field; times by instant.
func requireSamePromises(t *testing.T, want, got []view, msgAndArgs ...any) {
	t.Helper()
	require.Len(t, got, len(want), msgAndArgs...)
	for i := range want {
		w, g := want[i], got[i]
		ctx := fmt.Sprintf("promise %d: %s", i, fmt.Sprint(msgAndArgs...))
		require.Equal(t, w.Kind, g.Kind, ctx)
		require.Equal(t, w.Tranches, g.Tranches, ctx)
		require.Len(t, g.List, len(w.List), ctx)
		for k := range w.List {
			require.Equal(t, w.List[k].Qty, g.List[k].Qty, ctx)
			require.Equal(t, w.List[k].Source, g.List[k].Source, ctx)
			require.True(t, w.List[k].Date.Equal(g.List[k].Date), "%s: tranche %d date %v, want %v", ctx, k, g.List[k].Date, w.List[k].Date)
		}
		for _, f := range []struct {
			name string
			w, g time.Time
		}{{"Ready", w.Ready, g.Ready}, {"Delivery", w.Delivery, g.Delivery}, {"P50Ready", w.P50Ready, g.P50Ready}, {"P90Ready", w.P90Ready, g.P90Ready}} {
			require.True(t, f.w.Equal(f.g), "%s: %s %v, want %v", ctx, f.name, f.g, f.w)
		}
	}
}

// TestProjectMatchesOracle is the consistency property: for every policy,
// over random books and inbound schedules, simulating the receipts one by
// one with Policy.Allocate gives exactly the projected tranches, kinds and
// dates. One Projector and Projection are reused throughout, so stale
// scratch memory would show.
func TestProjectMatchesOracle(t *testing.T) {
	iterations := 1500
	if testing.Short() {
		iterations = 200
	}
	for _, pol := range policies {
		t.Run(pol.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, uint64(len(pol.name))))
			var p eta.Projector
			var out eta.Projection
			for it := range iterations {
				in := randomInput(r, pol.p)
				require.NoError(t, p.Project(&out, in), "iteration %d", it)
				requireSamePromises(t, oracleProjection(in), viewOf(&out), "iteration ", it)
			}
		})
	}
}

// TestFIFOFastPathMatchesGeneric checks the single-pass FIFO against FIFO
// through the generic path (Allocate at each step), on books the fast path
// takes: sorted, no minimums, case packs or Win.
func TestFIFOFastPathMatchesGeneric(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	var pf, pg eta.Projector
	var fast, slow eta.Projection
	for it := range 2000 {
		in := randomInput(r, allocation.FIFO{})
		for i := range in.Demands {
			in.Demands[i].Min, in.Demands[i].Multiple = 0, 0
			if in.Demands[i].Protection == allocation.Win {
				in.Demands[i].Protection = allocation.Keep
			}
		}
		slices.SortFunc(in.Demands, func(a, b allocation.Demand) int { return int(a.Seq - b.Seq) })
		require.NoError(t, pf.Project(&fast, in))
		in.Policy = hidden{allocation.FIFO{}}
		require.NoError(t, pg.Project(&slow, in))
		requireSamePromises(t, viewOf(&slow), viewOf(&fast), "iteration ", it)
	}
}
