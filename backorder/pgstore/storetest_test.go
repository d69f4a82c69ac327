package pgstore_test

import (
	"testing"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/storetest"
)

// TestConformance runs the Store conformance suite, each subtest on a
// fresh schema.
func TestConformance(t *testing.T) {
	needDB(t)
	storetest.Run(t, func(t *testing.T) backorder.Store { return newStore(t, nil) })
}
