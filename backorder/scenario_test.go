package backorder_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/backorderkit/backorderkit/allocation"
	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/invoice"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestScenarios runs every testdata/scenarios/*.txt script through the
// engine and compares what it prints with the .golden file beside it. The
// harness checks the invariants after every command, and that every command
// repeated with its id changes nothing. Regenerate with -update, then read
// the diff: the golden files are the specification.
func TestScenarios(t *testing.T) {
	files, err := filepath.Glob("testdata/scenarios/*.txt")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) {
			src, err := os.ReadFile(f)
			require.NoError(t, err)
			got := runScenario(t, string(src))
			golden := strings.TrimSuffix(f, ".txt") + ".golden"
			if *update {
				require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
				return
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run with -update to create it")
			require.Equal(t, string(want), got)
		})
	}
}

// scenario is the state of one script run: names for the ids it made.
type scenario struct {
	t      *testing.T
	h      *harness
	names  map[uuid.UUID]string
	ids    map[string]uuid.UUID
	seen   uint64
	out    strings.Builder
	config []func(*backorder.Config)

	invoiceNames []invName
}

func runScenario(t *testing.T, src string) string {
	sc := &scenario{t: t, names: map[uuid.UUID]string{}, ids: map[string]uuid.UUID{}}
	lines := strings.Split(src, "\n")
	// Config lines come first: "policy NAME", "preempt".
	for len(lines) > 0 {
		f := strings.Fields(lines[0])
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			lines = lines[1:]
			continue
		}
		if f[0] == "policy" {
			p := policyByName(t, f[1])
			sc.config = append(sc.config, func(c *backorder.Config) { c.Policy = p })
		} else if f[0] == "preempt" {
			sc.config = append(sc.config, func(c *backorder.Config) { c.Preempt = true })
		} else if f[0] == "autoinvoice" {
			sc.config = append(sc.config, func(c *backorder.Config) { c.AutoInvoice = true })
		} else if f[0] == "handling" {
			n := int(sc.num(f[1]))
			sc.config = append(sc.config, func(c *backorder.Config) { c.HandlingDays = n })
		} else {
			break
		}
		fmt.Fprintf(&sc.out, "%s\n", lines[0])
		lines = lines[1:]
	}
	sc.config = append(sc.config, func(c *backorder.Config) {
		c.Policies = map[string]allocation.Policy{"fifo": allocation.FIFO{}, "priority": allocation.Priority{},
			"fairshare": allocation.FairShare{}, "maxmin": allocation.MaxMin{}}
	})
	sc.h = newHarness(t, sc.config...)
	for _, line := range lines {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			if line != "" {
				fmt.Fprintf(&sc.out, "%s\n", line)
			}
			continue
		}
		fmt.Fprintf(&sc.out, "\n> %s\n", line)
		sc.run(strings.Fields(line))
		sc.printEvents()
	}
	return sc.out.String()
}

func policyByName(t *testing.T, name string) allocation.Policy {
	switch name {
	case "fifo":
		return allocation.FIFO{}
	case "priority":
		return allocation.Priority{}
	case "fairshare":
		return allocation.FairShare{}
	case "maxmin":
		return allocation.MaxMin{}
	}
	t.Fatalf("unknown policy %q", name)
	return nil
}

// args parses key=value words.
func args(words []string) map[string]string {
	m := map[string]string{}
	for _, w := range words {
		k, v, ok := strings.Cut(w, "=")
		if !ok {
			v = "true"
		}
		m[k] = v
	}
	return m
}

func (sc *scenario) num(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	require.NoError(sc.t, err, "number %q", s)
	return n
}

func (sc *scenario) date(s string) time.Time {
	// "day+N" is N days after the scenario's start.
	if d, ok := strings.CutPrefix(s, "day+"); ok {
		return t0.AddDate(0, 0, int(sc.num(d)))
	}
	tm, err := time.Parse(time.RFC3339, s)
	require.NoError(sc.t, err)
	return tm
}

func (sc *scenario) name(id uuid.UUID, n string) uuid.UUID {
	sc.names[id] = n
	sc.ids[n] = id
	return id
}

func (sc *scenario) id(n string) uuid.UUID {
	id, ok := sc.ids[n]
	require.True(sc.t, ok, "unknown name %q", n)
	return id
}

func (sc *scenario) nameOf(id uuid.UUID) string {
	if n, ok := sc.names[id]; ok {
		return n
	}
	return id.String()
}

// run executes one command:
//
//	location ID [rank=N]
//	item SKU [status=S] [casepack=N] [leadtime=DAYS]
//	receive ID SKU LOC QTY [inbound=ID]
//	adjust ID SKU LOC DELTA [reason=R]
//	count ID SKU LOC ONHAND
//	order NAME CUSTOMER [prio=N] [ship=POLICY] [after=DATE] [minqty=N] [minvalue=D] [hold=DATE] SKU:QTY[@LOC][/min=N][/group=G][/ship=P][/price=D] ...
//	cancel ID ORDER[.LINE] [qty=N]
//	priority ID ORDER PRIO
//	ship NAME ORDER [loc=L] [consolidate]
//	confirm SHIPMENT
//	void SHIPMENT [release]
//	return ID SHIPMENT LINE QTY
//	wait DAYS
//	plan ORDER
//	book SKU
//	order? NAME
func (sc *scenario) run(w []string) {
	h := sc.h
	switch w[0] {
	case "location":
		a := args(w[2:])
		rank := 0
		if r, ok := a["rank"]; ok {
			rank = int(sc.num(r))
		}
		h.location(w[1], rank)
	case "item":
		a := args(w[2:])
		h.item(w[1], func(it *backorder.Item) {
			it.Status = backorder.SupplyStatus(a["status"])
			if v, ok := a["casepack"]; ok {
				it.CasePack = sc.num(v)
			}
			if v, ok := a["leadtime"]; ok {
				it.LeadTime = time.Duration(sc.num(v)) * 24 * time.Hour
			}
			if v, ok := a["policy"]; ok {
				it.Policy = v
			}
		})
	case "receive":
		r := backorder.Receipt{ID: w[1], SKU: w[2], Location: w[3], Qty: sc.num(w[4]), InboundID: args(w[5:])["inbound"]}
		res := h.receive(r)
		fmt.Fprintf(&sc.out, "  on hand %d, allocated %d\n", res.Position.OnHand, res.Position.Allocated)
	case "adjust":
		res := h.adjust(backorder.Adjustment{ID: w[1], SKU: w[2], Location: w[3], Delta: sc.num(w[4]), Reason: args(w[5:])["reason"]})
		fmt.Fprintf(&sc.out, "  on hand %d, allocated %d\n", res.Position.OnHand, res.Position.Allocated)
	case "count":
		res := h.count(backorder.Count{ID: w[1], SKU: w[2], Location: w[3], OnHand: sc.num(w[4])})
		fmt.Fprintf(&sc.out, "  on hand %d, allocated %d\n", res.Position.OnHand, res.Position.Allocated)
	case "order":
		sc.order(w[1], w[2], w[3:])
	case "cancel":
		c := backorder.Cancellation{ID: w[1]}
		on, ln, hasLine := strings.Cut(w[2], ".")
		c.OrderID = sc.id(on)
		if hasLine {
			c.LineID = sc.id(on + "." + ln)
		}
		if q, ok := args(w[3:])["qty"]; ok {
			c.Qty = sc.num(q)
		}
		h.cancel(c)
	case "priority":
		h.setPriority(backorder.PriorityChange{ID: w[1], OrderID: sc.id(w[2]), Priority: int32(sc.num(w[3]))})
	case "ship":
		a := args(w[3:])
		r := backorder.ShipRequest{ID: w[1], OrderID: sc.id(w[2]), Location: a["loc"], Consolidate: a["consolidate"] == "true"}
		res := command(h, func() (backorder.ShipResult, error) { return h.eng.Ship(h.ctx, r) })
		for i, s := range res.Shipments {
			sc.name(s.ID, fmt.Sprintf("%s.%d", w[1], i+1))
			fmt.Fprintf(&sc.out, "  shipment %s from %s:%s\n", sc.nameOf(s.ID), s.Location, sc.shipLines(s.Lines))
		}
		sc.printHeld(res.Held)
	case "confirm":
		c := backorder.Confirmation{ShipmentID: sc.id(w[1]), Carrier: "DHL", Tracking: "T-" + w[1]}
		res := command(h, func() (backorder.Shipment, error) { return h.eng.ConfirmShipment(h.ctx, c) })
		fmt.Fprintf(&sc.out, "  %s %s\n", sc.nameOf(res.ID), res.Status)
	case "void":
		v := backorder.VoidRequest{ShipmentID: sc.id(w[1]), Release: args(w[2:])["release"] == "true"}
		res := command(h, func() (backorder.Shipment, error) { return h.eng.VoidShipment(h.ctx, v) })
		fmt.Fprintf(&sc.out, "  %s %s\n", sc.nameOf(res.ID), res.Status)
	case "return":
		r := backorder.ReturnRequest{ID: w[1], ShipmentID: sc.id(w[2]), Lines: []backorder.ReturnLine{{LineID: sc.id(w[3]), Qty: sc.num(w[4])}}, Reason: "damaged"}
		res := command(h, func() (backorder.Shipment, error) { return h.eng.ReturnShipment(h.ctx, r) })
		fmt.Fprintf(&sc.out, "  %s:%s\n", sc.nameOf(res.ID), sc.shipLines(res.Lines))
	case "invoice":
		id := sc.id(w[1])
		res := command(h, func() (backorder.Invoice, error) { return h.eng.Invoice(h.ctx, id) })
		sc.printInvoice(res)
	case "credit":
		r := backorder.CreditRequest{ID: w[1], ShipmentID: sc.id(w[2]), Returns: []backorder.ReturnLine{{LineID: sc.id(w[3]), Qty: sc.num(w[4])}}, Reason: "returned"}
		res := command(h, func() (backorder.Invoice, error) { return h.eng.Credit(h.ctx, r) })
		sc.printInvoice(res)
	case "invoices":
		invs, err := h.eng.Invoices(h.ctx, sc.id(w[1]))
		require.NoError(sc.t, err)
		for _, inv := range invs {
			sc.printInvoice(inv)
		}
	case "expect":
		// expect ID SKU LOC QTY DATE [supplier=S]
		in := backorder.Inbound{ID: w[1], SKU: w[2], Location: w[3], Qty: sc.num(w[4]), Expected: sc.date(w[5]), Supplier: args(w[6:])["supplier"]}
		h.tick(time.Minute)
		require.NoError(sc.t, h.eng.ExpectInbound(h.ctx, in))
		h.check()
		h.repeat(nil, func() (any, error) { return nil, h.eng.ExpectInbound(h.ctx, in) })
	case "slip":
		// slip ID INBOUND DATE [qty=N]
		c := backorder.InboundChange{ID: w[1], InboundID: w[2], Expected: sc.date(w[3])}
		if q, ok := args(w[4:])["qty"]; ok {
			c.Qty = sc.num(q)
		}
		command(h, func() (backorder.Inbound, error) { return h.eng.ChangeInbound(h.ctx, c) })
	case "cancel-inbound":
		c := backorder.InboundCancel{ID: w[1], InboundID: w[2], Reason: "supplier cannot deliver"}
		command(h, func() (backorder.Inbound, error) { return h.eng.CancelInbound(h.ctx, c) })
	case "promises":
		ps, err := h.eng.Promises(h.ctx, sc.id(w[1]))
		require.NoError(sc.t, err)
		for _, p := range ps {
			fmt.Fprintf(&sc.out, "  %s %s waits %d: %s ready %s delivery %s p50 %s p90 %s:", sc.nameOf(p.LineID), p.SKU, p.Backordered,
				p.Kind, day(p.Ready), day(p.Delivery), day(p.P50Ready), day(p.P90Ready))
			for _, tr := range p.Tranches {
				src := tr.InboundID
				if tr.Estimated {
					src = "lead time"
				} else if src == "" {
					src = "stock"
				}
				fmt.Fprintf(&sc.out, " %d on %s (%s)", tr.Qty, day(tr.Date), src)
			}
			fmt.Fprintln(&sc.out)
		}
	case "wait":
		h.tick(time.Duration(sc.num(w[1])) * 24 * time.Hour)
	case "plan":
		p, err := h.eng.PlanShipments(h.ctx, sc.id(w[1]))
		require.NoError(sc.t, err)
		for _, s := range p.Shipments {
			fmt.Fprintf(&sc.out, "  would ship from %s:%s (value %s)\n", s.Location, sc.shipLines(s.Lines), s.Value.StringFixed(2))
		}
		sc.printHeld(p.Held)
	case "book":
		b, err := h.eng.Book(h.ctx, w[1])
		require.NoError(sc.t, err)
		for _, en := range b {
			fmt.Fprintf(&sc.out, "  %s tier %d waits for %d\n", sc.nameOf(en.LineID), en.Priority, en.Backordered)
		}
	case "show":
		sc.show(sc.id(w[1]))
	default:
		sc.t.Fatalf("unknown scenario command %q", w[0])
	}
}

func (sc *scenario) order(name, customer string, w []string) {
	o := backorder.Order{ID: sc.name(sc.h.newID(), name), Customer: customer, Priority: 1, Currency: "EUR"}
	n := 0
	for _, word := range w {
		if k, v, ok := strings.Cut(word, "="); ok && !strings.Contains(word, ":") {
			switch k {
			case "prio":
				o.Priority = int32(sc.num(v))
			case "ship":
				o.ShipPolicy = backorder.ShipPolicy(v)
			case "after":
				o.ShipAfter = sc.date(v)
			case "minqty":
				o.MinShipQty = sc.num(v)
			case "minvalue":
				o.MinShipValue = decimal.RequireFromString(v)
			case "hold":
				o.HoldUntil = sc.date(v)
			case "currency":
				o.Currency = v
			case "taxincl":
				o.TaxInclusive = v == "true"
			case "orderdisc":
				o.Charges = append(o.Charges, invoice.Charge{ID: "DISC", Kind: invoice.Discount, Percent: decimal.RequireFromString(v)})
			case "freight":
				o.Charges = append(o.Charges, invoice.Charge{ID: "FREIGHT", Kind: invoice.Freight, Amount: decimal.RequireFromString(v), TaxPercent: decimal.NewFromInt(21)})
			default:
				sc.t.Fatalf("unknown order option %q", k)
			}
			continue
		}
		parts := strings.Split(word, "/")
		sku, rest, _ := strings.Cut(parts[0], ":")
		qty, loc, _ := strings.Cut(rest, "@")
		n++
		l := backorder.Line{ID: sc.name(sc.h.newID(), fmt.Sprintf("%s.%d", name, n)), SKU: sku, Qty: sc.num(qty),
			PreferredLocation: loc, UnitPrice: decimal.NewFromInt(10)}
		for _, p := range parts[1:] {
			k, v, _ := strings.Cut(p, "=")
			switch k {
			case "min":
				l.MinAllocation = sc.num(v)
			case "group":
				l.ShipGroup = v
			case "ship":
				l.ShipPolicy = backorder.ShipPolicy(v)
			case "price":
				l.UnitPrice = decimal.RequireFromString(v)
			case "protect":
				l.Protection = backorder.Protection(v)
			case "disc":
				l.DiscountPercent = decimal.RequireFromString(v)
			case "tax":
				l.TaxPercent = decimal.RequireFromString(v)
			default:
				sc.t.Fatalf("unknown line option %q", k)
			}
		}
		o.Lines = append(o.Lines, l)
	}
	res := sc.h.place(o)
	for _, l := range res.Lines {
		line := fmt.Sprintf("  %s %s: allocated %s backordered %d cancelled %d rejected %d %s", sc.nameOf(l.LineID), l.SKU,
			locs(l.Allocated), l.Backordered, l.Cancelled, l.Rejected, l.Reason)
		fmt.Fprintln(&sc.out, strings.TrimRight(line, " "))
	}
}

func (sc *scenario) printInvoice(inv backorder.Invoice) {
	d := inv.Document
	corrects := ""
	if inv.Corrects != uuid.Nil {
		for _, other := range sc.invoiceNames {
			if other.id == inv.Corrects {
				corrects = " corrects " + other.number
			}
		}
	}
	sc.invoiceNames = append(sc.invoiceNames, invName{inv.ID, inv.Number})
	sc.name(inv.ID, inv.Number)
	cur, err := invoice.LookupCurrency(d.Currency)
	require.NoError(sc.t, err)
	m := func(v decimal.Decimal) string { return v.StringFixed(cur.MinorUnits) }
	fmt.Fprintf(&sc.out, "  %s %s for %s%s: goods %s charges %s allowances %s subtotal %s tax %s total %s %s\n", inv.Kind, inv.Number,
		sc.nameOf(inv.ShipmentID), corrects, m(d.Goods), m(d.ChargeTotal), m(d.AllowanceTotal), m(d.Subtotal), m(d.TaxTotal), m(d.Total), d.Currency)
	for _, l := range d.Lines {
		lid, _ := uuid.Parse(l.LineID)
		fmt.Fprintf(&sc.out, "    %s %s ×%d net %s tax %s\n", sc.nameOf(lid), l.SKU, l.Qty, m(l.Net), m(l.Tax))
	}
	for _, c := range d.Charges {
		fmt.Fprintf(&sc.out, "    %s %s net %s tax %s\n", c.Kind, c.ChargeID, m(c.Net), m(c.Tax))
	}
}

type invName struct {
	id     uuid.UUID
	number string
}

// day prints a date as the scenario's day number and weekday.
func day(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	d := int(t.Sub(t0).Hours() / 24)
	return fmt.Sprintf("day+%d(%s)", d, t.Weekday().String()[:3])
}

func locs(qs []backorder.LocQty) string {
	if len(qs) == 0 {
		return "-"
	}
	var parts []string
	for _, q := range qs {
		parts = append(parts, fmt.Sprintf("%s:%d", q.Location, q.Qty))
	}
	return strings.Join(parts, ",")
}

func (sc *scenario) shipLines(ls []backorder.ShipmentLine) string {
	var b strings.Builder
	for _, l := range ls {
		fmt.Fprintf(&b, " %s %s×%d", sc.nameOf(l.LineID), l.SKU, l.Qty)
		if l.Returned > 0 {
			fmt.Fprintf(&b, " (returned %d)", l.Returned)
		}
	}
	return b.String()
}

func (sc *scenario) printHeld(held []backorder.HeldLine) {
	for _, hl := range held {
		fmt.Fprintf(&sc.out, "  held %s: %s\n", sc.nameOf(hl.LineID), hl.Reason)
	}
}

func (sc *scenario) show(id uuid.UUID) {
	o, err := sc.h.eng.Order(sc.h.ctx, id)
	require.NoError(sc.t, err)
	fmt.Fprintf(&sc.out, "  %s %s\n", sc.nameOf(o.ID), o.Status())
	for _, l := range o.Lines {
		fmt.Fprintf(&sc.out, "    %s %s qty %d: allocated %s committed %s shipped %d cancelled %d backordered %d (%s)\n",
			sc.nameOf(l.ID), l.SKU, l.Qty, locs(l.Allocations), locs(l.Committed), l.Shipped, l.Cancelled, l.Backordered, l.Status())
	}
}

// printEvents prints the events raised since the last command.
func (sc *scenario) printEvents() {
	evs, err := sc.h.eng.Events(sc.h.ctx, sc.seen, backorder.MaxEventsPerRead)
	require.NoError(sc.t, err)
	for _, ev := range evs {
		sc.seen = ev.Seq
		var b strings.Builder
		fmt.Fprintf(&b, "  event %s", ev.Type)
		for _, id := range []uuid.UUID{ev.OrderID, ev.LineID, ev.ShipmentID, ev.InvoiceID} {
			if id != uuid.Nil && (id != ev.InvoiceID || ev.Number == "") {
				fmt.Fprintf(&b, " %s", sc.nameOf(id))
			}
		}
		if ev.SKU != "" {
			fmt.Fprintf(&b, " %s", ev.SKU)
		}
		if ev.Location != "" {
			fmt.Fprintf(&b, "@%s", ev.Location)
		}
		if ev.Qty != 0 {
			fmt.Fprintf(&b, " qty=%d", ev.Qty)
		}
		if ev.From != 0 || ev.To != 0 {
			fmt.Fprintf(&b, " %d→%d", ev.From, ev.To)
		}
		if !ev.OldDate.IsZero() {
			fmt.Fprintf(&b, " old=%s", ev.OldDate.Format("2006-01-02"))
		}
		if !ev.NewDate.IsZero() {
			fmt.Fprintf(&b, " new=%s", ev.NewDate.Format("2006-01-02"))
		}
		if ev.Number != "" {
			fmt.Fprintf(&b, " %s", ev.Number)
		}
		if ev.Reason != "" {
			fmt.Fprintf(&b, " (%s)", ev.Reason)
		}
		sc.out.WriteString(b.String() + "\n")
	}
}
