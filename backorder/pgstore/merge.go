package pgstore

import (
	"strings"

	"github.com/jackc/pgx/v5/pgtype"
)

// Statements are the server's cost: an operation that writes ten lines'
// positions, book entries and sequence counters would otherwise send thirty
// single-row statements. Such writes are queued as rows of a kind, and send
// merges the rows of each kind waiting in one batch into one statement over
// arrays (and adjacent lock statements into one).
//
// Merging keeps the transaction's outcome: rows of one kind are full-row
// upserts or deletes keyed by the row's key, so the last row for a key is
// what the rows one by one would leave; the merged statement goes where the
// kind's last row was, after every lock its rows needed; and a kind is left
// unmerged if another statement in between writes its table.

// rowKind is a kind of mergeable row.
type rowKind uint8

const (
	rowNone     rowKind = iota
	rowPosition         // a positions upsert
	rowBook             // a book upsert or delete
	rowSequence         // a sequences upsert
	rowLine             // a lines upsert of a line whose order exists
)

// table names the table each kind writes, for the in-between check.
var kindTable = [...]string{rowPosition: "positions", rowBook: "book", rowSequence: "sequences", rowLine: "lines"}

// row is one mergeable write.
type row struct {
	kind rowKind
	key  string
	// del marks a book row as a delete.
	del bool
	// args are the row's values, in the order of the kind's columns.
	args []any
}

// merge replaces, in pending, the rows of each kind that occurs more than
// once by one statement per kind, and runs of lock statements by one. It
// returns the new list: pending itself, or out with the list appended.
func (t *txn) merge(pending, out []stmt) []stmt {
	if len(pending) < 2 {
		return pending
	}
	var count [len(kindTable)]int
	var last [len(kindTable)]int
	for i := range pending {
		if k := pending[i].row.kind; k != rowNone {
			count[k]++
			last[k] = i
		}
	}
	var merged [len(kindTable)]bool
	for k := range kindTable {
		if count[k] < 2 {
			continue
		}
		merged[k] = true
		// Another statement writing the kind's table between its first
		// and last row would see the rows moved past it.
		first := -1
		for i := 0; i <= last[k]; i++ {
			st := &pending[i]
			if st.row.kind == rowKind(k) {
				if first < 0 {
					first = i
				}
				continue
			}
			if first >= 0 && st.table == kindTable[k] {
				merged[k] = false
				break
			}
		}
	}
	for i := range pending {
		st := pending[i]
		k := st.row.kind
		switch {
		case k != rowNone && merged[k]:
			if i == last[k] {
				out = append(out, t.mergeRows(k, pending)...)
			}
		case st.locks != nil && len(out) > 0 && out[len(out)-1].locks != nil:
			// Adjacent lock statements become one, keeping the order in
			// which the locks were asked for.
			prev := &out[len(out)-1]
			keys := append(append([]string(nil), prev.locks.keys...), st.locks.keys...)
			excl := append(append([]bool(nil), prev.locks.excl...), st.locks.excl...)
			*prev = t.lockStmt(keys, excl)
		default:
			out = append(out, st)
		}
	}
	return out
}

// lockSet is what a lock statement locks, in order, and in which mode.
type lockSet struct {
	keys []string
	excl []bool
}

// lockStmt returns the statement that takes the advisory locks keys in
// order, each exclusive where excl says so.
func (t *txn) lockStmt(keys []string, excl []bool) stmt {
	allExcl, allShared := true, true
	for _, x := range excl {
		allExcl = allExcl && x
		allShared = allShared && !x
	}
	st := stmt{locks: &lockSet{keys: keys, excl: excl}}
	switch {
	case allExcl:
		st.sql, st.args = t.s.q.lockExcl, []any{keys}
	case allShared:
		st.sql, st.args = t.s.q.lockShared, []any{keys}
	default:
		st.sql, st.args = t.s.q.lockMixed, []any{keys, excl}
	}
	return st
}

// mergeRows returns the statements that write the last row of each key of
// kind k in pending.
func (t *txn) mergeRows(k rowKind, pending []stmt) []stmt {
	// The last row for a key wins, at the place of the key's first row
	// (the order within one statement does not matter to the outcome).
	at := make(map[string]int)
	var rows []*row
	for i := range pending {
		r := &pending[i].row
		if r.kind != k {
			continue
		}
		if j, ok := at[r.key]; ok {
			rows[j] = r
			continue
		}
		at[r.key] = len(rows)
		rows = append(rows, r)
	}
	switch k {
	case rowPosition:
		skus, locs := make([]string, len(rows)), make([]string, len(rows))
		var cols [5][]int64
		for c := range cols {
			cols[c] = make([]int64, len(rows))
		}
		for i, r := range rows {
			skus[i], locs[i] = r.args[0].(string), r.args[1].(string)
			for c := range cols {
				cols[c][i] = r.args[2+c].(int64)
			}
		}
		return []stmt{{sql: t.s.q.putPositions, args: []any{skus, locs, cols[0], cols[1], cols[2], cols[3], cols[4]}}}
	case rowSequence:
		names, vals := make([]string, len(rows)), make([]int64, len(rows))
		for i, r := range rows {
			names[i], vals[i] = r.args[0].(string), r.args[1].(int64)
		}
		return []stmt{{sql: t.s.q.setSequences, args: []any{names, vals}}}
	case rowLine:
		ids, orders := make([]pgtype.UUID, len(rows)), make([]pgtype.UUID, len(rows))
		skus, open, docs := make([]string, len(rows)), make([]bool, len(rows)), make([][]byte, len(rows))
		for i, r := range rows {
			ids[i], orders[i] = r.args[0].(pgtype.UUID), r.args[1].(pgtype.UUID)
			skus[i], open[i], docs[i] = r.args[2].(string), r.args[3].(bool), r.args[4].([]byte)
		}
		return []stmt{{sql: t.s.q.putLines, args: []any{ids, orders, skus, open, docs, t.keyPrefix(kindOrder)},
			tag: expectRows("PutLine", int64(len(rows)))}}
	case rowBook:
		var delSKUs []string
		var delLines []pgtype.UUID
		var skus, customers []string
		var docs [][]byte
		var lines []pgtype.UUID
		var placed []pgtype.Timestamptz
		var seqs, backordered []int64
		var holds []string
		for _, r := range rows {
			if r.del {
				delSKUs = append(delSKUs, r.args[0].(string))
				delLines = append(delLines, r.args[1].(pgtype.UUID))
				continue
			}
			skus = append(skus, r.args[0].(string))
			lines = append(lines, r.args[1].(pgtype.UUID))
			customers = append(customers, r.args[2].(string))
			placed = append(placed, r.args[3].(pgtype.Timestamptz))
			seqs = append(seqs, r.args[4].(int64))
			backordered = append(backordered, r.args[5].(int64))
			holds = append(holds, arrayLiteral(r.args[6].([]string)))
			docs = append(docs, r.args[7].([]byte))
		}
		var out []stmt
		if len(delSKUs) > 0 {
			out = append(out, stmt{sql: t.s.q.deleteBookEntries, args: []any{delSKUs, delLines, t.keyPrefix(kindCustomer)}})
		}
		if len(skus) > 0 {
			out = append(out, stmt{sql: t.s.q.putBookEntries, args: []any{skus, lines, customers, placed, seqs,
				backordered, holds, docs, t.keyPrefix(kindCustomer)}})
		}
		return out
	}
	return nil
}

// arrayLiteral writes ss as a PostgreSQL array literal ({"a","b\"c"}), for
// a text[] value sent as one element of a text[] parameter: the server
// parses it with a cast, where a JSON array needed a subquery per row.
// Every element is quoted, with backslash and double quote escaped; the
// text holds no NUL (checked before it gets here).
func arrayLiteral(ss []string) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, s := range ss {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		for j := 0; j < len(s); j++ {
			if c := s[j]; c == '"' || c == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(s[j])
		}
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String()
}
