package sim

import (
	"cmp"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/allocation"
	"github.com/backorderkit/backorderkit/backorder"
)

// outcome is what the model expects of one operation.
type outcome struct {
	// key is the command's idempotency key ("" for PutItem, PutLocation
	// and queries).
	key string
	// repeat says the key was applied before: res is the first result and
	// nothing may change.
	repeat bool
	res    any
	err    error
}

// apply runs op on the model, inside begin; the caller commits or rolls
// back. Inputs are validated first, as the engine does, then a repeated
// command returns its first result.
func (m *model) apply(op *Op, now time.Time, shipID uuid.UUID) outcome {
	m.begin(now, "")
	var key string
	var verr error
	switch op.Kind {
	case KindPutLocation:
		return outcome{err: m.putLocation(op.Location)}
	case KindPutItem:
		return outcome{err: m.putItem(op.Item)}
	case KindPlaceOrder:
		key, verr = "order/"+op.Order.ID.String(), validOrder(op.Order)
	case KindReceive:
		key, verr = "receive/"+op.Receipt.ID, validReceipt(op.Receipt)
	case KindAdjust:
		key, verr = "adjust/"+op.Adjustment.ID, validAdjustment(op.Adjustment)
	case KindCount:
		key, verr = "count/"+op.Count.ID, validCount(op.Count)
	case KindCancel:
		key, verr = "cancel/"+op.Cancellation.ID, validCancellation(op.Cancellation)
	case KindSetPriority:
		key, verr = "priority/"+op.PriorityChange.ID, validPriorityChange(op.PriorityChange)
	case KindShip:
		key, verr = "ship/"+op.ShipRequest.ID, validShipRequest(op.ShipRequest)
	case KindConfirm:
		key, verr = "confirm/"+op.Confirmation.ShipmentID.String(), validConfirmation(op.Confirmation)
	case KindVoid:
		key, verr = "void/"+op.Void.ShipmentID.String(), validVoid(op.Void)
	case KindReturn:
		key, verr = "return/"+op.Return.ID, validReturn(op.Return)
	case KindInvoice:
		key = "invoice/" + shipID.String()
		if shipID == uuid.Nil {
			verr = invalidf("ShipmentID")
		}
	case KindCredit:
		key, verr = "credit/"+op.Credit.ID, validCredit(op.Credit)
	case KindExpectInbound:
		key, verr = "inbound/"+op.Inbound.ID, validInbound(op.Inbound)
	case KindChangeInbound:
		key, verr = "inbound-change/"+op.InboundChange.ID, validInboundChange(op.InboundChange)
	case KindCancelInbound:
		key, verr = "inbound-cancel/"+op.InboundCancel.ID, validInboundCancel(op.InboundCancel)
	default:
		res, err := m.query(op)
		return outcome{res: res, err: err}
	}
	if verr != nil {
		return outcome{key: key, err: verr}
	}
	if first, ok := m.commands[key]; ok {
		return outcome{key: key, repeat: true, res: first}
	}
	m.cmd = key
	var res any
	var err error
	switch op.Kind {
	case KindPlaceOrder:
		res, err = m.placeOrder(op.Order)
	case KindReceive:
		res, err = m.receive(op.Receipt)
	case KindAdjust:
		a := op.Adjustment
		res, err = m.adjust(a.SKU, a.Location, a.Reason, func(onHand int64) (int64, error) {
			if (a.Delta > 0 && onHand > maxInt64-a.Delta) || onHand+a.Delta < 0 {
				return 0, invalidf("Adjustment.Delta: on hand out of range")
			}
			return a.Delta, nil
		})
	case KindCount:
		c := op.Count
		res, err = m.adjust(c.SKU, c.Location, c.Reason, func(onHand int64) (int64, error) {
			return c.OnHand - onHand, nil
		})
	case KindCancel:
		res, err = m.cancel(op.Cancellation)
	case KindSetPriority:
		res, err = m.setPriority(op.PriorityChange)
	case KindShip:
		res, err = m.ship(op.ShipRequest)
	case KindConfirm:
		res, err = m.confirm(op.Confirmation)
	case KindVoid:
		res, err = m.void(op.Void)
	case KindReturn:
		res, err = m.returnShipment(op.Return)
	case KindInvoice:
		res, err = m.invoice(shipID)
	case KindCredit:
		res, err = m.credit(op.Credit)
	case KindExpectInbound:
		res, err = m.expectInbound(op.Inbound)
	case KindChangeInbound:
		res, err = m.changeInbound(op.InboundChange)
	case KindCancelInbound:
		res, err = m.cancelInbound(op.InboundCancel)
	}
	if err == nil {
		err = m.projectAll()
	}
	return outcome{key: key, res: res, err: err}
}

const maxInt64 = 1<<63 - 1

// query answers a read-only op as the engine's query would.
func (m *model) query(op *Op) (any, error) {
	switch op.Kind {
	case KindQueryOrder:
		o, ok := m.order(op.OrderID)
		if !ok {
			return nil, notFoundf("order %s", op.OrderID)
		}
		return o, nil
	case KindQueryBook:
		if keyBad(op.SKU) {
			return nil, invalidf("SKU")
		}
		it, ok := m.items[op.SKU]
		if !ok {
			return nil, notFoundf("item %s", op.SKU)
		}
		return m.rankedBook(it), nil
	case KindQueryCustomerBook:
		if keyBad(op.Customer) {
			return nil, invalidf("Customer")
		}
		return m.customerBook(op.Customer), nil
	case KindQueryAvailability:
		if keyBad(op.SKU) {
			return nil, invalidf("SKU")
		}
		if _, ok := m.items[op.SKU]; !ok {
			return nil, notFoundf("item %s", op.SKU)
		}
		return m.availability(op.SKU), nil
	case KindQueryPlan:
		o, ok := m.orders[op.OrderID]
		if !ok {
			return nil, notFoundf("order %s", op.OrderID)
		}
		return m.plan(o, m.now), nil
	case KindQueryPlanAll:
		return m.planAll(), nil
	case KindQueryInvoices:
		o, ok := m.orders[op.OrderID]
		if !ok {
			return nil, notFoundf("order %s", op.OrderID)
		}
		out := make([]backorder.Invoice, len(o.invs))
		for i, inv := range o.invs {
			out[i] = inv.Clone()
		}
		return out, nil
	case KindQueryEvents:
		return slices.Clone(m.events), nil
	case KindQueryAlternatives:
		return m.alternatives(op.OrderID, op.LineID)
	case KindQueryPromises:
		// Which lines get a promise; the dates are the eta package's
		// (compared on the book entries when promises are checked).
		o, ok := m.orders[op.OrderID]
		if !ok {
			return nil, notFoundf("order %s", op.OrderID)
		}
		var out []backorder.LinePromise
		for _, id := range o.lines {
			if l := m.lines[id]; l.Backordered > 0 {
				out = append(out, backorder.LinePromise{LineID: l.ID, SKU: l.SKU, Backordered: l.Backordered})
			}
		}
		return out, nil
	}
	return nil, &modelErr{class: classOther, msg: "unknown op kind " + op.Kind.String()}
}

// rankedBook is the SKU's waiting lines in the policy's service order.
func (m *model) rankedBook(it backorder.Item) []backorder.BookEntry {
	book := m.book(it.SKU)
	demands := make([]allocation.Demand, len(book))
	for i, l := range book {
		d := m.demandOf(l, "", it.CasePack)
		d.Held = 0
		demands[i] = d
	}
	out := make([]backorder.BookEntry, len(book))
	for k, i := range allocation.Rank(m.policy(it), nil, demands) {
		out[k] = m.bookEntry(book[i])
	}
	return out
}

// customerBook is the customer's waiting lines over all SKUs by placed
// time, SKU and Seq.
func (m *model) customerBook(customer string) []backorder.BookEntry {
	var out []backorder.BookEntry
	for _, id := range m.orderIDs {
		o := m.orders[id]
		if o.hdr.Customer != customer {
			continue
		}
		for _, lid := range o.lines {
			if l := m.lines[lid]; l.Backordered > 0 {
				out = append(out, m.bookEntry(l))
			}
		}
	}
	slices.SortFunc(out, func(a, b backorder.BookEntry) int {
		if c := a.Placed.Compare(b.Placed); c != 0 {
			return c
		}
		if c := cmp.Compare(a.SKU, b.SKU); c != 0 {
			return c
		}
		return cmp.Compare(a.Seq, b.Seq)
	})
	return out
}

// positions lists the SKU's positions by location, leaving out the ones
// that are all zero (a store may or may not have written them).
func (m *model) positions(sku string) []backorder.StockPosition {
	var locs []string
	for k := range m.pos {
		if k.sku == sku {
			locs = append(locs, k.loc)
		}
	}
	for _, l := range m.skuLines[sku] {
		for _, a := range l.Allocations {
			if !slices.Contains(locs, a.Location) {
				locs = append(locs, a.Location)
			}
		}
	}
	slices.Sort(locs)
	var out []backorder.StockPosition
	for _, loc := range locs {
		if p := m.positionOut(sku, loc); p != (backorder.StockPosition{SKU: sku, Location: loc}) {
			out = append(out, p)
		}
	}
	return out
}

func (m *model) availability(sku string) backorder.Availability {
	a := backorder.Availability{SKU: sku, Positions: m.positions(sku), Inbound: m.inboundsOf(sku)}
	for _, p := range a.Positions {
		a.OnHand += p.OnHand
		a.Allocated += p.Allocated
	}
	a.Available = a.OnHand - a.Allocated
	for _, l := range m.book(sku) {
		a.Backordered += l.Backordered
	}
	return a
}

// inboundsOf lists the SKU's inbound lines still expected, by date and id.
func (m *model) inboundsOf(sku string) []backorder.Inbound {
	var out []backorder.Inbound
	for _, in := range m.inbounds {
		if in.SKU == sku && in.Qty > 0 {
			out = append(out, in)
		}
	}
	slices.SortFunc(out, func(a, b backorder.Inbound) int {
		if c := a.Expected.Compare(b.Expected); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out
}

// alternatives lists, for a line, the locations with its SKU available and
// its item's substitutes with stock available, by location ID.
func (m *model) alternatives(orderID, lineID uuid.UUID) (any, error) {
	o, ok := m.orders[orderID]
	if !ok {
		return nil, notFoundf("order %s", orderID)
	}
	if !slices.Contains(o.lines, lineID) {
		return nil, notFoundf("line %s", lineID)
	}
	l := m.lines[lineID]
	avail := func(sku string) []backorder.LocQty {
		var out []backorder.LocQty
		for _, p := range m.positions(sku) {
			if a := p.OnHand - p.Allocated; a > 0 {
				out = append(out, backorder.LocQty{Location: p.Location, Qty: a})
			}
		}
		return out
	}
	a := backorder.Alternatives{LineID: l.ID, Locations: avail(l.SKU)}
	for _, sub := range m.items[l.SKU].Substitutes {
		if qs := avail(sub); len(qs) > 0 {
			a.Substitutes = append(a.Substitutes, backorder.SubstituteStock{SKU: sub, Available: qs})
		}
	}
	return a, nil
}
