package allocation

// Protection says whether, and how, what a demand already holds may be moved.
// It follows the confirmation strategies of SAP's backorder processing.
type Protection uint8

const (
	// Keep is the zero value: what the demand holds is never taken away; the
	// demand may still gain more.
	Keep Protection = iota
	// Redistribute lets demands ranked ahead of this one take what it holds.
	Redistribute
	// Win puts the demand ahead of all ranking until it is fully served; it
	// may take what Redistribute demands hold.
	Win
)

// Demand is one waiting line as a policy sees it. It is kept small: it is the
// hot loop's memory traffic.
type Demand struct {
	// Outstanding is the quantity still wanted beyond what is held (> 0 for a
	// waiting line; 0 for a line that only holds).
	Outstanding int64
	// Held is the quantity already allocated to the demand at the location
	// being allocated. Only Redistribute holdings can move.
	Held int64
	// Seq is the arrival sequence, unique per SKU; lower arrived earlier. It
	// is the final tie-break of every built-in policy.
	Seq int64
	// Weight is the fair-share weight; zero means Outstanding.
	Weight int64
	// Min is the smallest grant the demand accepts (0: any). A grant is
	// either 0 or at least min(Min, Outstanding).
	Min int64
	// Multiple is the case pack: a grant is a multiple of it, or exactly
	// Outstanding. 0 or 1 means any quantity.
	Multiple int64
	// Tier is the priority tier: 1 is served first. 0 is treated as 1.
	Tier int32
	// Protection says whether what the demand holds may move.
	Protection Protection
}

// Policy decides who gets scarce supply of one SKU at one location.
//
// Allocate appends one grant per demand to dst[:0] and returns it, aligned
// with demands. A grant is the change in what the demand holds: 0 ≤ grant ≤
// Outstanding, or, for a Redistribute demand, −Held ≤ grant ≤ Outstanding. The
// grants sum to at most supply. Allocate does not modify demands, and a
// policy's decision does not depend on the order of demands.
type Policy interface {
	Allocate(dst []int64, supply int64, demands []Demand) []int64
}
