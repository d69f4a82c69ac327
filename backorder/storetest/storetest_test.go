package storetest_test

import (
	"cmp"
	"context"
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/memstore"
	"github.com/backorderkit/backorderkit/backorder/storetest"
)

// envMutant names the broken store that TestWrapped runs the suite on, in a
// child process started by TestSuiteCatchesMutants.
const envMutant = "STORETEST_MUTANT"

// mutants are stores with one defect each, and the checks that must catch it.
var mutants = []struct {
	name, defect string
	caughtBy     []string
}{
	{"no-rollback", "keeps the writes of a failed Update",
		[]string{"Transactions/FnError", "Events/RolledBackSeqsReused", "Commands/RolledBack", "Sequences/RolledBack"}},
	{"ignore-ctx", "ignores its context",
		[]string{"Transactions/CancelledBefore", "Transactions/CancelledDuring"}},
	{"view-writes", "lets a View write",
		[]string{"Transactions/ViewWritesFail"}},
	{"shared-memory", "keeps the caller's item and returns its own",
		[]string{"Ownership/Item"}},
	{"unsorted-book", "returns the book in reverse",
		[]string{"Lists/Book"}},
	{"locations-by-id", "sorts locations by ID only",
		[]string{"Lists/Locations"}},
	{"lines-by-id", "returns an order's lines sorted by id",
		[]string{"Lists/OrderLineOrder"}},
	{"case-insensitive", "matches item keys without case",
		[]string{"NotFound/Lookups"}},
	{"open-orders-from-start", "ignores OpenOrders' after",
		[]string{"Lists/OpenOrders"}},
	{"ignore-limit", "ignores Events' limit",
		[]string{"Events/Paging"}},
	{"command-overwrite", "accepts a second record for a key",
		[]string{"Commands/DuplicateKey", "Commands/DuplicateKeyInOneUpdate"}},
	{"millisecond-times", "keeps shipment times to the millisecond",
		[]string{"RoundTrip/Shipment", "Ownership/Shipments"}},
	{"utc-wall-clock", "keeps an invoice's wall clock but not its zone",
		[]string{"RoundTrip/Invoice"}},
	{"seq-before-commit", "numbers events when appended, not when committed",
		[]string{"Isolation/Events", "Events/RolledBackSeqsReused"}},
}

// TestWrapped runs the suite on a pass-through wrapper of memstore, which
// must pass; in a child process of TestSuiteCatchesMutants, on the mutant
// $STORETEST_MUTANT names, which must fail.
func TestWrapped(t *testing.T) {
	name := os.Getenv(envMutant)
	storetest.Run(t, func(*testing.T) backorder.Store {
		return &mutant{Store: memstore.New(), name: name, items: make(map[string]backorder.Item)}
	})
}

func TestSuiteCatchesMutants(t *testing.T) {
	if os.Getenv(envMutant) != "" {
		t.Fatal("a child process must run TestWrapped only")
	}
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			// Only the checks that must catch it run: a mutant need not
			// work well enough for the others.
			var groups, cases []string
			for _, c := range m.caughtBy {
				g, n, _ := strings.Cut(c, "/")
				groups, cases = append(groups, g), append(cases, n)
			}
			run := "^TestWrapped$/^(" + strings.Join(groups, "|") + ")$/^(" + strings.Join(cases, "|") + ")$"
			cmd := exec.Command(os.Args[0], "-test.run="+run, "-test.count=1", "-test.v")
			cmd.Env = append(os.Environ(), envMutant+"="+m.name)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) {
				t.Fatalf("the suite passed a store that %s (err %v):\n%s", m.defect, err, tail(out))
			}
			for _, c := range m.caughtBy {
				if !strings.Contains(string(out), "--- FAIL: TestWrapped/"+c+" ") {
					t.Errorf("%s did not catch a store that %s:\n%s", c, m.defect, tail(out))
				}
			}
		})
	}
}

func tail(out []byte) string {
	lines := strings.Split(string(out), "\n")
	return strings.Join(lines[max(0, len(lines)-40):], "\n")
}

// mutant wraps a store and breaks it as its name says; with no name it
// passes every call through.
type mutant struct {
	backorder.Store
	name string

	mu     sync.Mutex
	items  map[string]backorder.Item // for shared-memory
	outbox outbox                    // for seq-before-commit
}

func (m *mutant) Update(ctx context.Context, fn func(backorder.Tx) error) error {
	wrapped := func(tx backorder.Tx) error { return fn(mtx{tx, m, nil}) }
	switch m.name {
	case "no-rollback":
		var fnErr error
		err := m.Store.Update(ctx, func(tx backorder.Tx) error {
			fnErr = fn(mtx{tx, m, nil})
			return nil
		})
		return cmp.Or(fnErr, err)
	case "ignore-ctx":
		return m.Store.Update(context.Background(), wrapped)
	case "seq-before-commit":
		var pending []backorder.Event
		err := m.Store.Update(ctx, func(tx backorder.Tx) error { return fn(mtx{tx, m, &pending}) })
		if err == nil && len(pending) > 0 {
			if pending[0].Seq%2 == 1 {
				time.Sleep(time.Millisecond) // a slow commit
			}
			m.outbox.publish(pending)
		}
		return err
	}
	return m.Store.Update(ctx, wrapped)
}

func (m *mutant) View(ctx context.Context, fn func(backorder.Tx) error) error {
	wrapped := func(tx backorder.Tx) error { return fn(mtx{tx, m, nil}) }
	if m.name == "view-writes" {
		return m.Store.Update(ctx, wrapped)
	}
	return m.Store.View(ctx, wrapped)
}

// The seq-before-commit mutant numbers events from a counter as they are
// appended, like a database sequence, and publishes them when their
// transaction has committed, a little later: so a reader can see an event
// before one with a lower number, and a rolled-back transaction's numbers
// are lost.
type outbox struct {
	mu        sync.Mutex
	next      uint64
	published []backorder.Event
}

func (o *outbox) reserve(evs []backorder.Event) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := range evs {
		o.next++
		evs[i].Seq = o.next
	}
}

func (o *outbox) publish(evs []backorder.Event) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.published = append(o.published, evs...)
	slices.SortFunc(o.published, func(a, b backorder.Event) int { return cmp.Compare(a.Seq, b.Seq) })
}

func (o *outbox) events(after uint64, limit int) []backorder.Event {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []backorder.Event
	for _, ev := range o.published {
		if ev.Seq > after && len(out) < limit {
			out = append(out, ev)
		}
	}
	return out
}

// mtx is the mutant's Tx.
type mtx struct {
	backorder.Tx
	m       *mutant
	pending *[]backorder.Event // for seq-before-commit, in an Update
}

func (t mtx) AppendEvents(evs []backorder.Event) error {
	if t.m.name != "seq-before-commit" {
		return t.Tx.AppendEvents(evs)
	}
	if t.pending == nil {
		return errors.New("read-only")
	}
	t.m.outbox.reserve(evs)
	*t.pending = append(*t.pending, evs...)
	return nil
}

func (t mtx) PutItem(it backorder.Item) error {
	switch t.m.name {
	case "shared-memory":
		t.m.mu.Lock()
		t.m.items[it.SKU] = it
		t.m.mu.Unlock()
	case "case-insensitive":
		it.SKU = strings.ToLower(it.SKU)
	}
	return t.Tx.PutItem(it)
}

func (t mtx) Item(sku string) (backorder.Item, error) {
	switch t.m.name {
	case "shared-memory":
		t.m.mu.Lock()
		it, ok := t.m.items[sku]
		t.m.mu.Unlock()
		if ok {
			return it, nil
		}
	case "case-insensitive":
		sku = strings.ToLower(sku)
	}
	return t.Tx.Item(sku)
}

func (t mtx) Book(sku string) ([]backorder.BookEntry, error) {
	es, err := t.Tx.Book(sku)
	if t.m.name == "unsorted-book" {
		slices.Reverse(es)
	}
	return es, err
}

func (t mtx) Locations() ([]backorder.Location, error) {
	ls, err := t.Tx.Locations()
	if t.m.name == "locations-by-id" {
		slices.SortFunc(ls, func(a, b backorder.Location) int { return cmp.Compare(a.ID, b.ID) })
	}
	return ls, err
}

func (t mtx) Order(id uuid.UUID) (backorder.Order, error) {
	o, err := t.Tx.Order(id)
	if t.m.name == "lines-by-id" {
		slices.SortFunc(o.Lines, func(a, b backorder.Line) int { return cmp.Compare(a.ID.String(), b.ID.String()) })
	}
	return o, err
}

func (t mtx) OpenOrders(after uuid.UUID, limit int) ([]uuid.UUID, error) {
	if t.m.name == "open-orders-from-start" {
		after = uuid.Nil
	}
	return t.Tx.OpenOrders(after, limit)
}

func (t mtx) Events(after uint64, limit int) ([]backorder.Event, error) {
	switch t.m.name {
	case "ignore-limit":
		limit = 1 << 30
	case "seq-before-commit":
		evs := t.m.outbox.events(after, limit)
		if t.pending != nil {
			for _, ev := range *t.pending {
				if ev.Seq > after && len(evs) < limit {
					evs = append(evs, ev)
				}
			}
		}
		return evs, nil
	}
	return t.Tx.Events(after, limit)
}

func (t mtx) PutCommand(c backorder.Command) error {
	err := t.Tx.PutCommand(c)
	if t.m.name == "command-overwrite" && errors.Is(err, backorder.ErrConflict) {
		return nil
	}
	return err
}

func (t mtx) PutShipment(sh backorder.Shipment) error {
	if t.m.name == "millisecond-times" {
		sh.CreatedAt = sh.CreatedAt.Truncate(time.Millisecond)
		sh.ConfirmedAt = sh.ConfirmedAt.Truncate(time.Millisecond)
	}
	return t.Tx.PutShipment(sh)
}

func (t mtx) PutInvoice(inv backorder.Invoice) error {
	if t.m.name == "utc-wall-clock" && !inv.IssuedAt.IsZero() {
		w := inv.IssuedAt
		inv.IssuedAt = time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), time.UTC)
	}
	return t.Tx.PutInvoice(inv)
}
