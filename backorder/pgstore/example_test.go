package pgstore_test

import (
	"context"
	"fmt"
	"os"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/pgstore"
)

// The engine on PostgreSQL: open a pool, migrate, build the store, and use
// the engine as on any other store.
func Example() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("BACKORDERKIT_PG_DSN"))
	if err != nil {
		panic(err)
	}
	defer pool.Close()

	opts := pgstore.Options{Schema: "example_quickstart"}
	defer pool.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{opts.Schema}.Sanitize()+" CASCADE")
	if err := pgstore.Migrate(ctx, pool, opts); err != nil {
		panic(err)
	}
	store, err := pgstore.New(pool, opts)
	if err != nil {
		panic(err)
	}
	eng, err := backorder.New(backorder.Config{Store: store})
	if err != nil {
		panic(err)
	}

	_ = eng.PutLocation(ctx, backorder.Location{ID: "AMS"})
	_ = eng.PutItem(ctx, backorder.Item{SKU: "BOLT-M8"})
	_, _ = eng.Receive(ctx, backorder.Receipt{ID: "GR-1", SKU: "BOLT-M8", Location: "AMS", Qty: 300})
	order := backorder.Order{ID: uuid.New(), Customer: "ACME", Currency: "EUR",
		Lines: []backorder.Line{{ID: uuid.New(), SKU: "BOLT-M8", Qty: 500, UnitPrice: decimal.RequireFromString("0.12")}}}
	res, err := eng.PlaceOrder(ctx, order)
	if err != nil {
		panic(err)
	}
	fmt.Printf("allocated %v, backordered %d\n", res.Lines[0].Allocated, res.Lines[0].Backordered)

	// The outbox holds every change in commit order; a host reads it from
	// the last seq it handled.
	evs, _ := eng.Events(ctx, 0, 100)
	for _, ev := range evs {
		if ev.OrderID == order.ID {
			fmt.Println(ev.Type, ev.Qty)
		}
	}
	// Output:
	// allocated [{AMS 300}], backordered 200
	// order_placed 500
	// line_allocated 300
	// line_backordered 200
}

// Migrate is idempotent: every instance may run it at start-up.
func ExampleMigrate() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("BACKORDERKIT_PG_DSN"))
	if err != nil {
		panic(err)
	}
	defer pool.Close()
	opts := pgstore.Options{Schema: "example_migrate"}
	defer pool.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{opts.Schema}.Sanitize()+" CASCADE")
	for range 2 {
		if err := pgstore.Migrate(ctx, pool, opts); err != nil {
			panic(err)
		}
	}
	var version int
	_ = pool.QueryRow(ctx, `SELECT max(version) FROM example_migrate.schema_version`).Scan(&version)
	fmt.Println(version == pgstore.SchemaVersion())
	// Output: true
}
