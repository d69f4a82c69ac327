package allocation_test

import (
	"errors"
	"fmt"
	"slices"

	"github.com/backorderkit/backorderkit/allocation"
)

func Example() {
	demands := []allocation.Demand{
		{Seq: 1, Outstanding: 5, Tier: 2},
		{Seq: 2, Outstanding: 5, Tier: 1},
		{Seq: 3, Outstanding: 5, Tier: 1, Multiple: 2},
	}
	var grants []int64
	grants = allocation.Priority{}.Allocate(grants[:0], 8, demands)
	fmt.Println(grants)
	for _, r := range allocation.Explain(allocation.Priority{}, 8, demands) {
		fmt.Println(r)
	}
	// Output:
	// [1 5 2]
	// demand 0 (seq 1, tier 2, rank 2): supply ran out in a better tier, +1 leftover; granted 1 of 5
	// demand 1 (seq 2, tier 1, rank 0): 8 left when its turn came; granted 5 of 5
	// demand 2 (seq 3, tier 1, rank 1): 3 left when its turn came; granted 2 of 5 (multiple 2)
}

func ExampleFairShare() {
	demands := []allocation.Demand{
		{Seq: 1, Outstanding: 5},
		{Seq: 2, Outstanding: 5},
		{Seq: 3, Outstanding: 5},
	}
	fmt.Println(allocation.FairShare{}.Allocate(nil, 10, demands))
	// Output: [4 3 3]
}

// The Alabama paradox: with largest remainder, one more unit of supply
// takes a unit from each of the two 500s.
func ExampleFairShare_alabama() {
	var demands []allocation.Demand
	for i, w := range []int64{1500, 1500, 900, 500, 500, 200} {
		demands = append(demands, allocation.Demand{Seq: int64(i + 1), Outstanding: w})
	}
	fmt.Println(allocation.FairShare{}.Allocate(nil, 25, demands))
	fmt.Println(allocation.FairShare{}.Allocate(nil, 26, demands))
	// Output:
	// [7 7 4 3 3 1]
	// [8 8 5 2 2 1]
}

func ExampleMaxMin() {
	demands := []allocation.Demand{
		{Seq: 1, Outstanding: 2},
		{Seq: 2, Outstanding: 30},
		{Seq: 3, Outstanding: 30},
	}
	// The first demand is capped at 2; the other two share the rest.
	fmt.Println(allocation.MaxMin{}.Allocate(nil, 21, demands))
	// Output: [2 10 9]
}

// A Win demand is served before any ranking and may take a Redistribute
// holding; a Keep holding never moves.
func ExampleProtection() {
	demands := []allocation.Demand{
		{Seq: 1, Outstanding: 4, Tier: 1, Held: 3},
		{Seq: 2, Outstanding: 0, Tier: 3, Held: 6, Protection: allocation.Redistribute},
		{Seq: 3, Outstanding: 7, Tier: 2, Protection: allocation.Win},
	}
	fmt.Println(allocation.Priority{}.Allocate(nil, 2, demands))
	// Output: [1 -6 7]
}

// A host writes its own policy as a plain function: here, the smallest
// outstanding quantity first (ties by Seq), honouring Min and Multiple with
// Demand.Fit. CheckGrants verifies the contract.
func ExampleFunc() {
	smallestFirst := allocation.Func(func(dst []int64, supply int64, demands []allocation.Demand) []int64 {
		dst = append(dst[:0], make([]int64, len(demands))...)
		order := make([]int, len(demands))
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(a, b int) int {
			x, y := demands[a], demands[b]
			if x.Outstanding != y.Outstanding {
				return int(x.Outstanding - y.Outstanding)
			}
			return int(x.Seq - y.Seq)
		})
		for _, i := range order {
			if allocation.Validate(demands[i:i+1]) != nil {
				continue
			}
			dst[i] = demands[i].Fit(supply)
			supply -= dst[i]
		}
		return dst
	})
	demands := []allocation.Demand{
		{Seq: 1, Outstanding: 9},
		{Seq: 2, Outstanding: 3},
		{Seq: 3, Outstanding: 5, Multiple: 2},
	}
	grants := smallestFirst.Allocate(nil, 10, demands)
	fmt.Println(grants, allocation.CheckGrants(10, demands, grants))
	// Output: [2 3 5] <nil>
}

func ExampleValidate() {
	err := allocation.Validate([]allocation.Demand{
		{Seq: 1, Outstanding: 5},
		{Seq: 2, Outstanding: -5},
	})
	var de *allocation.DemandError
	fmt.Println(errors.Is(err, allocation.ErrInvalid), errors.As(err, &de), de.Index, de.Field)
	// Output: true true 1 Outstanding
}

func ExampleRank() {
	demands := []allocation.Demand{
		{Seq: 1, Outstanding: 5, Tier: 3},
		{Seq: 2, Outstanding: 5, Tier: 1},
		{Seq: 3, Outstanding: 5, Tier: 1},
		{Seq: 4, Outstanding: 5, Tier: 2, Protection: allocation.Win},
	}
	fmt.Println(allocation.Rank(allocation.Priority{}, nil, demands))
	fmt.Println(allocation.Rank(allocation.FIFO{}, nil, demands))
	// Output:
	// [3 1 2 0]
	// [3 0 1 2]
}
