package backorder_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/eta"
)

func TestInboundBadInputs(t *testing.T) {
	h := newHarness(t)
	h.location("AMS", 1)
	h.item("X", func(it *backorder.Item) { it.LeadTime = 10 * 24 * time.Hour })
	o := h.order("A", 1, lineSpec{"X", 10})
	h.place(o)
	in := backorder.Inbound{ID: "PO-1", SKU: "X", Location: "AMS", Qty: 5, Expected: t0.AddDate(0, 0, 3), Supplier: "ACME"}
	require.NoError(t, h.eng.ExpectInbound(h.ctx, in))
	h.check()
	expect := func(mod func(*backorder.Inbound)) func() error {
		return func() error {
			in := backorder.Inbound{ID: "PO-2", SKU: "X", Location: "AMS", Qty: 5, Expected: t0.AddDate(0, 0, 3)}
			mod(&in)
			return h.eng.ExpectInbound(h.ctx, in)
		}
	}
	cases := []struct {
		name string
		want error
		op   func() error
	}{
		{"expect without id", backorder.ErrInvalid, expect(func(in *backorder.Inbound) { in.ID = "" })},
		{"expect zero", backorder.ErrInvalid, expect(func(in *backorder.Inbound) { in.Qty = 0 })},
		{"expect without date", backorder.ErrInvalid, expect(func(in *backorder.Inbound) { in.Expected = time.Time{} })},
		{"expect received set", backorder.ErrInvalid, expect(func(in *backorder.Inbound) { in.Received = 1 })},
		{"expect unknown sku", backorder.ErrNotFound, expect(func(in *backorder.Inbound) { in.SKU = "NOPE" })},
		{"expect unknown location", backorder.ErrNotFound, expect(func(in *backorder.Inbound) { in.Location = "MARS" })},
		{"change nothing", backorder.ErrInvalid, func() error {
			_, err := h.eng.ChangeInbound(h.ctx, backorder.InboundChange{ID: "c", InboundID: "PO-1"})
			return err
		}},
		{"change to a negative quantity", backorder.ErrInvalid, func() error {
			_, err := h.eng.ChangeInbound(h.ctx, backorder.InboundChange{ID: "c", InboundID: "PO-1", Qty: -1})
			return err
		}},
		{"change an unknown inbound", backorder.ErrNotFound, func() error {
			_, err := h.eng.ChangeInbound(h.ctx, backorder.InboundChange{ID: "c", InboundID: "PO-404", Qty: 3})
			return err
		}},
		{"change without id", backorder.ErrInvalid, func() error {
			_, err := h.eng.ChangeInbound(h.ctx, backorder.InboundChange{InboundID: "PO-1", Qty: 3})
			return err
		}},
		{"cancel an unknown inbound", backorder.ErrNotFound, func() error {
			_, err := h.eng.CancelInbound(h.ctx, backorder.InboundCancel{ID: "c", InboundID: "PO-404"})
			return err
		}},
		{"cancel without id", backorder.ErrInvalid, func() error {
			_, err := h.eng.CancelInbound(h.ctx, backorder.InboundCancel{InboundID: "PO-1"})
			return err
		}},
		{"promises of an unknown order", backorder.ErrNotFound, func() error {
			_, err := h.eng.Promises(h.ctx, uuid.New())
			return err
		}},
		{"alternatives of an unknown order", backorder.ErrNotFound, func() error {
			_, err := h.eng.Alternatives(h.ctx, uuid.New(), uuid.New())
			return err
		}},
		{"alternatives of an unknown line", backorder.ErrNotFound, func() error {
			_, err := h.eng.Alternatives(h.ctx, o.ID, uuid.New())
			return err
		}},
		{"customer book of nobody", backorder.ErrInvalid, func() error {
			_, err := h.eng.CustomerBook(h.ctx, "")
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
	// The inbound's id is its command id: expecting it again, even with
	// other values, changes nothing.
	h.repeat(nil, func() (any, error) {
		return nil, h.eng.ExpectInbound(h.ctx, backorder.Inbound{ID: "PO-1", SKU: "X", Location: "AMS", Qty: 7, Expected: t0})
	})
	// Cancelling twice: the second finds nothing expected.
	_, err := h.eng.CancelInbound(h.ctx, backorder.InboundCancel{ID: "c1", InboundID: "PO-1", Reason: "gone"})
	require.NoError(t, err)
	h.check()
	h.fails(backorder.ErrInvalid, func() error {
		_, err := h.eng.CancelInbound(h.ctx, backorder.InboundCancel{ID: "c2", InboundID: "PO-1"})
		return err
	})
	ps, err := h.eng.Promises(h.ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, ps, 1)
	require.Equal(t, backorder.PromiseEstimated, ps[0].Kind)
}

func TestAlternativesOfferOtherLocationsAndSubstitutes(t *testing.T) {
	h := newHarness(t)
	h.location("AMS", 1)
	h.location("BER", 2)
	h.item("SUB")
	h.item("X", func(it *backorder.Item) { it.CasePack = 10; it.Substitutes = []string{"SUB", "NONE"} })
	h.item("NONE")
	h.receive(backorder.Receipt{ID: "r1", SKU: "X", Location: "BER", Qty: 5})
	h.receive(backorder.Receipt{ID: "r2", SKU: "SUB", Location: "AMS", Qty: 7})
	o := h.order("A", 1, lineSpec{"X", 30})
	h.place(o)
	a, err := h.eng.Alternatives(h.ctx, o.ID, o.Lines[0].ID)
	require.NoError(t, err)
	require.Equal(t, []backorder.LocQty{{Location: "BER", Qty: 5}}, a.Locations)
	require.Equal(t, []backorder.SubstituteStock{{SKU: "SUB", Available: []backorder.LocQty{{Location: "AMS", Qty: 7}}}}, a.Substitutes)
}

func TestConfigValidatesCalendarsAndDays(t *testing.T) {
	for _, cfg := range []func(*backorder.Config){
		func(c *backorder.Config) { c.HandlingDays = -1 },
		func(c *backorder.Config) { c.TransitDays = eta.MaxBusinessDays + 1 },
		func(c *backorder.Config) { c.Calendar = eta.Calendar{Workdays: 0xff} },
		func(c *backorder.Config) {
			c.Calendars = map[string]eta.Calendar{"AMS": {Holidays: []eta.Date{{Year: 2026, Month: 2, Day: 30}}}}
		},
		func(c *backorder.Config) { c.InvoiceSeries = "X"; c.CreditSeries = "X" },
		func(c *backorder.Config) { c.InvoiceSeries = "\x00" },
	} {
		c := backorder.Config{Store: newHarness(t).store}
		cfg(&c)
		_, err := backorder.New(c)
		require.ErrorIs(t, err, backorder.ErrInvalid)
	}
}
