package pgstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/backorderkit/backorderkit/allocation"
	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/pgstore"
)

// Sinks keep the benchmarks' results alive.
var (
	sinkPlace   backorder.PlaceResult
	sinkReceive backorder.ReceiveResult
)

const benchSKUs = 1000

// benchEngine returns an engine on a fresh store with one location and
// benchSKUs items, each with stock far beyond what the benchmark takes.
func benchEngine(b *testing.B, s *pgstore.Store, policy allocation.Policy) *backorder.Engine {
	b.Helper()
	ctx := context.Background()
	eng, err := backorder.New(backorder.Config{Store: s, Policy: policy, Retries: 100})
	if err != nil {
		b.Fatal(err)
	}
	if err := eng.PutLocation(ctx, backorder.Location{ID: "AMS"}); err != nil {
		b.Fatal(err)
	}
	for i := range benchSKUs {
		sku := fmt.Sprintf("SKU-%04d", i)
		if err := eng.PutItem(ctx, backorder.Item{SKU: sku}); err != nil {
			b.Fatal(err)
		}
		if _, err := eng.Receive(ctx, backorder.Receipt{ID: "GR-" + sku, SKU: sku, Location: "AMS", Qty: 1 << 40}); err != nil {
			b.Fatal(err)
		}
	}
	return eng
}

// tenLines returns an order of 10 lines on distinct SKUs picked from n,
// sorted, so that two orders lock their SKUs in one order.
func tenLines(n int, customer string) backorder.Order {
	o := backorder.Order{ID: uuid.New(), Customer: customer, Currency: "EUR"}
	start := int(o.ID[0])<<8 | int(o.ID[1])
	for i := range 10 {
		sku := fmt.Sprintf("SKU-%04d", (start+i*(benchSKUs/10))%benchSKUs)
		o.Lines = append(o.Lines, backorder.Line{ID: uuid.New(), SKU: sku, Qty: 3,
			UnitPrice: decimal.RequireFromString("1.25")})
	}
	return o
}

// BenchmarkPlaceOrder10 places 10-line orders, one at a time, on one
// engine: the latency of one order.
func BenchmarkPlaceOrder10(b *testing.B) {
	s := newStore(b, nil)
	eng := benchEngine(b, s, allocation.FIFO{})
	ctx := context.Background()
	orders := make([]backorder.Order, b.N)
	for i := range orders {
		orders[i] = tenLines(benchSKUs, "ACME")
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		res, err := eng.PlaceOrder(ctx, orders[i])
		if err != nil {
			b.Fatal(err)
		}
		sinkPlace = res
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*10), "ns/line")
}

// BenchmarkPlaceOrder10Parallel places 10-line orders from 4 engines, each
// with its own connection pool as a separate application instance would,
// and reports orders per second over all four.
func BenchmarkPlaceOrder10Parallel(b *testing.B) {
	const engines = 4
	s0 := newStore(b, nil)
	benchEngine(b, s0, allocation.FIFO{})
	ctx := context.Background()
	engs := make([]*backorder.Engine, engines)
	for i := range engs {
		pool, err := newPool(ctx, 2)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(pool.Close)
		s, err := pgstore.New(pool, pgstore.Options{Schema: s0.Schema()})
		if err != nil {
			b.Fatal(err)
		}
		if engs[i], err = backorder.New(backorder.Config{Store: s, Retries: 100}); err != nil {
			b.Fatal(err)
		}
	}
	orders := make([]backorder.Order, b.N)
	for i := range orders {
		orders[i] = tenLines(benchSKUs, fmt.Sprintf("C%d", i%engines))
	}
	var mu sync.Mutex
	b.ReportAllocs()
	b.ResetTimer()
	var wg sync.WaitGroup
	for w := range engines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < b.N; i += engines {
				res, err := engs[w].PlaceOrder(ctx, orders[i])
				if err != nil {
					b.Error(err)
					return
				}
				mu.Lock()
				sinkPlace = res
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := b.Elapsed()
	b.ReportMetric(float64(elapsed.Nanoseconds())/float64(b.N*10), "ns/line")
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "orders/s")
}

// BenchmarkReceiveBook200 receives into a SKU whose book has 200 waiting
// lines. "one" receives a unit per iteration, which the first line in the
// book takes, so the book keeps its 200 lines; "all" receives what fills
// every line (the book is rebuilt outside the timer).
func BenchmarkReceiveBook200(b *testing.B) {
	const lines = 200
	ctx := context.Background()
	setup := func(b *testing.B, policy allocation.Policy) *backorder.Engine {
		s := newStore(b, nil)
		eng, err := backorder.New(backorder.Config{Store: s, Policy: policy, Retries: 100})
		if err != nil {
			b.Fatal(err)
		}
		if err := eng.PutLocation(ctx, backorder.Location{ID: "AMS"}); err != nil {
			b.Fatal(err)
		}
		if err := eng.PutItem(ctx, backorder.Item{SKU: "HOT"}); err != nil {
			b.Fatal(err)
		}
		return eng
	}
	fill := func(b *testing.B, eng *backorder.Engine, qty int64) {
		for i := range lines {
			o := backorder.Order{ID: uuid.New(), Customer: fmt.Sprintf("C%03d", i), Currency: "EUR",
				Lines: []backorder.Line{{ID: uuid.New(), SKU: "HOT", Qty: qty, UnitPrice: decimal.NewFromInt(2)}}}
			if _, err := eng.PlaceOrder(ctx, o); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("one", func(b *testing.B) {
		eng := setup(b, allocation.FIFO{})
		fill(b, eng, 1<<40)
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			res, err := eng.Receive(ctx, backorder.Receipt{ID: fmt.Sprintf("GR-%d", i), SKU: "HOT", Location: "AMS", Qty: 1})
			if err != nil {
				b.Fatal(err)
			}
			sinkReceive = res
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*lines), "ns/line")
	})
	b.Run("all", func(b *testing.B) {
		eng := setup(b, allocation.FIFO{})
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			b.StopTimer()
			fill(b, eng, 5)
			b.StartTimer()
			res, err := eng.Receive(ctx, backorder.Receipt{ID: fmt.Sprintf("GR-%d", i), SKU: "HOT", Location: "AMS", Qty: 5 * lines})
			if err != nil {
				b.Fatal(err)
			}
			if len(res.Allocated) != lines {
				b.Fatalf("receipt served %d lines, want %d", len(res.Allocated), lines)
			}
			sinkReceive = res
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*lines), "ns/line")
	})
}
