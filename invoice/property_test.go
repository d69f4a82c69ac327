package invoice

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
)

// runCase draws an order and its shipments from g, bills them one by one,
// and checks every document against the oracle and the invariants: the
// invoices add up to Total exactly, no invoice line is negative, every tax
// is within one minor unit of its exact amount; then it returns everything
// in pieces and checks that the order's net billed total is exactly zero.
// One case in four also returns goods between shipments.
func runCase(t *testing.T, g *gen) {
	t.Helper()
	o, ships := genCase(g)
	interleave := g.n(4) == 0
	or := newOracle(o)
	var docs []Invoice
	credit := func(r Correction) {
		t.Helper()
		cn, err := Credit(o, docs, r)
		if err != nil {
			t.Fatalf("Credit(%+v): %v", r, err)
		}
		checkDocument(t, o, cn)
		or.check(t, cn)
		docs = append(docs, cn)
	}
	for _, s := range ships {
		inv, err := Bill(o, docs, s)
		if err != nil {
			t.Fatalf("Bill(%s): %v", s.ID, err)
		}
		checkDocument(t, o, inv)
		or.check(t, inv)
		docs = append(docs, inv)
		if interleave && g.n(3) == 0 {
			for _, r := range genReturns(g, invoicesOf(docs), leftToReturn(docs), false) {
				credit(r)
			}
		}
	}
	if !interleave {
		total, err := Total(o, len(ships))
		if err != nil {
			t.Fatal(err)
		}
		billed, err := Billed(docs)
		if err != nil {
			t.Fatal(err)
		}
		if !billed.Equal(total) {
			t.Fatalf("the invoices add up to %+v, the order's total is %+v", billed, total)
		}
	}
	for _, r := range genReturns(g, invoicesOf(docs), leftToReturn(docs), true) {
		credit(r)
	}
	billed, err := Billed(docs)
	if err != nil {
		t.Fatal(err)
	}
	if !billed.Equal(Totals{}) {
		t.Fatalf("after returning everything the order's net billed total is %+v, not zero", billed)
	}
}

func invoicesOf(docs []Invoice) []Invoice {
	var out []Invoice
	for _, d := range docs {
		if d.Kind == KindInvoice {
			out = append(out, d)
		}
	}
	return out
}

// checkDocument checks the invariants of one document of order o.
func checkDocument(t *testing.T, o Order, d Invoice) {
	t.Helper()
	cur, _ := LookupCurrency(o.Currency)
	unit := decimal.New(1, -cur.MinorUnits)
	minor := func(what string, x decimal.Decimal) {
		t.Helper()
		if !x.Round(cur.MinorUnits).Equal(x) {
			t.Fatalf("%s %s is not in minor units of %s", what, exact(x), o.Currency)
		}
	}
	nonNegative := func(what string, x decimal.Decimal) {
		t.Helper()
		if x.Sign() < 0 {
			t.Fatalf("%v %s: %s is negative: %s", d.Kind, d.ShipmentID, what, exact(x))
		}
	}
	// within checks |tax − exact| ≤ one minor unit, exact = amount·num/den.
	within := func(what string, tax, amount, rateNum, rateDen decimal.Decimal) {
		t.Helper()
		exactTax := new(big.Rat).Quo(new(big.Rat).Mul(amount.Rat(), rateNum.Rat()), rateDen.Rat())
		dev := new(big.Rat).Sub(tax.Rat(), exactTax)
		if dev.Abs(dev).Cmp(unit.Rat()) > 0 {
			t.Fatalf("%v %s: %s tax %s is more than one minor unit from its exact amount %s",
				d.Kind, d.ShipmentID, what, exact(tax), exactTax.FloatString(8))
		}
	}
	hundred := decimal.New(100, 0)
	taxOK := func(what string, net, tax, rate decimal.Decimal) {
		t.Helper()
		switch {
		case o.TaxRounding == PerInvoice:
			if !tax.IsZero() {
				t.Fatalf("%s has tax %s under per-invoice rounding", what, exact(tax))
			}
		case o.TaxInclusive:
			within(what, tax, net.Add(tax), rate, hundred.Add(rate))
		default:
			within(what, tax, net, rate, hundred)
		}
	}
	var goods, charges, allowances, taxTotal, lineTax, base decimal.Decimal
	for _, l := range d.Lines {
		minor("net", l.Net)
		minor("tax", l.Tax)
		nonNegative("line "+l.LineID+" net", l.Net)
		nonNegative("line "+l.LineID+" tax", l.Tax)
		taxOK("line "+l.LineID, l.Net, l.Tax, l.TaxPercent)
		goods = goods.Add(l.Net)
		lineTax = lineTax.Add(l.Tax)
	}
	for _, c := range d.Charges {
		minor("net", c.Net)
		minor("tax", c.Tax)
		nonNegative("charge "+c.ChargeID+" net", c.Net)
		nonNegative("charge "+c.ChargeID+" tax", c.Tax)
		taxOK("charge "+c.ChargeID, c.Net, c.Tax, c.TaxPercent)
		if c.Kind.Allowance() {
			allowances = allowances.Add(c.Net)
			lineTax = lineTax.Sub(c.Tax)
		} else {
			charges = charges.Add(c.Net)
			lineTax = lineTax.Add(c.Tax)
		}
	}
	for _, x := range d.Taxes {
		minor("tax", x.Tax)
		taxTotal = taxTotal.Add(x.Tax)
		base = base.Add(x.Base)
		if o.TaxRounding == PerInvoice {
			within("group "+x.TaxCategory, x.Tax, x.Base, x.TaxPercent, hundred)
		}
	}
	subtotal := goods.Add(charges).Sub(allowances)
	for _, c := range []struct {
		what      string
		got, want decimal.Decimal
	}{
		{"Goods", d.Goods, goods}, {"ChargeTotal", d.ChargeTotal, charges},
		{"AllowanceTotal", d.AllowanceTotal, allowances}, {"Subtotal", d.Subtotal, subtotal},
		{"TaxTotal", d.TaxTotal, taxTotal}, {"Total", d.Total, subtotal.Add(taxTotal)},
		{"the tax breakdown's base", base, subtotal},
	} {
		if !c.got.Equal(c.want) {
			t.Fatalf("%v %s: %s is %s, its parts add up to %s", d.Kind, d.ShipmentID, c.what, exact(c.got), exact(c.want))
		}
	}
	if o.TaxRounding == PerLine && !lineTax.Equal(taxTotal) {
		t.Fatalf("%v %s: TaxTotal %s, the lines' taxes add up to %s", d.Kind, d.ShipmentID, exact(taxTotal), exact(lineTax))
	}
}

// TestRandomOrders runs the fuzz target's checks on seeded random cases, so
// that plain `go test` covers them.
func TestRandomOrders(t *testing.T) {
	n := 400
	if testing.Short() {
		n = 60
	}
	r := rand.New(rand.NewPCG(7, 11))
	for i := 0; i < n; i++ {
		b := make([]byte, 64+r.IntN(4096))
		for j := range b {
			b[j] = byte(r.Uint32())
		}
		runCase(t, &gen{b: b})
	}
}

// FuzzInvoice builds random orders (1–50 lines, random prices, discounts,
// tax rates and charges, any currency of the table), ships them in 1–20
// random shipments and checks that the invoices add up exactly to the
// order's total, that no invoice line is negative, that each tax is within
// one minor unit of its exact amount, that every document matches the
// big.Rat oracle, and that credit notes for everything bring the order's
// net billed total back to exactly zero.
func FuzzInvoice(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("a small order with two shipments, some returns between them"))
	r := rand.New(rand.NewPCG(3, 5))
	for i := 0; i < 8; i++ {
		b := make([]byte, 512)
		for j := range b {
			b[j] = byte(r.Uint32())
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		runCase(t, &gen{b: b})
	})
}
