package eta_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/backorderkit/backorderkit/allocation"
	"github.com/backorderkit/backorderkit/allocation/allocationtest"
	"github.com/backorderkit/backorderkit/eta"
)

// Sinks keep the benchmarks' results alive so the compiler cannot drop the
// work.
var (
	sinkProjection eta.Projection
	sinkSum        int64
)

// benchInput is the standard book (allocationtest.NewBook) with three
// inbound receipts per SKU that together bring the SKU's Supply: half on
// day 3, a quarter on day 10, the rest on day 24, at one location. What
// they leave short (the book's supply is 20–100 % of demand) gets a 30-day
// lead-time estimate. Handling is 2 business days.
type benchInput struct {
	book    allocationtest.Book
	inbound []eta.Inbound // 3 per SKU
	now     time.Time
}

func newBenchInput(n int) benchInput {
	bi := benchInput{book: allocationtest.NewBook(n), now: time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC)}
	bi.inbound = make([]eta.Inbound, 0, 3*len(bi.book.SKUs))
	for _, s := range bi.book.SKUs {
		q1, q2 := s.Supply/2, s.Supply/4
		bi.inbound = append(bi.inbound,
			eta.Inbound{Qty: q1, Expected: bi.now.AddDate(0, 0, 3), Location: "AMS", Supplier: "acme"},
			eta.Inbound{Qty: q2, Expected: bi.now.AddDate(0, 0, 10), Location: "AMS", Supplier: "bolt"},
			eta.Inbound{Qty: s.Supply - q1 - q2, Expected: bi.now.AddDate(0, 0, 24), Location: "AMS", Supplier: "acme"})
	}
	return bi
}

// project projects every SKU of the book once, reusing p and out as the
// engine would, and returns the number of promises made.
func (bi *benchInput) project(b *testing.B, p *eta.Projector, out *eta.Projection, pol allocation.Policy, history map[string][]int) int {
	n := 0
	for k, s := range bi.book.SKUs {
		err := p.Project(out, eta.Input{
			Now:      bi.now,
			Demands:  bi.book.Demands[s.Start:s.End],
			Inbound:  bi.inbound[3*k : 3*k+3],
			Policy:   pol,
			Handling: 2,
			LeadTime: 30 * 24 * time.Hour,
			History:  history,
		})
		if err != nil {
			b.Fatal(err)
		}
		n += out.Len()
	}
	return n
}

// BenchmarkProject projects the standard book SKU by SKU with one reused
// Projector and Projection (0 allocs/op in steady state). Compare ns/line
// with BenchmarkScanFloor in the same run.
func BenchmarkProject(b *testing.B) {
	policies := []struct {
		name string
		p    allocation.Policy
	}{
		{"FIFO", allocation.FIFO{}},
		{"FairShare", allocation.FairShare{}},
		{"Priority", allocation.Priority{}},
		{"MaxMin", allocation.MaxMin{}},
		{"FIFO-generic", hidden{allocation.FIFO{}}},
	}
	history := map[string][]int{"acme": {0, 1, 1, 2, 3, 5, 8}, "bolt": {-1, 0, 0, 4}}
	for _, n := range []int{1000, 1_000_000} {
		var bi *benchInput
		for _, pc := range policies {
			for _, h := range []bool{false, true} {
				name := pc.name
				hist := map[string][]int(nil)
				if h {
					name, hist = name+"-confidence", history
				}
				b.Run(fmt.Sprintf("%s/lines=%d", name, n), func(b *testing.B) {
					if bi == nil {
						v := newBenchInput(n)
						bi = &v
					}
					var p eta.Projector
					var out eta.Projection
					bi.project(b, &p, &out, pc.p, hist) // warm the buffers
					b.ReportAllocs()
					b.ResetTimer()
					for range b.N {
						bi.project(b, &p, &out, pc.p, hist)
					}
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/line")
					sinkProjection = out
				})
			}
		}
	}
}

// struct64 is a plain 64-byte record.
type struct64 struct{ a, b, c, d, e, f, g, h int64 }

// BenchmarkScanFloor is a plain read of 1M 64-byte structs: the floor the
// projection's ns/line is compared with.
func BenchmarkScanFloor(b *testing.B) {
	const n = 1_000_000
	b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
		xs := make([]struct64, n)
		for i := range xs {
			xs[i].a = int64(i)
		}
		b.ReportAllocs()
		b.ResetTimer()
		var sum int64
		for range b.N {
			for i := range xs {
				sum += xs[i].a
			}
		}
		sinkSum = sum
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/line")
	})
}
