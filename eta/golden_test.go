package eta_test

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/backorderkit/backorderkit/allocation"
	"github.com/backorderkit/backorderkit/eta"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ with the current output")

// The golden files are scripts: each case is a "case <name>" line, input
// lines, a "----" line and the expected output up to a blank line. Lines
// starting with # are comments. TestGolden runs every case and compares the
// output; with -update it rewrites the expected output instead.
//
// Input lines (all but case, policy and demand are optional):
//
//	now 2025-01-06 | now 2025-01-06T09:30:00+01:00   (default 2025-01-06, a Monday, UTC)
//	policy fifo | fifo-generic | priority | fairshare [tiered] | maxmin [tiered]
//	handling N / transit N (business days)
//	leadtime Nd | leadtime <Go duration>
//	discontinued
//	calendar [loc=L] [tz=Zone] [workdays=Mon,Tue,...] [holidays=2025-01-01,...]
//	stock Q [loc=L]
//	inbound Q day=N | date=YYYY-MM-DD[THH:MM:SS±hh:mm] [loc=L] [supplier=S]
//	demand Q [seq=N] [tier=N] [min=N] [mult=N] [weight=N] [held=N] [prot=keep|redistribute|win]
//	history SUPPLIER d1 d2 ...   (days late of past receipts)
//
// Output: one line per demand (index, seq, outstanding, kind, ready and
// delivery dates, and P50/P90 when they differ from ready), then one
// indented line per tranche. Dates read "Sat 2025-01-11 (day 5)": the day
// is counted in calendar days from now.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.golden"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) { runGoldenFile(t, file) })
	}
}

type goldenCase struct {
	name  string
	input []string // input lines, comments kept
	want  string   // expected output
	pre   []string // comment and blank lines before the case line
}

func runGoldenFile(t *testing.T, file string) {
	cases, trailer := parseGolden(t, file)
	var out strings.Builder
	for _, c := range cases {
		got := runGoldenCase(t, c)
		if !*update {
			t.Run(c.name, func(t *testing.T) {
				require.Equal(t, c.want, got, "case %q in %s (rerun with -update to accept)", c.name, file)
			})
		}
		for _, l := range c.pre {
			out.WriteString(l + "\n")
		}
		out.WriteString("case " + c.name + "\n")
		for _, l := range c.input {
			out.WriteString(l + "\n")
		}
		out.WriteString("----\n" + got + "\n\n")
	}
	for _, l := range trailer {
		out.WriteString(l + "\n")
	}
	if *update {
		require.NoError(t, os.WriteFile(file, []byte(out.String()), 0o644))
	}
}

func parseGolden(t *testing.T, file string) (cases []goldenCase, trailer []string) {
	f, err := os.Open(file)
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	var pending []string
	var cur *goldenCase
	inOut := false
	for sc.Scan() {
		line := sc.Text()
		switch {
		case cur == nil && strings.HasPrefix(line, "case "):
			cases = append(cases, goldenCase{name: strings.TrimSpace(line[5:]), pre: pending})
			cur, pending, inOut = &cases[len(cases)-1], nil, false
		case cur == nil:
			pending = append(pending, line)
		case !inOut && line == "----":
			inOut = true
		case !inOut:
			cur.input = append(cur.input, line)
		case line == "":
			cur = nil
		default:
			if cur.want != "" {
				cur.want += "\n"
			}
			cur.want += line
		}
	}
	require.NoError(t, sc.Err())
	require.Nil(t, cur, "%s: the last case must end with a blank line", file)
	return cases, pending
}

var goldenNow = time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)

func runGoldenCase(t *testing.T, c goldenCase) string {
	in, err := parseInput(c.input)
	require.NoError(t, err, "case %q", c.name)
	res, err := eta.Project(in)
	if err != nil {
		return "error: " + err.Error()
	}
	return renderProjection(in, res)
}

func renderProjection(in eta.Input, res eta.Projection) string {
	var b strings.Builder
	for i := range res.Len() {
		p := res.Promise(i)
		d := in.Demands[i]
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "#%d seq=%d out=%d: %s", i, d.Seq, d.Outstanding, p.Kind)
		if p.Kind != eta.None {
			fmt.Fprintf(&b, ", ready %s, delivery %s", renderDate(in.Now, p.Ready), renderDate(in.Now, p.Delivery))
			if !p.P50Ready.Equal(p.Ready) || !p.P90Ready.Equal(p.Ready) {
				fmt.Fprintf(&b, ", p50 %s, p90 %s", renderDate(in.Now, p.P50Ready), renderDate(in.Now, p.P90Ready))
			}
		}
		for _, tr := range res.Tranches(nil, i) {
			src := "inbound " + strconv.Itoa(tr.Source)
			switch tr.Source {
			case eta.SourceStock:
				src = "stock"
			case eta.SourceLeadTime:
				src = "lead time"
			}
			fmt.Fprintf(&b, "\n    %d on %s from %s", tr.Qty, renderDate(in.Now, tr.Date), src)
		}
	}
	return b.String()
}

func renderDate(now, t time.Time) string {
	if t.IsZero() {
		return "none"
	}
	s := t.Format("Mon 2006-01-02")
	if h, m, sec := t.Clock(); h != 0 || m != 0 || sec != 0 || t.Location() != time.UTC {
		s = t.Format("Mon 2006-01-02 15:04 MST")
	}
	ny, nm, nd := now.Date()
	ty, tm, td := t.Date()
	days := time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC).Sub(time.Date(ny, nm, nd, 0, 0, 0, 0, time.UTC)) / (24 * time.Hour)
	return fmt.Sprintf("%s (day %d)", s, days)
}

// parseInput builds an Input from a case's input lines.
func parseInput(lines []string) (eta.Input, error) {
	in := eta.Input{Now: goldenNow}
	var err error
	for _, line := range lines {
		if i := strings.Index(line, "#"); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		kv := map[string]string{}
		var pos []string
		for _, w := range f[1:] {
			if k, v, ok := strings.Cut(w, "="); ok {
				kv[k] = v
			} else {
				pos = append(pos, w)
			}
		}
		if err = parseLine(&in, f[0], pos, kv); err != nil {
			return in, fmt.Errorf("%q: %w", line, err)
		}
	}
	return in, nil
}

func parseLine(in *eta.Input, verb string, pos []string, kv map[string]string) error {
	arg := func(i int) (int64, error) {
		if i >= len(pos) {
			return 0, fmt.Errorf("missing argument %d", i+1)
		}
		return strconv.ParseInt(pos[i], 10, 64)
	}
	num := func(k string) (int64, error) {
		v, ok := kv[k]
		if !ok {
			return 0, nil
		}
		return strconv.ParseInt(v, 10, 64)
	}
	var err error
	switch verb {
	case "now":
		in.Now, err = parseTime(pos[0])
	case "policy":
		tiered := len(pos) > 1 && pos[1] == "tiered"
		switch pos[0] {
		case "fifo":
			in.Policy = allocation.FIFO{}
		case "fifo-generic": // FIFO hidden from the fast path
			in.Policy = struct{ allocation.Policy }{allocation.FIFO{}}
		case "priority":
			in.Policy = allocation.Priority{}
		case "fairshare":
			in.Policy = allocation.FairShare{Tiered: tiered}
		case "maxmin":
			in.Policy = allocation.MaxMin{Tiered: tiered}
		default:
			return fmt.Errorf("unknown policy %q", pos[0])
		}
	case "handling":
		var n int64
		n, err = arg(0)
		in.Handling = int(n)
	case "transit":
		var n int64
		n, err = arg(0)
		in.Transit = int(n)
	case "leadtime":
		if d, ok := strings.CutSuffix(pos[0], "d"); ok {
			var n int64
			n, err = strconv.ParseInt(d, 10, 64)
			in.LeadTime = time.Duration(n) * 24 * time.Hour
		} else {
			in.LeadTime, err = time.ParseDuration(pos[0])
		}
	case "discontinued":
		in.Discontinued = true
	case "calendar":
		var c eta.Calendar
		if tz, ok := kv["tz"]; ok {
			if c.Loc, err = time.LoadLocation(tz); err != nil {
				return err
			}
		}
		if w, ok := kv["workdays"]; ok {
			for _, d := range strings.Split(w, ",") {
				wd, ok := weekdays[d]
				if !ok {
					return fmt.Errorf("unknown weekday %q", d)
				}
				c.Workdays |= eta.WeekdaysOf(wd)
			}
		}
		if h, ok := kv["holidays"]; ok {
			for _, d := range strings.Split(h, ",") {
				t, err := time.Parse(time.DateOnly, d)
				if err != nil {
					return err
				}
				c.Holidays = append(c.Holidays, eta.DateOf(t))
			}
		}
		if loc, ok := kv["loc"]; ok {
			if in.Calendars == nil {
				in.Calendars = map[string]eta.Calendar{}
			}
			in.Calendars[loc] = c
		} else {
			in.Calendar = c
		}
	case "stock":
		var q int64
		q, err = arg(0)
		in.OnHand = append(in.OnHand, eta.Stock{Location: kv["loc"], Qty: q})
	case "inbound":
		b := eta.Inbound{Location: kv["loc"], Supplier: kv["supplier"]}
		if b.Qty, err = arg(0); err != nil {
			return err
		}
		if d, ok := kv["day"]; ok {
			n, err := strconv.Atoi(d)
			if err != nil {
				return err
			}
			b.Expected = in.Now.AddDate(0, 0, n)
		} else if d, ok := kv["date"]; ok {
			if b.Expected, err = parseTime(d); err != nil {
				return err
			}
		}
		in.Inbound = append(in.Inbound, b)
	case "demand":
		d := allocation.Demand{Seq: int64(len(in.Demands) + 1)}
		if d.Outstanding, err = arg(0); err != nil {
			return err
		}
		if _, ok := kv["seq"]; ok {
			d.Seq, err = num("seq")
		}
		var tier int64
		for _, f := range []struct {
			k string
			p *int64
		}{{"tier", &tier}, {"min", &d.Min}, {"mult", &d.Multiple}, {"weight", &d.Weight}, {"held", &d.Held}} {
			if err != nil {
				return err
			}
			*f.p, err = num(f.k)
		}
		d.Tier = int32(tier)
		switch kv["prot"] {
		case "", "keep":
		case "redistribute":
			d.Protection = allocation.Redistribute
		case "win":
			d.Protection = allocation.Win
		default:
			return fmt.Errorf("unknown protection %q", kv["prot"])
		}
		in.Demands = append(in.Demands, d)
	case "history":
		if in.History == nil {
			in.History = map[string][]int{}
		}
		for _, v := range pos[1:] {
			n, err := strconv.Atoi(v)
			if err != nil {
				return err
			}
			in.History[pos[0]] = append(in.History[pos[0]], n)
		}
	default:
		return fmt.Errorf("unknown directive %q", verb)
	}
	return err
}

var weekdays = map[string]time.Weekday{"Sun": time.Sunday, "Mon": time.Monday, "Tue": time.Tuesday,
	"Wed": time.Wednesday, "Thu": time.Thursday, "Fri": time.Friday, "Sat": time.Saturday}

func parseTime(s string) (time.Time, error) {
	if len(s) == len(time.DateOnly) {
		return time.Parse(time.DateOnly, s)
	}
	return time.Parse(time.RFC3339, s)
}
