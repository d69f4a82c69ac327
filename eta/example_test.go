package eta_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/backorderkit/backorderkit/allocation"
	"github.com/backorderkit/backorderkit/eta"
)

// The issue's case: 50 arrive on day 5 and 100 on day 12, over a FIFO book
// of 30, 40 and 60.
func Example() {
	now := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC) // a Monday
	in := eta.Input{
		Now: now,
		Demands: []allocation.Demand{
			{Outstanding: 30, Seq: 1},
			{Outstanding: 40, Seq: 2},
			{Outstanding: 60, Seq: 3},
		},
		Inbound: []eta.Inbound{
			{Qty: 50, Expected: now.AddDate(0, 0, 5), Location: "AMS", Supplier: "ACME"},
			{Qty: 100, Expected: now.AddDate(0, 0, 12), Location: "AMS", Supplier: "ACME"},
		},
		Policy: allocation.FIFO{},
	}
	out, err := eta.Project(in)
	if err != nil {
		fmt.Println(err)
		return
	}
	day := func(t time.Time) int { return int(t.Sub(now).Hours() / 24) }
	for i := range out.Len() {
		pr := out.Promise(i)
		fmt.Printf("line %d: %s, ready day %d:", in.Demands[i].Seq, pr.Kind, day(pr.Ready))
		for _, tr := range out.Tranches(nil, i) {
			fmt.Printf(" %d on day %d", tr.Qty, day(tr.Date))
		}
		fmt.Println()
	}
	// Output:
	// line 1: covered, ready day 5: 30 on day 5
	// line 2: covered, ready day 12: 20 on day 5 20 on day 12
	// line 3: covered, ready day 12: 60 on day 12
}

// Under tiered FairShare the tier-1 lines share each receipt in proportion
// to what they still wait for, so both wait for the second receipt; the
// tier-2 line gets what is left and, beyond known supply, the item's lead
// time. Confidence comes from the supplier's history of lateness.
func ExampleProjector_Project() {
	now := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
	var p eta.Projector // reuse it (and the Projection) for every SKU
	var out eta.Projection
	err := p.Project(&out, eta.Input{
		Now: now,
		Demands: []allocation.Demand{
			{Outstanding: 30, Seq: 1},
			{Outstanding: 40, Seq: 2},
			{Outstanding: 90, Seq: 3, Tier: 2},
		},
		Inbound: []eta.Inbound{
			{Qty: 50, Expected: now.AddDate(0, 0, 4), Supplier: "ACME"},
			{Qty: 100, Expected: now.AddDate(0, 0, 11), Supplier: "ACME"},
		},
		Policy:   allocation.FairShare{Tiered: true},
		Handling: 2,
		LeadTime: 30 * 24 * time.Hour,
		History:  map[string][]int{"ACME": {0, 0, 1, 2, 6}}, // days late
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	const layout = "Mon Jan 2"
	for i := range out.Len() {
		pr := out.Promise(i)
		fmt.Printf("%d: %-9s ready %s, delivery %s, p50 %s, p90 %s\n", i, pr.Kind,
			pr.Ready.Format(layout), pr.Delivery.Format(layout), pr.P50Ready.Format(layout), pr.P90Ready.Format(layout))
	}
	// Output:
	// 0: covered   ready Fri Jan 17, delivery Tue Jan 21, p50 Mon Jan 20, p90 Mon Jan 27
	// 1: covered   ready Fri Jan 17, delivery Tue Jan 21, p50 Mon Jan 20, p90 Mon Jan 27
	// 2: estimated ready Wed Feb 5, delivery Fri Feb 7, p50 Wed Feb 5, p90 Wed Feb 5
}

// A discontinued item is never replenished: what known supply does not
// cover has no date, whatever its lead time says.
func ExampleInput_discontinued() {
	now := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
	out, err := eta.Project(eta.Input{
		Now:          now,
		Demands:      []allocation.Demand{{Outstanding: 10, Seq: 1}, {Outstanding: 10, Seq: 2}},
		OnHand:       []eta.Stock{{Location: "AMS", Qty: 12}},
		Policy:       allocation.Priority{},
		LeadTime:     14 * 24 * time.Hour,
		Discontinued: true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := range out.Len() {
		pr := out.Promise(i)
		fmt.Println(pr.Kind, pr.Ready.IsZero(), out.Tranches(nil, i))
	}
	// Output:
	// covered false [{10 2025-01-06 00:00:00 +0000 UTC -1}]
	// none true [{2 2025-01-06 00:00:00 +0000 UTC -1}]
}

func ExampleCalendar_AddBusinessDays() {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		fmt.Println(err)
		return
	}
	cal := eta.Calendar{Loc: ams, Holidays: []eta.Date{{Year: 2025, Month: time.April, Day: 21}}} // Easter Monday
	friday := time.Date(2025, 4, 18, 14, 0, 0, 0, ams)
	fmt.Println(cal.AddBusinessDays(friday, 2).Format("Mon 2006-01-02 15:04"))
	fmt.Println(eta.Calendar{}.AddBusinessDays(friday, 2).Format("Mon 2006-01-02 15:04 MST"))
	// Output:
	// Wed 2025-04-23 14:00
	// Tue 2025-04-22 12:00 UTC
}

func ExampleValidationError() {
	_, err := eta.Project(eta.Input{Now: time.Now(), Policy: allocation.FIFO{},
		Inbound: []eta.Inbound{{Qty: -5, Expected: time.Now()}}})
	var ve *eta.ValidationError
	if errors.As(err, &ve) {
		fmt.Println(errors.Is(err, eta.ErrInvalid), ve.Field, ve.Reason)
	}
	// Output:
	// true Inbound[0].Qty negative: -5
}
