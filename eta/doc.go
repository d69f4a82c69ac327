// Package eta projects when each waiting line of a SKU will be allocated and
// delivered: the promise (ETA) a customer on backorder asks for.
//
// Unlike a forecast that matches demands to incoming supply in a fixed
// priority-then-date order, eta runs the SKU's own allocation policy at every
// future receipt, in date order, exactly as the engine will when the stock
// arrives. The projection therefore agrees with what allocation will really
// do, for FIFO, Priority, FairShare, MaxMin and any host policy alike. It is
// pure: no I/O, no clock, no global state; the caller passes Now.
//
// # What a projection says
//
// For each demand (a waiting line, as allocation.Demand) the Projection
// gives, through Promise and Tranches:
//
//   - the tranches: quantities and the dates on which they become allocated,
//     and which supply they come from;
//   - Ready, the date of the last tranche, and Delivery, Ready plus the
//     handling and transit business days in the shipping location's calendar;
//   - the Kind: Covered when known supply (stock on hand and inbound) covers
//     the whole outstanding quantity; Estimated when it does not and the item
//     has a lead time (the rest is dated Now + LeadTime, or at the demand's
//     last known tranche if that is later, so tranche dates never go back);
//     None when the item is discontinued or its lead time is unknown: then
//     there is no date, never a made-up one;
//   - P50Ready and P90Ready: the ready dates when every inbound is as late as
//     its supplier's median and 90th-percentile past lateness (nearest-rank
//     percentiles of Input.History, in business days). Without history they
//     equal Ready.
//
// # The model
//
// Every waiting line of the SKU may draw from any location. Supply is offered
// in steps: first the stock on hand now, location by location, at Now; then
// each inbound by expected date (an overdue one at Now; equal dates in the
// order given). At each step the policy allocates, over the demands still
// short (their remaining outstanding), the step's quantity plus whatever
// earlier steps left unallocated at the same location. Supply is left over
// only when minimums or case packs block it; it stays at its location, as
// stock on hand does in the engine (available = on hand − allocated), and is
// offered again with the next inbound there. And whenever a step serves
// lines, what they still wait for shrinks, so stock held back at other
// locations may now fit (a line short of 5 with a minimum of 12 takes 5):
// those locations are offered again, in the order of Input.Locations, until
// nothing more moves, exactly as the engine does; what they give is dated
// at that step.
// What demands already hold (Demand.Held) is ignored: the projection dates
// what is outstanding and never moves holdings. Win demands come first, as
// allocation serves them.
//
// The built-in FIFO over sorted demands without minimums, case packs or Win
// demands takes a single-pass fast path (a running sum over demands and
// receipts) that gives the same tranches as calling Allocate at each step;
// every other case calls Policy.Allocate once per step over the demands still
// short, compacted as they fill.
//
// # Memory
//
// A Projection stores promises compactly (a few words per demand, one per
// tranche, dates kept once per supply step) and hands them out as Promise
// and Tranche values on request; a Projector keeps its scratch memory and
// a small exact cache of business-day results. Reusing both, a steady
// stream of projections does not allocate.
//
// # Calendars
//
// A Calendar says which days are business days: working days of the week
// (Monday to Friday by default) minus holidays, both read in the calendar's
// time zone, so a receipt at 23:30 UTC on a Friday is a Saturday in
// Amsterdam. AddBusinessDays counts whole days after the given day and keeps
// the clock time. The zero Calendar is Monday to Friday in UTC. Input.Calendar
// serves locations without their own entry in Input.Calendars, and the
// lead-time estimate.
//
// # Usage
//
// The engine (package backorder) calls Project inside the transaction that
// changes a SKU's book or inbound supply, then compares the promises with the
// ones it stored and emits PromiseChanged for those that moved. A host can do
// the same:
//
//  1. Load the SKU's waiting lines in book order (by Seq) and turn each into
//     an allocation.Demand, Outstanding being what it still waits for.
//  2. Load the stock available now per location, and the SKU's open inbound
//     supply (quantity still expected, expected date, location, supplier),
//     sorted by date then inbound id.
//  3. Fill an Input with those, the SKU's policy, the calendars, handling and
//     transit days, the item's lead time, whether it is discontinued, and
//     the suppliers' lateness history. Set Now from the host's clock.
//  4. Call Projector.Project with a Projection kept from the previous call,
//     so that steady use does not allocate (or call Project for a one-off).
//  5. Read Promise(i) and Tranches(dst, i) for Demands[i]. The Projection
//     is overwritten by the next call into it: copy what must be kept.
//
// In code:
//
//	var p eta.Projector // one per goroutine; keeps scratch memory
//	var out eta.Projection
//	err := p.Project(&out, eta.Input{
//		Now:      now,
//		Demands:  demands, // the waiting lines, in book order
//		OnHand:   []eta.Stock{{Location: "AMS", Qty: 0}},
//		Inbound:  []eta.Inbound{{Qty: 50, Expected: day5, Location: "AMS", Supplier: "ACME"}},
//		Policy:   allocation.FIFO{},
//		Calendar: eta.Calendar{Loc: amsterdam, Holidays: holidays},
//		Handling: 2,
//		LeadTime: 21 * 24 * time.Hour,
//		History:  map[string][]int{"ACME": {0, 2, 1, 5}},
//	})
//	if err != nil {
//		return err // a *ValidationError (errors.Is(err, eta.ErrInvalid))
//	}
//	var tranches []eta.Tranche
//	for i := range out.Len() {
//		pr := out.Promise(i)
//		tranches = out.Tranches(tranches[:0], i)
//		fmt.Println(demands[i].Seq, pr.Kind, pr.Ready, pr.Delivery, pr.P90Ready, tranches)
//	}
//
// # Errors
//
// Project validates its input before doing anything and reports the first
// fault as a *ValidationError naming the field and the reason, matched by
// errors.Is(err, ErrInvalid): a nil policy, a zero Now, a Now or an
// inbound date outside the years 1 to 9999, an invalid demand
// (as allocation.Validate sees it: a negative field, an unknown protection,
// a shared Seq), a negative quantity, an inbound without a date, a total
// supply that overflows int64, handling or transit days outside
// 0..MaxBusinessDays, a negative lead time, an invalid calendar, or a
// supplier lateness beyond ±MaxBusinessDays. A host policy that breaks the
// allocation.Policy contract yields a *PolicyError (ErrPolicy). No input
// makes Project panic.
package eta
