package sim

import (
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/backorder"
)

// eventString is an event on one line, with the fields its type carries.
func eventString(ev backorder.Event) string {
	var b strings.Builder
	b.WriteString(string(ev.Type))
	id := func(name string, v uuid.UUID) {
		if v != uuid.Nil {
			fmt.Fprintf(&b, " %s=%s", name, shortID(v))
		}
	}
	id("order", ev.OrderID)
	id("line", ev.LineID)
	id("shipment", ev.ShipmentID)
	id("invoice", ev.InvoiceID)
	for _, f := range []struct{ name, v string }{
		{"inbound", ev.InboundID}, {"customer", ev.Customer}, {"sku", ev.SKU}, {"loc", ev.Location},
		{"number", ev.Number}, {"reason", ev.Reason}, {"cmd", ev.Command},
	} {
		if f.v != "" {
			fmt.Fprintf(&b, " %s=%q", f.name, f.v)
		}
	}
	if ev.Qty != 0 {
		fmt.Fprintf(&b, " qty=%d", ev.Qty)
	}
	if ev.From != 0 || ev.To != 0 {
		fmt.Fprintf(&b, " from=%d to=%d", ev.From, ev.To)
	}
	if !ev.OldDate.IsZero() {
		fmt.Fprintf(&b, " old=%s", ev.OldDate.UTC().Format("2006-01-02T15:04"))
	}
	if !ev.NewDate.IsZero() {
		fmt.Fprintf(&b, " new=%s", ev.NewDate.UTC().Format("2006-01-02T15:04"))
	}
	fmt.Fprintf(&b, " at=%s", ev.At.UTC().Format("01-02T15:04:05"))
	return b.String()
}

// shortID prints ids made by ID as #n.
func shortID(id uuid.UUID) string {
	if n, ok := idNumber(id); ok {
		return fmt.Sprintf("#%d", n)
	}
	return id.String()
}

// diffEvents compares two event lists (Seq ignored) and describes the first
// difference with some context.
func diffEvents(got, want []backorder.Event) []string {
	eq := func(a, b backorder.Event) bool {
		a.Seq, b.Seq = 0, 0
		return a == b || same(a, b)
	}
	i := 0
	for i < len(got) && i < len(want) && eq(got[i], want[i]) {
		i++
	}
	if i == len(got) && i == len(want) {
		return nil
	}
	out := []string{fmt.Sprintf("events differ from #%d on (got %d, want %d):", i, len(got), len(want))}
	from := max(i-2, 0)
	for k := from; k < min(len(got), i+6); k++ {
		out = append(out, fmt.Sprintf("  got  %d: %s", k, eventString(got[k])))
	}
	for k := from; k < min(len(want), i+6); k++ {
		out = append(out, fmt.Sprintf("  want %d: %s", k, eventString(want[k])))
	}
	return out
}
