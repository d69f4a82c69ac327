package sim

import (
	"reflect"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/storetest"
)

// same reports whether got and want are equal as storetest.Diff compares
// them (times by storetest.SameTime, decimals by value, nil and empty
// slices alike), without building its messages: the fast path of every
// comparison, which runs after every operation.
func same(got, want any) bool {
	if eq, ok := fastSame(got, want); ok {
		return eq
	}
	g, w := reflect.ValueOf(got), reflect.ValueOf(want)
	if g.IsValid() != w.IsValid() {
		return false
	}
	return !g.IsValid() || sameValue(g, w)
}

func sameValue(g, w reflect.Value) bool {
	if g.Type() != w.Type() {
		return false
	}
	switch w.Type() {
	case timeType:
		return storetest.SameTime(g.Interface().(time.Time), w.Interface().(time.Time))
	case decimalType:
		return g.Interface().(decimal.Decimal).Equal(w.Interface().(decimal.Decimal))
	}
	switch w.Kind() {
	case reflect.Struct:
		for _, i := range exported(w.Type()) {
			if !sameValue(g.Field(i), w.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Slice:
		if g.Len() != w.Len() {
			return false
		}
		if w.Type().Elem().Kind() == reflect.Uint8 {
			return string(g.Bytes()) == string(w.Bytes())
		}
		for i := range w.Len() {
			if !sameValue(g.Index(i), w.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Array:
		for i := range w.Len() {
			if !sameValue(g.Index(i), w.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Map:
		if g.Len() != w.Len() {
			return false
		}
		it := w.MapRange()
		for it.Next() {
			gv := g.MapIndex(it.Key())
			if !gv.IsValid() || !sameValue(gv, it.Value()) {
				return false
			}
		}
		return true
	case reflect.Pointer, reflect.Interface:
		if g.IsNil() || w.IsNil() {
			return g.IsNil() == w.IsNil()
		}
		return sameValue(g.Elem(), w.Elem())
	case reflect.String:
		return g.String() == w.String()
	case reflect.Bool:
		return g.Bool() == w.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return g.Int() == w.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return g.Uint() == w.Uint()
	}
	return reflect.DeepEqual(g.Interface(), w.Interface())
}

// exportedFields caches the indices of each struct type's exported fields.
var exportedFields sync.Map // reflect.Type → []int

func exported(t reflect.Type) []int {
	if v, ok := exportedFields.Load(t); ok {
		return v.([]int)
	}
	var idx []int
	for i := range t.NumField() {
		if t.Field(i).IsExported() {
			idx = append(idx, i)
		}
	}
	exportedFields.Store(t, idx)
	return idx
}

// The types compared after every operation get explicit comparisons,
// field by field: reflection was most of the simulator's time. A test
// (TestFastEqualKnowsEveryField) fails when one of these types gains a
// field, so that the comparison learns it.

func sameTime(a, b time.Time) bool { return storetest.SameTime(a, b) }

func sameLocQty(a, b []backorder.LocQty) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func samePromiseDate(a, b backorder.PromiseDate) bool {
	return a.Kind == b.Kind && sameTime(a.Ready, b.Ready) && sameTime(a.Delivery, b.Delivery)
}

func sameEntry(a, b *backorder.BookEntry) bool {
	return a.SKU == b.SKU && a.LineID == b.LineID && a.OrderID == b.OrderID && a.Customer == b.Customer &&
		a.Priority == b.Priority && sameTime(a.Placed, b.Placed) && a.Seq == b.Seq && a.Backordered == b.Backordered &&
		sameLocQty(a.Allocations, b.Allocations) && sameLocQty(a.Committed, b.Committed) &&
		a.MinAllocation == b.MinAllocation && a.Protection == b.Protection &&
		sameTime(a.RequestedDate, b.RequestedDate) && samePromiseDate(a.Promise, b.Promise)
}

func sameLine(a, b *backorder.Line) bool {
	return a.ID == b.ID && a.OrderID == b.OrderID && a.SKU == b.SKU && a.Qty == b.Qty &&
		a.UnitPrice.Equal(b.UnitPrice) && a.DiscountPercent.Equal(b.DiscountPercent) &&
		a.DiscountAmount.Equal(b.DiscountAmount) && a.TaxPercent.Equal(b.TaxPercent) &&
		a.TaxCategory == b.TaxCategory && a.PreferredLocation == b.PreferredLocation &&
		a.MinAllocation == b.MinAllocation && a.Protection == b.Protection && a.ShipPolicy == b.ShipPolicy &&
		a.ShipGroup == b.ShipGroup && a.Seq == b.Seq && sameLocQty(a.Allocations, b.Allocations) &&
		sameLocQty(a.Committed, b.Committed) && a.Shipped == b.Shipped && a.Cancelled == b.Cancelled &&
		a.Backordered == b.Backordered && a.Rejected == b.Rejected && a.CancelReason == b.CancelReason
}

// fastSame compares the hot types explicitly; ok is false for any other
// type.
func fastSame(got, want any) (eq, ok bool) {
	switch w := want.(type) {
	case []backorder.BookEntry:
		g, ok := got.([]backorder.BookEntry)
		if !ok || len(g) != len(w) {
			return false, ok
		}
		for i := range w {
			if !sameEntry(&g[i], &w[i]) {
				return false, true
			}
		}
		return true, true
	case []backorder.StockPosition:
		g, ok := got.([]backorder.StockPosition)
		if !ok || len(g) != len(w) {
			return false, ok
		}
		for i := range w {
			if g[i] != w[i] {
				return false, true
			}
		}
		return true, true
	case backorder.Order:
		g, ok := got.(backorder.Order)
		if !ok || len(g.Lines) != len(w.Lines) {
			return false, ok
		}
		for i := range w.Lines {
			if !sameLine(&g.Lines[i], &w.Lines[i]) {
				return false, true
			}
		}
		g.Lines, w.Lines = nil, nil
		return sameValue(reflect.ValueOf(g), reflect.ValueOf(w)), true
	}
	return false, false
}
