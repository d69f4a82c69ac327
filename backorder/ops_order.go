package backorder

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/invoice"
)

// PlaceResult says, per line, what placing an order did.
type PlaceResult struct {
	OrderID uuid.UUID    `json:"order_id"`
	Lines   []LineResult `json:"lines"`
}

// LineResult is a line's split right after an operation.
type LineResult struct {
	LineID uuid.UUID `json:"line_id"`
	SKU    string    `json:"sku"`
	// Allocated is what the line holds, by location.
	Allocated   []LocQty `json:"allocated,omitempty"`
	Backordered int64    `json:"backordered"`
	Cancelled   int64    `json:"cancelled"`
	Rejected    int64    `json:"rejected"`
	// Reason says why quantity was cancelled or rejected.
	Reason string `json:"reason,omitempty"`
}

func lineResult(l *Line) LineResult {
	return LineResult{LineID: l.ID, SKU: l.SKU, Allocated: slices.Clone(l.Allocations),
		Backordered: l.Backordered, Cancelled: l.Cancelled, Rejected: l.Rejected, Reason: l.CancelReason}
}

// PlaceOrder accepts an order. Each line takes available stock (its
// preferred location first, then the others by Rank and ID; a line may draw
// from several), and its shortfall follows the item's status: Replenishable
// waits in the book (backordered), NoBackorder is cancelled, Discontinued is
// rejected. A new line joins its SKU's book at its policy rank: it takes
// stock that waiting lines could not, and never takes what others hold
// unless the engine preempts and the policy ranks it ahead.
//
// o.ID is the command id: placing the same order id again returns the first
// result and changes nothing.
func (e *Engine) PlaceOrder(ctx context.Context, o Order) (PlaceResult, error) {
	if err := validateOrder(&o); err != nil {
		return PlaceResult{}, err
	}
	return e.placeCalls.run(ctx, e, commandKey("order/", o.ID), &o, (*Order).hint, placeOrder)
}

// placeOrder is PlaceOrder's operation. It places a copy of o: a retry
// after a conflict must start from the order as the caller gave it.
func placeOrder(w *work, o *Order) (PlaceResult, error) {
	return w.placeOrder(w.placing(o))
}

// hint names what placing o reads: the order and its line ids (each
// checked to be new), the locations, and its lines' SKUs and sequences.
func (o *Order) hint(h *Hint) {
	h.Orders = append(h.Orders, o.ID)
	h.Locations = true
	for i := range o.Lines {
		l := &o.Lines[i]
		h.SKUs = append(h.SKUs, l.SKU)
		h.Lines = append(h.Lines, l.ID)
		h.Sequences = append(h.Sequences, lineSequence(l.SKU))
	}
}

// lineSequence names the sequence that numbers the lines of sku in arrival
// order.
func lineSequence(sku string) string { return "seq/" + sku }

// lineSequence is lineSequence from the work's cache of names, which a
// pooled work keeps from one operation to the next: building the name
// was an allocation per line of every order placed.
func (w *work) lineSequence(sku string) string {
	if n, ok := w.seqNames[sku]; ok {
		return n
	}
	if w.seqNames == nil || len(w.seqNames) >= keepMap {
		w.seqNames = make(map[string]string)
	}
	n := lineSequence(sku)
	w.seqNames[sku] = n
	return n
}

// placing copies o into the work's own order, which one attempt at placing
// it changes. The copy's lines, each with room for an allocation at one
// location, are the work's memory, reused from one order to the next: the
// store copies the order when flush writes it, and the result is built
// from fresh memory, so placing an order copies it once into memory of its
// own (the store's) instead of twice. Charges are shared with the caller:
// the engine only reads them.
func (w *work) placing(o *Order) *Order {
	p := &w.placed
	*p = *o
	w.placedLines = append(w.placedLines[:0], o.Lines...)
	p.Lines = w.placedLines
	w.placedQs = slices.Grow(w.placedQs[:0], len(p.Lines))[:len(p.Lines)]
	for i := range p.Lines {
		p.Lines[i].Allocations = w.placedQs[i : i : i+1] // empty (validateOrder checked)
	}
	return p
}

// commandKey returns prefix followed by id's canonical form, in one
// allocation.
func commandKey(prefix string, id uuid.UUID) string {
	var buf [64]byte
	return string(appendUUIDText(append(buf[:0], prefix...), id))
}

func validateOrder(o *Order) error {
	if o.ID == uuid.Nil {
		return invalid("Order.ID", "is required")
	}
	if err := validKey("Order.Customer", o.Customer); err != nil {
		return err
	}
	if err := validText("Order.Ref", o.Ref); err != nil {
		return err
	}
	if o.Priority < 0 {
		return invalid("Order.Priority", "must be ≥ 0, got %d", o.Priority)
	}
	if !o.ShipPolicy.valid() {
		return invalid("Order.ShipPolicy", "unknown ship policy %q", o.ShipPolicy)
	}
	if err := validCurrency("Order.Currency", o.Currency); err != nil {
		return err
	}
	if len(o.Lines) == 0 {
		return invalid("Order.Lines", "an order needs at least one line")
	}
	// Duplicate line ids: a short order compares ids pairwise, which is
	// cheaper than a map; a long one uses a map.
	var seen map[uuid.UUID]bool
	if len(o.Lines) > linearLines {
		seen = make(map[uuid.UUID]bool, len(o.Lines))
	}
	var total int64
	for i := range o.Lines {
		l := &o.Lines[i]
		f := func(name string) string { return fmt.Sprintf("Order.Lines[%d].%s", i, name) }
		if l.ID == uuid.Nil {
			return invalid(f("ID"), "is required")
		}
		if seen != nil {
			if seen[l.ID] {
				return invalid(f("ID"), "duplicates line id %s", l.ID)
			}
			seen[l.ID] = true
		} else {
			for j := range i {
				if o.Lines[j].ID == l.ID {
					return invalid(f("ID"), "duplicates line id %s", l.ID)
				}
			}
		}
		if l.OrderID != uuid.Nil && l.OrderID != o.ID {
			return invalid(f("OrderID"), "is %s, not the order's id", l.OrderID)
		}
		if r := keyProblem(l.SKU); r != "" {
			return invalid(f("SKU"), "%s", r)
		}
		if l.Qty <= 0 {
			return invalid(f("Qty"), "must be > 0, got %d", l.Qty)
		}
		if total > math.MaxInt64-l.Qty {
			return invalid(f("Qty"), "the order's total quantity overflows int64")
		}
		total += l.Qty
		if l.UnitPrice.IsNegative() {
			return invalid(f("UnitPrice"), "must be ≥ 0, got %s", l.UnitPrice)
		}
		if r := textProblem(l.PreferredLocation); r != "" {
			return invalid(f("PreferredLocation"), "%s", r)
		}
		if l.MinAllocation < 0 || l.MinAllocation > l.Qty {
			return invalid(f("MinAllocation"), "must be in [0, Qty=%d], got %d", l.Qty, l.MinAllocation)
		}
		if !l.Protection.valid() {
			return invalid(f("Protection"), "unknown protection %q", l.Protection)
		}
		if !l.ShipPolicy.valid() {
			return invalid(f("ShipPolicy"), "unknown ship policy %q", l.ShipPolicy)
		}
		if r := textProblem(l.ShipGroup); r != "" {
			return invalid(f("ShipGroup"), "%s", r)
		}
		if l.Seq != 0 || len(l.Allocations) > 0 || len(l.Committed) > 0 || l.Shipped != 0 || l.Cancelled != 0 || l.Backordered != 0 || l.Rejected != 0 {
			return invalid(f(""), "the split fields (Seq, Allocations, Shipped, Cancelled, Backordered, Rejected) are the engine's and must be zero")
		}
	}
	return validatePricing(o)
}

// linearLines is the most lines for which validateOrder finds duplicate
// ids by comparing them pairwise.
const linearLines = 32

// validCurrency checks that c is an active ISO 4217 code.
func validCurrency(field, c string) error {
	if _, err := invoice.LookupCurrency(c); err != nil {
		return invalid(field, "must be an active ISO 4217 code such as EUR, got %q", c)
	}
	return nil
}

func (w *work) placeOrder(o *Order) (PlaceResult, error) {
	if found, err := w.orderExists(o.ID); err != nil {
		return PlaceResult{}, err
	} else if found {
		return PlaceResult{}, invalid("Order.ID", "order %s exists already", o.ID)
	}
	if o.Priority == 0 {
		o.Priority = w.e.defaultPriority
	}
	if o.Placed.IsZero() {
		o.Placed = w.now
	}
	if o.ShipPolicy == "" {
		o.ShipPolicy = ShipPartial
	}
	var total int64
	// skus[i] is line i's SKU state, looked up once.
	skus := w.placedSKUs[:0]
	defer func() { w.placedSKUs = skus }()
	for i := range o.Lines {
		l := &o.Lines[i]
		f := func(name string) string { return fmt.Sprintf("Order.Lines[%d].%s", i, name) }
		if found, err := w.lineExists(l.ID); err != nil {
			return PlaceResult{}, err
		} else if found {
			return PlaceResult{}, invalid(f("ID"), "line %s exists already", l.ID)
		}
		s, err := w.sku(l.SKU)
		if err != nil {
			return PlaceResult{}, err
		}
		skus = append(skus, s)
		if l.PreferredLocation != "" {
			if err := w.checkLocation(l.PreferredLocation); err != nil {
				return PlaceResult{}, err
			}
		}
		seq, err := w.tx.NextSequence(w.lineSequence(l.SKU))
		if err != nil {
			return PlaceResult{}, err
		}
		l.OrderID = o.ID
		l.Seq = seq
		l.Backordered = l.Qty
		total += l.Qty
	}
	po := o
	w.newOrders = append(w.newOrders, po)
	w.emit(Event{Type: OrderPlaced, OrderID: o.ID, Customer: o.Customer, Qty: total})
	for i := range po.Lines {
		l := &po.Lines[i]
		// The line is written with its order: it is not a read line,
		// which flush writes one by one.
		w.holdLine(l, false)
		s := skus[i]
		if err := w.loadBook(s); err != nil {
			return PlaceResult{}, err
		}
		if err := w.touch(s, l); err != nil {
			return PlaceResult{}, err
		}
	}
	locs, err := w.locations()
	if err != nil {
		return PlaceResult{}, err
	}
	for i := range po.Lines {
		l := &po.Lines[i]
		s := skus[i]
		if l.PreferredLocation != "" && s.available(l.PreferredLocation) > 0 {
			if err := w.allocateAt(s, l.PreferredLocation); err != nil {
				return PlaceResult{}, err
			}
		}
		for _, loc := range locs {
			if l.Backordered == 0 {
				break
			}
			if loc.ID != l.PreferredLocation && (w.e.preempt || s.available(loc.ID) > 0) {
				if err := w.allocateAt(s, loc.ID); err != nil {
					return PlaceResult{}, err
				}
			}
		}
	}
	// The result's allocations are copied into one block of their own:
	// the lines are the work's memory.
	n := 0
	for i := range po.Lines {
		n += len(po.Lines[i].Allocations)
	}
	var qs []LocQty
	if n > 0 {
		qs = make([]LocQty, 0, n)
	}
	res := PlaceResult{OrderID: o.ID, Lines: make([]LineResult, len(po.Lines))}
	for i := range po.Lines {
		l := &po.Lines[i]
		if len(l.Allocations) == 0 {
			l.Allocations = nil // as a line that never held anything
		}
		s := skus[i]
		if b := l.Backordered; b > 0 {
			switch s.item.Status.orDefault() {
			case Replenishable:
				w.emit(Event{Type: LineBackordered, OrderID: o.ID, LineID: l.ID, SKU: l.SKU, Qty: b})
			case NoBackorder:
				l.Backordered, l.Cancelled, l.CancelReason = 0, l.Cancelled+b, "no_backorder"
				w.emit(Event{Type: LineCancelled, OrderID: o.ID, LineID: l.ID, SKU: l.SKU, Qty: b, Reason: l.CancelReason})
			case Discontinued:
				l.Backordered, l.Cancelled, l.Rejected, l.CancelReason = 0, l.Cancelled+b, l.Rejected+b, "discontinued"
				w.emit(Event{Type: LineRejected, OrderID: o.ID, LineID: l.ID, SKU: l.SKU, Qty: b, Reason: l.CancelReason})
			}
			if err := w.touch(s, l); err != nil {
				return PlaceResult{}, err
			}
		}
		var alloc []LocQty
		if len(l.Allocations) > 0 {
			k := len(qs)
			qs = append(qs, l.Allocations...)
			alloc = qs[k:len(qs):len(qs)]
		}
		res.Lines[i] = LineResult{LineID: l.ID, SKU: l.SKU, Allocated: alloc,
			Backordered: l.Backordered, Cancelled: l.Cancelled, Rejected: l.Rejected, Reason: l.CancelReason}
	}
	return res, nil
}

// Cancellation cancels open quantity of one line, or of a whole order.
type Cancellation struct {
	// ID is the caller's command id; a repeat changes nothing. Required.
	ID      string    `json:"id"`
	OrderID uuid.UUID `json:"order_id"`
	// LineID is the line to cancel; zero means every line of the order.
	LineID uuid.UUID `json:"line_id,omitzero"`
	// Qty is how much to cancel; 0 means all that is open. A positive Qty
	// needs a LineID and may not exceed the line's open quantity.
	Qty int64 `json:"qty,omitempty"`
	// Reason is recorded on the line and its events.
	Reason string `json:"reason,omitempty"`
}

// CancelResult is the split of each line the cancellation touched.
type CancelResult struct {
	OrderID uuid.UUID    `json:"order_id"`
	Lines   []LineResult `json:"lines"`
	// Released is the stock the cancellation freed, and Reallocated where
	// it went at once.
	Released    []LocQty `json:"released,omitempty"`
	Reallocated []Grant  `json:"reallocated,omitempty"`
}

// Cancel cancels open quantity: backordered quantity first, then allocated
// (the last location in location order first). Released stock goes to the
// book at once.
func (e *Engine) Cancel(ctx context.Context, c Cancellation) (CancelResult, error) {
	if err := validKey("Cancellation.ID", c.ID); err != nil {
		return CancelResult{}, err
	}
	if c.OrderID == uuid.Nil {
		return CancelResult{}, invalid("Cancellation.OrderID", "is required")
	}
	if c.Qty < 0 {
		return CancelResult{}, invalid("Cancellation.Qty", "must be ≥ 0, got %d", c.Qty)
	}
	if c.Qty > 0 && c.LineID == uuid.Nil {
		return CancelResult{}, invalid("Cancellation.LineID", "is required with a quantity")
	}
	if err := validText("Cancellation.Reason", c.Reason); err != nil {
		return CancelResult{}, err
	}
	return command(ctx, e, "cancel/"+c.ID, func(w *work) (CancelResult, error) {
		return w.cancel(c)
	})
}

func (w *work) cancel(c Cancellation) (CancelResult, error) {
	o, err := w.tx.Order(c.OrderID)
	if err != nil {
		return CancelResult{}, notFound(err, "order", c.OrderID.String())
	}
	w.headers.set(o.ID, keysOf(&o))
	reason := c.Reason
	if reason == "" {
		reason = "cancelled"
	}
	var targets []uuid.UUID
	if c.LineID != uuid.Nil {
		l, ok := o.Line(c.LineID)
		if !ok {
			return CancelResult{}, &NotFoundError{Kind: "line", Key: c.LineID.String()}
		}
		if c.Qty > l.Open()-committed(l) {
			return CancelResult{}, invalid("Cancellation.Qty", "%d is more than the line's open quantity %d not on a shipment", c.Qty, l.Open()-committed(l))
		}
		targets = []uuid.UUID{l.ID}
	} else {
		for _, l := range o.Lines {
			targets = append(targets, l.ID)
		}
	}
	locs, err := w.locations()
	if err != nil {
		return CancelResult{}, err
	}
	res := CancelResult{OrderID: o.ID}
	released := map[string]map[string]int64{} // sku → location → qty
	var skus, touched []string
	for _, id := range targets {
		l, err := w.line(id)
		if err != nil {
			return CancelResult{}, err
		}
		q := c.Qty
		if q == 0 {
			q = l.Open() - committed(*l)
		}
		if q == 0 {
			continue
		}
		s, err := w.sku(l.SKU)
		if err != nil {
			return CancelResult{}, err
		}
		if !slices.Contains(touched, l.SKU) {
			touched = append(touched, l.SKU)
		}
		fromBook := min(q, l.Backordered)
		l.Backordered -= fromBook
		rest := q - fromBook
		for k := len(locs) - 1; k >= 0 && rest > 0; k-- {
			loc := locs[k].ID
			t := min(rest, l.FreeAt(loc))
			if t == 0 {
				continue
			}
			rest -= t
			l.addAllocation(loc, -t)
			s.position(loc).Allocated -= t
			if released[l.SKU] == nil {
				released[l.SKU] = map[string]int64{}
				skus = append(skus, l.SKU)
			}
			released[l.SKU][loc] += t
			w.emit(Event{Type: LineDeallocated, OrderID: l.OrderID, LineID: l.ID, SKU: l.SKU, Location: loc, Qty: t, Reason: reason})
		}
		if rest > 0 {
			return CancelResult{}, fmt.Errorf("backorder: line %s allocated at an unknown location (corrupt line)", l.ID)
		}
		l.Cancelled += q
		l.CancelReason = reason
		if err := w.touch(s, l); err != nil {
			return CancelResult{}, err
		}
		w.emit(Event{Type: LineCancelled, OrderID: l.OrderID, LineID: l.ID, SKU: l.SKU, Qty: q, Reason: reason})
		res.Lines = append(res.Lines, lineResult(l))
	}
	if len(res.Lines) == 0 {
		return CancelResult{}, invalid("Cancellation", "nothing is open to cancel")
	}
	mark := len(w.events)
	for _, sku := range skus {
		for _, loc := range locs {
			if q := released[sku][loc.ID]; q > 0 {
				res.Released = append(res.Released, LocQty{Location: loc.ID, Qty: q})
			}
		}
	}
	// Freed stock goes to the book; and a line whose backorder shrank
	// may now fit stock that its minimum or case pack held back anywhere.
	for _, sku := range touched {
		if err := w.allocateAll(w.skus[sku]); err != nil {
			return CancelResult{}, err
		}
	}
	res.Reallocated, _ = w.grantsSince(mark)
	return res, nil
}

// PriorityChange moves an order to another tier.
type PriorityChange struct {
	// ID is the caller's command id; a repeat changes nothing. Required.
	ID       string    `json:"id"`
	OrderID  uuid.UUID `json:"order_id"`
	Priority int32     `json:"priority"`
}

// PriorityResult lists what the re-ranking moved.
type PriorityResult struct {
	OrderID     uuid.UUID `json:"order_id"`
	From        int32     `json:"from"`
	To          int32     `json:"to"`
	Allocated   []Grant   `json:"allocated,omitempty"`
	Deallocated []Grant   `json:"deallocated,omitempty"`
}

// SetPriority moves an order to another tier; its open lines re-rank in
// their books. With preemption on, allocations move as the policy says.
func (e *Engine) SetPriority(ctx context.Context, p PriorityChange) (PriorityResult, error) {
	if err := validKey("PriorityChange.ID", p.ID); err != nil {
		return PriorityResult{}, err
	}
	if p.OrderID == uuid.Nil {
		return PriorityResult{}, invalid("PriorityChange.OrderID", "is required")
	}
	if p.Priority < 1 {
		return PriorityResult{}, invalid("PriorityChange.Priority", "must be ≥ 1, got %d", p.Priority)
	}
	return command(ctx, e, "priority/"+p.ID, func(w *work) (PriorityResult, error) {
		o, err := w.tx.Order(p.OrderID)
		if err != nil {
			return PriorityResult{}, notFound(err, "order", p.OrderID.String())
		}
		res := PriorityResult{OrderID: o.ID, From: o.Priority, To: p.Priority}
		if o.Priority == p.Priority {
			return res, nil
		}
		o.Priority = p.Priority
		w.headers.set(o.ID, keysOf(&o))
		if err := w.tx.PutOrder(o.Header()); err != nil {
			return PriorityResult{}, err
		}
		w.emit(Event{Type: PriorityChanged, OrderID: o.ID, From: int64(res.From), To: int64(res.To)})
		mark := len(w.events)
		var touched []*skuState
		for _, ol := range o.Lines {
			if ol.Open() == 0 {
				continue
			}
			s, err := w.sku(ol.SKU)
			if err != nil {
				return PriorityResult{}, err
			}
			if err := w.loadBook(s); err != nil {
				return PriorityResult{}, err
			}
			l, err := w.line(ol.ID)
			if err != nil {
				return PriorityResult{}, err
			}
			if en := s.entry(l.ID); en != nil {
				en.Priority = p.Priority
			}
			if err := w.touch(s, l); err != nil {
				return PriorityResult{}, err
			}
			if !slices.Contains(touched, s) {
				touched = append(touched, s)
			}
		}
		for _, s := range touched {
			if err := w.allocateAll(s); err != nil {
				return PriorityResult{}, err
			}
		}
		res.Allocated, res.Deallocated = w.grantsSince(mark)
		return res, nil
	})
}

// committed is the line's total allocation on created shipments.
func committed(l Line) int64 {
	var n int64
	for _, c := range l.Committed {
		n += c.Qty
	}
	return n
}
