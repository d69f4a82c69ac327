package backorder

import "github.com/google/uuid"

// readOrder reads an order for the operation: into the work's order
// buffer when the Tx offers AppendOrderTx and the buffer is free (an
// operation reads one order, nearly always), and as Order reads it
// otherwise. The returned order's lines are the work's memory when it
// used the buffer: nothing built from them may leave the operation (the
// store copies what flush writes; results copy what they report).
func (w *work) readOrder(id uuid.UUID) (Order, error) {
	if a, ok := w.tx.(AppendOrderTx); ok && !w.orderBufUsed {
		o, err := a.AppendOrder(w.orderBuf[:0], id)
		if err != nil {
			return Order{}, err
		}
		w.orderBuf, w.orderBufUsed = o.Lines, true
		return o, nil
	}
	return w.tx.Order(id)
}
