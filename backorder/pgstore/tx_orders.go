package pgstore

import (
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/backorderkit/backorderkit/backorder"
)

func (t *txn) knowOrder(id uuid.UUID) {
	if t.orders == nil {
		t.orders = make(map[uuid.UUID]struct{})
	}
	t.orders[id] = struct{}{}
}

// lockSKUsFirst, in an Update that has locked no SKU yet, locks the stock
// of the SKUs an order or shipment holds, in SKU order, before the order or
// shipment itself. A cancellation or a shipment then takes its locks in the
// order a receipt does (stock, then lines and orders) instead of the
// reverse, which would deadlock with it. The extra locks only ever
// serialize more; they never let anything through.
func (t *txn) lockSKUsFirst(sql string, id uuid.UUID) {
	if t.readOnly || t.stockLocked {
		return
	}
	t.stockLocked = true
	t.queue(stmt{sql: sql, args: []any{uid(id), t.keyPrefix(kindStock)}, table: kindTable[rowLine]})
}

// Order implements backorder.OrderTx.
func (t *txn) Order(id uuid.UUID) (backorder.Order, error) {
	if err := t.check(false); err != nil {
		return backorder.Order{}, err
	}
	if m, ok := t.orderCache[id]; ok {
		if !m.found {
			return backorder.Order{}, notFound("order", id.String())
		}
		return m.v.Clone(), nil
	}
	t.lockSKUsFirst(t.s.q.lockOrderSKUs, id)
	t.lock(lockExcl, t.key(kindOrder, id.String()))
	var o backorder.Order
	var lines []backorder.Line
	found := false
	err := t.send("Order",
		stmt{sql: t.s.q.order, args: []any{uid(id)}, rows: docs("order", nil, decodeInto("order", &o, &found))},
		stmt{sql: t.s.q.orderLines, args: []any{uid(id)}, rows: docs("line", nil, decodeAppend("line", &lines))})
	if err != nil {
		return backorder.Order{}, err
	}
	if !found {
		return backorder.Order{}, notFound("order", id.String())
	}
	t.knowOrder(id)
	o.Lines = lines
	return o, nil
}

// lineDoc is a line as PutOrder sends it.
type lineDoc struct {
	ID     uuid.UUID
	SKU    string
	IsOpen bool
	Doc    []byte
}

// PutOrder implements backorder.OrderTx. It locks the order and each of
// its lines, and the old order of any line that moves here.
func (t *txn) PutOrder(o backorder.Order) error {
	if err := t.check(true); err != nil {
		return err
	}
	head, err := encodeDoc("Order", o.Header())
	if err != nil {
		return err
	}
	// A line id given twice is written once, at its first place, with its
	// last value: what writing the lines one by one would leave.
	lines := make([]lineDoc, 0, len(o.Lines))
	at := make(map[uuid.UUID]int, len(o.Lines))
	for i, l := range o.Lines {
		l.OrderID = o.ID
		doc, err := encodeDocAt("Order.Lines", i, l)
		if err != nil {
			return err
		}
		d := lineDoc{ID: l.ID, SKU: l.SKU, IsOpen: l.Open() > 0, Doc: doc}
		if j, ok := at[l.ID]; ok {
			lines[j] = d
			continue
		}
		at[l.ID] = len(lines)
		lines = append(lines, d)
	}
	keys := make([]string, 0, len(lines)+1)
	keys = append(keys, t.key(kindOrder, o.ID.String()))
	// The lines go as arrays, one element per line, in order.
	ids := make([]pgtype.UUID, len(lines))
	skus, open, docs := make([]string, len(lines)), make([]bool, len(lines)), make([][]byte, len(lines))
	for i, d := range lines {
		keys = append(keys, t.key(kindLine, d.ID.String()))
		ids[i], skus[i], open[i], docs[i] = uid(d.ID), d.SKU, d.IsOpen, d.Doc
	}
	// An order read as absent in this transaction, under its lock, whose
	// lines were too (a new order, prefetched), is inserted: no old rows
	// to look for, no conflicts to check.
	fresh := false
	if m, ok := t.orderCache[o.ID]; ok && !m.found {
		fresh = true
		for _, d := range lines {
			if m, ok := t.lines[d.ID]; !ok || m.found {
				fresh = false
				break
			}
		}
	}
	t.lock(lockExcl, keys...)
	t.lock(lockShared, t.key(kindOpenOrders, ""))
	for _, d := range lines {
		delete(t.lines, d.ID)
	}
	clear(t.orderCache)
	orderSQL, linesSQL := t.s.q.putOrder, t.s.q.putOrderLines
	linesArgs := []any{uid(o.ID), ids, skus, open, docs, t.keyPrefix(kindOrder)}
	if fresh {
		orderSQL, linesSQL, linesArgs = t.s.q.insertOrder, t.s.q.insertOrderLines, linesArgs[:5]
	}
	t.queue(stmt{sql: orderSQL, args: []any{uid(o.ID), head}})
	if len(lines) > 0 {
		t.queue(stmt{sql: linesSQL, args: linesArgs, table: kindTable[rowLine]})
	}
	t.knowOrder(o.ID)
	return nil
}

// Line implements backorder.OrderTx.
func (t *txn) Line(id uuid.UUID) (backorder.Line, error) {
	if err := t.check(false); err != nil {
		return backorder.Line{}, err
	}
	if m, ok := t.lines[id]; ok {
		if !m.found {
			return backorder.Line{}, notFound("line", id.String())
		}
		return m.v.Clone(), nil
	}
	t.lock(lockExcl, t.key(kindLine, id.String()))
	var l backorder.Line
	found := false
	if err := t.send("Line", stmt{sql: t.s.q.line, args: []any{uid(id)},
		rows: docs("line", nil, decodeInto("line", &l, &found))}); err != nil {
		return backorder.Line{}, err
	}
	if !found {
		return backorder.Line{}, notFound("line", id.String())
	}
	t.knowOrder(l.OrderID)
	return l, nil
}

// PutLine implements backorder.OrderTx. It locks the line, its order and,
// if the line moves between orders, the old order.
func (t *txn) PutLine(l backorder.Line) error {
	if err := t.check(true); err != nil {
		return err
	}
	doc, err := encodeDoc("Line", l)
	if err != nil {
		return err
	}
	t.lock(lockExcl, t.key(kindLine, l.ID.String()), t.key(kindOrder, l.OrderID.String()))
	t.lock(lockShared, t.key(kindOpenOrders, ""))
	delete(t.lines, l.ID)
	clear(t.orderCache) // the line's order, and the one it may leave
	put := stmt{sql: t.s.q.putLine, args: []any{uid(l.ID), uid(l.OrderID), l.SKU, l.Open() > 0, doc,
		t.keyPrefix(kindOrder)}}
	if _, ok := t.orders[l.OrderID]; ok {
		// The order exists (orders are never deleted): no need to wait.
		put.tag = expectRows("PutLine", 1)
		put.row = row{kind: rowLine, key: l.ID.String(), args: put.args}
		t.queue(put)
		return nil
	}
	var affected int64
	put.tag = func(ct pgconn.CommandTag) error { affected = ct.RowsAffected(); return nil }
	if err := t.send("PutLine", put); err != nil {
		return err
	}
	if affected == 0 {
		return notFound("order", l.OrderID.String())
	}
	t.knowOrder(l.OrderID)
	return nil
}

// OpenOrders implements backorder.OrderTx. Inside Update it locks the set
// of open orders against every writer of a line; writers share that lock
// among themselves.
func (t *txn) OpenOrders(after uuid.UUID, limit int) ([]uuid.UUID, error) {
	if err := t.check(false); err != nil {
		return nil, err
	}
	if limit <= 0 {
		return nil, nil
	}
	t.lock(lockExcl, t.key(kindOpenOrders, ""))
	var out []uuid.UUID
	err := t.send("OpenOrders", stmt{sql: t.s.q.openOrders, args: []any{uid(after), int64(limit)}, rows: func(rows pgx.Rows) error {
		for rows.Next() {
			var id pgtype.UUID
			if err := rows.Scan(&id); err != nil {
				return err
			}
			out = append(out, uuidVal(id))
		}
		return rows.Err()
	}})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// bookPrefetch is the most waiting entries Item reads ahead for Book.
const bookPrefetch = 64

// Book implements backorder.BookTx.
func (t *txn) Book(sku string) ([]backorder.BookEntry, error) {
	if err := t.check(false); err != nil {
		return nil, err
	}
	if checkText("SKU", sku) != nil {
		return nil, nil
	}
	if es, ok := t.book[sku]; ok {
		return cloneEntries(es), nil
	}
	t.lock(lockExcl, t.key(kindStock, sku))
	var out []backorder.BookEntry
	if err := t.send("Book", t.bookStmt(t.s.q.book, &out, sku)); err != nil {
		return nil, err
	}
	t.cacheBook(sku, out)
	return out, nil
}

// cacheBook keeps a copy of the SKU's waiting entries for this transaction.
func (t *txn) cacheBook(sku string, es []backorder.BookEntry) {
	if t.book == nil {
		t.book = make(map[string][]backorder.BookEntry)
	}
	t.book[sku] = cloneEntries(es)
}

func cloneEntries(es []backorder.BookEntry) []backorder.BookEntry {
	if es == nil {
		return nil
	}
	out := make([]backorder.BookEntry, len(es))
	for i, e := range es {
		out[i] = e.Clone()
	}
	return out
}

func (t *txn) bookStmt(sql string, out *[]backorder.BookEntry, args ...any) stmt {
	return stmt{sql: sql, args: args, rows: docs("book entry", func() { *out = nil }, decodeAppend("book entry", out))}
}

// Holders implements backorder.BookTx.
func (t *txn) Holders(sku, location string) ([]backorder.BookEntry, error) {
	if err := t.check(false); err != nil {
		return nil, err
	}
	if checkText("SKU", sku) != nil || checkText("location", location) != nil {
		return nil, nil
	}
	t.lock(lockExcl, t.key(kindStock, sku))
	var out []backorder.BookEntry
	if err := t.send("Holders", t.bookStmt(t.s.q.holders, &out, sku, location)); err != nil {
		return nil, err
	}
	return out, nil
}

// CustomerBook implements backorder.BookTx. It locks the customer's book
// against every writer of it; writers share that lock among themselves.
func (t *txn) CustomerBook(customer string) ([]backorder.BookEntry, error) {
	if err := t.check(false); err != nil {
		return nil, err
	}
	if checkText("customer", customer) != nil {
		return nil, nil
	}
	t.lock(lockExcl, t.key(kindCustomer, customer))
	var out []backorder.BookEntry
	if err := t.send("CustomerBook", t.bookStmt(t.s.q.customerBook, &out, customer)); err != nil {
		return nil, err
	}
	return out, nil
}

// PutBookEntry implements backorder.BookTx. It locks the SKU's stock and
// shares the customer-book lock of the entry's old and new customer.
func (t *txn) PutBookEntry(e backorder.BookEntry) error {
	if err := t.check(true); err != nil {
		return err
	}
	doc, err := encodeDoc("BookEntry", e)
	if err != nil {
		return err
	}
	t.lock(lockExcl, t.key(kindStock, e.SKU))
	delete(t.book, e.SKU)
	line := uid(e.LineID)
	if !e.Open() {
		t.queue(stmt{sql: t.s.q.deleteBookEntry, args: []any{e.SKU, line, t.keyPrefix(kindCustomer)},
			row: row{kind: rowBook, key: bookKey(e), del: true, args: []any{e.SKU, line}}})
		return nil
	}
	holds := []string{}
	for _, a := range e.Allocations {
		if a.Qty > 0 {
			holds = append(holds, a.Location)
		}
	}
	t.lock(lockShared, t.key(kindCustomer, e.Customer))
	args := []any{e.SKU, line, e.Customer, tsArg(e.Placed), e.Seq, e.Backordered, holds, doc, t.keyPrefix(kindCustomer)}
	t.queue(stmt{sql: t.s.q.putBookEntry, args: args, row: row{kind: rowBook, key: bookKey(e), args: args}})
	return nil
}

// bookKey is a book entry's key among merged rows.
func bookKey(e backorder.BookEntry) string { return e.SKU + "\x00" + e.LineID.String() }

// Shipment implements backorder.ShipmentTx.
func (t *txn) Shipment(id uuid.UUID) (backorder.Shipment, error) {
	if err := t.check(false); err != nil {
		return backorder.Shipment{}, err
	}
	t.lockSKUsFirst(t.s.q.lockShipmentSKUs, id)
	t.lock(lockExcl, t.key(kindShipment, id.String()))
	var s backorder.Shipment
	found := false
	if err := t.send("Shipment", stmt{sql: t.s.q.shipment, args: []any{uid(id)},
		rows: docs("shipment", nil, decodeInto("shipment", &s, &found))}); err != nil {
		return backorder.Shipment{}, err
	}
	if !found {
		return backorder.Shipment{}, notFound("shipment", id.String())
	}
	return s, nil
}

// Shipments implements backorder.ShipmentTx.
func (t *txn) Shipments(orderID uuid.UUID) ([]backorder.Shipment, error) {
	if err := t.check(false); err != nil {
		return nil, err
	}
	t.lock(lockExcl, t.key(kindOrder, orderID.String()))
	var out []backorder.Shipment
	if err := t.send("Shipments", stmt{sql: t.s.q.shipments, args: []any{uid(orderID)},
		rows: docs("shipment", nil, decodeAppend("shipment", &out))}); err != nil {
		return nil, err
	}
	return out, nil
}

// PutShipment implements backorder.ShipmentTx. It locks the shipment, its
// order and, if it moves between orders, the old order.
func (t *txn) PutShipment(s backorder.Shipment) error {
	if err := t.check(true); err != nil {
		return err
	}
	doc, err := encodeDoc("Shipment", s)
	if err != nil {
		return err
	}
	t.lock(lockExcl, t.key(kindShipment, s.ID.String()), t.key(kindOrder, s.OrderID.String()))
	t.queue(stmt{sql: t.s.q.putShipment, args: []any{uid(s.ID), uid(s.OrderID), tsArg(s.CreatedAt), doc,
		t.keyPrefix(kindOrder)}})
	return nil
}

// Invoice implements backorder.InvoiceTx.
func (t *txn) Invoice(id uuid.UUID) (backorder.Invoice, error) {
	if err := t.check(false); err != nil {
		return backorder.Invoice{}, err
	}
	t.lock(lockExcl, t.key(kindInvoice, id.String()))
	var inv backorder.Invoice
	found := false
	if err := t.send("Invoice", stmt{sql: t.s.q.invoice, args: []any{uid(id)},
		rows: docs("invoice", nil, decodeInto("invoice", &inv, &found))}); err != nil {
		return backorder.Invoice{}, err
	}
	if !found {
		return backorder.Invoice{}, notFound("invoice", id.String())
	}
	return inv, nil
}

// Invoices implements backorder.InvoiceTx.
func (t *txn) Invoices(orderID uuid.UUID) ([]backorder.Invoice, error) {
	if err := t.check(false); err != nil {
		return nil, err
	}
	t.lock(lockExcl, t.key(kindOrder, orderID.String()))
	var out []backorder.Invoice
	if err := t.send("Invoices", stmt{sql: t.s.q.invoices, args: []any{uid(orderID)},
		rows: docs("invoice", nil, decodeAppend("invoice", &out))}); err != nil {
		return nil, err
	}
	return out, nil
}

// PutInvoice implements backorder.InvoiceTx. It locks the invoice, its
// order and, if it moves between orders, the old order.
func (t *txn) PutInvoice(inv backorder.Invoice) error {
	if err := t.check(true); err != nil {
		return err
	}
	doc, err := encodeDoc("Invoice", inv)
	if err != nil {
		return err
	}
	t.lock(lockExcl, t.key(kindInvoice, inv.ID.String()), t.key(kindOrder, inv.OrderID.String()))
	t.queue(stmt{sql: t.s.q.putInvoice, args: []any{uid(inv.ID), uid(inv.OrderID), tsArg(inv.IssuedAt),
		inv.Number, doc, t.keyPrefix(kindOrder)}})
	return nil
}

var _ backorder.AppendTx = (*txn)(nil)

// AppendPositions implements backorder.AppendTx.
func (t *txn) AppendPositions(dst []backorder.StockPosition, sku string) ([]backorder.StockPosition, error) {
	ps, err := t.Positions(sku)
	if err != nil {
		return dst, err
	}
	return append(dst, ps...), nil
}

// AppendBook implements backorder.AppendTx. The appended entries are
// copies: their slices are new.
func (t *txn) AppendBook(dst []backorder.BookEntry, sku string) ([]backorder.BookEntry, error) {
	es, err := t.Book(sku)
	if err != nil {
		return dst, err
	}
	return append(dst, es...), nil
}
