-- backorderkit pgstore schema, version 1.
--
-- Migrate runs this file with search_path set to the store's schema, so the
-- names below are unqualified.
--
-- Each table has a real column for every key the store looks rows up by or
-- sorts them by, and a jsonb document (doc) holding the whole value as the
-- backorder package encodes it to JSON, so fields added to the domain types
-- need no migration. Text keys that are sorted use the "C" collation: byte
-- order, the order Go's string comparison gives.

CREATE TABLE items (
    sku text COLLATE "C" PRIMARY KEY,
    doc jsonb NOT NULL
);

CREATE TABLE suppliers (
    id  text PRIMARY KEY,
    doc jsonb NOT NULL
);

CREATE TABLE locations (
    id   text COLLATE "C" PRIMARY KEY,
    name text   NOT NULL,
    rank bigint NOT NULL
);

CREATE TABLE positions (
    sku       text COLLATE "C" NOT NULL,
    location  text COLLATE "C" NOT NULL,
    on_hand   bigint NOT NULL,
    allocated bigint NOT NULL,
    received  bigint NOT NULL,
    adjusted  bigint NOT NULL,
    shipped   bigint NOT NULL,
    PRIMARY KEY (sku, location)
);

CREATE TABLE inbounds (
    id       text COLLATE "C" PRIMARY KEY,
    sku      text COLLATE "C" NOT NULL,
    qty      bigint NOT NULL,
    expected timestamptz,
    doc      jsonb  NOT NULL
);
CREATE INDEX inbounds_open ON inbounds (sku, expected NULLS FIRST, id) WHERE qty > 0;

CREATE TABLE orders (
    id  uuid PRIMARY KEY,
    doc jsonb NOT NULL
);

-- pos keeps each line's place in its order; is_open is Line.Open() > 0.
CREATE TABLE lines (
    id       uuid PRIMARY KEY,
    order_id uuid    NOT NULL,
    pos      integer NOT NULL,
    sku      text COLLATE "C" NOT NULL,
    is_open  boolean NOT NULL,
    doc      jsonb   NOT NULL
);
CREATE INDEX lines_order ON lines (order_id, pos);
CREATE INDEX lines_open ON lines (order_id) WHERE is_open;

-- book is the backorder book: one entry per open line. holds lists the
-- locations where the entry holds a quantity > 0.
CREATE TABLE book (
    sku         text COLLATE "C" NOT NULL,
    line_id     uuid   NOT NULL,
    customer    text COLLATE "C" NOT NULL,
    placed      timestamptz,
    seq         bigint NOT NULL,
    backordered bigint NOT NULL,
    holds       text[] NOT NULL,
    doc         jsonb  NOT NULL,
    PRIMARY KEY (sku, line_id)
);
CREATE INDEX book_seq ON book (sku, seq, line_id);
CREATE INDEX book_customer ON book (customer, placed NULLS FIRST, sku, seq) WHERE backordered > 0;

CREATE TABLE shipments (
    id         uuid PRIMARY KEY,
    order_id   uuid  NOT NULL,
    created_at timestamptz,
    doc        jsonb NOT NULL
);
CREATE INDEX shipments_order ON shipments (order_id, created_at NULLS FIRST, id);

CREATE TABLE invoices (
    id        uuid PRIMARY KEY,
    order_id  uuid  NOT NULL,
    issued_at timestamptz,
    number    text COLLATE "C" NOT NULL,
    doc       jsonb NOT NULL
);
CREATE INDEX invoices_order ON invoices (order_id, issued_at NULLS FIRST, number, id);

-- events is the outbox, in seq order. outbox_head holds the last seq handed
-- out; AppendEvents increments it in the appending transaction, so
-- appenders queue on its row lock and commit in seq order.
CREATE TABLE events (
    seq  bigint PRIMARY KEY,
    type text   NOT NULL,
    at   timestamptz,
    doc  jsonb  NOT NULL
);

CREATE TABLE outbox_head (
    id  integer PRIMARY KEY CHECK (id = 1),
    seq bigint  NOT NULL
);
INSERT INTO outbox_head (id, seq) VALUES (1, 0);

-- commands records applied commands; result holds the first result's bytes
-- exactly as given.
CREATE TABLE commands (
    key    text PRIMARY KEY,
    result bytea,
    at     timestamptz
);

CREATE TABLE sequences (
    name  text PRIMARY KEY,
    value bigint NOT NULL
);
