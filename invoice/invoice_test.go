package invoice

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// ok returns a function that fails the test on an error: ok(t)(Bill(…)).
func ok(t *testing.T) func(Invoice, error) Invoice {
	return func(inv Invoice, err error) Invoice {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return inv
	}
}

func requireEqual(t *testing.T, what string, got, want decimal.Decimal) {
	t.Helper()
	if !got.Equal(want) {
		t.Fatalf("%s = %s, want %s", what, exact(got), exact(want))
	}
}

// requireBilled checks that docs bill net what Total gives for o.
func requireBilled(t *testing.T, docs []Invoice, o Order, shipments int) {
	t.Helper()
	b, err := Billed(docs)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Total(o, shipments)
	if err != nil {
		t.Fatal(err)
	}
	if !b.Equal(want) {
		t.Fatalf("billed %+v, the order's total is %+v", b, want)
	}
}

func TestPriceCorrection(t *testing.T) {
	o := okOrder()
	docs := []Invoice{ok(t)(Bill(o, nil, Shipment{ID: "S1", Lines: []LineQty{{"L1", 4}}}))}

	corrected := okOrder()
	corrected.Lines[0].UnitPrice = dec("1.25")
	_, err := Bill(corrected, docs, Shipment{ID: "S2", Lines: []LineQty{{"L1", 6}}})
	if !errors.Is(err, ErrPriceChanged) {
		t.Fatalf("billing at a changed price gave %v, want ErrPriceChanged", err)
	}

	cn := ok(t)(Credit(corrected, docs, Correction{ID: "C1", ShipmentID: "S1", Reason: "agreed price"}))
	if len(cn.Lines) != 1 || cn.Lines[0].Qty != 0 {
		t.Fatalf("credit note lines %+v, want one re-priced line with Qty 0", cn.Lines)
	}
	// 4 × (1.50 − 1.25) = 1.00 net, 0.21 tax; the 10 % discount shrinks by 0.10.
	requireEqual(t, "credited net", cn.Lines[0].Net, dec("1.00"))
	requireEqual(t, "credited tax", cn.Lines[0].Tax, dec("0.21"))
	requireEqual(t, "credited gross", cn.Lines[0].Gross(), dec("1.21"))
	docs = append(docs, cn)

	docs = append(docs, ok(t)(Bill(corrected, docs, Shipment{ID: "S2", Lines: []LineQty{{"L1", 6}, {"L2", 5}}})))
	requireBilled(t, docs, corrected, 2)
}

func TestTaxRateCorrection(t *testing.T) {
	o := okOrder()
	o.Charges = nil
	docs := []Invoice{ok(t)(Bill(o, nil, okShipment()))}
	corrected := okOrder()
	corrected.Charges = nil
	corrected.Lines[1].TaxPercent, corrected.Lines[1].TaxCategory = dec("9"), "AA"
	cn := ok(t)(Credit(corrected, docs, Correction{ID: "C1", ShipmentID: "S1", Reason: "wrong VAT rate"}))
	// L2 is reversed in its old group and billed again, as a negative
	// credit, in the new one.
	if len(cn.Lines) != 2 {
		t.Fatalf("credit note lines %+v, want L2 twice", cn.Lines)
	}
	for _, l := range cn.Lines {
		switch l.TaxCategory {
		case "S":
			requireEqual(t, "reversed net", l.Net, dec("2.00"))
			requireEqual(t, "reversed tax", l.Tax, dec("0.42"))
		case "AA":
			requireEqual(t, "re-billed net", l.Net, dec("-2.00"))
			requireEqual(t, "re-billed tax", l.Tax, dec("-0.18"))
		default:
			t.Fatalf("unexpected line %+v", l)
		}
	}
	requireEqual(t, "credit", cn.Total, dec("0.24"))
	docs = append(docs, cn)
	docs = append(docs, ok(t)(Bill(corrected, docs, Shipment{ID: "S2", Lines: []LineQty{{"L1", 6}}})))
	requireBilled(t, docs, corrected, 2)
}

func TestPerShipmentChargesAndRefunds(t *testing.T) {
	o := Order{ID: "O", Currency: "USD", Lines: []Line{{ID: "L1", SKU: "A", Qty: 10, UnitPrice: dec("10")}},
		Charges: []Charge{
			{ID: "FREIGHT", Kind: Freight, Amount: dec("20"), Apply: FirstShipment},
			{ID: "HANDLING", Kind: Handling, Amount: dec("3"), Apply: EveryShipment},
		}}
	var docs []Invoice
	for i, q := range []int64{2, 3, 5} {
		inv := ok(t)(Bill(o, docs, Shipment{ID: []string{"S1", "S2", "S3"}[i], Lines: []LineQty{{"L1", q}}}))
		want := decimal.New(q*10+3, 0)
		if i == 0 {
			want = want.Add(dec("20"))
		}
		requireEqual(t, "invoice total", inv.Total, want)
		docs = append(docs, inv)
	}
	requireBilled(t, docs, o, 3)
	tot1, _ := Total(o, 1)
	tot3, _ := Total(o, 3)
	requireEqual(t, "two more shipments cost", tot3.Total.Sub(tot1.Total), dec("6"))

	// A partial return of S2 refunds goods only; returning the rest of S2
	// refunds its handling too; the freight comes back with the last goods.
	r := ok(t)(Credit(o, docs, Correction{ID: "R1", ShipmentID: "S2", Returns: []LineQty{{"L1", 1}}}))
	requireEqual(t, "partial return", r.Total, dec("10"))
	docs = append(docs, r)
	r = ok(t)(Credit(o, docs, Correction{ID: "R2", ShipmentID: "S2", Returns: []LineQty{{"L1", 2}}}))
	requireEqual(t, "rest of S2", r.Total, dec("23"))
	docs = append(docs, r)
	r = ok(t)(Credit(o, docs, Correction{ID: "R3", ShipmentID: "S1", Returns: []LineQty{{"L1", 2}}}))
	requireEqual(t, "all of S1", r.Total, dec("23"))
	docs = append(docs, r)
	r = ok(t)(Credit(o, docs, Correction{ID: "R4", ShipmentID: "S3", Returns: []LineQty{{"L1", 5}}}))
	requireEqual(t, "the last goods", r.Total, dec("73"))
	docs = append(docs, r)
	b, _ := Billed(docs)
	requireEqual(t, "net billed", b.Total, decimal.Zero)
}

func TestFreeGoodsProrateByQuantity(t *testing.T) {
	o := Order{ID: "O", Currency: "EUR", Lines: []Line{
		{ID: "L1", SKU: "SAMPLE-A", Qty: 1},
		{ID: "L2", SKU: "SAMPLE-B", Qty: 2},
	}, Charges: []Charge{{ID: "F", Kind: Freight, Amount: dec("10")}}}
	inv := ok(t)(Bill(o, nil, Shipment{ID: "S1", Lines: []LineQty{{"L1", 1}}}))
	requireEqual(t, "freight for 1 of 3 units", inv.ChargeTotal, dec("3.33"))
	inv2 := ok(t)(Bill(o, []Invoice{inv}, Shipment{ID: "S2", Lines: []LineQty{{"L2", 2}}}))
	requireEqual(t, "the rest", inv2.ChargeTotal, dec("6.67"))
}

func TestCancelledBackorderRespreadsCharges(t *testing.T) {
	o := okOrder()
	docs := []Invoice{ok(t)(Bill(o, nil, Shipment{ID: "S1", Lines: []LineQty{{"L1", 5}}}))}
	// The rest of L2 is cancelled: the order now bills 5 of L1 and 1 of L2.
	o.Lines[1].Qty = 1
	inv := ok(t)(Bill(o, docs, Shipment{ID: "S2", Lines: []LineQty{{"L1", 5}, {"L2", 1}}}))
	docs = append(docs, inv)
	requireBilled(t, docs, o, 2)
	for _, c := range inv.Charges {
		if c.Net.Sign() < 0 {
			t.Fatalf("charge %+v went negative", c)
		}
	}
}

func TestRemovedChargeIsReversed(t *testing.T) {
	o := okOrder()
	docs := []Invoice{ok(t)(Bill(o, nil, Shipment{ID: "S1", Lines: []LineQty{{"L1", 5}}}))}
	o.Charges = o.Charges[1:] // no more freight
	inv := ok(t)(Bill(o, docs, Shipment{ID: "S2", Lines: []LineQty{{"L1", 5}, {"L2", 5}}}))
	var freight *ChargeLine
	for i := range inv.Charges {
		if inv.Charges[i].ChargeID == "FREIGHT" {
			freight = &inv.Charges[i]
		}
	}
	if freight == nil || freight.Net.Sign() >= 0 {
		t.Fatalf("the freight billed on S1 should be reversed on S2: %+v", inv.Charges)
	}
	requireBilled(t, append(docs, inv), o, 2)
}

func TestRoundingModes(t *testing.T) {
	for _, tc := range []struct {
		mode Rounding
		want string
	}{{HalfUp, "0.13"}, {HalfEven, "0.12"}} {
		o := Order{ID: "O", Currency: "USD", Rounding: tc.mode, Lines: []Line{{ID: "L", SKU: "X", Qty: 1, UnitPrice: dec("0.125")}}}
		inv := ok(t)(Bill(o, nil, Shipment{ID: "S", Lines: []LineQty{{"L", 1}}}))
		requireEqual(t, tc.mode.String(), inv.Total, dec(tc.want))
	}
}

func TestPriorOrderDoesNotMatter(t *testing.T) {
	o := okOrder()
	var docs []Invoice
	docs = append(docs, ok(t)(Bill(o, docs, Shipment{ID: "S1", Lines: []LineQty{{"L1", 3}, {"L2", 1}}})))
	docs = append(docs, ok(t)(Bill(o, docs, Shipment{ID: "S2", Lines: []LineQty{{"L1", 3}}})))
	docs = append(docs, ok(t)(Credit(o, docs, Correction{ID: "R1", ShipmentID: "S1", Returns: []LineQty{{"L1", 1}}})))
	next := Shipment{ID: "S3", Lines: []LineQty{{"L1", 4}, {"L2", 4}}}
	a := ok(t)(Bill(o, docs, next))
	reversed := []Invoice{docs[2], docs[1], docs[0]}
	b := ok(t)(Bill(o, reversed, next))
	if !a.Totals.Equal(b.Totals) || len(a.Lines) != len(b.Lines) {
		t.Fatalf("the order of prior changed the invoice: %+v vs %+v", a.Totals, b.Totals)
	}
}

func TestCreditRefersToInvoiceNumber(t *testing.T) {
	o := okOrder()
	inv := ok(t)(Bill(o, nil, okShipment()))
	inv.Number = "INV-2026-0042"
	cn := ok(t)(Credit(o, []Invoice{inv}, Correction{ID: "R1", ShipmentID: "S1", Reason: "damaged", Returns: []LineQty{{"L2", 5}}}))
	if cn.Kind != KindCreditNote || cn.Corrects != "INV-2026-0042" || cn.CreditID != "R1" || cn.ShipmentID != "S1" || cn.Reason != "damaged" {
		t.Fatalf("credit note header %+v", cn)
	}
}

func TestHugeQuantitiesStayExact(t *testing.T) {
	o := Order{ID: "O", Currency: "KWD", Lines: []Line{
		{ID: "L", SKU: "GRAIN", Qty: math.MaxInt64, UnitPrice: dec("999999999999.999999"), TaxPercent: dec("5")},
	}, Charges: []Charge{{ID: "F", Kind: Freight, Amount: dec("123.4567")}}}
	var docs []Invoice
	docs = append(docs, ok(t)(Bill(o, docs, Shipment{ID: "S1", Lines: []LineQty{{"L", math.MaxInt64 / 3}}})))
	docs = append(docs, ok(t)(Bill(o, docs, Shipment{ID: "S2", Lines: []LineQty{{"L", math.MaxInt64 - math.MaxInt64/3}}})))
	requireBilled(t, docs, o, 2)
	want := dec("999999999999.999999").Mul(decimal.NewFromInt(math.MaxInt64)).Round(3)
	b, _ := Billed(docs)
	requireEqual(t, "goods", b.Goods, want)
}

func TestCurrencies(t *testing.T) {
	cs := Currencies()
	if len(cs) < 150 {
		t.Fatalf("only %d currencies", len(cs))
	}
	for i, c := range cs {
		if len(c.Code) != 3 || strings.ToUpper(c.Code) != c.Code {
			t.Errorf("code %q", c.Code)
		}
		if i > 0 && cs[i-1].Code >= c.Code {
			t.Errorf("table not sorted or not unique at %s", c.Code)
		}
		if c.MinorUnits < 0 || c.MinorUnits > 4 {
			t.Errorf("%s has %d minor units", c.Code, c.MinorUnits)
		}
		if got, err := LookupCurrency(c.Code); err != nil || got != c {
			t.Errorf("LookupCurrency(%s) = %v, %v", c.Code, got, err)
		}
	}
	for code, want := range map[string]int32{"JPY": 0, "KRW": 0, "USD": 2, "EUR": 2, "KWD": 3, "BHD": 3, "TND": 3, "CLF": 4, "UYW": 4, "XCG": 2, "ZWG": 2, "SLE": 2, "VED": 2} {
		if c, err := LookupCurrency(code); err != nil || c.MinorUnits != want {
			t.Errorf("%s: %v, %v; want %d minor units", code, c, err, want)
		}
	}
	for _, code := range []string{"BGN", "HRK", "ANG", "CUC", "SLL", "ZWL", "XAU", "XDR", "usd", "", "EURO"} {
		if _, err := LookupCurrency(code); !errors.Is(err, ErrUnknownCurrency) {
			t.Errorf("LookupCurrency(%q) = %v, want ErrUnknownCurrency", code, err)
		}
	}
	cs[0].Code = "ZZZ" // the caller owns the slice
	if Currencies()[0].Code == "ZZZ" {
		t.Error("Currencies shares its table")
	}
}

func TestEnumsText(t *testing.T) {
	for _, v := range []interface {
		MarshalText() ([]byte, error)
		String() string
	}{KindInvoice, KindCreditNote, Freight, Handling, OtherCharge, Discount, Prorated, FirstShipment, EveryShipment, PerLine, PerInvoice, HalfUp, HalfEven} {
		b, err := v.MarshalText()
		if err != nil || string(b) != v.String() {
			t.Errorf("%v: %s, %v", v, b, err)
		}
	}
	if _, err := ChargeKind(0).MarshalText(); err == nil {
		t.Error("ChargeKind(0) marshals")
	}
	if s := Kind(9).String(); s != "Kind(9)" {
		t.Errorf("Kind(9) is %q", s)
	}
	var a Apply
	if err := a.UnmarshalText([]byte("every_shipment")); err != nil || a != EveryShipment {
		t.Errorf("Apply %v, %v", a, err)
	}
	var r Rounding
	if err := r.UnmarshalText([]byte("half_even")); err != nil || r != HalfEven {
		t.Errorf("Rounding %v, %v", r, err)
	}
	var tr TaxRounding
	if err := tr.UnmarshalText([]byte("per_invoice")); err != nil || tr != PerInvoice {
		t.Errorf("TaxRounding %v, %v", tr, err)
	}
	if err := tr.UnmarshalText([]byte("sometimes")); err == nil {
		t.Error("unknown TaxRounding accepted")
	}
}

func TestErrorTexts(t *testing.T) {
	ve := &ValidationError{Field: "Lines[0].Qty", Reason: "must be > 0, is 0"}
	if ve.Error() != "invoice: Lines[0].Qty: must be > 0, is 0" {
		t.Errorf("%q", ve.Error())
	}
	me := &MismatchError{Field: "prior[1].Currency", Want: "EUR", Got: "USD"}
	if me.Error() != "invoice: prior[1].Currency: currency mismatch: want EUR, got USD" || !errors.Is(me, ErrInvalid) {
		t.Errorf("%q", me.Error())
	}
}
