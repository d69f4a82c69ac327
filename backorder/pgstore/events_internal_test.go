package pgstore

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/backorderkit/backorderkit/backorder"
)

// spansOf lays the events numbered 1..len(sizes summed) out as the events
// statement reads them: one span per size, a single event as an events
// row when single says so, else as a batch; then shuffles the spans (the
// statement returns them unordered).
func spansOf(t testing.TB, rng *rand.Rand, sizes []int, single func(i int) bool) ([]eventSpan, []backorder.Event) {
	var spans []eventSpan
	var all []backorder.Event
	for i, n := range sizes {
		var rows []eventRow
		first := int64(len(all) + 1)
		for range n {
			e := backorder.Event{Type: backorder.LineAllocated, SKU: fmt.Sprint("S", len(all)+1), Qty: int64(len(all) + 1)}
			doc, err := encodeDoc("event", e)
			if err != nil {
				t.Fatal(err)
			}
			rows = append(rows, eventRow{Doc: doc})
			e.Seq = uint64(len(all) + 1)
			all = append(all, e)
		}
		sp := eventSpan{first: first, last: int64(len(all))}
		if n == 1 && single(i) {
			sp.doc = rows[0].Doc
		} else {
			sp.doc = batchDoc(rows)
		}
		spans = append(spans, sp)
	}
	rng.Shuffle(len(spans), func(i, j int) { spans[i], spans[j] = spans[j], spans[i] })
	return spans, all
}

// FuzzSpanEvents checks spanEvents, which expands and cuts what the
// events statement reads, against the slow obvious oracle: every event in
// order, then the slice after `after` of at most `limit`. The statement
// returns every span that ends after `after` (more than Events needs), so
// the spans given here are all of them.
func FuzzSpanEvents(f *testing.F) {
	f.Add(uint64(1), []byte{3, 1, 5, 2}, uint8(0), uint8(4))
	f.Add(uint64(2), []byte{1, 1, 1}, uint8(2), uint8(1))
	f.Add(uint64(3), []byte{7}, uint8(3), uint8(2))
	f.Fuzz(func(t *testing.T, seed uint64, layout []byte, after, limit uint8) {
		if len(layout) > 20 {
			layout = layout[:20]
		}
		sizes := make([]int, len(layout))
		for i, b := range layout {
			sizes[i] = int(b%6) + 1
		}
		rng := rand.New(rand.NewPCG(seed, seed))
		spans, all := spansOf(t, rng, sizes, func(i int) bool { return (seed>>uint(i%64))&1 == 0 })
		lim := int(limit%20) + 1
		var want []backorder.Event
		if int(after) < len(all) {
			want = all[after:min(len(all), int(after)+lim)]
		}
		got, err := spanEvents(nil, spans, uint64(after), lim)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) || (len(want) > 0 && !reflect.DeepEqual(got, want)) {
			t.Fatalf("spanEvents(after %d, limit %d) over sizes %v:\ngot  %+v\nwant %+v", after, lim, sizes, got, want)
		}
	})
}

// TestSpanEventsBadBatch checks that a batch whose array does not hold
// the events its numbers say is an error, not a silent gap.
func TestSpanEventsBadBatch(t *testing.T) {
	for _, sp := range []eventSpan{
		{first: 1, last: 3, doc: []byte(`[{"type":"a"},{"type":"b"}]`)},
		{first: 1, last: 1, doc: []byte(`[{"type":"a"},{"type":"b"}]`)},
		{first: 1, last: 2, doc: []byte(`{"type":"a"}`)},
		{first: 1, last: 2, doc: []byte(`[{"type":`)},
	} {
		if _, err := spanEvents(nil, []eventSpan{sp}, 0, 10); err == nil {
			t.Errorf("spanEvents(%d..%d %s): no error", sp.first, sp.last, sp.doc)
		}
	}
}
