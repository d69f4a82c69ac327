package sim_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/memstore"
	"github.com/backorderkit/backorderkit/backorder/sim"
)

// RunSeed runs one seeded history against an engine over a fresh store and
// returns nil when the engine agrees with the model all the way.
func ExampleRunSeed() {
	f := sim.RunSeed(7, func() backorder.Store { return memstore.New() }, sim.Options{Ops: 200})
	fmt.Println("divergence:", f != nil)
	// Output:
	// divergence: false
}

// A history is a value: it replays exactly, here a receipt that serves an
// order waiting for it.
func ExampleReplay() {
	h := sim.History{Config: sim.Config{Policy: sim.PolicyFIFO}, Ops: []sim.Op{
		{Kind: sim.KindPutLocation, Location: backorder.Location{ID: "AMS"}},
		{Kind: sim.KindPutItem, Item: backorder.Item{SKU: "BOLT"}},
		{Kind: sim.KindPlaceOrder, Advance: time.Minute, Order: backorder.Order{ID: sim.ID(1), Customer: "ACME", Currency: "EUR",
			Lines: []backorder.Line{{ID: sim.ID(2), SKU: "BOLT", Qty: 5, UnitPrice: decimal.New(10, 0)}}}},
		{Kind: sim.KindReceive, Advance: time.Hour, Receipt: backorder.Receipt{ID: "GR-1", SKU: "BOLT", Location: "AMS", Qty: 5}},
	}}
	t := &fakeT{}
	sim.Replay(t, func(*testing.T) backorder.Store { return memstore.New() }, h)
	fmt.Println("failed:", t.failed)
	fmt.Println(h.Ops[3].GoString())
	// Output:
	// failed: false
	// sim.Op{
	// 	Kind: sim.KindReceive,
	// 	Advance: 1 * time.Hour,
	// 	Receipt: backorder.Receipt{
	// 		ID: "GR-1",
	// 		SKU: "BOLT",
	// 		Location: "AMS",
	// 		Qty: 5,
	// 	},
	// }
}

// A FaultStore injects the faults a script gives, one per Update call, and
// says what each call saw.
func ExampleFaultStore() {
	ctx := context.Background()
	fs := sim.NewFaultStore(memstore.New(), 1, 0)
	eng, _ := backorder.New(backorder.Config{Store: fs})
	fs.Script(sim.Fault{Kind: sim.ConflictBefore}, sim.Fault{Kind: sim.FailAfter})
	err := eng.PutLocation(ctx, backorder.Location{ID: "AMS"})
	fmt.Println(errors.Is(err, sim.ErrInjected))
	for _, a := range fs.Attempts() {
		fmt.Println(a.Fault.Kind, a.FnRan, a.Committed())
	}
	// The failed call wrote nothing.
	err = fs.View(ctx, func(tx backorder.Tx) error {
		_, err := tx.Location("AMS")
		return err
	})
	fmt.Println(errors.Is(err, backorder.ErrNotFound))
	// Output:
	// true
	// ConflictBefore false false
	// FailAfter true false
	// true
}

// Check reads a store and checks the invariants of the design over the
// SKUs, locations and orders it is told about.
func ExampleCheck() {
	ctx := context.Background()
	store := memstore.New()
	eng, _ := backorder.New(backorder.Config{Store: store})
	_ = eng.PutLocation(ctx, backorder.Location{ID: "AMS"})
	_ = eng.PutItem(ctx, backorder.Item{SKU: "BOLT"})
	_, _ = eng.Receive(ctx, backorder.Receipt{ID: "GR-1", SKU: "BOLT", Location: "AMS", Qty: 5})
	err := sim.Check(ctx, store, sim.Universe{SKUs: []string{"BOLT"}, Locations: []string{"AMS"}, Events: true})
	fmt.Println(err)
	// Output:
	// <nil>
}
