package memstore

import "slices"

// lineRow is what the store keeps under one line id: the line, and the
// line's book entries, one per SKU. Lines and book entries share one table
// because they come and go together: a line's entry is written in the same
// transaction as the line, and finding both with one lookup in one map
// halved the map work of placing an order (a second map of every open line
// cost a lookup, an insertion and its growth per line).
//
// The row, its line box and its home entry box are changed in place by
// lineTable.write, which keeps their old contents for undo; entries other
// than the home's are never modified in place.
type lineRow struct {
	// line is the line, or nil when only book entries are stored under its
	// id (the BookTx contract does not require the line to exist).
	line *lineBox
	// ob is the box of a registered block that line and home were made
	// in, if they were made in one (see openLineBox), or none: how the
	// table stores the row depends on it (see rowSlot).
	ob blockRef
	// lext is what line's box has no room for (see lineExt), or nil.
	lext *lineExt
	// entry is the first book entry, nearly always the only one, under the
	// line's own SKU; more holds entries under other SKUs. Either may be
	// none (a nil box) while the other is not.
	entry entryRef
	more  *[]entryRef
	// home is the row's room for its first entry (see openLineBox), or
	// nil; entry.b is home, or another box, or nil (the room free).
	// An entry written there is written in place.
	home *entryBox
	// homeTx is the transaction (lineTable.tx) that last stored or
	// removed the entry in home: while it runs, the entry there may be
	// what an undo record refers to.
	homeTx uint64
}

// empty reports whether the row holds nothing, and is deleted.
func (r lineRow) empty() bool {
	return r.line == nil && r.entry.b == nil && (r.more == nil || len(*r.more) == 0)
}

// anyWaiting reports whether any of the row's book entries waits.
func (r *lineRow) anyWaiting() bool {
	if r.entry.b != nil && r.entry.waiting() {
		return true
	}
	if r.more != nil {
		for _, e := range *r.more {
			if e.waiting() {
				return true
			}
		}
	}
	return false
}

// entries calls fn for each of the row's book entries.
func (r lineRow) entries(fn func(entryRef)) {
	if r.entry.b != nil {
		fn(r.entry)
	}
	if r.more != nil {
		for _, e := range *r.more {
			fn(e)
		}
	}
}

// entryUnder returns the row's book entry under sku, if it has one.
func (r lineRow) entryUnder(sku string, names *interner) (entryRef, bool) {
	if r.entry.b != nil && r.entry.skuName(names) == sku {
		return r.entry, true
	}
	if r.more != nil {
		for _, e := range *r.more {
			if e.skuName(names) == sku {
				return e, true
			}
		}
	}
	return entryRef{}, false
}

// inMore reports whether the row has an entry under sku in more.
func (r lineRow) inMore(sku string, names *interner) bool {
	if r.more != nil {
		for _, x := range *r.more {
			if x.skuName(names) == sku {
				return true
			}
		}
	}
	return false
}

// withEntry returns the row with its entry under sku replaced by e, or
// removed if e is none.
func (r lineRow) withEntry(sku string, e entryRef, names *interner) lineRow {
	switch {
	case r.entry.b != nil && r.entry.skuName(names) == sku:
		r.entry = e
		return r
	case r.more != nil:
		for i, x := range *r.more {
			if x.skuName(names) == sku {
				more := slices.Clone(*r.more) // stored values are not modified in place
				if e.b != nil {
					more[i] = e
				} else {
					more = slices.Delete(more, i, i+1)
				}
				r.more = &more
				return r
			}
		}
	}
	switch {
	case e.b == nil:
	case r.entry.b == nil:
		r.entry = e
	case r.more == nil:
		r.more = &[]entryRef{e}
	default:
		more := append(slices.Clip(*r.more), e)
		r.more = &more
	}
	return r
}

// lineIndex maintains an index of lines over the rows.
type lineIndex struct{ ix index[*lineBox] }

func (l lineIndex) add(r lineRow) {
	if r.line != nil {
		l.ix.add(r.line)
	}
}

func (l lineIndex) remove(r lineRow) {
	if r.line != nil {
		l.ix.remove(r.line)
	}
}

// replace is given, for a line written in place, a copy of its old
// value as old.line (see lineTable.write), so that the same box in both
// means the line did not change.
func (l lineIndex) replace(old, r lineRow) {
	switch {
	case old.line == r.line: // a change to the row's entries
	case old.line == nil:
		l.ix.add(r.line)
	case r.line == nil:
		l.ix.remove(old.line)
	default:
		l.ix.replace(old.line, r.line)
	}
}

// rewritten is replace: a line written in place is old.line's copy.
func (l lineIndex) rewritten(old, r lineRow) { l.replace(old, r) }

// entryIx is an index of book entries.
type entryIx interface {
	index[entryRef]
	// update is replace for an entry written in place: old is a copy of
	// its old value, and the index holds e already.
	update(old, e entryRef)
}

// entryIndex maintains an index of book entries over the rows.
type entryIndex struct {
	ix    entryIx
	names *interner
}

func (x entryIndex) add(r lineRow)    { r.entries(x.ix.add) }
func (x entryIndex) remove(r lineRow) { r.entries(x.ix.remove) }

func (x entryIndex) replace(old, r lineRow) {
	if old.more == r.more {
		// The common case: at most the first entry changed.
		switch {
		case old.entry == r.entry: // a change to the line only
		case old.entry.b == nil:
			x.ix.add(r.entry)
		case r.entry.b == nil:
			x.ix.remove(old.entry)
		case sameSKU(old.entry, r.entry, x.names):
			x.ix.replace(old.entry, r.entry)
		default:
			x.ix.remove(old.entry)
			x.ix.add(r.entry)
		}
		return
	}
	x.remove(old)
	x.add(r)
}

// rewritten is replace for the row's first entry written in place (see
// lineTable.write): old.entry is a copy of its old value, or none if
// there was none.
func (x entryIndex) rewritten(old, r lineRow) {
	switch {
	case old.entry.b == nil:
		x.ix.add(r.entry)
	case old.entry.sp != r.entry.sp:
		// The index holds the entry with its old spill, which it must
		// no longer read: the entry is written into it again.
		x.ix.replace(old.entry, r.entry)
	case sameEntryKeys(old.entry, r.entry, x.names):
		// The index holds r.entry already, where it was: a shipment
		// committing a line's stock changes none of its keys.
	default:
		x.ix.update(old.entry, r.entry)
	}
}

// sameEntryKeys reports whether a and b are kept in the same places by
// every entry index (init's waiting, holders and customers): the same SKU,
// line and Seq, waiting or not alike, the same customer, and the same
// locations held in the same order (a sufficient test, cheaper than
// building each index's keys).
func sameEntryKeys(a, b entryRef, names *interner) bool {
	return a.b.lineID == b.b.lineID && a.b.seq == b.b.seq && a.waiting() == b.waiting() && sameSKU(a, b, names) &&
		sameCustomer(a, b, names) && sameAllocKeys(a, b, names)
}
