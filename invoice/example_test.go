package invoice_test

import (
	"errors"
	"fmt"

	"github.com/backorderkit/backorderkit/invoice"
	"github.com/shopspring/decimal"
)

func order() invoice.Order {
	return invoice.Order{ID: "O-1001", Currency: "EUR", Lines: []invoice.Line{
		{ID: "L1", SKU: "BOLT-M8", Qty: 100, UnitPrice: decimal.RequireFromString("0.35"),
			TaxPercent: decimal.NewFromInt(21), TaxCategory: "S"},
		{ID: "L2", SKU: "NUT-M8", Qty: 250, UnitPrice: decimal.RequireFromString("0.12"),
			TaxPercent: decimal.NewFromInt(21), TaxCategory: "S"},
	}, Charges: []invoice.Charge{
		{ID: "DISC", Kind: invoice.Discount, Percent: decimal.NewFromInt(10)},
		{ID: "FREIGHT", Kind: invoice.Freight, Amount: decimal.NewFromInt(10),
			TaxPercent: decimal.NewFromInt(21), TaxCategory: "S"},
	}}
}

// Three shipments; the prorated freight and discount fall where they must,
// and the invoices add up to the order's total to the cent.
func Example() {
	o := order()
	var docs []invoice.Invoice
	for _, s := range []invoice.Shipment{
		{ID: "S1", Lines: []invoice.LineQty{{LineID: "L1", Qty: 33}, {LineID: "L2", Qty: 100}}},
		{ID: "S2", Lines: []invoice.LineQty{{LineID: "L1", Qty: 33}}},
		{ID: "S3", Lines: []invoice.LineQty{{LineID: "L1", Qty: 34}, {LineID: "L2", Qty: 150}}},
	} {
		inv, err := invoice.Bill(o, docs, s)
		if err != nil {
			fmt.Println(err)
			return
		}
		docs = append(docs, inv)
		fmt.Printf("%s: goods %s, freight %s, discount %s, tax %s, total %s\n", inv.ShipmentID,
			inv.Goods.StringFixed(2), inv.ChargeTotal.StringFixed(2), inv.AllowanceTotal.StringFixed(2),
			inv.TaxTotal.StringFixed(2), inv.Total.StringFixed(2))
	}
	billed, _ := invoice.Billed(docs)
	total, _ := invoice.Total(o, len(docs))
	fmt.Println("billed", billed.Total.StringFixed(2), "order total", total.Total.StringFixed(2), "equal:", billed.Equal(total))
	// Output:
	// S1: goods 23.55, freight 3.62, discount 2.36, tax 5.21, total 30.02
	// S2: goods 11.55, freight 1.78, discount 1.15, tax 2.55, total 14.73
	// S3: goods 29.90, freight 4.60, discount 2.99, tax 6.62, total 38.13
	// billed 82.88 order total 82.88 equal: true
}

func ExampleBill() {
	o := order()
	inv, err := invoice.Bill(o, nil, invoice.Shipment{ID: "S1",
		Lines: []invoice.LineQty{{LineID: "L1", Qty: 40}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range inv.Lines {
		fmt.Println(l.LineID, l.SKU, l.Qty, l.Net.StringFixed(2), l.Tax.StringFixed(2))
	}
	for _, c := range inv.Charges {
		fmt.Println(c.ChargeID, c.Kind, c.Net.StringFixed(2), c.Tax.StringFixed(2))
	}
	fmt.Println("total", inv.Total.StringFixed(2))

	// Billing the same shipment twice is refused.
	_, err = invoice.Bill(o, []invoice.Invoice{inv}, invoice.Shipment{ID: "S1",
		Lines: []invoice.LineQty{{LineID: "L1", Qty: 1}}})
	fmt.Println(errors.Is(err, invoice.ErrAlreadyInvoiced), errors.Is(err, invoice.ErrInvalid))
	// Output:
	// L1 BOLT-M8 40 14.00 2.94
	// DISC discount 1.40 0.29
	// FREIGHT freight 2.15 0.45
	// total 17.85
	// true true
}

// Returning everything, here in two pieces, brings the order's net billed
// total back to zero.
func ExampleCredit() {
	o := order()
	inv, _ := invoice.Bill(o, nil, invoice.Shipment{ID: "S1",
		Lines: []invoice.LineQty{{LineID: "L1", Qty: 100}, {LineID: "L2", Qty: 250}}})
	inv.Number = "INV-1"
	docs := []invoice.Invoice{inv}
	for i, q := range []int64{99, 1} {
		cn, err := invoice.Credit(o, docs, invoice.Correction{ID: fmt.Sprintf("R%d", i+1), ShipmentID: "S1",
			Reason: "returned", Returns: []invoice.LineQty{{LineID: "L1", Qty: q}}})
		if err != nil {
			fmt.Println(err)
			return
		}
		docs = append(docs, cn)
		fmt.Println(cn.CreditID, "corrects", cn.Corrects, "credit", cn.Total.StringFixed(2))
	}
	cn, _ := invoice.Credit(o, docs, invoice.Correction{ID: "R3", ShipmentID: "S1",
		Returns: []invoice.LineQty{{LineID: "L2", Qty: 250}}})
	docs = append(docs, cn)
	fmt.Println(cn.CreditID, "credit", cn.Total.StringFixed(2))
	billed, _ := invoice.Billed(docs)
	fmt.Println("net billed", billed.Total.StringFixed(2))
	// Output:
	// R1 corrects INV-1 credit 44.19
	// R2 corrects INV-1 credit 0.43
	// R3 credit 38.26
	// net billed 0.00
}

func ExampleTotal() {
	o := order()
	o.Charges = append(o.Charges, invoice.Charge{ID: "HANDLING", Kind: invoice.Handling,
		Amount: decimal.NewFromInt(2), Apply: invoice.EveryShipment})
	for _, n := range []int{1, 3} {
		t, _ := invoice.Total(o, n)
		fmt.Printf("%d shipment(s): subtotal %s, tax %s, total %s\n", n,
			t.Subtotal.StringFixed(2), t.TaxTotal.StringFixed(2), t.Total.StringFixed(2))
	}
	// Output:
	// 1 shipment(s): subtotal 70.50, tax 14.38, total 84.88
	// 3 shipment(s): subtotal 74.50, tax 14.38, total 88.88
}

func ExampleLookupCurrency() {
	for _, code := range []string{"JPY", "EUR", "KWD", "CLF", "XYZ"} {
		c, err := invoice.LookupCurrency(code)
		if err != nil {
			fmt.Println(err, errors.Is(err, invoice.ErrUnknownCurrency))
			continue
		}
		fmt.Println(c.Code, c.MinorUnits)
	}
	// Output:
	// JPY 0
	// EUR 2
	// KWD 3
	// CLF 4
	// invoice: Currency: unknown ISO 4217 currency "XYZ" true
}
