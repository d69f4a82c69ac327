package memstore

import (
	"fmt"
	"slices"
	"sync/atomic"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/backorder"
)

// tx is one transaction on a Store. The store's lock is held for its whole
// life; done is set when its function returns, after which every method
// returns ErrTxDone.
type tx struct {
	s     *Store
	write bool
	done  atomic.Bool
}

var (
	_ backorder.Tx             = (*tx)(nil)
	_ backorder.AppendTx       = (*tx)(nil)
	_ backorder.AppendOrderTx  = (*tx)(nil)
	_ backorder.ExistsTx       = (*tx)(nil)
	_ backorder.LineEntryTx    = (*tx)(nil)
	_ backorder.OrderEntriesTx = (*tx)(nil)
)

// readable reports whether the transaction may still be used.
func (t *tx) readable() error {
	if t.done.Load() {
		return ErrTxDone
	}
	return nil
}

// writable reports whether the transaction may still be used to write.
func (t *tx) writable() error {
	if t.done.Load() {
		return ErrTxDone
	}
	if !t.write {
		return ErrReadOnly
	}
	return nil
}

func notFound(kind, key string) error {
	return &backorder.NotFoundError{Kind: kind, Key: key}
}

// notFoundID is notFound for a lookup by id. The id is formatted only when
// the error is read: an existence check that finds nothing, which placing
// an order makes for the order and each of its lines, costs one small
// allocation instead of two.
func notFoundID(kind string, id uuid.UUID) error { return &idNotFound{kind: kind, id: id} }

// idNotFound is the error notFoundID returns. It reads as, matches, and
// (with errors.As) converts to the *backorder.NotFoundError that notFound
// would have returned.
type idNotFound struct {
	kind string
	id   uuid.UUID
}

func (e *idNotFound) full() *backorder.NotFoundError {
	return &backorder.NotFoundError{Kind: e.kind, Key: e.id.String()}
}

// Error implements error.
func (e *idNotFound) Error() string { return e.full().Error() }

// Is reports whether target is backorder.ErrNotFound.
func (e *idNotFound) Is(target error) bool { return target == backorder.ErrNotFound }

// As sets a **backorder.NotFoundError target to the error's full form.
func (e *idNotFound) As(target any) bool {
	if t, ok := target.(**backorder.NotFoundError); ok {
		*t = e.full()
		return true
	}
	return false
}

// Item implements backorder.ItemTx.
func (t *tx) Item(sku string) (backorder.Item, error) {
	if err := t.readable(); err != nil {
		return backorder.Item{}, err
	}
	it, ok := t.s.items.rows[sku]
	if !ok {
		return backorder.Item{}, notFound("item", sku)
	}
	return it.Clone(), nil
}

// PutItem implements backorder.ItemTx.
func (t *tx) PutItem(it backorder.Item) error {
	if err := t.writable(); err != nil {
		return err
	}
	t.s.items.put(it.SKU, it.Clone())
	return nil
}

// Supplier implements backorder.SupplierTx.
func (t *tx) Supplier(id string) (backorder.Supplier, error) {
	if err := t.readable(); err != nil {
		return backorder.Supplier{}, err
	}
	s, ok := t.s.suppliers.rows[id]
	if !ok {
		return backorder.Supplier{}, notFound("supplier", id)
	}
	return s.Clone(), nil
}

// PutSupplier implements backorder.SupplierTx.
func (t *tx) PutSupplier(s backorder.Supplier) error {
	if err := t.writable(); err != nil {
		return err
	}
	t.s.suppliers.put(s.ID, s.Clone())
	return nil
}

// Location implements backorder.ItemTx.
func (t *tx) Location(id string) (backorder.Location, error) {
	if err := t.readable(); err != nil {
		return backorder.Location{}, err
	}
	l, ok := t.s.locations.rows[id]
	if !ok {
		return backorder.Location{}, notFound("location", id)
	}
	return l, nil
}

// PutLocation implements backorder.ItemTx.
func (t *tx) PutLocation(l backorder.Location) error {
	if err := t.writable(); err != nil {
		return err
	}
	t.s.locations.put(l.ID, l)
	return nil
}

// Locations implements backorder.ItemTx.
func (t *tx) Locations() ([]backorder.Location, error) {
	if err := t.readable(); err != nil {
		return nil, err
	}
	return slices.Clone(t.s.allLocations.group(struct{}{})), nil
}

// Positions implements backorder.StockTx.
func (t *tx) Positions(sku string) ([]backorder.StockPosition, error) {
	if err := t.readable(); err != nil {
		return nil, err
	}
	return slices.Clone(t.s.positions.group(sku)), nil
}

// AppendPositions implements backorder.AppendTx.
func (t *tx) AppendPositions(dst []backorder.StockPosition, sku string) ([]backorder.StockPosition, error) {
	if err := t.readable(); err != nil {
		return dst, err
	}
	return append(dst, t.s.positions.group(sku)...), nil
}

// PutPosition implements backorder.StockTx.
func (t *tx) PutPosition(p backorder.StockPosition) error {
	if err := t.writable(); err != nil {
		return err
	}
	t.s.positions.put(p)
	return nil
}

// Inbound implements backorder.StockTx.
func (t *tx) Inbound(id string) (backorder.Inbound, error) {
	if err := t.readable(); err != nil {
		return backorder.Inbound{}, err
	}
	in, ok := t.s.inbounds.rows[id]
	if !ok {
		return backorder.Inbound{}, notFound("inbound", id)
	}
	return in, nil
}

// Inbounds implements backorder.StockTx.
func (t *tx) Inbounds(sku string) ([]backorder.Inbound, error) {
	if err := t.readable(); err != nil {
		return nil, err
	}
	return slices.Clone(t.s.skuInbounds.group(sku)), nil
}

// PutInbound implements backorder.StockTx.
func (t *tx) PutInbound(in backorder.Inbound) error {
	if err := t.writable(); err != nil {
		return err
	}
	t.s.inbounds.put(in.ID, in)
	return nil
}

// Order implements backorder.OrderTx.
func (t *tx) Order(id uuid.UUID) (backorder.Order, error) {
	return t.appendOrder(nil, id)
}

// AppendOrder implements backorder.AppendOrderTx.
func (t *tx) AppendOrder(dst []backorder.Line, id uuid.UUID) (backorder.Order, error) {
	return t.appendOrder(dst, id)
}

// appendOrder returns the order with its lines appended to dst.
func (t *tx) appendOrder(dst []backorder.Line, id uuid.UUID) (backorder.Order, error) {
	if err := t.readable(); err != nil {
		return backorder.Order{}, err
	}
	rec, ok := t.s.orders.rows[id]
	if !ok {
		return backorder.Order{}, notFoundID("order", id)
	}
	o := rec.header
	o.Charges = slices.Clone(o.Charges)
	if dst == nil {
		dst = make([]backorder.Line, 0, len(rec.lines))
	}
	o.Lines = slices.Grow(dst, len(rec.lines))
	// The lines' slices are copied into one block: one allocation, not
	// one per line.
	n := 0
	for _, lid := range rec.lines {
		lb, ext := t.s.lines.line(lid) // every id listed has its line
		n += lb.size(ext)
	}
	var qs []backorder.LocQty
	if n > 0 {
		qs = make([]backorder.LocQty, 0, n)
	}
	for _, lid := range rec.lines {
		o.Lines = append(o.Lines, backorder.Line{})
		lb, ext := t.s.lines.line(lid)
		qs = lb.get(&o.Lines[len(o.Lines)-1], ext, &t.s.names, qs)
	}
	return o, nil
}

// PutOrder implements backorder.OrderTx. Lines new to the order go after
// the ones it has, in o.Lines order. A line that belonged to another order
// moves to this one.
func (t *tx) PutOrder(o backorder.Order) error {
	if err := t.writable(); err != nil {
		return err
	}
	t.putOrder(&o, nil, nil)
	return nil
}

// PutOrderEntries implements backorder.OrderEntriesTx. The entry of a line
// new to the store, open and under the line's own SKU, is written into the
// room beside the line as the line is stored: one write of the row, and
// one undo record, instead of two. Such entries are found in the order of
// the lines; any other entry is written after the order, by PutBookEntry.
func (t *tx) PutOrderEntries(o *backorder.Order, entries []*backorder.BookEntry) error {
	if err := t.writable(); err != nil {
		return err
	}
	var small [1]uint64
	done := small[:]
	if len(entries) > 64 {
		done = make([]uint64, (len(entries)+63)/64)
	}
	t.putOrder(o, entries, done)
	for k, e := range entries {
		if done[k/64]&(1<<(k%64)) == 0 {
			if err := t.PutBookEntry(*e); err != nil {
				return err
			}
		}
	}
	return nil
}

// putOrder is PutOrder, also writing with its line each entries[k] it can
// (see PutOrderEntries) and setting bit k of done for it.
func (t *tx) putOrder(o *backorder.Order, entries []*backorder.BookEntry, done []uint64) {
	// Every stored line's id is in its order's list, so a line that is
	// already the order's (stored, or put earlier in this loop) keeps its
	// place and any other is appended. ids is a copy, so that appending
	// never writes into the stored record's array.
	var ids []uuid.UUID
	rec, had := t.s.orders.rows[o.ID]
	if had {
		ids = make([]uuid.UUID, len(rec.lines), len(rec.lines)+len(o.Lines))
		copy(ids, rec.lines)
	} else {
		ids = make([]uuid.UUID, 0, len(o.Lines))
	}
	// The new lines are copied into one block, with room for their first
	// allocations beside them, and the new open lines' into another, with
	// room for their book entries too (see openLineBox): storing an order
	// is a few allocations, not three per line. A block lives as long as
	// any line or entry in it is stored. A line already stored is written
	// over in its own box (its room in the blocks, rarely needed, is not
	// looked for beforehand).
	nOpen, nClosed := 0, 0
	for i := range o.Lines {
		if openQty(&o.Lines[i]) > 0 {
			nOpen++
		} else {
			nClosed++
		}
	}
	var open openBoxes
	var closed []lineBox
	if nOpen > 0 {
		open.boxes = make([]openLineBox, nOpen)
		open.ref = t.s.lines.addBlock(open.boxes)
	}
	if nClosed > 0 {
		closed = make([]lineBox, nClosed)
	}
	k := 0 // the next of entries
	for i := range o.Lines {
		l := &o.Lines[i]
		if l.OrderID != o.ID {
			// The caller's line is not changed: a copy takes the id.
			c := *l
			c.OrderID = o.ID
			l = &c
		}
		var e *backorder.BookEntry
		if k < len(entries) && entries[k].LineID == l.ID {
			e = entries[k]
		}
		num, r := t.s.lines.row(l.ID)
		if r.line == nil || r.line.orderID != o.ID {
			if r.line != nil {
				t.detach(r.line.orderID, l.ID)
			}
			ids = append(ids, l.ID)
		}
		var with bool
		closed, with = t.putOrderLine(l, num, r, &open, closed, e)
		if e != nil {
			if with {
				done[k/64] |= 1 << (k % 64)
			}
			k++
		}
	}
	h := o.Header()
	h.Charges = slices.Clone(h.Charges)
	t.s.orders.put(o.ID, &orderRec{header: h, lines: ids})
}

// openBoxes is the block of an order's open lines being stored, and the
// reference of its next box (see blockRef; none when the block has no
// number).
type openBoxes struct {
	boxes []openLineBox
	ref   blockRef
}

// next returns the next box and its reference, and moves on.
func (o *openBoxes) next() (*openLineBox, blockRef) {
	b, ref := &o.boxes[0], o.ref
	o.boxes = o.boxes[1:]
	if o.ref.blk != 0 {
		o.ref.i++
	}
	return b, ref
}

// putOrderLine stores l, one of an order's lines, over the row numbered num
// (idEmpty for none) holding r: in the line's own box when it has one, and
// otherwise in the next box of open or the first of closed, which it
// returns without it (an open line takes its box of open either way). e,
// if not nil, is an entry of l's line: written with it, into the room
// beside it, when l is new to the store and open, the row holds no entry,
// and e is open and under l's SKU, which the last result reports.
func (t *tx) putOrderLine(l *backorder.Line, num uint64, r lineRow, open *openBoxes, closed []lineBox,
	e *backorder.BookEntry) ([]lineBox, bool) {
	old := r
	switch {
	case openQty(l) > 0:
		b, ref := open.next()
		if r.line != nil {
			t.s.lines.write(l.ID, num, old, r, l, nil)
			return closed, false // its room in the block stays unused
		}
		r.lext = b.line.set(l, &t.s.names, nil)
		r.line = &b.line
		if r.home == nil {
			r.home, r.ob = &b.entry, ref
			if e != nil && e.SKU == l.SKU && e.Open() && r.entry.b == nil && r.more == nil {
				r.entry.b = r.home
				t.s.lines.write(l.ID, num, old, r, nil, e)
				return closed, true
			}
		}
	default:
		if r.line != nil {
			t.s.lines.write(l.ID, num, old, r, l, nil)
			return closed[1:], false
		}
		r.lext = closed[0].set(l, &t.s.names, nil)
		r.line, closed = &closed[0], closed[1:]
	}
	t.s.lines.write(l.ID, num, old, r, nil, nil)
	return closed, false
}

// openLineBox is a stored open line with room for its book entry: the
// engine keeps a book entry for every open line and writes it with the
// line, so storing both is one allocation instead of two. The row that
// stores the line keeps the room as its home (lineRow.home).
type openLineBox struct {
	line  lineBox
	entry entryBox
}

// newLineBox copies l into new memory for storing and returns it, its ext,
// and, for an open line, room for its book entry and the block of both,
// registered with the line table.
func (t *tx) newLineBox(l *backorder.Line) (*lineBox, *lineExt, *entryBox, blockRef) {
	if openQty(l) > 0 {
		bs := make([]openLineBox, 1)
		b := &bs[0]
		return &b.line, b.line.set(l, &t.s.names, nil), &b.entry, t.s.lines.addBlock(bs)
	}
	b := new(lineBox)
	return b, b.set(l, &t.s.names, nil), nil, blockRef{}
}

// carve copies src into buf's spare capacity when it fits (into new memory
// when not) and returns the copy, clipped so that an append to it never
// writes into buf, and what is left of buf. A nil or empty src gives nil,
// as slices.Clone does for nil.
func carve(buf, src []backorder.LocQty) (cp, rest []backorder.LocQty) {
	if len(src) == 0 {
		if src == nil {
			return nil, buf
		}
		return []backorder.LocQty{}, buf
	}
	if cap(buf)-len(buf) < len(src) {
		return slices.Clone(src), buf
	}
	n := len(buf)
	buf = append(buf, src...)
	return buf[n:len(buf):len(buf)], buf
}

// detach removes line id from order oid's list of lines.
func (t *tx) detach(oid, id uuid.UUID) {
	rec, ok := t.s.orders.rows[oid]
	if !ok {
		return
	}
	i := slices.Index(rec.lines, id)
	if i < 0 {
		return
	}
	t.s.orders.put(oid, &orderRec{header: rec.header, lines: slices.Concat(rec.lines[:i], rec.lines[i+1:])})
}

// OpenOrders implements backorder.OrderTx. A limit ≤ 0 returns no ids.
func (t *tx) OpenOrders(after uuid.UUID, limit int) ([]uuid.UUID, error) {
	if err := t.readable(); err != nil {
		return nil, err
	}
	return t.s.open.page(after, limit), nil
}

// Line implements backorder.OrderTx.
func (t *tx) Line(id uuid.UUID) (backorder.Line, error) {
	if err := t.readable(); err != nil {
		return backorder.Line{}, err
	}
	lb, ext := t.s.lines.line(id)
	if lb == nil {
		return backorder.Line{}, notFoundID("line", id)
	}
	var l backorder.Line
	var qs []backorder.LocQty
	if n := lb.size(ext); n > 0 {
		qs = make([]backorder.LocQty, 0, n)
	}
	lb.get(&l, ext, &t.s.names, qs) // its slices are new: qs's
	return l, nil
}

// OrderExists implements backorder.ExistsTx.
func (t *tx) OrderExists(id uuid.UUID) (bool, error) {
	if err := t.readable(); err != nil {
		return false, err
	}
	_, ok := t.s.orders.rows[id]
	return ok, nil
}

// LineExists implements backorder.ExistsTx.
func (t *tx) LineExists(id uuid.UUID) (bool, error) {
	if err := t.readable(); err != nil {
		return false, err
	}
	lb, _ := t.s.lines.line(id)
	return lb != nil, nil
}

// PutLine implements backorder.OrderTx. A line the order does not have yet
// goes after its other lines; a line that belonged to another order moves.
func (t *tx) PutLine(l backorder.Line) error {
	if err := t.writable(); err != nil {
		return err
	}
	rec, ok := t.s.orders.rows[l.OrderID]
	if !ok {
		return notFoundID("order", l.OrderID)
	}
	num, r := t.s.lines.row(l.ID)
	old := r
	if r.line == nil || r.line.orderID != l.OrderID {
		if r.line != nil {
			t.detach(r.line.orderID, l.ID)
		}
		t.s.orders.put(l.OrderID, &orderRec{header: rec.header, lines: append(slices.Clip(rec.lines), l.ID)})
	}
	if r.line != nil {
		// Over the stored line, in its box: a new box per write was most
		// of what shipping an order allocated.
		t.s.lines.write(l.ID, num, old, r, &l, nil)
		return nil
	}
	var home *entryBox
	var ob blockRef
	r.line, r.lext, home, ob = t.newLineBox(&l)
	if r.home == nil {
		r.home, r.ob = home, ob
	}
	t.s.lines.write(l.ID, num, old, r, nil, nil)
	return nil
}

// PutLineAndEntry implements backorder.LineEntryTx. A stored line of the
// same order whose entry goes into the row's home, or whose closed entry
// is removed from it, the common cases, is one write of the row (one
// lookup, one undo record), as PutLine and PutBookEntry would each write
// it; anything else is PutLine and then PutBookEntry.
func (t *tx) PutLineAndEntry(l *backorder.Line, e *backorder.BookEntry) error {
	if err := t.writable(); err != nil {
		return err
	}
	num, old := t.s.lines.row(l.ID)
	if old.line == nil || old.line.orderID != l.OrderID || e.LineID != l.ID || e.SKU != l.SKU {
		return t.putLineThenEntry(l, e)
	}
	if _, ok := t.s.orders.rows[l.OrderID]; !ok {
		return notFoundID("order", l.OrderID) // as PutLine
	}
	if !e.Open() {
		// A closed entry is removed (a confirmed line's, most often): as
		// PutBookEntry does for one that is the row's first entry.
		if old.entry.b == nil || old.entry.skuName(&t.s.names) != e.SKU {
			return t.putLineThenEntry(l, e)
		}
		t.s.lines.write(l.ID, num, old, old.withEntry(e.SKU, entryRef{}, &t.s.names), l, nil)
		return nil
	}
	if !t.intoHome(old, e.SKU) {
		return t.putLineThenEntry(l, e)
	}
	r := old
	r.entry.b = old.home
	t.s.lines.write(l.ID, num, old, r, l, e)
	return nil
}

// putLineThenEntry is PutLineAndEntry the long way.
func (t *tx) putLineThenEntry(l *backorder.Line, e *backorder.BookEntry) error {
	if err := t.PutLine(*l); err != nil {
		return err
	}
	return t.PutBookEntry(*e)
}

// intoHome reports whether an open entry under sku goes into the home of
// the row old, in place: the home is the row's entry under sku, or free
// and the row has no entry under sku elsewhere.
func (t *tx) intoHome(old lineRow, sku string) bool {
	return old.home != nil && (old.entry.b == old.home && old.entry.skuName(&t.s.names) == sku ||
		old.entry.b == nil && !old.inMore(sku, &t.s.names))
}

// Book implements backorder.BookTx.
func (t *tx) Book(sku string) ([]backorder.BookEntry, error) {
	if err := t.readable(); err != nil {
		return nil, err
	}
	return t.appendEntries(nil, t.s.waiting.group(sku)), nil
}

// AppendBook implements backorder.AppendTx.
func (t *tx) AppendBook(dst []backorder.BookEntry, sku string) ([]backorder.BookEntry, error) {
	if err := t.readable(); err != nil {
		return dst, err
	}
	return t.appendEntries(dst, t.s.waiting.group(sku)), nil
}

// Holders implements backorder.BookTx. An entry holds an allocation at a
// location when its Allocations give the location a Qty > 0.
func (t *tx) Holders(sku, location string) ([]backorder.BookEntry, error) {
	if err := t.readable(); err != nil {
		return nil, err
	}
	items := t.s.holders.group(sku, location)
	if len(items) == 0 {
		return nil, nil
	}
	refs := make([]entryRef, len(items))
	for i, it := range items {
		_, r := t.s.lines.row(it.line)
		e, ok := r.entryUnder(sku, &t.s.names)
		if !ok { // the index is kept in step with the rows: never
			return nil, fmt.Errorf("memstore: line %s holds %s at %s but has no entry", it.line, sku, location)
		}
		refs[i] = e
	}
	return t.appendEntryPtrs(nil, refs), nil
}

// CustomerBook implements backorder.BookTx.
func (t *tx) CustomerBook(customer string) ([]backorder.BookEntry, error) {
	if err := t.readable(); err != nil {
		return nil, err
	}
	return t.appendEntryPtrs(nil, t.s.customers.sorted(customer, t.s.byCustomer)), nil
}

// appendEntries appends copies of src's entries to dst. The entries'
// slices are copied into one new block (each clipped to its own part), so a
// copy of a book is at most two allocations, and none when dst has room
// and no entry holds anything. A nil dst and an empty src give nil.
func (t *tx) appendEntries(dst []backorder.BookEntry, src []seqItem) []backorder.BookEntry {
	if len(src) == 0 {
		return dst
	}
	n := 0
	for _, it := range src {
		n += it.e.size()
	}
	var qs []backorder.LocQty
	if n > 0 {
		qs = make([]backorder.LocQty, 0, n)
	}
	dst = slices.Grow(dst, len(src))
	for _, it := range src {
		dst = dst[:len(dst)+1]
		qs = it.e.get(&dst[len(dst)-1], &t.s.names, qs)
	}
	return dst
}

// appendEntryPtrs is appendEntries for entries held by pointer.
func (t *tx) appendEntryPtrs(dst []backorder.BookEntry, src []entryRef) []backorder.BookEntry {
	if len(src) == 0 {
		return dst
	}
	n := 0
	for _, e := range src {
		n += e.size()
	}
	var qs []backorder.LocQty
	if n > 0 {
		qs = make([]backorder.LocQty, 0, n)
	}
	dst = slices.Grow(dst, len(src))
	for _, e := range src {
		dst = dst[:len(dst)+1]
		qs = e.get(&dst[len(dst)-1], &t.s.names, qs)
	}
	return dst
}

// PutBookEntry implements backorder.BookTx.
func (t *tx) PutBookEntry(e backorder.BookEntry) error {
	if err := t.writable(); err != nil {
		return err
	}
	num, old := t.s.lines.row(e.LineID)
	switch {
	case !e.Open():
		if num == idEmpty {
			return nil
		}
		if r := old.withEntry(e.SKU, entryRef{}, &t.s.names); r != old { // else not there
			t.s.lines.write(e.LineID, num, old, r, nil, nil)
		}
	case t.intoHome(old, e.SKU):
		// Into the row's home, in place (see openLineBox).
		r := old
		r.entry.b = old.home
		t.s.lines.write(e.LineID, num, old, r, nil, &e)
	default:
		ref := newEntryRef(&e, &t.s.names)
		r := old.withEntry(e.SKU, ref, &t.s.names)
		if r.home == nil && r.entry.b == ref.b {
			r.home = ref.b
		}
		t.s.lines.write(e.LineID, num, old, r, nil, nil)
	}
	return nil
}

// Shipment implements backorder.ShipmentTx.
func (t *tx) Shipment(id uuid.UUID) (backorder.Shipment, error) {
	if err := t.readable(); err != nil {
		return backorder.Shipment{}, err
	}
	sh, ok := t.s.shipments.rows[id]
	if !ok {
		return backorder.Shipment{}, notFoundID("shipment", id)
	}
	return sh.Clone(), nil
}

// Shipments implements backorder.ShipmentTx.
func (t *tx) Shipments(orderID uuid.UUID) ([]backorder.Shipment, error) {
	if err := t.readable(); err != nil {
		return nil, err
	}
	src := t.s.orderShips.group(orderID)
	if len(src) == 0 {
		return nil, nil
	}
	out := make([]backorder.Shipment, len(src))
	for i := range src {
		out[i] = src[i].Clone()
	}
	return out, nil
}

// PutShipment implements backorder.ShipmentTx.
func (t *tx) PutShipment(sh backorder.Shipment) error {
	if err := t.writable(); err != nil {
		return err
	}
	// A shipment's lines rarely change once it is created (confirming it
	// changes its status): lines equal to the stored ones share their
	// memory, which is never modified, instead of being copied again.
	if old, ok := t.s.shipments.rows[sh.ID]; ok && slices.Equal(old.Lines, sh.Lines) && (old.Lines == nil) == (sh.Lines == nil) {
		sh.Lines = old.Lines
	} else {
		sh = sh.Clone()
	}
	t.s.shipments.put(sh.ID, &sh)
	return nil
}

// Invoice implements backorder.InvoiceTx.
func (t *tx) Invoice(id uuid.UUID) (backorder.Invoice, error) {
	if err := t.readable(); err != nil {
		return backorder.Invoice{}, err
	}
	inv, ok := t.s.invoices.rows[id]
	if !ok {
		return backorder.Invoice{}, notFoundID("invoice", id)
	}
	return inv.Clone(), nil
}

// Invoices implements backorder.InvoiceTx. Invoices issued at the same
// instant with the same number are ordered by ID.
func (t *tx) Invoices(orderID uuid.UUID) ([]backorder.Invoice, error) {
	if err := t.readable(); err != nil {
		return nil, err
	}
	src := t.s.orderInvs.group(orderID)
	if len(src) == 0 {
		return nil, nil
	}
	out := make([]backorder.Invoice, len(src))
	for i := range src {
		out[i] = src[i].Clone()
	}
	return out, nil
}

// PutInvoice implements backorder.InvoiceTx.
func (t *tx) PutInvoice(inv backorder.Invoice) error {
	if err := t.writable(); err != nil {
		return err
	}
	inv = inv.Clone()
	t.s.invoices.put(inv.ID, &inv)
	return nil
}

// AppendEvents implements backorder.EventTx.
func (t *tx) AppendEvents(evs []backorder.Event) error {
	if err := t.writable(); err != nil {
		return err
	}
	if len(evs) > 0 {
		return t.s.events.append(evs)
	}
	return nil
}

// Events implements backorder.EventTx. A limit ≤ 0 returns no events.
func (t *tx) Events(after uint64, limit int) ([]backorder.Event, error) {
	if err := t.readable(); err != nil {
		return nil, err
	}
	return t.s.events.read(after, limit), nil
}

// Command implements backorder.CommandTx.
func (t *tx) Command(key string) (backorder.Command, error) {
	if err := t.readable(); err != nil {
		return backorder.Command{}, err
	}
	i := t.s.commands.find(key)
	if i < 0 {
		return backorder.Command{}, notFound("command", key)
	}
	return t.s.commands.get(i, key), nil
}

// PutCommand implements backorder.CommandTx.
func (t *tx) PutCommand(c backorder.Command) error {
	if err := t.writable(); err != nil {
		return err
	}
	if t.s.commands.find(c.Key) >= 0 {
		return fmt.Errorf("memstore: command %q already recorded: %w", c.Key, backorder.ErrConflict)
	}
	t.s.commands.add(&c)
	return nil
}

// NextSequence implements backorder.SequenceTx.
func (t *tx) NextSequence(name string) (int64, error) {
	if err := t.writable(); err != nil {
		return 0, err
	}
	return t.s.sequences.next(name), nil
}
