package invoice

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// Order is the pricing of one order, as this package needs it. It is the
// same value for every document of the order: Bill and Credit compare the
// earlier documents against it.
type Order struct {
	// ID identifies the order; every document carries it as OrderID.
	ID string
	// Currency is the ISO 4217 code of every price and amount.
	Currency string
	// TaxInclusive says that unit prices and charge amounts include tax:
	// the tax is backed out of them. Otherwise they exclude tax.
	TaxInclusive bool
	// TaxRounding says where tax is rounded: PerLine (the zero value) or
	// PerInvoice. PerInvoice needs tax-exclusive prices.
	TaxRounding TaxRounding
	// Rounding is the mode of every rounding to the minor unit: HalfUp
	// (the zero value) or HalfEven.
	Rounding Rounding
	// Lines are the order's lines; at least one.
	Lines []Line
	// Charges are the order-level charges and allowances (freight,
	// handling, an order discount); may be empty.
	Charges []Charge
}

// Line is the pricing of one order line.
type Line struct {
	// ID identifies the line within the order (the engine passes a uuid
	// string). Unique and not empty.
	ID string
	// SKU is the item; not empty. It is copied onto invoice lines.
	SKU string
	// Qty is the quantity the order bills in the end, in base units:
	// ordered minus cancelled. It is > 0 and never below what earlier
	// invoices billed. When it shrinks (a backorder is cancelled) the
	// prorated charges re-spread over the remaining shipments.
	Qty int64
	// UnitPrice is the price of one base unit before discount, excluding
	// or including tax as Order.TaxInclusive says. 0 ≤ UnitPrice ≤ 1e18;
	// it may have more decimal places than the currency (0.0125 per bolt),
	// up to 24.
	UnitPrice decimal.Decimal
	// DiscountPercent is a line discount in percent of the unit price:
	// 12.5 for 12.5 %. 0 ≤ DiscountPercent ≤ 100.
	DiscountPercent decimal.Decimal
	// DiscountAmount is a line discount per base unit, in the currency:
	// 0 ≤ DiscountAmount ≤ UnitPrice. A line gives DiscountPercent or
	// DiscountAmount, not both.
	DiscountAmount decimal.Decimal
	// TaxPercent is the tax rate in percent: 21 for 21 %. 0 ≤ TaxPercent ≤ 100.
	TaxPercent decimal.Decimal
	// TaxCategory is an optional tax category code (EN 16931 "S", "Z",
	// "E", "AE", …). It is copied onto the documents, and the tax
	// breakdown groups amounts by category and rate together.
	TaxCategory string
}

// ChargeKind says what an order-level charge is for, and whether it adds to
// the total (a charge) or subtracts from it (an allowance).
type ChargeKind uint8

const (
	// Freight is a charge for transport.
	Freight ChargeKind = iota + 1
	// Handling is a charge for packing and handling.
	Handling
	// OtherCharge is any other charge.
	OtherCharge
	// Discount is an order-level discount: an allowance, which reduces the
	// total.
	Discount
)

// Allowance reports whether the kind reduces the total.
func (k ChargeKind) Allowance() bool { return k == Discount }

// Apply says on which shipments an order-level charge is billed.
type Apply uint8

const (
	// Prorated (the zero value) spreads the charge over the shipments in
	// proportion to the value of the goods they carry, cumulatively, so
	// the shares add up to the charge exactly.
	Prorated Apply = iota
	// FirstShipment bills the whole charge on the first invoice.
	FirstShipment
	// EveryShipment bills an amount charge again on every invoice. For a
	// percent charge it is the same as Prorated.
	EveryShipment
)

// Charge is an order-level charge or allowance.
//
// An amount charge (Amount set) is in the order's price basis (tax
// excluded or included, as Order.TaxInclusive says) and taxed at its own
// TaxPercent and TaxCategory. A percent charge (Percent set) is a percentage
// of the goods, after line discounts, in the price basis; it is split by the
// goods' tax groups, each part taxed like the goods it is a percentage of,
// so TaxPercent and TaxCategory must be empty. A charge with neither is
// zero.
type Charge struct {
	// ID identifies the charge within the order; unique, not empty.
	ID string
	// Kind is what the charge is for; Discount makes it an allowance.
	Kind ChargeKind
	// Amount is a fixed amount, 0 ≤ Amount ≤ 1e18 for charges and
	// allowances alike (the kind gives the sign). Up to 24 decimal places.
	Amount decimal.Decimal
	// Percent is a percentage of the goods: 10 for 10 %, 0 ≤ Percent ≤ 100.
	// A charge gives Amount or Percent, not both.
	Percent decimal.Decimal
	// Apply says on which shipments the charge is billed.
	Apply Apply
	// TaxPercent is the tax rate of an amount charge, in percent.
	TaxPercent decimal.Decimal
	// TaxCategory is the tax category of an amount charge.
	TaxCategory string
}

// LineQty is a quantity of one order line: shipped, or returned.
type LineQty struct {
	// LineID is the order line's ID.
	LineID string
	// Qty is the quantity in base units, > 0.
	Qty int64
}

// Shipment is what one shipment carries: what Bill invoices.
type Shipment struct {
	// ID identifies the shipment; not empty. The invoice carries it as
	// ShipmentID, and a shipment is invoiced at most once.
	ID string
	// Lines are the quantities shipped, at most one entry per order line.
	Lines []LineQty
}

// Correction asks Credit for a credit note: for goods returned from one
// invoice, for a price correction, or both.
type Correction struct {
	// ID is the caller's id of the return or correction; not empty, and
	// not used by an earlier credit note. The credit note carries it as
	// CreditID.
	ID string
	// ShipmentID names the invoice corrected, by the shipment it billed.
	ShipmentID string
	// Returns are the quantities returned from that invoice; empty for a
	// pure price correction.
	Returns []LineQty
	// Reason is free text copied onto the credit note.
	Reason string
}

// Kind says whether a document is an invoice or a credit note.
type Kind uint8

const (
	// KindInvoice is an invoice: it bills a shipment.
	KindInvoice Kind = iota
	// KindCreditNote is a credit note: it credits the customer for a
	// return or a price correction. Its amounts are positive when they
	// are credited.
	KindCreditNote
)

// TaxRounding says where tax is rounded to the minor unit.
type TaxRounding uint8

const (
	// PerLine (the zero value) rounds the tax of every invoice line and
	// charge line; the invoice's tax is their sum.
	PerLine TaxRounding = iota
	// PerInvoice rounds tax once per tax group (category and rate) of an
	// invoice, on the sum of the group's net amounts, as Japan's qualified
	// invoices require. Lines then carry no tax of their own.
	PerInvoice
)

// Rounding is the rounding mode used for every rounding to the minor unit.
type Rounding uint8

const (
	// HalfUp (the zero value) rounds a half away from zero: 0.125 → 0.13,
	// −0.125 → −0.13. It is the usual commercial rounding.
	HalfUp Rounding = iota
	// HalfEven rounds a half to the even neighbour: 0.125 → 0.12,
	// 0.135 → 0.14 (banker's rounding).
	HalfEven
)

// Invoice is a document: an invoice for a shipment, or a credit note that
// corrects an invoice. Bill and Credit fill everything but Number and
// IssuedAt, which the caller assigns.
//
// Amounts are rounded to the currency's minor unit. An invoice's amounts
// are billed; a credit note's are credited: both are positive in the usual
// case. An allowance (a discount) is also stated as a positive amount, with
// its Kind saying it is subtracted.
type Invoice struct {
	// Number is the document number, assigned by the caller; Bill and
	// Credit leave it empty.
	Number string
	// IssuedAt is the issue time, assigned by the caller.
	IssuedAt time.Time
	// Kind is KindInvoice or KindCreditNote.
	Kind Kind
	// OrderID is the order's ID.
	OrderID string
	// ShipmentID is the shipment billed by an invoice; for a credit note,
	// the shipment of the invoice it corrects.
	ShipmentID string
	// CreditID is a credit note's Correction.ID; empty on an invoice.
	CreditID string
	// Corrects is a credit note's reference to the invoice it corrects:
	// that invoice's Number as found among the earlier documents.
	Corrects string
	// Reason is a credit note's Correction.Reason.
	Reason string
	// Currency is the ISO 4217 code of every amount.
	Currency string
	// TaxInclusive, TaxRounding and Rounding are the order's settings the
	// document was computed with.
	TaxInclusive bool
	TaxRounding  TaxRounding
	Rounding     Rounding
	// Lines are the goods lines, in the order's line order.
	Lines []InvoiceLine
	// Charges are the order-level charges and allowances, in the order's
	// charge order.
	Charges []ChargeLine
	// Totals are the document's totals and its tax breakdown.
	Totals
}

// InvoiceLine is one goods line of a document.
type InvoiceLine struct {
	// LineID and SKU name the order line.
	LineID, SKU string
	// Qty is the quantity shipped (invoice) or returned (credit note). A
	// line that a correction re-prices without a return has Qty 0.
	Qty int64
	// UnitPrice, DiscountPercent and DiscountAmount are the line's pricing
	// as the document applied it, in the order's price basis.
	UnitPrice, DiscountPercent, DiscountAmount decimal.Decimal
	// TaxPercent and TaxCategory are the line's tax group.
	TaxPercent  decimal.Decimal
	TaxCategory string
	// Net is the line's amount excluding tax, after line discounts.
	Net decimal.Decimal
	// Tax is the line's tax under PerLine rounding; zero under PerInvoice,
	// where tax exists only in Totals.Taxes.
	Tax decimal.Decimal
}

// Gross returns Net + Tax.
func (l InvoiceLine) Gross() decimal.Decimal { return l.Net.Add(l.Tax) }

// ChargeLine is one order-level charge or allowance on a document. A
// percent charge has one ChargeLine per tax group of the goods.
type ChargeLine struct {
	// ChargeID names the order's charge.
	ChargeID string
	// Kind is the charge's kind; Kind.Allowance() says it is subtracted.
	Kind ChargeKind
	// Apply and Percent are the charge's terms, for the reader.
	Apply   Apply
	Percent decimal.Decimal
	// TaxPercent and TaxCategory are the tax group of this part.
	TaxPercent  decimal.Decimal
	TaxCategory string
	// Net is the amount excluding tax, ≥ 0 in the usual case.
	Net decimal.Decimal
	// Tax is its tax under PerLine rounding; zero under PerInvoice.
	Tax decimal.Decimal
}

// TaxLine is one group of a tax breakdown: the amounts taxed at one rate in
// one category.
type TaxLine struct {
	TaxCategory string
	TaxPercent  decimal.Decimal
	// Base is the net amount taxed: goods plus charges minus allowances.
	Base decimal.Decimal
	// Tax is the tax on it.
	Tax decimal.Decimal
}

// Totals are the amounts of a document, of an order (Total), or of a set
// of documents (Billed).
type Totals struct {
	// Goods is the sum of the goods lines' net amounts.
	Goods decimal.Decimal
	// ChargeTotal and AllowanceTotal are the sums of the net amounts of
	// the charges and of the allowances.
	ChargeTotal, AllowanceTotal decimal.Decimal
	// Subtotal is Goods + ChargeTotal − AllowanceTotal: the total
	// excluding tax.
	Subtotal decimal.Decimal
	// TaxTotal is the sum of Taxes[i].Tax.
	TaxTotal decimal.Decimal
	// Total is Subtotal + TaxTotal.
	Total decimal.Decimal
	// Taxes is the tax breakdown by group, in a stable order.
	Taxes []TaxLine
}

// Equal reports whether t and u state the same amounts: equal totals, and
// equal base and tax in every tax group, matched by category and rate
// whatever their order, a group missing on one side counting as zero.
func (t Totals) Equal(u Totals) bool {
	if !t.Goods.Equal(u.Goods) || !t.ChargeTotal.Equal(u.ChargeTotal) ||
		!t.AllowanceTotal.Equal(u.AllowanceTotal) || !t.Subtotal.Equal(u.Subtotal) ||
		!t.TaxTotal.Equal(u.TaxTotal) || !t.Total.Equal(u.Total) {
		return false
	}
	return taxesCovered(t.Taxes, u.Taxes) && taxesCovered(u.Taxes, t.Taxes)
}

// taxesCovered reports whether every group of a has the same amounts in b,
// or is zero if b lacks it.
func taxesCovered(a, b []TaxLine) bool {
	for _, x := range a {
		var base, tax decimal.Decimal
		for _, y := range b {
			if x.TaxCategory == y.TaxCategory && x.TaxPercent.Equal(y.TaxPercent) {
				base, tax = y.Base, y.Tax
				break
			}
		}
		if !x.Base.Equal(base) || !x.Tax.Equal(tax) {
			return false
		}
	}
	return true
}

var (
	kindNames        = [...]string{KindInvoice: "invoice", KindCreditNote: "credit_note"}
	chargeKindNames  = [...]string{Freight: "freight", Handling: "handling", OtherCharge: "other", Discount: "discount"}
	applyNames       = [...]string{Prorated: "prorated", FirstShipment: "first_shipment", EveryShipment: "every_shipment"}
	taxRoundingNames = [...]string{PerLine: "per_line", PerInvoice: "per_invoice"}
	roundingNames    = [...]string{HalfUp: "half_up", HalfEven: "half_even"}
)

func enumString(names []string, v uint8, typ string) string {
	if int(v) < len(names) && names[v] != "" {
		return names[v]
	}
	return fmt.Sprintf("%s(%d)", typ, v)
}

func enumParse(names []string, text []byte, typ string) (uint8, error) {
	for i, n := range names {
		if n != "" && n == string(text) {
			return uint8(i), nil
		}
	}
	return 0, fmt.Errorf("invoice: unknown %s %q", typ, text)
}

// String returns "invoice" or "credit_note".
func (k Kind) String() string { return enumString(kindNames[:], uint8(k), "Kind") }

// String returns "freight", "handling", "other" or "discount".
func (k ChargeKind) String() string { return enumString(chargeKindNames[:], uint8(k), "ChargeKind") }

// String returns "prorated", "first_shipment" or "every_shipment".
func (a Apply) String() string { return enumString(applyNames[:], uint8(a), "Apply") }

// String returns "per_line" or "per_invoice".
func (t TaxRounding) String() string { return enumString(taxRoundingNames[:], uint8(t), "TaxRounding") }

// String returns "half_up" or "half_even".
func (r Rounding) String() string { return enumString(roundingNames[:], uint8(r), "Rounding") }

// MarshalText implements encoding.TextMarshaler with String's names.
func (k Kind) MarshalText() ([]byte, error) { return marshalEnum(kindNames[:], uint8(k), "Kind") }

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := enumParse(kindNames[:], b, "Kind")
	*k = Kind(v)
	return err
}

// MarshalText implements encoding.TextMarshaler with String's names.
func (k ChargeKind) MarshalText() ([]byte, error) {
	return marshalEnum(chargeKindNames[:], uint8(k), "ChargeKind")
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *ChargeKind) UnmarshalText(b []byte) error {
	v, err := enumParse(chargeKindNames[:], b, "ChargeKind")
	*k = ChargeKind(v)
	return err
}

// MarshalText implements encoding.TextMarshaler with String's names.
func (a Apply) MarshalText() ([]byte, error) { return marshalEnum(applyNames[:], uint8(a), "Apply") }

// UnmarshalText implements encoding.TextUnmarshaler.
func (a *Apply) UnmarshalText(b []byte) error {
	v, err := enumParse(applyNames[:], b, "Apply")
	*a = Apply(v)
	return err
}

// MarshalText implements encoding.TextMarshaler with String's names.
func (t TaxRounding) MarshalText() ([]byte, error) {
	return marshalEnum(taxRoundingNames[:], uint8(t), "TaxRounding")
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (t *TaxRounding) UnmarshalText(b []byte) error {
	v, err := enumParse(taxRoundingNames[:], b, "TaxRounding")
	*t = TaxRounding(v)
	return err
}

// MarshalText implements encoding.TextMarshaler with String's names.
func (r Rounding) MarshalText() ([]byte, error) {
	return marshalEnum(roundingNames[:], uint8(r), "Rounding")
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (r *Rounding) UnmarshalText(b []byte) error {
	v, err := enumParse(roundingNames[:], b, "Rounding")
	*r = Rounding(v)
	return err
}

func marshalEnum(names []string, v uint8, typ string) ([]byte, error) {
	if int(v) < len(names) && names[v] != "" {
		return []byte(names[v]), nil
	}
	return nil, fmt.Errorf("invoice: cannot marshal %s(%d)", typ, v)
}

func validEnum(names []string, v uint8) bool { return int(v) < len(names) && names[v] != "" }
