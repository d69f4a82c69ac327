package storetest_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/storetest"
)

// Diff compares values as a store must keep them: here the store moved the
// time to UTC and cut it to microseconds, wrote the price with another
// exponent, and lost the allocations.
func ExampleDiff() {
	placed := time.Date(2025, 3, 14, 15, 9, 26, 535897932, time.FixedZone("IST", 5*3600+1800))
	want := backorder.Line{SKU: "BOLT", Qty: 3, UnitPrice: decimal.RequireFromString("1.50"),
		Allocations: []backorder.LocQty{{Location: "AMS", Qty: 1}}}
	got := want
	got.UnitPrice = decimal.RequireFromString("1.5")
	got.Allocations = nil
	for _, d := range storetest.Diff(got, want) {
		fmt.Println(d)
	}
	fmt.Println(storetest.SameTime(placed.UTC().Truncate(time.Microsecond), placed))
	fmt.Println(storetest.SameTime(placed.Truncate(time.Millisecond), placed))
	// Output:
	// backorder.Line.Allocations: got 0 elements, want 1: got [], want [{Location:AMS Qty:1}]
	// true
	// false
}
