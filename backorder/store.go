package backorder

import (
	"context"

	"github.com/google/uuid"
)

// Store is the persistence the engine runs on. The host brings one: the
// in-memory memstore, the PostgreSQL pgstore, or its own, which proves itself
// with storetest.Run.
//
// Contract for every Store:
//
//   - Update runs fn in a read-write transaction. If fn returns nil, the
//     store commits every write fn made, all or nothing, and Update returns
//     the commit's error. If fn returns an error, or ctx ends, or fn panics,
//     nothing fn wrote is kept (events included) and Update returns that
//     error (re-panicking after rollback for a panic).
//   - Update transactions are serializable with respect to each other: the
//     outcome equals some serial order of the committed transactions. A
//     store either runs them one at a time or detects a conflict and returns
//     an error matching ErrConflict, having changed nothing; the engine then
//     retries the whole operation.
//   - View runs fn in a read-only transaction that sees one consistent
//     snapshot. Calling a write method inside View returns an error.
//   - A Tx is valid only during fn and only on fn's goroutine.
//   - Store errors other than ErrNotFound and ErrConflict are wrapped with %w
//     so the driver's cause is kept; the engine returns them as they are.
type Store interface {
	Update(ctx context.Context, fn func(Tx) error) error
	View(ctx context.Context, fn func(Tx) error) error
}

// Tx is one store transaction. Its methods are grouped by what they touch.
//
// Ownership: every value a Tx returns is the caller's own (slices included);
// the store keeps no reference to values passed in. Lookups of one thing by
// key return an error matching ErrNotFound when it does not exist. Lists
// return an empty (possibly nil) slice and no error when nothing matches.
type Tx interface {
	ItemTx
	SupplierTx
	StockTx
	OrderTx
	BookTx
	ShipmentTx
	InvoiceTx
	EventTx
	CommandTx
	SequenceTx
}

// ItemTx reads and writes items and locations.
type ItemTx interface {
	// Item returns the item with the SKU, or ErrNotFound.
	Item(sku string) (Item, error)
	// PutItem inserts or replaces the item keyed by its SKU.
	PutItem(Item) error
	// Location returns the location, or ErrNotFound.
	Location(id string) (Location, error)
	// PutLocation inserts or replaces the location keyed by its ID.
	PutLocation(Location) error
	// Locations returns every location, sorted by Rank then ID.
	Locations() ([]Location, error)
}

// SupplierTx reads and writes suppliers' receipt history.
type SupplierTx interface {
	// Supplier returns the supplier, or ErrNotFound.
	Supplier(id string) (Supplier, error)
	// PutSupplier inserts or replaces the supplier keyed by its ID.
	PutSupplier(Supplier) error
}

// StockTx reads and writes stock positions and inbound supply.
type StockTx interface {
	// Positions returns the SKU's positions at every location that has one,
	// sorted by location ID. A position that was never written does not
	// exist; the engine treats it as all zeros.
	Positions(sku string) ([]StockPosition, error)
	// PutPosition inserts or replaces the position keyed by (SKU, Location).
	PutPosition(StockPosition) error
	// Inbound returns the inbound line, or ErrNotFound.
	Inbound(id string) (Inbound, error)
	// Inbounds returns the SKU's inbound lines with Qty > 0, sorted by
	// Expected, then ID.
	Inbounds(sku string) ([]Inbound, error)
	// PutInbound inserts or replaces the inbound line keyed by its ID.
	PutInbound(Inbound) error
}

// OrderTx reads and writes orders and their lines.
type OrderTx interface {
	// Order returns the order with its lines in their original order, or
	// ErrNotFound.
	Order(id uuid.UUID) (Order, error)
	// PutOrder inserts or replaces the order and every line in o.Lines
	// (each line keyed by its ID, with OrderID set to o.ID). Lines of a
	// stored order that o.Lines lacks are kept.
	PutOrder(o Order) error
	// Line returns the line, or ErrNotFound.
	Line(id uuid.UUID) (Line, error)
	// PutLine replaces a line of an existing order, keyed by its ID, keeping
	// its place in the order. It returns ErrNotFound if the line's order
	// does not exist.
	PutLine(Line) error
	// OpenOrders returns up to limit ids, greater than after in byte order,
	// of orders with at least one line whose Open() > 0, sorted by id.
	OpenOrders(after uuid.UUID, limit int) ([]uuid.UUID, error)
}

// BookTx reads and writes the backorder book: the compact index of open
// lines per SKU that allocation works from.
type BookTx interface {
	// Book returns the SKU's entries with Backordered > 0, sorted by Seq.
	Book(sku string) ([]BookEntry, error)
	// Holders returns the SKU's entries holding an allocation at the
	// location, sorted by Seq.
	Holders(sku, location string) ([]BookEntry, error)
	// CustomerBook returns the customer's entries with Backordered > 0 over
	// all SKUs, sorted by Placed, then SKU, then Seq.
	CustomerBook(customer string) ([]BookEntry, error)
	// PutBookEntry inserts or replaces the entry keyed by (SKU, LineID). An
	// entry with nothing open (Backordered == 0 and no Allocations) is
	// deleted instead.
	PutBookEntry(BookEntry) error
}

// ShipmentTx reads and writes shipments.
type ShipmentTx interface {
	// Shipment returns the shipment, or ErrNotFound.
	Shipment(id uuid.UUID) (Shipment, error)
	// Shipments returns the order's shipments sorted by CreatedAt, then ID.
	Shipments(orderID uuid.UUID) ([]Shipment, error)
	// PutShipment inserts or replaces the shipment keyed by its ID.
	PutShipment(Shipment) error
}

// InvoiceTx reads and writes invoices and credit notes.
type InvoiceTx interface {
	// Invoice returns the invoice or credit note, or ErrNotFound.
	Invoice(id uuid.UUID) (Invoice, error)
	// Invoices returns the order's invoices and credit notes sorted by
	// IssuedAt, then Number.
	Invoices(orderID uuid.UUID) ([]Invoice, error)
	// PutInvoice inserts or replaces the invoice keyed by its ID.
	PutInvoice(Invoice) error
}

// EventTx appends to and reads the event outbox.
type EventTx interface {
	// AppendEvents assigns each event the next sequence number, store-wide,
	// in slice order, writes the numbers back into evs, and appends them.
	// Numbers are gap-free (1, 2, 3, …) over committed events: a rolled-back
	// transaction's numbers are reused, and no event with a lower number can
	// become visible after one with a higher number.
	AppendEvents(evs []Event) error
	// Events returns up to limit events with Seq > after, in Seq order.
	Events(after uint64, limit int) ([]Event, error)
}

// CommandTx records applied commands for idempotency.
type CommandTx interface {
	// Command returns the record with the key, or ErrNotFound.
	Command(key string) (Command, error)
	// PutCommand inserts the record. A record with the same key already
	// stored is an error matching ErrConflict.
	PutCommand(Command) error
}

// SequenceTx hands out gap-free counters.
type SequenceTx interface {
	// NextSequence increments the named counter and returns its new value:
	// 1 on first use, then 2, 3, … Rolled-back increments are not kept.
	NextSequence(name string) (int64, error)
}

// AppendTx is an optional capability of a Tx, as database/sql/driver adds
// its own: the reads the engine makes in every operation, appending to a
// slice the caller owns instead of returning a new one, so that the engine
// reuses its buffers from one operation to the next (a receipt into a book
// of 200 lines otherwise allocates the book anew). The engine uses it when
// its Tx implements it; memstore does.
//
// What is appended is exactly what Positions and Book return, copied just
// the same: the store keeps no reference to dst, and each appended entry's
// slices are new (they share no memory with the store or with dst's old
// elements).
type AppendTx interface {
	// AppendPositions appends Positions(sku) to dst and returns the
	// extended slice.
	AppendPositions(dst []StockPosition, sku string) ([]StockPosition, error)
	// AppendBook appends Book(sku) to dst and returns the extended slice.
	AppendBook(dst []BookEntry, sku string) ([]BookEntry, error)
}

// AppendOrderTx is an optional capability of a Tx, as AppendTx is: reading
// an order with its lines appended to a slice the caller owns, so that the
// engine reads an order into memory it reuses from one operation to the
// next. Shipping an order reads it three times (to plan, to ship, to
// confirm), and a copy of its lines each time was a large part of what
// the cycle allocated. The engine uses it when its Tx implements it;
// memstore does.
type AppendOrderTx interface {
	// AppendOrder returns what Order(id) returns, except that the order's
	// lines are appended to dst: the returned order's Lines is the
	// extended slice. As with AppendTx, the store keeps no reference to
	// dst, and each appended line's slices are new (they share no memory
	// with the store or with dst's old elements).
	AppendOrder(dst []Line, id uuid.UUID) (Order, error)
}

// Prefetcher is an optional capability of a Tx, for stores where every read
// is a round trip to a server. Before an operation reads anything, the
// engine calls Prefetch with what the operation is about to read, so the
// store can read it all at once (and take the locks those reads take, in
// one order). The engine uses it when its Tx implements it; pgstore does.
//
// Prefetch changes nothing and promises nothing: later reads must return
// what they would have returned without it (a store may serve them from
// what Prefetch read, as long as the transaction has not written them
// since). A store may ignore any part of the hint.
type Prefetcher interface {
	Prefetch(Hint) error
}

// Hint names what an operation is about to read: the command record of
// its idempotency key, orders (with their lines) by id, the list of
// locations, the items, stock positions and waiting books of SKUs, lines by
// id, and the current values of named sequences.
type Hint struct {
	Command   string
	Orders    []uuid.UUID
	Locations bool
	SKUs      []string
	Lines     []uuid.UUID
	Sequences []string
}

// EventQueuer is an optional capability of a Tx. QueueEvents appends evs
// to the outbox as AppendEvents does, with the same numbering guarantees,
// but the store may number them as the transaction commits, and it does
// not write the numbers back into evs (it keeps no reference to evs). The
// engine, which does not read the numbers, uses it when its Tx implements
// it: a store that numbers events under a lock held to commit (pgstore)
// then holds that lock only while committing, not for a round trip more.
type EventQueuer interface {
	QueueEvents(evs []Event) error
}
