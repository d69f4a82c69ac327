package pgstore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/backorderkit/backorderkit/backorder"
)

// Documents. A value is stored as the JSON the backorder package's types
// encode to (their json tags, custom marshalers and all), in a jsonb
// column, and read back by decoding that JSON. Every such value round-trips
// through encoding/json exactly (times keep their nanoseconds and offset;
// decimals their digits, whatever decimal.MarshalJSONWithoutQuotes says);
// what jsonb changes (key order, white space) encoding/json ignores.
//
// jsonb and text cannot hold a NUL character, and encoding/json silently
// replaces invalid UTF-8, so every string in a value is checked first.

// encodeDoc encodes v, refusing the strings PostgreSQL cannot store. what
// names v in errors.
func encodeDoc(what string, v any) ([]byte, error) { return encodeDocAt(what, -1, v) }

// encodeDocAt is encodeDoc for element i of what (i < 0: what itself); the
// element's name is formatted only for an error.
func encodeDocAt(what string, i int, v any) ([]byte, error) {
	name := func() string {
		if i < 0 {
			return what
		}
		return fmt.Sprintf("%s[%d]", what, i)
	}
	var b []byte
	var err error
	if m, ok := v.(json.Marshaler); ok {
		// The documents written most (lines, book entries, events)
		// encode themselves, byte for byte as encoding/json would; calling
		// the method spares encoding/json's check and copy of its output.
		b, err = m.MarshalJSON()
	} else {
		b, err = json.Marshal(v)
	}
	if err != nil {
		return nil, &backorder.ValidationError{Field: name(), Reason: "cannot be encoded: " + err.Error()}
	}
	if unstorable(b) {
		// Rare: walk v to name the field.
		if err := checkValue(name(), reflect.ValueOf(v)); err != nil {
			return nil, err
		}
		return nil, &backorder.ValidationError{Field: name(), Reason: "holds text PostgreSQL cannot store"}
	}
	return b, nil
}

// unstorable reports whether encoding/json's output js holds a string that
// PostgreSQL cannot store: a NUL character, which it writes as \u0000, or
// invalid UTF-8, whose bytes it replaces with the escape \ufffd (a valid
// U+FFFD it writes as itself). Scanning the output once is cheaper than
// walking the value by reflection; TestUnstorableText pins both escapes.
func unstorable(js []byte) bool {
	for i := 0; i < len(js); i++ {
		j := bytes.IndexByte(js[i:], '\\')
		if j < 0 {
			return false
		}
		i += j + 1 // the escaped character
		if i+4 < len(js) && js[i] == 'u' {
			if e := string(js[i+1 : i+5]); e == "0000" || e == "fffd" {
				return true
			}
			i += 4
		}
	}
	return false
}

// decodeDoc decodes a document read back into v.
func decodeDoc(what string, b []byte, v any) error {
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("pgstore: decoding %s: %w", what, err)
	}
	return nil
}

// itemDocs remembers the items decoded from documents, by the
// document's text. Every operation reads the items of its SKUs, which
// rarely change, and decoding each with encoding/json was a tenth of the
// client's work in reading what placing an order reads. A document always
// decodes to the same item, so a remembered one is as good as a decoded
// one; the map is emptied when it reaches maxItemDocs entries, so it holds
// at most that many.
type itemDocs struct {
	mu sync.Mutex
	m  map[string]backorder.Item
}

// maxItemDocs bounds the item documents a Store remembers.
const maxItemDocs = 4096

// decode returns the item doc encodes, a copy of its own.
func (c *itemDocs) decode(doc []byte) (backorder.Item, error) {
	c.mu.Lock()
	it, ok := c.m[string(doc)]
	c.mu.Unlock()
	if ok {
		return it.Clone(), nil
	}
	if err := decodeDoc("item", doc, &it); err != nil {
		return backorder.Item{}, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxItemDocs {
		c.m = make(map[string]backorder.Item)
	}
	c.m[string(doc)] = it.Clone()
	c.mu.Unlock()
	return it, nil
}

// checkValue checks every string reachable through exported fields,
// elements and map entries of v.
func checkValue(path string, v reflect.Value) error {
	switch v.Kind() {
	case reflect.String:
		return checkText(path, v.String())
	case reflect.Struct:
		t := v.Type()
		for i := range v.NumField() {
			if f := t.Field(i); f.IsExported() && mayHoldString(f.Type) {
				if err := checkValue(path+"."+f.Name, v.Field(i)); err != nil {
					return err
				}
			}
		}
	case reflect.Slice, reflect.Array:
		if !mayHoldString(v.Type().Elem()) {
			return nil
		}
		for i := range v.Len() {
			if err := checkValue(fmt.Sprintf("%s[%d]", path, i), v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			p := fmt.Sprintf("%s[%v]", path, iter.Key())
			if err := checkValue(p, iter.Key()); err != nil {
				return err
			}
			if err := checkValue(p, iter.Value()); err != nil {
				return err
			}
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return checkValue(path, v.Elem())
		}
	}
	return nil
}

// mayHoldString reports whether a value of type t can hold a string
// (conservatively: interfaces and pointers may).
func mayHoldString(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.String, reflect.Struct, reflect.Map, reflect.Pointer, reflect.Interface:
		return true
	case reflect.Slice, reflect.Array:
		return mayHoldString(t.Elem())
	}
	return false
}

// checkText rejects what PostgreSQL text and jsonb cannot hold: a NUL
// character or invalid UTF-8. Every other string, quotes and all, is
// stored as given.
func checkText(field, s string) error {
	if strings.IndexByte(s, 0) >= 0 {
		return &backorder.ValidationError{Field: field, Reason: "contains a NUL character, which PostgreSQL text cannot store"}
	}
	if !utf8.ValidString(s) {
		return &backorder.ValidationError{Field: field, Reason: "is not valid UTF-8, which PostgreSQL text requires"}
	}
	return nil
}

// Key columns. Times are timestamptz: microseconds, truncated as pgx's
// binary encoding does; the zero time is NULL.

// tsArg encodes a time for a timestamptz parameter; the zero time is NULL.
func tsArg(t time.Time) pgtype.Timestamptz {
	if t.IsZero() {
		return pgtype.Timestamptz{}
	}
	return pgtype.Timestamptz{Time: t, Valid: true}
}

// tsVal decodes a timestamptz column: NULL is the zero time, anything else
// is in UTC.
func tsVal(v pgtype.Timestamptz) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return v.Time.UTC()
}

// uid encodes a UUID for a uuid column; the zero UUID is stored as is.
func uid(u uuid.UUID) pgtype.UUID { return pgtype.UUID{Bytes: u, Valid: true} }

// uuidVal decodes a uuid column: NULL is the zero UUID.
func uuidVal(v pgtype.UUID) uuid.UUID {
	if !v.Valid {
		return uuid.Nil
	}
	return uuid.UUID(v.Bytes)
}
