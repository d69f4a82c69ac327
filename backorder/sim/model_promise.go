package sim

import (
	"slices"
	"time"

	"github.com/backorderkit/backorderkit/allocation"
	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/eta"
)

// reproject marks a SKU whose book, stock or inbound supply the running
// operation touched: its promises are projected again before it ends.
func (m *model) reproject(sku string) { m.reproj[sku] = true }

// waited notes a line whose backorder the operation changed: a line that
// stops waiting, even for a moment within the operation, loses its promise
// (a promise is for waiting lines; one that waits again gets a new one).
func (m *model) waited(l *backorder.Line) {
	if l.Backordered == 0 {
		m.unwaited[l.ID] = true
	}
}

// projectAll re-projects the promises of the SKUs the operation touched,
// with package eta (the promise oracle, as allocation is the allocation
// oracle), and keeps each line's stored promise as the engine documents:
// a new promise is stored when it differs, except that a lead-time estimate
// that only slides with the clock stands until it passes; PromiseChanged is
// raised when the ready day moves, PromiseLate when it moves past the
// requested date. A line that stopped waiting has no promise (see waited).
func (m *model) projectAll() error {
	for id := range m.unwaited {
		m.setPromise(id, backorder.PromiseDate{})
	}
	skus := make([]string, 0, len(m.reproj))
	for sku := range m.reproj {
		skus = append(skus, sku)
	}
	slices.Sort(skus)
	for _, sku := range skus {
		if err := m.project(sku); err != nil {
			return err
		}
	}
	return nil
}

func (m *model) project(sku string) error {
	waiting := m.book(sku)
	if len(waiting) == 0 {
		return nil
	}
	it := m.items[sku]
	in := eta.Input{
		Now:          m.now,
		Policy:       m.policy(it),
		Handling:     m.cfg.HandlingDays,
		Transit:      m.cfg.TransitDays,
		LeadTime:     it.LeadTime,
		Discontinued: it.Status == backorder.Discontinued,
		Demands:      make([]allocation.Demand, len(waiting)),
	}
	for i, l := range waiting {
		d := m.demandOf(l, "", it.CasePack)
		d.Held = 0
		in.Demands[i] = d
	}
	for _, loc := range m.locations() {
		if a := m.available(sku, loc.ID); a > 0 {
			in.OnHand = append(in.OnHand, eta.Stock{Location: loc.ID, Qty: a})
		}
	}
	for _, ib := range m.inboundsOf(sku) {
		in.Inbound = append(in.Inbound, eta.Inbound{Qty: ib.Qty, Expected: ib.Expected, Location: ib.Location, Supplier: ib.Supplier})
	}
	proj, err := eta.Project(in)
	if err != nil {
		return &modelErr{class: classOther, msg: "projecting promises: " + err.Error()}
	}
	for i, l := range waiting {
		pr := proj.Promise(i)
		next := backorder.PromiseDate{Kind: kindOf(pr.Kind), Ready: pr.Ready, Delivery: pr.Delivery}
		old := m.promises[l.ID]
		if keepEstimate(old, next, m.now, it.LeadTime) || samePromise(old, next) {
			continue
		}
		m.setPromise(l.ID, next)
		if sameDay(old.Ready, next.Ready) {
			continue
		}
		m.emit(backorder.Event{Type: backorder.PromiseChanged, OrderID: l.OrderID, LineID: l.ID, SKU: sku,
			OldDate: old.Ready, NewDate: next.Ready, Reason: string(next.Kind)})
		rd := m.orders[l.OrderID].hdr.RequestedDate
		if !rd.IsZero() && !next.Ready.IsZero() && next.Ready.After(rd) && (old.Ready.IsZero() || !old.Ready.After(rd)) {
			m.emit(backorder.Event{Type: backorder.PromiseLate, OrderID: l.OrderID, LineID: l.ID, SKU: sku,
				OldDate: rd, NewDate: next.Ready})
		}
	}
	return nil
}

func kindOf(k eta.Kind) backorder.PromiseKind {
	switch k {
	case eta.Covered:
		return backorder.PromiseCovered
	case eta.Estimated:
		return backorder.PromiseEstimated
	}
	return backorder.PromiseNone
}

func samePromise(a, b backorder.PromiseDate) bool {
	return a.Kind == b.Kind && a.Ready.Equal(b.Ready) && a.Delivery.Equal(b.Delivery)
}

// keepEstimate: a stored lead-time estimate stands against a later one
// that only slides with the clock (no later than now + lead time + a day)
// while the stored date has not passed.
func keepEstimate(old, next backorder.PromiseDate, now time.Time, lead time.Duration) bool {
	return old.Kind == backorder.PromiseEstimated && next.Kind == backorder.PromiseEstimated &&
		next.Ready.After(old.Ready) && old.Ready.After(now) && !next.Ready.After(now.Add(lead+24*time.Hour))
}

// sameDay compares instants by UTC calendar day; zero equals only zero.
func sameDay(a, b time.Time) bool {
	if a.IsZero() || b.IsZero() {
		return a.IsZero() && b.IsZero()
	}
	return a.UTC().Format(time.DateOnly) == b.UTC().Format(time.DateOnly)
}

// ---- inbound supply ----

func validInbound(in backorder.Inbound) error {
	switch {
	case keyBad(in.ID):
		return invalidf("Inbound.ID")
	case keyBad(in.SKU):
		return invalidf("Inbound.SKU")
	case keyBad(in.Location):
		return invalidf("Inbound.Location")
	case in.Qty <= 0:
		return invalidf("Inbound.Qty")
	case in.Expected.IsZero():
		return invalidf("Inbound.Expected")
	case textBad(in.Supplier):
		return invalidf("Inbound.Supplier")
	case in.Received != 0:
		return invalidf("Inbound.Received")
	}
	return nil
}

func (m *model) expectInbound(in backorder.Inbound) (any, error) {
	if _, ok := m.inbounds[in.ID]; ok {
		return nil, invalidf("Inbound.ID exists")
	}
	if err := m.needItemLoc(in.SKU, in.Location); err != nil {
		return nil, err
	}
	m.inbounds[in.ID] = in
	m.reproject(in.SKU)
	m.emit(backorder.Event{Type: backorder.InboundExpected, InboundID: in.ID, SKU: in.SKU, Location: in.Location, Qty: in.Qty, NewDate: in.Expected})
	return nil, nil
}

func validInboundChange(c backorder.InboundChange) error {
	switch {
	case keyBad(c.ID):
		return invalidf("InboundChange.ID")
	case keyBad(c.InboundID):
		return invalidf("InboundChange.InboundID")
	case c.Qty < 0:
		return invalidf("InboundChange.Qty")
	case c.Qty == 0 && c.Expected.IsZero():
		return invalidf("InboundChange: changes nothing")
	}
	return nil
}

func (m *model) changeInbound(c backorder.InboundChange) (backorder.Inbound, error) {
	in, ok := m.inbounds[c.InboundID]
	if !ok {
		return backorder.Inbound{}, notFoundf("inbound %s", c.InboundID)
	}
	old := in.Expected
	if c.Qty > 0 {
		in.Qty = c.Qty
	}
	if !c.Expected.IsZero() {
		in.Expected = c.Expected
	}
	m.inbounds[in.ID] = in
	m.reproject(in.SKU)
	m.emit(backorder.Event{Type: backorder.InboundChanged, InboundID: in.ID, SKU: in.SKU, Location: in.Location, Qty: in.Qty, OldDate: old, NewDate: in.Expected})
	return in, nil
}

func validInboundCancel(c backorder.InboundCancel) error {
	switch {
	case keyBad(c.ID):
		return invalidf("InboundCancel.ID")
	case keyBad(c.InboundID):
		return invalidf("InboundCancel.InboundID")
	case textBad(c.Reason):
		return invalidf("InboundCancel.Reason")
	}
	return nil
}

func (m *model) cancelInbound(c backorder.InboundCancel) (backorder.Inbound, error) {
	in, ok := m.inbounds[c.InboundID]
	if !ok {
		return backorder.Inbound{}, notFoundf("inbound %s", c.InboundID)
	}
	if in.Qty == 0 {
		return backorder.Inbound{}, invalidf("InboundCancel.InboundID: expects nothing more")
	}
	q := in.Qty
	in.Qty = 0
	m.inbounds[in.ID] = in
	m.reproject(in.SKU)
	m.emit(backorder.Event{Type: backorder.InboundCancelled, InboundID: in.ID, SKU: in.SKU, Location: in.Location, Qty: q, OldDate: in.Expected, Reason: c.Reason})
	return in, nil
}
