package memstore

import (
	"encoding/binary"
	"math"
	"math/bits"
	"math/rand/v2"

	"github.com/google/uuid"
)

// idMap maps line ids to the numbers of their rows (see lineTable.at). It
// replaces a Go map for the store's
// busiest table: every line placed is inserted, and every line read or
// written is looked up, several times per line of every order. Keys are
// hashed with a seeded multiply (an id is two words), and growth is by
// extendible hashing: a full bucket splits in two, rehashing its own
// entries only, so the cost of growing is spread over the inserts and no
// single insert rehashes the whole table. With the Go map, growing it was
// most of the cost of inserting a line.
//
// A slot holds a row's number, not a pointer to it: the buckets, some 50
// bytes per stored line, are then memory the garbage collector never
// scans, and filling or splitting one never runs the write barrier.
type idMap struct {
	dir    []*idBucket // by the hash's top depth bits
	depth  uint        // of dir: len(dir) == 1<<depth
	seeds  [3]uint64   // random per map, so that no one can choose colliding ids
	length int
}

// idBucket is an open-addressing table (linear probing) of the keys whose
// hashes share its top depth bits.
type idBucket struct {
	depth      uint
	live, used int // live entries, and live entries and tombstones
	slots      [idBucketSlots]idSlot
}

type idSlot struct {
	key uuid.UUID
	row uint64 // the row's number; idEmpty or idDead for none
}

// The slot values that are not a row's number.
const (
	idEmpty = 0
	idDead  = math.MaxUint64 // a tombstone
)

const (
	idBucketSlots = 256
	// idBucketLoad is the most slots of a bucket in use (live or
	// deleted), so that a probe always meets an empty slot, and soon:
	// looking for an id that is not there, as placing an order does for
	// each of its lines, meets some eight slots in a bucket three
	// quarters full, and three in one of average fill (a bucket splits
	// into two three-eighths full).
	idBucketLoad = idBucketSlots * 3 / 4
)

func newIDMap() *idMap {
	return &idMap{dir: []*idBucket{new(idBucket)}, seeds: [3]uint64{rand.Uint64(), rand.Uint64(), rand.Uint64()}}
}

// hash mixes k's two words with the map's seeds by two 64×64→128-bit
// multiplications, folding each product's halves.
func (m *idMap) hash(k uuid.UUID) uint64 {
	a := binary.LittleEndian.Uint64(k[:8]) ^ m.seeds[0]
	b := binary.LittleEndian.Uint64(k[8:]) ^ m.seeds[1]
	hi, lo := bits.Mul64(a, b)
	hi, lo = bits.Mul64(hi^lo^m.seeds[2], 0x9e3779b97f4a7c15)
	return hi ^ lo
}

// bucket returns the bucket of hash h.
func (m *idMap) bucket(h uint64) *idBucket {
	if m.depth == 0 {
		return m.dir[0]
	}
	return m.dir[h>>(64-m.depth)]
}

// get returns k's row number, or idEmpty.
func (m *idMap) get(k uuid.UUID) uint64 {
	h := m.hash(k)
	b := m.bucket(h)
	for i := h % idBucketSlots; ; i = (i + 1) % idBucketSlots {
		s := &b.slots[i]
		if s.row == idEmpty {
			return idEmpty
		}
		if s.key == k && s.row != idDead {
			return s.row
		}
	}
}

// set sets k's row number to p, neither idEmpty nor idDead.
func (m *idMap) set(k uuid.UUID, p uint64) {
	h := m.hash(k)
	b := m.bucket(h)
	free := -1
	i := h % idBucketSlots
	for ; ; i = (i + 1) % idBucketSlots {
		s := &b.slots[i]
		if s.row == idEmpty {
			break
		}
		if s.row == idDead {
			if free < 0 {
				free = int(i)
			}
			continue
		}
		if s.key == k {
			s.row = p
			return
		}
	}
	if free >= 0 {
		b.slots[free] = idSlot{key: k, row: p} // reuses a tombstone: used is unchanged
		b.live++
		m.length++
		return
	}
	if b.used+1 > idBucketLoad {
		m.grow(b)
		m.set(k, p) // into the bucket k now falls in
		return
	}
	b.slots[i] = idSlot{key: k, row: p}
	b.live++
	b.used++
	m.length++
}

// del deletes k, if it is there, and returns the number it had, or
// idEmpty.
func (m *idMap) del(k uuid.UUID) uint64 {
	h := m.hash(k)
	b := m.bucket(h)
	for i := h % idBucketSlots; ; i = (i + 1) % idBucketSlots {
		s := &b.slots[i]
		if s.row == idEmpty {
			return idEmpty
		}
		if s.key == k && s.row != idDead {
			num := s.row
			s.row = idDead
			b.live--
			m.length--
			return num
		}
	}
}

// grow makes room in the full bucket b: it rehashes b in place when
// tombstones take much of it, and otherwise splits it in two by one more
// bit of the hash, doubling the directory when b already uses all its bits.
func (m *idMap) grow(b *idBucket) {
	if b.live <= idBucketLoad/2 {
		old := b.slots
		b.slots, b.live, b.used = [idBucketSlots]idSlot{}, 0, 0
		for i := range old {
			if s := &old[i]; s.row != idEmpty && s.row != idDead {
				b.put(m.hash(s.key)%idBucketSlots, s.key, s.row)
			}
		}
		return
	}
	if b.depth == m.depth {
		dir := make([]*idBucket, 2*len(m.dir))
		for i := range dir {
			dir[i] = m.dir[i>>1]
		}
		m.dir, m.depth = dir, m.depth+1
	}
	b0, b1 := &idBucket{depth: b.depth + 1}, &idBucket{depth: b.depth + 1}
	var some uint64 // the hash of one of b's keys
	for i := range b.slots {
		s := &b.slots[i]
		if s.row == idEmpty || s.row == idDead {
			continue
		}
		h := m.hash(s.key)
		some = h
		to := b0
		if h>>(64-b0.depth)&1 == 1 {
			to = b1
		}
		to.put(h%idBucketSlots, s.key, s.row)
	}
	// b's directory entries are the run of 1<<(m.depth-b.depth) that
	// share its top b.depth bits; the first half now goes to b0, the
	// second to b1.
	n := 1 << (m.depth - b.depth)
	start := int(some>>(64-m.depth)) &^ (n - 1)
	for j := range n {
		if j < n/2 {
			m.dir[start+j] = b0
		} else {
			m.dir[start+j] = b1
		}
	}
}

// put inserts a key that the bucket lacks, from slot i on.
func (b *idBucket) put(i uint64, k uuid.UUID, p uint64) {
	for ; b.slots[i].row != idEmpty; i = (i + 1) % idBucketSlots {
	}
	b.slots[i] = idSlot{key: k, row: p}
	b.live++
	b.used++
}
