package allocation

import "strconv"

// String returns the class's name: "keep", "redistribute" or "win".
func (p Protection) String() string {
	switch p {
	case Keep:
		return "keep"
	case Redistribute:
		return "redistribute"
	case Win:
		return "win"
	}
	return "Protection(" + strconv.Itoa(int(p)) + ")"
}

// Feasible reports whether the demand accepts a grant of g: 0, or a quantity
// g with min(Min, Outstanding) ≤ g ≤ Outstanding that is a multiple of
// Multiple or exactly Outstanding. It says nothing of negative grants (what a
// Redistribute demand loses): those are bounded by Held instead.
func (d Demand) Feasible(g int64) bool {
	if g == 0 {
		return true
	}
	if g < 0 || g > d.Outstanding || g < d.Min && g < d.Outstanding {
		return false
	}
	return d.Multiple <= 1 || g == d.Outstanding || g%d.Multiple == 0
}

// Fit returns the largest feasible grant not above limit (0 when none is, or
// when limit ≤ 0). A host's own policy uses it to honour Min and Multiple.
func (d Demand) Fit(limit int64) int64 {
	return fit(d.Outstanding, d.Min, d.Multiple, limit)
}

// fit is Fit on the fields, for the hot loops.
func fit(out, min, mult, limit int64) int64 {
	if limit >= out {
		return max(out, 0)
	}
	if limit <= 0 {
		return 0
	}
	g := limit
	if mult > 1 {
		g -= g % mult
	}
	if g < min {
		return 0
	}
	return g
}

// topUpTo returns the largest feasible grant between g (feasible) and g+more,
// without overflowing.
func topUpTo(d *Demand, g, more int64) int64 {
	if more >= d.Outstanding-g {
		return d.Outstanding
	}
	return fit(d.Outstanding, d.Min, d.Multiple, g+more)
}

// invalid reports whether a field of d is out of range: any negative value,
// or an unknown protection class.
func invalid(d *Demand) bool {
	return d.Outstanding|d.Held|d.Seq|d.Weight|d.Min|d.Multiple|int64(d.Tier) < 0 || d.Protection > Win
}

// tierOf returns the effective tier: 0 counts as 1.
func tierOf(d *Demand) int32 {
	return max(d.Tier, 1)
}

// weightOf returns the fair-share weight: 0 means Outstanding.
func weightOf(d *Demand) uint64 {
	if d.Weight == 0 {
		return uint64(d.Outstanding)
	}
	return uint64(d.Weight)
}
