package main

import (
	"context"
	"strings"
	"testing"
)

func TestQuickstart(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"placed SO-1001 for ACME: 500 BOLT-M8, allocated [{AMS 300}], backordered 200",
		"placed SO-1002 for Globex: 150 BOLT-M8, allocated [], backordered 150",
		"book before the receipt (2 waiting):\n  tier 1  Globex  waits for 150\n  tier 2  ACME    waits for 200",
		"received 250 at AMS: 2 lines served, 0 left available",
		"book after the receipt (1 waiting):\n  tier 2  ACME    waits for 100",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q; it is:\n%s", want, got)
		}
	}
}
