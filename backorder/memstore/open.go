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

func (o *openOrders) add(l *backorder.Line) {
	if openQty(l) <= 0 {
		return
	}
	if n := o.count[l.OrderID]; n != nil {
		*n++
		return
	}
	n := 1
	o.count[l.OrderID] = &n
	o.stale = true
}

func (o *openOrders) remove(l *backorder.Line) {
	if openQty(l) <= 0 {
		return
	}
	if n := o.count[l.OrderID]; n != nil && *n > 1 {
		*n--
		return
	}
	delete(o.count, l.OrderID)
	o.stale = true
}

func (o *openOrders) replace(old, l *backorder.Line) {
	if old.OrderID == l.OrderID && (openQty(old) > 0) == (openQty(l) > 0) {
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
