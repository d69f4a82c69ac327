-- The events an operation queues (backorder.EventQueuer, which the engine
-- uses) are written as one row per operation instead of one per event:
-- writing a row, its index entry and its WAL was most of the outbox's cost,
-- and an order of ten lines queues eleven events. The row holds the events
-- numbered first to last, gap-free, as a JSON array in that order; each
-- element is the event's document as an events row holds it. Events
-- appended one by one (AppendEvents) and every event written before this
-- migration stay in events; Events reads both tables, and the outbox head
-- numbers both, so one seq order runs through them.
CREATE TABLE event_batches (
    last  bigint PRIMARY KEY,
    first bigint NOT NULL,
    docs  json   NOT NULL,
    CHECK (first <= last)
);
