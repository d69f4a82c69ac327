package memstore

import (
	"slices"

	"github.com/backorderkit/backorderkit/backorder"
)

// positionTable holds the stock positions, grouped by SKU and sorted by
// location within a group: the only form the reads need. A write finds its
// position with one map lookup and a binary search, where a table of rows
// and a sorted index kept beside it cost four lookups of string keys.
// Positions hold no references, so a group is updated in place; the undo
// record keeps the value a write replaced.
type positionTable struct {
	groups  strMap[[]backorder.StockPosition]
	changes []positionChange
	log     *undoLog
	id      uint8 // in log
}

// positionChange is the state of one position before a write: its old
// value, or, when it did not exist, its key.
type positionChange struct {
	old backorder.StockPosition
	had bool
}

func newPositionTable(log *undoLog) *positionTable {
	t := &positionTable{groups: newStrMap[[]backorder.StockPosition](), log: log}
	t.id = log.register(t)
	return t
}

func byLocation(p backorder.StockPosition, loc string) int {
	switch {
	case p.Location < loc:
		return -1
	case p.Location > loc:
		return 1
	}
	return 0
}

// find returns where the position at loc is in the sorted group g, or
// would be: one by one in a short group (a SKU is stocked at a few
// locations, and a binary search through a function value cost more), by
// halves in a long one.
func find(g []backorder.StockPosition, loc string) (int, bool) {
	if len(g) <= 8 {
		for i := range g {
			// Equality first: one comparison for the location sought,
			// where an ordering and then an equality test made two.
			if l := g[i].Location; l == loc {
				return i, true
			} else if l > loc {
				return i, false
			}
		}
		return len(g), false
	}
	return slices.BinarySearchFunc(g, loc, byLocation)
}

// group returns the SKU's positions, sorted by location. The slice is the
// table's own.
func (t *positionTable) group(sku string) []backorder.StockPosition {
	if g := t.groups.get(sku); g != nil {
		return *g
	}
	return nil
}

// put inserts or replaces the position keyed by (SKU, Location).
func (t *positionTable) put(p backorder.StockPosition) {
	g := t.groups.get(p.SKU)
	if g == nil {
		g = new([]backorder.StockPosition)
		t.groups.set(p.SKU, g)
	}
	i, found := find(*g, p.Location)
	if found {
		t.changes = append(t.changes, positionChange{old: (*g)[i], had: true})
		(*g)[i] = p
	} else {
		t.changes = append(t.changes, positionChange{old: backorder.StockPosition{SKU: p.SKU, Location: p.Location}})
		*g = slices.Insert(*g, i, p)
	}
	t.log.add(t.id)
}

func (t *positionTable) undoLast() {
	n := len(t.changes) - 1
	c := t.changes[n]
	t.changes[n] = positionChange{}
	t.changes = t.changes[:n]
	g := t.groups.get(c.old.SKU)
	i, _ := find(*g, c.old.Location)
	if c.had {
		(*g)[i] = c.old
		return
	}
	if len(*g) == 1 {
		t.groups.del(c.old.SKU)
		return
	}
	*g = slices.Delete(*g, i, i+1)
}

func (t *positionTable) forget() { t.changes = resetUndo(t.changes) }

// sequenceTable holds the counters of NextSequence, each behind a pointer
// so that taking the next number is one map lookup.
type sequenceTable struct {
	counters strMap[int64]
	changes  []sequenceChange
	log      *undoLog
	id       uint8 // in log
}

// sequenceChange undoes one increment: of a counter that existed, or that
// the increment created.
type sequenceChange struct {
	name    string
	counter *int64
	created bool
}

func newSequenceTable(log *undoLog) *sequenceTable {
	t := &sequenceTable{counters: newStrMap[int64](), log: log}
	t.id = log.register(t)
	return t
}

// next increments the named counter and returns its new value.
func (t *sequenceTable) next(name string) int64 {
	c := t.counters.get(name)
	created := c == nil
	if created {
		c = new(int64)
		t.counters.set(name, c)
	}
	*c++
	t.changes = append(t.changes, sequenceChange{name: name, counter: c, created: created})
	t.log.add(t.id)
	return *c
}

func (t *sequenceTable) undoLast() {
	n := len(t.changes) - 1
	c := t.changes[n]
	t.changes[n] = sequenceChange{}
	t.changes = t.changes[:n]
	if c.created {
		t.counters.del(c.name)
		return
	}
	*c.counter--
}

func (t *sequenceTable) forget() { t.changes = resetUndo(t.changes) }
