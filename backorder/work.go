package backorder

import (
	"cmp"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/allocation"
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
	events    []Event
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
	// entries are the book entries read or created, by line id.
	entries map[uuid.UUID]*BookEntry
	// entryDirty marks entries to write back.
	entryDirty map[uuid.UUID]bool
	// bookLoaded says whether all waiting entries were read.
	bookLoaded bool
	// holdersLoaded says, per location, whether its holders were read.
	holdersLoaded map[string]bool
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
		item:          it,
		policy:        pol,
		pos:           pos,
		posDirty:      make([]bool, len(pos)),
		entries:       make(map[uuid.UUID]*BookEntry),
		entryDirty:    make(map[uuid.UUID]bool),
		holdersLoaded: make(map[string]bool),
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
	for i := range book {
		if _, ok := s.entries[book[i].LineID]; !ok {
			s.entries[book[i].LineID] = &book[i]
		}
	}
	s.bookLoaded = true
	return nil
}

// loadHolders reads the entries holding stock at loc once.
func (w *work) loadHolders(s *skuState, loc string) error {
	if s.holdersLoaded[loc] {
		return nil
	}
	hs, err := w.tx.Holders(s.item.SKU, loc)
	if err != nil {
		return err
	}
	for i := range hs {
		if _, ok := s.entries[hs[i].LineID]; !ok {
			s.entries[hs[i].LineID] = &hs[i]
		}
	}
	s.holdersLoaded[loc] = true
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

// touch marks a line changed and brings its book entry in step with it.
func (w *work) touch(s *skuState, l *Line) error {
	w.dirty[l.ID] = true
	e := s.entries[l.ID]
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
		s.entries[l.ID] = e
	}
	e.Seq = l.Seq
	e.Backordered = l.Backordered
	e.Allocations = slices.Clone(l.Allocations)
	e.Committed = slices.Clone(l.Committed)
	e.MinAllocation = l.MinAllocation
	e.Protection = l.Protection
	s.entryDirty[l.ID] = true
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

// waiting returns the SKU's entries with backordered quantity, by Seq.
func (s *skuState) waiting() []*BookEntry {
	out := make([]*BookEntry, 0, len(s.entries))
	for _, e := range s.entries {
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
// lines, book entries, positions, then the events.
func (w *work) flush() error {
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
		ids := make([]uuid.UUID, 0, len(s.entryDirty))
		for id := range s.entryDirty {
			ids = append(ids, id)
		}
		slices.SortFunc(ids, func(a, b uuid.UUID) int { return cmp.Compare(s.entries[a].Seq, s.entries[b].Seq) })
		for _, id := range ids {
			if err := w.tx.PutBookEntry(*s.entries[id]); err != nil {
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
