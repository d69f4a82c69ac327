package invoice

import (
	"encoding/binary"
	"fmt"

	"github.com/shopspring/decimal"
)

// gen draws test cases from a byte string: the fuzzer's input, or random
// bytes. When the bytes run out it draws zeros, so every input is a valid
// case and a short one is a small case.
type gen struct {
	b []byte
	i int
}

func (g *gen) u64() uint64 {
	var buf [8]byte
	g.i += copy(buf[:], g.b[min(g.i, len(g.b)):])
	return binary.LittleEndian.Uint64(buf[:])
}

// n returns a number in [0, n).
func (g *gen) n(n int) int { return int(g.u64() % uint64(n)) }

// upto returns a number in [0, max].
func (g *gen) upto(max int64) int64 { return int64(g.u64() % uint64(max+1)) }

var genRates = []struct{ cat, rate string }{
	{"S", "21"}, {"S", "19"}, {"AA", "9"}, {"AA", "5.5"}, {"Z", "0"}, {"S", "7.7"},
	{"S", "8.1"}, {"E", "0"}, {"S", "25.5"}, {"S", "10"}, {"AA", "8"}, {"S", "17.5"},
}

// genCase draws an order (1–50 lines, any currency of the table, random
// prices, discounts, tax rates and charges) and 1–20 shipments that ship
// all of it.
func genCase(g *gen) (Order, []Shipment) {
	curs := Currencies()
	o := Order{ID: "O", Currency: curs[g.n(len(curs))].Code, Rounding: Rounding(g.n(2))}
	if g.n(2) == 1 {
		o.TaxInclusive = true
	} else if g.n(2) == 1 {
		o.TaxRounding = PerInvoice
	}
	rates := make([]int, 1+g.n(3))
	for i := range rates {
		rates[i] = g.n(len(genRates))
	}
	nl := 1 + g.n(50)
	for i := 0; i < nl; i++ {
		var qty int64
		switch g.n(10) {
		case 0:
			qty = 1 + g.upto(1e12) // large: the big.Int paths
		case 1, 2:
			qty = 1 + g.upto(1e5)
		default:
			qty = 1 + g.upto(99)
		}
		var price decimal.Decimal
		switch g.n(12) {
		case 0: // free goods
		case 1:
			price = decimal.New(g.upto(1e15), -int32(g.n(13)))
		default:
			price = decimal.New(g.upto(1e6), -int32(g.n(7)))
		}
		r := genRates[rates[g.n(len(rates))]]
		l := Line{ID: fmt.Sprintf("L%02d", i), SKU: fmt.Sprintf("SKU-%02d", i), Qty: qty, UnitPrice: price,
			TaxPercent: decimal.RequireFromString(r.rate), TaxCategory: r.cat}
		switch g.n(4) {
		case 1:
			l.DiscountPercent = decimal.New(g.upto(10000), -2)
		case 2:
			l.DiscountAmount = decimal.New(g.upto(price.CoefficientInt64()), price.Exponent())
		}
		o.Lines = append(o.Lines, l)
	}
	nc := g.n(5)
	for j := 0; j < nc; j++ {
		ch := Charge{ID: fmt.Sprintf("C%d", j), Kind: ChargeKind(1 + g.n(4)), Apply: Apply(g.n(3))}
		if g.n(3) == 0 {
			ch.Percent = decimal.New(g.upto(5000), -2)
		} else {
			ch.Amount = decimal.New(g.upto(1e7), -int32(g.n(4)))
			r := genRates[g.n(len(genRates))]
			ch.TaxPercent, ch.TaxCategory = decimal.RequireFromString(r.rate), r.cat
		}
		o.Charges = append(o.Charges, ch)
	}
	k := 1 + g.n(20)
	ships := make([]Shipment, k)
	for s := range ships {
		ships[s].ID = fmt.Sprintf("S%02d", s)
	}
	for _, l := range o.Lines {
		// k−1 random cuts of [0, Qty] give k parts, some empty.
		cuts := make([]int64, k+1)
		cuts[k] = l.Qty
		for s := 1; s < k; s++ {
			cuts[s] = g.upto(l.Qty)
		}
		sortInt64(cuts[1:k])
		for s := 0; s < k; s++ {
			if q := cuts[s+1] - cuts[s]; q > 0 {
				ships[s].Lines = append(ships[s].Lines, LineQty{LineID: l.ID, Qty: q})
			}
		}
	}
	out := ships[:0]
	for _, s := range ships {
		if len(s.Lines) > 0 {
			out = append(out, s)
		}
	}
	return o, out
}

func sortInt64(a []int64) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

// genReturns splits what is left to return into credit notes: each
// invoice's quantities in 1–3 returns, all of them in a random order. left
// maps a shipment to what is not yet returned of each line.
func genReturns(g *gen, invoices []Invoice, left map[string]map[string]int64, all bool) []Correction {
	var out []Correction
	for _, inv := range invoices {
		m := 1 + g.n(3)
		parts := make([]Correction, m)
		for i := range parts {
			parts[i] = Correction{ID: fmt.Sprintf("R-%s-%d-%d", inv.ShipmentID, g.u64()%1e6, i), ShipmentID: inv.ShipmentID, Reason: "returned"}
		}
		for _, l := range inv.Lines {
			rest := left[inv.ShipmentID][l.LineID]
			if !all {
				rest = g.upto(rest)
			}
			for i := 0; i < m && rest > 0; i++ {
				q := rest
				if i < m-1 {
					q = g.upto(rest)
				}
				if q > 0 {
					parts[i].Returns = append(parts[i].Returns, LineQty{LineID: l.LineID, Qty: q})
					rest -= q
				}
			}
		}
		for _, p := range parts {
			if len(p.Returns) > 0 {
				out = append(out, p)
			}
		}
	}
	for i := len(out) - 1; i > 0; i-- {
		j := g.n(i + 1)
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// leftToReturn maps each invoice's shipment to what of each line is not
// returned yet.
func leftToReturn(docs []Invoice) map[string]map[string]int64 {
	left := map[string]map[string]int64{}
	for _, d := range docs {
		if d.Kind == KindInvoice {
			left[d.ShipmentID] = map[string]int64{}
			for _, l := range d.Lines {
				left[d.ShipmentID][l.LineID] += l.Qty
			}
		}
	}
	for _, d := range docs {
		if d.Kind == KindCreditNote {
			for _, l := range d.Lines {
				left[d.ShipmentID][l.LineID] -= l.Qty
			}
		}
	}
	return left
}
