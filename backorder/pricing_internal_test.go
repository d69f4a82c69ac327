package backorder

import (
	"math"
	"math/big"
	"testing"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/backorderkit/backorderkit/invoice"
)

// pricedOrder is a one-line order that passes validateOrder's other checks,
// priced as given.
func pricedOrder(price, tax, discPct, discAmt decimal.Decimal) Order {
	return Order{ID: uuid.MustParse("00000000-0000-4000-8000-000000000001"), Customer: "C", Currency: "EUR",
		Lines: []Line{{ID: uuid.MustParse("00000000-0000-4000-8000-000000000002"), SKU: "S", Qty: 3,
			UnitPrice: price, TaxPercent: tax, DiscountPercent: discPct, DiscountAmount: discAmt}}}
}

// checkPlainPricing checks plainPricing against invoice.Validate, its
// oracle: it may accept only what invoice.Validate accepts, and
// validatePricing must give invoice.Validate's verdict either way.
func checkPlainPricing(t *testing.T, o Order) {
	t.Helper()
	slow := invoice.Validate(pricing(o))
	if plainPricing(&o) {
		require.NoError(t, slow, "plainPricing accepted what invoice.Validate refuses")
	}
	if err := validatePricing(&o); slow == nil {
		require.NoError(t, err)
	} else {
		require.ErrorIs(t, err, ErrInvalid)
	}
}

func TestPlainPricingAcceptsOnlyWhatInvoiceAccepts(t *testing.T) {
	d := decimal.New
	huge := decimal.NewFromBigInt(new(big.Int).Lsh(big.NewInt(1), 100), -40)
	zero := decimal.Zero
	cases := []struct {
		name                         string
		price, tax, discPct, discAmt decimal.Decimal
		plain                        bool // whether the fast path takes it
	}{
		{"plain", d(1250, -2), zero, zero, zero, true},
		{"zero price", zero, zero, zero, zero, true},
		{"tax 21", d(1250, -2), d(21, 0), zero, zero, true},
		{"tax 99.999", d(1, 0), d(99999, -3), zero, zero, true},
		{"tax 100", d(1, 0), d(100, 0), zero, zero, false},
		{"tax 100.5", d(1, 0), d(1005, -1), zero, zero, false},
		{"tax negative", d(1, 0), d(-1, 0), zero, zero, false},
		{"24 places", d(1, -24), zero, zero, zero, true},
		{"25 places", d(1, -25), zero, zero, zero, false},
		{"25 places, trailing zero", d(10, -25), zero, zero, zero, false},
		{"just below 1e18", d(999999999999999999, 0), zero, zero, zero, true},
		{"1e18", d(1, 18), zero, zero, zero, false},
		{"above 1e18", d(1000000000000000001, 0), zero, zero, zero, false},
		{"positive exponent", d(5, 2), zero, zero, zero, false},
		{"negative price", d(-1, 0), zero, zero, zero, false},
		{"huge exponent", d(1, 5000), zero, zero, zero, false},
		{"zero with a huge exponent", d(0, 5000), zero, zero, zero, false},
		{"zero tax with a huge exponent", d(1, 0), d(0, -5000), zero, zero, false},
		{"big coefficient", huge, zero, zero, zero, false},
		{"discount percent", d(10, 0), zero, d(5, 0), zero, false},
		{"discount amount", d(10, 0), zero, zero, d(1, 0), false},
		{"discount amount above price", d(10, 0), zero, zero, d(11, 0), false},
		{"both discounts", d(10, 0), zero, d(5, 0), d(1, 0), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := pricedOrder(c.price, c.tax, c.discPct, c.discAmt)
			require.Equal(t, c.plain, plainPricing(&o))
			checkPlainPricing(t, o)
		})
	}
	// Order-level settings.
	o := pricedOrder(d(1, 0), zero, zero, zero)
	for _, mod := range []func(*Order){
		func(o *Order) { o.TaxInclusive = true },
		func(o *Order) { o.TaxRounding = invoice.PerInvoice },
		func(o *Order) { o.TaxInclusive, o.TaxRounding = true, invoice.PerInvoice },
		func(o *Order) { o.TaxRounding = 7 },
		func(o *Order) { o.Rounding = invoice.HalfEven },
		func(o *Order) { o.Rounding = 9 },
		func(o *Order) { o.Charges = []invoice.Charge{{ID: "F", Amount: d(5, 0)}} },
		func(o *Order) { o.Charges = []invoice.Charge{{ID: "", Amount: d(5, 0)}} },
	} {
		c := o
		c.Lines = []Line{o.Lines[0]}
		mod(&c)
		checkPlainPricing(t, c)
	}
}

func FuzzPlainPricing(f *testing.F) {
	f.Add(int64(1250), int32(-2), int64(21), int32(0), int64(0), int32(0), int64(0), int32(0), uint8(0))
	f.Add(int64(1), int32(-25), int64(100), int32(0), int64(5), int32(0), int64(0), int32(0), uint8(7))
	f.Add(int64(math.MaxInt64), int32(0), int64(0), int32(5000), int64(0), int32(0), int64(1), int32(-30), uint8(3))
	f.Fuzz(func(t *testing.T, pc int64, pe int32, tc int64, te int32, dpc int64, dpe int32, dac int64, dae int32, flags uint8) {
		o := pricedOrder(decimal.New(pc, pe), decimal.New(tc, te), decimal.New(dpc, dpe), decimal.New(dac, dae))
		o.TaxInclusive = flags&1 != 0
		o.TaxRounding = invoice.TaxRounding(flags >> 1 & 3)
		o.Rounding = invoice.Rounding(flags >> 3 & 3)
		if flags&32 != 0 {
			o.Charges = []invoice.Charge{{ID: "F", Amount: decimal.New(pc, pe)}}
		}
		checkPlainPricing(t, o)
	})
}
