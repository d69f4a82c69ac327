package memstore

import (
	"context"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"
	"unsafe"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/backorderkit/backorderkit/backorder"
)

// TestTypeCodes checks that every code typeCode gives names its type in
// eventTypes, and that other types have none.
func TestTypeCodes(t *testing.T) {
	for i, typ := range eventTypes {
		require.Equal(t, uint8(i+1), typeCode(typ), typ)
	}
	require.Zero(t, typeCode("something_else"))
	require.Zero(t, typeCode(""))
}

// TestStoredEventRoundTrip stores events of every shape the compact form
// distinguishes, in runs that share or change their time and command, and
// reads them back exactly, from every starting point; a rolled-back append
// leaves the log as it was.
func TestStoredEventRoundTrip(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	later := time.Now() // with a monotonic reading, kept as given
	line, ship, inv := uuid.New(), uuid.New(), uuid.New()
	evs := []backorder.Event{
		{Type: backorder.OrderPlaced, At: at, Command: "order/1", OrderID: line, Customer: "ACME", Qty: 50},
		{Type: backorder.LineAllocated, At: at, Command: "order/1", OrderID: line, LineID: line, SKU: "A", Location: "AMS", Qty: 5},
		{Type: backorder.ShipmentCreated, At: at, Command: "ship/1", OrderID: line, ShipmentID: ship, Location: "AMS", Qty: 5},
		{Type: backorder.ShipmentReturned, At: later, Command: "ship/1", OrderID: line, ShipmentID: ship, LineID: line, SKU: "A", Qty: 1, Reason: "r"},
		{Type: "host_defined", At: later, Command: "x", Customer: "C", SKU: "B", InvoiceID: inv, Number: "INV-1", From: 1, To: 2,
			OldDate: at, NewDate: at.Add(time.Hour), InboundID: "IN-1"},
		{Type: backorder.PromiseChanged, At: later, Command: "x", OldDate: time.Time{}.In(time.UTC)},
		{},
	}
	var log undoLog
	l := eventLog{log: &log, names: new(interner)}
	for _, chunk := range [][]backorder.Event{evs[:2], evs[2:3], evs[3:]} {
		in := append([]backorder.Event(nil), chunk...)
		require.NoError(t, l.append(in))
	}
	l.forget()
	want := append([]backorder.Event(nil), evs...)
	for i := range want {
		want[i].Seq = uint64(i + 1)
	}
	for after := range len(want) + 1 {
		got := l.read(uint64(after), 100)
		if after == len(want) {
			require.Empty(t, got)
			continue
		}
		require.Equal(t, want[after:], got, "after %d", after)
	}
	require.Equal(t, want[2:4], l.read(2, 2))

	// A rolled-back append is forgotten, batches and all.
	require.NoError(t, l.append([]backorder.Event{{Type: backorder.OrderCompleted, At: at.Add(time.Minute), Command: "y",
		Reason: "with rare fields", SKU: "new-sku"}}))
	l.undoLast()
	require.Len(t, l.rare, 3, "the rolled-back event's rare fields are gone")
	require.Equal(t, want, l.read(0, 100))
	require.Equal(t, 7, l.n)
}

// TestEventBatchesAcrossChunks reads events whose runs span several chunks
// of batches and of events.
func TestEventBatchesAcrossChunks(t *testing.T) {
	var log undoLog
	l := eventLog{log: &log, names: new(interner)}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var want []backorder.Event
	for i := range 3 * eventChunk {
		// Runs of one, two and three events.
		evs := make([]backorder.Event, 1+i%3)
		for j := range evs {
			evs[j] = backorder.Event{Type: backorder.LineAllocated, At: at.Add(time.Duration(i) * time.Second), Command: "c", Qty: int64(j)}
		}
		require.NoError(t, l.append(evs))
		want = append(want, evs...)
	}
	l.forget()
	for _, after := range []int{0, 1, eventChunk - 1, eventChunk, 2*eventChunk + 7, len(want) - 1} {
		got := l.read(uint64(after), 3*eventChunk)
		require.Equal(t, want[after:min(len(want), after+3*eventChunk)], got, "after %d", after)
	}
}

// TestLineBoxRoundTrip stores lines with and without their rare fields,
// with their quantities in the box's room and beyond it, with prices the
// interner numbers and prices it keeps as given, and reads each back
// exactly; a rewrite that needs the same ext keeps it.
func TestLineBoxRoundTrip(t *testing.T) {
	d := func(s string) decimal.Decimal { return decimal.RequireFromString(s) }
	full := backorder.Line{ID: uuid.New(), OrderID: uuid.New(), SKU: "A", Qty: 9, UnitPrice: d("1.50"),
		DiscountPercent: d("12.5"), DiscountAmount: decimal.Zero, TaxPercent: d("21"), TaxCategory: "S",
		PreferredLocation: "AMS", MinAllocation: 2, Protection: backorder.ProtectKeep, ShipPolicy: backorder.LineComplete,
		ShipGroup: "g", Seq: 4, Allocations: []backorder.LocQty{{Location: "AMS", Qty: 2}, {Location: "RTM", Qty: 1}},
		Committed: []backorder.LocQty{{Location: "AMS", Qty: 1}}, Shipped: 1, Cancelled: 3, Backordered: 2, Rejected: 1,
		CancelReason: "why"}
	plain := backorder.Line{ID: uuid.New(), SKU: "B", Qty: 5, UnitPrice: d("2"), Allocations: []backorder.LocQty{}, Backordered: 5}
	two := plain
	two.Allocations = []backorder.LocQty{{Location: "AMS", Qty: 1}}
	two.Committed = []backorder.LocQty{{Location: "AMS", Qty: 1}}
	noCommit := plain
	noCommit.Allocations = []backorder.LocQty{{Location: "RTM", Qty: 2}, {Location: "AMS", Qty: 3}}
	noCommit.Committed = []backorder.LocQty{}
	samePrice := plain // another decimal of the same value: numbered alike
	samePrice.UnitPrice = d("2")
	free := plain // a zero coefficient: kept as given
	free.UnitPrice = decimal.Zero
	freeToo := plain
	freeToo.UnitPrice = d("1").Sub(d("1"))
	huge := plain // a coefficient beyond int64: kept as given
	huge.UnitPrice = d("123456789012345678901234.5")
	negative := plain
	negative.UnitPrice = d("-0.07")
	lines := []backorder.Line{full, plain, two, noCommit, samePrice, free, freeToo, huge, negative, {}}
	var names interner
	for i, l := range lines {
		var b lineBox
		x := b.set(&l, &names, nil)
		require.Equal(t, len(l.Allocations)+len(l.Committed), b.size(x))
		require.Equal(t, len(l.Allocations)+len(l.Committed) > 2, x != nil && x.spill, "spills only what does not fit")
		require.Equal(t, hasRare(&l), x != nil && x.hasRare)
		require.Equal(t, openQty(&l), b.open())
		var got backorder.Line
		rest := b.get(&got, x, &names, make([]backorder.LocQty, 0, b.size(x)))
		require.Equal(t, l, got, "line %d", i)
		require.Equal(t, l.Allocations == nil, got.Allocations == nil)
		require.Equal(t, l.Committed == nil, got.Committed == nil)
		require.Len(t, rest, b.size(x), "the values are carved from the buffer given")
	}
	require.Len(t, names.prices, 4, "the zero Decimal, 1.50, 2 and -0.07")
	// A full interner: the SKU, locations and prices it cannot number go
	// to the ext, and the line still reads back exactly.
	small := interner{maxNames: 1}
	for i, l := range lines {
		var b lineBox
		x := b.set(&l, &small, nil)
		var got backorder.Line
		b.get(&got, x, &small, nil)
		require.Equal(t, l, got, "line %d", i)
		require.Equal(t, openQty(&l), b.open())
	}
	// Written again over itself, a box keeps an ext that holds what the
	// line needs, and numbers its SKU anew when it changes.
	var b lineBox
	x := b.set(&full, &names, nil)
	require.NotNil(t, x)
	again := full
	again.Shipped++
	require.Same(t, x, b.set(&again, &names, x))
	again.CancelReason = "other"
	again.SKU = "renamed"
	y := b.set(&again, &names, x)
	require.NotSame(t, x, y)
	require.Equal(t, "why", x.rare.cancelReason, "a stored ext is never modified")
	var got backorder.Line
	b.get(&got, y, &names, nil)
	require.Equal(t, again, got)
	require.Nil(t, b.set(&plain, &names, y))
}

// TestLineBoxPointers pins that the garbage collector has nothing to scan
// in a stored line's box, nor in the block of an order's open lines, nor
// in a bucket of the map of line ids.
func TestLineBoxPointers(t *testing.T) {
	require.False(t, hasPointers(reflect.TypeFor[lineBox]()))
	require.False(t, hasPointers(reflect.TypeFor[openLineBox]()))
	require.False(t, hasPointers(reflect.TypeFor[idBucket]()))
}

// TestIDMapMatchesMap runs random sets, gets and deletes on an idMap and
// on a Go map, its oracle, with random ids and ids that differ only in a
// counter (as a host's sequential ids do), through many splits of its
// buckets and of its directory, and with tombstones reused and cleared.
func TestIDMapMatchesMap(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	for _, sequential := range []bool{false, true} {
		m := newIDMap()
		want := map[uuid.UUID]uint64{}
		var ids []uuid.UUID
		next, num := uint64(0), uint64(0)
		newID := func() uuid.UUID {
			var id uuid.UUID
			if sequential {
				next++
				binary.BigEndian.PutUint64(id[8:], next)
				id[6] = 0x40
				return id
			}
			binary.LittleEndian.PutUint64(id[:8], r.Uint64())
			binary.LittleEndian.PutUint64(id[8:], r.Uint64())
			return id
		}
		for step := range 60000 {
			switch op := r.IntN(10); {
			case op < 5 || len(ids) == 0:
				id := newID()
				num++
				m.set(id, num)
				want[id] = num
				ids = append(ids, id)
			case op < 7:
				id := ids[r.IntN(len(ids))]
				num++
				m.set(id, num) // over a live or a deleted key
				want[id] = num
			case op < 9:
				id := ids[r.IntN(len(ids))]
				require.Equal(t, want[id], m.del(id), "del returns the number deleted, or idEmpty")
				delete(want, id)
			default:
				id := newID() // never set
				require.Equal(t, uint64(idEmpty), m.get(id))
			}
			if step%5000 == 0 || step == 59999 {
				require.Equal(t, len(want), m.length)
				for _, id := range ids {
					require.Equal(t, want[id], m.get(id), "step %d", step)
				}
			}
		}
		require.Greater(t, m.depth, uint(3), "the directory grew")
	}
}

// TestHolderIndexMatchesSeqIndex runs random adds, removes, replaces and
// in-place updates of book entries on a holderIndex and on a seqIndex
// keyed by (SKU, location), its oracle, and compares every group.
func TestHolderIndexMatchesSeqIndex(t *testing.T) {
	type pair struct{ sku, loc string }
	r := rand.New(rand.NewPCG(13, 17))
	skus, locs := []string{"A", "B", "C"}, []string{"AMS", "BER", "CPH", "DUB"}
	var names interner
	// The oracle's keys come from the entry as a reader gets it, by the
	// rule itself: each location with a Qty > 0, a location listed twice
	// in a row once.
	oracle := newSeqIndex(func(ref entryRef, dst []pair) []pair {
		var e backorder.BookEntry
		ref.get(&e, &names, nil)
		for i, a := range e.Allocations {
			if a.Qty > 0 && (i == 0 || a.Location != e.Allocations[i-1].Location) {
				dst = append(dst, pair{e.SKU, a.Location})
			}
		}
		return dst
	})
	ix := newHolderIndex(&names)
	// Entries with up to two allocations are kept in the box, more
	// spill.
	entry := func(id uuid.UUID) entryRef {
		e := &backorder.BookEntry{SKU: skus[r.IntN(len(skus))], LineID: id, Seq: r.Int64N(50)}
		for _, loc := range locs {
			if r.IntN(3) == 0 {
				e.Allocations = append(e.Allocations, backorder.LocQty{Location: loc, Qty: r.Int64N(3)})
			}
		}
		return newEntryRef(e, &names)
	}
	stored := map[uuid.UUID]entryRef{}
	var ids []uuid.UUID
	for step := range 5000 {
		switch op := r.IntN(4); {
		case op == 0 || len(ids) == 0:
			id := uuid.UUID{0: byte(step), 1: byte(step >> 8)}
			e := entry(id)
			ix.add(e)
			oracle.add(e)
			stored[id] = e
			ids = append(ids, id)
		case op == 1:
			id := ids[r.IntN(len(ids))]
			if e := stored[id]; e.b != nil {
				ix.remove(e)
				oracle.remove(e)
				stored[id] = entryRef{}
			}
		case op == 2:
			id := ids[r.IntN(len(ids))]
			if old := stored[id]; old.b != nil {
				e := entry(id)
				ix.replace(old, e)
				oracle.replace(old, e)
				stored[id] = e
			}
		default:
			// Written in place, as lineTable.write does: the indexes
			// hold the entry already, and are told of it as
			// entryIndex.rewritten tells them.
			id := ids[r.IntN(len(ids))]
			if e := stored[id]; e.b != nil {
				snap := *e.b
				old := entryRef{b: &snap, sp: e.sp}
				n := entry(id)
				*e.b = *n.b
				e.sp = n.sp
				if old.sp != e.sp {
					ix.replace(old, e)
				} else {
					ix.update(old, e)
				}
				oracle.remove(old)
				oracle.add(e)
				stored[id] = e
			}
		}
		for _, sku := range skus {
			for _, loc := range locs {
				var want []holderItem
				for _, it := range oracle.group(pair{sku, loc}) {
					want = append(want, holderItem{seq: it.seq, line: it.e.b.lineID})
				}
				require.Equal(t, want, ix.group(sku, loc), "step %d %s %s", step, sku, loc)
			}
		}
	}
}

// TestAppendDoubling appends 5,000 items: they are all there in order,
// and the group was reallocated each time it doubled, a dozen times, not
// the thirty-odd times append's quarter steps take.
func TestAppendDoubling(t *testing.T) {
	var s []holderItem
	grown := 0
	for i := range 5000 {
		before := cap(s)
		s = appendDoubling(s, holderItem{seq: int64(i)})
		if cap(s) != before {
			grown++
			require.GreaterOrEqual(t, cap(s), 2*before, "doubles")
		}
	}
	require.Len(t, s, 5000)
	for i := range s {
		require.Equal(t, int64(i), s[i].seq)
	}
	require.LessOrEqual(t, grown, 12)
}

// TestHoldersFindEntriesThroughRows stores a line with book entries under
// two SKUs, both holding stock at AMS, and one entry of another line under
// the second SKU; Holders finds each entry through its row, in Seq order,
// and reads an index out of step with the rows as an error, not as a
// missing entry.
func TestHoldersFindEntriesThroughRows(t *testing.T) {
	ctx := context.Background()
	s := New()
	line, other := uuid.New(), uuid.New()
	ams := []backorder.LocQty{{Location: "AMS", Qty: 2}}
	entries := []backorder.BookEntry{
		{SKU: "A", LineID: line, Customer: "C", Seq: 3, Backordered: 1, Allocations: ams},
		{SKU: "B", LineID: line, Customer: "C", Seq: 9, Backordered: 1, Allocations: ams},
		{SKU: "B", LineID: other, Customer: "D", Seq: 4, Backordered: 1, Allocations: ams},
	}
	require.NoError(t, s.Update(ctx, func(tx backorder.Tx) error {
		for _, e := range entries {
			if err := tx.PutBookEntry(e); err != nil {
				return err
			}
		}
		return nil
	}))
	holders := func(sku string) ([]backorder.BookEntry, error) {
		var hs []backorder.BookEntry
		err := s.View(ctx, func(tx backorder.Tx) error {
			var err error
			hs, err = tx.Holders(sku, "AMS")
			return err
		})
		return hs, err
	}
	a, err := holders("A")
	require.NoError(t, err)
	require.Equal(t, entries[:1], a)
	b, err := holders("B")
	require.NoError(t, err)
	require.Equal(t, []backorder.BookEntry{entries[2], entries[1]}, b, "in Seq order, one of them under the line's second SKU")

	// An item whose line has no entry under the SKU: never, unless the
	// index and the rows fall out of step.
	g := s.holders.groupOf("A", "AMS", false)
	g.items = append(g.items, holderItem{seq: 99, line: uuid.New()})
	_, err = holders("A")
	require.ErrorContains(t, err, "has no entry")
}

// TestIDMapTagCollisions stores ids that share their bucket, their first
// slot and their tag, so that only their keys tell them apart: each reads
// back its own number, deleting one leaves the others, and an id never
// stored that shares all three with them is not found.
func TestIDMapTagCollisions(t *testing.T) {
	m := newIDMap()
	r := rand.New(rand.NewPCG(7, 11))
	type home struct {
		slot uint64
		tag  uint8
	}
	seen := map[home][]uuid.UUID{}
	var same []uuid.UUID
	for len(same) < 4 {
		var id uuid.UUID
		binary.LittleEndian.PutUint64(id[:8], r.Uint64())
		binary.LittleEndian.PutUint64(id[8:], r.Uint64())
		h := m.hash(id)
		k := home{h % idBucketSlots, idTag(h)}
		seen[k] = append(seen[k], id)
		if len(seen[k]) > len(same) {
			same = seen[k]
		}
	}
	for i, id := range same[:3] {
		m.set(id, uint64(i)+1)
	}
	for i, id := range same[:3] {
		require.Equal(t, uint64(i)+1, m.get(id))
	}
	require.Equal(t, uint64(idEmpty), m.get(same[3]), "never stored")
	require.Equal(t, uint64(2), m.del(same[1]))
	require.Equal(t, uint64(idEmpty), m.get(same[1]))
	require.Equal(t, uint64(1), m.get(same[0]))
	require.Equal(t, uint64(3), m.get(same[2]), "found past the tombstone")
	m.set(same[3], 4) // into the tombstone
	require.Equal(t, uint64(4), m.get(same[3]))
	require.Equal(t, 3, m.length)
	require.Equal(t, 3, m.dir[0].used, "the tombstone was reused")
}

// TestIDMapReusesTombstones deletes what it inserts, so that tombstones
// fill a bucket: it is rehashed in place, never split.
func TestIDMapReusesTombstones(t *testing.T) {
	m := newIDMap()
	keep := uuid.New()
	m.set(keep, 1)
	for i := range 20 * idBucketSlots {
		id := uuid.UUID{0: byte(i), 1: byte(i >> 8), 2: 1}
		m.set(id, uint64(i)+2)
		require.Equal(t, uint64(i)+2, m.del(id))
		require.Equal(t, uint64(idEmpty), m.del(id), "twice: the second finds nothing")
	}
	require.Zero(t, m.depth, "no split")
	require.Equal(t, 1, m.length)
	require.Equal(t, uint64(1), m.get(keep))
	require.Less(t, m.dir[0].used, idBucketLoad)
}

// TestEntryBoxRoundTrip stores book entries with every field set, with
// their quantities in the box's room and beyond it, with times in UTC,
// local time, other zones and with monotonic readings, and reads each
// back exactly, into a destination that held another entry; with a full
// interner, the strings spill and still read back.
func TestEntryBoxRoundTrip(t *testing.T) {
	zone := time.FixedZone("X", 5400)
	full := backorder.BookEntry{SKU: "A", LineID: uuid.New(), OrderID: uuid.New(), Customer: "ACME", Priority: -3,
		Placed: time.Date(2026, 1, 2, 3, 4, 5, 6, time.Local), Seq: 9, Backordered: 4,
		Allocations:   []backorder.LocQty{{Location: "AMS", Qty: 2}},
		Committed:     []backorder.LocQty{{Location: "AMS", Qty: 1}},
		MinAllocation: 2, Protection: backorder.ProtectWin, RequestedDate: time.Date(2026, 3, 4, 5, 6, 7, 8, time.UTC),
		Promise: backorder.PromiseDate{Kind: backorder.PromiseEstimated, Ready: time.Unix(-1e12, 999999999).UTC(),
			Delivery: time.Time{}}}
	wide := full
	wide.Allocations = []backorder.LocQty{{Location: "AMS", Qty: 2}, {Location: "RTM", Qty: 0}, {Location: "UTR", Qty: 5}}
	wide.Committed = nil
	monotonic := full
	monotonic.Placed = time.Now()
	zoned := full
	zoned.Promise.Delivery = time.Time{}.In(zone)
	empty := backorder.BookEntry{SKU: "B", LineID: uuid.New(), Allocations: []backorder.LocQty{}, Committed: []backorder.LocQty{}}
	entries := []backorder.BookEntry{full, wide, monotonic, zoned, empty, {}}
	check := func(names *interner, wantSpill func(e *backorder.BookEntry) bool) {
		for i, e := range entries {
			r := newEntryRef(&e, names)
			require.Equal(t, len(e.Allocations)+len(e.Committed), r.size())
			require.Equal(t, wantSpill(&e), r.sp != nil, "entry %d", i)
			got := entries[(i+1)%len(entries)] // every field overwritten
			rest := r.get(&got, names, make([]backorder.LocQty, 0, r.size()))
			require.Equal(t, e, got, "entry %d", i)
			require.True(t, e.Placed == got.Placed && e.Promise == got.Promise && e.RequestedDate == got.RequestedDate,
				"entry %d: times are the same values", i)
			require.Equal(t, e.Allocations == nil, got.Allocations == nil)
			require.Equal(t, e.Committed == nil, got.Committed == nil)
			require.Len(t, rest, r.size(), "the values are carved from the buffer given")
			require.Equal(t, e.SKU, r.skuName(names))
			require.Equal(t, e.Customer, r.customerName(names))
			require.True(t, e.Placed == r.placed())
			require.Equal(t, len(e.Allocations), r.allocLen())
			for k, a := range e.Allocations {
				loc, qty := r.allocAt(k, names)
				require.Equal(t, a, backorder.LocQty{Location: loc, Qty: qty})
			}
		}
	}
	packed := func(e *backorder.BookEntry) bool {
		for _, tm := range []time.Time{e.Placed, e.RequestedDate, e.Promise.Ready, e.Promise.Delivery} {
			if _, ok := packTime(tm); !ok {
				return false
			}
		}
		return true
	}
	var names interner
	check(&names, func(e *backorder.BookEntry) bool { return len(e.Allocations)+len(e.Committed) > 2 || !packed(e) })
	small := interner{maxNames: 1}
	check(&small, func(e *backorder.BookEntry) bool {
		return e.SKU != "" || e.Customer != "" || e.Protection != "" || e.Promise.Kind != "" ||
			len(e.Allocations)+len(e.Committed) > 0 || !packed(e)
	})

	// Entries compare by their strings whether they spilled or not.
	a, b := newEntryRef(&full, &names), newEntryRef(&full, &small)
	require.True(t, sameSKU(a, b, &names) && sameCustomer(a, b, &names))
	require.True(t, sameEntryKeys(a, b, &names))
	c := full
	c.Allocations = []backorder.LocQty{{Location: "AMS", Qty: 0}}
	require.False(t, sameAllocKeys(a, newEntryRef(&c, &names), &names), "a location held, then not")
}

// TestPackTime packs the times a clock gives, and times at the edges of
// the span it keeps, and reads them back as the same values; it declines
// what it cannot keep: a monotonic reading, a zone other than UTC and the
// local one, a time outside the span (an entry keeps those in its spill).
func TestPackTime(t *testing.T) {
	first := time.Unix(boxEpoch+math.MinInt32, 0)
	last := time.Unix(boxEpoch+math.MaxInt32, 999999999)
	for _, tm := range []time.Time{{}, time.Unix(0, 0).UTC(), time.Unix(0, 0), time.Now().Round(0),
		time.Now().UTC().Round(0), time.Unix(boxEpoch, 0).UTC(), time.Unix(boxEpoch-1, 999999999),
		time.Date(2067, 12, 31, 23, 59, 59, 999999999, time.Local), time.Date(1932, 1, 1, 0, 0, 0, 1, time.UTC),
		time.Unix(boxEpoch-1, 1).UTC(), time.Unix(boxEpoch+1, 999999999),
		first, first.UTC(), last, last.UTC()} {
		bt, ok := packTime(tm)
		require.True(t, ok, "%v", tm)
		require.True(t, tm == bt.time(), "%v: got %v", tm, bt.time())
	}
	require.Equal(t, boxTime(0), func() boxTime { bt, _ := packTime(time.Time{}); return bt }(), "the zero Time is 0")
	for _, tm := range []time.Time{time.Now(), time.Now().In(time.FixedZone("X", 60)), time.Time{}.In(time.FixedZone("Y", 0)),
		first.Add(-time.Nanosecond), last.Add(time.Nanosecond).UTC(), time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.Local), time.Unix(math.MinInt64/2, 0).UTC(), time.Unix(math.MaxInt64/2, 5)} {
		_, ok := packTime(tm)
		require.False(t, ok, "%v", tm)
	}
}

// TestBoxSizes pins the sizes of the boxes an order's open lines are
// stored in: ten of them (a 10-line order's block) take 2,560 bytes, in
// Go's 2,688-byte size class, where 272-byte boxes took the 3,072 one.
func TestBoxSizes(t *testing.T) {
	require.Equal(t, uintptr(120), unsafe.Sizeof(lineBox{}))
	require.Equal(t, uintptr(136), unsafe.Sizeof(entryBox{}))
	require.Equal(t, uintptr(256), unsafe.Sizeof(openLineBox{}))
	require.Equal(t, uintptr(8), unsafe.Sizeof(boxTime(0)))
}

// TestEntryBoxPointers pins that the garbage collector has nothing to
// scan in a stored book entry's box.
func TestEntryBoxPointers(t *testing.T) {
	require.False(t, hasPointers(reflect.TypeFor[entryBox]()))
}

// FuzzEntryBoxRoundTrip stores book entries built from the fuzzer's
// values (times in UTC, local time, another zone, with a monotonic
// reading or the zero Time; up to four allocations and committed values;
// strings the interner numbers or, when it is full, spills) and checks
// each against the obvious oracle: what is read back is what was stored,
// and the box's comparisons agree with comparing the entries read back.
func FuzzEntryBoxRoundTrip(f *testing.F) {
	f.Add("A", "C", int64(1e9), int32(5), uint8(1), uint8(2), int64(7), uint8(3), uint8(1), false)
	f.Add("", "", int64(-62135596800), int32(0), uint8(0), uint8(4), int64(0), uint8(0), uint8(0), true)
	f.Add("SKU-1", "ACME", int64(1<<40), int32(999999999), uint8(2), uint8(3), int64(-1), uint8(5), uint8(7), false)
	zone := time.FixedZone("Z", -7200)
	mono := time.Now()
	f.Fuzz(func(t *testing.T, sku, customer string, sec int64, nsec int32, zoneA, zoneB uint8, qty int64, nq, locs uint8, full bool) {
		if nsec < 0 || nsec >= 1e9 {
			nsec = 0
		}
		mk := func(code uint8) time.Time {
			switch code % 5 {
			case 0:
				return time.Time{}
			case 1:
				return time.Unix(sec, int64(nsec)).UTC()
			case 2:
				return time.Unix(sec, int64(nsec))
			case 3:
				return time.Unix(sec, int64(nsec)).In(zone)
			}
			return mono
		}
		names := []string{"AMS", "RTM", "UTR", "BER"}
		var qs []backorder.LocQty
		for i := range int(nq % 5) {
			qs = append(qs, backorder.LocQty{Location: names[(int(locs)+i)%len(names)], Qty: qty + int64(i)})
		}
		split := 0
		if len(qs) > 0 {
			split = int(locs) % (len(qs) + 1)
		}
		e := backorder.BookEntry{SKU: sku, LineID: uuid.UUID{0: byte(qty)}, OrderID: uuid.UUID{1: byte(sec)}, Customer: customer,
			Priority: int32(qty), Placed: mk(zoneA), Seq: sec, Backordered: qty, Allocations: qs[:split:split],
			Committed: qs[split:], MinAllocation: -qty, Protection: backorder.Protection(customer),
			RequestedDate: mk(zoneB), Promise: backorder.PromiseDate{Kind: backorder.PromiseKind(sku), Ready: mk(zoneA + 1),
				Delivery: mk(zoneB + 3)}}
		if nq%2 == 0 {
			e.Allocations = nil
		}
		in := &interner{}
		if full {
			in.maxNames = 2
		}
		r := newEntryRef(&e, in)
		var got backorder.BookEntry
		r.get(&got, in, nil)
		require.Equal(t, e, got)
		require.True(t, e.Placed == got.Placed && e.RequestedDate == got.RequestedDate && e.Promise == got.Promise)
		require.Equal(t, e.SKU, r.skuName(in))
		require.Equal(t, e.Customer, r.customerName(in))
		require.True(t, e.Placed == r.placed())

		// The comparisons, against the same entry stored again and one
		// with a location emptied.
		again := newEntryRef(&e, in)
		require.True(t, sameEntryKeys(r, again, in))
		if len(e.Allocations) > 0 {
			c := e
			c.Allocations = slices.Clone(e.Allocations)
			c.Allocations[0].Qty = 0
			other := newEntryRef(&c, in)
			require.Equal(t, e.Allocations[0].Qty <= 0, sameAllocKeys(r, other, in), "the same keys only if it held nothing there")
		}
		var held, want []string
		r.held(in, func(loc string) { held = append(held, loc) })
		for i, a := range e.Allocations {
			if a.Qty > 0 && (i == 0 || a.Location != e.Allocations[i-1].Location) {
				want = append(want, a.Location)
			}
		}
		require.Equal(t, want, held)
	})
}

// FuzzLineBoxRoundTrip stores lines built from the fuzzer's values
// (prices of any coefficient and exponent, zero ones built two ways, up to
// four quantities, rare fields or none, a full interner) and checks that
// each reads back exactly, its price the same representation, and that
// writing the same line again keeps the box's ext.
func FuzzLineBoxRoundTrip(f *testing.F) {
	f.Add(int64(1250), int32(-2), "12.50", uint8(1), false, false, "A")
	f.Add(int64(0), int32(1), "0", uint8(0), true, true, "")
	f.Add(int64(-7), int32(30), "123456789012345678901234567890", uint8(4), false, true, "SKU-9")
	f.Fuzz(func(t *testing.T, coef int64, exp int32, text string, nq uint8, rare, full bool, sku string) {
		prices := []decimal.Decimal{decimal.New(coef, exp%40), {}, decimal.Zero}
		if d, err := decimal.NewFromString(text); err == nil {
			prices = append(prices, d, d.Sub(d))
		}
		in := &interner{}
		if full {
			in.maxNames = 3
		}
		for _, price := range prices {
			l := backorder.Line{ID: uuid.UUID{0: byte(coef)}, OrderID: uuid.UUID{1: byte(exp)}, SKU: sku, Qty: coef,
				UnitPrice: price, Seq: int64(exp), Shipped: 1, Backordered: coef % 7}
			for i := range int(nq % 5) {
				q := backorder.LocQty{Location: []string{"AMS", "RTM", "UTR"}[i%3], Qty: int64(i) + coef%3}
				if i%2 == 0 {
					l.Allocations = append(l.Allocations, q)
				} else {
					l.Committed = append(l.Committed, q)
				}
			}
			if rare {
				l.TaxPercent, l.TaxCategory, l.CancelReason = price, text, sku
			}
			var b lineBox
			x := b.set(&l, in, nil)
			var got backorder.Line
			b.get(&got, x, in, nil)
			require.Equal(t, l, got)
			require.Equal(t, openQty(&l), b.open())
			if x != nil {
				require.Same(t, x, b.set(&l, in, x), "the same line keeps its ext")
			}
		}
	})
}
