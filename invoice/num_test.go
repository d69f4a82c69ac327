package invoice

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// ratOf is the exact value of x.
func ratOf(x num) *big.Rat {
	r := new(big.Rat).SetInt(x.bigCoef())
	p := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs32(x.e))), nil))
	if x.e >= 0 {
		return r.Mul(r, p)
	}
	return r.Quo(r, p)
}

func abs32(e int32) int32 {
	if e < 0 {
		return -e
	}
	return e
}

// ratRound is the obvious rounding of an exact value to places decimal
// places: scale, split into integer quotient and remainder, compare twice
// the remainder with the divisor.
func ratRound(x *big.Rat, places int32, mode Rounding) *big.Rat {
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(places)), nil)
	y := new(big.Rat).Mul(x, new(big.Rat).SetInt(scale))
	n, d := new(big.Int).Set(y.Num()), new(big.Int).Set(y.Denom())
	q, r := new(big.Int).QuoRem(n, d, new(big.Int))
	r.Abs(r)
	c := new(big.Int).Lsh(r, 1).Cmp(d)
	if c > 0 || c == 0 && (mode == HalfUp || q.Bit(0) == 1) {
		if n.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return new(big.Rat).SetFrac(q, scale)
}

// randNum draws a num that is sometimes small, sometimes at the edge of an
// int64, sometimes big, with exponents around zero.
func randNum(r *rand.Rand) num {
	e := int32(r.IntN(41) - 30)
	switch r.IntN(6) {
	case 0:
		return num{c: int64(r.IntN(21) - 10), e: e}
	case 1:
		return num{c: math.MaxInt64 - int64(r.IntN(3)), e: e}
	case 2:
		return num{c: math.MinInt64 + int64(r.IntN(3)), e: e}
	case 3:
		b := new(big.Int).Lsh(big.NewInt(int64(r.Uint32())+1), uint(64+r.IntN(64)))
		if r.IntN(2) == 0 {
			b.Neg(b)
		}
		return num{b: b, e: e}
	default:
		return num{c: r.Int64() >> uint(r.IntN(63)) * int64(1-2*r.IntN(2)), e: e}
	}
}

func TestNumArithmeticMatchesRat(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		x, y := randNum(r), randNum(r)
		rx, ry := ratOf(x), ratOf(y)
		if got, want := ratOf(add(x, y)), new(big.Rat).Add(rx, ry); got.Cmp(want) != 0 {
			t.Fatalf("add(%v, %v) = %v, want %v", rx, ry, got, want)
		}
		if got, want := ratOf(sub(x, y)), new(big.Rat).Sub(rx, ry); got.Cmp(want) != 0 {
			t.Fatalf("sub(%v, %v) = %v, want %v", rx, ry, got, want)
		}
		if got, want := ratOf(mul(x, y)), new(big.Rat).Mul(rx, ry); got.Cmp(want) != 0 {
			t.Fatalf("mul(%v, %v) = %v, want %v", rx, ry, got, want)
		}
		if got, want := cmp(x, y), rx.Cmp(ry); got != want {
			t.Fatalf("cmp(%v, %v) = %d, want %d", rx, ry, got, want)
		}
		if got, want := x.sign(), rx.Sign(); got != want {
			t.Fatalf("sign(%v) = %d, want %d", rx, got, want)
		}
		if got, want := ratOf(x.neg()), new(big.Rat).Neg(rx); got.Cmp(want) != 0 {
			t.Fatalf("neg(%v) = %v", rx, got)
		}
		places := int32(r.IntN(8))
		mode := Rounding(r.IntN(2))
		rounded := x.round(places, mode)
		if rounded.e != -places {
			t.Fatalf("round(%v, %d) has exponent %d", rx, places, rounded.e)
		}
		if got, want := ratOf(rounded), ratRound(rx, places, mode); got.Cmp(want) != 0 {
			t.Fatalf("round(%v, %d, %v) = %v, want %v", rx, places, mode, got, want)
		}
		if y.isZero() {
			continue
		}
		q := quoRound(x, y, places, mode)
		if got, want := ratOf(q), ratRound(new(big.Rat).Quo(rx, ry), places, mode); got.Cmp(want) != 0 {
			t.Fatalf("quoRound(%v, %v, %d, %v) = %v, want %v", rx, ry, places, mode, got, want)
		}
	}
}

// TestNumTies checks the tie cases of both modes on both paths.
func TestNumTies(t *testing.T) {
	big125 := num{b: new(big.Int).Mul(big.NewInt(125), new(big.Int).Exp(big.NewInt(10), big.NewInt(30), nil)), e: -33}
	for _, tc := range []struct {
		x      num
		places int32
		mode   Rounding
		want   string
	}{
		{num{c: 125, e: -3}, 2, HalfUp, "0.13"},
		{num{c: 125, e: -3}, 2, HalfEven, "0.12"},
		{num{c: 135, e: -3}, 2, HalfEven, "0.14"},
		{num{c: -125, e: -3}, 2, HalfUp, "-0.13"},
		{num{c: -125, e: -3}, 2, HalfEven, "-0.12"},
		{num{c: 5, e: 0}, -1, HalfUp, "10"},
		{big125, 2, HalfUp, "0.13"},
		{big125, 2, HalfEven, "0.12"},
		{num{c: 4999999999999999999 / 10 * 10, e: -19}, 0, HalfUp, "0"},
		{num{c: 5000000000000000000, e: -19}, 0, HalfUp, "1"},
		{num{c: 5000000000000000000, e: -19}, 0, HalfEven, "0"},
	} {
		if got := tc.x.round(tc.places, tc.mode).dec(); exact(got) != tc.want {
			t.Errorf("round(%v, %d, %v) = %s, want %s", ratOf(tc.x), tc.places, tc.mode, exact(got), tc.want)
		}
	}
	// 1/8 = 0.125 by division.
	if got := exact(quoRound(numInt(1), numInt(8), 2, HalfEven).dec()); got != "0.12" {
		t.Errorf("1/8 half-even = %s", got)
	}
	if got := exact(quoRound(numInt(-1), numInt(8), 2, HalfUp).dec()); got != "-0.13" {
		t.Errorf("-1/8 half-up = %s", got)
	}
}

// FuzzNum checks num against big.Rat on values the fuzzer picks.
func FuzzNum(f *testing.F) {
	f.Add(int64(125), int32(-3), int64(8), int32(0), uint8(2), false)
	f.Add(int64(math.MaxInt64), int32(0), int64(math.MinInt64), int32(-5), uint8(3), true)
	f.Fuzz(func(t *testing.T, a int64, ea int32, b int64, eb int32, places uint8, even bool) {
		x, y := num{c: a, e: ea % 40}, num{c: b, e: eb % 40}
		p, mode := int32(places%10), HalfUp
		if even {
			mode = HalfEven
		}
		rx, ry := ratOf(x), ratOf(y)
		if got, want := ratOf(add(x, y)), new(big.Rat).Add(rx, ry); got.Cmp(want) != 0 {
			t.Fatalf("add = %v, want %v", got, want)
		}
		if got, want := ratOf(mul(x, y)), new(big.Rat).Mul(rx, ry); got.Cmp(want) != 0 {
			t.Fatalf("mul = %v, want %v", got, want)
		}
		if got, want := ratOf(x.round(p, mode)), ratRound(rx, p, mode); got.Cmp(want) != 0 {
			t.Fatalf("round = %v, want %v", got, want)
		}
		if b != 0 {
			if got, want := ratOf(quoRound(x, y, p, mode)), ratRound(new(big.Rat).Quo(rx, ry), p, mode); got.Cmp(want) != 0 {
				t.Fatalf("quoRound = %v, want %v", got, want)
			}
		}
	})
}
