package memstore

import (
	"math"
	"slices"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/backorder"
)

// lineTable holds the lineRows by line id. Unlike a table, it keeps each
// row in a numbered slot (rowSlot) that the map of ids finds and a write
// changes in place, and it writes a stored line or book entry over the
// old one in the room the row already has (lineBox, entryBox), keeping
// the old value in the undo record:
//
//   - a write to a stored line or entry is one map lookup, where a row
//     stored as a map value cost a lookup and an assignment, and the
//     map's slots are a third of the size, so growing it moves less;
//   - shipping or confirming a line rewrote it into a new box (640 bytes)
//     every time, most of what a shipment allocated.
//
// What a row points to changes only through write and undoLast, which keep
// the indexes in step: an index sees the old value (a copy, when the write
// is in place) and the new one.
type lineTable struct {
	rows *idMap
	// indexes are kept in step with every row, and all are those and the
	// indexes that hold only rows with a waiting book entry (the books
	// and the customers' books; see indexesFor).
	indexes, all []rowIndex
	changes      []lineChange
	// lineSnaps and entrySnaps are the old contents of the boxes written
	// in place, in the order of the changes that wrote them (a box holds
	// no pointer into itself, so a plain copy is a copy of its own).
	lineSnaps  []lineBox
	entrySnaps []entryBox
	log        *undoLog
	id         uint8 // in log
	// tx numbers the transactions, to tell a row's home entry box that a
	// change of the running one refers to (lineRow.homeTx).
	tx uint64
	// chunks hold the rows, rowChunk to a chunk, by number (see slot),
	// each in its stored form (rowSlot): a row is carved from the last
	// chunk, as one allocation per line stored was a large part of
	// storing an order, and keeps its number for as long as the store
	// lives. n is the rows carved so far. A chunk holds the slots but for
	// their x, which xs holds: xs[c] is nil until a row of chunk c is
	// kept whole, so that the chunks of rows in the common form have no
	// pointer word (nil or not) for the collector to scan, or to count as
	// work to do, which lengthens each cycle's mark phase.
	chunks [][]rowCore
	xs     [][]*lineRow
	n      uint64
	// blocks are the blocks of open lines' boxes (openLineBox) stored,
	// by number less one: a row refers to its block by number (see
	// blockRef), so that a stored row holds no pointer. A block is
	// registered when it is stored and kept for as long as the store
	// lives, as its lines are.
	blocks [][]openLineBox
	// names numbers the SKUs, customers and locations of the stored lines
	// and entries (see lineBox and entryBox): the store's interner.
	names *interner
}

// lineChange is the state of one row before a write: its number, its old
// slot (the stored form: two words to write and to clear where the row
// has eight), whether it was stored at all, whether the write deleted it,
// and whether the write changed its line or its home entry in place (their
// old contents are then the last of lineSnaps and entrySnaps).
type lineChange struct {
	key                 uuid.UUID
	num                 uint64
	old                 rowSlot
	had, deleted        bool
	lineSnap, entrySnap bool
	// block says the change registered the last block, and nothing else.
	block bool
}

// blockRef is a box of a registered block: the block's number (0 for
// none) and the box's place in it.
type blockRef struct{ blk, i uint32 }

// addBlock registers b, a block of boxes about to be stored, and returns
// the reference of its first box, or none when the table has numbered
// all the blocks a uint32 numbers (the rows are then kept whole; never in
// practice).
func (t *lineTable) addBlock(b []openLineBox) blockRef {
	if len(t.blocks) >= math.MaxUint32 {
		return blockRef{}
	}
	t.blocks = append(t.blocks, b)
	t.changes = append(t.changes, lineChange{block: true})
	t.log.add(t.id)
	return blockRef{blk: uint32(len(t.blocks))}
}

// box returns the box ref refers to, which is not none.
func (t *lineTable) box(ref blockRef) *openLineBox { return &t.blocks[ref.blk-1][ref.i] }

// rowChunk is how many rows a chunk holds.
const rowChunk = 256

// rowSlot is a row as the table stores it. Nearly every row has one form:
// its line and its home in one box of a registered block (openLineBox),
// its entry, if any, in the home, and no ext, spill or entries under
// other SKUs. The slot then holds the box's reference (blockRef) and
// flags that say which of the three are in it: no pointer set where the
// row has six pointer words, three of them set. The garbage collector
// scans every stored row in every cycle, at some 6-9 ns a pointer that is
// set (measured: two more per row cost an order placed 3% more
// instructions). Any other row is kept whole behind x, never modified: a
// row written again as it was keeps it. The table keeps x apart from the
// rest (see lineTable.xs).
type rowSlot struct {
	ob     blockRef
	x      *lineRow
	homeTx uint64
	flags  uint8
}

// rowCore is a rowSlot but for its x: what a chunk of rows holds.
type rowCore struct {
	ob     blockRef
	homeTx uint64
	flags  uint8
}

// rowSlot flags: which of the row's boxes are in its box ob.
const (
	slotLine  = 1 << iota // line is &ob.line
	slotHome              // home is &ob.entry
	slotEntry             // entry.b is &ob.entry
)

// slot returns the slot of row num, which is not idEmpty.
func (t *lineTable) slot(num uint64) rowSlot {
	i := num - 1
	c, j := i/rowChunk, i%rowChunk
	core := &t.chunks[c][j]
	s := rowSlot{ob: core.ob, homeTx: core.homeTx, flags: core.flags}
	if xs := t.xs[c]; xs != nil {
		s.x = xs[j]
	}
	return s
}

// setSlot sets the slot of row num, which is not idEmpty, to s.
func (t *lineTable) setSlot(num uint64, s rowSlot) {
	i := num - 1
	c, j := i/rowChunk, i%rowChunk
	t.chunks[c][j] = rowCore{ob: s.ob, homeTx: s.homeTx, flags: s.flags}
	if s.x != nil && t.xs[c] == nil {
		t.xs[c] = make([]*lineRow, rowChunk)
	}
	if xs := t.xs[c]; xs != nil {
		xs[j] = s.x
	}
}

// load returns row num, which is not idEmpty.
func (t *lineTable) load(num uint64) lineRow {
	s := t.slot(num)
	return t.rowOf(&s)
}

// rowOf returns the row s stores.
func (t *lineTable) rowOf(s *rowSlot) lineRow {
	if s.x != nil {
		r := *s.x
		r.homeTx = s.homeTx
		return r
	}
	r := lineRow{ob: s.ob, homeTx: s.homeTx}
	if s.flags != 0 {
		ob := t.box(s.ob)
		if s.flags&slotLine != 0 {
			r.line = &ob.line
		}
		if s.flags&slotHome != 0 {
			r.home = &ob.entry
		}
		if s.flags&slotEntry != 0 {
			r.entry.b = &ob.entry
		}
	}
	return r
}

// store stores r in s.
func (t *lineTable) store(s *rowSlot, r *lineRow) {
	if flags, ok := t.compact(r); ok {
		*s = rowSlot{ob: r.ob, homeTx: r.homeTx, flags: flags}
		return
	}
	x := *r
	x.homeTx = 0 // the slot's
	if s.x == nil || *s.x != x {
		s.x = &x
	}
	s.ob, s.homeTx, s.flags = blockRef{}, r.homeTx, 0
}

// compact reports whether r has the form a slot keeps without x, and the
// slot's flags for it.
func (t *lineTable) compact(r *lineRow) (uint8, bool) {
	if r.lext != nil || r.entry.sp != nil || r.more != nil {
		return 0, false
	}
	if r.ob.blk == 0 {
		return 0, r.line == nil && r.home == nil && r.entry.b == nil
	}
	ob := t.box(r.ob)
	var flags uint8
	switch r.line {
	case nil:
	case &ob.line:
		flags |= slotLine
	default:
		return 0, false
	}
	switch r.home {
	case nil:
	case &ob.entry:
		flags |= slotHome
	default:
		return 0, false
	}
	switch r.entry.b {
	case nil:
	case &ob.entry:
		flags |= slotEntry
	default:
		return 0, false
	}
	return flags, true
}

// carve returns the number of a new, empty row.
func (t *lineTable) carve() uint64 {
	i := t.n
	if i%rowChunk == 0 {
		t.chunks = append(t.chunks, make([]rowCore, rowChunk))
		t.xs = append(t.xs, nil)
	}
	t.n++
	return t.n
}

// rowIndex is an index kept in step with a lineTable's rows.
type rowIndex interface {
	index[lineRow]
	// rewritten is replace for a write of r.entry in place: old.entry is
	// a copy of its old value, and the index holds r.entry already.
	rewritten(old, r lineRow)
}

func newLineTable(names *interner, log *undoLog, indexes, waitIndexes []rowIndex) *lineTable {
	t := &lineTable{rows: newIDMap(), indexes: indexes, all: slices.Concat(indexes, waitIndexes), log: log, tx: 1,
		names: names}
	t.id = log.register(t)
	return t
}

// line returns the line box and ext of the row stored at k, or nils.
func (t *lineTable) line(k uuid.UUID) (*lineBox, *lineExt) {
	num := t.rows.get(k)
	if num == idEmpty {
		return nil, nil
	}
	s := t.slot(num)
	switch {
	case s.x != nil:
		return s.x.line, s.x.lext
	case s.flags&slotLine != 0:
		return &t.box(s.ob).line, nil
	}
	return nil, nil
}

// row returns the number of the row stored at k and the row, or idEmpty
// and the zero row.
func (t *lineTable) row(k uuid.UUID) (uint64, lineRow) {
	if num := t.rows.get(k); num != idEmpty {
		return num, t.load(num)
	}
	return idEmpty, lineRow{}
}

// write stores v at k, where num and old are what t.row(k) returned
// (idEmpty and the zero row for none), and deletes the row if v is empty. A non-nil line is copied
// into v.line, which must be the row's line box already; a non-nil entry
// is copied into v.home, and v.entry.b must be v.home. Their exts are set
// from what they are given.
func (t *lineTable) write(k uuid.UUID, num uint64, old, v lineRow, line *backorder.Line, entry *backorder.BookEntry) {
	had := num != idEmpty
	seen := old // the old value as the indexes know it
	lineSnap, entrySnap := false, false
	if line != nil {
		// The old line is kept (undo needs it, and so do the indexes, as
		// the old value, during this write).
		t.lineSnaps = append(t.lineSnaps, *v.line)
		seen.line, lineSnap = &t.lineSnaps[len(t.lineSnaps)-1], true
		v.lext = v.line.set(line, t.names, v.lext)
	}
	if entry != nil {
		// The old entry is kept when a change of this transaction refers
		// to it: it is the row's entry, or was since the transaction
		// began. Room that nothing refers to (a line's first entry, most
		// often) is written over as it is.
		if old.entry.b == v.home || old.homeTx == t.tx {
			t.entrySnaps = append(t.entrySnaps, *v.home)
			if old.entry.b == v.home {
				seen.entry.b = &t.entrySnaps[len(t.entrySnaps)-1]
			}
			entrySnap = true
		}
		v.entry.sp = v.home.set(entry, t.names)
	}
	if v.home != nil && (v.entry.b == v.home || old.entry.b == v.home) {
		v.homeTx = t.tx
	}
	if !had {
		num = t.carve()
	}
	empty := v.empty()
	slot := t.slot(num)
	t.changes = append(t.changes, lineChange{key: k, num: num, old: slot, had: had, deleted: had && empty,
		lineSnap: lineSnap, entrySnap: entrySnap})
	t.log.add(t.id)
	t.store(&slot, &v)
	t.setSlot(num, slot)
	ixs := t.indexesFor(&seen, &v)
	switch {
	case empty:
		for _, ix := range ixs {
			ix.remove(seen)
		}
		t.rows.del(k)
	case !had:
		t.rows.set(k, num)
		for _, ix := range ixs {
			ix.add(v)
		}
	case seen.entry != old.entry:
		for _, ix := range ixs {
			ix.rewritten(seen, v)
		}
	default:
		for _, ix := range ixs {
			ix.replace(seen, v)
		}
	}
}

// indexesFor returns the indexes to tell of a change from row a to row b:
// all of them when either has a waiting book entry, and otherwise those
// that hold every row, as the others hold neither. Most rows wait for
// nothing (a line placed with stock, or shipped), and offering them to
// the books' two indexes, which did nothing with them, cost placing an
// order 2% of its instructions.
func (t *lineTable) indexesFor(a, b *lineRow) []rowIndex {
	if a.anyWaiting() || b.anyWaiting() {
		return t.all
	}
	return t.indexes
}

func (t *lineTable) undoLast() {
	n := len(t.changes) - 1
	c := t.changes[n]
	t.changes[n] = lineChange{}
	t.changes = t.changes[:n]
	if c.block {
		k := len(t.blocks) - 1
		t.blocks[k] = nil
		t.blocks = t.blocks[:k]
		return
	}
	if num := t.rows.get(c.key); num != idEmpty {
		cur := t.load(num)
		for _, ix := range t.indexesFor(&cur, &lineRow{}) {
			ix.remove(cur)
		}
	}
	old := t.rowOf(&c.old)
	// The boxes are set from their copies (never made to point into
	// them: the copies' memory is the table's, reused).
	if c.entrySnap {
		k := len(t.entrySnaps) - 1
		*old.home = t.entrySnaps[k]
		t.entrySnaps[k] = entryBox{}
		t.entrySnaps = t.entrySnaps[:k]
	}
	if c.lineSnap {
		k := len(t.lineSnaps) - 1
		old.line.setBox(&t.lineSnaps[k])
		t.lineSnaps[k] = lineBox{}
		t.lineSnaps = t.lineSnaps[:k]
	}
	t.setSlot(c.num, c.old)
	if !c.had {
		t.rows.del(c.key)
		return
	}
	if c.deleted {
		t.rows.set(c.key, c.num)
	}
	for _, ix := range t.indexesFor(&old, &lineRow{}) {
		ix.add(old)
	}
}

func (t *lineTable) forget() {
	t.tx++
	t.changes = resetUndo(t.changes)
	t.lineSnaps = resetSnaps(t.lineSnaps)
	t.entrySnaps = resetSnaps(t.entrySnaps)
}

// keepSnaps is the most copies a lineTable keeps room for between
// transactions: a transaction that wrote more leaves the room to the
// garbage collector.
const keepSnaps = 1 << 10

// resetUndo empties a table's undo records for the next transaction. What
// they held is not zeroed: clearing them ran the write barrier over every
// pointer word at every commit while the collector marked. The stale
// records keep alive only what the store keeps anyway (boxes, names,
// counters) and what one transaction replaced, until the next writes
// over them; a table that recorded more than keepSnaps changes leaves
// them all to the collector.
func resetUndo[T any](s []T) []T {
	if cap(s) > keepSnaps {
		return nil
	}
	return s[:0]
}

// resetSnaps empties s for the next transaction.
func resetSnaps[T any](s []T) []T {
	if cap(s) > keepSnaps {
		return nil
	}
	clear(s)
	return s[:0]
}
