// Package allocationtest builds the standard synthetic backorder book that
// the allocation and eta packages use in tests and benchmarks, so that
// figures quoted anywhere in backorderkit are measured on the same lines.
//
// # The standard book
//
// NewBook(n) returns n waiting lines spread over max(1, n/100) SKUs, drawn
// from fixed seeds, so the same n always gives the same book:
//
//   - SKU popularity is Zipf with exponent s = 1.1: the k-th most popular SKU
//     (k = 1, 2, …) receives a line with probability proportional to k^-1.1.
//     SKU 0 in the book is the most popular. With many SKUs the most popular
//     one holds roughly a seventh of all lines, and some in the tail may have
//     none.
//   - Outstanding quantities are uniform on 1–100.
//   - Tiers 1–5 with probabilities 5, 15, 30, 30 and 20 %.
//   - Seq is the line's global arrival number (1 = first); the lines are
//     grouped by SKU and, within a SKU, in arrival order, which is the order
//     in which the engine hands demands to a policy.
//   - Each SKU's supply is a uniform 20–100 % (whole percent) of its total
//     outstanding quantity, rounded down: about 60 % overall.
//   - Weight, Min, Multiple and Held are 0 and Protection is Keep: the book
//     measures the policies' own work, not the constraint passes.
//
// The draws use math/rand/v2's PCG generator directly (no derived methods
// whose algorithm could change between Go releases) and an inverse-CDF Zipf
// sampler, so a book is identical on every run and Go version; across CPU
// architectures only a float64 rounding at a CDF boundary could move a line
// to a neighbouring SKU.
//
// # Usage
//
// Build the book once, outside the timed loop, and allocate each SKU with a
// reused grant slice:
//
//	book := allocationtest.NewBook(100_000)
//	var dst []int64
//	for _, s := range book.SKUs {
//		dst = policy.Allocate(dst, s.Supply, book.Lines(s))
//	}
//
// Callers must not modify the book's slices if they share it between
// benchmarks.
package allocationtest
