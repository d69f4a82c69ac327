package sim

import (
	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/backorder"
)

// hookTx passes every call on to the Tx it wraps, first telling its hooks.
// Methods of backorder.Tx that it does not override (added to the interface
// later) pass through the embedded Tx untold.
type hookTx struct {
	backorder.Tx
	// call is told of every call, reads included.
	call func()
	// write is told of every write, with what it touches.
	write func(w touched)
}

// touched is what one write changes, as keys the checker reads back.
type touched struct {
	sku   string
	order uuid.UUID
	all   bool // locations: everything may read differently
	docs  bool // the order's shipments or invoices
}

func (t *hookTx) c() {
	if t.call != nil {
		t.call()
	}
}

func (t *hookTx) w(w touched) {
	if t.write != nil {
		t.write(w)
	}
}

func (t *hookTx) Item(sku string) (backorder.Item, error) { t.c(); return t.Tx.Item(sku) }
func (t *hookTx) PutItem(it backorder.Item) error {
	t.c()
	t.w(touched{sku: it.SKU})
	return t.Tx.PutItem(it)
}
func (t *hookTx) Location(id string) (backorder.Location, error) { t.c(); return t.Tx.Location(id) }
func (t *hookTx) PutLocation(l backorder.Location) error {
	t.c()
	t.w(touched{all: true})
	return t.Tx.PutLocation(l)
}
func (t *hookTx) Locations() ([]backorder.Location, error) { t.c(); return t.Tx.Locations() }
func (t *hookTx) Positions(sku string) ([]backorder.StockPosition, error) {
	t.c()
	return t.Tx.Positions(sku)
}
func (t *hookTx) PutPosition(p backorder.StockPosition) error {
	t.c()
	t.w(touched{sku: p.SKU})
	return t.Tx.PutPosition(p)
}
func (t *hookTx) Inbound(id string) (backorder.Inbound, error) { t.c(); return t.Tx.Inbound(id) }
func (t *hookTx) Inbounds(sku string) ([]backorder.Inbound, error) {
	t.c()
	return t.Tx.Inbounds(sku)
}
func (t *hookTx) PutInbound(in backorder.Inbound) error {
	t.c()
	t.w(touched{sku: in.SKU})
	return t.Tx.PutInbound(in)
}
func (t *hookTx) Order(id uuid.UUID) (backorder.Order, error) { t.c(); return t.Tx.Order(id) }
func (t *hookTx) PutOrder(o backorder.Order) error {
	t.c()
	t.w(touched{order: o.ID})
	for _, l := range o.Lines {
		t.w(touched{sku: l.SKU})
	}
	return t.Tx.PutOrder(o)
}
func (t *hookTx) Line(id uuid.UUID) (backorder.Line, error) { t.c(); return t.Tx.Line(id) }
func (t *hookTx) PutLine(l backorder.Line) error {
	t.c()
	t.w(touched{order: l.OrderID, sku: l.SKU})
	return t.Tx.PutLine(l)
}
func (t *hookTx) OpenOrders(after uuid.UUID, limit int) ([]uuid.UUID, error) {
	t.c()
	return t.Tx.OpenOrders(after, limit)
}
func (t *hookTx) Book(sku string) ([]backorder.BookEntry, error) { t.c(); return t.Tx.Book(sku) }
func (t *hookTx) Holders(sku, loc string) ([]backorder.BookEntry, error) {
	t.c()
	return t.Tx.Holders(sku, loc)
}
func (t *hookTx) CustomerBook(c string) ([]backorder.BookEntry, error) {
	t.c()
	return t.Tx.CustomerBook(c)
}
func (t *hookTx) PutBookEntry(e backorder.BookEntry) error {
	t.c()
	t.w(touched{sku: e.SKU, order: e.OrderID})
	return t.Tx.PutBookEntry(e)
}
func (t *hookTx) Shipment(id uuid.UUID) (backorder.Shipment, error) {
	t.c()
	return t.Tx.Shipment(id)
}
func (t *hookTx) Shipments(orderID uuid.UUID) ([]backorder.Shipment, error) {
	t.c()
	return t.Tx.Shipments(orderID)
}
func (t *hookTx) PutShipment(s backorder.Shipment) error {
	t.c()
	t.w(touched{order: s.OrderID, docs: true})
	return t.Tx.PutShipment(s)
}
func (t *hookTx) Invoice(id uuid.UUID) (backorder.Invoice, error) { t.c(); return t.Tx.Invoice(id) }
func (t *hookTx) Invoices(orderID uuid.UUID) ([]backorder.Invoice, error) {
	t.c()
	return t.Tx.Invoices(orderID)
}
func (t *hookTx) PutInvoice(inv backorder.Invoice) error {
	t.c()
	t.w(touched{order: inv.OrderID, docs: true})
	return t.Tx.PutInvoice(inv)
}
func (t *hookTx) AppendEvents(evs []backorder.Event) error {
	t.c()
	return t.Tx.AppendEvents(evs)
}
func (t *hookTx) Events(after uint64, limit int) ([]backorder.Event, error) {
	t.c()
	return t.Tx.Events(after, limit)
}
func (t *hookTx) Command(key string) (backorder.Command, error) { t.c(); return t.Tx.Command(key) }
func (t *hookTx) PutCommand(c backorder.Command) error          { t.c(); return t.Tx.PutCommand(c) }
func (t *hookTx) NextSequence(name string) (int64, error)       { t.c(); return t.Tx.NextSequence(name) }

// hookAppendTx is a hookTx over a Tx with the optional AppendTx capability,
// which it keeps: the engine then takes the same path as over the bare
// store.
type hookAppendTx struct {
	*hookTx
	app backorder.AppendTx
}

var _ backorder.AppendTx = (*hookAppendTx)(nil)

func (t *hookAppendTx) AppendPositions(dst []backorder.StockPosition, sku string) ([]backorder.StockPosition, error) {
	t.c()
	return t.app.AppendPositions(dst, sku)
}

func (t *hookAppendTx) AppendBook(dst []backorder.BookEntry, sku string) ([]backorder.BookEntry, error) {
	t.c()
	return t.app.AppendBook(dst, sku)
}

// hookMemTx is a hookAppendTx over a Tx that also offers AppendOrderTx and
// ExistsTx, as memstore's does: it keeps them too, so that the engine takes
// every path it takes over the bare store.
type hookMemTx struct {
	*hookAppendTx
	order  backorder.AppendOrderTx
	exists backorder.ExistsTx
}

var (
	_ backorder.AppendOrderTx = (*hookMemTx)(nil)
	_ backorder.ExistsTx      = (*hookMemTx)(nil)
)

func (t *hookMemTx) AppendOrder(dst []backorder.Line, id uuid.UUID) (backorder.Order, error) {
	t.c()
	return t.order.AppendOrder(dst, id)
}

func (t *hookMemTx) OrderExists(id uuid.UUID) (bool, error) {
	t.c()
	return t.exists.OrderExists(id)
}

func (t *hookMemTx) LineExists(id uuid.UUID) (bool, error) {
	t.c()
	return t.exists.LineExists(id)
}

// hook wraps tx in a hookTx, keeping its optional capabilities.
func hook(tx backorder.Tx, call func(), write func(touched)) backorder.Tx {
	h := &hookTx{Tx: tx, call: call, write: write}
	a, ok := tx.(backorder.AppendTx)
	if !ok {
		return h
	}
	ha := &hookAppendTx{hookTx: h, app: a}
	o, okOrder := tx.(backorder.AppendOrderTx)
	e, okExists := tx.(backorder.ExistsTx)
	if okOrder && okExists {
		return &hookMemTx{hookAppendTx: ha, order: o, exists: e}
	}
	return ha
}
