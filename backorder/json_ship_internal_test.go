package backorder

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// jsonTimes are times that exercise encoding/json's form of time.Time:
// zero, UTC with and without nanoseconds, other zones (a half-hour one and
// one whose offset has seconds), a monotonic clock reading, and the years
// at and past the ends of what RFC 3339 can write (which encoding/json
// refuses, and the hand encoder must refuse the same way).
func jsonTimes() []time.Time {
	ist := time.FixedZone("IST", 5*3600+30*60)
	odd := time.FixedZone("ODD", -(3*3600 + 7))
	far := time.FixedZone("FAR", 25*3600)
	return []time.Time{
		{},
		time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 27, 8, 0, 0, 123456789, time.UTC),
		time.Date(2026, 1, 2, 3, 4, 5, 600000000, ist),
		time.Date(1999, 12, 31, 23, 59, 59, 1, odd),
		time.Now(),
		time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 1, 1, 0, 0, 0, 0, far),
	}
}

// sameEncoding checks that appendResult writes what encoding/json writes
// for r (for its compact form: see recordOracle), or fails as it fails;
// and that what it wrote decodes (a repeated command decodes its record).
// TestShipResultRoundTrip checks that it decodes back equal.
func sameEncoding[R any](t *testing.T, r R) {
	t.Helper()
	want, wantErr := json.Marshal(recordOracle(r))
	got, err := appendResult([]byte("prefix"), &r)
	if wantErr != nil {
		require.Error(t, err, "encoding/json refused %+v", r)
		require.Equal(t, wantErr.Error(), err.Error())
		return
	}
	require.NoError(t, err)
	require.Equal(t, "prefix", string(got[:6]), "appendResult must append to dst")
	require.Equal(t, string(want), string(got[6:]))
	var back R
	require.NoError(t, json.Unmarshal(got[6:], &back))
}

func TestAppendShipResultsMatchEncodingJSON(t *testing.T) {
	id := uuid.MustParse("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0ff")
	id2 := uuid.MustParse("00000000-0000-4000-8000-00000000002a")
	times := jsonTimes()
	n := 0
	for _, s := range jsonStrings {
		for k, tm := range times {
			other := times[(k+1)%len(times)]
			shipments := []Shipment{
				{},
				{ID: id, OrderID: id2, Location: s, Status: ShipmentStatusCreated, Lines: []ShipmentLine{}, CreatedAt: tm},
				{ID: id, OrderID: id2, Location: "AMS", Status: ShipmentStatus(s),
					Lines:     []ShipmentLine{{LineID: id, SKU: s, Qty: math.MaxInt64, Returned: math.MinInt64}, {SKU: "B", Qty: -3}, {}},
					CreatedAt: tm, ConfirmedAt: other, VoidedAt: tm, Carrier: s, Tracking: s},
				{ID: id2, Status: ShipmentStatusConfirmed, Lines: []ShipmentLine{{LineID: id2, SKU: "X", Qty: 1}},
					CreatedAt: other, ConfirmedAt: tm, Carrier: "DHL"},
			}
			for _, sh := range shipments {
				sameEncoding(t, sh)
				n++
			}
			results := []ShipResult{
				{},
				{Shipments: []Shipment{}, Held: []HeldLine{}, Cancelled: []LineResult{}},
				{Shipments: shipments, Held: []HeldLine{{LineID: id, Reason: s}, {}}},
				{Shipments: shipments[1:2], Cancelled: []LineResult{{LineID: id, SKU: s, Backordered: 4, Cancelled: 2, Reason: s},
					{Allocated: []LocQty{{Location: s, Qty: 1}}}}},
				{Held: []HeldLine{{LineID: id2, Reason: HoldShipComplete}}},
			}
			for _, r := range results {
				sameEncoding(t, r)
				n++
			}
		}
	}
	require.Greater(t, n, 1000)
}

// A shipment result without times outside RFC 3339's range decodes back
// equal to what was encoded (times in UTC, without a monotonic reading,
// as a database would give them back).
func TestShipResultRoundTrip(t *testing.T) {
	id := uuid.MustParse("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0ff")
	at := time.Date(2026, 11, 27, 8, 0, 0, 5, time.UTC)
	r := ShipResult{
		Shipments: []Shipment{{ID: id, OrderID: id, Location: "AMS", Status: ShipmentStatusConfirmed,
			Lines: []ShipmentLine{{LineID: id, SKU: "S", Qty: 5, Returned: 1}}, CreatedAt: at, ConfirmedAt: at.Add(time.Hour),
			Carrier: "DHL", Tracking: "T<1>"}},
		Held:      []HeldLine{{LineID: id, Reason: HoldLineComplete}},
		Cancelled: []LineResult{{LineID: id, SKU: "S", Allocated: []LocQty{{Location: "AMS", Qty: 2}}, Cancelled: 3, Reason: "fill_or_kill"}},
	}
	b, err := appendResult(nil, &r)
	require.NoError(t, err)
	var back ShipResult
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, r, back)
	sh := r.Shipments[0]
	b, err = appendResult(nil, &sh)
	require.NoError(t, err)
	var shBack Shipment
	require.NoError(t, json.Unmarshal(b, &shBack))
	require.Equal(t, sh, shBack)
}

// TestHandWrittenShipResultsKnowEveryField fails when a field is added to,
// removed from or renamed in a shipping type whose JSON is written by
// hand, so that the encoder is brought up to date with it.
func TestHandWrittenShipResultsKnowEveryField(t *testing.T) {
	want := map[reflect.Type][]string{
		reflect.TypeFor[ShipResult](): {`Shipments json:"shipments"`, `Held json:"held,omitempty"`, `Cancelled json:"cancelled,omitempty"`},
		reflect.TypeFor[Shipment](): {`ID json:"id"`, `OrderID json:"order_id"`, `Location json:"location"`, `Status json:"status"`,
			`Lines json:"lines"`, `CreatedAt json:"created_at"`, `ConfirmedAt json:"confirmed_at,omitzero"`,
			`VoidedAt json:"voided_at,omitzero"`, `Carrier json:"carrier,omitempty"`, `Tracking json:"tracking,omitempty"`},
		reflect.TypeFor[ShipmentLine](): {`LineID json:"line_id"`, `SKU json:"sku"`, `Qty json:"qty"`, `Returned json:"returned,omitempty"`},
		reflect.TypeFor[HeldLine]():     {`LineID json:"line_id"`, `Reason json:"reason"`},
	}
	requireFields(t, want)
	// time.Time's JSON is its MarshalJSON, whose form AppendText shares.
	_, ok := any(time.Time{}).(json.Marshaler)
	require.True(t, ok)
}

func FuzzAppendShipResult(f *testing.F) {
	for _, s := range jsonStrings {
		f.Add(s, s, int64(5), int64(-1), int64(1_800_000_000_000_000_000), int32(3600), []byte("0123456789abcdef"))
	}
	f.Add("AMS", "", int64(0), int64(0), int64(math.MaxInt64), int32(-86399), []byte{})
	f.Fuzz(func(t *testing.T, a, b string, q1, q2, nanos int64, offset int32, idb []byte) {
		var id uuid.UUID
		copy(id[:], idb)
		tm := time.Unix(0, nanos).In(time.FixedZone(b, int(offset)))
		sh := Shipment{ID: id, OrderID: id, Location: a, Status: ShipmentStatus(b),
			Lines: []ShipmentLine{{LineID: id, SKU: a, Qty: q1, Returned: q2}}, CreatedAt: tm, ConfirmedAt: tm.Add(time.Duration(q1)),
			Carrier: a, Tracking: b}
		sameEncoding(t, sh)
		sameEncoding(t, ShipResult{Shipments: []Shipment{sh, {}}, Held: []HeldLine{{LineID: id, Reason: a}},
			Cancelled: []LineResult{{LineID: id, SKU: b, Cancelled: q2, Reason: a}}})
	})
}
