package allocation

import (
	"math"
	"math/bits"
	"slices"
)

// fastTiers is the highest tier the allocation-free path handles for the
// policies that rank by tier; higher tiers take the general path.
const fastTiers = 15

// maxRounds bounds the water-filling rounds over the demands before the
// level is found by sorting the demands by Outstanding/Weight (which
// allocates). Each round caps every demand whose share reaches its
// Outstanding; the standard book settles in at most six.
const maxRounds = 16

// tierStat sums one tier's demands for a policy pass.
type tierStat struct {
	out uint64 // Σ Outstanding, saturating at math.MaxUint64
	w   u128   // Σ weights (MaxMin: the number of demands)
}

// summary records what a policy pass decided, for Explain.
type summary struct {
	cut    int32  // the tier where supply ran out; len(hist) when it did not
	shift  uint   // right shift applied to the weights so their sum fits
	level  uint64 // the final water level is level/den per unit of weight
	den    uint64
	bonus  int64  // units handed out by largest remainder
	thresh uint64 // remainders above thresh got a unit; ties went by Seq
	ties   int64  // how many of the ties at thresh got a unit
	rounds int    // water-filling rounds
	sorted bool   // the level was found by sorting (maxRounds exceeded)
	cons   bool   // some demand has a Min or Multiple above 1
	// What the prescan left in dst for the next pass (untiered only):
	products bool // dst[i] = supply·Outstanding_i, all weights 0, Σ ≤ 2^32
	outs     bool // dst[i] = Outstanding_i (MaxMin)
}

// allocate is Policy.Allocate for the built-in policies: the
// allocation-free path when the input is canonical, else the general path.
//
// Canonical input is what the engine passes: every demand valid, Seq
// strictly increasing, no Win demand and no Redistribute holding (nothing
// moves but free supply), sums of Outstanding and weights below 2^63, and,
// for the policies that rank by tier, tiers ≤ fastTiers.
func (a algo) allocate(dst []int64, supply int64, ds []Demand) []int64 {
	if cap(dst) < len(ds) {
		dst = make([]int64, len(ds))
	}
	dst = dst[:len(ds)]
	supply = max(supply, 0)
	var ok bool
	switch {
	case a.k == kFIFO:
		_, ok = fifo(dst, supply, ds)
	case a.k == kPriority:
		ok = priorityFast(dst, supply, ds)
	default:
		ok = a.fairFast(dst, supply, ds)
	}
	if ok {
		return dst
	}
	return general(a, dst, supply, ds, nil)
}

// fairFast is the allocation-free path of FairShare and MaxMin.
func (a algo) fairFast(dst []int64, supply int64, ds []Demand) (ok bool) {
	var sum summary
	if a.byTier {
		var h [fastTiers + 1]tierStat
		if ok = prescanTiers(ds, h[:], a.k, &sum); ok {
			a.pass(dst, supply, ds, h[:], &sum)
		}
		return ok
	}
	var h [2]tierStat
	if ok = prescanAll(dst, supply, ds, h[:], a.k == kFair, &sum); ok {
		a.pass(dst, supply, ds, h[:], &sum)
	}
	return ok
}

// flaw is negative when d is not canonical: a negative field, a Win
// demand, a Redistribute holding or an unknown class. It has no branch.
// (Callers also check Seq - prev - 1, which cannot overflow once Seq is
// known not to be negative.)
func flaw(d *Demand) int64 {
	p := int64(d.Protection)
	return d.Outstanding | d.Held | d.Seq | d.Weight | d.Min | d.Multiple | int64(d.Tier) |
		-(p>>1 | d.Held&-(p&1))
}

// fifo serves demands in order in one pass, checking on the way that the
// input is canonical; if it is not, its grants are void (ok = false).
// fifoRun's loop has no rounding to do and calls nothing, so everything
// stays in registers; it stops at the first demand whose Min or Multiple
// matters (fifoFit takes over) or when the supply is gone (drain takes
// over).
func fifo(dst []int64, free int64, ds []Demand) (left int64, ok bool) {
	dst = dst[:len(ds)]
	i, free, bad, prev := fifoRun(dst, free, ds)
	switch {
	case i == len(ds):
		return free, bad >= 0
	case free == 0:
		return 0, drain(dst, ds, i, bad, prev)
	}
	return fifoFit(dst, free, ds, i, bad, prev)
}

// fifoRun grants greedily until the supply is gone or a demand needs
// rounding, and returns where it stopped.
func fifoRun(dst []int64, free int64, ds []Demand) (i int, left, bad, prev int64) {
	prev = -1
	dst = dst[:len(ds)]
	for i = range ds {
		d := &ds[i]
		o := d.Outstanding
		g := min(o, free)
		if g < o && (free == 0 || d.Min|d.Multiple > 1) {
			return i, free, bad, prev
		}
		bad |= flaw(d)
		bad |= d.Seq - prev - 1 // negative unless Seq increases
		prev = d.Seq
		free -= g
		dst[i] = g
	}
	return len(ds), free, bad, prev
}

// drain is fifo from demand i on once the supply is gone: it grants 0 and
// only checks that the input is canonical.
func drain(dst []int64, ds []Demand, i int, bad, prev int64) (ok bool) {
	for ; i < len(ds); i++ {
		d := &ds[i]
		bad |= flaw(d)
		bad |= d.Seq - prev - 1
		prev = d.Seq
		dst[i] = 0
	}
	return bad >= 0
}

// fifoFit is fifo from demand i on, rounding with fit.
func fifoFit(dst []int64, free int64, ds []Demand, i int, bad, prev int64) (left int64, ok bool) {
	for ; i < len(ds); i++ {
		d := &ds[i]
		bad |= flaw(d)
		bad |= d.Seq - prev - 1 // negative unless Seq increases
		prev = d.Seq
		g := fit(d.Outstanding, d.Min, d.Multiple, free)
		free -= g
		dst[i] = g
	}
	return free, bad >= 0
}

// The prescans check that ds is canonical and sum each tier (or, for a
// policy that does not rank by tier, everything into hist[1]); they report
// false also when a sum reaches 2^63, for the general path to sum in 128
// bits. Theirs is the pass that waits on memory, so they do as much of the
// work as they can. Every check accumulates into a flag, so the loops have
// no branch that depends on the data: bad gets the sign bit of every field
// (negative means invalid), of minus the protection test (non-zero for Win
// or a Redistribute holding), of Seq − prev − 1 (negative unless Seq
// increases) and of the running sums (2^63 or more).

// prescanAll is the prescan for the policies that ignore tiers. On the
// way it leaves in dst what the next pass needs, so that pass reads 8 bytes
// a demand instead of 56: for FairShare (weighted) supply·Outstanding, for
// MaxMin Outstanding (see summary.products and summary.outs).
func prescanAll(dst []int64, supply int64, ds []Demand, hist []tierStat, weighted bool, sum *summary) bool {
	var bad, cons, wts, wide int64
	var sumO, sumW uint64
	prev := int64(-1)
	dst = dst[:len(ds)]
	for i := range ds {
		d := &ds[i]
		o := d.Outstanding
		cons |= d.Min | d.Multiple
		bad |= flaw(d)
		bad |= d.Seq - prev - 1 // negative unless Seq increases
		prev = d.Seq
		wts |= d.Weight
		wide |= o
		w := uint64(d.Weight)
		if w == 0 {
			w = uint64(o)
		}
		sumO += uint64(o)
		sumW += w
		bad |= int64(sumO | sumW)
		if weighted {
			dst[i] = supply * o
		} else {
			dst[i] = o
		}
	}
	if bad < 0 {
		return false
	}
	sum.cons = cons > 1
	// The products are exact and the shares and remainders they give fit
	// in 32 bits each when the supply (less than Σ) and Σ are at most 2^32
	// and every Outstanding is below 2^31.
	sum.products = weighted && wts == 0 && sumO <= 1<<32 && wide < 1<<31
	sum.outs = !weighted
	if !weighted {
		sumW = uint64(len(ds)) // MaxMin: one unit of weight each
	}
	hist[1] = tierStat{out: sumO, w: u128{lo: sumW}}
	return true
}

// prescanTiers is prescan for the policies that rank by tier.
func prescanTiers(ds []Demand, hist []tierStat, k kind, sum *summary) bool {
	var bad, cons int64
	var seen uint64
	prev := int64(-1)
	var outs, ws [fastTiers + 1]uint64
	weighted, unit := k == kFair, k == kMaxMin
	for i := range ds {
		d := &ds[i]
		o := d.Outstanding
		cons |= d.Min | d.Multiple
		bad |= flaw(d)
		bad |= d.Seq - prev - 1 // negative unless Seq increases
		prev = d.Seq
		t := uint32(d.Tier)
		bad |= -int64(t / (fastTiers + 1))
		t %= fastTiers + 1
		s := outs[t] + uint64(o)
		outs[t] = s
		seen |= s
		if weighted || unit {
			w := uint64(1)
			if weighted {
				w = uint64(d.Weight)
				if w == 0 {
					w = uint64(o)
				}
			}
			s := ws[t] + w
			ws[t] = s
			seen |= s
		}
	}
	if bad|int64(seen) < 0 {
		return false
	}
	sum.cons = cons > 1
	outs[1] += outs[0] // tier 0 counts as 1
	ws[1] += ws[0]
	for t := 1; t < len(hist); t++ {
		hist[t] = tierStat{out: outs[t], w: u128{lo: ws[t]}}
	}
	return true
}

// b2u is 1 for true and 0 for false, without a branch.
func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// sums fills hist for canonical ds exactly, in 128 bits: the general
// path's prescan. hist must be zeroed.
func sums(ds []Demand, hist []tierStat, a algo, sum *summary) {
	for i := range ds {
		d := &ds[i]
		sum.cons = sum.cons || d.Min > 1 || d.Multiple > 1
		t := 1
		if a.byTier {
			t = int(tierOf(d))
		}
		h := &hist[t]
		o := uint64(d.Outstanding)
		if h.out += o; h.out < o {
			h.out = math.MaxUint64
		}
		switch a.k {
		case kFair:
			h.w = h.w.add(weightOf(d))
		case kMaxMin:
			h.w = h.w.add(1)
		}
	}
}

// pass is the policy pass over canonical demands (Priority, FairShare,
// MaxMin): it writes a grant per demand into dst (len(dst) == len(ds)),
// offers the supply Min and Multiple leave over to the others in rank
// order, and returns the supply still free. hist holds the tiers' sums.
func (a algo) pass(dst []int64, free int64, ds []Demand, hist []tierStat, sum *summary) int64 {
	sum.cut = int32(len(hist))
	for t := 1; t < len(hist); t++ {
		if hist[t].out > uint64(free) {
			sum.cut = int32(t)
			break
		}
		free -= int64(hist[t].out)
	}
	if int(sum.cut) == len(hist) {
		for i := range ds {
			dst[i] = ds[i].Outstanding
		}
		return free
	}
	if a.k == kPriority {
		return priority(dst, free, ds, hist, sum.cut, sum.cons)
	}
	return fair(a.k == kMaxMin, a.byTier, dst, free, ds, hist, sum)
}

// priorityFast is Priority's allocation-free path, in two passes: the
// first checks that the input is canonical and sums each tier's
// Outstanding (the checks cost little in a pass that waits on memory); the
// second, over demands now in cache, only grants.
func priorityFast(dst []int64, free int64, ds []Demand) (ok bool) {
	var hist [fastTiers + 1]tierStat
	cons, ok := tierSums(ds, &hist)
	if !ok {
		return false
	}
	cut := int32(len(hist))
	for t := 1; t < len(hist); t++ {
		if hist[t].out > uint64(free) {
			cut = int32(t)
			break
		}
		free -= int64(hist[t].out)
	}
	rest := priorityGrants(dst, free, ds, cut)
	switch {
	case cut == int32(len(hist)):
	case cons:
		priority(dst, free, ds, hist[:], cut, true) // round with Min and Multiple
	default:
		topUp(dst, rest, ds, hist[:], cut+1, true)
	}
	return ok
}

// tierSums checks that ds is canonical (see prescan) and sums each tier's
// Outstanding into hist (tier 0 into 1); it also reports whether any Min
// or Multiple needs rounding.
func tierSums(ds []Demand, hist *[fastTiers + 1]tierStat) (cons, ok bool) {
	var outs [fastTiers + 1]uint64
	var bad, mm int64
	prev := int64(-1)
	for i := range ds {
		d := &ds[i]
		bad |= flaw(d)
		bad |= d.Seq - prev - 1 // negative unless Seq increases
		prev = d.Seq
		mm |= d.Min | d.Multiple
		t := uint32(d.Tier)
		bad |= -int64(t / (fastTiers + 1))
		s := outs[t%(fastTiers+1)] + uint64(d.Outstanding)
		outs[t%(fastTiers+1)] = s
		bad |= int64(s)
	}
	outs[1] += outs[0]
	for t := 1; t < len(hist); t++ {
		hist[t].out = outs[t]
	}
	return mm > 1, bad >= 0
}

// priorityGrants grants in full before tier cut, in Seq order within it
// (no rounding) and nothing after it, and returns the supply left.
func priorityGrants(dst []int64, free int64, ds []Demand, cut int32) (rest int64) {
	dst = dst[:len(ds)]
	for i := range ds {
		d := &ds[i]
		t := max(d.Tier, 1)
		limit := int64(math.MaxInt64)
		if t == cut {
			limit = free
		}
		g := min(d.Outstanding, limit)
		if t > cut {
			g = 0
		}
		if t == cut {
			free -= g
		}
		dst[i] = g
	}
	return free
}

// priority serves the tiers before cut in full, then tier cut in Seq
// order, then offers what Min and Multiple left to the tiers after it.
func priority(dst []int64, free int64, ds []Demand, hist []tierStat, cut int32, cons bool) int64 {
	dst = dst[:len(ds)]
	if cons {
		for i := range ds {
			d := &ds[i]
			var g int64
			switch t := max(d.Tier, 1); {
			case t < cut:
				g = d.Outstanding
			case t == cut:
				g = fit(d.Outstanding, d.Min, d.Multiple, free)
				free -= g
			}
			dst[i] = g
		}
	} else {
		free = priorityGrants(dst, free, ds, cut)
	}
	return topUp(dst, free, ds, hist, cut+1, true)
}

// topUp offers free to the demands of tiers from, from+1, … (all demands
// when not byTier) in rank order, each taking its largest feasible addition,
// and returns what is still free.
func topUp(dst []int64, free int64, ds []Demand, hist []tierStat, from int32, byTier bool) int64 {
	if !byTier {
		from = 1
	}
	for t := from; int(t) < len(hist) && free > 0; t++ {
		if hist[t].out == 0 {
			continue
		}
		for i := range ds {
			d := &ds[i]
			if byTier && tierOf(d) != t {
				continue
			}
			if g := dst[i]; g < d.Outstanding {
				ng := topUpTo(d, g, free)
				free -= ng - g
				dst[i] = ng
				if free == 0 {
					return 0
				}
			}
		}
	}
	return free
}

// scaler computes level·w/den for many w: level = a·den + b, and r =
// floor(b·2^64/den) turns the division into a multiplication whose
// estimate is at most one short, which one comparison corrects.
type scaler struct {
	a, b, r, den uint64
}

// newScaler prepares the shares of level/den per unit of weight. With den
// == 0 every share is 0.
func newScaler(level, den uint64) scaler {
	if den == 0 {
		return scaler{den: math.MaxUint64}
	}
	a, b := level/den, level%den
	r, _ := bits.Div64(b, 0, den)
	return scaler{a: a, b: b, r: r, den: den}
}

// of returns the whole units of level·w/den (math.MaxUint64 if past 64
// bits) and the remainder over den. den < 2^63.
func (s scaler) of(w uint64) (q, rem uint64) {
	q, _ = bits.Mul64(w, s.r)
	rem = s.b*w - q*s.den
	c := b2u(rem >= s.den)
	q += c
	rem -= s.den & -c
	if s.a != 0 {
		hi, lo := bits.Mul64(s.a, w)
		lo, c := bits.Add64(lo, q, 0)
		q = lo
		if hi|c != 0 {
			q = math.MaxUint64
		}
	}
	return q, rem
}

// fair shares free over the cut tier (every demand when not byTier) by
// water-filling: in proportion to weight (unit: equally), each capped at its
// Outstanding. Whole units go by largest remainder, ties by Seq; Min and
// Multiple then round each share down, and what that leaves is offered in
// rank order.
//
// It works in dst alone: while it searches, dst[i] holds demand i's
// remainder (-1 if capped or outside the group), or its whole units and
// remainder packed in 32 bits each; the last pass writes every grant. Each
// pass is a small function of its own, so that its accumulators stay in
// registers.
func fair(unit, byTier bool, dst []int64, free int64, ds []Demand, hist []tierStat, sum *summary) int64 {
	dst = dst[:len(ds)]
	cut := sum.cut
	g := &hist[cut]
	var total uint64 // Σ weights of the group, after the shift
	if bl := g.w.bitLen(); bl <= 63 {
		total = g.w.lo
	} else {
		// Weights are ratios: drop low bits until their sum fits in 63 bits,
		// so that every remainder fits in int64.
		sum.shift = uint(bl - 63)
		for i := range ds {
			if d := &ds[i]; !byTier || tierOf(d) == cut {
				total += weightOf(d) >> sum.shift
			}
		}
	}
	if unit && !sum.outs {
		// The rounds read each group member's Outstanding from dst, -1
		// for the others.
		for i := range ds {
			dst[i] = -1
			if d := &ds[i]; !byTier || tierOf(d) == cut {
				dst[i] = d.Outstanding
			}
		}
	}
	supply := uint64(free)
	level, den := supply, total // the level is level/den per unit of weight
	var floors uint64
	packed := false // dst[i] holds whole units << 32 | remainder
	var h1 [64]int
	var first []int // the first round of threshold, counted by firstRound
	for {
		sum.rounds++
		var capOut, capW uint64
		if unit {
			a := level / max(den, 1) // den > 0: the group cannot all be capped
			capOut, capW = capUnit(dst, a)
			floors = a * (total - capW)
		} else if sum.rounds == 1 && sum.products && level < den && den > 1 {
			// The usual book: shares from the products the prescan left,
			// in dst alone; with weights = Outstanding and supply < Σ no
			// demand can be capped.
			var shift uint
			if len(ds) > 32 { // else threshold sorts the few remainders
				digit := min(max(bits.Len(uint(len(ds)))-2, 1), 6, bits.Len64(den))
				first, shift = h1[:1<<digit], uint(bits.Len64(den)-digit)
			}
			floors, packed = fromProducts(dst, den, first, shift), true
		} else if sum.rounds == 1 && !byTier && sum.shift == 0 && level < den {
			// The usual first round: shares below one unit per unit of
			// weight; it needs the capped sums only if any demand is capped.
			var any bool
			var shift uint
			if len(ds) > 32 { // else threshold sorts the few remainders
				digit := min(max(bits.Len(uint(len(ds)))-2, 1), 6, bits.Len64(den))
				first, shift = h1[:1<<digit], uint(bits.Len64(den)-digit)
			}
			floors, any, packed = firstRound(dst, ds, newScaler(level, den), first, shift)
			if any {
				first, packed = nil, false
				capOut, capW, floors = capWeighted(dst, ds, newScaler(level, den), 0, cut, byTier)
			}
		} else {
			capOut, capW, floors = capWeighted(dst, ds, newScaler(level, den), sum.shift, cut, byTier)
		}
		if supply-capOut == level && total-capW == den {
			break // the level did not move: it is final
		}
		level, den = supply-capOut, total-capW
		if sum.rounds == maxRounds {
			level, den = sortedLevel(ds, cut, byTier, unit, sum.shift, supply, total)
			sum.sorted = true
		}
	}
	sum.level, sum.den = level, den
	sum.thresh = math.MaxInt64 // above every remainder: no unit
	if den > 0 {
		sum.bonus = int64(level - floors)
	}
	switch {
	case sum.bonus == 0:
	case unit:
		sum.thresh, sum.ties = 0, sum.bonus
	default:
		keys := int64(-1)
		if packed {
			keys = 1<<32 - 1
		}
		t, above := threshold(dst, sum.bonus, bits.Len64(den), keys, first)
		sum.thresh, sum.ties = uint64(t), sum.bonus-int64(above)
	}
	switch {
	case unit && !byTier:
		grantUnitOuts(dst, level/max(den, 1), uint64(sum.ties))
	case unit:
		grantUnit(dst, ds, level/max(den, 1), uint64(sum.ties), cut, byTier)
	case packed:
		grantPacked(dst, sum.thresh, uint64(sum.ties))
	default:
		grantWeighted(dst, ds, newScaler(level, den), sum.shift, sum.thresh, uint64(sum.ties), cut, byTier)
	}
	left := int64(level - floors - uint64(sum.bonus)) // all of it when den == 0
	if sum.cons {
		left += roundDown(dst, ds, cut, byTier)
	}
	return topUp(dst, left, ds, hist, cut, byTier)
}

// capWeighted is a water-filling round at the level of sc: it sums the
// Outstanding and weight of the group's demands whose share reaches their
// Outstanding, and the whole units of the others; it writes dst[i] = the
// remainder of demand i if it is in the group and uncapped, else -1.
func capWeighted(dst []int64, ds []Demand, sc scaler, shift uint, cut int32, byTier bool) (capOut, capW, floors uint64) {
	dst = dst[:len(ds)]
	for i := range ds {
		d := &ds[i]
		if byTier && max(d.Tier, 1) != cut {
			dst[i] = -1
			continue
		}
		o := uint64(d.Outstanding)
		w := uint64(d.Weight)
		if w == 0 {
			w = o
		}
		w >>= shift & 63
		q, r := sc.of(w)
		m := -b2u(q >= o)
		capOut += o & m
		capW += w & m
		dst[i] = int64(r | m)
		floors += q &^ m
	}
	return capOut, capW, floors
}

// firstRound is capWeighted for the whole book at a level below one unit
// per unit of weight, with no shift: it only reports whether any demand is
// capped, and keeps fewer sums in registers. When the remainders and whole
// units both fit in 32 bits (packed) it writes dst[i] = units<<32 |
// remainder, so that the last pass needs dst alone; else as capWeighted.
// If h is not empty it also counts the remainders' top digit (r>>shift) in
// h: the first round of threshold.
func firstRound(dst []int64, ds []Demand, sc scaler, h []int, shift uint) (floors uint64, capped, packed bool) {
	dst = dst[:len(ds)]
	var any, wide uint64
	pack := sc.den <= 1<<32
	mask := uint64(len(h) - 1)
	for i := range ds {
		d := &ds[i]
		o := uint64(d.Outstanding)
		w := uint64(d.Weight)
		if w == 0 {
			w = o
		}
		q, _ := bits.Mul64(w, sc.r)
		r := sc.b*w - q*sc.den
		c := b2u(r >= sc.den)
		q += c
		r -= sc.den & -c
		m := -b2u(q >= o)
		any |= m
		wide |= o
		if len(h) > 0 {
			h[r>>shift&mask]++
		}
		if pack {
			dst[i] = int64(q<<32 | r)
		} else {
			dst[i] = int64(r | m)
		}
		floors += q &^ m
	}
	packed = pack && wide < 1<<31
	if pack && !packed && any == 0 {
		// Whole units past 31 bits: unpack, keeping the remainders.
		for i := range dst {
			dst[i] &= 1<<32 - 1
		}
	}
	return floors, any != 0, packed
}

// grantPacked is the last pass over a packed first round: every demand
// gets its whole units, plus one if its remainder is above thresh, or at
// it while ties last (in Seq order). No demand is capped.
func grantPacked(dst []int64, thresh, ties uint64) {
	for i, v := range dst {
		q, r := uint64(v)>>32, uint64(v)&(1<<32-1)
		bonus := (thresh - r) >> 63
		if r == thresh && ties > 0 {
			ties--
			bonus = 1
		}
		dst[i] = int64(q + bonus)
	}
}

// capUnit is capWeighted for equal shares of a units, over the
// Outstanding quantities in outs (-1: not in the group, never capped): it
// sums the Outstanding of the capped demands and counts them.
func capUnit(outs []int64, a uint64) (capOut, capped uint64) {
	for _, v := range outs {
		o := uint64(v)
		c := b2u(a >= o)
		capOut += o & -c
		capped += c
	}
	return capOut, capped
}

// fromProducts is the first water-filling round of the usual book: dst[i]
// holds supply·Outstanding_i (below 2^63) and den is Σ Outstanding (2 to
// 2^32), so the whole units and remainder of each share fit in 32 bits; it
// packs them into dst[i] as units<<32 | remainder, counts the remainders'
// top digit in h as firstRound does, and returns the sum of whole units.
func fromProducts(dst []int64, den uint64, h []int, shift uint) (floors uint64) {
	inv, _ := bits.Div64(1, 0, den) // floor(2^64/den): estimates at most one short
	mask := uint64(len(h) - 1)
	for i, v := range dst {
		p := uint64(v)
		q, _ := bits.Mul64(p, inv)
		r := p - q*den
		c := b2u(r >= den)
		q += c
		r -= den & -c
		if len(h) > 0 {
			h[r>>shift&mask]++
		}
		dst[i] = int64(q<<32 | r)
		floors += q
	}
	return floors
}

// grantWeighted writes every grant: tiers before cut in full, after it 0,
// and the group its share (capped at Outstanding) plus one unit if its
// remainder is above thresh, or at it while ties last (in Seq order).
func grantWeighted(dst []int64, ds []Demand, sc scaler, shift uint, thresh, ties uint64, cut int32, byTier bool) {
	dst = dst[:len(ds)]
	for i := range ds {
		d := &ds[i]
		o := uint64(d.Outstanding)
		if byTier {
			if t := max(d.Tier, 1); t != cut {
				dst[i] = int64(o & -b2u(t < cut))
				continue
			}
		}
		w := uint64(d.Weight)
		if w == 0 {
			w = o
		}
		q, r := sc.of(w >> (shift & 63))
		q = min(q, o)
		bonus := (thresh - r) >> 63 // r > thresh; both are below 2^63
		if r == thresh && ties > 0 && q < o {
			ties--
			bonus = 1
		}
		dst[i] = int64(min(q+bonus, o))
	}
}

// grantUnitOuts is grantUnit for the whole book with dst holding the
// Outstanding quantities.
func grantUnitOuts(dst []int64, a, ties uint64) {
	for i, v := range dst {
		o := uint64(v)
		tie := b2u(ties > 0) & b2u(a < o)
		ties -= tie
		dst[i] = int64(min(a+tie, o))
	}
}

// grantUnit is grantWeighted for equal shares of a units: every remainder
// ties, so the first ties uncapped demands get one more.
func grantUnit(dst []int64, ds []Demand, a, ties uint64, cut int32, byTier bool) {
	dst = dst[:len(ds)]
	for i := range ds {
		d := &ds[i]
		o := uint64(d.Outstanding)
		if byTier {
			if t := max(d.Tier, 1); t != cut {
				dst[i] = int64(o & -b2u(t < cut))
				continue
			}
		}
		tie := b2u(ties > 0) & b2u(a < o)
		ties -= tie
		dst[i] = int64(min(a+tie, o))
	}
}

// roundDown rounds the group's shares in dst down to feasible grants and
// returns the units that frees.
func roundDown(dst []int64, ds []Demand, cut int32, byTier bool) (freed int64) {
	dst = dst[:len(ds)]
	for i := range ds {
		d := &ds[i]
		if byTier && max(d.Tier, 1) != cut {
			continue
		}
		if g := dst[i]; g < d.Outstanding {
			f := fit(d.Outstanding, d.Min, d.Multiple, g)
			freed += g - f
			dst[i] = f
		}
	}
	return freed
}

// sortedLevel finds the final water level by sorting the group by
// Outstanding/weight and capping in that order while the level allows; it
// returns the level and its denominator. It allocates, and runs only when
// the rounds do not settle.
func sortedLevel(ds []Demand, cut int32, byTier, unit bool, shift uint, supply, total uint64) (level, den uint64) {
	type item struct{ o, w uint64 }
	var items []item
	for i := range ds {
		if d := &ds[i]; !byTier || tierOf(d) == cut {
			w := uint64(1)
			if !unit {
				w = weightOf(d) >> shift
			}
			items = append(items, item{uint64(d.Outstanding), w})
		}
	}
	class := func(x item) int {
		switch {
		case x.o == 0:
			return 0
		case x.w == 0:
			return 2
		}
		return 1
	}
	slices.SortFunc(items, func(x, y item) int {
		if c := cmpInt(class(x), class(y)); c != 0 || class(x) != 1 {
			return c
		}
		xh, xl := bits.Mul64(x.o, y.w)
		yh, yl := bits.Mul64(y.o, x.w)
		if c := cmpUint(xh, yh); c != 0 {
			return c
		}
		return cmpUint(xl, yl)
	})
	level, den = supply, total
	for _, x := range items {
		if q, _ := newScaler(level, den).of(x.w); q < x.o {
			break
		}
		level -= x.o
		den -= x.w
	}
	return level, den
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// threshold picks the k largest keys among the entries v ≥ 0 of a (key =
// v & keys; 1 ≤ k ≤ their number; keys below 2^width): it returns t and
// the number above of keys strictly above t, with above ≤ k ≤ above + the
// number of keys equal to t. So the k largest are those above t and the
// first k − above equal to it; t is the k-th largest key, or just below a
// run of keys that are all picked. first, if not empty, is the histogram of every
// key's top log2(len(first)) bits, counted by the caller. It is a radix select on digits from the top:
// each round counts the candidates' next digit and keeps the bucket that
// holds the answer, until a few candidates are left to sort. It reads a
// and does not change it: linear time, no allocation.
func threshold(a []int64, k int64, width int, keys int64, first []int) (t int64, above int) {
	var prefix int64 // the digits found so far: candidates have key>>width == prefix
	count := len(a)
	if len(first) > 0 {
		digit := bits.Len(uint(len(first) - 1))
		prefix, k, above, count = pick(first, k, above)
		width -= digit
	}
	for count > 32 && width > 0 {
		// About four candidates per bucket, at most 256 buckets.
		digit := min(max(bits.Len(uint(count))-2, 1), 8, width)
		var b int64
		sparse := count < len(a)/8
		if digit <= 6 {
			b, k, above, count = level64(a, k, width, digit, keys, prefix, above, sparse)
		} else {
			b, k, above, count = level256(a, k, width, digit, keys, prefix, above, sparse)
		}
		prefix, width = prefix<<digit|b, width-digit
	}
	if width == 0 {
		return prefix, above
	}
	if int64(count) == k && prefix > 0 {
		// Every candidate left is among the k largest: no need to know
		// them; the threshold is just below their range.
		return prefix<<width - 1, above + count
	}
	var buf [32]int64
	n := 0
	for _, v := range a {
		if key := v & keys; v >= 0 && key>>width == prefix {
			buf[n] = key
			n++
		}
	}
	c := buf[:n]
	for i := 1; i < len(c); i++ { // insertion sort, descending
		for j := i; j > 0 && c[j] > c[j-1]; j-- {
			c[j], c[j-1] = c[j-1], c[j]
		}
	}
	t = c[k-1]
	for _, v := range c {
		above += int(b2u(v > t))
	}
	return t, above
}

// level64 and level256 run one round of threshold with a histogram of at
// most 64 or 256 buckets: only the one used is zeroed.
func level64(a []int64, k int64, width, digit int, keys, prefix int64, above int, sparse bool) (b, k2 int64, above2, count int) {
	var h [64]int
	return level(h[:1<<digit], a, k, width, digit, keys, prefix, above, sparse)
}

func level256(a []int64, k int64, width, digit int, keys, prefix int64, above int, sparse bool) (b, k2 int64, above2, count int) {
	var h [256]int
	return level(h[:1<<digit], a, k, width, digit, keys, prefix, above, sparse)
}

// level counts the candidates' next digit in h and returns the bucket that
// holds the k-th largest, the rank within it, the count above, and the
// bucket's size.
//
// The first round counts every entry without a branch; later ones, where
// candidates are few, skip the others with a branch that is rarely taken.
func level(h []int, a []int64, k int64, width, digit int, keys, prefix int64, above int, sparse bool) (b, k2 int64, above2, count int) {
	shift := width - digit
	mask := int64(len(h) - 1)
	if sparse {
		for _, v := range a {
			if key := v & keys; v >= 0 && key>>width == prefix {
				h[(key>>shift)&mask]++
			}
		}
	} else {
		for _, v := range a {
			key := v & keys
			h[(key>>shift)&mask] += int(b2u(v >= 0 && key>>width == prefix))
		}
	}
	return pick(h, k, above)
}

// pick finds, in a histogram of candidates, the bucket that holds the k-th
// largest: it returns the bucket, the rank within it, the count above and
// the bucket's size.
func pick(h []int, k int64, above int) (b, k2 int64, above2, count int) {
	b = int64(len(h) - 1)
	for ; int64(h[b]) < k; b-- {
		k -= int64(h[b])
		above += h[b]
	}
	return b, k, above, h[b]
}
