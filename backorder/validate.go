package backorder

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxKeyLen is the longest key (SKU, location, command id, customer) the
// engine accepts, in bytes.
const MaxKeyLen = 4096

// validKey checks a caller-supplied key: not empty, valid UTF-8 without NUL
// (which no SQL text column can hold), at most MaxKeyLen bytes.
func validKey(field, s string) error {
	switch {
	case s == "":
		return invalid(field, "is required")
	case len(s) > MaxKeyLen:
		return invalid(field, "is %d bytes long, more than %d", len(s), MaxKeyLen)
	case !utf8.ValidString(s):
		return invalid(field, "is not valid UTF-8")
	case strings.IndexByte(s, 0) >= 0:
		return invalid(field, "contains a NUL byte")
	}
	return nil
}

// validText checks optional free text the same way, allowing empty.
func validText(field, s string) error {
	if s == "" {
		return nil
	}
	return validKey(field, s)
}

func validSKULoc(prefix, sku, loc string) error {
	if err := validKey(prefix+".SKU", sku); err != nil {
		return err
	}
	return validKey(prefix+".Location", loc)
}

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

func fieldf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
