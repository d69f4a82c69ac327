// Package allocation decides who gets scarce supply: given the supply of one
// SKU at one location and the demands waiting for it, a Policy returns how
// much each demand gets. It is pure: no I/O, no global state, no knowledge
// of the engine's types. The engine (package backorder) calls it on every
// receipt; hosts may call it directly, benchmark it with go test -bench, or
// plug in their own Policy.
//
// # Usage
//
// The host (or the engine) does four things:
//
//  1. Build one Demand per waiting line of the SKU at the location: what it
//     still wants (Outstanding), what it already holds there (Held) and
//     whether that holding may move (Protection), its arrival sequence Seq
//     (unique per SKU), its priority Tier (1 first), and optionally a
//     fair-share Weight, a minimum grant Min and a case pack Multiple.
//  2. Optionally call Validate to reject bad demands with a typed error.
//  3. Call Allocate on a Policy value, reusing a grant slice: after the first
//     call the same slice is reused and the call allocates nothing.
//  4. Apply each grant as a change in what the demand holds: add it to the
//     line's allocation and take it from its backorder. A negative grant
//     (Redistribute only) moves stock away from the line, back to its
//     backorder.
//
// For example:
//
//	demands := []allocation.Demand{
//		{Seq: 1, Outstanding: 5, Tier: 2},
//		{Seq: 2, Outstanding: 5, Tier: 1},
//		{Seq: 3, Outstanding: 5, Tier: 1, Multiple: 2},
//	}
//	var grants []int64
//	grants = allocation.Priority{}.Allocate(grants[:0], 8, demands) // [1 5 2]
//	why := allocation.Explain(allocation.Priority{}, 8, demands)    // for the call centre
//
// # Policies
//
// FIFO serves by arrival. Priority serves by tier, then arrival: it finds
// the tier where supply runs out, serves the tiers before it in full and
// that tier in arrival order (no comparison sort). FairShare splits supply
// in proportion to weight and MaxMin in equal shares, both water-filling:
// a demand whose share reaches its Outstanding is capped there and what it
// frees is shared among the rest. With Tiered, they serve tiers in order and
// share only the tier where supply runs out. Policy values are value types
// with a useful zero value; they hold no state and are safe for concurrent
// use. A host's own policy is any Policy, or a plain function wrapped in
// Func; Demand.Fit and CheckGrants help it keep the contract.
//
// # Grants
//
// A grant is the change in what a demand holds. For each demand,
// 0 ≤ grant ≤ Outstanding, except that a Redistribute demand whose holding is
// taken gets a negative grant, never below −Held. The grants sum to at most
// the supply (a negative supply counts as 0). A positive grant g is feasible:
// min(Min, Outstanding) ≤ g, and g is a multiple of Multiple (when Multiple >
// 1) or exactly Outstanding. Tier 0 counts as tier 1; Weight 0 means
// Outstanding.
//
// # Order of decisions
//
// Allocate decides in this order:
//
//  1. Win demands, in Seq order, each take the largest feasible quantity up
//     to Outstanding: from free supply first, then from Redistribute
//     holdings, lowest-ranked holder first.
//  2. The policy splits the remaining free supply among the other demands.
//     Min and Multiple round each grant down to a feasible one; what that
//     leaves is offered to the demands in rank order, each taking its largest
//     feasible addition (a demand that has g may go to g+e only if g+e is
//     feasible). So no stock is left that some demand could take.
//  3. In rank order, a demand still short may take its largest feasible
//     addition from what is still free and then from the Redistribute
//     holdings of demands ranked strictly behind it, lowest-ranked first.
//     Behind means: FIFO, a later Seq; Priority, a worse tier or the same
//     tier and a later Seq; FairShare and MaxMin, a strictly worse tier
//     (Tiered only: they never take within a tier). A holder that gained in
//     this call keeps its holding. Keep holdings never move, and Win
//     holdings are never taken.
//
// Supply left over after all three steps can only be stock that every
// unserved demand refuses because of its Min or Multiple.
//
// # Rank and ties
//
// Rank returns a policy's service order, which is also the reverse of the
// order in which a host should take stock back when supply shrinks: Win
// demands by Seq, then FIFO by Seq, Priority by tier then Seq, FairShare and
// MaxMin by tier (if Tiered) then Seq. Every tie is broken by Seq, earlier
// first; never by input order. Permuting the demands permutes the grants.
//
// # Fair share and the Alabama paradox
//
// FairShare's exact share is S·w/W, water-filled. Whole units are handed out
// by largest remainder (Hamilton's method): each uncapped demand gets the
// floor of its exact share, and the units left go one each to the largest
// fractional remainders, ties to the earlier Seq. Every uncapped grant is
// within one unit of its exact share (before Min and Multiple), and capped
// grants are exact. Largest remainder has a known flaw, the Alabama paradox:
// more supply can give a demand less. With weights 1500, 1500, 900, 500,
// 500 and 200, supply 25 gives the two 500s 3 units each, while supply 26
// gives them 2 each (the extra unit and one more go to the larger demands).
// If that matters to your customers, use MaxMin, which never gives a demand
// less when supply grows (without Min and Multiple, which can break any
// such guarantee), or FIFO or Priority. Note too that shares in proportion
// to order size invite customers to inflate orders: set Weight from history
// or contract instead.
//
// MaxMin gives every demand the same level, capped at Outstanding; the
// units that do not divide evenly go to the earliest arrivals.
//
// # Invalid input
//
// Allocate never fails and never panics. A demand with a negative field, an
// unknown Protection, or a Seq shared with another demand is invalid: it
// gets 0, its holding never moves, and the others are decided as if it were
// absent. Validate reports the first such demand as a *DemandError
// (errors.Is(err, ErrInvalid)). Arithmetic is exact up to the int64 limits:
// products S·w are 128-bit, sums that could pass 2^63 are kept in 128 bits,
// and when the weights of the group being shared sum past 2^63 they are all
// shifted right by the same number of bits so the sum fits (weights are
// ratios: this only drops precision far below one unit of any realistic
// share). A demand whose weight is 0 after that shift has no proportional
// share; it can still get what would otherwise be left over.
//
// # Performance
//
// Allocate allocates nothing beyond growing dst when the input is what the
// engine passes: valid demands sorted by Seq, no Win demand, no Redistribute
// holding (Redistribute demands holding 0 are fine), tiers at most 15 (for
// Priority and the Tiered policies) and sums of Outstanding and of weights
// below 2^63. Anything else takes a general path that allocates scratch
// memory and sorts, and decides exactly the same way. FairShare and MaxMin
// also allocate, to sort, in the rare case where water-filling has not
// settled after 16 rounds (each round caps every demand whose share
// reaches its Outstanding; real books settle in one to six).
//
// FIFO reads each demand once. Priority reads them twice: once to check
// them and sum the tiers, once (from cache) to grant. Untiered FairShare
// and MaxMin read them once too: the first pass checks and sums them and
// leaves in dst what the rest needs (supply·Outstanding for FairShare with
// default weights, Outstanding for MaxMin), so water-filling, the
// linear-time radix selection of the largest remainders and the grants
// work on dst alone, 8 bytes a demand. Weights, Min, Multiple, tiers or
// capped shares add passes over the demands. Package
// allocationtest builds the standard book the benchmarks run on.
//
// # Explain
//
// Explain(p, supply, demands) returns one Reason per demand: its rank, the
// stage that decided (Win, covered tier, queue, share, out of supply), the
// exact share, whole units, remainder unit, cap, units refused by Min or
// Multiple, leftovers and holdings moved. It is a separate entry point and
// allocates; Allocate pays nothing for it.
package allocation
