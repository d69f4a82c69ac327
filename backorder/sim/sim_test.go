package sim_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/memstore"
	"github.com/backorderkit/backorderkit/backorder/sim"
)

func newMemStore(*testing.T) backorder.Store { return memstore.New() }

func TestSimulation(t *testing.T) {
	o := sim.Options{Parallel: true}
	if testing.Short() {
		o.Seeds = 20 // -short is for quick checks; CI runs the default 200
	}
	sim.Run(t, newMemStore, o)
}

func TestSimulationConcurrent(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		sim.RunConcurrent(t, newMemStore, sim.ConcurrentOptions{Seed: seed})
	}
}

// Same inputs, same decisions (invariant 8): a seed run twice leaves the
// same outbox, operation by operation, and the same orders.
func TestSimulationDeterminism(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		var runs [2]string
		for i := range runs {
			store := memstore.New()
			if f := sim.RunSeed(seed, func() backorder.Store { return store }, sim.Options{Ops: 300, NoShrink: true}); f != nil {
				t.Fatal(f.Divergence)
			}
			runs[i] = outbox(t, store)
		}
		if runs[0] != runs[1] {
			t.Fatalf("seed %d: two runs differ:\n%s\n---\n%s", seed, runs[0], runs[1])
		}
	}
}

// outbox renders a store's events, operation by operation (each sorted:
// the engine orders a consolidating shipment's reallocations by map
// iteration), and every order they name.
func outbox(t *testing.T, s backorder.Store) string {
	t.Helper()
	var b strings.Builder
	err := s.View(context.Background(), func(tx backorder.Tx) error {
		evs, err := tx.Events(0, backorder.MaxEventsPerRead)
		if err != nil {
			return err
		}
		var op []string
		var orders []uuid.UUID
		flush := func() {
			slices.Sort(op)
			b.WriteString(strings.Join(op, "\n") + "\n--\n")
			op = op[:0]
		}
		for i, ev := range evs {
			if i > 0 && (ev.Command != evs[i-1].Command || !ev.At.Equal(evs[i-1].At)) {
				flush()
			}
			ev.Seq = 0
			j, _ := json.Marshal(ev)
			op = append(op, string(j))
			if ev.OrderID != uuid.Nil && !slices.Contains(orders, ev.OrderID) {
				orders = append(orders, ev.OrderID)
			}
		}
		flush()
		for _, id := range orders {
			o, err := tx.Order(id)
			if err != nil {
				return err
			}
			j, _ := json.Marshal(o)
			b.Write(j)
			b.WriteByte('\n')
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
