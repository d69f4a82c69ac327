package backorder

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// TestSmallMapMatchesMap runs random sets, adds (set's shortcut for a key
// the map does not hold) and gets on a smallMap and on a Go map, its
// oracle, across the size where it moves its entries to a map, and after
// resets.
func TestSmallMapMatchesMap(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	var s smallMap[uuid.UUID, int]
	for round := range 50 {
		want := map[uuid.UUID]int{}
		keys := make([]uuid.UUID, 1+r.IntN(3*smallMapMax))
		for i := range keys {
			keys[i] = uuid.UUID{0: byte(round), 15: byte(i)}
		}
		for step := range 200 {
			k := keys[r.IntN(len(keys))]
			_, held := want[k]
			switch {
			case !held && r.IntN(3) > 0:
				s.add(k, step)
			case r.IntN(2) == 0:
				s.set(k, step)
			default:
				continue
			}
			want[k] = step
			for _, k := range keys {
				v, ok := s.get(k)
				w, wok := want[k]
				require.Equal(t, wok, ok)
				require.Equal(t, w, v)
			}
		}
		s.reset()
		for _, k := range keys {
			_, ok := s.get(k)
			require.False(t, ok, "after reset")
		}
	}
}

// TestExists maps a lookup's error to whether it found something.
func TestExists(t *testing.T) {
	found, err := exists(nil)
	require.True(t, found)
	require.NoError(t, err)
	found, err = exists(&NotFoundError{Kind: "line", Key: "x"})
	require.False(t, found)
	require.NoError(t, err)
	boom := errors.New("boom")
	found, err = exists(boom)
	require.False(t, found)
	require.ErrorIs(t, err, boom)
}
