package invoice

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestJSONRoundTrip(t *testing.T) {
	for _, gc := range goldenCases() {
		o := gc.order
		var docs []Invoice
		for i, s := range gc.steps {
			if s.order != nil {
				o = *s.order
			}
			var d Invoice
			var err error
			if s.ship != nil {
				d, err = Bill(o, docs, *s.ship)
			} else {
				d, err = Credit(o, docs, *s.credit)
			}
			if err != nil {
				t.Fatal(err)
			}
			d.Number = "N-" + d.ShipmentID
			if i == 0 {
				d.IssuedAt = time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
			}
			docs = append(docs, d)
			b, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			var back Invoice
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("%s: %v", b, err)
			}
			b2, err := json.Marshal(back)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != string(b2) {
				t.Fatalf("JSON does not round-trip:\n%s\n%s", b, b2)
			}
			if !back.Totals.Equal(d.Totals) || !back.IssuedAt.Equal(d.IssuedAt) || back.Number != d.Number ||
				back.Kind != d.Kind || len(back.Lines) != len(d.Lines) || len(back.Charges) != len(d.Charges) {
				t.Fatalf("read back %+v, wrote %+v", back, d)
			}
			for j := range d.Lines {
				if !back.Lines[j].Net.Equal(d.Lines[j].Net) || !back.Lines[j].UnitPrice.Equal(d.Lines[j].UnitPrice) {
					t.Fatalf("line %d read back as %+v, wrote %+v", j, back.Lines[j], d.Lines[j])
				}
			}
			// The documents read back bill the next shipment just as well.
			docs[len(docs)-1] = back
		}
	}
}

// TestJSONForm pins the field names and the form of amounts: strings with
// the currency's minor units.
func TestJSONForm(t *testing.T) {
	o := Order{ID: "O-9", Currency: "JPY", Lines: []Line{
		{ID: "L1", SKU: "TEA", Qty: 3, UnitPrice: dec("500"), TaxPercent: dec("8"), TaxCategory: "AA"},
	}}
	inv, err := Bill(o, nil, Shipment{ID: "S1", Lines: []LineQty{{"L1", 3}}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(inv)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"kind": "invoice", "order_id": "O-9", "shipment_id": "S1", "currency": "JPY",
		"tax_inclusive": false, "tax_rounding": "per_line", "rounding": "half_up",
		"goods": "1500", "charge_total": "0", "allowance_total": "0", "subtotal": "1500", "tax_total": "120", "total": "1620",
		"charges": []any{},
		"lines": []any{map[string]any{"line_id": "L1", "sku": "TEA", "qty": float64(3), "unit_price": "500",
			"discount_percent": "0", "discount_amount": "0", "tax_percent": "8", "tax_category": "AA", "net": "1500", "tax": "120"}},
		"taxes": []any{map[string]any{"tax_category": "AA", "tax_percent": "8", "base": "1500", "tax": "120"}},
	}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("JSON is\n%s\nwant the fields of\n%v", b, want)
	}
	if strings.Contains(string(b), "number") || strings.Contains(string(b), "issued_at") {
		t.Errorf("unset Number and IssuedAt should be left out: %s", b)
	}
}

func TestJSONRejects(t *testing.T) {
	for _, s := range []string{
		`{"kind":"bill"}`,
		`{"kind":"invoice","total":"twelve"}`,
		`{"kind":"invoice","lines":[{"net":"1.2.3"}]}`,
		`{"kind":"invoice","charges":[{"kind":"tip"}]}`,
		`[]`,
	} {
		var inv Invoice
		if err := json.Unmarshal([]byte(s), &inv); err == nil {
			t.Errorf("%s was accepted: %+v", s, inv)
		}
	}
}
