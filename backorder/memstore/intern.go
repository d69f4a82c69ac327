package memstore

import (
	"errors"
	"math"

	"github.com/shopspring/decimal"
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
	// recent holds strings numbered lately, each in a slot chosen by a
	// few of its bytes: a store sees the same few SKUs and locations
	// again and again, and comparing with one string is a fraction of a
	// map lookup's cost (hashing the string and probing the map was most
	// of what numbering cost).
	recent [recentSlots]struct {
		s  string
		id uint32
	}
	// prices numbers the unit prices of stored lines in the same way
	// (see priceID): a decimal holds a pointer, and a line repeats the
	// price of many others. prices[0] is the zero Decimal; lastPrice is
	// the number given last.
	prices    []decimal.Decimal
	priceIDs  map[priceKey]uint32
	lastPrice uint32
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
		return 0, true // inlined: most entries' protection and promise kind are empty
	}
	return in.lookupName(s)
}

// lookupName is lookup for a string that is not empty.
func (in *interner) lookupName(s string) (uint32, bool) {
	slot := &in.recent[recentSlot(s)]
	if slot.id != 0 && slot.s == s {
		return slot.id, true
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
	slot.s, slot.id = s, id
	return id, true
}

// recentSlots is the size of interner.recent, 1<<recentBits.
const (
	recentBits  = 6
	recentSlots = 1 << recentBits
)

// recentSlot picks s's slot in interner.recent from its length and its
// first, last and second to last bytes (names that differ, SKU-0001 and
// SKU-0002, differ mostly at their end), mixed by a multiplication so
// that names of different shapes (SKU-0, AMS) do not meet in one slot as
// they did when the bytes were only shifted together. s is not empty.
func recentSlot(s string) int {
	n := len(s)
	h := uint32(n) ^ uint32(s[0])<<8 ^ uint32(s[n-1])<<16
	if n > 1 {
		h ^= uint32(s[n-2]) << 24
	}
	return int((h * 0x9E3779B1) >> (32 - recentBits))
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

// priceKey is a unit price by its coefficient and exponent, which
// together are its exact representation.
type priceKey struct {
	coef int64
	exp  int32
}

// priceID returns the number of d among the interner's prices, numbering
// it if it has none, or reports false when d cannot be numbered: its
// coefficient does not fit an int64, or is 0 (a zero coefficient may be
// held as a nil or an empty slice, which the number would not keep
// apart), or the prices are full. hint is a number d may already have (a
// line written again keeps its price): d is compared with it first. The
// zero Decimal is 0. Called only by writers.
func (in *interner) priceID(d decimal.Decimal, hint uint32) (uint32, bool) {
	if d == (decimal.Decimal{}) {
		return 0, true
	}
	if hint != 0 && in.prices[hint] == d {
		return hint, true
	}
	if in.lastPrice != 0 && in.prices[in.lastPrice] == d {
		return in.lastPrice, true
	}
	if d.NumDigits() > 18 {
		return 0, false
	}
	k := priceKey{coef: d.CoefficientInt64(), exp: d.Exponent()}
	if k.coef == 0 {
		return 0, false
	}
	id, ok := in.priceIDs[k]
	if !ok {
		if in.priceIDs == nil {
			in.priceIDs = make(map[priceKey]uint32)
			in.prices = append(in.prices[:0], decimal.Decimal{})
		}
		if uint64(len(in.prices)) > in.limit() {
			return 0, false
		}
		id = uint32(len(in.prices))
		in.prices = append(in.prices, d)
		in.priceIDs[k] = id
	}
	in.lastPrice = id
	return id, true
}

// price returns the price numbered id (0 gives the zero Decimal).
func (in *interner) price(id uint32) decimal.Decimal {
	if id == 0 {
		return decimal.Decimal{}
	}
	return in.prices[id]
}
