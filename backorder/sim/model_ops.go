package sim

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/allocation"
	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/invoice"
)

// errClass is how the model classifies an expected failure: the sentinel
// the engine's error must match.
type errClass uint8

const (
	classInvalid  errClass = iota + 1 // errors.Is(err, backorder.ErrInvalid)
	classNotFound                     // errors.Is(err, backorder.ErrNotFound)
	classOther                        // any other error
)

func (c errClass) String() string {
	switch c {
	case classInvalid:
		return "ErrInvalid"
	case classNotFound:
		return "ErrNotFound"
	}
	return "an error"
}

// modelErr is a failure the model expects.
type modelErr struct {
	class errClass
	msg   string
}

func (e *modelErr) Error() string { return e.class.String() + ": " + e.msg }

func invalidf(format string, args ...any) error {
	return &modelErr{class: classInvalid, msg: fmt.Sprintf(format, args...)}
}

func notFoundf(format string, args ...any) error {
	return &modelErr{class: classNotFound, msg: fmt.Sprintf(format, args...)}
}

// classOf returns the class of a model error (0 for nil).
func classOf(err error) errClass {
	var me *modelErr
	if errors.As(err, &me) {
		return me.class
	}
	if err != nil {
		return classOther
	}
	return 0
}

// ---- the keys and texts the engine accepts ----

const maxKey = backorder.MaxKeyLen

func keyBad(s string) bool {
	return s == "" || len(s) > maxKey || !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0
}

func textBad(s string) bool { return s != "" && keyBad(s) }

// ---- the allocation rules ----

// demandOf is a line as the policy sees it at loc.
func (m *model) demandOf(l *backorder.Line, loc string, casePack int64) allocation.Demand {
	return allocation.Demand{
		Outstanding: l.Backordered,
		Held:        freeAt(l, loc),
		Seq:         l.Seq,
		Min:         l.MinAllocation,
		Multiple:    casePack,
		Tier:        m.orders[l.OrderID].hdr.Priority,
		Protection:  m.protection(l.Protection),
	}
}

// protection maps a line's protection to the policy's class: the default
// follows Config.Preempt.
func (m *model) protection(p backorder.Protection) allocation.Protection {
	switch p {
	case backorder.ProtectKeep:
		return allocation.Keep
	case backorder.ProtectRedistribute:
		return allocation.Redistribute
	case backorder.ProtectWin:
		return allocation.Win
	}
	if m.cfg.Preempt {
		return allocation.Redistribute
	}
	return allocation.Keep
}

// allocateAt hands the available stock of sku at loc to its book in policy
// order. When that serves lines (the book's backordered total goes down),
// stock that minimums or case packs held back at other locations may now
// fit what those lines still wait for, so every other location with stock
// available is offered to the book again, in location order, and then all
// of them, until a round serves nothing.
//
// A round that preempts (moves holdings) counts as serving too: the line
// that lost stock may take stock elsewhere. The rounds are bounded (by
// twice the number of locations, and two) only against a policy that keeps
// moving holdings.
func (m *model) allocateAt(sku, loc string) {
	if !m.allocateOnce(sku, loc) {
		return
	}
	locs := m.locations()
	for skip, served, passes := loc, true, 0; served && passes <= 2*len(locs)+2; skip, passes = "", passes+1 {
		served = false
		for _, l := range locs {
			if l.ID != skip && m.available(sku, l.ID) > 0 && m.allocateOnce(sku, l.ID) {
				served = true
			}
		}
	}
}

// allocateOnce runs the policy once for sku at loc and reports whether it
// changed what lines wait for: the book's backordered total went down, or
// a line lost stock to preemption. The book is every line with backordered
// quantity; when the engine preempts, or a waiting line is ProtectWin,
// every line holding free stock at loc joins it too, so the policy may
// move holdings. Grants are applied in Seq order.
func (m *model) allocateOnce(sku, loc string) bool {
	it := m.items[sku]
	var waiting bool
	preemptive := m.cfg.Preempt
	for _, l := range m.skuLines[sku] {
		if l.Backordered > 0 {
			waiting = true
			if l.Protection == backorder.ProtectWin {
				preemptive = true
			}
		}
	}
	if !waiting {
		return false
	}
	supply := max(m.available(sku, loc), 0)
	if !preemptive && supply == 0 {
		return false
	}
	var cands []*backorder.Line
	for _, l := range m.skuLines[sku] {
		if l.Backordered > 0 || (preemptive && freeAt(l, loc) > 0) {
			cands = append(cands, l)
		}
	}
	demands := make([]allocation.Demand, len(cands))
	for i, l := range cands {
		demands[i] = m.demandOf(l, loc, it.CasePack)
	}
	grants := m.policy(it).Allocate(nil, supply, demands)
	var net int64
	moved := false
	for i, g := range grants {
		if g == 0 {
			continue
		}
		net += g
		l := cands[i]
		m.reproject(sku)
		m.saveLine(l)
		l.Allocations = addAt(l.Allocations, loc, g)
		if g > 0 {
			l.Backordered -= g
			m.emit(backorder.Event{Type: backorder.LineAllocated, OrderID: l.OrderID, LineID: l.ID, SKU: sku, Location: loc, Qty: g})
		} else {
			moved = true
			m.emit(backorder.Event{Type: backorder.LineDeallocated, OrderID: l.OrderID, LineID: l.ID, SKU: sku, Location: loc, Qty: -g, Reason: "preempted"})
			m.unallocated(l, -g, "preempted", false)
		}
		m.waited(l)
	}
	return net > 0 || moved
}

// unallocated settles q units a line lost (to preemption, a shrink or a
// released shipment): they wait again for an item that takes backorders
// (with LineBackordered when announce says so), and are cancelled for one
// that does not, since nothing waits for it.
func (m *model) unallocated(l *backorder.Line, q int64, why string, announce bool) {
	it := m.items[l.SKU]
	if it.Status == backorder.Replenishable {
		l.Backordered += q
		if announce {
			m.emit(backorder.Event{Type: backorder.LineBackordered, OrderID: l.OrderID, LineID: l.ID, SKU: l.SKU, Qty: q, Reason: why})
		}
		return
	}
	l.Cancelled += q
	l.CancelReason = string(it.Status)
	m.emit(backorder.Event{Type: backorder.LineCancelled, OrderID: l.OrderID, LineID: l.ID, SKU: l.SKU, Qty: q, Reason: string(it.Status)})
}

// allocateAll runs allocateAt at every location, in location order, where
// stock is available (everywhere, when the engine preempts).
func (m *model) allocateAll(sku string) {
	for _, loc := range m.locations() {
		if m.cfg.Preempt || m.available(sku, loc.ID) > 0 {
			m.allocateAt(sku, loc.ID)
		}
	}
}

// grantsSince lists the allocations and deallocations among the pending
// events from index mark on.
func (m *model) grantsSince(mark int) (alloc, dealloc []backorder.Grant) {
	for _, ev := range m.pending[mark:] {
		g := backorder.Grant{OrderID: ev.OrderID, LineID: ev.LineID, Location: ev.Location, Qty: ev.Qty}
		switch ev.Type {
		case backorder.LineAllocated:
			alloc = append(alloc, g)
		case backorder.LineDeallocated:
			dealloc = append(dealloc, g)
		}
	}
	return alloc, dealloc
}

// ---- items and locations ----

func (m *model) putLocation(loc backorder.Location) error {
	if keyBad(loc.ID) {
		return invalidf("Location.ID")
	}
	m.locs[loc.ID] = loc
	return nil
}

func (m *model) putItem(it backorder.Item) error {
	if keyBad(it.SKU) {
		return invalidf("Item.SKU")
	}
	switch it.Status {
	case "", backorder.Replenishable, backorder.NoBackorder, backorder.Discontinued:
	default:
		return invalidf("Item.Status")
	}
	if it.LeadTime < 0 {
		return invalidf("Item.LeadTime")
	}
	if it.CasePack < 0 {
		return invalidf("Item.CasePack")
	}
	if it.Policy != "" && m.policies[it.Policy] == nil {
		return invalidf("Item.Policy")
	}
	for _, s := range it.Substitutes {
		if keyBad(s) || s == it.SKU {
			return invalidf("Item.Substitutes")
		}
	}
	it = it.Clone()
	if it.Status == "" {
		it.Status = backorder.Replenishable
	}
	old, existed := m.items[it.SKU]
	if existed && reflect.DeepEqual(old, it) {
		return nil
	}
	m.items[it.SKU] = it
	m.cmd = "item/" + it.SKU
	m.emit(backorder.Event{Type: backorder.ItemChanged, SKU: it.SKU, Reason: string(it.Status)})
	if existed {
		if it.Status != backorder.Replenishable {
			// Nothing waits for an item that takes no backorders.
			for _, l := range m.book(it.SKU) {
				m.saveLine(l)
				m.reproject(l.SKU)
				q := l.Backordered
				l.Backordered = 0
				l.Cancelled += q
				l.CancelReason = string(it.Status)
				m.waited(l)
				m.emit(backorder.Event{Type: backorder.BackorderCancelled, OrderID: l.OrderID, LineID: l.ID, SKU: l.SKU, Qty: q, Reason: string(it.Status)})
			}
		}
		m.allocateAll(it.SKU)
	}
	return m.projectAll()
}

// ---- stock ----

func (m *model) needItemLoc(sku, loc string) error {
	if _, ok := m.items[sku]; !ok {
		return notFoundf("item %s", sku)
	}
	if _, ok := m.locs[loc]; !ok {
		return notFoundf("location %s", loc)
	}
	return nil
}

func validReceipt(r backorder.Receipt) error {
	switch {
	case keyBad(r.ID):
		return invalidf("Receipt.ID")
	case keyBad(r.SKU):
		return invalidf("Receipt.SKU")
	case keyBad(r.Location):
		return invalidf("Receipt.Location")
	case r.Qty <= 0:
		return invalidf("Receipt.Qty")
	case textBad(r.InboundID):
		return invalidf("Receipt.InboundID")
	}
	return nil
}

func (m *model) receive(r backorder.Receipt) (backorder.ReceiveResult, error) {
	if err := m.needItemLoc(r.SKU, r.Location); err != nil {
		return backorder.ReceiveResult{}, err
	}
	if r.InboundID != "" {
		in, ok := m.inbounds[r.InboundID]
		if !ok {
			return backorder.ReceiveResult{}, notFoundf("inbound %s", r.InboundID)
		}
		if in.SKU != r.SKU || in.Location != r.Location {
			return backorder.ReceiveResult{}, invalidf("Receipt.InboundID: for another SKU or location")
		}
		if in.Received > math.MaxInt64-r.Qty {
			return backorder.ReceiveResult{}, invalidf("Receipt.Qty: inbound received overflows")
		}
		in.Qty -= min(in.Qty, r.Qty)
		in.Received += r.Qty
		m.inbounds[in.ID] = in
	}
	p := m.position(r.SKU, r.Location)
	if p.OnHand > math.MaxInt64-r.Qty || p.Received > math.MaxInt64-r.Qty {
		return backorder.ReceiveResult{}, invalidf("Receipt.Qty: on hand overflows")
	}
	p.OnHand += r.Qty
	p.Received += r.Qty
	m.emit(backorder.Event{Type: backorder.StockReceived, SKU: r.SKU, Location: r.Location, Qty: r.Qty, InboundID: r.InboundID})
	mark := len(m.pending)
	m.allocateAt(r.SKU, r.Location)
	res := backorder.ReceiveResult{Position: m.positionOut(r.SKU, r.Location)}
	res.Allocated, _ = m.grantsSince(mark)
	return res, nil
}

func validAdjustment(a backorder.Adjustment) error {
	switch {
	case keyBad(a.ID):
		return invalidf("Adjustment.ID")
	case keyBad(a.SKU):
		return invalidf("Adjustment.SKU")
	case keyBad(a.Location):
		return invalidf("Adjustment.Location")
	case a.Delta == 0:
		return invalidf("Adjustment.Delta")
	}
	return nil
}

func validCount(c backorder.Count) error {
	switch {
	case keyBad(c.ID):
		return invalidf("Count.ID")
	case keyBad(c.SKU):
		return invalidf("Count.SKU")
	case keyBad(c.Location):
		return invalidf("Count.Location")
	case c.OnHand < 0:
		return invalidf("Count.OnHand")
	}
	return nil
}

// adjust changes on hand by the delta that delta(onHand) returns, takes
// allocations back when on hand falls below what is allocated, and hands
// new stock to the book.
func (m *model) adjust(sku, loc, reason string, delta func(onHand int64) (int64, error)) (backorder.StockResult, error) {
	if err := m.needItemLoc(sku, loc); err != nil {
		return backorder.StockResult{}, err
	}
	p := m.position(sku, loc)
	d, err := delta(p.OnHand)
	if err != nil {
		return backorder.StockResult{}, err
	}
	if d == 0 {
		return backorder.StockResult{Position: m.positionOut(sku, loc)}, nil
	}
	if (d > 0 && p.Adjusted > math.MaxInt64-d) || (d < 0 && p.Adjusted < math.MinInt64-d) {
		return backorder.StockResult{}, invalidf("Delta: adjusted total overflows")
	}
	p.OnHand += d
	p.Adjusted += d
	m.emit(backorder.Event{Type: backorder.StockAdjusted, SKU: sku, Location: loc, Qty: d, Reason: reason})
	mark := len(m.pending)
	if alloc := m.allocated(sku, loc); alloc > p.OnHand {
		if err := m.shrink(sku, loc, alloc-p.OnHand); err != nil {
			return backorder.StockResult{}, err
		}
		// The lines that lost stock wait again, and stock held back
		// elsewhere may fit them now.
		m.allocateAll(sku)
	} else {
		m.allocateAt(sku, loc)
	}
	res := backorder.StockResult{Position: m.positionOut(sku, loc)}
	res.Allocated, res.Deallocated = m.grantsSince(mark)
	return res, nil
}

// shrink takes qty of free allocation at loc back from the lines the
// policy ranks last; what they lose waits again, or is cancelled when the
// item takes no backorders.
func (m *model) shrink(sku, loc string, qty int64) error {
	it := m.items[sku]
	var holders []*backorder.Line
	for _, l := range m.skuLines[sku] {
		if freeAt(l, loc) > 0 {
			holders = append(holders, l)
		}
	}
	demands := make([]allocation.Demand, len(holders))
	for i, l := range holders {
		demands[i] = m.demandOf(l, loc, it.CasePack)
	}
	rank := allocation.Rank(m.policy(it), nil, demands)
	for k := len(rank) - 1; k >= 0 && qty > 0; k-- {
		l := holders[rank[k]]
		m.saveLine(l)
		m.reproject(sku)
		take := min(freeAt(l, loc), qty)
		qty -= take
		l.Allocations = addAt(l.Allocations, loc, -take)
		m.emit(backorder.Event{Type: backorder.LineDeallocated, OrderID: l.OrderID, LineID: l.ID, SKU: sku, Location: loc, Qty: take, Reason: "stock_adjusted"})
		m.unallocated(l, take, "stock_adjusted", true)
	}
	if qty > 0 {
		return invalidf("OnHand: below what created shipments hold")
	}
	return nil
}

// ---- orders ----

// validOrder checks an order as PlaceOrder does before it reads anything.
func validOrder(o backorder.Order) error {
	switch {
	case o.ID == uuid.Nil:
		return invalidf("Order.ID")
	case keyBad(o.Customer):
		return invalidf("Order.Customer")
	case textBad(o.Ref):
		return invalidf("Order.Ref")
	case o.Priority < 0:
		return invalidf("Order.Priority")
	case !shipPolicyOK(o.ShipPolicy):
		return invalidf("Order.ShipPolicy")
	case len(o.Lines) == 0:
		return invalidf("Order.Lines")
	}
	if _, err := invoice.LookupCurrency(o.Currency); err != nil {
		return invalidf("Order.Currency")
	}
	seen := map[uuid.UUID]bool{}
	var total int64
	for i, l := range o.Lines {
		switch {
		case l.ID == uuid.Nil:
			return invalidf("Lines[%d].ID", i)
		case seen[l.ID]:
			return invalidf("Lines[%d].ID duplicate", i)
		case l.OrderID != uuid.Nil && l.OrderID != o.ID:
			return invalidf("Lines[%d].OrderID", i)
		case keyBad(l.SKU):
			return invalidf("Lines[%d].SKU", i)
		case l.Qty <= 0:
			return invalidf("Lines[%d].Qty", i)
		case total > math.MaxInt64-l.Qty:
			return invalidf("Lines[%d].Qty overflows", i)
		case l.UnitPrice.IsNegative():
			return invalidf("Lines[%d].UnitPrice", i)
		case textBad(l.PreferredLocation):
			return invalidf("Lines[%d].PreferredLocation", i)
		case l.MinAllocation < 0 || l.MinAllocation > l.Qty:
			return invalidf("Lines[%d].MinAllocation", i)
		case !protectionOK(l.Protection):
			return invalidf("Lines[%d].Protection", i)
		case !shipPolicyOK(l.ShipPolicy):
			return invalidf("Lines[%d].ShipPolicy", i)
		case textBad(l.ShipGroup):
			return invalidf("Lines[%d].ShipGroup", i)
		case l.Seq != 0 || len(l.Allocations) > 0 || len(l.Committed) > 0 || l.Shipped != 0 ||
			l.Cancelled != 0 || l.Backordered != 0 || l.Rejected != 0:
			return invalidf("Lines[%d]: split fields set", i)
		}
		seen[l.ID] = true
		total += l.Qty
	}
	if err := invoice.Validate(pricingOf(o)); err != nil {
		return invalidf("Order pricing: %v", err)
	}
	return nil
}

func shipPolicyOK(p backorder.ShipPolicy) bool {
	switch p {
	case "", backorder.ShipPartial, backorder.ShipComplete, backorder.LineComplete, backorder.FillOrKill:
		return true
	}
	return false
}

func protectionOK(p backorder.Protection) bool {
	switch p {
	case backorder.ProtectDefault, backorder.ProtectKeep, backorder.ProtectRedistribute, backorder.ProtectWin:
		return true
	}
	return false
}

// pricingOf is the order as the invoice package bills it: each line bills
// its ordered quantity less what was cancelled; fully cancelled lines are
// left out.
func pricingOf(o backorder.Order) invoice.Order {
	io := invoice.Order{ID: o.ID.String(), Currency: o.Currency, TaxInclusive: o.TaxInclusive,
		TaxRounding: o.TaxRounding, Rounding: o.Rounding, Charges: o.Charges}
	for _, l := range o.Lines {
		if q := l.Qty - l.Cancelled; q > 0 {
			io.Lines = append(io.Lines, invoice.Line{ID: l.ID.String(), SKU: l.SKU, Qty: q, UnitPrice: l.UnitPrice,
				DiscountPercent: l.DiscountPercent, DiscountAmount: l.DiscountAmount,
				TaxPercent: l.TaxPercent, TaxCategory: l.TaxCategory})
		}
	}
	return io
}

func (m *model) placeOrder(in backorder.Order) (backorder.PlaceResult, error) {
	if _, ok := m.orders[in.ID]; ok {
		return backorder.PlaceResult{}, invalidf("Order.ID exists")
	}
	o := in.Clone()
	if o.Priority == 0 {
		o.Priority = m.cfg.DefaultPriority
		if o.Priority == 0 {
			o.Priority = 1
		}
	}
	if o.Placed.IsZero() {
		o.Placed = m.now
	}
	if o.ShipPolicy == "" {
		o.ShipPolicy = backorder.ShipPartial
	}
	var total int64
	for i := range o.Lines {
		l := &o.Lines[i]
		if m.lines[l.ID] != nil {
			return backorder.PlaceResult{}, invalidf("Lines[%d].ID exists", i)
		}
		if _, ok := m.items[l.SKU]; !ok {
			return backorder.PlaceResult{}, notFoundf("item %s", l.SKU)
		}
		if l.PreferredLocation != "" {
			if _, ok := m.locs[l.PreferredLocation]; !ok {
				return backorder.PlaceResult{}, notFoundf("location %s", l.PreferredLocation)
			}
		}
		m.seq[l.SKU]++
		l.OrderID = o.ID
		l.Seq = m.seq[l.SKU]
		l.Backordered = l.Qty
		total += l.Qty
	}
	mo := &mOrder{hdr: o.Header()}
	m.j.orders[o.ID] = nil
	m.orders[o.ID] = mo
	m.orderIDs = append(m.orderIDs, o.ID)
	for i := range o.Lines {
		l := o.Lines[i].Clone()
		m.j.lines[l.ID] = nil
		if _, ok := m.j.skuLen[l.SKU]; !ok {
			m.j.skuLen[l.SKU] = len(m.skuLines[l.SKU])
		}
		m.lines[l.ID] = &l
		m.skuLines[l.SKU] = append(m.skuLines[l.SKU], &l)
		mo.lines = append(mo.lines, l.ID)
		m.reproject(l.SKU)
	}
	m.emit(backorder.Event{Type: backorder.OrderPlaced, OrderID: o.ID, Customer: o.Customer, Qty: total})
	locs := m.locations()
	for _, id := range mo.lines {
		l := m.lines[id]
		if pref := l.PreferredLocation; pref != "" && m.available(l.SKU, pref) > 0 {
			m.allocateAt(l.SKU, pref)
		}
		for _, loc := range locs {
			if l.Backordered == 0 {
				break
			}
			if loc.ID != l.PreferredLocation && (m.cfg.Preempt || m.available(l.SKU, loc.ID) > 0) {
				m.allocateAt(l.SKU, loc.ID)
			}
		}
	}
	res := backorder.PlaceResult{OrderID: o.ID, Lines: make([]backorder.LineResult, len(mo.lines))}
	for i, id := range mo.lines {
		l := m.lines[id]
		if b := l.Backordered; b > 0 {
			switch m.items[l.SKU].Status {
			case backorder.Replenishable:
				m.emit(backorder.Event{Type: backorder.LineBackordered, OrderID: o.ID, LineID: l.ID, SKU: l.SKU, Qty: b})
			case backorder.NoBackorder:
				l.Backordered, l.Cancelled, l.CancelReason = 0, l.Cancelled+b, "no_backorder"
				m.emit(backorder.Event{Type: backorder.LineCancelled, OrderID: o.ID, LineID: l.ID, SKU: l.SKU, Qty: b, Reason: "no_backorder"})
			case backorder.Discontinued:
				l.Backordered, l.Cancelled, l.Rejected, l.CancelReason = 0, l.Cancelled+b, l.Rejected+b, "discontinued"
				m.emit(backorder.Event{Type: backorder.LineRejected, OrderID: o.ID, LineID: l.ID, SKU: l.SKU, Qty: b, Reason: "discontinued"})
			}
		}
		res.Lines[i] = lineResult(l)
	}
	return res, nil
}

func validCancellation(c backorder.Cancellation) error {
	switch {
	case keyBad(c.ID):
		return invalidf("Cancellation.ID")
	case c.OrderID == uuid.Nil:
		return invalidf("Cancellation.OrderID")
	case c.Qty < 0:
		return invalidf("Cancellation.Qty")
	case c.Qty > 0 && c.LineID == uuid.Nil:
		return invalidf("Cancellation.LineID")
	case textBad(c.Reason):
		return invalidf("Cancellation.Reason")
	}
	return nil
}

func (m *model) cancel(c backorder.Cancellation) (backorder.CancelResult, error) {
	o, ok := m.orders[c.OrderID]
	if !ok {
		return backorder.CancelResult{}, notFoundf("order %s", c.OrderID)
	}
	reason := c.Reason
	if reason == "" {
		reason = "cancelled"
	}
	var targets []uuid.UUID
	if c.LineID != uuid.Nil {
		if !slices.Contains(o.lines, c.LineID) {
			return backorder.CancelResult{}, notFoundf("line %s", c.LineID)
		}
		l := m.lines[c.LineID]
		if c.Qty > open(l)-sumQty(l.Committed) {
			return backorder.CancelResult{}, invalidf("Cancellation.Qty: more than is open")
		}
		targets = []uuid.UUID{c.LineID}
	} else {
		targets = o.lines
	}
	locs := m.locations()
	res := backorder.CancelResult{OrderID: o.hdr.ID}
	released := map[skuLoc]int64{}
	var skus, touched []string
	for _, id := range targets {
		l := m.lines[id]
		q := c.Qty
		if q == 0 {
			q = open(l) - sumQty(l.Committed)
		}
		if q == 0 {
			continue
		}
		if !slices.Contains(touched, l.SKU) {
			touched = append(touched, l.SKU)
		}
		m.saveLine(l)
		m.reproject(l.SKU)
		fromBook := min(q, l.Backordered)
		l.Backordered -= fromBook
		rest := q - fromBook
		for k := len(locs) - 1; k >= 0 && rest > 0; k-- {
			loc := locs[k].ID
			t := min(rest, freeAt(l, loc))
			if t == 0 {
				continue
			}
			rest -= t
			l.Allocations = addAt(l.Allocations, loc, -t)
			if !slices.Contains(skus, l.SKU) {
				skus = append(skus, l.SKU)
			}
			released[skuLoc{l.SKU, loc}] += t
			m.emit(backorder.Event{Type: backorder.LineDeallocated, OrderID: l.OrderID, LineID: l.ID, SKU: l.SKU, Location: loc, Qty: t, Reason: reason})
		}
		if rest > 0 {
			return backorder.CancelResult{}, &modelErr{class: classOther, msg: "line allocated at an unknown location"}
		}
		l.Cancelled += q
		l.CancelReason = reason
		m.waited(l)
		m.emit(backorder.Event{Type: backorder.LineCancelled, OrderID: l.OrderID, LineID: l.ID, SKU: l.SKU, Qty: q, Reason: reason})
		res.Lines = append(res.Lines, lineResult(l))
	}
	if len(res.Lines) == 0 {
		return backorder.CancelResult{}, invalidf("Cancellation: nothing open")
	}
	mark := len(m.pending)
	for _, sku := range skus {
		for _, loc := range locs {
			if q := released[skuLoc{sku, loc.ID}]; q > 0 {
				res.Released = append(res.Released, backorder.LocQty{Location: loc.ID, Qty: q})
			}
		}
	}
	// Freed stock goes to the book; and a line whose backorder shrank may
	// now fit stock its minimum or case pack held back anywhere.
	for _, sku := range touched {
		m.allocateAll(sku)
	}
	res.Reallocated, _ = m.grantsSince(mark)
	return res, nil
}

func validPriorityChange(p backorder.PriorityChange) error {
	switch {
	case keyBad(p.ID):
		return invalidf("PriorityChange.ID")
	case p.OrderID == uuid.Nil:
		return invalidf("PriorityChange.OrderID")
	case p.Priority < 1:
		return invalidf("PriorityChange.Priority")
	}
	return nil
}

func (m *model) setPriority(p backorder.PriorityChange) (backorder.PriorityResult, error) {
	o, ok := m.orders[p.OrderID]
	if !ok {
		return backorder.PriorityResult{}, notFoundf("order %s", p.OrderID)
	}
	res := backorder.PriorityResult{OrderID: o.hdr.ID, From: o.hdr.Priority, To: p.Priority}
	if o.hdr.Priority == p.Priority {
		return res, nil
	}
	m.saveOrder(o)
	o.hdr.Priority = p.Priority
	m.emit(backorder.Event{Type: backorder.PriorityChanged, OrderID: o.hdr.ID, From: int64(res.From), To: int64(res.To)})
	mark := len(m.pending)
	var skus []string
	for _, id := range o.lines {
		l := m.lines[id]
		if open(l) > 0 && !slices.Contains(skus, l.SKU) {
			skus = append(skus, l.SKU)
		}
	}
	for _, sku := range skus {
		m.allocateAll(sku)
	}
	res.Allocated, res.Deallocated = m.grantsSince(mark)
	return res, nil
}
