package main

import (
	"context"
	"os"
	"strings"
	"testing"
)

func TestPostgresQuickstart(t *testing.T) {
	dsn := os.Getenv("BACKORDERKIT_PG_DSN")
	if dsn == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but BACKORDERKIT_PG_DSN is not: .ci/run starts a server and sets it")
		}
		t.Skip("BACKORDERKIT_PG_DSN is not set: no PostgreSQL to run the example against")
	}
	var out strings.Builder
	if err := run(context.Background(), &out, dsn); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"placed SO-1001 for ACME: 500 BOLT-M8, allocated [{AMS 300}], backordered 200",
		"book before the receipt (2 waiting):\n  tier 1  Globex  waits for 150\n  tier 2  ACME    waits for 200",
		"received 250 at AMS: 2 lines served, 0 left available",
		"book after the receipt (1 waiting):\n  tier 2  ACME    waits for 100",
		"10 events in the outbox table, the last line_allocated",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q; it is:\n%s", want, out.String())
		}
	}
}
