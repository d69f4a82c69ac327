package memstore

import (
	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/backorder"
)

// lineTable holds the lineRows by line id. Unlike a table, it keeps each
// row behind a pointer and changes it in place, and it writes a stored
// line or book entry over the old one in the room the row already has
// (lineBox, entryBox), keeping the old value in the undo record:
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
	rows    *idMap
	indexes []rowIndex
	changes []lineChange
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
	// chunks hold the rows, rowChunk to a chunk, by number (see at): a
	// row is carved from the last chunk, as one allocation per line
	// stored was a large part of storing an order, and stays where it is
	// for as long as the store lives, so that its number and pointers to
	// it stay good. n is the rows carved so far.
	chunks [][]lineRow
	n      uint64
	// names numbers the SKUs, customers and locations of the stored lines
	// and entries (see lineBox and entryBox): the store's interner.
	names *interner
}

// lineChange is the state of one row before a write: its number, its old value,
// whether it was stored at all, and whether the write changed its line or
// its home entry in place (their old contents are then the last of
// lineSnaps and entrySnaps).
type lineChange struct {
	key                 uuid.UUID
	num                 uint64
	row                 *lineRow
	old                 lineRow
	had                 bool
	lineSnap, entrySnap bool
}

// rowChunk is how many rows a chunk holds.
const rowChunk = 256

// at returns the row numbered num, which is not idEmpty.
func (t *lineTable) at(num uint64) *lineRow {
	i := num - 1
	return &t.chunks[i/rowChunk][i%rowChunk]
}

// carve returns a new row and its number.
func (t *lineTable) carve() (uint64, *lineRow) {
	i := t.n
	if i%rowChunk == 0 {
		t.chunks = append(t.chunks, make([]lineRow, rowChunk))
	}
	t.n++
	return t.n, &t.chunks[i/rowChunk][i%rowChunk]
}

// rowIndex is an index kept in step with a lineTable's rows.
type rowIndex interface {
	index[lineRow]
	// rewritten is replace for a write of r.entry in place: old.entry is
	// a copy of its old value, and the index holds r.entry already.
	rewritten(old, r lineRow)
}

func newLineTable(names *interner, log *undoLog, indexes ...rowIndex) *lineTable {
	t := &lineTable{rows: newIDMap(), indexes: indexes, log: log, tx: 1, names: names}
	t.id = log.register(t)
	return t
}

// get returns the row stored at k, or the zero row.
func (t *lineTable) get(k uuid.UUID) lineRow {
	if num := t.rows.get(k); num != idEmpty {
		return *t.at(num)
	}
	return lineRow{}
}

// row returns the row stored at k, or nil.
func (t *lineTable) row(k uuid.UUID) *lineRow {
	if num := t.rows.get(k); num != idEmpty {
		return t.at(num)
	}
	return nil
}

// write stores v at k, where p is what t.row(k) returned (nil for none), and
// deletes the row if v is empty. A non-nil line is copied into v.line,
// which must be the row's line box already; a non-nil entry is copied
// into v.home, and v.entry.b must be v.home. Their exts are set from
// what they are given.
func (t *lineTable) write(k uuid.UUID, p *lineRow, v lineRow, line *backorder.Line, entry *backorder.BookEntry) {
	var old lineRow
	had := p != nil
	if had {
		old = *p
	}
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
	var num uint64 // the row's number, when the map learns or forgets it
	if p == nil {
		num, p = t.carve()
	}
	t.changes = append(t.changes, lineChange{key: k, row: p, old: old, had: had, lineSnap: lineSnap, entrySnap: entrySnap})
	t.log.add(t.id)
	*p = v
	switch {
	case v.empty():
		for _, ix := range t.indexes {
			ix.remove(seen)
		}
		// Undo puts a stored row back by its number.
		t.changes[len(t.changes)-1].num = t.rows.del(k)
	case !had:
		t.rows.set(k, num)
		for _, ix := range t.indexes {
			ix.add(v)
		}
	case seen.entry != old.entry:
		for _, ix := range t.indexes {
			ix.rewritten(seen, v)
		}
	default:
		for _, ix := range t.indexes {
			ix.replace(seen, v)
		}
	}
}

func (t *lineTable) undoLast() {
	n := len(t.changes) - 1
	c := t.changes[n]
	t.changes[n] = lineChange{}
	t.changes = t.changes[:n]
	if num := t.rows.get(c.key); num != idEmpty {
		for _, ix := range t.indexes {
			ix.remove(*t.at(num))
		}
	}
	// The boxes are set from their copies (never made to point into
	// them: the copies' memory is the table's, reused).
	if c.entrySnap {
		k := len(t.entrySnaps) - 1
		*c.old.home = t.entrySnaps[k]
		t.entrySnaps[k] = entryBox{}
		t.entrySnaps = t.entrySnaps[:k]
	}
	if c.lineSnap {
		k := len(t.lineSnaps) - 1
		c.old.line.setBox(&t.lineSnaps[k])
		t.lineSnaps[k] = lineBox{}
		t.lineSnaps = t.lineSnaps[:k]
	}
	*c.row = c.old
	if !c.had {
		t.rows.del(c.key)
		return
	}
	if c.num != idEmpty { // the write deleted the row
		t.rows.set(c.key, c.num)
	}
	for _, ix := range t.indexes {
		ix.add(c.old)
	}
}

func (t *lineTable) forget() {
	t.tx++
	clear(t.changes)
	t.changes = t.changes[:0]
	t.lineSnaps = resetSnaps(t.lineSnaps)
	t.entrySnaps = resetSnaps(t.entrySnaps)
}

// keepSnaps is the most copies a lineTable keeps room for between
// transactions: a transaction that wrote more leaves the room to the
// garbage collector.
const keepSnaps = 1 << 10

// resetSnaps empties s for the next transaction.
func resetSnaps[T any](s []T) []T {
	if cap(s) > keepSnaps {
		return nil
	}
	clear(s)
	return s[:0]
}
