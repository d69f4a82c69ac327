package memstore

import (
	"slices"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/backorderkit/backorderkit/backorder"
)

// lineBox is a stored line in a compact form without pointers, with room
// for its first two LocQty values, so that a line held at one location
// (with or without a shipment on it) is one allocation. A backorder.Line is
// some 300 bytes, a third of them fields that most lines leave empty
// (discounts, tax, preferred location, ship group, ...). The store keeps
// every line it is given, and the garbage collector scans every block of
// memory with a pointer word in every cycle (see entryBox): the box is half
// the size of a Line, its SKU and locations are numbers of the store's
// interner and its price a number of the interner's prices, and what does
// not fit, the rare fields among them, is in a lineExt that the row keeps
// beside the box. Reads build the backorder.Line.
type lineBox struct {
	id, orderID                            uuid.UUID
	qty, seq, shipped, cancelled, backordd int64
	// openQty is the line's open quantity, for the index of open orders,
	// which sees boxes without their lineExt.
	openQty int64
	sku     uint32 // a number of the store's interner, unless the ext holds the SKU
	price   uint32 // a number of the interner's prices, unless the ext holds the price
	// nAlloc and nCommitted are how many of qs are Allocations (first)
	// and Committed, unless the ext holds them.
	nAlloc, nCommitted uint8
	// flags keep a nil and an empty slice apart.
	flags uint8
	qs    boxQs
}

// boxQs are the first two LocQty values of a box, their locations
// numbers of the interner: quantities and locations apart, in 24 bytes,
// where two {int64, uint32} pairs take 32 with their padding.
type boxQs struct {
	qty [2]int64
	loc [2]uint32
}

// lineExt is what a lineBox could not keep in its own room: the rare
// fields of a line that has any; Allocations and Committed when they have
// more than two values in all or a location has no number; the SKU when
// it has no number; the price when it has none. Nil for most lines; like
// every stored value, never modified: a line written again with the same
// ext keeps it.
type lineExt struct {
	rare             lineRare
	hasRare          bool
	spill            bool // alloc and committed hold the quantities
	alloc, committed []backorder.LocQty
	sku              string // the SKU, when it has no number (never "", which is 0)
	price            decimal.Decimal
	hasPrice         bool
}

// lineBox flags.
const (
	allocNonNil     = 1 << iota // Allocations is not nil
	committedNonNil             // Committed is not nil
)

// lineRare holds the fields of a line that most lines leave empty, in its
// lineExt.
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

// set copies l into the box, numbering its strings and price with names,
// and returns its ext: nil, or old when it holds what the line needs.
func (b *lineBox) set(l *backorder.Line, names *interner, old *lineExt) *lineExt {
	// The SKU and the price keep their numbers when they are the box's
	// own: shipping writes a line again and again.
	sku, skuOK := b.sku, b.sku != 0 && names.name(b.sku) == l.SKU
	if !skuOK {
		sku, skuOK = names.lookup(l.SKU)
	}
	price, priceOK := names.priceID(l.UnitPrice, b.price)
	*b = lineBox{id: l.ID, orderID: l.OrderID, sku: sku, price: price, qty: l.Qty, seq: l.Seq, shipped: l.Shipped,
		cancelled: l.Cancelled, backordd: l.Backordered, openQty: openQty(l)}
	if l.Allocations != nil {
		b.flags |= allocNonNil
	}
	if l.Committed != nil {
		b.flags |= committedNonNil
	}
	inline := skuOK && packQs(&b.qs, l.Allocations, l.Committed, names)
	rare := hasRare(l)
	if inline && priceOK && !rare {
		b.nAlloc, b.nCommitted = uint8(len(l.Allocations)), uint8(len(l.Committed))
		return nil
	}
	var x lineExt
	if rare {
		x.rare, x.hasRare = rareOf(l), true
	}
	if inline {
		b.nAlloc, b.nCommitted = uint8(len(l.Allocations)), uint8(len(l.Committed))
	} else {
		b.qs = boxQs{}
		x.spill, x.alloc, x.committed = true, l.Allocations, l.Committed
		if !skuOK {
			b.sku, x.sku = 0, l.SKU
		}
	}
	if !priceOK {
		b.price, x.price, x.hasPrice = 0, l.UnitPrice, true
	}
	// The rare fields are compared as values: decimals by their exact
	// representation (the engine writes back what it read, so they are
	// the same values), which a new ext would keep anyway.
	if old != nil && old.same(&x) {
		return old
	}
	x.alloc, x.committed = slices.Clone(x.alloc), slices.Clone(x.committed)
	return &x
}

// same reports whether x and y hold the same values, slices compared by
// their values and nil-ness.
func (x *lineExt) same(y *lineExt) bool {
	return x.rare == y.rare && x.hasRare == y.hasRare && x.spill == y.spill && x.sku == y.sku &&
		x.price == y.price && x.hasPrice == y.hasPrice &&
		sameQs(x.alloc, y.alloc) && sameQs(x.committed, y.committed)
}

// sameQs reports whether a and b hold the same values and are both nil or
// both not.
func sameQs(a, b []backorder.LocQty) bool { return slices.Equal(a, b) && (a == nil) == (b == nil) }

// setBox copies src, a copy of a box, into the box: a box holds no
// pointer, so a copy is a plain one.
func (b *lineBox) setBox(src *lineBox) { *b = *src }

// size is how many LocQty values the box and its ext x hold.
func (b *lineBox) size(x *lineExt) int {
	if x != nil && x.spill {
		return len(x.alloc) + len(x.committed)
	}
	return int(b.nAlloc) + int(b.nCommitted)
}

// get sets *l to the stored line, read from the box and its ext x, its
// Allocations and Committed carved from buf's spare capacity (which must
// have room for size(x) values), and returns what is left of buf.
func (b *lineBox) get(l *backorder.Line, x *lineExt, names *interner, buf []backorder.LocQty) []backorder.LocQty {
	*l = backorder.Line{ID: b.id, OrderID: b.orderID, SKU: names.name(b.sku), Qty: b.qty, UnitPrice: names.price(b.price),
		Seq: b.seq, Shipped: b.shipped, Cancelled: b.cancelled, Backordered: b.backordd}
	if x != nil && x.spill {
		l.Allocations, buf = carve(buf, x.alloc)
		l.Committed, buf = carve(buf, x.committed)
	} else {
		l.Allocations, buf = carveBoxQs(buf, &b.qs, 0, int(b.nAlloc), b.flags&allocNonNil != 0, names)
		l.Committed, buf = carveBoxQs(buf, &b.qs, int(b.nAlloc), int(b.nAlloc+b.nCommitted), b.flags&committedNonNil != 0, names)
	}
	if x == nil {
		return buf
	}
	if x.sku != "" {
		l.SKU = x.sku
	}
	if x.hasPrice {
		l.UnitPrice = x.price
	}
	if x.hasRare {
		r := &x.rare
		l.DiscountPercent, l.DiscountAmount, l.TaxPercent = r.discountPercent, r.discountAmount, r.taxPercent
		l.TaxCategory, l.PreferredLocation, l.ShipGroup = r.taxCategory, r.preferredLocation, r.shipGroup
		l.MinAllocation, l.Rejected, l.Protection, l.ShipPolicy = r.minAllocation, r.rejected, r.protection, r.shipPolicy
		l.CancelReason = r.cancelReason
	}
	return buf
}

// open is the stored line's open quantity, as openQty.
func (b *lineBox) open() int64 { return b.openQty }
