package sim

import (
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/invoice"
)

// invoiceErr classifies an error of the invoice package as the engine
// reports it: its validation errors are the engine's ErrInvalid.
func invoiceErr(err error) error {
	if errors.Is(err, invoice.ErrInvalid) {
		return invalidf("Invoice: %v", err)
	}
	return &modelErr{class: classOther, msg: err.Error()}
}

// docs returns the documents of an order's invoices and credit notes.
func docs(o *mOrder) []invoice.Invoice {
	out := make([]invoice.Invoice, len(o.invs))
	for i, inv := range o.invs {
		out[i] = inv.Document
	}
	return out
}

// issue numbers a document in its series, stores it and raises its event.
func (m *model) issue(o *mOrder, inv backorder.Invoice) backorder.Invoice {
	m.series[inv.Series]++
	inv.ID = m.placeholder()
	inv.Number = fmt.Sprintf("%s-%06d", inv.Series, m.series[inv.Series])
	inv.IssuedAt = m.now
	inv.Document.Number = inv.Number
	inv.Document.IssuedAt = m.now
	m.saveOrder(o)
	stored := inv.Clone()
	o.invs = append(o.invs, &stored)
	typ := backorder.InvoiceIssued
	if inv.Kind == backorder.KindCreditNote {
		typ = backorder.CreditNoteIssued
	}
	m.emit(backorder.Event{Type: typ, OrderID: inv.OrderID, ShipmentID: inv.ShipmentID, InvoiceID: inv.ID, Number: inv.Number})
	return inv
}

// bill invoices a confirmed shipment, or returns its invoice.
func (m *model) bill(sh *backorder.Shipment) (backorder.Invoice, error) {
	if sh.Status != backorder.ShipmentStatusConfirmed {
		return backorder.Invoice{}, invalidf("ShipmentID: shipment is %s", sh.Status)
	}
	o := m.orders[sh.OrderID]
	for _, inv := range o.invs {
		if inv.Kind == backorder.KindInvoice && inv.ShipmentID == sh.ID {
			return inv.Clone(), nil
		}
	}
	full, _ := m.order(o.hdr.ID)
	s := invoice.Shipment{ID: sh.ID.String()}
	for _, sl := range sh.Lines {
		s.Lines = append(s.Lines, invoice.LineQty{LineID: sl.LineID.String(), Qty: sl.Qty})
	}
	doc, err := invoice.Bill(pricingOf(full), docs(o), s)
	if err != nil {
		return backorder.Invoice{}, invoiceErr(err)
	}
	return m.issue(o, backorder.Invoice{Kind: backorder.KindInvoice, Series: m.invSeries, OrderID: o.hdr.ID,
		ShipmentID: sh.ID, Document: doc}), nil
}

func (m *model) invoice(id uuid.UUID) (backorder.Invoice, error) {
	sh, _ := m.shipment(id)
	if sh == nil {
		return backorder.Invoice{}, notFoundf("shipment %s", id)
	}
	return m.bill(sh)
}

func validCredit(r backorder.CreditRequest) error {
	switch {
	case keyBad(r.ID):
		return invalidf("CreditRequest.ID")
	case r.ShipmentID == uuid.Nil:
		return invalidf("CreditRequest.ShipmentID")
	case len(r.Returns) == 0:
		return invalidf("CreditRequest.Returns")
	}
	for i, rl := range r.Returns {
		if rl.Qty <= 0 {
			return invalidf("CreditRequest.Returns[%d].Qty", i)
		}
	}
	if textBad(r.Reason) {
		return invalidf("CreditRequest.Reason")
	}
	return nil
}

func (m *model) credit(r backorder.CreditRequest) (backorder.Invoice, error) {
	sh, o := m.shipment(r.ShipmentID)
	if sh == nil {
		return backorder.Invoice{}, notFoundf("shipment %s", r.ShipmentID)
	}
	k := slices.IndexFunc(o.invs, func(inv *backorder.Invoice) bool {
		return inv.Kind == backorder.KindInvoice && inv.ShipmentID == sh.ID
	})
	if k < 0 {
		return backorder.Invoice{}, invalidf("CreditRequest.ShipmentID: no invoice")
	}
	c := invoice.Correction{ID: r.ID, ShipmentID: sh.ID.String(), Reason: r.Reason}
	for _, rl := range r.Returns {
		c.Returns = append(c.Returns, invoice.LineQty{LineID: rl.LineID.String(), Qty: rl.Qty})
	}
	full, _ := m.order(o.hdr.ID)
	doc, err := invoice.Credit(pricingOf(full), docs(o), c)
	if err != nil {
		return backorder.Invoice{}, invoiceErr(err)
	}
	return m.issue(o, backorder.Invoice{Kind: backorder.KindCreditNote, Series: m.crSeries, OrderID: o.hdr.ID,
		ShipmentID: sh.ID, Corrects: o.invs[k].ID, Document: doc}), nil
}
