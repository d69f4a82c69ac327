package pgstore

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/backorderkit/backorderkit/backorder"
)

// eventRow is an event as the outbox statement takes it.
type eventRow struct {
	Type string
	At   pgtype.Timestamptz
	Doc  []byte
}

// eventArgs returns the outbox statement's arguments for rows.
func eventArgs(rows []eventRow) []any {
	types, at, docs := make([]string, len(rows)), make([]pgtype.Timestamptz, len(rows)), make([][]byte, len(rows))
	for i, r := range rows {
		types[i], at[i], docs[i] = r.Type, r.At, r.Doc
	}
	return []any{int64(len(rows)), types, at, docs}
}

// AppendEvents implements backorder.EventTx. It increments the outbox
// head in this transaction: the head's row lock, held until COMMIT, makes
// appenders commit in sequence order, and a rollback returns the numbers.
func (t *txn) AppendEvents(evs []backorder.Event) error {
	if err := t.check(true); err != nil {
		return err
	}
	if len(evs) == 0 {
		return nil
	}
	rows, err := eventRows(evs, nil)
	if err != nil {
		return err
	}
	// Events queued before these come first.
	t.flushOutbox()
	var base int64
	found := false
	err = t.send("AppendEvents", stmt{sql: t.s.q.appendEvents, args: eventArgs(rows),
		rows: func(rows pgx.Rows) error {
			for rows.Next() {
				if err := rows.Scan(&base); err != nil {
					return err
				}
				found = true
			}
			return rows.Err()
		}})
	if err != nil {
		return err
	}
	if !found {
		t.err = fmt.Errorf("pgstore: AppendEvents: the outbox head row is missing; was Migrate run?")
		return t.err
	}
	for i := range evs {
		evs[i].Seq = uint64(base) + uint64(i) + 1
	}
	return nil
}

// eventRows appends evs to rows as outbox records.
func eventRows(evs []backorder.Event, rows []eventRow) ([]eventRow, error) {
	for i, e := range evs {
		e.Seq = 0
		doc, err := encodeDocAt("Events", i, e)
		if err != nil {
			return nil, err
		}
		rows = append(rows, eventRow{Type: string(e.Type), At: tsArg(e.At), Doc: doc})
	}
	return rows, nil
}

// QueueEvents implements backorder.EventQueuer. The events go out with
// COMMIT, numbered by the last statement before it, so the outbox head's
// row lock, which orders appenders, is held only while the server commits.
// An AppendEvents or Events call in the same transaction sends them first.
func (t *txn) QueueEvents(evs []backorder.Event) error {
	if err := t.check(true); err != nil {
		return err
	}
	rows, err := eventRows(evs, t.outbox)
	if err != nil {
		return err
	}
	t.outbox = rows
	return nil
}

// flushOutbox queues the write of the queued events: one events row for
// a single event, else one event_batches row for them all.
func (t *txn) flushOutbox() {
	if len(t.outbox) == 0 {
		return
	}
	sql, args := t.s.q.appendEvents, eventArgs(t.outbox)
	if len(t.outbox) > 1 {
		sql, args = t.s.q.appendEventBatch, []any{int64(len(t.outbox)), batchDoc(t.outbox)}
	}
	t.outbox = nil
	found := false
	t.queue(stmt{sql: sql, args: args,
		rows: func(rows pgx.Rows) error {
			for rows.Next() {
				found = true
			}
			if err := rows.Err(); err != nil {
				return err
			}
			if !found {
				return errNoOutboxHead
			}
			return nil
		}})
}

var errNoOutboxHead = fmt.Errorf("pgstore: the outbox head row is missing; was Migrate run?")

// batchDoc returns the document of an event_batches row: the events'
// documents as one JSON array, in order.
func batchDoc(rows []eventRow) []byte {
	n := 2
	for _, r := range rows {
		n += len(r.Doc) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, '[')
	for i, r := range rows {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, r.Doc...)
	}
	return append(b, ']')
}

// eventSpan is a row the events statement reads: the events numbered
// first to last, in one document (last = first) or a JSON array of them.
type eventSpan struct {
	first, last int64
	doc         []byte
}

// spanEvents appends to out the events of spans, which it sorts, that
// come after seq after, up to limit events in all.
func spanEvents(out []backorder.Event, spans []eventSpan, after uint64, limit int) ([]backorder.Event, error) {
	slices.SortFunc(spans, func(a, b eventSpan) int { return cmp.Compare(a.first, b.first) })
	for _, sp := range spans {
		if len(out) >= limit {
			break
		}
		if d := bytes.TrimLeft(sp.doc, " \t\r\n"); sp.first == sp.last && (len(d) == 0 || d[0] != '[') {
			var e backorder.Event
			if err := decodeDoc("event", sp.doc, &e); err != nil {
				return nil, err
			}
			e.Seq = uint64(sp.first)
			if e.Seq > after {
				out = append(out, e)
			}
			continue
		}
		var docs []json.RawMessage
		if err := decodeDoc("event batch", sp.doc, &docs); err != nil {
			return nil, err
		}
		if int64(len(docs)) != sp.last-sp.first+1 {
			return nil, fmt.Errorf("pgstore: decoding event batch %d..%d: it holds %d events", sp.first, sp.last, len(docs))
		}
		for i, d := range docs {
			seq := uint64(sp.first) + uint64(i)
			if seq <= after {
				continue
			}
			if len(out) >= limit {
				break
			}
			var e backorder.Event
			if err := decodeDoc("event", d, &e); err != nil {
				return nil, err
			}
			e.Seq = seq
			out = append(out, e)
		}
	}
	return out, nil
}

// Events implements backorder.EventTx. Inside Update it locks the outbox
// head, so no append can commit between the read and the end of the
// transaction.
func (t *txn) Events(after uint64, limit int) ([]backorder.Event, error) {
	if err := t.check(false); err != nil {
		return nil, err
	}
	if limit <= 0 || after >= math.MaxInt64 {
		return nil, nil
	}
	if !t.readOnly {
		t.flushOutbox()
		t.queue(stmt{sql: t.s.q.lockOutbox})
	}
	var spans []eventSpan
	err := t.send("Events", stmt{sql: t.s.q.events, args: []any{int64(after), int64(limit)}, rows: func(rows pgx.Rows) error {
		spans = spans[:0] // a batch may be read again
		for rows.Next() {
			var sp eventSpan
			if err := rows.Scan(&sp.first, &sp.last, &sp.doc); err != nil {
				return err
			}
			spans = append(spans, sp)
		}
		return rows.Err()
	}})
	if err != nil {
		return nil, err
	}
	return spanEvents(nil, spans, after, limit)
}

// Command implements backorder.CommandTx.
func (t *txn) Command(key string) (backorder.Command, error) {
	if err := t.check(false); err != nil {
		return backorder.Command{}, err
	}
	if checkText("key", key) != nil {
		return backorder.Command{}, notFound("command", key)
	}
	if m, ok := t.cmds[key]; ok {
		if m.found {
			return m.v.Clone(), nil
		}
		if !t.readOnly {
			t.markAbsent(key)
		}
		return backorder.Command{}, notFound("command", key)
	}
	t.lock(lockExcl, t.key(kindCommand, key))
	c := backorder.Command{Key: key}
	found := false
	err := t.send("Command", stmt{sql: t.s.q.command, args: []any{key}, rows: func(rows pgx.Rows) error {
		for rows.Next() {
			var at pgtype.Timestamptz
			var result []byte
			if err := rows.Scan(&result, &at); err != nil {
				return err
			}
			c.Result = result
			c.At = tsVal(at)
			found = true
		}
		return rows.Err()
	}})
	if err != nil {
		return backorder.Command{}, err
	}
	if !found {
		if !t.readOnly {
			t.markAbsent(key)
		}
		return backorder.Command{}, notFound("command", key)
	}
	return c, nil
}

// markAbsent records that the command key, read under its lock, is absent:
// it stays so until this transaction writes it.
func (t *txn) markAbsent(key string) {
	if t.absentCmds == nil {
		t.absentCmds = make(map[string]struct{})
	}
	t.absentCmds[key] = struct{}{}
}

// PutCommand implements backorder.CommandTx.
func (t *txn) PutCommand(c backorder.Command) error {
	if err := t.check(true); err != nil {
		return err
	}
	if err := checkText("Command.Key", c.Key); err != nil {
		return err
	}
	t.lock(lockExcl, t.key(kindCommand, c.Key))
	delete(t.cmds, c.Key)
	var result []byte
	if c.Result != nil {
		result = slices.Clone([]byte(c.Result))
	}
	put := stmt{sql: t.s.q.putCommand, args: []any{c.Key, result, tsArg(c.At)}}
	if _, ok := t.absentCmds[c.Key]; ok {
		delete(t.absentCmds, c.Key)
		put.tag = func(ct pgconn.CommandTag) error {
			if ct.RowsAffected() == 0 {
				return fmt.Errorf("command %q already recorded: %w", c.Key, backorder.ErrConflict)
			}
			return nil
		}
		t.queue(put)
		return nil
	}
	var affected int64
	put.tag = func(ct pgconn.CommandTag) error { affected = ct.RowsAffected(); return nil }
	if err := t.send("PutCommand", put); err != nil {
		return err
	}
	if affected == 0 {
		return fmt.Errorf("pgstore: command %q already recorded: %w", c.Key, backorder.ErrConflict)
	}
	return nil
}
