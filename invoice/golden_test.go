package invoice

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/shopspring/decimal"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// step is one operation of a golden scenario: bill a shipment, or issue a
// credit note (with Order set, the order's corrected pricing).
type step struct {
	ship   *Shipment
	credit *Correction
	order  *Order
}

type golden struct {
	name  string
	title string
	order Order
	steps []step
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func ship(id string, lines ...LineQty) step { return step{ship: &Shipment{ID: id, Lines: lines}} }

func goldenCases() []golden {
	eur := Order{ID: "O-1001", Currency: "EUR", Lines: []Line{
		{ID: "L1", SKU: "BOLT-M8", Qty: 100, UnitPrice: dec("0.35"), TaxPercent: dec("21"), TaxCategory: "S"},
		{ID: "L2", SKU: "NUT-M8", Qty: 250, UnitPrice: dec("0.12"), DiscountPercent: dec("5"), TaxPercent: dec("21"), TaxCategory: "S"},
		{ID: "L3", SKU: "MANUAL", Qty: 3, UnitPrice: dec("9.99"), TaxPercent: dec("9"), TaxCategory: "AA"},
	}, Charges: []Charge{
		{ID: "DISC", Kind: Discount, Percent: dec("10")},
		{ID: "FREIGHT", Kind: Freight, Amount: dec("25.00"), TaxPercent: dec("21"), TaxCategory: "S"},
	}}
	jpy := Order{ID: "O-2001", Currency: "JPY", TaxRounding: PerInvoice, Lines: []Line{
		{ID: "L1", SKU: "GREEN-TEA", Qty: 24, UnitPrice: dec("398"), TaxPercent: dec("8"), TaxCategory: "AA"},
		{ID: "L2", SKU: "KETTLE", Qty: 2, UnitPrice: dec("4980"), TaxPercent: dec("10"), TaxCategory: "S"},
		{ID: "L3", SKU: "RICE-5KG", Qty: 10, UnitPrice: dec("2380"), DiscountAmount: dec("100"), TaxPercent: dec("8"), TaxCategory: "AA"},
	}, Charges: []Charge{
		{ID: "FREIGHT", Kind: Freight, Amount: dec("880"), Apply: FirstShipment, TaxPercent: dec("10"), TaxCategory: "S"},
		{ID: "HANDLING", Kind: Handling, Amount: dec("330"), Apply: EveryShipment, TaxPercent: dec("10"), TaxCategory: "S"},
	}}
	gross := Order{ID: "O-3001", Currency: "EUR", TaxInclusive: true, Lines: []Line{
		{ID: "L1", SKU: "COFFEE-1KG", Qty: 12, UnitPrice: dec("17.99"), TaxPercent: dec("7"), TaxCategory: "AA"},
		{ID: "L2", SKU: "GRINDER", Qty: 1, UnitPrice: dec("89.00"), TaxPercent: dec("19"), TaxCategory: "S"},
		{ID: "L3", SKU: "FILTER-100", Qty: 30, UnitPrice: dec("2.49"), DiscountPercent: dec("10"), TaxPercent: dec("19"), TaxCategory: "S"},
	}, Charges: []Charge{
		{ID: "FREIGHT", Kind: Freight, Amount: dec("5.95"), Apply: FirstShipment, TaxPercent: dec("19"), TaxCategory: "S"},
		{ID: "DISC", Kind: Discount, Percent: dec("3")},
	}}
	bhd := Order{ID: "O-4001", Currency: "BHD", Rounding: HalfEven, Lines: []Line{
		{ID: "L1", SKU: "CABLE-10M", Qty: 40, UnitPrice: dec("2.125"), TaxPercent: dec("10"), TaxCategory: "S"},
		{ID: "L2", SKU: "SWITCH-24P", Qty: 3, UnitPrice: dec("48.750"), DiscountAmount: dec("1.250"), TaxPercent: dec("10"), TaxCategory: "S"},
	}, Charges: []Charge{
		{ID: "FREIGHT", Kind: Freight, Amount: dec("7.500"), TaxPercent: dec("10"), TaxCategory: "S"},
	}}
	bhdCorrected := bhd
	bhdCorrected.Lines = append([]Line(nil), bhd.Lines...)
	bhdCorrected.Lines[1].UnitPrice = dec("45.000")
	return []golden{
		{name: "eur_discount_freight_3_shipments", order: eur,
			title: "Three shipments of an order with a 10 % order discount and prorated freight; two VAT rates.",
			steps: []step{
				ship("S1", LineQty{"L1", 30}, LineQty{"L2", 100}),
				ship("S2", LineQty{"L1", 40}, LineQty{"L3", 1}),
				ship("S3", LineQty{"L1", 30}, LineQty{"L2", 150}, LineQty{"L3", 2}),
			}},
		{name: "jpy_per_invoice_tax", order: jpy,
			title: "A JPY order (no minor unit), tax rounded once per rate per invoice, 8 % and 10 %; freight on the first shipment, handling on every one.",
			steps: []step{
				ship("S1", LineQty{"L1", 10}, LineQty{"L2", 1}, LineQty{"L3", 3}),
				ship("S2", LineQty{"L1", 14}, LineQty{"L2", 1}, LineQty{"L3", 7}),
			}},
		{name: "eur_tax_inclusive", order: gross,
			title: "Tax-inclusive prices: the tax is backed out of cumulative gross amounts, so every invoice's gross is what the customer saw.",
			steps: []step{
				ship("S1", LineQty{"L1", 5}, LineQty{"L3", 10}),
				ship("S2", LineQty{"L1", 7}, LineQty{"L2", 1}),
				ship("S3", LineQty{"L3", 20}),
			}},
		{name: "bhd_return_and_price_correction", order: bhd,
			title: "BHD (three decimals, half-even): a return, a price correction, then everything returned in pieces lands on zero.",
			steps: []step{
				ship("S1", LineQty{"L1", 25}, LineQty{"L2", 1}),
				ship("S2", LineQty{"L1", 15}, LineQty{"L2", 2}),
				{credit: &Correction{ID: "R1", ShipmentID: "S1", Reason: "5 cables damaged", Returns: []LineQty{{"L1", 5}}}},
				{credit: &Correction{ID: "C1", ShipmentID: "S2", Reason: "switch price agreed at 45.000"}, order: &bhdCorrected},
				{credit: &Correction{ID: "R2", ShipmentID: "S2", Reason: "returned", Returns: []LineQty{{"L1", 15}, {"L2", 2}}}, order: &bhdCorrected},
				{credit: &Correction{ID: "R3", ShipmentID: "S1", Reason: "returned", Returns: []LineQty{{"L1", 20}, {"L2", 1}}}, order: &bhdCorrected},
			}},
	}
}

func TestGolden(t *testing.T) {
	for _, gc := range goldenCases() {
		t.Run(gc.name, func(t *testing.T) {
			got := runGolden(t, gc)
			path := filepath.Join("testdata", gc.name+".golden")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGolden -update to write it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from what Bill and Credit give now; run with -update and review the diff.\ngot:\n%s", path, got)
			}
		})
	}
}

// runGolden runs a scenario, checks every document's invariants, and
// renders the order, every document and the checks as text.
func runGolden(t *testing.T, gc golden) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s\n\n", gc.title)
	renderOrder(&b, gc.order)
	o := gc.order
	var docs []Invoice
	shipments := 0
	for i, s := range gc.steps {
		if s.order != nil && (i == 0 || gc.steps[i-1].order != s.order) {
			o = *s.order
			fmt.Fprintf(&b, "\n## the order's pricing is corrected\n\n")
			renderOrder(&b, o)
		}
		var d Invoice
		var err error
		if s.ship != nil {
			d, err = Bill(o, docs, *s.ship)
			shipments++
		} else {
			d, err = Credit(o, docs, *s.credit)
		}
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		d.Number = fmt.Sprintf("%s-%02d", strings.TrimPrefix(o.ID, "O-"), i+1)
		checkDocument(t, o, d)
		docs = append(docs, d)
		b.WriteString("\n")
		renderDocument(&b, d)
	}
	billed, err := Billed(docs)
	if err != nil {
		t.Fatal(err)
	}
	total, err := Total(o, shipments)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "\n## check\n\n")
	fmt.Fprintf(&b, "order total, %d shipments:  %s\n", shipments, renderTotals(total, o.Currency))
	if gc.steps[len(gc.steps)-1].order != nil {
		b.WriteString("(the order total at its corrected pricing)\n")
	}
	fmt.Fprintf(&b, "net billed (Billed):        %s\n", renderTotals(billed, o.Currency))
	var credits bool
	for _, d := range docs {
		credits = credits || d.Kind == KindCreditNote
	}
	switch {
	case !credits && billed.Equal(total):
		b.WriteString("the invoices add up to the order total exactly\n")
	case credits && billed.Equal(Totals{}):
		b.WriteString("everything returned: the order's net billed total is exactly zero\n")
	default:
		t.Errorf("%s: billed %+v, total %+v", gc.name, billed, total)
		b.WriteString("MISMATCH\n")
	}
	return b.Bytes()
}

func amt(d decimal.Decimal, currency string) string {
	c, _ := LookupCurrency(currency)
	return fixed(d, c.MinorUnits)
}

func renderOrder(b *bytes.Buffer, o Order) {
	basis := "prices exclude tax"
	if o.TaxInclusive {
		basis = "prices include tax"
	}
	fmt.Fprintf(b, "order %s, %s, %s, tax rounded %v, rounding %v\n", o.ID, o.Currency, basis, o.TaxRounding, o.Rounding)
	w := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	for _, l := range o.Lines {
		disc := ""
		switch {
		case !l.DiscountPercent.IsZero():
			disc = "-" + exact(l.DiscountPercent) + "%"
		case !l.DiscountAmount.IsZero():
			disc = "-" + exact(l.DiscountAmount) + "/unit"
		}
		fmt.Fprintf(w, "  line %s\t%s\tqty %d\tunit %s\t%s\ttax %s %s%%\n", l.ID, l.SKU, l.Qty, exact(l.UnitPrice), disc, l.TaxCategory, exact(l.TaxPercent))
	}
	for _, c := range o.Charges {
		what := exact(c.Percent) + "% of goods"
		tax := "taxed like the goods"
		if c.Percent.IsZero() {
			what = amt(c.Amount, o.Currency)
			tax = fmt.Sprintf("tax %s %s%%", c.TaxCategory, exact(c.TaxPercent))
		}
		fmt.Fprintf(w, "  charge %s\t%v\t%s\t%v\t\t%s\n", c.ID, c.Kind, what, c.Apply, tax)
	}
	w.Flush()
}

func renderDocument(b *bytes.Buffer, d Invoice) {
	if d.Kind == KindInvoice {
		fmt.Fprintf(b, "## invoice %s for shipment %s\n\n", d.Number, d.ShipmentID)
	} else {
		fmt.Fprintf(b, "## credit note %s (%s) corrects invoice %s, shipment %s: %s\n\n", d.Number, d.CreditID, d.Corrects, d.ShipmentID, d.Reason)
	}
	w := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "  line\tsku\tqty\tunit\tdiscount\ttax group\tnet\ttax\n")
	for _, l := range d.Lines {
		disc := ""
		switch {
		case !l.DiscountPercent.IsZero():
			disc = exact(l.DiscountPercent) + "%"
		case !l.DiscountAmount.IsZero():
			disc = exact(l.DiscountAmount) + "/unit"
		}
		fmt.Fprintf(w, "  %s\t%s\t%d\t%s\t%s\t%s %s%%\t%s\t%s\n", l.LineID, l.SKU, l.Qty, exact(l.UnitPrice), disc,
			l.TaxCategory, exact(l.TaxPercent), amt(l.Net, d.Currency), amt(l.Tax, d.Currency))
	}
	for _, c := range d.Charges {
		what := fmt.Sprintf("%v %v", c.Kind, c.Apply)
		if !c.Percent.IsZero() {
			what = fmt.Sprintf("%v %s%% %v", c.Kind, exact(c.Percent), c.Apply)
		}
		sign := "+"
		if c.Kind.Allowance() {
			sign = "-"
		}
		fmt.Fprintf(w, "  %s %s\t%s\t\t\t\t%s %s%%\t%s\t%s\n", sign, c.ChargeID, what,
			c.TaxCategory, exact(c.TaxPercent), amt(c.Net, d.Currency), amt(c.Tax, d.Currency))
	}
	w.Flush()
	b.WriteString("\n")
	w = tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "  tax group\tbase\ttax\n")
	for _, x := range d.Taxes {
		fmt.Fprintf(w, "  %s %s%%\t%s\t%s\n", x.TaxCategory, exact(x.TaxPercent), amt(x.Base, d.Currency), amt(x.Tax, d.Currency))
	}
	w.Flush()
	fmt.Fprintf(b, "  %s\n", renderTotals(d.Totals, d.Currency))
}

func renderTotals(t Totals, currency string) string {
	return fmt.Sprintf("goods %s + charges %s - allowances %s = subtotal %s + tax %s = total %s %s",
		amt(t.Goods, currency), amt(t.ChargeTotal, currency), amt(t.AllowanceTotal, currency),
		amt(t.Subtotal, currency), amt(t.TaxTotal, currency), amt(t.Total, currency), currency)
}
