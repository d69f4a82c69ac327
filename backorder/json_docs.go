package backorder

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

// The stored documents a store writes most, a Line, a BookEntry and an
// Event (a 10-line order writes about thirty of them), encode by hand:
// encoding/json's reflection cost a database store about 2 µs a document.
// Each MarshalJSON writes byte for byte what encoding/json writes for the
// same struct without the method (json_docs_internal_test.go checks it over
// many values), and leaves any value holding a time encoding/json refuses
// (a year past 9999) to encoding/json, so that the error stays its own.
//
// As with any json.Marshaler, an Encoder with SetEscapeHTML(false) does not
// undo the escaping of '<', '>' and '&' in their strings; the JSON means
// the same.

// Types without the methods, for encoding/json to fall back on.
type (
	lineFields      Line
	bookEntryFields BookEntry
	eventFields     Event
)

// MarshalJSON implements json.Marshaler.
func (l Line) MarshalJSON() ([]byte, error) {
	if b, ok := l.appendJSON(make([]byte, 0, 320)); ok {
		return b, nil
	}
	return json.Marshal(lineFields(l))
}

// MarshalJSON implements json.Marshaler.
func (e BookEntry) MarshalJSON() ([]byte, error) {
	if b, ok := e.appendJSON(make([]byte, 0, 320)); ok {
		return b, nil
	}
	return json.Marshal(bookEntryFields(e))
}

// MarshalJSON implements json.Marshaler.
func (e Event) MarshalJSON() ([]byte, error) {
	if b, ok := e.appendJSON(make([]byte, 0, 256)); ok {
		return b, nil
	}
	return json.Marshal(eventFields(e))
}

// appendJSON appends l as encoding/json writes it, and reports false if it
// cannot.
func (l *Line) appendJSON(b []byte) ([]byte, bool) {
	b = append(b, `{"id":`...)
	b = appendUUID(b, l.ID)
	b = append(b, `,"order_id":`...)
	b = appendUUID(b, l.OrderID)
	b = append(b, `,"sku":`...)
	b = appendString(b, l.SKU)
	b = append(b, `,"qty":`...)
	b = strconv.AppendInt(b, l.Qty, 10)
	b = append(b, `,"unit_price":`...)
	b = appendDecimal(b, l.UnitPrice)
	if !l.DiscountPercent.IsZero() {
		b = append(b, `,"discount_percent":`...)
		b = appendDecimal(b, l.DiscountPercent)
	}
	if !l.DiscountAmount.IsZero() {
		b = append(b, `,"discount_amount":`...)
		b = appendDecimal(b, l.DiscountAmount)
	}
	if !l.TaxPercent.IsZero() {
		b = append(b, `,"tax_percent":`...)
		b = appendDecimal(b, l.TaxPercent)
	}
	b = appendOptString(b, `,"tax_category":`, l.TaxCategory)
	b = appendOptString(b, `,"preferred_location":`, l.PreferredLocation)
	b = appendOptInt(b, `,"min_allocation":`, l.MinAllocation)
	b = appendOptString(b, `,"protection":`, string(l.Protection))
	b = appendOptString(b, `,"ship_policy":`, string(l.ShipPolicy))
	b = appendOptString(b, `,"ship_group":`, l.ShipGroup)
	b = append(b, `,"seq":`...)
	b = strconv.AppendInt(b, l.Seq, 10)
	b = appendOptLocQtys(b, `,"allocations":`, l.Allocations)
	b = appendOptLocQtys(b, `,"committed":`, l.Committed)
	b = append(b, `,"shipped":`...)
	b = strconv.AppendInt(b, l.Shipped, 10)
	b = append(b, `,"cancelled":`...)
	b = strconv.AppendInt(b, l.Cancelled, 10)
	b = append(b, `,"backordered":`...)
	b = strconv.AppendInt(b, l.Backordered, 10)
	b = appendOptInt(b, `,"rejected":`, l.Rejected)
	b = appendOptString(b, `,"cancel_reason":`, l.CancelReason)
	return append(b, '}'), true
}

// appendJSON appends e as encoding/json writes it, and reports false if it
// cannot.
func (e *BookEntry) appendJSON(b []byte) ([]byte, bool) {
	ok := true
	b = append(b, `{"sku":`...)
	b = appendString(b, e.SKU)
	b = append(b, `,"line_id":`...)
	b = appendUUID(b, e.LineID)
	b = append(b, `,"order_id":`...)
	b = appendUUID(b, e.OrderID)
	b = append(b, `,"customer":`...)
	b = appendString(b, e.Customer)
	b = append(b, `,"priority":`...)
	b = strconv.AppendInt(b, int64(e.Priority), 10)
	b = append(b, `,"placed":`...)
	if b, ok = appendTime(b, e.Placed); !ok {
		return b, false
	}
	b = append(b, `,"seq":`...)
	b = strconv.AppendInt(b, e.Seq, 10)
	b = append(b, `,"backordered":`...)
	b = strconv.AppendInt(b, e.Backordered, 10)
	b = appendOptLocQtys(b, `,"allocations":`, e.Allocations)
	b = appendOptLocQtys(b, `,"committed":`, e.Committed)
	b = appendOptInt(b, `,"min_allocation":`, e.MinAllocation)
	b = appendOptString(b, `,"protection":`, string(e.Protection))
	if b, ok = appendOptTime(b, `,"requested_date":`, e.RequestedDate); !ok {
		return b, false
	}
	// omitzero on a struct without an IsZero method: every field its zero
	// value (a time's location included).
	if p := &e.Promise; p.Kind != "" || p.Ready != (time.Time{}) || p.Delivery != (time.Time{}) {
		b = append(b, `,"promise":{`...)
		open := len(b)
		b = appendOptString(b, `,"kind":`, string(p.Kind))
		if b, ok = appendOptTime(b, `,"ready":`, p.Ready); !ok {
			return b, false
		}
		if b, ok = appendOptTime(b, `,"delivery":`, p.Delivery); !ok {
			return b, false
		}
		if len(b) > open {
			// The fields were written with a leading comma; the first
			// one's goes.
			b = append(b[:open], b[open+1:]...)
		}
		b = append(b, '}')
	}
	return append(b, '}'), true
}

// appendJSON appends e as encoding/json writes it, and reports false if it
// cannot.
func (e *Event) appendJSON(b []byte) ([]byte, bool) {
	ok := true
	b = append(b, `{"seq":`...)
	b = strconv.AppendUint(b, e.Seq, 10)
	b = append(b, `,"type":`...)
	b = appendString(b, string(e.Type))
	b = append(b, `,"at":`...)
	if b, ok = appendTime(b, e.At); !ok {
		return b, false
	}
	b = appendOptString(b, `,"command":`, e.Command)
	b = appendOptUUID(b, `,"order_id":`, e.OrderID)
	b = appendOptUUID(b, `,"line_id":`, e.LineID)
	b = appendOptUUID(b, `,"shipment_id":`, e.ShipmentID)
	b = appendOptUUID(b, `,"invoice_id":`, e.InvoiceID)
	b = appendOptString(b, `,"inbound_id":`, e.InboundID)
	b = appendOptString(b, `,"customer":`, e.Customer)
	b = appendOptString(b, `,"sku":`, e.SKU)
	b = appendOptString(b, `,"location":`, e.Location)
	b = appendOptInt(b, `,"qty":`, e.Qty)
	b = appendOptInt(b, `,"from":`, e.From)
	b = appendOptInt(b, `,"to":`, e.To)
	if b, ok = appendOptTime(b, `,"old_date":`, e.OldDate); !ok {
		return b, false
	}
	if b, ok = appendOptTime(b, `,"new_date":`, e.NewDate); !ok {
		return b, false
	}
	b = appendOptString(b, `,"number":`, e.Number)
	b = appendOptString(b, `,"reason":`, e.Reason)
	return append(b, '}'), true
}

// appendDecimal appends d as its MarshalJSON writes it (quoted unless
// decimal.MarshalJSONWithoutQuotes).
func appendDecimal(b []byte, d decimal.Decimal) []byte {
	if decimal.MarshalJSONWithoutQuotes {
		return append(b, d.String()...)
	}
	b = append(b, '"')
	b = append(b, d.String()...)
	return append(b, '"')
}

// appendOptString appends a field tagged omitempty: its name (with the
// leading comma) and value, unless the value is empty.
func appendOptString(b []byte, name, s string) []byte {
	if s == "" {
		return b
	}
	b = append(b, name...)
	return appendString(b, s)
}

// appendOptInt is appendOptString for an integer.
func appendOptInt(b []byte, name string, n int64) []byte {
	if n == 0 {
		return b
	}
	b = append(b, name...)
	return strconv.AppendInt(b, n, 10)
}

// appendOptTime is appendOptString for a time tagged omitzero; it reports
// false for a time that has no JSON form.
func appendOptTime(b []byte, name string, t time.Time) ([]byte, bool) {
	if t.IsZero() {
		return b, true
	}
	b = append(b, name...)
	return appendTime(b, t)
}

// appendOptUUID is appendOptString for an id tagged omitzero.
func appendOptUUID(b []byte, name string, id uuid.UUID) []byte {
	if id == uuid.Nil {
		return b
	}
	b = append(b, name...)
	return appendUUID(b, id)
}

// appendOptLocQtys is appendOptString for quantities by location.
func appendOptLocQtys(b []byte, name string, qs []LocQty) []byte {
	if len(qs) == 0 {
		return b
	}
	b = append(b, name...)
	for i := range qs {
		if i == 0 {
			b = append(b, `[{"location":`...)
		} else {
			b = append(b, `},{"location":`...)
		}
		b = appendString(b, qs[i].Location)
		b = append(b, `,"qty":`...)
		b = appendInt(b, qs[i].Qty)
	}
	return append(b, "}]"...)
}
