package memstore

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/uuid"
)

// TestSearchMatchesBinarySearch checks search against
// slices.BinarySearchFunc with compareItems, its oracle, over sorted
// groups with repeated sequence numbers, for items in and not in them.
func TestSearchMatchesBinarySearch(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 9))
	entry := func() entryRef {
		return entryRef{b: &entryBox{seq: r.Int64N(20), lineID: uuid.UUID{15: byte(r.IntN(4)), 0: byte(r.IntN(2))}}}
	}
	for range 2000 {
		var group []seqItem
		for range r.IntN(30) {
			it := itemOf(entry())
			if _, found := slices.BinarySearchFunc(group, it, compareItems); !found {
				i, _ := slices.BinarySearchFunc(group, it, compareItems)
				group = slices.Insert(group, i, it)
			}
		}
		for range 20 {
			it := itemOf(entry())
			if r.IntN(2) == 0 && len(group) > 0 {
				it = itemOf(group[r.IntN(len(group))].e)
			}
			wi, wf := slices.BinarySearchFunc(group, it, compareItems)
			gi, gf := search(group, it)
			if wi != gi || wf != gf {
				t.Fatalf("search(%v, %v) = %d, %v; want %d, %v", group, it, gi, gf, wi, wf)
			}
		}
	}
}
