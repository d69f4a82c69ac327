package invoice

import (
	"fmt"
	"testing"

	"github.com/shopspring/decimal"
)

// benchSink keeps benchmark results alive so the compiler cannot drop the
// work.
var benchSink Invoice

// benchOrder builds an order of n lines with two tax groups, line
// discounts, a 10 % order discount and prorated freight: the realistic
// case, not the cheapest.
func benchOrder(n int) Order {
	o := Order{ID: "O-BENCH", Currency: "EUR", Charges: []Charge{
		{ID: "DISC", Kind: Discount, Percent: decimal.New(10, 0)},
		{ID: "FREIGHT", Kind: Freight, Amount: decimal.New(4990, -2), TaxPercent: decimal.New(21, 0), TaxCategory: "S"},
	}}
	for i := 0; i < n; i++ {
		l := Line{
			ID: fmt.Sprintf("L%04d", i), SKU: fmt.Sprintf("SKU-%04d", i), Qty: int64(10 + i%90),
			UnitPrice: decimal.New(int64(125+i*37%5000), -3), TaxPercent: decimal.New(21, 0), TaxCategory: "S",
		}
		if i%3 == 0 {
			l.DiscountPercent = decimal.New(5, 0)
		}
		if i%4 == 0 {
			l.TaxPercent, l.TaxCategory = decimal.New(9, 0), "AA"
		}
		o.Lines = append(o.Lines, l)
	}
	return o
}

// BenchmarkInvoice bills the second of three shipments of an n-line order:
// every line was on the first invoice and is on this one, so Bill reads
// and checks one earlier invoice of n lines and writes one of n lines.
func BenchmarkInvoice(b *testing.B) {
	for _, lines := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("lines=%d", lines), func(b *testing.B) {
			o := benchOrder(lines)
			first := Shipment{ID: "S1"}
			second := Shipment{ID: "S2"}
			for _, l := range o.Lines {
				first.Lines = append(first.Lines, LineQty{LineID: l.ID, Qty: l.Qty / 3})
				second.Lines = append(second.Lines, LineQty{LineID: l.ID, Qty: l.Qty / 3})
			}
			inv, err := Bill(o, nil, first)
			if err != nil {
				b.Fatal(err)
			}
			prior := []Invoice{inv}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				benchSink, err = Bill(o, prior, second)
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*lines), "ns/line")
		})
	}
}
