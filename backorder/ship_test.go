package backorder_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/backorderkit/backorderkit/backorder"
)

// shipped sets up an order of 10 X with 10 on hand and one created shipment.
func shipped(t *testing.T) (*harness, backorder.Order, backorder.Shipment) {
	h := newHarness(t)
	h.location("AMS", 1)
	h.item("X")
	h.receive(backorder.Receipt{ID: "r", SKU: "X", Location: "AMS", Qty: 10})
	o := h.order("A", 1, lineSpec{"X", 10})
	h.place(o)
	res, err := h.eng.Ship(h.ctx, backorder.ShipRequest{ID: "s1", OrderID: o.ID})
	require.NoError(t, err)
	require.Len(t, res.Shipments, 1)
	h.check()
	return h, o, res.Shipments[0]
}

func TestShipmentLifecycleErrors(t *testing.T) {
	t.Run("confirmed twice is applied once", func(t *testing.T) {
		h, o, sh := shipped(t)
		c := backorder.Confirmation{ShipmentID: sh.ID}
		first, err := h.eng.ConfirmShipment(h.ctx, c)
		require.NoError(t, err)
		h.check()
		h.repeat(first, func() (any, error) { return h.eng.ConfirmShipment(h.ctx, c) })
		require.EqualValues(t, 10, h.line(o.ID, o.Lines[0].ID).Shipped)
		h.fails(backorder.ErrInvalid, func() error {
			_, err := h.eng.VoidShipment(h.ctx, backorder.VoidRequest{ShipmentID: sh.ID})
			return err
		})
	})
	t.Run("voided cannot be confirmed", func(t *testing.T) {
		h, _, sh := shipped(t)
		_, err := h.eng.VoidShipment(h.ctx, backorder.VoidRequest{ShipmentID: sh.ID})
		require.NoError(t, err)
		h.check()
		h.fails(backorder.ErrInvalid, func() error {
			_, err := h.eng.ConfirmShipment(h.ctx, backorder.Confirmation{ShipmentID: sh.ID})
			return err
		})
	})
	t.Run("committed stock cannot be cancelled or counted away", func(t *testing.T) {
		h, o, _ := shipped(t)
		h.fails(backorder.ErrInvalid, func() error {
			_, err := h.eng.Cancel(h.ctx, backorder.Cancellation{ID: "c", OrderID: o.ID, LineID: o.Lines[0].ID, Qty: 1})
			return err
		})
		h.fails(backorder.ErrInvalid, func() error {
			_, err := h.eng.Cancel(h.ctx, backorder.Cancellation{ID: "c", OrderID: o.ID})
			return err
		})
		h.fails(backorder.ErrInvalid, func() error {
			_, err := h.eng.CountStock(h.ctx, backorder.Count{ID: "cc", SKU: "X", Location: "AMS", OnHand: 3})
			return err
		})
	})
	t.Run("bad requests", func(t *testing.T) {
		h, o, sh := shipped(t)
		cases := []struct {
			name string
			want error
			op   func() error
		}{
			{"ship unknown order", backorder.ErrNotFound, func() error {
				_, err := h.eng.Ship(h.ctx, backorder.ShipRequest{ID: "x", OrderID: uuid.New()})
				return err
			}},
			{"ship without id", backorder.ErrInvalid, func() error {
				_, err := h.eng.Ship(h.ctx, backorder.ShipRequest{OrderID: o.ID})
				return err
			}},
			{"ship without order", backorder.ErrInvalid, func() error {
				_, err := h.eng.Ship(h.ctx, backorder.ShipRequest{ID: "x"})
				return err
			}},
			{"ship from unknown location", backorder.ErrNotFound, func() error {
				_, err := h.eng.Ship(h.ctx, backorder.ShipRequest{ID: "x", OrderID: o.ID, Location: "MARS"})
				return err
			}},
			{"confirm unknown shipment", backorder.ErrNotFound, func() error {
				_, err := h.eng.ConfirmShipment(h.ctx, backorder.Confirmation{ShipmentID: uuid.New()})
				return err
			}},
			{"confirm without id", backorder.ErrInvalid, func() error {
				_, err := h.eng.ConfirmShipment(h.ctx, backorder.Confirmation{})
				return err
			}},
			{"void unknown shipment", backorder.ErrNotFound, func() error {
				_, err := h.eng.VoidShipment(h.ctx, backorder.VoidRequest{ShipmentID: uuid.New()})
				return err
			}},
			{"void without id", backorder.ErrInvalid, func() error {
				_, err := h.eng.VoidShipment(h.ctx, backorder.VoidRequest{})
				return err
			}},
			{"return of unconfirmed shipment", backorder.ErrInvalid, func() error {
				_, err := h.eng.ReturnShipment(h.ctx, backorder.ReturnRequest{ID: "rma", ShipmentID: sh.ID,
					Lines: []backorder.ReturnLine{{LineID: o.Lines[0].ID, Qty: 1}}})
				return err
			}},
			{"return without lines", backorder.ErrInvalid, func() error {
				_, err := h.eng.ReturnShipment(h.ctx, backorder.ReturnRequest{ID: "rma", ShipmentID: sh.ID})
				return err
			}},
			{"return of zero", backorder.ErrInvalid, func() error {
				_, err := h.eng.ReturnShipment(h.ctx, backorder.ReturnRequest{ID: "rma", ShipmentID: sh.ID,
					Lines: []backorder.ReturnLine{{LineID: o.Lines[0].ID}}})
				return err
			}},
			{"plan unknown order", backorder.ErrNotFound, func() error {
				_, err := h.eng.PlanShipments(h.ctx, uuid.New())
				return err
			}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				h.t = t
				h.fails(c.want, c.op)
			})
		}
		// After confirmation: returns beyond what shipped, or of a line not
		// on the shipment, fail.
		h.t = t
		_, err := h.eng.ConfirmShipment(h.ctx, backorder.Confirmation{ShipmentID: sh.ID})
		require.NoError(t, err)
		h.fails(backorder.ErrInvalid, func() error {
			_, err := h.eng.ReturnShipment(h.ctx, backorder.ReturnRequest{ID: "rma", ShipmentID: sh.ID,
				Lines: []backorder.ReturnLine{{LineID: o.Lines[0].ID, Qty: 11}}})
			return err
		})
		h.fails(backorder.ErrInvalid, func() error {
			_, err := h.eng.ReturnShipment(h.ctx, backorder.ReturnRequest{ID: "rma", ShipmentID: sh.ID,
				Lines: []backorder.ReturnLine{{LineID: uuid.New(), Qty: 1}}})
			return err
		})
	})
}

func TestPlanAllInPriorityOrder(t *testing.T) {
	h := newHarness(t)
	h.location("AMS", 1)
	h.item("X")
	h.receive(backorder.Receipt{ID: "r", SKU: "X", Location: "AMS", Qty: 100})
	a := h.order("A", 3, lineSpec{"X", 10})
	b := h.order("B", 1, lineSpec{"X", 10})
	c := h.order("C", 2, lineSpec{"X", 10})
	for _, o := range []backorder.Order{a, b, c} {
		h.place(o)
	}
	_, err := h.eng.Cancel(h.ctx, backorder.Cancellation{ID: "x", OrderID: c.ID})
	require.NoError(t, err)
	plans, err := h.eng.PlanAll(h.ctx)
	require.NoError(t, err)
	require.Len(t, plans, 2)
	require.Equal(t, b.ID, plans[0].OrderID)
	require.Equal(t, a.ID, plans[1].OrderID)
}
