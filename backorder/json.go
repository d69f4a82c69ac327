package backorder

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/google/uuid"
)

// appendResult appends the JSON of a command's result to dst, for its
// command record. The results of the busiest commands, PlaceResult,
// ReceiveResult, ShipResult and Shipment (Ship and ConfirmShipment), are
// written by hand (encoding/json's reflection cost microseconds per order):
// byte for byte what encoding/json writes, as json_internal_test.go
// checks, except that a PlaceResult's lines leave out their counters when
// they are 0 (see LineResult.appendJSON). Every other result goes through
// encoding/json, and so does a shipment whose times encoding/json refuses
// (a year past 9999), so that the error stays its own.
func appendResult[R any](dst []byte, r *R) ([]byte, error) {
	switch v := any(r).(type) {
	case *PlaceResult:
		return v.appendJSON(dst), nil
	case *ReceiveResult:
		return v.appendJSON(dst), nil
	case *ShipResult:
		if b, ok := v.appendJSON(dst); ok {
			return b, nil
		}
	case *Shipment:
		if b, ok := v.appendJSON(dst); ok {
			return b, nil
		}
	}
	b, err := json.Marshal(r)
	if err != nil {
		return dst, err
	}
	return append(dst, b...), nil
}

// appendJSON appends r as encoding/json writes it, but for its lines'
// counters (see LineResult.appendJSON).
func (r *PlaceResult) appendJSON(b []byte) []byte {
	b = append(b, `{"order_id":`...)
	b = appendUUID(b, r.OrderID)
	b = append(b, `,"lines":`...)
	if r.Lines == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range r.Lines {
			if i > 0 {
				b = append(b, ',')
			}
			b = r.Lines[i].appendJSON(b)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// appendJSON appends l as encoding/json writes it, except that its
// counters (backordered, cancelled, rejected) are left out when they are
// 0, as if they were omitempty. The record is read back only by decoding
// it, which gives 0 for a field left out, and most lines have nothing
// backordered, cancelled or rejected: the zeros were a quarter of a
// 10-line order's record, which a store keeps for good. The fixed text
// is appended in as few pieces as it allows.
func (l *LineResult) appendJSON(b []byte) []byte {
	b = append(b, `{"line_id":"`...)
	b = appendUUIDText(b, l.LineID)
	b = append(b, `","sku":`...)
	b = appendString(b, l.SKU)
	b = appendOptLocQtys(b, `,"allocated":`, l.Allocated)
	if l.Backordered != 0 {
		b = append(b, `,"backordered":`...)
		b = appendInt(b, l.Backordered)
	}
	if l.Cancelled != 0 {
		b = append(b, `,"cancelled":`...)
		b = appendInt(b, l.Cancelled)
	}
	if l.Rejected != 0 {
		b = append(b, `,"rejected":`...)
		b = appendInt(b, l.Rejected)
	}
	if l.Reason != "" {
		b = append(b, `,"reason":`...)
		b = appendString(b, l.Reason)
	}
	return append(b, '}')
}

// appendJSON appends r as encoding/json writes it.
func (r *ReceiveResult) appendJSON(b []byte) []byte {
	p := &r.Position
	b = append(b, `{"position":{"sku":`...)
	b = appendString(b, p.SKU)
	b = append(b, `,"location":`...)
	b = appendString(b, p.Location)
	b = append(b, `,"on_hand":`...)
	b = strconv.AppendInt(b, p.OnHand, 10)
	b = append(b, `,"allocated":`...)
	b = strconv.AppendInt(b, p.Allocated, 10)
	b = append(b, `,"received":`...)
	b = strconv.AppendInt(b, p.Received, 10)
	b = append(b, `,"adjusted":`...)
	b = strconv.AppendInt(b, p.Adjusted, 10)
	b = append(b, `,"shipped":`...)
	b = strconv.AppendInt(b, p.Shipped, 10)
	b = append(b, '}')
	if len(r.Allocated) > 0 {
		b = append(b, `,"allocated":[`...)
		for i := range r.Allocated {
			g := &r.Allocated[i]
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"order_id":`...)
			b = appendUUID(b, g.OrderID)
			b = append(b, `,"line_id":`...)
			b = appendUUID(b, g.LineID)
			b = append(b, `,"location":`...)
			b = appendString(b, g.Location)
			b = append(b, `,"qty":`...)
			b = strconv.AppendInt(b, g.Qty, 10)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// appendJSON appends r as encoding/json writes it, and reports false
// (with dst's contents past its length undefined) when a shipment's time
// has no JSON form.
func (r *ShipResult) appendJSON(b []byte) ([]byte, bool) {
	b = append(b, `{"shipments":`...)
	if r.Shipments == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range r.Shipments {
			if i > 0 {
				b = append(b, ',')
			}
			var ok bool
			if b, ok = r.Shipments[i].appendJSON(b); !ok {
				return b, false
			}
		}
		b = append(b, ']')
	}
	if len(r.Held) > 0 {
		b = append(b, `,"held":[`...)
		for i := range r.Held {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"line_id":`...)
			b = appendUUID(b, r.Held[i].LineID)
			b = append(b, `,"reason":`...)
			b = appendString(b, r.Held[i].Reason)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if len(r.Cancelled) > 0 {
		b = append(b, `,"cancelled":[`...)
		for i := range r.Cancelled {
			if i > 0 {
				b = append(b, ',')
			}
			b = r.Cancelled[i].appendJSON(b)
		}
		b = append(b, ']')
	}
	return append(b, '}'), true
}

// appendJSON appends s as encoding/json writes it, and reports false when
// one of its times has no JSON form.
func (s *Shipment) appendJSON(b []byte) ([]byte, bool) {
	b = append(b, `{"id":`...)
	b = appendUUID(b, s.ID)
	b = append(b, `,"order_id":`...)
	b = appendUUID(b, s.OrderID)
	b = append(b, `,"location":`...)
	b = appendString(b, s.Location)
	b = append(b, `,"status":`...)
	b = appendString(b, string(s.Status))
	b = append(b, `,"lines":`...)
	if s.Lines == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range s.Lines {
			l := &s.Lines[i]
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"line_id":`...)
			b = appendUUID(b, l.LineID)
			b = append(b, `,"sku":`...)
			b = appendString(b, l.SKU)
			b = append(b, `,"qty":`...)
			b = strconv.AppendInt(b, l.Qty, 10)
			if l.Returned != 0 {
				b = append(b, `,"returned":`...)
				b = strconv.AppendInt(b, l.Returned, 10)
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	ok := true
	b = append(b, `,"created_at":`...)
	b, ok = appendTime(b, s.CreatedAt)
	if ok && !s.ConfirmedAt.IsZero() {
		b = append(b, `,"confirmed_at":`...)
		b, ok = appendTime(b, s.ConfirmedAt)
	}
	if ok && !s.VoidedAt.IsZero() {
		b = append(b, `,"voided_at":`...)
		b, ok = appendTime(b, s.VoidedAt)
	}
	if !ok {
		return b, false
	}
	if s.Carrier != "" {
		b = append(b, `,"carrier":`...)
		b = appendString(b, s.Carrier)
	}
	if s.Tracking != "" {
		b = append(b, `,"tracking":`...)
		b = appendString(b, s.Tracking)
	}
	return append(b, '}'), true
}

// appendTime appends t as a JSON string, as its MarshalJSON writes it (the
// strict RFC 3339 form that its AppendText also writes), and reports false
// for a time that has no such form.
func appendTime(b []byte, t time.Time) ([]byte, bool) {
	b = append(b, '"')
	b, err := t.AppendText(b)
	if err != nil {
		return b, false
	}
	return append(b, '"'), true
}

// appendUUID appends id as a JSON string in its canonical form, which is
// what its MarshalText gives encoding/json.
func appendUUID(b []byte, id uuid.UUID) []byte {
	b = append(b, '"')
	b = appendUUIDText(b, id)
	return append(b, '"')
}

// appendInt is strconv.AppendInt in base 10, with a one-digit number (a
// line's quantities, often) appended as its byte.
func appendInt(b []byte, v int64) []byte {
	if uint64(v) < 10 {
		return append(b, byte('0'+v))
	}
	return strconv.AppendInt(b, v, 10)
}

// appendUUIDText appends id's canonical form, as id.String() gives it.
// It fills a fixed array, each byte's two digits at a place known in
// advance, and appends that once: appending byte by byte, with a test for
// the dashes at each, cost twice as much (a result holds an id per line).
// The places are written out, constants the compiler checks once, where
// a loop over a table of them checked each index as it wrote.
func appendUUIDText(b []byte, id uuid.UUID) []byte {
	var t [36]byte
	var p [2]byte
	p = hexPairs[id[0]]
	t[0], t[1] = p[0], p[1]
	p = hexPairs[id[1]]
	t[2], t[3] = p[0], p[1]
	p = hexPairs[id[2]]
	t[4], t[5] = p[0], p[1]
	p = hexPairs[id[3]]
	t[6], t[7] = p[0], p[1]
	p = hexPairs[id[4]]
	t[9], t[10] = p[0], p[1]
	p = hexPairs[id[5]]
	t[11], t[12] = p[0], p[1]
	p = hexPairs[id[6]]
	t[14], t[15] = p[0], p[1]
	p = hexPairs[id[7]]
	t[16], t[17] = p[0], p[1]
	p = hexPairs[id[8]]
	t[19], t[20] = p[0], p[1]
	p = hexPairs[id[9]]
	t[21], t[22] = p[0], p[1]
	p = hexPairs[id[10]]
	t[24], t[25] = p[0], p[1]
	p = hexPairs[id[11]]
	t[26], t[27] = p[0], p[1]
	p = hexPairs[id[12]]
	t[28], t[29] = p[0], p[1]
	p = hexPairs[id[13]]
	t[30], t[31] = p[0], p[1]
	p = hexPairs[id[14]]
	t[32], t[33] = p[0], p[1]
	p = hexPairs[id[15]]
	t[34], t[35] = p[0], p[1]
	t[8], t[13], t[18], t[23] = '-', '-', '-', '-'
	return append(b, t[:]...)
}

// hexPairs[c] is c's two lower-case hex digits.
var hexPairs = func() (t [256][2]byte) {
	const hex = "0123456789abcdef"
	for c := range t {
		t[c] = [2]byte{hex[c>>4], hex[c&0xf]}
	}
	return t
}()

// plainJSON says which bytes appendString copies as they are: printable
// ASCII but '"', '\\', '<', '>' and '&' (a table: a result has a string or
// two per line, and seven comparisons per byte showed).
var plainJSON = func() (t [256]bool) {
	for c := 0x20; c <= 0x7e; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// appendString appends s as a JSON string. Printable ASCII that
// encoding/json leaves as it is (it escapes '"', '\\', and '<', '>', '&'
// for HTML) is copied; any other string is left to encoding/json, so the
// rules for control characters, invalid UTF-8 and U+2028/U+2029 are its
// own.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if !plainJSON[s[i]] {
			q, _ := json.Marshal(s) // a string always encodes
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
