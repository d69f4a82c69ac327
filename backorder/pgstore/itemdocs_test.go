package pgstore

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/backorderkit/backorderkit/backorder"
)

// TestItemDocs checks the Store's memory of decoded items against
// encoding/json, the slow obvious oracle: every document decodes to what
// json.Unmarshal gives, the first time and the next, each result is a
// copy of its own, and the memory stays within maxItemDocs.
func TestItemDocs(t *testing.T) {
	tests := []struct {
		name string
		doc  string
	}{
		{"bare", `{"sku":"A","status":""}`},
		{"full", `{"sku": "B", "description": "bolt", "status": "discontinued", "lead_time": 86400000000000,
			"substitutes": ["B2", "B3"], "policy": "fifo", "case_pack": 12}`},
		{"unknown field", `{"sku":"C","status":"replenishable","future":{"x":[1,2]}}`},
	}
	var c itemDocs
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want backorder.Item
			if err := json.Unmarshal([]byte(tt.doc), &want); err != nil {
				t.Fatal(err)
			}
			for round := range 3 {
				got, err := c.decode([]byte(tt.doc))
				if err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("round %d: decode = %+v, want %+v", round, got, want)
				}
				// A caller may change what it got.
				if len(got.Substitutes) > 0 {
					got.Substitutes[0] = "changed"
				}
			}
		})
	}
	if _, err := c.decode([]byte(`{"sku":`)); err == nil {
		t.Error("decode of a broken document: no error")
	}
	for i := range maxItemDocs + 10 {
		doc := fmt.Sprintf(`{"sku":"S%d","status":"","lead_time":%d}`, i, i)
		it, err := c.decode([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		if it.SKU != fmt.Sprint("S", i) || it.LeadTime != time.Duration(i) {
			t.Fatalf("decode(%s) = %+v", doc, it)
		}
		if len(c.m) > maxItemDocs {
			t.Fatalf("%d documents remembered, at most %d allowed", len(c.m), maxItemDocs)
		}
	}
}
