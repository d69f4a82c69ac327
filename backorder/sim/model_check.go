package sim

import (
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/invoice"
)

// invariants checks the design's invariants on the model's own state for
// some SKUs and orders. After an operation the model equals the engine on
// everything the operation touched (that was compared first), so this is
// Check's verdict on the engine, without reading the store again; Check
// itself runs on the store at every full comparison. The model can share a
// rule's mistake with the engine (it follows the same operational rules),
// which is why the invariants are checked at all.
func (m *model) invariants(skus []string, orders []uuid.UUID) (v []string) {
	bad := func(format string, args ...any) { v = append(v, fmt.Sprintf(format, args...)) }
	for _, sku := range skus {
		it, ok := m.items[sku]
		if !ok {
			continue
		}
		book := m.book(sku)
		if it.Status != backorder.Replenishable && len(book) > 0 {
			bad("item %s is %s, but %d lines wait for it", sku, it.Status, len(book))
		}
		for _, p := range m.positions(sku) {
			name := sku + "@" + p.Location
			if p.Allocated < 0 || p.Allocated > p.OnHand {
				bad("%s: allocated %d, on hand %d", name, p.Allocated, p.OnHand)
			}
			if p.Received+p.Adjusted-p.Shipped != p.OnHand {
				bad("%s: received %d + adjusted %d - shipped %d != on hand %d", name, p.Received, p.Adjusted, p.Shipped, p.OnHand)
			}
			avail := p.OnHand - p.Allocated
			for _, l := range book {
				if need := smallestGrant(l.Backordered, l.MinAllocation, it.CasePack); avail > 0 && need <= avail {
					bad("%s: stranded stock: %d available, and line %s waits for %d (it takes %d at once)",
						name, avail, l.ID, l.Backordered, need)
				}
			}
		}
	}
	for _, id := range orders {
		o, ok := m.orders[id]
		if !ok {
			continue
		}
		for _, lid := range o.lines {
			l := m.lines[lid]
			if l.Shipped < 0 || l.Cancelled < 0 || l.Backordered < 0 || l.Rejected > l.Cancelled ||
				sumQty(l.Allocations)+l.Shipped+l.Cancelled+l.Backordered != l.Qty {
				bad("order %s line %s: split %v + %d + %d + %d of %d", id, l.ID, l.Allocations, l.Shipped, l.Cancelled, l.Backordered, l.Qty)
			}
		}
		if d := m.invoiceTotal(o); d != "" {
			bad("%s", d)
		}
	}
	return v
}

// invoiceTotal checks invariant 5's total for a completed order whose
// confirmed shipments are all invoiced and which has no credit note.
func (m *model) invoiceTotal(o *mOrder) string {
	full, _ := m.order(o.hdr.ID)
	if len(o.invs) == 0 || full.Status() != backorder.OrderStatusCompleted {
		return ""
	}
	if tolerated[issueChargeRespread] && len(full.Charges) > 0 &&
		slices.ContainsFunc(full.Lines, func(l backorder.Line) bool { return l.Cancelled > 0 }) {
		return ""
	}
	billed := 0
	for _, inv := range o.invs {
		if inv.Kind == backorder.KindCreditNote {
			return ""
		}
		billed++
	}
	for _, sh := range o.ships {
		if sh.Status != backorder.ShipmentStatusConfirmed {
			continue
		}
		if !slices.ContainsFunc(o.invs, func(inv *backorder.Invoice) bool { return inv.ShipmentID == sh.ID }) {
			return ""
		}
	}
	got, err := invoice.Billed(docs(o))
	if err != nil {
		return fmt.Sprintf("order %s: summing its invoices: %v", o.hdr.ID, err)
	}
	want, err := invoice.Total(pricingOf(full), billed)
	if err != nil {
		return fmt.Sprintf("order %s: its total: %v", o.hdr.ID, err)
	}
	if !want.Equal(got) {
		return fmt.Sprintf("order %s: its invoices add up to %s, its total is %s", o.hdr.ID, got.Total, want.Total)
	}
	return ""
}
