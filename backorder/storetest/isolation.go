package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/backorderkit/backorderkit/backorder"
)

// The concurrency tests run Workers goroutines of Rounds transactions each.
const (
	workers = 8
	rounds  = 50
	// maxAttempts bounds the retries of one transaction after ErrConflict.
	maxAttempts = 1000
)

// updateRetry runs fn in an Update, retrying with a short random backoff
// while the store reports ErrConflict, as the engine does.
func updateRetry(ctx context.Context, s backorder.Store, fn func(backorder.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := s.Update(ctx, fn)
		if err == nil || !errors.Is(err, backorder.ErrConflict) || attempt >= maxAttempts {
			return err
		}
		time.Sleep(time.Duration(rand.IntN(min(attempt, 50)*100+1)) * time.Microsecond)
	}
}

// parallel runs fn(w) for w in [0, n) on n goroutines and waits for them.
func parallel(n int, fn func(w int)) {
	var wg sync.WaitGroup
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(w)
		}()
	}
	wg.Wait()
}

// position returns the SKU's position at loc from a Positions call, or a
// zero one.
func position(ps []backorder.StockPosition, sku, loc string) backorder.StockPosition {
	for _, p := range ps {
		if p.Location == loc {
			return p
		}
	}
	return backorder.StockPosition{SKU: sku, Location: loc}
}

var isolationCases = []testCase{
	{"NoLostUpdates", func(t *testing.T, s backorder.Store) {
		// Read-modify-write of one position from many goroutines.
		update(t, s, func(tx backorder.Tx) error {
			return tx.PutPosition(backorder.StockPosition{SKU: "HOT", Location: "L1"})
		})
		parallel(workers, func(w int) {
			for range rounds {
				err := updateRetry(t.Context(), s, func(tx backorder.Tx) error {
					ps, err := tx.Positions("HOT")
					if err != nil {
						return err
					}
					p := position(ps, "HOT", "L1")
					p.OnHand++
					p.Received++
					return tx.PutPosition(p)
				})
				if err != nil {
					t.Errorf("worker %d: %v", w, err)
					return
				}
			}
		})
		view(t, s, func(tx backorder.Tx) error {
			p, err := only(tx.Positions("HOT"))
			if err == nil && (p.OnHand != workers*rounds || p.Received != workers*rounds) {
				t.Errorf("after %d increments from %d goroutines: OnHand %d, Received %d",
					workers*rounds, workers, p.OnHand, p.Received)
			}
			return err
		})
	}},
	{"NoWriteSkew", func(t *testing.T, s backorder.Store) {
		// Each transaction reads two positions and raises its own one only
		// while their sum is below a cap. Snapshot isolation without
		// serializability lets two transactions both see room and both
		// write, ending above the cap.
		const limit = 20
		parallel(workers, func(w int) {
			loc := []string{"A", "B"}[w%2]
			for range rounds / 2 {
				err := updateRetry(t.Context(), s, func(tx backorder.Tx) error {
					ps, err := tx.Positions("SKEW")
					if err != nil {
						return err
					}
					a, b := position(ps, "SKEW", "A"), position(ps, "SKEW", "B")
					if a.OnHand+b.OnHand >= limit {
						return nil
					}
					p := position(ps, "SKEW", loc)
					p.OnHand++
					return tx.PutPosition(p)
				})
				if err != nil {
					t.Errorf("worker %d: %v", w, err)
					return
				}
			}
		})
		view(t, s, func(tx backorder.Tx) error {
			ps, err := tx.Positions("SKEW")
			a, b := position(ps, "SKEW", "A"), position(ps, "SKEW", "B")
			if err == nil && a.OnHand+b.OnHand != limit {
				t.Errorf("transactions that raise A or B while A+B < %d ended with A+B = %d+%d",
					limit, a.OnHand, b.OnHand)
			}
			return err
		})
	}},
	{"Sequences", func(t *testing.T, s backorder.Store) {
		var mu sync.Mutex
		seen := make(map[int64]int)
		parallel(workers, func(w int) {
			for range rounds {
				var n int64
				err := updateRetry(t.Context(), s, func(tx backorder.Tx) error {
					var err error
					n, err = tx.NextSequence("shared")
					return err
				})
				if err != nil {
					t.Errorf("worker %d: %v", w, err)
					return
				}
				mu.Lock()
				seen[n]++
				mu.Unlock()
			}
		})
		for n := int64(1); n <= workers*rounds; n++ {
			if seen[n] != 1 {
				t.Errorf("NextSequence handed out %d %d times, want once", n, seen[n])
			}
		}
		if len(seen) != workers*rounds {
			t.Errorf("NextSequence handed out %d distinct numbers, want 1..%d", len(seen), workers*rounds)
		}
	}},
	{"Commands", func(t *testing.T, s backorder.Store) {
		// Every goroutine applies the same commands: look the record up,
		// and put its own if there is none. One record wins per key, and
		// every goroutine ends up seeing that one.
		const keys = 20
		results := make([][keys]string, workers)
		parallel(workers, func(w int) {
			for k := range keys {
				key := fmt.Sprintf("cmd/%d", k)
				err := updateRetry(t.Context(), s, func(tx backorder.Tx) error {
					c, err := tx.Command(key)
					if err == nil {
						results[w][k] = string(c.Result)
						return nil
					}
					if !errors.Is(err, backorder.ErrNotFound) {
						return err
					}
					mine := fmt.Sprintf(`{"worker":%d}`, w)
					if err := tx.PutCommand(backorder.Command{Key: key, Result: json.RawMessage(mine), At: at(k)}); err != nil {
						return err
					}
					results[w][k] = mine
					return nil
				})
				if err != nil {
					t.Errorf("worker %d, %s: %v", w, key, err)
					return
				}
			}
		})
		view(t, s, func(tx backorder.Tx) error {
			for k := range keys {
				c, err := tx.Command(fmt.Sprintf("cmd/%d", k))
				if err != nil {
					return err
				}
				for w := range workers {
					if !sameJSON(json.RawMessage(results[w][k]), c.Result) {
						t.Errorf("cmd/%d: worker %d saw %s, the store holds %s", k, w, results[w][k], c.Result)
					}
				}
			}
			return nil
		})
	}},
	{"Events", func(t *testing.T, s backorder.Store) {
		// Writers append runs of events while readers page through the
		// outbox; every read must be a contiguous run right after the
		// cursor, so no event appears after one with a higher Seq.
		var (
			mu      sync.Mutex
			seqOf   = make(map[string]uint64)
			total   atomic.Int64
			stopped atomic.Bool
		)
		var readers sync.WaitGroup
		for r := range 2 {
			readers.Add(1)
			go func() {
				defer readers.Done()
				readOutbox(t, s, r, &stopped)
			}()
		}
		parallel(workers, func(w int) {
			for i := range rounds / 2 {
				evs := events(fmt.Sprintf("w%d/%d", w, i), 1+(w+i)%3)
				var committed []backorder.Event
				err := updateRetry(t.Context(), s, func(tx backorder.Tx) error {
					try := cloneSlice(evs)
					if err := tx.AppendEvents(try); err != nil {
						return err
					}
					committed = try
					return nil
				})
				if err != nil {
					t.Errorf("writer %d: %v", w, err)
					return
				}
				expectSeqs(t, "Seqs written back by one AppendEvents", committed, committed[0].Seq)
				mu.Lock()
				for _, ev := range committed {
					seqOf[ev.Command] = ev.Seq
				}
				mu.Unlock()
				total.Add(int64(len(committed)))
			}
		})
		stopped.Store(true)
		readers.Wait()
		n := int(total.Load())
		view(t, s, func(tx backorder.Tx) error {
			evs, err := tx.Events(0, n+10)
			if err != nil {
				return err
			}
			if len(evs) != n {
				t.Errorf("Events holds %d events, want the %d appended", len(evs), n)
			}
			expectSeqs(t, "all events", evs, 1)
			for _, ev := range evs {
				if seqOf[ev.Command] != ev.Seq {
					t.Errorf("event %s has Seq %d; AppendEvents wrote back %d", ev.Command, ev.Seq, seqOf[ev.Command])
				}
			}
			return nil
		})
	}},
}

// readOutbox pages through the outbox until stopped, then to its end,
// checking that every page is a contiguous run after the cursor, and that a
// random earlier page is too.
func readOutbox(t *testing.T, s backorder.Store, r int, stopped *atomic.Bool) {
	var cursor uint64
	for {
		last := stopped.Load()
		var got int
		err := s.View(context.Background(), func(tx backorder.Tx) error {
			evs, err := tx.Events(cursor, 32)
			if err != nil {
				return err
			}
			if len(evs) > 32 {
				t.Errorf("reader %d: Events(%d, 32) returned %d events", r, cursor, len(evs))
			}
			expectSeqs(t, fmt.Sprintf("reader %d: Events(%d, 32)", r, cursor), evs, cursor+1)
			got = len(evs)
			if got > 0 {
				cursor = evs[got-1].Seq
			}
			after := rand.Uint64N(cursor + 1)
			evs, err = tx.Events(after, 8)
			if err != nil {
				return err
			}
			if after < cursor && len(evs) == 0 {
				t.Errorf("reader %d: Events(%d, 8) is empty after events up to %d were read", r, after, cursor)
			}
			expectSeqs(t, fmt.Sprintf("reader %d: Events(%d, 8)", r, after), evs, after+1)
			return nil
		})
		if err != nil {
			t.Errorf("reader %d: %v", r, err)
			return
		}
		if last && got == 0 {
			return
		}
		if got == 0 {
			time.Sleep(100 * time.Microsecond)
		}
	}
}
