package sim

import (
	"cmp"
	"maps"
	"reflect"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/allocation"
	"github.com/backorderkit/backorderkit/backorder"
)

// model is the reference implementation: the engine's documented rules,
// written again as slowly and plainly as possible over plain lists. It
// shares no code with the engine; it calls the allocation policies (whose
// own oracle tests vouch for them) and the invoice package (the same).
//
// Positions keep on hand and its running totals; what is allocated is
// always summed from the lines, so the model cannot get invariant 3 wrong.
//
// Every operation runs inside begin/commit or begin/rollback: the journal
// keeps the first version of everything the operation changes, so a failed
// operation leaves the model exactly as it was (invariant 7 for the model).
type model struct {
	cfg       Config
	policies  map[string]allocation.Policy
	defPolicy allocation.Policy
	invSeries string
	crSeries  string

	now time.Time
	cmd string // the current command key, stamped on events

	items    map[string]backorder.Item
	locs     map[string]backorder.Location
	pos      map[skuLoc]*backorder.StockPosition // Allocated unused: see allocated
	inbounds map[string]backorder.Inbound
	orders   map[uuid.UUID]*mOrder
	orderIDs []uuid.UUID // in placement order
	lines    map[uuid.UUID]*backorder.Line
	skuLines map[string][]*backorder.Line // by Seq (placement order)
	seq      map[string]int64
	series   map[string]int64
	ships    map[uuid.UUID]*backorder.Shipment   // by engine id, once known
	promises map[uuid.UUID]backorder.PromiseDate // the stored promise of each line
	reproj   map[string]bool                     // SKUs to project at the end of the operation
	unwaited map[uuid.UUID]bool                  // lines that stopped waiting during the operation
	lastDocs map[uuid.UUID]bool                  // orders whose shipments or invoices the last operation changed
	commands map[string]any                      // command key → first result
	events   []backorder.Event                   // committed, Seq set
	pending  []backorder.Event                   // raised by the running operation

	// placeholders counts the ids the running operation created, which the
	// engine chose (see bind).
	placeholders uint32
	j            *journal
}

type skuLoc struct{ sku, loc string }

// mOrder is an order as the model keeps it: the header (Lines nil), its
// lines by id in order, its shipments in creation order and its invoices
// and credit notes in issue order.
type mOrder struct {
	hdr   backorder.Order
	lines []uuid.UUID
	ships []*backorder.Shipment
	invs  []*backorder.Invoice
}

// journal is what an operation changed, as it was before.
type journal struct {
	lines    map[uuid.UUID]*backorder.Line // nil: did not exist
	pos      map[skuLoc]*backorder.StockPosition
	orders   map[uuid.UUID]*orderSave // nil: did not exist
	ships    map[*backorder.Shipment]backorder.Shipment
	skuLen   map[string]int
	nOrders  int
	items    map[string]backorder.Item
	locs     map[string]backorder.Location
	inbounds map[string]backorder.Inbound
	seq      map[string]int64
	series   map[string]int64
	promises map[uuid.UUID]*backorder.PromiseDate // nil: had none
	commands []string
}

type orderSave struct {
	hdr          backorder.Order
	ships, invs  int
	shipsOfOrder []*backorder.Shipment
}

func newModel(cfg Config) *model {
	m := &model{
		cfg:       cfg,
		policies:  policies(),
		invSeries: "INV",
		crSeries:  "CN",
		items:     map[string]backorder.Item{},
		locs:      map[string]backorder.Location{},
		pos:       map[skuLoc]*backorder.StockPosition{},
		inbounds:  map[string]backorder.Inbound{},
		orders:    map[uuid.UUID]*mOrder{},
		lines:     map[uuid.UUID]*backorder.Line{},
		skuLines:  map[string][]*backorder.Line{},
		seq:       map[string]int64{},
		series:    map[string]int64{},
		ships:     map[uuid.UUID]*backorder.Shipment{},
		promises:  map[uuid.UUID]backorder.PromiseDate{},
		commands:  map[string]any{},
	}
	m.defPolicy = m.policies[cfg.Policy]
	if m.defPolicy == nil {
		m.defPolicy = allocation.FIFO{}
	}
	return m
}

// begin starts an operation at now.
func (m *model) begin(now time.Time, cmd string) {
	m.now = now
	m.cmd = cmd
	m.pending = m.pending[:0]
	m.placeholders = 0
	m.reproj = map[string]bool{}
	m.unwaited = map[uuid.UUID]bool{}
	m.j = &journal{
		promises: map[uuid.UUID]*backorder.PromiseDate{},
		lines:    map[uuid.UUID]*backorder.Line{},
		pos:      map[skuLoc]*backorder.StockPosition{},
		orders:   map[uuid.UUID]*orderSave{},
		ships:    map[*backorder.Shipment]backorder.Shipment{},
		skuLen:   map[string]int{},
		nOrders:  len(m.orderIDs),
		items:    maps.Clone(m.items),
		locs:     maps.Clone(m.locs),
		inbounds: maps.Clone(m.inbounds),
		seq:      maps.Clone(m.seq),
		series:   maps.Clone(m.series),
	}
}

// rollback undoes everything the running operation changed.
func (m *model) rollback() {
	j := m.j
	for id, old := range j.lines {
		if old == nil {
			delete(m.lines, id)
		} else {
			*m.lines[id] = *old
		}
	}
	for k, old := range j.pos {
		if old == nil {
			delete(m.pos, k)
		} else {
			*m.pos[k] = *old
		}
	}
	for sh, old := range j.ships {
		*sh = old
	}
	for id, old := range j.orders {
		if old == nil {
			delete(m.orders, id)
			continue
		}
		o := m.orders[id]
		o.hdr = old.hdr
		o.ships = old.shipsOfOrder[:old.ships]
		o.invs = o.invs[:old.invs]
	}
	for sku, n := range j.skuLen {
		m.skuLines[sku] = m.skuLines[sku][:n]
	}
	m.orderIDs = m.orderIDs[:j.nOrders]
	m.items, m.locs, m.inbounds, m.seq, m.series = j.items, j.locs, j.inbounds, j.seq, j.series
	for id, old := range j.promises {
		if old == nil {
			delete(m.promises, id)
		} else {
			m.promises[id] = *old
		}
	}
	for _, k := range j.commands {
		delete(m.commands, k)
	}
	m.pending = m.pending[:0]
	m.j = nil
}

// commit keeps the running operation's changes and appends its events.
func (m *model) commit() {
	for i := range m.pending {
		ev := m.pending[i]
		ev.Seq = uint64(len(m.events) + 1)
		m.events = append(m.events, ev)
	}
	m.pending = m.pending[:0]
	m.j = nil
}

// setPromise changes a line's stored promise (the zero value: none).
func (m *model) setPromise(id uuid.UUID, p backorder.PromiseDate) {
	if _, ok := m.j.promises[id]; !ok {
		if old, had := m.promises[id]; had {
			m.j.promises[id] = &old
		} else {
			m.j.promises[id] = nil
		}
	}
	if p == (backorder.PromiseDate{}) {
		delete(m.promises, id)
	} else {
		m.promises[id] = p
	}
}

// saveLine journals a line before it changes.
func (m *model) saveLine(l *backorder.Line) {
	if _, ok := m.j.lines[l.ID]; !ok {
		c := l.Clone()
		m.j.lines[l.ID] = &c
	}
}

// position returns the position for writing, creating it.
func (m *model) position(sku, loc string) *backorder.StockPosition {
	k := skuLoc{sku, loc}
	p := m.pos[k]
	if _, ok := m.j.pos[k]; !ok {
		if p == nil {
			m.j.pos[k] = nil
		} else {
			c := *p
			m.j.pos[k] = &c
		}
	}
	if p == nil {
		p = &backorder.StockPosition{SKU: sku, Location: loc}
		m.pos[k] = p
	}
	m.reproject(sku)
	return p
}

// saveOrder journals an order's header and lists before they change.
func (m *model) saveOrder(o *mOrder) {
	if _, ok := m.j.orders[o.hdr.ID]; !ok {
		m.j.orders[o.hdr.ID] = &orderSave{hdr: o.hdr, ships: len(o.ships), invs: len(o.invs), shipsOfOrder: o.ships}
	}
}

// saveShip journals a shipment before it changes.
func (m *model) saveShip(sh *backorder.Shipment) {
	if _, ok := m.j.ships[sh]; !ok {
		m.j.ships[sh] = sh.Clone()
	}
}

// remember records a command's first result.
func (m *model) remember(key string, res any) {
	m.commands[key] = res
	m.j.commands = append(m.j.commands, key)
}

func (m *model) emit(ev backorder.Event) {
	ev.At = m.now
	ev.Command = m.cmd
	m.pending = append(m.pending, ev)
}

// placeholder returns an id standing for one the engine makes (a shipment
// or invoice id) until bind learns it.
func (m *model) placeholder() uuid.UUID {
	m.placeholders++
	var id uuid.UUID
	copy(id[:], "placeholder\x00")
	id[12] = byte(m.placeholders >> 24)
	id[13] = byte(m.placeholders >> 16)
	id[14] = byte(m.placeholders >> 8)
	id[15] = byte(m.placeholders)
	return id
}

// isPlaceholder reports whether id came from placeholder.
func isPlaceholder(id uuid.UUID) bool { return string(id[:12]) == "placeholder\x00" }

// bind replaces placeholder ids by the engine's, in the shipments and
// invoices of the running operation and its pending events.
func (m *model) bind(ids map[uuid.UUID]uuid.UUID) {
	if len(ids) == 0 {
		return
	}
	sub := func(id *uuid.UUID) {
		if real, ok := ids[*id]; ok {
			*id = real
		}
	}
	for _, oid := range m.touchedOrders() {
		o := m.orders[oid]
		for _, sh := range o.ships {
			if isPlaceholder(sh.ID) {
				sub(&sh.ID)
				if !isPlaceholder(sh.ID) {
					m.ships[sh.ID] = sh
				}
			}
		}
		for _, inv := range o.invs {
			sub(&inv.ID)
			sub(&inv.ShipmentID)
			sub(&inv.Corrects)
		}
	}
	for i := range m.pending {
		sub(&m.pending[i].ShipmentID)
		sub(&m.pending[i].InvoiceID)
	}
}

// touchedOrders lists the orders the running operation changed.
func (m *model) touchedOrders() []uuid.UUID {
	ids := slices.Collect(maps.Keys(m.j.orders))
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return cmp.Compare(a.String(), b.String()) })
	return ids
}

// touchedKeys lists the SKUs and orders the running operation changed.
func (m *model) touchedKeys() (skus []string, orders []uuid.UUID) {
	addSKU := func(s string) {
		if !slices.Contains(skus, s) {
			skus = append(skus, s)
		}
	}
	addOrder := func(id uuid.UUID) {
		if !slices.Contains(orders, id) {
			orders = append(orders, id)
		}
	}
	for id := range m.j.lines {
		if l := m.lines[id]; l != nil {
			addSKU(l.SKU)
			addOrder(l.OrderID)
		}
	}
	for k := range m.j.pos {
		addSKU(k.sku)
	}
	m.lastDocs = map[uuid.UUID]bool{}
	for id := range m.j.orders {
		addOrder(id)
		m.lastDocs[id] = true
	}
	for sh := range m.j.ships {
		addOrder(sh.OrderID)
		m.lastDocs[sh.OrderID] = true
	}
	for sku := range m.j.skuLen {
		addSKU(sku)
	}
	for sku, it := range m.items {
		if old, ok := m.j.items[sku]; !ok || !reflect.DeepEqual(old, it) {
			addSKU(sku)
		}
	}
	for id, in := range m.inbounds {
		if old, ok := m.j.inbounds[id]; !ok || old != in {
			addSKU(in.SKU)
		}
	}
	slices.Sort(skus)
	slices.SortFunc(orders, func(a, b uuid.UUID) int { return cmp.Compare(a.String(), b.String()) })
	return skus, orders
}

// ---- reading ----

// locations returns every location by Rank, then ID.
func (m *model) locations() []backorder.Location {
	out := slices.Collect(maps.Values(m.locs))
	slices.SortFunc(out, func(a, b backorder.Location) int {
		if c := cmp.Compare(a.Rank, b.Rank); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out
}

func (m *model) locRank(id string) int { return m.locs[id].Rank }

// policy returns the item's allocation policy.
func (m *model) policy(it backorder.Item) allocation.Policy {
	if it.Policy != "" {
		return m.policies[it.Policy]
	}
	return m.defPolicy
}

// allocated sums the lines' allocations of sku at loc.
func (m *model) allocated(sku, loc string) int64 {
	var n int64
	for _, l := range m.skuLines[sku] {
		n += l.AllocatedAt(loc)
	}
	return n
}

func (m *model) onHand(sku, loc string) int64 {
	if p := m.pos[skuLoc{sku, loc}]; p != nil {
		return p.OnHand
	}
	return 0
}

func (m *model) available(sku, loc string) int64 { return m.onHand(sku, loc) - m.allocated(sku, loc) }

// positionOut is the position as the engine reports it.
func (m *model) positionOut(sku, loc string) backorder.StockPosition {
	p := backorder.StockPosition{SKU: sku, Location: loc}
	if mp := m.pos[skuLoc{sku, loc}]; mp != nil {
		p = *mp
	}
	p.Allocated = m.allocated(sku, loc)
	return p
}

// order returns the order with its lines, as the engine's Order returns it.
func (m *model) order(id uuid.UUID) (backorder.Order, bool) {
	o, ok := m.orders[id]
	if !ok {
		return backorder.Order{}, false
	}
	out := o.hdr
	out.Charges = slices.Clone(out.Charges)
	out.Lines = make([]backorder.Line, len(o.lines))
	for i, lid := range o.lines {
		out.Lines[i] = m.lines[lid].Clone()
	}
	return out, true
}

func (m *model) linePolicy(o *mOrder, l *backorder.Line) backorder.ShipPolicy {
	if l.ShipPolicy != "" {
		return l.ShipPolicy
	}
	return o.hdr.ShipPolicy
}

// bookEntry is a line's entry in its SKU's book as the engine must keep it.
func (m *model) bookEntry(l *backorder.Line) backorder.BookEntry {
	o := m.orders[l.OrderID]
	return backorder.BookEntry{SKU: l.SKU, LineID: l.ID, OrderID: l.OrderID, Customer: o.hdr.Customer,
		Priority: o.hdr.Priority, Placed: o.hdr.Placed, Seq: l.Seq, Backordered: l.Backordered,
		Allocations: slices.Clone(l.Allocations), Committed: slices.Clone(l.Committed),
		MinAllocation: l.MinAllocation, Protection: l.Protection, RequestedDate: o.hdr.RequestedDate,
		Promise: m.promises[l.ID]}
}

// book is the SKU's waiting lines by Seq.
func (m *model) book(sku string) []*backorder.Line {
	var out []*backorder.Line
	for _, l := range m.skuLines[sku] {
		if l.Backordered > 0 {
			out = append(out, l)
		}
	}
	return out
}

// holders is the SKU's lines holding stock at loc, by Seq.
func (m *model) holders(sku, loc string) []*backorder.Line {
	var out []*backorder.Line
	for _, l := range m.skuLines[sku] {
		if l.AllocatedAt(loc) > 0 {
			out = append(out, l)
		}
	}
	return out
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// ---- line arithmetic, written afresh ----

// qtyAt is a location's quantity in a sorted, zero-free list.
func qtyAt(qs []backorder.LocQty, loc string) int64 {
	for _, q := range qs {
		if q.Location == loc {
			return q.Qty
		}
	}
	return 0
}

// addAt adds delta at loc, keeping the list sorted by location and free of
// zeros.
func addAt(qs []backorder.LocQty, loc string, delta int64) []backorder.LocQty {
	out := make([]backorder.LocQty, 0, len(qs)+1)
	done := false
	for _, q := range qs {
		if q.Location == loc {
			q.Qty += delta
			done = true
		}
		if q.Qty != 0 {
			out = append(out, q)
		}
	}
	if !done && delta != 0 {
		out = append(out, backorder.LocQty{Location: loc, Qty: delta})
	}
	slices.SortFunc(out, func(a, b backorder.LocQty) int { return cmp.Compare(a.Location, b.Location) })
	if len(out) == 0 {
		return nil
	}
	return out
}

func sumQty(qs []backorder.LocQty) int64 {
	var n int64
	for _, q := range qs {
		n += q.Qty
	}
	return n
}

func freeAt(l *backorder.Line, loc string) int64 {
	return qtyAt(l.Allocations, loc) - qtyAt(l.Committed, loc)
}

func open(l *backorder.Line) int64 { return sumQty(l.Allocations) + l.Backordered }

func lineResult(l *backorder.Line) backorder.LineResult {
	return backorder.LineResult{LineID: l.ID, SKU: l.SKU, Allocated: slices.Clone(l.Allocations),
		Backordered: l.Backordered, Cancelled: l.Cancelled, Rejected: l.Rejected, Reason: l.CancelReason}
}
