package eta

import (
	"slices"
	"strconv"
	"time"

	"github.com/backorderkit/backorderkit/allocation"
)

// Kind says how a promise was made.
type Kind uint8

const (
	// None is the zero value: no date can be given. The item is
	// discontinued, or its lead time is unknown, and known supply does not
	// cover the demand. The promise's dates are zero; Tranches may still
	// list what known supply will allocate.
	None Kind = iota
	// Covered means known supply (stock on hand and inbound) covers the
	// whole outstanding quantity: the dates follow from the expected dates
	// of that supply.
	Covered
	// Estimated means known supply leaves part of the demand short: the rest
	// is dated now + the item's lead time (or the demand's last known
	// tranche, if that is later).
	Estimated
)

// String returns "none", "covered" or "estimated".
func (k Kind) String() string {
	switch k {
	case None:
		return "none"
	case Covered:
		return "covered"
	case Estimated:
		return "estimated"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Stock is quantity available now (on hand and not allocated) at a location.
type Stock struct {
	// Location is where the stock is.
	Location string
	// Qty is the available quantity (≥ 0; 0 is ignored).
	Qty int64
}

// Inbound is expected supply of the SKU: a purchase-order line or a
// transfer.
type Inbound struct {
	// Qty is the quantity still expected (≥ 0; 0 is ignored).
	Qty int64
	// Expected is when it is due to arrive; required, within the years 1
	// to 9999. A date before Input.Now (an overdue inbound) is taken as
	// Now.
	Expected time.Time
	// Location is where it arrives; its stock joins that location's.
	Location string
	// Supplier is who sends it; it keys Input.History.
	Supplier string
}

// Input is everything the projection of one SKU's book needs. The zero value
// is not valid: Now and Policy are required.
type Input struct {
	// Now is the time of the projection; required, within the years 1 to
	// 9999. No date in the result is before it.
	Now time.Time
	// Demands are the SKU's waiting demands in book order (by Seq, as the
	// engine keeps them; another order gives the same result, more slowly).
	// Outstanding is what each still waits for. Held is ignored: the
	// projection dates what is outstanding, and treats every holding as
	// staying where it is. Protection Win puts a demand first, as
	// allocation does.
	Demands []allocation.Demand
	// OnHand is the stock available now, per location. It is offered to
	// the book first, at Now, one location at a time in the order given;
	// what the policy leaves (blocked by minimums or case packs) stays at
	// its location and is offered again with the next inbound there.
	OnHand []Stock
	// Locations is the order in which stock that minimums or case packs
	// held back at a location is offered again after a step serves lines
	// elsewhere (the engine's location order). Locations not listed come
	// after, in order of first appearance in OnHand, then Inbound.
	Locations []string
	// Inbound is the expected supply, in any order: the projection takes it
	// by expected date, equal dates in the order given (the engine gives it
	// sorted by date, then inbound id).
	Inbound []Inbound
	// Policy is the allocation policy the engine uses for the SKU; required.
	Policy allocation.Policy
	// Calendar is the business-day calendar of locations without an entry
	// in Calendars, and of lead-time estimates. The zero value is Monday to
	// Friday in UTC.
	Calendar Calendar
	// Calendars holds the calendar of each location that has its own. Only
	// the entries for locations in OnHand and Inbound are read.
	Calendars map[string]Calendar
	// Handling is the number of business days from ready (allocated) to
	// dispatch; 0 ≤ Handling ≤ MaxBusinessDays.
	Handling int
	// Transit is the number of business days from dispatch to delivery;
	// 0 ≤ Transit ≤ MaxBusinessDays.
	Transit int
	// LeadTime is the item's usual replenishment lead time, used to date
	// what known supply does not cover; 0 means unknown (no date is made
	// up). Must not be negative.
	LeadTime time.Duration
	// Discontinued says the item is never replenished: what known supply
	// does not cover gets no date, whatever LeadTime says.
	Discontinued bool
	// History holds, per supplier, the business days late of its past
	// receipts (a negative value is days early), each within
	// ±MaxBusinessDays. Only the
	// entries of suppliers named in Inbound are read. Nil or empty means
	// no confidence data: P50Ready and P90Ready equal Ready.
	History map[string][]int
}

// Source values of a Tranche that does not come from an inbound.
const (
	// SourceStock marks a tranche allocated from stock on hand now.
	SourceStock = -1
	// SourceLeadTime marks the lead-time estimate for the rest of an
	// Estimated promise.
	SourceLeadTime = -2
)

// Tranche is a quantity of a demand that becomes allocated on a date.
type Tranche struct {
	// Qty is the quantity (> 0).
	Qty int64
	// Date is when it becomes allocated: Now for stock on hand, the
	// inbound's expected date (or Now, if overdue) for an inbound, the
	// estimated date for the lead-time estimate.
	Date time.Time
	// Source is the index in Input.Inbound of the inbound that supplies
	// it, or SourceStock, or SourceLeadTime.
	Source int
}

// Promise is the projection of one demand, as Projection.Promise returns
// it.
type Promise struct {
	// Kind says how the promise was made.
	Kind Kind
	// Ready is when the last tranche is allocated: the date the whole
	// demand can ship. Zero for None. For a demand with nothing
	// outstanding it is Now.
	Ready time.Time
	// Delivery is Ready plus Handling and Transit business days (see
	// Calendar.AddBusinessDays), counted in the calendar of the location
	// whose supply makes the demand ready, in that calendar's time zone.
	// The default Calendar counts when the demand is ready at Now +
	// LeadTime, or has nothing outstanding. Zero for None.
	Delivery time.Time
	// P50Ready and P90Ready are the ready dates when every inbound arrives
	// as late as its supplier's median and 90th-percentile past lateness
	// (see Input.History): each inbound's expected date is moved by that
	// many business days in its location's calendar (never before Now),
	// and the book is projected again. Without history they equal Ready.
	// Zero for None, and zero when the re-projection finds no date for
	// the demand.
	P50Ready time.Time
	P90Ready time.Time
	// Tranches is the number of tranches Projection.Tranches lists for
	// the demand: the quantities in which its outstanding quantity
	// becomes allocated. For Covered and Estimated promises they sum to
	// the demand's Outstanding; for None, to what known supply gives.
	Tranches int
}

// Projection holds the promises of one SKU's book, one per demand of
// Input.Demands, in a compact form: read them with Promise and Tranches.
// The zero value is an empty projection. A Projection is reused by passing
// it to Projector.Project again, which overwrites it: a plain copy of the
// struct shares its memory, so read out (or Clone) what must outlive the
// next call, or project into another Projection. Reading a Projection does
// not modify it: concurrent reads are safe.
type Projection struct {
	promises []promise
	// tranches holds every promise's tranches, each promise's as a list
	// linked in date order.
	tranches []tranche
	// steps are the supply steps of the plain run and of the runs at P50
	// and P90 lateness; each ends with two pseudo-steps, Now and
	// Now+LeadTime.
	steps [3][]step
	// ready50 and ready90 are each promise's ready step in the P50 and P90
	// runs (-1: none), when shifted.
	ready50, ready90 []int32
	// deliv is the delivery date of each plain step that is some
	// promise's ready step.
	deliv   []time.Time
	shifted bool // the P50 and P90 runs differ from the plain one
}

// promise is a Promise as stored: indices into the Projection's tables.
// Its tranches are those of its list, then, if qty > 0, one more dated at
// its ready step: the whole demand within one supply step, or the rest of
// an Estimated promise (the lead-time estimate). Most promises need no
// list at all.
type promise struct {
	qty   int64 // the quantity of the tranche at the ready step; 0: none
	first int32 // the first tranche of its list; -1: empty
	ready int32 // plain step of its ready date; -1: none
	tail  int32 // while projecting: the last tranche of its list; -1: empty
	kind  Kind
}

// tranche is a Tranche as stored in a promise's list: a quantity, the
// plain step that supplies it and the next tranche of the list.
type tranche struct {
	qty  int64
	step int32
	next int32 // -1: the last of the list
}

// Clone returns a deep copy of p, which later projections into p leave
// unchanged.
func (p *Projection) Clone() Projection {
	c := Projection{
		promises: slices.Clone(p.promises),
		tranches: slices.Clone(p.tranches),
		ready50:  slices.Clone(p.ready50),
		ready90:  slices.Clone(p.ready90),
		deliv:    slices.Clone(p.deliv),
		shifted:  p.shifted,
	}
	for r := range p.steps {
		c.steps[r] = slices.Clone(p.steps[r])
	}
	return c
}

// Len returns the number of promises: len(Input.Demands).
func (p *Projection) Len() int { return len(p.promises) }

// Promise returns the promise of Input.Demands[i]. Like a slice index, it
// panics if i is out of range.
func (p *Projection) Promise(i int) Promise {
	pr := &p.promises[i]
	out := Promise{Kind: pr.kind}
	for t := pr.first; t >= 0; t = p.tranches[t].next {
		out.Tranches++
	}
	if pr.qty > 0 {
		out.Tranches++
	}
	if pr.ready < 0 {
		return out
	}
	out.Ready = p.steps[plain][pr.ready].date
	out.Delivery = p.deliv[pr.ready]
	if !p.shifted {
		out.P50Ready, out.P90Ready = out.Ready, out.Ready
		return out
	}
	if r := p.ready50[i]; r >= 0 {
		out.P50Ready = p.steps[p50][r].date
	}
	if r := p.ready90[i]; r >= 0 {
		out.P90Ready = p.steps[p90][r].date
	}
	return out
}

// Tranches appends the tranches of Input.Demands[i] to dst, by date, and
// returns it. Like a slice index, it panics if i is out of range.
func (p *Projection) Tranches(dst []Tranche, i int) []Tranche {
	pr := &p.promises[i]
	steps := p.steps[plain]
	for t := pr.first; t >= 0; t = p.tranches[t].next {
		tr := &p.tranches[t]
		dst = append(dst, Tranche{Qty: tr.qty, Date: steps[tr.step].date, Source: int(steps[tr.step].src)})
	}
	if pr.qty > 0 {
		src := int(steps[pr.ready].src)
		if pr.kind == Estimated {
			src = SourceLeadTime
		}
		dst = append(dst, Tranche{Qty: pr.qty, Date: steps[pr.ready].date, Source: src})
	}
	return dst
}
