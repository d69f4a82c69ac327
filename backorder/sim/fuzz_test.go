package sim_test

import (
	"testing"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/memstore"
	"github.com/backorderkit/backorderkit/backorder/sim"
)

// FuzzSimulation lets the fuzzer choose seeds, history lengths and fault
// rates: go test -fuzz=FuzzSimulation ./backorder/sim. A failure reports
// the shortest history that still fails.
func FuzzSimulation(f *testing.F) {
	f.Add(uint64(1), uint16(50), uint8(5))
	f.Add(uint64(2), uint16(300), uint8(0))
	f.Add(uint64(3), uint16(120), uint8(40))
	f.Fuzz(func(t *testing.T, seed uint64, ops uint16, faultsPercent uint8) {
		o := sim.Options{Ops: int(ops%400) + 1, Faults: float64(faultsPercent%60) / 100}
		if o.Faults == 0 {
			o.Faults = -1
		}
		if fl := sim.RunSeed(seed, func() backorder.Store { return memstore.New() }, o); fl != nil {
			t.Fatal(fl.Report())
		}
	})
}
