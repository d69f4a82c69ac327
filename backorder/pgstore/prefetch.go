package pgstore

import (
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/backorderkit/backorderkit/backorder"
)

// Prefetch reads in one round trip what an operation is about to read:
// the items, positions and waiting books of skus, the lines, and the
// current values of the named sequences. Later reads of them in the same
// transaction (Item, Positions, Book, Line) return what Prefetch read
// without a round trip, until the transaction writes them, and
// NextSequence on a prefetched name hands out the next value without one.
//
// In an Update, Prefetch first takes every lock those reads take, in one
// statement and in one order (SKUs in byte order), so operations that
// prefetch what they touch cannot deadlock on it.
//
// Prefetch is an optional capability, not part of backorder.Tx: an engine
// that wants it asserts for it, and a store without it is read call by
// call. A book longer than 64 waiting entries is left for Book to read.
func (t *txn) Prefetch(skus []string, lines []uuid.UUID, sequences []string) error {
	if err := t.check(false); err != nil {
		return err
	}
	var needSKUs []string
	for _, s := range skus {
		_, hasItem := t.items[s]
		_, hasPos := t.pos[s]
		if checkText("SKU", s) == nil && !(hasItem && hasPos) {
			needSKUs = append(needSKUs, s)
		}
	}
	slices.Sort(needSKUs)
	needSKUs = slices.Compact(needSKUs)
	var needLines []pgtype.UUID
	for _, id := range lines {
		if _, ok := t.lines[id]; !ok {
			needLines = append(needLines, uid(id))
		}
	}
	var needSeqs []string
	if !t.readOnly {
		for _, n := range sequences {
			if _, ok := t.seqs[n]; !ok && checkText("name", n) == nil {
				needSeqs = append(needSeqs, n)
			}
		}
	}
	if len(needSKUs)+len(needLines)+len(needSeqs) == 0 {
		return nil
	}

	keys := make([]string, 0, len(needSKUs)+len(needLines)+len(needSeqs))
	for _, s := range needSKUs {
		keys = append(keys, t.key(kindStock, s))
	}
	for _, id := range needLines {
		keys = append(keys, t.key(kindLine, uuid.UUID(id.Bytes).String()))
	}
	for _, n := range needSeqs {
		keys = append(keys, t.key(kindSequence, n))
	}
	t.lock(lockExcl, keys...)

	items := make(map[string]backorder.Item)
	pos := make(map[string][]backorder.StockPosition)
	books := make(map[string][]backorder.BookEntry)
	gotLines := make(map[uuid.UUID]backorder.Line)
	seqs := make(map[string]int64)
	var sts []stmt
	if len(needSKUs) > 0 {
		sts = append(sts,
			stmt{sql: t.s.q.prefetchItems, args: []any{needSKUs}, rows: keyedDocs(func(rows pgx.Rows) (string, error) {
				var sku string
				var doc []byte
				if err := rows.Scan(&sku, &doc); err != nil {
					return "", err
				}
				var it backorder.Item
				if err := decodeDoc("item", doc, &it); err != nil {
					return "", err
				}
				items[sku] = it
				return sku, nil
			})},
			stmt{sql: t.s.q.prefetchPositions, args: []any{needSKUs}, rows: keyedDocs(func(rows pgx.Rows) (string, error) {
				var p backorder.StockPosition
				if err := rows.Scan(&p.SKU, &p.Location, &p.OnHand, &p.Allocated, &p.Received, &p.Adjusted, &p.Shipped); err != nil {
					return "", err
				}
				pos[p.SKU] = append(pos[p.SKU], p)
				return p.SKU, nil
			})},
			stmt{sql: t.s.q.prefetchBooks, args: []any{needSKUs, int64(bookPrefetch + 1)}, rows: keyedDocs(func(rows pgx.Rows) (string, error) {
				var sku string
				var doc []byte
				if err := rows.Scan(&sku, &doc); err != nil {
					return "", err
				}
				var e backorder.BookEntry
				if err := decodeDoc("book entry", doc, &e); err != nil {
					return "", err
				}
				books[sku] = append(books[sku], e)
				return sku, nil
			})})
	}
	if len(needLines) > 0 {
		sts = append(sts, stmt{sql: t.s.q.prefetchLines, args: []any{needLines}, rows: keyedDocs(func(rows pgx.Rows) (string, error) {
			var id pgtype.UUID
			var doc []byte
			if err := rows.Scan(&id, &doc); err != nil {
				return "", err
			}
			var l backorder.Line
			if err := decodeDoc("line", doc, &l); err != nil {
				return "", err
			}
			gotLines[uuidVal(id)] = l
			return "", nil
		})})
	}
	if len(needSeqs) > 0 {
		sts = append(sts, stmt{sql: t.s.q.prefetchSequences, args: []any{needSeqs}, rows: keyedDocs(func(rows pgx.Rows) (string, error) {
			var name string
			var v int64
			if err := rows.Scan(&name, &v); err != nil {
				return "", err
			}
			seqs[name] = v
			return name, nil
		})})
	}
	if err := t.send("Prefetch", sts...); err != nil {
		return err
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

// keyedDocs returns a rows callback that calls scan for each row.
func keyedDocs(scan func(pgx.Rows) (string, error)) func(pgx.Rows) error {
	return func(rows pgx.Rows) error {
		for rows.Next() {
			if _, err := scan(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	}
}
