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

var _ backorder.Tx = (*tx)(nil)

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
	return slices.Clone(t.s.skuPositions.group(sku)), nil
}

// PutPosition implements backorder.StockTx.
func (t *tx) PutPosition(p backorder.StockPosition) error {
	if err := t.writable(); err != nil {
		return err
	}
	t.s.positions.put(skuLoc{p.SKU, p.Location}, p)
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
	if err := t.readable(); err != nil {
		return backorder.Order{}, err
	}
	rec, ok := t.s.orders.rows[id]
	if !ok {
		return backorder.Order{}, notFound("order", id.String())
	}
	o := rec.header
	o.Lines = make([]backorder.Line, len(rec.lines))
	for i, lid := range rec.lines {
		o.Lines[i] = t.s.lines.rows[lid].Clone()
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
	// place and any other is appended. ids is clipped so that appending
	// never writes into the stored record's array.
	var ids []uuid.UUID
	if rec, ok := t.s.orders.rows[o.ID]; ok {
		ids = slices.Clip(rec.lines)
	}
	for i := range o.Lines {
		l := o.Lines[i].Clone()
		l.OrderID = o.ID
		old, ok := t.s.lines.rows[l.ID]
		if !ok || old.OrderID != o.ID {
			if ok {
				t.detach(old.OrderID, l.ID)
			}
			ids = append(ids, l.ID)
		}
		t.s.lines.putOver(l.ID, &l, old, ok)
	}
	t.s.orders.put(o.ID, &orderRec{header: o.Header(), lines: ids})
	return nil
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
	l, ok := t.s.lines.rows[id]
	if !ok {
		return backorder.Line{}, notFound("line", id.String())
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
		return notFound("order", l.OrderID.String())
	}
	old, had := t.s.lines.rows[l.ID]
	if !had || old.OrderID != l.OrderID {
		if had {
			t.detach(old.OrderID, l.ID)
		}
		t.s.orders.put(l.OrderID, &orderRec{header: rec.header, lines: append(slices.Clip(rec.lines), l.ID)})
	}
	l = l.Clone()
	t.s.lines.put(l.ID, &l)
	return nil
}

// Book implements backorder.BookTx.
func (t *tx) Book(sku string) ([]backorder.BookEntry, error) {
	if err := t.readable(); err != nil {
		return nil, err
	}
	return cloneEntries(t.s.waiting.group(sku)), nil
}

// Holders implements backorder.BookTx. An entry holds an allocation at a
// location when its Allocations give the location a Qty > 0.
func (t *tx) Holders(sku, location string) ([]backorder.BookEntry, error) {
	if err := t.readable(); err != nil {
		return nil, err
	}
	return cloneEntries(t.s.holders.group(skuLoc{sku, location})), nil
}

// CustomerBook implements backorder.BookTx.
func (t *tx) CustomerBook(customer string) ([]backorder.BookEntry, error) {
	if err := t.readable(); err != nil {
		return nil, err
	}
	return cloneEntries(t.s.customers.sorted(customer, byCustomer)), nil
}

func cloneEntries(src []*backorder.BookEntry) []backorder.BookEntry {
	if len(src) == 0 {
		return nil
	}
	out := make([]backorder.BookEntry, len(src))
	for i, e := range src {
		out[i] = e.Clone()
	}
	return out
}

// PutBookEntry implements backorder.BookTx.
func (t *tx) PutBookEntry(e backorder.BookEntry) error {
	if err := t.writable(); err != nil {
		return err
	}
	k := bookKey{e.SKU, e.LineID}
	if !e.Open() {
		t.s.book.del(k)
		return nil
	}
	c := e.Clone()
	t.s.book.put(k, &c)
	return nil
}

// Shipment implements backorder.ShipmentTx.
func (t *tx) Shipment(id uuid.UUID) (backorder.Shipment, error) {
	if err := t.readable(); err != nil {
		return backorder.Shipment{}, err
	}
	sh, ok := t.s.shipments.rows[id]
	if !ok {
		return backorder.Shipment{}, notFound("shipment", id.String())
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
		return backorder.Invoice{}, notFound("invoice", id.String())
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
	n := t.s.sequences.rows[name] + 1
	t.s.sequences.put(name, n)
	return n, nil
}
