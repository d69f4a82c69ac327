// ETA notifications: an inbound delivery slips, the engine re-projects the
// promise dates of the lines waiting for it, and the host turns the
// PromiseChanged events of its outbox into messages to its customers.
//
// Four customers wait for a pump that is out of stock. Two purchase orders
// are on the way from the supplier; the engine (under the Priority policy)
// promises each backordered line a date from the supply that will really
// serve it. Then, step by step:
//
//  1. The orders are placed: every customer is told when to expect the goods.
//  2. The supplier reports that the first purchase order slips a week: only
//     the customers it was going to serve hear of it, one of them that the
//     new date is after the date it asked for (PromiseLate).
//  3. The second purchase order will come short: the customer last in line
//     falls back to the supplier's usual lead time.
//  4. The first purchase order arrives: its stock is allocated, and those
//     customers hear that their goods are reserved.
//  5. The warehouse ships them: they hear the carrier, the tracking number
//     and the delivery date.
//
// After each step the program reads the new events from the outbox, as a
// host would from its last handled sequence number, and prints the message
// it would send for each one that concerns a customer: one message per line
// for the promise changes of a batch (from the first date to the last), one
// per allocation and one per shipment. Delivery dates come from
// Engine.Promises (ready date plus handling and transit business days).
//
// Everything is deterministic: ids come from counters and the clock is fake.
//
// Run it with:
//
//	go run ./examples/eta-notifications
package main

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/backorderkit/backorderkit/allocation"
	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/memstore"
	"github.com/backorderkit/backorderkit/eta"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		log.Fatal(err)
	}
}

const (
	sku      = "PUMP-CR5"
	location = "AMS"
	supplier = "NordPump AB"
	leadTime = 42 * 24 * time.Hour // the supplier's usual six weeks
	handling = 1                   // business days to pick and pack
	transit  = 2                   // business days on the road
)

// day returns midnight UTC of a date in 2025.
func day(month time.Month, d int) time.Time { return time.Date(2025, month, d, 0, 0, 0, 0, time.UTC) }

// The purchase orders, and what happens to them.
var (
	po1 = backorder.Inbound{ID: "PO-7001/1", SKU: sku, Location: location, Qty: 40, Expected: day(3, 10), Supplier: supplier}
	po2 = backorder.Inbound{ID: "PO-7002/1", SKU: sku, Location: location, Qty: 60, Expected: day(3, 24), Supplier: supplier}

	po1Slipped = day(3, 17) // step 2: a week late
	po2Short   = int64(35)  // step 3: 35 of 60
)

// order is one customer's order for the pump.
type order struct {
	ref       string
	customer  string
	tier      int32
	qty       int64
	requested time.Time // zero: as soon as possible
}

// orders are placed in this order on Monday 3 March.
var orders = []order{
	{"SO-1001", "Acme Industrial", 2, 25, time.Time{}},
	{"SO-1002", "Brightwater", 1, 30, time.Time{}},
	{"SO-1003", "Cobalt Pumps", 3, 20, time.Time{}},
	{"SO-1004", "Delta Utilities", 1, 10, day(3, 14)},
}

// newIDs returns a generator of deterministic uuids: kind in the first
// byte, a counter in the last eight.
func newIDs(kind byte) func() uuid.UUID {
	var n uint64
	return func() uuid.UUID {
		n++
		var id uuid.UUID
		id[0] = kind
		id[6] = 0x40 // version and variant bits as in a random uuid
		binary.BigEndian.PutUint64(id[8:], n|0x8000000000000000)
		return id
	}
}

// host is the application around the engine: it reads the outbox from
// the last event it handled and writes messages to customers.
type host struct {
	eng   *backorder.Engine
	w     io.Writer
	after uint64
	// shipped are the shipments the host confirmed, with their carrier
	// and tracking number.
	shipped map[uuid.UUID]backorder.Shipment
}

// run plays the five steps and prints the messages of each to w.
func run(ctx context.Context, w io.Writer) error {
	now := day(3, 3).Add(9 * time.Hour)
	eng, err := backorder.New(backorder.Config{
		Store:        memstore.New(),
		Policy:       allocation.Priority{},
		Now:          func() time.Time { return now },
		NewID:        newIDs(0xe0),
		HandlingDays: handling,
		TransitDays:  transit,
	})
	if err != nil {
		return err
	}
	h := &host{eng: eng, w: w, shipped: map[uuid.UUID]backorder.Shipment{}}
	if err := eng.PutLocation(ctx, backorder.Location{ID: location, Name: "Amsterdam DC"}); err != nil {
		return err
	}
	if err := eng.PutItem(ctx, backorder.Item{SKU: sku, Description: "Centrifugal pump CR5", LeadTime: leadTime}); err != nil {
		return err
	}
	for _, in := range []backorder.Inbound{po1, po2} {
		if err := eng.ExpectInbound(ctx, in); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "%s is out of stock. On order from %s: %d due %s (%s), %d due %s (%s).\n",
		sku, supplier, po1.Qty, date(po1.Expected), po1.ID, po2.Qty, date(po2.Expected), po2.ID)
	if err := h.notify(ctx); err != nil { // the outbox so far holds no customer's news
		return err
	}

	h.step(fmt.Sprintf("1. %s: %d customers order %s", date(now), len(orders), sku))
	orderID, lineID := newIDs(0x0a), newIDs(0x1a)
	for i, o := range orders {
		now = now.Add(time.Duration(i) * 20 * time.Minute)
		if _, err := eng.PlaceOrder(ctx, backorder.Order{ID: orderID(), Ref: o.ref, Customer: o.customer,
			Priority: o.tier, Currency: "EUR", RequestedDate: o.requested,
			Lines: []backorder.Line{{ID: lineID(), SKU: sku, Qty: o.qty, UnitPrice: decimal.RequireFromString("1180.00")}}}); err != nil {
			return err
		}
	}
	if err := h.notify(ctx); err != nil {
		return err
	}

	now = day(3, 5).Add(11 * time.Hour)
	h.step(fmt.Sprintf("2. %s: %s reports that %s slips from %s to %s", date(now), supplier, po1.ID, date(po1.Expected), date(po1Slipped)))
	if _, err := eng.ChangeInbound(ctx, backorder.InboundChange{ID: "NP-ADV-118", InboundID: po1.ID, Expected: po1Slipped}); err != nil {
		return err
	}
	if err := h.notify(ctx); err != nil {
		return err
	}

	now = day(3, 10).Add(15 * time.Hour)
	h.step(fmt.Sprintf("3. %s: %s will bring only %d of %d", date(now), po2.ID, po2Short, po2.Qty))
	if _, err := eng.ChangeInbound(ctx, backorder.InboundChange{ID: "NP-ADV-131", InboundID: po2.ID, Qty: po2Short}); err != nil {
		return err
	}
	if err := h.notify(ctx); err != nil {
		return err
	}

	now = day(3, 17).Add(10 * time.Hour)
	h.step(fmt.Sprintf("4. %s: %s arrives, %d units", date(now), po1.ID, po1.Qty))
	if _, err := eng.Receive(ctx, backorder.Receipt{ID: "GR-5561", SKU: sku, Location: location, Qty: po1.Qty, InboundID: po1.ID}); err != nil {
		return err
	}
	if err := h.notify(ctx); err != nil {
		return err
	}

	now = day(3, 17).Add(16 * time.Hour)
	h.step(fmt.Sprintf("5. %s: the warehouse ships what it holds", date(now)))
	plans, err := eng.PlanAll(ctx)
	if err != nil {
		return err
	}
	for i, p := range plans {
		res, err := eng.Ship(ctx, backorder.ShipRequest{ID: fmt.Sprintf("SHIP-%d", i+1), OrderID: p.OrderID})
		if err != nil {
			return err
		}
		for j, sh := range res.Shipments {
			done, err := eng.ConfirmShipment(ctx, backorder.Confirmation{ShipmentID: sh.ID,
				Carrier: "DHL Freight", Tracking: fmt.Sprintf("JVGL06%08d", 20250317+10*i+j)})
			if err != nil {
				return err
			}
			h.shipped[done.ID] = done
		}
	}
	return h.notify(ctx)
}

// step prints the heading of a step.
func (h *host) step(title string) {
	fmt.Fprintf(h.w, "\n%s\n", title)
}

// notify reads every event after the last one handled and prints the
// messages they call for.
func (h *host) notify(ctx context.Context) error {
	var evs []backorder.Event
	for {
		batch, err := h.eng.Events(ctx, h.after, 100)
		if err != nil {
			return err
		}
		evs = append(evs, batch...)
		if len(batch) < 100 {
			break
		}
		h.after = batch[len(batch)-1].Seq
	}
	if len(evs) == 0 {
		return nil
	}
	h.after = evs[len(evs)-1].Seq

	// A line's promise may move more than once in one batch (a customer
	// ranked ahead orders after it): tell the customer once, from the first
	// date to the last. A PromiseLate follows the PromiseChanged of its
	// line: fold it into the same message.
	moves := map[uuid.UUID]*backorder.Event{}
	late := map[uuid.UUID]backorder.Event{}
	counts := map[backorder.EventType]int{}
	var kinds []backorder.EventType
	for _, ev := range evs {
		if counts[ev.Type] == 0 {
			kinds = append(kinds, ev.Type)
		}
		counts[ev.Type]++
		switch ev.Type {
		case backorder.PromiseChanged:
			if m, ok := moves[ev.LineID]; ok {
				m.NewDate, m.Reason = ev.NewDate, ev.Reason
			} else {
				moves[ev.LineID] = &ev
			}
		case backorder.PromiseLate:
			late[ev.LineID] = ev
		}
	}
	var summary []string
	for _, k := range kinds {
		summary = append(summary, fmt.Sprintf("%d %s", counts[k], k))
	}
	fmt.Fprintf(h.w, "   outbox: %s\n", strings.Join(summary, ", "))

	// Messages go out in event order, one per line for promises.
	for _, ev := range evs {
		switch ev.Type {
		case backorder.PromiseChanged:
			m, ok := moves[ev.LineID]
			if !ok {
				continue // told already
			}
			delete(moves, ev.LineID)
			if sameDay(m.OldDate, m.NewDate) {
				continue // moved and moved back
			}
			if err := h.promiseMessage(ctx, *m, late); err != nil {
				return err
			}
		case backorder.LineAllocated:
			if err := h.allocatedMessage(ctx, ev); err != nil {
				return err
			}
		case backorder.ShipmentConfirmed:
			if err := h.shippedMessage(ctx, ev); err != nil {
				return err
			}
		}
	}
	return nil
}

// sameDay reports whether a and b fall on the same date (both zero counts).
func sameDay(a, b time.Time) bool {
	if a.IsZero() || b.IsZero() {
		return a.IsZero() && b.IsZero()
	}
	return a.Format(time.DateOnly) == b.Format(time.DateOnly)
}

// promiseMessage writes to the customer whose line's promise moved.
func (h *host) promiseMessage(ctx context.Context, ev backorder.Event, late map[uuid.UUID]backorder.Event) error {
	o, l, err := h.line(ctx, ev.OrderID, ev.LineID)
	if err != nil {
		return err
	}
	lp, err := h.promise(ctx, o.ID, l.ID)
	if err != nil {
		return err
	}
	var b strings.Builder
	switch {
	case ev.NewDate.IsZero():
		fmt.Fprintf(&b, "We cannot give a date for the %d %s still on backorder yet; we will write as soon as we can.", l.Backordered, l.SKU)
	case ev.OldDate.IsZero():
		fmt.Fprintf(&b, "Thank you for your order. %d %s are on backorder; we expect to have them in stock on %s, for delivery by %s.",
			l.Backordered, l.SKU, date(ev.NewDate), date(lp.Delivery))
	case ev.NewDate.After(ev.OldDate):
		fmt.Fprintf(&b, "We are sorry: the %d %s on backorder are delayed. We now expect to have them in stock on %s (was %s), for delivery by %s.",
			l.Backordered, l.SKU, date(ev.NewDate), date(ev.OldDate), date(lp.Delivery))
	default:
		fmt.Fprintf(&b, "Good news: the %d %s on backorder are coming sooner. We now expect to have them in stock on %s (was %s), for delivery by %s.",
			l.Backordered, l.SKU, date(ev.NewDate), date(ev.OldDate), date(lp.Delivery))
	}
	if lp.Kind == backorder.PromiseEstimated {
		b.WriteString(" This date is estimated from our supplier's usual lead time, as no confirmed delivery covers it yet.")
	}
	if lt, ok := late[l.ID]; ok {
		fmt.Fprintf(&b, " This is later than the %s you asked for: reply if you would rather change or cancel the order.", date(lt.OldDate))
	}
	h.message(o, b.String())
	return nil
}

// allocatedMessage writes to the customer whose line got stock.
func (h *host) allocatedMessage(ctx context.Context, ev backorder.Event) error {
	o, l, err := h.line(ctx, ev.OrderID, ev.LineID)
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("Your %d %s have arrived and are reserved for you; we ship them as soon as they are packed.", ev.Qty, l.SKU)
	if l.Backordered > 0 {
		msg += fmt.Sprintf(" %d remain on backorder.", l.Backordered)
	}
	h.message(o, msg)
	return nil
}

// shippedMessage writes to the customer whose shipment left.
func (h *host) shippedMessage(ctx context.Context, ev backorder.Event) error {
	o, err := h.eng.Order(ctx, ev.OrderID)
	if err != nil {
		return err
	}
	sh, ok := h.shipped[ev.ShipmentID]
	if !ok {
		return fmt.Errorf("shipment %s was not confirmed by this host", ev.ShipmentID)
	}
	arrives := eta.Calendar{}.AddBusinessDays(ev.At, transit)
	h.message(o, fmt.Sprintf("Your %d %s left our warehouse today with %s, tracking number %s. Expected delivery: %s.",
		ev.Qty, sku, sh.Carrier, sh.Tracking, date(arrives)))
	return nil
}

// message prints one message to the order's customer.
func (h *host) message(o backorder.Order, text string) {
	fmt.Fprintf(h.w, "   to %s (%s, tier %d):\n", o.Customer, o.Ref, o.Priority)
	for _, ln := range wrap(text, 72) {
		fmt.Fprintf(h.w, "      %s\n", ln)
	}
}

// line returns an order and one of its lines as they are now.
func (h *host) line(ctx context.Context, orderID, lineID uuid.UUID) (backorder.Order, backorder.Line, error) {
	o, err := h.eng.Order(ctx, orderID)
	if err != nil {
		return backorder.Order{}, backorder.Line{}, err
	}
	l, ok := o.Line(lineID)
	if !ok {
		return backorder.Order{}, backorder.Line{}, fmt.Errorf("order %s has no line %s", o.Ref, lineID)
	}
	return o, l, nil
}

// promise returns the current promise of a waiting line.
func (h *host) promise(ctx context.Context, orderID, lineID uuid.UUID) (backorder.LinePromise, error) {
	lps, err := h.eng.Promises(ctx, orderID)
	if err != nil {
		return backorder.LinePromise{}, err
	}
	for _, lp := range lps {
		if lp.LineID == lineID {
			return lp, nil
		}
	}
	return backorder.LinePromise{}, fmt.Errorf("no promise for line %s", lineID)
}

// date formats a date for a customer.
func date(t time.Time) string { return t.Format("Mon 2 Jan 2006") }

// wrap breaks text into lines of at most width bytes, at spaces.
func wrap(text string, width int) []string {
	var out []string
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len(line)+1+len(word) > width {
			out = append(out, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" {
		out = append(out, line)
	}
	return out
}
