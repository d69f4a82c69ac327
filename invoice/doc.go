// Package invoice bills the shipments of a B2B order, one invoice per
// shipment, exact to the currency's minor unit, and credits returns and
// price corrections the same way.
//
// It is pure: it does no I/O, keeps no state between calls and knows
// nothing of the engine. It takes an order's pricing, the documents already
// issued for the order, and a shipment or a correction, and returns the
// next document as data. Money is decimal.Decimal throughout (never
// float64), and no result depends on the decimal package's settings
// (DivisionPrecision, MarshalJSONWithoutQuotes, TrimTrailingZeros, …).
//
// # The rule: bill cumulatively
//
// Every amount of an order is a component: each line's net and tax, each
// order-level charge or allowance (split by tax group), and under
// PerInvoice rounding each tax group's tax. For each component, the amount
// billed through document k is its exact cumulative amount for everything
// billed through k, rounded once to the minor unit; document k bills that
// minus what the earlier documents billed for it. Three things follow:
//
//   - The invoices of a fully shipped order add up to Total(o, n) exactly,
//     however many shipments there were: the last one bills the order's
//     rounded total minus everything before it. OFBiz prorates each
//     invoice's share on its own and leaves the rounding remainder wherever
//     it falls; here there is none.
//   - Rounding a non-decreasing amount gives a non-decreasing amount, so no
//     invoice line is negative, and each line's tax is within one minor
//     unit of its exact amount (rate × the line's net).
//   - A return moves the state back: returning everything, at once or in
//     any number of pieces, brings the order's net billed total (Billed)
//     back to exactly zero, and each piece credits what the units it
//     returns were billed, cumulatively.
//
// The state is derived from the earlier documents alone (their quantities
// and amounts), so the caller stores documents, not counters, and the
// earlier documents may be passed in any order.
//
// # Amounts, taxes and rounding
//
//   - Quantities are int64 base units. Unit prices may have more decimal
//     places than the currency (0.0125 a bolt); every amount is rounded to
//     the minor unit of the ISO 4217 currency (JPY 0, EUR 2, KWD 3, CLF 4;
//     see Currencies), half away from zero (HalfUp, the default) or half to
//     even (HalfEven).
//   - Percentages are in percent: TaxPercent 21 is 21 %, DiscountPercent
//     12.5 is 12.5 %. A line discount is a percentage or an amount per
//     base unit.
//   - Tax-exclusive prices (the default): the net is rounded, then its tax.
//     Tax-inclusive prices (Order.TaxInclusive): the gross is rounded, the
//     tax is backed out of it exactly (gross × rate / (100 + rate)), and the
//     net is what remains, so every invoice's gross is exactly the prices
//     the customer saw, with no drift across shipments.
//   - TaxRounding PerLine (the default) rounds each line's and charge's
//     tax. PerInvoice rounds each tax group (category and rate) once per
//     invoice, on the group's cumulative net; lines then carry no tax. Both
//     are cumulative: an invoice's tax in a group is within one minor unit
//     of rate × its base, not always equal to the rounding of that invoice
//     taken alone (that is what lets the invoices add up to the order). A
//     jurisdiction that requires each invoice's tax to be rounded on its own
//     (Japan's qualified invoices, strictly read) needs that checked.
//
// # Charges and allowances
//
// A Charge is freight, handling, another charge, or an order Discount (an
// allowance, subtracted). It is a fixed Amount, taxed at its own rate, or a
// Percent of the goods (after line discounts), split by the goods' tax
// groups and taxed like them. Apply says when it is billed:
//
//   - Prorated (the default): in proportion to the value of the goods
//     billed, cumulatively; by quantity if the goods are worth nothing.
//   - FirstShipment: all of it on the first invoice; it is credited when
//     the last goods are returned.
//   - EveryShipment: an amount charge again on every invoice (Total takes
//     the number of shipments); an invoice's charge is credited when all of
//     that invoice's goods are returned.
//
// An allowance billed on the first or every shipment can exceed an
// invoice's goods, so such an invoice's total, or the total of the credit
// note that returns the last goods, can be negative; its lines are not.
//
// # Changes after billing
//
// Line.Qty is what the order will bill in the end (ordered minus
// cancelled). When a backorder is cancelled, or a line or charge is added,
// the prorated charges re-spread over the remaining documents. A line's
// pricing cannot change silently once billed: Bill returns ErrPriceChanged,
// and the caller issues the correction with Credit, passing the order with
// its corrected pricing; the credit note re-prices every billed unit of the
// line, and later invoices bill at the new pricing. A correction without
// returns that raises what is owed is refused (it is not a credit).
//
// # Errors
//
// Every function validates all of its input before computing, and never
// panics on input a caller can build (quantities near max int64, decimals
// with absurd exponents). Errors are a *ValidationError naming the field
// and the reason, or a *MismatchError for an earlier document in another
// currency; both match ErrInvalid with errors.Is. ErrUnknownCurrency,
// ErrAlreadyInvoiced and ErrPriceChanged single out the cases a caller
// acts on.
//
// # Usage
//
// The engine, or any host, does this for every order:
//
//  1. Keep the order's pricing as an Order, with Line.Qty the quantity it
//     will bill (ordered minus cancelled).
//  2. For each shipment, call Bill(order, documents, shipment) with every
//     document issued for the order so far. Assign the invoice its Number
//     and IssuedAt, and store it with the shipment, in the same transaction.
//  3. For a return, or a price correction, call Credit with a Correction
//     naming the invoice's shipment; for a price correction pass the order
//     with its corrected pricing. Store the credit note like an invoice.
//  4. Should Bill return ErrPriceChanged, issue the correction first
//     (step 3), then bill.
//  5. To check invariant 5 of the design (an order's invoices add up to its
//     total), compare Billed(documents) with Total(order, shipments) using
//     Totals.Equal.
//
// In code:
//
//	o := invoice.Order{ID: "O-1001", Currency: "EUR", Lines: []invoice.Line{
//		{ID: "L1", SKU: "BOLT-M8", Qty: 100, UnitPrice: decimal.RequireFromString("0.35"),
//			TaxPercent: decimal.NewFromInt(21), TaxCategory: "S"},
//	}, Charges: []invoice.Charge{
//		{ID: "FREIGHT", Kind: invoice.Freight, Amount: decimal.NewFromInt(25),
//			TaxPercent: decimal.NewFromInt(21), TaxCategory: "S"},
//	}}
//	var docs []invoice.Invoice
//	inv, err := invoice.Bill(o, docs, invoice.Shipment{ID: "S1",
//		Lines: []invoice.LineQty{{LineID: "L1", Qty: 30}}})
//	if err != nil {
//		return err // a *ValidationError or *MismatchError; errors.Is(err, invoice.ErrInvalid)
//	}
//	inv.Number, inv.IssuedAt = nextNumber(), now
//	docs = append(docs, inv)
//	// … later: a return of 5 bolts from that shipment
//	cn, err := invoice.Credit(o, docs, invoice.Correction{ID: "R1", ShipmentID: "S1",
//		Returns: []invoice.LineQty{{LineID: "L1", Qty: 5}}})
//
// Invoice marshals to JSON with stable field names and amounts as strings
// with exactly the currency's minor units, and reads back the same.
//
// # Testing
//
// Besides table tests and golden files (testdata/*.golden, rewritten with
// go test -run TestGolden -update), FuzzInvoice checks the rule against a
// big.Rat oracle on random orders; run it with a short minimization time,
// as its cases are large:
//
//	go test ./invoice -run XXX -fuzz FuzzInvoice -fuzztime 30s -fuzzminimizetime 2s
package invoice
