package pgstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/pgstore"
)

// writeEvents writes each group of events in an Update of its own, queued
// (one outbox row for a group of two or more) or appended (one row per
// event), and returns every event as Events must return it, in seq order.
func writeEvents(t *testing.T, s *pgstore.Store, groups [][]backorder.Event, appended func(i int) bool) []backorder.Event {
	t.Helper()
	var all []backorder.Event
	for i, g := range groups {
		evs := append([]backorder.Event(nil), g...)
		mustUpdate(t, s, func(tx backorder.Tx) error {
			if appended(i) {
				return tx.AppendEvents(evs)
			}
			return tx.(backorder.EventQueuer).QueueEvents(evs)
		})
		for _, e := range g {
			e.Seq = uint64(len(all) + 1)
			all = append(all, e)
		}
	}
	return all
}

// eventGroups returns groups of events of sizes n, each event told apart
// by its fields.
func eventGroups(sizes ...int) [][]backorder.Event {
	t0 := time.Date(2026, 5, 1, 8, 0, 0, 123456789, time.UTC)
	var out [][]backorder.Event
	k := 0
	for _, n := range sizes {
		var g []backorder.Event
		for range n {
			k++
			g = append(g, backorder.Event{Type: backorder.LineAllocated, At: t0.Add(time.Duration(k) * time.Second),
				Command: fmt.Sprint("cmd/", k), OrderID: uuid.New(), LineID: uuid.New(), SKU: fmt.Sprint("S", k),
				Location: "AMS", Qty: int64(k)})
		}
		out = append(out, g)
	}
	return out
}

// TestEventBatches writes events queued in groups (one outbox row each)
// and appended one by one, and reads them back from every position with
// every limit, in an Update and in a View: Events must return exactly the
// slice of the whole outbox the slow obvious oracle gives, with a limit
// that may cut inside a group.
func TestEventBatches(t *testing.T) {
	s := newStore(t, nil)
	ctx := context.Background()
	groups := eventGroups(3, 1, 5, 2, 2, 4, 1)
	all := writeEvents(t, s, groups, func(i int) bool { return i == 3 })

	var rows int
	if err := testPool.QueryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier{s.Schema(), "event_batches"}.Sanitize()).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != 4 { // the queued groups of two or more
		t.Errorf("event_batches holds %d rows, want 4", rows)
	}

	for _, view := range []bool{false, true} {
		run := func(fn func(backorder.Tx) error) error { return s.Update(ctx, fn) }
		if view {
			run = func(fn func(backorder.Tx) error) error { return s.View(ctx, fn) }
		}
		err := run(func(tx backorder.Tx) error {
			for after := 0; after <= len(all)+1; after++ {
				for limit := 1; limit <= len(all)+2; limit++ {
					got, err := tx.Events(uint64(after), limit)
					if err != nil {
						return err
					}
					var want []backorder.Event
					if after < len(all) {
						want = all[after:min(len(all), after+limit)]
					}
					expectSame(t, fmt.Sprintf("view %v: Events(%d, %d)", view, after, limit), got, want)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestEventBatchesRollBack checks that a rolled-back group hands its
// numbers out again: the outbox stays gap-free.
func TestEventBatchesRollBack(t *testing.T) {
	s := newStore(t, nil)
	ctx := context.Background()
	groups := eventGroups(2, 3, 2)
	first := writeEvents(t, s, groups[:1], func(int) bool { return false })
	err := s.Update(ctx, func(tx backorder.Tx) error {
		if err := tx.(backorder.EventQueuer).QueueEvents(groups[1]); err != nil {
			return err
		}
		// Send the queued events before failing: Events flushes them.
		if _, err := tx.Events(0, 100); err != nil {
			return err
		}
		return fmt.Errorf("roll back")
	})
	if err == nil {
		t.Fatal("the failing Update committed")
	}
	rest := writeEvents(t, s, groups[2:], func(int) bool { return false })
	for i := range rest {
		rest[i].Seq += uint64(len(first))
	}
	mustView(t, s, func(tx backorder.Tx) error {
		got, err := tx.Events(0, 100)
		expectSame(t, "Events", got, append(first, rest...))
		return err
	})
}

// TestMigrateUpgradeKeepsEvents builds a schema as the previous version
// left it (migrations 1 and 2, with events and an order written the way
// that version wrote them), migrates it, and checks that the old events
// read as before, that new ones number on after them, and that the store
// keeps working.
func TestMigrateUpgradeKeepsEvents(t *testing.T) {
	needDB(t)
	ctx := context.Background()
	schema := freshSchema(t)
	q := pgx.Identifier{schema}.Sanitize()
	conn, err := testPool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := conn.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec("CREATE SCHEMA " + q)
	exec(`CREATE TABLE ` + q + `.schema_version (version integer PRIMARY KEY, name text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now())`)
	exec("SELECT set_config('search_path', $1, false)", q)
	for _, m := range []struct {
		v    int
		name string
	}{{1, "init"}, {2, "hot_rows"}} {
		sql, err := os.ReadFile(fmt.Sprintf("migrations/%04d_%s.sql", m.v, m.name))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Conn().PgConn().Exec(ctx, string(sql)).ReadAll(); err != nil {
			t.Fatalf("migration %d: %v", m.v, err)
		}
		exec(`INSERT INTO schema_version (version, name) VALUES ($1, $2)`, m.v, m.name)
	}
	// The old version wrote one events row per event, numbered by the
	// outbox head, its document the event's JSON with seq 0.
	old := eventGroups(4)[0]
	for i, e := range old {
		e.Seq = 0
		doc, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		exec(`INSERT INTO events (seq, type, at, doc) VALUES ($1, $2, $3, $4)`, int64(i+1), string(e.Type), e.At, string(doc))
		old[i].Seq = uint64(i + 1)
	}
	exec(`UPDATE outbox_head SET seq = $1`, int64(len(old)))
	exec("RESET search_path")
	conn.Release()

	opts := pgstore.Options{Schema: schema}
	if err := pgstore.Migrate(ctx, testPool, opts); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	want := make([]int, pgstore.SchemaVersion())
	for i := range want {
		want[i] = i + 1
	}
	expectSame(t, "versions", schemaVersions(t, schema), want)
	s, err := pgstore.New(testPool, opts)
	if err != nil {
		t.Fatal(err)
	}
	mustView(t, s, func(tx backorder.Tx) error {
		got, err := tx.Events(0, 100)
		expectSame(t, "old events", got, old)
		return err
	})
	more := eventGroups(3)
	added := writeEvents(t, s, more, func(int) bool { return false })
	for i := range added {
		added[i].Seq += uint64(len(old))
	}
	all := append(append([]backorder.Event(nil), old...), added...)
	mustView(t, s, func(tx backorder.Tx) error {
		for after := range len(all) {
			got, err := tx.Events(uint64(after), 3)
			if err != nil {
				return err
			}
			expectSame(t, fmt.Sprintf("Events(%d, 3)", after), got, all[after:min(len(all), after+3)])
		}
		return nil
	})

	// The engine works on the upgraded schema, and its events follow.
	eng, err := backorder.New(backorder.Config{Store: s})
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.PutLocation(ctx, backorder.Location{ID: "AMS"}); err != nil {
		t.Fatal(err)
	}
	if err := eng.PutItem(ctx, backorder.Item{SKU: "A"}); err != nil {
		t.Fatal(err)
	}
	o := backorder.Order{ID: uuid.New(), Customer: "C", Currency: "EUR", Lines: []backorder.Line{
		{ID: uuid.New(), SKU: "A", Qty: 2, UnitPrice: decimal.NewFromInt(1)}}}
	if _, err := eng.PlaceOrder(ctx, o); err != nil {
		t.Fatal(err)
	}
	evs, err := eng.Events(ctx, uint64(len(all)), 100)
	if err != nil {
		t.Fatal(err)
	}
	placed := 0
	for i, e := range evs {
		if e.Seq != uint64(len(all)+1+i) {
			t.Errorf("event %d after the upgrade has seq %d, want %d", i, e.Seq, len(all)+1+i)
		}
		if e.OrderID == o.ID {
			placed++
		}
	}
	if placed < 2 { // order_placed and the line's event
		t.Errorf("events after placing an order: %+v; want its order_placed and line events", evs)
	}
}
