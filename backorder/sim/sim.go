package sim

import (
	"flag"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/backorderkit/backorderkit/backorder"
)

// Flags of the test binaries that import sim. They override Options, so a
// soak runs without editing a test:
//
//	go test ./backorder/sim -run TestSimulation -sim.seeds=100000
var (
	flagSeeds = flag.Int("sim.seeds", 0, "sim: number of seeds each TestSimulation… runs (0: the test's default)")
	flagOps   = flag.Int("sim.ops", 0, "sim: operations per seed (0: the test's default)")
	flagSeed  = flag.Uint64("sim.seed", 0, "sim: first seed (0: the test's default)")
	flagCheck = flag.Int("sim.check", 0, "sim: compare everything every N operations (0: the test's default)")
)

// Defaults of Options.
const (
	// DefaultSeeds is how many seeds Run runs when Options.Seeds is 0.
	// Measured on a 2-core machine, go test ./backorder/sim takes about
	// 8 s with it, and about 55 s with the race detector (which makes a
	// history five to seven times slower); -sim.seeds changes it.
	DefaultSeeds = 200
	// DefaultOps is how many operations each seed runs.
	DefaultOps = 500
	// DefaultFaults is the share of commands that get store faults.
	DefaultFaults = 0.05
	// DefaultCheckEvery is how often everything is compared; between
	// those steps, what the step touched is.
	DefaultCheckEvery = 50
	// DefaultShrinkBudget bounds the time spent shrinking a failure.
	DefaultShrinkBudget = 30 * time.Second
)

// Options says how much to simulate. The zero value runs DefaultSeeds seeds
// of DefaultOps operations from seed 1, with DefaultFaults.
type Options struct {
	// Seeds is the number of histories; FirstSeed the first seed (seeds
	// are FirstSeed, FirstSeed+1, …). 0 means the default (or the flag).
	Seeds     int
	FirstSeed uint64
	// Ops is the number of operations per history.
	Ops int
	// Faults is the share (0–1) of commands that get injected store
	// faults; 0 means DefaultFaults, and a negative value none.
	Faults float64
	// CheckEvery compares the whole state every N steps (1: after every
	// step); between them each step compares what it or the engine
	// touched. 0 means DefaultCheckEvery.
	CheckEvery int
	// Parallel runs the seeds as parallel subtests.
	Parallel bool
	// NoShrink reports a failing history as found, without shrinking it.
	NoShrink bool
	// ShrinkBudget bounds the time spent shrinking a failing history:
	// past it, the shortest history found so far is reported. 0 means
	// DefaultShrinkBudget.
	ShrinkBudget time.Duration
}

// withDefaults fills in the defaults and the flags.
func (o Options) withDefaults() Options {
	if o.Seeds == 0 {
		o.Seeds = DefaultSeeds
	}
	if o.Ops == 0 {
		o.Ops = DefaultOps
	}
	if o.FirstSeed == 0 {
		o.FirstSeed = 1
	}
	if o.Faults == 0 {
		o.Faults = DefaultFaults
	}
	if o.Faults < 0 {
		o.Faults = 0
	}
	if o.CheckEvery == 0 {
		o.CheckEvery = DefaultCheckEvery
	}
	if o.ShrinkBudget <= 0 {
		o.ShrinkBudget = DefaultShrinkBudget
	}
	if *flagSeeds > 0 {
		o.Seeds = *flagSeeds
	}
	if *flagOps > 0 {
		o.Ops = *flagOps
	}
	if *flagSeed > 0 {
		o.FirstSeed = *flagSeed
	}
	if *flagCheck > 0 {
		o.CheckEvery = *flagCheck
	}
	return o
}

// Failure is a failing history: the divergence it ends in, the history as
// generated, and the shortest history found that still fails the same way.
type Failure struct {
	*Divergence
	// History is the history up to the failing step; Shrunk the shortest
	// one found by dropping operations (and their faults) while it still
	// fails the same way.
	History History
	Shrunk  History
}

// Report returns the failure as a message ending in a regression test to
// paste.
func (f *Failure) Report() string {
	return fmt.Sprintf(`%v

The shortest failing history (%d of %d operations) replays with (on
memstore, or on the store under test):

func TestSimulationSeed%d(t *testing.T) {
	h := %s
	sim.Replay(t, func(t *testing.T) backorder.Store { return memstore.New() }, h)
}
`, f.Divergence, len(f.Shrunk.Ops), len(f.History.Ops), f.Seed, indentLines(f.Shrunk.GoString(), "\t"))
}

func indentLines(s, pre string) string {
	out := make([]byte, 0, len(s)+len(s)/8)
	for i := 0; i < len(s); i++ {
		out = append(out, s[i])
		if s[i] == '\n' {
			out = append(out, pre...)
		}
	}
	return string(out)
}

// Run simulates o.Seeds seeded histories of o.Ops operations, each on an
// engine over a fresh store from newStore, with injected faults, checking
// the engine against the model and the invariants after every operation.
// Each seed is a subtest; a failing one reports its seed and the shortest
// history that still fails, as a regression test to paste.
//
// A store module runs the same simulation against its store:
//
//	func TestSimulation(t *testing.T) {
//		sim.Run(t, func(t *testing.T) backorder.Store { return newStore(t) }, sim.Options{Seeds: 20})
//	}
func Run(t *testing.T, newStore func(t *testing.T) backorder.Store, o Options) {
	t.Helper()
	o = o.withDefaults()
	for seed := o.FirstSeed; seed < o.FirstSeed+uint64(o.Seeds); seed++ {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			if o.Parallel {
				t.Parallel()
			}
			f := RunSeed(seed, func() backorder.Store { return newStore(t) }, o)
			if f != nil {
				t.Fatal(f.Report())
			}
		})
	}
}

// RunSeed simulates one seeded history on a store from newStore and returns
// nil, or the failure (shrunk unless o.NoShrink).
func RunSeed(seed uint64, newStore func() backorder.Store, o Options) *Failure {
	o = o.withDefaults()
	h := History{Seed: seed, Config: randomConfig(seed)}
	r, err := newRunner(seed, h.Config, newStore(), o.CheckEvery)
	if err != nil {
		return &Failure{Divergence: &Divergence{Seed: seed, What: "setup", Diff: []string{err.Error()}}, History: h, Shrunk: h}
	}
	g := newGenerator(seed, r.m, o.Faults)
	for range o.Ops {
		op := g.next()
		h.Ops = append(h.Ops, op)
		if d := r.run(op); d != nil {
			return failure(d, h, newStore, o)
		}
	}
	if d := r.final(); d != nil {
		return failure(d, h, newStore, o)
	}
	return nil
}

func failure(d *Divergence, h History, newStore func() backorder.Store, o Options) *Failure {
	f := &Failure{Divergence: d, History: h, Shrunk: h}
	if !o.NoShrink {
		f.Shrunk = Shrink(h, newStore, d.Signature(), o.ShrinkBudget)
	}
	return f
}

// Replay runs a history (as a Failure report prints it) on an engine over
// a store from newStore, and fails t at the first divergence.
func Replay(t testing.TB, newStore func(t *testing.T) backorder.Store, h History) {
	t.Helper()
	tt, _ := t.(*testing.T)
	if d := replay(h, func() backorder.Store { return newStore(tt) }); d != nil {
		t.Fatal(d)
	}
}

// replay runs h comparing everything after every step.
func replay(h History, newStore func() backorder.Store) *Divergence {
	r, err := newRunner(h.Seed, h.Config, newStore(), 1)
	if err != nil {
		return &Divergence{Seed: h.Seed, What: "setup", Diff: []string{err.Error()}}
	}
	for _, op := range h.Ops {
		if d := r.run(op); d != nil {
			return d
		}
	}
	return r.final()
}

// final compares everything, with the whole outbox, after a history.
func (r *runner) final() *Divergence {
	r.step = 0 // a full comparison
	op := Op{}
	if d := r.verify(&op, nil, nil); d != nil {
		return d
	}
	skus, orders := r.universe()
	locs := make([]string, 0, len(r.m.locs))
	for _, l := range r.m.locations() {
		locs = append(locs, l.ID)
	}
	if err := check(r.ctx, r.inner, Universe{SKUs: skus, Locations: locs, Orders: orders, Events: true}, true); err != nil {
		return r.fail(&op, "invariant", err.Error())
	}
	var diff []string
	evs, err := r.eng.Events(r.ctx, 0, backorder.MaxEventsPerRead)
	if err != nil {
		diff = append(diff, "events: "+err.Error())
	} else if len(evs) < backorder.MaxEventsPerRead {
		diff = append(diff, prefix("the whole outbox: ", diffOutbox(evs, r.m.events))...)
	}
	if len(diff) > 0 {
		return r.fail(&op, "events", diff...)
	}
	return nil
}

// diffOutbox compares two outboxes operation by operation (see byCommand).
func diffOutbox(got, want []backorder.Event) []string {
	if len(got) == len(want) {
		equal := true
		for i := range got {
			a, b := got[i], want[i]
			a.Seq, b.Seq = 0, 0
			if a != b && !same(a, b) {
				equal = false
				break
			}
		}
		if equal {
			return nil
		}
	}
	g, w := byCommand(got), byCommand(want)
	var diff []string
	if len(g) != len(w) {
		diff = append(diff, fmt.Sprintf("%d operations raised events, the model has %d", len(g), len(w)))
	}
	for i := range min(len(g), len(w)) {
		if !slices.Equal(g[i], w[i]) {
			diff = append(diff, fmt.Sprintf("operation %d raised:", i))
			diff = append(diff, prefix("  got  ", g[i])...)
			diff = append(diff, prefix("  want ", w[i])...)
			break
		}
	}
	return diff
}

// byCommand groups events into the operations that raised them (runs of
// one command key and time), each as its sorted one-line events: the
// per-operation order was compared as each operation ran.
func byCommand(evs []backorder.Event) [][]string {
	var out [][]string
	for i, ev := range evs {
		if i == 0 || ev.Command != evs[i-1].Command || !ev.At.Equal(evs[i-1].At) {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], eventString(ev))
	}
	for _, g := range out {
		slices.Sort(g)
	}
	return out
}

// Shrink returns the shortest history it finds, within budget, that still
// fails with a divergence of the same signature (what: the kind of
// difference after the kind of operation, as Divergence.Signature returns):
// it drops runs of operations, halving their length down to one, while the
// history still fails, then drops the faults of the operations that are
// left where it can. Every candidate is replayed on a fresh store from
// newStore, comparing everything after every operation.
func Shrink(h History, newStore func() backorder.Store, what string, budget time.Duration) History {
	deadline := time.Now().Add(budget)
	fails := func(c History) bool {
		if time.Now().After(deadline) {
			return false
		}
		d := replay(c, newStore)
		return d != nil && d.Signature() == what
	}
	if !fails(h) {
		return h
	}
	ops := slices.Clone(h.Ops)
	for chunk := max(len(ops)/2, 1); chunk >= 1; chunk /= 2 {
		for start := len(ops) - chunk; start >= 0; {
			cand := h
			cand.Ops = slices.Concat(ops[:start], ops[start+chunk:])
			if len(cand.Ops) > 0 && fails(cand) {
				ops = cand.Ops
				start = min(start, len(ops)-chunk)
				if start < 0 {
					break
				}
				continue
			}
			start--
		}
		if chunk == 1 {
			break
		}
	}
	for i := range ops {
		if len(ops[i].Faults) == 0 {
			continue
		}
		cand := h
		cand.Ops = slices.Clone(ops)
		cand.Ops[i].Faults = nil
		if fails(cand) {
			ops = cand.Ops
		}
	}
	h.Ops = ops
	return h
}
