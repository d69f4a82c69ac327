package backorder_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"runtime"
	"testing"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/backorderkit/backorderkit/allocation"
	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/memstore"
)

// sink keeps benchmark results out of the optimizer's reach.
var sink any

// seqIDs makes cheap, unique ids for benchmarks (uuid.New reads
// crypto/rand, which would dominate a 10-line order).
type seqIDs struct{ n uint64 }

func (s *seqIDs) next() uuid.UUID {
	s.n++
	var id uuid.UUID
	binary.BigEndian.PutUint64(id[8:], s.n)
	id[6] = 0x40
	return id
}

func benchEngine(b *testing.B, cfg backorder.Config) (*backorder.Engine, *seqIDs) {
	b.Helper()
	ids := &seqIDs{}
	cfg.Store = memstore.New()
	cfg.NewID = ids.next
	eng, err := backorder.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	if err := eng.PutLocation(context.Background(), backorder.Location{ID: "AMS"}); err != nil {
		b.Fatal(err)
	}
	return eng, ids
}

// settle collects the garbage of a benchmark's setup, off the clock, as
// the testing package does before each benchmark: otherwise the collector
// goes on with that work (a thousand orders placed to be shipped) while the
// clock runs, and the timed operations pay for the setup's garbage as well
// as their own.
func settle() { runtime.GC() }

// stockedEngine returns a FIFO engine over a fresh memstore whose first
// 10 SKUs have stock far beyond what a benchmark takes, at AMS.
func stockedEngine(b *testing.B) (*backorder.Engine, *seqIDs) {
	ctx := context.Background()
	eng, ids := benchEngine(b, backorder.Config{Policy: allocation.FIFO{}})
	for _, sku := range skuNames[:10] {
		must(b, eng.PutItem(ctx, backorder.Item{SKU: sku}))
		_, err := eng.Receive(ctx, backorder.Receipt{ID: "r" + sku, SKU: sku, Location: "AMS", Qty: math.MaxInt64 / 2})
		must(b, err)
	}
	return eng, ids
}

func BenchmarkEngine(b *testing.B) {
	ctx := context.Background()
	price := decimal.RequireFromString("12.50")

	// PlaceOrder: a 10-line order over 10 SKUs with stock, each line fully
	// allocated at once (the common case). The store is rebuilt every 1,024
	// orders (off the clock), so the figure is the steady cost of an order
	// in a store of up to ~1k open orders, not the cost of growing the
	// Go heap without bound. Each iteration places a new order (new order
	// and line ids) from one input value that the benchmark reuses, as a
	// host may: the engine keeps no reference to it. So the figure is the
	// engine's and the store's, not the cost of allocating the caller's
	// input (3 KB an order), nor of keeping a thousand inputs alive for the
	// garbage collector to scan.
	b.Run("PlaceOrder/lines=10", func(b *testing.B) {
		eng, ids := stockedEngine(b)
		o := backorder.Order{Customer: "ACME", Priority: 2, Currency: "EUR", Lines: make([]backorder.Line, 10)}
		for j := range o.Lines {
			o.Lines[j] = backorder.Line{SKU: skuNames[j], Qty: 5, UnitPrice: price}
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			if i%1024 == 1023 {
				b.StopTimer()
				eng, ids = stockedEngine(b)
				settle()
				b.StartTimer()
			}
			o.ID = ids.next()
			for j := range o.Lines {
				o.Lines[j].ID = ids.next()
			}
			res, err := eng.PlaceOrder(ctx, o)
			must(b, err)
			sink = res
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*10), "ns/line")
	})

	// Ship: plan, create and confirm one shipment of a 10-line order whose
	// lines are all allocated at one location (the order is placed off the
	// clock). The store is rebuilt every 1,024 orders, as for PlaceOrder.
	b.Run("Ship/lines=10", func(b *testing.B) {
		eng, ids := stockedEngine(b)
		orders := make([]uuid.UUID, 0, 1024)
		place := func() {
			orders = orders[:0]
			for range 1024 {
				o := backorder.Order{ID: ids.next(), Customer: "ACME", Priority: 2, Currency: "EUR", Lines: make([]backorder.Line, 10)}
				for j := range o.Lines {
					o.Lines[j] = backorder.Line{ID: ids.next(), SKU: skuNames[j], Qty: 5, UnitPrice: price}
				}
				_, err := eng.PlaceOrder(ctx, o)
				must(b, err)
				orders = append(orders, o.ID)
			}
		}
		place()
		reqIDs := make([]string, 1024)
		for i := range reqIDs {
			reqIDs[i] = fmt.Sprintf("S%d", i)
		}
		settle()
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			k := i % 1024
			if k == 0 && i > 0 {
				b.StopTimer()
				eng, ids = stockedEngine(b)
				place()
				settle()
				b.StartTimer()
			}
			plan, err := eng.PlanShipments(ctx, orders[k])
			must(b, err)
			if len(plan.Shipments) != 1 {
				b.Fatalf("plan has %d shipments", len(plan.Shipments))
			}
			res, err := eng.Ship(ctx, backorder.ShipRequest{ID: reqIDs[k], OrderID: orders[k]})
			must(b, err)
			sh, err := eng.ConfirmShipment(ctx, backorder.Confirmation{ShipmentID: res.Shipments[0].ID, Carrier: "DHL"})
			must(b, err)
			sink = sh
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*10), "ns/line")
	})

	// Receive: one receipt into a book of 200 waiting lines; the lines are
	// large, so the book stays at 200 and every receipt is served in policy
	// order.
	for _, pol := range []struct {
		name string
		p    allocation.Policy
	}{{"FIFO", allocation.FIFO{}}, {"FairShare", allocation.FairShare{}}} {
		b.Run("Receive/waiting=200/"+pol.name, func(b *testing.B) {
			eng, ids := benchEngine(b, backorder.Config{Policy: pol.p})
			must(b, eng.PutItem(ctx, backorder.Item{SKU: "HOT"}))
			for i := range 200 {
				o := backorder.Order{ID: ids.next(), Customer: fmt.Sprintf("C%d", i%50), Priority: int32(1 + i%5), Currency: "EUR",
					Lines: []backorder.Line{{ID: ids.next(), SKU: "HOT", Qty: 1 << 40, UnitPrice: price}}}
				_, err := eng.PlaceOrder(ctx, o)
				must(b, err)
			}
			rid := make([]string, b.N)
			for i := range rid {
				rid[i] = fmt.Sprintf("R%d", i)
			}
			settle()
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				res, err := eng.Receive(ctx, backorder.Receipt{ID: rid[i], SKU: "HOT", Location: "AMS", Qty: 400})
				must(b, err)
				sink = res
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*200), "ns/line")
		})
	}
}

var skuNames = func() []string {
	s := make([]string, 10)
	for i := range s {
		s[i] = fmt.Sprintf("SKU-%d", i)
	}
	return s
}()

func must(b *testing.B, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}
