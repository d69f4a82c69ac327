package eta

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/backorderkit/backorderkit/allocation"
)

// Project projects the promises of one SKU's book with a fresh Projector
// into a fresh Projection. It is Projector.Project for callers that do not
// reuse memory.
func Project(in Input) (Projection, error) {
	var p Projector
	var out Projection
	err := p.Project(&out, in)
	return out, err
}

// Projector projects books of promises, keeping scratch memory and a small
// cache of business-day results between calls, so that a steady stream of
// projections does not allocate. The zero value is ready to use. A
// Projector must not be used by two goroutines at once: use one per
// goroutine (or a sync.Pool of them).
type Projector struct {
	locs  []string // distinct locations of the supply steps
	cals  []int32  // their calendars, as indices into days.cals
	avail []int64  // per location: supply left over by the last step there
	order []int32  // locations in the order held-back stock is offered again
	cal   int32    // the default calendar, as an index into days.cals
	days  dayCache

	work   []allocation.Demand // demands still short, compacted
	idx    []int32             // Input.Demands index of each work entry
	grants []int64
	direct bool // Input.Demands can go to the first Allocate as they are

	left    []int64  // P50 and P90 runs, per demand: what it still lacks
	last    []int32  // P50 and P90 runs, per demand: step of its last tranche, or -1
	used    []bool   // per plain step: some promise is ready at it
	seqs    []int64  // scratch for the duplicate-Seq check
	lates   []int    // scratch for percentiles
	checked []string // suppliers whose history was checked
	sup     []supplierLateness
	shift   [2][]int // per inbound: business days to move it at P50, P90
}

// step is one supply event: stock offered to the book at a date.
type step struct {
	date time.Time
	at   instant // date, for ordering
	qty  int64
	loc  int32 // index into Projector.locs; -1: the default calendar, no stock
	src  int32 // Tranche.Source
}

// instant is a time as Unix seconds and nanoseconds: cheap to compare.
type instant struct {
	sec  int64
	nsec int64
}

// instantOf returns t's instant.
func instantOf(t time.Time) instant {
	return instant{sec: t.Unix(), nsec: int64(t.Nanosecond())}
}

// cmp compares two instants.
func (a instant) cmp(b instant) int {
	switch {
	case a.sec != b.sec:
		return cmpInt(a.sec, b.sec)
	default:
		return cmpInt(a.nsec, b.nsec)
	}
}

func cmpInt(a, b int64) int {
	if a < b {
		return -1
	}
	if a > b {
		return 1
	}
	return 0
}

// stepAt returns a step dated t, or Now if t is earlier.
func stepAt(t time.Time, now time.Time, nowAt instant) (time.Time, instant) {
	at := instantOf(t)
	if at.cmp(nowAt) < 0 {
		return now, nowAt
	}
	return t, at
}

// supplierLateness caches one supplier's percentiles within a call.
type supplierLateness struct {
	name     string
	p50, p90 int
}

// The runs of a projection: as expected, and with every inbound as late as
// its supplier's median and 90th-percentile lateness.
const (
	plain = iota
	p50
	p90
)

// Project projects the promises of in's book into dst, overwriting dst and
// reusing its memory.
//
// It validates in before it calls the policy, and reports the first fault
// it finds as a *ValidationError (matching ErrInvalid). Then it offers the
// SKU's supply to the book, step by step, exactly as the engine would
// allocate it: stock on hand at Now, location by location in the order
// given, then each inbound by expected date (an overdue one at Now; equal
// dates in the order given).
// At each step the policy allocates, over the demands still short, the
// step's quantity plus whatever earlier steps left unallocated at the same
// location (blocked by minimums or case packs). Each non-zero grant
// becomes a tranche of that demand, dated at the step.
//
// A demand whose tranches reach its outstanding is Covered. Any other is
// Estimated, its rest dated Now+LeadTime (or at its last tranche, if that
// is later), when LeadTime > 0 and the item is not discontinued; else
// None. If the policy breaks its contract, Project returns a *PolicyError
// (matching ErrPolicy). On any error dst is left empty (Len() == 0).
//
// FIFO without minimums, case packs or Win demands, over demands sorted by
// Seq, takes a single-pass fast path with the same result. When no demand
// holds anything and every one is short, the policy's first call gets
// Input.Demands itself; like every call, it must not modify them (the
// allocation.Policy contract).
func (p *Projector) Project(dst *Projection, in Input) error {
	if err := p.validate(&in); err != nil {
		dst.reset()
		return err
	}
	in.Now = in.Now.Round(0) // no monotonic reading in the results
	p.prepare(dst, &in)
	if dst.shifted = p.shifts(dst, &in); dst.shifted {
		dst.ready50 = resize(dst.ready50, len(in.Demands))
		dst.ready90 = resize(dst.ready90, len(in.Demands))
	}

	fast := isFIFO(in.Policy) && p.fifo(dst, &in)
	if !fast {
		if err := p.generic(dst, &in, dst.steps[plain], true); err != nil {
			dst.reset()
			return err
		}
		p.assemble(dst, &in)
	}
	if dst.shifted {
		for r := p50; r <= p90; r++ {
			if fast {
				p.fifoReady(dst, &in, r)
				continue
			}
			if err := p.generic(dst, &in, dst.steps[r], false); err != nil {
				dst.reset()
				return err
			}
			p.readyIn(dst, &in, r)
		}
	}
	p.deliveries(dst, &in)
	return nil
}

// reset empties a projection.
func (p *Projection) reset() {
	p.promises, p.tranches = p.promises[:0], p.tranches[:0]
	for r := range p.steps {
		p.steps[r] = p.steps[r][:0]
	}
	p.ready50, p.ready90 = p.ready50[:0], p.ready90[:0]
	p.deliv, p.shifted = p.deliv[:0], false
}

// resize returns s with length n, reusing its memory when it is big enough.
// The contents are not cleared.
func resize[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n, n+n/4)
}

// validate checks everything in in but the demands, which the first pass
// over them checks (see validDemands).
func (p *Projector) validate(in *Input) error {
	if in.Policy == nil {
		return &ValidationError{Field: "Policy", Reason: "required"}
	}
	if in.Now.IsZero() {
		return &ValidationError{Field: "Now", Reason: "required"}
	}
	if !inYears(in.Now) {
		return &ValidationError{Field: "Now", Reason: "outside the years 1 to 9999: " + in.Now.String()}
	}
	if len(in.Demands) > math.MaxInt32/2 || len(in.Inbound)+len(in.OnHand) > math.MaxInt32/2 {
		return &ValidationError{Field: "Demands", Reason: "too many demands or supply steps"}
	}
	var total int64
	for i, s := range in.OnHand {
		if s.Qty < 0 {
			return &ValidationError{Field: fmt.Sprintf("OnHand[%d].Qty", i), Reason: fmt.Sprintf("negative: %d", s.Qty)}
		}
		if total > math.MaxInt64-s.Qty {
			return &ValidationError{Field: fmt.Sprintf("OnHand[%d].Qty", i), Reason: "total supply overflows int64"}
		}
		total += s.Qty
	}
	for i := range in.Inbound {
		b := &in.Inbound[i]
		if b.Qty < 0 {
			return &ValidationError{Field: fmt.Sprintf("Inbound[%d].Qty", i), Reason: fmt.Sprintf("negative: %d", b.Qty)}
		}
		if b.Expected.IsZero() {
			return &ValidationError{Field: fmt.Sprintf("Inbound[%d].Expected", i), Reason: "required"}
		}
		if !inYears(b.Expected) {
			return &ValidationError{Field: fmt.Sprintf("Inbound[%d].Expected", i), Reason: "outside the years 1 to 9999: " + b.Expected.String()}
		}
		if total > math.MaxInt64-b.Qty {
			return &ValidationError{Field: fmt.Sprintf("Inbound[%d].Qty", i), Reason: "total supply overflows int64"}
		}
		total += b.Qty
	}
	if err := p.validHistory(in); err != nil {
		return err
	}
	if in.Handling < 0 || in.Handling > MaxBusinessDays {
		return &ValidationError{Field: "Handling", Reason: fmt.Sprintf("%d is outside 0..%d business days", in.Handling, MaxBusinessDays)}
	}
	if in.Transit < 0 || in.Transit > MaxBusinessDays {
		return &ValidationError{Field: "Transit", Reason: fmt.Sprintf("%d is outside 0..%d business days", in.Transit, MaxBusinessDays)}
	}
	if in.LeadTime < 0 {
		return &ValidationError{Field: "LeadTime", Reason: "negative: " + in.LeadTime.String()}
	}
	if err := in.Calendar.Validate(); err != nil {
		return calendarError("Calendar", err)
	}
	if len(in.Calendars) > 0 {
		for i := range in.OnHand {
			if err := validCalendar(in, in.OnHand[i].Location); err != nil {
				return err
			}
		}
		for i := range in.Inbound {
			if err := validCalendar(in, in.Inbound[i].Location); err != nil {
				return err
			}
		}
	}
	return nil
}

// validHistory checks the lateness history of each supplier named in
// Inbound, once per supplier.
func (p *Projector) validHistory(in *Input) error {
	if len(in.History) == 0 {
		return nil
	}
	p.checked = p.checked[:0]
	for i := range in.Inbound {
		name := in.Inbound[i].Supplier
		if slices.Contains(p.checked, name) {
			continue
		}
		p.checked = append(p.checked, name)
		for j, v := range in.History[name] {
			if v < -MaxBusinessDays || v > MaxBusinessDays {
				return &ValidationError{Field: fmt.Sprintf("History[%q][%d]", name, j),
					Reason: fmt.Sprintf("%d days is beyond ±%d", v, MaxBusinessDays)}
			}
		}
	}
	return nil
}

// The instants of 0001-01-01 and 9999-12-31 23:59:59 UTC, in Unix seconds.
const (
	minUnix = -62135596800
	maxUnix = 253402300799
)

// inYears reports whether t lies within the years 1 to 9999 (UTC): far
// enough inside time.Time's range that no lead time, handling, transit or
// lateness the input allows can overflow it.
func inYears(t time.Time) bool {
	u := t.Unix()
	return u >= minUnix && u <= maxUnix
}

// invalidDemand reports a demand that allocation.Validate rejects for its
// own fields (a shared Seq is checked apart).
func invalidDemand(d *allocation.Demand) bool {
	return d.Outstanding|d.Held|d.Seq|d.Weight|d.Min|d.Multiple|int64(d.Tier) < 0 || d.Protection > allocation.Win
}

// validDemands reports the first invalid demand, as allocation.Validate
// sees it, after a pass found one or found the demands out of Seq order
// (then a shared Seq may hide among them).
func (p *Projector) validDemands(demands []allocation.Demand, faulty bool) error {
	if faulty {
		return demandError(demands)
	}
	p.seqs = p.seqs[:0]
	for i := range demands {
		p.seqs = append(p.seqs, demands[i].Seq)
	}
	slices.Sort(p.seqs)
	for i := 1; i < len(p.seqs); i++ {
		if p.seqs[i] == p.seqs[i-1] {
			return demandError(demands)
		}
	}
	return nil
}

// isFIFO reports whether the policy is the built-in FIFO.
func isFIFO(p allocation.Policy) bool {
	switch p.(type) {
	case allocation.FIFO, *allocation.FIFO:
		return true
	}
	return false
}

// demandError turns allocation's verdict on invalid demands into a
// *ValidationError.
func demandError(demands []allocation.Demand) error {
	err := allocation.Validate(demands)
	if de, ok := err.(*allocation.DemandError); ok {
		return &ValidationError{Field: fmt.Sprintf("Demands[%d].%s", de.Index, de.Field), Reason: de.Reason, Err: de}
	}
	// Unreachable while validate and allocation.Validate agree; kept so a
	// disagreement is an error, not a panic.
	return &ValidationError{Field: "Demands", Reason: "rejected by allocation.Validate", Err: err}
}

// validCalendar checks the calendar of a location, if it has its own.
func validCalendar(in *Input, loc string) error {
	c, ok := in.Calendars[loc]
	if !ok {
		return nil
	}
	if err := c.Validate(); err != nil {
		return calendarError(fmt.Sprintf("Calendars[%q]", loc), err)
	}
	return nil
}

// calendarError prefixes a calendar's validation error with its path.
func calendarError(path string, err error) error {
	if ve, ok := err.(*ValidationError); ok {
		return &ValidationError{Field: path + "." + ve.Field, Reason: ve.Reason}
	}
	return &ValidationError{Field: path, Reason: err.Error()}
}

// location returns the index of loc in p.locs, adding it if new.
func (p *Projector) location(in *Input, loc string) int32 {
	for i, l := range p.locs {
		if l == loc {
			return int32(i)
		}
	}
	p.locs = append(p.locs, loc)
	c := p.cal
	if len(in.Calendars) > 0 {
		if lc, ok := in.Calendars[loc]; ok {
			c = p.days.calendar(&lc)
		}
	}
	p.cals = append(p.cals, c)
	return int32(len(p.locs) - 1)
}

// prepare sizes the per-demand scratch and dst, and lays out the plain
// run's steps: stock on hand at Now, then inbound by date (stable), then
// two pseudo-steps: Now (the ready date of a demand with nothing
// outstanding) and Now+LeadTime (the estimate).
func (p *Projector) prepare(dst *Projection, in *Input) {
	dst.promises = resize(dst.promises, len(in.Demands))

	p.days.start()
	p.cal = p.days.calendar(&in.Calendar)
	p.locs, p.cals = p.locs[:0], p.cals[:0]
	nowAt := instantOf(in.Now)
	s := resize(dst.steps[plain], len(in.OnHand)+len(in.Inbound)+2)
	n := 0
	for _, st := range in.OnHand {
		if st.Qty > 0 {
			s[n] = step{date: in.Now, at: nowAt, qty: st.Qty, loc: p.location(in, st.Location), src: SourceStock}
			n++
		}
	}
	k := n
	for i := range in.Inbound {
		b := &in.Inbound[i]
		if b.Qty > 0 {
			date, at := stepAt(b.Expected, in.Now, nowAt)
			s[n] = step{date: date, at: at, qty: b.Qty, loc: p.location(in, b.Location), src: int32(i)}
			n++
		}
	}
	sortSteps(s[k:n])
	est := in.Now.Add(in.LeadTime)
	s[n] = step{date: in.Now, at: nowAt, loc: -1, src: SourceStock}
	s[n+1] = step{date: est, at: instantOf(est), loc: -1, src: SourceLeadTime}
	s = s[:n+2]
	dst.steps[plain] = s
	p.avail = resize(p.avail, len(p.locs))
	p.used = resize(p.used, len(s))
	clear(p.used)
}

// sortSteps sorts inbound steps by date, equal dates in the order of
// Input.Inbound.
func sortSteps(s []step) {
	for i := 1; i < len(s); i++ {
		if cmpSteps(s[i-1], s[i]) > 0 {
			slices.SortFunc(s, cmpSteps)
			return
		}
	}
}

// cmpSteps orders inbound steps by date, then by index in Input.Inbound.
func cmpSteps(a, b step) int {
	if c := a.at.cmp(b.at); c != 0 {
		return c
	}
	return int(a.src) - int(b.src)
}

// shifts lays out the P50 and P90 runs' steps and reports whether any
// inbound moves (if none does, those runs equal the plain one).
func (p *Projector) shifts(dst *Projection, in *Input) bool {
	if len(in.History) == 0 {
		return false
	}
	for r := range p.shift {
		p.shift[r] = resize(p.shift[r], len(in.Inbound))
	}
	p.sup = p.sup[:0]
	moved := false
	for i := range in.Inbound {
		b := &in.Inbound[i]
		l := p.lateness(in, b.Supplier)
		p.shift[0][i], p.shift[1][i] = l.p50, l.p90
		moved = moved || b.Qty > 0 && (l.p50 != 0 || l.p90 != 0)
	}
	if !moved {
		return false
	}
	base := dst.steps[plain]
	nReal := len(base) - 2
	nowAt := base[nReal].at // the Now pseudo-step
	for r := p50; r <= p90; r++ {
		s := append(dst.steps[r][:0], base...)
		k := 0
		for k < nReal && s[k].src == SourceStock {
			k++
		}
		for j := k; j < nReal; j++ {
			b := &in.Inbound[s[j].src]
			if d := p.shift[r-1][s[j].src]; d != 0 {
				s[j].date, s[j].at = stepAt(p.days.add(p.cals[s[j].loc], b.Expected, d), in.Now, nowAt)
			}
		}
		sortSteps(s[k:nReal])
		dst.steps[r] = s
	}
	return true
}

// lateness returns the P50 and P90 lateness of a supplier (0 without
// history), computing each supplier's once per call.
func (p *Projector) lateness(in *Input, supplier string) supplierLateness {
	for _, l := range p.sup {
		if l.name == supplier {
			return l
		}
	}
	l := supplierLateness{name: supplier}
	if h := in.History[supplier]; len(h) > 0 {
		p.lates = append(p.lates[:0], h...)
		slices.Sort(p.lates)
		l.p50, l.p90 = nearestRank(p.lates, 50), nearestRank(p.lates, 90)
	}
	p.sup = append(p.sup, l)
	return l
}

// nearestRank returns the pct-th percentile of sorted (non-empty) by the
// nearest-rank method: the smallest value with at least pct% of the values
// at or below it.
func nearestRank(sorted []int, pct int) int {
	r := (pct*len(sorted) + 99) / 100
	return sorted[max(r, 1)-1]
}

// estimating reports whether what known supply leaves short gets a
// lead-time estimate.
func estimating(in *Input) bool {
	return in.LeadTime > 0 && !in.Discontinued
}

// lateFrom returns the first real step dated after the estimate: a demand
// whose last tranche is at or beyond it is ready then, not at the estimate.
func lateFrom(steps []step) int32 {
	nReal := len(steps) - 2
	est := steps[nReal+1].at
	k := nReal
	for k > 0 && steps[k-1].at.cmp(est) > 0 {
		k--
	}
	return int32(k)
}

// readyOf returns a demand's kind and ready step from what it still lacks
// after known supply and the step of its last tranche.
func readyOf(left int64, last int32, nReal int32, est bool, late int32) (Kind, int32) {
	switch {
	case left == 0 && last < 0:
		return Covered, nReal // the Now pseudo-step
	case left == 0:
		return Covered, last
	case !est:
		return None, -1
	case last >= late:
		return Estimated, last
	}
	return Estimated, nReal + 1 // the Now+LeadTime pseudo-step
}

// fifo is the fast path for the built-in FIFO over sorted, unconstrained
// demands. FIFO then hands each step's supply to the demands in Seq order,
// each in full, so one pass that walks the demands and the supply steps
// together gives the grants that calling Allocate at each step gives. It
// writes the promises and tranches of the plain run, checking each demand
// as it goes; it returns false, having written nothing of use, as soon as
// a demand is invalid, out of Seq order, or has a minimum, a case pack or
// Win protection: the generic path then takes over and reports the fault.
func (p *Projector) fifo(dst *Projection, in *Input) bool {
	steps := dst.steps[plain]
	nReal := int32(len(steps) - 2)
	est, late := estimating(in), lateFrom(steps)
	demands := in.Demands
	// At most one tranche per demand and step boundary in the lists.
	tr := resize(dst.tranches, len(demands)+int(nReal))
	nt := int32(0)
	ps := dst.promises[:len(demands)]
	used := p.used
	s := int32(0)
	var sleft int64
	if nReal > 0 {
		sleft = steps[0].qty
	}
	prev := int64(-1)
	for i := range demands {
		d := &demands[i]
		if d.Outstanding|d.Held|d.Seq|d.Weight|d.Min|d.Multiple|int64(d.Tier) < 0 ||
			d.Seq <= prev || d.Min|d.Multiple > 1 || d.Protection >= allocation.Win {
			dst.tranches = tr[:0]
			return false
		}
		prev = d.Seq
		need := d.Outstanding
		if need != 0 && need < sleft {
			// The common case: the demand fits in what is left of the
			// current step (sleft is 0 once supply is used up).
			ps[i] = promise{qty: need, first: -1, ready: s, kind: Covered}
			sleft -= need
			used[s] = true
			continue
		}
		if need == 0 {
			ps[i] = promise{first: -1, ready: nReal, kind: Covered}
			used[nReal] = true
			continue
		}
		if s == nReal { // known supply is used up
			if !est {
				ps[i] = promise{first: -1, ready: -1, kind: None}
				continue
			}
			ps[i] = promise{qty: need, first: -1, ready: nReal + 1, kind: Estimated}
			used[nReal+1] = true
			continue
		}
		first := nt
		last := int32(-1)
		for need > 0 && s < nReal {
			take := min(need, sleft)
			if nt > first {
				tr[nt-1].next = nt
			}
			tr[nt] = tranche{qty: take, step: s, next: -1}
			nt++
			last = s
			need -= take
			sleft -= take
			if sleft == 0 {
				s++
				if s < nReal {
					sleft = steps[s].qty
				}
			}
		}
		kind, ready := readyOf(need, last, nReal, est, late)
		if kind != Estimated {
			need = 0 // no tranche beyond the list
		}
		if ready >= 0 {
			used[ready] = true
		}
		ps[i] = promise{qty: need, first: first, ready: ready, kind: kind}
	}
	dst.tranches = tr[:nt]
	return true
}

// fifoReady is the fast path of a P50 or P90 run: it only finds each
// promise's ready step in that run.
func (p *Projector) fifoReady(dst *Projection, in *Input, r int) {
	steps := dst.steps[r]
	nReal := int32(len(steps) - 2)
	est, late := estimating(in), lateFrom(steps)
	ready := dst.runReady(r)
	s := int32(0)
	var sleft int64
	if nReal > 0 {
		sleft = steps[0].qty
	}
	for i := range in.Demands {
		need := in.Demands[i].Outstanding
		last := int32(-1)
		for need > 0 && s < nReal {
			take := min(need, sleft)
			last = s
			need -= take
			sleft -= take
			if sleft == 0 {
				s++
				if s < nReal {
					sleft = steps[s].qty
				}
			}
		}
		ready[i] = runReady(&dst.promises[i], need, last, nReal, est, late)
	}
}

// runReady returns the ready steps of run r.
func (p *Projection) runReady(r int) []int32 {
	if r == p50 {
		return p.ready50
	}
	return p.ready90
}

// runReady returns a demand's ready step in a P50 or P90 run; a demand with
// no date in the plain run has none in the others.
func runReady(pr *promise, left int64, last, nReal int32, est bool, late int32) int32 {
	if pr.kind == None {
		return -1
	}
	_, ready := readyOf(left, last, nReal, est, late)
	return ready
}

// generic runs the policy at every supply step over the demands still
// short, as the engine would. With record (the plain run, which comes
// first) it checks the demands, and keeps each demand's state in its
// promise: qty what it still lacks, ready the step of its last tranche,
// and the tranches in its list. Without record (the P50 and P90 runs) it
// keeps that state in p.left and p.last.
func (p *Projector) generic(dst *Projection, in *Input, steps []step, record bool) error {
	n := len(in.Demands)
	nReal := len(steps) - 2
	if record {
		if err := p.scan(dst, in.Demands); err != nil {
			return err
		}
	} else {
		p.left = resize(p.left, n)
		p.last = resize(p.last, n)
		for i := range in.Demands {
			p.left[i], p.last[i] = in.Demands[i].Outstanding, -1
		}
	}
	p.work = resize(p.work, n)
	p.idx = resize(p.idx, n)

	// cur are the demands still short; curIdx their indices in
	// Input.Demands, or nil when cur is Input.Demands itself.
	var cur []allocation.Demand
	var curIdx []int32
	if p.direct {
		cur = in.Demands
	} else {
		k := 0
		for i := range in.Demands {
			if d := in.Demands[i]; d.Outstanding > 0 {
				d.Held = 0
				p.work[k], p.idx[k] = d, int32(i)
				k++
			}
		}
		cur, curIdx = p.work[:k], p.idx[:k]
	}
	clear(p.avail)
	p.reofferOrder(in)
	for s := 0; s < nReal && len(cur) > 0; s++ {
		st := &steps[s]
		supply := p.avail[st.loc] + st.qty // validated: the total supply fits
		left, served, err := p.offer(dst, in, &cur, &curIdx, s, supply, record)
		if err != nil {
			return err
		}
		p.avail[st.loc] = left
		// Serving lines may let stock that minimums or case packs held back
		// at other locations fit what they still wait for: the engine offers
		// those locations again, in its location order, until nothing more
		// moves, and so does the projection. What they give becomes
		// allocated at this step.
		for skip := st.loc; served && len(cur) > 0; skip = -1 {
			served = false
			for _, l := range p.order {
				if l == skip || p.avail[l] <= 0 || len(cur) == 0 {
					continue
				}
				left, ok, err := p.offer(dst, in, &cur, &curIdx, s, p.avail[l], record)
				if err != nil {
					return err
				}
				p.avail[l] = left
				served = served || ok
			}
		}
	}
	return nil
}

// offer runs the policy once over the demands still short with supply, at
// step s, records what it grants, drops the demands it fills from *cur, and
// returns the supply left and whether anything was granted.
func (p *Projector) offer(dst *Projection, in *Input, cur *[]allocation.Demand, curIdx *[]int32, s int, supply int64, record bool) (int64, bool, error) {
	c, ci := *cur, *curIdx
	p.grants = in.Policy.Allocate(p.grants[:0], supply, c)
	if len(p.grants) != len(c) {
		return 0, false, &PolicyError{Policy: fmt.Sprintf("%T", in.Policy), Step: s, Index: -1,
			Reason: fmt.Sprintf("%d grants for %d demands", len(p.grants), len(c))}
	}
	left := supply
	k := 0
	for j, g := range p.grants {
		i := int32(j)
		if ci != nil {
			i = ci[j]
		}
		out := c[j].Outstanding
		if g != 0 {
			if g < 0 || g > out || g > left {
				return 0, false, p.grantError(in, s, int(i), g, out, supply)
			}
			left -= g
			out -= g
			if record {
				pr := &dst.promises[i]
				pr.qty, pr.ready = out, int32(s)
				addTranche(dst, pr, g, int32(s))
			} else {
				p.left[i], p.last[i] = out, int32(s)
			}
		}
		switch {
		case out == 0:
		case ci == nil || k != j:
			p.work[k], p.idx[k] = c[j], i
			p.work[k].Outstanding = out
			k++
		default:
			p.work[k].Outstanding = out
			k++
		}
	}
	*cur, *curIdx = p.work[:k], p.idx[:k]
	return left, left < supply, nil
}

// reofferOrder lays out p.order: the locations of the supply steps in the
// order Input.Locations gives, then the others in order of first
// appearance.
func (p *Projector) reofferOrder(in *Input) {
	p.order = p.order[:0]
	for _, name := range in.Locations {
		for i, l := range p.locs {
			if l == name && !slices.Contains(p.order, int32(i)) {
				p.order = append(p.order, int32(i))
			}
		}
	}
	for i := range p.locs {
		if !slices.Contains(p.order, int32(i)) {
			p.order = append(p.order, int32(i))
		}
	}
}

// scan checks the demands for the generic path, notes whether they can go
// to the first Allocate as they are (all short, none holding), and starts
// each promise's state: all of its outstanding quantity lacking, no
// tranche yet.
func (p *Projector) scan(dst *Projection, demands []allocation.Demand) error {
	faulty, sorted, direct := false, true, true
	prev := int64(-1)
	for i := range demands {
		d := &demands[i]
		faulty = faulty || invalidDemand(d)
		sorted = sorted && d.Seq > prev
		prev = d.Seq
		direct = direct && d.Outstanding > 0 && d.Held == 0
		dst.promises[i] = promise{qty: d.Outstanding, first: -1, ready: -1, tail: -1}
	}
	p.direct = direct
	dst.tranches = dst.tranches[:0]
	if faulty || !sorted {
		return p.validDemands(demands, faulty)
	}
	return nil
}

// addTranche appends a tranche to the list of promise pr.
func addTranche(dst *Projection, pr *promise, qty int64, step int32) {
	t := int32(len(dst.tranches))
	dst.tranches = append(dst.tranches, tranche{qty: qty, step: step, next: -1})
	if pr.tail >= 0 {
		dst.tranches[pr.tail].next = t
	} else {
		pr.first = t
	}
	pr.tail = t
}

// grantError describes a grant that breaks the Policy contract.
func (p *Projector) grantError(in *Input, s, i int, g, out, supply int64) error {
	e := &PolicyError{Policy: fmt.Sprintf("%T", in.Policy), Step: s, Index: i, Grant: g}
	switch {
	case g < 0:
		e.Reason = "negative grant (holdings are not offered to the projection)"
	case g > out:
		e.Reason = fmt.Sprintf("more than the %d outstanding", out)
	default:
		e.Reason = fmt.Sprintf("grants sum to more than the supply of %d", supply)
	}
	return e
}

// assemble completes the promises of the plain run from the generic path:
// kind and ready step, and the rest of an Estimated promise as its last
// tranche.
func (p *Projector) assemble(dst *Projection, in *Input) {
	steps := dst.steps[plain]
	nReal := int32(len(steps) - 2)
	est, late := estimating(in), lateFrom(steps)
	for i := range dst.promises {
		pr := &dst.promises[i]
		kind, ready := readyOf(pr.qty, pr.ready, nReal, est, late)
		if kind != Estimated {
			pr.qty = 0 // no tranche beyond the list
		}
		pr.kind, pr.ready = kind, ready
		if ready >= 0 {
			p.used[ready] = true
		}
	}
}

// readyIn sets each promise's ready step in run r from the generic path.
func (p *Projector) readyIn(dst *Projection, in *Input, r int) {
	steps := dst.steps[r]
	nReal := int32(len(steps) - 2)
	est, late := estimating(in), lateFrom(steps)
	ready := dst.runReady(r)
	for i := range in.Demands {
		ready[i] = runReady(&dst.promises[i], p.left[i], p.last[i], nReal, est, late)
	}
}

// deliveries computes the delivery date of every plain step that is some
// promise's ready step.
func (p *Projector) deliveries(dst *Projection, in *Input) {
	steps := dst.steps[plain]
	dst.deliv = resize(dst.deliv, len(steps))
	n := in.Handling + in.Transit
	for s, u := range p.used {
		if !u {
			dst.deliv[s] = time.Time{}
			continue
		}
		c := p.cal
		if steps[s].loc >= 0 {
			c = p.cals[steps[s].loc]
		}
		dst.deliv[s] = p.days.add(c, steps[s].date, n)
	}
}
