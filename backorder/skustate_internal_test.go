package backorder

import (
	"reflect"
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
