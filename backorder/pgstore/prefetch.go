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
	var cmd backorder.Command
	cmdFound := false
	orders := make(map[uuid.UUID]backorder.Order)
	var locs []backorder.Location
	var cmdArg *string
	if needCmd != "" {
		cmdArg = &needCmd
	}
	if needSKUs == nil {
		needSKUs = []string{} // an empty array, not NULL
	}
	if needLines == nil {
		needLines = []pgtype.UUID{}
	}
	if needSeqs == nil {
		needSeqs = []string{}
	}
	if needOrders == nil {
		needOrders = []pgtype.UUID{}
	}
	read := eachRow(func(rows pgx.Rows) error {
		var (
			kind int32
			key  string
			doc  []byte
			raw  []byte
			nums [5]pgtype.Int8
			at   pgtype.Timestamptz
		)
		if err := rows.Scan(&kind, &key, &doc, &raw, &nums[0], &nums[1], &nums[2], &nums[3], &nums[4], &at); err != nil {
			return err
		}
		num := func(i int) int64 { return nums[i].Int64 } // 0 for NULL
		switch kind {
		case prefetchItem:
			var it backorder.Item
			if err := decodeDoc("item", doc, &it); err != nil {
				return err
			}
			items[key] = it
		case prefetchPosition:
			pos[key] = append(pos[key], backorder.StockPosition{SKU: key, Location: string(doc),
				OnHand: num(0), Allocated: num(1), Received: num(2), Adjusted: num(3), Shipped: num(4)})
		case prefetchBook:
			var e backorder.BookEntry
			if err := decodeDoc("book entry", doc, &e); err != nil {
				return err
			}
			books[key] = append(books[key], e)
		case prefetchInbound:
			var in backorder.Inbound
			if err := decodeDoc("inbound", doc, &in); err != nil {
				return err
			}
			inbounds[key] = append(inbounds[key], in)
		case prefetchLine:
			var l backorder.Line
			if err := decodeDoc("line", doc, &l); err != nil {
				return err
			}
			gotLines[l.ID] = l
		case prefetchSequence:
			seqs[key] = num(0)
		case prefetchCommand:
			cmd = backorder.Command{Key: needCmd, Result: raw, At: tsVal(at)}
			cmdFound = true
		case prefetchOrder:
			var o backorder.Order
			if err := decodeDoc("order", doc, &o); err != nil {
				return err
			}
			o.Lines = orders[o.ID].Lines // lines come after their orders, but keep any
			orders[o.ID] = o
		case prefetchOrderLine:
			var l backorder.Line
			if err := decodeDoc("line", doc, &l); err != nil {
				return err
			}
			id, err := uuid.Parse(key)
			if err != nil {
				return err
			}
			o := orders[id]
			o.Lines = append(o.Lines, l)
			orders[id] = o
		case prefetchLocation:
			locs = append(locs, backorder.Location{ID: key, Name: string(doc), Rank: int(num(0))})
		}
		return nil
	})
	sts := []stmt{{sql: t.s.q.prefetch, rows: read, args: []any{needSKUs, int64(bookPrefetch + 1),
		needLines, needSeqs, cmdArg, needOrders, needLocs}}}
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

// The kinds of the prefetch statement's rows.
const (
	prefetchItem int32 = iota + 1
	prefetchPosition
	prefetchBook
	prefetchInbound
	prefetchLine
	prefetchSequence
	prefetchCommand
	prefetchOrder
	prefetchOrderLine
	prefetchLocation
)

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
