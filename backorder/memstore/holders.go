package memstore

import "slices"

// holderIndex groups book entries by SKU and by each location where they
// hold stock, each group sorted by Seq then line id, as a seqIndex keyed
// by (SKU, location) would. It finds a SKU's groups with one lookup of
// the SKU, and the location's among them (a SKU is stocked at a few) one
// by one: hashing a pair of strings cost as much as the rest of writing
// an entry into the index.
type holderIndex struct {
	skus  strMap[[]locItems]
	names *interner // the store's, for the entries' SKUs and locations
}

// locItems is the group of one location.
type locItems struct {
	loc   string
	items []seqItem
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
	it := itemOf(e)
	sku := e.skuName(ix.names)
	e.held(ix.names, func(loc string) {
		g := ix.groupOf(sku, loc, true)
		// Appends dominate: sequence numbers rise over time.
		if n := len(g.items); n == 0 || compareItems(g.items[n-1], it) < 0 {
			g.items = append(g.items, it)
			return
		}
		i, _ := search(g.items, it)
		g.items = slices.Insert(g.items, i, it)
	})
}

func (ix *holderIndex) remove(e entryRef) {
	it := itemOf(e)
	sku := e.skuName(ix.names)
	e.held(ix.names, func(loc string) {
		g := ix.groupOf(sku, loc, false)
		if g == nil {
			return
		}
		i, found := search(g.items, it)
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

// replace swaps old for e where they belong to the same groups at the same
// place, which is the common case of an update, and otherwise moves it.
func (ix *holderIndex) replace(old, e entryRef) {
	it := itemOf(e)
	if !sameHeld(old, e, ix.names) || compareItems(itemOf(old), it) != 0 {
		ix.remove(old)
		ix.add(e)
		return
	}
	sku := e.skuName(ix.names)
	e.held(ix.names, func(loc string) {
		if g := ix.groupOf(sku, loc, false); g != nil {
			if i, found := search(g.items, it); found {
				g.items[i] = it
			}
		}
	})
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
func (ix *holderIndex) group(sku, loc string) []seqItem {
	if g := ix.groupOf(sku, loc, false); g != nil {
		return g.items
	}
	return nil
}
