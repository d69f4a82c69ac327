package backorder

import (
	"encoding/json"
	"strconv"

	"github.com/google/uuid"
)

// appendResult appends the JSON of a command's result to dst, for its
// command record. The results of the two busiest commands, PlaceResult and
// ReceiveResult, are written by hand (encoding/json's reflection cost
// microseconds per order): byte for byte what encoding/json writes, as
// json_test.go checks. Every other result goes through encoding/json.
func appendResult[R any](dst []byte, r *R) ([]byte, error) {
	switch v := any(r).(type) {
	case *PlaceResult:
		return v.appendJSON(dst), nil
	case *ReceiveResult:
		return v.appendJSON(dst), nil
	}
	b, err := json.Marshal(r)
	if err != nil {
		return dst, err
	}
	return append(dst, b...), nil
}

// appendJSON appends r as encoding/json writes it.
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

// appendJSON appends l as encoding/json writes it.
func (l *LineResult) appendJSON(b []byte) []byte {
	b = append(b, `{"line_id":`...)
	b = appendUUID(b, l.LineID)
	b = append(b, `,"sku":`...)
	b = appendString(b, l.SKU)
	if len(l.Allocated) > 0 {
		b = append(b, `,"allocated":[`...)
		for i, a := range l.Allocated {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"location":`...)
			b = appendString(b, a.Location)
			b = append(b, `,"qty":`...)
			b = strconv.AppendInt(b, a.Qty, 10)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"backordered":`...)
	b = strconv.AppendInt(b, l.Backordered, 10)
	b = append(b, `,"cancelled":`...)
	b = strconv.AppendInt(b, l.Cancelled, 10)
	b = append(b, `,"rejected":`...)
	b = strconv.AppendInt(b, l.Rejected, 10)
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

// appendUUID appends id as a JSON string in its canonical form, which is
// what its MarshalText gives encoding/json.
func appendUUID(b []byte, id uuid.UUID) []byte {
	b = append(b, '"')
	b = appendUUIDText(b, id)
	return append(b, '"')
}

// appendUUIDText appends id's canonical form, as id.String() gives it.
func appendUUIDText(b []byte, id uuid.UUID) []byte {
	const hex = "0123456789abcdef"
	for i, c := range id {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, hex[c>>4], hex[c&0xf])
	}
	return b
}

// appendString appends s as a JSON string. Printable ASCII that
// encoding/json leaves as it is (it escapes '"', '\\', and '<', '>', '&'
// for HTML) is copied; any other string is left to encoding/json, so the
// rules for control characters, invalid UTF-8 and U+2028/U+2029 are its
// own.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always encodes
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
