package allocation_test

import (
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/backorderkit/backorderkit/allocation"
	"github.com/backorderkit/backorderkit/allocation/allocationtest"
)

// Sinks keep the benchmarks' results alive so the compiler cannot drop the
// work.
var (
	sinkGrants []int64
	sinkSum    int64
)

// books caches the standard books: building the 1M-line book takes longer
// than most runs of the benchmarks that use it.
var books sync.Map // int → allocationtest.Book

func book(n int) allocationtest.Book {
	if b, ok := books.Load(n); ok {
		return b.(allocationtest.Book)
	}
	b := allocationtest.NewBook(n)
	books.Store(n, b)
	runtime.GC() // collect the generator's garbage now, not in a timed loop
	return b
}

var benchSizes = []int{1_000, 100_000, 1_000_000}

// BenchmarkPolicy allocates the standard book, one Allocate call per SKU
// with a reused grant slice; one op is the whole book.
func BenchmarkPolicy(b *testing.B) {
	policies := []struct {
		name string
		p    allocation.Policy
	}{
		{"FIFO", allocation.FIFO{}},
		{"Priority", allocation.Priority{}},
		{"FairShare", allocation.FairShare{}},
		{"MaxMin", allocation.MaxMin{}},
		{"FairShareTiered", allocation.FairShare{Tiered: true}},
		{"MaxMinTiered", allocation.MaxMin{Tiered: true}},
	}
	for _, pc := range policies {
		for _, n := range benchSizes {
			b.Run(fmt.Sprintf("%s/lines=%d", pc.name, n), func(b *testing.B) {
				bk := book(n)
				dst := make([]int64, 0, maxLines(bk))
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					for _, s := range bk.SKUs {
						dst = pc.p.Allocate(dst, s.Supply, bk.Demands[s.Start:s.End])
					}
				}
				sinkGrants = dst
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/line")
			})
		}
	}
}

func maxLines(bk allocationtest.Book) int {
	m := 0
	for _, s := range bk.SKUs {
		m = max(m, s.End-s.Start)
	}
	return m
}

// struct64 is a plain 64-byte record: the floor a policy's single read of
// its lines is compared with.
type struct64 struct {
	a, b, c, d, e, f, g, h int64
}

// BenchmarkScanFloor reads the book's lines once, summing a field, and
// reads 1M plain 64-byte structs the same way: the floor for the policies.
func BenchmarkScanFloor(b *testing.B) {
	const n = 1_000_000
	b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
		bk := book(n)
		b.ReportAllocs()
		b.ResetTimer()
		var sum int64
		for range b.N {
			for _, s := range bk.SKUs {
				for i := range bk.Demands[s.Start:s.End] {
					sum += bk.Demands[s.Start+i].Outstanding
				}
			}
		}
		sinkSum = sum
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/line")
	})
	b.Run(fmt.Sprintf("struct64/lines=%d", n), func(b *testing.B) {
		xs := make([]struct64, n)
		for i := range xs {
			xs[i].a = int64(i)
		}
		runtime.GC()
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
