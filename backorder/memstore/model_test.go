package memstore_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/memstore"
	"github.com/backorderkit/backorderkit/backorder/storetest"
)

// model is the slow, obvious store that memstore is checked against: plain
// maps, lists filtered and sorted on every read, and a rollback that throws
// away a whole copy. It keeps memstore's documented tie-breaks.
type model struct {
	items     map[string]backorder.Item
	locations map[string]backorder.Location
	positions map[[2]string]backorder.StockPosition
	inbounds  map[string]backorder.Inbound
	orders    map[uuid.UUID]backorder.Order // header and lines, in order
	book      map[string]backorder.BookEntry
	shipments map[uuid.UUID]backorder.Shipment
	invoices  map[uuid.UUID]backorder.Invoice
	events    []backorder.Event
	seqs      map[string]int64
	commands  map[string]backorder.Command
}

func newModel() *model {
	return &model{
		items: map[string]backorder.Item{}, locations: map[string]backorder.Location{},
		positions: map[[2]string]backorder.StockPosition{}, inbounds: map[string]backorder.Inbound{},
		orders: map[uuid.UUID]backorder.Order{}, book: map[string]backorder.BookEntry{},
		shipments: map[uuid.UUID]backorder.Shipment{}, invoices: map[uuid.UUID]backorder.Invoice{},
		seqs: map[string]int64{}, commands: map[string]backorder.Command{},
	}
}

func cloneMap[K comparable, V any](m map[K]V, clone func(V) V) map[K]V {
	out := make(map[K]V, len(m))
	for k, v := range m {
		out[k] = clone(v)
	}
	return out
}

func (m *model) clone() *model {
	return &model{
		items:     cloneMap(m.items, backorder.Item.Clone),
		locations: maps.Clone(m.locations),
		positions: maps.Clone(m.positions),
		inbounds:  maps.Clone(m.inbounds),
		orders:    cloneMap(m.orders, backorder.Order.Clone),
		book:      cloneMap(m.book, backorder.BookEntry.Clone),
		shipments: cloneMap(m.shipments, backorder.Shipment.Clone),
		invoices:  cloneMap(m.invoices, backorder.Invoice.Clone),
		events:    slices.Clone(m.events),
		seqs:      maps.Clone(m.seqs),
		commands:  cloneMap(m.commands, backorder.Command.Clone),
	}
}

func bookKey(sku string, line uuid.UUID) string { return sku + "\x00" + line.String() }

// lineOrder returns the order that holds the line, if any.
func (m *model) lineOrder(id uuid.UUID) (uuid.UUID, int, bool) {
	for oid, o := range m.orders {
		for i, l := range o.Lines {
			if l.ID == id {
				return oid, i, true
			}
		}
	}
	return uuid.Nil, 0, false
}

// putLine puts l into order oid (which exists): in place if the order has
// it, else at the end, leaving any other order that had it.
func (m *model) putLine(oid uuid.UUID, l backorder.Line) {
	l = l.Clone()
	l.OrderID = oid
	if from, i, ok := m.lineOrder(l.ID); ok {
		o := m.orders[from]
		if from == oid {
			o.Lines[i] = l
			return
		}
		o.Lines = slices.Delete(o.Lines, i, i+1)
		m.orders[from] = o
	}
	o := m.orders[oid]
	o.Lines = append(o.Lines, l)
	m.orders[oid] = o
}

func (m *model) putOrder(o backorder.Order) {
	if _, ok := m.orders[o.ID]; !ok {
		m.orders[o.ID] = o.Header()
	} else {
		h := o.Header()
		h.Lines = m.orders[o.ID].Lines
		m.orders[o.ID] = h
	}
	for _, l := range o.Lines {
		m.putLine(o.ID, l)
	}
}

func sorted[T any](in []T, cmp func(a, b T) int) []T {
	slices.SortFunc(in, cmp)
	return in
}

func byUUID(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) }

func holds(e backorder.BookEntry, loc string) bool {
	for _, a := range e.Allocations {
		if a.Location == loc && a.Qty > 0 {
			return true
		}
	}
	return false
}

// The universe the fuzzer draws keys from: small, so keys collide.
var (
	fzSKUs  = []string{"A", "B", "a"}
	fzLocs  = []string{"L1", "L2", "l1"}
	fzCusts = []string{"C1", "C2"}
	fzNames = []string{"s1", "s2"}
	fzBase  = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
)

func fzID(n byte) uuid.UUID { return uuid.UUID{0: 0x10, 15: n % 6} }

// decoder hands out the fuzzer's bytes, then zeros.
type decoder struct{ data []byte }

func (d *decoder) next() byte {
	if len(d.data) == 0 {
		return 0
	}
	b := d.data[0]
	d.data = d.data[1:]
	return b
}

func (d *decoder) pick(from []string) string { return from[int(d.next())%len(from)] }
func (d *decoder) small(n int) int64         { return int64(int(d.next()) % n) }
func (d *decoder) at() time.Time             { return fzBase.Add(time.Duration(d.small(3)) * time.Hour) }

func (d *decoder) allocs() []backorder.LocQty {
	var out []backorder.LocQty
	bits := d.next()
	for i, l := range []string{"L1", "L2", "l1"} {
		if bits&(1<<i) != 0 {
			out = append(out, backorder.LocQty{Location: l, Qty: int64(bits>>4) % 3})
		}
	}
	slices.SortFunc(out, func(a, b backorder.LocQty) int { return cmp.Compare(a.Location, b.Location) })
	return out
}

// op is one Tx call applied to memstore and to the model; it returns
// memstore's error and the model's.
type op func(tx backorder.Tx, m *model) (error, error)

var errNotFound = backorder.ErrNotFound

func (d *decoder) op() (string, op) {
	switch d.next() % 12 {
	case 0:
		it := backorder.Item{SKU: d.pick(fzSKUs), CasePack: d.small(3)}
		return "PutItem", func(tx backorder.Tx, m *model) (error, error) {
			m.items[it.SKU] = it.Clone()
			return tx.PutItem(it), nil
		}
	case 1:
		l := backorder.Location{ID: d.pick(fzLocs), Rank: int(d.small(3))}
		return "PutLocation", func(tx backorder.Tx, m *model) (error, error) {
			m.locations[l.ID] = l
			return tx.PutLocation(l), nil
		}
	case 2:
		p := backorder.StockPosition{SKU: d.pick(fzSKUs), Location: d.pick(fzLocs), OnHand: d.small(100)}
		return "PutPosition", func(tx backorder.Tx, m *model) (error, error) {
			m.positions[[2]string{p.SKU, p.Location}] = p
			return tx.PutPosition(p), nil
		}
	case 3:
		in := backorder.Inbound{ID: d.pick(fzNames), SKU: d.pick(fzSKUs), Qty: d.small(3) - 1, Expected: d.at()}
		return "PutInbound", func(tx backorder.Tx, m *model) (error, error) {
			m.inbounds[in.ID] = in
			return tx.PutInbound(in), nil
		}
	case 4:
		e := backorder.BookEntry{SKU: d.pick(fzSKUs), LineID: fzID(d.next()), Customer: d.pick(fzCusts),
			Placed: d.at(), Seq: d.small(4), Backordered: d.small(3), Allocations: d.allocs()}
		return "PutBookEntry", func(tx backorder.Tx, m *model) (error, error) {
			if e.Backordered == 0 && len(e.Allocations) == 0 {
				delete(m.book, bookKey(e.SKU, e.LineID))
			} else {
				m.book[bookKey(e.SKU, e.LineID)] = e.Clone()
			}
			return tx.PutBookEntry(e), nil
		}
	case 5:
		sh := backorder.Shipment{ID: fzID(d.next()), OrderID: fzID(d.next()), CreatedAt: d.at(),
			Lines: []backorder.ShipmentLine{{Qty: d.small(5)}}}
		return "PutShipment", func(tx backorder.Tx, m *model) (error, error) {
			m.shipments[sh.ID] = sh.Clone()
			return tx.PutShipment(sh), nil
		}
	case 6:
		inv := backorder.Invoice{ID: fzID(d.next()), OrderID: fzID(d.next()), IssuedAt: d.at(), Number: d.pick(fzNames)}
		return "PutInvoice", func(tx backorder.Tx, m *model) (error, error) {
			m.invoices[inv.ID] = inv.Clone()
			return tx.PutInvoice(inv), nil
		}
	case 7:
		o := backorder.Order{ID: fzID(d.next()), Customer: d.pick(fzCusts)}
		for range d.small(4) {
			o.Lines = append(o.Lines, backorder.Line{ID: fzID(d.next()), Qty: d.small(9), Backordered: d.small(2), Allocations: d.allocs()})
		}
		return "PutOrder", func(tx backorder.Tx, m *model) (error, error) {
			m.putOrder(o)
			return tx.PutOrder(o), nil
		}
	case 8:
		l := backorder.Line{ID: fzID(d.next()), OrderID: fzID(d.next()), Qty: d.small(9), Backordered: d.small(2)}
		return "PutLine", func(tx backorder.Tx, m *model) (error, error) {
			if _, ok := m.orders[l.OrderID]; !ok {
				return tx.PutLine(l), errNotFound
			}
			m.putLine(l.OrderID, l)
			return tx.PutLine(l), nil
		}
	case 9:
		evs := make([]backorder.Event, d.small(3))
		for i := range evs {
			evs[i] = backorder.Event{Type: "t", Qty: d.small(9)}
		}
		return "AppendEvents", func(tx backorder.Tx, m *model) (error, error) {
			err := tx.AppendEvents(evs)
			for i, ev := range evs {
				if ev.Seq != uint64(len(m.events))+1 {
					return fmt.Errorf("AppendEvents wrote back Seq %d to event %d, want %d", ev.Seq, i, len(m.events)+1), nil
				}
				m.events = append(m.events, ev)
			}
			return err, nil
		}
	case 10:
		name := d.pick(fzNames)
		return "NextSequence", func(tx backorder.Tx, m *model) (error, error) {
			m.seqs[name]++
			got, err := tx.NextSequence(name)
			if err == nil && got != m.seqs[name] {
				return fmt.Errorf("NextSequence(%q) = %d, want %d", name, got, m.seqs[name]), nil
			}
			return err, nil
		}
	default:
		c := backorder.Command{Key: d.pick(fzNames), Result: []byte{'1' + d.next()%9}}
		return "PutCommand", func(tx backorder.Tx, m *model) (error, error) {
			if _, ok := m.commands[c.Key]; ok {
				return tx.PutCommand(c), backorder.ErrConflict
			}
			m.commands[c.Key] = c.Clone()
			return tx.PutCommand(c), nil
		}
	}
}

// compare reads everything through tx and from m and reports differences.
func compare(tx backorder.Tx, m *model) error {
	var diffs []string
	check := func(what string, got any, err error, want any) {
		if err != nil {
			diffs = append(diffs, fmt.Sprintf("%s: %v", what, err))
			return
		}
		for _, d := range storetest.Diff(got, want) {
			diffs = append(diffs, what+": "+d)
		}
	}
	found := func(what string, err error, want bool) {
		if want != (err == nil) || (err != nil && !errors.Is(err, backorder.ErrNotFound)) {
			diffs = append(diffs, fmt.Sprintf("%s: got error %v, want found=%v", what, err, want))
		}
	}
	for _, sku := range fzSKUs {
		it, err := tx.Item(sku)
		want, ok := m.items[sku]
		if found("Item "+sku, err, ok); ok && err == nil {
			check("Item "+sku, it, nil, want)
		}
		var ps []backorder.StockPosition
		var ins []backorder.Inbound
		var book []backorder.BookEntry
		for _, p := range m.positions {
			if p.SKU == sku {
				ps = append(ps, p)
			}
		}
		for _, in := range m.inbounds {
			if in.SKU == sku && in.Qty > 0 {
				ins = append(ins, in)
			}
		}
		for _, e := range m.book {
			if e.SKU == sku && e.Backordered > 0 {
				book = append(book, e)
			}
		}
		bySeq := func(a, b backorder.BookEntry) int {
			return cmp.Or(cmp.Compare(a.Seq, b.Seq), byUUID(a.LineID, b.LineID))
		}
		gotPs, err := tx.Positions(sku)
		check("Positions "+sku, gotPs, err, sorted(ps, func(a, b backorder.StockPosition) int { return cmp.Compare(a.Location, b.Location) }))
		gotIns, err := tx.Inbounds(sku)
		check("Inbounds "+sku, gotIns, err, sorted(ins, func(a, b backorder.Inbound) int {
			return cmp.Or(a.Expected.Compare(b.Expected), cmp.Compare(a.ID, b.ID))
		}))
		gotBook, err := tx.Book(sku)
		check("Book "+sku, gotBook, err, sorted(book, bySeq))
		for _, loc := range fzLocs {
			var hs []backorder.BookEntry
			for _, e := range m.book {
				if e.SKU == sku && holds(e, loc) {
					hs = append(hs, e)
				}
			}
			got, err := tx.Holders(sku, loc)
			check("Holders "+sku+"@"+loc, got, err, sorted(hs, bySeq))
		}
	}
	for _, c := range fzCusts {
		var cb []backorder.BookEntry
		for _, e := range m.book {
			if e.Customer == c && e.Backordered > 0 {
				cb = append(cb, e)
			}
		}
		got, err := tx.CustomerBook(c)
		check("CustomerBook "+c, got, err, sorted(cb, func(a, b backorder.BookEntry) int {
			return cmp.Or(a.Placed.Compare(b.Placed), cmp.Compare(a.SKU, b.SKU), cmp.Compare(a.Seq, b.Seq), byUUID(a.LineID, b.LineID))
		}))
	}
	locs, err := tx.Locations()
	check("Locations", locs, err, sorted(slices.Collect(maps.Values(m.locations)), func(a, b backorder.Location) int {
		return cmp.Or(cmp.Compare(a.Rank, b.Rank), cmp.Compare(a.ID, b.ID))
	}))
	for _, name := range fzNames {
		in, err := tx.Inbound(name)
		want, ok := m.inbounds[name]
		if found("Inbound "+name, err, ok); ok && err == nil {
			check("Inbound "+name, in, nil, want)
		}
		c, err := tx.Command(name)
		wantC, ok := m.commands[name]
		if found("Command "+name, err, ok); ok && err == nil {
			check("Command "+name, c, nil, wantC)
		}
	}
	for n := range byte(6) {
		id := fzID(n)
		o, err := tx.Order(id)
		want, ok := m.orders[id]
		if found("Order "+id.String(), err, ok); ok && err == nil {
			check("Order "+id.String(), o, nil, want)
		}
		l, err := tx.Line(id)
		oid, i, ok := m.lineOrder(id)
		if found("Line "+id.String(), err, ok); ok && err == nil {
			check("Line "+id.String(), l, nil, m.orders[oid].Lines[i])
		}
		sh, err := tx.Shipment(id)
		wantSh, ok := m.shipments[id]
		if found("Shipment "+id.String(), err, ok); ok && err == nil {
			check("Shipment "+id.String(), sh, nil, wantSh)
		}
		inv, err := tx.Invoice(id)
		wantInv, ok := m.invoices[id]
		if found("Invoice "+id.String(), err, ok); ok && err == nil {
			check("Invoice "+id.String(), inv, nil, wantInv)
		}
		var shs []backorder.Shipment
		for _, sh := range m.shipments {
			if sh.OrderID == id {
				shs = append(shs, sh)
			}
		}
		gotShs, err := tx.Shipments(id)
		check("Shipments of "+id.String(), gotShs, err, sorted(shs, func(a, b backorder.Shipment) int {
			return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), byUUID(a.ID, b.ID))
		}))
		var invs []backorder.Invoice
		for _, inv := range m.invoices {
			if inv.OrderID == id {
				invs = append(invs, inv)
			}
		}
		gotInvs, err := tx.Invoices(id)
		check("Invoices of "+id.String(), gotInvs, err, sorted(invs, func(a, b backorder.Invoice) int {
			return cmp.Or(a.IssuedAt.Compare(b.IssuedAt), cmp.Compare(a.Number, b.Number), byUUID(a.ID, b.ID))
		}))
	}
	var open []uuid.UUID
	for id, o := range m.orders {
		if slices.ContainsFunc(o.Lines, func(l backorder.Line) bool { return l.Open() > 0 }) {
			open = append(open, id)
		}
	}
	open = sorted(open, byUUID)
	gotOpen, err := tx.OpenOrders(uuid.Nil, 100)
	check("OpenOrders", gotOpen, err, open)
	var openAfter []uuid.UUID
	for _, id := range open {
		if byUUID(id, fzID(2)) > 0 && len(openAfter) < 2 {
			openAfter = append(openAfter, id)
		}
	}
	gotOpen, err = tx.OpenOrders(fzID(2), 2)
	check("OpenOrders after an id", gotOpen, err, openAfter)
	evs, err := tx.Events(0, 1<<20)
	check("Events", evs, err, m.events)
	if len(diffs) > 0 {
		return errors.New(strings.Join(diffs, "\n"))
	}
	return nil
}

var errRollback = errors.New("rollback")

// runModel applies the transactions the data describe to memstore and the
// model, comparing them after every operation and every transaction.
func runModel(t *testing.T, data []byte) { runModelWith(t, data, (*decoder).op) }

// runModelWith is runModel with the operations that pick draws.
func runModelWith(t *testing.T, data []byte, pick func(*decoder) (string, op)) {
	if len(data) > 1024 { // longer inputs add time, not new behaviour
		data = data[:1024]
	}
	d := &decoder{data: data}
	s := memstore.New()
	committed := newModel()
	ctx := context.Background()
	for txn := 0; len(d.data) > 0; txn++ {
		end := d.next() % 8 // 0-4 commit, 5-6 fail, 7 panic
		n := 1 + d.small(6)
		work := committed.clone()
		var failure error
		run := func() (err error) {
			defer func() {
				if r := recover(); r != nil && r != errRollback {
					panic(r)
				} else if r != nil {
					err = errRollback
				}
			}()
			return s.Update(ctx, func(tx backorder.Tx) error {
				for range n {
					name, o := pick(d)
					gotErr, wantErr := o(tx, work)
					if !errors.Is(gotErr, wantErr) || (wantErr == nil) != (gotErr == nil) {
						failure = fmt.Errorf("tx %d: %s returned %v, want %v", txn, name, gotErr, wantErr)
						return failure
					}
					if err := compare(tx, work); err != nil {
						failure = fmt.Errorf("tx %d, after %s, within the Update:\n%v", txn, name, err)
						return failure
					}
				}
				switch {
				case end == 7:
					panic(errRollback)
				case end >= 5:
					return errRollback
				}
				return nil
			})
		}
		err := run()
		if failure != nil {
			t.Fatal(failure)
		}
		switch {
		case end >= 5 && !errors.Is(err, errRollback):
			t.Fatalf("tx %d: a failing Update returned %v", txn, err)
		case end < 5 && err != nil:
			t.Fatalf("tx %d: Update: %v", txn, err)
		case end < 5:
			committed = work
		}
		if err := s.View(ctx, func(tx backorder.Tx) error { return compare(tx, committed) }); err != nil {
			t.Fatalf("tx %d (end %d), after the Update:\n%v", txn, end, err)
		}
	}
}

// FuzzAgainstModel drives memstore and the model with the same random
// transactions, some rolled back by an error or a panic.
func FuzzAgainstModel(f *testing.F) {
	addModelSeeds(f, 40, 7, 11)
	f.Fuzz(runModel)
}

// addModelSeeds adds n random inputs of 50 to 450 bytes, drawn from the
// seeds, and the empty input, to a model fuzzer's corpus.
func addModelSeeds(f *testing.F, n int, seed1, seed2 uint64) {
	r := rand.New(rand.NewPCG(seed1, seed2))
	for range n {
		b := make([]byte, 50+r.IntN(400))
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		f.Add(b)
	}
	f.Add([]byte{})
}
