package backorder_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/invoice"
)

func TestInvoiceBadInputs(t *testing.T) {
	h, o, sh := shipped(t)
	cases := []struct {
		name string
		want error
		op   func() error
	}{
		{"invoice without shipment", backorder.ErrInvalid, func() error { _, err := h.eng.Invoice(h.ctx, uuid.Nil); return err }},
		{"invoice unknown shipment", backorder.ErrNotFound, func() error { _, err := h.eng.Invoice(h.ctx, uuid.New()); return err }},
		{"invoice unconfirmed shipment", backorder.ErrInvalid, func() error { _, err := h.eng.Invoice(h.ctx, sh.ID); return err }},
		{"credit without id", backorder.ErrInvalid, func() error {
			_, err := h.eng.Credit(h.ctx, backorder.CreditRequest{ShipmentID: sh.ID, Returns: []backorder.ReturnLine{{LineID: o.Lines[0].ID, Qty: 1}}})
			return err
		}},
		{"credit of uninvoiced shipment", backorder.ErrInvalid, func() error {
			_, err := h.eng.Credit(h.ctx, backorder.CreditRequest{ID: "c", ShipmentID: sh.ID, Returns: []backorder.ReturnLine{{LineID: o.Lines[0].ID, Qty: 1}}})
			return err
		}},
		{"credit without lines", backorder.ErrInvalid, func() error {
			_, err := h.eng.Credit(h.ctx, backorder.CreditRequest{ID: "c", ShipmentID: sh.ID})
			return err
		}},
		{"credit of zero", backorder.ErrInvalid, func() error {
			_, err := h.eng.Credit(h.ctx, backorder.CreditRequest{ID: "c", ShipmentID: sh.ID, Returns: []backorder.ReturnLine{{LineID: o.Lines[0].ID}}})
			return err
		}},
		{"invoices of unknown order", backorder.ErrNotFound, func() error { _, err := h.eng.Invoices(h.ctx, uuid.New()); return err }},
		{"order in unknown currency", backorder.ErrInvalid, func() error {
			o := h.order("B", 1, lineSpec{"X", 1})
			o.Currency = "XXY"
			_, err := h.eng.PlaceOrder(h.ctx, o)
			return err
		}},
		{"order with discount above 100 %", backorder.ErrInvalid, func() error {
			o := h.order("B", 1, lineSpec{"X", 1})
			o.Lines[0].DiscountPercent = decimal.NewFromInt(101)
			_, err := h.eng.PlaceOrder(h.ctx, o)
			return err
		}},
		{"order with negative tax", backorder.ErrInvalid, func() error {
			o := h.order("B", 1, lineSpec{"X", 1})
			o.Lines[0].TaxPercent = decimal.NewFromInt(-1)
			_, err := h.eng.PlaceOrder(h.ctx, o)
			return err
		}},
		{"order with a charge without id", backorder.ErrInvalid, func() error {
			o := h.order("B", 1, lineSpec{"X", 1})
			o.Charges = []invoice.Charge{{Kind: invoice.Freight, Amount: decimal.NewFromInt(5)}}
			_, err := h.eng.PlaceOrder(h.ctx, o)
			return err
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h.t = t
			h.fails(c.want, c.op)
		})
	}
	h.t = t
	_, err := h.eng.ConfirmShipment(h.ctx, backorder.Confirmation{ShipmentID: sh.ID})
	require.NoError(t, err)
	inv, err := h.eng.Invoice(h.ctx, sh.ID)
	require.NoError(t, err)
	h.check()
	require.Equal(t, "INV-000001", inv.Number)
	require.True(t, inv.Document.Total.Equal(decimal.NewFromInt(100)), "10 × 10.00 = %s", inv.Document.Total)
	// Invoicing the same shipment again returns the same invoice.
	h.repeat(inv, func() (any, error) { return h.eng.Invoice(h.ctx, sh.ID) })
	// Crediting more than was billed fails and writes nothing.
	h.fails(backorder.ErrInvalid, func() error {
		_, err := h.eng.Credit(h.ctx, backorder.CreditRequest{ID: "c", ShipmentID: sh.ID, Returns: []backorder.ReturnLine{{LineID: o.Lines[0].ID, Qty: 11}}})
		return err
	})
	cn, err := h.eng.Credit(h.ctx, backorder.CreditRequest{ID: "c", ShipmentID: sh.ID, Returns: []backorder.ReturnLine{{LineID: o.Lines[0].ID, Qty: 10}}})
	require.NoError(t, err)
	require.Equal(t, "CN-000001", cn.Number)
	require.Equal(t, inv.ID, cn.Corrects)
	invs, err := h.eng.Invoices(h.ctx, o.ID)
	require.NoError(t, err)
	var docs []invoice.Invoice
	for _, i := range invs {
		docs = append(docs, i.Document)
	}
	net, err := invoice.Billed(docs)
	require.NoError(t, err)
	require.True(t, net.Total.IsZero(), "a full credit brings the billed total to zero, got %s", net.Total)
}
