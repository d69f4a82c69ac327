package allocation

import (
	"fmt"
	"strings"
)

// dump prints demands one per line for failure messages.
func dump(ds []Demand) string {
	var b strings.Builder
	for i, d := range ds {
		fmt.Fprintf(&b, "  %d: %s\n", i, formatDemand(d))
	}
	return b.String()
}
