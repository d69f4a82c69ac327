package sim

import (
	"os"
	"runtime/debug"
	"testing"
)

// TestMain runs the package's tests with a lazier garbage collector (unless
// GOGC says otherwise): the simulation allocates freely, and collecting
// four times less often makes it a quarter faster.
func TestMain(m *testing.M) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	os.Exit(m.Run())
}
