package backorder

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// marshalled returns what encoding/json writes for v, the oracle of the
// hand-written encoders.
func marshalled(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// compactLineResult is LineResult with its counters omitempty, and
// compactPlaceResult PlaceResult with such lines: what encoding/json
// writes for them is the oracle of a PlaceResult's command record.
type compactLineResult struct {
	LineID      uuid.UUID `json:"line_id"`
	SKU         string    `json:"sku"`
	Allocated   []LocQty  `json:"allocated,omitempty"`
	Backordered int64     `json:"backordered,omitempty"`
	Cancelled   int64     `json:"cancelled,omitempty"`
	Rejected    int64     `json:"rejected,omitempty"`
	Reason      string    `json:"reason,omitempty"`
}

type compactPlaceResult struct {
	OrderID uuid.UUID           `json:"order_id"`
	Lines   []compactLineResult `json:"lines"`
}

// compactShipResult is ShipResult with compact cancelled lines.
type compactShipResult struct {
	Shipments []Shipment          `json:"shipments"`
	Held      []HeldLine          `json:"held,omitempty"`
	Cancelled []compactLineResult `json:"cancelled,omitempty"`
}

// compactLines returns ls in their compact form (nil for nil).
func compactLines(ls []LineResult) []compactLineResult {
	if ls == nil {
		return nil
	}
	c := make([]compactLineResult, len(ls))
	for i, l := range ls {
		c[i] = compactLineResult(l)
	}
	return c
}

// recordOracle returns the value whose encoding/json JSON a command
// record of r must be: r's compact form for the results that hold
// LineResults, r itself for the others.
func recordOracle(r any) any {
	switch v := r.(type) {
	case PlaceResult:
		return compactPlaceResult{OrderID: v.OrderID, Lines: compactLines(v.Lines)}
	case ShipResult:
		return compactShipResult{Shipments: v.Shipments, Held: v.Held, Cancelled: compactLines(v.Cancelled)}
	}
	return r
}

// placeRecord returns what encoding/json writes for pr's compact form,
// and checks that decoding what appendResult writes for pr gives what
// decoding encoding/json's JSON of pr gives.
func placeRecord(t testing.TB, pr PlaceResult) string {
	t.Helper()
	var got, want PlaceResult
	require.NoError(t, json.Unmarshal([]byte(handWritten(t, pr)), &got))
	require.NoError(t, json.Unmarshal([]byte(marshalled(t, pr)), &want))
	require.Equal(t, want, got, "the record decodes as encoding/json's JSON does")
	return marshalled(t, recordOracle(pr))
}

// handWritten returns what appendResult writes for r.
func handWritten[R any](t testing.TB, r R) string {
	t.Helper()
	b, err := appendResult([]byte("prefix"), &r)
	require.NoError(t, err)
	require.Equal(t, "prefix", string(b[:6]), "appendResult must append to dst")
	return string(b[6:])
}

// The strings that exercise encoding/json's escaping: quotes, backslashes,
// HTML characters, control characters, non-ASCII, invalid UTF-8 and the
// JavaScript line separators.
var jsonStrings = []string{"", "AMS", "SKU-1", `a"b`, `a\b`, "<tag>&amp;", "tab\there", "nl\n", "\x00\x1f\x7f",
	"Zürich", "日本", "\xff\xfe", "a\u2028b\u2029", "é\xc3", "\b\f\r"}

func TestAppendResultMatchesEncodingJSON(t *testing.T) {
	id := uuid.MustParse("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0ff")
	for _, s := range jsonStrings {
		lines := []LineResult{
			{LineID: id, SKU: s, Allocated: []LocQty{{Location: s, Qty: 5}, {Location: "B", Qty: math.MaxInt64}},
				Backordered: -1, Cancelled: math.MinInt64, Rejected: 3, Reason: s},
			{SKU: s, Allocated: []LocQty{}},
			{},
		}
		for _, pr := range []PlaceResult{{}, {OrderID: id, Lines: []LineResult{}}, {OrderID: id, Lines: lines}} {
			require.Equal(t, placeRecord(t, pr), handWritten(t, pr), "string %q", s)
		}
		pos := StockPosition{SKU: s, Location: s, OnHand: math.MaxInt64, Allocated: -7, Received: 1, Adjusted: math.MinInt64, Shipped: 0}
		for _, rr := range []ReceiveResult{{}, {Position: pos, Allocated: []Grant{}},
			{Position: pos, Allocated: []Grant{{OrderID: id, LineID: id, Location: s, Qty: 400}, {}}}} {
			require.Equal(t, marshalled(t, rr), handWritten(t, rr), "string %q", s)
		}
	}
	// Other results go through encoding/json itself.
	cr := CancelResult{OrderID: id, Released: []LocQty{{Location: "<x>", Qty: 1}}}
	require.Equal(t, marshalled(t, cr), handWritten(t, cr))
}

// requireFields fails unless each type in want has exactly the fields, with
// the tags, listed for it, in that order: a hand-written encoder must be
// brought up to date with its type.
func requireFields(t *testing.T, want map[reflect.Type][]string) {
	t.Helper()
	for typ, fields := range want {
		var got []string
		for i := range typ.NumField() {
			f := typ.Field(i)
			got = append(got, f.Name+" "+string(f.Tag))
		}
		require.Equal(t, fields, got, "%v changed: update its appendJSON", typ)
	}
}

// TestHandWrittenResultsKnowEveryField fails when a field is added to,
// removed from or renamed in a type whose JSON is written by hand, so that
// the encoder is brought up to date with it.
func TestHandWrittenResultsKnowEveryField(t *testing.T) {
	want := map[reflect.Type][]string{
		reflect.TypeFor[PlaceResult]():   {`OrderID json:"order_id"`, `Lines json:"lines"`},
		reflect.TypeFor[LineResult]():    {`LineID json:"line_id"`, `SKU json:"sku"`, `Allocated json:"allocated,omitempty"`, `Backordered json:"backordered"`, `Cancelled json:"cancelled"`, `Rejected json:"rejected"`, `Reason json:"reason,omitempty"`},
		reflect.TypeFor[LocQty]():        {`Location json:"location"`, `Qty json:"qty"`},
		reflect.TypeFor[ReceiveResult](): {`Position json:"position"`, `Allocated json:"allocated,omitempty"`},
		reflect.TypeFor[StockPosition](): {`SKU json:"sku"`, `Location json:"location"`, `OnHand json:"on_hand"`, `Allocated json:"allocated"`, `Received json:"received"`, `Adjusted json:"adjusted"`, `Shipped json:"shipped"`},
		reflect.TypeFor[Grant]():         {`OrderID json:"order_id"`, `LineID json:"line_id"`, `Location json:"location"`, `Qty json:"qty"`},
	}
	requireFields(t, want)
	// The id fields' JSON is their MarshalText.
	_, ok := any(uuid.UUID{}).(json.Marshaler)
	require.False(t, ok, "uuid.UUID now has its own MarshalJSON: check appendUUID")
}

func FuzzAppendResult(f *testing.F) {
	for _, s := range jsonStrings {
		f.Add(s, s, int64(5), int64(-1), []byte("0123456789abcdef"))
	}
	f.Fuzz(func(t *testing.T, a, b string, q1, q2 int64, idb []byte) {
		var id uuid.UUID
		copy(id[:], idb)
		pr := PlaceResult{OrderID: id, Lines: []LineResult{{LineID: id, SKU: a, Allocated: []LocQty{{Location: b, Qty: q1}},
			Backordered: q2, Cancelled: q1, Rejected: q2, Reason: b}, {SKU: b},
			{SKU: a, Allocated: []LocQty{{Location: a, Qty: q2}, {Location: b, Qty: q1}, {Location: a, Qty: 7}}, Cancelled: q2},
			{SKU: b, Backordered: q1}, {SKU: a, Rejected: q2, Reason: a}}}
		require.Equal(t, placeRecord(t, pr), handWritten(t, pr))
		rr := ReceiveResult{Position: StockPosition{SKU: a, Location: b, OnHand: q1, Allocated: q2},
			Allocated: []Grant{{OrderID: id, LineID: id, Location: a, Qty: q2}}}
		require.Equal(t, marshalled(t, rr), handWritten(t, rr))
		require.Equal(t, "order/"+id.String(), commandKey("order/", id))
	})
}
