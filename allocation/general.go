package allocation

import "slices"

// trace is what the general path records for Explain.
type trace struct {
	bad    []bool  // invalid demands
	gain   []int64 // Win pass or policy pass (with top-up), per demand
	taken  []int64 // added in the Redistribute pass (from free and holdings)
	lost   []int64 // taken from the demand's Redistribute holding
	ranked []int   // valid non-Win demands in rank order
	free   int64   // supply left for the policy pass after Win demands
	tiers  []int32 // the tiers present, ascending (dense tier t is tiers[t-1])
	sum    summary
}

// general is the path for any input: it allocates scratch memory. It
// serves Win demands, runs the policy pass (the same code as the fast path)
// over a canonical copy of the other valid demands, then lets unserved
// demands take Redistribute holdings from behind them.
func general(a algo, dst []int64, supply int64, ds []Demand, tr *trace) []int64 {
	n := len(ds)
	bad := invalidSet(ds)
	bySeq := make([]int, 0, n)
	for i := range ds {
		if !bad[i] {
			bySeq = append(bySeq, i)
		}
	}
	slices.SortFunc(bySeq, func(i, j int) int { return cmpInt(ds[i].Seq, ds[j].Seq) })
	var ranked []int // valid non-Win demands in rank order
	for _, i := range bySeq {
		if ds[i].Protection != Win {
			ranked = append(ranked, i)
		}
	}
	slices.SortStableFunc(ranked, func(i, j int) int { return a.cmp(&ds[i], &ds[j]) })

	gain := make([]int64, n)
	taken := make([]int64, n)
	lost := make([]int64, n)
	free := supply

	// Redistribute holdings, best-ranked first; they are taken from the end.
	hs := newHoldings(ds, ranked, func(i int) int64 { return ds[i].Held })

	// 1. Win demands, by Seq, from free supply and then any holding.
	for _, i := range bySeq {
		d := &ds[i]
		if d.Protection != Win {
			continue
		}
		g := fit(d.Outstanding, d.Min, d.Multiple, hs.pool.add(uint64(free)).min64(d.Outstanding))
		f := min(g, free)
		free -= f
		hs.take(g-f, lost)
		gain[i] = g
	}

	// 2. The policy pass over a canonical copy of the other valid demands.
	policyFree := free
	sub := make([]Demand, 0, len(ranked))
	idx := make([]int, 0, len(ranked))
	for _, i := range bySeq {
		if ds[i].Protection != Win {
			d := ds[i]
			d.Protection, d.Held = Keep, 0
			sub = append(sub, d)
			idx = append(idx, i)
		}
	}
	var tiers []int32
	if a.byTier {
		for i := range sub {
			tiers = append(tiers, tierOf(&sub[i]))
		}
		slices.Sort(tiers)
		tiers = slices.Compact(tiers)
		for i := range sub {
			t, _ := slices.BinarySearch(tiers, tierOf(&sub[i]))
			sub[i].Tier = int32(t + 1)
		}
	}
	hist := make([]tierStat, max(len(tiers)+1, 2))
	subDst := make([]int64, len(sub))
	var sum summary
	if a.k == kFIFO {
		free, _ = fifo(subDst, free, sub)
	} else {
		sums(sub, hist, a, &sum)
		free = a.pass(subDst, free, sub, hist, &sum)
	}
	for j, i := range idx {
		gain[i] = subDst[j]
	}

	// 3. Redistribute: in rank order, an unserved demand takes what is free,
	// then holdings of demands strictly behind it, lowest-ranked first.
	// A holding moves only if its holder gained nothing in this call.
	if a.k != kFair && a.k != kMaxMin || a.byTier {
		hs = newHoldings(ds, ranked, func(i int) int64 {
			if gain[i] != 0 {
				return 0
			}
			return ds[i].Held - lost[i]
		})
		behind, next := hs.pool, 0 // holdings of hs.idx[next:]
		for _, x := range ranked {
			d := &ds[x]
			for next < len(hs.idx) && !a.behind(&ds[hs.idx[next]], d) {
				behind = behind.sub(uint64(hs.left[next]))
				next++
			}
			g := gain[x]
			if g >= d.Outstanding {
				continue
			}
			ng := topUpTo(d, g, behind.add(uint64(free)).min64(d.Outstanding-g))
			e := ng - g
			if e == 0 {
				continue
			}
			f := min(e, free)
			free -= f
			behind = behind.sub(uint64(e - f))
			hs.take(e-f, lost)
			taken[x] = e
		}
	}

	for i := range dst {
		dst[i] = gain[i] + taken[i] - lost[i]
	}
	if tr != nil {
		*tr = trace{bad: bad, gain: gain, taken: taken, lost: lost, ranked: ranked,
			free: policyFree, tiers: tiers, sum: sum}
	}
	return dst
}

// holdings are the Redistribute holdings that may move, best-ranked holder
// first; take draws from the lowest-ranked one.
type holdings struct {
	idx  []int   // demand index of each holder, in rank order
	left []int64 // what each still holds of its Held
	low  int     // the last holder with something left
	pool u128    // Σ left
}

// newHoldings lists the Redistribute demands of ranked with left(i) > 0.
func newHoldings(ds []Demand, ranked []int, left func(int) int64) *holdings {
	hs := &holdings{}
	for _, i := range ranked {
		if l := left(i); ds[i].Protection == Redistribute && l > 0 {
			hs.idx = append(hs.idx, i)
			hs.left = append(hs.left, l)
			hs.pool = hs.pool.add(uint64(l))
		}
	}
	hs.low = len(hs.idx) - 1
	return hs
}

// take moves amount (at most the pool) out of the lowest-ranked holdings,
// adding it to lost.
func (hs *holdings) take(amount int64, lost []int64) {
	hs.pool = hs.pool.sub(uint64(amount))
	for amount > 0 {
		t := min(hs.left[hs.low], amount)
		hs.left[hs.low] -= t
		lost[hs.idx[hs.low]] += t
		amount -= t
		if hs.left[hs.low] == 0 {
			hs.low--
		}
	}
}
