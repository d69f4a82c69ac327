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
	_ backorder.Tx            = (*tx)(nil)
	_ backorder.AppendTx      = (*tx)(nil)
	_ backorder.AppendOrderTx = (*tx)(nil)
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
		l := t.s.lines.rows[lid].line
		o.Lines = append(o.Lines, *l)
		n += len(l.Allocations) + len(l.Committed)
	}
	var qs []backorder.LocQty
	if n > 0 {
		qs = make([]backorder.LocQty, 0, n)
	}
	for i := len(dst); i < len(o.Lines); i++ {
		l := &o.Lines[i]
		l.Allocations, qs = carve(qs, l.Allocations)
		l.Committed, qs = carve(qs, l.Committed)
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
	// The lines are copied into one block, with room for their first
	// allocations beside them, and the open lines' into another, with
	// room for their book entries too (see openLineBox): storing an order
	// is a few allocations, not three per line. A block lives as long as
	// any line or entry in it is stored.
	nOpen := 0
	for i := range o.Lines {
		if openQty(&o.Lines[i]) > 0 {
			nOpen++
		}
	}
	var open []openLineBox
	var closed []lineBox
	if nOpen > 0 {
		open = make([]openLineBox, nOpen)
	}
	if nOpen < len(o.Lines) {
		closed = make([]lineBox, len(o.Lines)-nOpen)
	}
	for i := range o.Lines {
		var l *backorder.Line
		var slot *backorder.BookEntry
		if openQty(&o.Lines[i]) > 0 {
			b := &open[0]
			open = open[1:]
			l, slot = b.line.set(&o.Lines[i]), &b.entry
		} else {
			l = closed[0].set(&o.Lines[i])
			closed = closed[1:]
		}
		l.OrderID = o.ID
		old, ok := t.s.lines.rows[l.ID]
		if old.line == nil || old.line.OrderID != o.ID {
			if old.line != nil {
				t.detach(old.line.OrderID, l.ID)
			}
			ids = append(ids, l.ID)
		}
		r := old
		r.line, r.slot = l, slot
		t.s.lines.putOver(l.ID, r, old, ok)
	}
	h := o.Header()
	h.Charges = slices.Clone(h.Charges)
	t.s.orders.put(o.ID, &orderRec{header: h, lines: ids})
	return nil
}

// lineBox is a stored line with room for its first LocQty values, so that
// a line held at one location (with or without a shipment on it) is one
// allocation.
type lineBox struct {
	line backorder.Line
	qs   [2]backorder.LocQty
}

// set copies l into the box and returns the stored line.
func (b *lineBox) set(l *backorder.Line) *backorder.Line {
	b.line = *l
	rest := b.qs[:0:len(b.qs)]
	b.line.Allocations, rest = carve(rest, l.Allocations)
	b.line.Committed, _ = carve(rest, l.Committed)
	return &b.line
}

// openLineBox is a stored open line with room for its book entry: the
// engine keeps a book entry for every open line and writes it with the
// line, so storing both is one allocation instead of two. The row that
// stores the line points to the free entry (lineRow.slot) until an entry
// is stored there (see setBeside).
type openLineBox struct {
	line  lineBox
	entry backorder.BookEntry
}

// boxLine copies l into new memory for storing, and returns the stored
// line and, for an open line, the free room for its book entry. A line
// that holds nothing anywhere (a shipped or cancelled one) is stored
// without room for LocQty values.
func boxLine(l *backorder.Line) (*backorder.Line, *backorder.BookEntry) {
	if openQty(l) > 0 {
		b := new(openLineBox)
		return b.line.set(l), &b.entry
	}
	if len(l.Allocations) == 0 && len(l.Committed) == 0 {
		c := new(backorder.Line)
		*c = *l
		c.Allocations, _ = carve(nil, l.Allocations) // nil or empty, as given,
		c.Committed, _ = carve(nil, l.Committed)     // in no memory of its own
		return c, nil
	}
	return new(lineBox).set(l), nil
}

// setBeside copies e into dst, the room beside the stored line l, and
// returns the stored entry. Its LocQty slices are l's where they are
// equal, as the engine keeps them: stored values are never modified, so
// they can be shared, and the room needs none of its own.
func setBeside(dst, e *backorder.BookEntry, l *backorder.Line) *backorder.BookEntry {
	*dst = *e
	dst.Allocations = shareQty(e.Allocations, l)
	dst.Committed = shareQty(e.Committed, l)
	return dst
}

// shareQty returns a stored copy of src: one of l's stored slices when it
// holds the same values, or new memory.
func shareQty(src []backorder.LocQty, l *backorder.Line) []backorder.LocQty {
	if len(src) > 0 && l != nil {
		for _, stored := range [2][]backorder.LocQty{l.Allocations, l.Committed} {
			if slices.Equal(src, stored) {
				return slices.Clip(stored)
			}
		}
	}
	cp, _ := carve(nil, src)
	return cp
}

// entryBox is a stored book entry with room for its first LocQty values.
type entryBox struct {
	entry backorder.BookEntry
	qs    [2]backorder.LocQty
}

// set copies e into the box and returns the stored entry.
func (b *entryBox) set(e *backorder.BookEntry) *backorder.BookEntry {
	b.entry = *e
	rest := b.qs[:0:len(b.qs)]
	b.entry.Allocations, rest = carve(rest, e.Allocations)
	b.entry.Committed, _ = carve(rest, e.Committed)
	return &b.entry
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
	l := t.s.lines.rows[id].line
	if l == nil {
		return backorder.Line{}, notFoundID("line", id)
	}
	return l.Clone(), nil
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
	old, had := t.s.lines.rows[l.ID]
	if old.line == nil || old.line.OrderID != l.OrderID {
		if old.line != nil {
			t.detach(old.line.OrderID, l.ID)
		}
		t.s.orders.put(l.OrderID, &orderRec{header: rec.header, lines: append(slices.Clip(rec.lines), l.ID)})
	}
	r := old
	r.line, r.slot = boxLine(&l)
	t.s.lines.putOver(l.ID, r, old, had)
	return nil
}

// Book implements backorder.BookTx.
func (t *tx) Book(sku string) ([]backorder.BookEntry, error) {
	if err := t.readable(); err != nil {
		return nil, err
	}
	return appendEntries(nil, t.s.waiting.group(sku)), nil
}

// AppendBook implements backorder.AppendTx.
func (t *tx) AppendBook(dst []backorder.BookEntry, sku string) ([]backorder.BookEntry, error) {
	if err := t.readable(); err != nil {
		return dst, err
	}
	return appendEntries(dst, t.s.waiting.group(sku)), nil
}

// Holders implements backorder.BookTx. An entry holds an allocation at a
// location when its Allocations give the location a Qty > 0.
func (t *tx) Holders(sku, location string) ([]backorder.BookEntry, error) {
	if err := t.readable(); err != nil {
		return nil, err
	}
	return appendEntries(nil, t.s.holders.group(skuLoc{sku, location})), nil
}

// CustomerBook implements backorder.BookTx.
func (t *tx) CustomerBook(customer string) ([]backorder.BookEntry, error) {
	if err := t.readable(); err != nil {
		return nil, err
	}
	return appendEntryPtrs(nil, t.s.customers.sorted(customer, byCustomer)), nil
}

// appendEntries appends copies of src's entries to dst. The entries'
// slices are copied into one new block (each clipped to its own part), so a
// copy of a book is at most two allocations, and none when dst has room
// and no entry holds anything. A nil dst and an empty src give nil.
func appendEntries(dst []backorder.BookEntry, src []seqItem) []backorder.BookEntry {
	if len(src) == 0 {
		return dst
	}
	n := 0
	for _, it := range src {
		n += len(it.e.Allocations) + len(it.e.Committed)
	}
	var qs []backorder.LocQty
	if n > 0 {
		qs = make([]backorder.LocQty, 0, n)
	}
	dst = slices.Grow(dst, len(src))
	for _, it := range src {
		// In line, not a call per entry: a receipt copies its whole book.
		dst = append(dst, *it.e)
		c := &dst[len(dst)-1]
		c.Allocations, qs = carve(qs, it.e.Allocations)
		c.Committed, qs = carve(qs, it.e.Committed)
	}
	return dst
}

// appendEntryPtrs is appendEntries for entries held by pointer.
func appendEntryPtrs(dst []backorder.BookEntry, src []*backorder.BookEntry) []backorder.BookEntry {
	if len(src) == 0 {
		return dst
	}
	n := 0
	for _, e := range src {
		n += len(e.Allocations) + len(e.Committed)
	}
	var qs []backorder.LocQty
	if n > 0 {
		qs = make([]backorder.LocQty, 0, n)
	}
	dst = slices.Grow(dst, len(src))
	for _, e := range src {
		dst = append(dst, *e)
		c := &dst[len(dst)-1]
		c.Allocations, qs = carve(qs, e.Allocations)
		c.Committed, qs = carve(qs, e.Committed)
	}
	return dst
}

// PutBookEntry implements backorder.BookTx.
func (t *tx) PutBookEntry(e backorder.BookEntry) error {
	if err := t.writable(); err != nil {
		return err
	}
	old, had := t.s.lines.rows[e.LineID]
	var r lineRow
	if e.Open() {
		// Into the room beside the line when it is free (see openLineBox).
		var stored *backorder.BookEntry
		if old.slot != nil {
			stored = setBeside(old.slot, &e, old.line)
		} else {
			stored = new(entryBox).set(&e)
		}
		r = old.withEntry(e.SKU, stored)
		r.slot = nil
	} else {
		if !had {
			return nil
		}
		r = old.withEntry(e.SKU, nil)
	}
	switch {
	case r == old: // deleting an entry that is not there
	case r.empty():
		t.s.lines.del(e.LineID)
	default:
		t.s.lines.putOver(e.LineID, r, old, had)
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
	sh = sh.Clone()
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
		t.s.events.append(evs)
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
	c, ok := t.s.commands.rows[key]
	if !ok {
		return backorder.Command{}, notFound("command", key)
	}
	return c.Clone(), nil
}

// PutCommand implements backorder.CommandTx.
func (t *tx) PutCommand(c backorder.Command) error {
	if err := t.writable(); err != nil {
		return err
	}
	if _, ok := t.s.commands.rows[c.Key]; ok {
		return fmt.Errorf("memstore: command %q already recorded: %w", c.Key, backorder.ErrConflict)
	}
	t.s.commands.put(c.Key, c.Clone())
	return nil
}

// NextSequence implements backorder.SequenceTx.
func (t *tx) NextSequence(name string) (int64, error) {
	if err := t.writable(); err != nil {
		return 0, err
	}
	return t.s.sequences.next(name), nil
}
