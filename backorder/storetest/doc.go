// Package storetest is the conformance suite for backorder.Store: it checks
// every behaviour the engine relies on, as the contract in the doc comments
// of backorder.Store and backorder.Tx states it. The in-memory memstore and
// the PostgreSQL pgstore pass it, and a host's own store proves itself the
// same way.
//
// It is ordinary importable code, not a _test package. It depends on the
// standard library and what the root module already requires (decimal,
// uuid); not on testify, so importing it adds nothing to a host's build.
//
// # Usage
//
// In the store's own tests, call Run with a function that returns a fresh,
// empty store:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) backorder.Store { return memstore.New() })
//	}
//
// A store backed by a database typically gives each subtest its own schema
// and drops it afterwards:
//
//	storetest.Run(t, func(t *testing.T) backorder.Store {
//		s := openInFreshSchema(t)       // the host's helper
//		t.Cleanup(func() { dropSchema(s) })
//		return s
//	})
//
// What Run does:
//
//  1. It runs one subtest per behaviour, grouped by theme (RoundTrip,
//     NotFound, Ownership, Lists, Transactions, Events, Commands,
//     Sequences, Isolation), each on a new store from newStore, one after
//     the other (never in parallel), so a single database can serve them.
//     Select a theme with go test -run 'TestConformance/Lists'.
//  2. Round trips write every entity with every field set (and again with
//     only its key set) and read it back in the same Update and in a later
//     View. Fixtures check themselves: a field added to a backorder type
//     and not to the fixture fails the suite until the fixture sets it.
//  3. Transactions apply one write of every kind and then fail (an error, a
//     context cancelled before or during fn, a panic), and check that the
//     whole store, events, command records and sequences included, reads
//     as before.
//  4. Isolation runs 8 goroutines of up to 50 transactions each: read-modify-write
//     of one position (no lost update), a read-two-write-one cap (no write
//     skew), NextSequence (each number once), the same command keys (one
//     record wins), and AppendEvents while readers page through Events
//     (every page a gap-free run after the cursor). Updates that fail with
//     an error matching backorder.ErrConflict are retried, with a short
//     random backoff, up to 1000 times, as the engine would retry them.
//
// # What the suite pins down beyond the interface's comments
//
// These follow from the contract and from what the engine does, but are
// worth stating for a store's author:
//
//   - Strings sort bytewise (Go's <, which the engine itself uses to search
//     the lists it reads; PostgreSQL's COLLATE "C"), not by a linguistic
//     collation: "B" < "Zz" < "Zürich" < "a". Keys are case-sensitive.
//   - UUIDs sort by their bytes, which is the order of their canonical
//     strings and PostgreSQL's uuid order.
//   - Times keep at least microsecond Precision and their instant; the zone
//     may change. Equal instants in different zones tie. The zero time
//     comes back as a zero time.
//   - Decimals keep their value exactly (not necessarily their exponent);
//     Command.Result keeps its JSON value (a jsonb column may reformat it);
//     nil and empty slices are alike; int64 fields hold the full range.
//   - A transaction reads its own writes, lists included.
//   - Rows are independent: the suite writes positions for SKUs with no
//     item, book entries, shipments and invoices for orders and lines it
//     never stored, and so on. A store must not enforce references the
//     contract does not state; the only one it states is that PutLine
//     needs the line's order.
//   - PutOrder sets every line's OrderID to the order's ID; lines new to a
//     stored order go after its existing lines, in the order given.
//   - A BookEntry holds at a location when its Allocations give it a Qty >
//     0 there; Inbounds leaves out lines with Qty ≤ 0 (negative included).
//   - Events(after, 0) and OpenOrders(after, 0) are empty; so is
//     Events(after, n) for any after at or beyond the last Seq.
//   - OpenOrders counts a line as open when Open() > 0 (allocated or
//     waiting); after need not be the id of a stored, or open, order.
//   - A View's write methods return an error (which one is the store's
//     choice) and change nothing.
//   - An Update whose context is done, before or during fn, returns an
//     error matching the context's error.
package storetest
