package memstore

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"math"
	"sort"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/backorder"
)

// ErrReadOnly is returned by every write method of a transaction that View
// started.
var ErrReadOnly = errors.New("memstore: write in a read-only transaction")

// ErrTxDone is returned by every method of a transaction used after its
// function returned.
var ErrTxDone = errors.New("memstore: transaction has already ended")

// Store is an in-memory backorder.Store. It is safe for concurrent use.
//
// Update transactions run one at a time, under the store's write lock, and
// are therefore serializable; a Store never returns backorder.ErrConflict
// (except from PutCommand for a key already recorded, as the contract asks).
// View transactions share a read lock and run alongside each other.
//
// Every value is copied on the way in and on the way out, so a caller never
// shares memory with the store, just as with a database.
//
// Create a Store with New. Do not copy a Store after first use, and do not
// call Update or View from inside a transaction's function: the store's lock
// is not reentrant and the call would block forever.
type Store struct {
	once sync.Once
	mu   sync.RWMutex

	// undo lists, in order, the table of every change made by the running
	// Update, and holds every table, to forget their changes on commit.
	undo undoLog

	items     *table[string, backorder.Item]
	suppliers *table[string, backorder.Supplier]
	locations *table[string, backorder.Location]
	positions *positionTable
	inbounds  *table[string, backorder.Inbound]
	orders    *table[uuid.UUID, *orderRec]
	// lines holds the lines and the book entries, by line id (see lineRow,
	// lineTable).
	lines     *lineTable
	shipments *table[uuid.UUID, *backorder.Shipment]
	invoices  *table[uuid.UUID, *backorder.Invoice]
	commands  *cmdTable
	sequences *sequenceTable
	events    eventLog
	// names numbers the SKUs, locations and customers that stored lines
	// and events keep as numbers (see interner).
	names interner

	allLocations *sortedIndex[struct{}, backorder.Location]
	skuInbounds  *sortedIndex[string, backorder.Inbound]
	waiting      *seqIndex[string]
	holders      *holderIndex
	customers    *setIndex[string, bookKey, entryRef]
	byCustomer   func(a, b entryRef) int
	open         *openOrders
	orderShips   *sortedIndex[uuid.UUID, *backorder.Shipment]
	orderInvs    *sortedIndex[uuid.UUID, *backorder.Invoice]
}

// Compile-time check that *Store implements backorder.Store.
var _ backorder.Store = (*Store)(nil)

type bookKey struct {
	sku  string
	line uuid.UUID
}

// orderRec is a stored order: its header (Lines nil) and its lines' ids in
// their order. Like every stored value it is never modified in place.
type orderRec struct {
	header backorder.Order
	lines  []uuid.UUID
}

// New returns an empty Store.
func New() *Store {
	s := new(Store)
	s.once.Do(s.init)
	return s
}

func (s *Store) init() {
	log := &s.undo
	s.allLocations = newSortedIndex(
		func(_ backorder.Location, dst []struct{}) []struct{} { return append(dst, struct{}{}) },
		func(a, b backorder.Location) int {
			if c := cmp.Compare(a.Rank, b.Rank); c != 0 {
				return c
			}
			return cmp.Compare(a.ID, b.ID)
		})
	s.skuInbounds = newSortedIndex(
		func(in backorder.Inbound, dst []string) []string {
			if in.Qty > 0 {
				dst = append(dst, in.SKU)
			}
			return dst
		},
		func(a, b backorder.Inbound) int {
			if c := compareTime(a.Expected, b.Expected); c != 0 {
				return c
			}
			return cmp.Compare(a.ID, b.ID)
		})
	// The entry indexes' keys read SKU, LineID, Seq, Backordered, Customer
	// and Allocations' locations: sameEntryKeys (rows.go) must cover them.
	names := &s.names
	s.waiting = newSeqIndex(
		func(e entryRef, dst []string) []string {
			if e.waiting() {
				dst = append(dst, e.skuName(names))
			}
			return dst
		})
	s.holders = newHolderIndex(names)
	s.customers = newSetIndex(
		func(e entryRef) (string, bool) { return e.customerName(names), e.waiting() },
		func(e entryRef) bookKey { return bookKey{e.skuName(names), e.b.lineID} })
	s.byCustomer = func(a, b entryRef) int { return byCustomer(a, b, names) }
	s.orderShips = newSortedIndex(
		func(sh *backorder.Shipment, dst []uuid.UUID) []uuid.UUID { return append(dst, sh.OrderID) },
		func(a, b *backorder.Shipment) int {
			if c := compareTime(a.CreatedAt, b.CreatedAt); c != 0 {
				return c
			}
			return compareUUID(a.ID, b.ID)
		})
	s.orderInvs = newSortedIndex(
		func(inv *backorder.Invoice, dst []uuid.UUID) []uuid.UUID { return append(dst, inv.OrderID) },
		func(a, b *backorder.Invoice) int {
			if c := compareTime(a.IssuedAt, b.IssuedAt); c != 0 {
				return c
			}
			if c := cmp.Compare(a.Number, b.Number); c != 0 {
				return c
			}
			return compareUUID(a.ID, b.ID)
		})

	s.items = newTable[string, backorder.Item](log)
	s.suppliers = newTable[string, backorder.Supplier](log)
	s.locations = newTable[string](log, index[backorder.Location](s.allLocations))
	s.positions = newPositionTable(log)
	s.inbounds = newTable[string](log, index[backorder.Inbound](s.skuInbounds))
	s.orders = newTable[uuid.UUID, *orderRec](log)
	s.open = newOpenOrders()
	// The books' indexes (waiting, customers) hold waiting entries only.
	s.lines = newLineTable(&s.names, log, []rowIndex{lineIndex{s.open}, entryIndex{s.holders, names}},
		[]rowIndex{entryIndex{s.waiting, names}, entryIndex{s.customers, names}})
	s.shipments = newTable[uuid.UUID](log, index[*backorder.Shipment](s.orderShips))
	s.invoices = newTable[uuid.UUID](log, index[*backorder.Invoice](s.orderInvs))
	s.commands = newCmdTable(log)
	s.sequences = newSequenceTable(log)
	s.events.log, s.events.names = log, &s.names
	s.events.id = log.register(&s.events)
}

// byCustomer orders a customer's book entries by Placed, SKU, Seq, then
// line id.
func byCustomer(a, b entryRef, names *interner) int {
	if c := compareTime(a.placed(), b.placed()); c != 0 {
		return c
	}
	if c := cmp.Compare(a.skuName(names), b.skuName(names)); c != 0 {
		return c
	}
	return compareItems(itemOf(a), itemOf(b))
}

// compareTime orders times by their instant on the wall clock. Unlike
// time.Time.Compare it ignores monotonic clock readings, which it would use
// only when both times have one: a mix could order three times
// inconsistently after the wall clock was stepped, and an index needs a
// total order to find its entries again.
func compareTime(a, b time.Time) int {
	if c := cmp.Compare(a.Unix(), b.Unix()); c != 0 {
		return c
	}
	return cmp.Compare(a.Nanosecond(), b.Nanosecond())
}

// compareUUID orders ids bytewise, which is also the order of their
// canonical strings.
func compareUUID(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }

// Update runs fn in a read-write transaction; see backorder.Store for the
// contract. Writes go straight into the store, each recording how to undo
// it; if fn returns an error, panics, or ctx is done when fn returns, the
// changes are undone in reverse order before Update returns the error (or
// panics again). Update transactions run one at a time.
func (s *Store) Update(ctx context.Context, fn func(backorder.Tx) error) (err error) {
	if err := check(ctx, fn); err != nil {
		return err
	}
	s.once.Do(s.init)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	t := &tx{s: s, write: true}
	committed := false
	defer func() {
		t.done.Store(true)
		if !committed {
			s.rollback()
		}
	}()
	if err := fn(t); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.commit()
	committed = true
	return nil
}

// View runs fn in a read-only transaction that sees the committed state;
// every write method of its Tx returns ErrReadOnly. Views run alongside each
// other and wait for a running Update to finish. If ctx is done when fn
// returns, View returns ctx's error.
func (s *Store) View(ctx context.Context, fn func(backorder.Tx) error) error {
	if err := check(ctx, fn); err != nil {
		return err
	}
	s.once.Do(s.init)
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	t := &tx{s: s}
	defer t.done.Store(true)
	if err := fn(t); err != nil {
		return err
	}
	return ctx.Err()
}

// check refuses a nil context or function instead of panicking on it.
func check(ctx context.Context, fn func(backorder.Tx) error) error {
	if ctx == nil {
		return &backorder.ValidationError{Field: "ctx", Reason: "must not be nil"}
	}
	if fn == nil {
		return &backorder.ValidationError{Field: "fn", Reason: "must not be nil"}
	}
	return ctx.Err()
}

func (s *Store) commit() { s.undo.commit() }

func (s *Store) rollback() {
	s.undo.rollback()
	s.undo.commit()
}

// eventChunk is how many events one chunk of the outbox holds, and how
// many batches one chunk of batches holds. The outbox grows by whole
// chunks, so appending never copies older events.
const eventChunk = 1024

// eventLog is the append-only outbox: the event with Seq n is at index n-1,
// in chunk (n-1)/eventChunk.
type eventLog struct {
	chunks [][]storedEvent
	n      int
	// batches are the runs of consecutive events that share their At and
	// Command (an operation's events do), in order, nb of them, in chunks
	// of eventChunk: an event's time and command are kept once per run,
	// not once per event.
	batches [][]eventBatch
	nb      int
	// rare holds the rare fields of the events that have any (see
	// storedEvent.rare), and names numbers their strings.
	rare  []rareEventFields
	names *interner // the store's
	// marks are the lengths (events, batches, rare) before each append of
	// the running transaction.
	marks []logMark
	log   *undoLog
	id    uint8 // in log
}

// logMark is the length of an eventLog before an append.
type logMark struct{ n, nb, nr int }

// eventBatch is a run of events, from index first on, that share their
// At and Command.
type eventBatch struct {
	first   int
	at      time.Time
	command string
}

// storedEvent is an event as the outbox keeps it: the fields most events
// carry, in 56 bytes without a pointer, and the others in the log's rare
// fields. An Event is some 300 bytes, mostly empty, and the outbox keeps
// every event ever raised: the compact form is a fifth of the memory
// written per event, and, having no pointers (its strings are numbered by
// the store's interner), it is memory the garbage collector never scans and
// the write barrier never sees, however long the outbox grows. Seq is the
// event's place in the log, At and Command are its batch's. Type is a
// code for the engine's types (its name is in the rare fields for any
// other); id2 holds LineID, or ShipmentID for an event without a line;
// str holds SKU, or Customer for an event without a SKU (the other, when
// an event has both, is in the rare fields).
type storedEvent struct {
	orderID  uuid.UUID
	id2      uuid.UUID
	qty      int64
	str      uint32 // a number of the store's interner
	location uint32 // a number of the store's interner
	// rare is 1 + the index of the event's rare fields in eventLog.rare,
	// or 0 for an event that has none.
	rare  uint32
	typ   uint8
	flags uint8
}

// storedEvent flags.
const (
	id2Shipment = 1 << iota // id2 is the ShipmentID
	strCustomer             // str is the Customer
)

// rareEventFields are the fields of an event that few events carry.
type rareEventFields struct {
	typ        backorder.EventType // when it has no code
	shipmentID uuid.UUID           // when the event has a LineID too
	customer   string              // when the event has a SKU too
	invoiceID  uuid.UUID
	inboundID  string
	number     string
	reason     string
	from, to   int64
	oldDate    time.Time
	newDate    time.Time
}

// eventTypes are the event types that storedEvent keeps as a code: the
// code of eventTypes[i] is i+1, 0 meaning none.
var eventTypes = [...]backorder.EventType{
	backorder.OrderPlaced, backorder.LineAllocated, backorder.LineDeallocated, backorder.LineBackordered,
	backorder.LineCancelled, backorder.LineRejected, backorder.StockReceived, backorder.StockAdjusted,
	backorder.PriorityChanged, backorder.ItemChanged, backorder.InboundExpected, backorder.InboundChanged,
	backorder.InboundCancelled, backorder.PromiseChanged, backorder.PromiseLate, backorder.ShipmentCreated,
	backorder.ShipmentConfirmed, backorder.ShipmentVoided, backorder.ShipmentReturned, backorder.OrderCompleted,
	backorder.BackorderCancelled, backorder.InvoiceIssued, backorder.CreditNoteIssued,
}

// typeCode returns t's code, or 0 if it has none. A switch, which the
// compiler turns into a search by length and value, not a loop over
// eventTypes comparing each.
func typeCode(t backorder.EventType) uint8 {
	switch t {
	case backorder.OrderPlaced:
		return 1
	case backorder.LineAllocated:
		return 2
	case backorder.LineDeallocated:
		return 3
	case backorder.LineBackordered:
		return 4
	case backorder.LineCancelled:
		return 5
	case backorder.LineRejected:
		return 6
	case backorder.StockReceived:
		return 7
	case backorder.StockAdjusted:
		return 8
	case backorder.PriorityChanged:
		return 9
	case backorder.ItemChanged:
		return 10
	case backorder.InboundExpected:
		return 11
	case backorder.InboundChanged:
		return 12
	case backorder.InboundCancelled:
		return 13
	case backorder.PromiseChanged:
		return 14
	case backorder.PromiseLate:
		return 15
	case backorder.ShipmentCreated:
		return 16
	case backorder.ShipmentConfirmed:
		return 17
	case backorder.ShipmentVoided:
		return 18
	case backorder.ShipmentReturned:
		return 19
	case backorder.OrderCompleted:
		return 20
	case backorder.BackorderCancelled:
		return 21
	case backorder.InvoiceIssued:
		return 22
	case backorder.CreditNoteIssued:
		return 23
	}
	return 0
}

// store sets s to ev but its Seq, At and Command.
func (l *eventLog) store(s *storedEvent, ev *backorder.Event) error {
	str, flags := ev.SKU, uint8(0)
	rare := false
	if ev.Customer != "" {
		if ev.SKU == "" {
			str, flags = ev.Customer, strCustomer
		} else {
			rare = true
		}
	}
	id2 := ev.LineID
	if ev.ShipmentID != uuid.Nil {
		if ev.LineID == uuid.Nil {
			id2, flags = ev.ShipmentID, flags|id2Shipment
		} else {
			rare = true
		}
	}
	strID, err := l.names.id(str)
	if err != nil {
		return err
	}
	locID, err := l.names.id(ev.Location)
	if err != nil {
		return err
	}
	*s = storedEvent{orderID: ev.OrderID, id2: id2, qty: ev.Qty, str: strID, location: locID,
		typ: typeCode(ev.Type), flags: flags}
	if rare || s.typ == 0 || ev.InvoiceID != uuid.Nil || ev.InboundID != "" || ev.Number != "" || ev.Reason != "" ||
		ev.From != 0 || ev.To != 0 || !isZeroTime(ev.OldDate) || !isZeroTime(ev.NewDate) {
		if uint64(len(l.rare)) >= math.MaxUint32 {
			return errTooManyRare
		}
		r := rareEventFields{invoiceID: ev.InvoiceID, inboundID: ev.InboundID, number: ev.Number, reason: ev.Reason,
			from: ev.From, to: ev.To, oldDate: ev.OldDate, newDate: ev.NewDate}
		if s.typ == 0 {
			r.typ = ev.Type
		}
		if flags&id2Shipment == 0 {
			r.shipmentID = ev.ShipmentID // nil unless the event has a line too
		}
		if flags&strCustomer == 0 {
			r.customer = ev.Customer // empty unless the event has a SKU too
		}
		l.rare = append(l.rare, r)
		s.rare = uint32(len(l.rare))
	}
	return nil
}

// event returns the stored event s with the sequence number seq, of
// batch b.
func (l *eventLog) event(s *storedEvent, seq uint64, b *eventBatch) backorder.Event {
	ev := backorder.Event{Seq: seq, At: b.at, Command: b.command, OrderID: s.orderID,
		Location: l.names.name(s.location), Qty: s.qty}
	if s.typ > 0 {
		ev.Type = eventTypes[s.typ-1]
	}
	if s.flags&id2Shipment != 0 {
		ev.ShipmentID = s.id2
	} else {
		ev.LineID = s.id2
	}
	if s.flags&strCustomer != 0 {
		ev.Customer = l.names.name(s.str)
	} else {
		ev.SKU = l.names.name(s.str)
	}
	if s.rare > 0 {
		r := &l.rare[s.rare-1]
		if s.typ == 0 {
			ev.Type = r.typ
		}
		if r.shipmentID != uuid.Nil {
			ev.ShipmentID = r.shipmentID
		}
		if r.customer != "" {
			ev.Customer = r.customer
		}
		ev.InvoiceID, ev.InboundID, ev.Number, ev.Reason = r.invoiceID, r.inboundID, r.number, r.reason
		ev.From, ev.To, ev.OldDate, ev.NewDate = r.from, r.to, r.oldDate, r.newDate
	}
	return ev
}

// errTooManyRare is returned when the outbox would hold more events with
// rare fields than a uint32 numbers: never in practice (memory runs out
// first), but an error, not a wrapped-around index.
var errTooManyRare = errors.New("memstore: more than 2^32 events with rare fields")

// isZeroTime reports whether t is the zero time.Time value itself, with
// no location: such a field is left out of rareEventFields, and comes back
// as the zero value (a zero instant with a location is kept).
func isZeroTime(t time.Time) bool { return t == time.Time{} }

// holds reports whether ev has the batch's time and command.
func (b *eventBatch) holds(ev *backorder.Event) bool { return b.at == ev.At && b.command == ev.Command }

// batch returns the i-th batch.
func (l *eventLog) batch(i int) *eventBatch { return &l.batches[i/eventChunk][i%eventChunk] }

// append adds evs to the log, setting their Seq. An error (the interner
// full) leaves the events appended so far for the rollback to take back.
func (l *eventLog) append(evs []backorder.Event) error {
	l.marks = append(l.marks, logMark{l.n, l.nb, len(l.rare)})
	l.log.add(l.id)
	for i := range evs {
		ev := &evs[i]
		// A new batch when the time or command changes (== on the time
		// compares its representation, so the event reads back exactly
		// as it was given).
		if l.nb == 0 || !l.batch(l.nb-1).holds(ev) {
			if l.nb == len(l.batches)*eventChunk {
				l.batches = append(l.batches, make([]eventBatch, eventChunk))
			}
			*l.batch(l.nb) = eventBatch{first: l.n, at: ev.At, command: ev.Command}
			l.nb++
		}
		if l.n == len(l.chunks)*eventChunk {
			l.chunks = append(l.chunks, make([]storedEvent, eventChunk))
		}
		if err := l.store(&l.chunks[l.n/eventChunk][l.n%eventChunk], ev); err != nil {
			return err
		}
		l.n++
		ev.Seq = uint64(l.n)
	}
	return nil
}

// batchOf returns the index of the batch that holds event index i.
func (l *eventLog) batchOf(i int) int {
	return sort.Search(l.nb, func(k int) bool { return l.batch(k).first > i }) - 1
}

// read returns a copy of up to limit events after the first after.
func (l *eventLog) read(after uint64, limit int) []backorder.Event {
	n := uint64(l.n)
	if limit <= 0 || after >= n {
		return nil
	}
	end := n
	if uint64(limit) < n-after {
		end = after + uint64(limit)
	}
	out := make([]backorder.Event, 0, end-after)
	k := l.batchOf(int(after))
	for i := after; i < end; i++ {
		for k+1 < l.nb && uint64(l.batch(k+1).first) <= i {
			k++
		}
		out = append(out, l.event(&l.chunks[i/eventChunk][i%eventChunk], i+1, l.batch(k)))
	}
	return out
}

func (l *eventLog) undoLast() {
	n := len(l.marks) - 1
	m := l.marks[n]
	for i := m.n; i < l.n; i++ {
		l.chunks[i/eventChunk][i%eventChunk] = storedEvent{}
	}
	for i := m.nb; i < l.nb; i++ {
		*l.batch(i) = eventBatch{}
	}
	clear(l.rare[m.nr:])
	l.rare = l.rare[:m.nr]
	l.n, l.nb = m.n, m.nb
	l.marks = l.marks[:n]
}

func (l *eventLog) forget() { l.marks = l.marks[:0] }
