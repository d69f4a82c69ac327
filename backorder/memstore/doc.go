// Package memstore is the in-memory backorder.Store: the embedded default,
// and the store the engine's own tests and benchmarks run on.
//
// It keeps everything in maps and sorted indexes in the process's memory,
// and loses it when the process ends. It passes storetest.Run, the same
// conformance suite as the PostgreSQL store, so an engine that works on
// memstore works on any conforming store.
//
// # Usage
//
// Create a store and give it to the engine:
//
//	eng, err := backorder.New(backorder.Config{Store: memstore.New()})
//
// Or use it directly, as the engine does:
//
//	s := memstore.New()
//	err := s.Update(ctx, func(tx backorder.Tx) error {
//		return tx.PutItem(backorder.Item{SKU: "BOLT-M8"})
//	})
//	err = s.View(ctx, func(tx backorder.Tx) error {
//		it, err := tx.Item("BOLT-M8")
//		...
//	})
//
// What a host should know:
//
//  1. Update transactions run one at a time under the store's write lock,
//     so they are serializable and never conflict: memstore returns
//     backorder.ErrConflict only from PutCommand for a key already
//     recorded. View transactions share a read lock; a View waits for a
//     running Update and an Update for running Views.
//  2. Writes go straight into the store, each recording how to undo it. If
//     fn returns an error, panics (also runtime.Goexit, as from t.Fatal),
//     or ctx is done when it returns, the changes are undone in reverse
//     order before Update returns the error or the panic goes on.
//  3. Every value is copied on the way in and on the way out, so callers
//     never share memory with the store. Its transactions also implement
//     backorder.AppendTx and backorder.AppendOrderTx, which the engine uses
//     to read positions, books and orders into buffers it reuses. Times are
//     kept exactly as given, zone and monotonic reading included; a
//     database keeps microseconds and may change the zone, so do not let
//     tests depend on more than storetest checks.
//  4. The write methods of a View's Tx return ErrReadOnly. Every method of
//     a Tx used after its function returned returns ErrTxDone. A nil ctx or
//     fn is refused with a *backorder.ValidationError.
//  5. Do not call Update or View from inside a transaction's function: the
//     lock is not reentrant, and the call blocks forever.
//
// # Ordering
//
// Lists are sorted as backorder.Tx documents, with strings compared
// bytewise, ids by their bytes, and times by their wall-clock instant
// (monotonic clock readings are ignored). Where the documented keys tie, memstore
// breaks the tie by the row's own key: Book and Holders by line id after
// Seq; CustomerBook by line id after Placed, SKU and Seq; Shipments by ID
// after CreatedAt; Invoices by ID after IssuedAt and Number.
//
// # Performance
//
// Reads cost about one copy of what they return; the copy of a book, an
// order's lines or an entry's allocations puts the slices of all its
// values into one allocation. Book and Holders read a per-SKU (and per
// SKU and location) slice kept sorted by Seq, each entry's Seq beside its
// pointer so that a search never leaves the slice, where new entries
// mostly append. Positions are kept per SKU, sorted by location;
// Inbounds, Locations, Shipments and Invoices have sorted indexes of
// their own.
//
// A line and its book entries are one row, found with one lookup in a
// hash table of line ids that grows a bucket at a time (no insert
// rehashes the whole table) and holds row numbers, not pointers; a byte
// of tag per slot answers most probes, so that looking for an id that is
// not there reads one cache line, not three or four. Lines
// and book entries are stored in a
// compact form without pointers, which the garbage collector never scans:
// the SKU, customer and locations as numbers of a table of names, prices as
// numbers of a table of prices, times as their instant and a zone code
// (UTC or local) in one word, and room for the first two allocations. What
// does not fit (the fields most lines leave empty, more allocations, times
// in other zones, with a monotonic reading or more than 68 years from
// 2000, a full table) is kept beside the box,
// behind one pointer that is nil for most lines and entries. An order's
// lines are stored in one block, each with room for its book entry, so
// storing an order and its entries is a few allocations; the store
// numbers its blocks and keeps them as long as it lives, and a row whose
// line and entry are in a block (nearly every row) names it by number, so
// that a stored line holds no pointer at all. A line or its
// first book entry written again is written over the stored one, in
// place, its old value kept for undo, so that shipping and confirming
// allocate nothing per line.
//
// CustomerBook reads an unsorted per-customer set and sorts it, so that
// writes never shift a large customer's list. OpenOrders keeps a count of
// open lines per order and sorts the ids of the open orders when first
// read after a change, so paging through them in one View sorts once.
// Events are an append-only list of fixed-size chunks, read by index, so
// appending never copies old events; each keeps the fields most events
// carry in 56 bytes (a fifth of an Event) and the rest in a side list,
// and the time and command of an operation's events once. A stored event
// holds no pointer: its strings (SKU, location, customer) are numbers of
// the store's table of names, which stored lines share, so the collector
// never scans the outbox, however many events it keeps. Command records,
// which only grow too, keep their keys and results in large chunks of
// bytes found through a hash table of numbers: no allocation of their
// own, and nothing for the collector to scan but their times.
//
// A write costs a lookup (a position, a sequence, a line or an entry), an
// undo record and its index updates; an update that keeps a row's place
// in an index overwrites it there, or, written in place, leaves it as it
// is. No reflection or encoding is involved.
package memstore
