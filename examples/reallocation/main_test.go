package main

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
)

// row is one customer row of the printed table.
type row struct {
	name    string
	tier    int64
	ordered int64
	got     map[string]int64 // by policy
}

// parseTable reads the customer rows of run's output, checking the header.
func parseTable(t *testing.T, out string) []row {
	t.Helper()
	var rows []row
	var header []string
	for _, ln := range strings.Split(out, "\n") {
		f := strings.Fields(ln)
		if len(f) == 0 {
			continue
		}
		if f[0] == "#" {
			header = f[4:]
			continue
		}
		n, err := strconv.Atoi(f[0])
		if err != nil || header == nil {
			continue
		}
		if n != len(rows)+1 {
			t.Fatalf("row %d numbered %d", len(rows)+1, n)
		}
		// The name may hold spaces: the last 2+len(header) fields are numbers.
		k := len(f) - 2 - len(header)
		nums := make([]int64, 0, len(f)-k)
		for _, s := range f[k:] {
			v, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				t.Fatalf("row %q: %v", ln, err)
			}
			nums = append(nums, v)
		}
		r := row{name: strings.Join(f[1:k], " "), tier: nums[0], ordered: nums[1], got: map[string]int64{}}
		for j, p := range header {
			r.got[p] = nums[2+j]
		}
		rows = append(rows, r)
	}
	return rows
}

func TestRun(t *testing.T) {
	var buf bytes.Buffer
	if err := run(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	rows := parseTable(t, out)
	if len(rows) != len(book) {
		t.Fatalf("got %d rows, want %d:\n%s", len(rows), len(book), out)
	}
	var waiting int64
	for i, r := range rows {
		if r.name != book[i].name || r.tier != int64(book[i].tier) || r.ordered != book[i].ordered {
			t.Errorf("row %d = %s tier %d ordered %d, want %+v", i+1, r.name, r.tier, r.ordered, book[i])
		}
		waiting += r.ordered
	}
	for _, p := range policies {
		var sum int64
		for _, r := range rows {
			g, ok := r.got[p.name]
			if !ok {
				t.Fatalf("no column %s:\n%s", p.name, out)
			}
			if g < 0 || g > r.ordered {
				t.Errorf("%s: %s got %d of %d", p.name, r.name, g, r.ordered)
			}
			sum += g
		}
		// The book waits for more than arrives: all of it is handed out.
		if sum != received {
			t.Errorf("%s hands out %d, want the whole receipt %d", p.name, sum, received)
		}
	}

	// FIFO: a prefix of the arrivals is served in full, then one partial.
	partial := false
	for _, r := range rows {
		g := r.got["FIFO"]
		if partial && g != 0 {
			t.Errorf("FIFO serves %s after an earlier order was cut short", r.name)
		}
		if g < r.ordered {
			partial = true
		}
	}

	// Priority: no one in a worse tier holds anything while a better tier waits.
	for _, a := range rows {
		for _, b := range rows {
			if a.tier < b.tier && a.got["Priority"] < a.ordered && b.got["Priority"] > 0 {
				t.Errorf("Priority gives tier %d %s stock while tier %d %s waits", b.tier, b.name, a.tier, a.name)
			}
		}
	}

	// FairShare: each within one unit of its exact proportional share.
	for _, r := range rows {
		exact := float64(received) * float64(r.ordered) / float64(waiting)
		if d := float64(r.got["FairShare"]) - exact; d <= -1 || d >= 1 {
			t.Errorf("FairShare gives %s %d, exact share %.2f", r.name, r.got["FairShare"], exact)
		}
	}

	// MaxMin: whoever is not filled gets at least as much as anyone else
	// (up to the one odd unit).
	for _, a := range rows {
		if a.got["MaxMin"] == a.ordered {
			continue
		}
		for _, b := range rows {
			if b.got["MaxMin"] > a.got["MaxMin"]+1 {
				t.Errorf("MaxMin gives %s %d, more than unfilled %s's %d", b.name, b.got["MaxMin"], a.name, a.got["MaxMin"])
			}
		}
	}
}

func TestRunDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	if err := run(context.Background(), &a); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("two runs differ:\n%s\n---\n%s", a.String(), b.String())
	}
}
