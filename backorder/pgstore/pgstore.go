package pgstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/backorderkit/backorderkit/backorder"
)

// DefaultSchema is the schema that holds the store's tables when
// Options.Schema is empty.
const DefaultSchema = "backorderkit"

// maxIdentifier is PostgreSQL's longest identifier in bytes (NAMEDATALEN-1);
// longer names are silently truncated by the server, so New refuses them.
const maxIdentifier = 63

// ErrReadOnly is returned by a write method called inside View.
var ErrReadOnly = errors.New("pgstore: write in a read-only View transaction")

// ErrTxDone is returned by a Tx method called after its fn returned.
var ErrTxDone = errors.New("pgstore: Tx used after its transaction ended")

// ErrSchemaTooNew is returned by Migrate when the database holds a schema
// version newer than this package knows: an older binary must not write to
// a schema a newer one has upgraded.
var ErrSchemaTooNew = errors.New("pgstore: database schema is newer than this package")

// Options configures a Store. The zero value is ready to use.
type Options struct {
	// Schema is the PostgreSQL schema that holds the store's tables, so a
	// host can keep them beside its own. Migrate creates it when missing.
	// Empty means DefaultSchema. Any name up to 63 bytes works: it is always
	// quoted, so it is case-sensitive.
	Schema string
}

func (o Options) schema() (string, error) {
	s := o.Schema
	if s == "" {
		s = DefaultSchema
	}
	switch {
	case len(s) > maxIdentifier:
		return "", &backorder.ValidationError{Field: "Options.Schema", Reason: fmt.Sprintf("must be at most %d bytes", maxIdentifier)}
	case !utf8.ValidString(s):
		return "", &backorder.ValidationError{Field: "Options.Schema", Reason: "must be valid UTF-8"}
	case strings.IndexByte(s, 0) >= 0:
		return "", &backorder.ValidationError{Field: "Options.Schema", Reason: "must not contain a NUL byte"}
	}
	return s, nil
}

// Store is a backorder.Store on PostgreSQL. It is safe for concurrent use by
// any number of goroutines, and any number of Stores (in one process or
// many) may share one schema: they coordinate through the database only.
type Store struct {
	pool   *pgxpool.Pool
	schema string
	// lockPrefix starts every advisory-lock key, so that stores in different
	// schemas of one database never contend.
	lockPrefix string
	q          queries
	// roundTrips counts the batches sent, for the tests.
	roundTrips atomic.Int64
	// stmtLists holds statement lists for reuse (see newTxn).
	stmtLists sync.Pool
	// items remembers decoded item documents.
	items itemDocs
}

var _ backorder.Store = (*Store)(nil)

// New returns a Store that keeps its data in opts.Schema of the pool's
// database. It does no I/O: run Migrate once before the first Update or View.
// The Store does not own the pool; the host closes it.
func New(pool *pgxpool.Pool, opts Options) (*Store, error) {
	if pool == nil {
		return nil, &backorder.ValidationError{Field: "pool", Reason: "must not be nil"}
	}
	schema, err := opts.schema()
	if err != nil {
		return nil, err
	}
	return &Store{
		pool:       pool,
		schema:     schema,
		lockPrefix: "backorderkit\x1f" + schema + "\x1f",
		q:          buildQueries(quoteIdent(schema)),
		stmtLists:  sync.Pool{New: newStmtLists},
	}, nil
}

// Schema returns the schema that holds the store's tables.
func (s *Store) Schema() string { return s.schema }

// Update runs fn in one READ COMMITTED transaction in which every read
// takes the advisory locks that make the transaction serializable with
// respect to other Updates (see the package documentation). If fn returns
// nil, Update commits; otherwise, or if ctx ends or fn panics, it rolls back
// and returns fn's error (re-panicking for a panic). Deadlocks (40P01),
// serialization failures (40001) and lock time-outs (55P03) match
// backorder.ErrConflict; other driver errors are wrapped with %w.
//
// Update must not be called from inside fn: the outer transaction's locks
// would block the inner one.
func (s *Store) Update(ctx context.Context, fn func(backorder.Tx) error) error {
	return s.run(ctx, false, fn)
}

// View runs fn in one REPEATABLE READ READ ONLY transaction: every read sees
// the same snapshot, and no lock is taken. Write methods return ErrReadOnly.
func (s *Store) View(ctx context.Context, fn func(backorder.Tx) error) error {
	return s.run(ctx, true, fn)
}

func (s *Store) run(ctx context.Context, readOnly bool, fn func(backorder.Tx) error) (err error) {
	if fn == nil {
		return &backorder.ValidationError{Field: "fn", Reason: "must not be nil"}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return wrapErr("acquire connection", err)
	}
	t := newTxn(ctx, s, conn.Conn(), readOnly)
	finished := false
	defer func() {
		if !finished {
			// fn panicked: roll back, give the connection back, re-panic.
			t.finish()
			t.rollback()
			t.release()
			conn.Release()
		}
	}()
	ferr := fn(t)
	finished = true
	t.finish()
	switch {
	case ferr != nil:
		err = ferr
	case ctx.Err() != nil:
		err = ctx.Err()
	case t.err != nil:
		// fn swallowed a store error; the transaction is unusable.
		err = t.err
	}
	if err != nil {
		t.rollback()
		t.release()
		conn.Release()
		return err
	}
	err = t.commit()
	if err != nil {
		t.rollback()
	}
	t.release()
	conn.Release()
	return err
}

// wrapErr wraps a driver error, mapping the retryable ones to
// backorder.ErrConflict while keeping the cause.
func wrapErr(op string, err error) error {
	if err == nil {
		return nil
	}
	if isConflict(err) {
		return fmt.Errorf("pgstore: %s: %w: %w", op, backorder.ErrConflict, err)
	}
	return fmt.Errorf("pgstore: %s: %w", op, err)
}

// isConflict reports whether err is a PostgreSQL error that a retry of the
// whole transaction may cure.
func isConflict(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return false
	}
	switch pgErr.Code {
	case "40001", // serialization_failure
		"40P01", // deadlock_detected
		"55P03": // lock_not_available (a host's lock_timeout)
		return true
	}
	return false
}

// quoteIdent quotes a PostgreSQL identifier.
func quoteIdent(s string) string { return pgx.Identifier{s}.Sanitize() }

// rollbackTimeout bounds the ROLLBACK sent after a failure, which runs even
// when the caller's context has ended.
const rollbackTimeout = 5 * time.Second
