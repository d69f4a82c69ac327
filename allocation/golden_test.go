package allocation

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the expected output in testdata/*.txt")

// The golden files hold readable cases:
//
//	# a comment
//	case <name>
//	policy <FIFO|Priority|FairShare|FairShare(tiered)|MaxMin|MaxMin(tiered)|all> ...
//	supply <n>
//	demand seq=1 out=5 [held= weight= min= mult= tier= prot=keep|redistribute|win]
//	----
//	<expected output, written by -update>
//
// A blank line ends a case. For each policy the output is its grants and
// Explain's reason per demand. Every case is also checked against the
// oracle and the properties, so -update cannot record a wrong answer
// silently.

type goldenCase struct {
	name     string
	policies []Policy
	supply   int64
	demands  []Demand
	input    []string // the lines before ----
	want     []string // the lines after ----
}

func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		cases := readGolden(t, file)
		changed := false
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got := runGolden(t, c)
				if *update {
					changed = changed || !slices.Equal(got, c.want)
					c.want = got
					return
				}
				if !slices.Equal(got, c.want) {
					t.Errorf("%s: output differs (run with -update to accept)\ngot:\n%s\nwant:\n%s",
						file, strings.Join(got, "\n"), strings.Join(c.want, "\n"))
				}
			})
		}
		if *update && changed {
			writeGolden(t, file, cases)
		}
	}
}

func runGolden(t *testing.T, c *goldenCase) []string {
	var out []string
	for _, p := range c.policies {
		got := p.Allocate(nil, c.supply, c.demands)
		if want := oracle(p, c.supply, c.demands); !slices.Equal(got, want) {
			t.Fatalf("%v: got %v, oracle %v", p, got, want)
		}
		checkProperties(t, p, c.supply, c.demands, got)
		checkExplain(t, p, c.supply, c.demands, got)
		gs := make([]string, len(got))
		for i, g := range got {
			gs[i] = strconv.FormatInt(g, 10)
		}
		out = append(out, fmt.Sprintf("%v: %s", p, strings.Join(gs, " ")))
		for _, r := range Explain(p, c.supply, c.demands) {
			out = append(out, "  "+r.String())
		}
	}
	return out
}

func readGolden(t *testing.T, file string) []*goldenCase {
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []*goldenCase
	var c *goldenCase
	inOutput := false
	sc := bufio.NewScanner(f)
	line := 0
	fail := func(format string, args ...any) {
		t.Fatalf("%s:%d: %s", file, line, fmt.Sprintf(format, args...))
	}
	for sc.Scan() {
		line++
		text := sc.Text()
		if c == nil {
			if strings.HasPrefix(text, "case ") {
				c = &goldenCase{name: strings.TrimPrefix(text, "case ")}
				c.input = append(c.input, text)
				cases = append(cases, c)
				inOutput = false
			} else if text != "" && !strings.HasPrefix(text, "#") {
				fail("expected 'case <name>', got %q", text)
			}
			continue
		}
		if text == "" {
			c = nil
			continue
		}
		if inOutput {
			c.want = append(c.want, text)
			continue
		}
		c.input = append(c.input, text)
		if strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Fields(text)
		switch fields[0] {
		case "----":
			inOutput = true
		case "policy":
			for _, name := range fields[1:] {
				if name == "all" {
					c.policies = append(c.policies, builtins...)
					continue
				}
				p := policyNamed(name)
				if p == nil {
					fail("unknown policy %q", name)
				}
				c.policies = append(c.policies, p)
			}
		case "supply":
			v, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil {
				fail("%v", err)
			}
			c.supply = v
		case "demand":
			d, err := parseDemand(fields[1:])
			if err != nil {
				fail("%v", err)
			}
			c.demands = append(c.demands, d)
		default:
			fail("unknown directive %q", fields[0])
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

func writeGolden(t *testing.T, file string, cases []*goldenCase) {
	// Keep the file's leading comment block.
	old, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, l := range strings.Split(string(old), "\n") {
		if !strings.HasPrefix(l, "#") {
			break
		}
		b.WriteString(l + "\n")
	}
	for _, c := range cases {
		b.WriteString("\n")
		for _, l := range c.input {
			b.WriteString(l + "\n")
		}
		for _, l := range c.want {
			b.WriteString(l + "\n")
		}
	}
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func policyNamed(name string) Policy {
	for _, p := range builtins {
		if fmt.Sprint(p) == name {
			return p
		}
	}
	return nil
}

// formatDemand writes d in the golden files' syntax.
func formatDemand(d Demand) string {
	s := fmt.Sprintf("seq=%d out=%d", d.Seq, d.Outstanding)
	for _, f := range []struct {
		k string
		v int64
	}{{"held", d.Held}, {"weight", d.Weight}, {"min", d.Min}, {"mult", d.Multiple}, {"tier", int64(d.Tier)}} {
		if f.v != 0 {
			s += fmt.Sprintf(" %s=%d", f.k, f.v)
		}
	}
	if d.Protection != Keep {
		s += " prot=" + d.Protection.String()
	}
	return s
}

// parseDemand reads the key=value fields formatDemand writes.
func parseDemand(fields []string) (Demand, error) {
	var d Demand
	for _, f := range fields {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return d, fmt.Errorf("want key=value, got %q", f)
		}
		if k == "prot" {
			switch v {
			case "keep":
				d.Protection = Keep
			case "redistribute":
				d.Protection = Redistribute
			case "win":
				d.Protection = Win
			default:
				return d, fmt.Errorf("unknown protection %q", v)
			}
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return d, err
		}
		switch k {
		case "seq":
			d.Seq = n
		case "out":
			d.Outstanding = n
		case "held":
			d.Held = n
		case "weight":
			d.Weight = n
		case "min":
			d.Min = n
		case "mult":
			d.Multiple = n
		case "tier":
			d.Tier = int32(n)
		default:
			return d, fmt.Errorf("unknown field %q", k)
		}
	}
	return d, nil
}
