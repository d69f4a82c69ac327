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
type work struct {
	e   *Engine
	tx  Tx
	now time.Time
	cmd string

	skus      map[string]*skuState
	skuOrder  []string // SKUs in first-touched order, for a deterministic flush
	lines     map[uuid.UUID]*Line
	lineOrder []uuid.UUID
	dirty     map[uuid.UUID]bool
	newOrders []*Order // orders placed by this operation, written whole
	headers   map[uuid.UUID]Order
	locs      []Location

	// Scratch buffers reused by allocateAt within one operation.
	bufEntries []*BookEntry
	bufDemands []allocation.Demand
	bufGrants  []int64
	projection eta.Projection
	events     []Event
}

func newWork(e *Engine, tx Tx, cmd string) *work {
	return &work{
		e:       e,
		tx:      tx,
		now:     e.now(),
		cmd:     cmd,
		skus:    make(map[string]*skuState),
		lines:   make(map[uuid.UUID]*Line),
		dirty:   make(map[uuid.UUID]bool),
		headers: make(map[uuid.UUID]Order),
		events:  make([]Event, 0, 16),
	}
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
	// byID indexes book and extra by line id, built on first need.
	byID map[uuid.UUID]*BookEntry
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
}

func (w *work) emit(ev Event) {
	ev.At = w.now
	ev.Command = w.cmd
	w.events = append(w.events, ev)
}

// sku loads the SKU's item, policy and positions once per operation.
func (w *work) sku(sku string) (*skuState, error) {
	if s, ok := w.skus[sku]; ok {
		return s, nil
	}
	it, err := w.tx.Item(sku)
	if err != nil {
		return nil, notFound(err, "item", sku)
	}
	pol, err := w.e.policyFor(it)
	if err != nil {
		return nil, err
	}
	pos, err := w.tx.Positions(sku)
	if err != nil {
		return nil, err
	}
	s := &skuState{
		item:     it,
		policy:   pol,
		builtin:  builtinPolicy(pol),
		pos:      pos,
		posDirty: make([]bool, len(pos)),
	}
	w.skus[sku] = s
	w.skuOrder = append(w.skuOrder, sku)
	return s, nil
}

// position returns the SKU's position at loc for writing, creating an all
// zero one if the store has none.
func (s *skuState) position(loc string) *StockPosition {
	i, found := slices.BinarySearchFunc(s.pos, loc, func(p StockPosition, loc string) int {
		return cmp.Compare(p.Location, loc)
	})
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
	i, found := slices.BinarySearchFunc(s.pos, loc, func(p StockPosition, loc string) int {
		return cmp.Compare(p.Location, loc)
	})
	if !found {
		return 0
	}
	return s.pos[i].Available()
}

// loadBook reads the SKU's waiting entries once.
func (w *work) loadBook(s *skuState) error {
	if s.bookLoaded {
		return nil
	}
	book, err := w.tx.Book(s.item.SKU)
	if err != nil {
		return err
	}
	if len(s.extra) > 0 {
		// Keep the entries this operation already holds: they may have
		// changed.
		book = slices.DeleteFunc(book, func(e BookEntry) bool { return s.entry(e.LineID) != nil })
	}
	s.book = book
	if s.byID != nil {
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

// line returns the line for writing, reading it once.
func (w *work) line(id uuid.UUID) (*Line, error) {
	if l, ok := w.lines[id]; ok {
		return l, nil
	}
	l, err := w.tx.Line(id)
	if err != nil {
		return nil, notFound(err, "line", id.String())
	}
	w.lines[id] = &l
	w.lineOrder = append(w.lineOrder, id)
	return &l, nil
}

// entry returns the entry of a line this operation has read or created, or
// nil.
func (s *skuState) entry(id uuid.UUID) *BookEntry {
	if s.byID == nil {
		s.byID = make(map[uuid.UUID]*BookEntry, len(s.book)+len(s.extra))
		for i := range s.book {
			s.byID[s.book[i].LineID] = &s.book[i]
		}
		for _, e := range s.extra {
			s.byID[e.LineID] = e
		}
	}
	return s.byID[id]
}

// add records an entry that Book did not return.
func (s *skuState) add(e *BookEntry) {
	s.extra = append(s.extra, e)
	if s.byID != nil {
		s.byID[e.LineID] = e
	}
}

// touch marks a line changed and brings its book entry in step with it.
func (w *work) touch(s *skuState, l *Line) error { return w.touchEntry(s, l, nil) }

// touchEntry is touch for a caller that already has the line's entry (nil
// if it has not).
func (w *work) touchEntry(s *skuState, l *Line, e *BookEntry) error {
	w.dirty[l.ID] = true
	if e == nil {
		e = s.entry(l.ID)
	}
	if e == nil {
		// The line's entry was not read (it had nothing open, or it holds
		// stock at a location whose holders were not read): build it from
		// the order's header.
		o, err := w.header(l.OrderID)
		if err != nil {
			return err
		}
		e = &BookEntry{SKU: l.SKU, LineID: l.ID, OrderID: l.OrderID,
			Customer: o.Customer, Priority: o.Priority, Placed: o.Placed,
			RequestedDate: o.RequestedDate}
		s.add(e)
	}
	e.Seq = l.Seq
	if e.Backordered != l.Backordered {
		s.reproject = true
		if l.Backordered == 0 {
			e.Promise = PromiseDate{} // a promise is for waiting lines only
		}
	}
	e.Backordered = l.Backordered
	// The entry's slices are its own (the store copies on read and write),
	// so they are reused rather than cloned.
	e.Allocations = append(e.Allocations[:0], l.Allocations...)
	e.Committed = append(e.Committed[:0], l.Committed...)
	e.MinAllocation = l.MinAllocation
	e.Protection = l.Protection
	s.dirtyEntries = append(s.dirtyEntries, e) // deduplicated by flush
	return nil
}

// header returns an order's header, from this operation's new orders or the
// store.
func (w *work) header(id uuid.UUID) (Order, error) {
	for _, o := range w.newOrders {
		if o.ID == id {
			return o.Header(), nil
		}
	}
	if o, ok := w.headers[id]; ok {
		return o, nil
	}
	o, err := w.tx.Order(id)
	if err != nil {
		return Order{}, notFound(err, "order", id.String())
	}
	o = o.Header()
	w.headers[id] = o
	return o, nil
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

// flush writes every change of the operation: new orders whole, changed
// lines, book entries, positions, then the events. It first re-projects the
// promises of the SKUs whose book, stock or inbound supply changed.
func (w *work) flush() error {
	if err := w.projectAll(); err != nil {
		return err
	}
	newLine := make(map[uuid.UUID]bool)
	for _, o := range w.newOrders {
		for i := range o.Lines {
			if l, ok := w.lines[o.Lines[i].ID]; ok {
				o.Lines[i] = *l
			}
			newLine[o.Lines[i].ID] = true
		}
		if err := w.tx.PutOrder(*o); err != nil {
			return err
		}
	}
	for _, id := range w.lineOrder {
		if !w.dirty[id] || newLine[id] {
			continue
		}
		if err := w.tx.PutLine(*w.lines[id]); err != nil {
			return err
		}
	}
	for _, sku := range w.skuOrder {
		s := w.skus[sku]
		slices.SortFunc(s.dirtyEntries, func(a, b *BookEntry) int { return cmp.Compare(a.Seq, b.Seq) })
		for _, e := range slices.Compact(s.dirtyEntries) {
			if err := w.tx.PutBookEntry(*e); err != nil {
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
	if len(w.events) > 0 {
		return w.tx.AppendEvents(w.events)
	}
	return nil
}
