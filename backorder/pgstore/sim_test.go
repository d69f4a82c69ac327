package pgstore_test

import (
	"testing"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/sim"
)

// TestSimulation runs the seeded simulation of the engine against the
// reference model on PostgreSQL: 20 seeds × 200 operations, with injected
// faults. Run more with -sim.seeds.
func TestSimulation(t *testing.T) {
	needDB(t)
	sim.Run(t, func(t *testing.T) backorder.Store { return newStore(t, nil) }, sim.Options{Seeds: 20, Ops: 200})
}

// TestSimulationConcurrent runs concurrent callers on one engine over
// PostgreSQL and checks the invariants and each command's exactly-once
// effect.
func TestSimulationConcurrent(t *testing.T) {
	needDB(t)
	sim.RunConcurrent(t, func(t *testing.T) backorder.Store { return newStore(t, nil) }, sim.ConcurrentOptions{Workers: 6, Ops: 300})
}
