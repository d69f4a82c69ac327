package backorder

import "github.com/google/uuid"

// ExistsTx is an optional capability of a Tx, as AppendTx is: whether an
// order or a line is stored, without reading it. Placing an order checks
// that the order's id and each of its lines' ids are new; through Order
// and Line, each check copied what it found and, for the answer the engine
// hopes for, built a not-found error (an allocation per line placed). The
// engine uses it when its Tx implements it; memstore does.
type ExistsTx interface {
	// OrderExists reports whether Order(id) would find the order. Its
	// error is a store failure, never ErrNotFound.
	OrderExists(id uuid.UUID) (bool, error)
	// LineExists reports whether Line(id) would find the line. Its error
	// is a store failure, never ErrNotFound.
	LineExists(id uuid.UUID) (bool, error)
}

// orderExists reports whether the order is stored, through ExistsTx when
// the Tx offers it and through Order otherwise.
func (w *work) orderExists(id uuid.UUID) (bool, error) {
	if w.exists != nil {
		return w.exists.OrderExists(id)
	}
	_, err := w.tx.Order(id)
	return exists(err)
}

// lineExists is orderExists for a line.
func (w *work) lineExists(id uuid.UUID) (bool, error) {
	if w.exists != nil {
		return w.exists.LineExists(id)
	}
	_, err := w.tx.Line(id)
	return exists(err)
}

// exists turns a lookup's error into whether it found something.
func exists(err error) (bool, error) {
	switch {
	case err == nil:
		return true, nil
	case isNotFound(err):
		return false, nil
	}
	return false, err
}
