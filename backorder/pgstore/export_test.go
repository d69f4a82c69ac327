package pgstore

// WrapError exposes wrapErr to the tests.
var WrapError = wrapErr

// RoundTrips returns how many batches s has sent to the server.
func RoundTrips(s *Store) int64 { return s.roundTrips.Load() }
