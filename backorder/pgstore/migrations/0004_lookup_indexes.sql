-- Every statement runs on a generic plan that a connection makes once,
-- often while the tables are empty or small, and keeps. On such tables the
-- planner rates a lookup by one column of a many-column index (shipments
-- and invoices by id, the waiting book by SKU) as cheap as one by the
-- primary key, and took it: a walk through the whole index on every call
-- once the table has grown. These indexes now hold only the columns their
-- own queries look up and sort by first; ties in the rest of the order
-- (an order's shipments or invoices, a customer's book) are sorted after
-- the index has found the few rows, and the key lookups have one index
-- to take.
DROP INDEX shipments_order;
CREATE INDEX shipments_order ON shipments (order_id, created_at NULLS FIRST);

DROP INDEX invoices_order;
CREATE INDEX invoices_order ON invoices (order_id, issued_at NULLS FIRST);

DROP INDEX book_customer;
CREATE INDEX book_customer ON book (customer, placed NULLS FIRST) WHERE backordered > 0;
