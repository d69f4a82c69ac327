package memstore

import (
	"cmp"
	"slices"
)

// seqIndex groups book entries and keeps each group sorted by Seq, then
// line id (bySeq), like a sortedIndex, but with each entry's sort key
// beside its pointer: finding an entry in a group of a thousand is then a
// binary search over one contiguous slice, where comparing entries through
// their pointers missed the cache at every step (it was most of the cost
// of writing a book entry into a long book).
type seqIndex[G comparable] struct {
	groups map[G]*[]seqItem
	// keys appends to dst the groups e belongs to (none, one or several).
	keys      func(e entryRef, dst []G) []G
	buf, buf2 []G
}

// seqItem is an entry in a seqIndex group, with its Seq: sequence numbers
// are unique within a SKU's book as the engine writes it, so the line id
// that breaks ties is read through the pointer only for entries that share
// one.
type seqItem struct {
	seq int64
	e   entryRef
}

func itemOf(e entryRef) seqItem { return seqItem{seq: e.b.seq, e: e} }

// compareItems orders items as bySeq orders their entries.
func compareItems(a, b seqItem) int {
	if c := cmp.Compare(a.seq, b.seq); c != 0 {
		return c
	}
	return compareUUID(a.e.b.lineID, b.e.b.lineID)
}

// search returns where it is, or would be, in the sorted items s, and
// whether it is there: slices.BinarySearchFunc with compareItems, written
// out so that each step compares two integers in line (through a function
// value, each step cost five times as much).
func search(s []seqItem, it seqItem) (int, bool) {
	lo, hi := 0, len(s)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if x := s[m]; x.seq < it.seq || (x.seq == it.seq && compareUUID(x.e.b.lineID, it.e.b.lineID) < 0) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(s) && s[lo].seq == it.seq && s[lo].e.b.lineID == it.e.b.lineID
}

func newSeqIndex[G comparable](keys func(entryRef, []G) []G) *seqIndex[G] {
	return &seqIndex[G]{groups: make(map[G]*[]seqItem), keys: keys}
}

func (ix *seqIndex[G]) add(e entryRef) {
	ix.buf = ix.keys(e, ix.buf[:0])
	it := itemOf(e)
	for _, g := range ix.buf {
		p := ix.groups[g]
		if p == nil {
			p = new([]seqItem)
			ix.groups[g] = p
		}
		// Appends dominate: sequence numbers rise over time.
		if n := len(*p); n == 0 || compareItems((*p)[n-1], it) < 0 {
			*p = append(*p, it)
			continue
		}
		i, _ := search(*p, it)
		*p = slices.Insert(*p, i, it)
	}
}

func (ix *seqIndex[G]) remove(e entryRef) {
	ix.buf = ix.keys(e, ix.buf[:0])
	it := itemOf(e)
	for _, g := range ix.buf {
		p := ix.groups[g]
		if p == nil {
			continue
		}
		i, found := search(*p, it)
		if !found {
			continue
		}
		if len(*p) == 1 {
			delete(ix.groups, g)
			continue
		}
		*p = removeAt(*p, i)
	}
}

// replace swaps old for e where they belong to the same groups at the same
// place, which is the common case of an update, and otherwise moves it.
func (ix *seqIndex[G]) replace(old, e entryRef) {
	ix.buf = ix.keys(old, ix.buf[:0])
	ix.buf2 = ix.keys(e, ix.buf2[:0])
	it := itemOf(e)
	if !slices.Equal(ix.buf, ix.buf2) || compareItems(itemOf(old), it) != 0 {
		ix.remove(old)
		ix.add(e)
		return
	}
	for _, g := range ix.buf {
		if p := ix.groups[g]; p != nil {
			if i, found := search(*p, it); found {
				(*p)[i] = it
			}
		}
	}
}

// update is replace for an entry written in place, which the index holds
// already: it moves only if its groups or its place changed (a shipment
// committing a line's stock changes neither, and costs no search).
func (ix *seqIndex[G]) update(old, e entryRef) {
	if old.b.seq == e.b.seq {
		ix.buf = ix.keys(old, ix.buf[:0])
		ix.buf2 = ix.keys(e, ix.buf2[:0])
		if slices.Equal(ix.buf, ix.buf2) {
			return
		}
	}
	ix.remove(old)
	ix.add(e)
}

// group returns the sorted items of group g. The slice is the index's own.
func (ix *seqIndex[G]) group(g G) []seqItem {
	if p := ix.groups[g]; p != nil {
		return *p
	}
	return nil
}
