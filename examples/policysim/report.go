package main

import (
	"fmt"
	"io"
	"strings"
)

// writeReport prints the scenario and one row of figures per policy.
func writeReport(w io.Writer, sc *scenario, all []*metrics) {
	p := sc.Params
	orders, lines, units := sc.unitsOrdered()
	var complete int
	for _, c := range sc.Customers {
		if c.Complete {
			complete++
		}
	}
	var opening int64
	for _, q := range sc.Initial {
		opening += q
	}
	fmt.Fprintf(w, "policysim: seed %d, %d days, %d SKUs, %d customers (%d/%d/%d in tiers 1/2/3, %d ship-complete)\n",
		p.Seed, p.Days, p.SKUs, len(sc.Customers), p.Customers[0], p.Customers[1], p.Customers[2], complete)
	fmt.Fprintf(w, "demand: %d orders, %d lines, %d units\n", orders, lines, units)
	fmt.Fprintf(w, "supply: %d units on hand at the start; %d deliveries due (%d units), %d late, %d short, %d not in by the end; %d units received\n\n",
		opening, sc.PurchaseOrders, sc.Planned, sc.Late, sc.Short, sc.Beyond, sc.Received)

	fmt.Fprintf(w, "%-10s %6s   %-24s   %-23s %6s %10s\n", "", "fill", "days on backorder", "service level by tier", "Jain", "shipments")
	fmt.Fprintf(w, "%-10s %6s   %5s %5s %6s %6s   %7s %7s %7s %6s %10s\n",
		"policy", "rate", "lines", "mean", "p95", "wait", "tier 1", "tier 2", "tier 3", "index", "per order")
	for _, m := range all {
		fmt.Fprintf(w, "%-10s %5.1f%%   %5d %5.1f %6d %6d   %6.1f%% %6.1f%% %6.1f%% %6.3f %10.2f\n",
			m.Policy, 100*m.FillRate, m.Backordered, m.MeanDays, m.P95Days, m.Waiting,
			100*m.Tiers[0].ServiceLevel, 100*m.Tiers[1].ServiceLevel, 100*m.Tiers[2].ServiceLevel,
			m.Jain, m.ShipmentsPerOrder)
	}

	fmt.Fprintf(w, "\ndays on backorder by tier: mean / p95 (lines; still waiting at the end)\n")
	cells := []string{"policy    "}
	for t := range 3 {
		cells = append(cells, fmt.Sprintf("%-24s", fmt.Sprintf("tier %d", t+1)))
	}
	fmt.Fprintln(w, strings.TrimRight(strings.Join(cells, "   "), " "))
	for _, m := range all {
		cells = append(cells[:0], fmt.Sprintf("%-10s", m.Policy))
		for _, t := range m.Tiers {
			cells = append(cells, fmt.Sprintf("%-24s", fmt.Sprintf("%5.1f / %3d (%d; %d)", mean(t.Days), percentile(t.Days, 95), len(t.Days), t.Waiting)))
		}
		fmt.Fprintln(w, strings.TrimRight(strings.Join(cells, "   "), " "))
	}
	fmt.Fprintf(w, "\nfill rate: units shipped in the run / units ordered. days on backorder: per line backordered\n")
	fmt.Fprintf(w, "when placed, placement to full allocation; lines still waiting count to day %d (\"wait\").\n", p.Days+1)
	fmt.Fprintf(w, "service level: share of a tier's lines fully allocated the day placed. Jain: (Σx)²/(n·Σx²)\n")
	fmt.Fprintf(w, "over customers' fill rates. shipments per order: over orders that shipped at least once.\n")
}
