package sim

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"

	"github.com/backorderkit/backorderkit/backorder"
)

// ErrInjected is the error a FaultStore returns for a fault it injected
// (other than a conflict or a cancelled context).
var ErrInjected = errors.New("sim: injected store fault")

// FaultKind says what a FaultStore does to one Update call.
type FaultKind uint8

// The faults a FaultStore injects. Each has a well-defined outcome, so that a
// caller (and the simulator's model) knows whether the transaction's writes
// were kept.
const (
	// NoFault runs the transaction as it is.
	NoFault FaultKind = iota
	// FailBefore returns ErrInjected without running fn: nothing is
	// written.
	FailBefore
	// FailAfter runs fn and, if it succeeded, returns ErrInjected from
	// inside the transaction, so the store rolls every write back.
	FailAfter
	// ConflictBefore returns an error matching backorder.ErrConflict
	// without running fn: nothing is written, and the engine retries.
	ConflictBefore
	// ConflictAfter runs fn and, if it succeeded, rolls it back and returns
	// an error matching backorder.ErrConflict, as a serializable store
	// does when it detects a conflict at commit. The engine retries.
	ConflictAfter
	// CancelDuring cancels the transaction's context after fn has made
	// Fault.After calls on its Tx (or when fn returns, if it makes fewer):
	// the store must roll back and return the context's error.
	CancelDuring
	// LostReply commits the transaction and then returns ErrInjected, as
	// when the connection drops after COMMIT: the writes are kept, and the
	// caller cannot tell. Only a retry with the same command id resolves it.
	LostReply
	numFaultKinds
)

var faultNames = [...]string{
	NoFault:        "NoFault",
	FailBefore:     "FailBefore",
	FailAfter:      "FailAfter",
	ConflictBefore: "ConflictBefore",
	ConflictAfter:  "ConflictAfter",
	CancelDuring:   "CancelDuring",
	LostReply:      "LostReply",
}

// String returns the fault's name, such as "FailAfter".
func (k FaultKind) String() string {
	if k < numFaultKinds {
		return faultNames[k]
	}
	return fmt.Sprintf("FaultKind(%d)", uint8(k))
}

// Fault is one injected fault.
type Fault struct {
	Kind FaultKind
	// After is, for CancelDuring, how many Tx calls fn makes before the
	// context is cancelled.
	After int
}

// Attempt is what a FaultStore saw of one Update call.
type Attempt struct {
	// Fault is what was injected.
	Fault Fault
	// FnRan says that fn was called; FnErr is what it returned.
	FnRan bool
	FnErr error
	// CancelledEarly says that CancelDuring cancelled the context while fn
	// was still running, so that fn's error may be the cancellation's.
	CancelledEarly bool
	// Err is what Update returned.
	Err error
}

// Failed reports whether the fault made the attempt fail (rather than fn's
// own error): it was not committed, and fn did not run, or succeeded, or
// failed after CancelDuring cancelled its context.
func (a Attempt) Failed() bool {
	return a.Fault.Kind != NoFault && !a.Committed() && (!a.FnRan || a.FnErr == nil || a.CancelledEarly)
}

// Committed reports whether the attempt's writes were kept: Update returned
// nil, or the fault was LostReply after fn succeeded.
func (a Attempt) Committed() bool {
	if a.Fault.Kind == LostReply {
		return a.FnRan && a.FnErr == nil && errors.Is(a.Err, ErrInjected)
	}
	return a.Err == nil
}

// FaultStore wraps any backorder.Store and injects faults into its Update
// transactions: at a seeded rate, or as scripted. View transactions pass
// through untouched. It is safe for concurrent use; with concurrent callers
// the seeded decisions are taken in the order the calls arrive.
type FaultStore struct {
	inner backorder.Store

	mu     sync.Mutex
	rng    *rand.Rand
	rate   float64
	kinds  []FaultKind
	script []Fault
	log    []Attempt
	counts [numFaultKinds]int
}

var _ backorder.Store = (*FaultStore)(nil)

// NewFaultStore returns a store that injects a fault into each Update call
// with probability rate (0 ≤ rate ≤ 1), choosing uniformly among kinds (all
// kinds but NoFault and LostReply if none are given), from a PCG source
// seeded with seed. A rate of 0 injects only what Script says.
func NewFaultStore(inner backorder.Store, seed uint64, rate float64, kinds ...FaultKind) *FaultStore {
	if len(kinds) == 0 {
		kinds = []FaultKind{FailBefore, FailAfter, ConflictBefore, ConflictAfter, CancelDuring}
	}
	return &FaultStore{
		inner: inner,
		rng:   rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)),
		rate:  min(max(rate, 0), 1),
		kinds: append([]FaultKind(nil), kinds...),
	}
}

// Script makes the next Update calls take the given faults, one per call in
// order, instead of seeded ones; once they are used up, seeded decisions
// resume. Calling Script again replaces what is left of the last script.
func (s *FaultStore) Script(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = append(s.script[:0], faults...)
}

// Attempts returns what the store saw of each Update call since the last
// call to Attempts, and forgets it.
func (s *FaultStore) Attempts() []Attempt {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.log
	s.log = nil
	return out
}

// Injected returns how many faults of each kind the store has injected.
func (s *FaultStore) Injected() map[FaultKind]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[FaultKind]int{}
	for k, n := range s.counts {
		if n > 0 && FaultKind(k) != NoFault {
			out[FaultKind(k)] = n
		}
	}
	return out
}

// next decides the fault of one Update call.
func (s *FaultStore) next() Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	var f Fault
	switch {
	case len(s.script) > 0:
		f = s.script[0]
		s.script = s.script[1:]
	case s.rate > 0 && s.rng.Float64() < s.rate:
		f.Kind = s.kinds[s.rng.IntN(len(s.kinds))]
		if f.Kind == CancelDuring {
			f.After = s.rng.IntN(12)
		}
	}
	if f.Kind < numFaultKinds {
		s.counts[f.Kind]++
	}
	return f
}

func (s *FaultStore) record(a Attempt) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, a)
}

// View implements backorder.Store: it passes through.
func (s *FaultStore) View(ctx context.Context, fn func(backorder.Tx) error) error {
	return s.inner.View(ctx, fn)
}

// Update implements backorder.Store, injecting the next fault.
func (s *FaultStore) Update(ctx context.Context, fn func(backorder.Tx) error) error {
	f := s.next()
	a := Attempt{Fault: f}
	a.Err = s.update(ctx, f, fn, &a)
	s.record(a)
	return a.Err
}

func (s *FaultStore) update(ctx context.Context, f Fault, fn func(backorder.Tx) error, a *Attempt) error {
	run := func(tx backorder.Tx) error {
		a.FnRan = true
		a.FnErr = fn(tx)
		return a.FnErr
	}
	switch f.Kind {
	case FailBefore:
		return fmt.Errorf("%w: before the transaction", ErrInjected)
	case ConflictBefore:
		return fmt.Errorf("sim: injected conflict before the transaction: %w", backorder.ErrConflict)
	case FailAfter:
		return s.inner.Update(ctx, func(tx backorder.Tx) error {
			if err := run(tx); err != nil {
				return err
			}
			return fmt.Errorf("%w: after the transaction's function", ErrInjected)
		})
	case ConflictAfter:
		return s.inner.Update(ctx, func(tx backorder.Tx) error {
			if err := run(tx); err != nil {
				return err
			}
			return fmt.Errorf("sim: injected conflict at commit: %w", backorder.ErrConflict)
		})
	case CancelDuring:
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		return s.inner.Update(cctx, func(tx backorder.Tx) error {
			calls := 0
			ht := hook(tx, func() {
				calls++
				if calls == f.After {
					a.CancelledEarly = true
					cancel()
				}
			}, nil)
			if f.After <= 0 {
				a.CancelledEarly = true
				cancel()
			}
			err := run(ht)
			cancel()
			return err
		})
	case LostReply:
		err := s.inner.Update(ctx, run)
		if err != nil {
			return err
		}
		return fmt.Errorf("%w: the reply to a committed transaction was lost", ErrInjected)
	}
	return s.inner.Update(ctx, run)
}
