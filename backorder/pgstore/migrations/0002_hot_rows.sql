-- The documents of the tables that every order writes many rows of are
-- kept as json, not jsonb. The store only ever reads a document whole, and
-- jsonb's conversion to its binary form on every write was a tenth of the
-- server's work in placing an order (about 5 µs per 300-byte document,
-- against under 1 µs to check json's syntax). Shipments, invoices, items
-- and inbounds keep jsonb: few rows, and shipments are queried inside.
ALTER TABLE orders ALTER COLUMN doc TYPE json USING doc::json;
ALTER TABLE lines  ALTER COLUMN doc TYPE json USING doc::json;
ALTER TABLE book   ALTER COLUMN doc TYPE json USING doc::json;
ALTER TABLE events ALTER COLUMN doc TYPE json USING doc::json;

-- Reading a SKU's waiting book scanned every entry of the SKU, and a
-- line that holds all it needs keeps its entry until it ships: index the
-- waiting entries only, which also spares the index a write for every
-- entry that does not wait. Holders, which wants every entry of a SKU,
-- reads them by the primary key.
DROP INDEX book_seq;
CREATE INDEX book_waiting ON book (sku, seq, line_id) WHERE backordered > 0;
