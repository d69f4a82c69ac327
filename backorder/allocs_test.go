//go:build !race

// The race detector makes pools drop what they are given, and so adds
// allocations: these counts hold without it (.ci/run runs them so).

package backorder_test

import (
	"context"
	"math"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/backorderkit/backorderkit/allocation"
	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/memstore"
)

// TestPlaceOrderAllocations pins how many allocations placing a 10-line
// order on the in-memory store makes, on average over 1,000 orders, so
// that a change that adds one to the hot path shows here and not only as
// a slower benchmark. They are: the transaction; the command's key; the
// store's "not found" for that key; a copy of the locations; the result's
// lines and their allocations; the stored order (its header, its lines'
// ids, its lines' block); and, amortized, the growth of the store's
// tables. The engine's own working memory is pooled, and so are its calls
// (see call).
func TestPlaceOrderAllocations(t *testing.T) {
	ctx := context.Background()
	ids := &seqIDs{}
	eng, err := backorder.New(backorder.Config{Store: memstore.New(), Policy: allocation.FIFO{}, NewID: ids.next})
	require.NoError(t, err)
	require.NoError(t, eng.PutLocation(ctx, backorder.Location{ID: "AMS"}))
	o := backorder.Order{Customer: "ACME", Priority: 2, Currency: "EUR", Lines: make([]backorder.Line, 10)}
	for j := range o.Lines {
		sku := skuNames[j]
		require.NoError(t, eng.PutItem(ctx, backorder.Item{SKU: sku}))
		_, err := eng.Receive(ctx, backorder.Receipt{ID: "r" + sku, SKU: sku, Location: "AMS", Qty: math.MaxInt64 / 2})
		require.NoError(t, err)
		o.Lines[j] = backorder.Line{SKU: sku, Qty: 5, UnitPrice: decimal.RequireFromString("12.50")}
	}
	place := func() {
		o.ID = ids.next()
		for j := range o.Lines {
			o.Lines[j].ID = ids.next()
		}
		res, err := eng.PlaceOrder(ctx, o)
		if err != nil || len(res.Lines) != len(o.Lines) {
			t.Fatalf("PlaceOrder: %v, %d lines", err, len(res.Lines))
		}
	}
	place() // the pools fill
	got := testing.AllocsPerRun(1000, place)
	t.Logf("%.2f allocations an order", got)
	require.LessOrEqual(t, got, 10.0)
}
