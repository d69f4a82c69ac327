package invoice

import (
	"fmt"

	"github.com/shopspring/decimal"
)

const (
	// maxPlaces is the most decimal places an input decimal may have after
	// its trailing zeros are dropped.
	maxPlaces = 24
	// maxExponent bounds a decimal's exponent before anything else looks at
	// it: rescaling a decimal built with New(1, -2e9) would not end.
	maxExponent = 1000
)

// Limits of input values, as powers of ten: |d| ≤ 10^limit.
const (
	limitPrice   = 18 // a unit price, a line discount, a charge amount
	limitPercent = 2  // a percentage: at most 100
	limitBilled  = 40 // an amount on an earlier document
)

// checkDecimal validates an input decimal: a sane exponent, at most
// maxPlaces decimal places, |d| ≤ 10^limit, and d ≥ 0 if nonNegative. It
// returns the value with trailing zeros beyond maxPlaces dropped, the same
// as a num, and why it is wrong ("" if it is not). The common case
// allocates nothing.
func checkDecimal(d decimal.Decimal, nonNegative bool, limit int32) (decimal.Decimal, num, string) {
	if e := d.Exponent(); e < -maxExponent || e > maxExponent {
		return d, num{}, fmt.Sprintf("exponent %d is out of range", e)
	}
	if d.Exponent() < -maxPlaces {
		r := d.Truncate(maxPlaces)
		if !r.Equal(d) {
			return d, num{}, fmt.Sprintf("has more than %d decimal places", maxPlaces)
		}
		d = r
	}
	if nonNegative && d.Sign() < 0 {
		return d, num{}, fmt.Sprintf("is negative (%s)", exact(d))
	}
	// |d| < 10^(digits+exponent) and ≥ 10^(digits+exponent−1).
	digits := d.NumDigits()
	if n := int64(digits) + int64(d.Exponent()); n > int64(limit) &&
		(n > int64(limit)+1 || !d.Abs().Equal(decimal.New(1, limit))) {
		return d, num{}, fmt.Sprintf("exceeds 1e%d", limit)
	}
	if digits <= 18 {
		return d, num{c: d.CoefficientInt64(), e: d.Exponent()}, ""
	}
	return d, num{b: d.Coefficient(), e: d.Exponent()}, ""
}

// exact formats d with all its digits and no trailing zeros, whatever the
// decimal package's settings.
func exact(d decimal.Decimal) string {
	if d.Exponent() >= 0 {
		return d.StringFixed(0)
	}
	s := d.StringFixed(-d.Exponent())
	i := len(s)
	for i > 0 && s[i-1] == '0' {
		i--
	}
	if i > 0 && s[i-1] == '.' {
		i--
	}
	return s[:i]
}

// fixed formats d with at least places decimal places and all its digits.
func fixed(d decimal.Decimal, places int32) string {
	if e := -d.Exponent(); e > places {
		places = e
	}
	return d.StringFixed(places)
}

// group is a tax group: a category and a rate in percent.
type group struct {
	cat     string
	rate    num
	rateDec decimal.Decimal
}

// pline is an order line, validated and priced.
type pline struct {
	src  *Line
	qty  int64
	unit num // per unit, after discount, in the price basis
	// the pricing as validated, for the documents
	price, discPct, discAmt decimal.Decimal
	group                   int
}

// pcharge is an order-level charge, validated.
type pcharge struct {
	src        *Charge
	amount     num
	percent    num
	percentDec decimal.Decimal
	isPct      bool
	group      int // the tax group of an amount charge
}

// calc holds a validated order and everything derived from it.
type calc struct {
	o       *Order
	places  int32
	mode    Rounding
	incl    bool
	perInv  bool
	lines   []pline
	charges []pcharge
	groups  []group
	goods   []int // the tax groups that have goods lines, ascending
	index   map[string]int
	vFull   num   // Σ unit × Qty: the order's goods value
	vFullG  []num // the same per tax group
	qtyFull num   // Σ Qty, used only if vFull is zero
}

// groupOf returns the index of the group (cat, rate), adding it if new.
// rate is the num of rateDec.
func (c *calc) groupOf(cat string, r num, rateDec decimal.Decimal) int {
	for i := range c.groups {
		if c.groups[i].cat == cat && c.groups[i].rate.eq(r) {
			return i
		}
	}
	c.groups = append(c.groups, group{cat: cat, rate: r, rateDec: rateDec})
	return len(c.groups) - 1
}

var numHundred = numInt(100)

// lineIndex returns the index of the order line with the given id, trying
// guess first: documents and shipments usually list lines in the order's
// line order, so the map is rarely needed.
func (c *calc) lineIndex(id string, guess int) (int, bool) {
	if guess >= 0 && guess < len(c.lines) && c.lines[guess].src.ID == id {
		return guess, true
	}
	i, ok := c.index[id]
	return i, ok
}

// newCalc validates o and prices it.
func newCalc(o *Order) (*calc, error) {
	if o.ID == "" {
		return nil, invalid("ID", "is empty")
	}
	cur, ok := lookupCurrency(o.Currency)
	if !ok {
		return nil, unknownCurrency("Currency", o.Currency)
	}
	if !validEnum(taxRoundingNames[:], uint8(o.TaxRounding)) {
		return nil, invalid("TaxRounding", "unknown value %d", o.TaxRounding)
	}
	if !validEnum(roundingNames[:], uint8(o.Rounding)) {
		return nil, invalid("Rounding", "unknown value %d", o.Rounding)
	}
	if o.TaxInclusive && o.TaxRounding == PerInvoice {
		return nil, invalid("TaxRounding", "per-invoice tax rounding needs tax-exclusive prices: with tax-inclusive prices a line's net amount is only defined per line")
	}
	if len(o.Lines) == 0 {
		return nil, invalid("Lines", "an order needs at least one line")
	}
	c := &calc{
		o: o, places: cur.MinorUnits, mode: o.Rounding,
		incl: o.TaxInclusive, perInv: o.TaxRounding == PerInvoice,
		lines: make([]pline, len(o.Lines)), index: make(map[string]int, len(o.Lines)),
	}
	for i := range o.Lines {
		l := &o.Lines[i]
		f := func(name string) string { return fmt.Sprintf("Lines[%d].%s", i, name) }
		if l.ID == "" {
			return nil, invalid(f("ID"), "is empty")
		}
		if j, dup := c.index[l.ID]; dup {
			return nil, invalid(f("ID"), "duplicates Lines[%d].ID %q", j, l.ID)
		}
		c.index[l.ID] = i
		if l.SKU == "" {
			return nil, invalid(f("SKU"), "is empty")
		}
		if l.Qty <= 0 {
			return nil, invalid(f("Qty"), "must be > 0, is %d", l.Qty)
		}
		p := &c.lines[i]
		p.src, p.qty = l, l.Qty
		var why string
		var price, dp, da, tax num
		if p.price, price, why = checkDecimal(l.UnitPrice, true, limitPrice); why != "" {
			return nil, invalid(f("UnitPrice"), "%s", why)
		}
		if p.discPct, dp, why = checkDecimal(l.DiscountPercent, true, limitPercent); why != "" {
			return nil, invalid(f("DiscountPercent"), "%s", why)
		}
		if p.discAmt, da, why = checkDecimal(l.DiscountAmount, true, limitPrice); why != "" {
			return nil, invalid(f("DiscountAmount"), "%s", why)
		}
		taxDec, tax, why := checkDecimal(l.TaxPercent, true, limitPercent)
		if why != "" {
			return nil, invalid(f("TaxPercent"), "%s", why)
		}
		switch {
		case !dp.isZero() && !da.isZero():
			return nil, invalid(f("DiscountAmount"), "a line gives DiscountPercent or DiscountAmount, not both")
		case cmp(da, price) > 0:
			return nil, invalid(f("DiscountAmount"), "%s exceeds the unit price %s", exact(p.discAmt), exact(p.price))
		case !dp.isZero():
			p.unit = mul(price, sub(numHundred, dp)).shift(-2)
		case !da.isZero():
			p.unit = sub(price, da)
		default:
			p.unit = price
		}
		p.group = c.groupOf(l.TaxCategory, tax, taxDec)
	}
	c.charges = make([]pcharge, len(o.Charges))
	for j := range o.Charges {
		ch := &o.Charges[j]
		f := func(name string) string { return fmt.Sprintf("Charges[%d].%s", j, name) }
		if ch.ID == "" {
			return nil, invalid(f("ID"), "is empty")
		}
		for k := 0; k < j; k++ {
			if o.Charges[k].ID == ch.ID {
				return nil, invalid(f("ID"), "duplicates Charges[%d].ID %q", k, ch.ID)
			}
		}
		if !validEnum(chargeKindNames[:], uint8(ch.Kind)) {
			return nil, invalid(f("Kind"), "unknown kind %d", ch.Kind)
		}
		if !validEnum(applyNames[:], uint8(ch.Apply)) {
			return nil, invalid(f("Apply"), "unknown value %d", ch.Apply)
		}
		p := &c.charges[j]
		p.src = ch
		var why string
		if _, p.amount, why = checkDecimal(ch.Amount, true, limitPrice); why != "" {
			return nil, invalid(f("Amount"), "%s", why)
		}
		if p.percentDec, p.percent, why = checkDecimal(ch.Percent, true, limitPercent); why != "" {
			return nil, invalid(f("Percent"), "%s", why)
		}
		taxDec, tax, why := checkDecimal(ch.TaxPercent, true, limitPercent)
		if why != "" {
			return nil, invalid(f("TaxPercent"), "%s", why)
		}
		p.isPct = !p.percent.isZero()
		switch {
		case p.isPct && !p.amount.isZero():
			return nil, invalid(f("Percent"), "a charge gives Amount or Percent, not both")
		case p.isPct && (!tax.isZero() || ch.TaxCategory != ""):
			return nil, invalid(f("TaxPercent"), "a percent charge is taxed like the goods it is a percentage of: leave TaxPercent and TaxCategory empty")
		case !p.isPct:
			p.group = c.groupOf(ch.TaxCategory, tax, taxDec)
		}
	}
	c.vFullG = make([]num, len(c.groups))
	for i := range c.lines {
		p := &c.lines[i]
		v := mul(p.unit, numInt(p.qty))
		c.vFull = add(c.vFull, v)
		c.vFullG[p.group] = add(c.vFullG[p.group], v)
	}
	for g := range c.groups {
		for i := range c.lines {
			if c.lines[i].group == g {
				c.goods = append(c.goods, g)
				break
			}
		}
	}
	if c.vFull.isZero() {
		for i := range c.lines {
			c.qtyFull = add(c.qtyFull, numInt(c.lines[i].qty))
		}
	}
	return c, nil
}
