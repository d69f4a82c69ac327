package backorder

import (
	"cmp"
	"context"
	"maps"
	"math"
	"math/bits"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

// Hold reasons: why an order, or part of it, does not ship now.
const (
	HoldShipAfter      = "ship_after"      // the order's ShipAfter is in the future
	HoldShipComplete   = "ship_complete"   // a ShipComplete order has a short line
	HoldLineComplete   = "line_complete"   // a LineComplete line is short
	HoldShipGroup      = "ship_group"      // a line of the ship group is short
	HoldBelowThreshold = "below_threshold" // under MinShipQty or MinShipValue
	HoldNothing        = "nothing_allocated"
)

// ShipmentPlan is a shipment the engine would create now: the free
// allocations of one order at one location that its ship policy lets go.
type ShipmentPlan struct {
	OrderID  uuid.UUID      `json:"order_id"`
	Location string         `json:"location"`
	Lines    []ShipmentLine `json:"lines"`
	Qty      int64          `json:"qty"`
	// Value is the lines' quantity × unit price.
	Value decimal.Decimal `json:"value"`
}

// HeldLine says why a line with free allocation does not ship now.
type HeldLine struct {
	LineID uuid.UUID `json:"line_id"`
	Reason string    `json:"reason"`
}

// OrderPlan is what an order would ship now, and what it holds back.
type OrderPlan struct {
	OrderID   uuid.UUID      `json:"order_id"`
	Shipments []ShipmentPlan `json:"shipments"`
	Held      []HeldLine     `json:"held,omitempty"`
}

// planOrder decides what of o ships at now, by its ship policies, ship
// groups, dates and thresholds. It reads nothing but o. The plans' Value is
// filled only withValues (or when the order has a minimum value).
func planOrder(o *Order, now time.Time, rank locRanks, withValues bool) OrderPlan {
	plan := OrderPlan{OrderID: o.ID}
	policy := func(l *Line) ShipPolicy {
		if l.ShipPolicy != "" {
			return l.ShipPolicy
		}
		return o.ShipPolicy
	}
	free := func(l *Line) int64 { return allocatedOf(l) - committedOf(l) }
	hold := func(l *Line, why string) { plan.Held = append(plan.Held, HeldLine{LineID: l.ID, Reason: why}) }

	// ok is on the stack for a common order: planning runs three times in
	// a plan-ship-confirm cycle.
	var okBuf [32]bool
	ok := okBuf[:0]
	if len(o.Lines) > len(okBuf) {
		ok = make([]bool, 0, len(o.Lines))
	}
	for i := range o.Lines {
		ok = append(ok, free(&o.Lines[i]) > 0)
	}
	if !now.Before(o.ShipAfter) {
		// Complete-shipping rules, then ship groups. The lines are read
		// through pointers: a Line is some 300 bytes.
		shortComplete := false
		var shortGroup map[string]bool // made only for an order with ship groups
		for i := range o.Lines {
			l := &o.Lines[i]
			if policy(l) == ShipComplete && l.Backordered > 0 {
				shortComplete = true
			}
			if l.ShipGroup != "" && l.Backordered > 0 {
				if shortGroup == nil {
					shortGroup = map[string]bool{}
				}
				shortGroup[l.ShipGroup] = true
			}
		}
		for i := range o.Lines {
			l := &o.Lines[i]
			if !ok[i] {
				continue
			}
			switch {
			case policy(l) == ShipComplete && shortComplete:
				ok[i] = false
				hold(l, HoldShipComplete)
			case policy(l) == LineComplete && l.Backordered > 0:
				ok[i] = false
				hold(l, HoldLineComplete)
			case l.ShipGroup != "" && shortGroup[l.ShipGroup]:
				ok[i] = false
				hold(l, HoldShipGroup)
			}
		}
	} else {
		for i := range o.Lines {
			if ok[i] {
				ok[i] = false
				hold(&o.Lines[i], HoldShipAfter)
			}
		}
		return plan
	}

	// The plans are built in place in plan.Shipments, found by location
	// with a linear search (an order ships from a few locations; a map
	// and a box per plan cost more than the search). Each plan's lines
	// get room for every line that ships, so that appending never grows
	// them.
	shipping := 0
	for i := range ok {
		if ok[i] {
			shipping++
		}
	}
	var total int64
	// sums[k] adds up plan.Shipments[k]'s value.
	var sumsBuf [4]valueSum
	sums := sumsBuf[:0]
	// Money is computed only when someone reads it: decimal arithmetic
	// allocates, and shipping an order needs no value unless a minimum
	// value holds it.
	values := withValues || o.MinShipValue.IsPositive()
	completes := true
	for i := range o.Lines {
		l := &o.Lines[i]
		if !ok[i] {
			if openOf(l) > 0 {
				completes = false
			}
			continue
		}
		if l.Backordered > 0 && policy(l) != FillOrKill {
			completes = false
		}
		for _, a := range l.Allocations {
			q := a.Qty - qtyAt(l.Committed, a.Location)
			if q <= 0 {
				continue
			}
			k := slices.IndexFunc(plan.Shipments, func(p ShipmentPlan) bool { return p.Location == a.Location })
			if k < 0 {
				k = len(plan.Shipments)
				plan.Shipments = append(plan.Shipments, ShipmentPlan{OrderID: o.ID, Location: a.Location, Value: decimal.Zero,
					Lines: make([]ShipmentLine, 0, shipping)})
				sums = append(sums, valueSum{})
			}
			p := &plan.Shipments[k]
			p.Lines = append(p.Lines, ShipmentLine{LineID: l.ID, SKU: l.SKU, Qty: q})
			p.Qty += q
			if values {
				sums[k].add(l.UnitPrice, q)
			}
			total += q
		}
	}
	if len(plan.Shipments) == 0 {
		return plan
	}
	if values {
		for k := range plan.Shipments {
			plan.Shipments[k].Value = sums[k].value()
		}
	}
	below := o.MinShipQty > 0 && total < o.MinShipQty
	if o.MinShipValue.IsPositive() {
		value := decimal.Zero
		for _, p := range plan.Shipments {
			value = value.Add(p.Value)
		}
		below = below || value.LessThan(o.MinShipValue)
	}
	if below && !completes && (o.HoldUntil.IsZero() || now.Before(o.HoldUntil)) {
		for i := range o.Lines {
			if ok[i] {
				hold(&o.Lines[i], HoldBelowThreshold)
			}
		}
		plan.Shipments = nil
		return plan
	}
	if len(plan.Shipments) > 1 {
		slices.SortFunc(plan.Shipments, func(a, b ShipmentPlan) int {
			if c := cmp.Compare(rank.of(a.Location), rank.of(b.Location)); c != 0 {
				return c
			}
			return cmp.Compare(a.Location, b.Location)
		})
	}
	return plan
}

// valueSum adds up a plan's value, each line's quantity × unit price,
// exactly as decimal.Zero.Add(price.Mul(decimal.NewFromInt(qty))) line
// after line gives it (its exponent the least of 0 and the prices'). It
// sums in int64 while every price's coefficient fits and nothing overflows
// (decimal arithmetic allocated four times per line of every plan), and
// goes on in decimal from there otherwise. The zero value is an empty sum.
type valueSum struct {
	coef int64 // the sum is coef × 10^exp, until slow
	exp  int32
	slow bool
	dec  decimal.Decimal // the sum, once slow
}

// add adds price × qty.
func (v *valueSum) add(price decimal.Decimal, qty int64) {
	if !v.slow && v.addInt64(price, qty) {
		return
	}
	if !v.slow {
		v.slow, v.dec = true, decimal.New(v.coef, v.exp)
	}
	v.dec = v.dec.Add(price.Mul(decimal.NewFromInt(qty)))
}

// addInt64 adds price × qty in int64, and reports false, changing
// nothing, when a price does not fit or a product or sum would overflow.
func (v *valueSum) addInt64(price decimal.Decimal, qty int64) bool {
	e := price.Exponent()
	if e > 0 || e < -maxPow10 || price.Sign() < 0 || price.NumDigits() > maxPow10 {
		return false
	}
	x, ok := mulInt64(price.CoefficientInt64(), qty)
	if !ok {
		return false
	}
	sum, exp := v.coef, v.exp
	switch {
	case e < exp:
		if sum, ok = mulInt64(sum, pow10s[exp-e]); !ok {
			return false
		}
		exp = e
	case e > exp:
		if x, ok = mulInt64(x, pow10s[e-exp]); !ok {
			return false
		}
	}
	if sum > math.MaxInt64-x {
		return false
	}
	v.coef, v.exp = sum+x, exp
	return true
}

// value returns the sum.
func (v *valueSum) value() decimal.Decimal {
	if v.slow {
		return v.dec
	}
	return decimal.New(v.coef, v.exp)
}

// maxPow10 is the largest power of ten in pow10s.
const maxPow10 = 18

// pow10s[n] is 10ⁿ.
var pow10s = func() (p [maxPow10 + 1]int64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// mulInt64 returns a × b for a, b ≥ 0, and reports false if it overflows.
func mulInt64(a, b int64) (int64, bool) {
	if a < 0 || b < 0 {
		return 0, false
	}
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	return int64(lo), true
}

// locRanks gives each location's Rank (0 for an unknown one), by a linear
// search of the locations: a store has few, and a map of them, made for
// every plan, cost more than the search.
type locRanks []Location

func (r locRanks) of(id string) int {
	for i := range r {
		if r[i].ID == id {
			return r[i].Rank
		}
	}
	return 0
}

// locRanker returns the ranks of the store's locations.
func (w *work) locRanker() (locRanks, error) {
	locs, err := w.locations()
	if err != nil {
		return nil, err
	}
	return locRanks(locs), nil
}

// PlanShipments says what the order would ship now, by location, and what
// it holds back and why. It changes nothing.
func (e *Engine) PlanShipments(ctx context.Context, orderID uuid.UUID) (OrderPlan, error) {
	var plan OrderPlan
	err := e.view(ctx, func(tx Tx) error {
		w := e.getWork(tx, "")
		defer e.putWork(w)
		o, err := w.readOrder(orderID)
		if err != nil {
			return notFound(err, "order", orderID.String())
		}
		rank, err := w.locRanker()
		if err != nil {
			return err
		}
		plan = planOrder(&o, w.now, rank, true)
		return nil
	})
	return plan, err
}

// PlanAll plans every open order that has something to ship now, in the
// order stock is owed: by priority, then placed time, then order id.
func (e *Engine) PlanAll(ctx context.Context) ([]OrderPlan, error) {
	var out []OrderPlan
	err := e.view(ctx, func(tx Tx) error {
		w := e.getWork(tx, "")
		defer e.putWork(w)
		rank, err := w.locRanker()
		if err != nil {
			return err
		}
		var orders []Order
		after := uuid.Nil
		for {
			ids, err := tx.OpenOrders(after, 1000)
			if err != nil {
				return err
			}
			for _, id := range ids {
				o, err := tx.Order(id)
				if err != nil {
					return err
				}
				orders = append(orders, o)
			}
			if len(ids) < 1000 {
				break
			}
			after = ids[len(ids)-1]
		}
		slices.SortFunc(orders, func(a, b Order) int {
			if c := cmp.Compare(a.Priority, b.Priority); c != 0 {
				return c
			}
			if c := a.Placed.Compare(b.Placed); c != 0 {
				return c
			}
			return cmp.Compare(a.ID.String(), b.ID.String())
		})
		for i := range orders {
			if p := planOrder(&orders[i], w.now, rank, true); len(p.Shipments) > 0 {
				out = append(out, p)
			}
		}
		return nil
	})
	return out, err
}

// ShipRequest asks to create the shipments an order may ship now.
type ShipRequest struct {
	// ID is the caller's command id; a repeat returns the first result and
	// changes nothing. Required.
	ID      string    `json:"id"`
	OrderID uuid.UUID `json:"order_id"`
	// Location, if set, ships only from this location.
	Location string `json:"location,omitempty"`
	// Consolidate prefers the fewest shipments: when one location can serve
	// everything the order would ship (from the order's allocation there
	// and the location's available stock), the order's allocations at
	// other locations move there first, and the stock they free goes to
	// those locations' books.
	Consolidate bool `json:"consolidate,omitempty"`
}

// ShipResult is the shipments created, and what was held back.
type ShipResult struct {
	Shipments []Shipment `json:"shipments"`
	Held      []HeldLine `json:"held,omitempty"`
	// Cancelled lists backorders a FillOrKill order gave up at its first
	// shipment.
	Cancelled []LineResult `json:"cancelled,omitempty"`
}

// Ship creates the shipments that the order's ship policy lets go now, one
// per location. A created shipment commits its quantities: they stay
// allocated, but no preemption, cancellation or shrink can take them, until
// the shipment is confirmed or voided. A FillOrKill order cancels its
// remaining backorders at its first shipment. With nothing to ship, Ship
// returns no shipments and says in Held why.
func (e *Engine) Ship(ctx context.Context, r ShipRequest) (ShipResult, error) {
	if err := validKey("ShipRequest.ID", r.ID); err != nil {
		return ShipResult{}, err
	}
	if r.OrderID == uuid.Nil {
		return ShipResult{}, invalid("ShipRequest.OrderID", "is required")
	}
	if err := validText("ShipRequest.Location", r.Location); err != nil {
		return ShipResult{}, err
	}
	return command(ctx, e, "ship/"+r.ID, func(w *work) (ShipResult, error) {
		return w.ship(r)
	})
}

func (w *work) ship(r ShipRequest) (ShipResult, error) {
	o, err := w.readOrder(r.OrderID)
	if err != nil {
		return ShipResult{}, notFound(err, "order", r.OrderID.String())
	}
	w.headers.set(o.ID, keysOf(&o))
	w.useOrder(&o)
	if r.Location != "" {
		if err := w.checkLocation(r.Location); err != nil {
			return ShipResult{}, err
		}
	}
	rank, err := w.locRanker()
	if err != nil {
		return ShipResult{}, err
	}
	plan := planOrder(&o, w.now, rank, false)
	if r.Consolidate && len(plan.Shipments) > 1 && r.Location == "" {
		moved, err := w.consolidate(&o, plan)
		if err != nil {
			return ShipResult{}, err
		}
		if moved {
			plan = planOrder(&o, w.now, rank, false)
		}
	}
	res := ShipResult{Held: plan.Held}
	// The order's earlier shipments matter only to a FillOrKill line that
	// waits (it gives its backorder up at the order's first shipment), so
	// they are read only for such an order, before this one adds any.
	killing := false
	for i := range o.Lines {
		if l := &o.Lines[i]; l.Backordered > 0 && cmp.Or(l.ShipPolicy, o.ShipPolicy) == FillOrKill {
			killing = true
			break
		}
	}
	firstShipment := true
	if killing {
		prior, err := w.tx.Shipments(o.ID)
		if err != nil {
			return ShipResult{}, err
		}
		firstShipment = len(prior) == 0
	}
	for _, p := range plan.Shipments {
		if r.Location != "" && p.Location != r.Location {
			continue
		}
		sh := Shipment{ID: w.e.newID(), OrderID: o.ID, Location: p.Location, Status: ShipmentStatusCreated,
			Lines: p.Lines, CreatedAt: w.now}
		for _, sl := range sh.Lines {
			l, err := w.line(sl.LineID)
			if err != nil {
				return ShipResult{}, err
			}
			if cap(l.Committed) == 0 {
				l.Committed = w.spareQty() // rather than a small allocation per line
			}
			l.addCommitted(p.Location, sl.Qty)
			// Committing stock changes only the line and its entry.
			if err := w.touch(w.skuForEntries(l.SKU), l); err != nil {
				return ShipResult{}, err
			}
		}
		if err := w.tx.PutShipment(sh); err != nil {
			return ShipResult{}, err
		}
		w.emit(Event{Type: ShipmentCreated, OrderID: o.ID, ShipmentID: sh.ID, Location: sh.Location, Qty: sh.Qty()})
		res.Shipments = append(res.Shipments, sh)
	}
	if len(res.Shipments) > 0 && firstShipment && killing {
		for i := range o.Lines {
			ol := &o.Lines[i]
			pol := ol.ShipPolicy
			if pol == "" {
				pol = o.ShipPolicy
			}
			if pol != FillOrKill || ol.Backordered == 0 {
				continue
			}
			l, err := w.line(ol.ID)
			if err != nil {
				return ShipResult{}, err
			}
			s, err := w.sku(l.SKU)
			if err != nil {
				return ShipResult{}, err
			}
			q := l.Backordered
			l.Backordered = 0
			l.Cancelled += q
			l.CancelReason = "fill_or_kill"
			if err := w.touch(s, l); err != nil {
				return ShipResult{}, err
			}
			w.emit(Event{Type: BackorderCancelled, OrderID: o.ID, LineID: l.ID, SKU: l.SKU, Qty: q, Reason: l.CancelReason})
			res.Cancelled = append(res.Cancelled, lineResult(l))
		}
	}
	return res, nil
}

// consolidate moves the order's planned quantities to the first location
// (in location order) that can serve them all, and reports whether it moved
// anything. o is updated in place.
func (w *work) consolidate(o *Order, plan OrderPlan) (bool, error) {
	need := map[string]int64{} // SKU → quantity the plan ships
	for _, p := range plan.Shipments {
		for _, sl := range p.Lines {
			need[sl.SKU] += sl.Qty
		}
	}
	locs, err := w.locations()
	if err != nil {
		return false, err
	}
	for _, loc := range locs {
		fits := true
		for sku, q := range need {
			s, err := w.sku(sku)
			if err != nil {
				return false, err
			}
			var here int64
			for _, p := range plan.Shipments {
				if p.Location != loc.ID {
					continue
				}
				for _, sl := range p.Lines {
					if sl.SKU == sku {
						here += sl.Qty
					}
				}
			}
			if here+s.available(loc.ID) < q {
				fits = false
				break
			}
		}
		if !fits {
			continue
		}
		released := map[string]map[string]bool{}
		for _, p := range plan.Shipments {
			if p.Location == loc.ID {
				continue
			}
			for _, sl := range p.Lines {
				l, err := w.line(sl.LineID)
				if err != nil {
					return false, err
				}
				s, err := w.sku(l.SKU)
				if err != nil {
					return false, err
				}
				l.addAllocation(p.Location, -sl.Qty)
				s.position(p.Location).Allocated -= sl.Qty
				l.addAllocation(loc.ID, sl.Qty)
				s.position(loc.ID).Allocated += sl.Qty
				if err := w.touch(s, l); err != nil {
					return false, err
				}
				w.emit(Event{Type: LineDeallocated, OrderID: o.ID, LineID: l.ID, SKU: l.SKU, Location: p.Location, Qty: sl.Qty, Reason: "consolidated"})
				w.emit(Event{Type: LineAllocated, OrderID: o.ID, LineID: l.ID, SKU: l.SKU, Location: loc.ID, Qty: sl.Qty, Reason: "consolidated"})
				if released[l.SKU] == nil {
					released[l.SKU] = map[string]bool{}
				}
				released[l.SKU][p.Location] = true
				for i := range o.Lines {
					if o.Lines[i].ID == l.ID {
						o.Lines[i] = l.Clone()
					}
				}
			}
		}
		// SKUs in sorted order, never map order: the same inputs must give
		// the same events (invariant 8).
		skus := slices.Sorted(maps.Keys(released))
		for _, l := range locs {
			for _, sku := range skus {
				if released[sku][l.ID] {
					if err := w.allocateAt(w.skus[sku], l.ID); err != nil {
						return false, err
					}
				}
			}
		}
		// Other lines of the order may have been served by the release.
		for i := range o.Lines {
			if l, ok := w.heldLine(o.Lines[i].ID); ok {
				o.Lines[i] = l.Clone()
			}
		}
		return true, nil
	}
	return false, nil
}

// Confirmation confirms that a shipment left.
type Confirmation struct {
	ShipmentID uuid.UUID `json:"shipment_id"`
	Carrier    string    `json:"carrier,omitempty"`
	Tracking   string    `json:"tracking,omitempty"`
}

// ConfirmShipment records that a created shipment left: on hand and
// allocation go down at its location, and its lines' shipped quantity up.
// When nothing of the order is open any more, OrderCompleted is raised.
// Confirming the same shipment again returns the first result and changes
// nothing; a voided shipment cannot be confirmed.
func (e *Engine) ConfirmShipment(ctx context.Context, c Confirmation) (Shipment, error) {
	if c.ShipmentID == uuid.Nil {
		return Shipment{}, invalid("Confirmation.ShipmentID", "is required")
	}
	if err := validText("Confirmation.Carrier", c.Carrier); err != nil {
		return Shipment{}, err
	}
	if err := validText("Confirmation.Tracking", c.Tracking); err != nil {
		return Shipment{}, err
	}
	return command(ctx, e, commandKey("confirm/", c.ShipmentID), func(w *work) (Shipment, error) {
		sh, err := w.createdShipment(c.ShipmentID, "Confirmation.ShipmentID")
		if err != nil {
			return Shipment{}, err
		}
		// The order is read once, for its lines and to see whether it is
		// done: reading each line, then the order again, cost a copy of
		// every line twice.
		o, err := w.readOrder(sh.OrderID)
		if err != nil {
			return Shipment{}, notFound(err, "order", sh.OrderID.String())
		}
		w.headers.set(o.ID, keysOf(&o))
		w.useOrder(&o)
		for _, sl := range sh.Lines {
			l, err := w.line(sl.LineID)
			if err != nil {
				return Shipment{}, err
			}
			// Positions and entries only: confirming changes neither
			// book nor promises, so the item and policy are not read.
			s, err := w.skuForStock(l.SKU)
			if err != nil {
				return Shipment{}, err
			}
			l.addCommitted(sh.Location, -sl.Qty)
			l.addAllocation(sh.Location, -sl.Qty)
			l.Shipped += sl.Qty
			pos := s.position(sh.Location)
			pos.OnHand -= sl.Qty
			pos.Allocated -= sl.Qty
			pos.Shipped += sl.Qty
			if err := w.touch(s, l); err != nil {
				return Shipment{}, err
			}
			// Shipping committed stock changes neither what is available
			// nor what waits: the SKU's promises stand, and projecting them
			// again would only cost a read of its book.
			s.reproject = false
		}
		sh.Status = ShipmentStatusConfirmed
		sh.ConfirmedAt = w.now
		sh.Carrier, sh.Tracking = c.Carrier, c.Tracking
		if err := w.tx.PutShipment(sh); err != nil {
			return Shipment{}, err
		}
		w.emit(Event{Type: ShipmentConfirmed, OrderID: sh.OrderID, ShipmentID: sh.ID, Location: sh.Location, Qty: sh.Qty()})
		w.completeIfDone(&o)
		if w.e.autoInvoice {
			if _, err := w.bill(sh.ID); err != nil {
				return Shipment{}, err
			}
		}
		return sh, nil
	})
}

// createdShipment reads a shipment that may still be confirmed or voided:
// one in status created. field names the request's field in the error.
func (w *work) createdShipment(id uuid.UUID, field string) (Shipment, error) {
	sh, err := w.tx.Shipment(id)
	if err != nil {
		return Shipment{}, notFound(err, "shipment", id.String())
	}
	if sh.Status != ShipmentStatusCreated {
		return Shipment{}, invalid(field, "shipment %s is %s, not created", sh.ID, sh.Status)
	}
	return sh, nil
}

// completeIfDone raises OrderCompleted when nothing of the order is open.
// o is the order as the operation read it; its lines that the operation
// holds are read from the work.
func (w *work) completeIfDone(o *Order) {
	for i := range o.Lines {
		l := &o.Lines[i]
		if wl, ok := w.heldLine(l.ID); ok {
			l = wl
		}
		if openOf(l) > 0 {
			return
		}
	}
	w.emit(Event{Type: OrderCompleted, OrderID: o.ID})
}

// VoidRequest cancels a created shipment before it leaves.
type VoidRequest struct {
	ShipmentID uuid.UUID `json:"shipment_id"`
	// Release sends the shipment's quantities back to the book instead of
	// keeping them allocated to their lines.
	Release bool   `json:"release,omitempty"`
	Reason  string `json:"reason,omitempty"`
}

// VoidShipment cancels a created shipment: its quantities stay allocated
// to their lines (or, with Release, return to the book, where the policy
// hands them out again at once). Voiding the same shipment again returns the
// first result; a confirmed shipment cannot be voided.
func (e *Engine) VoidShipment(ctx context.Context, v VoidRequest) (Shipment, error) {
	if v.ShipmentID == uuid.Nil {
		return Shipment{}, invalid("VoidRequest.ShipmentID", "is required")
	}
	if err := validText("VoidRequest.Reason", v.Reason); err != nil {
		return Shipment{}, err
	}
	return command(ctx, e, "void/"+v.ShipmentID.String(), func(w *work) (Shipment, error) {
		sh, err := w.createdShipment(v.ShipmentID, "VoidRequest.ShipmentID")
		if err != nil {
			return Shipment{}, err
		}
		var skus []*skuState
		for _, sl := range sh.Lines {
			l, err := w.line(sl.LineID)
			if err != nil {
				return Shipment{}, err
			}
			s, err := w.sku(l.SKU)
			if err != nil {
				return Shipment{}, err
			}
			l.addCommitted(sh.Location, -sl.Qty)
			if v.Release {
				if err := w.loadBook(s); err != nil {
					return Shipment{}, err
				}
				l.addAllocation(sh.Location, -sl.Qty)
				s.position(sh.Location).Allocated -= sl.Qty
				w.emit(Event{Type: LineDeallocated, OrderID: l.OrderID, LineID: l.ID, SKU: l.SKU, Location: sh.Location, Qty: sl.Qty, Reason: "shipment_voided"})
				w.unallocated(s, l, sl.Qty, "shipment_voided", false)
				if !slices.Contains(skus, s) {
					skus = append(skus, s)
				}
			}
			if err := w.touch(s, l); err != nil {
				return Shipment{}, err
			}
		}
		sh.Status = ShipmentStatusVoided
		sh.VoidedAt = w.now
		if err := w.tx.PutShipment(sh); err != nil {
			return Shipment{}, err
		}
		w.emit(Event{Type: ShipmentVoided, OrderID: sh.OrderID, ShipmentID: sh.ID, Location: sh.Location, Qty: sh.Qty(), Reason: v.Reason})
		for _, s := range skus {
			if err := w.allocateAt(s, sh.Location); err != nil {
				return Shipment{}, err
			}
		}
		return sh, nil
	})
}

// ReturnRequest records goods that came back after a shipment was confirmed.
type ReturnRequest struct {
	// ID is the caller's command id (an RMA number); a repeat changes
	// nothing. Required.
	ID         string       `json:"id"`
	ShipmentID uuid.UUID    `json:"shipment_id"`
	Lines      []ReturnLine `json:"lines"`
	Reason     string       `json:"reason,omitempty"`
}

// ReturnLine is a returned quantity of one shipment line.
type ReturnLine struct {
	LineID uuid.UUID `json:"line_id"`
	Qty    int64     `json:"qty"`
}

// ReturnShipment puts returned goods back on hand at the shipment's
// location as an adjustment with the reason, records the return on the
// shipment, and hands the stock to the book. The order lines keep their
// shipped quantity: a return is credited (see Credit), not re-shipped.
func (e *Engine) ReturnShipment(ctx context.Context, r ReturnRequest) (Shipment, error) {
	if err := validKey("ReturnRequest.ID", r.ID); err != nil {
		return Shipment{}, err
	}
	if r.ShipmentID == uuid.Nil {
		return Shipment{}, invalid("ReturnRequest.ShipmentID", "is required")
	}
	if len(r.Lines) == 0 {
		return Shipment{}, invalid("ReturnRequest.Lines", "a return needs at least one line")
	}
	for i, rl := range r.Lines {
		if rl.Qty <= 0 {
			return Shipment{}, invalid(fieldf("ReturnRequest.Lines[%d].Qty", i), "must be > 0, got %d", rl.Qty)
		}
	}
	return command(ctx, e, "return/"+r.ID, func(w *work) (Shipment, error) {
		sh, err := w.tx.Shipment(r.ShipmentID)
		if err != nil {
			return Shipment{}, notFound(err, "shipment", r.ShipmentID.String())
		}
		if sh.Status != ShipmentStatusConfirmed {
			return Shipment{}, invalid("ReturnRequest.ShipmentID", "shipment %s is %s, not confirmed", sh.ID, sh.Status)
		}
		var skus []*skuState
		for i, rl := range r.Lines {
			k := slices.IndexFunc(sh.Lines, func(sl ShipmentLine) bool { return sl.LineID == rl.LineID })
			if k < 0 {
				return Shipment{}, invalid(fieldf("ReturnRequest.Lines[%d].LineID", i), "line %s is not on shipment %s", rl.LineID, sh.ID)
			}
			sl := &sh.Lines[k]
			if rl.Qty > sl.Qty-sl.Returned {
				return Shipment{}, invalid(fieldf("ReturnRequest.Lines[%d].Qty", i), "%d is more than the %d shipped and not yet returned", rl.Qty, sl.Qty-sl.Returned)
			}
			sl.Returned += rl.Qty
			s, err := w.sku(sl.SKU)
			if err != nil {
				return Shipment{}, err
			}
			pos := s.position(sh.Location)
			pos.OnHand += rl.Qty
			pos.Adjusted += rl.Qty
			w.emit(Event{Type: ShipmentReturned, OrderID: sh.OrderID, ShipmentID: sh.ID, LineID: sl.LineID, SKU: sl.SKU, Location: sh.Location, Qty: rl.Qty, Reason: r.Reason})
			w.emit(Event{Type: StockAdjusted, SKU: sl.SKU, Location: sh.Location, Qty: rl.Qty, Reason: "return: " + r.Reason})
			if !slices.Contains(skus, s) {
				skus = append(skus, s)
			}
		}
		if err := w.tx.PutShipment(sh); err != nil {
			return Shipment{}, err
		}
		for _, s := range skus {
			if err := w.allocateAt(s, sh.Location); err != nil {
				return Shipment{}, err
			}
		}
		return sh, nil
	})
}
