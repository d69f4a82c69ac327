package memstore_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/storetest"
)

// checkAppendOrders compares AppendOrder with Order for every order id the
// model fuzzer uses: the same order, its lines appended after what dst
// held, with memory of their own.
func checkAppendOrders(tx backorder.Tx) error {
	app, ok := tx.(backorder.AppendOrderTx)
	if !ok {
		return fmt.Errorf("%T does not implement backorder.AppendOrderTx", tx)
	}
	var diffs []string
	for n := range byte(6) {
		id := fzID(n)
		want, wantErr := tx.Order(id)
		dstLine := backorder.Line{SKU: "dst", Allocations: []backorder.LocQty{{Location: "dst", Qty: 1}}}
		dst := make([]backorder.Line, 1, 2) // too small for most: must grow
		dst[0] = dstLine
		got, err := app.AppendOrder(dst, id)
		if (err == nil) != (wantErr == nil) {
			return fmt.Errorf("order %d: AppendOrder error %v, Order error %v", n, err, wantErr)
		}
		if err != nil {
			if !errors.Is(err, backorder.ErrNotFound) {
				return err
			}
			continue
		}
		if len(got.Lines) == 0 || got.Lines[0].SKU != "dst" {
			return fmt.Errorf("order %d: AppendOrder did not append after dst", n)
		}
		if dst[0].Allocations[0].Qty != 1 {
			return fmt.Errorf("order %d: AppendOrder changed dst's element", n)
		}
		appended := got
		appended.Lines = got.Lines[1:]
		for _, d := range storetest.Diff(appended, want) {
			diffs = append(diffs, fmt.Sprintf("AppendOrder %d: %s", n, d))
		}
		// Changing what was appended changes nothing stored.
		for i := range appended.Lines {
			l := &appended.Lines[i]
			if len(l.Allocations) > 0 {
				l.Allocations[0].Qty = -99
				l.Allocations = append(l.Allocations, backorder.LocQty{Location: "zz", Qty: 1})
			}
			if len(l.Committed) > 0 {
				l.Committed[0].Qty = -99
			}
		}
		again, err := tx.Order(id)
		if err != nil {
			return err
		}
		for _, d := range storetest.Diff(again, want) {
			diffs = append(diffs, fmt.Sprintf("Order %d after changing AppendOrder's result: %s", n, d))
		}
	}
	if len(diffs) > 0 {
		return errors.New(fmt.Sprint(diffs))
	}
	return nil
}

// FuzzAppendOrder drives memstore with the model fuzzer's random
// transactions and checks AppendOrder after each.
func FuzzAppendOrder(f *testing.F) { fuzzChecked(f, 7, checkAppendOrders) }
