package allocationtest_test

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/backorderkit/backorderkit/allocation"
	"github.com/backorderkit/backorderkit/allocation/allocationtest"
)

func TestBookShape(t *testing.T) {
	const n = 200_000
	b := allocationtest.NewBook(n)
	if len(b.Demands) != n || len(b.SKUs) != n/100 {
		t.Fatalf("%d lines over %d SKUs", len(b.Demands), len(b.SKUs))
	}
	tiers := map[int32]int{}
	next := 0
	seqs := map[int64]bool{}
	for k, s := range b.SKUs {
		if s.Start != next || s.End < s.Start {
			t.Fatalf("SKU %d spans [%d, %d), want to start at %d", k, s.Start, s.End, next)
		}
		next = s.End
		var total int64
		lines := b.Lines(s)
		for i, d := range lines {
			if d.Outstanding < 1 || d.Outstanding > 100 {
				t.Fatalf("outstanding %d out of 1–100", d.Outstanding)
			}
			if i > 0 && d.Seq <= lines[i-1].Seq {
				t.Fatalf("SKU %d not in arrival order", k)
			}
			if seqs[d.Seq] {
				t.Fatalf("Seq %d repeated", d.Seq)
			}
			seqs[d.Seq] = true
			tiers[d.Tier]++
			total += d.Outstanding
		}
		if err := allocation.Validate(lines); err != nil {
			t.Fatal(err)
		}
		if s.Supply < total*20/100 || s.Supply > total {
			t.Fatalf("SKU %d: supply %d for demand %d, want 20–100 %%", k, s.Supply, total)
		}
	}
	if next != n {
		t.Fatalf("SKUs cover %d lines", next)
	}
	// Tier mix: 5/15/30/30/20 %, within a percentage point.
	for tier, want := range map[int32]float64{1: 5, 2: 15, 3: 30, 4: 30, 5: 20} {
		if got := 100 * float64(tiers[tier]) / n; math.Abs(got-want) > 1 {
			t.Errorf("tier %d: %.1f %% of lines, want %.0f %%", tier, got, want)
		}
	}
	if len(tiers) != 5 {
		t.Errorf("tiers %v", tiers)
	}
	// Supply is about 60 % of demand overall.
	if r := float64(b.TotalSupply()) / float64(b.TotalOutstanding()); r < 0.55 || r > 0.65 {
		t.Errorf("supply is %.2f of demand, want about 0.60", r)
	}
	// Zipf: SKU k+1 has on average (1+1/k)^1.1 times fewer lines than SKU k;
	// the most popular holds roughly 1/H(2000, 1.1) of the lines.
	var h float64
	for k := 1; k <= len(b.SKUs); k++ {
		h += math.Pow(float64(k), -allocationtest.ZipfS)
	}
	top := float64(b.SKUs[0].End-b.SKUs[0].Start) / n
	if want := 1 / h; math.Abs(top-want) > 0.01 {
		t.Errorf("top SKU holds %.3f of the lines, want about %.3f", top, want)
	}
	second := float64(b.SKUs[1].End-b.SKUs[1].Start) / n
	if want := top / math.Pow(2, allocationtest.ZipfS); math.Abs(second-want) > 0.01 {
		t.Errorf("second SKU holds %.3f of the lines, want about %.3f", second, want)
	}
}

func TestBookDeterministic(t *testing.T) {
	a, b := allocationtest.NewBook(5000), allocationtest.NewBook(5000)
	if !slices.Equal(a.Demands, b.Demands) || !slices.Equal(a.SKUs, b.SKUs) {
		t.Fatal("two books of the same size differ")
	}
}

func TestSmallBooks(t *testing.T) {
	for _, n := range []int{-1, 0, 1, 99, 100, 101} {
		b := allocationtest.NewBook(n)
		if len(b.Demands) != max(n, 0) || len(b.SKUs) != max(1, n/100) {
			t.Errorf("NewBook(%d): %d lines, %d SKUs", n, len(b.Demands), len(b.SKUs))
		}
	}
}

func ExampleNewBook() {
	book := allocationtest.NewBook(1000)
	var dst []int64
	var granted int64
	for _, s := range book.SKUs {
		dst = allocation.FIFO{}.Allocate(dst, s.Supply, book.Lines(s))
		for _, g := range dst {
			granted += g
		}
	}
	fmt.Println(len(book.SKUs), granted == book.TotalSupply())
	// Output: 10 true
}
