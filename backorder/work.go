package backorder

import (
	"cmp"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/allocation"
	"github.com/backorderkit/backorderkit/eta"
)

// work is the working set of one operation inside one transaction: what it
// has read, what it changed, and the events it raised. Changes are written
// by flush, in one place, so that every operation keeps lines, book entries
// and positions in step.
//
// An Engine keeps finished works in a pool and resets them for the next
// operation (getWork, putWork): their maps, buffers, SKU states and book
// entries are reused, so that a steady stream of operations allocates
// little. Nothing an operation returns to its caller, or hands to the
// store, may point into a work's memory: results are built from fresh
// memory, and the store copies what it is given.
type work struct {
	e   *Engine
	tx  Tx
	app AppendTx // tx's optional appending reads, or nil
	// tx's other optional capabilities, or nil: asserted once per
	// operation (an assertion to an interface is a lookup, and placing
	// an order asked for them once per line).
	exists     ExistsTx
	prefetcher Prefetcher
	now        time.Time
	cmd        string

	skus     map[string]*skuState // hashed: comparing SKUs one by one cost more
	skuOrder []*skuState          // SKUs in first-touched order, for a deterministic flush
	// lines finds the slot of each line the operation holds; slots are
	// the lines in the order the operation took them, with what it knows
	// of each. One index with flags beside each line, where a changed
	// set and an idle set were two more indexes by line id: shipping
	// searched three indexes per line, and flush two more.
	lines     smallMap[uuid.UUID, int32]
	slots     []lineSlot
	nread     int                            // how many slots are read
	newOrders []*Order                       // orders placed by this operation, written whole
	headers   smallMap[uuid.UUID, orderKeys] // the orders whose lines this operation touches
	locs      []Location
	projLocs  []string // location ids in order, for the projection

	// Scratch buffers reused by allocateAt within one operation (and, in a
	// pooled work, across operations).
	bufEntries []*BookEntry
	bufDemands []allocation.Demand
	bufGrants  []int64
	projection eta.Projection
	events     []Event

	// orderEntries is putOrderEntries's buffer.
	orderEntries []*BookEntry

	// Memory kept across operations by a pooled work.
	spare     []*skuState       // reset SKU states, ready for reuse
	entries   entrySlab         // book entries this operation created
	projector eta.Projector     // its day cache outlives one projection
	projWait  []*BookEntry      // projectionInput's waiting entries
	projIn    eta.Input         // projectionInput's slices, reused
	jsonBuf   []byte            // the command record's result
	seqNames  map[string]string // lineSequence's names by SKU, at most keepMap
	// orderBuf holds the lines of the order readOrder read, if it is
	// orderBufUsed.
	orderBuf     []Line
	orderBufUsed bool
	qtySlab      []LocQty // spareQty's memory

	// PlaceOrder's copy of the order it places (see placing).
	placed      Order
	placedLines []Line
	placedQs    []LocQty
	placedSKUs  []*skuState
}

func newWork(e *Engine, tx Tx, cmd string) *work {
	w := &work{skus: make(map[string]*skuState), events: make([]Event, 0, 16)}
	w.start(e, tx, cmd)
	return w
}

// start readies a new or reset work for an operation.
func (w *work) start(e *Engine, tx Tx, cmd string) {
	w.e, w.tx, w.now, w.cmd = e, tx, e.now().Round(0), cmd
	w.app, _ = tx.(AppendTx)
	w.exists, _ = tx.(ExistsTx)
	w.prefetcher, _ = tx.(Prefetcher)
}

// getWork returns a work for an operation, from the engine's pool if it
// has one: allocating a work's maps and buffers anew for every operation
// was a large part of the cost of a small one.
func (e *Engine) getWork(tx Tx, cmd string) *work {
	if w, ok := e.works.Get().(*work); ok {
		w.start(e, tx, cmd)
		return w
	}
	return newWork(e, tx, cmd)
}

// putWork resets w and returns it to the engine's pool. The caller must
// not use w, or anything it handed out that points into w, afterwards.
func (e *Engine) putWork(w *work) {
	w.reset()
	e.works.Put(w)
}

// Bounds on what a pooled work keeps: an operation that touched more (a
// large reallocation) leaves its memory to the garbage collector rather
// than making every later reset pay for it.
const (
	keepMap   = 1 << 10 // map entries
	keepSlice = 1 << 12 // slice elements
)

// reset empties w for reuse, keeping the capacity of its maps and buffers
// (see truncate for what truncated buffers still hold).
func (w *work) reset() {
	for _, s := range w.skuOrder {
		s.reset()
		if len(w.spare) < keepMap {
			w.spare = append(w.spare, s)
		}
	}
	w.e, w.tx, w.app, w.now, w.cmd = nil, nil, nil, time.Time{}, ""
	w.exists, w.prefetcher = nil, nil
	resetMap(&w.skus)
	w.lines.reset()
	w.headers.reset()
	truncate(&w.skuOrder)
	clear(w.slots) // hold no lines
	truncate(&w.slots)
	w.nread = 0
	truncate(&w.newOrders)
	w.locs = nil // the store's, read anew by each operation
	truncate(&w.bufEntries)
	truncate(&w.orderEntries)
	truncate(&w.bufDemands)
	truncate(&w.bufGrants)
	truncate(&w.events)
	truncate(&w.projWait)
	truncate(&w.projIn.Demands)
	truncate(&w.projIn.OnHand)
	truncate(&w.projIn.Inbound)
	w.entries.reset()
	w.placed = Order{}
	truncate(&w.placedLines)
	truncate(&w.placedQs)
	truncate(&w.placedSKUs)
	truncate(&w.orderBuf)
	w.orderBufUsed = false
	truncate(&w.qtySlab)
	if cap(w.jsonBuf) > keepSlice*16 {
		w.jsonBuf = nil
	}
}

// resetMap empties *m, or replaces it if it grew past keepMap entries
// (clearing a map costs in proportion to its capacity, not its length).
func resetMap[K comparable, V any](m *map[K]V) {
	if len(*m) > keepMap {
		*m = make(map[K]V)
		return
	}
	clear(*m)
}

// entrySlab hands out the book entries an operation creates (for lines
// whose entry it did not read), from chunks kept across operations: one
// allocation per new line was a large part of placing an order.
type entrySlab struct {
	chunks [][]BookEntry
	n      int // entries handed out since the last reset
}

const entryChunk = 32

// next returns a zero entry whose Allocations and Committed keep the
// capacity of an earlier use.
func (sl *entrySlab) next() *BookEntry {
	c, i := sl.n/entryChunk, sl.n%entryChunk
	if c == len(sl.chunks) {
		sl.chunks = append(sl.chunks, make([]BookEntry, entryChunk))
	}
	sl.n++
	e := &sl.chunks[c][i]
	*e = BookEntry{Allocations: e.Allocations[:0], Committed: e.Committed[:0]}
	return e
}

// reset takes every entry back, keeping at most keepSlice. As with
// truncate, used entries are zeroed only when next hands them out again.
func (sl *entrySlab) reset() {
	if len(sl.chunks) > keepSlice/entryChunk {
		clear(sl.chunks[keepSlice/entryChunk:])
		sl.chunks = sl.chunks[:keepSlice/entryChunk]
	}
	sl.n = 0
}

// skuState is what an operation knows of one SKU: its item, policy,
// positions and the book entries it has read.
type skuState struct {
	item     Item
	policy   allocation.Policy
	pos      []StockPosition // sorted by location
	posDirty []bool
	// book is the SKU's waiting entries as Book read them, by Seq; extra
	// are the entries read otherwise (holders) or created. No line has two.
	book  []BookEntry
	extra []*BookEntry
	// byID indexes book and extra by line id once indexed says so: entry
	// builds it on first need, when the two hold more than linearEntries.
	byID    map[uuid.UUID]*BookEntry
	indexed bool
	// dirtyEntries lists, once each, the entries to write back.
	dirtyEntries []*BookEntry
	// bookLoaded says whether all waiting entries were read.
	bookLoaded bool
	// holdersLoaded lists the locations whose holders were read.
	holdersLoaded []string
	// builtin says the policy is one of the allocation package's, whose
	// grants need no checking.
	builtin bool
	// reproject says the book, stock or inbound supply changed: the SKU's
	// promises are projected again before the operation is written.
	reproject bool
	// partial says that only item.SKU of the item, and not the policy or
	// the positions, is loaded (see skuForEntries): the state serves
	// entry, loadBook, touch and flush, and sku loads the rest before
	// anything else may use it.
	partial bool
	// posLoaded says that a partial state has its positions loaded (see
	// skuForStock): fill keeps them, changes and all.
	posLoaded bool
}

func (w *work) emit(ev Event) {
	ev.At = w.now
	ev.Command = w.cmd
	w.events = append(w.events, ev)
}

// emitLine is emit for an event of a line at a location, the one an order
// raises per line: written field by field into the events' next slot, not
// built whole and then copied there (an Event is some 300 bytes).
func (w *work) emitLine(typ EventType, l *Line, loc string, q int64) {
	w.events = append(w.events, Event{})
	e := &w.events[len(w.events)-1]
	e.Type, e.At, e.Command = typ, w.now, w.cmd
	e.OrderID, e.LineID, e.SKU, e.Location, e.Qty = l.OrderID, l.ID, l.SKU, loc, q
}

// reset empties s for reuse by another operation, keeping its buffers'
// capacity (up to keepSlice elements). As with truncate, what they held
// is not zeroed: the next operation overwrites it. Field by field: a
// buffer kept is only shortened, which writes no pointer, where writing
// the whole state anew ran the write barrier over each of its pointer
// words, for each SKU of each operation, while the collector marked.
func (s *skuState) reset() {
	truncate(&s.book)
	truncate(&s.pos)
	truncate(&s.posDirty)
	truncate(&s.extra)
	truncate(&s.dirtyEntries)
	truncate(&s.holdersLoaded)
	if len(s.byID) > keepMap {
		s.byID = nil
	} else if len(s.byID) > 0 {
		clear(s.byID)
	}
	s.item = Item{}
	s.policy = nil
	s.indexed, s.bookLoaded, s.builtin, s.reproject, s.partial, s.posLoaded = false, false, false, false, false, false
}

// copyQtys sets *dst to a copy of src in *dst's own memory, as
// append((*dst)[:0], src...) does, without a call for the most common
// lists: none (a line's commitments, nearly always) and one (its
// allocation at one location).
func copyQtys(dst *[]LocQty, src []LocQty) {
	switch {
	case len(src) == 0:
		*dst = (*dst)[:0]
	case len(src) == 1 && cap(*dst) >= 1:
		*dst = (*dst)[:1]
		(*dst)[0] = src[0]
	default:
		*dst = append((*dst)[:0], src...)
	}
}

// truncate empties *p, or drops it if it grew past keepSlice elements, in
// place: a kept slice is only shortened, which writes no pointer. What it
// held is not zeroed (that cost as much as writing it): the stale values
// keep at most one operation's data from the garbage collector, until the
// next operation overwrites them or the pool is emptied at a collection.
func truncate[S ~[]E, E any](p *S) {
	if cap(*p) > keepSlice {
		*p = nil
		return
	}
	*p = (*p)[:0]
}

// sku loads the SKU's item, policy and positions once per operation.
func (w *work) sku(sku string) (*skuState, error) {
	if s, ok := w.skus[sku]; ok {
		if s.partial {
			if err := w.fill(s); err != nil {
				return nil, err
			}
		}
		return s, nil
	}
	s := w.spareState()
	s.item.SKU = sku
	if err := w.fill(s); err != nil {
		s.reset()
		w.spare = append(w.spare, s)
		return nil, err
	}
	w.skus[sku] = s
	w.skuOrder = append(w.skuOrder, s)
	return s, nil
}

// skuForEntries returns the SKU's state for an operation that only writes
// its lines' book entries (shipping an order): a partial one, without the
// item, policy and positions, which sku loads if the operation needs them
// after all. Loading them was a tenth of the cost of shipping an order.
func (w *work) skuForEntries(sku string) *skuState {
	if s, ok := w.skus[sku]; ok {
		return s
	}
	s := w.spareState()
	s.item.SKU, s.partial = sku, true
	w.skus[sku] = s
	w.skuOrder = append(w.skuOrder, s)
	return s
}

// skuForStock returns the SKU's state for an operation that changes its
// positions and its lines' book entries but neither its book nor its
// promises (confirming a shipment): a partial one with the positions
// loaded, and not the item or policy, which sku loads if the operation
// needs them after all. Reading the item of every SKU shipped was some
// 4% of the cost of shipping an order.
func (w *work) skuForStock(sku string) (*skuState, error) {
	s := w.skuForEntries(sku)
	if !s.partial || s.posLoaded {
		return s, nil
	}
	if err := w.loadPositions(s); err != nil {
		return nil, err
	}
	s.posLoaded = true
	return s, nil
}

// loadPositions reads the positions of s.item.SKU into s.
func (w *work) loadPositions(s *skuState) error {
	var pos []StockPosition
	var err error
	if w.app != nil {
		pos, err = w.app.AppendPositions(s.pos[:0], s.item.SKU)
	} else {
		pos, err = w.tx.Positions(s.item.SKU)
	}
	if err != nil {
		return err
	}
	s.pos = pos
	s.posDirty = append(s.posDirty[:0], make([]bool, len(pos))...)
	return nil
}

// spareState returns an empty SKU state: a reset one from an earlier
// operation, which keeps its buffers, or a new one.
func (w *work) spareState() *skuState {
	if n := len(w.spare); n > 0 {
		s := w.spare[n-1]
		w.spare = w.spare[:n-1]
		return s
	}
	return new(skuState)
}

// fill loads the item, policy and positions of s.item.SKU into s, which is
// empty or partial.
func (w *work) fill(s *skuState) error {
	sku := s.item.SKU
	it, err := w.tx.Item(sku)
	if err != nil {
		return notFound(err, "item", sku)
	}
	pol, err := w.e.policyFor(it)
	if err != nil {
		return err
	}
	if !s.posLoaded {
		if err := w.loadPositions(s); err != nil {
			return err
		}
	}
	s.item, s.policy, s.builtin, s.partial, s.posLoaded = it, pol, builtinPolicy(pol), false, false
	return nil
}

// position returns the SKU's position at loc for writing, creating an all
// zero one if the store has none.
func (s *skuState) position(loc string) *StockPosition {
	i, found := s.find(loc)
	if !found {
		s.pos = slices.Insert(s.pos, i, StockPosition{SKU: s.item.SKU, Location: loc})
		s.posDirty = slices.Insert(s.posDirty, i, false)
	}
	s.posDirty[i] = true
	s.reproject = true
	return &s.pos[i]
}

// available returns the available stock at loc without marking it dirty.
func (s *skuState) available(loc string) int64 {
	i, found := s.find(loc)
	if !found {
		return 0
	}
	return s.pos[i].OnHand - s.pos[i].Allocated
}

// find returns where the position at loc is in s.pos, or would be. A SKU
// has a position at a few locations, which a linear search finds faster
// than a binary one (the engine asks some forty times per order placed);
// a long list is searched by halves.
func (s *skuState) find(loc string) (int, bool) {
	if len(s.pos) <= linearPositions {
		for i := range s.pos {
			// Equality first: one comparison for the location sought,
			// where an ordering and then an equality test made two.
			if l := s.pos[i].Location; l == loc {
				return i, true
			} else if l > loc {
				return i, false
			}
		}
		return len(s.pos), false
	}
	return slices.BinarySearchFunc(s.pos, loc, func(p StockPosition, loc string) int {
		return cmp.Compare(p.Location, loc)
	})
}

// linearPositions is the most positions find searches one by one.
const linearPositions = 8

// loadBook reads the SKU's waiting entries once.
func (w *work) loadBook(s *skuState) error {
	if s.bookLoaded {
		return nil
	}
	var book []BookEntry
	var err error
	if w.app != nil {
		// Into the state's own buffer: a new book per receipt was most of
		// what a receipt allocated.
		book, err = w.app.AppendBook(s.book[:0], s.item.SKU)
	} else {
		book, err = w.tx.Book(s.item.SKU)
	}
	if err != nil {
		return err
	}
	if len(s.extra) > 0 {
		// Keep the entries this operation already holds: they may have
		// changed.
		book = slices.DeleteFunc(book, func(e BookEntry) bool { return s.entry(e.LineID) != nil })
	}
	s.book = book
	if s.indexed {
		for i := range s.book {
			s.byID[s.book[i].LineID] = &s.book[i]
		}
	}
	s.bookLoaded = true
	return nil
}

// loadHolders reads the entries holding stock at loc once.
func (w *work) loadHolders(s *skuState, loc string) error {
	if slices.Contains(s.holdersLoaded, loc) {
		return nil
	}
	hs, err := w.tx.Holders(s.item.SKU, loc)
	if err != nil {
		return err
	}
	for i := range hs {
		if s.entry(hs[i].LineID) == nil {
			s.add(&hs[i])
		}
	}
	s.holdersLoaded = append(s.holdersLoaded, loc)
	return nil
}

// lineSlot is a line the operation holds.
type lineSlot struct {
	l *Line
	// read says the line was read from the store (by line or useOrder):
	// flush writes it, one by one, if it is dirty. A line of an order
	// this operation places is written with its order instead.
	read  bool
	dirty bool // touched: to be written
	// idle says the line was read with nothing backordered: its stored
	// entry waits for nothing and carries no promise (see touchEntry).
	idle bool
	// entryPut says the line's entry under its own SKU was written with
	// its order (see putOrderEntries).
	entryPut bool
}

// heldLine returns the line the operation holds with this id, if any.
func (w *work) heldLine(id uuid.UUID) (*Line, bool) {
	if i, ok := w.lines.get(id); ok {
		return w.slots[i].l, true
	}
	return nil, false
}

// holdLine makes l the line the operation holds with l's id, which it does
// not hold yet (every caller has looked, or placed the line: its id is
// new); read says it was read from the store (see lineSlot).
func (w *work) holdLine(l *Line, read bool) {
	w.lines.add(l.ID, int32(len(w.slots)))
	w.slots = append(w.slots, lineSlot{l: l, read: read, idle: read && l.Backordered == 0})
	if read {
		w.nread++
	}
}

// line returns the line for writing, reading it once.
func (w *work) line(id uuid.UUID) (*Line, error) {
	if l, ok := w.heldLine(id); ok {
		return l, nil
	}
	l, err := w.tx.Line(id)
	if err != nil {
		return nil, notFound(err, "line", id.String())
	}
	w.holdLine(&l, true)
	return &l, nil
}

// useOrder makes the lines of o, an order the operation has just read,
// the lines w.line returns, except those it read before: an operation that
// reads an order and then works on its lines (shipping it, confirming a
// shipment) reads each line once, with the order, instead of once more by
// itself. o is the operation's own copy (the store copies what it reads);
// after this, its lines change only through w.line's pointers.
func (w *work) useOrder(o *Order) {
	for i := range o.Lines {
		l := &o.Lines[i]
		if _, ok := w.lines.get(l.ID); !ok {
			w.holdLine(l, true)
		}
	}
}

// spareQty returns an empty slice with room for one LocQty, from the
// work's memory: a line that a shipment first commits needs one, and a
// small allocation per line was a large part of what shipping an order
// allocated. The line is the work's, and flush's writes are copied
// by the store, so the memory never leaves the operation.
func (w *work) spareQty() []LocQty {
	if len(w.qtySlab) == cap(w.qtySlab) {
		w.qtySlab = make([]LocQty, 0, max(64, 2*cap(w.qtySlab)))
	}
	n := len(w.qtySlab)
	w.qtySlab = w.qtySlab[:n+1]
	return w.qtySlab[n : n : n+1]
}

// allocatedOf, committedOf and openOf are l.Allocated(), committed(*l) and
// l.Open() through a pointer: the methods' receiver is a copy of the whole
// line (some 300 bytes), which the hot paths paid per line per call.
func allocatedOf(l *Line) int64 {
	var n int64
	for i := range l.Allocations {
		n += l.Allocations[i].Qty
	}
	return n
}

func committedOf(l *Line) int64 {
	var n int64
	for i := range l.Committed {
		n += l.Committed[i].Qty
	}
	return n
}

func openOf(l *Line) int64 { return allocatedOf(l) + l.Backordered }

// entry returns the entry of a line this operation has read or created, or
// nil.
func (s *skuState) entry(id uuid.UUID) *BookEntry {
	if !s.indexed {
		// A short list is searched: most operations touch a few lines of
		// a SKU, and building a map for them cost more than it saved.
		if len(s.book)+len(s.extra) <= linearEntries {
			for i := range s.book {
				if s.book[i].LineID == id {
					return &s.book[i]
				}
			}
			for _, e := range s.extra {
				if e.LineID == id {
					return e
				}
			}
			return nil
		}
		if s.byID == nil {
			s.byID = make(map[uuid.UUID]*BookEntry, len(s.book)+len(s.extra))
		}
		for i := range s.book {
			s.byID[s.book[i].LineID] = &s.book[i]
		}
		for _, e := range s.extra {
			s.byID[e.LineID] = e
		}
		s.indexed = true
	}
	return s.byID[id]
}

// linearEntries is the most entries entry searches without an index.
const linearEntries = 16

// add records an entry that Book did not return.
func (s *skuState) add(e *BookEntry) {
	s.extra = append(s.extra, e)
	if s.indexed {
		s.byID[e.LineID] = e
	}
}

// touch marks a line changed and brings its book entry in step with it.
func (w *work) touch(s *skuState, l *Line) error { return w.touchEntry(s, l, nil) }

// touchEntry is touch for a caller that already has the line's entry (nil
// if it has not).
func (w *work) touchEntry(s *skuState, l *Line, e *BookEntry) error {
	// Only lines read (with w.line or useOrder) are written one by one,
	// and such a line is held before it can be touched: while none is
	// (placing an order), there is nothing to mark, or to look up.
	var slot *lineSlot
	if w.nread > 0 {
		if i, ok := w.lines.get(l.ID); ok {
			slot = &w.slots[i]
			slot.dirty = slot.read
		}
	}
	if e == nil {
		e = s.entry(l.ID)
	}
	if e == nil && !s.bookLoaded {
		// A waiting line's entry carries its stored promise, which a
		// rebuilt entry would drop (raising PromiseChanged for a date that
		// did not move): read the book before building one. A line that
		// was read with nothing backordered has no entry there (shipping
		// or confirming an allocated line read the SKU's whole book for
		// nothing).
		if slot == nil || !slot.idle {
			if err := w.loadBook(s); err != nil {
				return err
			}
			e = s.entry(l.ID)
		}
	}
	if e == nil {
		// The line's entry was not read (it had nothing open, or it holds
		// stock at a location whose holders were not read): build it from
		// the order's header.
		o, err := w.header(l.OrderID)
		if err != nil {
			return err
		}
		e = w.entries.next()
		e.SKU, e.LineID, e.OrderID = l.SKU, l.ID, l.OrderID
		e.Customer, e.Priority, e.Placed, e.RequestedDate = o.customer, o.priority, o.placed, o.requested
		s.add(e)
	}
	e.Seq = l.Seq
	if e.Backordered != l.Backordered {
		if s.partial {
			// Projecting the book needs the item and the positions.
			if err := w.fill(s); err != nil {
				return err
			}
		}
		s.reproject = true
		if l.Backordered == 0 {
			e.Promise = PromiseDate{} // a promise is for waiting lines only
		}
	}
	e.Backordered = l.Backordered
	// The entry's slices are its own (the store copies on read and write),
	// so they are reused rather than cloned.
	copyQtys(&e.Allocations, l.Allocations)
	copyQtys(&e.Committed, l.Committed)
	e.MinAllocation = l.MinAllocation
	e.Protection = l.Protection
	s.dirtyEntries = append(s.dirtyEntries, e) // deduplicated by flush
	return nil
}

// orderKeys is what a book entry takes from its order: a copy of these
// rather than of the whole header (some 260 bytes) per line touched.
type orderKeys struct {
	customer  string
	priority  int32
	placed    time.Time
	requested time.Time
}

// keysOf returns o's orderKeys.
func keysOf(o *Order) orderKeys {
	return orderKeys{customer: o.Customer, priority: o.Priority, placed: o.Placed, requested: o.RequestedDate}
}

// header returns what an order's book entries take from it, from this
// operation's new orders or the store.
func (w *work) header(id uuid.UUID) (orderKeys, error) {
	for _, o := range w.newOrders {
		if o.ID == id {
			return keysOf(o), nil
		}
	}
	if k, ok := w.headers.get(id); ok {
		return k, nil
	}
	o, err := w.tx.Order(id)
	if err != nil {
		return orderKeys{}, notFound(err, "order", id.String())
	}
	k := keysOf(&o)
	w.headers.set(id, k)
	return k, nil
}

// waiting returns the SKU's entries with backordered quantity, by Seq, in
// buf's storage.
func (s *skuState) waiting(buf []*BookEntry) []*BookEntry {
	out := buf[:0]
	for i := range s.book {
		if s.book[i].Backordered > 0 {
			out = append(out, &s.book[i])
		}
	}
	for _, e := range s.extra {
		if e.Backordered > 0 {
			out = append(out, e)
		}
	}
	bySeq := func(a, b *BookEntry) int { return cmp.Compare(a.Seq, b.Seq) }
	if !slices.IsSortedFunc(out, bySeq) {
		slices.SortFunc(out, bySeq)
	}
	return out
}

// anyWaiting reports whether any entry the SKU's state holds waits.
func (s *skuState) anyWaiting() bool {
	for i := range s.book {
		if s.book[i].Backordered > 0 {
			return true
		}
	}
	for _, e := range s.extra {
		if e.Backordered > 0 {
			return true
		}
	}
	return false
}

// flush writes every change of the operation: new orders whole, changed
// lines, book entries, positions, then the events. It first re-projects the
// promises of the SKUs whose book, stock or inbound supply changed.
func (w *work) flush() error {
	if err := w.projectAll(); err != nil {
		return err
	}
	// A new order's lines are the very lines the operation changed
	// (their slots point into the order), and they are not read ones.
	oe, _ := w.tx.(OrderEntriesTx)
	for _, o := range w.newOrders {
		var err error
		if oe != nil && o == &w.placed && len(w.placedSKUs) == len(o.Lines) {
			err = w.putOrderEntries(oe)
		} else {
			err = w.tx.PutOrder(*o)
		}
		if err != nil {
			return err
		}
	}
	// With a LineEntryTx, a changed line is written with its entry (see
	// putEntry), after the lines that have none; otherwise every changed
	// line is written first, then the entries.
	lw, _ := w.tx.(LineEntryTx)
	// Only an operation that placed an order has entries written with it:
	// the others (shipping, receiving) look nothing up for them.
	withOrders := oe != nil && len(w.newOrders) > 0
	if lw == nil {
		if err := w.putLines(); err != nil {
			return err
		}
	}
	for _, s := range w.skuOrder {
		slices.SortFunc(s.dirtyEntries, func(a, b *BookEntry) int { return cmp.Compare(a.Seq, b.Seq) })
		for _, e := range slices.Compact(s.dirtyEntries) {
			if withOrders && w.putWithOrder(e) {
				continue
			}
			if err := w.putEntry(lw, e); err != nil {
				return err
			}
		}
		for i := range s.pos {
			if s.posDirty[i] {
				if err := w.tx.PutPosition(s.pos[i]); err != nil {
					return err
				}
			}
		}
	}
	if lw != nil {
		if err := w.putLines(); err != nil {
			return err
		}
	}
	if len(w.events) > 0 {
		if q, ok := w.tx.(EventQueuer); ok {
			return q.QueueEvents(w.events)
		}
		return w.tx.AppendEvents(w.events)
	}
	return nil
}

// putOrderEntries writes the order placeOrder placed with the open
// entries of its lines under their own SKUs, through oe, and marks those
// entries written. Its lines' SKU states are beside it, line by line
// (placedSKUs): no lookup of each line's SKU.
func (w *work) putOrderEntries(oe OrderEntriesTx) error {
	o := &w.placed
	es := w.orderEntries[:0]
	for i := range o.Lines {
		l, s := &o.Lines[i], w.placedSKUs[i]
		j, ok := w.lines.get(l.ID)
		if !ok {
			continue
		}
		if e := s.entry(l.ID); e != nil && e.Open() {
			es = append(es, e)
			w.slots[j].entryPut = true
		}
	}
	w.orderEntries = es
	return oe.PutOrderEntries(o, es)
}

// putWithOrder reports whether e was written with its line's new order.
func (w *work) putWithOrder(e *BookEntry) bool {
	j, ok := w.lines.get(e.LineID)
	return ok && w.slots[j].entryPut && w.slots[j].l.SKU == e.SKU
}

// putLines writes the changed lines the operation read, that are not
// written yet.
func (w *work) putLines() error {
	for i := range w.slots {
		if sl := &w.slots[i]; sl.read && sl.dirty {
			if err := w.tx.PutLine(*sl.l); err != nil {
				return err
			}
			sl.dirty = false
		}
	}
	return nil
}

// putEntry writes a changed book entry: with its line, through lw, when
// lw is not nil and the line is a changed one under the same SKU (one
// store call instead of two: a tenth of the cost of shipping an order),
// and alone otherwise.
func (w *work) putEntry(lw LineEntryTx, e *BookEntry) error {
	if lw != nil && w.nread > 0 { // only read lines are written one by one
		if i, ok := w.lines.get(e.LineID); ok {
			if sl := &w.slots[i]; sl.read && sl.dirty && sl.l.SKU == e.SKU {
				sl.dirty = false
				return lw.PutLineAndEntry(sl.l, e)
			}
		}
	}
	return w.tx.PutBookEntry(*e)
}
