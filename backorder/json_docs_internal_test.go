package backorder

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// sameDoc checks that v's MarshalJSON writes what encoding/json writes for
// fields (v without the method), or fails as it fails; and that the JSON
// decodes back.
func sameDoc[T json.Marshaler, F any](t *testing.T, v T, fields F) {
	t.Helper()
	want, wantErr := json.Marshal(fields)
	got, err := v.MarshalJSON()
	if wantErr != nil {
		require.Error(t, err, "encoding/json refused %+v", v)
		require.Equal(t, wantErr.Error(), err.Error())
		return
	}
	require.NoError(t, err)
	require.Equal(t, string(want), string(got))
	// Through encoding/json, which checks the method's output.
	via, err := json.Marshal(v)
	require.NoError(t, err)
	require.Equal(t, string(want), string(via))
	back := new(T)
	require.NoError(t, json.Unmarshal(got, back))
}

// docValues draws the values the document tests use.
type docValues struct{ r *rand.Rand }

func (d docValues) str() string { return jsonStrings[d.r.IntN(len(jsonStrings))] }

func (d docValues) time() time.Time {
	ts := jsonTimes()
	return ts[d.r.IntN(len(ts))]
}

func (d docValues) int() int64 {
	switch d.r.IntN(4) {
	case 0:
		return 0
	case 1:
		return []int64{math.MaxInt64, math.MinInt64, -1, 1}[d.r.IntN(4)]
	default:
		return d.r.Int64N(1e6)
	}
}

func (d docValues) id() uuid.UUID {
	if d.r.IntN(3) == 0 {
		return uuid.Nil
	}
	var id uuid.UUID
	for i := range id {
		id[i] = byte(d.r.UintN(256))
	}
	return id
}

func (d docValues) dec() decimal.Decimal {
	switch d.r.IntN(5) {
	case 0:
		return decimal.Decimal{}
	case 1:
		return decimal.RequireFromString("0.00") // zero, omitted by omitzero too
	case 2:
		return decimal.RequireFromString("-12.5000")
	case 3:
		return decimal.New(d.r.Int64N(1e9), -int32(d.r.IntN(30)))
	default:
		return decimal.RequireFromString("123456789012345678901234567890.123")
	}
}

func (d docValues) locQtys() []LocQty {
	switch d.r.IntN(3) {
	case 0:
		return nil
	case 1:
		return []LocQty{}
	}
	qs := make([]LocQty, 1+d.r.IntN(3))
	for i := range qs {
		qs[i] = LocQty{Location: d.str(), Qty: d.int()}
	}
	return qs
}

func (d docValues) line() Line {
	return Line{ID: d.id(), OrderID: d.id(), SKU: d.str(), Qty: d.int(), UnitPrice: d.dec(),
		DiscountPercent: d.dec(), DiscountAmount: d.dec(), TaxPercent: d.dec(), TaxCategory: d.str(),
		PreferredLocation: d.str(), MinAllocation: d.int(), Protection: Protection(d.str()),
		ShipPolicy: ShipPolicy(d.str()), ShipGroup: d.str(), Seq: d.int(), Allocations: d.locQtys(),
		Committed: d.locQtys(), Shipped: d.int(), Cancelled: d.int(), Backordered: d.int(),
		Rejected: d.int(), CancelReason: d.str()}
}

func (d docValues) entry() BookEntry {
	e := BookEntry{SKU: d.str(), LineID: d.id(), OrderID: d.id(), Customer: d.str(),
		Priority: int32(d.int()), Placed: d.time(), Seq: d.int(), Backordered: d.int(),
		Allocations: d.locQtys(), Committed: d.locQtys(), MinAllocation: d.int(),
		Protection: Protection(d.str()), RequestedDate: d.time()}
	switch d.r.IntN(4) {
	case 0:
	case 1:
		// A zero instant that is not the zero value: omitzero keeps the
		// promise, and the time's own omitzero drops the field.
		e.Promise = PromiseDate{Ready: time.Time{}.In(time.FixedZone("X", 3600))}
	default:
		e.Promise = PromiseDate{Kind: PromiseKind(d.str()), Ready: d.time(), Delivery: d.time()}
	}
	return e
}

func (d docValues) event() Event {
	return Event{Seq: d.r.Uint64(), Type: EventType(d.str()), At: d.time(), Command: d.str(),
		OrderID: d.id(), LineID: d.id(), ShipmentID: d.id(), InvoiceID: d.id(), InboundID: d.str(),
		Customer: d.str(), SKU: d.str(), Location: d.str(), Qty: d.int(), From: d.int(), To: d.int(),
		OldDate: d.time(), NewDate: d.time(), Number: d.str(), Reason: d.str()}
}

func TestDocumentsMatchEncodingJSON(t *testing.T) {
	defer func(q bool) { decimal.MarshalJSONWithoutQuotes = q }(decimal.MarshalJSONWithoutQuotes)
	d := docValues{rand.New(rand.NewPCG(1, 2))}
	for i := range 6000 {
		decimal.MarshalJSONWithoutQuotes = i%7 == 0
		l, e, ev := d.line(), d.entry(), d.event()
		sameDoc(t, l, lineFields(l))
		sameDoc(t, e, bookEntryFields(e))
		sameDoc(t, ev, eventFields(ev))
	}
	// Zero values, and inside the types that hold them.
	sameDoc(t, Line{}, lineFields{})
	sameDoc(t, BookEntry{}, bookEntryFields{})
	sameDoc(t, Event{}, eventFields{})
	o := Order{ID: uuid.New(), Lines: []Line{d.line(), {}}}
	b, err := json.Marshal(o)
	require.NoError(t, err)
	var back Order
	require.NoError(t, json.Unmarshal(b, &back))
	require.Len(t, back.Lines, 2)
}

// TestDocumentsRoundTrip decodes what the encoders write back into equal
// values, for values that hold nothing JSON cannot keep (invalid UTF-8, a
// zero decimal's exponent, a monotonic clock reading, a zone's name).
func TestDocumentsRoundTrip(t *testing.T) {
	at := time.Date(2026, 11, 27, 8, 0, 0, 123456789, time.UTC)
	l := Line{ID: uuid.New(), OrderID: uuid.New(), SKU: `S"<&>`, Qty: 7, UnitPrice: decimal.RequireFromString("1.25"),
		TaxPercent: decimal.RequireFromString("21"), Seq: 3, Allocations: []LocQty{{Location: "AMS", Qty: 5}},
		Backordered: 2, CancelReason: "日本"}
	e := BookEntry{SKU: "S", LineID: l.ID, OrderID: l.OrderID, Customer: "C", Priority: 2, Placed: at, Seq: 3,
		Backordered: 2, Allocations: l.Allocations, Promise: PromiseDate{Kind: PromiseCovered, Ready: at}}
	ev := Event{Seq: 9, Type: LineAllocated, At: at, OrderID: l.OrderID, LineID: l.ID, SKU: "S", Qty: 5}
	for _, v := range []any{&l, &e, &ev} {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		back := reflect.New(reflect.TypeOf(v).Elem())
		require.NoError(t, json.Unmarshal(b, back.Interface()))
		require.True(t, reflect.DeepEqual(reflect.ValueOf(v).Elem().Interface(), back.Elem().Interface()),
			"%T: %s", v, b)
	}
}

// TestHandWrittenDocumentsKnowEveryField fails when a field is added to,
// removed from or renamed in a document type whose JSON is written by
// hand, so that its encoder is brought up to date with it.
func TestHandWrittenDocumentsKnowEveryField(t *testing.T) {
	want := map[reflect.Type][]string{
		reflect.TypeFor[Line](): {`ID json:"id"`, `OrderID json:"order_id"`, `SKU json:"sku"`, `Qty json:"qty"`,
			`UnitPrice json:"unit_price"`, `DiscountPercent json:"discount_percent,omitzero"`,
			`DiscountAmount json:"discount_amount,omitzero"`, `TaxPercent json:"tax_percent,omitzero"`,
			`TaxCategory json:"tax_category,omitempty"`, `PreferredLocation json:"preferred_location,omitempty"`,
			`MinAllocation json:"min_allocation,omitempty"`, `Protection json:"protection,omitempty"`,
			`ShipPolicy json:"ship_policy,omitempty"`, `ShipGroup json:"ship_group,omitempty"`, `Seq json:"seq"`,
			`Allocations json:"allocations,omitempty"`, `Committed json:"committed,omitempty"`,
			`Shipped json:"shipped"`, `Cancelled json:"cancelled"`, `Backordered json:"backordered"`,
			`Rejected json:"rejected,omitempty"`, `CancelReason json:"cancel_reason,omitempty"`},
		reflect.TypeFor[BookEntry](): {`SKU json:"sku"`, `LineID json:"line_id"`, `OrderID json:"order_id"`,
			`Customer json:"customer"`, `Priority json:"priority"`, `Placed json:"placed"`, `Seq json:"seq"`,
			`Backordered json:"backordered"`, `Allocations json:"allocations,omitempty"`,
			`Committed json:"committed,omitempty"`, `MinAllocation json:"min_allocation,omitempty"`,
			`Protection json:"protection,omitempty"`, `RequestedDate json:"requested_date,omitzero"`,
			`Promise json:"promise,omitzero"`},
		reflect.TypeFor[PromiseDate](): {`Kind json:"kind,omitempty"`, `Ready json:"ready,omitzero"`,
			`Delivery json:"delivery,omitzero"`},
		reflect.TypeFor[Event](): {`Seq json:"seq"`, `Type json:"type"`, `At json:"at"`,
			`Command json:"command,omitempty"`, `OrderID json:"order_id,omitzero"`, `LineID json:"line_id,omitzero"`,
			`ShipmentID json:"shipment_id,omitzero"`, `InvoiceID json:"invoice_id,omitzero"`,
			`InboundID json:"inbound_id,omitempty"`, `Customer json:"customer,omitempty"`, `SKU json:"sku,omitempty"`,
			`Location json:"location,omitempty"`, `Qty json:"qty,omitempty"`, `From json:"from,omitempty"`,
			`To json:"to,omitempty"`, `OldDate json:"old_date,omitzero"`, `NewDate json:"new_date,omitzero"`,
			`Number json:"number,omitempty"`, `Reason json:"reason,omitempty"`},
	}
	requireFields(t, want)
	// Neither the string kinds nor PromiseDate may gain a marshaler or an
	// IsZero method behind the encoders' backs.
	for _, v := range []any{Protection(""), ShipPolicy(""), EventType(""), PromiseKind(""), PromiseDate{}} {
		_, m := v.(json.Marshaler)
		_, tm := v.(interface{ MarshalText() ([]byte, error) })
		_, z := v.(interface{ IsZero() bool })
		require.False(t, m || tm || z, "%T", v)
	}
}

func FuzzDocuments(f *testing.F) {
	for _, s := range jsonStrings {
		f.Add(s, int64(5), int64(1_800_000_000_000_000_000), int32(3600), uint64(7))
	}
	f.Fuzz(func(t *testing.T, s string, n, nanos int64, offset int32, seed uint64) {
		d := docValues{rand.New(rand.NewPCG(seed, uint64(n)))}
		tm := time.Unix(0, nanos).In(time.FixedZone(s, int(offset)))
		l := d.line()
		l.SKU, l.Qty, l.CancelReason = s, n, s
		e := d.entry()
		e.Customer, e.Placed, e.Promise.Delivery = s, tm, tm
		ev := d.event()
		ev.Reason, ev.At, ev.NewDate = s, tm, tm
		sameDoc(t, l, lineFields(l))
		sameDoc(t, e, bookEntryFields(e))
		sameDoc(t, ev, eventFields(ev))
	})
}
