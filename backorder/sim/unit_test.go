package sim

import (
	"context"
	"errors"
	"flag"
	"go/parser"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/memstore"
	"github.com/backorderkit/backorderkit/invoice"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// The explicit comparisons of equal.go must know every field of the types
// they compare: a field added to one of them fails here until it is.
func TestFastEqualKnowsEveryField(t *testing.T) {
	for typ, n := range map[reflect.Type]int{
		reflect.TypeFor[backorder.BookEntry]():     14,
		reflect.TypeFor[backorder.Line]():          22,
		reflect.TypeFor[backorder.LocQty]():        2,
		reflect.TypeFor[backorder.PromiseDate]():   3,
		reflect.TypeFor[backorder.StockPosition](): 7,
	} {
		require.Equal(t, n, typ.NumField(), "%s gained or lost a field: update sameEntry/sameLine in equal.go and this count", typ)
	}
}

// same agrees with storetest.Diff: equal values are the same, and a change
// in any field is seen.
func TestSameAgreesWithDiff(t *testing.T) {
	e := backorder.BookEntry{SKU: "BOLT", LineID: ID(1), OrderID: ID(2), Customer: "ACME", Priority: 2,
		Placed: Epoch, Seq: 3, Backordered: 4, Allocations: []backorder.LocQty{{Location: "AMS", Qty: 1}},
		MinAllocation: 1, Protection: backorder.ProtectKeep, RequestedDate: Epoch.Add(time.Hour),
		Promise: backorder.PromiseDate{Kind: backorder.PromiseCovered, Ready: Epoch, Delivery: Epoch}}
	require.True(t, same([]backorder.BookEntry{e}, []backorder.BookEntry{e}))
	// nil and empty slices alike, times by instant
	f := e
	f.Committed = []backorder.LocQty{}
	f.Placed = e.Placed.In(time.FixedZone("X", 3600))
	require.True(t, same([]backorder.BookEntry{e}, []backorder.BookEntry{f}))
	v := reflect.ValueOf(&f).Elem()
	for i := range v.NumField() {
		g := e
		gv := reflect.ValueOf(&g).Elem().Field(i)
		switch gv.Kind() {
		case reflect.String:
			gv.SetString(gv.String() + "x")
		case reflect.Int, reflect.Int32, reflect.Int64:
			gv.SetInt(gv.Int() + 1)
		case reflect.Slice:
			gv.Set(reflect.ValueOf([]backorder.LocQty{{Location: "BER", Qty: 9}}))
		case reflect.Array:
			gv.Set(reflect.ValueOf(ID(99)))
		case reflect.Struct:
			switch x := gv.Addr().Interface().(type) {
			case *time.Time:
				*x = x.Add(time.Second)
			case *backorder.PromiseDate:
				x.Kind = backorder.PromiseNone
			}
		}
		require.False(t, same([]backorder.BookEntry{e}, []backorder.BookEntry{g}), "field %s", v.Type().Field(i).Name)
		require.NotEmpty(t, diffValues([]backorder.BookEntry{g}, []backorder.BookEntry{e}), "field %s", v.Type().Field(i).Name)
	}
	o := backorder.Order{ID: ID(1), Lines: []backorder.Line{{ID: ID(2), UnitPrice: decimal.RequireFromString("1.50")}}}
	p := o.Clone()
	p.Lines[0].UnitPrice = decimal.RequireFromString("1.5000")
	require.True(t, same(o, p), "decimals by value")
	p.Lines[0].Qty = 1
	require.False(t, same(o, p))
}

// A printed history is Go source: it parses, and it prints the values it
// holds (checked against a golden file; go test -update rewrites it).
func TestHistoryGoString(t *testing.T) {
	h := History{Seed: 42, Config: Config{Policy: PolicyPriority, Preempt: true, HandlingDays: 1}, Ops: []Op{
		{Kind: KindPutLocation, Advance: time.Minute, Location: backorder.Location{ID: "AMS", Rank: 1}},
		{Kind: KindPlaceOrder, Advance: 90 * time.Minute, Faults: []Fault{{Kind: ConflictAfter}, {Kind: CancelDuring, After: 3}},
			Order: backorder.Order{ID: ID(1), Customer: "ACME", Currency: "EUR", ShipAfter: At(26 * time.Hour),
				Charges: []invoice.Charge{{ID: "freight", Kind: invoice.Freight, Amount: decimal.RequireFromString("5.00"), Apply: invoice.FirstShipment}},
				Lines: []backorder.Line{{ID: ID(2), SKU: "BOLT", Qty: 5, UnitPrice: decimal.RequireFromString("0.0125"),
					Protection: backorder.ProtectWin}}}},
		{Kind: KindConfirm, Shipment: ShipmentRef{Order: ID(1), N: 1}},
		{Kind: KindCancel, Cancellation: backorder.Cancellation{ID: "X-1", OrderID: uuid.MustParse("0b9b8f3e-9f2a-4a5e-8c7d-1e2f3a4b5c6d")}},
	}}
	got := h.GoString()
	if _, err := parser.ParseExpr(got); err != nil {
		t.Fatalf("the printed history does not parse: %v\n%s", err, got)
	}
	golden := filepath.Join("testdata", "history.golden")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test -update to write %s", golden)
	require.Equal(t, string(want), got)
}

// Every fault kind has the outcome its documentation gives.
func TestFaultStoreOutcomes(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		fault     Fault
		fnRan     bool
		committed bool
		want      error // the error Update returns (nil: none)
	}{
		{Fault{Kind: NoFault}, true, true, nil},
		{Fault{Kind: FailBefore}, false, false, ErrInjected},
		{Fault{Kind: FailAfter}, true, false, ErrInjected},
		{Fault{Kind: ConflictBefore}, false, false, backorder.ErrConflict},
		{Fault{Kind: ConflictAfter}, true, false, backorder.ErrConflict},
		{Fault{Kind: CancelDuring, After: 1}, true, false, context.Canceled},
		{Fault{Kind: CancelDuring, After: 100}, true, false, context.Canceled},
		{Fault{Kind: LostReply}, true, true, ErrInjected},
	}
	for _, tc := range tests {
		t.Run(tc.fault.Kind.String(), func(t *testing.T) {
			inner := memstore.New()
			fs := NewFaultStore(inner, 1, 0)
			fs.Script(tc.fault)
			err := fs.Update(ctx, func(tx backorder.Tx) error {
				if err := tx.PutLocation(backorder.Location{ID: "AMS"}); err != nil {
					return err
				}
				return tx.PutItem(backorder.Item{SKU: "BOLT"})
			})
			if tc.want == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tc.want)
			}
			as := fs.Attempts()
			require.Len(t, as, 1)
			require.Equal(t, tc.fault, as[0].Fault)
			require.Equal(t, tc.fnRan, as[0].FnRan)
			require.Equal(t, tc.committed, as[0].Committed())
			// What the store kept agrees with Committed.
			err = inner.View(ctx, func(tx backorder.Tx) error {
				_, err := tx.Item("BOLT")
				return err
			})
			require.Equal(t, tc.committed, err == nil, "item kept: %v", err)
			// A function's own error passes through whatever the fault.
			fs.Script(tc.fault)
			boom := errors.New("boom")
			err = fs.Update(ctx, func(backorder.Tx) error { return boom })
			if tc.fnRan {
				require.ErrorIs(t, err, boom)
			}
		})
	}
}

// The seeded rate injects about rate of the calls, the same ones for the
// same seed, and a script takes precedence over it.
func TestFaultStoreRate(t *testing.T) {
	ctx := context.Background()
	run := func(seed uint64) []FaultKind {
		fs := NewFaultStore(memstore.New(), seed, 0.2)
		var kinds []FaultKind
		for range 1000 {
			_ = fs.Update(ctx, func(tx backorder.Tx) error { return tx.PutLocation(backorder.Location{ID: "AMS"}) })
		}
		for _, a := range fs.Attempts() {
			kinds = append(kinds, a.Fault.Kind)
		}
		n := 0
		for _, c := range fs.Injected() {
			n += c
		}
		require.InDelta(t, 200, n, 60, "faults injected of 1000")
		return kinds
	}
	require.Equal(t, run(7), run(7))
	require.NotEqual(t, run(7), run(8))
	fs := NewFaultStore(memstore.New(), 1, 1)
	fs.Script(Fault{Kind: NoFault})
	require.NoError(t, fs.Update(ctx, func(backorder.Tx) error { return nil }))
	require.Error(t, fs.Update(ctx, func(backorder.Tx) error { return nil }), "rate 1 after the script")
}

// Check reports each broken invariant of a state written behind the
// engine's back.
func TestCheckCatchesBrokenState(t *testing.T) {
	ctx := context.Background()
	base := func(t *testing.T) (backorder.Store, *backorder.Engine) {
		s := memstore.New()
		eng, err := backorder.New(backorder.Config{Store: s, Now: func() time.Time { return Epoch }})
		require.NoError(t, err)
		require.NoError(t, eng.PutLocation(ctx, backorder.Location{ID: "AMS"}))
		require.NoError(t, eng.PutItem(ctx, backorder.Item{SKU: "BOLT"}))
		_, err = eng.Receive(ctx, backorder.Receipt{ID: "GR-1", SKU: "BOLT", Location: "AMS", Qty: 3})
		require.NoError(t, err)
		_, err = eng.PlaceOrder(ctx, backorder.Order{ID: ID(1), Customer: "ACME", Currency: "EUR",
			Lines: []backorder.Line{{ID: ID(2), SKU: "BOLT", Qty: 5, UnitPrice: decimal.New(1, 0)}}})
		require.NoError(t, err)
		return s, eng
	}
	u := Universe{SKUs: []string{"BOLT"}, Locations: []string{"AMS"}, Orders: []uuid.UUID{ID(1)}, Events: true}
	tests := []struct {
		name  string
		spoil func(tx backorder.Tx) error
		want  string
	}{
		{"position over-allocated", func(tx backorder.Tx) error {
			return tx.PutPosition(backorder.StockPosition{SKU: "BOLT", Location: "AMS", OnHand: 3, Received: 3, Allocated: 4})
		}, "allocated 4, on hand 3"},
		{"on hand unexplained", func(tx backorder.Tx) error {
			return tx.PutPosition(backorder.StockPosition{SKU: "BOLT", Location: "AMS", OnHand: 4, Received: 3, Allocated: 3})
		}, "received 3 + adjusted 0 - shipped 0 != on hand 4"},
		{"split broken", func(tx backorder.Tx) error {
			l, err := tx.Line(ID(2))
			if err != nil {
				return err
			}
			l.Cancelled = 1
			return tx.PutLine(l)
		}, "= 6, ordered 5"},
		{"book entry stale", func(tx backorder.Tx) error {
			book, err := tx.Book("BOLT")
			if err != nil {
				return err
			}
			book[0].Backordered = 1
			return tx.PutBookEntry(book[0])
		}, "disagrees with the line"},
		{"stranded stock", func(tx backorder.Tx) error {
			return tx.PutPosition(backorder.StockPosition{SKU: "BOLT", Location: "AMS", OnHand: 5, Received: 5, Allocated: 3})
		}, "stranded stock"},
		{"waits for a discontinued item", func(tx backorder.Tx) error {
			return tx.PutItem(backorder.Item{SKU: "BOLT", Status: backorder.Discontinued})
		}, "is discontinued, but line"},
		{"event numbers with a gap", func(tx backorder.Tx) error {
			return tx.AppendEvents([]backorder.Event{{Type: backorder.ItemChanged, SKU: "BOLT"}})
		}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := base(t)
			require.NoError(t, Check(ctx, s, u), "the engine's own state")
			require.NoError(t, s.Update(ctx, tc.spoil))
			err := Check(ctx, s, u)
			if tc.want == "" {
				require.NoError(t, err, "an appended event keeps the numbering")
				return
			}
			var ie *InvariantError
			require.ErrorAs(t, err, &ie)
			require.Contains(t, ie.Error(), tc.want)
		})
	}
}

// Shrink drops what a failure does not need: the operations that only
// add noise around a known issue's history.
func TestShrinkDropsNoise(t *testing.T) {
	h := knownIssues[0].h
	noisy := History{Config: h.Config}
	for i, op := range h.Ops {
		noisy.Ops = append(noisy.Ops, op,
			Op{Kind: KindPutLocation, Advance: time.Minute, Location: backorder.Location{ID: "BER", Rank: i}},
			Op{Kind: KindQueryPlanAll, Advance: time.Minute})
	}
	issue := knownIssues[0].issue
	saved := tolerated[issue]
	tolerated[issue] = false
	defer func() { tolerated[issue] = saved }()
	newStore := func() backorder.Store { return memstore.New() }
	d := replay(noisy, newStore)
	require.NotNil(t, d)
	shrunk := Shrink(noisy, newStore, d.Signature(), time.Minute)
	require.LessOrEqual(t, len(shrunk.Ops), len(h.Ops), "%#v", shrunk)
	for _, op := range shrunk.Ops {
		require.NotEqual(t, KindQueryPlanAll, op.Kind, "noise left in %#v", shrunk)
		require.NotEqual(t, "BER", op.Location.ID, "noise left in %#v", shrunk)
	}
	require.NotNil(t, replay(shrunk, newStore))
}

func TestSmallestGrant(t *testing.T) {
	for _, tc := range []struct{ outstanding, min, multiple, want int64 }{
		{5, 0, 0, 1},
		{5, 3, 0, 3},
		{5, 9, 0, 5},
		{5, 0, 3, 3},
		{2, 0, 3, 2},
		{11, 4, 3, 6},
		{7, 7, 4, 7},
	} {
		require.Equal(t, tc.want, smallestGrant(tc.outstanding, tc.min, tc.multiple), "%+v", tc)
	}
}

func TestAddAt(t *testing.T) {
	var qs []backorder.LocQty
	qs = addAt(qs, "BER", 2)
	qs = addAt(qs, "AMS", 1)
	require.Equal(t, []backorder.LocQty{{Location: "AMS", Qty: 1}, {Location: "BER", Qty: 2}}, qs)
	qs = addAt(qs, "AMS", -1)
	require.Equal(t, []backorder.LocQty{{Location: "BER", Qty: 2}}, qs)
	require.Nil(t, addAt(qs, "BER", -2))
}

// The simulator's wrappers keep the optional AppendTx of the store's Tx, so
// that the engine takes the same path as over the bare store.
func TestWrappersKeepAppendTx(t *testing.T) {
	ctx := context.Background()
	inner := memstore.New()
	require.NoError(t, inner.Update(ctx, func(tx backorder.Tx) error {
		_, ok := tx.(backorder.AppendTx)
		require.True(t, ok, "memstore's Tx appends")
		return nil
	}))
	for name, s := range map[string]backorder.Store{
		"record": newRecordStore(inner),
		"faults": NewFaultStore(newRecordStore(inner), 1, 0),
	} {
		for _, f := range []Fault{{}, {Kind: CancelDuring, After: 5}} {
			if fs, ok := s.(*FaultStore); ok {
				fs.Script(f)
			}
			_ = s.Update(ctx, func(tx backorder.Tx) error {
				_, ok := tx.(backorder.AppendTx)
				require.True(t, ok, "%s with %s", name, f.Kind)
				return nil
			})
		}
	}
}
