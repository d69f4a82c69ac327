package invoice

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error this package returns for a bad input matches
// ErrInvalid with errors.Is; some also match a more specific sentinel below,
// for the cases a caller acts on.
var (
	// ErrInvalid is matched by every error about bad input: a
	// *ValidationError or a *MismatchError.
	ErrInvalid = errors.New("invoice: invalid input")
	// ErrUnknownCurrency: the currency code is not in the ISO 4217 table.
	ErrUnknownCurrency = errors.New("invoice: unknown currency")
	// ErrAlreadyInvoiced: the shipment already has an invoice among the
	// earlier documents, or the correction id was already used by a credit
	// note. Nothing was billed twice.
	ErrAlreadyInvoiced = errors.New("invoice: already invoiced")
	// ErrPriceChanged: the earlier documents billed a line for a different
	// amount than the order's pricing gives for the same quantity (its unit
	// price, discount or tax changed after it was billed). Issue a
	// correction with Credit first, then bill the shipment.
	ErrPriceChanged = errors.New("invoice: pricing changed since it was billed")
)

// ValidationError says which input field is wrong and why. It matches
// ErrInvalid with errors.Is, and Err too when set.
type ValidationError struct {
	// Field is the path of the offending input, in Go syntax relative to
	// the argument: "Lines[2].UnitPrice", "Shipment.Lines[0].Qty",
	// "prior[1].Lines[3].LineID".
	Field string
	// Reason says what is wrong with it, in words.
	Reason string
	// Err is a more specific sentinel (ErrUnknownCurrency,
	// ErrAlreadyInvoiced, ErrPriceChanged), or nil.
	Err error
}

// Error implements error.
func (e *ValidationError) Error() string {
	return "invoice: " + e.Field + ": " + e.Reason
}

// Is reports whether target is ErrInvalid.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Unwrap returns the specific sentinel, if any.
func (e *ValidationError) Unwrap() error { return e.Err }

// MismatchError says that an earlier document is in another currency than
// the order. It matches ErrInvalid with errors.Is.
type MismatchError struct {
	// Field is the path of the document's currency: "prior[2].Currency".
	Field string
	// Want is the order's currency; Got the document's.
	Want, Got string
}

// Error implements error.
func (e *MismatchError) Error() string {
	return fmt.Sprintf("invoice: %s: currency mismatch: want %s, got %s", e.Field, e.Want, e.Got)
}

// Is reports whether target is ErrInvalid.
func (e *MismatchError) Is(target error) bool { return target == ErrInvalid }

func invalid(field, format string, args ...any) error {
	return &ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)}
}
