package backorder

import (
	"errors"
	"fmt"
)

// Sentinel errors. Match them with errors.Is; never compare error strings.
var (
	// ErrInvalid reports input that the engine refuses before writing
	// anything. The error is a *ValidationError naming the field and reason.
	ErrInvalid = errors.New("backorder: invalid input")
	// ErrNotFound reports that an item, location, order, line, shipment,
	// invoice or command record does not exist. Stores return it (possibly
	// wrapped) when a lookup finds nothing.
	ErrNotFound = errors.New("backorder: not found")
	// ErrConflict reports that a store transaction lost a race with another
	// writer and changed nothing. It is retryable: the engine retries the
	// whole operation up to Config.Retries times before returning it.
	ErrConflict = errors.New("backorder: conflict")
)

// ValidationError reports a field that failed validation. It matches
// ErrInvalid with errors.Is.
type ValidationError struct {
	// Field is the path of the offending field, such as "Lines[2].Qty".
	Field string
	// Reason says what is wrong, such as "must be > 0".
	Reason string
}

// Error implements error.
func (e *ValidationError) Error() string {
	return fmt.Sprintf("backorder: invalid %s: %s", e.Field, e.Reason)
}

// Is reports whether target is ErrInvalid.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

func invalid(field, format string, args ...any) error {
	return &ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// NotFoundError names what was not found. It matches ErrNotFound with
// errors.Is.
type NotFoundError struct {
	// Kind is what was looked up: "item", "location", "order", "line",
	// "shipment", "invoice", "inbound".
	Kind string
	// Key is the key that found nothing.
	Key string
}

// Error implements error.
func (e *NotFoundError) Error() string {
	return fmt.Sprintf("backorder: %s %q not found", e.Kind, e.Key)
}

// Is reports whether target is ErrNotFound.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// notFound wraps a store's ErrNotFound into a NotFoundError naming what was
// looked up; any other error passes through unchanged.
func notFound(err error, kind, key string) error {
	if errors.Is(err, ErrNotFound) {
		return &NotFoundError{Kind: kind, Key: key}
	}
	return err
}
