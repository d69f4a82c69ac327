package memstore

import (
	"encoding/binary"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

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
	var log []undoer
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
	var log []undoer
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
// with their quantities in the box's room and beyond it, and reads each
// back exactly; a rewrite that keeps the rare fields keeps their box.
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
	lines := []backorder.Line{full, plain, two, noCommit, {}}
	var names interner
	for _, l := range lines {
		var b lineBox
		b.set(&l, &names)
		require.Equal(t, len(l.Allocations)+len(l.Committed), b.size())
		require.Equal(t, len(l.Allocations)+len(l.Committed) > 2, b.spill != nil, "spills only what does not fit")
		require.Equal(t, openQty(&l), b.open())
		var got backorder.Line
		rest := b.get(&got, &names, make([]backorder.LocQty, 0, b.size()))
		require.Equal(t, l, got)
		require.Equal(t, l.Allocations == nil, got.Allocations == nil)
		require.Equal(t, l.Committed == nil, got.Committed == nil)
		require.Len(t, rest, b.size(), "the values are carved from the buffer given")
	}
	// A full interner: the SKU and locations it cannot number spill, and
	// the line still reads back exactly.
	small := interner{maxNames: 1}
	for _, l := range lines {
		var b lineBox
		b.set(&l, &small)
		var got backorder.Line
		b.get(&got, &small, nil)
		require.Equal(t, l, got)
		require.Equal(t, openQty(&l), b.open())
	}
	// Written again over itself, a box keeps or renumbers its SKU.
	var b lineBox
	b.set(&full, &names)
	rare := b.rare
	require.NotNil(t, rare)
	again := full
	again.Shipped++
	b.set(&again, &names)
	require.Same(t, rare, b.rare)
	again.CancelReason = "other"
	again.SKU = "renamed"
	b.set(&again, &names)
	require.NotSame(t, rare, b.rare)
	require.Equal(t, "why", rare.cancelReason, "a stored rare box is never modified")
	var got backorder.Line
	b.get(&got, &names, nil)
	require.Equal(t, again, got)
	b.set(&plain, &names)
	require.Nil(t, b.rare)
}

// TestLineBoxPointers pins what the garbage collector scans in a stored
// line: its price and two pointers that are nil for most lines, nothing
// else.
func TestLineBoxPointers(t *testing.T) {
	typ := reflect.TypeFor[lineBox]()
	var withPointers []string
	for i := range typ.NumField() {
		if hasPointers(typ.Field(i).Type) {
			withPointers = append(withPointers, typ.Field(i).Name)
		}
	}
	require.Equal(t, []string{"price", "rare", "spill"}, withPointers)
}

// TestIDMapMatchesMap runs random sets, gets and deletes on an idMap and
// on a Go map, its oracle, with random ids and ids that differ only in a
// counter (as a host's sequential ids do), through many splits of its
// buckets and of its directory, and with tombstones reused and cleared.
func TestIDMapMatchesMap(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	for _, sequential := range []bool{false, true} {
		m := newIDMap()
		want := map[uuid.UUID]*lineRow{}
		var ids []uuid.UUID
		next := uint64(0)
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
				p := new(lineRow)
				m.set(id, p)
				want[id] = p
				ids = append(ids, id)
			case op < 7:
				id := ids[r.IntN(len(ids))]
				p := new(lineRow)
				m.set(id, p) // over a live or a deleted key
				want[id] = p
			case op < 9:
				id := ids[r.IntN(len(ids))]
				m.del(id)
				delete(want, id)
			default:
				id := newID() // never set
				require.Nil(t, m.get(id))
			}
			if step%5000 == 0 || step == 59999 {
				require.Equal(t, len(want), m.length)
				for _, id := range ids {
					require.Same(t, want[id], m.get(id), "step %d", step)
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
	oracle := newSeqIndex(func(e *backorder.BookEntry, dst []pair) []pair {
		held(e, func(loc string) { dst = append(dst, pair{e.SKU, loc}) })
		return dst
	})
	ix := newHolderIndex()
	entry := func(id uuid.UUID) *backorder.BookEntry {
		e := &backorder.BookEntry{SKU: skus[r.IntN(len(skus))], LineID: id, Seq: r.Int64N(50)}
		for _, loc := range locs {
			if r.IntN(3) == 0 {
				e.Allocations = append(e.Allocations, backorder.LocQty{Location: loc, Qty: r.Int64N(3)})
			}
		}
		return e
	}
	stored := map[uuid.UUID]*backorder.BookEntry{}
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
			if e := stored[id]; e != nil {
				ix.remove(e)
				oracle.remove(e)
				stored[id] = nil
			}
		case op == 2:
			id := ids[r.IntN(len(ids))]
			if old := stored[id]; old != nil {
				e := entry(id)
				ix.replace(old, e)
				oracle.replace(old, e)
				stored[id] = e
			}
		default:
			// Written in place: the indexes hold the entry already.
			id := ids[r.IntN(len(ids))]
			if e := stored[id]; e != nil {
				old := *e
				old.Allocations = slices.Clone(e.Allocations)
				*e = *entry(id)
				ix.update(&old, e)
				oracle.remove(&old)
				oracle.add(e)
			}
		}
		for _, sku := range skus {
			for _, loc := range locs {
				require.Equal(t, oracle.group(pair{sku, loc}), ix.group(sku, loc), "step %d %s %s", step, sku, loc)
			}
		}
	}
}

// TestIDMapReusesTombstones deletes what it inserts, so that tombstones
// fill a bucket: it is rehashed in place, never split.
func TestIDMapReusesTombstones(t *testing.T) {
	m := newIDMap()
	keep := uuid.New()
	p := new(lineRow)
	m.set(keep, p)
	for i := range 20 * idBucketSlots {
		id := uuid.UUID{0: byte(i), 1: byte(i >> 8), 2: 1}
		m.set(id, new(lineRow))
		m.del(id)
		m.del(id) // twice: the second finds nothing
	}
	require.Zero(t, m.depth, "no split")
	require.Equal(t, 1, m.length)
	require.Same(t, p, m.get(keep))
	require.Less(t, m.dir[0].used, idBucketLoad)
}
