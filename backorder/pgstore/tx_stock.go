package pgstore

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/backorderkit/backorderkit/backorder"
)

// Lock kinds. Each read in an Update takes the lock of what it reads; each
// write takes the lock of every set the written row belongs to. See doc.go.
const (
	kindLocations = "locations"
	kindStock     = "stock"
	kindInbound   = "inbound"
	kindOrder     = "order"
	kindLine      = "line"
	kindCustomer  = "customer"
	kindShipment  = "shipment"
	kindInvoice   = "invoice"
	kindCommand   = "command"
	kindSupplier  = "supplier"
	kindSequence  = "sequence"
	// kindOpenOrders guards the set OpenOrders lists.
	kindOpenOrders = "open-orders"
)

// notFound returns an error matching backorder.ErrNotFound.
func notFound(kind, key string) error {
	return &backorder.NotFoundError{Kind: kind, Key: key}
}

// docs returns a rows callback that decodes each row's single document
// column with add, after resetting with reset (a batch may be read again).
func docs(what string, reset func(), add func(doc []byte) error) func(pgx.Rows) error {
	return func(rows pgx.Rows) error {
		if reset != nil {
			reset()
		}
		for rows.Next() {
			var doc []byte
			if err := rows.Scan(&doc); err != nil {
				return err
			}
			if err := add(doc); err != nil {
				return err
			}
		}
		return rows.Err()
	}
}

// decodeInto returns an add function for docs that decodes into *v and
// sets *found.
func decodeInto[T any](what string, v *T, found *bool) func([]byte) error {
	return func(doc []byte) error {
		*found = true
		return decodeDoc(what, doc, v)
	}
}

// decodeAppend returns an add function for docs that appends to *list.
func decodeAppend[T any](what string, list *[]T) func([]byte) error {
	return func(doc []byte) error {
		var v T
		if err := decodeDoc(what, doc, &v); err != nil {
			return err
		}
		*list = append(*list, v)
		return nil
	}
}

// Item implements backorder.ItemTx. An item belongs to its SKU's stock
// lock. The SKU's positions and, when it is short, its waiting book come
// back in the same round trip and are kept for this transaction: the
// engine reads them next.
func (t *txn) Item(sku string) (backorder.Item, error) {
	if err := t.check(false); err != nil {
		return backorder.Item{}, err
	}
	if checkText("SKU", sku) != nil {
		return backorder.Item{}, notFound("item", sku)
	}
	if m, ok := t.items[sku]; ok {
		if !m.found {
			return backorder.Item{}, notFound("item", sku)
		}
		return m.v.Clone(), nil
	}
	t.lock(lockExcl, t.key(kindStock, sku))
	var it backorder.Item
	found := false
	var sts []stmt
	var pos []backorder.StockPosition
	var book []backorder.BookEntry
	_, havePos := t.pos[sku]
	_, haveBook := t.book[sku]
	if !havePos {
		sts = append(sts, t.positionsStmt(sku, &pos))
	}
	if !haveBook {
		sts = append(sts, t.bookStmt(t.s.q.bookHead, &book, sku, bookPrefetch+1))
	}
	sts = append(sts, stmt{sql: t.s.q.item, args: []any{sku}, rows: docs("item", nil, func(doc []byte) error {
		found = true
		var err error
		it, err = t.s.items.decode(doc)
		return err
	})})
	if err := t.send("Item", sts...); err != nil {
		return backorder.Item{}, err
	}
	if !havePos {
		t.cachePositions(sku, pos)
	}
	if !haveBook && len(book) <= bookPrefetch {
		t.cacheBook(sku, book)
	}
	if !found {
		return backorder.Item{}, notFound("item", sku)
	}
	return it, nil
}

// PutItem implements backorder.ItemTx.
func (t *txn) PutItem(it backorder.Item) error {
	if err := t.check(true); err != nil {
		return err
	}
	doc, err := encodeDoc("Item", it)
	if err != nil {
		return err
	}
	t.lock(lockExcl, t.key(kindStock, it.SKU))
	delete(t.items, it.SKU)
	t.queue(stmt{sql: t.s.q.putItem, args: []any{it.SKU, doc}})
	return nil
}

// Supplier implements backorder.SupplierTx.
func (t *txn) Supplier(id string) (backorder.Supplier, error) {
	if err := t.check(false); err != nil {
		return backorder.Supplier{}, err
	}
	if checkText("ID", id) != nil {
		return backorder.Supplier{}, notFound("supplier", id)
	}
	t.lock(lockExcl, t.key(kindSupplier, id))
	var sup backorder.Supplier
	found := false
	if err := t.send("Supplier", stmt{sql: t.s.q.supplier, args: []any{id},
		rows: docs("supplier", nil, decodeInto("supplier", &sup, &found))}); err != nil {
		return backorder.Supplier{}, err
	}
	if !found {
		return backorder.Supplier{}, notFound("supplier", id)
	}
	return sup, nil
}

// PutSupplier implements backorder.SupplierTx.
func (t *txn) PutSupplier(sup backorder.Supplier) error {
	if err := t.check(true); err != nil {
		return err
	}
	doc, err := encodeDoc("Supplier", sup)
	if err != nil {
		return err
	}
	t.lock(lockExcl, t.key(kindSupplier, sup.ID))
	t.queue(stmt{sql: t.s.q.putSupplier, args: []any{sup.ID, doc}})
	return nil
}

// Location implements backorder.ItemTx.
func (t *txn) Location(id string) (backorder.Location, error) {
	if err := t.check(false); err != nil {
		return backorder.Location{}, err
	}
	if checkText("ID", id) != nil {
		return backorder.Location{}, notFound("location", id)
	}
	if t.locs != nil {
		for _, loc := range t.locs {
			if loc.ID == id {
				return loc, nil
			}
		}
		return backorder.Location{}, notFound("location", id)
	}
	t.lock(lockShared, t.key(kindLocations, ""))
	loc := backorder.Location{ID: id}
	found := false
	err := t.send("Location", stmt{sql: t.s.q.location, args: []any{id}, rows: func(rows pgx.Rows) error {
		for rows.Next() {
			var rank int64
			if err := rows.Scan(&loc.Name, &rank); err != nil {
				return err
			}
			loc.Rank = int(rank)
			found = true
		}
		return rows.Err()
	}})
	if err != nil {
		return backorder.Location{}, err
	}
	if !found {
		return backorder.Location{}, notFound("location", id)
	}
	return loc, nil
}

// PutLocation implements backorder.ItemTx.
func (t *txn) PutLocation(loc backorder.Location) error {
	if err := t.check(true); err != nil {
		return err
	}
	if err := checkValue("Location", reflect.ValueOf(loc)); err != nil {
		return err
	}
	t.lock(lockExcl, t.key(kindLocations, ""))
	t.locs = nil
	t.queue(stmt{sql: t.s.q.putLocation, args: []any{loc.ID, loc.Name, int64(loc.Rank)}})
	return nil
}

// Locations implements backorder.ItemTx.
func (t *txn) Locations() ([]backorder.Location, error) {
	if err := t.check(false); err != nil {
		return nil, err
	}
	if t.locs != nil {
		return slices.Clone(t.locs), nil
	}
	t.lock(lockShared, t.key(kindLocations, ""))
	var out []backorder.Location
	if err := t.send("Locations", t.locationsStmt(&out)); err != nil {
		return nil, err
	}
	return out, nil
}

// locationsStmt reads every location, in rank order, into out.
func (t *txn) locationsStmt(out *[]backorder.Location) stmt {
	return stmt{sql: t.s.q.locations, rows: func(rows pgx.Rows) error {
		for rows.Next() {
			var loc backorder.Location
			var rank int64
			if err := rows.Scan(&loc.ID, &loc.Name, &rank); err != nil {
				return err
			}
			loc.Rank = int(rank)
			*out = append(*out, loc)
		}
		return rows.Err()
	}}
}

// Positions implements backorder.StockTx.
func (t *txn) Positions(sku string) ([]backorder.StockPosition, error) {
	if err := t.check(false); err != nil {
		return nil, err
	}
	if checkText("SKU", sku) != nil {
		return nil, nil
	}
	if ps, ok := t.pos[sku]; ok {
		return slices.Clone(ps), nil
	}
	t.lock(lockExcl, t.key(kindStock, sku))
	var out []backorder.StockPosition
	if err := t.send("Positions", t.positionsStmt(sku, &out)); err != nil {
		return nil, err
	}
	t.cachePositions(sku, out)
	return out, nil
}

func (t *txn) positionsStmt(sku string, out *[]backorder.StockPosition) stmt {
	return stmt{sql: t.s.q.positions, args: []any{sku}, rows: func(rows pgx.Rows) error {
		*out = nil
		for rows.Next() {
			p := backorder.StockPosition{SKU: sku}
			if err := rows.Scan(&p.Location, &p.OnHand, &p.Allocated, &p.Received, &p.Adjusted, &p.Shipped); err != nil {
				return err
			}
			*out = append(*out, p)
		}
		return rows.Err()
	}}
}

// cachePositions keeps a copy of the SKU's positions for this transaction,
// which holds their lock (a View reads one snapshot).
func (t *txn) cachePositions(sku string, ps []backorder.StockPosition) {
	if t.pos == nil {
		t.pos = make(map[string][]backorder.StockPosition)
	}
	t.pos[sku] = slices.Clone(ps)
}

// PutPosition implements backorder.StockTx.
func (t *txn) PutPosition(p backorder.StockPosition) error {
	if err := t.check(true); err != nil {
		return err
	}
	if err := errors.Join(checkText("StockPosition.SKU", p.SKU), checkText("StockPosition.Location", p.Location)); err != nil {
		return err
	}
	t.lock(lockExcl, t.key(kindStock, p.SKU))
	delete(t.pos, p.SKU)
	args := []any{p.SKU, p.Location, p.OnHand, p.Allocated, p.Received, p.Adjusted, p.Shipped}
	t.queue(stmt{sql: t.s.q.putPosition, args: args,
		row: row{kind: rowPosition, key: p.SKU + "\x00" + p.Location, args: args}})
	return nil
}

// Inbound implements backorder.StockTx.
func (t *txn) Inbound(id string) (backorder.Inbound, error) {
	if err := t.check(false); err != nil {
		return backorder.Inbound{}, err
	}
	if checkText("ID", id) != nil {
		return backorder.Inbound{}, notFound("inbound", id)
	}
	t.lock(lockExcl, t.key(kindInbound, id))
	var in backorder.Inbound
	found := false
	if err := t.send("Inbound", stmt{sql: t.s.q.inbound, args: []any{id},
		rows: docs("inbound", nil, decodeInto("inbound", &in, &found))}); err != nil {
		return backorder.Inbound{}, err
	}
	if !found {
		return backorder.Inbound{}, notFound("inbound", id)
	}
	return in, nil
}

// Inbounds implements backorder.StockTx.
func (t *txn) Inbounds(sku string) ([]backorder.Inbound, error) {
	if err := t.check(false); err != nil {
		return nil, err
	}
	if checkText("SKU", sku) != nil {
		return nil, nil
	}
	if ins, ok := t.inbounds[sku]; ok {
		return slices.Clone(ins), nil // Inbound holds no reference
	}
	t.lock(lockExcl, t.key(kindStock, sku))
	var out []backorder.Inbound
	if err := t.send("Inbounds", stmt{sql: t.s.q.inbounds, args: []any{sku},
		rows: docs("inbound", nil, decodeAppend("inbound", &out))}); err != nil {
		return nil, err
	}
	return out, nil
}

// PutInbound implements backorder.StockTx. It locks the inbound line, its
// SKU's stock and, if the line moves between SKUs, the old SKU's stock.
func (t *txn) PutInbound(in backorder.Inbound) error {
	if err := t.check(true); err != nil {
		return err
	}
	doc, err := encodeDoc("Inbound", in)
	if err != nil {
		return err
	}
	t.lock(lockExcl, t.key(kindInbound, in.ID), t.key(kindStock, in.SKU))
	clear(t.inbounds) // in's SKU, and the one it may leave
	t.queue(stmt{sql: t.s.q.putInbound, args: []any{in.ID, in.SKU, in.Qty, tsArg(in.Expected), doc,
		t.keyPrefix(kindStock)}})
	return nil
}

// NextSequence implements backorder.SequenceTx. It locks the name, so
// that once this transaction knows the counter's value (from Prefetch or an
// earlier call) it hands out the next ones without a round trip.
func (t *txn) NextSequence(name string) (int64, error) {
	if err := t.check(true); err != nil {
		return 0, err
	}
	if err := checkText("name", name); err != nil {
		return 0, err
	}
	t.lock(lockExcl, t.key(kindSequence, name))
	if v, ok := t.seqs[name]; ok {
		if v == math.MaxInt64 {
			return 0, fmt.Errorf("pgstore: NextSequence(%q): the counter is at its maximum", name)
		}
		v++
		t.seqs[name] = v
		args := []any{name, v}
		t.queue(stmt{sql: t.s.q.setSequence, args: args, row: row{kind: rowSequence, key: name, args: args}})
		return v, nil
	}
	var v int64
	err := t.send("NextSequence", stmt{sql: t.s.q.nextSequence, args: []any{name}, rows: func(rows pgx.Rows) error {
		for rows.Next() {
			if err := rows.Scan(&v); err != nil {
				return err
			}
		}
		return rows.Err()
	}})
	if err != nil {
		return 0, err
	}
	t.cacheSeq(name, v)
	return v, nil
}

func (t *txn) cacheSeq(name string, v int64) {
	if t.seqs == nil {
		t.seqs = make(map[string]int64)
	}
	t.seqs[name] = v
}

// expectRows returns a tag check that fails unless the statement touched n rows.
func expectRows(op string, n int64) func(pgconn.CommandTag) error {
	return func(ct pgconn.CommandTag) error {
		if ct.RowsAffected() != n {
			return fmt.Errorf("%s: %d rows affected, want %d", op, ct.RowsAffected(), n)
		}
		return nil
	}
}
