package sim

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

var (
	timeType     = reflect.TypeFor[time.Time]()
	durationType = reflect.TypeFor[time.Duration]()
	uuidType     = reflect.TypeFor[uuid.UUID]()
	decimalType  = reflect.TypeFor[decimal.Decimal]()
)

// GoString returns the history as a Go expression of type sim.History, ready
// to paste into a regression test (it needs the packages sim, backorder,
// time, and where used decimal, uuid and invoice).
func (h History) GoString() string {
	var b strings.Builder
	writeLit(&b, reflect.ValueOf(h), 0)
	return b.String()
}

// GoString returns the op as a Go expression of type sim.Op.
func (o Op) GoString() string {
	var b strings.Builder
	writeLit(&b, reflect.ValueOf(o), 0)
	return b.String()
}

// writeLit writes v as a Go literal, leaving out zero fields of structs.
func writeLit(b *strings.Builder, v reflect.Value, depth int) {
	t := v.Type()
	switch t {
	case timeType:
		tm := v.Interface().(time.Time)
		if tm.IsZero() {
			b.WriteString("time.Time{}")
			return
		}
		b.WriteString("sim.At(")
		b.WriteString(durationLit(tm.Sub(Epoch)))
		b.WriteString(")")
		return
	case durationType:
		b.WriteString(durationLit(time.Duration(v.Int())))
		return
	case uuidType:
		id := v.Interface().(uuid.UUID)
		if n, ok := idNumber(id); ok {
			fmt.Fprintf(b, "sim.ID(%d)", n)
		} else {
			fmt.Fprintf(b, "uuid.MustParse(%q)", id.String())
		}
		return
	case decimalType:
		fmt.Fprintf(b, "decimal.RequireFromString(%q)", v.Interface().(decimal.Decimal).String())
		return
	}
	named := t.PkgPath() != "" && t.Name() != ""
	switch t.Kind() {
	case reflect.Struct:
		b.WriteString(typeName(t))
		b.WriteString("{")
		fields := 0
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() || v.Field(i).IsZero() {
				continue
			}
			if fields == 0 {
				b.WriteString("\n")
			}
			fields++
			indent(b, depth+1)
			b.WriteString(f.Name)
			b.WriteString(": ")
			writeLit(b, v.Field(i), depth+1)
			b.WriteString(",\n")
		}
		if fields > 0 {
			indent(b, depth)
		}
		b.WriteString("}")
	case reflect.Slice:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		b.WriteString(typeName(t))
		b.WriteString("{")
		if v.Len() > 0 {
			b.WriteString("\n")
			for i := 0; i < v.Len(); i++ {
				indent(b, depth+1)
				writeLit(b, v.Index(i), depth+1)
				b.WriteString(",\n")
			}
			indent(b, depth)
		}
		b.WriteString("}")
	case reflect.Map:
		b.WriteString(typeName(t))
		b.WriteString("{")
		keys := v.MapKeys()
		strs := make([]string, len(keys))
		for i, k := range keys {
			var kb strings.Builder
			writeLit(&kb, k, depth+1)
			strs[i] = kb.String()
		}
		order := make([]int, len(keys))
		for i := range order {
			order[i] = i
		}
		sortByString(order, strs)
		for _, i := range order {
			b.WriteString(strs[i])
			b.WriteString(": ")
			writeLit(b, v.MapIndex(keys[i]), depth+1)
			b.WriteString(", ")
		}
		b.WriteString("}")
	case reflect.String:
		s := strconv.Quote(v.String())
		if named {
			fmt.Fprintf(b, "%s(%s)", typeName(t), s)
		} else {
			b.WriteString(s)
		}
	case reflect.Bool:
		if named {
			fmt.Fprintf(b, "%s(%t)", typeName(t), v.Bool())
		} else {
			b.WriteString(strconv.FormatBool(v.Bool()))
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if named {
			fmt.Fprintf(b, "%s(%d)", typeName(t), v.Int())
		} else {
			b.WriteString(strconv.FormatInt(v.Int(), 10))
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		switch {
		case t == reflect.TypeFor[Kind]():
			b.WriteString("sim.Kind")
			b.WriteString(Kind(v.Uint()).String())
		case t == reflect.TypeFor[FaultKind]():
			b.WriteString("sim.")
			b.WriteString(FaultKind(v.Uint()).String())
		case named:
			fmt.Fprintf(b, "%s(%d)", typeName(t), v.Uint())
		default:
			b.WriteString(strconv.FormatUint(v.Uint(), 10))
		}
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		b.WriteString("&")
		writeLit(b, v.Elem(), depth)
	default:
		fmt.Fprintf(b, "%#v", v.Interface())
	}
}

// typeName is t as Go source names it from outside its package.
func typeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Slice:
		return "[]" + typeName(t.Elem())
	case reflect.Map:
		return "map[" + typeName(t.Key()) + "]" + typeName(t.Elem())
	case reflect.Pointer:
		return "*" + typeName(t.Elem())
	}
	return t.String()
}

// durationLit writes d as a readable Go constant expression.
func durationLit(d time.Duration) string {
	switch {
	case d == 0:
		return "0"
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + " * time.Hour"
	case d%time.Minute == 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + " * time.Minute"
	case d%time.Second == 0:
		return strconv.FormatInt(int64(d/time.Second), 10) + " * time.Second"
	}
	return "time.Duration(" + strconv.FormatInt(int64(d), 10) + ")"
}

func indent(b *strings.Builder, depth int) {
	for range depth {
		b.WriteByte('\t')
	}
}

// sortByString sorts idx by strs[idx[i]] (insertion sort: maps printed here
// are tiny).
func sortByString(idx []int, strs []string) {
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0 && strs[idx[j]] < strs[idx[j-1]]; j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
}
