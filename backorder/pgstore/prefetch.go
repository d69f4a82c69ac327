package pgstore

import (
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/backorderkit/backorderkit/backorder"
)

// Prefetch implements backorder.Prefetcher: it reads in one round trip
// what an operation is about to read: the command record of h.Command, the
// orders h.Orders with their lines, the locations if h.Locations, the
// items, positions and waiting books of h.SKUs, the lines h.Lines, and the
// current values of the sequences h.Sequences. Later reads of them in the
// same transaction (Command, Order, Locations, Location, Item, Positions,
// Book, Inbounds, Line) return what Prefetch read without a round trip, until the
// transaction writes them, and NextSequence on a prefetched name hands out
// the next value without one.
//
// In an Update, Prefetch first takes every lock those reads take, in one
// statement and in one order (keys in byte order), so operations that
// prefetch what they touch cannot deadlock on it. A book longer than 64
// waiting entries is left for Book to read.
func (t *txn) Prefetch(h backorder.Hint) error {
	if err := t.check(false); err != nil {
		return err
	}
	var needSKUs []string
	for _, s := range h.SKUs {
		_, hasItem := t.items[s]
		_, hasPos := t.pos[s]
		if checkText("SKU", s) == nil && !(hasItem && hasPos) {
			needSKUs = append(needSKUs, s)
		}
	}
	slices.Sort(needSKUs)
	needSKUs = slices.Compact(needSKUs)
	var needLines []pgtype.UUID
	for _, id := range h.Lines {
		if _, ok := t.lines[id]; !ok {
			needLines = append(needLines, uid(id))
		}
	}
	var needSeqs []string
	if !t.readOnly {
		for _, n := range h.Sequences {
			if _, ok := t.seqs[n]; !ok && checkText("name", n) == nil {
				needSeqs = append(needSeqs, n)
			}
		}
	}
	needCmd := ""
	if _, ok := t.cmds[h.Command]; !ok && h.Command != "" && checkText("key", h.Command) == nil {
		needCmd = h.Command
	}
	var needOrders []pgtype.UUID
	for _, id := range h.Orders {
		if _, ok := t.orderCache[id]; !ok {
			needOrders = append(needOrders, uid(id))
		}
	}
	needLocs := h.Locations && t.locs == nil
	if len(needSKUs)+len(needLines)+len(needSeqs)+len(needOrders) == 0 && needCmd == "" && !needLocs {
		return nil
	}

	keys := make([]string, 0, len(needSKUs)+len(needLines)+len(needSeqs)+len(needOrders)+1)
	for _, s := range needSKUs {
		keys = append(keys, t.key(kindStock, s))
	}
	for _, id := range needLines {
		keys = append(keys, t.key(kindLine, uuid.UUID(id.Bytes).String()))
	}
	for _, n := range needSeqs {
		keys = append(keys, t.key(kindSequence, n))
	}
	for _, id := range needOrders {
		keys = append(keys, t.key(kindOrder, uuid.UUID(id.Bytes).String()))
	}
	if needCmd != "" {
		keys = append(keys, t.key(kindCommand, needCmd))
	}
	t.lock(lockExcl, keys...)
	if needLocs {
		t.lock(lockShared, t.key(kindLocations, ""))
	}

	items := make(map[string]backorder.Item)
	pos := make(map[string][]backorder.StockPosition)
	books := make(map[string][]backorder.BookEntry)
	inbounds := make(map[string][]backorder.Inbound)
	gotLines := make(map[uuid.UUID]backorder.Line)
	seqs := make(map[string]int64)
	var sts []stmt
	if len(needSKUs) > 0 {
		sts = append(sts,
			stmt{sql: t.s.q.prefetchItems, args: []any{needSKUs},
				rows: keyedDocs("item", func(sku string, it backorder.Item) { items[sku] = it })},
			stmt{sql: t.s.q.prefetchPositions, args: []any{needSKUs}, rows: eachRow(func(rows pgx.Rows) error {
				var p backorder.StockPosition
				if err := rows.Scan(&p.SKU, &p.Location, &p.OnHand, &p.Allocated, &p.Received, &p.Adjusted, &p.Shipped); err != nil {
					return err
				}
				pos[p.SKU] = append(pos[p.SKU], p)
				return nil
			})},
			stmt{sql: t.s.q.prefetchBooks, args: []any{needSKUs, int64(bookPrefetch + 1)},
				rows: keyedDocs("book entry", func(sku string, e backorder.BookEntry) { books[sku] = append(books[sku], e) })},
			stmt{sql: t.s.q.prefetchInbounds, args: []any{needSKUs},
				rows: keyedDocs("inbound", func(sku string, in backorder.Inbound) { inbounds[sku] = append(inbounds[sku], in) })})
	}
	if len(needLines) > 0 {
		sts = append(sts, stmt{sql: t.s.q.prefetchLines, args: []any{needLines},
			rows: keyedDocs("line", func(id pgtype.UUID, l backorder.Line) { gotLines[uuidVal(id)] = l })})
	}
	if len(needSeqs) > 0 {
		sts = append(sts, stmt{sql: t.s.q.prefetchSequences, args: []any{needSeqs}, rows: eachRow(func(rows pgx.Rows) error {
			var name string
			var v int64
			if err := rows.Scan(&name, &v); err != nil {
				return err
			}
			seqs[name] = v
			return nil
		})})
	}
	var cmd backorder.Command
	cmdFound := false
	if needCmd != "" {
		sts = append(sts, stmt{sql: t.s.q.command, args: []any{needCmd}, rows: func(rows pgx.Rows) error {
			for rows.Next() {
				var at pgtype.Timestamptz
				if err := rows.Scan(&cmd.Result, &at); err != nil {
					return err
				}
				cmd.Key, cmd.At, cmdFound = needCmd, tsVal(at), true
			}
			return rows.Err()
		}})
	}
	orders := make(map[uuid.UUID]backorder.Order)
	if len(needOrders) > 0 {
		sts = append(sts,
			stmt{sql: t.s.q.prefetchOrders, args: []any{needOrders},
				rows: keyedDocs("order", func(id pgtype.UUID, o backorder.Order) { orders[uuidVal(id)] = o })},
			stmt{sql: t.s.q.prefetchOrderLines, args: []any{needOrders},
				rows: keyedDocs("line", func(id pgtype.UUID, l backorder.Line) {
					o := orders[uuidVal(id)]
					o.Lines = append(o.Lines, l)
					orders[uuidVal(id)] = o
				})})
	}
	var locs []backorder.Location
	if needLocs {
		sts = append(sts, t.locationsStmt(&locs))
	}
	if err := t.send("Prefetch", sts...); err != nil {
		return err
	}

	if needCmd != "" {
		if t.cmds == nil {
			t.cmds = make(map[string]maybe[backorder.Command])
		}
		t.cmds[needCmd] = maybe[backorder.Command]{found: cmdFound, v: cmd}
	}
	if len(needOrders) > 0 {
		if t.orderCache == nil {
			t.orderCache = make(map[uuid.UUID]maybe[backorder.Order])
		}
		for _, id := range needOrders {
			// Lines read for an order the orders query did not find (none
			// can exist: a line is written after its order) are dropped.
			o, ok := orders[uuidVal(id)]
			ok = ok && o.ID != uuid.Nil
			t.orderCache[uuidVal(id)] = maybe[backorder.Order]{found: ok, v: o}
			if ok {
				t.knowOrder(o.ID)
			}
		}
	}
	if needLocs {
		if locs == nil {
			locs = []backorder.Location{}
		}
		t.locs = locs
	}

	if t.items == nil {
		t.items = make(map[string]maybe[backorder.Item])
	}
	for _, s := range needSKUs {
		it, ok := items[s]
		t.items[s] = maybe[backorder.Item]{found: ok, v: it}
		t.cachePositions(s, pos[s])
		if b := books[s]; len(b) <= bookPrefetch {
			t.cacheBook(s, b)
		}
		if t.inbounds == nil {
			t.inbounds = make(map[string][]backorder.Inbound)
		}
		t.inbounds[s] = inbounds[s]
	}
	if t.lines == nil {
		t.lines = make(map[uuid.UUID]maybe[backorder.Line])
	}
	for _, id := range needLines {
		l, ok := gotLines[uuid.UUID(id.Bytes)]
		t.lines[uuid.UUID(id.Bytes)] = maybe[backorder.Line]{found: ok, v: l}
		if ok {
			t.knowOrder(l.OrderID)
		}
	}
	for _, n := range needSeqs {
		// A name without a row counts from 0; NextSequence's upsert
		// creates it.
		t.cacheSeq(n, seqs[n])
	}
	return nil
}

// eachRow returns a rows callback that calls scan for each row.
func eachRow(scan func(pgx.Rows) error) func(pgx.Rows) error {
	return func(rows pgx.Rows) error {
		for rows.Next() {
			if err := scan(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	}
}

// keyedDocs returns a rows callback for rows of a key and a document: it
// decodes each document (what names it in errors) and hands it to add
// with its key.
func keyedDocs[K, T any](what string, add func(K, T)) func(pgx.Rows) error {
	return eachRow(func(rows pgx.Rows) error {
		var k K
		var doc []byte
		if err := rows.Scan(&k, &doc); err != nil {
			return err
		}
		var v T
		if err := decodeDoc(what, doc, &v); err != nil {
			return err
		}
		add(k, v)
		return nil
	})
}
