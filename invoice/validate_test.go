package invoice

import (
	"errors"
	"math"
	"testing"

	"github.com/shopspring/decimal"
)

// okOrder is a valid order: every bad-input case changes one thing.
func okOrder() Order {
	return Order{ID: "O-1", Currency: "EUR", Lines: []Line{
		{ID: "L1", SKU: "BOLT", Qty: 10, UnitPrice: dec("1.50"), TaxPercent: dec("21"), TaxCategory: "S"},
		{ID: "L2", SKU: "NUT", Qty: 5, UnitPrice: dec("0.40"), TaxPercent: dec("21"), TaxCategory: "S"},
	}, Charges: []Charge{
		{ID: "FREIGHT", Kind: Freight, Amount: dec("5"), TaxPercent: dec("21"), TaxCategory: "S"},
		{ID: "DISC", Kind: Discount, Percent: dec("10")},
	}}
}

func okShipment() Shipment { return Shipment{ID: "S1", Lines: []LineQty{{"L1", 4}, {"L2", 5}}} }

// billed returns the order's first invoice, for cases about prior.
func billed(t *testing.T) []Invoice {
	t.Helper()
	inv, err := Bill(okOrder(), nil, okShipment())
	if err != nil {
		t.Fatal(err)
	}
	return []Invoice{inv}
}

func TestBadInput(t *testing.T) {
	with := func(f func(o *Order)) Order { o := okOrder(); f(&o); return o }
	bill := func(f func(o *Order)) func(*testing.T) error {
		return func(*testing.T) error { _, err := Bill(with(f), nil, okShipment()); return err }
	}
	ship := func(s Shipment) func(*testing.T) error {
		return func(t *testing.T) error { _, err := Bill(okOrder(), billed(t), s); return err }
	}
	prior := func(f func(p []Invoice) []Invoice) func(*testing.T) error {
		return func(t *testing.T) error {
			_, err := Bill(okOrder(), f(billed(t)), Shipment{ID: "S2", Lines: []LineQty{{"L1", 1}}})
			return err
		}
	}
	credit := func(o Order, r Correction) func(*testing.T) error {
		return func(t *testing.T) error { _, err := Credit(o, billed(t), r); return err }
	}
	for _, tc := range []struct {
		name     string
		run      func(*testing.T) error
		field    string // the ValidationError's Field, or the MismatchError's
		sentinel error  // a more specific sentinel, if any
		mismatch bool
	}{
		{"unknown currency", bill(func(o *Order) { o.Currency = "XYZ" }), "Currency", ErrUnknownCurrency, false},
		{"lower-case currency", bill(func(o *Order) { o.Currency = "eur" }), "Currency", ErrUnknownCurrency, false},
		{"withdrawn currency", bill(func(o *Order) { o.Currency = "HRK" }), "Currency", ErrUnknownCurrency, false},
		{"currency without minor unit", bill(func(o *Order) { o.Currency = "XAU" }), "Currency", ErrUnknownCurrency, false},
		{"empty order id", bill(func(o *Order) { o.ID = "" }), "ID", nil, false},
		{"no lines", bill(func(o *Order) { o.Lines = nil }), "Lines", nil, false},
		{"empty line id", bill(func(o *Order) { o.Lines[0].ID = "" }), "Lines[0].ID", nil, false},
		{"duplicate line id", bill(func(o *Order) { o.Lines[1].ID = "L1" }), "Lines[1].ID", nil, false},
		{"empty sku", bill(func(o *Order) { o.Lines[0].SKU = "" }), "Lines[0].SKU", nil, false},
		{"zero quantity", bill(func(o *Order) { o.Lines[1].Qty = 0 }), "Lines[1].Qty", nil, false},
		{"negative quantity", bill(func(o *Order) { o.Lines[1].Qty = -3 }), "Lines[1].Qty", nil, false},
		{"negative price", bill(func(o *Order) { o.Lines[0].UnitPrice = dec("-1.50") }), "Lines[0].UnitPrice", nil, false},
		{"price with 30 places", bill(func(o *Order) { o.Lines[0].UnitPrice = decimal.New(1, -30) }), "Lines[0].UnitPrice", nil, false},
		{"price exponent −2e9", bill(func(o *Order) { o.Lines[0].UnitPrice = decimal.New(1, -2_000_000_000) }), "Lines[0].UnitPrice", nil, false},
		{"price exponent +2e9", bill(func(o *Order) { o.Lines[0].UnitPrice = decimal.New(1, 2_000_000_000) }), "Lines[0].UnitPrice", nil, false},
		{"price above 1e18", bill(func(o *Order) { o.Lines[0].UnitPrice = dec("1000000000000000000.01") }), "Lines[0].UnitPrice", nil, false},
		{"discount above 100 %", bill(func(o *Order) { o.Lines[0].DiscountPercent = dec("100.01") }), "Lines[0].DiscountPercent", nil, false},
		{"negative discount", bill(func(o *Order) { o.Lines[0].DiscountPercent = dec("-5") }), "Lines[0].DiscountPercent", nil, false},
		{"both discounts", bill(func(o *Order) { o.Lines[0].DiscountPercent, o.Lines[0].DiscountAmount = dec("5"), dec("0.1") }), "Lines[0].DiscountAmount", nil, false},
		{"discount amount above price", bill(func(o *Order) { o.Lines[0].DiscountAmount = dec("1.51") }), "Lines[0].DiscountAmount", nil, false},
		{"tax above 100 %", bill(func(o *Order) { o.Lines[1].TaxPercent = dec("101") }), "Lines[1].TaxPercent", nil, false},
		{"negative tax", bill(func(o *Order) { o.Lines[1].TaxPercent = dec("-1") }), "Lines[1].TaxPercent", nil, false},
		{"per-invoice tax with gross prices", bill(func(o *Order) { o.TaxInclusive, o.TaxRounding = true, PerInvoice }), "TaxRounding", nil, false},
		{"unknown tax rounding", bill(func(o *Order) { o.TaxRounding = 7 }), "TaxRounding", nil, false},
		{"unknown rounding", bill(func(o *Order) { o.Rounding = 7 }), "Rounding", nil, false},
		{"empty charge id", bill(func(o *Order) { o.Charges[1].ID = "" }), "Charges[1].ID", nil, false},
		{"duplicate charge id", bill(func(o *Order) { o.Charges[1].ID = "FREIGHT" }), "Charges[1].ID", nil, false},
		{"charge without kind", bill(func(o *Order) { o.Charges[0].Kind = 0 }), "Charges[0].Kind", nil, false},
		{"unknown apply", bill(func(o *Order) { o.Charges[0].Apply = 9 }), "Charges[0].Apply", nil, false},
		{"negative charge", bill(func(o *Order) { o.Charges[0].Amount = dec("-5") }), "Charges[0].Amount", nil, false},
		{"amount and percent", bill(func(o *Order) { o.Charges[1].Amount = dec("1") }), "Charges[1].Percent", nil, false},
		{"order discount above 100 %", bill(func(o *Order) { o.Charges[1].Percent = dec("120") }), "Charges[1].Percent", nil, false},
		{"percent charge with its own tax", bill(func(o *Order) { o.Charges[1].TaxPercent = dec("21") }), "Charges[1].TaxPercent", nil, false},

		{"empty shipment id", ship(Shipment{Lines: []LineQty{{"L1", 1}}}), "Shipment.ID", nil, false},
		{"shipment already invoiced", ship(okShipment()), "Shipment.ID", ErrAlreadyInvoiced, false},
		{"empty shipment", ship(Shipment{ID: "S2"}), "Shipment.Lines", nil, false},
		{"unknown line in shipment", ship(Shipment{ID: "S2", Lines: []LineQty{{"L9", 1}}}), "Shipment.Lines[0].LineID", nil, false},
		{"line twice in shipment", ship(Shipment{ID: "S2", Lines: []LineQty{{"L1", 1}, {"L1", 1}}}), "Shipment.Lines[1].LineID", nil, false},
		{"zero shipped", ship(Shipment{ID: "S2", Lines: []LineQty{{"L1", 0}}}), "Shipment.Lines[0].Qty", nil, false},
		{"negative shipped", ship(Shipment{ID: "S2", Lines: []LineQty{{"L1", -1}}}), "Shipment.Lines[0].Qty", nil, false},
		{"more than ordered minus invoiced", ship(Shipment{ID: "S2", Lines: []LineQty{{"L1", 7}}}), "Shipment.Lines[0].Qty", nil, false},
		{"near max int64", ship(Shipment{ID: "S2", Lines: []LineQty{{"L1", math.MaxInt64}}}), "Shipment.Lines[0].Qty", nil, false},

		{"currency mismatch", prior(func(p []Invoice) []Invoice { p[0].Currency = "USD"; return p }), "prior[0].Currency", nil, true},
		{"another order's invoice", prior(func(p []Invoice) []Invoice { p[0].OrderID = "O-2"; return p }), "prior[0].OrderID", nil, false},
		{"rounding changed after billing", prior(func(p []Invoice) []Invoice { p[0].TaxRounding = PerInvoice; return p }), "prior[0].TaxRounding", nil, false},
		{"unknown document kind", prior(func(p []Invoice) []Invoice { p[0].Kind = 5; return p }), "prior[0].Kind", nil, false},
		{"unknown line in an invoice", prior(func(p []Invoice) []Invoice { p[0].Lines[0].LineID = "L9"; return p }), "prior[0].Lines[0].LineID", nil, false},
		{"line twice in an invoice", prior(func(p []Invoice) []Invoice { p[0].Lines[1].LineID = "L1"; return p }), "prior[0].Lines[1].LineID", nil, false},
		{"negative quantity in an invoice", prior(func(p []Invoice) []Invoice { p[0].Lines[0].Qty = -1; return p }), "prior[0].Lines[0].Qty", nil, false},
		{"absurd amount in an invoice", prior(func(p []Invoice) []Invoice { p[0].Lines[0].Net = decimal.New(1, -5000); return p }), "prior[0].Lines[0].Net", nil, false},
		{"shipment invoiced twice", prior(func(p []Invoice) []Invoice { return append(p, p[0]) }), "prior[1].ShipmentID", ErrAlreadyInvoiced, false},
		{"credit note for no invoice", prior(func(p []Invoice) []Invoice {
			return append(p, Invoice{Kind: KindCreditNote, OrderID: "O-1", Currency: "EUR", ShipmentID: "S9", CreditID: "R1"})
		}), "prior[1].ShipmentID", nil, false},
		{"credit note without id", prior(func(p []Invoice) []Invoice {
			return append(p, Invoice{Kind: KindCreditNote, OrderID: "O-1", Currency: "EUR", ShipmentID: "S1"})
		}), "prior[1].CreditID", nil, false},
		{"invoiced more than the order has", func(t *testing.T) error {
			o := okOrder()
			o.Lines[0].Qty = 3
			_, err := Bill(o, billed(t), Shipment{ID: "S2", Lines: []LineQty{{"L2", 1}}})
			return err
		}, "Lines[0].Qty", nil, false},
		{"price changed after billing", func(t *testing.T) error {
			o := okOrder()
			o.Lines[0].UnitPrice = dec("1.40")
			_, err := Bill(o, billed(t), Shipment{ID: "S2", Lines: []LineQty{{"L1", 1}}})
			return err
		}, "Lines[0]", ErrPriceChanged, false},

		{"empty correction id", credit(okOrder(), Correction{ShipmentID: "S1", Returns: []LineQty{{"L1", 1}}}), "Correction.ID", nil, false},
		{"correction of no invoice", credit(okOrder(), Correction{ID: "R1", ShipmentID: "S9", Returns: []LineQty{{"L1", 1}}}), "Correction.ShipmentID", nil, false},
		{"return of an unknown line", credit(okOrder(), Correction{ID: "R1", ShipmentID: "S1", Returns: []LineQty{{"L9", 1}}}), "Correction.Returns[0].LineID", nil, false},
		{"return of nothing", credit(okOrder(), Correction{ID: "R1", ShipmentID: "S1", Returns: []LineQty{{"L1", 0}}}), "Correction.Returns[0].Qty", nil, false},
		{"return of more than invoiced", credit(okOrder(), Correction{ID: "R1", ShipmentID: "S1", Returns: []LineQty{{"L1", 5}}}), "Correction.Returns[0].Qty", nil, false},
		{"line returned twice", credit(okOrder(), Correction{ID: "R1", ShipmentID: "S1", Returns: []LineQty{{"L1", 1}, {"L1", 1}}}), "Correction.Returns[1].LineID", nil, false},
		{"nothing to correct", credit(okOrder(), Correction{ID: "C1", ShipmentID: "S1"}), "Correction", nil, false},
		{"correction upwards", credit(with(func(o *Order) { o.Lines[0].UnitPrice = dec("2") }), Correction{ID: "C1", ShipmentID: "S1"}), "Correction", nil, false},
		{"credit id reused", func(t *testing.T) error {
			p := billed(t)
			cn, err := Credit(okOrder(), p, Correction{ID: "R1", ShipmentID: "S1", Returns: []LineQty{{"L1", 1}}})
			if err != nil {
				t.Fatal(err)
			}
			_, err = Credit(okOrder(), append(p, cn), Correction{ID: "R1", ShipmentID: "S1", Returns: []LineQty{{"L1", 1}}})
			return err
		}, "Correction.ID", ErrAlreadyInvoiced, false},
		{"returned more than invoiced, in earlier credit notes", func(t *testing.T) error {
			p := billed(t)
			cn, err := Credit(okOrder(), p, Correction{ID: "R1", ShipmentID: "S1", Returns: []LineQty{{"L1", 3}}})
			if err != nil {
				t.Fatal(err)
			}
			cn.Lines[0].Qty = 5
			_, err = Bill(okOrder(), append(p, cn), Shipment{ID: "S2", Lines: []LineQty{{"L1", 1}}})
			return err
		}, "prior[1].Lines[0].Qty", nil, false},

		{"total of no shipments", func(*testing.T) error { _, err := Total(okOrder(), 0); return err }, "shipments", nil, false},
		{"billed in two currencies", func(t *testing.T) error {
			p := billed(t)
			q := p[0]
			q.Currency = "USD"
			_, err := Billed(append(p, q))
			return err
		}, "docs[1].Currency", nil, true},
		{"lookup of an unknown currency", func(*testing.T) error { _, err := LookupCurrency("ZZZ"); return err }, "Currency", ErrUnknownCurrency, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run(t)
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("%v does not match ErrInvalid", err)
			}
			if tc.sentinel != nil && !errors.Is(err, tc.sentinel) {
				t.Errorf("%v does not match %v", err, tc.sentinel)
			}
			var field string
			var ve *ValidationError
			var me *MismatchError
			switch {
			case tc.mismatch && errors.As(err, &me):
				field = me.Field
			case !tc.mismatch && errors.As(err, &ve):
				field = ve.Field
				if ve.Reason == "" {
					t.Errorf("%v has no reason", err)
				}
			default:
				t.Fatalf("%T %v is not the expected error type", err, err)
			}
			if field != tc.field {
				t.Errorf("error %q names field %q, want %q", err, field, tc.field)
			}
		})
	}
}
