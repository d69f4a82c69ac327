package memstore

import "slices"

// undoer is a table that can revert the most recent change it recorded.
// Every write appends the table's number to the store's undo log; a
// rollback walks the log backwards, so changes are reverted in the reverse
// order of their making, across tables.
type undoer interface {
	// undoLast reverts the table's most recent recorded change.
	undoLast()
	// forget drops the recorded changes after a commit.
	forget()
}

// undoLog is the store's undo log: the tables, numbered as they are made,
// and, for each change of the running Update in order, the number of the
// table that made it. It keeps numbers, not the tables as interface
// values: an order placed writes the log some thirty times, and memory
// without pointers is written without the write barrier and never
// scanned by the garbage collector.
type undoLog struct {
	tables []undoer // by number
	order  []uint8  // the table of each change, oldest first
}

// register numbers t, a new table of the store, and returns its number.
func (l *undoLog) register(t undoer) uint8 {
	l.tables = append(l.tables, t)
	return uint8(len(l.tables) - 1) // a store has a dozen tables
}

// add records a change made by table id.
func (l *undoLog) add(id uint8) { l.order = append(l.order, id) }

// rollback reverts the changes, newest first.
func (l *undoLog) rollback() {
	for i := len(l.order) - 1; i >= 0; i-- {
		l.tables[l.order[i]].undoLast()
	}
}

// commit forgets the changes.
func (l *undoLog) commit() {
	for _, t := range l.tables {
		t.forget()
	}
	l.order = l.order[:0]
}

// change is the state of one row before a write: its old value, and whether
// it existed at all.
type change[K comparable, V any] struct {
	key K
	old V
	had bool
}

// index is a secondary index kept in step with a table's rows.
type index[V any] interface {
	add(V)
	remove(V)
	// replace swaps old for v, which has the same key.
	replace(old, v V)
}

// table is a map of rows with secondary indexes and an undo record of every
// change made in the running transaction. Stored values are never modified
// in place: a write replaces them, so an old value kept for undo, or shared
// with an index, stays valid.
type table[K comparable, V any] struct {
	rows    map[K]V
	indexes []index[V]
	changes []change[K, V]
	log     *undoLog
	id      uint8 // in log
}

func newTable[K comparable, V any](log *undoLog, indexes ...index[V]) *table[K, V] {
	t := &table[K, V]{rows: make(map[K]V), indexes: indexes, log: log}
	t.id = log.register(t)
	return t
}

// put inserts or replaces the row at k.
func (t *table[K, V]) put(k K, v V) {
	old, had := t.rows[k]
	t.putOver(k, v, old, had)
}

// putOver is put for a caller that has just looked k up: old and had are
// what t.rows[k] held.
func (t *table[K, V]) putOver(k K, v V, old V, had bool) {
	t.record(k, old, had)
	t.rows[k] = v
	if had {
		for _, ix := range t.indexes {
			ix.replace(old, v)
		}
		return
	}
	t.reindex(v)
}

func (t *table[K, V]) record(k K, old V, had bool) {
	t.changes = append(t.changes, change[K, V]{key: k, old: old, had: had})
	t.log.add(t.id)
}

func (t *table[K, V]) unindex(v V) {
	for _, ix := range t.indexes {
		ix.remove(v)
	}
}

func (t *table[K, V]) reindex(v V) {
	for _, ix := range t.indexes {
		ix.add(v)
	}
}

func (t *table[K, V]) undoLast() {
	n := len(t.changes) - 1
	c := t.changes[n]
	t.changes[n] = change[K, V]{}
	t.changes = t.changes[:n]
	if cur, ok := t.rows[c.key]; ok {
		t.unindex(cur)
	}
	if !c.had {
		delete(t.rows, c.key)
		return
	}
	t.rows[c.key] = c.old
	t.reindex(c.old)
}

func (t *table[K, V]) forget() {
	clear(t.changes)
	t.changes = t.changes[:0]
}

// sortedIndex groups values and keeps each group sorted by cmp, which must be
// a total order on the values it holds (it ends with the row's key), so that
// a value is found again by binary search.
type sortedIndex[G comparable, V any] struct {
	// groups holds each group's slice behind a pointer, so that a change
	// to a group is one map lookup rather than a lookup and an assignment.
	groups map[G]*[]V
	// keys appends to dst the groups v belongs to (none, one or several).
	keys      func(v V, dst []G) []G
	cmp       func(a, b V) int
	buf, buf2 []G
}

func newSortedIndex[G comparable, V any](keys func(V, []G) []G, cmp func(a, b V) int) *sortedIndex[G, V] {
	return &sortedIndex[G, V]{groups: make(map[G]*[]V), keys: keys, cmp: cmp}
}

func (ix *sortedIndex[G, V]) add(v V) {
	ix.buf = ix.keys(v, ix.buf[:0])
	for _, g := range ix.buf {
		p := ix.groups[g]
		if p == nil {
			p = new([]V)
			ix.groups[g] = p
		}
		// Appends dominate: keys mostly rise over time.
		if n := len(*p); n == 0 || ix.cmp((*p)[n-1], v) < 0 {
			*p = append(*p, v)
			continue
		}
		i, _ := slices.BinarySearchFunc(*p, v, ix.cmp)
		*p = slices.Insert(*p, i, v)
	}
}

func (ix *sortedIndex[G, V]) remove(v V) {
	ix.buf = ix.keys(v, ix.buf[:0])
	for _, g := range ix.buf {
		p := ix.groups[g]
		if p == nil {
			continue
		}
		i, found := slices.BinarySearchFunc(*p, v, ix.cmp)
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

// removeAt removes s[i], moving the shorter side: old rows leave first (the
// earliest lines ship first), so a removal near the front costs almost
// nothing instead of a copy of the whole group.
func removeAt[T any](s []T, i int) []T {
	if i < len(s)/2 {
		copy(s[1:i+1], s[:i])
		var zero T
		s[0] = zero
		return s[1:]
	}
	return slices.Delete(s, i, i+1)
}

// replace overwrites old with v where they belong to the same groups at the
// same place, which is the common case of an update, and otherwise moves it.
func (ix *sortedIndex[G, V]) replace(old, v V) {
	ix.buf = ix.keys(old, ix.buf[:0])
	ix.buf2 = ix.keys(v, ix.buf2[:0])
	if !slices.Equal(ix.buf, ix.buf2) || ix.cmp(old, v) != 0 {
		ix.remove(old)
		ix.add(v)
		return
	}
	for _, g := range ix.buf {
		if p := ix.groups[g]; p != nil {
			if i, found := slices.BinarySearchFunc(*p, old, ix.cmp); found {
				(*p)[i] = v
			}
		}
	}
}

// group returns the sorted values of group g. The slice is the index's own.
func (ix *sortedIndex[G, V]) group(g G) []V {
	if p := ix.groups[g]; p != nil {
		return *p
	}
	return nil
}

// setIndex groups values without keeping them in order: a write costs a
// map operation whatever the group's size, and a read sorts the group. It
// suits groups that are read rarely and written often.
type setIndex[G, K comparable, V any] struct {
	groups map[G]map[K]V
	// group says which group v belongs to, if any.
	group func(v V) (G, bool)
	key   func(v V) K
}

func newSetIndex[G, K comparable, V any](group func(V) (G, bool), key func(V) K) *setIndex[G, K, V] {
	return &setIndex[G, K, V]{groups: make(map[G]map[K]V), group: group, key: key}
}

func (ix *setIndex[G, K, V]) add(v V) {
	g, ok := ix.group(v)
	if !ok {
		return
	}
	m := ix.groups[g]
	if m == nil {
		m = make(map[K]V)
		ix.groups[g] = m
	}
	m[ix.key(v)] = v
}

func (ix *setIndex[G, K, V]) remove(v V) {
	g, ok := ix.group(v)
	if !ok {
		return
	}
	m := ix.groups[g]
	delete(m, ix.key(v))
	if len(m) == 0 {
		delete(ix.groups, g)
	}
}

func (ix *setIndex[G, K, V]) replace(old, v V) {
	ix.remove(old)
	ix.add(v)
}

// update is replace for a value written in place, which the index holds
// already: it moves only if its group or key changed.
func (ix *setIndex[G, K, V]) update(old, v V) {
	g0, ok0 := ix.group(old)
	g1, ok1 := ix.group(v)
	if ok0 == ok1 && (!ok0 || g0 == g1 && ix.key(old) == ix.key(v)) {
		return
	}
	ix.remove(old)
	ix.add(v)
}

// sorted returns group g's values sorted by cmp, in a new slice.
func (ix *setIndex[G, K, V]) sorted(g G, cmp func(a, b V) int) []V {
	m := ix.groups[g]
	if len(m) == 0 {
		return nil
	}
	out := make([]V, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	slices.SortFunc(out, cmp)
	return out
}
