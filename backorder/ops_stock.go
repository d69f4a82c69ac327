package backorder

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"reflect"
	"slices"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/allocation"
)

// PutItem creates or replaces an item. Making an item Discontinued or
// NoBackorder cancels every backordered quantity of its book (nothing waits
// for an item that takes no backorders); a changed policy or case pack
// re-runs allocation over its stock.
// Putting an item equal to the stored one changes nothing.
func (e *Engine) PutItem(ctx context.Context, it Item) error {
	if err := validateItem(it, e.policies); err != nil {
		return err
	}
	it = it.Clone()
	it.Status = it.Status.orDefault()
	return e.update(ctx, func(tx Tx) error {
		old, err := tx.Item(it.SKU)
		existed := err == nil
		if err != nil && !isNotFound(err) {
			return err
		}
		if existed && reflect.DeepEqual(old, it) {
			return nil
		}
		if err := tx.PutItem(it); err != nil {
			return err
		}
		w := e.getWork(tx, "item/"+it.SKU)
		defer e.putWork(w)
		w.emit(Event{Type: ItemChanged, SKU: it.SKU, Reason: string(it.Status)})
		if existed {
			s, err := w.sku(it.SKU)
			if err != nil {
				return err
			}
			if it.Status != Replenishable {
				// Nothing waits for an item that takes no backorders.
				if err := w.cancelWaiting(s, string(it.Status)); err != nil {
					return err
				}
			}
			if err := w.allocateAll(s); err != nil {
				return err
			}
		}
		return w.flush()
	})
}

func validateItem(it Item, policies map[string]allocation.Policy) error {
	if err := validKey("Item.SKU", it.SKU); err != nil {
		return err
	}
	if !it.Status.valid() {
		return invalid("Item.Status", "unknown supply status %q", it.Status)
	}
	if it.LeadTime < 0 {
		return invalid("Item.LeadTime", "must be ≥ 0, got %s", it.LeadTime)
	}
	if it.CasePack < 0 {
		return invalid("Item.CasePack", "must be ≥ 0, got %d", it.CasePack)
	}
	if it.Policy != "" {
		if _, ok := policies[it.Policy]; !ok {
			return invalid("Item.Policy", "unknown policy %q", it.Policy)
		}
	}
	for i, sub := range it.Substitutes {
		f := fmt.Sprintf("Item.Substitutes[%d]", i)
		if err := validKey(f, sub); err != nil {
			return err
		}
		if sub == it.SKU {
			return invalid(f, "an item cannot substitute itself")
		}
	}
	return nil
}

// cancelWaiting cancels the backordered quantity of every waiting line of
// the SKU.
func (w *work) cancelWaiting(s *skuState, reason string) error {
	if err := w.loadBook(s); err != nil {
		return err
	}
	for _, en := range s.waiting(nil) {
		l, err := w.line(en.LineID)
		if err != nil {
			return err
		}
		q := l.Backordered
		l.Backordered = 0
		l.Cancelled += q
		l.CancelReason = reason
		if err := w.touch(s, l); err != nil {
			return err
		}
		w.emit(Event{Type: BackorderCancelled, OrderID: l.OrderID, LineID: l.ID, SKU: l.SKU, Qty: q, Reason: reason})
	}
	return nil
}

// PutLocation creates or replaces a location.
func (e *Engine) PutLocation(ctx context.Context, loc Location) error {
	if err := validKey("Location.ID", loc.ID); err != nil {
		return err
	}
	return e.update(ctx, func(tx Tx) error { return tx.PutLocation(loc) })
}

// Adjustment changes on-hand stock by a signed quantity: a damage, a find,
// a correction.
type Adjustment struct {
	// ID is the caller's command id; a repeat changes nothing. Required.
	ID       string `json:"id"`
	SKU      string `json:"sku"`
	Location string `json:"location"`
	// Delta is the signed change of on hand; not zero.
	Delta int64 `json:"delta"`
	// Reason is recorded on the StockAdjusted event.
	Reason string `json:"reason,omitempty"`
}

// Count sets on-hand stock to a counted quantity (a cycle count).
type Count struct {
	// ID is the caller's command id; a repeat changes nothing. Required.
	ID       string `json:"id"`
	SKU      string `json:"sku"`
	Location string `json:"location"`
	// OnHand is the counted quantity, ≥ 0.
	OnHand int64 `json:"on_hand"`
	// Reason is recorded on the StockAdjusted event.
	Reason string `json:"reason,omitempty"`
}

// StockResult is the position after a stock change, with the allocations it
// caused.
type StockResult struct {
	Position StockPosition `json:"position"`
	// Allocated are the lines that got stock, in the order they got it.
	Allocated []Grant `json:"allocated,omitempty"`
	// Deallocated are the lines that lost stock because on hand fell below
	// what was allocated.
	Deallocated []Grant `json:"deallocated,omitempty"`
}

// Grant is a quantity given to (or taken from) one line.
type Grant struct {
	OrderID  uuid.UUID `json:"order_id"`
	LineID   uuid.UUID `json:"line_id"`
	Location string    `json:"location"`
	Qty      int64     `json:"qty"`
}

// AdjustStock changes on hand by a.Delta. When on hand falls below what is
// allocated, the lines the policy ranks last lose their allocation and
// return to the book (or are cancelled, for an item that takes no
// backorders). Added stock goes to the book at once.
func (e *Engine) AdjustStock(ctx context.Context, a Adjustment) (StockResult, error) {
	if err := validKey("Adjustment.ID", a.ID); err != nil {
		return StockResult{}, err
	}
	if err := validSKULoc("Adjustment", a.SKU, a.Location); err != nil {
		return StockResult{}, err
	}
	if a.Delta == 0 {
		return StockResult{}, invalid("Adjustment.Delta", "must not be 0")
	}
	return hinted(ctx, e, "adjust/"+a.ID, skuHint(a.SKU), func(w *work) (StockResult, error) {
		return w.adjust(a.SKU, a.Location, func(onHand int64) (int64, error) {
			if (a.Delta > 0 && onHand > math.MaxInt64-a.Delta) || onHand+a.Delta < 0 {
				return 0, invalid("Adjustment.Delta", "%d would take on hand %d out of [0, max int64]", a.Delta, onHand)
			}
			return a.Delta, nil
		}, a.Reason)
	})
}

// CountStock sets on hand to a counted quantity, then acts as AdjustStock
// with the difference. A count equal to on hand changes nothing but is
// recorded.
func (e *Engine) CountStock(ctx context.Context, c Count) (StockResult, error) {
	if err := validKey("Count.ID", c.ID); err != nil {
		return StockResult{}, err
	}
	if err := validSKULoc("Count", c.SKU, c.Location); err != nil {
		return StockResult{}, err
	}
	if c.OnHand < 0 {
		return StockResult{}, invalid("Count.OnHand", "must be ≥ 0, got %d", c.OnHand)
	}
	return hinted(ctx, e, "count/"+c.ID, skuHint(c.SKU), func(w *work) (StockResult, error) {
		return w.adjust(c.SKU, c.Location, func(onHand int64) (int64, error) {
			return c.OnHand - onHand, nil
		}, c.Reason)
	})
}

// adjust applies the change delta(onHand) to the position and deals with
// its consequences.
func (w *work) adjust(sku, loc string, delta func(onHand int64) (int64, error), reason string) (StockResult, error) {
	s, err := w.sku(sku)
	if err != nil {
		return StockResult{}, err
	}
	if err := w.checkLocation(loc); err != nil {
		return StockResult{}, err
	}
	pos := s.position(loc)
	d, err := delta(pos.OnHand)
	if err != nil {
		return StockResult{}, err
	}
	if d == 0 {
		return StockResult{Position: *pos}, nil
	}
	if (d > 0 && pos.Adjusted > math.MaxInt64-d) || (d < 0 && pos.Adjusted < math.MinInt64-d) {
		return StockResult{}, invalid("Delta", "adjusted total would overflow")
	}
	pos.OnHand += d
	pos.Adjusted += d
	w.emit(Event{Type: StockAdjusted, SKU: sku, Location: loc, Qty: d, Reason: reason})
	mark := len(w.events)
	if pos.Allocated > pos.OnHand {
		if err := w.shrink(s, loc, pos.Allocated-pos.OnHand); err != nil {
			return StockResult{}, err
		}
		// The lines that lost stock wait again, and stock that minimums or
		// case packs held back at other locations may fit them now.
		if err := w.allocateAll(s); err != nil {
			return StockResult{}, err
		}
	} else if err := w.allocateAt(s, loc); err != nil {
		return StockResult{}, err
	}
	res := StockResult{Position: *s.position(loc)}
	res.Allocated, res.Deallocated = w.grantsSince(mark)
	return res, nil
}

// shrink takes qty of allocation at loc back from the lines the policy ranks
// last. Their quantity returns to the book, or is cancelled when the item
// takes no backorders.
func (w *work) shrink(s *skuState, loc string, qty int64) error {
	if err := w.loadHolders(s, loc); err != nil {
		return err
	}
	var holders []*BookEntry
	for i := range s.book {
		if freeAt(&s.book[i], loc) > 0 {
			holders = append(holders, &s.book[i])
		}
	}
	for _, en := range s.extra {
		if freeAt(en, loc) > 0 {
			holders = append(holders, en)
		}
	}
	slices.SortFunc(holders, func(a, b *BookEntry) int { return cmp.Compare(a.Seq, b.Seq) })
	demands := make([]allocation.Demand, len(holders))
	for i, en := range holders {
		demands[i] = w.demand(s, en, loc)
	}
	order := allocation.Rank(s.policy, nil, demands)
	for k := len(order) - 1; k >= 0 && qty > 0; k-- {
		en := holders[order[k]]
		l, err := w.line(en.LineID)
		if err != nil {
			return err
		}
		take := min(l.FreeAt(loc), qty)
		qty -= take
		l.addAllocation(loc, -take)
		s.position(loc).Allocated -= take
		w.emit(Event{Type: LineDeallocated, OrderID: l.OrderID, LineID: l.ID, SKU: l.SKU, Location: loc, Qty: take, Reason: "stock_adjusted"})
		w.unallocated(s, l, take, "stock_adjusted", true)
		if err := w.touch(s, l); err != nil {
			return err
		}
	}
	if qty > 0 {
		return invalid("OnHand", "%s at %s would fall %d below what created shipments hold; confirm or void them first", s.item.SKU, loc, qty)
	}
	return nil
}

// grantsSince lists the allocations and deallocations raised since event
// index mark.
func (w *work) grantsSince(mark int) (alloc, dealloc []Grant) {
	for _, ev := range w.events[mark:] {
		g := Grant{OrderID: ev.OrderID, LineID: ev.LineID, Location: ev.Location, Qty: ev.Qty}
		switch ev.Type {
		case LineAllocated:
			alloc = append(alloc, g)
		case LineDeallocated:
			dealloc = append(dealloc, g)
		}
	}
	return alloc, dealloc
}

// checkLocation verifies that a location exists.
func (w *work) checkLocation(id string) error {
	locs, err := w.locations()
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(locs, func(l Location) bool { return l.ID == id }) {
		return &NotFoundError{Kind: "location", Key: id}
	}
	return nil
}
