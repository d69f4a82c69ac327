package main

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/backorderkit/backorderkit/allocation"
	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/memstore"
)

// location is the distributor's one warehouse.
const location = "DC"

// start is midnight of the first simulated day.
var start = time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)

// The times of day: orders come in from 08:00, deliveries from 14:00, and
// the warehouse ships at 17:00.
const (
	ordersAt   = 8 * time.Hour
	receiptsAt = 14 * time.Hour
	shipAt     = 17 * time.Hour
)

// namedPolicy is a policy under the name the report gives it.
type namedPolicy struct {
	Name   string
	Policy allocation.Policy
}

// policies are the policies compared, in report order.
var policies = []namedPolicy{
	{"FIFO", allocation.FIFO{}},
	{"Priority", allocation.Priority{}},
	{"FairShare", allocation.FairShare{}},
	{"MaxMin", allocation.MaxMin{}},
}

// lineState is what the simulation learns about one order line.
type lineState struct {
	Order       int // index of the order, in placement order
	Customer    int
	Tier        int32
	Qty         int64
	Placed      int   // day placed
	Backordered bool  // part of it was backordered when placed
	Allocated   int64 // allocated so far, shipped or not
	Full        int   // day it was fully allocated; -1 if never
}

// orderState is what the simulation learns about one order.
type orderState struct {
	Customer  int
	Shipments int   // confirmed shipments
	Shipped   int64 // units in them
}

// outcome is one policy's run over the scenario.
type outcome struct {
	Policy string
	Lines  []lineState
	Orders []orderState
}

// idOf makes the deterministic uuid number n of a kind: kind in the first
// byte, n in the last eight.
func idOf(kind byte, n uint64) uuid.UUID {
	var id uuid.UUID
	id[0] = kind
	id[6] = 0x40 // version and variant bits as in a random uuid
	binary.BigEndian.PutUint64(id[8:], n|0x8000000000000000)
	return id
}

// Kinds of ids.
const (
	kindOrder  = 0x0a
	kindLine   = 0x1a
	kindEngine = 0xe0
)

// simulate runs the scenario under one policy: a fresh engine on a fresh
// memstore, driven day by day with a simulated clock. It learns what
// happened from the engine's event outbox, as a host would.
func simulate(ctx context.Context, sc *scenario, np namedPolicy) (*outcome, error) {
	now := start
	var nextID uint64
	eng, err := backorder.New(backorder.Config{
		Store:  memstore.New(),
		Policy: np.Policy,
		Now:    func() time.Time { return now },
		NewID: func() uuid.UUID {
			nextID++
			return idOf(kindEngine, nextID)
		},
	})
	if err != nil {
		return nil, err
	}
	if err := eng.PutLocation(ctx, backorder.Location{ID: location, Name: "Distribution centre"}); err != nil {
		return nil, err
	}
	prices := make([]decimal.Decimal, len(sc.SKUs))
	for s, it := range sc.SKUs {
		if err := eng.PutItem(ctx, backorder.Item{SKU: it.SKU}); err != nil {
			return nil, err
		}
		prices[s] = decimal.RequireFromString(it.Price)
		if q := sc.Initial[s]; q > 0 {
			if _, err := eng.Receive(ctx, backorder.Receipt{ID: "OPENING-" + it.SKU, SKU: it.SKU, Location: location, Qty: q}); err != nil {
				return nil, err
			}
		}
	}

	out := &outcome{Policy: np.Name}
	lineOf := map[uuid.UUID]int{}
	orderOf := map[uuid.UUID]int{}
	var after uint64 // the last event handled
	for d := range sc.Params.Days {
		day := start.AddDate(0, 0, d)

		// Morning: orders.
		for i, spec := range sc.Orders[d] {
			now = day.Add(ordersAt + time.Duration(i)*2*time.Minute)
			c := sc.Customers[spec.Customer]
			oi := len(out.Orders)
			o := backorder.Order{ID: idOf(kindOrder, uint64(oi+1)), Ref: fmt.Sprintf("SO-%05d", oi+1),
				Customer: c.Name, Priority: c.Tier, Currency: "EUR", ShipPolicy: backorder.ShipPartial}
			if c.Complete {
				o.ShipPolicy = backorder.ShipComplete
			}
			for _, ls := range spec.Lines {
				li := len(out.Lines)
				id := idOf(kindLine, uint64(li+1))
				o.Lines = append(o.Lines, backorder.Line{ID: id, SKU: sc.SKUs[ls.SKU].SKU, Qty: ls.Qty, UnitPrice: prices[ls.SKU]})
				out.Lines = append(out.Lines, lineState{Order: oi, Customer: spec.Customer, Tier: c.Tier,
					Qty: ls.Qty, Placed: d, Full: -1})
				lineOf[id] = li
			}
			orderOf[o.ID] = oi
			out.Orders = append(out.Orders, orderState{Customer: spec.Customer})
			res, err := eng.PlaceOrder(ctx, o)
			if err != nil {
				return nil, fmt.Errorf("day %d: place %s: %w", d+1, o.Ref, err)
			}
			for _, lr := range res.Lines {
				if lr.Backordered > 0 {
					out.Lines[lineOf[lr.LineID]].Backordered = true
				}
			}
		}

		// Afternoon: deliveries.
		for i, r := range sc.Receipts[d] {
			now = day.Add(receiptsAt + time.Duration(i)*time.Second)
			if _, err := eng.Receive(ctx, backorder.Receipt{ID: r.ID, SKU: sc.SKUs[r.SKU].SKU, Location: location, Qty: r.Qty}); err != nil {
				return nil, fmt.Errorf("day %d: receive %s: %w", d+1, r.ID, err)
			}
		}

		// Evening: ship everything that may ship, and confirm it.
		now = day.Add(shipAt)
		plans, err := eng.PlanAll(ctx)
		if err != nil {
			return nil, err
		}
		for _, p := range plans {
			res, err := eng.Ship(ctx, backorder.ShipRequest{ID: fmt.Sprintf("SHIP-%d-%s", d+1, p.OrderID), OrderID: p.OrderID})
			if err != nil {
				return nil, fmt.Errorf("day %d: ship %s: %w", d+1, p.OrderID, err)
			}
			for _, sh := range res.Shipments {
				if _, err := eng.ConfirmShipment(ctx, backorder.Confirmation{ShipmentID: sh.ID}); err != nil {
					return nil, fmt.Errorf("day %d: confirm %s: %w", d+1, sh.ID, err)
				}
			}
		}

		// Night: read the day's events from the outbox.
		for {
			evs, err := eng.Events(ctx, after, backorder.MaxEventsPerRead)
			if err != nil {
				return nil, err
			}
			for _, ev := range evs {
				if err := out.apply(ev, d, lineOf, orderOf); err != nil {
					return nil, err
				}
				after = ev.Seq
			}
			if len(evs) < backorder.MaxEventsPerRead {
				break
			}
		}
	}
	if err := out.check(ctx, eng); err != nil {
		return nil, fmt.Errorf("%s: %w", np.Name, err)
	}
	return out, nil
}

// apply learns from one event of day d.
func (out *outcome) apply(ev backorder.Event, d int, lineOf, orderOf map[uuid.UUID]int) error {
	switch ev.Type {
	case backorder.LineAllocated, backorder.LineDeallocated:
		li, ok := lineOf[ev.LineID]
		if !ok {
			return fmt.Errorf("event %d: unknown line %s", ev.Seq, ev.LineID)
		}
		l := &out.Lines[li]
		if ev.Type == backorder.LineDeallocated {
			// Nothing preempts in this simulation and no stock shrinks.
			return fmt.Errorf("event %d: line %s lost %d units (%s)", ev.Seq, ev.LineID, ev.Qty, ev.Reason)
		}
		l.Allocated += ev.Qty
		if l.Allocated == l.Qty && l.Full < 0 {
			l.Full = d
		}
	case backorder.ShipmentConfirmed:
		oi, ok := orderOf[ev.OrderID]
		if !ok {
			return fmt.Errorf("event %d: unknown order %s", ev.Seq, ev.OrderID)
		}
		out.Orders[oi].Shipments++
		out.Orders[oi].Shipped += ev.Qty
	}
	return nil
}

// check compares what the events told with the engine's orders at the end
// of the run: every line's split, and the units shipped per order.
func (out *outcome) check(ctx context.Context, eng *backorder.Engine) error {
	li := 0
	for oi := range out.Orders {
		o, err := eng.Order(ctx, idOf(kindOrder, uint64(oi+1)))
		if err != nil {
			return err
		}
		var shipped int64
		for _, l := range o.Lines {
			st := out.Lines[li]
			li++
			if got := l.Allocated() + l.Shipped + l.Cancelled + l.Backordered; got != l.Qty || l.Cancelled != 0 {
				return fmt.Errorf("line %s: split %d+%d+%d+%d of %d", l.ID, l.Allocated(), l.Shipped, l.Cancelled, l.Backordered, l.Qty)
			}
			if (l.Backordered == 0) != (st.Full >= 0) || l.Allocated()+l.Shipped != st.Allocated {
				return fmt.Errorf("line %s: engine says %d backordered, %d allocated or shipped; events said %d allocated, full on day %d",
					l.ID, l.Backordered, l.Allocated()+l.Shipped, st.Allocated, st.Full)
			}
			shipped += l.Shipped
		}
		if shipped != out.Orders[oi].Shipped {
			return fmt.Errorf("order %s: engine says %d shipped, events said %d", o.Ref, shipped, out.Orders[oi].Shipped)
		}
	}
	return nil
}
