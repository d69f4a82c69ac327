package backorder

import (
	"reflect"
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/backorderkit/backorderkit/allocation"
)

// TestSkuStateReset sets every field of a SKU state, resets it, and checks
// that each field reads as a new state's: zero, or an empty buffer (kept
// for reuse) or map. A field added to skuState and not reset fails it.
func TestSkuStateReset(t *testing.T) {
	e := &BookEntry{SKU: "A"}
	s := &skuState{
		item:          Item{SKU: "A", Description: "d", Status: Discontinued, Substitutes: []string{"B"}, Policy: "p", CasePack: 6},
		policy:        allocation.FIFO{},
		pos:           []StockPosition{{SKU: "A", Location: "AMS", OnHand: 3}},
		posDirty:      []bool{true},
		book:          []BookEntry{*e},
		extra:         []*BookEntry{e},
		byID:          map[uuid.UUID]*BookEntry{uuid.New(): e},
		indexed:       true,
		dirtyEntries:  []*BookEntry{e},
		bookLoaded:    true,
		holdersLoaded: []string{"AMS"},
		builtin:       true,
		reproject:     true,
		partial:       true,
		posLoaded:     true,
	}
	v := reflect.ValueOf(s).Elem()
	for i := range v.NumField() {
		require.False(t, v.Field(i).IsZero(), "set %s in this test", v.Type().Field(i).Name)
	}
	s.reset()
	for i := range v.NumField() {
		f, name := v.Field(i), v.Type().Field(i).Name
		switch f.Kind() {
		case reflect.Slice, reflect.Map:
			require.Zero(t, f.Len(), "%s is empty", name)
		default:
			require.True(t, f.IsZero(), "%s is reset", name)
		}
	}
	require.Equal(t, 1, cap(s.book), "a buffer is kept")
}

// TestCopyQtys checks copyQtys against the append it stands for: the same
// values, nil where append gives nil, and the destination's memory reused
// when it has room.
func TestCopyQtys(t *testing.T) {
	one := []LocQty{{Location: "AMS", Qty: 1}}
	two := []LocQty{{Location: "AMS", Qty: 1}, {Location: "RTM", Qty: 2}}
	for _, dst := range [][]LocQty{nil, {}, make([]LocQty, 0, 1), make([]LocQty, 2, 4)} {
		for _, src := range [][]LocQty{nil, {}, one, two} {
			want := append(slices.Clone(dst)[:0:0], src...)
			if dst != nil {
				want = append(slices.Clone(dst)[:0], src...)
			}
			got := slices.Clone(dst)
			if dst == nil {
				got = nil
			}
			before := got
			copyQtys(&got, src)
			require.Equal(t, want, got)
			require.Equal(t, want == nil, got == nil, "nil as append gives it")
			if cap(before) >= len(src) && len(src) > 0 {
				require.Same(t, &before[:1][0], &got[0], "the destination's memory")
			}
		}
	}
}
