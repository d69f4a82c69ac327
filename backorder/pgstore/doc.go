// Package pgstore is a backorder.Store on PostgreSQL, for hosts that run
// the engine from one or many application instances against one database.
// It is its own Go module, so that pgx (its one dependency beyond the root
// module's) reaches only the hosts that import it.
//
// # Usage
//
// A host does four things:
//
//  1. Open a pgx pool (pgxpool.New) as for any other use of the database.
//  2. Run Migrate once at start-up, from every instance if it likes: it
//     creates the schema and its tables, or upgrades them, and does nothing
//     when they are current. Concurrent callers take turns.
//  3. Build the Store with New and give it to the engine. Instances that
//     share the schema share the data; they coordinate only through the
//     database.
//  4. Close the pool at shutdown; the Store holds nothing else.
//
// In code:
//
//	pool, err := pgxpool.New(ctx, os.Getenv("BACKORDERKIT_PG_DSN"))
//	if err != nil { … }
//	defer pool.Close()
//	opts := pgstore.Options{Schema: "backorder"}
//	if err := pgstore.Migrate(ctx, pool, opts); err != nil { … }
//	store, err := pgstore.New(pool, opts)
//	if err != nil { … }
//	eng, err := backorder.New(backorder.Config{Store: store})
//
// # Schema
//
// Every table lives in Options.Schema (default "backorderkit"), so the
// host can keep them beside its own and grant on them separately. The
// migrations are SQL files embedded in the package (migrations/*.sql);
// schema_version records each one applied, with its time.
//
// Each table has a real column for every key the store looks rows up by or
// sorts them by, and a column, doc, with the whole value as the backorder
// package's types encode it to JSON, so fields added to those types need
// no migration. doc is json (kept as written, only checked) in the tables
// every order writes many rows of (orders, lines, book, events) and jsonb
// elsewhere: the store reads documents whole, and converting each to jsonb
// was a tenth of the server's work in placing an order:
//
//   - items (sku), suppliers (id), inbounds (id; sku, qty, expected);
//   - locations and positions, all columns (a position's running totals are
//     plain bigints a host can sum);
//   - orders (id) and lines (id; order_id, pos, sku, is_open): pos keeps a
//     line's place in its order, is_open (Line.Open() > 0) indexes
//     OpenOrders;
//   - book, the backorder book, one row per open line (sku, line_id;
//     customer, placed, seq, backordered, holds);
//   - shipments (id; order_id, created_at), invoices (id; order_id,
//     issued_at, number);
//   - events, the outbox (seq; type, at), event_batches (last, first),
//     and outbox_head, the last seq handed out (see the Outbox section);
//   - commands (key; result as bytea, kept byte for byte; at) and sequences
//     (name, value).
//
// Text keys that are sorted use the "C" collation, which is Go's byte
// order. Sort columns are timestamptz (microseconds, NULL for the zero
// time); documents keep times to the nanosecond with their offset, and
// decimals to the digit, whatever decimal.MarshalJSONWithoutQuotes says.
//
// What PostgreSQL cannot hold is refused before anything is sent, with a
// *backorder.ValidationError (matching backorder.ErrInvalid) naming the
// field: a string with a NUL character or invalid UTF-8, anywhere in a
// value, and a time outside years 0 to 9999 (it has no JSON form; an
// event's At must lie in years 1 to 9999). Lookups
// of such keys find nothing. Very long keys are limited by PostgreSQL's
// index entry size (about 2,700 bytes for a position's SKU and location
// together); 1,000-character SKUs are fine.
//
// # Isolation
//
// Update runs a READ COMMITTED transaction in which every read takes a
// transaction-scoped advisory lock on what it reads, before it reads it,
// and every write takes the lock of every set the written row belongs to.
// Locks are held to COMMIT (strict two-phase locking over logical sets), so
// committed Updates are serializable: no lost update, no write skew, no
// phantom. The sets, and so the locks, are:
//
//   - per SKU, "stock": its item, positions, inbound lines and book
//     (Item, Positions, Inbounds, Book, Holders and their writes);
//   - per order: its header, lines, shipments and invoices
//     (Order, Shipments, Invoices, and writes of any of them);
//   - per line, inbound line, shipment, invoice, supplier, command key and
//     sequence name, for lookups by id, including lookups that find
//     nothing;
//   - per customer, the customer's book, and one for the set of open
//     orders: writers share these locks among themselves and readers take
//     them exclusively, so writers do not queue behind each other;
//   - one for all locations, the other way round: every operation reads
//     them and few write them.
//
// A row that moves between sets (a line to another order, an inbound line
// to another SKU) locks both. A book entry that moves to another customer
// shares the old customer's lock from inside its upsert, on the row the
// upsert found: no lookup ahead of the write for entries that are new, as
// nearly all are. The outbox head is a single row, locked by
// the UPDATE that increments it; events the engine appends through the
// optional backorder.EventQueuer are numbered by the last statement before
// COMMIT, so that lock, which every appending transaction queues on, is
// held only while the server commits.
//
// Why not SERIALIZABLE: the outbox must hand out gap-free sequence
// numbers in commit order, so every appending transaction increments one
// counter row. Under SERIALIZABLE (or REPEATABLE READ) two concurrent
// appenders always conflict on that row and one of them is rolled back;
// under READ COMMITTED the second waits for the first to commit and goes
// on. Locking per SKU also matches how the engine partitions its work, so
// operations on different SKUs run in parallel and only those on one SKU
// queue.
//
// Deadlocks are possible when two transactions take locks in opposite
// orders (an order's lines in different SKU orders, say). PostgreSQL
// breaks them after deadlock_timeout (1s by default; 50–100ms suits this
// workload) and Update returns an error matching backorder.ErrConflict,
// which the engine retries. So do serialization failures (40001) and lock
// time-outs (55P03, from a host's lock_timeout). To make deadlocks rarer,
// a transaction that reads an order or a shipment before any SKU locks the
// stock of that order's or shipment's SKUs first, in SKU order: the order
// a receipt takes its locks in. Advisory locks live in PostgreSQL's shared
// lock table; a transaction takes one per SKU, order, line and command it
// touches, so a host with very large operations (a receipt that serves
// thousands of lines) may need a larger max_locks_per_transaction.
//
// View runs a REPEATABLE READ READ ONLY transaction: one snapshot, no
// locks, never blocked by an Update. Its write methods return ErrReadOnly.
//
// # Round trips and statements
//
// The engine calls Tx methods one at a time, so each read could be a round
// trip to the server. A Tx sends BEGIN with its first statement and the
// locks with the read they protect, queues writes whose result the caller
// does not need at once and sends them with the next read or with COMMIT,
// and, once it knows a sequence's value, hands out the next ones itself. A
// queued write that fails makes the call that sends it (or Update) fail,
// and the transaction rolls back. Statements are prepared once per
// connection by pgx's statement cache. Each finds rows by key through an
// index, so every transaction asks, for its own statements only, for
// generic plans (made once per connection, not once per call) with
// sequential scans off: a plan made while a table was small would
// otherwise scan it, and a connection keeps its plans after the table has
// grown. A test prepares every statement on empty and on small tables and
// fails if any plan reads a whole table or a whole index (an index scan
// whose condition is not on the index's first column). It found lookups
// by id planned on an order's shipments and invoices index, and by SKU on
// the customer book's, whose later columns they were: schema version 4
// keeps in those indexes only the columns their own queries start with.
// JIT compilation is off for them
// too: none is long enough to gain from it, and the cost of a disabled
// scan in a plan made it compile one on every call. A writing transaction
// makes these settings in its first statement when that takes locks, as
// it does for every operation that prefetches, and in a statement of its
// own otherwise.
//
// The Tx implements backorder.Prefetcher: before an operation reads, the
// engine names what it will read (its command record, orders, locations,
// the SKUs' items, positions, books and inbounds, lines, sequences), and
// Prefetch reads it all in one round trip after taking every lock those
// reads take, in one statement and in one order, so the reads that follow
// cost nothing and transactions that prefetch cannot deadlock on what they
// prefetched. The reads themselves are one statement too, a union of one
// keyed read per kind of row (each statement costs the server and the
// client a few µs of their own). Its rows come unsorted, each with what
// orders it among its kind, and Prefetch sorts them: sorting and
// numbering them on the server (a sort and a window per branch, and per
// SKU for the books) was a third of the statement's cost.
//
// A Store remembers the items it decoded, by their stored document (at
// most 4,096): every operation reads the items of its SKUs, which rarely
// change, and a document always decodes to the same item.
//
// Writes of one kind queued for one batch (positions, book entries,
// sequence counters, lines of orders known to exist) go as one statement
// over arrays, and adjacent lock statements as one. The last row for a
// key wins, as writing them one by one would leave; the statement takes
// the place of the kind's last row, after every lock its rows needed; a
// kind is left unmerged when another statement in the batch writes its
// table in between. Placing a 10-line order is two round trips (the
// prefetch; the writes with COMMIT) and 13 statements, where it was 35
// round trips and 50 statements.
//
// # Outbox
//
// Every event has a sequence number: the outbox head hands them out,
// gap-free, under its row lock, which appending transactions hold until
// they commit, so they commit in sequence order and a reader never sees a
// number before a smaller one. The events an operation queues through
// backorder.EventQueuer (the engine's way: ten or more for an order of ten
// lines) are written as one event_batches row: first and last number and
// a JSON array of the events' documents, in order. Events appended one by
// one (AppendEvents), a single queued event, and every event written
// before schema version 3 are events rows, one each, with their type and
// time in columns. Events reads both tables, in sequence order, and cuts
// at its limit, inside a batch if need be. A host that reads the tables
// itself finds each event in one of the two. An instance of a version
// before schema version 3 that is still running after another instance
// migrated reads only events rows, so its Events skips the batched
// events: upgrade the instances that read the outbox before, or with, the
// ones that write it.
//
// # Errors
//
// Lookups that find nothing return a *backorder.NotFoundError (matching
// backorder.ErrNotFound). Driver errors are wrapped with %w, so
// errors.As(err, new(*pgconn.PgError)) finds the server's error; those a
// retry may cure also match backorder.ErrConflict. A connection lost in
// the middle of an Update leaves nothing behind (the server rolls the
// transaction back); the caller retries the command with the same id, and
// the engine's command record makes it apply once even when the lost
// connection had committed.
package pgstore
