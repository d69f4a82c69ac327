package memstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/memstore"
	"github.com/backorderkit/backorderkit/backorder/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(*testing.T) backorder.Store { return memstore.New() })
}

func TestZeroStoreIsUsable(t *testing.T) {
	var s memstore.Store
	ctx := context.Background()
	if err := s.Update(ctx, func(tx backorder.Tx) error { return tx.PutItem(backorder.Item{SKU: "A"}) }); err != nil {
		t.Fatalf("Update on a zero Store: %v", err)
	}
	if err := s.View(ctx, func(tx backorder.Tx) error { _, err := tx.Item("A"); return err }); err != nil {
		t.Fatalf("View on a zero Store: %v", err)
	}
}

// calls lists one call of every Tx method, named, reporting its error.
var calls = []struct {
	name  string
	write bool
	call  func(backorder.Tx) error
}{
	{"Item", false, func(tx backorder.Tx) error { _, err := tx.Item("A"); return err }},
	{"PutItem", true, func(tx backorder.Tx) error { return tx.PutItem(backorder.Item{SKU: "B"}) }},
	{"Location", false, func(tx backorder.Tx) error { _, err := tx.Location("L"); return err }},
	{"PutLocation", true, func(tx backorder.Tx) error { return tx.PutLocation(backorder.Location{ID: "M"}) }},
	{"Locations", false, func(tx backorder.Tx) error { _, err := tx.Locations(); return err }},
	{"Positions", false, func(tx backorder.Tx) error { _, err := tx.Positions("A"); return err }},
	{"PutPosition", true, func(tx backorder.Tx) error { return tx.PutPosition(backorder.StockPosition{SKU: "B"}) }},
	{"Inbound", false, func(tx backorder.Tx) error { _, err := tx.Inbound("I"); return err }},
	{"Inbounds", false, func(tx backorder.Tx) error { _, err := tx.Inbounds("A"); return err }},
	{"PutInbound", true, func(tx backorder.Tx) error { return tx.PutInbound(backorder.Inbound{ID: "J"}) }},
	{"Order", false, func(tx backorder.Tx) error { _, err := tx.Order(orderID); return err }},
	{"PutOrder", true, func(tx backorder.Tx) error { return tx.PutOrder(backorder.Order{ID: uuid.New()}) }},
	{"Line", false, func(tx backorder.Tx) error { _, err := tx.Line(lineID); return err }},
	{"OpenOrders", false, func(tx backorder.Tx) error { _, err := tx.OpenOrders(uuid.Nil, 10); return err }},
	{"PutLine", true, func(tx backorder.Tx) error {
		return tx.PutLine(backorder.Line{ID: lineID, OrderID: orderID, Qty: 9})
	}},
	{"Book", false, func(tx backorder.Tx) error { _, err := tx.Book("A"); return err }},
	{"Holders", false, func(tx backorder.Tx) error { _, err := tx.Holders("A", "L"); return err }},
	{"CustomerBook", false, func(tx backorder.Tx) error { _, err := tx.CustomerBook("C"); return err }},
	{"PutBookEntry", true, func(tx backorder.Tx) error {
		return tx.PutBookEntry(backorder.BookEntry{SKU: "B", LineID: lineID, Backordered: 1})
	}},
	{"Shipment", false, func(tx backorder.Tx) error { _, err := tx.Shipment(shipID); return err }},
	{"Shipments", false, func(tx backorder.Tx) error { _, err := tx.Shipments(orderID); return err }},
	{"PutShipment", true, func(tx backorder.Tx) error { return tx.PutShipment(backorder.Shipment{ID: uuid.New()}) }},
	{"Invoice", false, func(tx backorder.Tx) error { _, err := tx.Invoice(invID); return err }},
	{"Invoices", false, func(tx backorder.Tx) error { _, err := tx.Invoices(orderID); return err }},
	{"PutInvoice", true, func(tx backorder.Tx) error { return tx.PutInvoice(backorder.Invoice{ID: uuid.New()}) }},
	{"AppendEvents", true, func(tx backorder.Tx) error { return tx.AppendEvents([]backorder.Event{{Type: "x"}}) }},
	{"Events", false, func(tx backorder.Tx) error { _, err := tx.Events(0, 10); return err }},
	{"Command", false, func(tx backorder.Tx) error { _, err := tx.Command("c"); return err }},
	{"PutCommand", true, func(tx backorder.Tx) error { return tx.PutCommand(backorder.Command{Key: "d"}) }},
	{"NextSequence", true, func(tx backorder.Tx) error { _, err := tx.NextSequence("s"); return err }},
}

var (
	orderID = uuid.MustParse("00000000-0000-4000-8000-000000000001")
	lineID  = uuid.MustParse("00000000-0000-4000-8000-000000000002")
	shipID  = uuid.MustParse("00000000-0000-4000-8000-000000000003")
	invID   = uuid.MustParse("00000000-0000-4000-8000-000000000004")
)

// seeded returns a store holding one of everything the read calls look up.
func seeded(t *testing.T) *memstore.Store {
	t.Helper()
	s := memstore.New()
	err := s.Update(context.Background(), func(tx backorder.Tx) error {
		return errors.Join(
			tx.PutItem(backorder.Item{SKU: "A"}),
			tx.PutLocation(backorder.Location{ID: "L"}),
			tx.PutInbound(backorder.Inbound{ID: "I", SKU: "A", Qty: 1}),
			tx.PutOrder(backorder.Order{ID: orderID, Lines: []backorder.Line{{ID: lineID, SKU: "A", Qty: 1}}}),
			tx.PutShipment(backorder.Shipment{ID: shipID, OrderID: orderID}),
			tx.PutInvoice(backorder.Invoice{ID: invID, OrderID: orderID}),
			tx.PutCommand(backorder.Command{Key: "c"}),
		)
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestViewIsReadOnly(t *testing.T) {
	s := seeded(t)
	for _, c := range calls {
		err := s.View(context.Background(), func(tx backorder.Tx) error { return c.call(tx) })
		switch {
		case c.write && !errors.Is(err, memstore.ErrReadOnly):
			t.Errorf("%s in a View: got %v, want ErrReadOnly", c.name, err)
		case !c.write && err != nil:
			t.Errorf("%s in a View: %v", c.name, err)
		}
	}
	// Nothing the refused writes named exists.
	err := s.View(context.Background(), func(tx backorder.Tx) error {
		if _, err := tx.Item("B"); !errors.Is(err, backorder.ErrNotFound) {
			t.Errorf("Item B after a refused PutItem: %v", err)
		}
		if evs, _ := tx.Events(0, 10); len(evs) != 0 {
			t.Errorf("Events after a refused AppendEvents: %+v", evs)
		}
		if l, _ := tx.Line(lineID); l.Qty != 1 {
			t.Errorf("Line after a refused PutLine: %+v", l)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// And the read calls work in an Update too.
	for _, c := range calls {
		if err := s.Update(context.Background(), func(tx backorder.Tx) error { return c.call(tx) }); err != nil {
			t.Errorf("%s in an Update: %v", c.name, err)
		}
	}
}

func TestTxUsedAfterEnd(t *testing.T) {
	s := seeded(t)
	var fromUpdate, fromView backorder.Tx
	if err := s.Update(context.Background(), func(tx backorder.Tx) error { fromUpdate = tx; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := s.View(context.Background(), func(tx backorder.Tx) error { fromView = tx; return nil }); err != nil {
		t.Fatal(err)
	}
	var failed backorder.Tx
	_ = s.Update(context.Background(), func(tx backorder.Tx) error { failed = tx; return errors.New("fail") })
	for _, tx := range []backorder.Tx{fromUpdate, fromView, failed} {
		for _, c := range calls {
			if err := c.call(tx); !errors.Is(err, memstore.ErrTxDone) {
				t.Errorf("%s on an ended transaction: got %v, want ErrTxDone", c.name, err)
			}
		}
	}
	// The stale transactions changed nothing.
	err := s.View(context.Background(), func(tx backorder.Tx) error {
		if _, err := tx.Item("B"); !errors.Is(err, backorder.ErrNotFound) {
			t.Errorf("Item B after a PutItem on an ended transaction: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestBadArguments(t *testing.T) {
	s := memstore.New()
	//lint:ignore SA1012 a nil context is what this test passes
	var nilCtx context.Context
	for name, err := range map[string]error{
		"Update nil ctx": s.Update(nilCtx, func(backorder.Tx) error { return nil }),
		"View nil ctx":   s.View(nilCtx, func(backorder.Tx) error { return nil }),
		"Update nil fn":  s.Update(context.Background(), nil),
		"View nil fn":    s.View(context.Background(), nil),
	} {
		var ve *backorder.ValidationError
		if !errors.As(err, &ve) || !errors.Is(err, backorder.ErrInvalid) {
			t.Errorf("%s: got %v, want a *backorder.ValidationError", name, err)
		}
	}
}

func TestViewReturnsContextError(t *testing.T) {
	s := memstore.New()
	ctx, cancel := context.WithCancel(context.Background())
	err := s.View(ctx, func(backorder.Tx) error { cancel(); return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("View whose context ended during fn: got %v, want context.Canceled", err)
	}
	if err := s.View(ctx, func(backorder.Tx) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("View with a cancelled context: got %v, want context.Canceled", err)
	}
	if err := s.View(context.Background(), func(backorder.Tx) error { return errors.ErrUnsupported }); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("View returned %v, want fn's error", err)
	}
}

func TestPutOrderMovesLineFromAnotherOrder(t *testing.T) {
	s := memstore.New()
	a, b := uuid.New(), uuid.New()
	l1, l2 := uuid.New(), uuid.New()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.Update(ctx, func(tx backorder.Tx) error {
		return tx.PutOrder(backorder.Order{ID: a, Lines: []backorder.Line{{ID: l1}, {ID: l2}}})
	}))
	must(s.Update(ctx, func(tx backorder.Tx) error {
		return tx.PutOrder(backorder.Order{ID: b, Lines: []backorder.Line{{ID: l1}}})
	}))
	must(s.View(ctx, func(tx backorder.Tx) error {
		oa, err := tx.Order(a)
		must(err)
		ob, err := tx.Order(b)
		must(err)
		l, err := tx.Line(l1)
		must(err)
		if len(oa.Lines) != 1 || oa.Lines[0].ID != l2 || len(ob.Lines) != 1 || ob.Lines[0].ID != l1 || l.OrderID != b {
			t.Errorf("after moving a line: order a %+v, order b %+v, line %+v", oa.Lines, ob.Lines, l)
		}
		return nil
	}))
	// PutLine moves it back, to the end of a.
	must(s.Update(ctx, func(tx backorder.Tx) error { return tx.PutLine(backorder.Line{ID: l1, OrderID: a}) }))
	must(s.View(ctx, func(tx backorder.Tx) error {
		oa, err := tx.Order(a)
		must(err)
		ob, err := tx.Order(b)
		must(err)
		if len(oa.Lines) != 2 || oa.Lines[0].ID != l2 || oa.Lines[1].ID != l1 || len(ob.Lines) != 0 {
			t.Errorf("after PutLine moved a line back: order a %+v, order b %+v", oa.Lines, ob.Lines)
		}
		return nil
	}))
}

func TestNestedPanicLeavesStoreUsable(t *testing.T) {
	s := memstore.New()
	ctx := context.Background()
	func() {
		defer func() { _ = recover() }()
		_ = s.Update(ctx, func(tx backorder.Tx) error {
			_ = tx.PutItem(backorder.Item{SKU: "P"})
			var m map[string]int
			m["boom"]++ // a runtime panic, not one the caller raised
			return nil
		})
	}()
	err := s.View(ctx, func(tx backorder.Tx) error {
		if _, err := tx.Item("P"); !errors.Is(err, backorder.ErrNotFound) {
			t.Errorf("Item written before a runtime panic: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestEventsAcrossChunks(t *testing.T) {
	s := memstore.New()
	ctx := context.Background()
	appendN := func(n int, fail bool) error {
		return s.Update(ctx, func(tx backorder.Tx) error {
			evs := make([]backorder.Event, n)
			for i := range evs {
				evs[i].Type = "t"
			}
			if err := tx.AppendEvents(evs); err != nil {
				return err
			}
			if fail {
				return errors.ErrUnsupported
			}
			return nil
		})
	}
	// 700, 700 (crosses 1024), a rolled-back 700 (crosses 2048), 1000.
	for _, step := range []struct {
		n    int
		fail bool
	}{{700, false}, {700, false}, {700, true}, {1000, false}} {
		if err := appendN(step.n, step.fail); (err != nil) != step.fail {
			t.Fatalf("append %d (fail %v): %v", step.n, step.fail, err)
		}
	}
	const total = 2400
	err := s.View(ctx, func(tx backorder.Tx) error {
		for _, p := range []struct {
			after uint64
			limit int
			want  int
		}{{0, 5000, total}, {1000, 50, 50}, {1023, 2, 2}, {1024, 1, 1}, {2040, 20, 20}, {2047, 3000, total - 2047}, {total - 1, 9, 1}, {total, 9, 0}} {
			evs, err := tx.Events(p.after, p.limit)
			if err != nil {
				return err
			}
			if len(evs) != p.want {
				t.Errorf("Events(%d, %d): %d events, want %d", p.after, p.limit, len(evs), p.want)
			}
			for i, ev := range evs {
				if ev.Seq != p.after+uint64(i)+1 || ev.Type != "t" {
					t.Errorf("Events(%d, %d)[%d] = %+v", p.after, p.limit, i, ev)
					break
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
