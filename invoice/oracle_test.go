package invoice

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/shopspring/decimal"
)

// oracle is the slow, obvious implementation of the billing rule, in
// big.Rat: the cumulative amount of every component in a state, rounded,
// and a document is the difference between two states. It shares no code
// with the package but the rounding rule as written in ratRound.
type oracle struct {
	o                 Order
	places            int32
	unit, rate        []*big.Rat // per line
	shipped, returned []int64
	invoices          []oracleInvoice
	prev              map[string]*big.Rat // the targets of the current state
}

type oracleInvoice struct {
	id       string
	qty, ret map[string]int64
}

func rat(d decimal.Decimal) *big.Rat { return d.Rat() }

func newOracle(o Order) *oracle {
	cur, _ := LookupCurrency(o.Currency)
	or := &oracle{o: o, places: cur.MinorUnits, shipped: make([]int64, len(o.Lines)), returned: make([]int64, len(o.Lines))}
	hundred := big.NewRat(100, 1)
	for _, l := range o.Lines {
		u := rat(l.UnitPrice)
		switch {
		case !l.DiscountPercent.IsZero():
			f := new(big.Rat).Sub(hundred, rat(l.DiscountPercent))
			u = new(big.Rat).Quo(new(big.Rat).Mul(u, f), hundred)
		case !l.DiscountAmount.IsZero():
			u = new(big.Rat).Sub(u, rat(l.DiscountAmount))
		}
		or.unit = append(or.unit, u)
		or.rate = append(or.rate, rat(l.TaxPercent))
	}
	or.prev = or.targets(or.shipped, 0)
	return or
}

func (or *oracle) round(x *big.Rat) *big.Rat { return ratRound(x, or.places, or.o.Rounding) }

func gkey(cat string, rate *big.Rat) string { return cat + "@" + rate.RatString() }

// split is net and tax of a rounded amount in the price basis.
func (or *oracle) split(amt, rate *big.Rat) (net, tax *big.Rat) {
	switch {
	case or.o.TaxRounding == PerInvoice:
		return amt, new(big.Rat)
	case or.o.TaxInclusive:
		tax = or.round(new(big.Rat).Quo(new(big.Rat).Mul(amt, rate), new(big.Rat).Add(big.NewRat(100, 1), rate)))
		return new(big.Rat).Sub(amt, tax), tax
	default:
		return amt, or.round(new(big.Rat).Quo(new(big.Rat).Mul(amt, rate), big.NewRat(100, 1)))
	}
}

func addTo(m map[string]*big.Rat, k string, x *big.Rat) {
	if m[k] == nil {
		m[k] = new(big.Rat)
	}
	m[k].Add(m[k], x)
}

// targets returns every component's cumulative amount, rounded, for net
// billed quantities q with active invoices not entirely returned.
func (or *oracle) targets(q []int64, active int) map[string]*big.Rat {
	m := map[string]*big.Rat{}
	base := map[string]*big.Rat{} // PerInvoice: net per tax group
	rates := map[string]*big.Rat{}
	v, vFull, sumQ, qtyFull := new(big.Rat), new(big.Rat), new(big.Rat), new(big.Rat)
	vg, vFullG := map[string]*big.Rat{}, map[string]*big.Rat{}
	var goods []string
	any := false
	for i, l := range or.o.Lines {
		k := gkey(l.TaxCategory, or.rate[i])
		rates[k] = or.rate[i]
		if vFullG[k] == nil {
			goods = append(goods, k)
		}
		full := new(big.Rat).Mul(or.unit[i], big.NewRat(l.Qty, 1))
		addTo(vFullG, k, full)
		vFull.Add(vFull, full)
		qtyFull.Add(qtyFull, big.NewRat(l.Qty, 1))
		cum := new(big.Rat).Mul(or.unit[i], big.NewRat(q[i], 1))
		addTo(vg, k, cum)
		v.Add(v, cum)
		sumQ.Add(sumQ, big.NewRat(q[i], 1))
		any = any || q[i] > 0
		net, tax := or.split(or.round(cum), or.rate[i])
		m["line/"+l.ID+"/net"], m["line/"+l.ID+"/tax"] = net, tax
		addTo(base, k, net)
	}
	for _, ch := range or.o.Charges {
		add := func(k string, amt *big.Rat) {
			net, tax := or.split(amt, rates[k])
			key := fmt.Sprintf("charge/%s/%v/%s/", ch.ID, ch.Kind, k)
			m[key+"net"], m[key+"tax"] = net, tax
			if ch.Kind == Discount {
				net = new(big.Rat).Neg(net)
			}
			addTo(base, k, net)
		}
		if !ch.Percent.IsZero() {
			for _, k := range goods {
				b := vg[k]
				if vg[k] == nil {
					b = new(big.Rat)
				}
				if ch.Apply == FirstShipment {
					b = new(big.Rat)
					if any {
						b = vFullG[k]
					}
				}
				add(k, or.round(new(big.Rat).Quo(new(big.Rat).Mul(b, rat(ch.Percent)), big.NewRat(100, 1))))
			}
			continue
		}
		k := gkey(ch.TaxCategory, rat(ch.TaxPercent))
		rates[k] = rat(ch.TaxPercent)
		a := rat(ch.Amount)
		amt := new(big.Rat)
		switch {
		case !any:
		case ch.Apply == FirstShipment:
			amt = or.round(a)
		case ch.Apply == EveryShipment:
			amt = or.round(new(big.Rat).Mul(a, big.NewRat(int64(active), 1)))
		case vFull.Sign() != 0:
			amt = or.round(new(big.Rat).Quo(new(big.Rat).Mul(a, v), vFull))
		default:
			amt = or.round(new(big.Rat).Quo(new(big.Rat).Mul(a, sumQ), qtyFull))
		}
		add(k, amt)
	}
	if or.o.TaxRounding == PerInvoice {
		for k, b := range base {
			m["group/"+k+"/tax"] = or.round(new(big.Rat).Quo(new(big.Rat).Mul(b, rates[k]), big.NewRat(100, 1)))
		}
	}
	return m
}

// signed returns a document's components, positive when billed and
// negative when credited, in the keys of targets.
func (or *oracle) signed(d Invoice) map[string]*big.Rat {
	m := map[string]*big.Rat{}
	sign := big.NewRat(1, 1)
	if d.Kind == KindCreditNote {
		sign = big.NewRat(-1, 1)
	}
	put := func(k string, x decimal.Decimal) { addTo(m, k, new(big.Rat).Mul(rat(x), sign)) }
	for _, l := range d.Lines {
		put("line/"+l.LineID+"/net", l.Net)
		put("line/"+l.LineID+"/tax", l.Tax)
	}
	for _, c := range d.Charges {
		key := fmt.Sprintf("charge/%s/%v/%s/", c.ChargeID, c.Kind, gkey(c.TaxCategory, rat(c.TaxPercent)))
		put(key+"net", c.Net)
		put(key+"tax", c.Tax)
	}
	if d.TaxRounding == PerInvoice {
		for _, t := range d.Taxes {
			put("group/"+gkey(t.TaxCategory, rat(t.TaxPercent))+"/tax", t.Tax)
		}
	}
	return m
}

func (or *oracle) active() int {
	n := 0
	for _, inv := range or.invoices {
		for id, q := range inv.qty {
			if inv.ret[id] != q {
				n++
				break
			}
		}
	}
	return n
}

func (or *oracle) q() []int64 {
	q := make([]int64, len(or.o.Lines))
	for i := range q {
		q[i] = or.shipped[i] - or.returned[i]
	}
	return q
}

// check compares document d with the oracle's difference of targets, and
// moves the oracle to the state after d.
func (or *oracle) check(t *testing.T, d Invoice) {
	t.Helper()
	idx := map[string]int{}
	for i, l := range or.o.Lines {
		idx[l.ID] = i
	}
	if d.Kind == KindInvoice {
		inv := oracleInvoice{id: d.ShipmentID, qty: map[string]int64{}, ret: map[string]int64{}}
		for _, l := range d.Lines {
			or.shipped[idx[l.LineID]] += l.Qty
			inv.qty[l.LineID] += l.Qty
		}
		or.invoices = append(or.invoices, inv)
	} else {
		for _, inv := range or.invoices {
			if inv.id == d.ShipmentID {
				for _, l := range d.Lines {
					or.returned[idx[l.LineID]] += l.Qty
					inv.ret[l.LineID] += l.Qty
				}
			}
		}
	}
	next := or.targets(or.q(), or.active())
	got := or.signed(d)
	for k, x := range next {
		want := new(big.Rat).Sub(x, orZero(or.prev[k]))
		if g := orZero(got[k]); g.Cmp(want) != 0 {
			t.Fatalf("%v %s: component %s = %s, oracle says %s", d.Kind, d.ShipmentID, k, g.FloatString(int(or.places)), want.FloatString(int(or.places)))
		}
	}
	for k, g := range got {
		if next[k] == nil && g.Sign() != 0 {
			t.Fatalf("%v %s: component %s = %s, the oracle has no such component", d.Kind, d.ShipmentID, k, g.FloatString(int(or.places)))
		}
	}
	or.prev = next
}

func orZero(x *big.Rat) *big.Rat {
	if x == nil {
		return new(big.Rat)
	}
	return x
}
