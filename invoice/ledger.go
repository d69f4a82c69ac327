package invoice

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// comp is what the documents billed for one component in one tax group:
// signed, invoices adding and credit notes subtracting.
type comp struct {
	g        int
	net, tax num
}

// lineLedger is what the earlier documents did with one order line.
type lineLedger struct {
	shipped, returned int64
	// main is what was billed in the line's current tax group; other what
	// was billed in groups the line has since left (its tax changed).
	main   comp
	other  []comp
	billed bool // some document lists the line
	stamp  int  // 1 + the index of the last document listing it in main
}

// chargeEntry is what the documents billed for one part of a charge.
type chargeEntry struct {
	id       string
	kind     ChargeKind
	g        int
	apply    Apply
	percent  num
	net, tax num
	matched  bool // the order still has this part
}

// invEntry is one earlier invoice. Its per-line quantities are kept only
// when some credit note corrects it.
type invEntry struct {
	doc int
	qty map[int]int64 // order line → quantity invoiced
	ret map[int]int64 // order line → quantity returned against it
}

// ledger is the state the earlier documents leave, derived from them alone.
type ledger struct {
	lines    []lineLedger
	charges  []chargeEntry
	groupTax []num // billed tax per group (PerInvoice)
	invoices []invEntry
	byShip   map[string]int // shipment id → index in invoices
	credits  map[string]bool
	active   int // invoices not entirely returned
}

func (l *ledger) addGroupTax(g int, tax num) {
	for len(l.groupTax) <= g {
		l.groupTax = append(l.groupTax, num{})
	}
	l.groupTax[g] = add(l.groupTax[g], tax)
}

// fullyReturned reports whether everything on the invoice came back.
func (e *invEntry) fullyReturned() bool {
	if e.ret == nil {
		return false
	}
	for i, q := range e.qty {
		if e.ret[i] != q {
			return false
		}
	}
	return true
}

// charge finds the ledger entry of a charge part, or nil.
func (l *ledger) charge(id string, kind ChargeKind, g int) *chargeEntry {
	for i := range l.charges {
		if e := &l.charges[i]; e.id == id && e.kind == kind && e.g == g {
			return e
		}
	}
	return nil
}

// newLedger validates the earlier documents against the order and sums them.
func (c *calc) newLedger(prior []Invoice) (*ledger, error) {
	l := &ledger{lines: make([]lineLedger, len(c.lines)), byShip: make(map[string]int, len(prior))}
	for i := range l.lines {
		l.lines[i].main.g = c.lines[i].group
	}
	for k := range prior {
		d := &prior[k]
		f := func(name string) string { return fmt.Sprintf("prior[%d].%s", k, name) }
		switch {
		case !validEnum(kindNames[:], uint8(d.Kind)):
			return nil, invalid(f("Kind"), "unknown kind %d", d.Kind)
		case d.OrderID != c.o.ID:
			return nil, invalid(f("OrderID"), "is %q, not the order's %q", d.OrderID, c.o.ID)
		case d.Currency != c.o.Currency:
			return nil, &MismatchError{Field: f("Currency"), Want: c.o.Currency, Got: d.Currency}
		case d.TaxInclusive != c.o.TaxInclusive:
			return nil, invalid(f("TaxInclusive"), "differs from the order's: prices cannot change basis after billing")
		case d.TaxRounding != c.o.TaxRounding:
			return nil, invalid(f("TaxRounding"), "is %v, the order's is %v: it cannot change after billing", d.TaxRounding, c.o.TaxRounding)
		case d.Rounding != c.o.Rounding:
			return nil, invalid(f("Rounding"), "is %v, the order's is %v: it cannot change after billing", d.Rounding, c.o.Rounding)
		case d.ShipmentID == "":
			return nil, invalid(f("ShipmentID"), "is empty")
		}
		if d.Kind == KindInvoice {
			if j, dup := l.byShip[d.ShipmentID]; dup {
				return nil, &ValidationError{Field: f("ShipmentID"), Err: ErrAlreadyInvoiced,
					Reason: fmt.Sprintf("shipment %q is invoiced twice (also prior[%d])", d.ShipmentID, l.invoices[j].doc)}
			}
			l.byShip[d.ShipmentID] = len(l.invoices)
			l.invoices = append(l.invoices, invEntry{doc: k})
			continue
		}
		if d.CreditID == "" {
			return nil, invalid(f("CreditID"), "a credit note's CreditID is empty")
		}
		if l.credits == nil {
			l.credits = map[string]bool{}
		}
		if l.credits[d.CreditID] {
			return nil, &ValidationError{Field: f("CreditID"), Reason: fmt.Sprintf("credit %q appears twice", d.CreditID), Err: ErrAlreadyInvoiced}
		}
		l.credits[d.CreditID] = true
	}
	for k := range prior {
		if prior[k].Kind != KindCreditNote {
			continue
		}
		j, ok := l.byShip[prior[k].ShipmentID]
		if !ok {
			return nil, invalid(fmt.Sprintf("prior[%d].ShipmentID", k), "names no invoice among the earlier documents: %q", prior[k].ShipmentID)
		}
		if l.invoices[j].qty == nil {
			l.invoices[j].qty, l.invoices[j].ret = map[int]int64{}, map[int]int64{}
		}
	}
	// Invoices first, then credit notes: a return is checked against what
	// its invoice billed, whatever the order of prior.
	for pass := KindInvoice; pass <= KindCreditNote; pass++ {
		for k := range prior {
			if prior[k].Kind == pass {
				if err := c.addDocument(l, prior, k); err != nil {
					return nil, err
				}
			}
		}
	}
	l.active = len(l.invoices)
	for j := range l.invoices {
		if l.invoices[j].fullyReturned() {
			l.active--
		}
	}
	return l, nil
}

// read validates a decimal of an earlier document and returns it as a num.
// field names it, and is called only on error.
func read(d decimal.Decimal, nonNegative bool, limit int32, field func() string) (num, error) {
	_, v, why := checkDecimal(d, nonNegative, limit)
	if why != "" {
		return num{}, invalid(field(), "%s", why)
	}
	return v, nil
}

// docGroup returns the group of a rate read from a document, trying the
// likely group first.
func (c *calc) docGroup(likely int, cat string, rate num, rateDec decimal.Decimal) int {
	if g := &c.groups[likely]; g.cat == cat && g.rate.eq(rate) {
		return likely
	}
	return c.groupOf(cat, rate, rateDec)
}

// addDocument adds prior[k] to the ledger.
func (c *calc) addDocument(l *ledger, prior []Invoice, k int) error {
	d := &prior[k]
	credit := d.Kind == KindCreditNote
	inv := &l.invoices[l.byShip[d.ShipmentID]]
	guess := 0
	for j := range d.Lines {
		dl := &d.Lines[j]
		f := func(name string) func() string {
			return func() string { return fmt.Sprintf("prior[%d].Lines[%d].%s", k, j, name) }
		}
		i, ok := c.lineIndex(dl.LineID, guess)
		if !ok {
			return invalid(f("LineID")(), "%q is not a line of the order", dl.LineID)
		}
		guess = i + 1
		if dl.Qty < 0 {
			return invalid(f("Qty")(), "is negative (%d)", dl.Qty)
		}
		net, err := read(dl.Net, false, limitBilled, f("Net"))
		if err != nil {
			return err
		}
		tax, err := read(dl.Tax, false, limitBilled, f("Tax"))
		if err != nil {
			return err
		}
		rate, err := read(dl.TaxPercent, true, limitPercent, f("TaxPercent"))
		if err != nil {
			return err
		}
		if credit {
			net, tax = net.neg(), tax.neg()
		}
		ll := &l.lines[i]
		ll.billed = true
		g := c.docGroup(ll.main.g, dl.TaxCategory, rate, dl.TaxPercent)
		if g == ll.main.g {
			if ll.stamp == k+1 {
				return invalid(f("LineID")(), "line %q is listed twice in one document", dl.LineID)
			}
			ll.stamp = k + 1
			ll.main.net, ll.main.tax = add(ll.main.net, net), add(ll.main.tax, tax)
		} else {
			found := false
			for o := range ll.other {
				if ll.other[o].g == g {
					ll.other[o].net, ll.other[o].tax = add(ll.other[o].net, net), add(ll.other[o].tax, tax)
					found = true
				}
			}
			if !found {
				ll.other = append(ll.other, comp{g: g, net: net, tax: tax})
			}
			for jj := 0; jj < j; jj++ {
				if p := &d.Lines[jj]; p.LineID == dl.LineID && p.TaxCategory == dl.TaxCategory && p.TaxPercent.Equal(dl.TaxPercent) {
					return invalid(f("LineID")(), "line %q is listed twice in one tax group of one document", dl.LineID)
				}
			}
		}
		if dl.Qty == 0 {
			continue
		}
		if !credit {
			if dl.Qty > c.lines[i].qty-ll.shipped {
				return invalid(fmt.Sprintf("Lines[%d].Qty", i), "%d is below the %d units the earlier invoices billed", c.lines[i].qty, ll.shipped+dl.Qty)
			}
			ll.shipped += dl.Qty
			if inv.qty != nil {
				inv.qty[i] += dl.Qty
			}
			continue
		}
		if dl.Qty > inv.qty[i]-inv.ret[i] {
			return invalid(f("Qty")(), "returns %d of line %q, but invoice %q has only %d not yet returned", dl.Qty, dl.LineID, d.ShipmentID, inv.qty[i]-inv.ret[i])
		}
		inv.ret[i] += dl.Qty
		ll.returned += dl.Qty
	}
	for j := range d.Charges {
		dc := &d.Charges[j]
		f := func(name string) func() string {
			return func() string { return fmt.Sprintf("prior[%d].Charges[%d].%s", k, j, name) }
		}
		if !validEnum(chargeKindNames[:], uint8(dc.Kind)) {
			return invalid(f("Kind")(), "unknown kind %d", dc.Kind)
		}
		net, err := read(dc.Net, false, limitBilled, f("Net"))
		if err != nil {
			return err
		}
		tax, err := read(dc.Tax, false, limitBilled, f("Tax"))
		if err != nil {
			return err
		}
		rate, err := read(dc.TaxPercent, true, limitPercent, f("TaxPercent"))
		if err != nil {
			return err
		}
		pct, err := read(dc.Percent, true, limitPercent, f("Percent"))
		if err != nil {
			return err
		}
		g := c.groupOf(dc.TaxCategory, rate, dc.TaxPercent)
		for jj := 0; jj < j; jj++ {
			if p := &d.Charges[jj]; p.ChargeID == dc.ChargeID && p.Kind == dc.Kind && p.TaxCategory == dc.TaxCategory && p.TaxPercent.Equal(dc.TaxPercent) {
				return invalid(f("ChargeID")(), "charge %q is listed twice in one tax group of one document", dc.ChargeID)
			}
		}
		if credit {
			net, tax = net.neg(), tax.neg()
		}
		e := l.charge(dc.ChargeID, dc.Kind, g)
		if e == nil {
			l.charges = append(l.charges, chargeEntry{id: dc.ChargeID, kind: dc.Kind, g: g})
			e = &l.charges[len(l.charges)-1]
		}
		e.apply, e.percent = dc.Apply, pct
		e.net, e.tax = add(e.net, net), add(e.tax, tax)
	}
	for j := range d.Taxes {
		dt := &d.Taxes[j]
		f := func(name string) func() string {
			return func() string { return fmt.Sprintf("prior[%d].Taxes[%d].%s", k, j, name) }
		}
		if _, err := read(dt.Base, false, limitBilled, f("Base")); err != nil {
			return err
		}
		tax, err := read(dt.Tax, false, limitBilled, f("Tax"))
		if err != nil {
			return err
		}
		rate, err := read(dt.TaxPercent, true, limitPercent, f("TaxPercent"))
		if err != nil {
			return err
		}
		g := c.groupOf(dt.TaxCategory, rate, dt.TaxPercent)
		for jj := 0; jj < j; jj++ {
			if p := &d.Taxes[jj]; p.TaxCategory == dt.TaxCategory && p.TaxPercent.Equal(dt.TaxPercent) {
				return invalid(f("TaxPercent")(), "tax group %q %s%% is listed twice", dt.TaxCategory, exact(dt.TaxPercent))
			}
		}
		if credit {
			tax = tax.neg()
		}
		l.addGroupTax(g, tax)
	}
	return nil
}
