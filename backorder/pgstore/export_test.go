package pgstore

import (
	"context"
	"reflect"

	"github.com/jackc/pgx/v5"

	"github.com/backorderkit/backorderkit/backorder"
)

// WrapError exposes wrapErr to the tests.
var WrapError = wrapErr

// RoundTrips returns how many batches s has sent to the server.
func RoundTrips(s *Store) int64 { return s.roundTrips.Load() }

// Statements returns every statement s sends, by the name of its field in
// the queries struct, for tests that inspect their plans.
func Statements(s *Store) map[string]string {
	v := reflect.ValueOf(s.q)
	out := make(map[string]string, v.NumField())
	for i := range v.NumField() {
		out[v.Type().Field(i).Name] = v.Field(i).String()
	}
	return out
}

// PlanSettings runs a transaction on s whose first statement is a lock
// statement (lockFirst) or a read, and returns the settings keyPlans
// makes (enable_seqscan, plan_cache_mode, jit) as the transaction's next
// statement sees them. readOnly runs it as a View.
func PlanSettings(ctx context.Context, s *Store, lockFirst, readOnly bool) (settings [3]string, err error) {
	fn := func(tx backorder.Tx) error {
		t := tx.(*txn)
		if lockFirst {
			t.lock(lockExcl, t.key(kindStock, "X"))
		}
		return t.send("PlanSettings", stmt{
			sql:  `SELECT current_setting('enable_seqscan'), current_setting('plan_cache_mode'), current_setting('jit')`,
			rows: eachRow(func(rows pgx.Rows) error { return rows.Scan(&settings[0], &settings[1], &settings[2]) }),
		})
	}
	if readOnly {
		err = s.View(ctx, fn)
	} else {
		err = s.Update(ctx, fn)
	}
	return settings, err
}
