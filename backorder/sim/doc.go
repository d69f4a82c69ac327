// Package sim is the deterministic simulator of backorderkit: it runs
// seeded random histories of commands against an engine over any
// backorder.Store, injects store faults, and compares the engine after
// every operation with a reference model and with the invariants of the
// design. It follows FoundationDB's and TigerBeetle's practice: trust comes
// from millions of seeded histories, each replayable from its seed.
//
// Four parts work together:
//
//   - A workload generator draws, from a seeded PCG source, commands over
//     the engine's whole public surface: items and locations, stock
//     receipts, adjustments and counts, orders of every ship policy,
//     priority and protection, cancellations, priority changes, inbound
//     supply expected, changed and cancelled, shipments created,
//     confirmed, voided and returned, invoices and credit notes, and
//     queries; plus commands repeated with the same id (sometimes with
//     another payload), invalid commands, and retries after faults.
//   - FaultStore wraps any Store and fails Update transactions before or
//     after their function runs, reports conflicts (which the engine
//     retries), cancels the context mid-transaction, or loses the reply to
//     a committed transaction; each with a well-defined outcome, at a
//     seeded rate or as scripted per operation.
//   - The model is a slow, obvious implementation of the engine's
//     documented rules over plain lists, sharing no code with the engine.
//     It calls the allocation policies and the invoice and eta packages,
//     which have their own oracle tests; its job is the bookkeeping: every
//     line's split, every position, every book entry and promise, every
//     shipment and invoice, every event, every command's first result.
//   - The checker compares, after each operation, everything the engine
//     wrote (even in a transaction that rolled back) and everything the
//     model changed, and the invariants of the design (see Check); every
//     Options.CheckEvery operations it compares everything.
//
// A divergence stops the history. The simulator then shrinks it: it drops
// operations (and faults) while the history still fails the same way, and
// prints the seed and the shortest history as a regression test to paste
// (see Failure.Report and Replay).
//
// # Usage
//
// A test of the engine runs the simulation on the in-memory store; go test
// runs Options.Seeds seeds (DefaultSeeds) of Options.Ops operations:
//
//	func TestSimulation(t *testing.T) {
//		sim.Run(t, func(*testing.T) backorder.Store { return memstore.New() }, sim.Options{Parallel: true})
//	}
//
// A store module proves its store the same way (each seed gets a fresh,
// empty store):
//
//	sim.Run(t, func(t *testing.T) backorder.Store { return openFreshSchema(t) }, sim.Options{Seeds: 20})
//
// And concurrent callers, where no model can predict the interleaving, are
// checked for the invariants and for exactly-once commands:
//
//	sim.RunConcurrent(t, newStore, sim.ConcurrentOptions{Workers: 4})
//
// Longer runs need no code: the flags -sim.seeds, -sim.ops, -sim.seed and
// -sim.check (registered by this package in every test binary that imports
// it) override the options, for example
//
//	go test ./backorder/sim -run 'TestSimulation$' -sim.seeds=100000
//
// A failing seed prints a test like this one, which replays it:
//
//	func TestSimulationSeed42(t *testing.T) {
//		h := sim.History{Seed: 42, Config: sim.Config{Policy: "fifo"}, Ops: []sim.Op{…}}
//		sim.Replay(t, func(t *testing.T) backorder.Store { return memstore.New() }, h)
//	}
//
// # Determinism
//
// A history is a value (History): the engine configuration and the
// operations with their inputs, clock advances and faults. The engine runs
// with the simulator's clock (starting at Epoch) and id generator, so the
// same history gives the same engine decisions, events and ids every time.
// Shipments and invoices, whose ids the engine makes, are named in
// operations by position (ShipmentRef). Only concurrent runs depend on the
// scheduler.
//
// # Engine issues found
//
// Every engine bug the simulator found keeps its shortest history in
// issues_test.go: fixed ones replay as regression tests; one that is not
// fixed yet is tolerated narrowly (issues.go says how), so that the
// simulator can go on finding others, and its test fails as soon as the
// engine no longer shows it.
package sim
