package memstore

import (
	"slices"

	"github.com/backorderkit/backorderkit/backorder"
)

// lineRow is what the store keeps under one line id: the line, and the
// line's book entries, one per SKU. Lines and book entries share one table
// because they come and go together: a line's entry is written in the same
// transaction as the line, and finding both with one lookup in one map
// halved the map work of placing an order (a second map of every open line
// cost a lookup, an insertion and its growth per line).
//
// A row is a value; the line and entries it points to are never modified
// in place, like every stored value.
type lineRow struct {
	// line is the line, or nil when only book entries are stored under its
	// id (the BookTx contract does not require the line to exist).
	line *backorder.Line
	// entry is the first book entry, nearly always the only one, under the
	// line's own SKU; more holds entries under other SKUs. Either may be
	// nil while the other is not.
	entry *backorder.BookEntry
	more  *[]*backorder.BookEntry
	// slot is free room for a book entry beside the line (see
	// openLineBox), or nil. Only this row points to it: an entry is
	// stored there at most once, by the write that replaces this row
	// with one whose slot is nil. (A rolled-back write leaves it free
	// again: nothing else points to what it wrote there.)
	slot *backorder.BookEntry
}

// empty reports whether the row holds nothing, and is deleted.
func (r lineRow) empty() bool {
	return r.line == nil && r.entry == nil && (r.more == nil || len(*r.more) == 0)
}

// entries calls fn for each of the row's book entries.
func (r lineRow) entries(fn func(*backorder.BookEntry)) {
	if r.entry != nil {
		fn(r.entry)
	}
	if r.more != nil {
		for _, e := range *r.more {
			fn(e)
		}
	}
}

// withEntry returns the row with its entry under sku replaced by e, or
// removed if e is nil.
func (r lineRow) withEntry(sku string, e *backorder.BookEntry) lineRow {
	switch {
	case r.entry != nil && r.entry.SKU == sku:
		r.entry = e
		return r
	case r.more != nil:
		for i, x := range *r.more {
			if x.SKU == sku {
				more := slices.Clone(*r.more) // stored values are not modified in place
				if e != nil {
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
	case e == nil:
	case r.entry == nil:
		r.entry = e
	case r.more == nil:
		r.more = &[]*backorder.BookEntry{e}
	default:
		more := append(slices.Clip(*r.more), e)
		r.more = &more
	}
	return r
}

// lineIndex maintains an index of lines over the rows.
type lineIndex struct{ ix index[*backorder.Line] }

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

// entryIndex maintains an index of book entries over the rows.
type entryIndex struct{ ix index[*backorder.BookEntry] }

func (x entryIndex) add(r lineRow)    { r.entries(x.ix.add) }
func (x entryIndex) remove(r lineRow) { r.entries(x.ix.remove) }

func (x entryIndex) replace(old, r lineRow) {
	if old.more == r.more {
		// The common case: at most the first entry changed.
		switch {
		case old.entry == r.entry: // a change to the line only
		case old.entry == nil:
			x.ix.add(r.entry)
		case r.entry == nil:
			x.ix.remove(old.entry)
		case old.entry.SKU == r.entry.SKU:
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
