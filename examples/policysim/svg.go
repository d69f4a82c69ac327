package main

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
)

// Chart geometry, in SVG user units (pixels).
const (
	chartW, chartH = 960, 600
	plotL, plotR   = 90, 930  // plot area, left and right
	plotT, plotB   = 130, 500 // plot area, top and bottom
	boxW           = 34
	boxGap         = 14 // between the boxes of one group
)

// tierColours are the Okabe–Ito blue, orange and bluish green: told apart
// with every common colour-vision deficiency.
var tierColours = [3]string{"#0072B2", "#E69F00", "#009E73"}

// boxStats are the five points and the mean of one box.
type boxStats struct {
	P5, P25, P50, P75, P95 int
	Mean                   float64
	N, Waiting             int
}

// stats are the box of one tier: nearest-rank percentiles of its days.
func stats(t tierMetrics) boxStats {
	d := t.Days
	return boxStats{P5: percentile(d, 5), P25: percentile(d, 25), P50: percentile(d, 50),
		P75: percentile(d, 75), P95: percentile(d, 95), Mean: mean(d), N: len(d), Waiting: t.Waiting}
}

// writeSVG draws days on backorder by tier for each policy as box plots,
// grouped by policy, one colour per tier, with axes, a legend and a title.
// It returns the error of writing to w.
func writeSVG(w io.Writer, sc *scenario, all []*metrics) error {
	// The y axis runs from 0 to past the largest whisker, with room for
	// the label above it, rounded up to 10.
	top := 0
	for _, m := range all {
		for _, t := range m.Tiers {
			top = max(top, stats(t).P95)
		}
	}
	top = (top + 5 + 9) / 10 * 10
	y := func(days float64) float64 { return plotB - (plotB-plotT)*days/float64(top) }

	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	p(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="Helvetica, Arial, sans-serif">`+"\n",
		chartW, chartH, chartW, chartH)
	p(`<rect width="100%%" height="100%%" fill="#ffffff"/>` + "\n")

	// Title and subtitle.
	sp := sc.Params
	p(`<text x="%d" y="34" font-size="22" font-weight="bold" text-anchor="middle">%s</text>`+"\n",
		chartW/2, esc("Days on backorder by customer tier, per allocation policy"))
	p(`<text x="%d" y="60" font-size="14" fill="#444" text-anchor="middle">%s</text>`+"\n", chartW/2,
		esc(fmt.Sprintf("A simulated distributor: %d days, %d customers in 3 tiers, %d SKUs, seed %d.",
			sp.Days, len(sc.Customers), sp.SKUs, sp.Seed)))
	p(`<text x="%d" y="80" font-size="14" fill="#444" text-anchor="middle">%s</text>`+"\n", chartW/2,
		esc(fmt.Sprintf("Order lines backordered when placed; lines still waiting at the end are counted to day %d.", sp.Days+1)))

	// Grid and y axis.
	step := 10
	if top > 100 {
		step = 20
	}
	for v := 0; v <= top; v += step {
		yy := y(float64(v))
		p(`<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#dddddd" stroke-width="1"/>`+"\n", plotL, yy, plotR, yy)
		p(`<text x="%d" y="%.1f" font-size="12" text-anchor="end" dominant-baseline="middle">%d</text>`+"\n", plotL-8, yy, v)
	}
	p(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333" stroke-width="1.5"/>`+"\n", plotL, plotT, plotL, plotB)
	p(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333" stroke-width="1.5"/>`+"\n", plotL, plotB, plotR, plotB)
	p(`<text transform="translate(32 %d) rotate(-90)" font-size="14" text-anchor="middle">%s</text>`+"\n",
		(plotT+plotB)/2, esc("days from placement to full allocation"))
	p(`<text x="%d" y="%d" font-size="14" text-anchor="middle">%s</text>`+"\n",
		(plotL+plotR)/2, plotB+52, esc("allocation policy"))

	// One group of boxes per policy.
	groupW := float64(plotR-plotL) / float64(len(all))
	for gi, m := range all {
		cx := float64(plotL) + groupW*(float64(gi)+0.5)
		p(`<text x="%.1f" y="%d" font-size="15" font-weight="bold" text-anchor="middle">%s</text>`+"\n", cx, plotB+24, esc(m.Policy))
		for ti, t := range m.Tiers {
			s := stats(t)
			x := cx + float64(ti-1)*(boxW+boxGap) // centre of the box
			col := tierColours[ti]
			p(`<g><title>%s</title>`+"\n", esc(fmt.Sprintf("%s, tier %d: %d lines, %d still waiting; p5 %d, p25 %d, median %d, p75 %d, p95 %d, mean %.1f days",
				m.Policy, ti+1, s.N, s.Waiting, s.P5, s.P25, s.P50, s.P75, s.P95, s.Mean)))
			// Whiskers with caps.
			p(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1.5"/>`+"\n", x, y(float64(s.P5)), x, y(float64(s.P25)), col)
			p(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1.5"/>`+"\n", x, y(float64(s.P75)), x, y(float64(s.P95)), col)
			for _, v := range []int{s.P5, s.P95} {
				p(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1.5"/>`+"\n", x-boxW/4, y(float64(v)), x+boxW/4, y(float64(v)), col)
			}
			// The box, its median and its mean.
			y75, y25 := y(float64(s.P75)), y(float64(s.P25))
			p(`<rect x="%.1f" y="%.1f" width="%d" height="%.1f" fill="%s" fill-opacity="0.35" stroke="%s" stroke-width="1.5"/>`+"\n",
				x-boxW/2, y75, boxW, max(y25-y75, 1), col, col)
			p(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="3"/>`+"\n", x-boxW/2, y(float64(s.P50)), x+boxW/2, y(float64(s.P50)), col)
			p(`<circle cx="%.1f" cy="%.1f" r="4" fill="#ffffff" stroke="#222" stroke-width="1.5"/>`+"\n", x, y(s.Mean))
			p(`<text x="%.1f" y="%.1f" font-size="11" text-anchor="middle" fill="#222">%.1f</text>`+"\n", x, y(float64(s.P95))-7, s.Mean)
			p("</g>\n")
		}
	}

	// Legend: the tiers, and how to read a box.
	lx, ly := chartW/2-165, 112
	for ti, col := range tierColours {
		x := lx + ti*115
		p(`<rect x="%d" y="%d" width="14" height="14" fill="%s" fill-opacity="0.35" stroke="%s" stroke-width="1.5"/>`+"\n", x, ly-12, col, col)
		p(`<text x="%d" y="%d" font-size="14">%s</text>`+"\n", x+20, ly, esc(fmt.Sprintf("tier %d (%d)", ti+1, sp.Customers[ti])))
	}
	p(`<text x="%d" y="%d" font-size="13" fill="#444" text-anchor="middle">%s</text>`+"\n", (plotL+plotR)/2, plotB+84,
		esc("Box: 25th to 75th percentile. Bar: median. Whiskers: 5th and 95th percentile. Dot: mean, its value above the whisker."))
	p("</svg>\n")
	_, err := w.Write(b.Bytes())
	return err
}

// esc escapes text for an SVG text node or attribute.
func esc(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
