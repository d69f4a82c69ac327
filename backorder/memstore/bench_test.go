package memstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/memstore"
)

// Sinks keep the optimizer from dropping what the benchmarks compute.
var (
	sinkEntries []backorder.BookEntry
	sinkErr     error
	sinkN       int
)

func perLine(b *testing.B, lines int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*lines), "ns/line")
}

var benchBase = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func benchID(n int) uuid.UUID {
	return uuid.UUID{0: 0xbe, 12: byte(n >> 24), 13: byte(n >> 16), 14: byte(n >> 8), 15: byte(n)}
}

// bookStore returns a store whose SKU BOLT has n waiting lines, on n/10
// orders of 10 lines, and positions at two locations.
func bookStore(b *testing.B, n int) (*memstore.Store, []backorder.BookEntry) {
	b.Helper()
	s := memstore.New()
	entries := make([]backorder.BookEntry, n)
	err := s.Update(context.Background(), func(tx backorder.Tx) error {
		if err := tx.PutItem(backorder.Item{SKU: "BOLT"}); err != nil {
			return err
		}
		for _, loc := range []string{"AMS", "RTM"} {
			if err := tx.PutPosition(backorder.StockPosition{SKU: "BOLT", Location: loc}); err != nil {
				return err
			}
		}
		for o := 0; o < n/10; o++ {
			ord := backorder.Order{ID: benchID(1_000_000 + o), Customer: fmt.Sprintf("C%d", o%7), Placed: benchBase, Currency: "EUR"}
			for i := range 10 {
				k := o*10 + i
				ord.Lines = append(ord.Lines, backorder.Line{ID: benchID(k), SKU: "BOLT", Qty: 5, Backordered: 5,
					Seq: int64(k + 1), UnitPrice: decimal.NewFromInt(3)})
				entries[k] = backorder.BookEntry{SKU: "BOLT", LineID: benchID(k), OrderID: ord.ID, Customer: ord.Customer,
					Priority: int32(1 + k%3), Placed: benchBase, Seq: int64(k + 1), Backordered: 5}
				if err := tx.PutBookEntry(entries[k]); err != nil {
					return err
				}
			}
			if err := tx.PutOrder(ord); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return s, entries
}

// BenchmarkBook200 reads a book of 200 waiting lines in a View.
func BenchmarkBook200(b *testing.B) {
	s, _ := bookStore(b, 200)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		sinkErr = s.View(ctx, func(tx backorder.Tx) error {
			var err error
			sinkEntries, err = tx.Book("BOLT")
			return err
		})
	}
	perLine(b, 200)
}

// BenchmarkCopy200 is the baseline for BenchmarkBook200: a plain copy of
// the same 200 entries.
func BenchmarkCopy200(b *testing.B) {
	_, entries := bookStore(b, 200)
	b.ReportAllocs()
	for b.Loop() {
		out := make([]backorder.BookEntry, len(entries))
		for i, e := range entries {
			out[i] = e.Clone()
		}
		sinkEntries = out
	}
	perLine(b, 200)
}

// BenchmarkPlaceOrder10 makes the store calls of placing a 10-line order
// whose lines all wait: look up the command and order, read 10 items and
// their positions and the locations, then write the order, 10 book entries,
// 10 positions, 21 events and the command record.
func BenchmarkPlaceOrder10(b *testing.B) {
	s := memstore.New()
	ctx := context.Background()
	skus := make([]string, 10)
	err := s.Update(ctx, func(tx backorder.Tx) error {
		for i := range skus {
			skus[i] = fmt.Sprintf("SKU-%02d", i)
			if err := errors.Join(
				tx.PutItem(backorder.Item{SKU: skus[i]}),
				tx.PutPosition(backorder.StockPosition{SKU: skus[i], Location: "AMS"}),
			); err != nil {
				return err
			}
		}
		return tx.PutLocation(backorder.Location{ID: "AMS"})
	})
	if err != nil {
		b.Fatal(err)
	}
	result := json.RawMessage(`{"lines":[1,2,3,4,5,6,7,8,9,10]}`)
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		n++
		oid := benchID(n)
		key := "place/" + oid.String()
		sinkErr = s.Update(ctx, func(tx backorder.Tx) error {
			if _, err := tx.Command(key); !errors.Is(err, backorder.ErrNotFound) {
				return fmt.Errorf("command: %w", err)
			}
			if _, err := tx.Order(oid); !errors.Is(err, backorder.ErrNotFound) {
				return fmt.Errorf("order: %w", err)
			}
			if _, err := tx.Locations(); err != nil {
				return err
			}
			seq, err := tx.NextSequence("line")
			if err != nil {
				return err
			}
			placed := benchBase.Add(time.Duration(n) * time.Millisecond)
			o := backorder.Order{ID: oid, Customer: "ACME", Placed: placed, Currency: "EUR", Lines: make([]backorder.Line, 10)}
			evs := make([]backorder.Event, 0, 21)
			evs = append(evs, backorder.Event{Type: backorder.OrderPlaced, OrderID: oid, Qty: 50})
			for i, sku := range skus {
				if _, err := tx.Item(sku); err != nil {
					return err
				}
				ps, err := tx.Positions(sku)
				if err != nil {
					return err
				}
				l := backorder.Line{ID: benchID(n<<4 | i), OrderID: oid, SKU: sku, Qty: 5, Backordered: 5, Seq: seq}
				o.Lines[i] = l
				if err := tx.PutBookEntry(backorder.BookEntry{SKU: sku, LineID: l.ID, OrderID: oid, Customer: "ACME",
					Placed: placed, Seq: seq, Backordered: 5}); err != nil {
					return err
				}
				if err := tx.PutPosition(ps[0]); err != nil {
					return err
				}
				evs = append(evs, backorder.Event{Type: backorder.LineBackordered, OrderID: oid, LineID: l.ID, SKU: sku, Qty: 5},
					backorder.Event{Type: backorder.PromiseChanged, OrderID: oid, LineID: l.ID, SKU: sku})
			}
			if err := tx.PutOrder(o); err != nil {
				return err
			}
			if err := tx.AppendEvents(evs); err != nil {
				return err
			}
			return tx.PutCommand(backorder.Command{Key: key, Result: result, At: benchBase})
		})
		if sinkErr != nil {
			b.Fatal(sinkErr)
		}
	}
	perLine(b, 10)
}

// BenchmarkReceive200 makes the store calls of a receipt into a book of
// 200 waiting lines that allocates to the first 10: read the command,
// item, positions, book and holders, then write the position, 10 book
// entries, 10 lines, 21 events and the command record. Between iterations,
// untimed, the 10 lines go back to waiting.
func BenchmarkReceive200(b *testing.B) {
	s, entries := bookStore(b, 200)
	ctx := context.Background()
	result := json.RawMessage(`{"allocated":50}`)
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		n++
		key := fmt.Sprintf("receive/R-%d", n)
		sinkErr = s.Update(ctx, func(tx backorder.Tx) error {
			if _, err := tx.Command(key); !errors.Is(err, backorder.ErrNotFound) {
				return fmt.Errorf("command: %w", err)
			}
			if _, err := tx.Item("BOLT"); err != nil {
				return err
			}
			ps, err := tx.Positions("BOLT")
			if err != nil {
				return err
			}
			book, err := tx.Book("BOLT")
			if err != nil {
				return err
			}
			holders, err := tx.Holders("BOLT", "AMS")
			if err != nil {
				return err
			}
			sinkN = len(holders)
			p := ps[0]
			p.OnHand += 50
			p.Received += 50
			p.Allocated += 50
			if err := tx.PutPosition(p); err != nil {
				return err
			}
			evs := make([]backorder.Event, 0, 21)
			evs = append(evs, backorder.Event{Type: backorder.StockReceived, SKU: "BOLT", Location: "AMS", Qty: 50})
			for _, e := range book[:10] {
				e.Allocations = []backorder.LocQty{{Location: "AMS", Qty: e.Backordered}}
				e.Backordered = 0
				if err := tx.PutBookEntry(e); err != nil {
					return err
				}
				l, err := tx.Line(e.LineID)
				if err != nil {
					return err
				}
				l.Allocations, l.Backordered = e.Allocations, 0
				if err := tx.PutLine(l); err != nil {
					return err
				}
				evs = append(evs, backorder.Event{Type: backorder.LineAllocated, LineID: l.ID, SKU: "BOLT", Location: "AMS", Qty: 5},
					backorder.Event{Type: backorder.PromiseChanged, LineID: l.ID, SKU: "BOLT"})
			}
			if err := tx.AppendEvents(evs); err != nil {
				return err
			}
			return tx.PutCommand(backorder.Command{Key: key, Result: result, At: benchBase})
		})
		if sinkErr != nil {
			b.Fatal(sinkErr)
		}
		b.StopTimer()
		err := s.Update(ctx, func(tx backorder.Tx) error {
			for _, e := range entries[:10] {
				if err := tx.PutBookEntry(e); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	perLine(b, 200)
}

// BenchmarkRollback measures an Update that writes 10 book entries and 21
// events into a book of 200 and then fails, so every write is undone.
func BenchmarkRollback(b *testing.B) {
	s, entries := bookStore(b, 200)
	ctx := context.Background()
	boom := errors.New("boom")
	evs := make([]backorder.Event, 21)
	b.ReportAllocs()
	for b.Loop() {
		sinkErr = s.Update(ctx, func(tx backorder.Tx) error {
			for _, e := range entries[:10] {
				e.Backordered = 0
				e.Allocations = []backorder.LocQty{{Location: "AMS", Qty: 5}}
				if err := tx.PutBookEntry(e); err != nil {
					return err
				}
			}
			if err := tx.AppendEvents(evs); err != nil {
				return err
			}
			return boom
		})
	}
	perLine(b, 10)
}
