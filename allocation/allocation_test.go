package allocation

import (
	"errors"
	"math"
	"math/big"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestFeasibleAndFit(t *testing.T) {
	for o := int64(0); o <= 12; o++ {
		for mn := int64(0); mn <= 14; mn++ {
			for mult := int64(0); mult <= 7; mult++ {
				d := Demand{Outstanding: o, Min: mn, Multiple: mult}
				for g := int64(-2); g <= 14; g++ {
					if got, want := d.Feasible(g), g >= 0 && oracleFeasible(d, g); got != want {
						t.Fatalf("%+v.Feasible(%d) = %v, want %v", d, g, got, want)
					}
				}
				for limit := int64(-3); limit <= 15; limit++ {
					if got, want := d.Fit(limit), oracleFit(d, limit); got != want {
						t.Fatalf("%+v.Fit(%d) = %d, want %d", d, limit, got, want)
					}
				}
			}
		}
	}
	d := Demand{Outstanding: math.MaxInt64, Multiple: 1 << 40}
	if got := d.Fit(math.MaxInt64 - 1); got != (math.MaxInt64-1)/(1<<40)*(1<<40) {
		t.Errorf("Fit near MaxInt64 = %d", got)
	}
	if got := topUpTo(&d, 0, math.MaxInt64); got != math.MaxInt64 {
		t.Errorf("topUpTo overflowed: %d", got)
	}
}

func TestValidate(t *testing.T) {
	ok := Demand{Outstanding: 5, Seq: 1}
	with := func(f func(*Demand)) []Demand {
		d := ok
		f(&d)
		return []Demand{{Outstanding: 1, Seq: 100}, d}
	}
	tests := []struct {
		name    string
		demands []Demand
		index   int
		field   string
	}{
		{"outstanding", with(func(d *Demand) { d.Outstanding = -1 }), 1, "Outstanding"},
		{"held", with(func(d *Demand) { d.Held = -1 }), 1, "Held"},
		{"seq", with(func(d *Demand) { d.Seq = math.MinInt64 }), 1, "Seq"},
		{"weight", with(func(d *Demand) { d.Weight = -7 }), 1, "Weight"},
		{"min", with(func(d *Demand) { d.Min = -1 }), 1, "Min"},
		{"multiple", with(func(d *Demand) { d.Multiple = -1 }), 1, "Multiple"},
		{"tier", with(func(d *Demand) { d.Tier = -1 }), 1, "Tier"},
		{"protection", with(func(d *Demand) { d.Protection = 7 }), 1, "Protection"},
		{"duplicate seq", []Demand{{Seq: 4}, {Seq: 2}, {Seq: 3}, {Seq: 2}, {Seq: 4}}, 0, "Seq"},
		{"duplicate after fault", []Demand{{Seq: 1}, {Seq: 2, Min: -1}, {Seq: 1}}, 0, "Seq"},
		{"fault before duplicate", []Demand{{Seq: 1, Min: -1}, {Seq: 2}, {Seq: 2}}, 0, "Min"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.demands)
			var de *DemandError
			if !errors.Is(err, ErrInvalid) || !errors.As(err, &de) {
				t.Fatalf("Validate = %v, want a *DemandError", err)
			}
			if de.Index != tt.index || de.Field != tt.field || de.Reason == "" {
				t.Fatalf("Validate = %+v, want index %d field %s", de, tt.index, tt.field)
			}
			if !strings.Contains(err.Error(), tt.field) {
				t.Errorf("message %q does not name the field", err)
			}
		})
	}
	if err := Validate([]Demand{ok, {Seq: 2, Protection: Win}, {Seq: 3, Protection: Redistribute, Held: 4}}); err != nil {
		t.Errorf("Validate(valid) = %v", err)
	}
	if err := Validate(nil); err != nil {
		t.Errorf("Validate(nil) = %v", err)
	}
}

func TestCheckGrants(t *testing.T) {
	ds := []Demand{
		{Seq: 1, Outstanding: 10, Multiple: 4},
		{Seq: 2, Outstanding: 5, Held: 3, Protection: Redistribute},
		{Seq: 3, Outstanding: 5, Held: 3},
		{Seq: 4, Outstanding: -1},
	}
	tests := []struct {
		name   string
		supply int64
		grants []int64
		index  int // -2: no error
	}{
		{"ok", 10, []int64{8, -3, 5, 0}, -2},
		{"length", 10, []int64{8}, -1},
		{"infeasible multiple", 10, []int64{6, 0, 0, 0}, 0},
		{"over outstanding", 20, []int64{0, 0, 6, 0}, 2},
		{"keep taken", 10, []int64{0, 0, -1, 0}, 2},
		{"taken past held", 10, []int64{0, -4, 0, 0}, 1},
		{"invalid granted", 10, []int64{0, 0, 0, 1}, 3},
		{"sum over supply", 10, []int64{8, 0, 5, 0}, -1},
		{"negative supply", -5, []int64{0, 0, 1, 0}, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckGrants(tt.supply, ds, tt.grants)
			if tt.index == -2 {
				if err != nil {
					t.Fatalf("CheckGrants = %v", err)
				}
				return
			}
			var ge *GrantError
			if !errors.Is(err, ErrBadGrant) || !errors.As(err, &ge) || ge.Index != tt.index || err.Error() == "" {
				t.Fatalf("CheckGrants = %v, want a *GrantError at %d", err, tt.index)
			}
		})
	}
}

func TestScaler(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	check := func(level, den, w uint64) {
		t.Helper()
		q, rem := newScaler(level, den).of(w)
		if den == 0 {
			if q != 0 || rem != 0 {
				t.Fatalf("den 0: got %d, %d", q, rem)
			}
			return
		}
		num := new(big.Int).Mul(new(big.Int).SetUint64(level), new(big.Int).SetUint64(w))
		wq, wr := new(big.Int).QuoRem(num, new(big.Int).SetUint64(den), new(big.Int))
		if wr.Uint64() != rem || wq.IsUint64() && wq.Uint64() != q || !wq.IsUint64() && q != math.MaxUint64 {
			t.Fatalf("%d·%d/%d: got %d r %d, want %s r %s", level, w, den, q, rem, wq, wr)
		}
	}
	for range 200000 {
		den := r.Uint64() >> (1 + r.UintN(63))
		level := r.Uint64() >> (1 + r.UintN(63))
		w := r.Uint64() >> (1 + r.UintN(63))
		check(level, den, w)
	}
	for _, v := range []uint64{0, 1, 2, 3, math.MaxInt64 - 1, math.MaxInt64, 1 << 62} {
		for _, den := range []uint64{0, 1, 2, 3, 7, math.MaxInt64 - 1, math.MaxInt64, 1 << 62} {
			check(v, den, math.MaxInt64)
			check(math.MaxInt64, den, v)
		}
	}
}

func TestThreshold(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for round := range 3000 {
		n := 1 + r.IntN(600)
		width := 1 + r.IntN(62)
		packed := round%3 == 0
		if packed {
			width = min(width, 32)
		}
		spread := int64(1) << r.IntN(width)
		a := make([]int64, n)
		var keys []int64
		for i := range a {
			key := (int64(1)<<width - 1) - r.Int64N(spread) // many ties when spread is small
			switch {
			case packed:
				a[i] = r.Int64N(1<<31)<<32 | key
				keys = append(keys, key)
			case r.IntN(5) == 0:
				a[i] = -1 // not a candidate
			default:
				a[i] = key
				keys = append(keys, key)
			}
		}
		if len(keys) == 0 {
			continue
		}
		slices.Sort(keys)
		slices.Reverse(keys)
		k := int64(1 + r.IntN(len(keys)))
		mask := int64(-1)
		if packed {
			mask = 1<<32 - 1
		}
		before := slices.Clone(a)
		got, above := threshold(a, k, width, mask, nil)
		// The k largest are the keys above got and the first k - above
		// equal to it: the same set as the k largest by sorting.
		var over, equal int
		for _, v := range keys {
			over += int(b2u(v > got))
			equal += int(b2u(v == got))
		}
		if over != above || int64(above) > k || k > int64(above+equal) || got < 0 ||
			k < int64(len(keys)) && keys[k] > got || keys[k-1] < got {
			t.Fatalf("n %d width %d k %d: threshold %d with %d above (%d over, %d equal); k-th largest %d",
				n, width, k, got, above, over, equal, keys[k-1])
		}
		if !slices.Equal(a, before) {
			t.Fatal("threshold changed its input")
		}
	}
}

func TestU128(t *testing.T) {
	a := u128{}.add(math.MaxUint64).add(2)
	if a != (u128{1, 1}) || a.bitLen() != 65 || a.sub(2) != (u128{0, math.MaxUint64}) {
		t.Fatalf("u128 arithmetic: %+v", a)
	}
	if a.min64(5) != 5 || (u128{0, 3}).min64(5) != 3 {
		t.Fatal("min64")
	}
	if satAdd(math.MaxInt64, 1) != math.MaxInt64 || satAdd(2, 3) != 5 {
		t.Fatal("satAdd")
	}
}

// TestAlabamaParadox shows FairShare's Alabama paradox on the classic case:
// the two 500s get 3 units each out of 25, but 2 each out of 26.
func TestAlabamaParadox(t *testing.T) {
	var ds []Demand
	for i, w := range []int64{1500, 1500, 900, 500, 500, 200} {
		ds = append(ds, Demand{Seq: int64(i + 1), Outstanding: w})
	}
	at25 := FairShare{}.Allocate(nil, 25, ds)
	at26 := FairShare{}.Allocate(nil, 26, ds)
	for _, s := range []struct {
		supply int64
		got    []int64
	}{{25, at25}, {26, at26}} {
		if want := oracle(FairShare{}, s.supply, ds); !slices.Equal(s.got, want) {
			t.Fatalf("supply %d: got %v, oracle %v", s.supply, s.got, want)
		}
	}
	if at25[3] != 3 || at25[4] != 3 || at26[3] != 2 || at26[4] != 2 {
		t.Fatalf("no paradox: the 500s get %v at 25 and %v at 26", at25[3:5], at26[3:5])
	}
	// MaxMin has no such paradox on the same demands.
	lo, hi := MaxMin{}.Allocate(nil, 25, ds), MaxMin{}.Allocate(nil, 26, ds)
	for i := range ds {
		if hi[i] < lo[i] {
			t.Fatalf("MaxMin gave demand %d less at 26", i)
		}
	}
}

func TestRank(t *testing.T) {
	ds := []Demand{
		{Seq: 5, Tier: 2, Outstanding: 1},
		{Seq: 2, Tier: 3, Outstanding: 1},
		{Seq: 9, Tier: 1, Outstanding: 1, Protection: Win},
		{Seq: 1, Tier: 2, Outstanding: 1},
		{Seq: 3, Tier: 0, Outstanding: -1}, // invalid: last
		{Seq: 4, Tier: 0, Outstanding: 1},
		{Seq: 7, Tier: 5, Outstanding: 1, Protection: Win},
	}
	tests := []struct {
		p    Policy
		want []int
	}{
		{FIFO{}, []int{6, 2, 3, 1, 5, 0, 4}},
		{Priority{}, []int{6, 2, 5, 3, 0, 1, 4}},
		{FairShare{}, []int{6, 2, 3, 1, 5, 0, 4}},
		{FairShare{Tiered: true}, []int{6, 2, 5, 3, 0, 1, 4}},
		{MaxMin{}, []int{6, 2, 3, 1, 5, 0, 4}},
		{MaxMin{Tiered: true}, []int{6, 2, 5, 3, 0, 1, 4}},
		{Func(nil), []int{6, 2, 5, 3, 0, 1, 4}},
	}
	for _, tt := range tests {
		if got := Rank(tt.p, make([]int, 9), ds); !slices.Equal(got, tt.want) {
			t.Errorf("Rank(%v) = %v, want %v", tt.p, got, tt.want)
		}
	}
}

func TestNames(t *testing.T) {
	for p, want := range map[Policy]string{
		FIFO{}: "FIFO", Priority{}: "Priority", FairShare{}: "FairShare",
		FairShare{Tiered: true}: "FairShare(tiered)", MaxMin{}: "MaxMin", MaxMin{Tiered: true}: "MaxMin(tiered)",
	} {
		if got := p.(interface{ String() string }).String(); got != want {
			t.Errorf("String = %q, want %q", got, want)
		}
	}
	for s, want := range map[Protection]string{Keep: "keep", Redistribute: "redistribute", Win: "win", 9: "Protection(9)"} {
		if s.String() != want {
			t.Errorf("%d.String() = %q", s, s.String())
		}
	}
	if StageShare.String() != "share" || Stage(99).String() != "Stage(99)" {
		t.Error("Stage.String")
	}
}

func TestFuncAndCustomExplain(t *testing.T) {
	calls := 0
	f := Func(func(dst []int64, supply int64, ds []Demand) []int64 {
		calls++
		dst = append(dst[:0], make([]int64, len(ds))...)
		if len(ds) > 0 {
			dst[0] = min(supply, ds[0].Outstanding)
		}
		return dst
	})
	ds := []Demand{{Seq: 1, Outstanding: 4}, {Seq: 2, Outstanding: -1}}
	if got := f.Allocate(nil, 3, ds); !slices.Equal(got, []int64{3, 0}) || calls != 1 {
		t.Fatalf("Func.Allocate = %v", got)
	}
	rs := Explain(f, 3, ds)
	if rs[0].Stage != StageCustom || rs[0].Grant != 3 || rs[1].Err == nil || !strings.Contains(rs[0].String(), "host policy") {
		t.Fatalf("Explain(custom) = %+v", rs)
	}
}

// TestFastMatchesGeneral runs canonical inputs through both paths.
func TestFastMatchesGeneral(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	algos := []algo{{k: kFIFO}, {k: kPriority, byTier: true}, {k: kFair}, {k: kFair, byTier: true}, {k: kMaxMin}, {k: kMaxMin, byTier: true}}
	for range 400 {
		ds := randomBook(r, 1+r.IntN(400), r.IntN(3) == 0)
		var total int64
		for _, d := range ds {
			total += d.Outstanding
		}
		supply := r.Int64N(total + 2)
		for _, a := range algos {
			fast := a.allocate(nil, supply, ds)
			slow := general(a, make([]int64, len(ds)), supply, ds, nil)
			if !slices.Equal(fast, slow) {
				t.Fatalf("%+v: fast and general paths differ\nfast %v\nslow %v", a, fast, slow)
			}
		}
	}
}

// randomBook returns canonical demands like the standard book's, with Min,
// Multiple and Weight when constrained.
func randomBook(r *rand.Rand, n int, constrained bool) []Demand {
	ds := make([]Demand, n)
	seq := int64(r.IntN(5))
	for i := range ds {
		seq += 1 + int64(r.IntN(3))
		ds[i] = Demand{Seq: seq, Outstanding: 1 + r.Int64N(100), Tier: int32(r.IntN(6))}
		if constrained {
			ds[i].Weight = r.Int64N(50)
			ds[i].Min = r.Int64N(8)
			ds[i].Multiple = r.Int64N(6)
		}
	}
	return ds
}

// TestLargeGroupsAgainstOracle exercises the radix selection on groups
// large enough for several digit levels.
func TestLargeGroupsAgainstOracle(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for round := range 30 {
		ds := randomBook(r, 50+r.IntN(1500), round%3 == 0)
		r.Shuffle(len(ds), func(i, j int) { ds[i], ds[j] = ds[j], ds[i] })
		var total int64
		for _, d := range ds {
			total += d.Outstanding
		}
		supply := r.Int64N(total + 1)
		for _, p := range []Policy{FIFO{}, Priority{}, FairShare{}, FairShare{Tiered: true}} {
			got := p.Allocate(nil, supply, ds)
			if want := oracle(p, supply, ds); !slices.Equal(got, want) {
				t.Fatalf("%v: differs from the oracle on %d demands", p, len(ds))
			}
			checkProperties(t, p, supply, ds, got)
		}
	}
}

// TestSortedLevelFallback builds weights for which water-filling needs one
// round per demand, so the level is found by sorting.
func TestSortedLevelFallback(t *testing.T) {
	const m = 20
	var ds []Demand
	w := int64(1)
	for i := 0; i < m; i++ {
		w *= 3
	}
	var supply int64
	for i := int64(1); i <= m; i++ {
		ds = append(ds, Demand{Seq: i, Weight: w, Outstanding: i * w})
		supply += i * w
		w /= 3
	}
	ds = append(ds, Demand{Seq: m + 1, Weight: 1, Outstanding: 1e12})
	supply += m
	rounds, sorted := Rounds(FairShare{}, supply, ds)
	if !sorted || rounds <= maxRounds {
		t.Fatalf("rounds %d, sorted %v: the case no longer needs the fallback", rounds, sorted)
	}
	got := FairShare{}.Allocate(nil, supply, ds)
	if want := oracle(FairShare{}, supply, ds); !slices.Equal(got, want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
	// The same through the tiered path and the general path.
	slices.Reverse(ds)
	got = FairShare{Tiered: true}.Allocate(nil, supply, ds)
	if want := oracle(FairShare{Tiered: true}, supply, ds); !slices.Equal(got, want) {
		t.Fatalf("tiered, reversed: got %v\nwant %v", got, want)
	}
}

// TestZeroAllocs checks that canonical input allocates nothing.
func TestZeroAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	ds := randomBook(r, 3000, false)
	constrained := randomBook(r, 3000, true)
	dst := make([]int64, 0, len(ds))
	for _, p := range builtins {
		for _, in := range [][]Demand{ds, constrained} {
			if n := testing.AllocsPerRun(20, func() { dst = p.Allocate(dst, 40000, in) }); n != 0 {
				t.Errorf("%v: %v allocations per call", p, n)
			}
		}
	}
}

// TestManyTiers sends tiers past the fast path's table through the
// general path.
func TestManyTiers(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for range 50 {
		ds := randomBook(r, 1+r.IntN(60), true)
		for i := range ds {
			ds[i].Tier = int32(r.IntN(40)) * 1000
		}
		supply := r.Int64N(2000)
		for _, p := range builtins {
			got := p.Allocate(nil, supply, ds)
			if want := oracle(p, supply, ds); !slices.Equal(got, want) {
				t.Fatalf("%v: got %v, want %v", p, got, want)
			}
		}
	}
}

// TestHugeSums covers sums past 2^63: outstanding quantities and weights
// near the int64 limit, where the fast path hands over to the general one
// and weights are shifted.
func TestHugeSums(t *testing.T) {
	huge := int64(math.MaxInt64 - 10)
	ds := []Demand{
		{Seq: 1, Outstanding: huge},
		{Seq: 2, Outstanding: huge, Weight: huge},
		{Seq: 3, Outstanding: 7, Weight: huge / 2},
		{Seq: 4, Outstanding: huge, Tier: 2},
	}
	for _, p := range builtins {
		for _, supply := range []int64{0, 1, 1000, huge, math.MaxInt64} {
			got := p.Allocate(nil, supply, ds)
			checkProperties(t, p, supply, ds, got)
			checkPermuted(t, p, supply, ds, got, 1)
			checkExplain(t, p, supply, ds, got)
		}
	}
	got := FairShare{}.Allocate(nil, math.MaxInt64, ds)
	// Demand 3's exact share is far above 7: it is capped.
	if got[2] != 7 {
		t.Errorf("FairShare huge: %v", got)
	}
	if bits.Len64(uint64(got[0])) < 60 {
		t.Errorf("FairShare huge: %v", got)
	}
}

func TestEmptyAndZero(t *testing.T) {
	for _, p := range builtins {
		if got := p.Allocate(make([]int64, 5), 10, nil); len(got) != 0 {
			t.Errorf("%v: %v for no demands", p, got)
		}
		ds := []Demand{{Seq: 1}, {Seq: 2, Outstanding: 3}}
		if got := p.Allocate(nil, 0, ds); !slices.Equal(got, []int64{0, 0}) {
			t.Errorf("%v: %v with no supply", p, got)
		}
		if got := p.Allocate(nil, -5, ds); !slices.Equal(got, []int64{0, 0}) {
			t.Errorf("%v: %v with negative supply", p, got)
		}
		if got := p.Allocate(nil, 100, ds); !slices.Equal(got, []int64{0, 3}) {
			t.Errorf("%v: %v with plenty", p, got)
		}
	}
}
