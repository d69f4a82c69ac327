// Policysim: what will an allocation policy do to my customers?
//
// The program simulates 90 days of a distributor: 50 customers in three
// priority tiers (8 key accounts in tier 1, 17 in tier 2, 25 in tier 3),
// 300 SKUs, random demand, and supply that barely keeps up: each SKU is
// bought every 7 or 14 days at 90 to 105 % of its demand, a quarter of the
// deliveries come 1 to 10 days late and one in seven comes short (40 to
// 89 % of the quantity), from an opening stock of 5 to 10 days of demand.
// The same scenario, drawn from one -seed, runs under each allocation
// policy (FIFO, Priority, FairShare, MaxMin) on the engine over a fresh
// memstore with a simulated clock. Every day, orders come in at 08:00,
// deliveries are received at 14:00, and at 17:00 everything that may ship
// is shipped and confirmed. About a quarter of the customers (drawn by the
// seed) order ship-complete: an order leaves only when all of it is
// allocated. The others take partial shipments. The program learns what
// happened from the engine's event outbox, as a host would.
//
// Per policy it prints:
//
//   - fill rate: units shipped within the run / units ordered in it.
//   - days on backorder: for each order line that had quantity backordered
//     when placed, the days from the day it was placed until the day it was
//     fully allocated (0 when a delivery filled it the same afternoon).
//     Lines still waiting at the end count up to the end of the run (day
//     91) and are flagged: the "waiting" column counts them. Mean and 95th
//     percentile (nearest rank) over those lines.
//   - service level per tier: the share of the tier's lines fully allocated
//     on the day they were placed.
//   - Jain's fairness index over the customers' fill rates x (units shipped
//     / units ordered, per customer): (Σx)² / (n·Σx²), 1 when every customer
//     gets the same fill rate, 1/n when one gets everything.
//   - shipments per order: confirmed shipments / orders that shipped at
//     least once.
//
// With -svg FILE it also writes an SVG chart of days on backorder by tier
// for each policy: box plots (box from the 25th to the 75th percentile, a
// line at the median, whiskers to the 5th and 95th, a dot at the mean).
//
// The supply is exogenous: deliveries are planned from the scenario's
// demand, not from the state of the book, so every policy receives the same
// stock on the same days. Nothing preempts (Config.Preempt is off): a
// policy decides who gets each delivery as it arrives. There are no
// weekends. Everything is deterministic: the scenario comes from -seed
// alone, ids come from counters and the clock is simulated, so the same
// seed gives byte-identical output.
//
// Run it with:
//
//	go run ./examples/policysim
//	go run ./examples/policysim -seed 7 -svg policies.svg
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
)

func main() {
	if err := run(context.Background(), os.Stdout, os.Args[1:]); err != nil {
		log.Fatal(err)
	}
}

// run parses the command line args, runs the simulation under every
// policy, writes the report to w and, if asked, the chart to a file.
func run(ctx context.Context, w io.Writer, args []string) error {
	fs := flag.NewFlagSet("policysim", flag.ContinueOnError)
	fs.SetOutput(w)
	seed := fs.Uint64("seed", 1, "the random seed of the scenario")
	svgPath := fs.String("svg", "", "write an SVG chart of days on backorder to this file")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("policysim: unexpected arguments %q", fs.Args())
	}
	report, svg, err := simulateAll(ctx, defaultParams(*seed), *svgPath != "")
	if err != nil {
		return err
	}
	if svg != nil {
		if err := os.WriteFile(*svgPath, svg, 0o644); err != nil {
			return err
		}
	}
	_, err = w.Write(report)
	return err
}

// simulateAll runs the scenario of p under every policy and returns the
// text report and, if withSVG, the chart.
func simulateAll(ctx context.Context, p params, withSVG bool) (report, svg []byte, err error) {
	sc, err := generate(p)
	if err != nil {
		return nil, nil, err
	}
	var all []*metrics
	for _, np := range policies {
		out, err := simulate(ctx, sc, np)
		if err != nil {
			return nil, nil, err
		}
		all = append(all, measure(sc, out))
	}
	var buf bytes.Buffer
	writeReport(&buf, sc, all)
	if withSVG {
		var b bytes.Buffer
		if err := writeSVG(&b, sc, all); err != nil {
			return nil, nil, err
		}
		svg = b.Bytes()
	}
	return buf.Bytes(), svg, nil
}
