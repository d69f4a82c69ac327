package backorder

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// slowValue is the oracle of valueSum: the decimal arithmetic planOrder
// did line after line.
func slowValue(prices []decimal.Decimal, qtys []int64) decimal.Decimal {
	v := decimal.Zero
	for i := range prices {
		v = v.Add(prices[i].Mul(decimal.NewFromInt(qtys[i])))
	}
	return v
}

func fastValue(prices []decimal.Decimal, qtys []int64) decimal.Decimal {
	var s valueSum
	for i := range prices {
		s.add(prices[i], qtys[i])
	}
	return s.value()
}

// requireSameValue checks that the two sums are equal in value and in
// exponent (so that they print alike).
func requireSameValue(t *testing.T, prices []decimal.Decimal, qtys []int64) {
	t.Helper()
	want, got := slowValue(prices, qtys), fastValue(prices, qtys)
	require.True(t, want.Equal(got), "prices %v × %v: want %s, got %s", prices, qtys, want, got)
	require.Equal(t, want.Exponent(), got.Exponent(), "prices %v × %v", prices, qtys)
	require.Equal(t, want.String(), got.String())
}

func TestValueSumMatchesDecimal(t *testing.T) {
	d := decimal.RequireFromString
	for _, tc := range []struct {
		prices []string
		qtys   []int64
	}{
		{nil, nil},
		{[]string{"12.50"}, []int64{5}},
		{[]string{"0"}, []int64{7}},
		{[]string{"12.50", "3.125", "7"}, []int64{5, 3, 2}},
		{[]string{"7", "0.000000000000000001"}, []int64{1, 1}},
		{[]string{"1e3", "2.5"}, []int64{4, 2}},               // a positive exponent
		{[]string{"999999999999999999"}, []int64{9}},          // 18 digits, product overflows
		{[]string{"9999999999999999999"}, []int64{1}},         // 19 digits
		{[]string{"0.0000000000000000001"}, []int64{3}},       // exponent −19
		{[]string{"92233720368547758.07"}, []int64{1}},        // the largest int64 coefficient
		{[]string{"4611686018427387904", "1"}, []int64{2, 1}}, // a sum past int64 after a product that fits
		{[]string{"1.5", "1"}, []int64{math.MaxInt64 / 10, math.MaxInt64}},
		{[]string{"0.01", "3"}, []int64{math.MaxInt64, 1}}, // rescaling the sum overflows
		{[]string{"0.5", "0.25", "0.125", "1e1"}, []int64{1, 1, 1, 1}},
	} {
		prices := make([]decimal.Decimal, len(tc.prices))
		for i, p := range tc.prices {
			prices[i] = d(p)
		}
		requireSameValue(t, prices, tc.qtys)
	}
	// The zero Decimal and decimal.Zero are prices too.
	requireSameValue(t, []decimal.Decimal{{}, decimal.Zero, decimal.New(5, -2)}, []int64{3, 4, 5})

	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		n := 1 + r.IntN(6)
		prices := make([]decimal.Decimal, n)
		qtys := make([]int64, n)
		for i := range n {
			var coef int64
			switch r.IntN(4) {
			case 0:
				coef = r.Int64N(100000)
			case 1:
				coef = r.Int64()
			case 2:
				coef = r.Int64N(1 << 40)
			default:
				coef = 0
			}
			prices[i] = decimal.New(coef, int32(r.IntN(26)-22))
			switch r.IntN(3) {
			case 0:
				qtys[i] = 1 + r.Int64N(100)
			case 1:
				qtys[i] = 1 + r.Int64N(math.MaxInt64)
			default:
				qtys[i] = 1 + r.Int64N(1<<30)
			}
		}
		requireSameValue(t, prices, qtys)
	}
}

func FuzzValueSum(f *testing.F) {
	f.Add(int64(1250), int32(-2), int64(5), int64(3), int32(0), int64(7))
	f.Add(int64(math.MaxInt64), int32(-18), int64(math.MaxInt64), int64(1), int32(3), int64(1))
	f.Fuzz(func(t *testing.T, c1 int64, e1 int32, q1, c2 int64, e2 int32, q2 int64) {
		// Prices and quantities as validateOrder and planOrder let them
		// be: prices ≥ 0, quantities > 0, exponents whose sums stay in
		// int32 (decimal panics otherwise).
		pos := func(x int64) int64 {
			if x < 0 {
				return -(x + 1)
			}
			return x
		}
		c1, c2 = pos(c1), pos(c2)
		q1, q2 = max(pos(q1), 1), max(pos(q2), 1)
		e1, e2 = e1%1000, e2%1000
		requireSameValue(t, []decimal.Decimal{decimal.New(c1, e1), decimal.New(c2, e2)}, []int64{q1, q2})
	})
}
