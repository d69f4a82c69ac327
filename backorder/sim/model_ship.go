package sim

import (
	"cmp"
	"slices"
	"sort"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/backorderkit/backorderkit/backorder"
)

// plan is what the order would ship now, by its ship policies, ship
// groups, ship-after date and thresholds.
func (m *model) plan(o *mOrder, now time.Time) backorder.OrderPlan {
	plan := backorder.OrderPlan{OrderID: o.hdr.ID}
	lines := make([]*backorder.Line, len(o.lines))
	for i, id := range o.lines {
		lines[i] = m.lines[id]
	}
	free := func(l *backorder.Line) int64 { return sumQty(l.Allocations) - sumQty(l.Committed) }
	hold := func(l *backorder.Line, why string) {
		plan.Held = append(plan.Held, backorder.HeldLine{LineID: l.ID, Reason: why})
	}
	ok := make([]bool, len(lines))
	for i, l := range lines {
		ok[i] = free(l) > 0
	}
	if now.Before(o.hdr.ShipAfter) {
		for i, l := range lines {
			if ok[i] {
				hold(l, backorder.HoldShipAfter)
			}
		}
		return plan
	}
	shortComplete := false
	shortGroup := map[string]bool{}
	for _, l := range lines {
		if m.linePolicy(o, l) == backorder.ShipComplete && l.Backordered > 0 {
			shortComplete = true
		}
		if l.ShipGroup != "" && l.Backordered > 0 {
			shortGroup[l.ShipGroup] = true
		}
	}
	for i, l := range lines {
		if !ok[i] {
			continue
		}
		pol := m.linePolicy(o, l)
		switch {
		case pol == backorder.ShipComplete && shortComplete:
			ok[i] = false
			hold(l, backorder.HoldShipComplete)
		case pol == backorder.LineComplete && l.Backordered > 0:
			ok[i] = false
			hold(l, backorder.HoldLineComplete)
		case l.ShipGroup != "" && shortGroup[l.ShipGroup]:
			ok[i] = false
			hold(l, backorder.HoldShipGroup)
		}
	}
	var byLoc []*backorder.ShipmentPlan
	at := func(loc string) *backorder.ShipmentPlan {
		for _, p := range byLoc {
			if p.Location == loc {
				return p
			}
		}
		p := &backorder.ShipmentPlan{OrderID: o.hdr.ID, Location: loc, Value: decimal.Zero}
		byLoc = append(byLoc, p)
		return p
	}
	var total int64
	value := decimal.Zero
	completes := true
	for i, l := range lines {
		if !ok[i] {
			if open(l) > 0 {
				completes = false
			}
			continue
		}
		if l.Backordered > 0 && m.linePolicy(o, l) != backorder.FillOrKill {
			completes = false
		}
		for _, a := range l.Allocations {
			q := a.Qty - qtyAt(l.Committed, a.Location)
			if q <= 0 {
				continue
			}
			p := at(a.Location)
			v := l.UnitPrice.Mul(decimal.NewFromInt(q))
			p.Lines = append(p.Lines, backorder.ShipmentLine{LineID: l.ID, SKU: l.SKU, Qty: q})
			p.Qty += q
			p.Value = p.Value.Add(v)
			total += q
			value = value.Add(v)
		}
	}
	if len(byLoc) == 0 {
		return plan
	}
	below := (o.hdr.MinShipQty > 0 && total < o.hdr.MinShipQty) ||
		(o.hdr.MinShipValue.IsPositive() && value.LessThan(o.hdr.MinShipValue))
	if below && !completes && (o.hdr.HoldUntil.IsZero() || now.Before(o.hdr.HoldUntil)) {
		for i, l := range lines {
			if ok[i] {
				hold(l, backorder.HoldBelowThreshold)
			}
		}
		return plan
	}
	sort.SliceStable(byLoc, func(i, j int) bool {
		a, b := byLoc[i], byLoc[j]
		if c := cmp.Compare(m.locRank(a.Location), m.locRank(b.Location)); c != 0 {
			return c < 0
		}
		return a.Location < b.Location
	})
	for _, p := range byLoc {
		plan.Shipments = append(plan.Shipments, *p)
	}
	return plan
}

// planAll plans every open order with something to ship now, by priority,
// placed time and id.
func (m *model) planAll() []backorder.OrderPlan {
	var orders []*mOrder
	for _, id := range m.orderIDs {
		o := m.orders[id]
		for _, lid := range o.lines {
			if open(m.lines[lid]) > 0 {
				orders = append(orders, o)
				break
			}
		}
	}
	slices.SortFunc(orders, func(a, b *mOrder) int {
		if c := cmp.Compare(a.hdr.Priority, b.hdr.Priority); c != 0 {
			return c
		}
		if c := a.hdr.Placed.Compare(b.hdr.Placed); c != 0 {
			return c
		}
		return cmp.Compare(a.hdr.ID.String(), b.hdr.ID.String())
	})
	var out []backorder.OrderPlan
	for _, o := range orders {
		if p := m.plan(o, m.now); len(p.Shipments) > 0 {
			out = append(out, p)
		}
	}
	return out
}

func validShipRequest(r backorder.ShipRequest) error {
	switch {
	case keyBad(r.ID):
		return invalidf("ShipRequest.ID")
	case r.OrderID == uuid.Nil:
		return invalidf("ShipRequest.OrderID")
	case textBad(r.Location):
		return invalidf("ShipRequest.Location")
	}
	return nil
}

func (m *model) ship(r backorder.ShipRequest) (backorder.ShipResult, error) {
	o, ok := m.orders[r.OrderID]
	if !ok {
		return backorder.ShipResult{}, notFoundf("order %s", r.OrderID)
	}
	if r.Location != "" {
		if _, ok := m.locs[r.Location]; !ok {
			return backorder.ShipResult{}, notFoundf("location %s", r.Location)
		}
	}
	plan := m.plan(o, m.now)
	if r.Consolidate && len(plan.Shipments) > 1 && r.Location == "" {
		if m.consolidate(o, plan) {
			plan = m.plan(o, m.now)
		}
	}
	res := backorder.ShipResult{Held: plan.Held}
	prior := len(o.ships)
	for _, p := range plan.Shipments {
		if r.Location != "" && p.Location != r.Location {
			continue
		}
		sh := &backorder.Shipment{ID: m.placeholder(), OrderID: o.hdr.ID, Location: p.Location,
			Status: backorder.ShipmentStatusCreated, Lines: slices.Clone(p.Lines), CreatedAt: m.now}
		for _, sl := range sh.Lines {
			l := m.lines[sl.LineID]
			m.saveLine(l)
			l.Committed = addAt(l.Committed, p.Location, sl.Qty)
		}
		m.saveOrder(o)
		o.ships = append(o.ships, sh)
		m.emit(backorder.Event{Type: backorder.ShipmentCreated, OrderID: o.hdr.ID, ShipmentID: sh.ID, Location: sh.Location, Qty: sh.Qty()})
		res.Shipments = append(res.Shipments, sh.Clone())
	}
	if len(res.Shipments) > 0 && prior == 0 {
		for _, id := range o.lines {
			l := m.lines[id]
			if m.linePolicy(o, l) != backorder.FillOrKill || l.Backordered == 0 {
				continue
			}
			m.saveLine(l)
			m.reproject(l.SKU)
			q := l.Backordered
			l.Backordered = 0
			l.Cancelled += q
			l.CancelReason = "fill_or_kill"
			m.waited(l)
			m.emit(backorder.Event{Type: backorder.BackorderCancelled, OrderID: o.hdr.ID, LineID: l.ID, SKU: l.SKU, Qty: q, Reason: "fill_or_kill"})
			res.Cancelled = append(res.Cancelled, lineResult(l))
		}
	}
	return res, nil
}

// consolidate moves the plan's quantities to the first location, in
// location order, that can serve them all from the order's allocation
// there and its available stock; the stock freed elsewhere goes to those
// locations' books. It reports whether it moved anything.
func (m *model) consolidate(o *mOrder, plan backorder.OrderPlan) bool {
	need := map[string]int64{}
	var skus []string
	for _, p := range plan.Shipments {
		for _, sl := range p.Lines {
			if _, ok := need[sl.SKU]; !ok {
				skus = append(skus, sl.SKU)
			}
			need[sl.SKU] += sl.Qty
		}
	}
	locs := m.locations()
	for _, loc := range locs {
		fits := true
		for _, sku := range skus {
			var here int64
			for _, p := range plan.Shipments {
				if p.Location != loc.ID {
					continue
				}
				for _, sl := range p.Lines {
					if sl.SKU == sku {
						here += sl.Qty
					}
				}
			}
			if here+m.available(sku, loc.ID) < need[sku] {
				fits = false
				break
			}
		}
		if !fits {
			continue
		}
		released := map[skuLoc]bool{}
		for _, p := range plan.Shipments {
			if p.Location == loc.ID {
				continue
			}
			for _, sl := range p.Lines {
				l := m.lines[sl.LineID]
				m.saveLine(l)
				m.position(l.SKU, p.Location)
				m.position(l.SKU, loc.ID)
				l.Allocations = addAt(l.Allocations, p.Location, -sl.Qty)
				l.Allocations = addAt(l.Allocations, loc.ID, sl.Qty)
				m.emit(backorder.Event{Type: backorder.LineDeallocated, OrderID: o.hdr.ID, LineID: l.ID, SKU: l.SKU, Location: p.Location, Qty: sl.Qty, Reason: "consolidated"})
				m.emit(backorder.Event{Type: backorder.LineAllocated, OrderID: o.hdr.ID, LineID: l.ID, SKU: l.SKU, Location: loc.ID, Qty: sl.Qty, Reason: "consolidated"})
				released[skuLoc{l.SKU, p.Location}] = true
			}
		}
		// The engine visits the released SKUs of a location in map order;
		// the model visits them by SKU, and the runner compares this
		// stretch of events in that canonical order (see canonical).
		for _, l := range locs {
			var here []string
			for k := range released {
				if k.loc == l.ID {
					here = append(here, k.sku)
				}
			}
			slices.Sort(here)
			for _, sku := range here {
				m.allocateAt(sku, l.ID)
			}
		}
		return true
	}
	return false
}

func validConfirmation(c backorder.Confirmation) error {
	switch {
	case c.ShipmentID == uuid.Nil:
		return invalidf("Confirmation.ShipmentID")
	case textBad(c.Carrier):
		return invalidf("Confirmation.Carrier")
	case textBad(c.Tracking):
		return invalidf("Confirmation.Tracking")
	}
	return nil
}

// shipment finds a shipment by the engine's id.
func (m *model) shipment(id uuid.UUID) (*backorder.Shipment, *mOrder) {
	sh := m.ships[id]
	if sh == nil {
		return nil, nil
	}
	return sh, m.orders[sh.OrderID]
}

func (m *model) confirm(c backorder.Confirmation) (backorder.Shipment, error) {
	sh, o := m.shipment(c.ShipmentID)
	if sh == nil {
		return backorder.Shipment{}, notFoundf("shipment %s", c.ShipmentID)
	}
	if sh.Status != backorder.ShipmentStatusCreated {
		return backorder.Shipment{}, invalidf("Confirmation.ShipmentID: shipment is %s", sh.Status)
	}
	for _, sl := range sh.Lines {
		l := m.lines[sl.LineID]
		m.saveLine(l)
		l.Committed = addAt(l.Committed, sh.Location, -sl.Qty)
		l.Allocations = addAt(l.Allocations, sh.Location, -sl.Qty)
		l.Shipped += sl.Qty
		p := m.position(l.SKU, sh.Location)
		p.OnHand -= sl.Qty
		p.Shipped += sl.Qty
		// Shipping committed stock changes neither what is available nor
		// what waits: the SKU's promises stand.
		delete(m.reproj, l.SKU)
	}
	m.saveShip(sh)
	m.saveOrder(o)
	sh.Status = backorder.ShipmentStatusConfirmed
	sh.ConfirmedAt = m.now
	sh.Carrier, sh.Tracking = c.Carrier, c.Tracking
	m.emit(backorder.Event{Type: backorder.ShipmentConfirmed, OrderID: sh.OrderID, ShipmentID: sh.ID, Location: sh.Location, Qty: sh.Qty()})
	done := true
	for _, id := range o.lines {
		if open(m.lines[id]) > 0 {
			done = false
		}
	}
	if done {
		m.emit(backorder.Event{Type: backorder.OrderCompleted, OrderID: sh.OrderID})
	}
	if m.cfg.AutoInvoice {
		if _, err := m.bill(sh); err != nil {
			return backorder.Shipment{}, err
		}
	}
	return sh.Clone(), nil
}

func validVoid(v backorder.VoidRequest) error {
	switch {
	case v.ShipmentID == uuid.Nil:
		return invalidf("VoidRequest.ShipmentID")
	case textBad(v.Reason):
		return invalidf("VoidRequest.Reason")
	}
	return nil
}

func (m *model) void(v backorder.VoidRequest) (backorder.Shipment, error) {
	sh, o := m.shipment(v.ShipmentID)
	if sh == nil {
		return backorder.Shipment{}, notFoundf("shipment %s", v.ShipmentID)
	}
	if sh.Status != backorder.ShipmentStatusCreated {
		return backorder.Shipment{}, invalidf("VoidRequest.ShipmentID: shipment is %s", sh.Status)
	}
	var skus []string
	for _, sl := range sh.Lines {
		l := m.lines[sl.LineID]
		m.saveLine(l)
		l.Committed = addAt(l.Committed, sh.Location, -sl.Qty)
		if v.Release {
			l.Allocations = addAt(l.Allocations, sh.Location, -sl.Qty)
			m.position(l.SKU, sh.Location)
			m.emit(backorder.Event{Type: backorder.LineDeallocated, OrderID: l.OrderID, LineID: l.ID, SKU: l.SKU, Location: sh.Location, Qty: sl.Qty, Reason: "shipment_voided"})
			m.unallocated(l, sl.Qty, "shipment_voided", false)
			if !slices.Contains(skus, l.SKU) {
				skus = append(skus, l.SKU)
			}
		}
	}
	m.saveShip(sh)
	m.saveOrder(o)
	sh.Status = backorder.ShipmentStatusVoided
	sh.VoidedAt = m.now
	m.emit(backorder.Event{Type: backorder.ShipmentVoided, OrderID: sh.OrderID, ShipmentID: sh.ID, Location: sh.Location, Qty: sh.Qty(), Reason: v.Reason})
	for _, sku := range skus {
		m.allocateAt(sku, sh.Location)
	}
	return sh.Clone(), nil
}

func validReturn(r backorder.ReturnRequest) error {
	switch {
	case keyBad(r.ID):
		return invalidf("ReturnRequest.ID")
	case r.ShipmentID == uuid.Nil:
		return invalidf("ReturnRequest.ShipmentID")
	case len(r.Lines) == 0:
		return invalidf("ReturnRequest.Lines")
	}
	for i, rl := range r.Lines {
		if rl.Qty <= 0 {
			return invalidf("ReturnRequest.Lines[%d].Qty", i)
		}
	}
	return nil
}

func (m *model) returnShipment(r backorder.ReturnRequest) (backorder.Shipment, error) {
	sh, o := m.shipment(r.ShipmentID)
	if sh == nil {
		return backorder.Shipment{}, notFoundf("shipment %s", r.ShipmentID)
	}
	if sh.Status != backorder.ShipmentStatusConfirmed {
		return backorder.Shipment{}, invalidf("ReturnRequest.ShipmentID: shipment is %s", sh.Status)
	}
	m.saveShip(sh)
	m.saveOrder(o)
	var skus []string
	for i, rl := range r.Lines {
		k := slices.IndexFunc(sh.Lines, func(sl backorder.ShipmentLine) bool { return sl.LineID == rl.LineID })
		if k < 0 {
			return backorder.Shipment{}, invalidf("ReturnRequest.Lines[%d].LineID: not on the shipment", i)
		}
		sl := &sh.Lines[k]
		if rl.Qty > sl.Qty-sl.Returned {
			return backorder.Shipment{}, invalidf("ReturnRequest.Lines[%d].Qty: more than shipped and not returned", i)
		}
		sl.Returned += rl.Qty
		p := m.position(sl.SKU, sh.Location)
		p.OnHand += rl.Qty
		p.Adjusted += rl.Qty
		m.emit(backorder.Event{Type: backorder.ShipmentReturned, OrderID: sh.OrderID, ShipmentID: sh.ID, LineID: sl.LineID, SKU: sl.SKU, Location: sh.Location, Qty: rl.Qty, Reason: r.Reason})
		m.emit(backorder.Event{Type: backorder.StockAdjusted, SKU: sl.SKU, Location: sh.Location, Qty: rl.Qty, Reason: "return: " + r.Reason})
		if !slices.Contains(skus, sl.SKU) {
			skus = append(skus, sl.SKU)
		}
	}
	for _, sku := range skus {
		m.allocateAt(sku, sh.Location)
	}
	return sh.Clone(), nil
}
