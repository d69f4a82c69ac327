package backorder

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// MaxKeyLen is the longest key (SKU, location, command id, customer) the
// engine accepts, in bytes.
const MaxKeyLen = 4096

// validKey checks a caller-supplied key: not empty, valid UTF-8 without NUL
// (which no SQL text column can hold), at most MaxKeyLen bytes.
func validKey(field, s string) error {
	if r := keyProblem(s); r != "" {
		return invalid(field, "%s", r)
	}
	return nil
}

// keyProblem says what is wrong with a key, or "" when nothing is, so that
// callers build a field name only on failure.
func keyProblem(s string) string {
	switch {
	case s == "":
		return "is required"
	case len(s) > MaxKeyLen:
		return fmt.Sprintf("is %d bytes long, more than %d", len(s), MaxKeyLen)
	}
	// One pass over a key's bytes, which are ASCII nearly always (SKUs,
	// locations, customers), finds both problems; utf8.ValidString and
	// strings.IndexByte, each called for each line's SKU, cost three
	// times as much.
	var or byte
	nul := false
	for i := 0; i < len(s); i++ {
		or |= s[i]
		nul = nul || s[i] == 0
	}
	switch {
	case or >= utf8.RuneSelf && !utf8.ValidString(s):
		return "is not valid UTF-8"
	case nul:
		return "contains a NUL byte"
	}
	return ""
}

// validText checks optional free text the same way, allowing empty.
func validText(field, s string) error {
	if s == "" {
		return nil
	}
	return validKey(field, s)
}

// textProblem is keyProblem for optional text.
func textProblem(s string) string {
	if s == "" {
		return ""
	}
	return keyProblem(s)
}

func validSKULoc(prefix, sku, loc string) error {
	if err := validKey(prefix+".SKU", sku); err != nil {
		return err
	}
	return validKey(prefix+".Location", loc)
}

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

func fieldf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
