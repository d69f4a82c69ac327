package storetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// Precision is the finest time resolution a store must keep. Two times are
// the same to the suite when they differ by less than Precision, whatever
// their zones: a store may return times in another zone, and may truncate
// or round nanoseconds to microseconds, as PostgreSQL's timestamptz does.
const Precision = time.Microsecond

var (
	timeType    = reflect.TypeFor[time.Time]()
	decimalType = reflect.TypeFor[decimal.Decimal]()
	rawJSONType = reflect.TypeFor[json.RawMessage]()
)

// SameTime reports whether a and b are the same instant to the suite's
// Precision. A zero time is only the same as another zero time.
func SameTime(a, b time.Time) bool {
	if a.IsZero() || b.IsZero() {
		return a.IsZero() && b.IsZero()
	}
	d := a.Sub(b)
	return d > -Precision && d < Precision
}

// Diff returns the differences between got and want, one "path: got …,
// want …" line each, or nil when they are equal as a store must keep them:
// times by SameTime, decimals by value (decimal.Decimal.Equal), JSON
// documents (json.RawMessage) by the values they encode, nil and empty
// slices alike, and every other field exactly.
func Diff(got, want any) []string {
	var out []string
	path := "nil"
	if want != nil {
		path = reflect.TypeOf(want).String()
	}
	diffValue(&out, path, reflect.ValueOf(got), reflect.ValueOf(want))
	return out
}

func diffValue(out *[]string, path string, g, w reflect.Value) {
	// Values held in interfaces ([]any, fields of type any) are compared
	// by what they hold; a nil interface holds nothing.
	for g.Kind() == reflect.Interface {
		g = g.Elem()
	}
	for w.Kind() == reflect.Interface {
		w = w.Elem()
	}
	if !g.IsValid() || !w.IsValid() {
		if g.IsValid() != w.IsValid() {
			*out = append(*out, fmt.Sprintf("%s: got %s, want %s", path, describe(g), describe(w)))
		}
		return
	}
	if g.Type() != w.Type() {
		*out = append(*out, fmt.Sprintf("%s: got type %s, want %s", path, g.Type(), w.Type()))
		return
	}
	switch t := w.Type(); {
	case t == timeType:
		gt, wt := g.Interface().(time.Time), w.Interface().(time.Time)
		if !SameTime(gt, wt) {
			*out = append(*out, fmt.Sprintf("%s: got %s, want %s", path, fmtTime(gt), fmtTime(wt)))
		}
		return
	case t == decimalType:
		gd, wd := g.Interface().(decimal.Decimal), w.Interface().(decimal.Decimal)
		if !gd.Equal(wd) {
			*out = append(*out, fmt.Sprintf("%s: got %s, want %s", path, gd, wd))
		}
		return
	case t == rawJSONType:
		gj, wj := g.Interface().(json.RawMessage), w.Interface().(json.RawMessage)
		if !sameJSON(gj, wj) {
			*out = append(*out, fmt.Sprintf("%s: got JSON %s, want %s", path, gj, wj))
		}
		return
	}
	switch w.Kind() {
	case reflect.Struct:
		for i := 0; i < w.NumField(); i++ {
			if !w.Type().Field(i).IsExported() {
				continue
			}
			diffValue(out, path+"."+w.Type().Field(i).Name, g.Field(i), w.Field(i))
		}
	case reflect.Slice:
		if g.Len() != w.Len() {
			*out = append(*out, fmt.Sprintf("%s: got %d elements, want %d: got %+v, want %+v",
				path, g.Len(), w.Len(), g.Interface(), w.Interface()))
			return
		}
		for i := 0; i < w.Len(); i++ {
			diffValue(out, fmt.Sprintf("%s[%d]", path, i), g.Index(i), w.Index(i))
		}
	default:
		if !w.Comparable() || !g.Equal(w) {
			*out = append(*out, fmt.Sprintf("%s: got %#v, want %#v", path, g.Interface(), w.Interface()))
		}
	}
}

// describe formats a value that may be invalid (a nil interface).
func describe(v reflect.Value) string {
	if !v.IsValid() {
		return "nil"
	}
	return fmt.Sprintf("%#v", v.Interface())
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "zero time"
	}
	return t.Format(time.RFC3339Nano)
}

// sameJSON reports whether a and b encode the same JSON value. Numbers are
// compared by their text, so keep test documents' numbers canonical.
func sameJSON(a, b json.RawMessage) bool {
	if len(bytes.TrimSpace(a)) == 0 || len(bytes.TrimSpace(b)) == 0 {
		return len(bytes.TrimSpace(a)) == len(bytes.TrimSpace(b))
	}
	va, errA := decodeJSON(a)
	vb, errB := decodeJSON(b)
	if errA != nil || errB != nil {
		return bytes.Equal(a, b)
	}
	return reflect.DeepEqual(va, vb)
}

func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// expectEqual reports every difference between got and want as an error of
// t, prefixed with what. It reports whether they were equal.
func expectEqual(t testing.TB, what string, got, want any) bool {
	t.Helper()
	d := Diff(got, want)
	if len(d) == 0 {
		return true
	}
	t.Errorf("%s differs:\n\t%s", what, strings.Join(d, "\n\t"))
	return false
}

// unset returns the paths of the leaf fields of v left at their zero value
// (empty slices included), so that a round-trip fixture provably sets every
// field, including fields added to the types later.
func unset(v any) []string {
	var out []string
	unsetValue(&out, reflect.TypeOf(v).String(), reflect.ValueOf(v))
	return out
}

func unsetValue(out *[]string, path string, v reflect.Value) {
	switch t := v.Type(); {
	case t == timeType:
		if v.Interface().(time.Time).IsZero() {
			*out = append(*out, path)
		}
		return
	case t == decimalType:
		if v.Interface().(decimal.Decimal).IsZero() {
			*out = append(*out, path)
		}
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				unsetValue(out, path+"."+v.Type().Field(i).Name, v.Field(i))
			}
		}
	case reflect.Slice:
		if v.Len() == 0 {
			*out = append(*out, path)
		}
		if v.Type() == rawJSONType {
			return
		}
		for i := 0; i < v.Len(); i++ {
			unsetValue(out, fmt.Sprintf("%s[%d]", path, i), v.Index(i))
		}
	default:
		if v.IsZero() {
			*out = append(*out, path)
		}
	}
}
