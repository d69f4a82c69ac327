package sim

import (
	"context"
	"sync"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/backorder"
)

// recordStore passes everything through to the store it wraps and notes
// what each write touches, committed or not: after an operation the
// simulator compares exactly those entities (and everything the model
// changed) with the model, so a write that should have been rolled back, or
// one that went to the wrong row, is seen at once.
type recordStore struct {
	inner backorder.Store

	mu     sync.Mutex
	skus   map[string]bool
	orders map[uuid.UUID]bool
	docs   map[uuid.UUID]bool
	all    bool
}

func newRecordStore(inner backorder.Store) *recordStore {
	return &recordStore{inner: inner, skus: map[string]bool{}, orders: map[uuid.UUID]bool{}, docs: map[uuid.UUID]bool{}}
}

func (s *recordStore) note(w touched) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if w.sku != "" {
		s.skus[w.sku] = true
	}
	if w.order != uuid.Nil {
		s.orders[w.order] = true
		if w.docs {
			s.docs[w.order] = true
		}
	}
	if w.all {
		s.all = true
	}
}

// take returns what was touched since the last call (the orders whose
// shipments or invoices were written among the orders), and forgets it.
func (s *recordStore) take() (skus map[string]bool, orders, docs map[uuid.UUID]bool, all bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	skus, orders, docs, all = s.skus, s.orders, s.docs, s.all
	s.skus, s.orders, s.docs, s.all = map[string]bool{}, map[uuid.UUID]bool{}, map[uuid.UUID]bool{}, false
	return skus, orders, docs, all
}

func (s *recordStore) Update(ctx context.Context, fn func(backorder.Tx) error) error {
	return s.inner.Update(ctx, func(tx backorder.Tx) error {
		return fn(hook(tx, nil, s.note))
	})
}

func (s *recordStore) View(ctx context.Context, fn func(backorder.Tx) error) error {
	return s.inner.View(ctx, fn)
}
