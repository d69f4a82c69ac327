package sim_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/memstore"
	"github.com/backorderkit/backorderkit/backorder/sim"
)

// A planted store fault must be caught within the seeds CI runs. Each fault
// wraps memstore (no hook in any production code) and breaks one promise
// of the Store contract silently: a write that is dropped, or two events
// stored in each other's place.

// plantedStore wraps a Store; its Tx breaks the contract as tx says.
type plantedStore struct {
	backorder.Store
	mu    sync.Mutex
	calls map[string]int
	// fault decides, for the n-th call (from 1) of a write method, whether
	// to break it.
	fault func(method string, n int) bool
}

func (s *plantedStore) hit(method string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.calls == nil {
		s.calls = map[string]int{}
	}
	s.calls[method]++
	return s.fault(method, s.calls[method])
}

func (s *plantedStore) Update(ctx context.Context, fn func(backorder.Tx) error) error {
	return s.Store.Update(ctx, func(tx backorder.Tx) error { return fn(&plantedTx{Tx: tx, s: s}) })
}

type plantedTx struct {
	backorder.Tx
	s *plantedStore
}

func (t *plantedTx) PutLine(l backorder.Line) error {
	if t.s.hit("PutLine") {
		return nil // dropped
	}
	return t.Tx.PutLine(l)
}

func (t *plantedTx) PutBookEntry(e backorder.BookEntry) error {
	if t.s.hit("PutBookEntry") {
		return nil
	}
	return t.Tx.PutBookEntry(e)
}

func (t *plantedTx) PutPosition(p backorder.StockPosition) error {
	if t.s.hit("PutPosition") {
		return nil
	}
	return t.Tx.PutPosition(p)
}

func (t *plantedTx) PutShipment(sh backorder.Shipment) error {
	if t.s.hit("PutShipment") {
		return nil
	}
	return t.Tx.PutShipment(sh)
}

func (t *plantedTx) PutInvoice(inv backorder.Invoice) error {
	if t.s.hit("PutInvoice") {
		return nil
	}
	return t.Tx.PutInvoice(inv)
}

func (t *plantedTx) PutCommand(c backorder.Command) error {
	if t.s.hit("PutCommand") {
		return nil
	}
	return t.Tx.PutCommand(c)
}

func (t *plantedTx) PutOrder(o backorder.Order) error {
	if t.s.hit("PutOrder") {
		return nil
	}
	return t.Tx.PutOrder(o)
}

// AppendEvents stores a planted batch with its first two events of
// different types in each other's place.
func (t *plantedTx) AppendEvents(evs []backorder.Event) error {
	if len(evs) >= 2 && evs[0].Type != evs[1].Type && t.s.hit("AppendEvents") {
		swapped := append([]backorder.Event(nil), evs...)
		swapped[0], swapped[1] = swapped[1], swapped[0]
		if err := t.Tx.AppendEvents(swapped); err != nil {
			return err
		}
		evs[0].Seq, evs[1].Seq = swapped[1].Seq, swapped[0].Seq
		for i := 2; i < len(evs); i++ {
			evs[i].Seq = swapped[i].Seq
		}
		return nil
	}
	return t.Tx.AppendEvents(evs)
}

func TestSimulationCatchesPlantedFaults(t *testing.T) {
	// once breaks only the n-th call; every breaks every n-th call.
	once := func(method string, n int) func(string, int) bool {
		return func(m string, k int) bool { return m == method && k == n }
	}
	every := func(method string, n int) func(string, int) bool {
		return func(m string, k int) bool { return m == method && k%n == 0 }
	}
	tests := []struct {
		name  string
		fault func(string, int) bool
	}{
		{"drop the 40th line write", once("PutLine", 40)},
		{"drop the 60th book entry write", once("PutBookEntry", 60)},
		{"drop the 30th position write", once("PutPosition", 30)},
		{"drop the 10th shipment write", once("PutShipment", 10)},
		{"drop the 5th invoice write", once("PutInvoice", 5)},
		{"drop the 20th order write", once("PutOrder", 20)},
		{"drop every 5th command record", every("PutCommand", 5)},
		{"swap two events of the 10th batch", once("AppendEvents", 10)},
	}
	const seeds = 10 // the first of the CI seeds
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for seed := uint64(1); seed <= seeds; seed++ {
				f := sim.RunSeed(seed, func() backorder.Store {
					return &plantedStore{Store: memstore.New(), fault: tc.fault}
				}, sim.Options{NoShrink: true})
				if f != nil {
					t.Logf("caught by seed %d: %v", seed, f.Divergence)
					return
				}
			}
			t.Fatalf("the planted fault went unnoticed in %d seeds", seeds)
		})
	}
}

// The report of a planted fault ends in the shortest history that still
// fails, and that history replays to the same divergence.
func TestSimulationShrinksPlantedFault(t *testing.T) {
	newStore := func() backorder.Store {
		return &plantedStore{Store: memstore.New(), fault: func(m string, n int) bool { return m == "PutLine" && n == 12 }}
	}
	var f *sim.Failure
	for seed := uint64(1); f == nil && seed <= 10; seed++ {
		f = sim.RunSeed(seed, newStore, sim.Options{Ops: 80})
	}
	if f == nil {
		t.Fatal("the planted fault went unnoticed")
	}
	if len(f.Shrunk.Ops) >= len(f.History.Ops) {
		t.Fatalf("shrinking kept %d of %d operations", len(f.Shrunk.Ops), len(f.History.Ops))
	}
	report := f.Report()
	for _, want := range []string{"seed", "sim.Replay(t,", "sim.History{", "The shortest failing history"} {
		if !strings.Contains(report, want) {
			t.Errorf("the report lacks %q:\n%s", want, report)
		}
	}
	t.Logf("%d operations shrunk to %d:\n%s", len(f.History.Ops), len(f.Shrunk.Ops), report)
	// The shrunk history fails on a fresh planted store, and passes on an
	// honest one.
	ft := &fakeT{}
	sim.Replay(ft, func(*testing.T) backorder.Store { return newStore() }, f.Shrunk)
	if !ft.failed {
		t.Fatal("the shrunk history passes on the planted store")
	}
	sim.Replay(t, func(*testing.T) backorder.Store { return memstore.New() }, f.Shrunk)
}

// fakeT records a failure instead of failing the test.
type fakeT struct {
	testing.TB
	failed bool
}

func (f *fakeT) Helper()           {}
func (f *fakeT) Fatal(args ...any) { f.failed = true }
