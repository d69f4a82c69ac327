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

// OrderEntriesTx is an optional capability of a Tx, as LineEntryTx is:
// writing a new order and the book entries of its open lines in one call.
// Placing an order writes an entry for every open line; written after the
// order, each entry made a store that keeps a line and its entry together
// look the line's row up again and keep a second undo record for it. The
// engine uses it when its Tx implements it; memstore does.
type OrderEntriesTx interface {
	// PutOrderEntries does what PutOrder(*o) and then PutBookEntry(*e)
	// for each e of entries, in order, do, with the same errors. The
	// store copies what it keeps: it does not retain o, entries or what
	// they point to, and does not change them.
	PutOrderEntries(o *Order, entries []*BookEntry) error
}
