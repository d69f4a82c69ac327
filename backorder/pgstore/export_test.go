package pgstore

import "reflect"

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
