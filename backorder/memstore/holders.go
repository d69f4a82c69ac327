package memstore

import (
	"cmp"
	"slices"

	"github.com/google/uuid"
)

// holderIndex groups book entries by SKU and by each location where they
// hold stock, each group sorted by Seq then line id, as a seqIndex keyed
// by (SKU, location) would. It finds a SKU's groups with one lookup of
// the SKU, and the location's among them (a SKU is stocked at a few) one
// by one: hashing a pair of strings cost as much as the rest of writing
// an entry into the index.
//
// An item is an entry's sort key alone (holderItem), without a pointer to
// the entry: every allocated line is in a group until it ships, and its
// item is memory the collector never scans (a pointer per item was a
// third of the scannable memory of an order placed) and the write barrier
// never sees. A reader (Holders, which only preemption and shrinking
// stock need) finds each entry through its line's row.
type holderIndex struct {
	skus  strMap[[]locItems]
	names *interner // the store's, for the entries' SKUs and locations
}

// locItems is the group of one location.
type locItems struct {
	loc   string
	items []holderItem
}

// holderItem is an entry in a holders group: its Seq and line id, the
// group's order.
type holderItem struct {
	seq  int64
	line uuid.UUID
}

func holderItemOf(e entryRef) holderItem { return holderItem{seq: e.b.seq, line: e.b.lineID} }

// compareHolders orders items by Seq, then line id.
func compareHolders(a, b holderItem) int {
	if c := cmp.Compare(a.seq, b.seq); c != 0 {
		return c
	}
	return compareUUID(a.line, b.line)
}

// appendDoubling is append for a group that only grows, until its lines
// ship: full, it doubles. (append grows a large slice by a quarter, and
// copies it each time: a group of a thousand items had been allocated
// five times over, three times what the items themselves take.)
func appendDoubling(s []holderItem, it holderItem) []holderItem {
	if len(s) == cap(s) {
		s = slices.Grow(s, max(8, len(s)))
	}
	return append(s, it)
}

// searchHolders returns where it is, or would be, in the sorted items s,
// and whether it is there (as search does for a seqIndex group).
func searchHolders(s []holderItem, it holderItem) (int, bool) {
	lo, hi := 0, len(s)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if x := s[m]; x.seq < it.seq || (x.seq == it.seq && compareUUID(x.line, it.line) < 0) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(s) && s[lo] == it
}

func newHolderIndex(names *interner) *holderIndex {
	return &holderIndex{skus: newStrMap[[]locItems](), names: names}
}

// groupOf returns the items of (sku, loc), creating the group if create
// says so, or nil.
func (ix *holderIndex) groupOf(sku, loc string, create bool) *locItems {
	p := ix.skus.get(sku)
	if p == nil {
		if !create {
			return nil
		}
		p = new([]locItems)
		ix.skus.set(sku, p)
	}
	for i := range *p {
		if (*p)[i].loc == loc {
			return &(*p)[i]
		}
	}
	if !create {
		return nil
	}
	*p = append(*p, locItems{loc: loc})
	return &(*p)[len(*p)-1]
}

// drop deletes the empty group of (sku, loc).
func (ix *holderIndex) drop(sku, loc string) {
	p := ix.skus.get(sku)
	if p == nil {
		return
	}
	for i := range *p {
		if (*p)[i].loc == loc {
			*p = slices.Delete(*p, i, i+1)
			break
		}
	}
	if len(*p) == 0 {
		ix.skus.del(sku)
	}
}

func (ix *holderIndex) add(e entryRef) {
	it := holderItemOf(e)
	sku := e.skuName(ix.names)
	e.held(ix.names, func(loc string) {
		g := ix.groupOf(sku, loc, true)
		// Appends dominate: sequence numbers rise over time.
		if n := len(g.items); n == 0 || compareHolders(g.items[n-1], it) < 0 {
			g.items = appendDoubling(g.items, it)
			return
		}
		i, _ := searchHolders(g.items, it)
		g.items = slices.Insert(g.items, i, it)
	})
}

func (ix *holderIndex) remove(e entryRef) {
	it := holderItemOf(e)
	sku := e.skuName(ix.names)
	e.held(ix.names, func(loc string) {
		g := ix.groupOf(sku, loc, false)
		if g == nil {
			return
		}
		i, found := searchHolders(g.items, it)
		if !found {
			return
		}
		if len(g.items) == 1 {
			ix.drop(sku, loc)
			return
		}
		g.items = removeAt(g.items, i)
	})
}

// sameHeld reports whether a and b are in the same groups.
func sameHeld(a, b entryRef, names *interner) bool {
	return sameSKU(a, b, names) && sameAllocKeys(a, b, names)
}

// replace moves old's items to e's, unless they are the same items in
// the same groups (the common case of an update), which then stay as
// they are.
func (ix *holderIndex) replace(old, e entryRef) {
	if sameHeld(old, e, ix.names) && holderItemOf(old) == holderItemOf(e) {
		return
	}
	ix.remove(old)
	ix.add(e)
}

// update is replace for an entry written in place, which the index holds
// already: it moves only if its groups or its place changed.
func (ix *holderIndex) update(old, e entryRef) {
	if old.b.seq == e.b.seq && sameHeld(old, e, ix.names) {
		return
	}
	ix.remove(old)
	ix.add(e)
}

// group returns the sorted items of (sku, loc). The slice is the index's
// own.
func (ix *holderIndex) group(sku, loc string) []holderItem {
	if g := ix.groupOf(sku, loc, false); g != nil {
		return g.items
	}
	return nil
}
