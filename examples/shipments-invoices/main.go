// Shipments and invoices: an order shipped in three partial shipments, each
// invoiced, the invoices adding up to the order's total to the cent.
//
// A customer orders three items that are all out of stock, with freight and
// a 2 % order discount spread over the shipments, 21 % VAT, and unit prices
// finer than a cent (0.0125 EUR a bolt). Stock arrives in three receipts;
// after each one the order ships what it holds, the shipment is confirmed
// and invoiced. The program prints each invoice's lines and totals, then the
// order's total as invoice.Total computes it for a fully shipped order, and
// the sum of the three invoices. They must be equal: each invoice bills the
// cumulative amount through its shipment, rounded once, minus what the
// earlier invoices billed, so no rounding remainder is lost or billed twice.
// The program exits with a non-zero status if they differ.
//
// Everything is deterministic: ids come from counters and the clock is fake.
//
// Run it with:
//
//	go run ./examples/shipments-invoices
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
	"github.com/backorderkit/backorderkit/invoice"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// location is the warehouse everything ships from.
const location = "RTM"

// items are the SKUs of the order, with a description for the invoice.
var items = []backorder.Item{
	{SKU: "BOLT-M8", Description: "Hex bolt M8x40, zinc"},
	{SKU: "NUT-M8", Description: "Hex nut M8, zinc"},
	{SKU: "BRKT-90", Description: "Angle bracket 90x90"},
}

// receipts are the three deliveries from the supplier; each is followed by
// one shipment of the order.
var receipts = [][]backorder.Receipt{
	{{ID: "GR-1", SKU: "BOLT-M8", Location: location, Qty: 4000}, {ID: "GR-2", SKU: "NUT-M8", Location: location, Qty: 3000}},
	{{ID: "GR-3", SKU: "BOLT-M8", Location: location, Qty: 3333}, {ID: "GR-4", SKU: "BRKT-90", Location: location, Qty: 70}},
	{{ID: "GR-5", SKU: "BOLT-M8", Location: location, Qty: 2667}, {ID: "GR-6", SKU: "NUT-M8", Location: location, Qty: 7000},
		{ID: "GR-7", SKU: "BRKT-90", Location: location, Qty: 50}},
}

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

// dec parses a decimal literal.
func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// theOrder is the customer's order: three lines, VAT, freight and an order
// discount, both prorated over the shipments.
func theOrder(orderID, lineID func() uuid.UUID, placed time.Time) backorder.Order {
	vat := dec("21")
	return backorder.Order{ID: orderID(), Ref: "SO-2041", Customer: "Hollandia Bouw", Priority: 1,
		Placed: placed, Currency: "EUR", ShipPolicy: backorder.ShipPartial,
		Charges: []invoice.Charge{
			{ID: "FREIGHT", Kind: invoice.Freight, Amount: dec("45.00"), TaxPercent: vat, TaxCategory: "S"},
			{ID: "DISC2", Kind: invoice.Discount, Percent: dec("2")},
		},
		Lines: []backorder.Line{
			{ID: lineID(), SKU: "BOLT-M8", Qty: 10000, UnitPrice: dec("0.0125"), TaxPercent: vat, TaxCategory: "S"},
			{ID: lineID(), SKU: "NUT-M8", Qty: 10000, UnitPrice: dec("0.0071"), TaxPercent: vat, TaxCategory: "S"},
			{ID: lineID(), SKU: "BRKT-90", Qty: 120, UnitPrice: dec("3.35"), DiscountPercent: dec("12.5"),
				TaxPercent: vat, TaxCategory: "S"},
		},
	}
}

// pricing is the order as the invoice package prices it: each line bills
// what was ordered less what was cancelled.
func pricing(o backorder.Order) invoice.Order {
	io := invoice.Order{ID: o.ID.String(), Currency: o.Currency, TaxInclusive: o.TaxInclusive,
		TaxRounding: o.TaxRounding, Rounding: o.Rounding, Charges: o.Charges}
	for _, l := range o.Lines {
		if q := l.Qty - l.Cancelled; q > 0 {
			io.Lines = append(io.Lines, invoice.Line{ID: l.ID.String(), SKU: l.SKU, Qty: q, UnitPrice: l.UnitPrice,
				DiscountPercent: l.DiscountPercent, DiscountAmount: l.DiscountAmount,
				TaxPercent: l.TaxPercent, TaxCategory: l.TaxCategory})
		}
	}
	return io
}

// run places the order, ships and invoices it in three parts, prints the
// invoices to w and checks that they add up to the order total.
func run(ctx context.Context, w io.Writer) error {
	start := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	now := start
	eng, err := backorder.New(backorder.Config{
		Store:  memstore.New(),
		Policy: allocation.FIFO{},
		Now:    func() time.Time { return now },
		NewID:  newIDs(0xe0),
	})
	if err != nil {
		return err
	}
	if err := eng.PutLocation(ctx, backorder.Location{ID: location, Name: "Rotterdam DC"}); err != nil {
		return err
	}
	for _, it := range items {
		if err := eng.PutItem(ctx, it); err != nil {
			return err
		}
	}

	o := theOrder(newIDs(0x0a), newIDs(0x1a), start)
	if _, err := eng.PlaceOrder(ctx, o); err != nil {
		return err
	}
	fmt.Fprintf(w, "Order %s for %s, %s, everything backordered:\n", o.Ref, o.Customer, o.Currency)
	for _, l := range o.Lines {
		fmt.Fprintf(w, "  %-8s %6d × %s", l.SKU, l.Qty, l.UnitPrice)
		if !l.DiscountPercent.IsZero() {
			fmt.Fprintf(w, " less %s %%", l.DiscountPercent)
		}
		fmt.Fprintf(w, ", VAT %s %%\n", l.TaxPercent)
	}
	fmt.Fprintln(w, "  freight 45.00 (VAT 21 %) and an order discount of 2 %, both prorated over the shipments")

	var issued []backorder.Invoice
	for k, batch := range receipts {
		now = start.Add(time.Duration(k+1) * 48 * time.Hour)
		for _, r := range batch {
			if _, err := eng.Receive(ctx, r); err != nil {
				return err
			}
		}
		res, err := eng.Ship(ctx, backorder.ShipRequest{ID: fmt.Sprintf("SHIP-%d", k+1), OrderID: o.ID})
		if err != nil {
			return err
		}
		if len(res.Shipments) != 1 {
			return fmt.Errorf("delivery %d: %d shipments, want 1 (held: %v)", k+1, len(res.Shipments), res.Held)
		}
		now = now.Add(3 * time.Hour)
		sh, err := eng.ConfirmShipment(ctx, backorder.Confirmation{ShipmentID: res.Shipments[0].ID,
			Carrier: "DHL Freight", Tracking: fmt.Sprintf("JVGL0600%04d", 2041+k)})
		if err != nil {
			return err
		}
		inv, err := eng.Invoice(ctx, sh.ID)
		if err != nil {
			return err
		}
		issued = append(issued, inv)
		fmt.Fprintln(w)
		printInvoice(w, inv, k+1)
	}

	// The order as it stands: fully shipped, nothing open.
	final, err := eng.Order(ctx, o.ID)
	if err != nil {
		return err
	}
	if st := final.Status(); st != backorder.OrderStatusCompleted {
		return fmt.Errorf("order is %s after three shipments, want %s", st, backorder.OrderStatusCompleted)
	}
	stored, err := eng.Invoices(ctx, o.ID)
	if err != nil {
		return err
	}
	if len(stored) != len(issued) {
		return fmt.Errorf("the engine stores %d invoices, want %d", len(stored), len(issued))
	}

	want, err := invoice.Total(pricing(final), len(issued))
	if err != nil {
		return err
	}
	docs := make([]invoice.Invoice, len(stored))
	sum := decimal.Zero
	for i, inv := range stored {
		docs[i] = inv.Document
		sum = sum.Add(inv.Document.Total)
	}
	billed, err := invoice.Billed(docs)
	if err != nil {
		return err
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "order total (invoice.Total, %d shipments):  subtotal %s  VAT %s  total %s\n",
		len(issued), money(want.Subtotal), money(want.TaxTotal), money(want.Total))
	fmt.Fprintf(w, "sum of the %d invoices (invoice.Billed):    subtotal %s  VAT %s  total %s\n",
		len(docs), money(billed.Subtotal), money(billed.TaxTotal), money(billed.Total))
	fmt.Fprintf(w, "sum of the invoice totals, one by one:                                  total %s\n", money(sum))
	if err := check(want, billed, sum); err != nil {
		return err
	}
	fmt.Fprintln(w, "equal: the invoices add up to the order total to the cent")
	return nil
}

// check returns an error unless the invoices, summed by invoice.Billed and
// one by one, state exactly the order's total.
func check(want, billed invoice.Totals, sum decimal.Decimal) error {
	if !want.Equal(billed) || !sum.Equal(want.Total) {
		return fmt.Errorf("the invoices add up to %s (%s one by one), the order's total is %s",
			money(billed.Total), money(sum), money(want.Total))
	}
	return nil
}

// money formats an amount with the currency's two minor units.
func money(d decimal.Decimal) string { return d.StringFixed(2) }

// printInvoice prints one invoice: its goods lines, its charges and
// allowances, and its totals.
func printInvoice(w io.Writer, inv backorder.Invoice, n int) {
	d := inv.Document
	fmt.Fprintf(w, "Invoice %s  shipment %d of %d, issued %s\n", inv.Number, n, len(receipts), inv.IssuedAt.Format("2006-01-02"))
	fmt.Fprintf(w, "  %-8s %6s %10s %6s %10s %8s\n", "SKU", "qty", "unit", "disc%", "net", "VAT")
	for _, l := range d.Lines {
		disc := ""
		if !l.DiscountPercent.IsZero() {
			disc = l.DiscountPercent.String()
		}
		fmt.Fprintf(w, "  %-8s %6d %10s %6s %10s %8s\n", l.SKU, l.Qty, l.UnitPrice, disc, money(l.Net), money(l.Tax))
	}
	for _, c := range d.Charges {
		label := c.Kind.String()
		if !c.Percent.IsZero() {
			label += " " + c.Percent.String() + "%"
		}
		net, tax := money(c.Net), money(c.Tax)
		if c.Kind.Allowance() {
			net, tax = "-"+net, "-"+tax
		}
		fmt.Fprintf(w, "  %-24s %19s %8s\n", label+" ("+c.Apply.String()+")", net, tax)
	}
	fmt.Fprintf(w, "  goods %s  charges %s  allowances %s  subtotal %s  VAT %s  total %s\n",
		money(d.Goods), money(d.ChargeTotal), money(d.AllowanceTotal), money(d.Subtotal), money(d.TaxTotal), money(d.Total))
}
