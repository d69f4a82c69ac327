package storetest

import (
	"errors"
	"fmt"
	"testing"

	"github.com/backorderkit/backorderkit/backorder"
)

// Run checks that the stores newStore makes keep the backorder.Store
// contract. It runs one subtest per behaviour, grouped by theme, each on a
// fresh empty store from newStore, which receives the subtest's t (so it
// may register cleanups and fail the subtest). Subtests run one after the
// other, never in parallel, so one database can serve them all.
func Run(t *testing.T, newStore func(t *testing.T) backorder.Store) {
	t.Helper()
	if newStore == nil {
		t.Fatal("storetest.Run: newStore is nil")
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, c := range g.cases {
				t.Run(c.name, func(t *testing.T) {
					s := newStore(t)
					if s == nil {
						t.Fatal("newStore returned nil")
					}
					c.fn(t, s)
				})
			}
		})
	}
}

type testCase struct {
	name string
	fn   func(t *testing.T, s backorder.Store)
}

type group struct {
	name  string
	cases []testCase
}

// groups lists every check; each file adds its own.
var groups = []group{
	{"RoundTrip", roundTripCases},
	{"NotFound", notFoundCases},
	{"Ownership", ownershipCases},
	{"Lists", listCases},
	{"Transactions", txCases},
	{"Events", eventCases},
	{"Commands", commandCases},
	{"Sequences", sequenceCases},
	{"Isolation", isolationCases},
}

// update runs fn in an Update and fails the test if it returns an error.
func update(t *testing.T, s backorder.Store, fn func(tx backorder.Tx) error) {
	t.Helper()
	if err := s.Update(t.Context(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

// view runs fn in a View and fails the test if it returns an error.
func view(t *testing.T, s backorder.Store, fn func(tx backorder.Tx) error) {
	t.Helper()
	if err := s.View(t.Context(), fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

// errBoom is what a transaction's function returns to make it fail.
var errBoom = errors.New("storetest: boom")

// only returns the single element of a list, or an error saying how many
// there were.
func only[T any](list []T, err error) (T, error) {
	var zero T
	if err != nil {
		return zero, err
	}
	if len(list) != 1 {
		return zero, fmt.Errorf("got %d elements, want 1: %+v", len(list), list)
	}
	return list[0], nil
}

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// expectNotFound reports an error of t unless err matches ErrNotFound.
func expectNotFound(t testing.TB, what string, err error) {
	t.Helper()
	if !errors.Is(err, backorder.ErrNotFound) {
		t.Errorf("%s: got error %v, want one matching backorder.ErrNotFound", what, err)
	}
}

// expectFixture reports an error of t if the fixture v leaves a field at
// its zero value: a round trip proves only the fields it sets.
func expectFixture(t testing.TB, v any) {
	t.Helper()
	if u := unset(v); len(u) > 0 {
		t.Errorf("storetest fixture leaves fields unset (extend the fixture): %v", u)
	}
}
