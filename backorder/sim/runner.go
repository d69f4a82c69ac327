package sim

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/storetest"
)

// Divergence is a difference between the engine and the model, or a broken
// invariant, found after one operation of a history.
type Divergence struct {
	// Seed is the history's seed; Step is the index of the operation after
	// which the difference was found, and Op that operation.
	Seed uint64
	Step int
	Op   Op
	// What names the kind of difference: "result", "error", "events",
	// "state", "invariant", "fault" or "panic".
	What string
	// Diff lists the differences, one per line.
	Diff []string
}

// Signature is what a shrunk history must still fail with: the kind of
// difference after the same kind of operation, such as "state after Ship".
func (d *Divergence) Signature() string { return d.What + " after " + d.Op.Kind.String() }

// Error implements error.
func (d *Divergence) Error() string {
	const most = 20
	diff := d.Diff
	more := ""
	if len(diff) > most {
		more = fmt.Sprintf("\n\t… and %d more", len(diff)-most)
		diff = diff[:most]
	}
	return fmt.Sprintf("sim: seed %d, step %d (%s): %s diverges:\n\t%s%s",
		d.Seed, d.Step, d.Op.Kind, d.What, strings.Join(diff, "\n\t"), more)
}

// runner runs one history on an engine over a fresh store and on the
// model, step by step, comparing them after every step.
type runner struct {
	ctx    context.Context
	seed   uint64
	cfg    Config
	inner  backorder.Store
	rec    *recordStore
	faults *FaultStore
	eng    *backorder.Engine
	m      *model

	clock      time.Time
	ids        uint64
	lastSeq    uint64
	checkEvery int
	step       int

	// stats counts the ops by kind and outcome ("PlaceOrder ok",
	// "Cancel ErrInvalid", "Ship fault").
	stats map[string]int

	// The universe the full check reads: every SKU, order and customer
	// any op named.
	skus      []string
	orders    []uuid.UUID
	customers []string
}

func newRunner(seed uint64, cfg Config, store backorder.Store, checkEvery int) (*runner, error) {
	r := &runner{ctx: context.Background(), seed: seed, cfg: cfg, inner: store, clock: Epoch,
		checkEvery: max(checkEvery, 1), m: newModel(cfg), stats: map[string]int{}}
	r.rec = newRecordStore(store)
	r.faults = NewFaultStore(r.rec, seed, 0)
	eng, err := backorder.New(backorder.Config{
		Store:           r.faults,
		Policy:          r.m.defPolicy,
		Policies:        policies(),
		Now:             func() time.Time { return r.clock },
		NewID:           r.newID,
		Retries:         cfg.Retries,
		Preempt:         cfg.Preempt,
		DefaultPriority: cfg.DefaultPriority,
		AutoInvoice:     cfg.AutoInvoice,
		HandlingDays:    cfg.HandlingDays,
		TransitDays:     cfg.TransitDays,
	})
	if err != nil {
		return nil, err
	}
	r.eng = eng
	return r, nil
}

// newID makes the engine's ids: deterministic, increasing in byte order.
func (r *runner) newID() uuid.UUID {
	r.ids++
	var id uuid.UUID
	id[0] = 0xe0
	id[6] = 0x40
	id[8] = 0x80
	binary.BigEndian.PutUint64(id[8:], r.ids|0x8000_0000_0000_0000)
	return id
}

func (r *runner) fail(op *Op, what string, diff ...string) *Divergence {
	return &Divergence{Seed: r.seed, Step: r.step, Op: *op, What: what, Diff: diff}
}

// note adds the keys an op names to the universe.
func (r *runner) note(op *Op) {
	addSKU := func(s string) {
		if s != "" && !slices.Contains(r.skus, s) {
			r.skus = append(r.skus, s)
		}
	}
	switch op.Kind {
	case KindPutItem:
		addSKU(op.Item.SKU)
	case KindPlaceOrder:
		if op.Order.ID != uuid.Nil && !slices.Contains(r.orders, op.Order.ID) {
			r.orders = append(r.orders, op.Order.ID)
		}
		if op.Order.Customer != "" && !slices.Contains(r.customers, op.Order.Customer) {
			r.customers = append(r.customers, op.Order.Customer)
		}
		for _, l := range op.Order.Lines {
			addSKU(l.SKU)
		}
	case KindReceive:
		addSKU(op.Receipt.SKU)
	case KindAdjust:
		addSKU(op.Adjustment.SKU)
	case KindCount:
		addSKU(op.Count.SKU)
	}
}

// resolve fills the shipment ids of op from its ShipmentRef.
func (r *runner) resolve(op *Op) uuid.UUID {
	var id uuid.UUID
	if ref := op.Shipment; ref.Order != uuid.Nil {
		id = missingShipment(ref)
		if o := r.m.orders[ref.Order]; o != nil && ref.N >= 0 && ref.N < len(o.ships) {
			id = o.ships[ref.N].ID
		}
	}
	switch op.Kind {
	case KindConfirm:
		op.Confirmation.ShipmentID = id
	case KindVoid:
		op.Void.ShipmentID = id
	case KindReturn:
		op.Return.ShipmentID = id
	case KindCredit:
		op.Credit.ShipmentID = id
	}
	return id
}

// call makes op's engine call.
func (r *runner) call(op *Op, shipID uuid.UUID) (res any, err error) {
	ctx := r.ctx
	e := r.eng
	switch op.Kind {
	case KindPutLocation:
		return nil, e.PutLocation(ctx, op.Location)
	case KindPutItem:
		return nil, e.PutItem(ctx, op.Item)
	case KindPlaceOrder:
		return e.PlaceOrder(ctx, op.Order)
	case KindReceive:
		return e.Receive(ctx, op.Receipt)
	case KindAdjust:
		return e.AdjustStock(ctx, op.Adjustment)
	case KindCount:
		return e.CountStock(ctx, op.Count)
	case KindCancel:
		return e.Cancel(ctx, op.Cancellation)
	case KindSetPriority:
		return e.SetPriority(ctx, op.PriorityChange)
	case KindShip:
		return e.Ship(ctx, op.ShipRequest)
	case KindConfirm:
		return e.ConfirmShipment(ctx, op.Confirmation)
	case KindVoid:
		return e.VoidShipment(ctx, op.Void)
	case KindReturn:
		return e.ReturnShipment(ctx, op.Return)
	case KindInvoice:
		return e.Invoice(ctx, shipID)
	case KindCredit:
		return e.Credit(ctx, op.Credit)
	case KindQueryOrder:
		return e.Order(ctx, op.OrderID)
	case KindQueryBook:
		return e.Book(ctx, op.SKU)
	case KindQueryCustomerBook:
		return e.CustomerBook(ctx, op.Customer)
	case KindQueryAvailability:
		return e.Availability(ctx, op.SKU)
	case KindQueryPlan:
		return e.PlanShipments(ctx, op.OrderID)
	case KindQueryPlanAll:
		return e.PlanAll(ctx)
	case KindQueryInvoices:
		return e.Invoices(ctx, op.OrderID)
	case KindQueryEvents:
		var all []backorder.Event
		for {
			evs, err := e.Events(ctx, uint64(len(all)), backorder.MaxEventsPerRead)
			if err != nil {
				return nil, err
			}
			all = append(all, evs...)
			if len(evs) < backorder.MaxEventsPerRead {
				return all, nil
			}
		}
	case KindExpectInbound:
		return nil, e.ExpectInbound(ctx, op.Inbound)
	case KindChangeInbound:
		return e.ChangeInbound(ctx, op.InboundChange)
	case KindCancelInbound:
		return e.CancelInbound(ctx, op.InboundCancel)
	case KindQueryPromises:
		return e.Promises(ctx, op.OrderID)
	case KindQueryAlternatives:
		return e.Alternatives(ctx, op.OrderID, op.LineID)
	}
	return nil, fmt.Errorf("sim: unknown op kind %s", op.Kind)
}

// protect runs f, turning a panic into a divergence.
func (r *runner) protect(op *Op, f func() *Divergence) (d *Divergence) {
	defer func() {
		if p := recover(); p != nil {
			d = r.fail(op, "panic", fmt.Sprintf("panic: %v", p), string(debug.Stack()))
		}
	}()
	return f()
}

// run runs one op and compares. It returns the first divergence.
func (r *runner) run(op Op) *Divergence {
	return r.protect(&op, func() *Divergence { return r.runOp(op) })
}

func (r *runner) runOp(op Op) *Divergence {
	defer func() { r.step++ }()
	r.note(&op)
	r.clock = r.clock.Add(op.Advance)
	shipID := r.resolve(&op)
	r.faults.Script(op.Faults...)
	got, gerr := r.call(&op, shipID)
	attempts := r.faults.Attempts()
	r.faults.Script()
	out := r.m.apply(&op, r.clock, shipID)
	mskus, morders := r.m.touchedKeys()

	var last Attempt
	if len(attempts) > 0 {
		last = attempts[len(attempts)-1]
	}
	faulted := last.Failed()
	lost := last.Fault.Kind == LostReply && last.Committed()

	outcomeName := "ok"
	switch {
	case out.repeat:
		outcomeName = "repeat"
	case out.err != nil:
		outcomeName = classOf(out.err).String()
	}
	if faulted {
		outcomeName = "fault:" + last.Fault.Kind.String()
	} else if lost {
		outcomeName = "lost reply"
	}
	r.stats[op.Kind.String()+" "+outcomeName]++

	var d *Divergence
	switch {
	case op.Kind.query():
		d = r.compareQuery(&op, got, gerr, out)
		r.m.rollback()
	case faulted:
		if gerr == nil {
			d = r.fail(&op, "fault", fmt.Sprintf("a %s fault failed the last store transaction, but the call returned no error", last.Fault.Kind))
		}
		r.m.rollback()
	case lost:
		if !errors.Is(gerr, ErrInjected) {
			d = r.fail(&op, "fault", fmt.Sprintf("a lost reply returned %v, want ErrInjected", gerr))
			break
		}
		if out.err != nil {
			d = r.fail(&op, "error", fmt.Sprintf("the engine committed, want %v", out.err))
			break
		}
		// Only a retry with the same id tells the caller what happened.
		got, gerr = r.call(&op, shipID)
		d = r.compareCommand(&op, got, gerr, out)
	default:
		d = r.compareCommand(&op, got, gerr, out)
	}
	if d != nil {
		if r.m.j != nil {
			r.m.rollback()
		}
		return d
	}
	return r.verify(&op, mskus, morders)
}

// compareQuery compares a query's answer.
func (r *runner) compareQuery(op *Op, got any, gerr error, out outcome) *Divergence {
	if d := r.compareErr(op, gerr, out.err); d != nil || out.err != nil {
		return d
	}
	if op.Kind == KindQueryEvents {
		// Each operation's events were compared, in order, when it ran;
		// here the outbox must hold them all, operation by operation.
		evs, _ := got.([]backorder.Event)
		if diff := diffOutbox(evs, r.m.events); len(diff) > 0 {
			return r.fail(op, "result", diff...)
		}
		return nil
	}
	if ps, ok := got.([]backorder.LinePromise); ok {
		lines := make([]backorder.LinePromise, len(ps))
		for i, p := range ps {
			lines[i] = backorder.LinePromise{LineID: p.LineID, SKU: p.SKU, Backordered: p.Backordered}
		}
		got = lines
	}
	if a, ok := got.(backorder.Availability); ok {
		a.Positions = nonZero(a.Positions)
		got = a
	}
	if diff := diffValues(got, out.res); len(diff) > 0 {
		return r.fail(op, "result", diff...)
	}
	return nil
}

// nonZero drops positions that are all zero: a store may or may not have
// written them.
func nonZero(ps []backorder.StockPosition) []backorder.StockPosition {
	return slices.DeleteFunc(ps, func(p backorder.StockPosition) bool {
		return p == backorder.StockPosition{SKU: p.SKU, Location: p.Location}
	})
}

// compareErr compares the engine's error with the model's expectation.
func (r *runner) compareErr(op *Op, gerr, werr error) *Divergence {
	switch c := classOf(werr); {
	case c == 0 && gerr != nil:
		return r.fail(op, "error", fmt.Sprintf("engine error %v, the model expects success", gerr))
	case c != 0 && gerr == nil:
		return r.fail(op, "error", fmt.Sprintf("engine succeeded, the model expects %v", werr))
	case c == classInvalid && !errors.Is(gerr, backorder.ErrInvalid):
		return r.fail(op, "error", fmt.Sprintf("engine error %v, the model expects %v", gerr, werr))
	case c == classNotFound && !errors.Is(gerr, backorder.ErrNotFound):
		return r.fail(op, "error", fmt.Sprintf("engine error %v, the model expects %v", gerr, werr))
	}
	return nil
}

// compareCommand compares a command's outcome, binds the ids the engine
// chose, and commits or rolls back the model.
func (r *runner) compareCommand(op *Op, got any, gerr error, out outcome) *Divergence {
	if d := r.compareErr(op, gerr, out.err); d != nil {
		return d
	}
	if out.err != nil {
		r.m.rollback()
		return nil
	}
	evs, err := r.newEvents()
	if err != nil {
		return r.fail(op, "events", "reading events: "+err.Error())
	}
	if d := r.checkSeqs(op, evs); d != nil {
		return d
	}
	evs = modelled(evs)
	ids := placeholders(got, out.res, evs, r.m.pending)
	r.m.bind(ids)
	want := bindResult(out.res, ids)
	if diff := diffValues(got, want); len(diff) > 0 {
		if out.repeat {
			diff = append([]string{"a repeated command must return its first result"}, diff...)
		}
		return r.fail(op, "result", diff...)
	}
	pending := canonical(r.m, op, slices.Clone(r.m.pending))
	if diff := diffEvents(canonical(r.m, op, evs), pending); len(diff) > 0 {
		return r.fail(op, "events", diff...)
	}
	if out.key != "" && !out.repeat {
		r.m.remember(out.key, got)
	}
	r.m.commit()
	return nil
}

// newEvents reads the engine's events after the last one checked.
func (r *runner) newEvents() ([]backorder.Event, error) {
	var evs []backorder.Event
	err := r.inner.View(r.ctx, func(tx backorder.Tx) error {
		var err error
		evs, err = tx.Events(r.lastSeq, backorder.MaxEventsPerRead)
		return err
	})
	return evs, err
}

// checkSeqs checks that events continue the outbox without a gap.
func (r *runner) checkSeqs(op *Op, evs []backorder.Event) *Divergence {
	for i, ev := range evs {
		if want := r.lastSeq + uint64(i) + 1; ev.Seq != want {
			return r.fail(op, "events", fmt.Sprintf("event %d has Seq %d, want %d (gap-free)", i, ev.Seq, want))
		}
	}
	r.lastSeq += uint64(len(evs))
	return nil
}

// modelled returns the events with Seq zeroed: the model numbers its own.
func modelled(evs []backorder.Event) []backorder.Event {
	out := slices.Clone(evs)
	for i := range out {
		out[i].Seq = 0
	}
	return out
}

func isPromise(ev backorder.Event) bool {
	return ev.Type == backorder.PromiseChanged || ev.Type == backorder.PromiseLate
}

// canonical orders the stretches of an operation's events whose order the
// engine leaves to the order in which the operation first touched each SKU
// (and, consolidating, to map iteration):
//
//   - the promise events, which the engine raises last, SKU by SKU: they
//     are moved last and sorted by SKU, keeping each SKU's own order;
//   - after a consolidating Ship moves allocations, it serves the released
//     SKUs of each location in map order: that stretch is sorted by
//     location order, then SKU, keeping each allocation's own order.
func canonical(m *model, op *Op, evs []backorder.Event) []backorder.Event {
	slices.SortStableFunc(evs, func(a, b backorder.Event) int {
		switch pa, pb := isPromise(a), isPromise(b); {
		case pa && pb:
			return cmp.Compare(a.SKU, b.SKU)
		case pa:
			return 1
		case pb:
			return -1
		}
		return 0
	})
	if op.Kind != KindShip || !op.ShipRequest.Consolidate {
		return evs
	}
	start := -1
	for i, ev := range evs {
		if ev.Reason == "consolidated" {
			start = i + 1
		}
	}
	if start < 0 {
		return evs
	}
	end := start
	for end < len(evs) && (evs[end].Type == backorder.LineAllocated || evs[end].Type == backorder.LineDeallocated) {
		end++
	}
	rank := map[string]int{}
	for i, l := range m.locations() {
		rank[l.ID] = i
	}
	slices.SortStableFunc(evs[start:end], func(a, b backorder.Event) int {
		if c := cmp.Compare(rank[a.Location], rank[b.Location]); c != 0 {
			return c
		}
		return cmp.Compare(a.SKU, b.SKU)
	})
	return evs
}

// placeholders pairs the model's placeholder ids with the engine's: from
// the results (the shipments Ship created, the invoice Invoice or Credit
// issued), then from the events, the k-th event of a type that carries a
// placeholder with the k-th event of that type the engine raised.
func placeholders(got, want any, evs, pending []backorder.Event) map[uuid.UUID]uuid.UUID {
	ids := map[uuid.UUID]uuid.UUID{}
	bind := func(w, g uuid.UUID) {
		if _, ok := ids[w]; !ok && isPlaceholder(w) {
			ids[w] = g
		}
	}
	switch w := want.(type) {
	case backorder.ShipResult:
		if g, ok := got.(backorder.ShipResult); ok {
			for i := range min(len(g.Shipments), len(w.Shipments)) {
				bind(w.Shipments[i].ID, g.Shipments[i].ID)
			}
		}
	case backorder.Invoice:
		if g, ok := got.(backorder.Invoice); ok {
			bind(w.ID, g.ID)
		}
	}
	byType := map[backorder.EventType][]backorder.Event{}
	for _, ev := range evs {
		byType[ev.Type] = append(byType[ev.Type], ev)
	}
	seen := map[backorder.EventType]int{}
	for _, w := range pending {
		k := seen[w.Type]
		seen[w.Type]++
		if k >= len(byType[w.Type]) {
			continue
		}
		g := byType[w.Type][k]
		bind(w.ShipmentID, g.ShipmentID)
		bind(w.InvoiceID, g.InvoiceID)
	}
	return ids
}

// bindResult puts the engine's ids into the model's result.
func bindResult(res any, ids map[uuid.UUID]uuid.UUID) any {
	sub := func(id uuid.UUID) uuid.UUID {
		if real, ok := ids[id]; ok {
			return real
		}
		return id
	}
	switch v := res.(type) {
	case backorder.ShipResult:
		v.Shipments = slices.Clone(v.Shipments)
		for i := range v.Shipments {
			v.Shipments[i].ID = sub(v.Shipments[i].ID)
		}
		return v
	case backorder.Invoice:
		v.ID = sub(v.ID)
		v.Corrects = sub(v.Corrects)
		return v
	}
	return res
}

// diffValues lists the differences between got and want as a store must
// keep them (storetest.Diff).
func diffValues(got, want any) []string {
	if got == nil || want == nil {
		if got == nil && want == nil {
			return nil
		}
		return []string{fmt.Sprintf("got %#v, want %#v", got, want)}
	}
	if same(got, want) {
		return nil
	}
	if g, ok := got.([]backorder.BookEntry); ok {
		if w, ok := want.([]backorder.BookEntry); ok && len(g) != len(w) {
			return diffEntries(g, w)
		}
	}
	return storetest.Diff(got, want)
}

// diffEntries lists the lines one book has and the other lacks.
func diffEntries(got, want []backorder.BookEntry) []string {
	out := []string{fmt.Sprintf("got %d entries, want %d", len(got), len(want))}
	has := func(es []backorder.BookEntry, id uuid.UUID) bool {
		return slices.ContainsFunc(es, func(e backorder.BookEntry) bool { return e.LineID == id })
	}
	for _, e := range got {
		if !has(want, e.LineID) {
			out = append(out, fmt.Sprintf("extra entry: line %s (seq %d, backordered %d, allocations %v)", shortID(e.LineID), e.Seq, e.Backordered, e.Allocations))
		}
	}
	for _, e := range want {
		if !has(got, e.LineID) {
			out = append(out, fmt.Sprintf("missing entry: line %s (seq %d, backordered %d, allocations %v)", shortID(e.LineID), e.Seq, e.Backordered, e.Allocations))
		}
	}
	return out
}
