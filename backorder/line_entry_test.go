package backorder_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/backorderkit/backorderkit/backorder"
)

// noLineEntryStore is a store whose transactions have every capability of
// memstore's but LineEntryTx: the engine writes lines and entries with
// PutLine and PutBookEntry, as it does on a store without it.
type noLineEntryStore struct{ backorder.Store }

type noLineEntryTx struct {
	backorder.Tx
	backorder.AppendTx
	backorder.AppendOrderTx
	backorder.ExistsTx
}

func (s noLineEntryStore) Update(ctx context.Context, fn func(backorder.Tx) error) error {
	return s.Store.Update(ctx, func(tx backorder.Tx) error {
		return fn(noLineEntryTx{Tx: tx, AppendTx: tx.(backorder.AppendTx),
			AppendOrderTx: tx.(backorder.AppendOrderTx), ExistsTx: tx.(backorder.ExistsTx)})
	})
}

// TestLineEntryTxChangesNothing runs the same shipments, confirmations,
// voids, returns and consolidations on memstore with and without its
// LineEntryTx capability (the simple reference: PutLine, then
// PutBookEntry), and requires the same results and the same stored state.
func TestLineEntryTxChangesNothing(t *testing.T) {
	with := newHarness(t)
	without := newHarness(t, func(c *backorder.Config) { c.Store = noLineEntryStore{c.Store} })
	_, ok := any(noLineEntryTx{}).(backorder.LineEntryTx)
	require.False(t, ok, "the reference store must not have the capability")
	var results [2][]string
	for k, h := range []*harness{with, without} {
		out := &results[k]
		note := func(v any, err error) {
			require.NoError(t, err)
			*out = append(*out, jsonOf(t, v))
		}
		h.location("AMS", 1)
		h.location("BER", 2)
		for _, sku := range []string{"X", "Y", "Z"} {
			h.item(sku)
		}
		h.receive(backorder.Receipt{ID: "r1", SKU: "X", Location: "AMS", Qty: 30})
		h.receive(backorder.Receipt{ID: "r2", SKU: "Y", Location: "BER", Qty: 12})
		h.receive(backorder.Receipt{ID: "r3", SKU: "Z", Location: "AMS", Qty: 4})
		var orders []backorder.Order
		for i, c := range []string{"A", "B", "C", "D"} {
			o := h.order(c, int32(1+i%2), lineSpec{"X", 6}, lineSpec{"Y", 5}, lineSpec{"Z", 3})
			if i == 2 {
				o.ShipPolicy = backorder.FillOrKill
			}
			h.place(o)
			orders = append(orders, o)
		}
		var created []backorder.Shipment
		for i, o := range orders {
			res, err := h.eng.Ship(h.ctx, backorder.ShipRequest{ID: "s" + o.Customer, OrderID: o.ID, Consolidate: i == 1})
			note(res, err)
			h.check()
			created = append(created, res.Shipments...)
		}
		require.GreaterOrEqual(t, len(created), 4)
		for i, sh := range created {
			switch i % 3 {
			case 0, 1:
				note(h.eng.ConfirmShipment(h.ctx, backorder.Confirmation{ShipmentID: sh.ID, Carrier: "DHL"}))
			default:
				note(h.eng.VoidShipment(h.ctx, backorder.VoidRequest{ShipmentID: sh.ID, Release: i%2 == 0, Reason: "test"}))
			}
			h.check()
		}
		sh := created[0]
		note(h.eng.ReturnShipment(h.ctx, backorder.ReturnRequest{ID: "rma", ShipmentID: sh.ID,
			Lines: []backorder.ReturnLine{{LineID: sh.Lines[0].LineID, Qty: 1}}}))
		h.receive(backorder.Receipt{ID: "r4", SKU: "Z", Location: "BER", Qty: 20})
		h.receive(backorder.Receipt{ID: "r5", SKU: "Y", Location: "AMS", Qty: 20})
		for _, o := range orders {
			res, err := h.eng.Ship(h.ctx, backorder.ShipRequest{ID: "t" + o.Customer, OrderID: o.ID})
			note(res, err)
			for _, sh := range res.Shipments {
				note(h.eng.ConfirmShipment(h.ctx, backorder.Confirmation{ShipmentID: sh.ID}))
			}
			h.check()
		}
	}
	require.Equal(t, results[0], results[1])
	require.Equal(t, without.snapshot(), with.snapshot())
}

// noOrderEntriesStore is a store whose transactions have every capability
// of memstore's but OrderEntriesTx: the engine writes a new order with
// PutOrder and its entries with PutBookEntry.
type noOrderEntriesStore struct{ backorder.Store }

type noOrderEntriesTx struct {
	backorder.Tx
	backorder.AppendTx
	backorder.AppendOrderTx
	backorder.ExistsTx
	backorder.LineEntryTx
}

func (s noOrderEntriesStore) Update(ctx context.Context, fn func(backorder.Tx) error) error {
	return s.Store.Update(ctx, func(tx backorder.Tx) error {
		return fn(noOrderEntriesTx{Tx: tx, AppendTx: tx.(backorder.AppendTx), AppendOrderTx: tx.(backorder.AppendOrderTx),
			ExistsTx: tx.(backorder.ExistsTx), LineEntryTx: tx.(backorder.LineEntryTx)})
	})
}

// TestOrderEntriesTxChangesNothing places the same orders on memstore with
// and without its OrderEntriesTx capability (the simple reference:
// PutOrder, then PutBookEntry): lines allocated whole, in part and at two
// locations, backordered, cancelled and rejected by their items' status,
// two lines of one SKU in an order, preferred locations, and receipts
// that fill the book after; it requires the same results and the same
// stored state.
func TestOrderEntriesTxChangesNothing(t *testing.T) {
	with := newHarness(t)
	without := newHarness(t, func(c *backorder.Config) { c.Store = noOrderEntriesStore{c.Store} })
	_, ok := any(noOrderEntriesTx{}).(backorder.OrderEntriesTx)
	require.False(t, ok, "the reference store must not have the capability")
	var results [2][]string
	for k, h := range []*harness{with, without} {
		out := &results[k]
		h.location("AMS", 1)
		h.location("BER", 2)
		h.item("X")
		h.item("Y")
		h.item("N", func(it *backorder.Item) { it.Status = backorder.NoBackorder })
		h.item("D", func(it *backorder.Item) { it.Status = backorder.Discontinued })
		h.receive(backorder.Receipt{ID: "r1", SKU: "X", Location: "AMS", Qty: 10})
		h.receive(backorder.Receipt{ID: "r2", SKU: "X", Location: "BER", Qty: 4})
		h.receive(backorder.Receipt{ID: "r3", SKU: "N", Location: "AMS", Qty: 3})
		h.receive(backorder.Receipt{ID: "r4", SKU: "D", Location: "BER", Qty: 1})
		for i, c := range []string{"A", "B", "C", "D", "E"} {
			o := h.order(c, int32(1+i%3), lineSpec{"X", 6}, lineSpec{"Y", 2}, lineSpec{"N", 2}, lineSpec{"D", 1},
				lineSpec{"X", 1})
			if i == 3 {
				o.Lines[0].PreferredLocation = "BER"
			}
			*out = append(*out, jsonOf(t, h.place(o)))
		}
		*out = append(*out, jsonOf(t, h.receive(backorder.Receipt{ID: "r5", SKU: "Y", Location: "AMS", Qty: 7})))
		*out = append(*out, jsonOf(t, h.receive(backorder.Receipt{ID: "r6", SKU: "X", Location: "BER", Qty: 30})))
		h.check()
	}
	require.Equal(t, results[0], results[1])
	require.Equal(t, without.snapshot(), with.snapshot())
}
