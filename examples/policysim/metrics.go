package main

import "slices"

// metrics are one policy's figures. Floats here are statistics for the
// report only; every quantity the engine saw is an int64.
type metrics struct {
	Policy string

	Ordered, Shipped int64
	FillRate         float64

	// Days on backorder, over the lines backordered when placed.
	Backordered int     // such lines
	Waiting     int     // of them, still not fully allocated at the end
	MeanDays    float64 // mean days on backorder
	P95Days     int     // 95th percentile, nearest rank

	Tiers [3]tierMetrics

	Jain              float64
	OrdersShipped     int // orders with at least one shipment
	Shipments         int
	ShipmentsPerOrder float64
}

// tierMetrics are one tier's figures under a policy.
type tierMetrics struct {
	Lines, SameDay int     // lines placed; of them, fully allocated on the day placed
	ServiceLevel   float64 // SameDay / Lines
	Days           []int   // days on backorder of its backordered lines, sorted
	Waiting        int     // of them, still not fully allocated at the end
}

// measure computes a policy's figures from its outcome.
func measure(sc *scenario, out *outcome) *metrics {
	m := &metrics{Policy: out.Policy}
	days := sc.Params.Days
	var all []int
	ordered := make([]int64, len(sc.Customers))
	shipped := make([]int64, len(sc.Customers))
	for _, l := range out.Lines {
		t := &m.Tiers[l.Tier-1]
		t.Lines++
		m.Ordered += l.Qty
		ordered[l.Customer] += l.Qty
		if l.Full == l.Placed {
			t.SameDay++
		}
		if !l.Backordered {
			continue
		}
		m.Backordered++
		d := l.Full - l.Placed
		if l.Full < 0 {
			d = days - l.Placed // counted to the end of the run
			m.Waiting++
			t.Waiting++
		}
		all = append(all, d)
		t.Days = append(t.Days, d)
	}
	for _, o := range out.Orders {
		m.Shipped += o.Shipped
		shipped[o.Customer] += o.Shipped
		if o.Shipments > 0 {
			m.OrdersShipped++
			m.Shipments += o.Shipments
		}
	}
	m.FillRate = ratio(m.Shipped, m.Ordered)
	slices.Sort(all)
	m.MeanDays = mean(all)
	m.P95Days = percentile(all, 95)
	for i := range m.Tiers {
		t := &m.Tiers[i]
		t.ServiceLevel = ratio(int64(t.SameDay), int64(t.Lines))
		slices.Sort(t.Days)
	}
	var rates []float64
	for c := range ordered {
		if ordered[c] > 0 {
			rates = append(rates, ratio(shipped[c], ordered[c]))
		}
	}
	m.Jain = jain(rates)
	m.ShipmentsPerOrder = ratio(int64(m.Shipments), int64(m.OrdersShipped))
	return m
}

// ratio is a/b, or 0 when b is 0.
func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// mean is the mean of xs, or 0 for none.
func mean(xs []int) float64 {
	if len(xs) == 0 {
		return 0
	}
	var s int64
	for _, x := range xs {
		s += int64(x)
	}
	return float64(s) / float64(len(xs))
}

// percentile is the p-th percentile of sorted xs by nearest rank: the
// smallest x such that at least p % of xs are ≤ x. It is 0 for none.
func percentile(sorted []int, p int) int {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	k := (p*n + 99) / 100 // ⌈p·n/100⌉
	return sorted[max(k, 1)-1]
}

// jain is Jain's fairness index (Σx)² / (n·Σx²): 1 when all xs are equal,
// 1/n when one holds everything. It is 1 for no xs or all zeros.
func jain(xs []float64) float64 {
	var s, s2 float64
	for _, x := range xs {
		s += x
		s2 += x * x
	}
	if s2 == 0 {
		return 1
	}
	return s * s / (float64(len(xs)) * s2)
}
