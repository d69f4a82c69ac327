package allocation

import (
	"fmt"
	"math/big"
	"slices"
)

// This file is the slow, obvious allocator that the fast one is checked
// against. It follows the documented semantics step by step, with no
// cleverness: brute-force feasibility, exact rational shares for FairShare,
// unit-by-unit hand-out for MaxMin. It assumes small quantities (the fuzz
// targets keep them small).

// oracleFeasible is the feasibility rule, written out again.
func oracleFeasible(d Demand, g int64) bool {
	if g == 0 {
		return true
	}
	return g > 0 && g <= d.Outstanding && g >= min(d.Min, d.Outstanding) &&
		(d.Multiple <= 1 || g%d.Multiple == 0 || g == d.Outstanding)
}

// oracleFit tries every quantity from the limit down.
func oracleFit(d Demand, limit int64) int64 {
	for g := min(limit, d.Outstanding); g > 0; g-- {
		if oracleFeasible(d, g) {
			return g
		}
	}
	return 0
}

func oracleValid(ds []Demand) []bool {
	ok := make([]bool, len(ds))
	for i, d := range ds {
		ok[i] = d.Outstanding >= 0 && d.Held >= 0 && d.Seq >= 0 && d.Weight >= 0 &&
			d.Min >= 0 && d.Multiple >= 0 && d.Tier >= 0 && d.Protection <= Win
		for j, e := range ds {
			if j != i && e.Seq == d.Seq {
				ok[i] = false
			}
		}
	}
	return ok
}

type oracleSpec struct {
	greedy bool // FIFO or Priority: one greedy pass in rank order
	byTier bool
	unit   bool // MaxMin
}

func specOf(p Policy) oracleSpec {
	switch p := p.(type) {
	case FIFO:
		return oracleSpec{greedy: true}
	case Priority:
		return oracleSpec{greedy: true, byTier: true}
	case FairShare:
		return oracleSpec{byTier: p.Tiered}
	case MaxMin:
		return oracleSpec{byTier: p.Tiered, unit: true}
	}
	panic(fmt.Sprintf("no oracle for %T", p))
}

func oracleTier(d Demand) int32 {
	if d.Tier == 0 {
		return 1
	}
	return d.Tier
}

// oracle allocates supply among demands the slow way.
func oracle(p Policy, supply int64, ds []Demand) []int64 {
	sp := specOf(p)
	n := len(ds)
	free := max(supply, 0)
	valid := oracleValid(ds)
	key := func(i int) (int32, int64) {
		if sp.byTier {
			return oracleTier(ds[i]), ds[i].Seq
		}
		return 1, ds[i].Seq
	}
	before := func(i, j int) bool { // i ranks ahead of j
		ti, si := key(i)
		tj, sj := key(j)
		return ti < tj || ti == tj && si < sj
	}
	var wins, others []int
	for i := range ds {
		if !valid[i] {
			continue
		}
		if ds[i].Protection == Win {
			wins = append(wins, i)
		} else {
			others = append(others, i)
		}
	}
	slices.SortFunc(wins, func(i, j int) int { return int(ds[i].Seq - ds[j].Seq) })
	slices.SortFunc(others, func(i, j int) int {
		if before(i, j) {
			return -1
		}
		return 1
	})
	gain := make([]int64, n)
	taken := make([]int64, n)
	lost := make([]int64, n)
	left := func(i int) int64 { return ds[i].Held - lost[i] }

	// takeFrom takes amount from the given holders, lowest-ranked first.
	takeFrom := func(amount int64, holders []int) {
		for k := len(holders) - 1; k >= 0 && amount > 0; k-- {
			h := holders[k]
			t := min(left(h), amount)
			lost[h] += t
			amount -= t
		}
		if amount != 0 {
			panic("oracle: took more than the holders hold")
		}
	}

	// Win demands.
	var holders []int // Redistribute holders, best-ranked first
	for _, i := range others {
		if ds[i].Protection == Redistribute && ds[i].Held > 0 {
			holders = append(holders, i)
		}
	}
	for _, w := range wins {
		avail := free
		for _, h := range holders {
			avail += left(h)
		}
		g := oracleFit(ds[w], avail)
		f := min(g, free)
		free -= f
		takeFrom(g-f, holders)
		gain[w] = g
	}

	// The policy pass.
	if sp.greedy {
		for _, i := range others {
			gain[i] = oracleFit(ds[i], free)
			free -= gain[i]
		}
	} else {
		var group []int
		if sp.byTier {
			var tiers []int32
			for _, i := range others {
				tiers = append(tiers, oracleTier(ds[i]))
			}
			slices.Sort(tiers)
			tiers = slices.Compact(tiers)
			for _, t := range tiers {
				var members []int
				var sum int64
				for _, i := range others {
					if oracleTier(ds[i]) == t {
						members = append(members, i)
						sum += ds[i].Outstanding
					}
				}
				if sum <= free {
					for _, i := range members {
						gain[i] = ds[i].Outstanding
					}
					free -= sum
					continue
				}
				group = members
				break
			}
		} else {
			group = others
		}
		var shares []int64
		if sp.unit {
			shares = oracleMaxMin(ds, group, free)
		} else {
			shares = oracleShares(ds, group, free)
		}
		for k, i := range group {
			gain[i] = oracleFit(ds[i], shares[k])
			free -= gain[i]
		}
		for _, i := range others { // leftover, in rank order
			ng := oracleFit(ds[i], gain[i]+free)
			free -= ng - gain[i]
			gain[i] = ng
		}
	}

	// Redistribute holdings.
	if sp.greedy || sp.byTier {
		behind := func(h, x int) bool {
			if sp.greedy {
				return before(x, h)
			}
			return oracleTier(ds[h]) > oracleTier(ds[x])
		}
		for _, x := range others {
			d := ds[x]
			if gain[x] >= d.Outstanding {
				continue
			}
			var from []int
			avail := free
			for _, h := range holders {
				if gain[h] == 0 && left(h) > 0 && behind(h, x) {
					from = append(from, h)
					avail += left(h)
				}
			}
			e := oracleFit(d, gain[x]+avail) - gain[x]
			f := min(e, free)
			free -= f
			takeFrom(e-f, from)
			taken[x] = e
		}
	}
	out := make([]int64, n)
	for i := range out {
		out[i] = gain[i] + taken[i] - lost[i]
	}
	return out
}

// oracleWeights returns the group's weights, shifted right as the package
// documents when their sum does not fit in 63 bits.
func oracleWeights(ds []Demand, group []int) []*big.Int {
	sum := new(big.Int)
	ws := make([]*big.Int, len(group))
	for k, i := range group {
		w := ds[i].Weight
		if w == 0 {
			w = ds[i].Outstanding
		}
		ws[k] = big.NewInt(w)
		sum.Add(sum, ws[k])
	}
	if s := sum.BitLen() - 63; s > 0 {
		for _, w := range ws {
			w.Rsh(w, uint(s))
		}
	}
	return ws
}

// oracleExact returns the exact water-filled shares of supply over group,
// and which are capped at Outstanding. Zero-weight demands that are not
// capped get 0, even if supply is left.
func oracleExact(ds []Demand, group []int, supply int64) ([]*big.Rat, []bool) {
	ws := oracleWeights(ds, group)
	shares := make([]*big.Rat, len(group))
	capped := make([]bool, len(group))
	rest := new(big.Rat).SetInt64(supply)
	for {
		w := new(big.Int)
		for k := range group {
			if !capped[k] {
				w.Add(w, ws[k])
			}
		}
		if w.Sign() == 0 {
			for k := range group {
				if !capped[k] {
					shares[k] = new(big.Rat)
				}
			}
			break
		}
		level := new(big.Rat).Quo(rest, new(big.Rat).SetInt(w))
		more := false
		for k, i := range group {
			o := new(big.Rat).SetInt64(ds[i].Outstanding)
			if !capped[k] && new(big.Rat).Mul(level, new(big.Rat).SetInt(ws[k])).Cmp(o) >= 0 {
				capped[k], more = true, true
				shares[k] = o
				rest.Sub(rest, o)
			}
		}
		if !more {
			for k := range group {
				if !capped[k] {
					shares[k] = new(big.Rat).Mul(level, new(big.Rat).SetInt(ws[k]))
				}
			}
			break
		}
	}
	return shares, capped
}

// oracleShares turns exact shares into whole units by largest remainder,
// ties to the earlier Seq.
func oracleShares(ds []Demand, group []int, supply int64) []int64 {
	exact, capped := oracleExact(ds, group, supply)
	out := make([]int64, len(group))
	fracs := make([]*big.Rat, len(group))
	var left int64 = supply
	anyWeight := false
	ws := oracleWeights(ds, group)
	var order []int
	for k := range group {
		num, den := exact[k].Num(), exact[k].Denom()
		q := new(big.Int).Quo(num, den)
		out[k] = q.Int64()
		left -= out[k]
		fracs[k] = new(big.Rat).Sub(exact[k], new(big.Rat).SetInt(q))
		if !capped[k] {
			order = append(order, k)
			if ws[k].Sign() > 0 {
				anyWeight = true
			}
		}
	}
	if !anyWeight {
		return out // nobody to take the remainder
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if c := fracs[b].Cmp(fracs[a]); c != 0 {
			return c
		}
		return int(ds[group[a]].Seq - ds[group[b]].Seq)
	})
	for _, k := range order[:left] {
		out[k]++
	}
	return out
}

// oracleMaxMin hands out one unit at a time to the demand that has least,
// ties to the earlier Seq.
func oracleMaxMin(ds []Demand, group []int, supply int64) []int64 {
	out := make([]int64, len(group))
	for ; supply > 0; supply-- {
		best := -1
		for k, i := range group {
			if out[k] >= ds[i].Outstanding {
				continue
			}
			if best < 0 || out[k] < out[best] || out[k] == out[best] && ds[i].Seq < ds[group[best]].Seq {
				best = k
			}
		}
		if best < 0 {
			break
		}
		out[best]++
	}
	return out
}
