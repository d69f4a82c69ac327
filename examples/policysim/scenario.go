package main

import (
	"fmt"
	"math/rand/v2"
)

// params sizes the simulated distributor.
type params struct {
	Seed      uint64
	Days      int
	Customers [3]int // per tier: 1, 2, 3
	SKUs      int
}

// defaultParams is the distributor the program simulates unless told
// otherwise.
func defaultParams(seed uint64) params {
	return params{Seed: seed, Days: 90, Customers: [3]int{8, 17, 25}, SKUs: 300}
}

// customerSpec is one customer of the distributor.
type customerSpec struct {
	Name     string
	Tier     int32
	Complete bool // orders ship complete (backorder.ShipComplete), not partial
}

// skuSpec is one item the distributor sells.
type skuSpec struct {
	SKU   string
	Price string // unit price in EUR
}

// lineSpec is one line of a generated order.
type lineSpec struct {
	SKU int // index into scenario.SKUs
	Qty int64
}

// orderSpec is one generated order.
type orderSpec struct {
	Customer int // index into scenario.Customers
	Lines    []lineSpec
}

// receiptSpec is one generated delivery from a supplier.
type receiptSpec struct {
	ID      string
	SKU     int
	Qty     int64
	Planned int  // the day it was due
	Short   bool // delivered less than ordered from the supplier
}

// scenario is everything exogenous to the policy: the customers, the
// items, the orders placed on each day and the deliveries received on each
// day. Every policy runs the same scenario.
type scenario struct {
	Params    params
	Customers []customerSpec
	SKUs      []skuSpec
	Initial   []int64         // stock on hand at the start, per SKU
	Orders    [][]orderSpec   // per day, in the order they are placed
	Receipts  [][]receiptSpec // per day of arrival, in the order received

	// Statistics of the supply, for the report.
	PurchaseOrders, Late, Short, Beyond int   // Beyond: due in the run, arriving after it
	Planned, Received                   int64 // units due within the run, units received within it
}

// Scenario knobs. Supply is planned at 90 to 105 % of the demand it
// replaces, from an opening stock of 5 to 10 days of demand; a quarter of
// the deliveries come 1 to 10 days late, and one in seven comes short (40
// to 89 % of the quantity).
const (
	catalogue    = 40 // SKUs a customer buys from
	maxLines     = 6  // lines per order: 1 to maxLines
	lateChance   = 25 // percent of deliveries that are late
	maxDelay     = 10 // days
	shortChance  = 14 // percent of deliveries that are short
	supplyMin    = 90 // percent of a period's demand planned, at least
	supplyMax    = 105
	openingMin   = 5 // days of demand on hand at the start, at least
	openingMax   = 10
	completeRate = 25 // percent of customers whose orders ship complete
)

// orderChance is, per tier, the percent chance that a customer orders on
// a given day; size is, per tier, the range of a customer's order size
// factor.
var (
	orderChance = [3]int{45, 35, 25}
	sizeRange   = [3][2]int64{{3, 5}, {2, 3}, {1, 2}}
	packSizes   = []int64{1, 2, 5, 10, 25}
)

// generate builds the scenario for p from p.Seed alone: the same seed
// always gives the same scenario.
func generate(p params) (*scenario, error) {
	if p.Days < 1 || p.SKUs < catalogue || p.Customers[0]+p.Customers[1]+p.Customers[2] < 1 {
		return nil, fmt.Errorf("policysim: bad parameters %+v", p)
	}
	rng := rand.New(rand.NewPCG(p.Seed, 0x6261636b6f726465)) // "backorde"
	sc := &scenario{Params: p,
		Orders:  make([][]orderSpec, p.Days),
		Initial: make([]int64, p.SKUs),
	}

	// Items: popularity falls off with rank (Zipf-like), each sold in
	// multiples of a pack size.
	weight := make([]int64, p.SKUs)
	pack := make([]int64, p.SKUs)
	var totalWeight int64
	for s := range p.SKUs {
		cents := 50 + rng.IntN(20000)
		sc.SKUs = append(sc.SKUs, skuSpec{SKU: fmt.Sprintf("SKU-%04d", s+1), Price: fmt.Sprintf("%d.%02d", cents/100, cents%100)})
		weight[s] = 100000 / int64(s+10)
		totalWeight += weight[s]
		pack[s] = packSizes[rng.IntN(len(packSizes))]
	}

	// Customers, tier by tier, each with a catalogue and a size.
	type buyer struct {
		cat  []int
		size int64
	}
	var buyers []buyer
	for tier := range 3 {
		for i := range p.Customers[tier] {
			c := customerSpec{Name: fmt.Sprintf("T%d-%02d", tier+1, i+1), Tier: int32(tier + 1),
				Complete: rng.IntN(100) < completeRate}
			sc.Customers = append(sc.Customers, c)
			lo, hi := sizeRange[tier][0], sizeRange[tier][1]
			buyers = append(buyers, buyer{cat: pickWeighted(rng, weight, totalWeight, catalogue),
				size: lo + rng.Int64N(hi-lo+1)})
		}
	}

	// Demand: each customer orders on a day with its tier's chance.
	demand := make([]int64, p.SKUs)
	for d := range p.Days {
		for ci, c := range sc.Customers {
			if rng.IntN(100) >= orderChance[c.Tier-1] {
				continue
			}
			b := buyers[ci]
			n := 1 + rng.IntN(maxLines)
			o := orderSpec{Customer: ci}
			for _, k := range rng.Perm(len(b.cat))[:n] {
				s := b.cat[k]
				q := pack[s] * b.size * (1 + rng.Int64N(5))
				o.Lines = append(o.Lines, lineSpec{SKU: s, Qty: q})
				demand[s] += q
			}
			sc.Orders[d] = append(sc.Orders[d], o)
		}
	}

	// Supply: each SKU is bought every 7 or 14 days from a first day in
	// that period, planned at 90 to 105 % of the demand of the period;
	// some deliveries come late or short. Supply is planned from the
	// run's demand, not from the policy's state, so every policy sees the
	// same deliveries.
	arrivals := make([][]receiptSpec, p.Days)
	for s := range p.SKUs {
		if demand[s] == 0 {
			continue
		}
		sc.Initial[s] = demand[s] * int64(openingMin+rng.IntN(openingMax-openingMin+1)) / int64(p.Days)
		period := 7 * (1 + rng.IntN(2))
		for n, d := 0, rng.IntN(period); d < p.Days; n, d = n+1, d+period {
			q := demand[s] * int64(period) * int64(supplyMin+rng.IntN(supplyMax-supplyMin+1)) / int64(100*p.Days)
			if q <= 0 {
				continue
			}
			r := receiptSpec{ID: fmt.Sprintf("GR-%s-%02d", sc.SKUs[s].SKU, n+1), SKU: s, Planned: d}
			sc.PurchaseOrders++
			sc.Planned += q
			arrive := d
			if rng.IntN(100) < lateChance {
				arrive += 1 + rng.IntN(maxDelay)
				sc.Late++
			}
			if rng.IntN(100) < shortChance {
				q = q * int64(40+rng.IntN(50)) / 100
				r.Short = true
				sc.Short++
			}
			r.Qty = q
			if arrive >= p.Days {
				sc.Beyond++
				continue
			}
			if q > 0 {
				sc.Received += q
				arrivals[arrive] = append(arrivals[arrive], r)
			}
		}
	}
	// Within a day, deliveries are received by SKU, then due date.
	sc.Receipts = arrivals
	return sc, nil
}

// pickWeighted draws n distinct indexes, each with a chance in proportion
// to its weight among those not yet drawn.
func pickWeighted(rng *rand.Rand, weight []int64, total int64, n int) []int {
	taken := make([]bool, len(weight))
	out := make([]int, 0, n)
	for len(out) < n {
		x := rng.Int64N(total)
		for i, w := range weight {
			if taken[i] {
				continue
			}
			if x < w {
				taken[i] = true
				total -= w
				out = append(out, i)
				break
			}
			x -= w
		}
	}
	return out
}

// unitsOrdered returns the scenario's total demand.
func (sc *scenario) unitsOrdered() (orders, lines int, units int64) {
	for _, day := range sc.Orders {
		for _, o := range day {
			orders++
			for _, l := range o.Lines {
				lines++
				units += l.Qty
			}
		}
	}
	return orders, lines, units
}
