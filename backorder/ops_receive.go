package backorder

import (
	"context"
	"math"
)

// Receipt is stock that arrived at a location.
type Receipt struct {
	// ID is the caller's command id (a goods-receipt number); a repeat
	// changes nothing. Required.
	ID       string `json:"id"`
	SKU      string `json:"sku"`
	Location string `json:"location"`
	// Qty is the quantity received, > 0.
	Qty int64 `json:"qty"`
	// InboundID, if set, names the expected supply this receipt fills: its
	// expected quantity goes down by Qty (not below zero).
	InboundID string `json:"inbound_id,omitempty"`
}

// ReceiveResult is the position after a receipt and where the stock went.
type ReceiveResult struct {
	Position StockPosition `json:"position"`
	// Allocated are the lines that got stock, in the order they got it.
	Allocated []Grant `json:"allocated,omitempty"`
}

// Receive raises on hand, reduces the named inbound supply, and hands the
// stock to the SKU's book in policy order.
func (e *Engine) Receive(ctx context.Context, r Receipt) (ReceiveResult, error) {
	if err := validKey("Receipt.ID", r.ID); err != nil {
		return ReceiveResult{}, err
	}
	if err := validSKULoc("Receipt", r.SKU, r.Location); err != nil {
		return ReceiveResult{}, err
	}
	if r.Qty <= 0 {
		return ReceiveResult{}, invalid("Receipt.Qty", "must be > 0, got %d", r.Qty)
	}
	if err := validText("Receipt.InboundID", r.InboundID); err != nil {
		return ReceiveResult{}, err
	}
	return e.receiveCalls.run(ctx, e, "receive/"+r.ID, &r, (*Receipt).hint, receive)
}

// hint names what receiving r reads: its SKU's stock and book.
func (r *Receipt) hint(h *Hint) { hintSKU(h, r.SKU) }

// receive is Receive's operation.
func receive(w *work, r *Receipt) (ReceiveResult, error) { return w.receive(*r) }

func (w *work) receive(r Receipt) (ReceiveResult, error) {
	s, err := w.sku(r.SKU)
	if err != nil {
		return ReceiveResult{}, err
	}
	if err := w.checkLocation(r.Location); err != nil {
		return ReceiveResult{}, err
	}
	if r.InboundID != "" {
		in, err := w.tx.Inbound(r.InboundID)
		if err != nil {
			return ReceiveResult{}, notFound(err, "inbound", r.InboundID)
		}
		if in.SKU != r.SKU || in.Location != r.Location {
			return ReceiveResult{}, invalid("Receipt.InboundID", "inbound %s is for %s at %s, not %s at %s",
				in.ID, in.SKU, in.Location, r.SKU, r.Location)
		}
		if in.Received > math.MaxInt64-r.Qty {
			return ReceiveResult{}, invalid("Receipt.Qty", "the inbound's received total would overflow")
		}
		first := in.Received == 0
		in.Qty -= min(in.Qty, r.Qty)
		in.Received += r.Qty
		if err := w.tx.PutInbound(in); err != nil {
			return ReceiveResult{}, err
		}
		if first {
			if err := w.recordLateness(in); err != nil {
				return ReceiveResult{}, err
			}
		}
	}
	pos := s.position(r.Location)
	if pos.OnHand > math.MaxInt64-r.Qty || pos.Received > math.MaxInt64-r.Qty {
		return ReceiveResult{}, invalid("Receipt.Qty", "on hand %d + %d would overflow", pos.OnHand, r.Qty)
	}
	pos.OnHand += r.Qty
	pos.Received += r.Qty
	w.emit(Event{Type: StockReceived, SKU: r.SKU, Location: r.Location, Qty: r.Qty, InboundID: r.InboundID})
	mark := len(w.events)
	if err := w.allocateAt(s, r.Location); err != nil {
		return ReceiveResult{}, err
	}
	res := ReceiveResult{Position: *s.position(r.Location)}
	res.Allocated, _ = w.grantsSince(mark)
	return res, nil
}
