package memstore

import (
	"slices"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/backorderkit/backorderkit/backorder"
)

// lineBox is a stored line in a compact form, with room for its first two
// LocQty values, so that a line held at one location (with or without a
// shipment on it) is one allocation. A backorder.Line is some 300 bytes,
// a third of them fields that most lines leave empty (discounts, tax,
// preferred location, ship group, ...): those are in rare, nil for a line
// that has none of them. The store keeps every line it is given, and the
// garbage collector scans every one in every cycle: the box is half the
// size of a Line, and its SKU and locations are numbers of the store's
// interner, not strings, so that what is left to scan is the
// price and two pointers that are nil for most lines. Reads build the
// backorder.Line.
type lineBox struct {
	id, orderID                            uuid.UUID
	qty, seq, shipped, cancelled, backordd int64
	price                                  decimal.Decimal
	rare                                   *lineRare
	// spill holds what does not fit in the box: Allocations and
	// Committed when they have more than two values in all, and the SKU
	// or a location when the interner is full. Nil for most lines; like
	// rare, never modified.
	spill *lineSpill
	sku   uint32 // a number of the store's interner, unless spill.sku is set
	// nAlloc and nCommitted are how many of qs are Allocations (first)
	// and Committed, unless spill holds them.
	nAlloc, nCommitted uint8
	// flags keep a nil and an empty slice apart.
	flags uint8
	qs    [2]boxQty
}

// boxQty is a LocQty whose location is a number of the interner.
type boxQty struct {
	qty int64
	loc uint32
}

// lineSpill is what a lineBox could not keep in its own room.
type lineSpill struct {
	sku              string // the SKU, when it has no number (never "", which is 0)
	alloc, committed []backorder.LocQty
}

// lineBox flags.
const (
	allocNonNil     = 1 << iota // Allocations is not nil
	committedNonNil             // Committed is not nil
)

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

// set copies l into the box, numbering its strings with names.
func (b *lineBox) set(l *backorder.Line, names *interner) {
	rare := b.rare
	// The SKU keeps its number when it is the box's own: shipping writes
	// a line again and again.
	sku, skuOK := b.sku, b.spill == nil || b.spill.sku == ""
	if !skuOK || sku == 0 || names.name(sku) != l.SKU {
		sku, skuOK = names.lookup(l.SKU)
	}
	*b = lineBox{id: l.ID, orderID: l.OrderID, sku: sku, qty: l.Qty, seq: l.Seq, shipped: l.Shipped,
		cancelled: l.Cancelled, backordd: l.Backordered, price: l.UnitPrice}
	if l.Allocations != nil {
		b.flags |= allocNonNil
	}
	if l.Committed != nil {
		b.flags |= committedNonNil
	}
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
	inline := skuOK && len(l.Allocations)+len(l.Committed) <= len(b.qs)
	for k, q := range [][]backorder.LocQty{l.Allocations, l.Committed} {
		for i := range q {
			if !inline {
				break
			}
			id, ok := names.lookup(q[i].Location)
			if !ok {
				inline = false
				break
			}
			b.qs[k*len(l.Allocations)+i] = boxQty{qty: q[i].Qty, loc: id}
		}
	}
	if inline {
		b.nAlloc, b.nCommitted = uint8(len(l.Allocations)), uint8(len(l.Committed))
		return
	}
	b.qs = [2]boxQty{}
	b.spill = &lineSpill{alloc: slices.Clone(l.Allocations), committed: slices.Clone(l.Committed)}
	if !skuOK {
		b.sku, b.spill.sku = 0, l.SKU
	}
}

// setBox copies src, a copy of a box, into the box: a box holds no
// pointer into itself, so a copy is a plain one.
func (b *lineBox) setBox(src *lineBox) { *b = *src }

// size is how many LocQty values the box holds.
func (b *lineBox) size() int {
	if b.spill != nil {
		return len(b.spill.alloc) + len(b.spill.committed)
	}
	return int(b.nAlloc) + int(b.nCommitted)
}

// get sets *l to the stored line, its Allocations and Committed carved
// from buf's spare capacity (which must have room for size() values),
// and returns what is left of buf.
func (b *lineBox) get(l *backorder.Line, names *interner, buf []backorder.LocQty) []backorder.LocQty {
	*l = backorder.Line{ID: b.id, OrderID: b.orderID, Qty: b.qty, UnitPrice: b.price, Seq: b.seq,
		Shipped: b.shipped, Cancelled: b.cancelled, Backordered: b.backordd}
	if sp := b.spill; sp != nil {
		l.Allocations, buf = carve(buf, sp.alloc)
		l.Committed, buf = carve(buf, sp.committed)
		l.SKU = sp.sku
	} else {
		l.Allocations, buf = b.carveQs(buf, b.qs[:b.nAlloc], b.flags&allocNonNil != 0, names)
		l.Committed, buf = b.carveQs(buf, b.qs[b.nAlloc:b.nAlloc+b.nCommitted], b.flags&committedNonNil != 0, names)
	}
	if l.SKU == "" {
		l.SKU = names.name(b.sku)
	}
	if r := b.rare; r != nil {
		l.DiscountPercent, l.DiscountAmount, l.TaxPercent = r.discountPercent, r.discountAmount, r.taxPercent
		l.TaxCategory, l.PreferredLocation, l.ShipGroup = r.taxCategory, r.preferredLocation, r.shipGroup
		l.MinAllocation, l.Rejected, l.Protection, l.ShipPolicy = r.minAllocation, r.rejected, r.protection, r.shipPolicy
		l.CancelReason = r.cancelReason
	}
	return buf
}

// carveQs is carve for values kept in the box: nil when there are none and
// nonNil is false, empty when there are none and nonNil is true.
func (b *lineBox) carveQs(buf []backorder.LocQty, qs []boxQty, nonNil bool, names *interner) (cp, rest []backorder.LocQty) {
	if len(qs) == 0 {
		if nonNil {
			return []backorder.LocQty{}, buf
		}
		return nil, buf
	}
	n := len(buf)
	for _, q := range qs {
		buf = append(buf, backorder.LocQty{Location: names.name(q.loc), Qty: q.qty})
	}
	return buf[n:len(buf):len(buf)], buf
}

// open is the stored line's open quantity, as openQty.
func (b *lineBox) open() int64 {
	n := b.backordd
	if b.spill != nil {
		for i := range b.spill.alloc {
			n += b.spill.alloc[i].Qty
		}
		return n
	}
	for _, q := range b.qs[:b.nAlloc] {
		n += q.qty
	}
	return n
}
