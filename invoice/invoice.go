package invoice

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// Bill returns the invoice for shipment s of order o. prior holds the
// order's earlier invoices and credit notes, as Bill and Credit returned
// them (Number and IssuedAt may be set; nothing else may change), in any
// order.
//
// For every component (each line's net and tax, each part of each charge,
// under PerInvoice each tax group's tax) the invoice bills the cumulative
// amount through this shipment, rounded to the minor unit, minus what prior
// billed for it. So the invoices of a fully shipped order add up to
// Total(o, n) exactly, and no goods line is negative. A charge line is
// negative only when the order changed after earlier invoices in a way that
// lowers a charge already billed (a charge removed or lowered, the goods of
// unshipped lines grown): the next invoice absorbs the difference.
//
// Bill validates everything first and returns a *ValidationError or a
// *MismatchError matching ErrInvalid: ErrAlreadyInvoiced if prior already
// has an invoice for s.ID, ErrPriceChanged if a line was billed at a
// pricing o no longer has (issue the correction with Credit, then bill).
func Bill(o Order, prior []Invoice, s Shipment) (Invoice, error) {
	c, err := newCalc(&o)
	if err != nil {
		return Invoice{}, err
	}
	l, err := c.newLedger(prior)
	if err != nil {
		return Invoice{}, err
	}
	if s.ID == "" {
		return Invoice{}, invalid("Shipment.ID", "is empty")
	}
	if j, dup := l.byShip[s.ID]; dup {
		return Invoice{}, &ValidationError{Field: "Shipment.ID", Err: ErrAlreadyInvoiced,
			Reason: fmt.Sprintf("shipment %q is already invoiced (prior[%d])", s.ID, l.invoices[j].doc)}
	}
	if len(s.Lines) == 0 {
		return Invoice{}, invalid("Shipment.Lines", "a shipment needs at least one line")
	}
	n := len(c.lines)
	st := &state{q: make([]int64, n), shown: make([]int64, n), fresh: make([]bool, n), active: l.active + 1}
	guess := 0
	for k, sl := range s.Lines {
		f := func(name string) string { return fmt.Sprintf("Shipment.Lines[%d].%s", k, name) }
		i, ok := c.lineIndex(sl.LineID, guess)
		guess = i + 1
		switch {
		case !ok:
			return Invoice{}, invalid(f("LineID"), "%q is not a line of the order", sl.LineID)
		case st.fresh[i]:
			return Invoice{}, invalid(f("LineID"), "line %q is listed twice", sl.LineID)
		case sl.Qty <= 0:
			return Invoice{}, invalid(f("Qty"), "must be > 0, is %d", sl.Qty)
		case sl.Qty > c.lines[i].qty-l.lines[i].shipped:
			return Invoice{}, invalid(f("Qty"), "ships %d of line %q, but only %d of its %d are not invoiced yet",
				sl.Qty, sl.LineID, c.lines[i].qty-l.lines[i].shipped, c.lines[i].qty)
		}
		st.fresh[i], st.shown[i] = true, sl.Qty
	}
	for i := range c.lines {
		ll := &l.lines[i]
		st.q[i] = ll.shipped - ll.returned + st.shown[i]
		if ll.billed {
			if err := c.checkBilled(l, i); err != nil {
				return Invoice{}, err
			}
		}
	}
	inv := c.build(l, st)
	inv.ShipmentID = s.ID
	return *inv, nil
}

// checkBilled checks that what the documents billed for line i is what the
// order's pricing gives for the quantity they left billed.
func (c *calc) checkBilled(l *ledger, i int) error {
	ll := &l.lines[i]
	net, tax := c.lineAmount(i, ll.shipped-ll.returned)
	ok := net.eq(ll.main.net) && tax.eq(ll.main.tax)
	for _, o := range ll.other {
		ok = ok && o.net.isZero() && o.tax.isZero()
	}
	if ok {
		return nil
	}
	return &ValidationError{
		Field: fmt.Sprintf("Lines[%d]", i), Err: ErrPriceChanged,
		Reason: fmt.Sprintf("the earlier documents billed net %s, tax %s for the %d units of line %q they leave billed; its pricing now gives net %s, tax %s: correct it with Credit first",
			c.str(ll.main.net), c.str(ll.main.tax), ll.shipped-ll.returned, c.lines[i].src.ID, c.str(net), c.str(tax)),
	}
}

// Credit returns the credit note for correction r of order o: for goods
// returned from one invoice, for a price correction, or both. prior is as
// for Bill, and must hold the invoice r corrects.
//
// A return credits, for every component, what was billed minus the
// cumulative amount for what stays billed, rounded, so returning
// everything, at once or in pieces, brings the order's net billed total
// (see Billed) back to exactly zero. A price correction is given by o: pass
// the order with its corrected pricing and the credit note re-prices every
// billed unit of each line whose amounts change (and re-spreads the
// prorated charges); later invoices then bill at the new pricing.
//
// A credit note's amounts are positive when credited, an allowance's
// included (it then reduces the credit). Parts that a price correction
// moves the other way (a prorated charge whose share grows when another
// line's price falls) appear with negative amounts. A price correction
// without returns that would raise what is owed is refused: it is not a
// credit. A return's total can be negative in one case: returning the last
// goods takes back an allowance billed in full on the first shipment
// (FirstShipment) or per shipment (EveryShipment), which may exceed the
// goods returned.
func Credit(o Order, prior []Invoice, r Correction) (Invoice, error) {
	c, err := newCalc(&o)
	if err != nil {
		return Invoice{}, err
	}
	l, err := c.newLedger(prior)
	if err != nil {
		return Invoice{}, err
	}
	if r.ID == "" {
		return Invoice{}, invalid("Correction.ID", "is empty")
	}
	if l.credits[r.ID] {
		return Invoice{}, &ValidationError{Field: "Correction.ID", Reason: fmt.Sprintf("credit %q was already issued", r.ID), Err: ErrAlreadyInvoiced}
	}
	j, ok := l.byShip[r.ShipmentID]
	if !ok {
		return Invoice{}, invalid("Correction.ShipmentID", "names no invoice among the earlier documents: %q", r.ShipmentID)
	}
	ie := &l.invoices[j]
	invQty, invRet := ie.qty, ie.ret
	if invQty == nil {
		invQty, invRet = map[int]int64{}, map[int]int64{}
		for _, dl := range prior[ie.doc].Lines {
			invQty[c.index[dl.LineID]] += dl.Qty
		}
	}
	wasReturned := ie.fullyReturned()
	n := len(c.lines)
	st := &state{q: make([]int64, n), shown: make([]int64, n), fresh: make([]bool, n), credit: true, active: l.active}
	for k, rl := range r.Returns {
		f := func(name string) string { return fmt.Sprintf("Correction.Returns[%d].%s", k, name) }
		i, ok := c.index[rl.LineID]
		switch {
		case !ok:
			return Invoice{}, invalid(f("LineID"), "%q is not a line of the order", rl.LineID)
		case st.shown[i] > 0:
			return Invoice{}, invalid(f("LineID"), "line %q is listed twice", rl.LineID)
		case rl.Qty <= 0:
			return Invoice{}, invalid(f("Qty"), "must be > 0, is %d", rl.Qty)
		case rl.Qty > invQty[i]-invRet[i]:
			return Invoice{}, invalid(f("Qty"), "returns %d of line %q, but invoice %q has only %d of it not yet returned",
				rl.Qty, rl.LineID, r.ShipmentID, invQty[i]-invRet[i])
		}
		st.shown[i] = rl.Qty
	}
	if len(r.Returns) > 0 && !wasReturned {
		all := true
		for i, q := range invQty {
			all = all && invRet[i]+st.shown[i] == q
		}
		if all {
			st.active--
		}
	}
	for i := range c.lines {
		ll := &l.lines[i]
		st.q[i] = ll.shipped - ll.returned - st.shown[i]
		st.fresh[i] = ll.billed
	}
	inv := c.build(l, st)
	if len(r.Returns) == 0 && len(inv.Lines) == 0 && len(inv.Charges) == 0 && len(inv.Taxes) == 0 {
		return Invoice{}, invalid("Correction", "returns nothing and the order's pricing gives the amounts already billed: nothing to credit")
	}
	if len(r.Returns) == 0 && inv.Total.Sign() < 0 {
		return Invoice{}, invalid("Correction", "would raise what is owed by %s: a price correction upwards is not a credit note", fixed(inv.Total.Neg(), c.places))
	}
	inv.ShipmentID, inv.CreditID, inv.Reason = r.ShipmentID, r.ID, r.Reason
	inv.Corrects = prior[ie.doc].Number
	return *inv, nil
}

// Total returns the totals of order o fully shipped in the given number of
// shipments: what its invoices add up to, exactly. The number of shipments
// matters only for EveryShipment charges; it must be ≥ 1.
func Total(o Order, shipments int) (Totals, error) {
	c, err := newCalc(&o)
	if err != nil {
		return Totals{}, err
	}
	if shipments < 1 {
		return Totals{}, invalid("shipments", "must be ≥ 1, is %d", shipments)
	}
	l, err := c.newLedger(nil)
	if err != nil {
		return Totals{}, err
	}
	n := len(c.lines)
	st := &state{q: make([]int64, n), shown: make([]int64, n), fresh: make([]bool, n), active: shipments}
	for i := range c.lines {
		st.q[i], st.shown[i], st.fresh[i] = c.lines[i].qty, c.lines[i].qty, true
	}
	return c.build(l, st).Totals, nil
}

// Billed returns what a set of documents bills net: invoices minus credit
// notes, with the tax breakdown merged by group in order of appearance. All
// documents must be in one currency (else a *MismatchError), of a known
// kind, with sane amounts (else a *ValidationError). No documents give zero
// totals. Compare the result with Total using Totals.Equal.
func Billed(docs []Invoice) (Totals, error) {
	var t Totals
	for k := range docs {
		d := &docs[k]
		if d.Currency != docs[0].Currency {
			return Totals{}, &MismatchError{Field: fmt.Sprintf("docs[%d].Currency", k), Want: docs[0].Currency, Got: d.Currency}
		}
		if !validEnum(kindNames[:], uint8(d.Kind)) {
			return Totals{}, invalid(fmt.Sprintf("docs[%d].Kind", k), "unknown kind %d", d.Kind)
		}
		for _, a := range []struct {
			name string
			v    decimal.Decimal
		}{{"Goods", d.Goods}, {"ChargeTotal", d.ChargeTotal}, {"AllowanceTotal", d.AllowanceTotal},
			{"Subtotal", d.Subtotal}, {"TaxTotal", d.TaxTotal}, {"Total", d.Total}} {
			if _, _, why := checkDecimal(a.v, false, limitBilled); why != "" {
				return Totals{}, invalid(fmt.Sprintf("docs[%d].%s", k, a.name), "%s", why)
			}
		}
		for j, x := range d.Taxes {
			for _, v := range []decimal.Decimal{x.TaxPercent, x.Base, x.Tax} {
				if _, _, why := checkDecimal(v, false, limitBilled); why != "" {
					return Totals{}, invalid(fmt.Sprintf("docs[%d].Taxes[%d]", k, j), "%s", why)
				}
			}
		}
		add := decimal.Decimal.Add
		if d.Kind == KindCreditNote {
			add = decimal.Decimal.Sub
		}
		t.Goods = add(t.Goods, d.Goods)
		t.ChargeTotal = add(t.ChargeTotal, d.ChargeTotal)
		t.AllowanceTotal = add(t.AllowanceTotal, d.AllowanceTotal)
		t.Subtotal = add(t.Subtotal, d.Subtotal)
		t.TaxTotal = add(t.TaxTotal, d.TaxTotal)
		t.Total = add(t.Total, d.Total)
		for _, x := range d.Taxes {
			found := false
			for g := range t.Taxes {
				if y := &t.Taxes[g]; y.TaxCategory == x.TaxCategory && y.TaxPercent.Equal(x.TaxPercent) {
					y.Base, y.Tax, found = add(y.Base, x.Base), add(y.Tax, x.Tax), true
					break
				}
			}
			if !found {
				t.Taxes = append(t.Taxes, TaxLine{TaxCategory: x.TaxCategory, TaxPercent: x.TaxPercent,
					Base: add(decimal.Decimal{}, x.Base), Tax: add(decimal.Decimal{}, x.Tax)})
			}
		}
	}
	return t, nil
}

// Validate checks the pricing of o as Bill, Credit and Total do, and returns
// the same errors, without billing anything. A host (or the engine) can call
// it when an order is accepted, so that an order that could never be
// invoiced is refused up front.
func Validate(o Order) error {
	_, err := newCalc(&o)
	return err
}
