// Quickstart: an order for a short item is partly allocated and partly
// backordered; a receipt fills the backorder. It prints the book before and
// after, and the events a host would read from the outbox.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"strings"

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

func run(ctx context.Context, out io.Writer) error {
	eng, err := backorder.New(backorder.Config{
		Store:  memstore.New(),
		Policy: allocation.Priority{},
	})
	if err != nil {
		return err
	}
	if err := eng.PutLocation(ctx, backorder.Location{ID: "AMS", Name: "Amsterdam DC"}); err != nil {
		return err
	}
	if err := eng.PutItem(ctx, backorder.Item{SKU: "BOLT-M8", Description: "Hex bolt M8x40"}); err != nil {
		return err
	}
	if _, err := eng.Receive(ctx, backorder.Receipt{ID: "GR-1", SKU: "BOLT-M8", Location: "AMS", Qty: 300}); err != nil {
		return err
	}

	// Two customers order more than is on hand.
	acme := backorder.Order{ID: uuid.New(), Ref: "SO-1001", Customer: "ACME", Priority: 2, Currency: "EUR",
		Lines: []backorder.Line{{ID: uuid.New(), SKU: "BOLT-M8", Qty: 500, UnitPrice: decimal.RequireFromString("0.12")}}}
	globex := backorder.Order{ID: uuid.New(), Ref: "SO-1002", Customer: "Globex", Priority: 1, Currency: "EUR",
		Lines: []backorder.Line{{ID: uuid.New(), SKU: "BOLT-M8", Qty: 150, UnitPrice: decimal.RequireFromString("0.12")}}}
	for _, o := range []backorder.Order{acme, globex} {
		res, err := eng.PlaceOrder(ctx, o)
		if err != nil {
			return err
		}
		for _, l := range res.Lines {
			fmt.Fprintf(out, "placed %s for %s: %d %s, allocated %v, backordered %d\n",
				o.Ref, o.Customer, o.Lines[0].Qty, l.SKU, l.Allocated, l.Backordered)
		}
	}

	if err := printBook(ctx, out, eng, "book before the receipt"); err != nil {
		return err
	}
	rr, err := eng.Receive(ctx, backorder.Receipt{ID: "GR-2", SKU: "BOLT-M8", Location: "AMS", Qty: 250})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "received 250 at AMS: %d lines served, %d left available\n", len(rr.Allocated), rr.Position.Available())
	if err := printBook(ctx, out, eng, "book after the receipt"); err != nil {
		return err
	}

	evs, err := eng.Events(ctx, 0, 100)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "events:")
	for _, ev := range evs {
		line := fmt.Sprintf("  %3d %-17s %-8s %-4s qty=%-4d %s", ev.Seq, ev.Type, ev.SKU, ev.Location, ev.Qty, ev.Customer)
		fmt.Fprintln(out, strings.TrimRight(line, " "))
	}
	return nil
}

func printBook(ctx context.Context, out io.Writer, eng *backorder.Engine, title string) error {
	book, err := eng.Book(ctx, "BOLT-M8")
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s (%d waiting):\n", title, len(book))
	for _, en := range book {
		fmt.Fprintf(out, "  tier %d  %-7s waits for %d\n", en.Priority, en.Customer, en.Backordered)
	}
	return nil
}
