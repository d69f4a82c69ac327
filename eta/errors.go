package eta

import (
	"errors"
	"fmt"
)

// ErrInvalid is matched (with errors.Is) by every error that reports input
// outside the documented ranges. Project returns it before doing any work.
var ErrInvalid = errors.New("eta: invalid input")

// ErrPolicy is matched (with errors.Is) by the error Project returns when the
// policy hands out grants that break the allocation.Policy contract (a
// grant below 0 or above the demand's outstanding, grants summing to more
// than the supply, or the wrong number of grants). Built-in policies never
// do.
var ErrPolicy = errors.New("eta: policy broke its contract")

// ValidationError names the input field at fault and says why. It matches
// ErrInvalid; when the fault was found by the allocation package (an
// invalid demand), Unwrap returns allocation's *DemandError, so
// errors.Is(err, allocation.ErrInvalid) holds too.
type ValidationError struct {
	// Field is the path of the field in Input, e.g. "Inbound[3].Qty" or
	// "Demands[0].Min".
	Field string
	// Reason says what is wrong with it, e.g. "negative: -5".
	Reason string
	// Err is the underlying error, if any.
	Err error
}

// Error implements error.
func (e *ValidationError) Error() string {
	return fmt.Sprintf("eta: invalid %s: %s", e.Field, e.Reason)
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Unwrap returns the underlying error, if any.
func (e *ValidationError) Unwrap() error { return e.Err }

// PolicyError reports grants that break the allocation.Policy contract. It
// matches ErrPolicy.
type PolicyError struct {
	// Policy is the policy's Go type, e.g. "allocation.FIFO".
	Policy string
	// Step is the index of the supply step (in the order applied) at which
	// the policy failed.
	Step int
	// Index is the demand, as an index into Input.Demands, whose grant is at
	// fault; -1 when the fault is in the grants as a whole.
	Index int
	// Grant is the offending grant (0 when Index is -1).
	Grant int64
	// Reason says which rule the grants broke.
	Reason string
}

// Error implements error.
func (e *PolicyError) Error() string {
	if e.Index < 0 {
		return fmt.Sprintf("eta: policy %s at step %d: %s", e.Policy, e.Step, e.Reason)
	}
	return fmt.Sprintf("eta: policy %s at step %d: grant %d to demand %d: %s", e.Policy, e.Step, e.Grant, e.Index, e.Reason)
}

// Is makes errors.Is(err, ErrPolicy) true.
func (e *PolicyError) Is(target error) bool { return target == ErrPolicy }
