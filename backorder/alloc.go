package backorder

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/allocation"
)

// PolicyError reports that an allocation policy returned grants that break
// the allocation.Policy contract. The operation changes nothing.
type PolicyError struct {
	// Policy is the policy's type.
	Policy string
	// Reason says which rule the grants broke.
	Reason string
	// Err is the allocation package's *GrantError.
	Err error
}

// Unwrap returns the allocation package's error.
func (e *PolicyError) Unwrap() error { return e.Err }

// Error implements error.
func (e *PolicyError) Error() string {
	return fmt.Sprintf("backorder: policy %s broke its contract: %s", e.Policy, e.Reason)
}

// locations returns every location in allocation order (Rank, then ID).
func (w *work) locations() ([]Location, error) {
	if w.locs == nil {
		locs, err := w.tx.Locations()
		if err != nil {
			return nil, err
		}
		w.locs = locs
		if w.locs == nil {
			w.locs = []Location{}
		}
	}
	return w.locs, nil
}

// allocateAt hands the SKU's available stock at loc to its book in policy
// order (and, with preemption, moves holdings the policy lets move). When
// that serves lines, stock that minimums or case packs held back at other
// locations may now fit what those lines still wait for (a line short of
// 5 with a minimum of 12 takes 5), so those locations are offered to the
// book again, in location order, until nothing more moves: no stock is left
// stranded that a waiting line could take.
func (w *work) allocateAt(s *skuState, loc string) error {
	served, err := w.allocateOnce(s, loc)
	if err != nil || !served {
		return err
	}
	locs, err := w.locations()
	if err != nil {
		return err
	}
	// The first pass skips loc, which the policy has just served; later
	// passes offer every location again. Each pass either serves the book
	// (its backordered total falls) or moves holdings; the bound only
	// guards against a custom policy that keeps moving them.
	for skip, passes := loc, 0; served && passes <= 2*len(locs)+2; skip, passes = "", passes+1 {
		served = false
		for _, l := range locs {
			if l.ID == skip || s.available(l.ID) <= 0 {
				continue
			}
			ok, err := w.allocateOnce(s, l.ID)
			if err != nil {
				return err
			}
			served = served || ok
		}
	}
	return nil
}

// allocateOnce runs the policy once at loc and reports whether it changed
// what lines wait for: the book's backordered total went down, or a line
// lost stock to preemption (and may now take stock elsewhere).
func (w *work) allocateOnce(s *skuState, loc string) (bool, error) {
	if err := w.loadBook(s); err != nil {
		return false, err
	}
	waiting, demands := s.waitingDemands(w.bufEntries, w.bufDemands, loc, w.e.preempt)
	w.bufEntries, w.bufDemands = waiting, demands
	if len(waiting) == 0 {
		return false, nil
	}
	supply := max(s.available(loc), 0)
	cands := waiting
	if w.e.preempt || slices.ContainsFunc(demands, func(d allocation.Demand) bool { return d.Protection == allocation.Win }) {
		if err := w.loadHolders(s, loc); err != nil {
			return false, err
		}
		// Lines that hold stock here and wait for nothing: read as
		// holders, or served earlier in this operation.
		for i := range s.book {
			if e := &s.book[i]; e.Backordered == 0 && freeAt(e, loc) > 0 {
				cands = append(cands, e)
			}
		}
		for _, e := range s.extra {
			if e.Backordered == 0 && freeAt(e, loc) > 0 {
				cands = append(cands, e)
			}
		}
		slices.SortFunc(cands, func(a, b *BookEntry) int { return cmp.Compare(a.Seq, b.Seq) })
		demands = demands[:0]
		for _, e := range cands {
			demands = append(demands, w.demand(s, e, loc))
		}
		w.bufDemands = demands
	} else if supply == 0 {
		return false, nil
	}
	grants := s.policy.Allocate(w.bufGrants[:0], supply, demands)
	w.bufGrants = grants
	if !s.builtin {
		if err := checkGrants(s.policy, grants, supply, demands); err != nil {
			return false, err
		}
	}
	if err := w.prefetchGranted(grants, cands); err != nil {
		return false, err
	}
	var net int64
	moved := false
	for i, g := range grants {
		if g == 0 {
			continue
		}
		net += g
		e := cands[i]
		l, err := w.line(e.LineID)
		if err != nil {
			return false, err
		}
		l.addAllocation(loc, g)
		s.position(loc).Allocated += g
		if g > 0 {
			l.Backordered -= g
			w.emitLine(LineAllocated, l, loc, g)
		} else {
			moved = true
			w.emit(Event{Type: LineDeallocated, OrderID: l.OrderID, LineID: l.ID, SKU: l.SKU, Location: loc, Qty: -g, Reason: "preempted"})
			w.unallocated(s, l, -g, "preempted", false)
		}
		if err := w.touchEntry(s, l, e); err != nil {
			return false, err
		}
	}
	return net > 0 || moved, nil
}

// unallocated settles q units a line lost (to preemption, a shrink or a
// released shipment): back to the book for an item that takes backorders
// (announced with LineBackordered when announce says so), cancelled for one
// that does not, since nothing waits for it.
func (w *work) unallocated(s *skuState, l *Line, q int64, why string, announce bool) {
	if s.item.Status.orDefault() == Replenishable {
		l.Backordered += q
		if announce {
			w.emit(Event{Type: LineBackordered, OrderID: l.OrderID, LineID: l.ID, SKU: l.SKU, Qty: q, Reason: why})
		}
		return
	}
	l.Cancelled += q
	l.CancelReason = string(s.item.Status)
	w.emit(Event{Type: LineCancelled, OrderID: l.OrderID, LineID: l.ID, SKU: l.SKU, Qty: q, Reason: string(s.item.Status)})
}

// waitingDemands returns the SKU's waiting entries, by Seq, and their
// demands at loc ("" for the projection, where nothing is held), in the
// storage of bufE and bufD. It is one tight pass over the book, which a
// receipt into a long book reads twice: building the demands entry by entry
// after collecting the entries cost a pass and a call per entry more.
func (s *skuState) waitingDemands(bufE []*BookEntry, bufD []allocation.Demand, loc string, preempt bool) ([]*BookEntry, []allocation.Demand) {
	out, ds := bufE[:0], bufD[:0]
	mult := s.item.CasePack
	sorted := true
	for i := range s.book {
		if e := &s.book[i]; e.Backordered > 0 {
			if len(out) > 0 && e.Seq < out[len(out)-1].Seq {
				sorted = false
			}
			out = append(out, e)
			ds = append(ds, allocation.Demand{Outstanding: e.Backordered, Held: heldAt(e, loc), Seq: e.Seq,
				Min: e.MinAllocation, Multiple: mult, Tier: e.Priority, Protection: e.Protection.toAllocation(preempt)})
		}
	}
	// The entries Book read are in Seq order; those read or made otherwise
	// come after, and are sorted in when they must be (rarely).
	for _, e := range s.extra {
		if e.Backordered > 0 {
			if len(out) > 0 && e.Seq < out[len(out)-1].Seq {
				sorted = false
			}
			out = append(out, e)
			ds = append(ds, allocation.Demand{Outstanding: e.Backordered, Held: heldAt(e, loc), Seq: e.Seq,
				Min: e.MinAllocation, Multiple: mult, Tier: e.Priority, Protection: e.Protection.toAllocation(preempt)})
		}
	}
	if !sorted {
		slices.SortFunc(out, func(a, b *BookEntry) int { return cmp.Compare(a.Seq, b.Seq) })
		ds = ds[:0]
		for _, e := range out {
			ds = append(ds, allocation.Demand{Outstanding: e.Backordered, Held: heldAt(e, loc), Seq: e.Seq,
				Min: e.MinAllocation, Multiple: mult, Tier: e.Priority, Protection: e.Protection.toAllocation(preempt)})
		}
	}
	return out, ds
}

// heldAt is what the entry holds at loc that a policy may move; nothing
// for loc "" (the projection).
func heldAt(e *BookEntry, loc string) int64 {
	if loc == "" {
		return 0
	}
	return freeAt(e, loc)
}

// demand is the entry as the policy sees it at loc.
func (w *work) demand(s *skuState, e *BookEntry, loc string) allocation.Demand {
	return allocation.Demand{Outstanding: e.Backordered, Held: freeAt(e, loc), Seq: e.Seq, Min: e.MinAllocation,
		Multiple: s.item.CasePack, Tier: e.Priority, Protection: e.Protection.toAllocation(w.e.preempt)}
}

// freeAt is e.FreeAt(loc) through a pointer: the method's receiver is a
// copy of the whole entry, and allocation asks for every waiting entry.
func freeAt(e *BookEntry, loc string) int64 {
	if len(e.Allocations) == 0 {
		return -qtyAt(e.Committed, loc) // 0 for any entry the engine wrote
	}
	return qtyAt(e.Allocations, loc) - qtyAt(e.Committed, loc)
}

// allocateAll runs allocateAt at every location, in location order, where
// it may change something.
func (w *work) allocateAll(s *skuState) error {
	locs, err := w.locations()
	if err != nil {
		return err
	}
	for _, l := range locs {
		if w.e.preempt || s.available(l.ID) > 0 {
			if err := w.allocateAt(s, l.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// builtinPolicy reports whether p is one of the allocation package's own
// policies, which always keep the Policy contract.
func builtinPolicy(p allocation.Policy) bool {
	switch p.(type) {
	case allocation.FIFO, allocation.Priority, allocation.FairShare, allocation.MaxMin:
		return true
	}
	return false
}

// checkGrants verifies a policy's answer before the engine acts on it, so a
// faulty custom policy cannot corrupt the book.
func checkGrants(p allocation.Policy, grants []int64, supply int64, demands []allocation.Demand) error {
	if err := allocation.CheckGrants(supply, demands, grants); err != nil {
		return &PolicyError{Policy: fmt.Sprintf("%T", p), Reason: err.Error(), Err: err}
	}
	return nil
}

// prefetchGranted tells a Prefetcher store the lines a grant is about to
// read, when there are several it has not read yet: a receipt that fills
// 200 waiting lines would otherwise read them one round trip at a time.
func (w *work) prefetchGranted(grants []int64, cands []*BookEntry) error {
	p := w.prefetcher
	if p == nil {
		return nil
	}
	var ids []uuid.UUID
	for i, g := range grants {
		if g == 0 {
			continue
		}
		if _, ok := w.lines.get(cands[i].LineID); !ok {
			ids = append(ids, cands[i].LineID)
		}
	}
	if len(ids) < 2 {
		return nil
	}
	return p.Prefetch(Hint{Lines: ids})
}
