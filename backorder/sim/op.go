package sim

import (
	"encoding/binary"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/backorderkit/backorderkit/allocation"
	"github.com/backorderkit/backorderkit/backorder"
)

// Kind names the engine call an Op makes.
type Kind uint8

// The kinds of operation. Every command of the engine's public surface has
// one, and so has every query (whose answer is compared with the model's).
const (
	KindPutLocation Kind = iota + 1
	KindPutItem
	KindPlaceOrder
	KindReceive
	KindAdjust
	KindCount
	KindCancel
	KindSetPriority
	KindShip
	KindConfirm
	KindVoid
	KindReturn
	KindInvoice
	KindCredit
	KindExpectInbound
	KindChangeInbound
	KindCancelInbound
	KindQueryOrder
	KindQueryBook
	KindQueryCustomerBook
	KindQueryAvailability
	KindQueryPlan
	KindQueryPlanAll
	KindQueryInvoices
	KindQueryEvents
	KindQueryPromises
	KindQueryAlternatives
)

var kindNames = [...]string{
	KindPutLocation:       "PutLocation",
	KindPutItem:           "PutItem",
	KindPlaceOrder:        "PlaceOrder",
	KindReceive:           "Receive",
	KindAdjust:            "Adjust",
	KindCount:             "Count",
	KindCancel:            "Cancel",
	KindSetPriority:       "SetPriority",
	KindShip:              "Ship",
	KindConfirm:           "Confirm",
	KindVoid:              "Void",
	KindReturn:            "Return",
	KindInvoice:           "Invoice",
	KindCredit:            "Credit",
	KindExpectInbound:     "ExpectInbound",
	KindChangeInbound:     "ChangeInbound",
	KindCancelInbound:     "CancelInbound",
	KindQueryPromises:     "QueryPromises",
	KindQueryAlternatives: "QueryAlternatives",
	KindQueryOrder:        "QueryOrder",
	KindQueryBook:         "QueryBook",
	KindQueryCustomerBook: "QueryCustomerBook",
	KindQueryAvailability: "QueryAvailability",
	KindQueryPlan:         "QueryPlan",
	KindQueryPlanAll:      "QueryPlanAll",
	KindQueryInvoices:     "QueryInvoices",
	KindQueryEvents:       "QueryEvents",
}

// String returns the kind's name, such as "PlaceOrder".
func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// query reports whether the kind only reads.
func (k Kind) query() bool { return k >= KindQueryOrder }

// ShipmentRef names a shipment the engine created, which a history cannot
// know by id in advance: the N-th shipment (from 0, in creation order) of an
// order. A reference to a shipment that does not exist resolves to an id no
// shipment has, so the engine answers "not found".
type ShipmentRef struct {
	Order uuid.UUID
	N     int
}

// Op is one step of a history: an engine call with its input, the time the
// fake clock moves forward before it, and the faults injected into its store
// transactions. Only the payload fields that its Kind reads are set.
//
// Ops are plain values, so a history prints as Go code (see History.GoString)
// and replays exactly.
type Op struct {
	Kind Kind
	// Advance moves the engine's clock forward before the call.
	Advance time.Duration
	// Faults are injected into the call's store transactions, one per
	// Update attempt in order (see FaultStore.Script).
	Faults []Fault

	Item           backorder.Item           // KindPutItem
	Location       backorder.Location       // KindPutLocation
	Order          backorder.Order          // KindPlaceOrder
	Receipt        backorder.Receipt        // KindReceive
	Adjustment     backorder.Adjustment     // KindAdjust
	Count          backorder.Count          // KindCount
	Cancellation   backorder.Cancellation   // KindCancel
	PriorityChange backorder.PriorityChange // KindSetPriority
	ShipRequest    backorder.ShipRequest    // KindShip
	// Shipment names the shipment of KindConfirm, KindVoid, KindReturn,
	// KindInvoice and KindCredit; its id goes into the request below.
	Shipment      ShipmentRef
	Confirmation  backorder.Confirmation  // KindConfirm
	Void          backorder.VoidRequest   // KindVoid
	Return        backorder.ReturnRequest // KindReturn
	Credit        backorder.CreditRequest // KindCredit
	Inbound       backorder.Inbound       // KindExpectInbound
	InboundChange backorder.InboundChange // KindChangeInbound
	InboundCancel backorder.InboundCancel // KindCancelInbound
	// OrderID, LineID, SKU and Customer are the keys of the queries.
	OrderID  uuid.UUID
	LineID   uuid.UUID
	SKU      string
	Customer string
}

// PolicyName names one of the allocation policies every simulated engine
// knows (Config.Policy and Item.Policy use these names).
type PolicyName = string

// The policies of a simulated engine, by name.
const (
	PolicyFIFO            PolicyName = "fifo"
	PolicyPriority        PolicyName = "priority"
	PolicyFairShare       PolicyName = "fairshare"
	PolicyFairShareTiered PolicyName = "fairshare-tiered"
	PolicyMaxMin          PolicyName = "maxmin"
	PolicyMaxMinTiered    PolicyName = "maxmin-tiered"
)

// policyNames lists the policy names in a fixed order.
var policyNames = []PolicyName{PolicyFIFO, PolicyPriority, PolicyFairShare, PolicyFairShareTiered, PolicyMaxMin, PolicyMaxMinTiered}

// policies returns a fresh map of every named policy.
func policies() map[string]allocation.Policy {
	return map[string]allocation.Policy{
		PolicyFIFO:            allocation.FIFO{},
		PolicyPriority:        allocation.Priority{},
		PolicyFairShare:       allocation.FairShare{},
		PolicyFairShareTiered: allocation.FairShare{Tiered: true},
		PolicyMaxMin:          allocation.MaxMin{},
		PolicyMaxMinTiered:    allocation.MaxMin{Tiered: true},
	}
}

// Config is the engine configuration of one simulated history: everything
// of backorder.Config that changes the engine's decisions. The store, clock
// and id generator are the simulator's.
type Config struct {
	// Policy names the default policy (one of the Policy… names).
	Policy PolicyName
	// Preempt, AutoInvoice, DefaultPriority and Retries are passed on
	// to backorder.Config.
	Preempt         bool
	AutoInvoice     bool
	DefaultPriority int32
	Retries         int
	// HandlingDays and TransitDays date deliveries from ready dates.
	HandlingDays int
	TransitDays  int
}

// History is a replayable run: the engine configuration and the operations,
// in order. Seed records where it came from.
type History struct {
	Seed   uint64
	Config Config
	Ops    []Op
}

// Epoch is the simulated clock's start: every history begins at this
// instant, and At measures from it.
var Epoch = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) // a Monday

// At returns the instant d after Epoch, for dates in histories.
func At(d time.Duration) time.Time { return Epoch.Add(d) }

// idSpace marks the ids ID makes, so that printing can recognise them.
const idSpace = 0x5157_0000

// ID returns a deterministic id for n: the simulator names orders and lines
// with ID(1), ID(2), …, so that printed histories stay readable.
func ID(n uint64) uuid.UUID {
	var id uuid.UUID
	binary.BigEndian.PutUint32(id[0:4], idSpace)
	id[6] = 0x40 // version 4 shape
	id[8] = 0x80 // RFC 4122 variant
	binary.BigEndian.PutUint64(id[8:], n|0x8000_0000_0000_0000)
	return id
}

// idNumber returns n if id is ID(n).
func idNumber(id uuid.UUID) (uint64, bool) {
	if binary.BigEndian.Uint32(id[0:4]) != idSpace || id[4] != 0 || id[5] != 0 || id[6] != 0x40 || id[7] != 0 {
		return 0, false
	}
	n := binary.BigEndian.Uint64(id[8:])
	if n&0x8000_0000_0000_0000 == 0 {
		return 0, false
	}
	return n &^ 0x8000_0000_0000_0000, true
}

// missingShipment is the id a reference to a shipment that does not exist
// resolves to: no engine-made id has this shape.
func missingShipment(r ShipmentRef) uuid.UUID {
	id := r.Order
	id[0] ^= 0xff
	binary.BigEndian.PutUint32(id[12:], uint32(r.N))
	return id
}
