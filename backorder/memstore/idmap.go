package memstore

import (
	"encoding/binary"
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
	// tags say what each slot holds, a byte each: idTagEmpty, idTagDead,
	// or, for a live entry, idTag of its key's hash. A probe reads a
	// slot's key only where the tag matches (one slot in 128 that holds
	// another key): looking for an id that is not there, as placing an
	// order does for each of its lines, reads a few bytes of tags, one
	// cache line, and not some eight 24-byte slots, three or four lines
	// of a table too large for the cache, where its time went.
	tags  [idBucketSlots]uint8
	slots [idBucketSlots]idSlot
}

type idSlot struct {
	key uuid.UUID
	row uint64 // the row's number, when the slot's tag says it is live
}

// idEmpty is the number no row has: get's answer for a key not there.
const idEmpty = 0

// Slot tags.
const (
	idTagEmpty = 0
	idTagDead  = 1 // a tombstone
)

// idTag returns the tag of a live slot whose key hashes to h: seven bits
// of h, apart from those that choose its bucket (the top ones) and its
// first slot (the low 8), with the top bit set.
func idTag(h uint64) uint8 { return uint8(h>>8) | 0x80 }

const (
	idBucketSlots = 256
	// idBucketLoad is the most slots of a bucket in use (live or
	// deleted), so that a probe always meets an empty slot, and soon:
	// looking for an id that is not there meets some eight slots in a
	// bucket three quarters full, and three in one of average fill (a
	// bucket splits into two three-eighths full).
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
	b, tag := m.bucket(h), idTag(h)
	for i := h % idBucketSlots; ; i = (i + 1) % idBucketSlots {
		switch b.tags[i] {
		case idTagEmpty:
			return idEmpty
		case tag:
			if s := &b.slots[i]; s.key == k {
				return s.row
			}
		}
	}
}

// set sets k's row number to p, which is not idEmpty.
func (m *idMap) set(k uuid.UUID, p uint64) {
	h := m.hash(k)
	b, tag := m.bucket(h), idTag(h)
	free := -1
	i := h % idBucketSlots
	for ; ; i = (i + 1) % idBucketSlots {
		t := b.tags[i]
		if t == idTagEmpty {
			break
		}
		if t == idTagDead {
			if free < 0 {
				free = int(i)
			}
			continue
		}
		if t == tag && b.slots[i].key == k {
			b.slots[i].row = p
			return
		}
	}
	if free >= 0 {
		// A tombstone is reused: used is unchanged.
		b.tags[free], b.slots[free] = tag, idSlot{key: k, row: p}
		b.live++
		m.length++
		return
	}
	if b.used+1 > idBucketLoad {
		m.grow(b)
		m.set(k, p) // into the bucket k now falls in
		return
	}
	b.tags[i], b.slots[i] = tag, idSlot{key: k, row: p}
	b.live++
	b.used++
	m.length++
}

// del deletes k, if it is there, and returns the number it had, or
// idEmpty.
func (m *idMap) del(k uuid.UUID) uint64 {
	h := m.hash(k)
	b, tag := m.bucket(h), idTag(h)
	for i := h % idBucketSlots; ; i = (i + 1) % idBucketSlots {
		switch b.tags[i] {
		case idTagEmpty:
			return idEmpty
		case tag:
			if s := &b.slots[i]; s.key == k {
				b.tags[i] = idTagDead
				b.live--
				m.length--
				return s.row
			}
		}
	}
}

// grow makes room in the full bucket b: it rehashes b in place when
// tombstones take much of it, and otherwise splits it in two by one more
// bit of the hash, doubling the directory when b already uses all its bits.
func (m *idMap) grow(b *idBucket) {
	if b.live <= idBucketLoad/2 {
		tags, slots := b.tags, b.slots
		b.tags, b.live, b.used = [idBucketSlots]uint8{}, 0, 0
		for i, t := range tags {
			if t != idTagEmpty && t != idTagDead {
				s := &slots[i]
				b.put(m.hash(s.key), s.key, s.row)
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
	// b keeps the keys whose new bit is 0, rehashed in place, and a new
	// bucket takes the others: a split allocates one bucket, not two.
	tags, slots := b.tags, b.slots
	b.tags, b.live, b.used, b.depth = [idBucketSlots]uint8{}, 0, 0, b.depth+1
	b1 := &idBucket{depth: b.depth}
	var some uint64 // the hash of one of b's keys
	for i, t := range tags {
		if t == idTagEmpty || t == idTagDead {
			continue
		}
		s := &slots[i]
		h := m.hash(s.key)
		some = h
		to := b
		if h>>(64-b.depth)&1 == 1 {
			to = b1
		}
		to.put(h, s.key, s.row)
	}
	// b's directory entries are the run of 1<<(m.depth-old depth) that
	// share its old top bits; the first half stays b's, the second goes
	// to b1.
	n := 1 << (m.depth - (b.depth - 1))
	start := int(some>>(64-m.depth)) &^ (n - 1)
	for j := n / 2; j < n; j++ {
		m.dir[start+j] = b1
	}
}

// put inserts a key that the bucket lacks and that has no tombstones,
// whose hash is h.
func (b *idBucket) put(h uint64, k uuid.UUID, p uint64) {
	i := h % idBucketSlots
	for ; b.tags[i] != idTagEmpty; i = (i + 1) % idBucketSlots {
	}
	b.tags[i], b.slots[i] = idTag(h), idSlot{key: k, row: p}
	b.live++
	b.used++
}
