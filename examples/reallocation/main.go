// Reallocation: one receipt into a contested book, under each allocation
// policy side by side.
//
// Six customers in three priority tiers wait for one item that is out of
// stock. Then a single receipt arrives that covers less than half of what
// they wait for. The program runs the same orders and the same receipt
// through four engines, one per policy (FIFO, Priority, FairShare, MaxMin),
// each on its own in-memory store, and prints what every customer holds
// afterwards:
//
//   - FIFO serves by arrival: the first orders are filled, the last get nothing.
//   - Priority serves tier 1, then tier 2, …, by arrival within a tier.
//   - FairShare gives everyone the same fraction of what they ordered.
//   - MaxMin gives everyone the same quantity, capped at what they ordered.
//
// Everything is deterministic: ids come from counters and the clock is fixed.
//
// Run it with:
//
//	go run ./examples/reallocation
package main

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/backorderkit/backorderkit/allocation"
	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/memstore"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		log.Fatal(err)
	}
}

const (
	sku      = "VALVE-DN50"
	location = "AMS"
	received = 600
)

// customer is one waiting order: who, its tier, and how much it wants.
type customer struct {
	name    string
	tier    int32
	ordered int64
}

// The book, in arrival order.
var book = []customer{
	{"Acme Industrial", 2, 400},
	{"Brightwater", 1, 100},
	{"Cobalt Pumps", 3, 250},
	{"Delta Utilities", 1, 300},
	{"Eastfield", 2, 50},
	{"Fjord Marine", 3, 150},
}

// policy is one column of the table.
type policy struct {
	name string
	p    allocation.Policy
}

// policies are the columns, in order.
var policies = []policy{
	{"FIFO", allocation.FIFO{}},
	{"Priority", allocation.Priority{}},
	{"FairShare", allocation.FairShare{}},
	{"MaxMin", allocation.MaxMin{}},
}

// start is the fixed time of the first order.
var start = time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)

// newIDs returns a generator of deterministic uuids: kind in the first
// byte, a counter in the last eight.
func newIDs(kind byte) func() uuid.UUID {
	var n uint64
	return func() uuid.UUID {
		n++
		var id uuid.UUID
		id[0] = kind
		id[6] = 0x40 // version and variant bits as in a random uuid
		binary.BigEndian.PutUint64(id[8:], n|0x8000000000000000)
		return id
	}
}

// run runs the book through every policy and prints the table to w.
func run(ctx context.Context, w io.Writer) error {
	var waiting int64
	for _, c := range book {
		waiting += c.ordered
	}
	// allocated[i][j] is what customer i holds under policy j.
	allocated := make([][]int64, len(book))
	for i := range allocated {
		allocated[i] = make([]int64, len(policies))
	}
	for j, p := range policies {
		got, err := simulate(ctx, p.p)
		if err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		for i := range book {
			allocated[i][j] = got[i]
		}
	}

	fmt.Fprintf(w, "One receipt of %d %s into a book of %d waiting units (%d customers, in arrival order).\n\n",
		received, sku, waiting, len(book))
	fmt.Fprintf(w, "%-3s %-16s %4s %7s", "#", "customer", "tier", "ordered")
	for _, p := range policies {
		fmt.Fprintf(w, " %9s", p.name)
	}
	fmt.Fprintln(w)
	totals := make([]int64, len(policies))
	for i, c := range book {
		fmt.Fprintf(w, "%-3d %-16s %4d %7d", i+1, c.name, c.tier, c.ordered)
		for j := range policies {
			fmt.Fprintf(w, " %9d", allocated[i][j])
			totals[j] += allocated[i][j]
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%-3s %-16s %4s %7d", "", "total", "", waiting)
	for j := range policies {
		fmt.Fprintf(w, " %9d", totals[j])
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "FIFO serves by arrival; Priority by tier, then arrival; FairShare gives each")
	fmt.Fprintln(w, "the same fraction of its order (largest remainder for the odd units);")
	fmt.Fprintln(w, "MaxMin the same quantity, capped at the order (odd units to the earliest).")
	return nil
}

// simulate places the book's orders on an empty engine running policy p,
// receives the stock once, and returns what each customer's line holds.
func simulate(ctx context.Context, p allocation.Policy) ([]int64, error) {
	now := start
	eng, err := backorder.New(backorder.Config{
		Store:  memstore.New(),
		Policy: p,
		Now:    func() time.Time { return now },
		NewID:  newIDs(0xe0),
	})
	if err != nil {
		return nil, err
	}
	if err := eng.PutLocation(ctx, backorder.Location{ID: location, Name: "Amsterdam DC"}); err != nil {
		return nil, err
	}
	if err := eng.PutItem(ctx, backorder.Item{SKU: sku, Description: "Gate valve DN50"}); err != nil {
		return nil, err
	}
	orderID, lineID := newIDs(0x0a), newIDs(0x1a)
	ids := make([]uuid.UUID, len(book))
	for i, c := range book {
		now = start.Add(time.Duration(i) * 10 * time.Minute)
		o := backorder.Order{ID: orderID(), Ref: fmt.Sprintf("SO-%d", 1001+i), Customer: c.name,
			Priority: c.tier, Currency: "EUR",
			Lines: []backorder.Line{{ID: lineID(), SKU: sku, Qty: c.ordered, UnitPrice: decimal.RequireFromString("84.50")}}}
		res, err := eng.PlaceOrder(ctx, o)
		if err != nil {
			return nil, err
		}
		if bo := res.Lines[0].Backordered; bo != c.ordered {
			return nil, fmt.Errorf("order %s: backordered %d, want all %d", o.Ref, bo, c.ordered)
		}
		ids[i] = o.ID
	}
	now = start.Add(6 * time.Hour)
	if _, err := eng.Receive(ctx, backorder.Receipt{ID: "GR-1", SKU: sku, Location: location, Qty: received}); err != nil {
		return nil, err
	}
	got := make([]int64, len(book))
	for i, id := range ids {
		o, err := eng.Order(ctx, id)
		if err != nil {
			return nil, err
		}
		got[i] = o.Lines[0].Allocated()
	}
	return got, nil
}
