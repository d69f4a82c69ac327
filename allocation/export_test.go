package allocation

// Rounds reports how many water-filling rounds p's policy pass took on
// canonical demands, and whether it fell back to sorting. It is exported to
// the external tests only.
func Rounds(p Policy, supply int64, ds []Demand) (rounds int, sorted bool) {
	var a algo
	switch p := p.(type) {
	case FairShare:
		a = algo{k: kFair, byTier: p.Tiered}
	case MaxMin:
		a = algo{k: kMaxMin, byTier: p.Tiered}
	default:
		return 0, false
	}
	var h [fastTiers + 1]tierStat
	var sum summary
	dst := make([]int64, len(ds))
	ok := false
	if a.byTier {
		ok = prescanTiers(ds, h[:], a.k, &sum)
	} else {
		ok = prescanAll(dst, max(supply, 0), ds, h[:2], a.k == kFair, &sum)
	}
	if !ok {
		return 0, false
	}
	if a.byTier {
		a.pass(dst, max(supply, 0), ds, h[:], &sum)
	} else {
		a.pass(dst, max(supply, 0), ds, h[:2], &sum)
	}
	return sum.rounds, sum.sorted
}
