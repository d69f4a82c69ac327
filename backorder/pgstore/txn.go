package pgstore

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// txn is the backorder.Tx of one Update or View.
//
// Round trips are the cost that matters, so a txn talks to the server in
// pipelined batches: BEGIN goes out with the first statement, lock
// statements go out with the read they protect, and writes whose outcome
// the caller does not need at once are queued and go out with the next read
// or with COMMIT. A queued write that fails makes that later call (or
// Update) fail; the transaction is then unusable and rolls back.
type txn struct {
	ctx      context.Context
	s        *Store
	conn     *pgx.Conn
	readOnly bool
	done     bool // fn returned: the Tx is no longer valid
	begun    bool // BEGIN has been sent
	pending  []stmt
	spare    []stmt // what send merges pending into
	// held is the mode of every advisory lock taken or queued.
	held map[string]lockMode
	// stockLocked says whether a SKU's stock lock was taken.
	stockLocked bool
	// orders are orders known to exist in this transaction (orders are
	// never deleted), so PutLine on them can be queued.
	orders map[uuid.UUID]struct{}
	// pos and book hold what this transaction read of a SKU's positions
	// and waiting book, until it writes them.
	pos  map[string][]backorder.StockPosition
	book map[string][]backorder.BookEntry
	// absentCmds are command keys read as absent under their lock and not
	// written since, so PutCommand on them cannot conflict and is queued.
	absentCmds map[string]struct{}
	// items, lines and seqs hold what Prefetch (or an earlier call) read of
	// items, lines and sequence values, until this transaction writes them.
	items map[string]maybe[backorder.Item]
	lines map[uuid.UUID]maybe[backorder.Line]
	seqs  map[string]int64
	// cmds, orderCache, locs and inbounds hold what Prefetch read of
	// command records, orders (with their lines), the locations and open
	// inbounds by SKU, until this transaction writes them.
	cmds       map[string]maybe[backorder.Command]
	orderCache map[uuid.UUID]maybe[backorder.Order]
	locs       []backorder.Location
	inbounds   map[string][]backorder.Inbound
	// outbox holds the events QueueEvents queued, to be numbered and
	// written just before COMMIT.
	outbox []eventRow
	// err is the first failure; every later call returns it.
	err error
}

// maybe is a lookup's result: the value, or that there is none.
type maybe[T any] struct {
	found bool
	v     T
}

type lockMode uint8

const (
	lockShared lockMode = 1
	lockExcl   lockMode = 2
)

// stmt is one statement of a batch.
type stmt struct {
	sql  string
	args []any
	// rows, if set, reads the statement's rows.
	rows func(pgx.Rows) error
	// tag, if set, checks the statement's command tag.
	tag func(pgconn.CommandTag) error
	// row, if its kind is set, makes a queued write one row that send may
	// merge with the other rows of its kind (see merge.go).
	row row
	// table names the table a queued statement that is not a row writes
	// or reads, if rows of that table's kind may be queued around it.
	table string
	// locks, if set, says which locks a lock statement takes.
	locks *lockSet
}

func newTxn(ctx context.Context, s *Store, conn *pgx.Conn, readOnly bool) *txn {
	t := &txn{ctx: ctx, s: s, conn: conn, readOnly: readOnly}
	l := s.stmtLists.Get().(*stmtLists)
	t.pending, t.spare = l.pending, l.spare
	return t
}

// stmtLists are a transaction's two statement lists: the queue, and the
// list send merges it into. A Store reuses them from one transaction to the
// next; growing them from nothing was a sixth of the bytes a 10-line order
// allocated.
type stmtLists struct{ pending, spare []stmt }

func newStmtLists() any {
	return &stmtLists{pending: make([]stmt, 0, 16), spare: make([]stmt, 0, 16)}
}

// release gives the lists back to the Store, emptied so that they keep no
// arguments alive. The transaction has ended: every method checks t.done
// before it touches them.
func (t *txn) release() {
	l := &stmtLists{pending: t.pending[:0], spare: t.spare[:0]}
	clear(l.pending[:cap(l.pending)])
	clear(l.spare[:cap(l.spare)])
	t.pending, t.spare = nil, nil
	t.s.stmtLists.Put(l)
}

// finish marks the Tx as no longer valid for fn.
func (t *txn) finish() { t.done = true }

// check returns the error a method must return before doing anything.
func (t *txn) check(write bool) error {
	switch {
	case t.done:
		return ErrTxDone
	case t.err != nil:
		return t.err
	case write && t.readOnly:
		return ErrReadOnly
	}
	return nil
}

// key returns the advisory-lock key of (kind, id) in this store.
func (t *txn) key(kind, id string) string { return t.s.lockPrefix + kind + ":" + id }

// keyPrefix is the key prefix for kind, for keys the server derives.
func (t *txn) keyPrefix(kind string) string { return t.s.lockPrefix + kind + ":" }

// lock queues the advisory locks not yet held. View takes none.
func (t *txn) lock(mode lockMode, keys ...string) {
	if t.readOnly {
		return
	}
	if !t.stockLocked {
		for _, k := range keys {
			if strings.HasPrefix(k, t.s.lockPrefix+kindStock+":") {
				t.stockLocked = true
				break
			}
		}
	}
	var need []string
	for _, k := range keys {
		if t.held[k] >= mode {
			continue
		}
		if t.held == nil {
			t.held = make(map[string]lockMode)
		}
		t.held[k] = mode
		need = append(need, k)
	}
	if len(need) == 0 {
		return
	}
	// A stable order within one statement avoids deadlocks between two
	// transactions that ask for the same set at once.
	slices.Sort(need)
	need = slices.Compact(need)
	excl := make([]bool, len(need))
	for i := range excl {
		excl[i] = mode == lockExcl
	}
	t.pending = append(t.pending, t.lockStmt(need, excl))
}

// queue adds a write to be sent with the next batch.
func (t *txn) queue(st stmt) { t.pending = append(t.pending, st) }

// send sends the pending statements followed by sts in one round trip and
// runs their callbacks. op names the caller for the error.
func (t *txn) send(op string, sts ...stmt) error {
	b := &pgx.Batch{}
	queued := len(t.pending)
	var list []stmt
	if queued > 1 {
		list = append(t.merge(t.pending, t.spare[:0]), sts...)
		t.spare = list[:0]
	} else {
		list = append(t.pending, sts...)
		t.pending = list[:0]
	}
	// The first batch begins the transaction and makes its plan settings
	// (keyPlans), in the first lock statement when it starts with one:
	// a statement less per transaction.
	firstSQL := ""
	if !t.begun {
		if t.readOnly {
			b.Queue(t.s.q.beginRead)
		} else {
			b.Queue(t.s.q.beginWrite)
		}
		ok := false
		if len(list) > 0 {
			firstSQL, ok = t.s.q.withPlans(list[0].sql)
		}
		if !ok {
			firstSQL = ""
			b.Queue(t.s.q.keyPlans)
		}
	}
	for i, st := range list {
		sql := st.sql
		if i == 0 && firstSQL != "" {
			sql = firstSQL
		}
		q := b.Queue(sql, st.args...)
		switch {
		case st.rows != nil:
			q.Query(st.rows)
		case st.tag != nil:
			q.Exec(st.tag)
		}
	}
	t.pending = t.pending[:0]
	if b.Len() == 0 {
		return nil
	}
	t.begun = true
	t.s.roundTrips.Add(1)
	err := t.conn.SendBatch(t.ctx, b).Close()
	if err != nil {
		if queued > 0 {
			op += " (or a write queued before it)"
		}
		t.err = wrapErr(op, err)
		return t.err
	}
	return nil
}

// commit sends the pending writes and COMMIT in one round trip. A
// transaction that sent nothing has nothing to commit.
func (t *txn) commit() error {
	t.flushOutbox()
	if t.err != nil {
		return t.err
	}
	if !t.begun && len(t.pending) == 0 {
		return nil
	}
	if err := t.send("commit", stmt{sql: "COMMIT", tag: func(ct pgconn.CommandTag) error {
		if ct.String() != "COMMIT" {
			return errRolledBack
		}
		return nil
	}}); err != nil {
		return err
	}
	t.begun = false
	return nil
}

var errRolledBack = errors.New("the server rolled the transaction back at COMMIT")

// rollback ends a transaction that began. A broken connection is left for
// the pool to discard: pgxpool destroys a connection released outside the
// idle state.
func (t *txn) rollback() {
	t.pending = t.pending[:0]
	if !t.begun || t.conn.IsClosed() {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(t.ctx), rollbackTimeout)
	defer cancel()
	_, _ = t.conn.Exec(ctx, "ROLLBACK")
	t.begun = false
}
