package allocation

import (
	"errors"
	"fmt"
	"math/big"
	"slices"
)

// ErrInvalid is matched (with errors.Is) by every error that reports a
// demand outside the documented ranges.
var ErrInvalid = errors.New("allocation: invalid demand")

// ErrBadGrant is matched (with errors.Is) by every error CheckGrants returns:
// a grant vector that breaks the Policy contract.
var ErrBadGrant = errors.New("allocation: grant breaks the policy contract")

// DemandError says which demand is invalid, in which field, and why.
// It matches ErrInvalid.
type DemandError struct {
	Index  int    // position in the demands slice
	Field  string // the Demand field at fault, e.g. "Outstanding"
	Reason string // what is wrong with it, e.g. "negative"
}

// Error implements error.
func (e *DemandError) Error() string {
	return fmt.Sprintf("allocation: demand %d: %s: %s", e.Index, e.Field, e.Reason)
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *DemandError) Is(target error) bool { return target == ErrInvalid }

// Validate checks every demand and returns the first fault by index as a
// *DemandError, or nil. A demand is invalid when any numeric field is
// negative, when its Protection is not Keep, Redistribute or Win, or when its
// Seq is shared with another demand (then each demand sharing it is invalid,
// and the error names the first of them).
//
// Allocate does not fail: it grants 0 to every demand Validate would reject
// and leaves it out of every decision (its holding never moves), so the
// other demands get what they would get without it. Validate lets a host
// find such demands before it relies on a decision.
func Validate(demands []Demand) error {
	first := make(map[int64]int, len(demands))
	var fault *DemandError
	dup := -1
	for i := range demands {
		d := &demands[i]
		if fault == nil {
			fault = fieldFault(i, d)
		}
		if j, seen := first[d.Seq]; seen {
			if dup < 0 || j < dup {
				dup = j
			}
			continue
		}
		first[d.Seq] = i
	}
	if dup >= 0 && (fault == nil || dup < fault.Index) {
		return &DemandError{Index: dup, Field: "Seq", Reason: "shared with another demand"}
	}
	if fault != nil {
		return fault
	}
	return nil
}

// fieldFault reports the first out-of-range field of d, or nil.
func fieldFault(i int, d *Demand) *DemandError {
	fields := [...]struct {
		name string
		v    int64
	}{
		{"Outstanding", d.Outstanding},
		{"Held", d.Held},
		{"Seq", d.Seq},
		{"Weight", d.Weight},
		{"Min", d.Min},
		{"Multiple", d.Multiple},
		{"Tier", int64(d.Tier)},
	}
	for _, f := range fields {
		if f.v < 0 {
			return &DemandError{Index: i, Field: f.name, Reason: "negative"}
		}
	}
	if d.Protection > Win {
		return &DemandError{Index: i, Field: "Protection", Reason: "unknown class " + d.Protection.String()}
	}
	return nil
}

// GrantError says which grant breaks the Policy contract and why. Index is
// -1 when the fault is in the vector as a whole (its length, its sum).
// It matches ErrBadGrant.
type GrantError struct {
	Index  int
	Grant  int64
	Reason string
}

// Error implements error.
func (e *GrantError) Error() string {
	if e.Index < 0 {
		return "allocation: grants: " + e.Reason
	}
	return fmt.Sprintf("allocation: grant %d (%d): %s", e.Index, e.Grant, e.Reason)
}

// Is makes errors.Is(err, ErrBadGrant) true.
func (e *GrantError) Is(target error) bool { return target == ErrBadGrant }

// CheckGrants verifies grants against the Policy contract for supply and
// demands: one grant per demand; 0 for an invalid demand; a feasible grant
// (see Demand.Feasible) or, for a Redistribute demand only, a loss of at
// most what it holds; and a sum of at most supply (0 if supply is negative).
// It returns the first fault as a *GrantError, or nil. A host can run it on
// the output of its own policy; the built-in policies always pass it.
func CheckGrants(supply int64, demands []Demand, grants []int64) error {
	if len(grants) != len(demands) {
		return &GrantError{Index: -1, Reason: fmt.Sprintf("%d grants for %d demands", len(grants), len(demands))}
	}
	bad := invalidSet(demands)
	sum := new(big.Int)
	for i, g := range grants {
		d := &demands[i]
		switch {
		case bad[i] && g != 0:
			return &GrantError{Index: i, Grant: g, Reason: "invalid demand granted"}
		case g < 0 && d.Protection != Redistribute:
			return &GrantError{Index: i, Grant: g, Reason: "takes a protected holding"}
		case g < 0 && -g > d.Held:
			return &GrantError{Index: i, Grant: g, Reason: "takes more than it holds"}
		case g > 0 && !d.Feasible(g):
			return &GrantError{Index: i, Grant: g, Reason: "not feasible (outstanding, minimum or multiple)"}
		}
		sum.Add(sum, big.NewInt(g))
	}
	if sum.Cmp(big.NewInt(max(supply, 0))) > 0 {
		return &GrantError{Index: -1, Reason: "grants sum to " + sum.String() + ", more than the supply"}
	}
	return nil
}

// invalidSet marks every demand Validate would reject. It allocates: it is
// for the slow path and for checks, not the hot loop.
func invalidSet(demands []Demand) []bool {
	bad := make([]bool, len(demands))
	order := make([]int, len(demands))
	for i := range demands {
		bad[i] = invalid(&demands[i])
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmpInt(demands[a].Seq, demands[b].Seq) })
	for i := 1; i < len(order); i++ {
		if demands[order[i]].Seq == demands[order[i-1]].Seq {
			bad[order[i]], bad[order[i-1]] = true, true
		}
	}
	return bad
}

func cmpInt[T int | int32 | int64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
