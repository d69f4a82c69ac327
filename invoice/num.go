package invoice

import (
	"math"
	"math/big"
	"math/bits"

	"github.com/shopspring/decimal"
)

// num is an exact decimal number, coefficient × 10^e, used inside the
// package instead of decimal.Decimal: the coefficient lives in an int64
// when it fits, so the arithmetic of an invoice allocates nothing, and
// moves to a big.Int when it does not, so no result is ever wrong. A num is
// immutable: no operation writes to an existing b.
//
// Results are exact except in round and quoRound, which round to a stated
// number of places in a stated mode; nothing reads the decimal package's
// settings.
type num struct {
	c int64    // the coefficient, when b is nil
	b *big.Int // the coefficient, when it does not fit an int64
	e int32    // the exponent
}

// pow10s[k] = 10^k for k ≤ 18 (the largest that fits an int64).
var pow10s = [...]int64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

func numInt(q int64) num { return num{c: q} }

// dec converts x to a decimal.Decimal.
func (x num) dec() decimal.Decimal {
	if x.b != nil {
		return decimal.NewFromBigInt(x.b, x.e)
	}
	return decimal.New(x.c, x.e)
}

// bigCoef returns the coefficient as a new big.Int.
func (x num) bigCoef() *big.Int {
	if x.b != nil {
		return new(big.Int).Set(x.b)
	}
	return big.NewInt(x.c)
}

// fromBig makes a num of a coefficient the caller no longer writes,
// moving it back into an int64 when it fits.
func fromBig(b *big.Int, e int32) num {
	if b.IsInt64() {
		return num{c: b.Int64(), e: e}
	}
	return num{b: b, e: e}
}

func (x num) sign() int {
	if x.b != nil {
		return x.b.Sign()
	}
	switch {
	case x.c > 0:
		return 1
	case x.c < 0:
		return -1
	}
	return 0
}

func (x num) isZero() bool { return x.sign() == 0 }

func (x num) neg() num {
	if x.b == nil && x.c != math.MinInt64 {
		return num{c: -x.c, e: x.e}
	}
	return fromBig(new(big.Int).Neg(x.bigCoef()), x.e)
}

// shift returns x × 10^k.
func (x num) shift(k int32) num { x.e += k; return x }

// scaleUp returns c × 10^k if it fits an int64.
func scaleUp(c int64, k int32) (int64, bool) {
	if k < 0 || k > 18 {
		return 0, c == 0
	}
	p := pow10s[k]
	hi, lo := bits.Mul64(absU(c), uint64(p))
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	if c < 0 {
		return -int64(lo), true
	}
	return int64(lo), true
}

func absU(c int64) uint64 {
	if c < 0 {
		return uint64(-c) // MinInt64 gives 1<<63, as wanted
	}
	return uint64(c)
}

// bigAt returns x's coefficient scaled to exponent e ≤ x.e.
func (x num) bigAt(e int32) *big.Int {
	b := x.bigCoef()
	if d := int64(x.e) - int64(e); d > 0 {
		b.Mul(b, new(big.Int).Exp(big.NewInt(10), big.NewInt(d), nil))
	}
	return b
}

func add(x, y num) num {
	if x.isZero() {
		return y
	}
	if y.isZero() {
		return x
	}
	if x.b == nil && y.b == nil {
		a, b, e, ok := x.c, y.c, x.e, true
		switch {
		case x.e > y.e:
			a, ok = scaleUp(x.c, x.e-y.e)
			e = y.e
		case x.e < y.e:
			b, ok = scaleUp(y.c, y.e-x.e)
		}
		// a + b overflows only when a and b have one sign and the sum the other.
		if s := a + b; ok && ((a < 0) != (b < 0) || (s < 0) == (a < 0)) {
			return num{c: s, e: e}
		}
	}
	e := min(x.e, y.e)
	return fromBig(new(big.Int).Add(x.bigAt(e), y.bigAt(e)), e)
}

func sub(x, y num) num { return add(x, y.neg()) }

func mul(x, y num) num {
	e := x.e + y.e
	if x.b == nil && y.b == nil {
		hi, lo := bits.Mul64(absU(x.c), absU(y.c))
		if hi == 0 && lo <= math.MaxInt64 {
			if (x.c < 0) != (y.c < 0) {
				return num{c: -int64(lo), e: e}
			}
			return num{c: int64(lo), e: e}
		}
	}
	return fromBig(new(big.Int).Mul(x.bigCoef(), y.bigCoef()), e)
}

func cmp(x, y num) int {
	if x.b == nil && y.b == nil && x.e == y.e {
		switch {
		case x.c > y.c:
			return 1
		case x.c < y.c:
			return -1
		}
		return 0
	}
	return sub(x, y).sign()
}

func (x num) eq(y num) bool { return cmp(x, y) == 0 }

// roundUp reports whether a truncated quotient q, with remainder r of the
// divisor d (0 < r < d, all magnitudes), steps away from zero: more than a
// half, or a half when rounding half-up or q is odd.
func roundUp(twiceRCmpD int, qOdd bool, mode Rounding) bool {
	return twiceRCmpD > 0 || twiceRCmpD == 0 && (mode == HalfUp || qOdd)
}

// round returns x rounded to places decimal places, with exponent −places.
func (x num) round(places int32, mode Rounding) num {
	t := -places
	if x.e == t {
		return x
	}
	if x.e > t {
		if x.b == nil {
			if c, ok := scaleUp(x.c, x.e-t); ok {
				return num{c: c, e: t}
			}
		}
		return fromBig(x.bigAt(t), t)
	}
	k := int64(t) - int64(x.e) // digits dropped, > 0
	if x.b == nil && k <= 18 {
		p := uint64(pow10s[k])
		a := absU(x.c)
		q, r := a/p, a%p
		if r != 0 && roundUp(cmpU(r, p-r), q&1 == 1, mode) {
			q++
		}
		if x.c < 0 {
			return num{c: -int64(q), e: t}
		}
		return num{c: int64(q), e: t}
	}
	d := new(big.Int).Exp(big.NewInt(10), big.NewInt(k), nil)
	return quoRoundBig(x.bigCoef(), d, t, mode)
}

func cmpU(a, b uint64) int {
	switch {
	case a > b:
		return 1
	case a < b:
		return -1
	}
	return 0
}

// quoRoundBig returns n / d rounded to an integer, as a num with exponent e.
// It takes ownership of n and d.
func quoRoundBig(n, d *big.Int, e int32, mode Rounding) num {
	neg := n.Sign()*d.Sign() < 0
	n.Abs(n)
	d.Abs(d)
	q, r := new(big.Int).QuoRem(n, d, new(big.Int))
	if r.Sign() != 0 && roundUp(r.Lsh(r, 1).Cmp(d), q.Bit(0) == 1, mode) {
		q.Add(q, big.NewInt(1))
	}
	if neg {
		q.Neg(q)
	}
	return fromBig(q, e)
}

// quoRound returns x / y rounded to places decimal places, exactly: the
// remainder of an integer division decides the last digit. y ≠ 0.
func quoRound(x, y num, places int32, mode Rounding) num {
	t := -places
	s := int64(x.e) - int64(y.e) - int64(t) // x/y = x.c·10^s / y.c · 10^t
	if x.b == nil && y.b == nil && s >= -19 && s <= 19 {
		nhi, nlo, d := uint64(0), absU(x.c), absU(y.c)
		ok := true
		if s > 0 {
			nhi, nlo = bits.Mul64(nlo, pow10u(s))
		} else if s < 0 {
			var hi uint64
			hi, d = bits.Mul64(d, pow10u(-s))
			ok = hi == 0
		}
		if ok && nhi < d {
			q, r := bits.Div64(nhi, nlo, d)
			if r != 0 && roundUp(cmpU(r, d-r), q&1 == 1, mode) {
				q++
			}
			if q <= math.MaxInt64 {
				if (x.c < 0) != (y.c < 0) {
					return num{c: -int64(q), e: t}
				}
				return num{c: int64(q), e: t}
			}
		}
	}
	n, d := x.bigCoef(), y.bigCoef()
	if s > 0 {
		n.Mul(n, new(big.Int).Exp(big.NewInt(10), big.NewInt(s), nil))
	} else if s < 0 {
		d.Mul(d, new(big.Int).Exp(big.NewInt(10), big.NewInt(-s), nil))
	}
	return quoRoundBig(n, d, t, mode)
}

// pow10u returns 10^k for 0 ≤ k ≤ 19.
func pow10u(k int64) uint64 {
	if k == 19 {
		return 1e19
	}
	return uint64(pow10s[k])
}
