package pgstore

// WrapError exposes wrapErr to the tests.
var WrapError = wrapErr
