package allocation

import (
	"math"
	"math/bits"
)

// satAdd adds two non-negative int64 values, saturating at math.MaxInt64.
func satAdd(a, b int64) int64 {
	if s := a + b; s >= a {
		return s
	}
	return math.MaxInt64
}

// u128 is an unsigned 128-bit sum of non-negative int64 values: no sum of
// fewer than 2^64 of them can overflow it.
type u128 struct{ hi, lo uint64 }

func (a u128) add(v uint64) u128 {
	lo, c := bits.Add64(a.lo, v, 0)
	return u128{a.hi + c, lo}
}

func (a u128) sub(v uint64) u128 {
	lo, b := bits.Sub64(a.lo, v, 0)
	return u128{a.hi - b, lo}
}

// min64 returns min(a, v) for a non-negative v.
func (a u128) min64(v int64) int64 {
	if a.hi == 0 && a.lo < uint64(v) {
		return int64(a.lo)
	}
	return v
}

// bitLen is the number of significant bits of a.
func (a u128) bitLen() int {
	if a.hi != 0 {
		return 64 + bits.Len64(a.hi)
	}
	return bits.Len64(a.lo)
}
