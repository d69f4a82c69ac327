package pgstore

import "strings"

// queries holds every statement with the store's schema filled in. All of
// them take their values as parameters; the schema name is the only text
// spliced in, and it is quoted.
//
// The writes that can move a row from one lock set to another (a line to
// another order, an inbound line to another SKU, a book entry to another
// customer) lock the set the row leaves in an "old" CTE, which the write
// forces to run. The row's own lock, taken by an earlier statement, keeps
// that set from changing under it.
type queries struct {
	beginWrite, beginRead string
	keyPlans              string
	lockExcl, lockShared  string
	lockMixed             string
	// lockExclPlans, lockSharedPlans and lockMixedPlans are the lock
	// statements with keyPlans in them, for the first statement of a
	// writing transaction (see txn.send).
	lockExclPlans, lockSharedPlans, lockMixedPlans string

	item, putItem                    string
	supplier, putSupplier            string
	location, locations, putLocation string

	positions, putPosition, putPositions string

	inbound, inbounds, putInbound string

	order, orderLines, putOrder, putOrderLines, openOrders string
	insertOrder, insertOrderLines                          string
	lockOrderSKUs, lockShipmentSKUs                        string
	line, putLine, putLines                                string

	book, bookHead, holders, customerBook, putBookEntry, deleteBookEntry string
	putBookEntries, deleteBookEntries                                    string

	shipment, shipments, putShipment string

	invoice, invoices, putInvoice string

	appendEvents, events, lockOutbox string
	appendEventBatch                 string

	command, putCommand string

	nextSequence, setSequence, setSequences string

	prefetch string
}

const bookCols = `doc`

// withPlans returns the form of lock statement sql that also makes the
// keyPlans settings, and false if sql is not a lock statement.
func (q *queries) withPlans(sql string) (string, bool) {
	switch sql {
	case q.lockExcl:
		return q.lockExclPlans, true
	case q.lockShared:
		return q.lockSharedPlans, true
	case q.lockMixed:
		return q.lockMixedPlans, true
	}
	return sql, false
}

// bookMoveCustomer sets a book entry's customer in an upsert's DO UPDATE,
// first sharing the customer-book lock of the customer the entry leaves
// ($9 is the lock-key prefix). The old customer is known only there, on
// the row the upsert found and locked: reading it beforehand cost an index
// lookup per row, for entries that are nearly always new. Taking the lock
// while holding the row's lock cannot deadlock: every writer of a book row
// holds its SKU's stock lock first, so no one who holds a customer-book
// lock waits for that row. The condition is never NULL-valued (a void
// result is not NULL): it only makes the lock call run.
const bookMoveCustomer = `customer = CASE WHEN b.customer <> EXCLUDED.customer
			AND pg_advisory_xact_lock_shared(hashtextextended($9 || b.customer, 0)) IS NULL
			THEN NULL ELSE EXCLUDED.customer END`

func buildQueries(schema string) queries {
	r := strings.NewReplacer("{s}", schema)
	q := queries{
		beginWrite: `BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE`,
		beginRead:  `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`,
		// Every statement here finds rows by key through an index, so
		// one plan serves every call: generic plans, made once per
		// connection, spare the server a planning per statement (a sixth
		// of its work). With sequential scans off they are index plans
		// even when made on a small table, which a plan made then would
		// otherwise scan, and go on scanning after the table had grown.
		// TestPlansFindRowsByKey checks every statement's plan. JIT
		// compilation is off too: it never pays for statements this short,
		// and a plan whose only path is a disabled scan (the locations)
		// costs enough to trigger it (compiling took 0.6 s a call).
		keyPlans: `SELECT set_config('enable_seqscan', 'off', true),
			set_config('plan_cache_mode', 'force_generic_plan', true), set_config('jit', 'off', true)`,
		lockExcl:   `SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest($1::text[]) AS u(k)`,
		lockShared: `SELECT pg_advisory_xact_lock_shared(hashtextextended(k, 0)) FROM unnest($1::text[]) AS u(k)`,
		lockMixed: `SELECT CASE WHEN x THEN pg_advisory_xact_lock(hashtextextended(k, 0))
			ELSE pg_advisory_xact_lock_shared(hashtextextended(k, 0)) END
			FROM unnest($1::text[], $2::bool[]) AS u(k, x)`,

		item: `SELECT doc FROM {s}.items WHERE sku = $1`,
		putItem: `INSERT INTO {s}.items (sku, doc) VALUES ($1, $2)
			ON CONFLICT (sku) DO UPDATE SET doc = EXCLUDED.doc`,

		supplier: `SELECT doc FROM {s}.suppliers WHERE id = $1`,
		putSupplier: `INSERT INTO {s}.suppliers (id, doc) VALUES ($1, $2)
			ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc`,

		location:  `SELECT name, rank FROM {s}.locations WHERE id = $1`,
		locations: `SELECT id, name, rank FROM {s}.locations ORDER BY rank, id`,
		putLocation: `INSERT INTO {s}.locations (id, name, rank) VALUES ($1, $2, $3)
			ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, rank = EXCLUDED.rank`,

		positions: `SELECT location, on_hand, allocated, received, adjusted, shipped
			FROM {s}.positions WHERE sku = $1 ORDER BY location`,
		putPosition: `INSERT INTO {s}.positions (sku, location, on_hand, allocated, received, adjusted, shipped)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (sku, location) DO UPDATE SET on_hand = EXCLUDED.on_hand,
			allocated = EXCLUDED.allocated, received = EXCLUDED.received,
			adjusted = EXCLUDED.adjusted, shipped = EXCLUDED.shipped`,
		putPositions: `INSERT INTO {s}.positions (sku, location, on_hand, allocated, received, adjusted, shipped)
			SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[])
			ON CONFLICT (sku, location) DO UPDATE SET on_hand = EXCLUDED.on_hand,
			allocated = EXCLUDED.allocated, received = EXCLUDED.received,
			adjusted = EXCLUDED.adjusted, shipped = EXCLUDED.shipped`,

		inbound: `SELECT doc FROM {s}.inbounds WHERE id = $1`,
		inbounds: `SELECT doc FROM {s}.inbounds WHERE sku = $1 AND qty > 0
			ORDER BY expected NULLS FIRST, id`,
		putInbound: `WITH old AS MATERIALIZED (
				SELECT pg_advisory_xact_lock(hashtextextended($6 || sku, 0))
				FROM {s}.inbounds WHERE id = $1 AND sku <> $2
			)
			INSERT INTO {s}.inbounds (id, sku, qty, expected, doc)
			SELECT $1, $2, $3, $4, $5 WHERE (SELECT count(*) FROM old) >= 0
			ON CONFLICT (id) DO UPDATE SET sku = EXCLUDED.sku, qty = EXCLUDED.qty,
			expected = EXCLUDED.expected, doc = EXCLUDED.doc`,

		order:      `SELECT doc FROM {s}.orders WHERE id = $1`,
		orderLines: `SELECT doc FROM {s}.lines WHERE order_id = $1 ORDER BY pos`,
		putOrder: `INSERT INTO {s}.orders (id, doc) VALUES ($1, $2)
			ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc`,
		// insertOrder and insertOrderLines write an order known not to
		// exist, with lines known not to.
		insertOrder: `INSERT INTO {s}.orders (id, doc) VALUES ($1, $2)`,
		insertOrderLines: `INSERT INTO {s}.lines (id, order_id, pos, sku, is_open, doc)
			SELECT x.id, $1, x.ord, x.sku, x.is_open, x.doc::json
			FROM unnest($2::uuid[], $3::text[], $4::bool[], $5::text[]) WITH ORDINALITY AS x(id, sku, is_open, doc, ord)`,
		// New lines go after the order's stored ones; a line that moves
		// here from another order goes to the end too; the others keep
		// their place.
		putOrderLines: `WITH x AS (
				SELECT * FROM unnest($2::uuid[], $3::text[], $4::bool[], $5::text[])
				WITH ORDINALITY AS x(id, sku, is_open, doc, ord)
			), old AS MATERIALIZED (
				SELECT pg_advisory_xact_lock(hashtextextended($6 || y.old::text, 0))
				FROM (SELECT (SELECT l.order_id FROM {s}.lines l WHERE l.id = x.id) AS old FROM x) AS y
				WHERE y.old <> $1
			)
			INSERT INTO {s}.lines AS l (id, order_id, pos, sku, is_open, doc)
			SELECT x.id, $1, coalesce((SELECT max(pos) FROM {s}.lines WHERE order_id = $1), 0) + x.ord,
			x.sku, x.is_open, x.doc::json
			FROM x WHERE (SELECT count(*) FROM old) >= 0
			ORDER BY x.ord
			ON CONFLICT (id) DO UPDATE SET order_id = EXCLUDED.order_id,
			pos = CASE WHEN l.order_id = EXCLUDED.order_id THEN l.pos ELSE EXCLUDED.pos END,
			sku = EXCLUDED.sku, is_open = EXCLUDED.is_open, doc = EXCLUDED.doc`,
		openOrders: `SELECT DISTINCT order_id FROM {s}.lines WHERE is_open AND order_id > $1
			ORDER BY order_id LIMIT $2`,
		// lockOrderSKUs and lockShipmentSKUs lock the stock of every SKU on
		// an order or shipment, in SKU order: see txn.lockSKUsFirst.
		lockOrderSKUs: `SELECT pg_advisory_xact_lock(hashtextextended($2 || sku, 0))
			FROM (SELECT DISTINCT sku FROM {s}.lines WHERE order_id = $1 ORDER BY 1) AS u`,
		lockShipmentSKUs: `SELECT pg_advisory_xact_lock(hashtextextended($2 || sku, 0))
			FROM (SELECT DISTINCT jsonb_path_query(doc, 'lax $.lines[*].sku') #>> '{}' COLLATE "C" AS sku
			FROM {s}.shipments WHERE id = $1 ORDER BY 1) AS u WHERE sku IS NOT NULL`,
		line: `SELECT doc FROM {s}.lines WHERE id = $1`,
		putLine: `WITH old AS MATERIALIZED (
				SELECT pg_advisory_xact_lock(hashtextextended($6 || order_id::text, 0))
				FROM {s}.lines WHERE id = $1 AND order_id <> $2
			)
			INSERT INTO {s}.lines AS l (id, order_id, pos, sku, is_open, doc)
			SELECT $1, $2, coalesce((SELECT max(pos) FROM {s}.lines WHERE order_id = $2), 0) + 1, $3, $4, $5
			WHERE EXISTS (SELECT 1 FROM {s}.orders WHERE id = $2) AND (SELECT count(*) FROM old) >= 0
			ON CONFLICT (id) DO UPDATE SET order_id = EXCLUDED.order_id,
			pos = CASE WHEN l.order_id = EXCLUDED.order_id THEN l.pos ELSE EXCLUDED.pos END,
			sku = EXCLUDED.sku, is_open = EXCLUDED.is_open, doc = EXCLUDED.doc`,
		// putLines is putLine for many lines of orders known to exist; new
		// lines go after their order's stored ones, in the rows' order.
		putLines: `WITH x AS (
				SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bool[], $5::text[])
				WITH ORDINALITY AS x(id, order_id, sku, is_open, doc, ord)
			), old AS MATERIALIZED (
				SELECT pg_advisory_xact_lock(hashtextextended($6 || y.old::text, 0))
				FROM (SELECT x.order_id, (SELECT l.order_id FROM {s}.lines l WHERE l.id = x.id) AS old FROM x) AS y
				WHERE y.old <> y.order_id
			)
			INSERT INTO {s}.lines AS l (id, order_id, pos, sku, is_open, doc)
			SELECT x.id, x.order_id,
			coalesce((SELECT max(pos) FROM {s}.lines WHERE order_id = x.order_id), 0)
			+ row_number() OVER (PARTITION BY x.order_id ORDER BY x.ord),
			x.sku, x.is_open, x.doc::json
			FROM x WHERE (SELECT true FROM {s}.orders o WHERE o.id = x.order_id)
			AND (SELECT count(*) FROM old) >= 0
			ORDER BY x.ord
			ON CONFLICT (id) DO UPDATE SET order_id = EXCLUDED.order_id,
			pos = CASE WHEN l.order_id = EXCLUDED.order_id THEN l.pos ELSE EXCLUDED.pos END,
			sku = EXCLUDED.sku, is_open = EXCLUDED.is_open, doc = EXCLUDED.doc`,

		book: `SELECT ` + bookCols + ` FROM {s}.book WHERE sku = $1 AND backordered > 0
			ORDER BY seq, line_id`,
		bookHead: `SELECT ` + bookCols + ` FROM {s}.book WHERE sku = $1 AND backordered > 0
			ORDER BY seq, line_id LIMIT $2`,
		holders: `SELECT ` + bookCols + ` FROM {s}.book WHERE sku = $1 AND $2::text = ANY(holds)
			ORDER BY seq, line_id`,
		customerBook: `SELECT ` + bookCols + ` FROM {s}.book WHERE customer = $1 AND backordered > 0
			ORDER BY placed NULLS FIRST, sku, seq, line_id`,
		putBookEntry: `INSERT INTO {s}.book AS b (sku, line_id, customer, placed, seq, backordered, holds, doc)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (sku, line_id) DO UPDATE SET ` + bookMoveCustomer + `,
			placed = EXCLUDED.placed, seq = EXCLUDED.seq, backordered = EXCLUDED.backordered,
			holds = EXCLUDED.holds, doc = EXCLUDED.doc`,
		deleteBookEntry: `WITH old AS MATERIALIZED (
				SELECT pg_advisory_xact_lock_shared(hashtextextended($3 || customer, 0))
				FROM {s}.book WHERE sku = $1 AND line_id = $2
			)
			DELETE FROM {s}.book WHERE sku = $1 AND line_id = $2 AND (SELECT count(*) FROM old) >= 0`,
		// putBookEntries and deleteBookEntries are the many-row forms;
		// holds come as array literals, one per row. In deleteBookEntries
		// and putLines, the old row of each is found by a scalar subquery,
		// an index lookup per row whatever the statistics say (a join was
		// planned as a scan of the whole table on stale ones).
		putBookEntries: `INSERT INTO {s}.book AS b (sku, line_id, customer, placed, seq, backordered, holds, doc)
			SELECT x.sku, x.line_id, x.customer, x.placed, x.seq, x.backordered,
			x.holds::text[], x.doc::json
			FROM unnest($1::text[], $2::uuid[], $3::text[], $4::timestamptz[], $5::bigint[],
			$6::bigint[], $7::text[], $8::text[]) AS x(sku, line_id, customer, placed, seq, backordered, holds, doc)
			ON CONFLICT (sku, line_id) DO UPDATE SET ` + bookMoveCustomer + `,
			placed = EXCLUDED.placed, seq = EXCLUDED.seq, backordered = EXCLUDED.backordered,
			holds = EXCLUDED.holds, doc = EXCLUDED.doc`,
		deleteBookEntries: `WITH x AS (
				SELECT * FROM unnest($1::text[], $2::uuid[]) AS x(sku, line_id)
			), old AS MATERIALIZED (
				SELECT pg_advisory_xact_lock_shared(hashtextextended($3 || y.old, 0))
				FROM (SELECT (SELECT b.customer FROM {s}.book b
				WHERE b.sku = x.sku AND b.line_id = x.line_id) AS old FROM x) AS y
				WHERE y.old IS NOT NULL
			)
			DELETE FROM {s}.book b WHERE b.sku = ANY($1::text[]) AND b.line_id = ANY($2::uuid[])
			AND (b.sku, b.line_id) IN (SELECT sku, line_id FROM x)
			AND (SELECT count(*) FROM old) >= 0`,

		shipment:  `SELECT doc FROM {s}.shipments WHERE id = $1`,
		shipments: `SELECT doc FROM {s}.shipments WHERE order_id = $1 ORDER BY created_at NULLS FIRST, id`,
		putShipment: `WITH old AS MATERIALIZED (
				SELECT pg_advisory_xact_lock(hashtextextended($5 || order_id::text, 0))
				FROM {s}.shipments WHERE id = $1 AND order_id <> $2
			)
			INSERT INTO {s}.shipments (id, order_id, created_at, doc)
			SELECT $1, $2, $3, $4 WHERE (SELECT count(*) FROM old) >= 0
			ON CONFLICT (id) DO UPDATE SET order_id = EXCLUDED.order_id,
			created_at = EXCLUDED.created_at, doc = EXCLUDED.doc`,

		invoice: `SELECT doc FROM {s}.invoices WHERE id = $1`,
		invoices: `SELECT doc FROM {s}.invoices WHERE order_id = $1
			ORDER BY issued_at NULLS FIRST, number, id`,
		putInvoice: `WITH old AS MATERIALIZED (
				SELECT pg_advisory_xact_lock(hashtextextended($6 || order_id::text, 0))
				FROM {s}.invoices WHERE id = $1 AND order_id <> $2
			)
			INSERT INTO {s}.invoices (id, order_id, issued_at, number, doc)
			SELECT $1, $2, $3, $4, $5 WHERE (SELECT count(*) FROM old) >= 0
			ON CONFLICT (id) DO UPDATE SET order_id = EXCLUDED.order_id,
			issued_at = EXCLUDED.issued_at, number = EXCLUDED.number, doc = EXCLUDED.doc`,

		// The outbox head's row lock, held to COMMIT, queues appenders, so
		// sequence numbers commit in order and a rolled-back append's
		// numbers are handed out again.
		appendEvents: `WITH h AS (
				UPDATE {s}.outbox_head SET seq = seq + $1 WHERE id = 1 RETURNING seq - $1 AS base
			), ins AS (
				INSERT INTO {s}.events (seq, type, at, doc)
				SELECT h.base + x.ord, x.type, x.at, x.doc::json
				FROM h, unnest($2::text[], $3::timestamptz[], $4::text[]) WITH ORDINALITY AS x(type, at, doc, ord)
			)
			SELECT base FROM h`,
		// appendEventBatch writes $1 events as one event_batches row,
		// their documents a JSON array ($2), numbered as appendEvents
		// numbers them.
		appendEventBatch: `WITH h AS (
				UPDATE {s}.outbox_head SET seq = seq + $1 WHERE id = 1 RETURNING seq - $1 AS base
			), ins AS (
				INSERT INTO {s}.event_batches (last, first, docs)
				SELECT h.base + $1, h.base + 1, $2::json FROM h
			)
			SELECT base FROM h`,
		// events reads the first $2 rows after seq $1 of each table: the
		// first $2 events after $1 are among them (every row holds at
		// least one), and Events puts them in order and cuts.
		events: `SELECT first, last, doc FROM (
				(SELECT seq AS first, seq AS last, doc::text AS doc FROM {s}.events
				WHERE seq > $1 ORDER BY seq LIMIT $2)
				UNION ALL
				(SELECT first, last, docs::text FROM {s}.event_batches
				WHERE last > $1 ORDER BY last LIMIT $2)
			) AS e`,
		lockOutbox: `SELECT 1 FROM {s}.outbox_head WHERE id = 1 FOR UPDATE`,

		command: `SELECT result, at FROM {s}.commands WHERE key = $1`,
		putCommand: `INSERT INTO {s}.commands (key, result, at) VALUES ($1, $2, $3)
			ON CONFLICT (key) DO NOTHING`,

		nextSequence: `INSERT INTO {s}.sequences AS q (name, value) VALUES ($1, 1)
			ON CONFLICT (name) DO UPDATE SET value = q.value + 1 RETURNING value`,
		setSequence: `INSERT INTO {s}.sequences (name, value) VALUES ($1, $2)
			ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value`,
		setSequences: `INSERT INTO {s}.sequences (name, value) SELECT * FROM unnest($1::text[], $2::bigint[])
			ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value`,

		// prefetch reads everything Prefetch reads in one statement (each
		// statement costs the server and the client a few µs of their
		// own). Each branch finds its rows by key. The kinds are the
		// prefetch* constants in prefetch.go. $1 SKUs, $2 the longest book
		// head to read, $3 line ids, $4 sequence names, $5 a command key
		// (NULL: none), $6 order ids, $7 whether to read the locations.
		// The head of each SKU's book is read by its own index descent:
		// a plan made once for every call must not read all waiting
		// entries to find a few SKUs'.
		//
		// Rows come in no particular order: each carries what orders it
		// among its kind and key (a position's location, a book entry's
		// seq and line id in its document, an inbound line's expected
		// date and id, an order line's pos, a location's rank and id),
		// and Prefetch sorts them. Sorting and numbering them here (a sort
		// and a window per branch, and a sort and a window for every SKU
		// of the book's) cost the server a third of the statement.
		prefetch: `SELECT 1 AS kind, sku AS key, doc::text AS doc, NULL::bytea AS raw, NULL::bigint AS n1,
				NULL::bigint AS n2, NULL::bigint AS n3, NULL::bigint AS n4, NULL::bigint AS n5,
				NULL::timestamptz AS at
			FROM {s}.items WHERE sku = ANY($1::text[])
			UNION ALL
			SELECT 2, sku, location, NULL, on_hand, allocated, received, adjusted, shipped, NULL
			FROM {s}.positions WHERE sku = ANY($1::text[])
			UNION ALL
			SELECT 3, k.sku, b.doc::text, NULL, NULL, NULL, NULL, NULL, NULL, NULL
			FROM (SELECT DISTINCT unnest($1::text[])) AS k(sku)
			CROSS JOIN LATERAL (
				SELECT doc FROM {s}.book
				WHERE sku = k.sku AND backordered > 0 ORDER BY seq, line_id LIMIT $2
			) AS b
			UNION ALL
			SELECT 4, sku, doc::text, NULL, NULL, NULL, NULL, NULL, NULL, expected
			FROM {s}.inbounds WHERE sku = ANY($1::text[]) AND qty > 0
			UNION ALL
			SELECT 5, id::text, doc::text, NULL, NULL, NULL, NULL, NULL, NULL, NULL
			FROM {s}.lines WHERE id = ANY($3::uuid[])
			UNION ALL
			SELECT 6, name, NULL, NULL, value, NULL, NULL, NULL, NULL, NULL
			FROM {s}.sequences WHERE name = ANY($4::text[])
			UNION ALL
			SELECT 7, key, NULL, result, NULL, NULL, NULL, NULL, NULL, at
			FROM {s}.commands WHERE key = $5::text
			UNION ALL
			SELECT 8, id::text, doc::text, NULL, NULL, NULL, NULL, NULL, NULL, NULL
			FROM {s}.orders WHERE id = ANY($6::uuid[])
			UNION ALL
			SELECT 9, order_id::text, doc::text, NULL, pos, NULL, NULL, NULL, NULL, NULL
			FROM {s}.lines WHERE order_id = ANY($6::uuid[])
			UNION ALL
			SELECT 10, id, name, NULL, rank, NULL, NULL, NULL, NULL, NULL
			FROM {s}.locations WHERE $7::bool`,
	}
	// The settings are made in a materialized CTE, which runs once, before
	// any lock; a subquery the planner may fold into the scan could run
	// per key, or not at all.
	withPlans := `WITH plans AS MATERIALIZED (` + q.keyPlans + `) `
	q.lockExclPlans = withPlans + strings.Replace(q.lockExcl, "FROM unnest", "FROM plans, unnest", 1)
	q.lockSharedPlans = withPlans + strings.Replace(q.lockShared, "FROM unnest", "FROM plans, unnest", 1)
	q.lockMixedPlans = withPlans + strings.Replace(q.lockMixed, "FROM unnest", "FROM plans, unnest", 1)
	for _, p := range []*string{
		&q.item, &q.putItem, &q.supplier, &q.putSupplier, &q.location, &q.locations, &q.putLocation,
		&q.lockMixed, &q.putPositions, &q.putLines, &q.putBookEntries, &q.deleteBookEntries, &q.setSequences,
		&q.positions, &q.putPosition,
		&q.inbound, &q.inbounds, &q.putInbound,
		&q.order, &q.orderLines, &q.putOrder, &q.putOrderLines, &q.openOrders,
		&q.insertOrder, &q.insertOrderLines,
		&q.lockOrderSKUs, &q.lockShipmentSKUs, &q.line, &q.putLine,
		&q.book, &q.bookHead, &q.holders, &q.customerBook, &q.putBookEntry, &q.deleteBookEntry,
		&q.shipment, &q.shipments, &q.putShipment,
		&q.invoice, &q.invoices, &q.putInvoice,
		&q.appendEvents, &q.appendEventBatch, &q.events, &q.lockOutbox,
		&q.command, &q.putCommand, &q.nextSequence, &q.setSequence,
		&q.prefetch,
	} {
		*p = r.Replace(*p)
	}
	return q
}
