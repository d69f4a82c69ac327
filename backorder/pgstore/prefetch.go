package pgstore

import (
	"bytes"
	"cmp"
	"slices"
	"strings"

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
	// bookDocs holds the waiting entries' documents, decoded once every
	// row is in: a book longer than Prefetch keeps is read again by Book,
	// so its entries are never decoded here.
	bookDocs := make(map[string][][]byte)
	inbounds := make(map[string][]inboundRow)
	gotLines := make(map[uuid.UUID]backorder.Line)
	seqs := make(map[string]int64)
	var cmd backorder.Command
	cmdFound := false
	orders := make(map[uuid.UUID]backorder.Order)
	orderLines := make(map[uuid.UUID][]orderLineRow)
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
	// The scan targets are shared by every row (declared in the callback,
	// each escaped to the heap once per row). doc refers to the driver's
	// memory, valid until the next row: every use below copies what it
	// keeps (decoding, string(doc)).
	var (
		kind int32
		key  string
		doc  pgtype.DriverBytes
		raw  []byte
		nums [5]pgtype.Int8
		at   pgtype.Timestamptz
	)
	dest := []any{&kind, &key, &doc, &raw, &nums[0], &nums[1], &nums[2], &nums[3], &nums[4], &at}
	read := eachRow(func(rows pgx.Rows) error {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		num := func(i int) int64 { return nums[i].Int64 } // 0 for NULL
		switch kind {
		case prefetchItem:
			it, err := t.s.items.decode(doc)
			if err != nil {
				return err
			}
			items[key] = it
		case prefetchPosition:
			pos[key] = append(pos[key], backorder.StockPosition{SKU: key, Location: string(doc),
				OnHand: num(0), Allocated: num(1), Received: num(2), Adjusted: num(3), Shipped: num(4)})
		case prefetchBook:
			bookDocs[key] = append(bookDocs[key], slices.Clone([]byte(doc)))
		case prefetchInbound:
			var in backorder.Inbound
			if err := decodeDoc("inbound", doc, &in); err != nil {
				return err
			}
			inbounds[key] = append(inbounds[key], inboundRow{expected: at, in: in})
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
			orderLines[id] = append(orderLines[id], orderLineRow{pos: num(0), l: l})
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
	for sku, ds := range bookDocs {
		if len(ds) > bookPrefetch {
			continue // too long to keep: Book reads it
		}
		es := make([]backorder.BookEntry, len(ds))
		for i, d := range ds {
			if err := decodeDoc("book entry", d, &es[i]); err != nil {
				t.err = wrapErr("Prefetch", err)
				return t.err
			}
		}
		books[sku] = es
	}
	sortPrefetched(pos, books, inbounds, orders, orderLines, locs)

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
		if len(bookDocs[s]) <= bookPrefetch {
			t.cacheBook(s, books[s])
		}
		if t.inbounds == nil {
			t.inbounds = make(map[string][]backorder.Inbound)
		}
		var ins []backorder.Inbound
		for _, r := range inbounds[s] {
			ins = append(ins, r.in)
		}
		t.inbounds[s] = ins
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

// inboundRow is an inbound line read by Prefetch, with its expected
// column: the order of a SKU's lines is the column's (microseconds, NULL
// first), then their ids.
type inboundRow struct {
	expected pgtype.Timestamptz
	in       backorder.Inbound
}

// orderLineRow is an order's line read by Prefetch, with its place.
type orderLineRow struct {
	pos int64
	l   backorder.Line
}

// sortPrefetched puts what Prefetch read in the order the one-by-one
// reads give, which the prefetch statement leaves to it: positions by
// location, book entries by seq then line id, inbound lines by expected
// date (NULL first) then id, an order's lines by pos (ties keep the order
// they came in, as the server's sort leaves them in no given order), and
// locations by rank then id. Text keys are in the "C" collation, which is
// byte order; UUIDs compare as bytes, as PostgreSQL's do.
func sortPrefetched(pos map[string][]backorder.StockPosition, books map[string][]backorder.BookEntry,
	inbounds map[string][]inboundRow, orders map[uuid.UUID]backorder.Order,
	orderLines map[uuid.UUID][]orderLineRow, locs []backorder.Location) {
	for _, ps := range pos {
		slices.SortFunc(ps, func(a, b backorder.StockPosition) int { return strings.Compare(a.Location, b.Location) })
	}
	for _, es := range books {
		slices.SortFunc(es, func(a, b backorder.BookEntry) int {
			if c := cmp.Compare(a.Seq, b.Seq); c != 0 {
				return c
			}
			return bytes.Compare(a.LineID[:], b.LineID[:])
		})
	}
	for _, rs := range inbounds {
		slices.SortFunc(rs, func(a, b inboundRow) int {
			switch {
			case a.expected.Valid != b.expected.Valid:
				if !a.expected.Valid {
					return -1 // NULLS FIRST
				}
				return 1
			case a.expected.Valid:
				if c := a.expected.Time.Compare(b.expected.Time); c != 0 {
					return c
				}
			}
			return strings.Compare(a.in.ID, b.in.ID)
		})
	}
	for id, rs := range orderLines {
		o, ok := orders[id]
		if !ok {
			continue // no such order: Prefetch drops its lines
		}
		slices.SortStableFunc(rs, func(a, b orderLineRow) int { return cmp.Compare(a.pos, b.pos) })
		o.Lines = make([]backorder.Line, len(rs))
		for i, r := range rs {
			o.Lines[i] = r.l
		}
		orders[id] = o
	}
	slices.SortFunc(locs, func(a, b backorder.Location) int {
		if c := cmp.Compare(a.Rank, b.Rank); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
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
