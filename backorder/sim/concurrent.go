package sim

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/backorderkit/backorderkit/allocation"
	"github.com/backorderkit/backorderkit/backorder"
)

// ConcurrentOptions says how much RunConcurrent does.
type ConcurrentOptions struct {
	// Workers is the number of goroutines calling the engine at once;
	// default 4.
	Workers int
	// Ops is the number of commands each worker issues; default 200.
	Ops int
	// Seed seeds the workers' choices (their interleaving is the
	// scheduler's); default 1.
	Seed uint64
	// Faults is the rate of injected store faults; 0 means
	// DefaultFaults, negative none.
	Faults float64
}

// RunConcurrent runs several goroutines issuing commands on one engine over
// a store from newStore, with injected faults, some of them issuing the
// same command ids at the same time. No model can predict the
// interleaving, so it checks what must hold whatever it was: while they
// run, a checker goroutine checks the invariants (Check) on consistent
// snapshots; at the end it checks them all again, with the whole outbox,
// and that every command id was applied exactly once: a repeat returned the
// first result, every receipt counted once in its position's received
// total, and each command's events came from one transaction.
func RunConcurrent(t *testing.T, newStore func(t *testing.T) backorder.Store, o ConcurrentOptions) {
	t.Helper()
	if err := Concurrent(newStore(t), o); err != nil {
		t.Fatal(err)
	}
}

// Concurrent is RunConcurrent on one store, returning what it found as an
// error instead of failing a test.
func Concurrent(store backorder.Store, o ConcurrentOptions) error {
	if o.Workers <= 0 {
		o.Workers = 4
	}
	if o.Ops <= 0 {
		o.Ops = 200
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Faults == 0 {
		o.Faults = DefaultFaults
	}
	return runConcurrent(store, o)
}

// concurrent is the shared state of a concurrent run.
type concurrent struct {
	ctx    context.Context
	eng    *backorder.Engine
	store  backorder.Store
	faults *FaultStore
	clock  atomic.Int64
	ids    atomic.Uint64

	mu        sync.Mutex
	orders    []uuid.UUID
	shipments []uuid.UUID
	results   map[string]string // command key → first result, as JSON
	received  map[skuLoc]int64  // receipts applied, by position
	receipts  map[string]backorder.Receipt
	errs      []error
}

var (
	concSKUs = []string{"BOLT", "NUT", "GEAR"}
	concLocs = []string{"AMS", "BER"}
)

func runConcurrent(store backorder.Store, o ConcurrentOptions) error {
	c := &concurrent{ctx: context.Background(), store: store, results: map[string]string{},
		received: map[skuLoc]int64{}, receipts: map[string]backorder.Receipt{}}
	c.faults = NewFaultStore(store, o.Seed, max(o.Faults, 0))
	c.clock.Store(Epoch.UnixNano())
	pol := policies()
	eng, err := backorder.New(backorder.Config{
		Store:    c.faults,
		Policy:   allocation.Priority{},
		Policies: pol,
		Now:      func() time.Time { return time.Unix(0, c.clock.Add(int64(time.Second))).UTC() },
		NewID: func() uuid.UUID {
			var id uuid.UUID
			id[0] = 0xc0
			binary.BigEndian.PutUint64(id[8:], c.ids.Add(1))
			return id
		},
		Retries: 10,
	})
	if err != nil {
		return err
	}
	c.eng = eng
	for i, l := range concLocs {
		if err := c.retry(func() error { return eng.PutLocation(c.ctx, backorder.Location{ID: l, Rank: i}) }); err != nil {
			return err
		}
	}
	for _, s := range concSKUs {
		if err := c.retry(func() error { return eng.PutItem(c.ctx, backorder.Item{SKU: s, LeadTime: 72 * time.Hour}) }); err != nil {
			return err
		}
	}

	done := make(chan struct{})
	var checks sync.WaitGroup
	checks.Add(1)
	go func() {
		defer checks.Done()
		for {
			select {
			case <-done:
				return
			case <-time.After(2 * time.Millisecond):
			}
			if err := c.check(false); err != nil {
				c.fail(err)
				return
			}
		}
	}()
	var workers sync.WaitGroup
	for w := range o.Workers {
		workers.Add(1)
		go func() {
			defer workers.Done()
			c.work(w, o)
		}()
	}
	workers.Wait()
	close(done)
	checks.Wait()
	if len(c.errs) > 0 {
		return errors.Join(c.errs...)
	}
	return c.final()
}

func (c *concurrent) fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.errs) < 10 {
		c.errs = append(c.errs, err)
	}
}

// transient reports an error a caller retries: a fault or a lost race.
func transient(err error) bool {
	return errors.Is(err, ErrInjected) || errors.Is(err, backorder.ErrConflict) || errors.Is(err, context.Canceled)
}

// retry calls f until it succeeds or fails with an error that is not
// transient.
func (c *concurrent) retry(f func() error) error {
	var err error
	for range 50 {
		if err = f(); err == nil || !transient(err) {
			return err
		}
	}
	return err
}

// record checks a command's result against the first result of its key.
func (c *concurrent) record(key string, res any) {
	b, err := json.Marshal(res)
	if err != nil {
		c.fail(err)
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if first, ok := c.results[key]; ok && first != string(b) {
		c.errs = append(c.errs, fmt.Errorf("command %s returned %s, its first result was %s", key, b, first))
		return
	}
	c.results[key] = string(b)
}

// do runs a command until it is not transient, and records its result.
func do[R any](c *concurrent, key string, f func() (R, error)) (R, bool) {
	var res R
	err := c.retry(func() error {
		var err error
		res, err = f()
		return err
	})
	switch {
	case err == nil:
		c.record(key, res)
		return res, true
	case errors.Is(err, backorder.ErrInvalid), errors.Is(err, backorder.ErrNotFound):
		return res, false
	}
	c.fail(fmt.Errorf("command %s: %w", key, err))
	return res, false
}

// work is one worker's commands. Commands whose ids two workers share (a
// "dup" id) are issued by both with the same payload.
func (c *concurrent) work(w int, o ConcurrentOptions) {
	rng := rand.New(rand.NewPCG(o.Seed, uint64(w)))
	for i := range o.Ops {
		// Every 10th command of workers 2k and 2k+1 is the same one: the
		// same id and payload, drawn from a source they share.
		owner, r := w, rng
		if i%10 == 0 {
			owner = w &^ 1
			r = rand.New(rand.NewPCG(o.Seed, uint64(1000+owner*o.Ops+i)))
		}
		pick := func(xs []string) string { return xs[r.IntN(len(xs))] }
		switch k := r.IntN(10); {
		case k < 3:
			id := ID(uint64(owner)<<40 | uint64(i)<<8 | 1)
			ord := backorder.Order{ID: id, Customer: pick(customers), Priority: int32(1 + r.IntN(3)), Currency: "EUR"}
			for j := range 1 + r.IntN(2) {
				ord.Lines = append(ord.Lines, backorder.Line{ID: ID(uint64(owner)<<40 | uint64(i)<<8 | uint64(2+j)),
					SKU: pick(concSKUs), Qty: int64(1 + r.IntN(8)), UnitPrice: decimal.New(int64(100+r.IntN(900)), -2)})
			}
			if _, ok := do(c, "order/"+id.String(), func() (backorder.PlaceResult, error) { return c.eng.PlaceOrder(c.ctx, ord) }); ok {
				c.mu.Lock()
				if !slices.Contains(c.orders, id) {
					c.orders = append(c.orders, id)
				}
				c.mu.Unlock()
			}
		case k < 6:
			rc := backorder.Receipt{ID: fmt.Sprintf("R-%d-%d", owner, i), SKU: pick(concSKUs), Location: pick(concLocs), Qty: int64(1 + r.IntN(10))}
			if _, ok := do(c, "receive/"+rc.ID, func() (backorder.ReceiveResult, error) { return c.eng.Receive(c.ctx, rc) }); ok {
				c.mu.Lock()
				if _, seen := c.receipts[rc.ID]; !seen {
					c.receipts[rc.ID] = rc
					c.received[skuLoc{rc.SKU, rc.Location}] += rc.Qty
				}
				c.mu.Unlock()
			}
		case k < 7:
			if id, ok := c.anyOrder(r); ok {
				cx := backorder.Cancellation{ID: fmt.Sprintf("X-%d-%d", owner, i), OrderID: id}
				do(c, "cancel/"+cx.ID, func() (backorder.CancelResult, error) { return c.eng.Cancel(c.ctx, cx) })
			}
		case k < 8:
			if id, ok := c.anyOrder(r); ok {
				p := backorder.PriorityChange{ID: fmt.Sprintf("P-%d-%d", owner, i), OrderID: id, Priority: int32(1 + r.IntN(3))}
				do(c, "priority/"+p.ID, func() (backorder.PriorityResult, error) { return c.eng.SetPriority(c.ctx, p) })
			}
		case k < 9:
			if id, ok := c.anyOrder(r); ok {
				s := backorder.ShipRequest{ID: fmt.Sprintf("S-%d-%d", owner, i), OrderID: id}
				if res, ok := do(c, "ship/"+s.ID, func() (backorder.ShipResult, error) { return c.eng.Ship(c.ctx, s) }); ok {
					c.mu.Lock()
					for _, sh := range res.Shipments {
						if !slices.Contains(c.shipments, sh.ID) {
							c.shipments = append(c.shipments, sh.ID)
						}
					}
					c.mu.Unlock()
				}
			}
		default:
			c.mu.Lock()
			var sh uuid.UUID
			if len(c.shipments) > 0 {
				sh = c.shipments[r.IntN(len(c.shipments))]
			}
			c.mu.Unlock()
			if sh == uuid.Nil {
				continue
			}
			switch r.IntN(3) {
			case 0:
				do(c, "confirm/"+sh.String(), func() (backorder.Shipment, error) {
					return c.eng.ConfirmShipment(c.ctx, backorder.Confirmation{ShipmentID: sh})
				})
			case 1:
				do(c, "void/"+sh.String(), func() (backorder.Shipment, error) {
					return c.eng.VoidShipment(c.ctx, backorder.VoidRequest{ShipmentID: sh})
				})
			default:
				do(c, "invoice/"+sh.String(), func() (backorder.Invoice, error) { return c.eng.Invoice(c.ctx, sh) })
			}
		}
	}
}

func (c *concurrent) anyOrder(r *rand.Rand) (uuid.UUID, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.orders) == 0 {
		return uuid.Nil, false
	}
	return c.orders[r.IntN(len(c.orders))], true
}

func (c *concurrent) universe(events bool) Universe {
	c.mu.Lock()
	defer c.mu.Unlock()
	return Universe{SKUs: concSKUs, Locations: concLocs, Orders: slices.Clone(c.orders), Events: events}
}

// check checks the invariants on one snapshot.
func (c *concurrent) check(events bool) error {
	return check(c.ctx, c.store, c.universe(events), true)
}

// final checks everything once the workers are done.
func (c *concurrent) final() error {
	if err := c.check(true); err != nil {
		return err
	}
	var errs []error
	err := c.store.View(c.ctx, func(tx backorder.Tx) error {
		for _, sku := range concSKUs {
			ps, err := tx.Positions(sku)
			if err != nil {
				return err
			}
			for _, loc := range concLocs {
				var got int64
				for _, p := range ps {
					if p.Location == loc {
						got = p.Received
					}
				}
				if want := c.received[skuLoc{sku, loc}]; got != want {
					errs = append(errs, fmt.Errorf("%s@%s: received %d, the receipts applied add up to %d", sku, loc, got, want))
				}
			}
		}
		// Each command's events come from one transaction: one instant of
		// the clock, which ticks on every transaction attempt.
		at := map[string]time.Time{}
		var after uint64
		for {
			evs, err := tx.Events(after, backorder.MaxEventsPerRead)
			if err != nil {
				return err
			}
			for _, ev := range evs {
				after = ev.Seq
				if ev.Command == "" {
					continue
				}
				if first, ok := at[ev.Command]; ok && !first.Equal(ev.At) {
					errs = append(errs, fmt.Errorf("command %s applied twice: events at %s and %s", ev.Command, first, ev.At))
				}
				at[ev.Command] = ev.At
			}
			if len(evs) < backorder.MaxEventsPerRead {
				break
			}
		}
		for id := range c.receipts {
			if _, ok := at["receive/"+id]; !ok {
				errs = append(errs, fmt.Errorf("receipt %s applied but raised no event", id))
			}
		}
		return nil
	})
	if err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
