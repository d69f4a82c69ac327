package storetest

import (
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/backorder"
)

// roundTrip writes want with put, then reads it back with get in the same
// Update (a transaction sees its own writes) and in a later View, and
// compares both reads with want.
func roundTrip[T any](t *testing.T, s backorder.Store, what string, want T,
	put func(backorder.Tx, T) error, get func(backorder.Tx) (T, error)) {
	t.Helper()
	update(t, s, func(tx backorder.Tx) error {
		if err := put(tx, want); err != nil {
			return err
		}
		got, err := get(tx)
		if err != nil {
			t.Errorf("%s read back in the writing Update: %v", what, err)
			return nil
		}
		expectEqual(t, what+" read back in the writing Update", got, want)
		return nil
	})
	view(t, s, func(tx backorder.Tx) error {
		got, err := get(tx)
		if err != nil {
			t.Errorf("%s read back in a View: %v", what, err)
			return nil
		}
		expectEqual(t, what+" read back in a View", got, want)
		return nil
	})
}

var roundTripCases = []testCase{
	{"Item", func(t *testing.T, s backorder.Store) {
		want := fullItem("BOLT-M8")
		expectFixture(t, want)
		roundTrip(t, s, "Item", want, backorder.Tx.PutItem,
			func(tx backorder.Tx) (backorder.Item, error) { return tx.Item("BOLT-M8") })
		want.Status, want.Substitutes, want.CasePack = backorder.NoBackorder, []string{"X"}, 1
		roundTrip(t, s, "replaced Item", want, backorder.Tx.PutItem,
			func(tx backorder.Tx) (backorder.Item, error) { return tx.Item("BOLT-M8") })
	}},
	{"Supplier", func(t *testing.T, s backorder.Store) {
		want := backorder.Supplier{ID: "ACME Fasteners ♥ 'quoted'", DaysLate: []int{5, 3, -1, 12}}
		expectFixture(t, want)
		roundTrip(t, s, "Supplier", want, backorder.Tx.PutSupplier,
			func(tx backorder.Tx) (backorder.Supplier, error) { return tx.Supplier(want.ID) })
		want.DaysLate = append(want.DaysLate, 2)
		roundTrip(t, s, "replaced Supplier", want, backorder.Tx.PutSupplier,
			func(tx backorder.Tx) (backorder.Supplier, error) { return tx.Supplier(want.ID) })
		view(t, s, func(tx backorder.Tx) error {
			_, err := tx.Supplier("nobody")
			expectNotFound(t, "Supplier", err)
			return nil
		})
	}},
	{"ItemZero", func(t *testing.T, s backorder.Store) {
		roundTrip(t, s, "Item", backorder.Item{SKU: "Z"}, backorder.Tx.PutItem,
			func(tx backorder.Tx) (backorder.Item, error) { return tx.Item("Z") })
	}},
	{"Location", func(t *testing.T, s backorder.Store) {
		want := fullLocation("AMS")
		expectFixture(t, want)
		roundTrip(t, s, "Location", want, backorder.Tx.PutLocation,
			func(tx backorder.Tx) (backorder.Location, error) { return tx.Location("AMS") })
		want.Rank, want.Name = -3, ""
		roundTrip(t, s, "replaced Location", want, backorder.Tx.PutLocation,
			func(tx backorder.Tx) (backorder.Location, error) { return only(tx.Locations()) })
	}},
	{"Position", func(t *testing.T, s backorder.Store) {
		want := fullPosition("BOLT", "AMS")
		expectFixture(t, want)
		roundTrip(t, s, "StockPosition", want, backorder.Tx.PutPosition,
			func(tx backorder.Tx) (backorder.StockPosition, error) { return only(tx.Positions("BOLT")) })
		want.OnHand, want.Allocated, want.Adjusted = 0, 0, 0
		roundTrip(t, s, "replaced StockPosition", want, backorder.Tx.PutPosition,
			func(tx backorder.Tx) (backorder.StockPosition, error) { return only(tx.Positions("BOLT")) })
	}},
	{"Inbound", func(t *testing.T, s backorder.Store) {
		want := fullInbound("PO-1/1", "BOLT")
		expectFixture(t, want)
		roundTrip(t, s, "Inbound", want, backorder.Tx.PutInbound,
			func(tx backorder.Tx) (backorder.Inbound, error) { return tx.Inbound("PO-1/1") })
		roundTrip(t, s, "Inbound from Inbounds", want, backorder.Tx.PutInbound,
			func(tx backorder.Tx) (backorder.Inbound, error) { return only(tx.Inbounds("BOLT")) })
	}},
	{"InboundZero", func(t *testing.T, s backorder.Store) {
		roundTrip(t, s, "Inbound", backorder.Inbound{ID: "I"}, backorder.Tx.PutInbound,
			func(tx backorder.Tx) (backorder.Inbound, error) { return tx.Inbound("I") })
	}},
	{"Order", func(t *testing.T, s backorder.Store) {
		want := fullOrder(id(1), id(11), id(12), id(13))
		expectFixture(t, want)
		roundTrip(t, s, "Order", want, backorder.Tx.PutOrder,
			func(tx backorder.Tx) (backorder.Order, error) { return tx.Order(id(1)) })
		for i, l := range want.Lines {
			roundTrip(t, s, "Line "+l.ID.String(), l, func(backorder.Tx, backorder.Line) error { return nil },
				func(tx backorder.Tx) (backorder.Line, error) { return tx.Line(want.Lines[i].ID) })
		}
	}},
	{"OrderZero", func(t *testing.T, s backorder.Store) {
		o := backorder.Order{ID: id(1), Lines: []backorder.Line{{ID: id(2)}}}
		want := o.Clone()
		want.Lines[0].OrderID = id(1)
		update(t, s, func(tx backorder.Tx) error { return tx.PutOrder(o) })
		roundTrip(t, s, "Order", want, func(backorder.Tx, backorder.Order) error { return nil },
			func(tx backorder.Tx) (backorder.Order, error) { return tx.Order(id(1)) })
		roundTrip(t, s, "an order without lines", backorder.Order{ID: id(3), Customer: "C"}, backorder.Tx.PutOrder,
			func(tx backorder.Tx) (backorder.Order, error) { return tx.Order(id(3)) })
	}},
	{"OrderSetsLineOrderID", func(t *testing.T, s backorder.Store) {
		o := fullOrder(id(1), id(11), id(12))
		o.Lines[0].OrderID = uuid.Nil
		o.Lines[1].OrderID = id(99)
		want := o.Clone()
		for i := range want.Lines {
			want.Lines[i].OrderID = o.ID
		}
		update(t, s, func(tx backorder.Tx) error { return tx.PutOrder(o) })
		view(t, s, func(tx backorder.Tx) error {
			got, err := tx.Order(o.ID)
			if err != nil {
				return err
			}
			expectEqual(t, "Order whose lines had another OrderID", got, want)
			for _, l := range want.Lines {
				got, err := tx.Line(l.ID)
				if err != nil {
					return err
				}
				expectEqual(t, "Line whose OrderID PutOrder set", got, l)
			}
			return nil
		})
	}},
	{"Line", func(t *testing.T, s backorder.Store) {
		o := fullOrder(id(1), id(11), id(12))
		update(t, s, func(tx backorder.Tx) error { return tx.PutOrder(o) })
		want := o.Lines[1]
		want.Qty, want.Allocations, want.Backordered = 77, []backorder.LocQty{{Location: "X", Qty: 1}}, 9
		want.UnitPrice, want.CancelReason = dec("0.000001"), "gone"
		roundTrip(t, s, "Line after PutLine", want, backorder.Tx.PutLine,
			func(tx backorder.Tx) (backorder.Line, error) { return tx.Line(want.ID) })
		o.Lines[1] = want
		roundTrip(t, s, "Order after PutLine", o, func(backorder.Tx, backorder.Order) error { return nil },
			func(tx backorder.Tx) (backorder.Order, error) { return tx.Order(o.ID) })
	}},
	{"BookEntry", func(t *testing.T, s backorder.Store) {
		want := fullBookEntry("BOLT", id(1))
		expectFixture(t, want)
		roundTrip(t, s, "BookEntry from Book", want, backorder.Tx.PutBookEntry,
			func(tx backorder.Tx) (backorder.BookEntry, error) { return only(tx.Book("BOLT")) })
		roundTrip(t, s, "BookEntry from Holders", want, backorder.Tx.PutBookEntry,
			func(tx backorder.Tx) (backorder.BookEntry, error) { return only(tx.Holders("BOLT", "RTM")) })
		roundTrip(t, s, "BookEntry from CustomerBook", want, backorder.Tx.PutBookEntry,
			func(tx backorder.Tx) (backorder.BookEntry, error) { return only(tx.CustomerBook("ACME")) })
	}},
	{"BookEntryZero", func(t *testing.T, s backorder.Store) {
		want := backorder.BookEntry{SKU: "S", LineID: id(1), Backordered: 1}
		roundTrip(t, s, "BookEntry", want, backorder.Tx.PutBookEntry,
			func(tx backorder.Tx) (backorder.BookEntry, error) { return only(tx.Book("S")) })
	}},
	{"Shipment", func(t *testing.T, s backorder.Store) {
		want := fullShipment(id(1), id(2))
		expectFixture(t, want)
		roundTrip(t, s, "Shipment", want, backorder.Tx.PutShipment,
			func(tx backorder.Tx) (backorder.Shipment, error) { return tx.Shipment(id(1)) })
		want.Status, want.Lines, want.Tracking = backorder.ShipmentStatusVoided, want.Lines[:1], ""
		roundTrip(t, s, "replaced Shipment from Shipments", want, backorder.Tx.PutShipment,
			func(tx backorder.Tx) (backorder.Shipment, error) { return only(tx.Shipments(id(2))) })
	}},
	{"ShipmentZero", func(t *testing.T, s backorder.Store) {
		roundTrip(t, s, "Shipment", backorder.Shipment{ID: id(1)}, backorder.Tx.PutShipment,
			func(tx backorder.Tx) (backorder.Shipment, error) { return tx.Shipment(id(1)) })
	}},
	{"Invoice", func(t *testing.T, s backorder.Store) {
		want := fullInvoice(id(1), id(2))
		expectFixture(t, want)
		roundTrip(t, s, "Invoice", want, backorder.Tx.PutInvoice,
			func(tx backorder.Tx) (backorder.Invoice, error) { return tx.Invoice(id(1)) })
		want.Kind, want.Corrects, want.Document.Total = backorder.KindInvoice, uuid.Nil, dec("1.001")
		roundTrip(t, s, "replaced Invoice from Invoices", want, backorder.Tx.PutInvoice,
			func(tx backorder.Tx) (backorder.Invoice, error) { return only(tx.Invoices(id(2))) })
	}},
	{"InvoiceZero", func(t *testing.T, s backorder.Store) {
		roundTrip(t, s, "Invoice", backorder.Invoice{ID: id(1)}, backorder.Tx.PutInvoice,
			func(tx backorder.Tx) (backorder.Invoice, error) { return tx.Invoice(id(1)) })
	}},
	{"Event", func(t *testing.T, s backorder.Store) {
		evs := []backorder.Event{fullEvent(), {Type: backorder.OrderPlaced}}
		update(t, s, func(tx backorder.Tx) error { return tx.AppendEvents(evs) })
		if evs[0].Seq != 1 || evs[1].Seq != 2 {
			t.Errorf("AppendEvents wrote back Seqs %d, %d; want 1, 2", evs[0].Seq, evs[1].Seq)
		}
		expectFixture(t, evs[0])
		roundTrip(t, s, "Events", evs, func(backorder.Tx, []backorder.Event) error { return nil },
			func(tx backorder.Tx) ([]backorder.Event, error) { return tx.Events(0, 10) })
	}},
	{"Command", func(t *testing.T, s backorder.Store) {
		want := fullCommand("receive/R-1001")
		expectFixture(t, want)
		roundTrip(t, s, "Command", want, backorder.Tx.PutCommand,
			func(tx backorder.Tx) (backorder.Command, error) { return tx.Command("receive/R-1001") })
	}},
	{"HostileKeys", func(t *testing.T, s backorder.Store) {
		// Keys with quotes, SQL metacharacters, Unicode, and a long one.
		keys := []string{
			`O'Reilly "quoted" \back\ %_*?; DROP TABLE x; --`,
			"日本語-SKU-ü-🔩",
			strings.Repeat("Lång-", 200),
			" leading and trailing ",
		}
		for _, k := range keys {
			it := fullItem(k)
			roundTrip(t, s, "Item "+k, it, backorder.Tx.PutItem,
				func(tx backorder.Tx) (backorder.Item, error) { return tx.Item(k) })
			c := fullCommand(k)
			roundTrip(t, s, "Command "+k, c, backorder.Tx.PutCommand,
				func(tx backorder.Tx) (backorder.Command, error) { return tx.Command(k) })
			p := fullPosition(k, k)
			roundTrip(t, s, "StockPosition "+k, p, backorder.Tx.PutPosition,
				func(tx backorder.Tx) (backorder.StockPosition, error) { return only(tx.Positions(k)) })
		}
	}},
}

var notFoundCases = []testCase{
	{"Lookups", func(t *testing.T, s backorder.Store) {
		// Each lookup on an empty store, then next to a neighbour that
		// differs only in case or in its last byte.
		for round := range 2 {
			if round == 1 {
				update(t, s, func(tx backorder.Tx) error {
					o := fullOrder(id(1), id(11))
					return firstErr(
						tx.PutItem(backorder.Item{SKU: "bolt"}),
						tx.PutLocation(backorder.Location{ID: "ams"}),
						tx.PutInbound(backorder.Inbound{ID: "po-1", SKU: "bolt", Qty: 1}),
						tx.PutOrder(o),
						tx.PutShipment(backorder.Shipment{ID: id(1), OrderID: id(1)}),
						tx.PutInvoice(backorder.Invoice{ID: id(1), OrderID: id(1)}),
						tx.PutCommand(fullCommand("cmd/1")),
					)
				})
			}
			view(t, s, func(tx backorder.Tx) error {
				_, err := tx.Item("BOLT")
				expectNotFound(t, "Item", err)
				_, err = tx.Location("AMS")
				expectNotFound(t, "Location", err)
				_, err = tx.Inbound("PO-1")
				expectNotFound(t, "Inbound", err)
				_, err = tx.Order(id(2))
				expectNotFound(t, "Order", err)
				_, err = tx.Order(id(11)) // a line's id is not an order's
				expectNotFound(t, "Order by a line id", err)
				_, err = tx.Line(id(12))
				expectNotFound(t, "Line", err)
				_, err = tx.Line(id(1)) // an order's id is not a line's
				expectNotFound(t, "Line by an order id", err)
				_, err = tx.Shipment(id(2))
				expectNotFound(t, "Shipment", err)
				_, err = tx.Invoice(id(2))
				expectNotFound(t, "Invoice", err)
				_, err = tx.Command("CMD/1")
				expectNotFound(t, "Command", err)
				_, err = tx.Command("cmd/")
				expectNotFound(t, "Command", err)
				return nil
			})
		}
	}},
	{"PutLineWithoutOrder", func(t *testing.T, s backorder.Store) {
		l := fullLine(id(11), id(1), "BOLT")
		err := s.Update(t.Context(), func(tx backorder.Tx) error { return tx.PutLine(l) })
		expectNotFound(t, "PutLine of a line whose order does not exist", err)
		// With the order stored but the line naming another.
		update(t, s, func(tx backorder.Tx) error { return tx.PutOrder(fullOrder(id(2), id(21))) })
		err = s.Update(t.Context(), func(tx backorder.Tx) error {
			err := tx.PutLine(l)
			expectNotFound(t, "PutLine of a line whose order does not exist", err)
			return err
		})
		if err == nil {
			t.Error("Update returned nil although fn returned PutLine's error")
		}
		view(t, s, func(tx backorder.Tx) error {
			_, err := tx.Line(l.ID)
			expectNotFound(t, "Line after a failed PutLine", err)
			_, err = tx.Order(id(1))
			expectNotFound(t, "Order after a failed PutLine", err)
			return nil
		})
	}},
	{"EmptyLists", func(t *testing.T, s backorder.Store) {
		view(t, s, func(tx backorder.Tx) error {
			expectEmpty(t, "Locations on an empty store")(count(tx.Locations()))
			expectEmpty(t, "Positions on an empty store")(count(tx.Positions("BOLT")))
			expectEmpty(t, "Inbounds on an empty store")(count(tx.Inbounds("BOLT")))
			expectEmpty(t, "Book on an empty store")(count(tx.Book("BOLT")))
			expectEmpty(t, "Holders on an empty store")(count(tx.Holders("BOLT", "AMS")))
			expectEmpty(t, "CustomerBook on an empty store")(count(tx.CustomerBook("ACME")))
			expectEmpty(t, "Shipments on an empty store")(count(tx.Shipments(id(1))))
			expectEmpty(t, "Invoices on an empty store")(count(tx.Invoices(id(1))))
			expectEmpty(t, "Events on an empty store")(count(tx.Events(0, 10)))
			expectEmpty(t, "OpenOrders on an empty store")(count(tx.OpenOrders(uuid.Nil, 10)))
			return nil
		})
	}},
}

// expectEmpty returns a function that reports an error of t unless a list
// call, counted by count, returned no elements and no error.
func expectEmpty(t testing.TB, what string) func(int, error) {
	return func(n int, err error) {
		t.Helper()
		if err != nil {
			t.Errorf("%s: %v", what, err)
		} else if n != 0 {
			t.Errorf("%s: got %d elements, want none", what, n)
		}
	}
}

// count turns a list call's result into its length.
func count[T any](list []T, err error) (int, error) { return len(list), err }

// ownership checks that a value passed to a write, changed afterwards, and a
// value read, changed afterwards, leave what the store holds as it was.
// mutate changes every part of a value that could share memory.
func ownership[T any](t *testing.T, s backorder.Store, what string, v T, clone func(T) T, mutate func(*T),
	put func(backorder.Tx, T) error, get func(backorder.Tx) (T, error)) {
	t.Helper()
	want := clone(v)
	check := func(tx backorder.Tx, when string) {
		t.Helper()
		got, err := get(tx)
		if err != nil {
			t.Errorf("%s %s: %v", what, when, err)
			return
		}
		expectEqual(t, what+" "+when, got, want)
		mutate(&got) // must not reach the store
	}
	update(t, s, func(tx backorder.Tx) error {
		if err := put(tx, v); err != nil {
			return err
		}
		mutate(&v)
		check(tx, "after the value passed to the write changed")
		check(tx, "after a value read in the same Update changed")
		return nil
	})
	view(t, s, func(tx backorder.Tx) error {
		check(tx, "in a View, after the values changed")
		check(tx, "after a value read in the same View changed")
		return nil
	})
}

var ownershipCases = []testCase{
	{"Supplier", func(t *testing.T, s backorder.Store) {
		ownership(t, s, "Supplier", backorder.Supplier{ID: "S", DaysLate: []int{1, 2}}, backorder.Supplier.Clone,
			func(sp *backorder.Supplier) { sp.DaysLate[0] = 99 },
			backorder.Tx.PutSupplier,
			func(tx backorder.Tx) (backorder.Supplier, error) { return tx.Supplier("S") })
	}},
	{"Item", func(t *testing.T, s backorder.Store) {
		ownership(t, s, "Item", fullItem("BOLT"), backorder.Item.Clone,
			func(it *backorder.Item) { it.Substitutes[0] = "CHANGED"; it.CasePack++ },
			backorder.Tx.PutItem,
			func(tx backorder.Tx) (backorder.Item, error) { return tx.Item("BOLT") })
	}},
	{"Locations", func(t *testing.T, s backorder.Store) {
		locs := []backorder.Location{fullLocation("A"), fullLocation("B")}
		ownership(t, s, "Locations", locs, cloneSlice,
			func(l *[]backorder.Location) { (*l)[0].Rank = 99; (*l)[1].Name = "CHANGED" },
			func(tx backorder.Tx, locs []backorder.Location) error {
				return firstErr(tx.PutLocation(locs[0]), tx.PutLocation(locs[1]))
			},
			backorder.Tx.Locations)
	}},
	{"Positions", func(t *testing.T, s backorder.Store) {
		ps := []backorder.StockPosition{fullPosition("BOLT", "A"), fullPosition("BOLT", "B")}
		ownership(t, s, "Positions", ps, cloneSlice,
			func(p *[]backorder.StockPosition) { (*p)[0].OnHand = 1; (*p)[1].Allocated = 1 },
			func(tx backorder.Tx, ps []backorder.StockPosition) error {
				return firstErr(tx.PutPosition(ps[0]), tx.PutPosition(ps[1]))
			},
			func(tx backorder.Tx) ([]backorder.StockPosition, error) { return tx.Positions("BOLT") })
	}},
	{"Inbounds", func(t *testing.T, s backorder.Store) {
		ins := []backorder.Inbound{fullInbound("I1", "BOLT"), fullInbound("I2", "BOLT")}
		ownership(t, s, "Inbounds", ins, cloneSlice,
			func(in *[]backorder.Inbound) { (*in)[0].Qty = 1; (*in)[1].Expected = at(-100) },
			func(tx backorder.Tx, ins []backorder.Inbound) error {
				return firstErr(tx.PutInbound(ins[0]), tx.PutInbound(ins[1]))
			},
			func(tx backorder.Tx) ([]backorder.Inbound, error) { return tx.Inbounds("BOLT") })
	}},
	{"Order", func(t *testing.T, s backorder.Store) {
		ownership(t, s, "Order", fullOrder(id(1), id(11), id(12)), backorder.Order.Clone,
			func(o *backorder.Order) {
				o.Lines[0].Qty++
				o.Lines[1].Allocations[0].Qty++
				o.Lines = append(o.Lines[:1], o.Lines[0])
			},
			backorder.Tx.PutOrder,
			func(tx backorder.Tx) (backorder.Order, error) { return tx.Order(id(1)) })
	}},
	{"Line", func(t *testing.T, s backorder.Store) {
		o := fullOrder(id(1), id(11))
		update(t, s, func(tx backorder.Tx) error { return tx.PutOrder(o) })
		ownership(t, s, "Line", o.Lines[0], backorder.Line.Clone,
			func(l *backorder.Line) { l.Allocations[0].Qty++; l.Allocations[1].Location = "CHANGED" },
			backorder.Tx.PutLine,
			func(tx backorder.Tx) (backorder.Line, error) { return tx.Line(id(11)) })
	}},
	{"Book", func(t *testing.T, s backorder.Store) {
		e := fullBookEntry("BOLT", id(1))
		mutate := func(e *[]backorder.BookEntry) { (*e)[0].Allocations[0].Qty++; (*e)[0].Backordered++ }
		put := func(tx backorder.Tx, e []backorder.BookEntry) error { return tx.PutBookEntry(e[0]) }
		ownership(t, s, "Book", []backorder.BookEntry{e}, cloneEntries, mutate, put,
			func(tx backorder.Tx) ([]backorder.BookEntry, error) { return tx.Book("BOLT") })
		ownership(t, s, "Holders", []backorder.BookEntry{e}, cloneEntries, mutate, put,
			func(tx backorder.Tx) ([]backorder.BookEntry, error) { return tx.Holders("BOLT", "AMS") })
		ownership(t, s, "CustomerBook", []backorder.BookEntry{e}, cloneEntries, mutate, put,
			func(tx backorder.Tx) ([]backorder.BookEntry, error) { return tx.CustomerBook("ACME") })
	}},
	{"Shipments", func(t *testing.T, s backorder.Store) {
		mutate := func(sh *backorder.Shipment) { sh.Lines[0].Qty++; sh.Lines[1].Returned++ }
		ownership(t, s, "Shipment", fullShipment(id(1), id(2)), backorder.Shipment.Clone, mutate,
			backorder.Tx.PutShipment,
			func(tx backorder.Tx) (backorder.Shipment, error) { return tx.Shipment(id(1)) })
		ownership(t, s, "Shipments", fullShipment(id(1), id(2)), backorder.Shipment.Clone, mutate,
			backorder.Tx.PutShipment,
			func(tx backorder.Tx) (backorder.Shipment, error) { return only(tx.Shipments(id(2))) })
	}},
	{"Invoices", func(t *testing.T, s backorder.Store) {
		mutate := func(inv *backorder.Invoice) {
			inv.Document.Lines[0].Qty++
			inv.Document.Charges[0].ChargeID = "CHANGED"
			inv.Document.Taxes[0].TaxCategory = "Z"
		}
		ownership(t, s, "Invoice", fullInvoice(id(1), id(2)), backorder.Invoice.Clone, mutate,
			backorder.Tx.PutInvoice,
			func(tx backorder.Tx) (backorder.Invoice, error) { return tx.Invoice(id(1)) })
		ownership(t, s, "Invoices", fullInvoice(id(1), id(2)), backorder.Invoice.Clone, mutate,
			backorder.Tx.PutInvoice,
			func(tx backorder.Tx) (backorder.Invoice, error) { return only(tx.Invoices(id(2))) })
	}},
	{"Events", func(t *testing.T, s backorder.Store) {
		evs := []backorder.Event{fullEvent(), fullEvent()}
		var want []backorder.Event
		update(t, s, func(tx backorder.Tx) error {
			if err := tx.AppendEvents(evs); err != nil {
				return err
			}
			want = cloneSlice(evs)
			evs[0].Type, evs[1].Seq = "changed", 99
			got, err := tx.Events(0, 10)
			if err != nil {
				return err
			}
			expectEqual(t, "Events after the appended slice changed", got, want)
			got[0].Qty = 1
			return nil
		})
		view(t, s, func(tx backorder.Tx) error {
			got, err := tx.Events(0, 10)
			if err != nil {
				return err
			}
			expectEqual(t, "Events after the values changed", got, want)
			return nil
		})
	}},
	{"OpenOrders", func(t *testing.T, s backorder.Store) {
		ownership(t, s, "OpenOrders", []uuid.UUID{id(1), id(2)}, cloneSlice,
			func(ids *[]uuid.UUID) { (*ids)[0] = id(3) },
			func(tx backorder.Tx, ids []uuid.UUID) error {
				return firstErr(tx.PutOrder(fullOrder(ids[0], id(11))), tx.PutOrder(fullOrder(ids[1], id(21))))
			},
			func(tx backorder.Tx) ([]uuid.UUID, error) { return tx.OpenOrders(uuid.Nil, 10) })
	}},
	{"Command", func(t *testing.T, s backorder.Store) {
		ownership(t, s, "Command", fullCommand("k"), backorder.Command.Clone,
			func(c *backorder.Command) { c.Result[2] = 'X' },
			backorder.Tx.PutCommand,
			func(tx backorder.Tx) (backorder.Command, error) { return tx.Command("k") })
	}},
}

func cloneSlice[T any](s []T) []T { return append([]T(nil), s...) }

func cloneEntries(es []backorder.BookEntry) []backorder.BookEntry {
	out := make([]backorder.BookEntry, len(es))
	for i, e := range es {
		out[i] = e.Clone()
	}
	return out
}
