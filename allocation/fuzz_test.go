package allocation

import (
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"
)

// builtins lists the built-in policies the tests sweep over.
var builtins = []Policy{FIFO{}, Priority{}, FairShare{}, FairShare{Tiered: true}, MaxMin{}, MaxMin{Tiered: true}}

// decoder turns fuzz bytes into small inputs.
type decoder struct {
	b []byte
}

func (d *decoder) byte() byte {
	if len(d.b) == 0 {
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

// demands decodes up to 12 small demands. Fields are mostly in range, with
// an occasional negative value or unknown class, and Seq drawn so that it is
// sometimes shared.
func (d *decoder) demands() []Demand {
	n := int(d.byte() % 13)
	ds := make([]Demand, n)
	for i := range ds {
		flags := d.byte()
		ds[i] = Demand{
			Outstanding: int64(d.byte() % 24),
			Seq:         int64(d.byte()),
			Tier:        int32(d.byte() % 4),
		}
		if flags&1 != 0 {
			ds[i].Weight = int64(d.byte() % 9)
		}
		if flags&2 != 0 {
			ds[i].Min = int64(d.byte() % 8)
		}
		if flags&4 != 0 {
			ds[i].Multiple = int64(d.byte() % 6)
		}
		switch flags >> 3 & 7 {
		case 1, 2:
			ds[i].Protection = Redistribute
			ds[i].Held = int64(d.byte() % 16)
		case 3:
			ds[i].Protection = Win
			ds[i].Held = int64(d.byte() % 4)
		case 4:
			ds[i].Held = int64(d.byte() % 8)
		}
		if flags>>6 == 3 {
			switch d.byte() % 8 {
			case 0:
				ds[i].Outstanding = -1
			case 1:
				ds[i].Seq = -ds[i].Seq - 1
			case 2:
				ds[i].Tier = -1
			case 3:
				ds[i].Protection = Protection(3 + d.byte()%250)
			case 4:
				ds[i].Min = -2
			case 5:
				ds[i].Multiple = math.MinInt64
			case 6:
				ds[i].Weight = -5
			case 7:
				ds[i].Held = -3
			}
		}
	}
	return ds
}

// checkAll compares every built-in policy with the oracle on ds as given,
// sorted by Seq, and shuffled, and checks every property.
func checkAll(t *testing.T, supply int64, ds []Demand, seed uint64) {
	t.Helper()
	sorted := slices.Clone(ds)
	slices.SortStableFunc(sorted, func(a, b Demand) int { return cmpInt(a.Seq, b.Seq) })
	for _, p := range builtins {
		want := oracle(p, supply, ds)
		got := p.Allocate(nil, supply, ds)
		if !slices.Equal(got, want) {
			t.Fatalf("%v supply %d\n%s\ngot  %v\nwant %v", p, supply, dump(ds), got, want)
		}
		checkProperties(t, p, supply, ds, got)
		checkPermuted(t, p, supply, ds, got, seed)
		sg := p.Allocate(nil, supply, sorted)
		if sw := oracle(p, supply, sorted); !slices.Equal(sg, sw) {
			t.Fatalf("%v (sorted) supply %d\n%s\ngot  %v\nwant %v", p, supply, dump(sorted), sg, sw)
		}
		checkExplain(t, p, supply, ds, got)
	}
}

// checkProperties checks the contract and the no-stranding rule.
func checkProperties(t *testing.T, p Policy, supply int64, ds []Demand, got []int64) {
	t.Helper()
	if err := CheckGrants(supply, ds, got); err != nil {
		t.Fatalf("%v supply %d: %v\n%s\ngot %v", p, supply, err, dump(ds), got)
	}
	sum := new(big.Int)
	for _, g := range got {
		sum.Add(sum, big.NewInt(g))
	}
	left := new(big.Int).Sub(big.NewInt(max(supply, 0)), sum)
	if left.Sign() == 0 {
		return
	}
	// Supply is left over: every valid demand must be blocked by its Min or
	// Multiple from taking any of it.
	leftN := left.Int64()
	valid := oracleValid(ds)
	for i, d := range ds {
		if !valid[i] {
			continue
		}
		g := max(got[i], 0)
		if g < d.Outstanding && d.Fit(satAdd(g, leftN)) > g {
			t.Fatalf("%v supply %d: %d units stranded, demand %d (grant %d) could take more\n%s\ngot %v",
				p, supply, leftN, i, got[i], dump(ds), got)
		}
	}
}

// checkPermuted checks that shuffling the demands shuffles the grants.
func checkPermuted(t *testing.T, p Policy, supply int64, ds []Demand, got []int64, seed uint64) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 7))
	perm := r.Perm(len(ds))
	shuffled := make([]Demand, len(ds))
	for k, i := range perm {
		shuffled[k] = ds[i]
	}
	sg := p.Allocate(make([]int64, 3), supply, shuffled)
	for k, i := range perm {
		if sg[k] != got[i] {
			t.Fatalf("%v: permuting the input changed demand %d's grant from %d to %d\n%s", p, i, got[i], sg[k], dump(ds))
		}
	}
}

// checkExplain checks that Explain tells the same story as Allocate, and
// that Rank is a permutation.
func checkExplain(t *testing.T, p Policy, supply int64, ds []Demand, got []int64) {
	t.Helper()
	rs := Explain(p, supply, ds)
	if len(rs) != len(ds) {
		t.Fatalf("Explain: %d reasons for %d demands", len(rs), len(ds))
	}
	seen := make([]bool, len(ds))
	for i, r := range rs {
		if r.Index != i || r.Grant != got[i] {
			t.Fatalf("%v: Explain[%d] = %+v, Allocate gave %d\n%s", p, i, r, got[i], dump(ds))
		}
		if r.Stage != StageInvalid {
			if want := r.Policy + r.TopUp + r.Taken - r.Lost; want != r.Grant {
				t.Fatalf("%v: Explain[%d] parts add to %d, not %d: %+v\n%s", p, i, want, r.Grant, r, dump(ds))
			}
		}
		_ = r.String()
	}
	for _, i := range Rank(p, nil, ds) {
		if seen[i] {
			t.Fatalf("Rank repeats %d", i)
		}
		seen[i] = true
	}
	if slices.Contains(seen, false) {
		t.Fatalf("Rank misses a demand")
	}
}

func FuzzPolicies(f *testing.F) {
	f.Add([]byte{10, 0, 3, 0, 5, 1, 1, 0, 5, 2, 1, 0, 5, 3, 1})
	f.Add([]byte{40, 1, 6, 2, 9, 4, 2, 3, 12, 7, 1, 9, 7, 3, 3, 17, 20, 5, 2, 4, 9, 33, 0, 11, 2, 1})
	f.Add([]byte{7, 0, 5, 0x0f, 7, 1, 1, 3, 3, 2, 0x18, 6, 2, 2, 9, 0x1b, 8, 3, 3, 2, 3, 4, 0, 5, 4, 1, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		d := &decoder{b}
		supply := int64(d.byte())
		if supply > 200 {
			supply = -1
		}
		ds := d.demands()
		checkAll(t, supply, ds, uint64(len(b)))
	})
}

// FuzzFairShareExact checks that without Min, Multiple, Win or
// Redistribute, each FairShare grant is its exact water-filled share if
// capped, else within one unit of it; with large quantities and weights.
func FuzzFairShareExact(f *testing.F) {
	f.Add(int64(10), []byte{3, 5, 0, 5, 0, 5, 0})
	f.Add(int64(math.MaxInt64), []byte{2, 255, 255, 255, 1})
	f.Fuzz(func(t *testing.T, supply int64, b []byte) {
		supply = max(supply, 0)
		d := &decoder{b}
		n := int(d.byte() % 12)
		ds := make([]Demand, n)
		for i := range ds {
			x := uint64(d.byte())<<8 | uint64(d.byte())
			ds[i] = Demand{Seq: int64(i), Outstanding: int64(x * x * x), Weight: int64(d.byte())<<(d.byte()%56) + int64(d.byte()%3),
				Tier: int32(d.byte() % 3)}
			if ds[i].Weight&1 == 0 {
				ds[i].Weight = 0
			}
		}
		for _, tiered := range []bool{false, true} {
			p := FairShare{Tiered: tiered}
			got := p.Allocate(nil, supply, ds)
			checkProperties(t, p, supply, ds, got)
			group, rest := fairGroup(ds, supply, tiered)
			exact, capped := oracleExact(ds, group, rest)
			ws := oracleWeights(ds, group)
			for k, i := range group {
				if ws[k].Sign() == 0 && !capped[k] {
					// No proportional share: it can only get what would
					// otherwise be stranded.
					continue
				}
				e := exact[k]
				g := new(big.Rat).SetInt64(got[i])
				diff := new(big.Rat).Sub(g, e)
				if capped[k] && diff.Sign() != 0 || new(big.Rat).Abs(diff).Cmp(big.NewRat(1, 1)) >= 0 {
					t.Fatalf("%v supply %d: demand %d got %d, exact share %s (capped %v)\n%s",
						p, supply, i, got[i], e.FloatString(3), capped[k], dump(ds))
				}
			}
		}
	})
}

// fairGroup returns the demands that share (the tier where supply runs
// out, or all) and the supply they share.
func fairGroup(ds []Demand, supply int64, tiered bool) ([]int, int64) {
	var all []int
	for i := range ds {
		all = append(all, i)
	}
	if !tiered {
		return all, supply
	}
	for t := int32(1); t <= 3; t++ {
		var members []int
		sum := new(big.Int)
		for _, i := range all {
			if oracleTier(ds[i]) == t {
				members = append(members, i)
				sum.Add(sum, big.NewInt(ds[i].Outstanding))
			}
		}
		if sum.Cmp(big.NewInt(supply)) > 0 {
			return members, supply
		}
		supply -= sum.Int64()
	}
	return nil, supply
}

// FuzzMaxMinMonotone checks that, without Min and Multiple, MaxMin never
// gives a demand less when supply grows.
func FuzzMaxMinMonotone(f *testing.F) {
	f.Add(uint16(10), uint16(3), []byte{3, 5, 1, 9, 2, 2, 3})
	f.Fuzz(func(t *testing.T, s, more uint16, b []byte) {
		d := &decoder{b}
		n := int(d.byte() % 13)
		ds := make([]Demand, n)
		for i := range ds {
			ds[i] = Demand{Seq: int64(d.byte()), Outstanding: int64(d.byte()), Tier: int32(d.byte() % 4)}
			if d.byte()%4 == 0 {
				ds[i].Protection = Win
			}
		}
		for _, p := range []Policy{MaxMin{}, MaxMin{Tiered: true}} {
			lo := p.Allocate(nil, int64(s), ds)
			hi := p.Allocate(nil, int64(s)+int64(more), ds)
			for i := range ds {
				if hi[i] < lo[i] {
					t.Fatalf("%v: demand %d gets %d at supply %d but %d at %d\n%s", p, i, lo[i], s, hi[i], int(s)+int(more), dump(ds))
				}
			}
		}
	})
}

// FuzzExtremes feeds quantities near the int64 limits: no panic, the
// contract holds, nothing is stranded, and order does not matter.
func FuzzExtremes(f *testing.F) {
	f.Add(int64(math.MaxInt64), []byte{4, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
	f.Add(int64(math.MaxInt64-1), []byte{3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0, 1})
	f.Fuzz(func(t *testing.T, supply int64, b []byte) {
		d := &decoder{b}
		big := func() int64 {
			switch v := d.byte(); v % 4 {
			case 0:
				return int64(v)
			case 1:
				return math.MaxInt64 - int64(d.byte())
			case 2:
				return int64(d.byte()) << (d.byte() % 63)
			default:
				return 1 << 62
			}
		}
		n := int(d.byte() % 9)
		ds := make([]Demand, n)
		for i := range ds {
			ds[i] = Demand{Outstanding: big(), Seq: big(), Weight: big(), Held: big(), Tier: int32(d.byte()) - 10}
			switch d.byte() % 5 {
			case 1:
				ds[i].Min = big()
			case 2:
				ds[i].Multiple = big()
			case 3:
				ds[i].Protection = Redistribute
			case 4:
				ds[i].Protection = Win
			}
		}
		for _, p := range builtins {
			got := p.Allocate(nil, supply, ds)
			checkProperties(t, p, supply, ds, got)
			checkPermuted(t, p, supply, ds, got, 3)
			checkExplain(t, p, supply, ds, got)
		}
	})
}
