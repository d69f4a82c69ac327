package invoice

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/shopspring/decimal"
)

// wildDecimal draws any decimal a caller could build: any coefficient, any
// exponent of an int32.
func wildDecimal(g *gen) decimal.Decimal {
	switch g.n(5) {
	case 0:
		return decimal.New(int64(g.u64()), int32(g.u64()))
	case 1:
		return decimal.New(int64(g.u64()), int32(g.n(61)-30))
	case 2:
		return decimal.New(-int64(g.upto(1000)), -int32(g.n(4)))
	case 3:
		return decimal.Decimal{}
	}
	return decimal.New(int64(g.upto(1e6)), -int32(g.n(4)))
}

func wildInt(g *gen) int64 {
	switch g.n(4) {
	case 0:
		return math.MaxInt64 - int64(g.n(3))
	case 1:
		return math.MinInt64 + int64(g.n(3))
	case 2:
		return int64(g.u64())
	}
	return int64(g.n(21)) - 10
}

// mutate breaks one field of the order, the documents or the requests.
func mutate(g *gen, o *Order, docs []Invoice, s *Shipment, r *Correction) []Invoice {
	switch g.n(16) {
	case 0:
		l := &o.Lines[g.n(len(o.Lines))]
		l.Qty = wildInt(g)
	case 1:
		l := &o.Lines[g.n(len(o.Lines))]
		*[]*decimal.Decimal{&l.UnitPrice, &l.DiscountPercent, &l.DiscountAmount, &l.TaxPercent}[g.n(4)] = wildDecimal(g)
	case 2:
		o.Lines[g.n(len(o.Lines))].ID = []string{"", "L00", "X"}[g.n(3)]
	case 3:
		if len(o.Charges) > 0 {
			c := &o.Charges[g.n(len(o.Charges))]
			c.Kind, c.Apply = ChargeKind(g.n(256)), Apply(g.n(256))
		}
	case 4:
		if len(o.Charges) > 0 {
			c := &o.Charges[g.n(len(o.Charges))]
			*[]*decimal.Decimal{&c.Amount, &c.Percent, &c.TaxPercent}[g.n(3)] = wildDecimal(g)
		}
	case 5:
		o.TaxRounding, o.Rounding, o.TaxInclusive = TaxRounding(g.n(4)), Rounding(g.n(4)), g.n(2) == 1
	case 6:
		o.Currency = []string{"", "USD", "JPY", "KWD", "xx", "CLF"}[g.n(6)]
	case 7:
		if len(docs) > 0 {
			d := &docs[g.n(len(docs))]
			if len(d.Lines) > 0 {
				l := &d.Lines[g.n(len(d.Lines))]
				l.Qty = wildInt(g)
				*[]*decimal.Decimal{&l.Net, &l.Tax, &l.TaxPercent}[g.n(3)] = wildDecimal(g)
			}
		}
	case 8:
		if len(docs) > 0 {
			d := &docs[g.n(len(docs))]
			d.Kind, d.ShipmentID, d.CreditID = Kind(g.n(4)), []string{"", "S00", "S01", "Q"}[g.n(4)], []string{"", "R"}[g.n(2)]
		}
	case 9:
		if len(docs) > 0 {
			d := &docs[g.n(len(docs))]
			*[]*decimal.Decimal{&d.Goods, &d.Total, &d.TaxTotal}[g.n(3)] = wildDecimal(g)
			if len(d.Taxes) > 0 {
				d.Taxes[0].Tax = wildDecimal(g)
			}
			if len(d.Charges) > 0 {
				c := &d.Charges[0]
				c.Kind = ChargeKind(g.n(8))
				*[]*decimal.Decimal{&c.Net, &c.Tax, &c.Percent, &c.TaxPercent}[g.n(4)] = wildDecimal(g)
			}
		}
	case 10:
		if len(docs) > 0 {
			docs = append(docs, docs[g.n(len(docs))])
		}
	case 11:
		if len(docs) > 0 {
			i := g.n(len(docs))
			docs = append(docs[:i:i], docs[i+1:]...)
		}
	case 12:
		if len(s.Lines) > 0 {
			s.Lines[g.n(len(s.Lines))].Qty = wildInt(g)
		}
		s.ID = []string{"", "S00", "NEW"}[g.n(3)]
	case 13:
		r.Returns = append(r.Returns, LineQty{LineID: fmt.Sprintf("L%02d", g.n(60)), Qty: wildInt(g)})
	case 14:
		r.ID, r.ShipmentID = []string{"", "R", "NEW"}[g.n(3)], []string{"", "S00", "S01", "S99"}[g.n(4)]
	case 15:
		if len(docs) > 0 {
			docs[g.n(len(docs))].Currency = "XYZ"
		}
	}
	return docs
}

// FuzzNoPanic feeds Bill, Credit, Total, Billed and the JSON methods
// broken inputs: valid cases with fields set to anything a caller could
// build. Nothing may panic or hang, and every error must match ErrInvalid.
func FuzzNoPanic(f *testing.F) {
	f.Add([]byte("x"))
	f.Add([]byte("broken orders, broken invoices, broken everything"))
	f.Fuzz(func(t *testing.T, b []byte) {
		g := &gen{b: b}
		o, ships := genCase(g)
		var docs []Invoice
		for i, s := range ships {
			if i >= 3 {
				break
			}
			inv, err := Bill(o, docs, s)
			if err != nil {
				t.Fatalf("a valid case failed: %v", err)
			}
			docs = append(docs, inv)
		}
		s := Shipment{ID: "NEW", Lines: []LineQty{{LineID: o.Lines[0].ID, Qty: 1}}}
		r := Correction{ID: "R", ShipmentID: docs[0].ShipmentID, Returns: []LineQty{{LineID: docs[0].Lines[0].LineID, Qty: 1}}}
		for i, n := 0, 1+g.n(3); i < n; i++ {
			docs = mutate(g, &o, docs, &s, &r)
		}
		expectInvalid := func(err error) {
			t.Helper()
			if err != nil && !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not match ErrInvalid", err)
			}
		}
		_, err := Bill(o, docs, s)
		expectInvalid(err)
		cn, err := Credit(o, docs, r)
		expectInvalid(err)
		if err == nil {
			if _, err := json.Marshal(cn); err != nil {
				t.Fatal(err)
			}
		}
		_, err = Total(o, int(wildInt(g)%30))
		expectInvalid(err)
		_, err = Billed(docs)
		expectInvalid(err)
		for _, d := range docs {
			if js, err := json.Marshal(d); err == nil {
				var back Invoice
				if err := json.Unmarshal(js, &back); err != nil {
					t.Fatalf("%s does not read back: %v", js, err)
				}
			}
		}
	})
}
