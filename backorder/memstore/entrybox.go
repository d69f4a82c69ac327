package memstore

import (
	"math"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/backorder"
)

// entryBox is a stored book entry in a compact form without pointers, the
// counterpart of lineBox. The store keeps an entry for every open line,
// written with the line in one block (openLineBox), and the garbage
// collector scans every block that has a pointer word in every cycle,
// while marking runs for most of the time a growing store is written: at
// some 10-20 ns a pointer word, nil or not, a block of ten lines with
// eight pointer words each cost about as much to mark as the rest of its
// order. So the
// strings are numbers of the store's interner, the first two LocQty values
// are inline, and the times are packed (packTime); what does not fit is in
// an entrySpill, which the row and the indexes keep beside the box (see
// entryRef).
//
// A box is written in place only by lineTable.write (which keeps its old
// contents for undo): a copy is a plain one.
type entryBox struct {
	lineID, orderID           uuid.UUID
	placed, requested         boxTime
	ready, delivery           boxTime // Promise
	seq, backordd, minAlloc   int64
	priority                  int32
	sku, customer             uint32 // numbers of the store's interner, unless spilled
	protection, promise       uint32 // Protection and Promise.Kind, as sku
	nAlloc, nCommitted, flags uint8  // as in lineBox
	qs                        boxQs
}

// entrySpill is what an entryBox could not keep: its strings when one of
// them has no number (the interner is full), Allocations and Committed
// when they have more than two values in all or a location has no number,
// and its times when one cannot be packed. An entry that has one reads
// every one of those fields from it. Like every stored value it is never
// modified.
type entrySpill struct {
	sku, customer                      string
	protection                         backorder.Protection
	promise                            backorder.PromiseKind
	alloc, committed                   []backorder.LocQty
	placed, requested, ready, delivery time.Time
}

// entryRef is a stored entry: its box, and its spill or nil. The row and
// the indexes hold both, so that the box itself has no pointer.
type entryRef struct {
	b  *entryBox
	sp *entrySpill
}

// boxTime is a packed time.Time: 0 for the zero Time, and otherwise the
// seconds since boxEpoch in the high 32 bits, then the nanoseconds in 30
// bits and a zone code in the low 2. Only times without a monotonic clock
// reading, in UTC or in the process's local zone, within some 68 years of
// boxEpoch (1932 to 2068), are packed; they are the times a host's clock
// gives once the reading is stripped (as the engine's default clock
// does), and their representation is then determined by the instant and
// the zone, so that unpacking gives the same value, == to what was
// packed. Eight bytes, not the sixteen of seconds, nanoseconds and zone
// apart: an entry has four. (Nanoseconds since boxEpoch in one number
// kept a few more years, but unpacking them took a division, and reading
// a book of 200 entries unpacks some 400 times.)
type boxTime int64

// boxTime zone codes.
const (
	zoneZero  = iota // the zero Time
	zoneUTC          // UTC, the nil location
	zoneLocal        // processLocal
)

// boxEpoch is 2000-01-01T00:00:00Z in Unix seconds.
const boxEpoch = 946684800

// processLocal is time.Local as the process started: a host may set
// time.Local later, and a packed local time must keep its location.
var processLocal = time.Local

// packTime packs t, reporting false when it cannot be.
func packTime(t time.Time) (boxTime, bool) {
	if t == (time.Time{}) {
		return 0, true
	}
	if t != t.Round(0) { // a monotonic clock reading
		return 0, false
	}
	var zone int64
	switch t.Location() { // UTC for the nil location
	case time.UTC:
		zone = zoneUTC
	case processLocal:
		zone = zoneLocal
	default:
		return 0, false
	}
	sec := t.Unix() - boxEpoch
	if sec < math.MinInt32 || sec > math.MaxInt32 {
		return 0, false
	}
	return boxTime(sec<<32 | int64(t.Nanosecond())<<2 | zone), true
}

// zone returns bt's zone code.
func (bt boxTime) zone() int64 { return int64(bt) & 3 }

// time unpacks bt.
func (bt boxTime) time() time.Time {
	zone := bt.zone()
	if zone == zoneZero {
		return time.Time{}
	}
	t := time.Unix(boxEpoch+int64(bt)>>32, int64(bt)>>2&(1<<30-1)) // in time.Local
	if zone == zoneUTC {
		return t.UTC()
	}
	if time.Local != processLocal {
		return inProcessLocal(t)
	}
	return t
}

// inProcessLocal is t in processLocal, for a host that changed time.Local.
func inProcessLocal(t time.Time) time.Time { return t.In(processLocal) }

// set copies e into the box, numbering its strings with names, and
// returns what did not fit, or nil.
func (b *entryBox) set(e *backorder.BookEntry, names *interner) *entrySpill {
	*b = entryBox{lineID: e.LineID, orderID: e.OrderID, seq: e.Seq, backordd: e.Backordered,
		minAlloc: e.MinAllocation, priority: e.Priority}
	if e.Allocations != nil {
		b.flags |= allocNonNil
	}
	if e.Committed != nil {
		b.flags |= committedNonNil
	}
	var ok [8]bool
	b.placed, ok[0] = packTime(e.Placed)
	b.requested, ok[1] = packTime(e.RequestedDate)
	b.ready, ok[2] = packTime(e.Promise.Ready)
	b.delivery, ok[3] = packTime(e.Promise.Delivery)
	b.sku, ok[4] = names.lookup(e.SKU)
	b.customer, ok[5] = names.lookup(e.Customer)
	b.protection, ok[6] = names.lookup(string(e.Protection))
	b.promise, ok[7] = names.lookup(string(e.Promise.Kind))
	if ok == [8]bool{true, true, true, true, true, true, true, true} &&
		packQs(&b.qs, e.Allocations, e.Committed, names) {
		b.nAlloc, b.nCommitted = uint8(len(e.Allocations)), uint8(len(e.Committed))
		return nil
	}
	b.sku, b.customer, b.protection, b.promise, b.qs = 0, 0, 0, 0, boxQs{}
	b.placed, b.requested, b.ready, b.delivery = 0, 0, 0, 0
	return &entrySpill{sku: e.SKU, customer: e.Customer, protection: e.Protection, promise: e.Promise.Kind,
		alloc: slices.Clone(e.Allocations), committed: slices.Clone(e.Committed),
		placed: e.Placed, requested: e.RequestedDate, ready: e.Promise.Ready, delivery: e.Promise.Delivery}
}

// newEntryRef returns e copied into new memory for storing.
func newEntryRef(e *backorder.BookEntry, names *interner) entryRef {
	b := new(entryBox)
	return entryRef{b: b, sp: b.set(e, names)}
}

// size is how many LocQty values the entry holds.
func (r entryRef) size() int {
	if r.sp != nil {
		return len(r.sp.alloc) + len(r.sp.committed)
	}
	return int(r.b.nAlloc) + int(r.b.nCommitted)
}

// get sets *e to the stored entry, its Allocations and Committed carved
// from buf's spare capacity (which must have room for size() values), and
// returns what is left of buf. Field by field: a receipt reads its whole
// book, and a composite literal was built aside and copied.
func (r entryRef) get(e *backorder.BookEntry, names *interner, buf []backorder.LocQty) []backorder.LocQty {
	b := r.b
	e.LineID, e.OrderID, e.Priority, e.Seq = b.lineID, b.orderID, b.priority, b.seq
	e.Backordered, e.MinAllocation = b.backordd, b.minAlloc
	if sp := r.sp; sp != nil {
		e.SKU, e.Customer, e.Protection, e.Promise.Kind = sp.sku, sp.customer, sp.protection, sp.promise
		e.Placed, e.RequestedDate, e.Promise.Ready, e.Promise.Delivery = sp.placed, sp.requested, sp.ready, sp.delivery
		e.Allocations, buf = carve(buf, sp.alloc)
		e.Committed, buf = carve(buf, sp.committed)
		return buf
	}
	// Zero times and no quantities are tested here, in line: a waiting
	// entry has no allocation and few have a requested date.
	e.Placed = b.placed.time()
	e.RequestedDate, e.Promise.Ready, e.Promise.Delivery = time.Time{}, time.Time{}, time.Time{}
	if b.requested != 0 {
		e.RequestedDate = b.requested.time()
	}
	if b.ready != 0 {
		e.Promise.Ready = b.ready.time()
	}
	if b.delivery != 0 {
		e.Promise.Delivery = b.delivery.time()
	}
	e.SKU, e.Customer = names.name(b.sku), names.name(b.customer)
	e.Protection, e.Promise.Kind = backorder.Protection(names.name(b.protection)), backorder.PromiseKind(names.name(b.promise))
	if b.nAlloc|b.nCommitted|b.flags == 0 {
		e.Allocations, e.Committed = nil, nil
		return buf
	}
	e.Allocations, buf = carveBoxQs(buf, &b.qs, 0, int(b.nAlloc), b.flags&allocNonNil != 0, names)
	e.Committed, buf = carveBoxQs(buf, &b.qs, int(b.nAlloc), int(b.nAlloc+b.nCommitted), b.flags&committedNonNil != 0, names)
	return buf
}

// placed is the entry's Placed.
func (r entryRef) placed() time.Time {
	if r.sp != nil {
		return r.sp.placed
	}
	return r.b.placed.time()
}

// skuName is the entry's SKU.
func (r entryRef) skuName(names *interner) string {
	if r.sp != nil {
		return r.sp.sku
	}
	return names.name(r.b.sku)
}

// customerName is the entry's customer.
func (r entryRef) customerName(names *interner) string {
	if r.sp != nil {
		return r.sp.customer
	}
	return names.name(r.b.customer)
}

// waiting reports whether the entry has a backordered quantity.
func (r entryRef) waiting() bool { return r.b.backordd > 0 }

// allocLen is len(Allocations).
func (r entryRef) allocLen() int {
	if r.sp != nil {
		return len(r.sp.alloc)
	}
	return int(r.b.nAlloc)
}

// allocAt is Allocations[i], which must exist.
func (r entryRef) allocAt(i int, names *interner) (loc string, qty int64) {
	if r.sp != nil {
		a := &r.sp.alloc[i]
		return a.Location, a.Qty
	}
	return names.name(r.b.qs.loc[i]), r.b.qs.qty[i]
}

// sameAllocKeys reports whether a and b hold stock at the same locations
// in the same order: the same locations, each with a Qty > 0 in both or
// in neither.
func sameAllocKeys(a, b entryRef, names *interner) bool {
	n := a.allocLen()
	if n != b.allocLen() {
		return false
	}
	if a.sp == nil && b.sp == nil {
		for i := range n {
			if p, q := &a.b.qs, &b.b.qs; p.loc[i] != q.loc[i] || (p.qty[i] > 0) != (q.qty[i] > 0) {
				return false
			}
		}
		return true
	}
	for i := range n {
		l1, q1 := a.allocAt(i, names)
		l2, q2 := b.allocAt(i, names)
		if l1 != l2 || (q1 > 0) != (q2 > 0) {
			return false
		}
	}
	return true
}

// sameSKU reports whether a and b are under the same SKU.
func sameSKU(a, b entryRef, names *interner) bool {
	if a.sp == nil && b.sp == nil {
		return a.b.sku == b.b.sku
	}
	return a.skuName(names) == b.skuName(names)
}

// sameCustomer reports whether a and b have the same customer.
func sameCustomer(a, b entryRef, names *interner) bool {
	if a.sp == nil && b.sp == nil {
		return a.b.customer == b.b.customer
	}
	return a.customerName(names) == b.customerName(names)
}

// held calls fn for each location where r holds stock, once each (a
// location listed twice in a row counts once).
func (r entryRef) held(names *interner, fn func(loc string)) {
	prev := ""
	for i := range r.allocLen() {
		loc, qty := r.allocAt(i, names)
		if qty > 0 && (i == 0 || loc != prev) {
			fn(loc)
		}
		prev = loc
	}
}

// packQs numbers the locations of alloc and then committed into qs,
// reporting false, with qs partly written, when they are more than qs
// holds or a location has no number.
func packQs(qs *boxQs, alloc, committed []backorder.LocQty, names *interner) bool {
	if len(alloc)+len(committed) > len(qs.qty) {
		return false
	}
	for i := range len(alloc) + len(committed) {
		var q *backorder.LocQty
		if i < len(alloc) {
			q = &alloc[i]
		} else {
			q = &committed[i-len(alloc)]
		}
		id, ok := names.lookup(q.Location)
		if !ok {
			return false
		}
		qs.qty[i], qs.loc[i] = q.Qty, id
	}
	return true
}

// carveBoxQs is carve for the values from to to of a box's qs: nil when
// there are none and nonNil is false, empty when there are none and nonNil
// is true.
func carveBoxQs(buf []backorder.LocQty, qs *boxQs, from, to int, nonNil bool, names *interner) (cp, rest []backorder.LocQty) {
	if from == to {
		if nonNil {
			return []backorder.LocQty{}, buf
		}
		return nil, buf
	}
	n := len(buf)
	for i := from; i < to; i++ {
		buf = append(buf, backorder.LocQty{Location: names.name(qs.loc[i]), Qty: qs.qty[i]})
	}
	return buf[n:len(buf):len(buf)], buf
}
