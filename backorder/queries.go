package backorder

import (
	"context"
	"math"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/allocation"
)

// Order returns the order with its lines' current split.
func (e *Engine) Order(ctx context.Context, id uuid.UUID) (Order, error) {
	var o Order
	err := e.view(ctx, func(tx Tx) error {
		var err error
		o, err = tx.Order(id)
		return notFound(err, "order", id.String())
	})
	return o, err
}

// Book returns the SKU's waiting lines in policy order: the order in which
// the next receipt would serve them (for FairShare and MaxMin, the order of
// their tie-breaks).
func (e *Engine) Book(ctx context.Context, sku string) ([]BookEntry, error) {
	if err := validKey("SKU", sku); err != nil {
		return nil, err
	}
	var out []BookEntry
	err := e.view(ctx, func(tx Tx) error {
		it, err := tx.Item(sku)
		if err != nil {
			return notFound(err, "item", sku)
		}
		pol, err := e.policyFor(it)
		if err != nil {
			return err
		}
		book, err := tx.Book(sku)
		if err != nil {
			return err
		}
		demands := make([]allocation.Demand, len(book))
		for i, en := range book {
			demands[i] = allocation.Demand{Outstanding: en.Backordered, Seq: en.Seq, Min: en.MinAllocation,
				Multiple: it.CasePack, Tier: en.Priority, Protection: en.Protection.toAllocation(e.preempt)}
		}
		out = make([]BookEntry, len(book))
		for k, i := range allocation.Rank(pol, nil, demands) {
			out[k] = book[i]
		}
		return nil
	})
	return out, err
}

// CustomerBook returns a customer's waiting lines over all SKUs, by the time
// their orders were placed.
func (e *Engine) CustomerBook(ctx context.Context, customer string) ([]BookEntry, error) {
	if err := validKey("Customer", customer); err != nil {
		return nil, err
	}
	var out []BookEntry
	err := e.view(ctx, func(tx Tx) error {
		var err error
		out, err = tx.CustomerBook(customer)
		return err
	})
	return out, err
}

// Availability is a SKU's stock across locations, with expected supply.
// Its totals saturate at max int64 rather than overflow.
type Availability struct {
	SKU       string `json:"sku"`
	OnHand    int64  `json:"on_hand"`
	Allocated int64  `json:"allocated"`
	Available int64  `json:"available"`
	// Backordered is what the SKU's book waits for.
	Backordered int64 `json:"backordered"`
	// Positions are per location, sorted by location ID.
	Positions []StockPosition `json:"positions"`
	// Inbound is the expected supply by date.
	Inbound []Inbound `json:"inbound"`
}

// Availability returns a SKU's on hand, allocated and available stock at
// every location, what its book waits for, and its inbound supply by date.
func (e *Engine) Availability(ctx context.Context, sku string) (Availability, error) {
	if err := validKey("SKU", sku); err != nil {
		return Availability{}, err
	}
	a := Availability{SKU: sku}
	err := e.view(ctx, func(tx Tx) error {
		if _, err := tx.Item(sku); err != nil {
			return notFound(err, "item", sku)
		}
		var err error
		if a.Positions, err = tx.Positions(sku); err != nil {
			return err
		}
		for _, p := range a.Positions {
			// Totals over locations saturate at max int64 rather than wrap.
			a.OnHand = satAdd(a.OnHand, p.OnHand)
			a.Allocated = satAdd(a.Allocated, p.Allocated)
		}
		a.Available = a.OnHand - a.Allocated
		if a.Inbound, err = tx.Inbounds(sku); err != nil {
			return err
		}
		book, err := tx.Book(sku)
		if err != nil {
			return err
		}
		for _, en := range book {
			a.Backordered = satAdd(a.Backordered, en.Backordered)
		}
		return nil
	})
	return a, err
}

// MaxEventsPerRead bounds the limit of one Events call.
const MaxEventsPerRead = 10000

// Events returns up to limit events with Seq > after, in Seq order: the
// outbox a host reads to notify customers and suppliers. Keep the last Seq
// you handled and pass it as after next time.
func (e *Engine) Events(ctx context.Context, after uint64, limit int) ([]Event, error) {
	if limit <= 0 || limit > MaxEventsPerRead {
		return nil, invalid("limit", "must be in [1, %d], got %d", MaxEventsPerRead, limit)
	}
	var out []Event
	err := e.view(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Events(after, limit)
		return err
	})
	return out, err
}

// satAdd adds two non-negative quantities, saturating at max int64.
func satAdd(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}
