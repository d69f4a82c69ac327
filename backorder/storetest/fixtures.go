package storetest

import (
	"encoding/json"
	"math"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/invoice"
)

// zone is a zone other than UTC and local time, with a half-hour offset, so
// that a store that keeps wall clock without the offset is caught.
var zone = time.FixedZone("UTC+05:30", 5*3600+30*60)

// at returns a fixed instant in zone, n seconds after a base, with
// nanoseconds a database may not keep.
func at(n int) time.Time {
	return time.Date(2025, time.March, 14, 15, 9, 26, 535897932, zone).Add(time.Duration(n) * time.Second)
}

// id returns a deterministic id whose bytes, and so its canonical string,
// sort by n.
func id(n int) uuid.UUID {
	u := uuid.UUID{0x5e, 0x7b, 0x0c, 0x4a, 0x00, 0x00, 0x40, 0x00, 0x80}
	u[12] = byte(n >> 24)
	u[13] = byte(n >> 16)
	u[14] = byte(n >> 8)
	u[15] = byte(n)
	return u
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// fullItem returns an item with every field set.
func fullItem(sku string) backorder.Item {
	return backorder.Item{
		SKU:         sku,
		Description: "Hex bolt M8×40 «zinc» 'plated' \"A2\"; DROP TABLE items; --",
		Status:      backorder.Discontinued,
		LeadTime:    36*time.Hour + 15*time.Minute + 123*time.Microsecond,
		Substitutes: []string{"BOLT-M8-45", "Bolzen-M8-Ü"},
		Policy:      "fair-share",
		CasePack:    12,
	}
}

func fullLocation(id string) backorder.Location {
	return backorder.Location{ID: id, Name: "Amsterdam — Hal 3", Rank: 7}
}

func fullPosition(sku, loc string) backorder.StockPosition {
	return backorder.StockPosition{
		SKU:       sku,
		Location:  loc,
		OnHand:    math.MaxInt64 - 10,
		Allocated: 1 << 40,
		Received:  math.MaxInt64,
		Adjusted:  -7,
		Shipped:   3,
	}
}

func fullInbound(id, sku string) backorder.Inbound {
	return backorder.Inbound{
		ID:       id,
		SKU:      sku,
		Location: "AMS",
		Qty:      math.MaxInt64,
		Expected: at(3600),
		Supplier: "Würth & Söhne",
		Received: 250,
	}
}

// fullLine returns a line of order oid with every field set.
func fullLine(lid, oid uuid.UUID, sku string) backorder.Line {
	return backorder.Line{
		ID:                lid,
		OrderID:           oid,
		SKU:               sku,
		Qty:               1000,
		UnitPrice:         dec("12.3450"),
		DiscountPercent:   dec("12.5"),
		DiscountAmount:    dec("0.0001"),
		TaxPercent:        dec("21"),
		TaxCategory:       "S",
		PreferredLocation: "AMS",
		MinAllocation:     50,
		Protection:        backorder.ProtectRedistribute,
		ShipPolicy:        backorder.LineComplete,
		ShipGroup:         "group-1",
		Seq:               math.MaxInt64 - 1,
		Allocations:       []backorder.LocQty{{Location: "AMS", Qty: 100}, {Location: "RTM", Qty: 200}},
		Committed:         []backorder.LocQty{{Location: "RTM", Qty: 150}},
		Shipped:           300,
		Cancelled:         150,
		Backordered:       250,
		Rejected:          50,
		CancelReason:      "customer asked",
	}
}

// fullOrder returns an order with every field set and lines ids lids.
func fullOrder(oid uuid.UUID, lids ...uuid.UUID) backorder.Order {
	o := backorder.Order{
		ID:            oid,
		Ref:           "PO-2025/0001",
		Customer:      "ACME Ünited",
		Priority:      math.MaxInt32,
		Placed:        at(0),
		ShipPolicy:    backorder.ShipComplete,
		Currency:      "EUR",
		RequestedDate: at(86400),
		ShipAfter:     at(3600),
		MinShipQty:    1 << 40,
		MinShipValue:  dec("2500.005"),
		HoldUntil:     at(2 * 86400),
		TaxInclusive:  true,
		TaxRounding:   invoice.PerInvoice,
		Rounding:      invoice.HalfEven,
		Charges: []invoice.Charge{
			// A store keeps what it is given; these need not be valid pricing.
			{ID: "FREIGHT", Kind: invoice.Freight, Amount: dec("25.00"), Percent: dec("0.5"), Apply: invoice.FirstShipment, TaxPercent: dec("21"), TaxCategory: "S"},
			{ID: "DISC", Kind: invoice.Discount, Amount: dec("1.5"), Percent: dec("10"), Apply: invoice.EveryShipment, TaxPercent: dec("9"), TaxCategory: "AA"},
		},
	}
	for i, lid := range lids {
		l := fullLine(lid, oid, "SKU-"+string(rune('A'+i)))
		l.Qty += int64(i)
		l.Backordered += int64(i)
		o.Lines = append(o.Lines, l)
	}
	return o
}

func fullBookEntry(sku string, lid uuid.UUID) backorder.BookEntry {
	return backorder.BookEntry{
		SKU:           sku,
		LineID:        lid,
		OrderID:       id(900),
		Customer:      "ACME",
		Priority:      3,
		Placed:        at(10),
		Seq:           1 << 50,
		Backordered:   40,
		Allocations:   []backorder.LocQty{{Location: "AMS", Qty: 5}, {Location: "RTM", Qty: 6}},
		Committed:     []backorder.LocQty{{Location: "AMS", Qty: 5}},
		MinAllocation: 10,
		Protection:    backorder.ProtectWin,
		RequestedDate: at(7200),
		Promise:       backorder.PromiseDate{Kind: backorder.PromiseEstimated, Ready: at(9000), Delivery: at(9900)},
	}
}

func fullShipment(sid, oid uuid.UUID) backorder.Shipment {
	return backorder.Shipment{
		ID:       sid,
		OrderID:  oid,
		Location: "AMS",
		Status:   backorder.ShipmentStatusConfirmed,
		Lines: []backorder.ShipmentLine{
			{LineID: id(1), SKU: "BOLT", Qty: 10, Returned: 2},
			{LineID: id(2), SKU: "NUT", Qty: 20, Returned: 1},
		},
		CreatedAt:   at(100),
		ConfirmedAt: at(200),
		VoidedAt:    at(300),
		Carrier:     "DHL",
		Tracking:    "JD014600006281234567",
	}
}

func fullInvoice(iid, oid uuid.UUID) backorder.Invoice {
	return backorder.Invoice{
		ID:         iid,
		Kind:       backorder.KindCreditNote,
		Series:     "CN-2025",
		Number:     "CN-2025-000042",
		OrderID:    oid,
		ShipmentID: id(700),
		Corrects:   id(701),
		IssuedAt:   at(400),
		Document: invoice.Invoice{
			Number:       "CN-2025-000042",
			IssuedAt:     at(400),
			Kind:         invoice.KindCreditNote,
			OrderID:      oid.String(),
			ShipmentID:   id(700).String(),
			CreditID:     "RMA-7",
			Corrects:     "INV-2025-000041",
			Reason:       "damaged in transit",
			Currency:     "KWD",
			TaxInclusive: true,
			TaxRounding:  invoice.PerInvoice,
			Rounding:     invoice.HalfEven,
			Lines: []invoice.InvoiceLine{{
				LineID:          id(1).String(),
				SKU:             "BOLT",
				Qty:             3,
				UnitPrice:       dec("0.333333333333"),
				DiscountPercent: dec("12.5"),
				DiscountAmount:  dec("0.001"),
				TaxPercent:      dec("21"),
				TaxCategory:     "S",
				Net:             dec("0.875"),
				Tax:             dec("0.184"),
			}},
			Charges: []invoice.ChargeLine{{
				ChargeID:    "FREIGHT",
				Kind:        invoice.Freight,
				Apply:       invoice.FirstShipment,
				Percent:     dec("10"),
				TaxPercent:  dec("21"),
				TaxCategory: "S",
				Net:         dec("1.250"),
				Tax:         dec("0.263"),
			}},
			Totals: invoice.Totals{
				Goods:          dec("0.875"),
				ChargeTotal:    dec("1.250"),
				AllowanceTotal: dec("0.100"),
				Subtotal:       dec("2.025"),
				TaxTotal:       dec("0.447"),
				Total:          dec("2.472"),
				Taxes:          []invoice.TaxLine{{TaxCategory: "S", TaxPercent: dec("21"), Base: dec("2.025"), Tax: dec("0.447")}},
			},
		},
	}
}

func fullEvent() backorder.Event {
	return backorder.Event{
		Seq:        0, // assigned by the store
		Type:       backorder.ShipmentReturned,
		At:         at(500),
		Command:    "return/R-7",
		OrderID:    id(10),
		LineID:     id(11),
		ShipmentID: id(12),
		InvoiceID:  id(13),
		InboundID:  "PO-77/3",
		Customer:   "ACME",
		SKU:        "BOLT",
		Location:   "AMS",
		Qty:        -5,
		From:       math.MinInt64,
		To:         math.MaxInt64,
		OldDate:    at(600),
		NewDate:    at(700),
		Number:     "INV-9",
		Reason:     "damaged in transit — «broken»",
	}
}

func fullCommand(key string) backorder.Command {
	return backorder.Command{
		Key:    key,
		Result: json.RawMessage(`{"lines":[{"id":"a","qty":3},{"id":"b","qty":0}],"note":"x\"y ü","ok":true}`),
		At:     at(800),
	}
}
