package invoice

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// The JSON form of a document. Field names are stable. Amounts are strings
// with exactly the currency's minor units ("12.30", "1500" for JPY); unit
// prices and percentages are strings with all their digits and no trailing
// zeros ("0.0125", "21"). Neither depends on the decimal package's settings
// (MarshalJSONWithoutQuotes, TrimTrailingZeros, …).
type jsonInvoice struct {
	Number         string       `json:"number,omitempty"`
	IssuedAt       *time.Time   `json:"issued_at,omitempty"`
	Kind           Kind         `json:"kind"`
	OrderID        string       `json:"order_id"`
	ShipmentID     string       `json:"shipment_id"`
	CreditID       string       `json:"credit_id,omitempty"`
	Corrects       string       `json:"corrects,omitempty"`
	Reason         string       `json:"reason,omitempty"`
	Currency       string       `json:"currency"`
	TaxInclusive   bool         `json:"tax_inclusive"`
	TaxRounding    TaxRounding  `json:"tax_rounding"`
	Rounding       Rounding     `json:"rounding"`
	Lines          []jsonLine   `json:"lines"`
	Charges        []jsonCharge `json:"charges"`
	Taxes          []jsonTax    `json:"taxes"`
	Goods          string       `json:"goods"`
	ChargeTotal    string       `json:"charge_total"`
	AllowanceTotal string       `json:"allowance_total"`
	Subtotal       string       `json:"subtotal"`
	TaxTotal       string       `json:"tax_total"`
	Total          string       `json:"total"`
}

type jsonLine struct {
	LineID          string `json:"line_id"`
	SKU             string `json:"sku"`
	Qty             int64  `json:"qty"`
	UnitPrice       string `json:"unit_price"`
	DiscountPercent string `json:"discount_percent"`
	DiscountAmount  string `json:"discount_amount"`
	TaxPercent      string `json:"tax_percent"`
	TaxCategory     string `json:"tax_category"`
	Net             string `json:"net"`
	Tax             string `json:"tax"`
}

type jsonCharge struct {
	ChargeID    string     `json:"charge_id"`
	Kind        ChargeKind `json:"kind"`
	Apply       Apply      `json:"apply"`
	Percent     string     `json:"percent"`
	TaxPercent  string     `json:"tax_percent"`
	TaxCategory string     `json:"tax_category"`
	Net         string     `json:"net"`
	Tax         string     `json:"tax"`
}

type jsonTax struct {
	TaxCategory string `json:"tax_category"`
	TaxPercent  string `json:"tax_percent"`
	Base        string `json:"base"`
	Tax         string `json:"tax"`
}

// MarshalJSON implements json.Marshaler with the stable form described on
// jsonInvoice: amounts as strings with the currency's minor units (all
// digits are kept if an amount has more), whatever the decimal package's
// settings. A currency not in the table formats amounts with their own
// digits.
func (inv Invoice) MarshalJSON() ([]byte, error) {
	var places int32
	if c, ok := lookupCurrency(inv.Currency); ok {
		places = c.MinorUnits
	}
	if err := inv.checkExponents(); err != nil {
		return nil, err
	}
	amt := func(d decimal.Decimal) string { return fixed(d, places) }
	j := jsonInvoice{
		Number: inv.Number, Kind: inv.Kind, OrderID: inv.OrderID, ShipmentID: inv.ShipmentID,
		CreditID: inv.CreditID, Corrects: inv.Corrects, Reason: inv.Reason, Currency: inv.Currency,
		TaxInclusive: inv.TaxInclusive, TaxRounding: inv.TaxRounding, Rounding: inv.Rounding,
		Lines: make([]jsonLine, len(inv.Lines)), Charges: make([]jsonCharge, len(inv.Charges)),
		Taxes: make([]jsonTax, len(inv.Taxes)),
		Goods: amt(inv.Goods), ChargeTotal: amt(inv.ChargeTotal), AllowanceTotal: amt(inv.AllowanceTotal),
		Subtotal: amt(inv.Subtotal), TaxTotal: amt(inv.TaxTotal), Total: amt(inv.Total),
	}
	if !inv.IssuedAt.IsZero() {
		t := inv.IssuedAt
		j.IssuedAt = &t
	}
	for i, l := range inv.Lines {
		j.Lines[i] = jsonLine{
			LineID: l.LineID, SKU: l.SKU, Qty: l.Qty, UnitPrice: exact(l.UnitPrice),
			DiscountPercent: exact(l.DiscountPercent), DiscountAmount: exact(l.DiscountAmount),
			TaxPercent: exact(l.TaxPercent), TaxCategory: l.TaxCategory, Net: amt(l.Net), Tax: amt(l.Tax),
		}
	}
	for i, c := range inv.Charges {
		j.Charges[i] = jsonCharge{
			ChargeID: c.ChargeID, Kind: c.Kind, Apply: c.Apply, Percent: exact(c.Percent),
			TaxPercent: exact(c.TaxPercent), TaxCategory: c.TaxCategory, Net: amt(c.Net), Tax: amt(c.Tax),
		}
	}
	for i, t := range inv.Taxes {
		j.Taxes[i] = jsonTax{TaxCategory: t.TaxCategory, TaxPercent: exact(t.TaxPercent), Base: amt(t.Base), Tax: amt(t.Tax)}
	}
	return json.Marshal(j)
}

// UnmarshalJSON implements json.Unmarshaler for the form MarshalJSON
// writes.
func (inv *Invoice) UnmarshalJSON(b []byte) error {
	var j jsonInvoice
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	var err error
	dec := func(field, s string) decimal.Decimal {
		if err != nil {
			return decimal.Decimal{}
		}
		d, e := decimal.NewFromString(s)
		if e != nil {
			err = fmt.Errorf("invoice: JSON field %s: %q is not a decimal", field, s)
		}
		return d
	}
	out := Invoice{
		Number: j.Number, Kind: j.Kind, OrderID: j.OrderID, ShipmentID: j.ShipmentID,
		CreditID: j.CreditID, Corrects: j.Corrects, Reason: j.Reason, Currency: j.Currency,
		TaxInclusive: j.TaxInclusive, TaxRounding: j.TaxRounding, Rounding: j.Rounding,
	}
	if j.IssuedAt != nil {
		out.IssuedAt = *j.IssuedAt
	}
	for _, l := range j.Lines {
		out.Lines = append(out.Lines, InvoiceLine{
			LineID: l.LineID, SKU: l.SKU, Qty: l.Qty, UnitPrice: dec("unit_price", l.UnitPrice),
			DiscountPercent: dec("discount_percent", l.DiscountPercent), DiscountAmount: dec("discount_amount", l.DiscountAmount),
			TaxPercent: dec("tax_percent", l.TaxPercent), TaxCategory: l.TaxCategory,
			Net: dec("net", l.Net), Tax: dec("tax", l.Tax),
		})
	}
	for _, c := range j.Charges {
		out.Charges = append(out.Charges, ChargeLine{
			ChargeID: c.ChargeID, Kind: c.Kind, Apply: c.Apply, Percent: dec("percent", c.Percent),
			TaxPercent: dec("tax_percent", c.TaxPercent), TaxCategory: c.TaxCategory,
			Net: dec("net", c.Net), Tax: dec("tax", c.Tax),
		})
	}
	for _, t := range j.Taxes {
		out.Taxes = append(out.Taxes, TaxLine{TaxCategory: t.TaxCategory, TaxPercent: dec("tax_percent", t.TaxPercent),
			Base: dec("base", t.Base), Tax: dec("tax", t.Tax)})
	}
	out.Goods, out.ChargeTotal, out.AllowanceTotal = dec("goods", j.Goods), dec("charge_total", j.ChargeTotal), dec("allowance_total", j.AllowanceTotal)
	out.Subtotal, out.TaxTotal, out.Total = dec("subtotal", j.Subtotal), dec("tax_total", j.TaxTotal), dec("total", j.Total)
	if err != nil {
		return err
	}
	*inv = out
	return nil
}

// checkExponents refuses decimals whose formatting would not end (a
// hand-built decimal.New(1, -2e9) has two billion digits).
func (inv *Invoice) checkExponents() error {
	ds := []decimal.Decimal{inv.Goods, inv.ChargeTotal, inv.AllowanceTotal, inv.Subtotal, inv.TaxTotal, inv.Total}
	for _, l := range inv.Lines {
		ds = append(ds, l.UnitPrice, l.DiscountPercent, l.DiscountAmount, l.TaxPercent, l.Net, l.Tax)
	}
	for _, c := range inv.Charges {
		ds = append(ds, c.Percent, c.TaxPercent, c.Net, c.Tax)
	}
	for _, t := range inv.Taxes {
		ds = append(ds, t.TaxPercent, t.Base, t.Tax)
	}
	for _, d := range ds {
		if e := d.Exponent(); e < -maxExponent || e > maxExponent {
			return fmt.Errorf("invoice: cannot marshal a decimal with exponent %d", e)
		}
	}
	return nil
}
