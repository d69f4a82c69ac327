package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/invoice"
)

// generator makes a seeded random workload over the engine's whole public
// surface, reading the model to aim its commands at what exists: items and
// stock, orders of every ship policy and priority, receipts, adjustments,
// counts, cancellations, priority changes, shipments confirmed, voided and
// returned, invoices and credit notes, queries; plus commands repeated with
// the same id, invalid commands, and store faults with their retries.
type generator struct {
	rng       *rand.Rand
	m         *model
	faultRate float64

	n        uint64 // ids made with ID
	cmds     int    // command ids
	skus     []string
	locs     []string
	boot     []Op
	done     []Op // commands issued, for repeats
	retry    *Op
	maxRetry int
}

// customers, currencies and reasons the workload draws from.
var (
	customers = []string{"ACME", "Globex", "Initech", "Umbrella"}
	reasons   = []string{"", "damaged", "customer request", "recount"}
)

func newGenerator(seed uint64, m *model, faultRate float64) *generator {
	g := &generator{rng: rand.New(rand.NewPCG(seed, 0x5eed_0f_b0c_0de)), m: m, faultRate: faultRate,
		maxRetry: m.cfg.Retries}
	if g.maxRetry == 0 {
		g.maxRetry = 5
	}
	nLocs := 1 + g.rng.IntN(3)
	nSKUs := 1 + g.rng.IntN(4)
	for i := range nLocs {
		id := []string{"AMS", "BER", "CDG"}[i]
		g.locs = append(g.locs, id)
		g.boot = append(g.boot, Op{Kind: KindPutLocation, Location: backorder.Location{ID: id, Rank: g.rng.IntN(3)}})
	}
	for i := range nSKUs {
		sku := []string{"BOLT", "NUT", "GEAR", "PIPE"}[i]
		g.skus = append(g.skus, sku)
		g.boot = append(g.boot, Op{Kind: KindPutItem, Item: g.item(sku, i > 0)})
	}
	return g
}

// randomConfig draws an engine configuration.
func randomConfig(seed uint64) Config {
	rng := rand.New(rand.NewPCG(seed, 0xc0f1_9000))
	c := Config{Policy: policyNames[rng.IntN(len(policyNames))]}
	c.Preempt = rng.IntN(3) == 0
	c.AutoInvoice = rng.IntN(3) == 0
	if rng.IntN(4) == 0 {
		c.DefaultPriority = int32(1 + rng.IntN(3))
	}
	if rng.IntN(4) == 0 {
		c.Retries = 1 + rng.IntN(3)
	}
	if rng.IntN(3) == 0 {
		c.HandlingDays = rng.IntN(3)
		c.TransitDays = rng.IntN(4)
	}
	return c
}

func (g *generator) chance(p float64) bool { return g.rng.Float64() < p }

func (g *generator) pick(xs []string) string { return xs[g.rng.IntN(len(xs))] }

func (g *generator) id() uuid.UUID {
	g.n++
	return ID(g.n)
}

func (g *generator) cmdID(prefix string) string {
	g.cmds++
	return fmt.Sprintf("%s-%d", prefix, g.cmds)
}

// item draws an item's rules; odd ones only when odd is set.
func (g *generator) item(sku string, odd bool) backorder.Item {
	it := backorder.Item{SKU: sku, Description: "sim " + sku}
	if g.chance(0.3) {
		it.LeadTime = time.Duration(1+g.rng.IntN(20)) * 24 * time.Hour
	}
	if !odd {
		return it
	}
	switch g.rng.IntN(10) {
	case 0:
		it.Status = backorder.NoBackorder
	case 1:
		it.Status = backorder.Discontinued
	}
	if g.chance(0.2) {
		it.CasePack = int64(2 + g.rng.IntN(4))
	}
	if g.chance(0.3) {
		it.Policy = policyNames[g.rng.IntN(len(policyNames))]
	}
	if g.chance(0.1) {
		it.Substitutes = []string{g.pick(g.skus)}
		if it.Substitutes[0] == sku {
			it.Substitutes = nil
		}
	}
	return it
}

// advance draws how far the clock moves before an op.
func (g *generator) advance() time.Duration {
	switch r := g.rng.IntN(100); {
	case r < 70:
		return time.Duration(1+g.rng.IntN(30)) * time.Minute
	case r < 95:
		return time.Duration(1+g.rng.IntN(12)) * time.Hour
	}
	return time.Duration(1+g.rng.IntN(3)) * 24 * time.Hour
}

// faults draws the faults of an op's transactions.
func (g *generator) faults() []Fault {
	if !g.chance(g.faultRate) {
		return nil
	}
	switch r := g.rng.IntN(100); {
	case r < 15:
		return []Fault{{Kind: FailBefore}}
	case r < 35:
		return []Fault{{Kind: FailAfter}}
	case r < 55:
		// Conflicts the engine retries; now and then more than it will.
		n := 1 + g.rng.IntN(g.maxRetry+2)
		fs := make([]Fault, n)
		for i := range fs {
			fs[i].Kind = ConflictBefore
			if g.chance(0.5) {
				fs[i].Kind = ConflictAfter
			}
		}
		return fs
	case r < 80:
		return []Fault{{Kind: CancelDuring, After: g.rng.IntN(25)}}
	}
	return []Fault{{Kind: LostReply}}
}

// next draws the next op.
func (g *generator) next() Op {
	op := g.draw()
	if op.Advance == 0 {
		op.Advance = g.advance()
	}
	if op.Faults == nil && !op.Kind.query() {
		op.Faults = g.faults()
	}
	if len(op.Faults) == 0 {
		op.Faults = nil
	}
	if len(op.Faults) > 0 && g.chance(0.7) {
		// The caller will retry the same command.
		r := op
		r.Faults = nil
		g.retry = &r
	}
	if !op.Kind.query() {
		g.done = append(g.done, op)
	}
	return op
}

func (g *generator) draw() Op {
	if len(g.boot) > 0 {
		op := g.boot[0]
		g.boot = g.boot[1:]
		op.Faults = []Fault{}
		return op
	}
	if g.retry != nil {
		op := *g.retry
		g.retry = nil
		op.Advance = time.Duration(1+g.rng.IntN(5)) * time.Second
		return op
	}
	for {
		var op Op
		var ok bool
		switch r := g.rng.IntN(100); {
		case r < 17:
			op, ok = g.placeOrder(), true
		case r < 27:
			op, ok = g.receive(), true
		case r < 30:
			op, ok = g.inbound()
		case r < 34:
			op, ok = g.adjust()
		case r < 37:
			op, ok = g.count(), true
		case r < 42:
			op, ok = g.cancel()
		case r < 45:
			op, ok = g.setPriority()
		case r < 56:
			op, ok = g.ship()
		case r < 65:
			op, ok = g.confirm()
		case r < 68:
			op, ok = g.void()
		case r < 70:
			op, ok = g.returns()
		case r < 76:
			op, ok = g.invoice()
		case r < 78:
			op, ok = g.credit()
		case r < 80:
			op, ok = g.changeItem(), true
		case r < 81:
			op, ok = g.changeLocation(), true
		case r < 86:
			op, ok = g.query(), true
		case r < 92:
			op, ok = g.repeat()
		default:
			op, ok = g.invalid()
		}
		if ok {
			return op
		}
	}
}

// ---- commands ----

func (g *generator) price() decimal.Decimal {
	return decimal.New(int64(g.rng.IntN(10000)), -2)
}

func (g *generator) shipPolicy() backorder.ShipPolicy {
	switch g.rng.IntN(10) {
	case 0, 1:
		return backorder.ShipComplete
	case 2, 3:
		return backorder.LineComplete
	case 4, 5:
		return backorder.FillOrKill
	case 6:
		return ""
	}
	return backorder.ShipPartial
}

func (g *generator) order() backorder.Order {
	now := g.m.now
	o := backorder.Order{ID: g.id(), Customer: g.pick(customers), Priority: int32(g.rng.IntN(4)),
		ShipPolicy: g.shipPolicy(), Currency: "EUR"}
	switch g.rng.IntN(10) {
	case 0:
		o.Currency = "JPY"
	case 1:
		o.Currency = "KWD"
	}
	if g.chance(0.1) {
		o.Ref = fmt.Sprintf("PO-%d", g.rng.IntN(1000))
	}
	if g.chance(0.1) {
		o.Placed = now.Add(-time.Duration(g.rng.IntN(48)) * time.Hour)
	}
	if g.chance(0.15) {
		o.ShipAfter = now.Add(time.Duration(1+g.rng.IntN(48)) * time.Hour)
	}
	if g.chance(0.2) {
		o.RequestedDate = now.Add(time.Duration(1+g.rng.IntN(30)) * 24 * time.Hour)
	}
	if g.chance(0.1) {
		o.MinShipQty = int64(2 + g.rng.IntN(10))
	}
	if g.chance(0.1) {
		o.MinShipValue = decimal.New(int64(1+g.rng.IntN(300)), 0)
	}
	if (o.MinShipQty > 0 || o.MinShipValue.IsPositive()) && g.chance(0.5) {
		o.HoldUntil = now.Add(time.Duration(1+g.rng.IntN(72)) * time.Hour)
	}
	if g.chance(0.15) {
		o.TaxInclusive = true
	} else if g.chance(0.1) {
		o.TaxRounding = invoice.PerInvoice
	}
	if g.chance(0.1) {
		o.Rounding = invoice.HalfEven
	}
	if g.chance(0.25) {
		c := invoice.Charge{ID: "freight", Kind: invoice.Freight, Amount: g.price(), Apply: invoice.Apply(g.rng.IntN(3))}
		if g.chance(0.5) {
			c.TaxPercent = decimal.New(21, 0)
		}
		o.Charges = append(o.Charges, c)
	}
	if g.chance(0.15) {
		o.Charges = append(o.Charges, invoice.Charge{ID: "discount", Kind: invoice.Discount,
			Percent: decimal.New(int64(1+g.rng.IntN(10)), 0)})
	}
	nLines := 1 + g.rng.IntN(3)
	group := g.chance(0.15)
	for range nLines {
		l := backorder.Line{ID: g.id(), SKU: g.pick(g.skus), Qty: int64(1 + g.rng.IntN(12)), UnitPrice: g.price()}
		if g.chance(0.1) {
			l.Qty = int64(13 + g.rng.IntN(40))
		}
		switch g.rng.IntN(10) {
		case 0:
			l.DiscountPercent = decimal.New(int64(5+g.rng.IntN(20)), 0)
		case 1:
			l.DiscountAmount = decimal.Min(l.UnitPrice, decimal.New(int64(g.rng.IntN(200)), -2))
		}
		switch g.rng.IntN(4) {
		case 0:
			l.TaxPercent = decimal.New(21, 0)
			l.TaxCategory = "S"
		case 1:
			l.TaxPercent = decimal.New(9, 0)
		}
		if g.chance(0.15) {
			l.PreferredLocation = g.pick(g.locs)
		}
		if g.chance(0.15) {
			l.MinAllocation = 1 + g.rng.Int64N(l.Qty)
		}
		switch g.rng.IntN(12) {
		case 0:
			l.Protection = backorder.ProtectKeep
		case 1:
			l.Protection = backorder.ProtectRedistribute
		case 2:
			l.Protection = backorder.ProtectWin
		}
		if g.chance(0.1) {
			l.ShipPolicy = g.shipPolicy()
		}
		if group && g.chance(0.7) {
			l.ShipGroup = "G1"
		}
		o.Lines = append(o.Lines, l)
	}
	return o
}

func (g *generator) placeOrder() Op { return Op{Kind: KindPlaceOrder, Order: g.order()} }

func (g *generator) receive() Op {
	r := backorder.Receipt{ID: g.cmdID("GR"), SKU: g.pick(g.skus), Location: g.pick(g.locs), Qty: int64(1 + g.rng.IntN(20))}
	if ins := g.inbounds(true); len(ins) > 0 && g.chance(0.5) {
		in := ins[g.rng.IntN(len(ins))]
		r.InboundID, r.SKU, r.Location = in.ID, in.SKU, in.Location
		if g.chance(0.7) {
			r.Qty = max(in.Qty+int64(g.rng.IntN(5))-2, 1)
		}
	}
	return Op{Kind: KindReceive, Receipt: r}
}

// inbounds lists the inbound lines, those still expected only if open.
func (g *generator) inbounds(open bool) []backorder.Inbound {
	var out []backorder.Inbound
	for _, sku := range g.skus {
		if open {
			out = append(out, g.m.inboundsOf(sku)...)
			continue
		}
		for _, id := range sortedKeys(g.m.inbounds) {
			if in := g.m.inbounds[id]; in.SKU == sku {
				out = append(out, in)
			}
		}
	}
	return out
}

var suppliers = []string{"", "Fastenal", "Wurth"}

// inbound expects, changes or cancels inbound supply.
func (g *generator) inbound() (Op, bool) {
	ins := g.inbounds(true)
	switch r := g.rng.IntN(10); {
	case r < 6 || len(ins) == 0:
		in := backorder.Inbound{ID: g.cmdID("PO"), SKU: g.pick(g.skus), Location: g.pick(g.locs),
			Qty: int64(1 + g.rng.IntN(30)), Supplier: g.pick(suppliers),
			Expected: g.m.now.Add(time.Duration(g.rng.IntN(20*24)-24) * time.Hour)}
		return Op{Kind: KindExpectInbound, Inbound: in}, true
	case r < 9:
		in := ins[g.rng.IntN(len(ins))]
		c := backorder.InboundChange{ID: g.cmdID("POC"), InboundID: in.ID}
		if g.chance(0.6) {
			c.Expected = in.Expected.Add(time.Duration(g.rng.IntN(10*24)-3*24) * time.Hour)
		}
		if c.Expected.IsZero() || g.chance(0.4) {
			c.Qty = int64(1 + g.rng.IntN(30))
		}
		return Op{Kind: KindChangeInbound, InboundChange: c}, true
	}
	in := ins[g.rng.IntN(len(ins))]
	return Op{Kind: KindCancelInbound, InboundCancel: backorder.InboundCancel{ID: g.cmdID("POX"), InboundID: in.ID, Reason: g.pick(reasons)}}, true
}

func (g *generator) adjust() (Op, bool) {
	sku, loc := g.pick(g.skus), g.pick(g.locs)
	on := g.m.onHand(sku, loc)
	d := int64(1 + g.rng.IntN(6))
	if on > 0 && g.chance(0.6) {
		d = -(1 + g.rng.Int64N(on))
	}
	return Op{Kind: KindAdjust, Adjustment: backorder.Adjustment{ID: g.cmdID("ADJ"), SKU: sku, Location: loc,
		Delta: d, Reason: g.pick(reasons)}}, true
}

func (g *generator) count() Op {
	sku, loc := g.pick(g.skus), g.pick(g.locs)
	on := g.m.onHand(sku, loc)
	n := max(on+int64(g.rng.IntN(7))-3, 0)
	return Op{Kind: KindCount, Count: backorder.Count{ID: g.cmdID("CNT"), SKU: sku, Location: loc, OnHand: n, Reason: g.pick(reasons)}}
}

// openOrder picks an order with something open.
func (g *generator) openOrder() (*mOrder, bool) {
	var open []*mOrder
	for _, id := range g.m.orderIDs {
		o := g.m.orders[id]
		for _, lid := range o.lines {
			if l := g.m.lines[lid]; l.Backordered > 0 || len(l.Allocations) > 0 {
				open = append(open, o)
				break
			}
		}
	}
	if len(open) == 0 {
		return nil, false
	}
	return open[g.rng.IntN(len(open))], true
}

func (g *generator) cancel() (Op, bool) {
	o, ok := g.openOrder()
	if !ok {
		return Op{}, false
	}
	c := backorder.Cancellation{ID: g.cmdID("CXL"), OrderID: o.hdr.ID, Reason: g.pick(reasons)}
	if g.chance(0.6) {
		l := g.m.lines[o.lines[g.rng.IntN(len(o.lines))]]
		c.LineID = l.ID
		if can := open(l) - sumQty(l.Committed); can > 0 && g.chance(0.6) {
			c.Qty = 1 + g.rng.Int64N(can)
		}
	}
	return Op{Kind: KindCancel, Cancellation: c}, true
}

func (g *generator) setPriority() (Op, bool) {
	o, ok := g.openOrder()
	if !ok {
		return Op{}, false
	}
	return Op{Kind: KindSetPriority, PriorityChange: backorder.PriorityChange{ID: g.cmdID("PRIO"), OrderID: o.hdr.ID,
		Priority: int32(1 + g.rng.IntN(4))}}, true
}

func (g *generator) ship() (Op, bool) {
	o, ok := g.openOrder()
	if !ok {
		return Op{}, false
	}
	r := backorder.ShipRequest{ID: g.cmdID("SHIP"), OrderID: o.hdr.ID}
	switch g.rng.IntN(6) {
	case 0:
		r.Location = g.pick(g.locs)
	case 1, 2:
		r.Consolidate = true
	}
	return Op{Kind: KindShip, ShipRequest: r}, true
}

// shipments lists references to the shipments with the given status
// ("" for any).
func (g *generator) shipments(status backorder.ShipmentStatus) []ShipmentRef {
	var out []ShipmentRef
	for _, id := range g.m.orderIDs {
		for i, sh := range g.m.orders[id].ships {
			if status == "" || sh.Status == status {
				out = append(out, ShipmentRef{Order: id, N: i})
			}
		}
	}
	return out
}

func (g *generator) pickShipment(status backorder.ShipmentStatus) (ShipmentRef, bool) {
	refs := g.shipments(status)
	if len(refs) == 0 {
		return ShipmentRef{}, false
	}
	// Mostly recent ones: that is where the work is.
	k := len(refs) - 1 - min(g.rng.IntN(len(refs)), g.rng.IntN(len(refs)))
	return refs[k], true
}

func (g *generator) confirm() (Op, bool) {
	ref, ok := g.pickShipment(backorder.ShipmentStatusCreated)
	if !ok {
		return Op{}, false
	}
	c := backorder.Confirmation{}
	if g.chance(0.5) {
		c.Carrier, c.Tracking = "DHL", fmt.Sprintf("TRK%d", g.rng.IntN(100000))
	}
	return Op{Kind: KindConfirm, Shipment: ref, Confirmation: c}, true
}

func (g *generator) void() (Op, bool) {
	ref, ok := g.pickShipment(backorder.ShipmentStatusCreated)
	if !ok {
		return Op{}, false
	}
	return Op{Kind: KindVoid, Shipment: ref, Void: backorder.VoidRequest{Release: g.chance(0.5), Reason: g.pick(reasons)}}, true
}

func (g *generator) ref(r ShipmentRef) *backorder.Shipment { return g.m.orders[r.Order].ships[r.N] }

func (g *generator) returns() (Op, bool) {
	ref, ok := g.pickShipment(backorder.ShipmentStatusConfirmed)
	if !ok {
		return Op{}, false
	}
	sh := g.ref(ref)
	var lines []backorder.ReturnLine
	for _, sl := range sh.Lines {
		if left := sl.Qty - sl.Returned; left > 0 && g.chance(0.7) {
			lines = append(lines, backorder.ReturnLine{LineID: sl.LineID, Qty: 1 + g.rng.Int64N(left)})
		}
	}
	if len(lines) == 0 {
		return Op{}, false
	}
	return Op{Kind: KindReturn, Shipment: ref, Return: backorder.ReturnRequest{ID: g.cmdID("RMA"), Lines: lines, Reason: g.pick(reasons)}}, true
}

func (g *generator) invoice() (Op, bool) {
	ref, ok := g.pickShipment(backorder.ShipmentStatusConfirmed)
	if !ok {
		return Op{}, false
	}
	return Op{Kind: KindInvoice, Shipment: ref}, true
}

func (g *generator) credit() (Op, bool) {
	ref, ok := g.pickShipment(backorder.ShipmentStatusConfirmed)
	if !ok {
		return Op{}, false
	}
	sh := g.ref(ref)
	var rs []backorder.ReturnLine
	for _, sl := range sh.Lines {
		if g.chance(0.7) {
			rs = append(rs, backorder.ReturnLine{LineID: sl.LineID, Qty: 1 + g.rng.Int64N(sl.Qty)})
		}
	}
	if len(rs) == 0 {
		return Op{}, false
	}
	return Op{Kind: KindCredit, Shipment: ref, Credit: backorder.CreditRequest{ID: g.cmdID("CN"), Returns: rs, Reason: g.pick(reasons)}}, true
}

func (g *generator) changeItem() Op {
	sku := g.pick(g.skus)
	it := g.item(sku, true)
	if old, ok := g.m.items[sku]; ok && g.chance(0.3) {
		it = old.Clone() // unchanged: nothing may happen
	}
	return Op{Kind: KindPutItem, Item: it}
}

func (g *generator) changeLocation() Op {
	return Op{Kind: KindPutLocation, Location: backorder.Location{ID: g.pick(g.locs), Rank: g.rng.IntN(3), Name: "moved"}}
}

func (g *generator) query() Op {
	op := Op{Kind: KindQueryOrder + Kind(g.rng.IntN(int(KindQueryAlternatives-KindQueryOrder)+1))}
	if len(g.m.orderIDs) > 0 {
		op.OrderID = g.m.orderIDs[g.rng.IntN(len(g.m.orderIDs))]
	} else {
		op.OrderID = g.id()
	}
	op.SKU = g.pick(g.skus)
	op.Customer = g.pick(customers)
	switch {
	case op.Kind == KindQueryEvents && g.chance(0.8):
		op.Kind = KindQueryPlanAll
	}
	if o := g.m.orders[op.OrderID]; o != nil {
		op.LineID = o.lines[g.rng.IntN(len(o.lines))]
	} else {
		op.LineID = g.id()
	}
	return op
}

// repeat issues an earlier command again, with the same id and now and
// then another payload: the first result must come back, and nothing
// change.
func (g *generator) repeat() (Op, bool) {
	if len(g.done) == 0 {
		return Op{}, false
	}
	op := g.done[len(g.done)-1-min(g.rng.IntN(len(g.done)), g.rng.IntN(len(g.done)))]
	op.Faults = nil
	op.Advance = 0
	if g.chance(0.3) {
		switch op.Kind {
		case KindReceive:
			op.Receipt.Qty++
		case KindAdjust:
			op.Adjustment.Delta = -op.Adjustment.Delta
		case KindCancel:
			op.Cancellation.Reason = "changed"
		case KindShip:
			op.ShipRequest.Consolidate = !op.ShipRequest.Consolidate
		}
	}
	return op, true
}

// invalid draws a command with one defect, or aimed at something that does
// not exist or is in the wrong state.
func (g *generator) invalid() (Op, bool) {
	switch g.rng.IntN(16) {
	case 0:
		op := g.placeOrder()
		op.Order.Lines[0].Qty = -g.rng.Int64N(2)
		return op, true
	case 1:
		op := g.placeOrder()
		op.Order.Lines[len(op.Order.Lines)-1].SKU = "NO-SUCH-SKU"
		return op, true
	case 2:
		op := g.placeOrder()
		op.Order.Lines = append(op.Order.Lines, op.Order.Lines[0])
		return op, true
	case 3:
		op := g.placeOrder()
		op.Order.Currency = "EURO"
		return op, true
	case 4:
		op := g.placeOrder()
		if len(g.m.orderIDs) > 0 {
			// A line id that another order has.
			o := g.m.orders[g.m.orderIDs[g.rng.IntN(len(g.m.orderIDs))]]
			op.Order.Lines[0].ID = o.lines[0]
		} else {
			op.Order.Lines[0].MinAllocation = op.Order.Lines[0].Qty + 1
		}
		return op, true
	case 5:
		op := g.placeOrder()
		op.Order.Lines[0].PreferredLocation = "NOWHERE"
		return op, true
	case 6:
		op := g.receive()
		switch g.rng.IntN(4) {
		case 0:
			op.Receipt.Qty = 0
		case 1:
			op.Receipt.Location = "NOWHERE"
		case 2:
			op.Receipt.InboundID = "NO-SUCH-PO"
		default:
			// Overflows on hand (or, at an empty position, the total
			// across locations: see the report on Availability).
			op.Receipt.Qty = math.MaxInt64
			op.Receipt.InboundID = ""
			if g.m.onHand(op.Receipt.SKU, op.Receipt.Location) == 0 {
				op.Receipt.Qty = 0
			}
		}
		return op, true
	case 7:
		op, _ := g.adjust()
		if g.chance(0.5) {
			op.Adjustment.Delta = 0
		} else {
			op.Adjustment.Delta = -(g.m.onHand(op.Adjustment.SKU, op.Adjustment.Location) + 1)
		}
		return op, true
	case 8:
		op := g.count()
		op.Count.OnHand = -1
		return op, true
	case 9:
		c := backorder.Cancellation{ID: g.cmdID("CXL"), OrderID: g.id()}
		if o, ok := g.openOrder(); ok && g.chance(0.7) {
			c.OrderID = o.hdr.ID
			c.LineID = o.lines[0]
			l := g.m.lines[c.LineID]
			c.Qty = open(l) - sumQty(l.Committed) + 1
		}
		return Op{Kind: KindCancel, Cancellation: c}, true
	case 10:
		op, ok := g.setPriority()
		if !ok {
			op = Op{Kind: KindSetPriority, PriorityChange: backorder.PriorityChange{ID: g.cmdID("PRIO"), OrderID: g.id(), Priority: 1}}
		} else {
			op.PriorityChange.Priority = 0
		}
		return op, true
	case 11:
		return Op{Kind: KindShip, ShipRequest: backorder.ShipRequest{ID: g.cmdID("SHIP"), OrderID: g.id()}}, true
	case 12:
		// Confirm or void a shipment that is no longer created.
		ref, ok := g.pickShipment(backorder.ShipmentStatusConfirmed)
		if !ok {
			ref, ok = g.pickShipment(backorder.ShipmentStatusVoided)
		}
		if !ok {
			return Op{}, false
		}
		if g.chance(0.5) {
			return Op{Kind: KindVoid, Shipment: ref}, true
		}
		return Op{Kind: KindConfirm, Shipment: ref}, true
	case 13:
		// Invoice or return a shipment that is not confirmed.
		ref, ok := g.pickShipment(backorder.ShipmentStatusCreated)
		if !ok {
			ref, ok = g.pickShipment(backorder.ShipmentStatusVoided)
		}
		if !ok {
			return Op{}, false
		}
		if g.chance(0.5) {
			return Op{Kind: KindInvoice, Shipment: ref}, true
		}
		sh := g.ref(ref)
		return Op{Kind: KindReturn, Shipment: ref, Return: backorder.ReturnRequest{ID: g.cmdID("RMA"),
			Lines: []backorder.ReturnLine{{LineID: sh.Lines[0].LineID, Qty: 1}}}}, true
	case 14:
		op, ok := g.returns()
		if !ok {
			return Op{}, false
		}
		rl := &op.Return.Lines[0]
		for _, sl := range g.ref(op.Shipment).Lines {
			if sl.LineID == rl.LineID {
				rl.Qty = sl.Qty - sl.Returned + 1
			}
		}
		return op, true
	default:
		it := g.item(g.pick(g.skus), true)
		switch g.rng.IntN(3) {
		case 0:
			it.Substitutes = []string{it.SKU}
		case 1:
			it.Policy = "no-such-policy"
		default:
			it.CasePack = -1
		}
		return Op{Kind: KindPutItem, Item: it}, true
	}
}
