package allocationtest

import (
	"math"
	"math/rand/v2"
	"sort"

	"github.com/backorderkit/backorderkit/allocation"
)

// The fixed seeds of the standard book.
const (
	Seed1 = 0x6261636b6f726465 // "backorde"
	Seed2 = 0x726b6974626f6f6b // "rkitbook"
)

// ZipfS is the exponent of the standard book's SKU popularity.
const ZipfS = 1.1

// SKU is one SKU of a Book: its lines are Demands[Start:End], and Supply is
// what there is to allocate among them.
type SKU struct {
	Start, End int
	Supply     int64
}

// Book is a synthetic backorder book: lines grouped by SKU.
type Book struct {
	// Demands holds every line, grouped by SKU and in Seq order within one.
	Demands []allocation.Demand
	// SKUs lists the SKUs in popularity order (most popular first); a SKU
	// that drew no line has Start == End and Supply 0.
	SKUs []SKU
}

// Lines returns the demands of s, a SKU of b.
func (b Book) Lines(s SKU) []allocation.Demand {
	return b.Demands[s.Start:s.End]
}

// TotalSupply returns the sum of the SKUs' supplies.
func (b Book) TotalSupply() int64 {
	var t int64
	for _, s := range b.SKUs {
		t += s.Supply
	}
	return t
}

// TotalOutstanding returns the sum of the lines' Outstanding quantities.
func (b Book) TotalOutstanding() int64 {
	var t int64
	for i := range b.Demands {
		t += b.Demands[i].Outstanding
	}
	return t
}

// tierCDF is the cumulative percentage of tiers 1–5: 5/15/30/30/20 %.
var tierCDF = [...]uint64{5, 20, 50, 80, 100}

// NewBook returns the standard book of n lines (n ≤ 0 gives an empty book
// with one SKU). See the package documentation for its distributions.
func NewBook(n int) Book {
	n = max(n, 0)
	nSKU := max(1, n/100)
	r := rand.NewPCG(Seed1, Seed2)
	cdf := zipfCDF(nSKU, ZipfS)

	type line struct {
		sku  int
		out  int64
		tier int32
	}
	lines := make([]line, n)
	count := make([]int, nSKU)
	for j := range lines {
		u := float64(r.Uint64()>>11) * 0x1p-53
		k := sort.SearchFloat64s(cdf, u)
		if k >= nSKU { // u beyond the last rounded cumulative weight
			k = nSKU - 1
		}
		t := r.Uint64() % 100
		tier := int32(1)
		for tier <= 5 && t >= tierCDF[tier-1] {
			tier++
		}
		lines[j] = line{sku: k, out: 1 + int64(r.Uint64()%100), tier: tier}
		count[k]++
	}

	b := Book{Demands: make([]allocation.Demand, n), SKUs: make([]SKU, nSKU)}
	next := make([]int, nSKU)
	start := 0
	for k, c := range count {
		b.SKUs[k] = SKU{Start: start, End: start + c}
		next[k] = start
		start += c
	}
	for j, l := range lines {
		b.Demands[next[l.sku]] = allocation.Demand{Outstanding: l.out, Seq: int64(j + 1), Tier: l.tier}
		next[l.sku]++
	}
	for k := range b.SKUs {
		s := &b.SKUs[k]
		var total int64
		for _, d := range b.Demands[s.Start:s.End] {
			total += d.Outstanding
		}
		pct := 20 + int64(r.Uint64()%81)
		s.Supply = total * pct / 100
	}
	return b
}

// zipfCDF returns the normalised cumulative weights k^-s, k = 1..n.
func zipfCDF(n int, s float64) []float64 {
	cdf := make([]float64, n)
	var sum float64
	for k := range cdf {
		sum += math.Pow(float64(k+1), -s)
		cdf[k] = sum
	}
	for k := range cdf {
		cdf[k] /= sum
	}
	return cdf
}
