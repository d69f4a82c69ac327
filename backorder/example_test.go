package backorder_test

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/backorderkit/backorderkit/allocation"
	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/memstore"
)

// newExampleEngine builds an engine over a memstore with one location, one
// item and 300 units on hand.
func newExampleEngine(policy allocation.Policy) *backorder.Engine {
	ctx := context.Background()
	eng, err := backorder.New(backorder.Config{Store: memstore.New(), Policy: policy})
	if err != nil {
		panic(err)
	}
	_ = eng.PutLocation(ctx, backorder.Location{ID: "AMS"})
	_ = eng.PutItem(ctx, backorder.Item{SKU: "BOLT-M8"})
	_, _ = eng.Receive(ctx, backorder.Receipt{ID: "GR-1", SKU: "BOLT-M8", Location: "AMS", Qty: 300})
	return eng
}

func oneLine(customer string, priority int32, qty int64) backorder.Order {
	return backorder.Order{ID: uuid.New(), Customer: customer, Priority: priority, Currency: "EUR",
		Lines: []backorder.Line{{ID: uuid.New(), SKU: "BOLT-M8", Qty: qty, UnitPrice: decimal.RequireFromString("0.12")}}}
}

// An order for more than is on hand is partly allocated and partly
// backordered.
func ExampleEngine_PlaceOrder() {
	ctx := context.Background()
	eng := newExampleEngine(allocation.FIFO{})
	res, err := eng.PlaceOrder(ctx, oneLine("ACME", 1, 500))
	if err != nil {
		panic(err)
	}
	l := res.Lines[0]
	fmt.Printf("allocated %v, backordered %d\n", l.Allocated, l.Backordered)
	// Output: allocated [{AMS 300}], backordered 200
}

// A receipt fills the book in policy order: under Priority, tier 1 first.
func ExampleEngine_Receive() {
	ctx := context.Background()
	eng := newExampleEngine(allocation.Priority{})
	_, _ = eng.PlaceOrder(ctx, oneLine("ACME", 3, 300)) // takes the 300 on hand
	_, _ = eng.PlaceOrder(ctx, oneLine("SLOW", 3, 100))
	_, _ = eng.PlaceOrder(ctx, oneLine("VIP", 1, 100))
	res, err := eng.Receive(ctx, backorder.Receipt{ID: "GR-2", SKU: "BOLT-M8", Location: "AMS", Qty: 150})
	if err != nil {
		panic(err)
	}
	book, _ := eng.Book(ctx, "BOLT-M8")
	fmt.Println("lines served:", len(res.Allocated))
	for _, en := range book {
		fmt.Printf("%s still waits for %d\n", en.Customer, en.Backordered)
	}
	// Output:
	// lines served: 2
	// SLOW still waits for 50
}

// Cancelling backordered quantity goes first; allocated stock a
// cancellation frees goes to the book at once.
func ExampleEngine_Cancel() {
	ctx := context.Background()
	eng := newExampleEngine(allocation.FIFO{})
	acme := oneLine("ACME", 1, 400) // 300 allocated, 100 backordered
	_, _ = eng.PlaceOrder(ctx, acme)
	_, _ = eng.PlaceOrder(ctx, oneLine("GLOBEX", 1, 50))
	res, err := eng.Cancel(ctx, backorder.Cancellation{ID: "CX-1", OrderID: acme.ID, LineID: acme.Lines[0].ID, Qty: 150})
	if err != nil {
		panic(err)
	}
	fmt.Printf("released %v; reallocated %d units to %d line(s)\n", res.Released, res.Reallocated[0].Qty, len(res.Reallocated))
	// Output: released [{AMS 50}]; reallocated 50 units to 1 line(s)
}

// Ship creates one shipment per location from what the ship policy lets
// go; confirming it takes the stock off the shelf.
func ExampleEngine_Ship() {
	ctx := context.Background()
	eng := newExampleEngine(allocation.FIFO{})
	o := oneLine("ACME", 1, 120)
	_, _ = eng.PlaceOrder(ctx, o)
	res, err := eng.Ship(ctx, backorder.ShipRequest{ID: "SHIP-1", OrderID: o.ID})
	if err != nil {
		panic(err)
	}
	sh, err := eng.ConfirmShipment(ctx, backorder.Confirmation{ShipmentID: res.Shipments[0].ID, Carrier: "DHL"})
	if err != nil {
		panic(err)
	}
	a, _ := eng.Availability(ctx, "BOLT-M8")
	fmt.Printf("shipped %d from %s; on hand now %d\n", sh.Qty(), sh.Location, a.OnHand)
	// Output: shipped 120 from AMS; on hand now 180
}

// The outbox: read events after the last sequence number you handled.
func ExampleEngine_Events() {
	ctx := context.Background()
	eng := newExampleEngine(allocation.FIFO{})
	_, _ = eng.PlaceOrder(ctx, oneLine("ACME", 1, 350))
	evs, err := eng.Events(ctx, 2, 10) // 1 and 2 were the item and the first receipt
	if err != nil {
		panic(err)
	}
	for _, ev := range evs {
		fmt.Println(ev.Seq, ev.Type, ev.Qty)
	}
	// Output:
	// 3 order_placed 350
	// 4 line_allocated 300
	// 5 line_backordered 50
}
