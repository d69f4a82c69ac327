package invoice

import "github.com/shopspring/decimal"

// round rounds x to the currency's minor unit in the order's mode.
func (c *calc) round(x num) num { return x.round(c.places, c.mode) }

// split turns an amount in the price basis, already rounded, into its net
// amount and its tax at rate percent. Tax-exclusive: the amount is the net
// and the tax is rounded from it (zero under PerInvoice, where tax is
// rounded per group). Tax-inclusive: the amount is gross; the tax is backed
// out of it exactly, amount × rate / (100 + rate), rounded, and the net is
// what remains, so net + tax is the gross to the minor unit.
func (c *calc) split(amt, rate num) (net, tax num) {
	if rate.isZero() || amt.isZero() {
		return amt, num{}
	}
	switch {
	case c.incl:
		tax = quoRound(mul(amt, rate), add(numHundred, rate), c.places, c.mode)
		return sub(amt, tax), tax
	case c.perInv:
		return amt, num{}
	default:
		return amt, c.round(mul(amt, rate).shift(-2))
	}
}

// lineAmount is the cumulative amount of line i for quantity q, rounded,
// split into net and tax.
func (c *calc) lineAmount(i int, q int64) (net, tax num) {
	if q == 0 {
		return num{}, num{}
	}
	p := &c.lines[i]
	return c.split(c.round(mul(p.unit, numInt(q))), c.groups[p.group].rate)
}

// state is what a document takes the order to.
type state struct {
	q      []int64 // net quantity billed per line: shipped − returned
	shown  []int64 // quantity the document shows per line
	fresh  []bool  // lines whose amounts are recomputed; the others stay as billed
	active int     // invoices not entirely returned
	credit bool    // the document is a credit note
}

// totals accumulates a document's totals.
type totals struct {
	goods, charges, allowances num
	base, tax                  []num // per group
}

// build computes the document that takes the ledger to the state s: for
// every component, its cumulative amount in s, rounded, minus what the
// ledger billed (the other way round for a credit note).
func (c *calc) build(l *ledger, s *state) *Invoice {
	ng := len(c.groups)
	vg := make([]num, ng)
	var v, sumQ num
	anyQty := false
	tgt := make([]comp, len(c.lines))
	for i := range c.lines {
		p := &c.lines[i]
		q := s.q[i]
		var prod num
		if q > 0 {
			anyQty = true
			prod = mul(p.unit, numInt(q))
			v = add(v, prod)
			vg[p.group] = add(vg[p.group], prod)
			if c.vFull.isZero() {
				sumQ = add(sumQ, numInt(q))
			}
		}
		tgt[i].g = p.group
		switch {
		case !s.fresh[i]:
			tgt[i].net, tgt[i].tax = l.lines[i].main.net, l.lines[i].main.tax
		case q > 0:
			tgt[i].net, tgt[i].tax = c.split(c.round(prod), c.groups[p.group].rate)
		}
	}

	inv := &Invoice{
		Kind: KindInvoice, OrderID: c.o.ID, Currency: c.o.Currency,
		TaxInclusive: c.incl, TaxRounding: c.o.TaxRounding, Rounding: c.mode,
	}
	if s.credit {
		inv.Kind = KindCreditNote
	}
	// diff is the document's amount for a component: target − billed on an
	// invoice, billed − target on a credit note.
	diff := func(target, billed num) num {
		if s.credit {
			return sub(billed, target)
		}
		return sub(target, billed)
	}
	t := totals{base: make([]num, ng), tax: make([]num, ng)}

	nl := 0
	for i := range c.lines {
		if s.shown[i] > 0 || s.fresh[i] {
			nl++
		}
	}
	inv.Lines = make([]InvoiceLine, 0, nl)
	for i := range c.lines {
		p := &c.lines[i]
		ll := &l.lines[i]
		net, tax := diff(tgt[i].net, ll.main.net), diff(tgt[i].tax, ll.main.tax)
		if s.shown[i] > 0 || !net.isZero() || !tax.isZero() {
			inv.Lines = append(inv.Lines, c.invoiceLine(p, p.group, s.shown[i], net, tax))
			t.goods = add(t.goods, net)
			t.base[p.group], t.tax[p.group] = add(t.base[p.group], net), add(t.tax[p.group], tax)
		}
		for _, o := range ll.other { // groups the line left: reversed in full
			net, tax := diff(num{}, o.net), diff(num{}, o.tax)
			if !net.isZero() || !tax.isZero() {
				inv.Lines = append(inv.Lines, c.invoiceLine(p, o.g, 0, net, tax))
				t.goods = add(t.goods, net)
				t.base[o.g], t.tax[o.g] = add(t.base[o.g], net), add(t.tax[o.g], tax)
			}
		}
	}

	// Charges: the targets of the order's parts, then the parts the order
	// no longer has, whose target is zero.
	var tgtBase []num // PerInvoice: the cumulative base per group
	if c.perInv {
		tgtBase = make([]num, ng)
		for i := range tgt {
			tgtBase[tgt[i].g] = add(tgtBase[tgt[i].g], tgt[i].net)
		}
	}
	addCharge := func(id string, kind ChargeKind, apply Apply, pct num, g int, tnet, ttax num, e *chargeEntry) {
		var bnet, btax num
		if e != nil {
			e.matched = true
			bnet, btax = e.net, e.tax
		}
		if c.perInv {
			if kind.Allowance() {
				tgtBase[g] = sub(tgtBase[g], tnet)
			} else {
				tgtBase[g] = add(tgtBase[g], tnet)
			}
		}
		net, tax := diff(tnet, bnet), diff(ttax, btax)
		if net.isZero() && tax.isZero() {
			return
		}
		inv.Charges = append(inv.Charges, ChargeLine{
			ChargeID: id, Kind: kind, Apply: apply, Percent: pct.dec(),
			TaxPercent: c.groups[g].rateDec, TaxCategory: c.groups[g].cat, Net: net.dec(), Tax: tax.dec(),
		})
		if kind.Allowance() {
			t.allowances = add(t.allowances, net)
			t.base[g], t.tax[g] = sub(t.base[g], net), sub(t.tax[g], tax)
		} else {
			t.charges = add(t.charges, net)
			t.base[g], t.tax[g] = add(t.base[g], net), add(t.tax[g], tax)
		}
	}
	for j := range c.charges {
		pc := &c.charges[j]
		ch := pc.src
		if pc.isPct {
			for _, g := range c.goods {
				base := vg[g]
				if ch.Apply == FirstShipment {
					base = num{}
					if anyQty {
						base = c.vFullG[g]
					}
				}
				net, tax := c.split(c.round(mul(base, pc.percent).shift(-2)), c.groups[g].rate)
				addCharge(ch.ID, ch.Kind, ch.Apply, pc.percent, g, net, tax, l.charge(ch.ID, ch.Kind, g))
			}
			continue
		}
		var amt num
		switch {
		case pc.amount.isZero() || !anyQty:
		case ch.Apply == FirstShipment:
			amt = c.round(pc.amount)
		case ch.Apply == EveryShipment:
			amt = c.round(mul(pc.amount, numInt(int64(s.active))))
		case !c.vFull.isZero():
			amt = quoRound(mul(pc.amount, v), c.vFull, c.places, c.mode)
		default: // the goods are worth nothing: prorate by quantity
			amt = quoRound(mul(pc.amount, sumQ), c.qtyFull, c.places, c.mode)
		}
		net, tax := c.split(amt, c.groups[pc.group].rate)
		addCharge(ch.ID, ch.Kind, ch.Apply, num{}, pc.group, net, tax, l.charge(ch.ID, ch.Kind, pc.group))
	}
	for k := range l.charges {
		if e := &l.charges[k]; !e.matched {
			addCharge(e.id, e.kind, e.apply, e.percent, e.g, num{}, num{}, e)
		}
	}

	// The tax breakdown, and the totals.
	var taxTotal num
	for g := range c.groups {
		tax := t.tax[g]
		if c.perInv {
			var billed num
			if g < len(l.groupTax) {
				billed = l.groupTax[g]
			}
			tax = diff(c.round(mul(tgtBase[g], c.groups[g].rate).shift(-2)), billed)
		}
		if t.base[g].isZero() && tax.isZero() {
			continue
		}
		inv.Taxes = append(inv.Taxes, TaxLine{TaxCategory: c.groups[g].cat, TaxPercent: c.groups[g].rateDec,
			Base: t.base[g].dec(), Tax: tax.dec()})
		taxTotal = add(taxTotal, tax)
	}
	subtotal := sub(add(t.goods, t.charges), t.allowances)
	inv.Goods, inv.ChargeTotal, inv.AllowanceTotal = c.amount(t.goods), c.amount(t.charges), c.amount(t.allowances)
	inv.Subtotal, inv.TaxTotal, inv.Total = c.amount(subtotal), c.amount(taxTotal), c.amount(add(subtotal, taxTotal))
	return inv
}

// amount converts a rounded amount to a decimal with exactly the currency's
// minor units, so that zero is "0.00" too.
func (c *calc) amount(x num) decimal.Decimal { return x.round(c.places, c.mode).dec() }

// str formats an amount with the currency's minor units.
func (c *calc) str(x num) string { return fixed(c.amount(x), c.places) }

func (c *calc) invoiceLine(p *pline, g int, qty int64, net, tax num) InvoiceLine {
	return InvoiceLine{
		LineID: p.src.ID, SKU: p.src.SKU, Qty: qty,
		UnitPrice: p.price, DiscountPercent: p.discPct, DiscountAmount: p.discAmt,
		TaxPercent: c.groups[g].rateDec, TaxCategory: c.groups[g].cat,
		Net: c.amount(net), Tax: c.amount(tax),
	}
}
