package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/backorderkit/backorderkit/allocation"
	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/pgstore"
)

var (
	hotSKUs   = []string{"HOT-1", "HOT-2", "HOT-3", "HOT-4", "HOT-5"}
	locations = []string{"AMS", "RTM"}
)

// instance is one application instance: its own pool, store and engine
// over the shared schema.
type instance struct {
	store *countingStore
	eng   *backorder.Engine
}

// countingStore counts the Updates that failed with ErrConflict (and that
// the engine then retried).
type countingStore struct {
	backorder.Store
	mu        sync.Mutex
	conflicts int
	updates   int
}

func (c *countingStore) Update(ctx context.Context, fn func(backorder.Tx) error) error {
	err := c.Store.Update(ctx, fn)
	c.mu.Lock()
	c.updates++
	if errors.Is(err, backorder.ErrConflict) {
		c.conflicts++
	}
	c.mu.Unlock()
	return err
}

func newInstances(t *testing.T, schema string, n int, maxConns int32) []instance {
	t.Helper()
	out := make([]instance, n)
	for i := range out {
		pool, err := newPool(context.Background(), maxConns)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(pool.Close)
		s, err := pgstore.New(pool, pgstore.Options{Schema: schema})
		if err != nil {
			t.Fatal(err)
		}
		cs := &countingStore{Store: s}
		eng, err := backorder.New(backorder.Config{Store: cs, Policy: allocation.FIFO{}, Retries: 1000})
		if err != nil {
			t.Fatal(err)
		}
		out[i] = instance{store: cs, eng: eng}
	}
	return out
}

type posKey struct{ sku, loc string }

// ledger is what the test saw succeed.
type ledger struct {
	mu       sync.Mutex
	received map[posKey]int64
	adjusted map[posKey]int64
	shipped  map[posKey]int64
	orders   []uuid.UUID
	ops      map[string]int
	failed   map[string]int
	commands []func(context.Context, *backorder.Engine) error // replays of applied commands
}

func (l *ledger) record(op string, err error, apply func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		l.failed[op]++
		return
	}
	l.ops[op]++
	if apply != nil {
		apply()
	}
}

// TestEngineConcurrency is the acceptance test for many application
// instances on one database: 8 engines with separate pools run 2,000 mixed
// operations on 5 hot SKUs, and afterwards every invariant holds, on hand
// equals what was received and adjusted minus what shipped, and nothing was
// allocated twice.
func TestEngineConcurrency(t *testing.T) {
	const (
		engines = 8
		total   = 2000
	)
	s := newStore(t, nil)
	ctx := context.Background()
	insts := newInstances(t, s.Schema(), engines, 2)
	setup := insts[0].eng
	for i, loc := range locations {
		if err := setup.PutLocation(ctx, backorder.Location{ID: loc, Rank: i}); err != nil {
			t.Fatal(err)
		}
	}
	for _, sku := range hotSKUs {
		if err := setup.PutItem(ctx, backorder.Item{SKU: sku}); err != nil {
			t.Fatal(err)
		}
	}
	lg := &ledger{received: map[posKey]int64{}, adjusted: map[posKey]int64{}, shipped: map[posKey]int64{},
		ops: map[string]int{}, failed: map[string]int{}}
	start := time.Now()
	var wg sync.WaitGroup
	for w := range engines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runWorker(ctx, t, w, insts[w].eng, total/engines, lg)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	var updates, conflicts int
	for _, in := range insts {
		updates += in.store.updates
		conflicts += in.store.conflicts
	}
	t.Logf("%d operations from %d engines in %v: applied %v, refused %v; %d store Updates, %d retried after ErrConflict",
		total, engines, elapsed.Round(time.Millisecond), lg.ops, lg.failed, updates, conflicts)
	if lg.ops["place"] == 0 || lg.ops["receive"] == 0 || lg.ops["cancel"] == 0 || lg.ops["adjust"] == 0 || lg.ops["ship"] == 0 {
		t.Errorf("some kind of operation never succeeded: %v (refused %v)", lg.ops, lg.failed)
	}
	before := checkInvariants(t, s, lg)

	// A retried command with an id already applied changes nothing.
	for _, replay := range lg.commands[:min(len(lg.commands), 100)] {
		if err := replay(ctx, insts[rand.IntN(engines)].eng); err != nil {
			t.Errorf("replaying an applied command: %v", err)
		}
	}
	after := checkInvariants(t, s, lg)
	expectSame(t, "the store after replaying 100 applied commands", after, before)
}

func runWorker(ctx context.Context, t *testing.T, w int, eng *backorder.Engine, n int, lg *ledger) {
	rng := rand.New(rand.NewPCG(uint64(w), 42))
	var mine []backorder.Order
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	for i := range n {
		id := fmt.Sprintf("w%d-%d", w, i)
		switch r := rng.IntN(100); {
		case r < 40: // place 1–3 lines
			o := backorder.Order{ID: uuid.New(), Customer: fmt.Sprintf("C%d", rng.IntN(20)), Priority: int32(1 + rng.IntN(3)), Currency: "EUR"}
			skus := slices.Clone(hotSKUs)
			rng.Shuffle(len(skus), func(i, j int) { skus[i], skus[j] = skus[j], skus[i] })
			for _, sku := range skus[:1+rng.IntN(3)] {
				o.Lines = append(o.Lines, backorder.Line{ID: uuid.New(), SKU: sku, Qty: int64(1 + rng.IntN(20)),
					UnitPrice: decimal.New(int64(100+rng.IntN(900)), -2)})
			}
			_, err := eng.PlaceOrder(ctx, o)
			lg.record("place", err, func() {
				lg.orders = append(lg.orders, o.ID)
				lg.commands = append(lg.commands, func(ctx context.Context, e *backorder.Engine) error {
					_, err := e.PlaceOrder(ctx, o)
					return err
				})
			})
			if err == nil {
				mine = append(mine, o)
			}
		case r < 65: // receive
			rc := backorder.Receipt{ID: "GR-" + id, SKU: pick(hotSKUs), Location: pick(locations), Qty: int64(1 + rng.IntN(30))}
			_, err := eng.Receive(ctx, rc)
			lg.record("receive", err, func() {
				lg.received[posKey{rc.SKU, rc.Location}] += rc.Qty
				lg.commands = append(lg.commands, func(ctx context.Context, e *backorder.Engine) error {
					_, err := e.Receive(ctx, rc)
					return err
				})
			})
		case r < 75: // cancel a line or a whole order
			if len(mine) == 0 {
				continue
			}
			o := mine[rng.IntN(len(mine))]
			c := backorder.Cancellation{ID: "CX-" + id, OrderID: o.ID, Reason: "test"}
			if rng.IntN(2) == 0 {
				c.LineID = o.Lines[rng.IntN(len(o.Lines))].ID
			}
			_, err := eng.Cancel(ctx, c)
			lg.record("cancel", err, func() {
				lg.commands = append(lg.commands, func(ctx context.Context, e *backorder.Engine) error {
					_, err := e.Cancel(ctx, c)
					return err
				})
			})
		case r < 90: // adjust, mostly up
			a := backorder.Adjustment{ID: "ADJ-" + id, SKU: pick(hotSKUs), Location: pick(locations), Delta: int64(rng.IntN(16) - 5), Reason: "count"}
			if a.Delta == 0 {
				a.Delta = 1
			}
			_, err := eng.AdjustStock(ctx, a)
			lg.record("adjust", err, func() {
				lg.adjusted[posKey{a.SKU, a.Location}] += a.Delta
				lg.commands = append(lg.commands, func(ctx context.Context, e *backorder.Engine) error {
					_, err := e.AdjustStock(ctx, a)
					return err
				})
			})
		default: // ship an order and confirm its shipments
			if len(mine) == 0 {
				continue
			}
			o := mine[rng.IntN(len(mine))]
			res, err := eng.Ship(ctx, backorder.ShipRequest{ID: "SH-" + id, OrderID: o.ID})
			if err != nil {
				lg.record("ship", err, nil)
				continue
			}
			for _, sh := range res.Shipments {
				_, err := eng.ConfirmShipment(ctx, backorder.Confirmation{ShipmentID: sh.ID, Carrier: "DHL"})
				lg.record("ship", err, func() {
					for _, l := range sh.Lines {
						lg.shipped[posKey{l.SKU, sh.Location}] += l.Qty
					}
				})
			}
		}
	}
}

// checkInvariants reads the whole state in one View, checks DESIGN.md's
// invariants against it and the ledger, and returns it.
func checkInvariants(t *testing.T, s *pgstore.Store, lg *ledger) any {
	t.Helper()
	type state struct {
		Positions []backorder.StockPosition
		Orders    []backorder.Order
		Book      []backorder.BookEntry
		Events    int
	}
	var st state
	mustView(t, s, func(tx backorder.Tx) error {
		for _, sku := range hotSKUs {
			ps, err := tx.Positions(sku)
			if err != nil {
				return err
			}
			st.Positions = append(st.Positions, ps...)
			book, err := tx.Book(sku)
			if err != nil {
				return err
			}
			st.Book = append(st.Book, book...)
		}
		for _, id := range lg.orders {
			o, err := tx.Order(id)
			if err != nil {
				return err
			}
			st.Orders = append(st.Orders, o)
		}
		// The outbox is gap-free from 1.
		var after uint64
		for {
			evs, err := tx.Events(after, 1000)
			if err != nil {
				return err
			}
			for _, ev := range evs {
				if ev.Seq != after+1 {
					t.Fatalf("outbox: event %d follows %d", ev.Seq, after)
				}
				after = ev.Seq
			}
			if len(evs) < 1000 {
				break
			}
		}
		st.Events = int(after)
		return nil
	})

	allocatedAt := map[posKey]int64{}
	waiting := map[string]int64{}
	for _, o := range st.Orders {
		for _, l := range o.Lines {
			// 2. Every line splits its quantity exactly, with no negative part.
			if l.Allocated()+l.Shipped+l.Cancelled+l.Backordered != l.Qty ||
				l.Allocated() < 0 || l.Shipped < 0 || l.Cancelled < 0 || l.Backordered < 0 {
				t.Errorf("line %s splits %d as allocated %d + shipped %d + cancelled %d + backordered %d",
					l.ID, l.Qty, l.Allocated(), l.Shipped, l.Cancelled, l.Backordered)
			}
			for _, a := range l.Allocations {
				if a.Qty <= 0 {
					t.Errorf("line %s holds %d at %s", l.ID, a.Qty, a.Location)
				}
				allocatedAt[posKey{l.SKU, a.Location}] += a.Qty
			}
			waiting[l.SKU] += l.Backordered
		}
	}
	bookWaiting := map[string]int64{}
	for _, e := range st.Book {
		bookWaiting[e.SKU] += e.Backordered
	}
	available := map[string]int64{}
	seen := map[posKey]bool{}
	for _, p := range st.Positions {
		k := posKey{p.SKU, p.Location}
		seen[k] = true
		// 1. 0 ≤ allocated ≤ on hand, and on hand = received + adjusted − shipped.
		if p.Allocated < 0 || p.Allocated > p.OnHand {
			t.Errorf("%s@%s: allocated %d, on hand %d", p.SKU, p.Location, p.Allocated, p.OnHand)
		}
		if p.OnHand != p.Received+p.Adjusted-p.Shipped {
			t.Errorf("%s@%s: on hand %d ≠ received %d + adjusted %d − shipped %d", p.SKU, p.Location, p.OnHand, p.Received, p.Adjusted, p.Shipped)
		}
		// … and the totals are what the test saw succeed.
		if p.Received != lg.received[k] || p.Adjusted != lg.adjusted[k] || p.Shipped != lg.shipped[k] {
			t.Errorf("%s@%s: received %d, adjusted %d, shipped %d; the engines reported %d, %d, %d",
				p.SKU, p.Location, p.Received, p.Adjusted, p.Shipped, lg.received[k], lg.adjusted[k], lg.shipped[k])
		}
		// 3. Nothing allocated twice: the position's allocation is exactly
		// the sum of its lines' allocations there.
		if p.Allocated != allocatedAt[k] {
			t.Errorf("%s@%s: position allocated %d, lines hold %d", p.SKU, p.Location, p.Allocated, allocatedAt[k])
		}
		available[p.SKU] += p.Available()
	}
	for k, q := range lg.received {
		if !seen[k] && q != 0 {
			t.Errorf("%s@%s: received %d but no position", k.sku, k.loc, q)
		}
	}
	for k, q := range allocatedAt {
		if !seen[k] && q != 0 {
			t.Errorf("%s@%s: lines hold %d but there is no position", k.sku, k.loc, q)
		}
	}
	for _, sku := range hotSKUs {
		// The book is the lines' backorders.
		if bookWaiting[sku] != waiting[sku] {
			t.Errorf("%s: book waits for %d, lines for %d", sku, bookWaiting[sku], waiting[sku])
		}
		// 4. No stranded stock (FIFO, no minimums, no case packs).
		if available[sku] > 0 && waiting[sku] > 0 {
			t.Errorf("%s: %d available while %d waits", sku, available[sku], waiting[sku])
		}
	}
	return st
}

// killBackends terminates every server process of the application name.
func killBackends(t testing.TB, app string) {
	t.Helper()
	ctx := context.Background()
	if _, err := testPool.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, app); err != nil {
		t.Fatal(err)
	}
	for range 200 {
		var n int
		if err := testPool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE application_name = $1`, app).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("backends did not end")
}

// faultStore returns a store in schema whose connections carry a unique
// application name, so a test can kill them.
func faultStore(t *testing.T, schema string) (*pgstore.Store, string) {
	t.Helper()
	app := "pgstore-fault-" + uuid.NewString()[:8]
	cfg, err := poolConfig(2)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = app
	pool, err := newPoolFromConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	s, err := pgstore.New(pool, pgstore.Options{Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	return s, app
}

// TestKilledConnection kills the transaction's server process while fn
// runs: nothing fn wrote is kept, and the store goes on working.
func TestKilledConnection(t *testing.T) {
	needDB(t)
	ctx := context.Background()
	cases := []struct {
		name string
		// fn writes, then calls kill, then goes on as a caller would.
		fn func(tx backorder.Tx, kill func()) error
	}{
		{"BeforeARead", func(tx backorder.Tx, kill func()) error {
			if _, err := tx.Positions("S"); err != nil {
				return err
			}
			if err := errors.Join(tx.PutItem(backorder.Item{SKU: "K"}), tx.PutPosition(backorder.StockPosition{SKU: "S", Location: "L", OnHand: 9})); err != nil {
				return err
			}
			kill()
			_, err := tx.Item("S")
			if err == nil {
				return errors.New("a read on a killed connection succeeded")
			}
			return err
		}},
		{"BeforeCommit", func(tx backorder.Tx, kill func()) error {
			if _, err := tx.NextSequence("n"); err != nil {
				return err
			}
			if err := errors.Join(tx.PutItem(backorder.Item{SKU: "K"}), tx.AppendEvents([]backorder.Event{{Type: backorder.OrderPlaced}})); err != nil {
				return err
			}
			kill()
			return nil // Update's COMMIT meets the dead connection
		}},
		{"BeforeAnythingWasSent", func(tx backorder.Tx, kill func()) error {
			if err := tx.PutItem(backorder.Item{SKU: "K"}); err != nil {
				return err
			}
			kill()
			return nil
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			base := newStore(t, nil)
			s, app := faultStore(t, base.Schema())
			// Warm the pool so that there is a connection to kill.
			mustView(t, s, func(tx backorder.Tx) error { _, err := tx.Locations(); return err })
			err := s.Update(ctx, func(tx backorder.Tx) error { return c.fn(tx, func() { killBackends(t, app) }) })
			if err == nil {
				t.Fatal("Update on a killed connection returned nil")
			}
			if errors.Is(err, backorder.ErrConflict) {
				t.Errorf("a killed connection matches ErrConflict: %v", err)
			}
			mustView(t, base, func(tx backorder.Tx) error {
				if _, err := tx.Item("K"); !errors.Is(err, backorder.ErrNotFound) {
					t.Errorf("Item written before the kill: %v, want ErrNotFound", err)
				}
				if ps, err := tx.Positions("S"); err != nil || len(ps) != 0 {
					t.Errorf("positions after the kill: %v, %v; want none", ps, err)
				}
				if evs, err := tx.Events(0, 10); err != nil || len(evs) != 0 {
					t.Errorf("events after the kill: %v, %v; want none", evs, err)
				}
				return nil
			})
			// The same pool works again.
			mustUpdate(t, s, func(tx backorder.Tx) error {
				n, err := tx.NextSequence("n")
				if err == nil && n != 1 {
					t.Errorf("NextSequence after the killed Update = %d, want 1", n)
				}
				return err
			})
		})
	}
}

// flakyStore breaks the next Update: kill makes the connection die before
// COMMIT; lose lets the Update commit and then reports an error, as a
// client that lost the server's answer would.
type flakyStore struct {
	backorder.Store
	mu         sync.Mutex
	kill, lose bool
	killFn     func()
}

func (f *flakyStore) Update(ctx context.Context, fn func(backorder.Tx) error) error {
	f.mu.Lock()
	kill, lose := f.kill, f.lose
	f.kill, f.lose = false, false
	f.mu.Unlock()
	err := f.Store.Update(ctx, func(tx backorder.Tx) error {
		err := fn(tx)
		if kill {
			f.killFn()
		}
		return err
	})
	if err == nil && lose {
		return errors.New("flaky: connection lost before the answer came")
	}
	return err
}

// TestRetriedCommandAppliedOnce retries commands whose first attempt died
// on a killed connection, or committed but lost its answer: each is
// applied exactly once.
func TestRetriedCommandAppliedOnce(t *testing.T) {
	base := newStore(t, nil)
	ctx := context.Background()
	s, app := faultStore(t, base.Schema())
	f := &flakyStore{Store: s, killFn: func() { killBackends(t, app) }}
	eng, err := backorder.New(backorder.Config{Store: f})
	if err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(eng.PutLocation(ctx, backorder.Location{ID: "AMS"}), eng.PutItem(ctx, backorder.Item{SKU: "BOLT"})); err != nil {
		t.Fatal(err)
	}
	o := backorder.Order{ID: uuid.New(), Customer: "ACME", Currency: "EUR",
		Lines: []backorder.Line{{ID: uuid.New(), SKU: "BOLT", Qty: 50, UnitPrice: dec("0.10")}}}
	steps := []struct {
		name string
		do   func() error
	}{
		{"receive", func() error {
			_, err := eng.Receive(ctx, backorder.Receipt{ID: "GR-1", SKU: "BOLT", Location: "AMS", Qty: 30})
			return err
		}},
		{"place", func() error { _, err := eng.PlaceOrder(ctx, o); return err }},
		{"adjust", func() error {
			_, err := eng.AdjustStock(ctx, backorder.Adjustment{ID: "ADJ-1", SKU: "BOLT", Location: "AMS", Delta: 5})
			return err
		}},
	}
	for _, st := range steps {
		for _, mode := range []string{"kill", "lose"} {
			f.mu.Lock()
			f.kill, f.lose = mode == "kill", mode == "lose"
			f.mu.Unlock()
			if err := st.do(); err == nil {
				t.Errorf("%s with a %s fault: no error", st.name, mode)
			}
			// The caller retries with the same id until it succeeds.
			for attempt := 0; ; attempt++ {
				if err := st.do(); err == nil {
					break
				} else if attempt == 5 {
					t.Fatalf("%s retry: %v", st.name, err)
				}
			}
		}
	}
	av, err := eng.Availability(ctx, "BOLT")
	if err != nil {
		t.Fatal(err)
	}
	if av.OnHand != 35 || av.Allocated != 35 || av.Backordered != 15 {
		t.Errorf("after each command was retried: on hand %d, allocated %d, backordered %d; want 35, 35, 15",
			av.OnHand, av.Allocated, av.Backordered)
	}
	got, err := eng.Order(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if l := got.Lines[0]; l.Allocated() != 35 || l.Backordered != 15 {
		t.Errorf("line after retries: allocated %d, backordered %d; want 35, 15", l.Allocated(), l.Backordered)
	}
	evs, err := eng.Events(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[backorder.EventType]int{}
	for _, ev := range evs {
		counts[ev.Type]++
	}
	if counts[backorder.StockReceived] != 1 || counts[backorder.OrderPlaced] != 1 || counts[backorder.StockAdjusted] != 1 {
		t.Errorf("events after retries: %v; want one of each command's", counts)
	}
}
