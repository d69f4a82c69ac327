package memstore_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/memstore"
)

func Example() {
	ctx := context.Background()
	s := memstore.New()

	// One transaction writes stock and the event that reports it.
	err := s.Update(ctx, func(tx backorder.Tx) error {
		if err := tx.PutItem(backorder.Item{SKU: "BOLT-M8", CasePack: 50}); err != nil {
			return err
		}
		if err := tx.PutPosition(backorder.StockPosition{SKU: "BOLT-M8", Location: "AMS", OnHand: 300, Received: 300}); err != nil {
			return err
		}
		return tx.AppendEvents([]backorder.Event{{Type: backorder.StockReceived, SKU: "BOLT-M8", Location: "AMS", Qty: 300}})
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	// A failing transaction leaves nothing behind.
	err = s.Update(ctx, func(tx backorder.Tx) error {
		if err := tx.PutPosition(backorder.StockPosition{SKU: "BOLT-M8", Location: "AMS"}); err != nil {
			return err
		}
		return errors.New("changed my mind")
	})
	fmt.Println("failed update:", err)

	// A View reads the committed state.
	err = s.View(ctx, func(tx backorder.Tx) error {
		ps, err := tx.Positions("BOLT-M8")
		if err != nil {
			return err
		}
		for _, p := range ps {
			fmt.Printf("%s at %s: on hand %d, available %d\n", p.SKU, p.Location, p.OnHand, p.Available())
		}
		evs, err := tx.Events(0, 10)
		if err != nil {
			return err
		}
		for _, ev := range evs {
			fmt.Printf("event %d: %s %d\n", ev.Seq, ev.Type, ev.Qty)
		}
		_, err = tx.Item("NUT-M8")
		fmt.Println("unknown item is not found:", errors.Is(err, backorder.ErrNotFound))
		return tx.PutItem(backorder.Item{SKU: "NUT-M8"})
	})
	fmt.Println("write in a view:", errors.Is(err, memstore.ErrReadOnly))

	// Output:
	// failed update: changed my mind
	// BOLT-M8 at AMS: on hand 300, available 300
	// event 1: stock_received 300
	// unknown item is not found: true
	// write in a view: true
}
