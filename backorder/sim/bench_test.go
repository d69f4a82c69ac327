package sim_test

import (
	"testing"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/memstore"
	"github.com/backorderkit/backorderkit/backorder/sim"
)

// sink keeps the benchmarks' results alive.
var sink *sim.Failure

// BenchmarkSimulation measures a simulated history: the engine's call, the
// model's, and the comparison after each operation. A "line" here is one
// operation of the history.
func BenchmarkSimulation(b *testing.B) {
	for _, ops := range []int{100, 500} {
		b.Run(itoa(ops)+"ops", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				sink = sim.RunSeed(uint64(i%50+1), func() backorder.Store { return memstore.New() }, sim.Options{Ops: ops, NoShrink: true})
				if sink != nil {
					b.Fatal(sink.Divergence)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*ops), "ns/line")
		})
	}
}

// BenchmarkConcurrent measures concurrent callers with the invariant
// checker running beside them; a line is one command.
func BenchmarkConcurrent(b *testing.B) {
	b.ReportAllocs()
	const workers, ops = 4, 100
	for i := 0; b.Loop(); i++ {
		if err := sim.Concurrent(memstore.New(), sim.ConcurrentOptions{Workers: workers, Ops: ops, Seed: uint64(i + 1)}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*workers*ops), "ns/line")
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
