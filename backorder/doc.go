// Package backorder is the engine of backorderkit: it accepts orders for
// items that are short, decides who gets scarce stock, keeps each SKU's
// backorder book, and records every change as an event in the same
// transaction.
//
// A backorder is demand accepted for an item that is short today because
// supply is on its way (a Replenishable item). An item that takes no
// backorders (NoBackorder) has its shortfall cancelled at once; a
// Discontinued item is out of stock for good: its shortfall is rejected and
// nothing waits for it.
//
// The engine owns no database. It runs on a Store, which the host brings:
// memstore for tests, examples and small hosts, pgstore for PostgreSQL, or
// the host's own, proven with storetest.Run. A store whose transactions
// also implement AppendTx and AppendOrderTx (memstore's do) lets the
// engine read books, positions and orders into memory it reuses from one
// operation to the next; one whose transactions implement Prefetcher and
// EventQueuer (pgstore's do) is told what an operation will read before it
// reads, and may number events at commit, so that an operation costs a
// couple of round trips to a database server. Who gets scarce stock is an
// allocation.Policy (FIFO, Priority, FairShare, MaxMin, or the host's own).
//
// # Usage
//
// A host does five things:
//
//  1. Build an Engine once, from a Config with a Store and a default Policy,
//     and share it: it is safe for concurrent use.
//  2. Declare locations and items (PutLocation, PutItem), and keep stock
//     current: Receive for goods receipts, AdjustStock and CountStock for
//     corrections and cycle counts.
//  3. Place orders (PlaceOrder). Each line is allocated from available
//     stock; the shortfall is backordered, cancelled or rejected by the
//     item's status. Read the PlaceResult to tell the customer at once.
//  4. Change orders with Cancel and SetPriority.
//  5. Read the outbox with Events(after, limit) from the last sequence
//     number handled, and notify customers and suppliers from it. Events are
//     written in the same transaction as the change, so none is lost.
//
// Every command carries the caller's id (the order's ID, a receipt's ID, a
// cancellation's ID, …). Applying a command id a second time returns the
// first result and changes nothing, so a host can retry freely after a
// timeout. Every input is validated before anything is written: a bad one
// returns a *ValidationError (matching ErrInvalid) naming the field, and a
// failed operation changes nothing.
//
//	eng, err := backorder.New(backorder.Config{
//		Store:  memstore.New(),
//		Policy: allocation.Priority{},
//	})
//	if err != nil { … }
//	_ = eng.PutLocation(ctx, backorder.Location{ID: "AMS"})
//	_ = eng.PutItem(ctx, backorder.Item{SKU: "BOLT-M8"})
//	res, err := eng.PlaceOrder(ctx, backorder.Order{ID: uuid.New(), Customer: "ACME",
//		Priority: 2, Currency: "EUR",
//		Lines: []backorder.Line{{ID: uuid.New(), SKU: "BOLT-M8", Qty: 500, UnitPrice: price}}})
//	// res.Lines[0].Backordered is what waits.
//	_, err = eng.Receive(ctx, backorder.Receipt{ID: "GR-1", SKU: "BOLT-M8", Location: "AMS", Qty: 300})
//	evs, err := eng.Events(ctx, lastSeq, 100)
//
// # The split of a line
//
// A line's ordered quantity is always split as allocated (per location) +
// shipped + cancelled + backordered. The engine keeps, per SKU, a compact
// book of the lines with open quantity (BookEntry), so a receipt reads and
// writes only the lines it serves, never whole orders.
//
// # Ranking and preemption
//
// The SKU's policy ranks its book; Book returns it in that order. A new
// line joins the book at its rank but never takes what other lines hold,
// unless Config.Preempt is on and the policy ranks it ahead, or the line is
// ProtectWin and the holder is ProtectRedistribute. ProtectKeep lines never
// give up what they hold. When a count or adjustment leaves less on hand
// than is allocated, the lines the policy ranks last lose their allocation
// first and return to the book.
//
// # Errors
//
// Match errors with errors.Is: ErrInvalid (a *ValidationError with Field and
// Reason), ErrNotFound (a *NotFoundError with Kind and Key), ErrConflict
// (the store lost a race more often than Config.Retries allows; retry
// later). A *PolicyError means a custom policy broke its contract.
package backorder
