package memstore

import (
	"slices"
	"sync"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/backorder"
)

// openOrders is an index on the lines table: how many open lines each order
// has, and, built when first read after a change, the ids of the orders
// with any, sorted. Order ids are usually random, so keeping the list
// sorted on every write would move half of it each time; OpenOrders is
// read in pages within one View, which the cached list serves.
type openOrders struct {
	// count is behind a pointer so that counting a line of an order that
	// has some is one map lookup, not a lookup and an assignment.
	count map[uuid.UUID]*int
	// last and lastN are the order counted last and its count (nil for
	// none): an order's lines are stored one after another, and its count
	// is then found without a lookup per line.
	last  uuid.UUID
	lastN *int
	// stale says that sorted no longer lists the orders in count. Writers
	// set it under the store's write lock; readers, who may share the read
	// lock, rebuild sorted under mu.
	stale  bool
	mu     sync.Mutex
	sorted []uuid.UUID
}

func newOpenOrders() *openOrders {
	return &openOrders{count: make(map[uuid.UUID]*int)}
}

// counter returns the count of order id, or nil.
func (o *openOrders) counter(id uuid.UUID) *int {
	if o.lastN != nil && o.last == id {
		return o.lastN
	}
	n := o.count[id]
	if n != nil {
		o.last, o.lastN = id, n
	}
	return n
}

func (o *openOrders) add(l *lineBox) {
	if l.open() <= 0 {
		return
	}
	if n := o.counter(l.orderID); n != nil {
		*n++
		return
	}
	n := new(int)
	*n = 1
	o.count[l.orderID] = n
	o.last, o.lastN = l.orderID, n
	o.stale = true
}

func (o *openOrders) remove(l *lineBox) {
	if l.open() <= 0 {
		return
	}
	if n := o.counter(l.orderID); n != nil && *n > 1 {
		*n--
		return
	}
	delete(o.count, l.orderID)
	if o.last == l.orderID {
		o.lastN = nil
	}
	o.stale = true
}

func (o *openOrders) replace(old, l *lineBox) {
	if old.orderID == l.orderID && (old.open() > 0) == (l.open() > 0) {
		return
	}
	o.remove(old)
	o.add(l)
}

// page returns up to limit ids greater than after, in byte order.
func (o *openOrders) page(after uuid.UUID, limit int) []uuid.UUID {
	if limit <= 0 {
		return nil
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.stale {
		o.sorted = o.sorted[:0]
		for id := range o.count {
			o.sorted = append(o.sorted, id)
		}
		slices.SortFunc(o.sorted, compareUUID)
		o.stale = false
	}
	i, found := slices.BinarySearchFunc(o.sorted, after, compareUUID)
	if found {
		i++
	}
	end := i + min(limit, len(o.sorted)-i)
	if i == end {
		return nil
	}
	return slices.Clone(o.sorted[i:end])
}

// openQty is l.Open() through a pointer: the method's receiver is a copy
// of the whole line, which every line write paid, more than once.
func openQty(l *backorder.Line) int64 {
	n := l.Backordered
	for i := range l.Allocations {
		n += l.Allocations[i].Qty
	}
	return n
}
