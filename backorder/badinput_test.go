package backorder_test

import (
	"math"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/backorderkit/backorderkit/backorder"
)

// TestBadInputsChangeNothing answers every bad input with an error that
// matches ErrInvalid or ErrNotFound, names the field, and leaves the store
// exactly as it was.
func TestBadInputsChangeNothing(t *testing.T) {
	h := newHarness(t)
	h.location("AMS", 1)
	h.item("X")
	h.receive(backorder.Receipt{ID: "r0", SKU: "X", Location: "AMS", Qty: 10})
	placed := h.order("A", 1, lineSpec{"X", 15})
	h.place(placed)
	openLine := placed.Lines[0].ID
	h.receive(backorder.Receipt{ID: "r-max", SKU: "X", Location: "AMS", Qty: math.MaxInt64 - 100})

	order := func(mod func(o *backorder.Order)) func() error {
		return func() error {
			o := h.order("B", 1, lineSpec{"X", 5})
			mod(&o)
			_, err := h.eng.PlaceOrder(h.ctx, o)
			return err
		}
	}
	receipt := func(mod func(r *backorder.Receipt)) func() error {
		return func() error {
			r := backorder.Receipt{ID: "r-new", SKU: "X", Location: "AMS", Qty: 5}
			mod(&r)
			_, err := h.eng.Receive(h.ctx, r)
			return err
		}
	}
	cancel := func(mod func(c *backorder.Cancellation)) func() error {
		return func() error {
			c := backorder.Cancellation{ID: "c-new", OrderID: placed.ID, LineID: openLine, Qty: 1}
			mod(&c)
			_, err := h.eng.Cancel(h.ctx, c)
			return err
		}
	}
	adjust := func(mod func(a *backorder.Adjustment)) func() error {
		return func() error {
			a := backorder.Adjustment{ID: "a-new", SKU: "X", Location: "AMS", Delta: 1}
			mod(&a)
			_, err := h.eng.AdjustStock(h.ctx, a)
			return err
		}
	}
	item := func(mod func(it *backorder.Item)) func() error {
		return func() error {
			it := backorder.Item{SKU: "NEW"}
			mod(&it)
			return h.eng.PutItem(h.ctx, it)
		}
	}
	otherLine := uuid.New()

	cases := []struct {
		name  string
		want  error
		field string
		op    func() error
	}{
		{"order without id", backorder.ErrInvalid, "Order.ID", order(func(o *backorder.Order) { o.ID = uuid.Nil })},
		{"order without customer", backorder.ErrInvalid, "Order.Customer", order(func(o *backorder.Order) { o.Customer = "" })},
		{"order with negative priority", backorder.ErrInvalid, "Order.Priority", order(func(o *backorder.Order) { o.Priority = -1 })},
		{"order with unknown ship policy", backorder.ErrInvalid, "Order.ShipPolicy", order(func(o *backorder.Order) { o.ShipPolicy = "someday" })},
		{"order with lowercase currency", backorder.ErrInvalid, "Order.Currency", order(func(o *backorder.Order) { o.Currency = "eur" })},
		{"order without currency", backorder.ErrInvalid, "Order.Currency", order(func(o *backorder.Order) { o.Currency = "" })},
		{"order without lines", backorder.ErrInvalid, "Order.Lines", order(func(o *backorder.Order) { o.Lines = nil })},
		{"line without id", backorder.ErrInvalid, "Order.Lines[0].ID", order(func(o *backorder.Order) { o.Lines[0].ID = uuid.Nil })},
		{"duplicate line ids", backorder.ErrInvalid, "Order.Lines[1].ID", order(func(o *backorder.Order) { o.Lines = append(o.Lines, o.Lines[0]) })},
		{"line id used by another order", backorder.ErrInvalid, "Order.Lines[0].ID", order(func(o *backorder.Order) { o.Lines[0].ID = openLine })},
		{"zero quantity", backorder.ErrInvalid, "Order.Lines[0].Qty", order(func(o *backorder.Order) { o.Lines[0].Qty = 0 })},
		{"negative quantity", backorder.ErrInvalid, "Order.Lines[0].Qty", order(func(o *backorder.Order) { o.Lines[0].Qty = -5 })},
		{"total quantity overflows", backorder.ErrInvalid, "Order.Lines[1].Qty", order(func(o *backorder.Order) {
			o.Lines[0].Qty = math.MaxInt64
			o.Lines = append(o.Lines, backorder.Line{ID: uuid.New(), SKU: "X", Qty: 1})
		})},
		{"negative price", backorder.ErrInvalid, "Order.Lines[0].UnitPrice", order(func(o *backorder.Order) { o.Lines[0].UnitPrice = decimal.NewFromInt(-1) })},
		{"empty sku", backorder.ErrInvalid, "Order.Lines[0].SKU", order(func(o *backorder.Order) { o.Lines[0].SKU = "" })},
		{"sku with NUL", backorder.ErrInvalid, "Order.Lines[0].SKU", order(func(o *backorder.Order) { o.Lines[0].SKU = "X\x00" })},
		{"sku not UTF-8", backorder.ErrInvalid, "Order.Lines[0].SKU", order(func(o *backorder.Order) { o.Lines[0].SKU = "\xff\xfe" })},
		{"sku too long", backorder.ErrInvalid, "Order.Lines[0].SKU", order(func(o *backorder.Order) { o.Lines[0].SKU = strings.Repeat("x", backorder.MaxKeyLen+1) })},
		{"unknown sku", backorder.ErrNotFound, "", order(func(o *backorder.Order) { o.Lines[0].SKU = "NOPE" })},
		{"unknown preferred location", backorder.ErrNotFound, "", order(func(o *backorder.Order) { o.Lines[0].PreferredLocation = "MARS" })},
		{"minimum above quantity", backorder.ErrInvalid, "Order.Lines[0].MinAllocation", order(func(o *backorder.Order) { o.Lines[0].MinAllocation = 6 })},
		{"negative minimum", backorder.ErrInvalid, "Order.Lines[0].MinAllocation", order(func(o *backorder.Order) { o.Lines[0].MinAllocation = -1 })},
		{"unknown protection", backorder.ErrInvalid, "Order.Lines[0].Protection", order(func(o *backorder.Order) { o.Lines[0].Protection = "maybe" })},
		{"engine-owned split set", backorder.ErrInvalid, "Order.Lines[0].", order(func(o *backorder.Order) { o.Lines[0].Shipped = 1 })},
		{"line of another order", backorder.ErrInvalid, "Order.Lines[0].OrderID", order(func(o *backorder.Order) { o.Lines[0].OrderID = uuid.New() })},
		{"second line unknown sku after a good one", backorder.ErrNotFound, "", order(func(o *backorder.Order) {
			o.Lines = append(o.Lines, backorder.Line{ID: uuid.New(), SKU: "NOPE", Qty: 1})
		})},

		{"receipt without id", backorder.ErrInvalid, "Receipt.ID", receipt(func(r *backorder.Receipt) { r.ID = "" })},
		{"receipt of zero", backorder.ErrInvalid, "Receipt.Qty", receipt(func(r *backorder.Receipt) { r.Qty = 0 })},
		{"negative receipt", backorder.ErrInvalid, "Receipt.Qty", receipt(func(r *backorder.Receipt) { r.Qty = -3 })},
		{"receipt overflows on hand", backorder.ErrInvalid, "Receipt.Qty", receipt(func(r *backorder.Receipt) { r.Qty = 1000 })},
		{"receipt of unknown sku", backorder.ErrNotFound, "", receipt(func(r *backorder.Receipt) { r.SKU = "NOPE" })},
		{"receipt at unknown location", backorder.ErrNotFound, "", receipt(func(r *backorder.Receipt) { r.Location = "MARS" })},
		{"receipt without location", backorder.ErrInvalid, "Receipt.Location", receipt(func(r *backorder.Receipt) { r.Location = "" })},
		{"receipt against unknown inbound", backorder.ErrNotFound, "", receipt(func(r *backorder.Receipt) { r.InboundID = "PO-404" })},

		{"cancel without id", backorder.ErrInvalid, "Cancellation.ID", cancel(func(c *backorder.Cancellation) { c.ID = "" })},
		{"cancel more than open", backorder.ErrInvalid, "Cancellation.Qty", cancel(func(c *backorder.Cancellation) { c.Qty = 16 })},
		{"cancel negative", backorder.ErrInvalid, "Cancellation.Qty", cancel(func(c *backorder.Cancellation) { c.Qty = -1 })},
		{"cancel unknown order", backorder.ErrNotFound, "", cancel(func(c *backorder.Cancellation) { c.OrderID = uuid.New() })},
		{"cancel without order", backorder.ErrInvalid, "Cancellation.OrderID", cancel(func(c *backorder.Cancellation) { c.OrderID = uuid.Nil })},
		{"cancel line of another order", backorder.ErrNotFound, "", cancel(func(c *backorder.Cancellation) { c.LineID = otherLine })},
		{"cancel quantity without line", backorder.ErrInvalid, "Cancellation.LineID", cancel(func(c *backorder.Cancellation) { c.LineID = uuid.Nil })},

		{"adjust by zero", backorder.ErrInvalid, "Adjustment.Delta", adjust(func(a *backorder.Adjustment) { a.Delta = 0 })},
		{"adjust below zero on hand", backorder.ErrInvalid, "Adjustment.Delta", adjust(func(a *backorder.Adjustment) { a.Delta = math.MinInt64 })},
		{"adjust overflow", backorder.ErrInvalid, "Adjustment.Delta", adjust(func(a *backorder.Adjustment) { a.Delta = math.MaxInt64 })},
		{"adjust unknown sku", backorder.ErrNotFound, "", adjust(func(a *backorder.Adjustment) { a.SKU = "NOPE" })},
		{"adjust unknown location", backorder.ErrNotFound, "", adjust(func(a *backorder.Adjustment) { a.Location = "MARS" })},
		{"count negative", backorder.ErrInvalid, "Count.OnHand", func() error {
			_, err := h.eng.CountStock(h.ctx, backorder.Count{ID: "cnt", SKU: "X", Location: "AMS", OnHand: -1})
			return err
		}},

		{"priority zero", backorder.ErrInvalid, "PriorityChange.Priority", func() error {
			_, err := h.eng.SetPriority(h.ctx, backorder.PriorityChange{ID: "p", OrderID: placed.ID, Priority: 0})
			return err
		}},
		{"priority of unknown order", backorder.ErrNotFound, "", func() error {
			_, err := h.eng.SetPriority(h.ctx, backorder.PriorityChange{ID: "p", OrderID: uuid.New(), Priority: 2})
			return err
		}},

		{"item without sku", backorder.ErrInvalid, "Item.SKU", item(func(it *backorder.Item) { it.SKU = "" })},
		{"item with unknown status", backorder.ErrInvalid, "Item.Status", item(func(it *backorder.Item) { it.Status = "gone" })},
		{"item with negative case pack", backorder.ErrInvalid, "Item.CasePack", item(func(it *backorder.Item) { it.CasePack = -6 })},
		{"item with negative lead time", backorder.ErrInvalid, "Item.LeadTime", item(func(it *backorder.Item) { it.LeadTime = -1 })},
		{"item with unknown policy", backorder.ErrInvalid, "Item.Policy", item(func(it *backorder.Item) { it.Policy = "lottery" })},
		{"item substitutes itself", backorder.ErrInvalid, "Item.Substitutes[0]", item(func(it *backorder.Item) { it.Substitutes = []string{"NEW"} })},
		{"location without id", backorder.ErrInvalid, "Location.ID", func() error { return h.eng.PutLocation(h.ctx, backorder.Location{}) }},

		{"events limit zero", backorder.ErrInvalid, "limit", func() error { _, err := h.eng.Events(h.ctx, 0, 0); return err }},
		{"book of empty sku", backorder.ErrInvalid, "SKU", func() error { _, err := h.eng.Book(h.ctx, ""); return err }},
		{"book of unknown sku", backorder.ErrNotFound, "", func() error { _, err := h.eng.Book(h.ctx, "NOPE"); return err }},
		{"unknown order", backorder.ErrNotFound, "", func() error { _, err := h.eng.Order(h.ctx, uuid.New()); return err }},
		{"availability of unknown sku", backorder.ErrNotFound, "", func() error { _, err := h.eng.Availability(h.ctx, "NOPE"); return err }},
	}
	require.GreaterOrEqual(t, len(cases), 30)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h.t = t
			err := h.fails(c.want, c.op)
			if c.field != "" {
				var ve *backorder.ValidationError
				require.ErrorAs(t, err, &ve)
				require.Equal(t, c.field, ve.Field, "%v", err)
			}
		})
	}
}
