package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/shopspring/decimal"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/pgstore"
	"github.com/backorderkit/backorderkit/backorder/storetest"
	"github.com/backorderkit/backorderkit/invoice"
)

// expectSame fails t with every difference between got and want, compared
// as storetest compares what a store must keep.
func expectSame(t testing.TB, what string, got, want any) {
	t.Helper()
	if d := storetest.Diff(got, want); len(d) > 0 {
		t.Errorf("%s differs:\n\t%s", what, strings.Join(d, "\n\t"))
	}
}

func mustUpdate(t testing.TB, s backorder.Store, fn func(tx backorder.Tx) error) {
	t.Helper()
	if err := s.Update(context.Background(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func mustView(t testing.TB, s backorder.Store, fn func(tx backorder.Tx) error) {
	t.Helper()
	if err := s.View(context.Background(), fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

// schemaVersions lists the versions recorded in a schema.
func schemaVersions(t *testing.T, schema string) []int {
	t.Helper()
	rows, err := testPool.Query(context.Background(),
		"SELECT version FROM "+pgx.Identifier{schema, "schema_version"}.Sanitize()+" ORDER BY version")
	if err != nil {
		t.Fatal(err)
	}
	vs, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

func TestMigrate(t *testing.T) {
	needDB(t)
	ctx := context.Background()
	want := make([]int, pgstore.SchemaVersion())
	for i := range want {
		want[i] = i + 1
	}
	if len(want) == 0 {
		t.Fatal("SchemaVersion() = 0: no embedded migrations")
	}

	t.Run("Idempotent", func(t *testing.T) {
		opts := pgstore.Options{Schema: freshSchema(t)}
		for range 3 {
			if err := pgstore.Migrate(ctx, testPool, opts); err != nil {
				t.Fatalf("Migrate: %v", err)
			}
		}
		expectSame(t, "versions", schemaVersions(t, opts.Schema), want)
	})

	t.Run("Concurrent", func(t *testing.T) {
		opts := pgstore.Options{Schema: freshSchema(t)}
		var wg sync.WaitGroup
		errs := make([]error, 6)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = pgstore.Migrate(ctx, testPool, opts)
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("Migrate #%d: %v", i, err)
			}
		}
		expectSame(t, "versions", schemaVersions(t, opts.Schema), want)
	})

	t.Run("TooNew", func(t *testing.T) {
		opts := pgstore.Options{Schema: freshSchema(t)}
		if err := pgstore.Migrate(ctx, testPool, opts); err != nil {
			t.Fatal(err)
		}
		if _, err := testPool.Exec(ctx, "INSERT INTO "+pgx.Identifier{opts.Schema, "schema_version"}.Sanitize()+
			" (version, name) VALUES ($1, 'from the future')", len(want)+1); err != nil {
			t.Fatal(err)
		}
		if err := pgstore.Migrate(ctx, testPool, opts); !errors.Is(err, pgstore.ErrSchemaTooNew) {
			t.Errorf("Migrate over a newer schema: %v, want ErrSchemaTooNew", err)
		}
	})

	t.Run("HostileSchemaName", func(t *testing.T) {
		schema := `We"ird; DROP SCHEMA public; -- ` + freshSchema(t)[2:]
		t.Cleanup(func() {
			_, _ = testPool.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
		})
		opts := pgstore.Options{Schema: schema}
		if err := pgstore.Migrate(ctx, testPool, opts); err != nil {
			t.Fatal(err)
		}
		s, err := pgstore.New(testPool, opts)
		if err != nil {
			t.Fatal(err)
		}
		mustUpdate(t, s, func(tx backorder.Tx) error { return tx.PutItem(backorder.Item{SKU: "X"}) })
		mustView(t, s, func(tx backorder.Tx) error { _, err := tx.Item("X"); return err })
		expectSame(t, "versions", schemaVersions(t, schema), want)
	})
}

func TestOptions(t *testing.T) {
	needDB(t)
	if _, err := pgstore.New(nil, pgstore.Options{}); !errors.Is(err, backorder.ErrInvalid) {
		t.Errorf("New(nil pool): %v, want ErrInvalid", err)
	}
	s, err := pgstore.New(testPool, pgstore.Options{})
	if err != nil || s.Schema() != pgstore.DefaultSchema {
		t.Errorf("New with no schema: %v, %v; want schema %q", s, err, pgstore.DefaultSchema)
	}
	for _, bad := range []string{strings.Repeat("x", 64), "a\x00b", "\xff"} {
		if _, err := pgstore.New(testPool, pgstore.Options{Schema: bad}); !errors.Is(err, backorder.ErrInvalid) {
			t.Errorf("New with schema %q: %v, want ErrInvalid", bad, err)
		}
		if err := pgstore.Migrate(context.Background(), testPool, pgstore.Options{Schema: bad}); !errors.Is(err, backorder.ErrInvalid) {
			t.Errorf("Migrate with schema %q: %v, want ErrInvalid", bad, err)
		}
	}
	if err := s.Update(context.Background(), nil); !errors.Is(err, backorder.ErrInvalid) {
		t.Errorf("Update(nil): %v, want ErrInvalid", err)
	}
}

var (
	tz  = time.FixedZone("UTC-03:30", -(3*3600 + 30*60))
	t0  = time.Date(2025, 6, 1, 8, 0, 0, 123456789, tz)
	dec = decimal.RequireFromString
)

// TestNewFields round-trips the fields the conformance suite's fixtures
// do not set yet, and OpenOrders.
func TestNewFields(t *testing.T) {
	s := newStore(t, nil)
	oid, l1, l2 := uuid.New(), uuid.New(), uuid.New()
	o := backorder.Order{
		ID: oid, Customer: "ACME", Currency: "EUR", Placed: t0,
		ShipAfter: t0.Add(time.Hour), MinShipQty: 17, MinShipValue: dec("1234.5600"), HoldUntil: t0.Add(48 * time.Hour),
		TaxInclusive: true, Charges: []invoice.Charge{{ID: "freight", Kind: invoice.Freight, Amount: dec("12.50"), TaxPercent: dec("21")}},
		Lines: []backorder.Line{
			{ID: l1, OrderID: oid, SKU: "A", Qty: 10, UnitPrice: dec("1.5"), Backordered: 4,
				DiscountPercent: dec("12.5"), TaxPercent: dec("21"), TaxCategory: "S",
				Allocations: []backorder.LocQty{{Location: "AMS", Qty: 6}},
				Committed:   []backorder.LocQty{{Location: "AMS", Qty: 2}}},
			{ID: l2, OrderID: oid, SKU: "B", Qty: 1, Cancelled: 1},
		},
	}
	e := backorder.BookEntry{SKU: "A", LineID: l1, OrderID: oid, Customer: "ACME", Seq: 1, Backordered: 4,
		Allocations: []backorder.LocQty{{Location: "AMS", Qty: 6}}, Committed: []backorder.LocQty{{Location: "AMS", Qty: 2}}}
	mustUpdate(t, s, func(tx backorder.Tx) error {
		if err := tx.PutOrder(o); err != nil {
			return err
		}
		return tx.PutBookEntry(e)
	})
	mustView(t, s, func(tx backorder.Tx) error {
		got, err := tx.Order(oid)
		if err != nil {
			return err
		}
		expectSame(t, "Order", got, o)
		book, err := tx.Book("A")
		if err != nil {
			return err
		}
		expectSame(t, "Book", book, []backorder.BookEntry{e})
		return nil
	})
}

func TestOpenOrders(t *testing.T) {
	s := newStore(t, nil)
	// ids whose bytes sort by n.
	oid := func(n int) uuid.UUID { return uuid.UUID{15: byte(n), 14: byte(n >> 8)} }
	line := func(o uuid.UUID, backordered int64, allocs ...backorder.LocQty) backorder.Line {
		return backorder.Line{ID: uuid.New(), OrderID: o, SKU: "S", Qty: 10, Backordered: backordered,
			Allocations: allocs, Cancelled: 10 - backordered}
	}
	var open []uuid.UUID
	mustUpdate(t, s, func(tx backorder.Tx) error {
		for n := 300; n >= 1; n-- {
			o := backorder.Order{ID: oid(n), Customer: "C", Currency: "EUR"}
			switch n % 3 {
			case 0: // nothing open
				o.Lines = []backorder.Line{line(o.ID, 0), line(o.ID, 0)}
			case 1: // one line waits
				o.Lines = []backorder.Line{line(o.ID, 0), line(o.ID, 3)}
			case 2: // one line holds stock only
				l := line(o.ID, 0, backorder.LocQty{Location: "AMS", Qty: 2})
				l.Cancelled = 8
				o.Lines = []backorder.Line{l}
			}
			if n%3 != 0 {
				open = append([]uuid.UUID{o.ID}, open...)
			}
			if err := tx.PutOrder(o); err != nil {
				return err
			}
		}
		// An order without lines is not open.
		return tx.PutOrder(backorder.Order{ID: oid(1000), Customer: "C"})
	})
	mustView(t, s, func(tx backorder.Tx) error {
		var got []uuid.UUID
		after := uuid.Nil
		for {
			ids, err := tx.OpenOrders(after, 7)
			if err != nil {
				return err
			}
			if len(ids) > 7 {
				t.Fatalf("OpenOrders(_, 7) returned %d ids", len(ids))
			}
			got = append(got, ids...)
			if len(ids) < 7 {
				break
			}
			after = ids[len(ids)-1]
		}
		expectSame(t, "open orders paged by 7", got, open)
		ids, err := tx.OpenOrders(uuid.Nil, 0)
		if err != nil || len(ids) != 0 {
			t.Errorf("OpenOrders(_, 0) = %v, %v; want none", ids, err)
		}
		return nil
	})
	// Closing the last open line of an order takes it off the list.
	mustUpdate(t, s, func(tx backorder.Tx) error {
		o, err := tx.Order(oid(1))
		if err != nil {
			return err
		}
		l := o.Lines[1]
		l.Cancelled, l.Backordered = 10, 0
		return tx.PutLine(l)
	})
	mustView(t, s, func(tx backorder.Tx) error {
		ids, err := tx.OpenOrders(uuid.Nil, 2)
		expectSame(t, "OpenOrders after closing order 1", ids, open[1:3])
		return err
	})
}

// hostile strings: quotes, SQL metacharacters, Unicode, a 1,000-character
// SKU, and whitespace that a trimming store would lose.
var hostile = []string{
	`'; DROP TABLE items; --`,
	`O'Reilly "quoted" \back\slash\ %_*? $1 $$ E'\x00' :name @p1 {s}`,
	"日本語 — Zürich «ü» 🔩 \u200b\u2028\u2029 ‮rtl",
	strings.Repeat("SKU-€-", 166) + "ABCD", // 1,000 characters
	" \t\n leading and trailing \r\n ",
	"",
}

func TestHostileStrings(t *testing.T) {
	if n := len([]rune(hostile[3])); n != 1000 {
		t.Fatalf("the long SKU has %d characters, want 1000", n)
	}
	s := newStore(t, nil)
	for i, h := range hostile {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			oid, lid, sid, iid := uuid.New(), uuid.New(), uuid.New(), uuid.New()
			item := backorder.Item{SKU: h + "/sku", Description: h, Status: backorder.SupplyStatus(h), Substitutes: []string{h, h + "2"}, Policy: h}
			loc := backorder.Location{ID: h + "/loc", Name: h}
			pos := backorder.StockPosition{SKU: h + "/sku", Location: h + "/loc", OnHand: 5}
			in := backorder.Inbound{ID: h + "/in", SKU: h + "/sku", Location: h, Qty: 1, Supplier: h, Expected: t0}
			line := backorder.Line{ID: lid, OrderID: oid, SKU: h + "/sku", Qty: 1, PreferredLocation: h,
				Protection: backorder.Protection(h), ShipPolicy: backorder.ShipPolicy(h), ShipGroup: h, CancelReason: h,
				Backordered: 1, Allocations: []backorder.LocQty{{Location: h, Qty: 1}}, Committed: []backorder.LocQty{{Location: h, Qty: 1}}}
			o := backorder.Order{ID: oid, Ref: h, Customer: h, ShipPolicy: backorder.ShipPolicy(h), Currency: h, Lines: []backorder.Line{line}}
			e := backorder.BookEntry{SKU: h + "/sku", LineID: lid, OrderID: oid, Customer: h, Backordered: 1,
				Protection: backorder.Protection(h), Allocations: []backorder.LocQty{{Location: h, Qty: 1}}}
			sh := backorder.Shipment{ID: sid, OrderID: oid, Location: h, Status: backorder.ShipmentStatus(h), Carrier: h, Tracking: h,
				Lines: []backorder.ShipmentLine{{LineID: lid, SKU: h, Qty: 1}}}
			inv := backorder.Invoice{ID: iid, OrderID: oid, Kind: backorder.InvoiceKind(h), Series: h, Number: h,
				Document: invoice.Invoice{Number: h, Currency: h, Reason: h,
					Lines: []invoice.InvoiceLine{{SKU: h, TaxCategory: h, Qty: 1, UnitPrice: dec("0.1")}}}}
			ev := backorder.Event{Type: backorder.EventType(h), Command: h, InboundID: h, Customer: h, SKU: h, Location: h, Number: h, Reason: h}
			cmd := backorder.Command{Key: h + "/cmd", Result: []byte(`{"s":` + fmt.Sprintf("%q", h) + `}`)}
			var evs []backorder.Event
			mustUpdate(t, s, func(tx backorder.Tx) error {
				evs = []backorder.Event{ev}
				seq, err := tx.NextSequence(h + "/seq")
				if err != nil || seq != 1 {
					return fmt.Errorf("NextSequence = %d, %v", seq, err)
				}
				return errors.Join(tx.PutItem(item), tx.PutLocation(loc), tx.PutPosition(pos), tx.PutInbound(in),
					tx.PutOrder(o), tx.PutBookEntry(e), tx.PutShipment(sh), tx.PutInvoice(inv),
					tx.AppendEvents(evs), tx.PutCommand(cmd))
			})
			mustView(t, s, func(tx backorder.Tx) error {
				gotItem, err1 := tx.Item(item.SKU)
				expectSame(t, "Item", gotItem, item)
				gotLoc, err2 := tx.Location(loc.ID)
				expectSame(t, "Location", gotLoc, loc)
				gotPos, err3 := tx.Positions(pos.SKU)
				expectSame(t, "Positions", gotPos, []backorder.StockPosition{pos})
				gotIn, err4 := tx.Inbounds(in.SKU)
				expectSame(t, "Inbounds", gotIn, []backorder.Inbound{in})
				gotOrder, err5 := tx.Order(oid)
				expectSame(t, "Order", gotOrder, o)
				gotBook, err6 := tx.CustomerBook(h)
				expectSame(t, "CustomerBook", gotBook, []backorder.BookEntry{e})
				gotHolders, err7 := tx.Holders(e.SKU, h)
				expectSame(t, "Holders", gotHolders, []backorder.BookEntry{e})
				gotSh, err8 := tx.Shipment(sid)
				expectSame(t, "Shipment", gotSh, sh)
				gotInv, err9 := tx.Invoice(iid)
				expectSame(t, "Invoice", gotInv, inv)
				gotEv, err10 := tx.Events(evs[0].Seq-1, 1)
				expectSame(t, "Events", gotEv, evs)
				gotCmd, err11 := tx.Command(cmd.Key)
				expectSame(t, "Command", gotCmd, cmd)
				return errors.Join(err1, err2, err3, err4, err5, err6, err7, err8, err9, err10, err11)
			})
		})
	}
}

// TestUnstorableText checks that what PostgreSQL text cannot hold (a NUL
// byte, invalid UTF-8) is refused with an error matching ErrInvalid before
// reaching the server, leaves the transaction usable, and reads as absent.
func TestUnstorableText(t *testing.T) {
	s := newStore(t, nil)
	for _, bad := range []string{"a\x00b", "caf\xe9"} {
		err := s.Update(context.Background(), func(tx backorder.Tx) error {
			writes := map[string]error{
				"PutItem":      tx.PutItem(backorder.Item{SKU: bad}),
				"PutLocation":  tx.PutLocation(backorder.Location{ID: "L", Name: bad}),
				"PutPosition":  tx.PutPosition(backorder.StockPosition{SKU: "S", Location: bad}),
				"PutOrder":     tx.PutOrder(backorder.Order{ID: uuid.New(), Lines: []backorder.Line{{ID: uuid.New(), CancelReason: bad}}}),
				"PutCommand":   tx.PutCommand(backorder.Command{Key: bad}),
				"AppendEvents": tx.AppendEvents([]backorder.Event{{Type: backorder.OrderPlaced, Reason: bad}}),
				"QueueEvents":  tx.(backorder.EventQueuer).QueueEvents([]backorder.Event{{Type: backorder.OrderPlaced, Reason: bad}}),
				"PutBookEntry": tx.PutBookEntry(backorder.BookEntry{SKU: "S", Backordered: 1,
					Allocations: []backorder.LocQty{{Location: bad, Qty: 1}}}),
			}
			for name, err := range writes {
				var ve *backorder.ValidationError
				if !errors.Is(err, backorder.ErrInvalid) || !errors.As(err, &ve) {
					t.Errorf("%s with %q: %v, want a *backorder.ValidationError", name, bad, err)
				}
			}
			if _, err := tx.Item(bad); !errors.Is(err, backorder.ErrNotFound) {
				t.Errorf("Item(%q): %v, want ErrNotFound", bad, err)
			}
			if ps, err := tx.Positions(bad); err != nil || len(ps) != 0 {
				t.Errorf("Positions(%q) = %v, %v; want none", bad, ps, err)
			}
			// The transaction goes on.
			return tx.PutItem(backorder.Item{SKU: "GOOD"})
		})
		if err != nil {
			t.Fatalf("Update after refused writes: %v", err)
		}
	}
	mustView(t, s, func(tx backorder.Tx) error {
		_, err := tx.Item("GOOD")
		if err != nil {
			return err
		}
		evs, err := tx.Events(0, 10)
		if len(evs) != 0 {
			t.Errorf("refused AppendEvents left %d events", len(evs))
		}
		return err
	})

	// Text that only looks like what is refused, in the encoded form the
	// check scans, is stored as given.
	lookAlikes := []string{`\u0000`, `\ufffd`, "\\u0000", "\\\\ufffd", "\uFFFD", "\uFFFD\\u0000x", `"\`, `\`}
	o := backorder.Order{ID: uuid.New(), Customer: "C"}
	for i, text := range lookAlikes {
		o.Lines = append(o.Lines, backorder.Line{ID: uuid.New(), OrderID: o.ID, SKU: fmt.Sprint("S", i), CancelReason: text})
	}
	mustUpdate(t, s, func(tx backorder.Tx) error { return tx.PutOrder(o) })
	mustView(t, s, func(tx backorder.Tx) error {
		got, err := tx.Order(o.ID)
		for i := range got.Lines {
			if got.Lines[i].CancelReason != lookAlikes[i] {
				t.Errorf("look-alike %q came back as %q", lookAlikes[i], got.Lines[i].CancelReason)
			}
		}
		return err
	})
}

// TestTimes checks that times come back as the same instant (documents
// keep nanoseconds; the columns the store sorts by keep microseconds), the
// zero time as zero, and that sorting follows the instant, not the zone.
func TestTimes(t *testing.T) {
	s := newStore(t, nil)
	times := []time.Time{
		{},
		time.Date(1, 1, 1, 0, 0, 0, 1000, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(2000, 1, 1, 0, 0, 0, 0, tz),
		t0,
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.FixedZone("+14", 14*3600)),
	}
	for i, at := range times {
		in := backorder.Inbound{ID: fmt.Sprint("I", i), SKU: "S", Qty: 1, Expected: at}
		ev := backorder.Event{Type: backorder.OrderPlaced, At: at, OldDate: at, NewDate: at}
		mustUpdate(t, s, func(tx backorder.Tx) error {
			return errors.Join(tx.PutInbound(in), tx.AppendEvents([]backorder.Event{ev}))
		})
		mustView(t, s, func(tx backorder.Tx) error {
			got, err := tx.Inbound(in.ID)
			if err != nil {
				return err
			}
			if !got.Expected.Equal(at) || got.Expected.IsZero() != at.IsZero() {
				t.Errorf("time %v read back as %v", at, got.Expected)
			}
			evs, err := tx.Events(uint64(i), 1)
			if err != nil {
				return err
			}
			if len(evs) != 1 || !evs[0].At.Equal(at) || !evs[0].OldDate.Equal(at) || !evs[0].NewDate.Equal(at) {
				t.Errorf("event times for %v read back as %+v", at, evs)
			}
			return nil
		})
	}
	// Inbounds sort by instant: the zero time first, zones ignored.
	mustView(t, s, func(tx backorder.Tx) error {
		ins, err := tx.Inbounds("S")
		var got []string
		for _, in := range ins {
			got = append(got, in.ID)
		}
		expectSame(t, "Inbounds by Expected", got, []string{"I0", "I1", "I2", "I3", "I4", "I5"})
		return err
	})
	// Beyond year 9999 a time has no JSON form: the write is refused before
	// anything is sent, and the transaction goes on.
	mustUpdate(t, s, func(tx backorder.Tx) error {
		err := tx.PutInbound(backorder.Inbound{ID: "FAR", SKU: "S", Expected: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)})
		if !errors.Is(err, backorder.ErrInvalid) {
			t.Errorf("PutInbound in year 10000: %v, want ErrInvalid", err)
		}
		err = tx.AppendEvents([]backorder.Event{{Type: backorder.OrderPlaced, At: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}})
		if !errors.Is(err, backorder.ErrInvalid) {
			t.Errorf("AppendEvents in year 10000: %v, want ErrInvalid", err)
		}
		return tx.PutItem(backorder.Item{SKU: "AFTER"})
	})
}

// TestQueuedWriteFails makes a queued write fail on the server (a CHECK
// constraint the test adds): the Update fails with the driver's error
// wrapped, and keeps nothing.
func TestQueuedWriteFails(t *testing.T) {
	s := newStore(t, nil)
	ctx := context.Background()
	if _, err := testPool.Exec(ctx, "ALTER TABLE "+pgx.Identifier{s.Schema(), "positions"}.Sanitize()+
		" ADD CONSTRAINT test_floor CHECK (on_hand > -1000)"); err != nil {
		t.Fatal(err)
	}
	err := s.Update(ctx, func(tx backorder.Tx) error {
		return errors.Join(
			tx.PutItem(backorder.Item{SKU: "BEFORE"}),
			tx.PutPosition(backorder.StockPosition{SKU: "S", Location: "L", OnHand: -5000}),
			tx.PutItem(backorder.Item{SKU: "AFTER"}))
	})
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "23514" {
		t.Errorf("Update whose queued write breaks a CHECK: %v, want a wrapped 23514", err)
	}
	err = s.Update(ctx, func(tx backorder.Tx) error {
		if err := tx.PutPosition(backorder.StockPosition{SKU: "S", Location: "L", OnHand: -5000}); err != nil {
			return err
		}
		_, err := tx.Positions("T") // sends the queued write
		if !errors.As(err, &pgErr) {
			t.Errorf("the read that sent a failing write: %v, want its error", err)
		}
		if _, err2 := tx.Item("X"); err2 == nil {
			t.Error("a read after a failed statement succeeded")
		}
		return nil // Update must not commit all the same
	})
	if !errors.As(err, &pgErr) {
		t.Errorf("Update whose fn swallowed a store error: %v, want that error", err)
	}
	mustView(t, s, func(tx backorder.Tx) error {
		for _, sku := range []string{"BEFORE", "AFTER"} {
			if _, err := tx.Item(sku); !errors.Is(err, backorder.ErrNotFound) {
				t.Errorf("Item %s of a failed Update: %v, want ErrNotFound", sku, err)
			}
		}
		return nil
	})
}

// TestDecimalSettings flips the decimal package's settings that a host may
// change and checks that money round-trips all the same.
func TestDecimalSettings(t *testing.T) {
	s := newStore(t, nil)
	oldQuotes, oldPrec := decimal.MarshalJSONWithoutQuotes, decimal.DivisionPrecision
	t.Cleanup(func() { decimal.MarshalJSONWithoutQuotes, decimal.DivisionPrecision = oldQuotes, oldPrec })
	inv := backorder.Invoice{ID: uuid.New(), OrderID: uuid.New(), Document: invoice.Invoice{
		Totals: invoice.Totals{Total: dec("123456789012345678901234567890.000000000000000000000000000001"),
			Subtotal: dec("-0.10"), TaxTotal: dec("1e-30")},
		Lines: []invoice.InvoiceLine{{Qty: 3, UnitPrice: dec("0.333333333333333333333333333333333"), Net: dec("1.00"), Tax: dec("-7")}}}}
	for _, quotes := range []bool{false, true} {
		decimal.MarshalJSONWithoutQuotes, decimal.DivisionPrecision = quotes, 3
		inv.ID = uuid.New()
		mustUpdate(t, s, func(tx backorder.Tx) error { return tx.PutInvoice(inv) })
		decimal.MarshalJSONWithoutQuotes = !quotes
		mustView(t, s, func(tx backorder.Tx) error {
			got, err := tx.Invoice(inv.ID)
			expectSame(t, fmt.Sprintf("Invoice (MarshalJSONWithoutQuotes %v)", quotes), got, inv)
			if got.Document.Total.String() != inv.Document.Total.String() ||
				got.Document.Lines[0].UnitPrice.String() != inv.Document.Lines[0].UnitPrice.String() {
				t.Errorf("decimals changed text: %s, %s", got.Document.Total, got.Document.Lines[0].UnitPrice)
			}
			return err
		})
	}
}

// TestDeadlockIsConflict makes two Updates lock two SKUs in opposite orders:
// PostgreSQL breaks the deadlock, and the loser's error matches ErrConflict
// and still carries the driver's error.
func TestDeadlockIsConflict(t *testing.T) {
	s := newStore(t, nil)
	var ready sync.WaitGroup
	ready.Add(2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, skus := range [][2]string{{"A", "B"}, {"B", "A"}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			first := true
			errs[i] = s.Update(context.Background(), func(tx backorder.Tx) error {
				if _, err := tx.Positions(skus[0]); err != nil {
					return err
				}
				if first {
					first = false
					ready.Done()
					ready.Wait()
				}
				if _, err := tx.Positions(skus[1]); err != nil {
					return err
				}
				return tx.PutPosition(backorder.StockPosition{SKU: skus[1], Location: "L", OnHand: 1})
			})
		}()
	}
	wg.Wait()
	var conflicts int
	for _, err := range errs {
		if err == nil {
			continue
		}
		var pgErr *pgconn.PgError
		if !errors.Is(err, backorder.ErrConflict) || !errors.As(err, &pgErr) || pgErr.Code != "40P01" {
			t.Errorf("deadlocked Update: %v, want ErrConflict wrapping a 40P01 *pgconn.PgError", err)
		}
		conflicts++
	}
	if conflicts != 1 {
		t.Errorf("%d of 2 deadlocked Updates failed, want 1: %v", conflicts, errs)
	}
}

// TestConflictCodes checks which server errors match ErrConflict.
func TestConflictCodes(t *testing.T) {
	needDB(t)
	for code, want := range map[string]bool{"40001": true, "40P01": true, "55P03": true, "23505": false, "57014": false} {
		err := raise(context.Background(), code)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != code {
			t.Fatalf("raising %s: %v", code, err)
		}
		if got := errors.Is(err, backorder.ErrConflict); got != want {
			t.Errorf("error %s matches ErrConflict: %v, want %v (%v)", code, got, want, err)
		}
	}
}

// raise returns the error pgstore makes of a server error with the code.
func raise(ctx context.Context, code string) error {
	_, err := testPool.Exec(ctx, fmt.Sprintf(`DO $$ BEGIN RAISE EXCEPTION 'test' USING ERRCODE = '%s'; END $$`, code))
	return pgstore.WrapError("test", err)
}

// TestMaxInt64 checks that the edges of int64 round-trip and that counters
// fail cleanly, without panic, at the top.
func TestMaxInt64(t *testing.T) {
	s := newStore(t, nil)
	p := backorder.StockPosition{SKU: "S", Location: "L", OnHand: math.MaxInt64, Allocated: math.MinInt64,
		Received: math.MaxInt64, Adjusted: math.MinInt64, Shipped: -1}
	mustUpdate(t, s, func(tx backorder.Tx) error { return tx.PutPosition(p) })
	mustView(t, s, func(tx backorder.Tx) error {
		got, err := tx.Positions("S")
		expectSame(t, "Positions", got, []backorder.StockPosition{p})
		return err
	})
	if _, err := testPool.Exec(context.Background(), "INSERT INTO "+pgx.Identifier{s.Schema(), "sequences"}.Sanitize()+
		" (name, value) VALUES ('top', $1)", int64(math.MaxInt64)); err != nil {
		t.Fatal(err)
	}
	err := s.Update(context.Background(), func(tx backorder.Tx) error { _, err := tx.NextSequence("top"); return err })
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "22003" {
		t.Errorf("NextSequence past MaxInt64: %v, want a wrapped 22003 numeric_value_out_of_range", err)
	}
}

// TestAppendTx checks the engine's optional appending reads.
func TestAppendTx(t *testing.T) {
	s := newStore(t, nil)
	e := backorder.BookEntry{SKU: "S", LineID: uuid.New(), Customer: "C", Backordered: 2,
		Allocations: []backorder.LocQty{{Location: "L", Qty: 1}}}
	p := backorder.StockPosition{SKU: "S", Location: "L", OnHand: 3}
	mustUpdate(t, s, func(tx backorder.Tx) error { return errors.Join(tx.PutBookEntry(e), tx.PutPosition(p)) })
	mustUpdate(t, s, func(tx backorder.Tx) error {
		app := tx.(backorder.AppendTx)
		head := backorder.BookEntry{SKU: "X"}
		book, err := app.AppendBook([]backorder.BookEntry{head}, "S")
		expectSame(t, "AppendBook", book, []backorder.BookEntry{head, e})
		book[1].Allocations[0].Qty = 99 // must not reach the store
		again, err2 := tx.Book("S")
		expectSame(t, "Book after changing an appended entry", again, []backorder.BookEntry{e})
		ps, err3 := app.AppendPositions([]backorder.StockPosition{{SKU: "X"}}, "S")
		expectSame(t, "AppendPositions", ps, []backorder.StockPosition{{SKU: "X"}, p})
		return errors.Join(err, err2, err3)
	})
}
