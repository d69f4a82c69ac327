package backorder

import (
	"time"

	"github.com/google/uuid"
)

// EventType names what changed.
type EventType string

// The event types. Each event carries the fields that its type documents;
// the others are zero.
const (
	// OrderPlaced: OrderID, Customer, Qty (total ordered).
	OrderPlaced EventType = "order_placed"
	// LineAllocated: OrderID, LineID, SKU, Location, Qty (allocated now).
	LineAllocated EventType = "line_allocated"
	// LineDeallocated: OrderID, LineID, SKU, Location, Qty (taken back),
	// Reason ("preempted", "stock_adjusted", "cancelled").
	LineDeallocated EventType = "line_deallocated"
	// LineBackordered: OrderID, LineID, SKU, Qty (newly backordered).
	LineBackordered EventType = "line_backordered"
	// LineCancelled: OrderID, LineID, SKU, Qty, Reason.
	LineCancelled EventType = "line_cancelled"
	// LineRejected: OrderID, LineID, SKU, Qty, Reason ("discontinued").
	LineRejected EventType = "line_rejected"
	// StockReceived: SKU, Location, Qty, InboundID.
	StockReceived EventType = "stock_received"
	// StockAdjusted: SKU, Location, Qty (the signed change), Reason.
	StockAdjusted EventType = "stock_adjusted"
	// PriorityChanged: OrderID, From, To.
	PriorityChanged EventType = "priority_changed"
	// ItemChanged: SKU, Reason (the new supply status).
	ItemChanged EventType = "item_changed"
	// InboundExpected, InboundChanged, InboundCancelled: InboundID, SKU,
	// Location, Qty, NewDate (and OldDate on a change).
	InboundExpected  EventType = "inbound_expected"
	InboundChanged   EventType = "inbound_changed"
	InboundCancelled EventType = "inbound_cancelled"
	// PromiseChanged: OrderID, LineID, SKU, OldDate, NewDate (zero: no
	// date), Reason (the new PromiseKind). Raised only when the line's
	// ready date moves to another day.
	PromiseChanged EventType = "promise_changed"
	// PromiseLate: OrderID, LineID, SKU, OldDate (the requested date),
	// NewDate (the promise).
	PromiseLate EventType = "promise_late"
	// ShipmentCreated, ShipmentConfirmed, ShipmentVoided: OrderID,
	// ShipmentID, Location, Qty.
	ShipmentCreated   EventType = "shipment_created"
	ShipmentConfirmed EventType = "shipment_confirmed"
	ShipmentVoided    EventType = "shipment_voided"
	// ShipmentReturned: OrderID, ShipmentID, LineID, SKU, Location, Qty, Reason.
	ShipmentReturned EventType = "shipment_returned"
	// OrderCompleted: OrderID.
	OrderCompleted EventType = "order_completed"
	// BackorderCancelled: OrderID, LineID, SKU, Qty, Reason.
	BackorderCancelled EventType = "backorder_cancelled"
	// InvoiceIssued, CreditNoteIssued: OrderID, ShipmentID, InvoiceID, Number.
	InvoiceIssued    EventType = "invoice_issued"
	CreditNoteIssued EventType = "credit_note_issued"
)

// Event is one change, appended to the store's outbox in the same
// transaction as the change itself. Seq increases store-wide in commit
// order, so a host that reads Events(after) from its last seen Seq misses
// nothing.
type Event struct {
	Seq  uint64    `json:"seq"`
	Type EventType `json:"type"`
	At   time.Time `json:"at"`
	// Command is the key of the command that caused the event.
	Command    string    `json:"command,omitempty"`
	OrderID    uuid.UUID `json:"order_id,omitzero"`
	LineID     uuid.UUID `json:"line_id,omitzero"`
	ShipmentID uuid.UUID `json:"shipment_id,omitzero"`
	InvoiceID  uuid.UUID `json:"invoice_id,omitzero"`
	InboundID  string    `json:"inbound_id,omitempty"`
	Customer   string    `json:"customer,omitempty"`
	SKU        string    `json:"sku,omitempty"`
	Location   string    `json:"location,omitempty"`
	Qty        int64     `json:"qty,omitempty"`
	From       int64     `json:"from,omitempty"`
	To         int64     `json:"to,omitempty"`
	OldDate    time.Time `json:"old_date,omitzero"`
	NewDate    time.Time `json:"new_date,omitzero"`
	Number     string    `json:"number,omitempty"`
	Reason     string    `json:"reason,omitempty"`
}
