package memstore

import (
	"hash/maphash"
	"time"

	"github.com/backorderkit/backorderkit/backorder"
)

// cmdTable holds the command records. Every command an engine applies
// leaves one, and none is ever removed, so the table only grows: its keys
// and results are kept in large chunks of bytes, found through a hash
// table of numbers, all memory without pointers. The garbage collector
// never scans it, growing it never runs the write barrier, and a record
// is not an allocation of its own. (A Go map of string keys to Commands
// held four pointers per record, each record's result was one more
// allocation, and every growth of the map copied them all.)
//
// Only the records' times (time.Time holds a location pointer) are kept
// apart, in chunks of their own.
type cmdTable struct {
	seed  maphash.Seed
	slots []cmdSlot // open addressing, linear probing; len is a power of 2
	used  int       // slots in use
	recs  []cmdRec
	ats   [][]time.Time // ats[i/cmdChunk][i%cmdChunk] is recs[i]'s time
	bytes [][]byte      // the chunks that hold keys and results
	// log is the store's undo log. Records are only ever added, and a
	// rollback takes back the newest first: undoLast needs no record of
	// its own.
	log *undoLog
	id  uint8 // in log
}

// cmdSlot is a slot of the hash table: the hash of a key and 1 + the index
// of its record, 0 for an empty slot.
type cmdSlot struct {
	hash uint64
	rec  uint32
}

// cmdRec is where a record's key and result are: chunk, from off on, the
// key's bytes then the result's.
type cmdRec struct {
	chunk, off, keyLen, resLen int
	// nilResult keeps a nil Result apart from an empty one.
	nilResult bool
}

const (
	// cmdChunk is how many times one chunk of ats holds.
	cmdChunk = 1024
	// cmdBytes is the size of a chunk of bytes; a record that is larger
	// gets a chunk of its own size.
	cmdBytes = 64 << 10
)

func newCmdTable(log *undoLog) *cmdTable {
	t := &cmdTable{seed: maphash.MakeSeed(), slots: make([]cmdSlot, 64), log: log}
	t.id = log.register(t)
	return t
}

// find returns the index of key's record, or -1.
func (t *cmdTable) find(key string) int {
	h := maphash.String(t.seed, key)
	mask := len(t.slots) - 1
	for i := int(h) & mask; ; i = (i + 1) & mask {
		s := t.slots[i]
		if s.rec == 0 {
			return -1
		}
		if s.hash == h {
			r := &t.recs[s.rec-1]
			if string(t.bytes[r.chunk][r.off:r.off+r.keyLen]) == key { // no copy: a comparison
				return int(s.rec - 1)
			}
		}
	}
}

// get returns record i as a Command whose Result is a copy.
func (t *cmdTable) get(i int, key string) backorder.Command {
	r := &t.recs[i]
	c := backorder.Command{Key: key, At: t.ats[i/cmdChunk][i%cmdChunk]}
	if !r.nilResult {
		from := r.off + r.keyLen
		c.Result = append([]byte{}, t.bytes[r.chunk][from:from+r.resLen]...)
	}
	return c
}

// add records c, whose key the table does not hold.
func (t *cmdTable) add(c *backorder.Command) {
	need := len(c.Key) + len(c.Result)
	last := len(t.bytes) - 1
	if last < 0 || cap(t.bytes[last])-len(t.bytes[last]) < need {
		t.bytes = append(t.bytes, make([]byte, 0, max(cmdBytes, need)))
		last++
	}
	b := t.bytes[last]
	off := len(b)
	b = append(b, c.Key...)
	b = append(b, c.Result...)
	t.bytes[last] = b
	i := len(t.recs)
	t.recs = append(t.recs, cmdRec{chunk: last, off: off, keyLen: len(c.Key), resLen: len(c.Result),
		nilResult: c.Result == nil})
	if i%cmdChunk == 0 && i/cmdChunk == len(t.ats) {
		t.ats = append(t.ats, make([]time.Time, cmdChunk))
	}
	t.ats[i/cmdChunk][i%cmdChunk] = c.At
	if 4*(t.used+1) > 3*len(t.slots) {
		t.grow()
	}
	t.insert(maphash.String(t.seed, c.Key), uint32(i+1))
	t.log.add(t.id)
}

// insert puts rec in the first empty slot of hash h's run.
func (t *cmdTable) insert(h uint64, rec uint32) {
	mask := len(t.slots) - 1
	i := int(h) & mask
	for t.slots[i].rec != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = cmdSlot{hash: h, rec: rec}
	t.used++
}

// grow doubles the hash table.
func (t *cmdTable) grow() {
	old := t.slots
	t.slots, t.used = make([]cmdSlot, 2*len(old)), 0
	for _, s := range old {
		if s.rec != 0 {
			t.insert(s.hash, s.rec)
		}
	}
}

// undoLast takes back the most recent add.
func (t *cmdTable) undoLast() {
	i := len(t.recs) - 1
	r := t.recs[i]
	t.remove(maphash.Bytes(t.seed, t.bytes[r.chunk][r.off:r.off+r.keyLen]), uint32(i+1))
	t.bytes[r.chunk] = t.bytes[r.chunk][:r.off]
	if r.off == 0 && r.chunk == len(t.bytes)-1 {
		t.bytes[r.chunk] = nil
		t.bytes = t.bytes[:r.chunk]
	}
	t.ats[i/cmdChunk][i%cmdChunk] = time.Time{}
	if i%cmdChunk == 0 {
		t.ats[i/cmdChunk] = nil
		t.ats = t.ats[:i/cmdChunk]
	}
	t.recs = t.recs[:i]
}

// remove deletes the slot of rec, whose hash is h, shifting back the
// slots after it in its run that may no longer be found past the hole
// (linear probing's deletion, which needs no tombstones).
func (t *cmdTable) remove(h uint64, rec uint32) {
	mask := len(t.slots) - 1
	i := int(h) & mask
	for t.slots[i].rec != rec {
		i = (i + 1) & mask
	}
	for j := (i + 1) & mask; t.slots[j].rec != 0; j = (j + 1) & mask {
		home := int(t.slots[j].hash) & mask
		// The slot at j may fill the hole at i if its home is not in
		// (i, j], cyclically.
		if (j > i && (home <= i || home > j)) || (j < i && home <= i && home > j) {
			t.slots[i] = t.slots[j]
			i = j
		}
	}
	t.slots[i] = cmdSlot{}
	t.used--
}

// forget has nothing to drop: see cmdTable.log.
func (t *cmdTable) forget() {}
