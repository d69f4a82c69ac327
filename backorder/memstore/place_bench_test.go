package memstore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/memstore"
)

// BenchmarkPlaceOrder10Allocated makes exactly the store calls the engine
// makes for backorder's BenchmarkEngine/PlaceOrder/lines=10 (a 10-line
// order over 10 SKUs, every line allocated from stock), in the same
// regime: the store is rebuilt, off the clock, every 1,024 orders. It is
// the store's share of that benchmark: what the engine's figure cannot go
// below with this store. The order and its records are built before the
// clock runs, so only the store's work and the garbage collection of what
// it keeps are timed.
func BenchmarkPlaceOrder10Allocated(b *testing.B) {
	ctx := context.Background()
	skus := make([]string, 10)
	seqKeys := make([]string, 10)
	for i := range skus {
		skus[i] = fmt.Sprintf("SKU-%d", i)
		seqKeys[i] = "seq/" + skus[i]
	}
	setup := func() *memstore.Store {
		s := memstore.New()
		err := s.Update(ctx, func(tx backorder.Tx) error {
			if err := tx.PutLocation(backorder.Location{ID: "AMS"}); err != nil {
				return err
			}
			for _, sku := range skus {
				if err := tx.PutItem(backorder.Item{SKU: sku}); err != nil {
					return err
				}
				if err := tx.PutPosition(backorder.StockPosition{SKU: sku, Location: "AMS", OnHand: 1 << 60, Received: 1 << 60}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		return s
	}
	// The records of one order, as the engine hands them to the store.
	type placed struct {
		key     string
		order   backorder.Order
		entries [10]backorder.BookEntry
		events  [11]backorder.Event
		result  []byte
	}
	build := func(n int) *placed {
		p := &placed{order: backorder.Order{ID: benchID(n << 4), Customer: "ACME", Priority: 2, Placed: benchBase,
			ShipPolicy: backorder.ShipPartial, Currency: "EUR", Lines: make([]backorder.Line, 10)}}
		p.key = "order/" + p.order.ID.String()
		p.events[0] = backorder.Event{Type: backorder.OrderPlaced, At: benchBase, Command: p.key, OrderID: p.order.ID, Customer: "ACME", Qty: 50}
		for i := range p.order.Lines {
			l := backorder.Line{ID: benchID(n<<4 | i + 1), OrderID: p.order.ID, SKU: skus[i], Qty: 5, Seq: int64(n),
				Allocations: []backorder.LocQty{{Location: "AMS", Qty: 5}}}
			p.order.Lines[i] = l
			p.entries[i] = backorder.BookEntry{SKU: l.SKU, LineID: l.ID, OrderID: l.OrderID, Customer: "ACME", Priority: 2,
				Placed: benchBase, Seq: l.Seq, Allocations: l.Allocations}
			p.events[i+1] = backorder.Event{Type: backorder.LineAllocated, At: benchBase, Command: p.key, OrderID: l.OrderID,
				LineID: l.ID, SKU: l.SKU, Location: "AMS", Qty: 5}
		}
		p.result = make([]byte, 1500) // a PlaceResult of 10 lines in JSON
		return p
	}
	const batch = 1024
	var s *memstore.Store
	var orders []*placed
	positions := make([]backorder.StockPosition, 0, 1)
	book := make([]backorder.BookEntry, 0, 1)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if i%batch == 0 {
			b.StopTimer()
			s = setup()
			orders = orders[:0]
			for j := range batch {
				orders = append(orders, build(i+j))
			}
			b.StartTimer()
		}
		p := orders[i%batch]
		sinkErr = s.Update(ctx, func(tx backorder.Tx) error {
			app := tx.(backorder.AppendTx)
			if _, err := tx.Command(p.key); err == nil {
				return fmt.Errorf("command %s exists", p.key)
			}
			if _, err := tx.Order(p.order.ID); err == nil {
				return fmt.Errorf("order exists")
			}
			for j := range p.order.Lines {
				if _, err := tx.Line(p.order.Lines[j].ID); err == nil {
					return fmt.Errorf("line exists")
				}
				if _, err := tx.Item(skus[j]); err != nil {
					return err
				}
				var err error
				if positions, err = app.AppendPositions(positions[:0], skus[j]); err != nil {
					return err
				}
				if _, err := tx.NextSequence(seqKeys[j]); err != nil {
					return err
				}
				if book, err = app.AppendBook(book[:0], skus[j]); err != nil {
					return err
				}
			}
			if _, err := tx.Locations(); err != nil {
				return err
			}
			if err := tx.PutOrder(p.order); err != nil {
				return err
			}
			for j := range p.entries {
				if err := tx.PutBookEntry(p.entries[j]); err != nil {
					return err
				}
			}
			for _, sku := range skus {
				pos := backorder.StockPosition{SKU: sku, Location: "AMS", OnHand: 1 << 60, Received: 1 << 60, Allocated: int64(5 * (i + 1))}
				if err := tx.PutPosition(pos); err != nil {
					return err
				}
			}
			if err := tx.AppendEvents(p.events[:]); err != nil {
				return err
			}
			return tx.PutCommand(backorder.Command{Key: p.key, Result: p.result, At: benchBase})
		})
		if sinkErr != nil {
			b.Fatal(sinkErr)
		}
	}
	perLine(b, 10)
}
