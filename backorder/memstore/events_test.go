package memstore_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/memstore"
)

// TestEventsComeBackExactly appends events with every field set, with
// only the fields few events carry, with none, and with times that are
// easy to lose (a monotonic reading, a zone, a zero instant in a zone),
// and reads back exactly what was appended, sequence numbers added.
func TestEventsComeBackExactly(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	id := func(n byte) uuid.UUID { return uuid.UUID{0: n, 15: n} }
	zone := time.FixedZone("X", 3600)
	full := backorder.Event{Type: backorder.PromiseChanged, At: time.Now(), Command: "cmd/1",
		OrderID: id(1), LineID: id(2), ShipmentID: id(3), InvoiceID: id(4), InboundID: "IN-1", Customer: "ACME",
		SKU: "S", Location: "AMS", Qty: math.MaxInt64, From: -1, To: math.MinInt64,
		OldDate: time.Date(2026, 1, 2, 3, 4, 5, 6, zone), NewDate: time.Now(), Number: "INV-7", Reason: "why"}
	evs := []backorder.Event{
		full,
		{},
		{Type: backorder.LineAllocated, At: full.At, Command: "c", OrderID: id(1), LineID: id(2), SKU: "S", Location: "AMS", Qty: 5},
		{InvoiceID: id(9)},
		{InboundID: "x"},
		{Number: "n"},
		{Reason: "r"},
		{From: 1},
		{To: 2},
		{OldDate: time.Time{}.In(zone)}, // the zero instant, in a zone
		{NewDate: time.Unix(0, 0)},
		{Customer: "C", ShipmentID: id(5)},
	}
	want := make([]backorder.Event, len(evs))
	copy(want, evs)
	for i := range want {
		want[i].Seq = uint64(i + 1)
	}
	require.NoError(t, s.Update(ctx, func(tx backorder.Tx) error { return tx.AppendEvents(evs) }))
	require.Equal(t, want, evs, "AppendEvents writes the sequence numbers back")
	require.NoError(t, s.View(ctx, func(tx backorder.Tx) error {
		got, err := tx.Events(0, 100)
		require.Equal(t, want, got)
		return err
	}))
}
