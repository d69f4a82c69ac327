// Postgres: the quickstart on PostgreSQL. An order for a short item is
// partly allocated and partly backordered; a receipt fills the backorder;
// the book and the events are read back from the database.
//
// It reads the connection string from BACKORDERKIT_PG_DSN and keeps its
// tables in a schema of its own (backorderkit_example, emptied first):
//
//	BACKORDERKIT_PG_DSN=postgres://user:pass@localhost:5432/db go run ./examples/postgres
//
// This example is its own Go module (so that pgx reaches only programs that
// use the PostgreSQL store); the repository's go.work lets `go run` find it
// from the repository root.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"github.com/backorderkit/backorderkit/allocation"
	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/pgstore"
)

// schema holds the example's tables.
const schema = "backorderkit_example"

func main() {
	dsn := os.Getenv("BACKORDERKIT_PG_DSN")
	if dsn == "" {
		log.Fatal("set BACKORDERKIT_PG_DSN to a PostgreSQL connection string")
	}
	if err := run(context.Background(), os.Stdout, dsn); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, out io.Writer, dsn string) error {
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return err
	}
	defer pool.Close()
	// Start from an empty schema, so the example can run again.
	if _, err := pool.Exec(ctx, `DROP SCHEMA IF EXISTS "`+schema+`" CASCADE`); err != nil {
		return fmt.Errorf("dropping the example's schema: %w", err)
	}
	opts := pgstore.Options{Schema: schema}
	if err := pgstore.Migrate(ctx, pool, opts); err != nil {
		return err
	}
	store, err := pgstore.New(pool, opts)
	if err != nil {
		return err
	}
	eng, err := backorder.New(backorder.Config{Store: store, Policy: allocation.Priority{}})
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
	price := decimal.RequireFromString("0.12")
	orders := []backorder.Order{
		{ID: uuid.New(), Ref: "SO-1001", Customer: "ACME", Priority: 2, Currency: "EUR",
			Lines: []backorder.Line{{ID: uuid.New(), SKU: "BOLT-M8", Qty: 500, UnitPrice: price}}},
		{ID: uuid.New(), Ref: "SO-1002", Customer: "Globex", Priority: 1, Currency: "EUR",
			Lines: []backorder.Line{{ID: uuid.New(), SKU: "BOLT-M8", Qty: 150, UnitPrice: price}}},
	}
	for _, o := range orders {
		res, err := eng.PlaceOrder(ctx, o)
		if err != nil {
			return err
		}
		l := res.Lines[0]
		fmt.Fprintf(out, "placed %s for %s: %d %s, allocated %v, backordered %d\n",
			o.Ref, o.Customer, o.Lines[0].Qty, l.SKU, l.Allocated, l.Backordered)
	}
	// Placing the same order again (a retry after a timeout) changes nothing.
	if _, err := eng.PlaceOrder(ctx, orders[0]); err != nil {
		return err
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
	fmt.Fprintf(out, "%d events in the outbox table, the last %s\n", len(evs), evs[len(evs)-1].Type)
	if len(evs) != 10 {
		return errors.New("expected 10 events")
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
