package sim

import (
	"cmp"
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/backorder"
)

// verify compares, after an operation, everything that the engine wrote
// (even in a transaction that was rolled back) and everything the model
// changed; every checkEvery steps it compares everything. Then it checks
// the invariants over what it compared.
func (r *runner) verify(op *Op, mskus []string, morders []uuid.UUID) *Divergence {
	evs, err := r.newEvents()
	if err != nil {
		return r.fail(op, "events", "reading events: "+err.Error())
	}
	if len(evs) > 0 {
		diff := []string{fmt.Sprintf("%d events appended by an operation that must change nothing", len(evs))}
		for _, ev := range evs {
			diff = append(diff, fmt.Sprintf("%+v", ev))
		}
		return r.fail(op, "events", diff...)
	}
	rskus, rorders, docs, all := r.rec.take()
	for id := range r.m.lastDocs {
		docs[id] = true
	}
	full := r.step%r.checkEvery == 0 || all
	skus, orders := mskus, morders
	if full {
		skus, orders = r.universe()
	} else {
		for s := range rskus {
			if !slices.Contains(skus, s) {
				skus = append(skus, s)
			}
		}
		for id := range rorders {
			if !slices.Contains(orders, id) {
				orders = append(orders, id)
			}
		}
		slices.Sort(skus)
		slices.SortFunc(orders, func(a, b uuid.UUID) int { return cmp.Compare(a.String(), b.String()) })
	}
	var diff []string
	err = r.inner.View(r.ctx, func(tx backorder.Tx) error {
		if full {
			diff = append(diff, r.compareLocations(tx)...)
			for _, c := range r.customers {
				diff = append(diff, r.compareCustomer(tx, c)...)
			}
		}
		for _, sku := range skus {
			diff = append(diff, r.compareSKU(tx, sku)...)
		}
		for _, id := range orders {
			diff = append(diff, r.compareOrder(tx, id, full || docs[id])...)
		}
		return nil
	})
	if err != nil {
		diff = append(diff, "reading the store: "+err.Error())
	}
	if len(diff) > 0 {
		return r.fail(op, "state", diff...)
	}
	locs := make([]string, 0, len(r.m.locs))
	for _, l := range r.m.locations() {
		locs = append(locs, l.ID)
	}
	if !full {
		if v := r.m.invariants(skus, orders); len(v) > 0 {
			return r.fail(op, "invariant", v...)
		}
		return nil
	}
	u := Universe{SKUs: skus, Locations: locs, Orders: orders}
	if err := check(r.ctx, r.inner, u, true); err != nil {
		var ie *InvariantError
		if errors.As(err, &ie) {
			return r.fail(op, "invariant", ie.Violations...)
		}
		return r.fail(op, "invariant", err.Error())
	}
	return nil
}

// universe is every SKU and order the model knows or an op named.
func (r *runner) universe() ([]string, []uuid.UUID) {
	skus := slices.Clone(r.skus)
	for sku := range r.m.items {
		if !slices.Contains(skus, sku) {
			skus = append(skus, sku)
		}
	}
	orders := slices.Clone(r.orders)
	for _, id := range r.m.orderIDs {
		if !slices.Contains(orders, id) {
			orders = append(orders, id)
		}
	}
	slices.Sort(skus)
	return skus, orders
}

func prefix(p string, diff []string) []string {
	for i := range diff {
		diff[i] = p + diff[i]
	}
	return diff
}

func (r *runner) compareLocations(tx backorder.Tx) []string {
	got, err := tx.Locations()
	if err != nil {
		return []string{"Locations: " + err.Error()}
	}
	return prefix("Locations: ", diffValues(got, r.m.locations()))
}

func (r *runner) compareCustomer(tx backorder.Tx, c string) []string {
	got, err := tx.CustomerBook(c)
	if err != nil {
		return []string{"CustomerBook(" + c + "): " + err.Error()}
	}
	return prefix("CustomerBook("+c+"): ", diffValues(got, r.m.customerBook(c)))
}

// compareSKU compares an item, its positions, its book, its holders at
// every location and its inbound supply.
func (r *runner) compareSKU(tx backorder.Tx, sku string) []string {
	var diff []string
	it, err := tx.Item(sku)
	want, ok := r.m.items[sku]
	switch {
	case err != nil && !errors.Is(err, backorder.ErrNotFound):
		return []string{fmt.Sprintf("Item(%s): %v", sku, err)}
	case err != nil && ok:
		return []string{fmt.Sprintf("Item(%s): not found, the model has it", sku)}
	case err == nil && !ok:
		return []string{fmt.Sprintf("Item(%s): found, the model has no such item", sku)}
	case err == nil:
		diff = append(diff, prefix("Item("+sku+"): ", diffValues(it, want))...)
	}
	ps, err := tx.Positions(sku)
	if err != nil {
		return append(diff, fmt.Sprintf("Positions(%s): %v", sku, err))
	}
	ps = nonZero(ps)
	diff = append(diff, prefix("Positions("+sku+"): ", diffValues(ps, r.m.positions(sku)))...)
	book, err := tx.Book(sku)
	if err != nil {
		return append(diff, fmt.Sprintf("Book(%s): %v", sku, err))
	}
	diff = append(diff, prefix("Book("+sku+"): ", r.diffBook(book, r.m.book(sku)))...)
	for _, loc := range r.m.locations() {
		hs, err := tx.Holders(sku, loc.ID)
		if err != nil {
			return append(diff, fmt.Sprintf("Holders(%s, %s): %v", sku, loc.ID, err))
		}
		diff = append(diff, prefix("Holders("+sku+", "+loc.ID+"): ", r.diffBook(hs, r.m.holders(sku, loc.ID)))...)
	}
	in, err := tx.Inbounds(sku)
	if err != nil {
		return append(diff, fmt.Sprintf("Inbounds(%s): %v", sku, err))
	}
	return append(diff, prefix("Inbounds("+sku+"): ", diffValues(in, r.m.inboundsOf(sku)))...)
}

// diffBook compares book entries with the model's lines they index: first
// without building the model's entries (the common case, after every
// operation), then, if they differ, in full.
func (r *runner) diffBook(got []backorder.BookEntry, want []*backorder.Line) []string {
	if len(got) == len(want) {
		ok := true
		for i, l := range want {
			if !r.sameEntryLine(&got[i], l) {
				ok = false
				break
			}
		}
		if ok {
			return nil
		}
	}
	return diffValues(got, r.entries(want))
}

// sameEntryLine reports whether e is the book entry of l, as bookEntry
// builds it.
func (r *runner) sameEntryLine(e *backorder.BookEntry, l *backorder.Line) bool {
	o := r.m.orders[l.OrderID]
	if e.SKU != l.SKU || e.LineID != l.ID || e.OrderID != l.OrderID || e.Customer != o.hdr.Customer ||
		e.Priority != o.hdr.Priority || !sameTime(e.Placed, o.hdr.Placed) || e.Seq != l.Seq ||
		e.Backordered != l.Backordered || !sameLocQty(e.Allocations, l.Allocations) ||
		!sameLocQty(e.Committed, l.Committed) || e.MinAllocation != l.MinAllocation ||
		e.Protection != l.Protection || !sameTime(e.RequestedDate, o.hdr.RequestedDate) {
		return false
	}
	return samePromiseDate(e.Promise, r.m.promises[l.ID])
}

func (r *runner) entries(ls []*backorder.Line) []backorder.BookEntry {
	out := make([]backorder.BookEntry, len(ls))
	for i, l := range ls {
		out[i] = r.m.bookEntry(l)
	}
	return out
}

// compareOrder compares an order with its lines and, with docs, its
// shipments and invoices.
func (r *runner) compareOrder(tx backorder.Tx, id uuid.UUID, docs bool) []string {
	got, err := tx.Order(id)
	want, ok := r.m.order(id)
	name := "Order(" + id.String() + ")"
	switch {
	case err != nil && !errors.Is(err, backorder.ErrNotFound):
		return []string{fmt.Sprintf("%s: %v", name, err)}
	case err != nil && ok:
		return []string{name + ": not found, the model has it"}
	case err == nil && !ok:
		return []string{name + ": found, the model has no such order"}
	case err != nil:
		return nil
	}
	diff := prefix(name+": ", diffValues(got, want))
	if !docs {
		return diff
	}
	o := r.m.orders[id]
	shs, err := tx.Shipments(id)
	if err != nil {
		return append(diff, fmt.Sprintf("Shipments(%s): %v", id, err))
	}
	wantShips := make([]backorder.Shipment, len(o.ships))
	for i, sh := range o.ships {
		wantShips[i] = sh.Clone()
	}
	slices.SortStableFunc(wantShips, func(a, b backorder.Shipment) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return slices.Compare(a.ID[:], b.ID[:])
	})
	diff = append(diff, prefix("Shipments("+id.String()+"): ", diffValues(shs, wantShips))...)
	invs, err := tx.Invoices(id)
	if err != nil {
		return append(diff, fmt.Sprintf("Invoices(%s): %v", id, err))
	}
	wantInvs := make([]backorder.Invoice, len(o.invs))
	for i, inv := range o.invs {
		wantInvs[i] = inv.Clone()
	}
	return append(diff, prefix("Invoices("+id.String()+"): ", diffValues(invs, wantInvs))...)
}
