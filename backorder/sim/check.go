package sim

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/invoice"
)

// Universe names what Check reads. A Store cannot list its SKUs or orders,
// so the caller says which ones to check.
type Universe struct {
	SKUs      []string
	Locations []string
	Orders    []uuid.UUID
	// Events also reads the whole outbox and checks that its sequence
	// numbers are 1, 2, 3, … without a gap.
	Events bool
}

// InvariantError lists the invariants a store's state breaks, one line each.
type InvariantError struct {
	Violations []string
}

// Error implements error.
func (e *InvariantError) Error() string {
	return "sim: invariants broken:\n\t" + strings.Join(e.Violations, "\n\t")
}

// Check reads the state of the engine in s in one View transaction and
// checks the invariants of the design over the SKUs, locations and orders
// of u:
//
//  1. per (SKU, location): 0 ≤ allocated ≤ on hand, and on hand = received
//     + adjusted − shipped;
//  2. per line: allocated + shipped + cancelled + backordered = ordered,
//     each ≥ 0, no allocation or commitment ≤ 0, committed ≤ allocated,
//     rejected ≤ cancelled;
//  3. a position's allocated is the sum of its holders' allocations, and
//     the book index (Book, Holders) agrees with the lines it indexes;
//  4. no stranded stock: no location has available stock that a waiting
//     line of the SKU could take (its minimum and case pack allowing), and
//     items that take no backorders have no waiting lines;
//  5. each shipment is invoiced at most once, and only once confirmed;
//     the invoices of a completed, fully invoiced order add up exactly to
//     its total;
//
// and the shipments: a line's committed stock is what its created
// shipments hold, and its shipped quantity what its confirmed ones carried.
// It returns an *InvariantError listing every violation, or nil. Orders or
// SKUs of u that do not exist are skipped.
func Check(ctx context.Context, s backorder.Store, u Universe) error {
	return check(ctx, s, u, false)
}

// check is Check, leaving out what a tolerated issue explains when
// tolerant.
func check(ctx context.Context, s backorder.Store, u Universe, tolerant bool) error {
	c := &checker{u: u, lines: map[uuid.UUID]backorder.Line{},
		tolerateRespread: tolerant && tolerated[issueChargeRespread]}
	err := s.View(ctx, func(tx backorder.Tx) error {
		c.tx = tx
		c.run()
		return nil
	})
	if err != nil {
		return err
	}
	if len(c.v) > 0 {
		return &InvariantError{Violations: c.v}
	}
	return nil
}

type checker struct {
	tx    backorder.Tx
	u     Universe
	v     []string
	lines map[uuid.UUID]backorder.Line
	// tolerateRespread leaves out the total of completed orders with
	// charges and cancelled quantity (see issueChargeRespread).
	tolerateRespread bool
}

func (c *checker) bad(format string, args ...any) { c.v = append(c.v, fmt.Sprintf(format, args...)) }

func (c *checker) line(id uuid.UUID) (backorder.Line, bool) {
	if l, ok := c.lines[id]; ok {
		return l, true
	}
	l, err := c.tx.Line(id)
	if err != nil {
		c.bad("line %s of the book index: %v", id, err)
		return backorder.Line{}, false
	}
	c.lines[id] = l
	return l, true
}

func (c *checker) run() {
	for _, id := range c.u.Orders {
		o, err := c.tx.Order(id)
		if errors.Is(err, backorder.ErrNotFound) {
			continue
		}
		if err != nil {
			c.bad("order %s: %v", id, err)
			continue
		}
		c.order(o)
	}
	for _, sku := range c.u.SKUs {
		c.sku(sku)
	}
	if c.u.Events {
		c.events()
	}
}

// order checks invariants 2 and 5 and the shipments of one order.
func (c *checker) order(o backorder.Order) {
	for _, l := range o.Lines {
		c.lines[l.ID] = l
		name := fmt.Sprintf("order %s line %s", o.ID, l.ID)
		if l.Shipped < 0 || l.Cancelled < 0 || l.Backordered < 0 || l.Rejected < 0 {
			c.bad("%s: negative split: shipped %d, cancelled %d, backordered %d, rejected %d", name, l.Shipped, l.Cancelled, l.Backordered, l.Rejected)
		}
		for _, a := range l.Allocations {
			if a.Qty <= 0 {
				c.bad("%s: allocation %d at %s", name, a.Qty, a.Location)
			}
		}
		for _, a := range l.Committed {
			if a.Qty <= 0 || a.Qty > l.AllocatedAt(a.Location) {
				c.bad("%s: committed %d at %s, allocated %d", name, a.Qty, a.Location, l.AllocatedAt(a.Location))
			}
		}
		if got := l.Allocated() + l.Shipped + l.Cancelled + l.Backordered; got != l.Qty {
			c.bad("%s: allocated %d + shipped %d + cancelled %d + backordered %d = %d, ordered %d",
				name, l.Allocated(), l.Shipped, l.Cancelled, l.Backordered, got, l.Qty)
		}
		if l.Rejected > l.Cancelled {
			c.bad("%s: rejected %d > cancelled %d", name, l.Rejected, l.Cancelled)
		}
	}
	shs, err := c.tx.Shipments(o.ID)
	if err != nil {
		c.bad("shipments of order %s: %v", o.ID, err)
		return
	}
	committed := map[uuid.UUID][]backorder.LocQty{}
	shipped := map[uuid.UUID]int64{}
	for _, sh := range shs {
		for _, sl := range sh.Lines {
			if sl.Qty <= 0 || sl.Returned < 0 || sl.Returned > sl.Qty {
				c.bad("shipment %s line %s: qty %d, returned %d", sh.ID, sl.LineID, sl.Qty, sl.Returned)
			}
			if _, ok := o.Line(sl.LineID); !ok {
				c.bad("shipment %s of order %s carries line %s of another order", sh.ID, o.ID, sl.LineID)
			}
			switch sh.Status {
			case backorder.ShipmentStatusCreated:
				committed[sl.LineID] = addAt(committed[sl.LineID], sh.Location, sl.Qty)
			case backorder.ShipmentStatusConfirmed:
				shipped[sl.LineID] += sl.Qty
			}
		}
	}
	for _, l := range o.Lines {
		if !slices.Equal(committed[l.ID], l.Committed) {
			c.bad("order %s line %s: committed %v, its created shipments hold %v", o.ID, l.ID, l.Committed, committed[l.ID])
		}
		if shipped[l.ID] != l.Shipped {
			c.bad("order %s line %s: shipped %d, its confirmed shipments carried %d", o.ID, l.ID, l.Shipped, shipped[l.ID])
		}
	}
	c.invoices(o, shs)
}

// invoices checks invariant 5 for one order.
func (c *checker) invoices(o backorder.Order, shs []backorder.Shipment) {
	invs, err := c.tx.Invoices(o.ID)
	if err != nil {
		c.bad("invoices of order %s: %v", o.ID, err)
		return
	}
	status := map[uuid.UUID]backorder.ShipmentStatus{}
	for _, sh := range shs {
		status[sh.ID] = sh.Status
	}
	billed := map[uuid.UUID]int{}
	docs := make([]invoice.Invoice, 0, len(invs))
	credits := false
	for _, inv := range invs {
		docs = append(docs, inv.Document)
		if inv.Number != inv.Document.Number {
			c.bad("invoice %s: number %q, its document says %q", inv.ID, inv.Number, inv.Document.Number)
		}
		if inv.Kind == backorder.KindCreditNote {
			credits = true
			continue
		}
		billed[inv.ShipmentID]++
		if billed[inv.ShipmentID] == 2 {
			c.bad("order %s: shipment %s invoiced twice", o.ID, inv.ShipmentID)
		}
		if st := status[inv.ShipmentID]; st != backorder.ShipmentStatusConfirmed {
			c.bad("order %s: invoice %s bills shipment %s, which is %q", o.ID, inv.Number, inv.ShipmentID, st)
		}
	}
	if len(invs) == 0 || credits || o.Status() != backorder.OrderStatusCompleted {
		return
	}
	if c.tolerateRespread && len(o.Charges) > 0 && slices.ContainsFunc(o.Lines, func(l backorder.Line) bool { return l.Cancelled > 0 }) {
		return
	}
	for _, sh := range shs {
		if sh.Status == backorder.ShipmentStatusConfirmed && billed[sh.ID] == 0 {
			return
		}
	}
	got, err := invoice.Billed(docs)
	if err != nil {
		c.bad("order %s: summing its invoices: %v", o.ID, err)
		return
	}
	want, err := invoice.Total(pricingOf(o), len(billed))
	if err != nil {
		c.bad("order %s: its total: %v", o.ID, err)
		return
	}
	if !want.Equal(got) {
		c.bad("order %s: its invoices add up to %s, its total is %s", o.ID, got.Total, want.Total)
	}
}

// sku checks invariants 1, 3 and 4 for one SKU, through its book index.
func (c *checker) sku(sku string) {
	it, err := c.tx.Item(sku)
	if errors.Is(err, backorder.ErrNotFound) {
		return
	}
	if err != nil {
		c.bad("item %s: %v", sku, err)
		return
	}
	book, err := c.tx.Book(sku)
	if err != nil {
		c.bad("book of %s: %v", sku, err)
		return
	}
	for i, en := range book {
		if i > 0 && en.Seq <= book[i-1].Seq {
			c.bad("book of %s: not sorted by Seq at %d", sku, i)
		}
		if en.Backordered <= 0 {
			c.bad("book of %s: entry of line %s waits for %d", sku, en.LineID, en.Backordered)
		}
		c.entry(sku, en)
		if it.Status != backorder.Replenishable {
			c.bad("item %s is %s, but line %s waits for %d of it", sku, it.Status, en.LineID, en.Backordered)
		}
	}
	ps, err := c.tx.Positions(sku)
	if err != nil {
		c.bad("positions of %s: %v", sku, err)
		return
	}
	for _, p := range ps {
		name := sku + "@" + p.Location
		if p.Allocated < 0 || p.Allocated > p.OnHand {
			c.bad("%s: allocated %d, on hand %d", name, p.Allocated, p.OnHand)
		}
		if p.Received+p.Adjusted-p.Shipped != p.OnHand {
			c.bad("%s: received %d + adjusted %d - shipped %d != on hand %d", name, p.Received, p.Adjusted, p.Shipped, p.OnHand)
		}
		if avail := p.OnHand - p.Allocated; avail > 0 {
			for _, en := range book {
				if need := smallestGrant(en.Backordered, en.MinAllocation, it.CasePack); need <= avail {
					c.bad("%s: stranded stock: %d available, and line %s waits for %d (it takes %d at once)",
						name, avail, en.LineID, en.Backordered, need)
				}
			}
		}
	}
	for _, loc := range c.u.Locations {
		hs, err := c.tx.Holders(sku, loc)
		if err != nil {
			c.bad("holders of %s@%s: %v", sku, loc, err)
			continue
		}
		var sum int64
		for _, en := range hs {
			if en.AllocatedAt(loc) <= 0 {
				c.bad("holders of %s@%s: line %s holds nothing there", sku, loc, en.LineID)
			}
			sum += en.AllocatedAt(loc)
			c.entry(sku, en)
		}
		var alloc int64
		for _, p := range ps {
			if p.Location == loc {
				alloc = p.Allocated
			}
		}
		if sum != alloc {
			c.bad("%s@%s: position allocated %d, its holders hold %d", sku, loc, alloc, sum)
		}
	}
	// Every line of the orders checked that has something open must be in
	// the index.
	for _, l := range c.lines {
		if l.SKU != sku {
			continue
		}
		if l.Backordered > 0 && !slices.ContainsFunc(book, func(en backorder.BookEntry) bool { return en.LineID == l.ID }) {
			c.bad("line %s waits for %d of %s but is not in its book", l.ID, l.Backordered, sku)
		}
	}
}

// entry checks that a book entry agrees with its line.
func (c *checker) entry(sku string, en backorder.BookEntry) {
	l, ok := c.line(en.LineID)
	if !ok {
		return
	}
	if l.SKU != sku || l.OrderID != en.OrderID || l.Seq != en.Seq || l.Backordered != en.Backordered ||
		!slices.Equal(l.Allocations, en.Allocations) || !slices.Equal(l.Committed, en.Committed) ||
		l.MinAllocation != en.MinAllocation || l.Protection != en.Protection {
		c.bad("book entry of line %s (%s, seq %d, backordered %d, allocations %v, committed %v) disagrees with the line (%s, seq %d, backordered %d, allocations %v, committed %v)",
			en.LineID, en.SKU, en.Seq, en.Backordered, en.Allocations, en.Committed,
			l.SKU, l.Seq, l.Backordered, l.Allocations, l.Committed)
	}
}

// events checks that the outbox is numbered without a gap.
func (c *checker) events() {
	var after uint64
	for {
		evs, err := c.tx.Events(after, backorder.MaxEventsPerRead)
		if err != nil {
			c.bad("events: %v", err)
			return
		}
		for _, ev := range evs {
			if ev.Seq != after+1 {
				c.bad("events: Seq %d follows %d", ev.Seq, after)
			}
			after = ev.Seq
		}
		if len(evs) < backorder.MaxEventsPerRead {
			return
		}
	}
}

// smallestGrant is the least positive quantity a waiting line accepts: its
// minimum (at most what it waits for), rounded up to the case pack, and
// never more than what it waits for.
func smallestGrant(outstanding, minimum, multiple int64) int64 {
	g := max(min(minimum, outstanding), 1)
	if multiple > 1 && g%multiple != 0 {
		g = (g/multiple + 1) * multiple
	}
	return min(g, outstanding)
}
