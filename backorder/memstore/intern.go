package memstore

import (
	"errors"
	"math"
)

// errTooManyNames is returned when an interner would number more strings
// than a uint32 holds: far more than memory holds first, so never in
// practice, but an error, not a wrapped-around number.
var errTooManyNames = errors.New("memstore: more than 2^32 distinct strings")

// interner numbers the strings a table keeps many copies of (SKUs,
// locations, customers), so that the table's records can hold a number in
// their place and have no pointers: the garbage collector does not scan
// memory without pointers, and the write barrier does not run when such
// memory is written. A record of the outbox, which keeps every event ever
// raised, is then never scanned at all, however long the store lives.
//
// Numbers are never taken back: a string numbered by a transaction that
// is rolled back keeps its number, which costs its copy in names and
// nothing else. The zero interner is ready to use; 0 is the empty string.
type interner struct {
	ids   map[string]uint32
	names []string // names[id]; names[0] is ""
	// last is the most recent string numbered and its number: a run of
	// records usually repeats a string (an operation's events share their
	// location), and comparing with it is cheaper than hashing.
	last   string
	lastID uint32
	// maxNames, when not 0, lowers the limit of numbers, for tests.
	maxNames uint64
}

// id returns s's number, numbering it if it has none, or
// errTooManyNames. It is called only by writers (under the store's write
// lock).
func (in *interner) id(s string) (uint32, error) {
	id, ok := in.lookup(s)
	if !ok {
		return 0, errTooManyNames
	}
	return id, nil
}

// lookup is id for a caller that keeps the string itself when it cannot
// be numbered: it reports false then.
func (in *interner) lookup(s string) (uint32, bool) {
	if s == "" {
		return 0, true
	}
	if s == in.last && in.lastID != 0 {
		return in.lastID, true
	}
	id, ok := in.ids[s]
	if !ok {
		if in.ids == nil {
			in.ids = make(map[string]uint32)
			in.names = append(in.names[:0], "")
		}
		if uint64(len(in.names)) > in.limit() {
			return 0, false
		}
		id = uint32(len(in.names))
		in.names = append(in.names, s)
		in.ids[s] = id
	}
	in.last, in.lastID = s, id
	return id, true
}

// limit is the highest number id gives: math.MaxUint32, or maxNames when
// a test sets it lower.
func (in *interner) limit() uint64 {
	if in.maxNames > 0 {
		return in.maxNames
	}
	return math.MaxUint32
}

// name returns the string numbered id (0 gives "").
func (in *interner) name(id uint32) string {
	if id == 0 {
		return ""
	}
	return in.names[id]
}
