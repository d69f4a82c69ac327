package backorder_test

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/backorderkit/backorderkit/allocation"
	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/memstore"
	"github.com/backorderkit/backorderkit/invoice"
)

// harness wraps an engine over a fresh memstore, remembers every SKU,
// location and order it has seen, and checks the invariants of DESIGN.md
// after every operation it runs.
type harness struct {
	t      testing.TB
	ctx    context.Context
	store  backorder.Store
	eng    *backorder.Engine
	cfg    backorder.Config
	clock  time.Time
	ids    uint64
	skus   []string
	locs   []string
	orders []uuid.UUID
}

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) // a Monday

func newHarness(t testing.TB, mod ...func(*backorder.Config)) *harness {
	t.Helper()
	h := &harness{t: t, ctx: context.Background(), store: memstore.New(), clock: t0}
	h.cfg = backorder.Config{
		Store:  h.store,
		Policy: allocation.FIFO{},
		Now:    func() time.Time { return h.clock },
		NewID:  h.newID,
	}
	for _, m := range mod {
		m(&h.cfg)
	}
	eng, err := backorder.New(h.cfg)
	require.NoError(t, err)
	h.eng = eng
	return h
}

// newID returns deterministic ids: the same run makes the same ids.
func (h *harness) newID() uuid.UUID {
	h.ids++
	var id uuid.UUID
	binary.BigEndian.PutUint64(id[8:], h.ids)
	id[6] = 0x40 // version 4 shape, so the ids print like real ones
	return id
}

func (h *harness) tick(d time.Duration) { h.clock = h.clock.Add(d) }

func (h *harness) item(sku string, mod ...func(*backorder.Item)) {
	h.t.Helper()
	it := backorder.Item{SKU: sku}
	for _, m := range mod {
		m(&it)
	}
	require.NoError(h.t, h.eng.PutItem(h.ctx, it))
	if !slices.Contains(h.skus, sku) {
		h.skus = append(h.skus, sku)
	}
	h.check()
}

func (h *harness) location(id string, rank int) {
	h.t.Helper()
	require.NoError(h.t, h.eng.PutLocation(h.ctx, backorder.Location{ID: id, Rank: rank}))
	if !slices.Contains(h.locs, id) {
		h.locs = append(h.locs, id)
	}
	h.check()
}

// lineSpec is a compact way to write an order line: SKU and quantity.
type lineSpec struct {
	SKU string
	Qty int64
}

// order builds an order with fresh ids, priced at 10.00 a unit.
func (h *harness) order(customer string, prio int32, lines ...lineSpec) backorder.Order {
	o := backorder.Order{ID: h.newID(), Customer: customer, Priority: prio, Currency: "EUR"}
	for _, l := range lines {
		o.Lines = append(o.Lines, backorder.Line{ID: h.newID(), SKU: l.SKU, Qty: l.Qty, UnitPrice: decimal.NewFromInt(10)})
	}
	return o
}

// command runs one command on the engine, checks the invariants, and
// checks that running it again with the same id returns the same result and
// changes nothing (invariant 6).
func command[R any](h *harness, op func() (R, error)) R {
	h.t.Helper()
	h.tick(time.Minute)
	res, err := op()
	require.NoError(h.t, err)
	h.check()
	h.repeat(res, func() (any, error) { return op() })
	return res
}

// place places the order (see command).
func (h *harness) place(o backorder.Order) backorder.PlaceResult {
	h.t.Helper()
	h.orders = append(h.orders, o.ID)
	return command(h, func() (backorder.PlaceResult, error) { return h.eng.PlaceOrder(h.ctx, o) })
}

func (h *harness) receive(r backorder.Receipt) backorder.ReceiveResult {
	h.t.Helper()
	return command(h, func() (backorder.ReceiveResult, error) { return h.eng.Receive(h.ctx, r) })
}

func (h *harness) adjust(a backorder.Adjustment) backorder.StockResult {
	h.t.Helper()
	return command(h, func() (backorder.StockResult, error) { return h.eng.AdjustStock(h.ctx, a) })
}

func (h *harness) count(c backorder.Count) backorder.StockResult {
	h.t.Helper()
	return command(h, func() (backorder.StockResult, error) { return h.eng.CountStock(h.ctx, c) })
}

func (h *harness) cancel(c backorder.Cancellation) backorder.CancelResult {
	h.t.Helper()
	return command(h, func() (backorder.CancelResult, error) { return h.eng.Cancel(h.ctx, c) })
}

func (h *harness) setPriority(p backorder.PriorityChange) backorder.PriorityResult {
	h.t.Helper()
	return command(h, func() (backorder.PriorityResult, error) { return h.eng.SetPriority(h.ctx, p) })
}

// repeat runs a command again with the same id (invariant 6): the result
// must equal the first and the store must not change.
func (h *harness) repeat(first any, again func() (any, error)) {
	h.t.Helper()
	before := h.snapshot()
	h.tick(time.Minute)
	res, err := again()
	require.NoError(h.t, err, "repeating a command")
	require.Equal(h.t, jsonOf(h.t, first), jsonOf(h.t, res), "a repeated command must return the first result")
	require.Equal(h.t, before, h.snapshot(), "a repeated command must change nothing")
}

// fails runs an operation that must fail with an error matching want (any
// error when want is nil) and checks that it changed nothing (invariant 7).
func (h *harness) fails(want error, op func() error) error {
	h.t.Helper()
	before := h.snapshot()
	err := op()
	require.Error(h.t, err)
	if want != nil {
		require.ErrorIs(h.t, err, want)
	}
	require.Equal(h.t, before, h.snapshot(), "a failed operation must change nothing")
	return err
}

func jsonOf(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// snapshot is everything the harness can reach in the store, as JSON.
type snapshot struct {
	Items     map[string]string
	Positions map[string]string
	Books     map[string]string
	Inbound   map[string]string
	Orders    map[string]string
	Events    string
}

func (h *harness) snapshot() snapshot {
	h.t.Helper()
	s := snapshot{Items: map[string]string{}, Positions: map[string]string{}, Books: map[string]string{},
		Inbound: map[string]string{}, Orders: map[string]string{}}
	err := h.store.View(h.ctx, func(tx backorder.Tx) error {
		for _, sku := range h.skus {
			it, err := tx.Item(sku)
			if err != nil {
				return err
			}
			s.Items[sku] = jsonOf(h.t, it)
			ps, err := tx.Positions(sku)
			if err != nil {
				return err
			}
			s.Positions[sku] = jsonOf(h.t, ps)
			b, err := tx.Book(sku)
			if err != nil {
				return err
			}
			s.Books[sku] = jsonOf(h.t, b)
			in, err := tx.Inbounds(sku)
			if err != nil {
				return err
			}
			s.Inbound[sku] = jsonOf(h.t, in)
			for _, loc := range h.locs {
				hs, err := tx.Holders(sku, loc)
				if err != nil {
					return err
				}
				s.Books[sku+"@"+loc] = jsonOf(h.t, hs)
			}
		}
		for _, id := range h.orders {
			o, err := tx.Order(id)
			if err != nil {
				return err
			}
			s.Orders[id.String()] = jsonOf(h.t, o)
		}
		evs, err := tx.Events(0, 1<<30)
		if err != nil {
			return err
		}
		s.Events = jsonOf(h.t, evs)
		return nil
	})
	require.NoError(h.t, err)
	return s
}

// check verifies invariants 1–4 of DESIGN.md and that the book index agrees
// with the lines it indexes.
func (h *harness) check() {
	h.t.Helper()
	err := h.store.View(h.ctx, func(tx backorder.Tx) error {
		lines := map[string][]backorder.Line{}
		for _, id := range h.orders {
			o, err := tx.Order(id)
			if err != nil {
				return err
			}
			for _, l := range o.Lines {
				// Invariant 2: the split adds up, each part ≥ 0.
				require.GreaterOrEqual(h.t, l.Shipped, int64(0))
				require.GreaterOrEqual(h.t, l.Cancelled, int64(0))
				require.GreaterOrEqual(h.t, l.Backordered, int64(0))
				for _, a := range l.Allocations {
					require.Greater(h.t, a.Qty, int64(0), "line %s holds a non-positive allocation", l.ID)
				}
				require.Equal(h.t, l.Qty, l.Allocated()+l.Shipped+l.Cancelled+l.Backordered,
					"line %s: allocated %d + shipped %d + cancelled %d + backordered %d != ordered %d",
					l.ID, l.Allocated(), l.Shipped, l.Cancelled, l.Backordered, l.Qty)
				require.LessOrEqual(h.t, l.Rejected, l.Cancelled)
				lines[l.SKU] = append(lines[l.SKU], l)
			}
			h.checkInvoices(tx, o)
		}
		for _, sku := range h.skus {
			it, err := tx.Item(sku)
			if err != nil {
				return err
			}
			ps, err := tx.Positions(sku)
			if err != nil {
				return err
			}
			book, err := tx.Book(sku)
			if err != nil {
				return err
			}
			// The book holds exactly the waiting lines, and agrees with them.
			var waiting []backorder.Line
			for _, l := range lines[sku] {
				if l.Backordered > 0 {
					waiting = append(waiting, l)
				}
			}
			sort.Slice(waiting, func(i, j int) bool { return waiting[i].Seq < waiting[j].Seq })
			require.Len(h.t, book, len(waiting), "book of %s", sku)
			for i, en := range book {
				l := waiting[i]
				require.Equal(h.t, l.ID, en.LineID)
				require.Equal(h.t, l.Backordered, en.Backordered)
				require.True(h.t, slices.Equal(l.Allocations, en.Allocations), "line %s allocations %v, book entry %v", l.ID, l.Allocations, en.Allocations)
				require.True(h.t, slices.Equal(l.Committed, en.Committed), "line %s committed %v, book entry %v", l.ID, l.Committed, en.Committed)
				if it.Status != backorder.Replenishable {
					h.t.Fatalf("item %s is %s but line %s waits for it", sku, it.Status, l.ID)
				}
			}
			for _, p := range ps {
				// Invariant 1.
				require.GreaterOrEqual(h.t, p.Allocated, int64(0), "%s@%s allocated", sku, p.Location)
				require.LessOrEqual(h.t, p.Allocated, p.OnHand, "%s@%s allocated > on hand", sku, p.Location)
				require.Equal(h.t, p.Received+p.Adjusted-p.Shipped, p.OnHand, "%s@%s on hand", sku, p.Location)
				// Invariant 3.
				var sum int64
				var holders int
				for _, l := range lines[sku] {
					if q := l.AllocatedAt(p.Location); q > 0 {
						sum += q
						holders++
					}
				}
				require.Equal(h.t, sum, p.Allocated, "%s@%s: position allocated != lines' allocations", sku, p.Location)
				hs, err := tx.Holders(sku, p.Location)
				if err != nil {
					return err
				}
				require.Len(h.t, hs, holders, "holders of %s@%s", sku, p.Location)
				// Invariant 4: no stranded stock.
				if avail := p.Available(); avail > 0 {
					for _, l := range waiting {
						need := smallestGrant(l.Backordered, l.MinAllocation, it.CasePack)
						require.Greater(h.t, need, avail, "stranded stock: %s@%s has %d available and line %s could take %d (backordered %d, minimum %d, case pack %d)",
							sku, p.Location, avail, l.ID, need, l.Backordered, l.MinAllocation, it.CasePack)
					}
				}
			}
		}
		return nil
	})
	require.NoError(h.t, err)
}

// checkInvoices verifies invariant 5: each shipment is invoiced at most
// once, and the invoices of a fully shipped and invoiced order add up
// exactly to its total.
func (h *harness) checkInvoices(tx backorder.Tx, o backorder.Order) {
	invs, err := tx.Invoices(o.ID)
	require.NoError(h.t, err)
	shs, err := tx.Shipments(o.ID)
	require.NoError(h.t, err)
	billed := map[uuid.UUID]int{}
	var docs []invoice.Invoice
	var credits bool
	for _, inv := range invs {
		docs = append(docs, inv.Document)
		require.Equal(h.t, inv.Number, inv.Document.Number)
		if inv.Kind == backorder.KindInvoice {
			billed[inv.ShipmentID]++
			require.Equal(h.t, 1, billed[inv.ShipmentID], "shipment %s invoiced twice", inv.ShipmentID)
		} else {
			credits = true
		}
	}
	if len(invs) == 0 || credits || o.Status() != backorder.OrderStatusCompleted {
		return
	}
	for _, sh := range shs {
		if sh.Status == backorder.ShipmentStatusConfirmed && billed[sh.ID] == 0 {
			return
		}
	}
	got, err := invoice.Billed(docs)
	require.NoError(h.t, err)
	io := invoice.Order{ID: o.ID.String(), Currency: o.Currency, TaxInclusive: o.TaxInclusive,
		TaxRounding: o.TaxRounding, Rounding: o.Rounding, Charges: o.Charges}
	for _, l := range o.Lines {
		if q := l.Qty - l.Cancelled; q > 0 {
			io.Lines = append(io.Lines, invoice.Line{ID: l.ID.String(), SKU: l.SKU, Qty: q, UnitPrice: l.UnitPrice,
				DiscountPercent: l.DiscountPercent, DiscountAmount: l.DiscountAmount, TaxPercent: l.TaxPercent, TaxCategory: l.TaxCategory})
		}
	}
	want, err := invoice.Total(io, len(billed))
	require.NoError(h.t, err)
	require.True(h.t, want.Equal(got), "order %s: invoices add up to %s, the order's total is %s", o.ID, got.Total, want.Total)
}

// smallestGrant is the least positive quantity a waiting line accepts.
func smallestGrant(outstanding, minimum, multiple int64) int64 {
	g := max(min(minimum, outstanding), 1)
	if multiple > 1 && g%multiple != 0 {
		g = (g/multiple + 1) * multiple
	}
	return min(g, outstanding)
}

func (h *harness) book(sku string) []string {
	h.t.Helper()
	b, err := h.eng.Book(h.ctx, sku)
	require.NoError(h.t, err)
	out := make([]string, len(b))
	for i, en := range b {
		out[i] = fmt.Sprintf("%s:%d", en.Customer, en.Backordered)
	}
	return out
}

func (h *harness) line(orderID, lineID uuid.UUID) backorder.Line {
	h.t.Helper()
	o, err := h.eng.Order(h.ctx, orderID)
	require.NoError(h.t, err)
	l, ok := o.Line(lineID)
	require.True(h.t, ok)
	return l
}
