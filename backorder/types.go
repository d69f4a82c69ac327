package backorder

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/backorderkit/backorderkit/allocation"
	"github.com/backorderkit/backorderkit/invoice"
)

// SupplyStatus says what happens to the part of a line that stock cannot
// cover today.
type SupplyStatus string

const (
	// Replenishable items take backorders: a shortfall waits in the book
	// until supply arrives. It is the zero value's meaning.
	Replenishable SupplyStatus = "replenishable"
	// NoBackorder items never wait: a shortfall is cancelled at once.
	NoBackorder SupplyStatus = "no_backorder"
	// Discontinued items are out of stock for good: a shortfall is
	// rejected, and they have no promise date.
	Discontinued SupplyStatus = "discontinued"
)

func (s SupplyStatus) valid() bool {
	switch s {
	case "", Replenishable, NoBackorder, Discontinued:
		return true
	}
	return false
}

// orDefault returns Replenishable for the zero value.
func (s SupplyStatus) orDefault() SupplyStatus {
	if s == "" {
		return Replenishable
	}
	return s
}

// Item is a SKU and the rules for its supply.
type Item struct {
	// SKU is the item's key, chosen by the host. Required.
	SKU string `json:"sku"`
	// Description is free text for people.
	Description string `json:"description,omitempty"`
	// Status decides what a shortfall becomes; empty means Replenishable.
	Status SupplyStatus `json:"status"`
	// LeadTime is the usual replenishment lead time, used to estimate a
	// promise beyond known inbound supply; zero means unknown.
	LeadTime time.Duration `json:"lead_time,omitempty"`
	// Substitutes are SKUs that may be offered in its place.
	Substitutes []string `json:"substitutes,omitempty"`
	// Policy names an allocation policy in Config.Policies that overrides
	// the engine's default for this item; empty means the default.
	Policy string `json:"policy,omitempty"`
	// CasePack makes every allocation of this item a multiple of it (or the
	// line's whole remaining quantity); 0 or 1 means any quantity.
	CasePack int64 `json:"case_pack,omitempty"`
}

// Clone returns a deep copy.
func (it Item) Clone() Item {
	it.Substitutes = slices.Clone(it.Substitutes)
	return it
}

// Location is a warehouse or other stock-holding place.
type Location struct {
	// ID is the location's key, chosen by the host. Required.
	ID string `json:"id"`
	// Name is free text for people.
	Name string `json:"name,omitempty"`
	// Rank orders locations when a line may draw from several: lower first,
	// ties by ID.
	Rank int `json:"rank,omitempty"`
}

// StockPosition is the stock of one SKU at one location.
//
// OnHand = Received + Adjusted − Shipped, and 0 ≤ Allocated ≤ OnHand.
type StockPosition struct {
	SKU       string `json:"sku"`
	Location  string `json:"location"`
	OnHand    int64  `json:"on_hand"`
	Allocated int64  `json:"allocated"`
	// Received, Adjusted and Shipped are running totals that explain OnHand.
	Received int64 `json:"received"`
	Adjusted int64 `json:"adjusted"`
	Shipped  int64 `json:"shipped"`
}

// Available is on hand less allocated: what a new demand can take.
func (p StockPosition) Available() int64 { return p.OnHand - p.Allocated }

// Inbound is expected supply: a purchase-order line or a transfer.
type Inbound struct {
	// ID is the host's key for the inbound line. Required.
	ID       string `json:"id"`
	SKU      string `json:"sku"`
	Location string `json:"location"`
	// Qty is the quantity still expected (it goes down as receipts name it).
	Qty int64 `json:"qty"`
	// Expected is when it is due to arrive.
	Expected time.Time `json:"expected"`
	// Supplier is who sends it; promise confidence is kept per supplier.
	Supplier string `json:"supplier,omitempty"`
	// Received is how much has arrived against it so far.
	Received int64 `json:"received,omitempty"`
}

// ShipPolicy says when an order's allocated quantities may leave.
type ShipPolicy string

const (
	// ShipPartial ships whatever is allocated; the rest stays backordered.
	// It is the zero value's meaning.
	ShipPartial ShipPolicy = "partial"
	// ShipComplete ships the order only when every open line is fully
	// allocated.
	ShipComplete ShipPolicy = "complete"
	// LineComplete ships a line only when it is fully allocated.
	LineComplete ShipPolicy = "line_complete"
	// FillOrKill ships what is allocated and cancels every remaining
	// backorder of the order at its first shipment.
	FillOrKill ShipPolicy = "fill_or_kill"
)

func (p ShipPolicy) valid() bool {
	switch p {
	case "", ShipPartial, ShipComplete, LineComplete, FillOrKill:
		return true
	}
	return false
}

// Protection says whether a line's allocation may be taken by higher-ranked
// lines when the engine runs with preemption. The zero value follows the
// engine's Config.Preempt.
type Protection string

const (
	// ProtectDefault follows Config.Preempt: with preemption on, the line's
	// unshipped allocation may go to lines the policy ranks ahead of it.
	ProtectDefault Protection = ""
	// ProtectKeep never gives up what the line holds.
	ProtectKeep Protection = "keep"
	// ProtectRedistribute lets higher-ranked lines take what the line holds,
	// even with preemption off.
	ProtectRedistribute Protection = "redistribute"
	// ProtectWin puts the line ahead of all ranking until it is fully
	// allocated.
	ProtectWin Protection = "win"
)

func (p Protection) valid() bool {
	switch p {
	case ProtectDefault, ProtectKeep, ProtectRedistribute, ProtectWin:
		return true
	}
	return false
}

// Order is a customer's order.
type Order struct {
	// ID is the caller's id for the order; it makes PlaceOrder safe to retry.
	ID uuid.UUID `json:"id"`
	// Ref is the host's own reference (its order number), free text.
	Ref string `json:"ref,omitempty"`
	// Customer identifies the buyer. Required.
	Customer string `json:"customer"`
	// Priority is the tier: 1 is served first. Zero means Config.DefaultPriority.
	Priority int32 `json:"priority"`
	// Placed is when the order was placed; zero means the engine's clock.
	Placed time.Time `json:"placed"`
	// ShipPolicy says when allocated quantities may ship; empty means ShipPartial.
	ShipPolicy ShipPolicy `json:"ship_policy"`
	// Currency is the ISO 4217 code of every price on the order. Required.
	Currency string `json:"currency"`
	// RequestedDate is when the customer asked to receive the goods; zero
	// means as soon as possible.
	RequestedDate time.Time `json:"requested_date,omitzero"`
	// ShipAfter holds every shipment until this time; zero means none.
	ShipAfter time.Time `json:"ship_after,omitzero"`
	// MinShipQty and MinShipValue hold a shipment of the order until it
	// carries at least this quantity (in base units, over all its lines) or
	// this value (ordered price × quantity), or until HoldUntil passes, or
	// until it would complete the order. Zero means no threshold.
	MinShipQty   int64           `json:"min_ship_qty,omitempty"`
	MinShipValue decimal.Decimal `json:"min_ship_value,omitzero"`
	// HoldUntil ends the hold of a shipment below the thresholds.
	HoldUntil time.Time `json:"hold_until,omitzero"`
	// TaxInclusive says that unit prices and charge amounts include tax.
	TaxInclusive bool `json:"tax_inclusive,omitempty"`
	// TaxRounding says whether tax is rounded per line (the default) or per
	// invoice; Rounding is the rounding mode (half up by default).
	TaxRounding invoice.TaxRounding `json:"tax_rounding,omitempty"`
	Rounding    invoice.Rounding    `json:"rounding,omitempty"`
	// Charges are order-level charges and allowances: freight, handling,
	// an order discount; each billed on the first shipment, on every
	// shipment, or prorated over the shipments.
	Charges []invoice.Charge `json:"charges,omitempty"`
	// Lines are the order's lines. At least one.
	Lines []Line `json:"lines"`
}

// Clone returns a deep copy.
func (o Order) Clone() Order {
	o.Charges = slices.Clone(o.Charges)
	if o.Lines != nil {
		lines := make([]Line, len(o.Lines))
		for i := range o.Lines {
			lines[i] = o.Lines[i].Clone()
		}
		o.Lines = lines
	}
	return o
}

// Header returns the order without its lines.
func (o Order) Header() Order {
	o.Lines = nil
	return o
}

// Line returns the line with the given id.
func (o Order) Line(id uuid.UUID) (Line, bool) {
	for _, l := range o.Lines {
		if l.ID == id {
			return l, true
		}
	}
	return Line{}, false
}

// Status is the order's state, derived from its lines.
func (o Order) Status() OrderStatus {
	if len(o.Lines) == 0 {
		return OrderStatusOpen
	}
	var open, shipped bool
	for _, l := range o.Lines {
		if l.Open() > 0 {
			open = true
		}
		if l.Shipped > 0 {
			shipped = true
		}
	}
	switch {
	case !open && shipped:
		return OrderStatusCompleted
	case !open:
		return OrderStatusCancelled
	case shipped:
		return OrderStatusPartlyShipped
	}
	return OrderStatusOpen
}

// OrderStatus is an order's derived state.
type OrderStatus string

const (
	// OrderStatusOpen has open quantity and nothing shipped yet.
	OrderStatusOpen OrderStatus = "open"
	// OrderStatusPartlyShipped has shipped something and still has open quantity.
	OrderStatusPartlyShipped OrderStatus = "partly_shipped"
	// OrderStatusCompleted has nothing open and shipped something.
	OrderStatusCompleted OrderStatus = "completed"
	// OrderStatusCancelled has nothing open and shipped nothing.
	OrderStatusCancelled OrderStatus = "cancelled"
)

// LocQty is a quantity at a location.
type LocQty struct {
	Location string `json:"location"`
	Qty      int64  `json:"qty"`
}

// Line is one SKU on an order.
//
// Its ordered quantity is always split as
// Allocated() + Shipped + Cancelled + Backordered = Qty, each ≥ 0.
type Line struct {
	// ID is the caller's id for the line, unique across orders. Required.
	ID uuid.UUID `json:"id"`
	// OrderID is set by the engine.
	OrderID uuid.UUID `json:"order_id"`
	// SKU is the item ordered. Required; the item must exist.
	SKU string `json:"sku"`
	// Qty is the ordered quantity in the item's base unit. Required, > 0.
	Qty int64 `json:"qty"`
	// UnitPrice is the price of one base unit in the order's currency, ≥ 0.
	UnitPrice decimal.Decimal `json:"unit_price"`
	// DiscountPercent (12.5 for 12.5 %) or DiscountAmount (per base unit)
	// is the line's discount; at most one of them.
	DiscountPercent decimal.Decimal `json:"discount_percent,omitzero"`
	DiscountAmount  decimal.Decimal `json:"discount_amount,omitzero"`
	// TaxPercent is the line's tax rate in percent (21 for 21 %), and
	// TaxCategory its optional category code (EN 16931 "S", "Z", …).
	TaxPercent  decimal.Decimal `json:"tax_percent,omitzero"`
	TaxCategory string          `json:"tax_category,omitempty"`
	// PreferredLocation, if set, is tried first when allocating.
	PreferredLocation string `json:"preferred_location,omitempty"`
	// MinAllocation is the smallest allocation the line accepts at once
	// (a minimum ship quantity; Qty means fill-or-kill per line). 0: any.
	MinAllocation int64 `json:"min_allocation,omitempty"`
	// Protection says whether higher-ranked lines may take its allocation.
	Protection Protection `json:"protection,omitempty"`
	// ShipPolicy overrides the order's ship policy for this line; empty
	// means the order's.
	ShipPolicy ShipPolicy `json:"ship_policy,omitempty"`
	// ShipGroup names lines of the order that must ship together.
	ShipGroup string `json:"ship_group,omitempty"`

	// Seq is the line's arrival sequence in its SKU's book, set by the engine.
	Seq int64 `json:"seq"`
	// Allocations is the stock reserved for the line, by location, sorted by
	// location; no entry is zero.
	Allocations []LocQty `json:"allocations,omitempty"`
	// Committed is the part of Allocations on created, unconfirmed
	// shipments, by location (sorted, no zeros). Committed stock is never
	// taken by preemption, cancellation or a stock shrink.
	Committed []LocQty `json:"committed,omitempty"`
	// Shipped, Cancelled and Backordered are the rest of the split.
	Shipped     int64 `json:"shipped"`
	Cancelled   int64 `json:"cancelled"`
	Backordered int64 `json:"backordered"`
	// Rejected is the part of Cancelled refused at placement because the
	// item is discontinued.
	Rejected int64 `json:"rejected,omitempty"`
	// CancelReason says why the last cancellation happened.
	CancelReason string `json:"cancel_reason,omitempty"`
}

// Clone returns a deep copy.
func (l Line) Clone() Line {
	l.Allocations = slices.Clone(l.Allocations)
	l.Committed = slices.Clone(l.Committed)
	return l
}

// Allocated is the line's total allocation across locations.
func (l Line) Allocated() int64 {
	var n int64
	for _, a := range l.Allocations {
		n += a.Qty
	}
	return n
}

// AllocatedAt is the line's allocation at one location.
func (l Line) AllocatedAt(loc string) int64 { return qtyAt(l.Allocations, loc) }

// CommittedAt is the line's allocation at one location that is on created
// shipments.
func (l Line) CommittedAt(loc string) int64 { return qtyAt(l.Committed, loc) }

// FreeAt is the line's allocation at loc that no shipment has committed.
func (l Line) FreeAt(loc string) int64 { return l.AllocatedAt(loc) - l.CommittedAt(loc) }

func qtyAt(qs []LocQty, loc string) int64 {
	for _, a := range qs {
		if a.Location == loc {
			return a.Qty
		}
	}
	return 0
}

// Open is what is neither shipped nor cancelled: allocated + backordered.
func (l Line) Open() int64 { return l.Allocated() + l.Backordered }

// addAllocation changes the allocation at loc by delta, keeping the slice
// sorted and free of zero entries.
func (l *Line) addAllocation(loc string, delta int64) {
	l.Allocations = addQty(l.Allocations, loc, delta)
}

// addCommitted changes the committed allocation at loc by delta.
func (l *Line) addCommitted(loc string, delta int64) { l.Committed = addQty(l.Committed, loc, delta) }

// addQty adds delta at loc to a sorted, zero-free list.
func addQty(qs []LocQty, loc string, delta int64) []LocQty {
	i, found := findQty(qs, loc)
	if !found {
		if delta == 0 {
			return qs
		}
		return slices.Insert(qs, i, LocQty{Location: loc, Qty: delta})
	}
	qs[i].Qty += delta
	if qs[i].Qty == 0 {
		qs = slices.Delete(qs, i, i+1)
	}
	return qs
}

// findQty returns where loc's quantity is in qs, sorted by location, or
// would be: one by one in a short list (a line is held at a few
// locations, and a binary search through a function value cost more), by
// halves in a long one.
func findQty(qs []LocQty, loc string) (int, bool) {
	if len(qs) <= 8 {
		for i := range qs {
			if l := qs[i].Location; l == loc { // equality first, as skuState.find
				return i, true
			} else if l > loc {
				return i, false
			}
		}
		return len(qs), false
	}
	return slices.BinarySearchFunc(qs, loc, func(a LocQty, loc string) int {
		switch {
		case a.Location < loc:
			return -1
		case a.Location > loc:
			return 1
		}
		return 0
	})
}

// Status is the line's state, derived from its split.
func (l Line) Status() LineStatus {
	alloc := l.Allocated()
	switch {
	case l.Backordered > 0 && alloc > 0:
		return LineStatusPartlyAllocated
	case l.Backordered > 0:
		return LineStatusBackordered
	case alloc > 0:
		return LineStatusAllocated
	case l.Shipped > 0:
		return LineStatusShipped
	}
	return LineStatusCancelled
}

// LineStatus is a line's derived state.
type LineStatus string

const (
	// LineStatusBackordered waits for supply and holds nothing.
	LineStatusBackordered LineStatus = "backordered"
	// LineStatusPartlyAllocated holds some stock and waits for the rest.
	LineStatusPartlyAllocated LineStatus = "partly_allocated"
	// LineStatusAllocated holds all its open quantity and waits to ship.
	LineStatusAllocated LineStatus = "allocated"
	// LineStatusShipped has nothing open and shipped something.
	LineStatusShipped LineStatus = "shipped"
	// LineStatusCancelled has nothing open and shipped nothing.
	LineStatusCancelled LineStatus = "cancelled"
)

// BookEntry is the compact index entry of an open line in its SKU's book:
// what allocation needs to rank and serve it without reading whole orders.
// The engine writes it whenever the line's open quantity changes; a line with
// nothing open has no entry.
type BookEntry struct {
	SKU      string    `json:"sku"`
	LineID   uuid.UUID `json:"line_id"`
	OrderID  uuid.UUID `json:"order_id"`
	Customer string    `json:"customer"`
	Priority int32     `json:"priority"`
	Placed   time.Time `json:"placed"`
	Seq      int64     `json:"seq"`
	// Backordered is the quantity waiting for supply.
	Backordered int64 `json:"backordered"`
	// Allocations is what the line holds, by location (sorted, no zeros).
	Allocations []LocQty `json:"allocations,omitempty"`
	// Committed is the part of Allocations on created shipments.
	Committed     []LocQty   `json:"committed,omitempty"`
	MinAllocation int64      `json:"min_allocation,omitempty"`
	Protection    Protection `json:"protection,omitempty"`
	// RequestedDate is the customer's requested date, for lateness.
	RequestedDate time.Time `json:"requested_date,omitzero"`
	// Promise is the line's last projected promise while it waits; the
	// engine compares a new projection with it to raise PromiseChanged
	// only when the date really moves.
	Promise PromiseDate `json:"promise,omitzero"`
}

// PromiseKind says how a promise was made.
type PromiseKind string

const (
	// PromiseNone: no date can be given (a discontinued item, or no lead
	// time known and no supply in sight). Never a made-up date.
	PromiseNone PromiseKind = "none"
	// PromiseCovered: known supply (stock and inbound) covers the line.
	PromiseCovered PromiseKind = "covered"
	// PromiseEstimated: known supply leaves part short; the rest is dated
	// by the item's lead time.
	PromiseEstimated PromiseKind = "estimated"
)

// PromiseDate is the stored part of a promise: when the line's backordered
// quantity is expected to be allocated (Ready) and to arrive (Delivery).
type PromiseDate struct {
	Kind     PromiseKind `json:"kind,omitempty"`
	Ready    time.Time   `json:"ready,omitzero"`
	Delivery time.Time   `json:"delivery,omitzero"`
}

// equal compares promises by kind and instants (not by time zone). Times
// that are identical values are the same instant, which is the common case
// (a receipt compares every waiting line's promise) and cheaper to see
// than with Equal.
func (p *PromiseDate) equal(q *PromiseDate) bool {
	return p.Kind == q.Kind && (p.Ready == q.Ready || p.Ready.Equal(q.Ready)) &&
		(p.Delivery == q.Delivery || p.Delivery.Equal(q.Delivery))
}

// Clone returns a deep copy.
func (e BookEntry) Clone() BookEntry {
	e.Allocations = slices.Clone(e.Allocations)
	e.Committed = slices.Clone(e.Committed)
	return e
}

// AllocatedAt is the entry's allocation at one location.
func (e BookEntry) AllocatedAt(loc string) int64 { return qtyAt(e.Allocations, loc) }

// FreeAt is the entry's allocation at loc that no shipment has committed:
// what preemption or a shrink may take.
func (e BookEntry) FreeAt(loc string) int64 { return e.AllocatedAt(loc) - qtyAt(e.Committed, loc) }

// Open reports whether the entry's line has anything open.
func (e BookEntry) Open() bool { return e.Backordered > 0 || len(e.Allocations) > 0 }

// Command is the record of an applied command, kept so that a repeat of the
// same command id returns the first result and changes nothing.
type Command struct {
	// Key is the command's kind and caller-supplied id, such as
	// "receive/R-1001".
	Key string `json:"key"`
	// Result is the first result, as JSON. The engine may leave out fields
	// at their zero value (a placed order's lines leave out their zero
	// counters), which decoding reads as zero.
	Result json.RawMessage `json:"result"`
	// At is when it was applied.
	At time.Time `json:"at"`
}

// Clone returns a deep copy.
func (c Command) Clone() Command {
	c.Result = slices.Clone(c.Result)
	return c
}

// toAllocation maps a line's protection, under the engine's preemption
// setting, to the allocation package's class.
func (p Protection) toAllocation(preempt bool) allocation.Protection {
	switch p {
	case ProtectRedistribute:
		return allocation.Redistribute
	case ProtectWin:
		return allocation.Win
	case ProtectKeep:
		return allocation.Keep
	}
	if preempt {
		return allocation.Redistribute
	}
	return allocation.Keep
}
