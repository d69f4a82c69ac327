package backorder

import (
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/invoice"
)

// ShipmentStatus is a shipment's state.
type ShipmentStatus string

const (
	// ShipmentStatusCreated is planned and holds its quantities, not yet gone.
	ShipmentStatusCreated ShipmentStatus = "created"
	// ShipmentStatusConfirmed has left: on hand and allocation went down.
	ShipmentStatusConfirmed ShipmentStatus = "confirmed"
	// ShipmentStatusVoided was cancelled before it left.
	ShipmentStatusVoided ShipmentStatus = "voided"
)

// ShipmentLine is the quantity of one order line in a shipment.
type ShipmentLine struct {
	LineID uuid.UUID `json:"line_id"`
	SKU    string    `json:"sku"`
	Qty    int64     `json:"qty"`
	// Returned is how much of it came back after confirmation.
	Returned int64 `json:"returned,omitempty"`
}

// Shipment is allocated quantities of one order leaving one location
// together.
type Shipment struct {
	ID          uuid.UUID      `json:"id"`
	OrderID     uuid.UUID      `json:"order_id"`
	Location    string         `json:"location"`
	Status      ShipmentStatus `json:"status"`
	Lines       []ShipmentLine `json:"lines"`
	CreatedAt   time.Time      `json:"created_at"`
	ConfirmedAt time.Time      `json:"confirmed_at,omitzero"`
	VoidedAt    time.Time      `json:"voided_at,omitzero"`
	// Carrier and Tracking are the carrier's name and reference, set on
	// confirmation.
	Carrier  string `json:"carrier,omitempty"`
	Tracking string `json:"tracking,omitempty"`
}

// Clone returns a deep copy.
func (s Shipment) Clone() Shipment {
	s.Lines = slices.Clone(s.Lines)
	return s
}

// Qty is the shipment's total quantity.
func (s Shipment) Qty() int64 {
	var n int64
	for _, l := range s.Lines {
		n += l.Qty
	}
	return n
}

// InvoiceKind tells an invoice from a credit note.
type InvoiceKind string

const (
	// KindInvoice bills a shipment.
	KindInvoice InvoiceKind = "invoice"
	// KindCreditNote reverses all or part of an invoice.
	KindCreditNote InvoiceKind = "credit_note"
)

// Invoice is an issued invoice or credit note as the engine stores it: the
// keys a store indexes it by, and the document itself.
type Invoice struct {
	ID   uuid.UUID   `json:"id"`
	Kind InvoiceKind `json:"kind"`
	// Series and Number: invoice numbers are gap-free per series.
	Series     string    `json:"series"`
	Number     string    `json:"number"`
	OrderID    uuid.UUID `json:"order_id"`
	ShipmentID uuid.UUID `json:"shipment_id"`
	// Corrects is the invoice a credit note reverses.
	Corrects uuid.UUID `json:"corrects,omitzero"`
	IssuedAt time.Time `json:"issued_at"`
	// Document is the invoice with its lines, charges and totals, exact to
	// the currency's minor unit; its Number and IssuedAt equal the above.
	Document invoice.Invoice `json:"document"`
}

// Clone returns a deep copy.
func (inv Invoice) Clone() Invoice {
	d := &inv.Document
	d.Lines = slices.Clone(d.Lines)
	d.Charges = slices.Clone(d.Charges)
	d.Taxes = slices.Clone(d.Taxes)
	return inv
}

// Supplier is what the engine remembers of a supplier: how late its
// receipts against expected inbound supply were, for promise confidence.
type Supplier struct {
	ID string `json:"id"`
	// DaysLate are the business days late of its most recent receipts
	// (negative: early), oldest first, at most MaxSupplierHistory.
	DaysLate []int `json:"days_late"`
}

// MaxSupplierHistory is how many receipts of a supplier the engine keeps.
const MaxSupplierHistory = 100

// Clone returns a deep copy.
func (s Supplier) Clone() Supplier {
	s.DaysLate = slices.Clone(s.DaysLate)
	return s
}
