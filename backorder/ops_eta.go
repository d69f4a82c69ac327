package backorder

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/eta"
)

// projectAll re-projects the promises of every SKU whose book, stock or
// inbound supply this operation changed, before flush writes them.
func (w *work) projectAll() error {
	for _, s := range w.skuOrder {
		if !s.reproject {
			continue
		}
		if err := w.project(s); err != nil {
			return err
		}
	}
	return nil
}

// projectionInput builds the eta input for the SKU's current book: its
// waiting entries (returned, aligned with the input's demands), the stock
// available now by location, and its open inbound supply. The returned
// slices are the work's buffers, valid until the next call.
func (w *work) projectionInput(s *skuState, inbounds []Inbound) ([]*BookEntry, eta.Input, error) {
	if err := w.loadBook(s); err != nil {
		return nil, eta.Input{}, err
	}
	in := eta.Input{
		Now:          w.now,
		Policy:       s.policy,
		Calendar:     w.e.calendar,
		Calendars:    w.e.calendars,
		Handling:     w.e.handling,
		Transit:      w.e.transit,
		LeadTime:     s.item.LeadTime,
		Discontinued: s.item.Status == Discontinued,
		// The slices reuse the work's buffers: a receipt into a long book
		// allocated them afresh each time.
		Demands: w.projIn.Demands[:0],
		OnHand:  w.projIn.OnHand[:0],
		Inbound: w.projIn.Inbound[:0],
	}
	var waiting []*BookEntry
	waiting, in.Demands = s.waitingDemands(w.projWait, in.Demands, "", w.e.preempt)
	w.projWait = waiting
	locs, err := w.locations()
	if err != nil {
		return nil, eta.Input{}, err
	}
	// Stock held back at one location is offered again, as allocateAt
	// does, in the engine's location order.
	w.projLocs = w.projLocs[:0]
	for _, l := range locs {
		w.projLocs = append(w.projLocs, l.ID)
		if a := s.available(l.ID); a > 0 {
			in.OnHand = append(in.OnHand, eta.Stock{Location: l.ID, Qty: a})
		}
	}
	in.Locations = w.projLocs
	for _, ib := range inbounds {
		in.Inbound = append(in.Inbound, eta.Inbound{Qty: ib.Qty, Expected: ib.Expected, Location: ib.Location, Supplier: ib.Supplier})
	}
	w.projIn.Demands, w.projIn.OnHand, w.projIn.Inbound = in.Demands, in.OnHand, in.Inbound
	return waiting, in, nil
}

// project re-projects the SKU's promises, stores those that changed on
// their book entries, and raises PromiseChanged for the lines whose ready
// day moved (and PromiseLate for those it moves past the requested date).
func (w *work) project(s *skuState) error {
	s.reproject = false
	if err := w.loadBook(s); err != nil {
		return err
	}
	if !s.anyWaiting() {
		return nil
	}
	inbounds, err := w.tx.Inbounds(s.item.SKU)
	if err != nil {
		return err
	}
	waiting, in, err := w.projectionInput(s, inbounds)
	if err != nil {
		return err
	}
	// The work's projector and projection are reused with the work.
	if err := w.projector.Project(&w.projection, in); err != nil {
		return projectionError(err)
	}
	for i, e := range waiting {
		pr := w.projection.Promise(i)
		next := PromiseDate{Kind: promiseKind(pr.Kind), Ready: pr.Ready, Delivery: pr.Delivery}
		// An unchanged promise, the common case, is checked first.
		if next.equal(&e.Promise) || keepEstimate(e.Promise, next, w.now, s.item.LeadTime) {
			continue
		}
		old := e.Promise
		e.Promise = next
		s.dirtyEntries = append(s.dirtyEntries, e)
		if !sameDay(old.Ready, next.Ready) {
			w.emit(Event{Type: PromiseChanged, OrderID: e.OrderID, LineID: e.LineID, SKU: e.SKU,
				OldDate: old.Ready, NewDate: next.Ready, Reason: string(next.Kind)})
			if rd := e.RequestedDate; !rd.IsZero() && !next.Ready.IsZero() && next.Ready.After(rd) &&
				(old.Ready.IsZero() || !old.Ready.After(rd)) {
				w.emit(Event{Type: PromiseLate, OrderID: e.OrderID, LineID: e.LineID, SKU: e.SKU,
					OldDate: rd, NewDate: next.Ready})
			}
		}
	}
	return nil
}

// keepEstimate reports whether a stored lead-time estimate stands although
// a new projection dates it later: when the new date only slides with the
// clock (it is no later than now + lead time, give or take a day) and the
// stored one has not passed. Customers are told when something really
// changes, not every day that the estimate is re-made.
func keepEstimate(old, next PromiseDate, now time.Time, lead time.Duration) bool {
	return next.Kind == PromiseEstimated && old.Kind == PromiseEstimated &&
		next.Ready.After(old.Ready) && old.Ready.After(now) &&
		!next.Ready.After(now.Add(lead).Add(24*time.Hour))
}

func promiseKind(k eta.Kind) PromiseKind {
	switch k {
	case eta.Covered:
		return PromiseCovered
	case eta.Estimated:
		return PromiseEstimated
	}
	return PromiseNone
}

// sameDay compares two instants by their UTC calendar day; zero equals
// only zero.
func sameDay(a, b time.Time) bool {
	if a.IsZero() || b.IsZero() {
		return a.IsZero() == b.IsZero()
	}
	ay, am, ad := a.UTC().Date()
	by, bm, bd := b.UTC().Date()
	return ay == by && am == bm && ad == bd
}

// projectionError maps the eta package's errors: a custom policy's broken
// contract is a *PolicyError; anything else is a fault in what the engine
// built, reported as it is.
func projectionError(err error) error {
	var pe *eta.PolicyError
	if errors.As(err, &pe) {
		return &PolicyError{Policy: pe.Policy, Reason: pe.Error(), Err: err}
	}
	return err
}

// ExpectInbound records expected supply: a purchase-order line or a
// transfer. Its SKU's promises are re-projected at once. The inbound's ID is
// the command id: expecting the same ID again changes nothing, whatever the
// values (change an inbound with ChangeInbound).
func (e *Engine) ExpectInbound(ctx context.Context, in Inbound) error {
	if err := validKey("Inbound.ID", in.ID); err != nil {
		return err
	}
	if err := validSKULoc("Inbound", in.SKU, in.Location); err != nil {
		return err
	}
	if in.Qty <= 0 {
		return invalid("Inbound.Qty", "must be > 0, got %d", in.Qty)
	}
	if in.Expected.IsZero() {
		return invalid("Inbound.Expected", "is required")
	}
	if err := validText("Inbound.Supplier", in.Supplier); err != nil {
		return err
	}
	if in.Received != 0 {
		return invalid("Inbound.Received", "is the engine's and must be 0")
	}
	_, err := command(ctx, e, "inbound/"+in.ID, func(w *work) (struct{}, error) {
		if old, err := w.tx.Inbound(in.ID); err == nil {
			return struct{}{}, invalid("Inbound.ID", "inbound %s exists already (for %s at %s)", in.ID, old.SKU, old.Location)
		} else if !isNotFound(err) {
			return struct{}{}, err
		}
		s, err := w.sku(in.SKU)
		if err != nil {
			return struct{}{}, err
		}
		if err := w.checkLocation(in.Location); err != nil {
			return struct{}{}, err
		}
		if err := w.tx.PutInbound(in); err != nil {
			return struct{}{}, err
		}
		s.reproject = true
		w.emit(Event{Type: InboundExpected, InboundID: in.ID, SKU: in.SKU, Location: in.Location, Qty: in.Qty, NewDate: in.Expected})
		return struct{}{}, nil
	})
	return err
}

// InboundChange moves an inbound's expected date or quantity: a supplier's
// slip or short delivery.
type InboundChange struct {
	// ID is the caller's command id; a repeat changes nothing. Required.
	ID        string `json:"id"`
	InboundID string `json:"inbound_id"`
	// Qty is the new quantity still expected (> 0); 0 leaves it.
	Qty int64 `json:"qty,omitempty"`
	// Expected is the new expected date; zero leaves it.
	Expected time.Time `json:"expected,omitzero"`
}

// ChangeInbound changes an inbound's expected date or quantity and
// re-projects its SKU's promises: PromiseChanged events come out for
// exactly the lines whose dates moved.
func (e *Engine) ChangeInbound(ctx context.Context, c InboundChange) (Inbound, error) {
	if err := validKey("InboundChange.ID", c.ID); err != nil {
		return Inbound{}, err
	}
	if err := validKey("InboundChange.InboundID", c.InboundID); err != nil {
		return Inbound{}, err
	}
	if c.Qty < 0 {
		return Inbound{}, invalid("InboundChange.Qty", "must be ≥ 0, got %d", c.Qty)
	}
	if c.Qty == 0 && c.Expected.IsZero() {
		return Inbound{}, invalid("InboundChange", "changes nothing: give Qty or Expected")
	}
	return command(ctx, e, "inbound-change/"+c.ID, func(w *work) (Inbound, error) {
		in, err := w.tx.Inbound(c.InboundID)
		if err != nil {
			return Inbound{}, notFound(err, "inbound", c.InboundID)
		}
		s, err := w.sku(in.SKU)
		if err != nil {
			return Inbound{}, err
		}
		old := in.Expected
		if c.Qty > 0 {
			in.Qty = c.Qty
		}
		if !c.Expected.IsZero() {
			in.Expected = c.Expected
		}
		if err := w.tx.PutInbound(in); err != nil {
			return Inbound{}, err
		}
		s.reproject = true
		w.emit(Event{Type: InboundChanged, InboundID: in.ID, SKU: in.SKU, Location: in.Location, Qty: in.Qty, OldDate: old, NewDate: in.Expected})
		return in, nil
	})
}

// InboundCancel withdraws expected supply that will not come.
type InboundCancel struct {
	// ID is the caller's command id; a repeat changes nothing. Required.
	ID        string `json:"id"`
	InboundID string `json:"inbound_id"`
	Reason    string `json:"reason,omitempty"`
}

// CancelInbound sets an inbound's expected quantity to zero (it is kept,
// with what was received against it) and re-projects its SKU's promises.
func (e *Engine) CancelInbound(ctx context.Context, c InboundCancel) (Inbound, error) {
	if err := validKey("InboundCancel.ID", c.ID); err != nil {
		return Inbound{}, err
	}
	if err := validKey("InboundCancel.InboundID", c.InboundID); err != nil {
		return Inbound{}, err
	}
	if err := validText("InboundCancel.Reason", c.Reason); err != nil {
		return Inbound{}, err
	}
	return command(ctx, e, "inbound-cancel/"+c.ID, func(w *work) (Inbound, error) {
		in, err := w.tx.Inbound(c.InboundID)
		if err != nil {
			return Inbound{}, notFound(err, "inbound", c.InboundID)
		}
		if in.Qty == 0 {
			return Inbound{}, invalid("InboundCancel.InboundID", "inbound %s expects nothing more", in.ID)
		}
		s, err := w.sku(in.SKU)
		if err != nil {
			return Inbound{}, err
		}
		q := in.Qty
		in.Qty = 0
		if err := w.tx.PutInbound(in); err != nil {
			return Inbound{}, err
		}
		s.reproject = true
		w.emit(Event{Type: InboundCancelled, InboundID: in.ID, SKU: in.SKU, Location: in.Location, Qty: q, OldDate: in.Expected, Reason: c.Reason})
		return in, nil
	})
}

// recordLateness adds a receipt's lateness against its inbound to the
// supplier's history: business days after the expected day (negative when
// early), in the receiving location's calendar.
func (w *work) recordLateness(in Inbound) error {
	if in.Supplier == "" {
		return nil
	}
	sp, err := w.tx.Supplier(in.Supplier)
	if err != nil && !isNotFound(err) {
		return err
	}
	sp.ID = in.Supplier
	sp.DaysLate = append(sp.DaysLate, businessDaysBetween(w.e.calendarOf(in.Location), in.Expected, w.now))
	if n := len(sp.DaysLate); n > MaxSupplierHistory {
		sp.DaysLate = slices.Clone(sp.DaysLate[n-MaxSupplierHistory:])
	}
	return w.tx.PutSupplier(sp)
}

// calendarOf returns a location's calendar.
func (e *Engine) calendarOf(loc string) eta.Calendar {
	if c, ok := e.calendars[loc]; ok {
		return c
	}
	return e.calendar
}

// businessDaysBetween counts the business days from expected's day to
// actual's day: positive when actual is later, negative when earlier,
// bounded to a year either way.
func businessDaysBetween(cal eta.Calendar, expected, actual time.Time) int {
	const limit = 366
	sign, from, to := 1, expected, actual
	if actual.Before(expected) {
		sign, from, to = -1, actual, expected
	}
	n := 0
	for d := cal.NextBusinessDay(from); !after(d, to) && n < limit; d = cal.NextBusinessDay(d) {
		n++
	}
	return sign * n
}

// after reports whether a's day is after b's day in a's zone.
func after(a, b time.Time) bool {
	b = b.In(a.Location())
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC).After(time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC))
}

// LinePromise is when a waiting line's backordered quantity is expected.
type LinePromise struct {
	LineID      uuid.UUID   `json:"line_id"`
	SKU         string      `json:"sku"`
	Backordered int64       `json:"backordered"`
	Kind        PromiseKind `json:"kind"`
	// Ready is when the last tranche is allocated; Delivery adds handling
	// and transit business days. Zero for PromiseNone.
	Ready    time.Time `json:"ready,omitzero"`
	Delivery time.Time `json:"delivery,omitzero"`
	// P50Ready and P90Ready are the ready dates if every inbound is as late
	// as its supplier's median and 90th-percentile past receipts.
	P50Ready time.Time `json:"p50_ready,omitzero"`
	P90Ready time.Time `json:"p90_ready,omitzero"`
	// Tranches are the quantities and dates in which the backordered
	// quantity becomes allocated.
	Tranches []PromiseTranche `json:"tranches,omitempty"`
}

// PromiseTranche is a quantity of a line that becomes allocated on a date,
// from stock on hand, an inbound, or (beyond known supply) the lead-time
// estimate.
type PromiseTranche struct {
	Qty  int64     `json:"qty"`
	Date time.Time `json:"date"`
	// InboundID names the inbound that supplies it; empty for stock on hand
	// or the estimate.
	InboundID string `json:"inbound_id,omitempty"`
	// Estimated marks the lead-time estimate.
	Estimated bool `json:"estimated,omitempty"`
}

// Promises projects, for each waiting line of the order, when its
// backordered quantity will be allocated and delivered, with tranches and
// the confidence its suppliers' history gives. It changes nothing.
func (e *Engine) Promises(ctx context.Context, orderID uuid.UUID) ([]LinePromise, error) {
	var out []LinePromise
	err := e.view(ctx, func(tx Tx) error {
		o, err := tx.Order(orderID)
		if err != nil {
			return notFound(err, "order", orderID.String())
		}
		w := e.getWork(tx, "")
		defer e.putWork(w)
		done := map[string]bool{}
		byLine := map[uuid.UUID]LinePromise{}
		for _, l := range o.Lines {
			if l.Backordered == 0 || done[l.SKU] {
				continue
			}
			done[l.SKU] = true
			s, err := w.sku(l.SKU)
			if err != nil {
				return err
			}
			inbounds, err := tx.Inbounds(l.SKU)
			if err != nil {
				return err
			}
			waiting, in, err := w.projectionInput(s, inbounds)
			if err != nil {
				return err
			}
			in.History = map[string][]int{}
			for _, ib := range inbounds {
				if ib.Supplier == "" {
					continue
				}
				if sp, err := tx.Supplier(ib.Supplier); err == nil {
					in.History[ib.Supplier] = sp.DaysLate
				} else if !isNotFound(err) {
					return err
				}
			}
			proj, err := eta.Project(in)
			if err != nil {
				return projectionError(err)
			}
			var tr []eta.Tranche
			for i, en := range waiting {
				if en.OrderID != o.ID {
					continue
				}
				pr := proj.Promise(i)
				lp := LinePromise{LineID: en.LineID, SKU: en.SKU, Backordered: en.Backordered, Kind: promiseKind(pr.Kind),
					Ready: pr.Ready, Delivery: pr.Delivery, P50Ready: pr.P50Ready, P90Ready: pr.P90Ready}
				kept := keepEstimate(en.Promise, PromiseDate{Kind: lp.Kind, Ready: lp.Ready}, w.now, s.item.LeadTime)
				if kept {
					// The date the customer was told still stands, and so do
					// the confidence dates that only the estimate drives.
					horizon := w.now.Add(s.item.LeadTime).Add(24 * time.Hour)
					lp.Ready, lp.Delivery = en.Promise.Ready, en.Promise.Delivery
					if !lp.P50Ready.After(horizon) {
						lp.P50Ready = lp.Ready
					}
					if !lp.P90Ready.After(horizon) {
						lp.P90Ready = lp.Ready
					}
				}
				tr = proj.Tranches(tr[:0], i)
				for _, t := range tr {
					pt := PromiseTranche{Qty: t.Qty, Date: t.Date, Estimated: t.Source == eta.SourceLeadTime}
					if pt.Estimated && kept {
						pt.Date = lp.Ready
					}
					if t.Source >= 0 {
						pt.InboundID = inbounds[t.Source].ID
					}
					lp.Tranches = append(lp.Tranches, pt)
				}
				byLine[en.LineID] = lp
			}
		}
		for _, l := range o.Lines {
			if lp, ok := byLine[l.ID]; ok {
				out = append(out, lp)
			}
		}
		return nil
	})
	return out, err
}

// Alternatives is what a host can offer a customer whose line waits.
type Alternatives struct {
	LineID uuid.UUID `json:"line_id"`
	// Locations are other locations with stock of the line's SKU available
	// now (the engine keeps no stranded stock, so this is stock the line's
	// minimum or case pack could not take, or stock a transfer could free).
	Locations []LocQty `json:"locations,omitempty"`
	// Substitutes are the item's declared substitutes with stock available
	// now, by location.
	Substitutes []SubstituteStock `json:"substitutes,omitempty"`
}

// SubstituteStock is a substitute SKU's available stock.
type SubstituteStock struct {
	SKU       string   `json:"sku"`
	Available []LocQty `json:"available"`
}

// Alternatives lists, for a backordered line, the locations with available
// stock of its SKU and the item's declared substitutes with available stock,
// so a host can offer the customer a choice.
func (e *Engine) Alternatives(ctx context.Context, orderID, lineID uuid.UUID) (Alternatives, error) {
	var a Alternatives
	err := e.view(ctx, func(tx Tx) error {
		o, err := tx.Order(orderID)
		if err != nil {
			return notFound(err, "order", orderID.String())
		}
		l, ok := o.Line(lineID)
		if !ok {
			return &NotFoundError{Kind: "line", Key: lineID.String()}
		}
		a.LineID = l.ID
		it, err := tx.Item(l.SKU)
		if err != nil {
			return notFound(err, "item", l.SKU)
		}
		avail := func(sku string) ([]LocQty, error) {
			ps, err := tx.Positions(sku)
			if err != nil {
				return nil, err
			}
			var out []LocQty
			for _, p := range ps {
				if p.Available() > 0 {
					out = append(out, LocQty{Location: p.Location, Qty: p.Available()})
				}
			}
			return out, nil
		}
		if a.Locations, err = avail(l.SKU); err != nil {
			return err
		}
		for _, sub := range it.Substitutes {
			qs, err := avail(sub)
			if err != nil {
				return err
			}
			if len(qs) > 0 {
				a.Substitutes = append(a.Substitutes, SubstituteStock{SKU: sub, Available: qs})
			}
		}
		return nil
	})
	return a, err
}
