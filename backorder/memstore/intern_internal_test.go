package memstore

import (
	"fmt"
	"reflect"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/backorderkit/backorderkit/backorder"
)

// TestInterner numbers strings against a plain map (the oracle): the same
// string always gets the same number, distinct strings distinct numbers,
// "" is 0, and name gives each string back; the cache of recent strings
// never answers for another string in the same slot.
func TestInterner(t *testing.T) {
	var in interner // the zero value is ready
	require.Equal(t, "", in.name(0))
	oracle := map[string]uint32{"": 0}
	inputs := []string{"", "AMS", "AMS", "RTM", "SKU-1", "AMS", "", "sku-1", "SKU-1", "é", "e\u0301", "AMS\x00", "AM",
		"SKU-0101", "SKU-0201", "SKU-0101", "SKU-0301", "SKU-0201", "x", "y", "x"}
	for i := range 50 {
		inputs = append(inputs, fmt.Sprintf("S%d", i%17))
	}
	for _, s := range inputs {
		id, err := in.id(s)
		require.NoError(t, err)
		if want, ok := oracle[s]; ok {
			require.Equal(t, want, id, "%q keeps its number", s)
		} else {
			for other, n := range oracle {
				require.NotEqual(t, n, id, "%q and %q", s, other)
			}
			oracle[s] = id
		}
		require.Equal(t, s, in.name(id))
	}
	require.Len(t, in.names, len(oracle))
	require.Equal(t, recentSlot("SKU-0101"), recentSlot("SKU-0201"), "the test has strings that share a slot")
}

// TestInternerLimit checks that a full interner refuses a new string with
// an error (not a number that wraps around) and still numbers the strings
// it has.
func TestInternerLimit(t *testing.T) {
	in := interner{maxNames: 2}
	a, err := in.id("a")
	require.NoError(t, err)
	b, err := in.id("b")
	require.NoError(t, err)
	_, err = in.id("c")
	require.ErrorIs(t, err, errTooManyNames)
	for s, want := range map[string]uint32{"a": a, "b": b} {
		got, err := in.id(s)
		require.NoError(t, err)
		require.Equal(t, want, got)
	}
}

// TestEventLogFullRollsBack appends a batch whose last event needs a
// number the full interner cannot give: append reports it, and undoing the
// append (as a rollback does) leaves the log exactly as it was.
func TestEventLogFullRollsBack(t *testing.T) {
	var log undoLog
	l := eventLog{log: &log, names: new(interner)}
	l.names.maxNames = 2
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	first := []backorder.Event{{Type: backorder.StockReceived, At: at, Command: "c1", SKU: "A", Location: "AMS", Qty: 1}}
	require.NoError(t, l.append(first))
	l.forget()
	before := l.read(0, 10)
	err := l.append([]backorder.Event{
		{Type: backorder.LineAllocated, At: at, Command: "c2", SKU: "A", Location: "AMS", Qty: 1, Reason: "rare"},
		{Type: backorder.LineAllocated, At: at, Command: "c2", SKU: "B", Location: "AMS", Qty: 1},
	})
	require.ErrorIs(t, err, errTooManyNames)
	l.undoLast()
	require.Equal(t, before, l.read(0, 10))
	require.Equal(t, 1, l.n)
	require.Equal(t, 1, l.nb)
	require.Empty(t, l.rare)
}

// TestStoredEventHasNoPointers pins what makes the outbox cheap for the
// garbage collector: a stored event holds no pointer, so chunks of them
// are never scanned and writing them needs no write barrier.
func TestStoredEventHasNoPointers(t *testing.T) {
	require.False(t, hasPointers(reflect.TypeFor[storedEvent]()))
	require.Equal(t, uintptr(56), unsafe.Sizeof(storedEvent{}))
}

// hasPointers reports whether values of t hold any pointer.
func hasPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Array:
		return t.Len() > 0 && hasPointers(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if hasPointers(t.Field(i).Type) {
				return true
			}
		}
		return false
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return false
	default:
		return true
	}
}
