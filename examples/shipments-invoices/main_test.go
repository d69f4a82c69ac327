package main

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/backorderkit/backorderkit/invoice"
)

func TestRun(t *testing.T) {
	var buf bytes.Buffer
	if err := run(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	o := theOrder(newIDs(0x0a), newIDs(0x1a), time.Time{})
	ordered := map[string]int64{}
	for _, l := range o.Lines {
		ordered[l.SKU] = l.Qty
	}

	invoiced := map[string]int64{}
	var invoices []decimal.Decimal // each invoice's total
	var orderTotal decimal.Decimal
	inInvoice := false
	for _, ln := range strings.Split(out, "\n") {
		f := strings.Fields(ln)
		switch {
		case len(f) == 0:
			inInvoice = false
		case f[0] == "Invoice":
			inInvoice = true
			if want := "INV-00000" + strconv.Itoa(len(invoices)+1); f[1] != want {
				t.Errorf("invoice number %s, want %s", f[1], want)
			}
		case inInvoice && ordered[f[0]] > 0:
			q, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				t.Fatalf("line %q: %v", ln, err)
			}
			invoiced[f[0]] += q
		case inInvoice && f[0] == "goods":
			invoices = append(invoices, decimal.RequireFromString(f[len(f)-1]))
		case strings.HasPrefix(ln, "order total"):
			orderTotal = decimal.RequireFromString(f[len(f)-1])
		}
	}
	if len(invoices) != len(receipts) {
		t.Fatalf("%d invoices printed, want %d:\n%s", len(invoices), len(receipts), out)
	}
	for sku, q := range ordered {
		if invoiced[sku] != q {
			t.Errorf("%s: invoiced %d, ordered %d", sku, invoiced[sku], q)
		}
	}
	sum := decimal.Zero
	for _, v := range invoices {
		sum = sum.Add(v)
	}
	if orderTotal.IsZero() || !sum.Equal(orderTotal) {
		t.Errorf("printed invoice totals add up to %s, printed order total %s", sum, orderTotal)
	}
	if !strings.Contains(out, "equal: the invoices add up to the order total") {
		t.Errorf("no equality line:\n%s", out)
	}
}

// TestCheck: a difference of one cent, in the total or in the tax
// breakdown, is an error (and so a non-zero exit).
func TestCheck(t *testing.T) {
	o := pricing(theOrder(func() uuid.UUID { return uuid.UUID{1} }, newIDs(0x1a), time.Time{}))
	want, err := invoice.Total(o, 3)
	if err != nil {
		t.Fatal(err)
	}
	if err := check(want, want, want.Total); err != nil {
		t.Errorf("equal totals: %v", err)
	}
	cent := decimal.RequireFromString("0.01")
	if err := check(want, want, want.Total.Add(cent)); err == nil {
		t.Error("a sum one cent off passes")
	}
	off := want
	off.Total = off.Total.Sub(cent)
	off.TaxTotal = off.TaxTotal.Sub(cent)
	off.Taxes = append([]invoice.TaxLine(nil), want.Taxes...)
	off.Taxes[0].Tax = off.Taxes[0].Tax.Sub(cent)
	if err := check(want, off, want.Total); err == nil {
		t.Error("billed totals one cent off pass")
	}
}
