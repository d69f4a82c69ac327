package memstore

import (
	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/backorderkit/backorderkit/backorder"
)

// lineBox is a stored line in a compact form, with room for its first
// LocQty values, so that a line held at one location (with or without a
// shipment on it) is one allocation. A backorder.Line is some 300 bytes,
// a third of them fields that most lines leave empty (discounts, tax,
// preferred location, ship group, ...): those are behind rare, nil for a
// line that has none of them. The store keeps every line it is given, and
// the garbage collector scans every one of them in every cycle: the
// compact form is half of that memory. Reads build the backorder.Line.
type lineBox struct {
	id, orderID                            uuid.UUID
	sku                                    string
	qty, seq, shipped, cancelled, backordd int64
	price                                  decimal.Decimal
	alloc, committed                       []backorder.LocQty
	rare                                   *lineRare
	qs                                     [2]backorder.LocQty
}

// lineRare holds the fields of a line that most lines leave empty. Like
// every stored value it is never modified: a box whose line changed them
// gets a new one, and one whose line kept them keeps its own.
type lineRare struct {
	discountPercent, discountAmount, taxPercent decimal.Decimal
	taxCategory, preferredLocation, shipGroup   string
	minAllocation, rejected                     int64
	protection                                  backorder.Protection
	shipPolicy                                  backorder.ShipPolicy
	cancelReason                                string
}

// rareOf returns l's rare fields.
func rareOf(l *backorder.Line) lineRare {
	return lineRare{discountPercent: l.DiscountPercent, discountAmount: l.DiscountAmount, taxPercent: l.TaxPercent,
		taxCategory: l.TaxCategory, preferredLocation: l.PreferredLocation, shipGroup: l.ShipGroup,
		minAllocation: l.MinAllocation, rejected: l.Rejected, protection: l.Protection, shipPolicy: l.ShipPolicy,
		cancelReason: l.CancelReason}
}

// hasRare reports whether l has any rare field: field by field, each
// test cheap and most lines failing the first few (comparing a whole
// lineRare with its zero value cost a hundred instructions).
func hasRare(l *backorder.Line) bool {
	var zero decimal.Decimal
	return l.CancelReason != "" || l.TaxPercent != zero || l.DiscountPercent != zero || l.DiscountAmount != zero ||
		l.TaxCategory != "" || l.PreferredLocation != "" || l.ShipGroup != "" || l.MinAllocation != 0 ||
		l.Rejected != 0 || l.Protection != "" || l.ShipPolicy != ""
}

// set copies l into the box.
func (b *lineBox) set(l *backorder.Line) {
	rare := b.rare
	*b = lineBox{id: l.ID, orderID: l.OrderID, sku: l.SKU, qty: l.Qty, seq: l.Seq, shipped: l.Shipped,
		cancelled: l.Cancelled, backordd: l.Backordered, price: l.UnitPrice}
	// The rare fields are compared as values: decimals by their exact
	// representation (the engine writes back what it read, so they are
	// the same values), which a new box of rare fields would keep anyway.
	if hasRare(l) {
		switch r := rareOf(l); {
		case rare != nil && *rare == r:
			b.rare = rare
		default:
			nr := r // allocated only here: most lines have no rare fields
			b.rare = &nr
		}
	}
	rest := b.qs[:0:len(b.qs)]
	b.alloc, rest = carve(rest, l.Allocations)
	b.committed, _ = carve(rest, l.Committed)
}

// setBox copies src, a copy of a box, into the box.
func (b *lineBox) setBox(src *lineBox) {
	alloc, committed := src.alloc, src.committed
	*b = *src
	rest := b.qs[:0:len(b.qs)]
	b.alloc, rest = carve(rest, alloc)
	b.committed, _ = carve(rest, committed)
}

// get sets *l to the stored line. Its slices are the box's: the caller
// copies them.
func (b *lineBox) get(l *backorder.Line) {
	*l = backorder.Line{ID: b.id, OrderID: b.orderID, SKU: b.sku, Qty: b.qty, UnitPrice: b.price, Seq: b.seq,
		Allocations: b.alloc, Committed: b.committed, Shipped: b.shipped, Cancelled: b.cancelled, Backordered: b.backordd}
	if r := b.rare; r != nil {
		l.DiscountPercent, l.DiscountAmount, l.TaxPercent = r.discountPercent, r.discountAmount, r.taxPercent
		l.TaxCategory, l.PreferredLocation, l.ShipGroup = r.taxCategory, r.preferredLocation, r.shipGroup
		l.MinAllocation, l.Rejected, l.Protection, l.ShipPolicy = r.minAllocation, r.rejected, r.protection, r.shipPolicy
		l.CancelReason = r.cancelReason
	}
}

// open is the stored line's open quantity, as openQty.
func (b *lineBox) open() int64 {
	n := b.backordd
	for i := range b.alloc {
		n += b.alloc[i].Qty
	}
	return n
}
