package backorder

// LineEntryTx is an optional capability of a Tx, as AppendTx and ExistsTx
// are: writing a line and its book entry under the line's own SKU in one
// call. Shipping or confirming an order writes both for every line; as two
// calls, a store looked the line's row up twice and kept two undo records
// for it. The engine uses it when its Tx implements it; memstore does.
type LineEntryTx interface {
	// PutLineAndEntry does what PutLine(*l) and then PutBookEntry(*e)
	// do, with the same errors, where e.LineID is l.ID and e.SKU is
	// l.SKU. The store copies what it keeps: it does not retain l or e,
	// and does not change them.
	PutLineAndEntry(l *Line, e *BookEntry) error
}
