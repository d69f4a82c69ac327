package invoice

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// TestDecimalSettingsDoNotMove changes the decimal package's process-wide
// settings and shows that no amount and no byte of JSON moves. It changes
// global state, so it must not run in parallel with other tests (it does
// not call t.Parallel, and no test here does).
func TestDecimalSettingsDoNotMove(t *testing.T) {
	run := func() (amounts []string, js []string) {
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
					t.Fatalf("%s step %d: %v", gc.name, i, err)
				}
				docs = append(docs, d)
				b, err := json.Marshal(d)
				if err != nil {
					t.Fatal(err)
				}
				js = append(js, string(b))
				for _, l := range d.Lines {
					amounts = append(amounts, l.Net.StringFixed(4), l.Tax.StringFixed(4))
				}
				for _, c := range d.Charges {
					amounts = append(amounts, c.Net.StringFixed(4), c.Tax.StringFixed(4))
				}
				amounts = append(amounts, d.Subtotal.StringFixed(4), d.TaxTotal.StringFixed(4), d.Total.StringFixed(4))
			}
			tot, err := Total(o, 3)
			if err != nil {
				t.Fatal(err)
			}
			amounts = append(amounts, tot.Total.StringFixed(4))
		}
		return amounts, js
	}
	wantAmounts, wantJSON := run()

	divPrec, noQuotes := decimal.DivisionPrecision, decimal.MarshalJSONWithoutQuotes
	trim, sci := decimal.TrimTrailingZeros, decimal.UseScientificNotation
	t.Cleanup(func() {
		decimal.DivisionPrecision, decimal.MarshalJSONWithoutQuotes = divPrec, noQuotes
		decimal.TrimTrailingZeros, decimal.UseScientificNotation = trim, sci
	})
	// The settings a host might choose; each would change decimal's own
	// results.
	before := decimal.New(2, 0).Div(decimal.New(3, 0)).String()
	beforeJSON, _ := json.Marshal(decimal.New(15, -1))
	decimal.DivisionPrecision = 2
	decimal.MarshalJSONWithoutQuotes = true
	decimal.TrimTrailingZeros = false
	decimal.UseScientificNotation = true
	if after := decimal.New(2, 0).Div(decimal.New(3, 0)).String(); after == before {
		t.Fatalf("DivisionPrecision did not change Div (%s): the test has no teeth", after)
	}
	if afterJSON, _ := json.Marshal(decimal.New(15, -1)); string(afterJSON) == string(beforeJSON) {
		t.Fatalf("MarshalJSONWithoutQuotes did not change decimal's JSON (%s)", afterJSON)
	}

	gotAmounts, gotJSON := run()
	if strings.Join(gotAmounts, " ") != strings.Join(wantAmounts, " ") {
		t.Errorf("amounts moved with the decimal settings:\n got %v\nwant %v", gotAmounts, wantAmounts)
	}
	for i := range wantJSON {
		if gotJSON[i] != wantJSON[i] {
			t.Errorf("JSON moved with the decimal settings:\n got %s\nwant %s", gotJSON[i], wantJSON[i])
		}
	}
}
