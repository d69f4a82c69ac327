package memstore

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestStrMapMatchesMap runs random gets, sets and deletes on a strMap and
// on a Go map, its oracle, over more keys than the recent table has slots
// (so that keys share slots and push each other out), the empty key among
// them.
func TestStrMapMatchesMap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	keys := []string{""}
	for i := range 3 * recentSlots {
		keys = append(keys, fmt.Sprintf("SKU-%d", i))
	}
	m := newStrMap[int]()
	oracle := map[string]*int{}
	for step := range 100000 {
		k := keys[r.IntN(len(keys))]
		switch r.IntN(4) {
		case 0:
			v := new(int)
			*v = step
			m.set(k, v)
			oracle[k] = v
		case 1:
			m.del(k)
			delete(oracle, k)
		default:
			require.Same(t, oracle[k], m.get(k), "step %d: %q", step, k)
		}
	}
	require.Equal(t, len(oracle), len(m.m))
	for _, k := range keys {
		require.Same(t, oracle[k], m.get(k), "%q", k)
	}
}
