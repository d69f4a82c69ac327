package allocation

import "slices"

// FIFO serves demands by arrival (Seq), each in full while supply lasts.
type FIFO struct{}

// Priority serves demands by tier (1 first), then by arrival.
type Priority struct{}

// FairShare splits supply in proportion to Weight (0 means Outstanding),
// capping each demand at its Outstanding and handing what the caps free on to
// the others (water-filling). Whole units go by largest remainder, ties to
// the earlier arrival. With Tiered, tiers are served in order and only the
// tier where supply runs out is shared; without it, tiers are ignored.
//
// Largest remainder suffers the Alabama paradox: one more unit of supply can
// take a unit away from a demand (see the package documentation).
type FairShare struct {
	Tiered bool
}

// MaxMin splits supply in equal shares, capping each demand at its
// Outstanding and sharing what the caps free among the others (lexicographic
// max-min fairness). Units that do not divide evenly go to the earliest
// arrivals. Weight is ignored. With Tiered, tiers are served in order and
// only the tier where supply runs out is shared. Without Min and Multiple,
// more supply never gives any demand less.
type MaxMin struct {
	Tiered bool
}

// Func adapts a plain function to the Policy interface, for a host's own
// policy. The function owns the whole decision: Win, Redistribute, Min and
// Multiple are honoured only as far as it honours them (CheckGrants verifies
// its output). A Func ranks demands by tier then Seq.
type Func func(dst []int64, supply int64, demands []Demand) []int64

// Ranker is implemented by a policy that states its own service order (see
// Rank). A host policy may implement it; without it, Rank uses tier then Seq.
type Ranker interface {
	// Rank appends to dst[:0] the indices of demands, best-ranked first, and
	// returns it. It must be a permutation of 0..len(demands)-1 and must not
	// depend on the order of demands beyond what their fields say.
	Rank(dst []int, demands []Demand) []int
}

var (
	_ Policy = FIFO{}
	_ Policy = Priority{}
	_ Policy = FairShare{}
	_ Policy = MaxMin{}
	_ Policy = Func(nil)
	_ Ranker = FIFO{}
	_ Ranker = Priority{}
	_ Ranker = FairShare{}
	_ Ranker = MaxMin{}
)

// Allocate implements Policy.
func (FIFO) Allocate(dst []int64, supply int64, demands []Demand) []int64 {
	return algo{k: kFIFO}.allocate(dst, supply, demands)
}

// Allocate implements Policy.
func (Priority) Allocate(dst []int64, supply int64, demands []Demand) []int64 {
	return algo{k: kPriority, byTier: true}.allocate(dst, supply, demands)
}

// Allocate implements Policy.
func (p FairShare) Allocate(dst []int64, supply int64, demands []Demand) []int64 {
	return algo{k: kFair, byTier: p.Tiered}.allocate(dst, supply, demands)
}

// Allocate implements Policy.
func (p MaxMin) Allocate(dst []int64, supply int64, demands []Demand) []int64 {
	return algo{k: kMaxMin, byTier: p.Tiered}.allocate(dst, supply, demands)
}

// Allocate implements Policy by calling f.
func (f Func) Allocate(dst []int64, supply int64, demands []Demand) []int64 {
	return f(dst, supply, demands)
}

// Rank implements Ranker: Win demands by Seq, then the others by Seq.
func (FIFO) Rank(dst []int, demands []Demand) []int {
	return algo{k: kFIFO}.rank(dst, demands)
}

// Rank implements Ranker: Win demands by Seq, then the others by tier, Seq.
func (Priority) Rank(dst []int, demands []Demand) []int {
	return algo{k: kPriority, byTier: true}.rank(dst, demands)
}

// Rank implements Ranker: Win demands by Seq, then the others by tier (if
// Tiered) and Seq.
func (p FairShare) Rank(dst []int, demands []Demand) []int {
	return algo{k: kFair, byTier: p.Tiered}.rank(dst, demands)
}

// Rank implements Ranker: Win demands by Seq, then the others by tier (if
// Tiered) and Seq.
func (p MaxMin) Rank(dst []int, demands []Demand) []int {
	return algo{k: kMaxMin, byTier: p.Tiered}.rank(dst, demands)
}

// String returns "FIFO".
func (FIFO) String() string { return "FIFO" }

// String returns "Priority".
func (Priority) String() string { return "Priority" }

// String returns "FairShare" or "FairShare(tiered)".
func (p FairShare) String() string { return tieredName("FairShare", p.Tiered) }

// String returns "MaxMin" or "MaxMin(tiered)".
func (p MaxMin) String() string { return tieredName("MaxMin", p.Tiered) }

func tieredName(s string, tiered bool) string {
	if tiered {
		return s + "(tiered)"
	}
	return s
}

// Rank appends to dst[:0] the indices of demands in p's service order, best
// first, and returns it: the order in which p serves demands, and the
// reverse of the order in which the host should take stock back when it
// shrinks. For the built-in policies it is: valid Win demands by Seq; then
// the other valid demands by the policy's key (FIFO: Seq; Priority: tier,
// Seq; FairShare and MaxMin: tier if Tiered, then Seq); then invalid demands
// (see Validate) by index. A policy that implements Ranker is asked;
// otherwise the order is Priority's. Rank allocates only to grow dst.
func Rank(p Policy, dst []int, demands []Demand) []int {
	if r, ok := p.(Ranker); ok {
		return r.Rank(dst, demands)
	}
	return Priority{}.Rank(dst, demands)
}

// kind names a built-in policy's algorithm.
type kind uint8

const (
	kFIFO kind = iota
	kPriority
	kFair
	kMaxMin
)

// algo is a built-in policy: its algorithm, and whether it ranks by tier.
type algo struct {
	k      kind
	byTier bool
}

// cmp orders two valid non-Win demands by the policy's rank key.
func (a algo) cmp(x, y *Demand) int {
	if a.byTier {
		if c := cmpInt(tierOf(x), tierOf(y)); c != 0 {
			return c
		}
	}
	return cmpInt(x.Seq, y.Seq)
}

// behind reports whether holder h ranks strictly behind taker x for taking
// a Redistribute holding: by rank for FIFO and Priority, by tier only for
// the fair policies (no taking within a tier; none at all untiered).
func (a algo) behind(h, x *Demand) bool {
	switch a.k {
	case kFIFO, kPriority:
		return a.cmp(h, x) > 0
	}
	return a.byTier && tierOf(h) > tierOf(x)
}

// rank implements Rank for the built-in policies.
func (a algo) rank(dst []int, demands []Demand) []int {
	dst = slices.Grow(dst[:0], len(demands))
	bad := invalidSet(demands)
	for i := range demands {
		if !bad[i] {
			dst = append(dst, i)
		}
	}
	slices.SortFunc(dst, func(i, j int) int {
		x, y := &demands[i], &demands[j]
		if wx, wy := x.Protection == Win, y.Protection == Win; wx != wy {
			if wx {
				return -1
			}
			return 1
		} else if wx {
			return cmpInt(x.Seq, y.Seq)
		}
		return a.cmp(x, y)
	})
	for i := range demands {
		if bad[i] {
			dst = append(dst, i)
		}
	}
	return dst
}
