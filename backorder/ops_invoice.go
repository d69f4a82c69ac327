package backorder

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/backorderkit/backorderkit/invoice"
)

// pricing is the order as the invoice package sees it: each line bills
// its ordered quantity less what was cancelled. Lines with nothing billable
// (all cancelled before anything shipped) are left out: they were never
// billed, and an order with a shipment always has a billable line.
func pricing(o Order) invoice.Order {
	io := invoice.Order{ID: o.ID.String(), Currency: o.Currency, TaxInclusive: o.TaxInclusive,
		TaxRounding: o.TaxRounding, Rounding: o.Rounding, Charges: o.Charges,
		Lines: make([]invoice.Line, 0, len(o.Lines))}
	for _, l := range o.Lines {
		q := l.Qty - l.Cancelled
		if q <= 0 {
			continue
		}
		io.Lines = append(io.Lines, invoice.Line{ID: l.ID.String(), SKU: l.SKU, Qty: q, UnitPrice: l.UnitPrice,
			DiscountPercent: l.DiscountPercent, DiscountAmount: l.DiscountAmount,
			TaxPercent: l.TaxPercent, TaxCategory: l.TaxCategory})
	}
	return io
}

// validatePricing checks at placement that the order can be invoiced. It
// expects the rest of validateOrder's checks to have passed.
func validatePricing(o *Order) error {
	// Plain pricing is known valid without building the invoice package's
	// calculation (a map and some twenty allocations per order).
	if plainPricing(o) {
		return nil
	}
	err := invoice.Validate(pricing(*o))
	if err == nil {
		return nil
	}
	var ve *invoice.ValidationError
	if errors.As(err, &ve) {
		return invalid("Order."+ve.Field, "%s", ve.Reason)
	}
	return invalid("Order", "%v", err)
}

// plainPricing reports whether the order's pricing is plain enough to be
// known valid without invoice.Validate: no charges, known rounding
// settings, and lines with no discount, a price below 1e18 and a tax rate
// below 100 %, each with at most maxPlainPlaces decimal places. It accepts
// only orders that invoice.Validate accepts (pricing_test.go checks this
// against invoice.Validate); anything else goes to invoice.Validate for its
// verdict and its message. It expects the rest of validateOrder's checks
// to have passed: currency, line ids, SKUs and quantities.
func plainPricing(o *Order) bool {
	if len(o.Charges) > 0 || (o.TaxRounding != invoice.PerLine && o.TaxRounding != invoice.PerInvoice) ||
		(o.Rounding != invoice.HalfUp && o.Rounding != invoice.HalfEven) ||
		(o.TaxInclusive && o.TaxRounding == invoice.PerInvoice) {
		return false
	}
	var zero decimal.Decimal
	for i := range o.Lines {
		l := &o.Lines[i]
		if !plainDecimal(l.UnitPrice, 18) {
			return false
		}
		if l.TaxPercent == zero && l.DiscountPercent == zero && l.DiscountAmount == zero {
			continue // most lines: three comparisons, not six calls
		}
		if !plainDecimal(l.TaxPercent, 2) ||
			!l.DiscountPercent.IsZero() || !plainDecimal(l.DiscountPercent, 2) ||
			!l.DiscountAmount.IsZero() || !plainDecimal(l.DiscountAmount, 2) {
			return false
		}
	}
	return true
}

// maxPlainPlaces is the most decimal places plainDecimal accepts: the
// invoice package's own limit (it refuses more after dropping trailing
// zeros).
const maxPlainPlaces = 24

// plainDecimal reports whether d ≥ 0 has at most maxPlainPlaces decimal
// places, a non-positive exponent, and |d| < 10^limit. It allocates
// nothing for coefficients that fit in int64.
func plainDecimal(d decimal.Decimal, limit int) bool {
	if d == (decimal.Decimal{}) {
		return true // the zero value, as most discounts and taxes are: one comparison, not three calls
	}
	e := int(d.Exponent())
	return e <= 0 && e >= -maxPlainPlaces && d.Sign() >= 0 && d.NumDigits()+e <= limit
}

// invoiceError turns the invoice package's validation errors into the
// engine's, keeping the cause.
func invoiceError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, invoice.ErrInvalid) {
		return &ValidationError{Field: "Invoice", Reason: err.Error()}
	}
	return err
}

// documents returns the order's stored invoices and credit notes, and their
// documents for the invoice package.
func (w *work) documents(orderID uuid.UUID) ([]Invoice, []invoice.Invoice, error) {
	invs, err := w.tx.Invoices(orderID)
	if err != nil {
		return nil, nil, err
	}
	docs := make([]invoice.Invoice, len(invs))
	for i := range invs {
		docs[i] = invs[i].Document
	}
	return invs, docs, nil
}

// issue numbers and stores a document and raises its event.
func (w *work) issue(inv Invoice) (Invoice, error) {
	n, err := w.tx.NextSequence("invoice/" + inv.Series)
	if err != nil {
		return Invoice{}, err
	}
	inv.ID = w.e.newID()
	inv.Number = fmt.Sprintf("%s-%06d", inv.Series, n)
	inv.IssuedAt = w.now
	inv.Document.Number = inv.Number
	inv.Document.IssuedAt = w.now
	if err := w.tx.PutInvoice(inv); err != nil {
		return Invoice{}, err
	}
	typ := InvoiceIssued
	if inv.Kind == KindCreditNote {
		typ = CreditNoteIssued
	}
	w.emit(Event{Type: typ, OrderID: inv.OrderID, ShipmentID: inv.ShipmentID, InvoiceID: inv.ID, Number: inv.Number})
	return inv, nil
}

// Invoice issues the invoice for a confirmed shipment: exact to the
// currency's minor unit, prorating order-level charges cumulatively so that
// the invoices of a fully shipped order add up to its total. Invoicing a
// shipment again returns its invoice and changes nothing. With
// Config.AutoInvoice, ConfirmShipment does this itself.
func (e *Engine) Invoice(ctx context.Context, shipmentID uuid.UUID) (Invoice, error) {
	if shipmentID == uuid.Nil {
		return Invoice{}, invalid("ShipmentID", "is required")
	}
	return command(ctx, e, "invoice/"+shipmentID.String(), func(w *work) (Invoice, error) {
		return w.bill(shipmentID)
	})
}

func (w *work) bill(shipmentID uuid.UUID) (Invoice, error) {
	sh, err := w.tx.Shipment(shipmentID)
	if err != nil {
		return Invoice{}, notFound(err, "shipment", shipmentID.String())
	}
	if sh.Status != ShipmentStatusConfirmed {
		return Invoice{}, invalid("ShipmentID", "shipment %s is %s: only confirmed shipments are invoiced", sh.ID, sh.Status)
	}
	o, err := w.tx.Order(sh.OrderID)
	if err != nil {
		return Invoice{}, notFound(err, "order", sh.OrderID.String())
	}
	// Lines changed earlier in this operation (a confirmation) count as
	// they are now.
	for i := range o.Lines {
		if l, ok := w.heldLine(o.Lines[i].ID); ok {
			o.Lines[i] = *l
		}
	}
	invs, docs, err := w.documents(o.ID)
	if err != nil {
		return Invoice{}, err
	}
	for _, inv := range invs {
		if inv.Kind == KindInvoice && inv.ShipmentID == sh.ID {
			return inv, nil
		}
	}
	s := invoice.Shipment{ID: sh.ID.String()}
	for _, sl := range sh.Lines {
		s.Lines = append(s.Lines, invoice.LineQty{LineID: sl.LineID.String(), Qty: sl.Qty})
	}
	doc, err := invoice.Bill(pricing(o), docs, s)
	if err != nil {
		return Invoice{}, invoiceError(err)
	}
	return w.issue(Invoice{Kind: KindInvoice, Series: w.e.invoiceSeries, OrderID: o.ID, ShipmentID: sh.ID, Document: doc})
}

// CreditRequest asks for a credit note against a shipment's invoice.
type CreditRequest struct {
	// ID is the caller's command id (the return or correction number); a
	// repeat returns the first result and changes nothing. Required.
	ID         string    `json:"id"`
	ShipmentID uuid.UUID `json:"shipment_id"`
	// Returns are the quantities of the invoice's lines being credited;
	// each at most what that invoice billed less what was credited before.
	Returns []ReturnLine `json:"returns"`
	Reason  string       `json:"reason,omitempty"`
}

// Credit issues a credit note reversing part or all of a shipment's
// invoice, exact to the minor unit: crediting everything an order was
// billed, in one note or many, brings its net billed total back to zero.
func (e *Engine) Credit(ctx context.Context, r CreditRequest) (Invoice, error) {
	if err := validKey("CreditRequest.ID", r.ID); err != nil {
		return Invoice{}, err
	}
	if r.ShipmentID == uuid.Nil {
		return Invoice{}, invalid("CreditRequest.ShipmentID", "is required")
	}
	if len(r.Returns) == 0 {
		return Invoice{}, invalid("CreditRequest.Returns", "a credit note needs at least one returned line")
	}
	for i, rl := range r.Returns {
		if rl.Qty <= 0 {
			return Invoice{}, invalid(fieldf("CreditRequest.Returns[%d].Qty", i), "must be > 0, got %d", rl.Qty)
		}
	}
	if err := validText("CreditRequest.Reason", r.Reason); err != nil {
		return Invoice{}, err
	}
	return command(ctx, e, "credit/"+r.ID, func(w *work) (Invoice, error) {
		sh, err := w.tx.Shipment(r.ShipmentID)
		if err != nil {
			return Invoice{}, notFound(err, "shipment", r.ShipmentID.String())
		}
		o, err := w.tx.Order(sh.OrderID)
		if err != nil {
			return Invoice{}, notFound(err, "order", sh.OrderID.String())
		}
		invs, docs, err := w.documents(o.ID)
		if err != nil {
			return Invoice{}, err
		}
		k := slices.IndexFunc(invs, func(inv Invoice) bool { return inv.Kind == KindInvoice && inv.ShipmentID == sh.ID })
		if k < 0 {
			return Invoice{}, invalid("CreditRequest.ShipmentID", "shipment %s has no invoice to credit", sh.ID)
		}
		c := invoice.Correction{ID: r.ID, ShipmentID: sh.ID.String(), Reason: r.Reason}
		for _, rl := range r.Returns {
			c.Returns = append(c.Returns, invoice.LineQty{LineID: rl.LineID.String(), Qty: rl.Qty})
		}
		doc, err := invoice.Credit(pricing(o), docs, c)
		if err != nil {
			return Invoice{}, invoiceError(err)
		}
		return w.issue(Invoice{Kind: KindCreditNote, Series: w.e.creditSeries, OrderID: o.ID, ShipmentID: sh.ID,
			Corrects: invs[k].ID, Document: doc})
	})
}

// Invoices returns an order's invoices and credit notes in issue order.
func (e *Engine) Invoices(ctx context.Context, orderID uuid.UUID) ([]Invoice, error) {
	var out []Invoice
	err := e.view(ctx, func(tx Tx) error {
		if _, err := tx.Order(orderID); err != nil {
			return notFound(err, "order", orderID.String())
		}
		var err error
		out, err = tx.Invoices(orderID)
		return err
	})
	return out, err
}
