package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// The full simulation, run once through run and shared by the tests that
// read its output.
var (
	fullOnce      sync.Once
	fullText      []byte
	fullSVG       []byte
	fullErr       error
	fullSVGInFile string
)

func fullRun(t *testing.T) (text, svg []byte) {
	t.Helper()
	fullOnce.Do(func() {
		dir, err := os.MkdirTemp("", "policysim")
		if err != nil {
			fullErr = err
			return
		}
		defer os.RemoveAll(dir)
		fullSVGInFile = filepath.Join(dir, "out.svg")
		var buf bytes.Buffer
		if fullErr = run(context.Background(), &buf, []string{"-seed", "1", "-svg", fullSVGInFile}); fullErr != nil {
			return
		}
		fullText = buf.Bytes()
		fullSVG, fullErr = os.ReadFile(fullSVGInFile)
	})
	if fullErr != nil {
		t.Fatal(fullErr)
	}
	return fullText, fullSVG
}

// TestSameSeedSameBytes runs the whole simulation a second time, in
// process, and compares the report and the chart byte for byte.
func TestSameSeedSameBytes(t *testing.T) {
	text1, svg1 := fullRun(t)
	path := filepath.Join(t.TempDir(), "again.svg")
	var buf bytes.Buffer
	if err := run(context.Background(), &buf, []string{"-svg", path}); err != nil { // -seed 1 is the default
		t.Fatal(err)
	}
	svg2, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(text1, buf.Bytes()) {
		t.Errorf("the report differs between two runs with seed 1:\n%s\n---\n%s", text1, buf.Bytes())
	}
	if !bytes.Equal(svg1, svg2) {
		t.Errorf("the SVG differs between two runs with seed 1 (%d and %d bytes)", len(svg1), len(svg2))
	}
}

// row is one policy's row of the report's main table.
type row struct {
	fill, mean, jain, perOrder float64
	lines, p95, wait           int
	service                    [3]float64
}

func parseReport(t *testing.T, text []byte) map[string]row {
	t.Helper()
	rows := map[string]row{}
	for _, ln := range strings.Split(string(text), "\n") {
		f := strings.Fields(ln)
		if len(f) != 11 || !strings.HasSuffix(f[1], "%") {
			continue
		}
		num := func(s string) float64 {
			v, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
			if err != nil {
				t.Fatalf("row %q: %v", ln, err)
			}
			return v
		}
		rows[f[0]] = row{fill: num(f[1]), lines: int(num(f[2])), mean: num(f[3]), p95: int(num(f[4])), wait: int(num(f[5])),
			service: [3]float64{num(f[6]), num(f[7]), num(f[8])}, jain: num(f[9]), perOrder: num(f[10])}
	}
	return rows
}

func TestReport(t *testing.T) {
	text, _ := fullRun(t)
	s := string(text)
	for _, want := range []string{"seed 1, 90 days, 300 SKUs, 50 customers (8/17/25 in tiers 1/2/3",
		"demand: ", "supply: ", "days on backorder by tier"} {
		if !strings.Contains(s, want) {
			t.Errorf("report lacks %q:\n%s", want, s)
		}
	}
	rows := parseReport(t, text)
	if len(rows) != len(policies) {
		t.Fatalf("report has %d policy rows, want %d:\n%s", len(rows), len(policies), s)
	}
	var lines int
	for _, np := range policies {
		r, ok := rows[np.Name]
		if !ok {
			t.Fatalf("no row for %s:\n%s", np.Name, s)
		}
		if r.fill <= 50 || r.fill > 100 {
			t.Errorf("%s: fill rate %.1f%%", np.Name, r.fill)
		}
		if r.jain <= 0 || r.jain > 1 {
			t.Errorf("%s: Jain's index %.3f outside (0, 1]", np.Name, r.jain)
		}
		if r.perOrder < 1 {
			t.Errorf("%s: %.2f shipments per order", np.Name, r.perOrder)
		}
		if float64(r.p95) < r.mean || r.wait > r.lines {
			t.Errorf("%s: mean %.1f p95 %d wait %d of %d", np.Name, r.mean, r.p95, r.wait, r.lines)
		}
		for ti, sl := range r.service {
			if sl <= 0 || sl > 100 {
				t.Errorf("%s: tier %d service level %.1f%%", np.Name, ti+1, sl)
			}
		}
		// Whether a new line finds stock depends only on whether its SKU's
		// book is empty, and the book empties at the same times whoever
		// the stock goes to: every policy backorders the same lines.
		if lines == 0 {
			lines = r.lines
		} else if r.lines != lines {
			t.Errorf("%s backorders %d lines, %s %d", np.Name, r.lines, policies[0].Name, lines)
		}
	}
	if lines == 0 {
		t.Error("no line was ever backordered: the scenario is not contested")
	}
}

// tierRow is one policy's row of the report's table by tier.
type tierRow struct {
	mean          [3]float64
	p95, n, waits [3]int
}

var tierCell = regexp.MustCompile(`([0-9.]+) /\s+([0-9]+) \(([0-9]+); ([0-9]+)\)`)

func parseTiers(t *testing.T, text []byte) map[string]tierRow {
	t.Helper()
	rows := map[string]tierRow{}
	for _, ln := range strings.Split(string(text), "\n") {
		cells := tierCell.FindAllStringSubmatch(ln, -1)
		if len(cells) != 3 {
			continue
		}
		var r tierRow
		for i, c := range cells {
			r.mean[i], _ = strconv.ParseFloat(c[1], 64)
			r.p95[i], _ = strconv.Atoi(c[2])
			r.n[i], _ = strconv.Atoi(c[3])
			r.waits[i], _ = strconv.Atoi(c[4])
		}
		rows[strings.Fields(ln)[0]] = r
	}
	return rows
}

// TestPriorityFavoursTier1 checks the point of the Priority policy on the
// printed figures: tier 1 waits less than tier 3, by mean and by p95, and
// less than it does under FIFO. And the tier table agrees with the main one.
func TestPriorityFavoursTier1(t *testing.T) {
	text, _ := fullRun(t)
	tiers := parseTiers(t, text)
	rows := parseReport(t, text)
	if len(tiers) != len(policies) {
		t.Fatalf("tier table has %d rows, want %d:\n%s", len(tiers), len(policies), text)
	}
	pr, fifo := tiers["Priority"], tiers["FIFO"]
	if !(pr.mean[0] < pr.mean[2]) || pr.p95[0] >= pr.p95[2] {
		t.Errorf("Priority: tier 1 waits %.1f (p95 %d) days, tier 3 %.1f (p95 %d)", pr.mean[0], pr.p95[0], pr.mean[2], pr.p95[2])
	}
	if !(pr.mean[0] < fifo.mean[0]) {
		t.Errorf("tier 1 waits %.1f days under Priority, %.1f under FIFO", pr.mean[0], fifo.mean[0])
	}
	for name, tr := range tiers {
		r := rows[name]
		n, waits := tr.n[0]+tr.n[1]+tr.n[2], tr.waits[0]+tr.waits[1]+tr.waits[2]
		overall := (tr.mean[0]*float64(tr.n[0]) + tr.mean[1]*float64(tr.n[1]) + tr.mean[2]*float64(tr.n[2])) / float64(n)
		if n != r.lines || waits != r.wait || math.Abs(overall-r.mean) > 0.1 || max(tr.p95[0], tr.p95[1], tr.p95[2]) < r.p95 {
			t.Errorf("%s: tiers %+v disagree with the row %+v", name, tr, r)
		}
	}
}

// TestSVG checks that the chart is well-formed XML, an SVG with a title,
// axis labels, a legend and one box per policy and tier.
func TestSVG(t *testing.T) {
	_, svg := fullRun(t)
	dec := xml.NewDecoder(bytes.NewReader(svg))
	var texts []string
	var root xml.StartElement
	rects, groups := 0, 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if root.Name.Local == "" {
				root = el
			}
			switch el.Name.Local {
			case "rect":
				rects++
			case "g":
				groups++
			}
		case xml.CharData:
			if s := strings.TrimSpace(string(el)); s != "" {
				texts = append(texts, s)
			}
		}
	}
	if root.Name.Local != "svg" || root.Name.Space != "http://www.w3.org/2000/svg" {
		t.Errorf("root element is %v, want svg in the SVG namespace", root.Name)
	}
	all := strings.Join(texts, "\n")
	for _, want := range []string{"Days on backorder by customer tier", "days from placement to full allocation",
		"allocation policy", "tier 1 (8)", "tier 2 (17)", "tier 3 (25)", "seed 1"} {
		if !strings.Contains(all, want) {
			t.Errorf("SVG lacks the text %q", want)
		}
	}
	for _, np := range policies {
		if !strings.Contains(all, np.Name) {
			t.Errorf("SVG lacks the policy %s", np.Name)
		}
	}
	boxes := len(policies) * 3
	if groups != boxes {
		t.Errorf("SVG has %d box groups, want %d", groups, boxes)
	}
	// The background, the boxes and the three legend swatches.
	if rects != 1+boxes+3 {
		t.Errorf("SVG has %d rects, want %d", rects, 1+boxes+3)
	}
}

// smallParams is a scenario small enough to run many times.
func smallParams(seed uint64) params {
	return params{Seed: seed, Days: 20, Customers: [3]int{2, 3, 5}, SKUs: 40}
}

func TestSeedMatters(t *testing.T) {
	ctx := context.Background()
	a1, s1, err := simulateAll(ctx, smallParams(1), true)
	if err != nil {
		t.Fatal(err)
	}
	a2, s2, err := simulateAll(ctx, smallParams(1), true)
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := simulateAll(ctx, smallParams(2), false)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a1, a2) || !bytes.Equal(s1, s2) {
		t.Error("the same seed gives different output")
	}
	if bytes.Equal(a1, b) {
		t.Error("seeds 1 and 2 give the same report")
	}
}

func TestBadArguments(t *testing.T) {
	for _, args := range [][]string{{"-seed", "x"}, {"-nope"}, {"extra"}} {
		var buf bytes.Buffer
		if err := run(context.Background(), &buf, args); err == nil {
			t.Errorf("run(%q) = nil, want an error", args)
		}
	}
	if _, err := generate(params{Seed: 1, Days: 0, Customers: [3]int{1, 1, 1}, SKUs: 100}); err == nil {
		t.Error("generate with 0 days: no error")
	}
}

func TestPercentile(t *testing.T) {
	xs := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	for _, c := range []struct{ p, want int }{{5, 1}, {10, 1}, {11, 2}, {50, 5}, {95, 10}, {100, 10}} {
		if got := percentile(xs, c.p); got != c.want {
			t.Errorf("percentile(1..10, %d) = %d, want %d", c.p, got, c.want)
		}
	}
	if got := percentile(nil, 95); got != 0 {
		t.Errorf("percentile(nil) = %d", got)
	}
	if got := percentile([]int{7}, 5); got != 7 {
		t.Errorf("percentile([7], 5) = %d", got)
	}
}

func TestJain(t *testing.T) {
	for _, c := range []struct {
		xs   []float64
		want float64
	}{
		{[]float64{0.5, 0.5, 0.5, 0.5}, 1},
		{[]float64{1, 0, 0, 0}, 0.25},
		{[]float64{1, 0.5}, 2.25 / 2.5}, // (1.5)² / (2·1.25)
		{nil, 1},
	} {
		if got := jain(c.xs); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("jain(%v) = %v, want %v", c.xs, got, c.want)
		}
	}
}

// TestMeasure computes the figures of a hand-made outcome.
func TestMeasure(t *testing.T) {
	sc := &scenario{Params: params{Days: 10}, Customers: []customerSpec{{Name: "a", Tier: 1}, {Name: "b", Tier: 3}}}
	out := &outcome{Policy: "X",
		Lines: []lineState{
			{Order: 0, Customer: 0, Tier: 1, Qty: 10, Placed: 0, Full: 0},                     // filled at once
			{Order: 0, Customer: 0, Tier: 1, Qty: 10, Placed: 0, Backordered: true, Full: 3},  // 3 days
			{Order: 1, Customer: 1, Tier: 3, Qty: 20, Placed: 2, Backordered: true, Full: 2},  // same afternoon: 0 days
			{Order: 2, Customer: 1, Tier: 3, Qty: 20, Placed: 4, Backordered: true, Full: -1}, // waits: 10-4 = 6 days
		},
		Orders: []orderState{{Customer: 0, Shipments: 2, Shipped: 20}, {Customer: 1, Shipments: 1, Shipped: 20}, {Customer: 1}},
	}
	m := measure(sc, out)
	if m.Ordered != 60 || m.Shipped != 40 || math.Abs(m.FillRate-40.0/60) > 1e-12 {
		t.Errorf("ordered %d shipped %d fill %v", m.Ordered, m.Shipped, m.FillRate)
	}
	if m.Backordered != 3 || m.Waiting != 1 || math.Abs(m.MeanDays-3) > 1e-12 || m.P95Days != 6 {
		t.Errorf("backordered %d waiting %d mean %v p95 %d", m.Backordered, m.Waiting, m.MeanDays, m.P95Days)
	}
	if m.Tiers[0].ServiceLevel != 0.5 || m.Tiers[1].Lines != 0 || m.Tiers[2].ServiceLevel != 0.5 {
		t.Errorf("service levels %+v", m.Tiers)
	}
	if got := m.Tiers[2].Days; len(got) != 2 || got[0] != 0 || got[1] != 6 || m.Tiers[2].Waiting != 1 {
		t.Errorf("tier 3 days %v waiting %d", got, m.Tiers[2].Waiting)
	}
	// Customer fill rates 1 and 0.5.
	if want := 2.25 / 2.5; math.Abs(m.Jain-want) > 1e-12 {
		t.Errorf("Jain %v, want %v", m.Jain, want)
	}
	if m.OrdersShipped != 2 || m.Shipments != 3 || m.ShipmentsPerOrder != 1.5 {
		t.Errorf("shipments %d over %d orders: %v", m.Shipments, m.OrdersShipped, m.ShipmentsPerOrder)
	}
}
