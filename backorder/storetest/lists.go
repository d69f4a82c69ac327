package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/invoice"
)

// Strings sort bytewise, as Go's < does and PostgreSQL's COLLATE "C": these
// keys sort differently under any linguistic collation, and with case
// folding.
var scrambled = []string{"b", "B", "a", "A-1", "Zürich", "Zz"}

// bytewise is scrambled sorted bytewise.
var bytewise = []string{"A-1", "B", "Zz", "Zürich", "a", "b"}

// expectKeys lists the key of each element of a list call's result and
// compares them with want.
func expectKeys[T any](t testing.TB, what string, key func(T) string, want []string) func([]T, error) {
	return func(list []T, err error) {
		t.Helper()
		if err != nil {
			t.Errorf("%s: %v", what, err)
			return
		}
		got := make([]string, len(list))
		for i, v := range list {
			got[i] = key(v)
		}
		expectEqual(t, what, got, want)
	}
}

func locationKey(l backorder.Location) string      { return l.ID }
func positionKey(p backorder.StockPosition) string { return p.SKU + "@" + p.Location }
func inboundKey(in backorder.Inbound) string       { return in.ID }
func lineKey(l backorder.Line) string              { return l.ID.String() }
func shipmentKey(s backorder.Shipment) string      { return s.ID.String() }
func invoiceKey(inv backorder.Invoice) string      { return inv.Number }

// entryKey names a book entry by SKU and Seq.
func entryKey(e backorder.BookEntry) string { return fmt.Sprintf("%s#%d", e.SKU, e.Seq) }

func ids(ns ...int) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = id(n).String()
	}
	return out
}

var listCases = []testCase{
	{"Locations", func(t *testing.T, s backorder.Store) {
		update(t, s, func(tx backorder.Tx) error {
			for i, l := range scrambled {
				if err := tx.PutLocation(backorder.Location{ID: l, Rank: 1}); err != nil {
					return err
				}
				if i == 2 { // in the middle of the writes, read them back
					expectKeys(t, "Locations within the writing Update", locationKey,
						[]string{"B", "a", "b"})(tx.Locations())
				}
			}
			return firstErr(
				tx.PutLocation(backorder.Location{ID: "z-first", Rank: -1}),
				tx.PutLocation(backorder.Location{ID: "0-last", Rank: 1 << 20}),
			)
		})
		want := append(append([]string{"z-first"}, bytewise...), "0-last")
		view(t, s, func(tx backorder.Tx) error {
			expectKeys(t, "Locations sorted by Rank, then ID bytewise", locationKey, want)(tx.Locations())
			return nil
		})
		update(t, s, func(tx backorder.Tx) error {
			return firstErr(
				tx.PutLocation(backorder.Location{ID: "b", Rank: -2}),
				tx.PutLocation(backorder.Location{ID: "z-first", Rank: 1 << 21}),
			)
		})
		view(t, s, func(tx backorder.Tx) error {
			expectKeys(t, "Locations after a change of Rank", locationKey,
				[]string{"b", "A-1", "B", "Zz", "Zürich", "a", "0-last", "z-first"})(tx.Locations())
			return nil
		})
	}},
	{"Positions", func(t *testing.T, s backorder.Store) {
		update(t, s, func(tx backorder.Tx) error {
			for _, l := range scrambled {
				p := backorder.StockPosition{SKU: "BOLT", Location: l, OnHand: 1}
				if err := tx.PutPosition(p); err != nil {
					return err
				}
			}
			// Neighbours that share a prefix with the SKU or the locations.
			return firstErr(
				tx.PutPosition(backorder.StockPosition{SKU: "BOLT2", Location: "a"}),
				tx.PutPosition(backorder.StockPosition{SKU: "BOL", Location: "a"}),
				tx.PutPosition(backorder.StockPosition{SKU: "bolt", Location: "a"}),
			)
		})
		want := make([]string, len(bytewise))
		for i, l := range bytewise {
			want[i] = "BOLT@" + l
		}
		view(t, s, func(tx backorder.Tx) error {
			expectKeys(t, "Positions sorted by location", positionKey, want)(tx.Positions("BOLT"))
			expectKeys(t, "Positions of another SKU", positionKey, []string{"BOLT2@a"})(tx.Positions("BOLT2"))
			expectEmpty(t, "Positions of an unknown SKU")(count(tx.Positions("BOLT3")))
			return nil
		})
		update(t, s, func(tx backorder.Tx) error {
			return tx.PutPosition(backorder.StockPosition{SKU: "BOLT", Location: "Zz", OnHand: 5, Allocated: 2})
		})
		view(t, s, func(tx backorder.Tx) error {
			ps, err := tx.Positions("BOLT")
			expectKeys(t, "Positions after a replace", positionKey, want)(ps, err)
			if len(ps) == len(want) && (ps[2].OnHand != 5 || ps[2].Allocated != 2 || ps[0].OnHand != 1) {
				t.Errorf("Positions after a replace: got %+v", ps)
			}
			return nil
		})
	}},
	{"Inbounds", func(t *testing.T, s backorder.Store) {
		in := func(id, sku string, qty int64, expected time.Time) backorder.Inbound {
			return backorder.Inbound{ID: id, SKU: sku, Location: "AMS", Qty: qty, Expected: expected}
		}
		update(t, s, func(tx backorder.Tx) error {
			return firstErr(
				tx.PutInbound(in("I1", "BOLT", 5, at(100))),
				tx.PutInbound(in("I2", "BOLT", 3, at(50))),
				tx.PutInbound(in("I0", "BOLT", 1, at(100))),
				// The same instant in another zone ties with I0 and I1.
				tx.PutInbound(in("I05", "BOLT", 1, at(100).UTC())),
				tx.PutInbound(in("I4", "BOLT", 0, at(10))),
				tx.PutInbound(in("I7", "BOLT", -1, at(10))),
				tx.PutInbound(in("I5", "NUT", 1, at(10))),
			)
		})
		view(t, s, func(tx backorder.Tx) error {
			expectKeys(t, "Inbounds with Qty > 0 sorted by Expected, then ID", inboundKey,
				[]string{"I2", "I0", "I05", "I1"})(tx.Inbounds("BOLT"))
			got, err := tx.Inbound("I4")
			if err != nil || got.Qty != 0 {
				t.Errorf("Inbound of a line with Qty 0: got %+v, %v; want it found", got, err)
			}
			return nil
		})
		update(t, s, func(tx backorder.Tx) error {
			return firstErr(
				tx.PutInbound(in("I2", "BOLT", 0, at(50))),  // nothing left: leaves the list
				tx.PutInbound(in("I1", "BOLT", 5, at(10))),  // earlier: moves to the front
				tx.PutInbound(in("I4", "BOLT", 2, at(200))), // expected again: enters the list
				tx.PutInbound(in("I0", "NUT", 1, at(100))),  // another SKU: moves list
			)
		})
		view(t, s, func(tx backorder.Tx) error {
			expectKeys(t, "Inbounds after replaces", inboundKey,
				[]string{"I1", "I05", "I4"})(tx.Inbounds("BOLT"))
			expectKeys(t, "Inbounds of the other SKU", inboundKey,
				[]string{"I5", "I0"})(tx.Inbounds("NUT"))
			return nil
		})
	}},
	{"OrderLineOrder", func(t *testing.T, s backorder.Store) {
		// Line ids out of byte order: the store keeps the order's own.
		o := fullOrder(id(1), id(13), id(11), id(12))
		update(t, s, func(tx backorder.Tx) error { return tx.PutOrder(o) })
		view(t, s, func(tx backorder.Tx) error {
			expectKeys(t, "Order lines in their original order", lineKey, ids(13, 11, 12))(orderLines(tx.Order(id(1))))
			return nil
		})
		// A replace with one line changed and the header changed keeps the
		// other lines, in place.
		o2 := o.Clone()
		o2.Customer, o2.Priority, o2.Ref = "NEW CUSTOMER", 1, ""
		o2.Lines = []backorder.Line{o.Lines[2]}
		o2.Lines[0].Backordered, o2.Lines[0].Cancelled = 0, 1000
		update(t, s, func(tx backorder.Tx) error { return tx.PutOrder(o2) })
		want := o.Clone()
		want.Customer, want.Priority, want.Ref = o2.Customer, o2.Priority, o2.Ref
		want.Lines[2] = o2.Lines[0]
		view(t, s, func(tx backorder.Tx) error {
			got, err := tx.Order(id(1))
			if err != nil {
				return err
			}
			expectEqual(t, "Order after PutOrder with some of its lines", got, want)
			return nil
		})
		// New lines go after the stored ones, in the order given.
		o3 := want.Clone()
		o3.Lines = []backorder.Line{fullLine(id(15), id(1), "NEW"), fullLine(id(14), id(1), "NEW"), want.Lines[0]}
		update(t, s, func(tx backorder.Tx) error { return tx.PutOrder(o3) })
		view(t, s, func(tx backorder.Tx) error {
			expectKeys(t, "Order lines after PutOrder added lines", lineKey,
				ids(13, 11, 12, 15, 14))(orderLines(tx.Order(id(1))))
			return nil
		})
	}},
	{"OpenOrders", openOrdersCase},
	{"PutLineKeepsPlace", func(t *testing.T, s backorder.Store) {
		o := fullOrder(id(1), id(13), id(11), id(12))
		other := fullOrder(id(2), id(21))
		update(t, s, func(tx backorder.Tx) error { return firstErr(tx.PutOrder(o), tx.PutOrder(other)) })
		l := o.Lines[1]
		l.Allocations, l.Backordered, l.Shipped = nil, 0, l.Qty-l.Cancelled
		update(t, s, func(tx backorder.Tx) error { return tx.PutLine(l) })
		want := o.Clone()
		want.Lines[1] = l
		view(t, s, func(tx backorder.Tx) error {
			got, err := tx.Order(id(1))
			if err != nil {
				return err
			}
			expectEqual(t, "Order after PutLine", got, want)
			got, err = tx.Order(id(2))
			if err != nil {
				return err
			}
			expectEqual(t, "another Order after PutLine", got, other)
			return nil
		})
	}},
	{"Book", func(t *testing.T, s backorder.Store) {
		entry := func(sku string, seq, backordered int64, allocs ...backorder.LocQty) backorder.BookEntry {
			return backorder.BookEntry{SKU: sku, LineID: id(int(seq)), OrderID: id(1000), Customer: "C",
				Seq: seq, Backordered: backordered, Allocations: allocs, Placed: at(1)}
		}
		update(t, s, func(tx backorder.Tx) error {
			return firstErr(
				tx.PutBookEntry(entry("BOLT", 5, 1)),
				tx.PutBookEntry(entry("BOLT", 1, 2)),
				tx.PutBookEntry(entry("BOLT", 1<<40, 3)),
				tx.PutBookEntry(entry("BOLT", 3, 4)),
				tx.PutBookEntry(entry("BOLT", 2, 0, backorder.LocQty{Location: "AMS", Qty: 5})),
				tx.PutBookEntry(entry("BOLT", 4, 5, backorder.LocQty{Location: "AMS", Qty: 5})),
				tx.PutBookEntry(entry("BOLT2", 6, 1)),
				tx.PutBookEntry(entry("bolt", 7, 1)),
			)
		})
		view(t, s, func(tx backorder.Tx) error {
			expectKeys(t, "Book with Backordered > 0 sorted by Seq", entryKey,
				[]string{"BOLT#1", "BOLT#3", "BOLT#4", "BOLT#5", fmt.Sprintf("BOLT#%d", int64(1)<<40)})(tx.Book("BOLT"))
			return nil
		})
		update(t, s, func(tx backorder.Tx) error {
			return firstErr(
				tx.PutBookEntry(entry("BOLT", 3, 0)), // nothing open: deleted
				tx.PutBookEntry(entry("BOLT", 2, 7, backorder.LocQty{Location: "AMS", Qty: 5})),
				tx.PutBookEntry(entry("BOLT", 4, 0, backorder.LocQty{Location: "AMS", Qty: 10})),
				tx.PutBookEntry(entry("BOLT", 1, 9)),
			)
		})
		view(t, s, func(tx backorder.Tx) error {
			es, err := tx.Book("BOLT")
			expectKeys(t, "Book after replaces", entryKey,
				[]string{"BOLT#1", "BOLT#2", "BOLT#5", fmt.Sprintf("BOLT#%d", int64(1)<<40)})(es, err)
			if len(es) > 1 && (es[0].Backordered != 9 || es[1].Backordered != 7) {
				t.Errorf("Book after replaces holds old values: %+v", es)
			}
			return nil
		})
	}},
	{"BookKeyedBySKUAndLine", func(t *testing.T, s backorder.Store) {
		a := backorder.BookEntry{SKU: "BOLT", LineID: id(1), Seq: 1, Backordered: 1, Customer: "C"}
		b := backorder.BookEntry{SKU: "NUT", LineID: id(1), Seq: 2, Backordered: 2, Customer: "C"}
		update(t, s, func(tx backorder.Tx) error { return firstErr(tx.PutBookEntry(a), tx.PutBookEntry(b)) })
		view(t, s, func(tx backorder.Tx) error {
			expectKeys(t, "Book of one SKU", entryKey, []string{"BOLT#1"})(tx.Book("BOLT"))
			expectKeys(t, "Book of another SKU, same line", entryKey, []string{"NUT#2"})(tx.Book("NUT"))
			return nil
		})
		b.Backordered = 0
		update(t, s, func(tx backorder.Tx) error { return tx.PutBookEntry(b) })
		view(t, s, func(tx backorder.Tx) error {
			expectKeys(t, "Book after deleting the other SKU's entry", entryKey, []string{"BOLT#1"})(tx.Book("BOLT"))
			expectEmpty(t, "Book of the deleted entry's SKU")(count(tx.Book("NUT")))
			expectKeys(t, "CustomerBook", entryKey, []string{"BOLT#1"})(tx.CustomerBook("C"))
			return nil
		})
	}},
	{"Holders", func(t *testing.T, s backorder.Store) {
		entry := func(seq, backordered int64, allocs ...backorder.LocQty) backorder.BookEntry {
			return backorder.BookEntry{SKU: "BOLT", LineID: id(int(seq)), Customer: "C", Seq: seq,
				Backordered: backordered, Allocations: allocs}
		}
		ams := func(q int64) backorder.LocQty { return backorder.LocQty{Location: "AMS", Qty: q} }
		rtm := func(q int64) backorder.LocQty { return backorder.LocQty{Location: "RTM", Qty: q} }
		update(t, s, func(tx backorder.Tx) error {
			return firstErr(
				tx.PutBookEntry(entry(4, 0, ams(1))),
				tx.PutBookEntry(entry(2, 3, ams(1), rtm(2))),
				tx.PutBookEntry(entry(3, 3, rtm(2))),
				tx.PutBookEntry(entry(1, 3)),
				tx.PutBookEntry(entry(9, 0, ams(1), rtm(1))),
				tx.PutBookEntry(backorder.BookEntry{SKU: "NUT", LineID: id(5), Seq: 5, Allocations: []backorder.LocQty{ams(1)}}),
			)
		})
		view(t, s, func(tx backorder.Tx) error {
			expectKeys(t, "Holders at AMS sorted by Seq", entryKey,
				[]string{"BOLT#2", "BOLT#4", "BOLT#9"})(tx.Holders("BOLT", "AMS"))
			expectKeys(t, "Holders at RTM sorted by Seq", entryKey,
				[]string{"BOLT#2", "BOLT#3", "BOLT#9"})(tx.Holders("BOLT", "RTM"))
			expectEmpty(t, "Holders at an unknown location")(count(tx.Holders("BOLT", "ams")))
			return nil
		})
		update(t, s, func(tx backorder.Tx) error {
			return firstErr(
				tx.PutBookEntry(entry(2, 3, rtm(3))),     // leaves AMS
				tx.PutBookEntry(entry(3, 0, ams(2))),     // moves to AMS
				tx.PutBookEntry(entry(9, 0)),             // deleted
				tx.PutBookEntry(entry(1, 1, ams(2))),     // gains AMS
				tx.PutBookEntry(entry(4, 2, ams(1))),     // waits again, still holds
				tx.PutBookEntry(entry(7, 0, rtm(1<<62))), // new
			)
		})
		view(t, s, func(tx backorder.Tx) error {
			expectKeys(t, "Holders at AMS after replaces", entryKey,
				[]string{"BOLT#1", "BOLT#3", "BOLT#4"})(tx.Holders("BOLT", "AMS"))
			expectKeys(t, "Holders at RTM after replaces", entryKey,
				[]string{"BOLT#2", "BOLT#7"})(tx.Holders("BOLT", "RTM"))
			expectKeys(t, "Book after replaces", entryKey,
				[]string{"BOLT#1", "BOLT#2", "BOLT#4"})(tx.Book("BOLT"))
			return nil
		})
	}},
	{"CustomerBook", func(t *testing.T, s backorder.Store) {
		n := 0
		entry := func(customer, sku string, placed time.Time, seq, backordered int64, allocs ...backorder.LocQty) backorder.BookEntry {
			n++
			return backorder.BookEntry{SKU: sku, LineID: id(n), Customer: customer, Placed: placed,
				Seq: seq, Backordered: backordered, Allocations: allocs}
		}
		update(t, s, func(tx backorder.Tx) error {
			return firstErr(
				tx.PutBookEntry(entry("ACME", "b", at(20), 1, 1)),
				tx.PutBookEntry(entry("ACME", "B", at(20), 9, 1)),
				tx.PutBookEntry(entry("ACME", "B", at(20).UTC(), 3, 1)), // same instant, another zone
				tx.PutBookEntry(entry("ACME", "Zz", at(10), 5, 1)),
				tx.PutBookEntry(entry("ACME", "A", at(30), 0, 1)),
				tx.PutBookEntry(entry("ACME", "A", at(5), 8, 0, backorder.LocQty{Location: "AMS", Qty: 1})), // holds only
				tx.PutBookEntry(entry("acme", "A", at(5), 1, 1)),                                            // another customer
				tx.PutBookEntry(entry("ACME Ltd", "A", at(5), 1, 1)),
			)
		})
		view(t, s, func(tx backorder.Tx) error {
			expectKeys(t, "CustomerBook sorted by Placed, then SKU, then Seq", entryKey,
				[]string{"Zz#5", "B#3", "B#9", "b#1", "A#0"})(tx.CustomerBook("ACME"))
			expectKeys(t, "CustomerBook of another customer", entryKey, []string{"A#1"})(tx.CustomerBook("acme"))
			return nil
		})
	}},
	{"Shipments", func(t *testing.T, s backorder.Store) {
		sh := func(n int, order uuid.UUID, created time.Time) backorder.Shipment {
			return backorder.Shipment{ID: id(n), OrderID: order, Location: "AMS", CreatedAt: created}
		}
		update(t, s, func(tx backorder.Tx) error {
			return firstErr(
				tx.PutShipment(sh(3, id(100), at(10))),
				tx.PutShipment(sh(1, id(100), at(20))),
				tx.PutShipment(sh(4, id(100), at(10).UTC())),
				tx.PutShipment(sh(2, id(100), at(5))),
				tx.PutShipment(sh(5, id(101), at(1))),
			)
		})
		view(t, s, func(tx backorder.Tx) error {
			expectKeys(t, "Shipments sorted by CreatedAt, then ID", shipmentKey, ids(2, 3, 4, 1))(tx.Shipments(id(100)))
			expectKeys(t, "Shipments of another order", shipmentKey, ids(5))(tx.Shipments(id(101)))
			return nil
		})
		update(t, s, func(tx backorder.Tx) error {
			return firstErr(tx.PutShipment(sh(2, id(100), at(30))), tx.PutShipment(sh(5, id(100), at(10))))
		})
		view(t, s, func(tx backorder.Tx) error {
			expectKeys(t, "Shipments after replaces", shipmentKey, ids(3, 4, 5, 1, 2))(tx.Shipments(id(100)))
			expectEmpty(t, "Shipments of an order whose shipment moved")(count(tx.Shipments(id(101))))
			return nil
		})
	}},
	{"Invoices", func(t *testing.T, s backorder.Store) {
		inv := func(n int, order uuid.UUID, issued time.Time, number string) backorder.Invoice {
			return backorder.Invoice{ID: id(n), OrderID: order, IssuedAt: issued, Number: number,
				Kind: backorder.KindInvoice, Document: invoice.Invoice{Currency: "EUR", Totals: invoice.Totals{Total: dec("1.00")}}}
		}
		update(t, s, func(tx backorder.Tx) error {
			return firstErr(
				tx.PutInvoice(inv(1, id(100), at(10), "INV-9")),
				tx.PutInvoice(inv(2, id(100), at(10), "INV-10")),
				tx.PutInvoice(inv(3, id(100), at(10).UTC(), "CN-1")),
				tx.PutInvoice(inv(4, id(100), at(5), "INV-99")),
				tx.PutInvoice(inv(5, id(100), at(20), "A")),
				tx.PutInvoice(inv(6, id(101), at(1), "INV-1")),
			)
		})
		view(t, s, func(tx backorder.Tx) error {
			expectKeys(t, "Invoices sorted by IssuedAt, then Number", invoiceKey,
				[]string{"INV-99", "CN-1", "INV-10", "INV-9", "A"})(tx.Invoices(id(100)))
			expectKeys(t, "Invoices of another order", invoiceKey, []string{"INV-1"})(tx.Invoices(id(101)))
			return nil
		})
	}},
}

func idKey(u uuid.UUID) string { return u.String() }

// openOrdersCase checks which orders OpenOrders lists, in byte order, and
// its paging.
func openOrdersCase(t *testing.T, s backorder.Store) {
	line := func(n int, backordered int64, allocs ...backorder.LocQty) backorder.Line {
		l := backorder.Line{ID: id(n), SKU: "BOLT", Qty: 10, Backordered: backordered, Allocations: allocs}
		l.Shipped = l.Qty - l.Open()
		return l
	}
	order := func(n int, lines ...backorder.Line) backorder.Order {
		return backorder.Order{ID: id(n), Customer: "C", Lines: lines}
	}
	ams := backorder.LocQty{Location: "AMS", Qty: 3}
	update(t, s, func(tx backorder.Tx) error {
		return firstErr(
			tx.PutOrder(order(5, line(51, 2))),                 // waiting: open
			tx.PutOrder(order(2, line(21, 0), line(22, 0))),    // all shipped: closed
			tx.PutOrder(order(9, line(91, 0, ams))),            // holds stock only: open
			tx.PutOrder(order(7, line(71, 0), line(72, 1))),    // one open line: open
			tx.PutOrder(order(3)),                              // no lines: closed
			tx.PutOrder(order(300, line(3001, 4, ams))),        // ids past one byte
			tx.PutOrder(order(1, line(11, 10))),                // open
			tx.PutOrder(order(0x10000, line(0x10001, 0, ams))), // open
		)
	})
	view(t, s, func(tx backorder.Tx) error {
		for _, p := range []struct {
			after uuid.UUID
			limit int
			want  []string
		}{
			{uuid.Nil, 100, ids(1, 5, 7, 9, 300, 0x10000)},
			{uuid.Nil, 2, ids(1, 5)},
			{id(5), 2, ids(7, 9)},
			{id(9), 2, ids(300, 0x10000)},
			{id(0x10000), 2, ids()},
			{id(6), 10, ids(7, 9, 300, 0x10000)}, // after need not be an order
			{id(2), 1, ids(5)},                   // nor an open one
			{uuid.Max, 10, ids()},
			{uuid.Nil, 0, ids()},
		} {
			expectKeys(t, fmt.Sprintf("OpenOrders(%s, %d)", p.after, p.limit), idKey, p.want)(tx.OpenOrders(p.after, p.limit))
		}
		return nil
	})
	update(t, s, func(tx backorder.Tx) error {
		closed := line(51, 0)
		closed.OrderID = id(5)
		err := firstErr(
			tx.PutLine(closed),                            // 5's only open line closes
			tx.PutOrder(order(2, line(23, 1))),            // 2 gains an open line
			tx.PutOrder(order(7, line(72, 0))),            // 7's open line closes
			tx.PutOrder(order(300, line(3001, 0, ams))),   // still holds: stays
			tx.PutOrder(order(0x10000, line(0x10001, 0))), // gives its stock up
		)
		expectKeys(t, "OpenOrders in the Update that changed them", idKey,
			ids(1, 2, 9, 300))(tx.OpenOrders(uuid.Nil, 100))
		return err
	})
	view(t, s, func(tx backorder.Tx) error {
		expectKeys(t, "OpenOrders after lines opened and closed", idKey, ids(1, 2, 9, 300))(tx.OpenOrders(uuid.Nil, 100))
		return nil
	})
}

// orderLines returns the lines of an Order call's result.
func orderLines(o backorder.Order, err error) ([]backorder.Line, error) { return o.Lines, err }
