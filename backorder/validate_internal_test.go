package backorder

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// keyProblemOracle is keyProblem as the rule reads, one test at a time.
func keyProblemOracle(s string) string {
	switch {
	case s == "":
		return "is required"
	case len(s) > MaxKeyLen:
		return fmt.Sprintf("is %d bytes long, more than %d", len(s), MaxKeyLen)
	case !utf8.ValidString(s):
		return "is not valid UTF-8"
	case strings.IndexByte(s, 0) >= 0:
		return "contains a NUL byte"
	}
	return ""
}

func TestKeyProblem(t *testing.T) {
	for _, tc := range []struct{ key, want string }{
		{"SKU-1", ""},
		{"Kühlschrank-ÄÖÜ", ""},
		{"日本語", ""},
		{"", "is required"},
		{strings.Repeat("x", MaxKeyLen), ""},
		{strings.Repeat("x", MaxKeyLen+1), fmt.Sprintf("is %d bytes long, more than %d", MaxKeyLen+1, MaxKeyLen)},
		{"a\xffb", "is not valid UTF-8"},
		{"\xc3", "is not valid UTF-8"},
		{"a\x00b", "contains a NUL byte"},
		{"\x00", "contains a NUL byte"},
		{"\x00\xff", "is not valid UTF-8"}, // both: UTF-8 is told first
		{"ü\x00", "contains a NUL byte"},
		{"\x7f\x01\t", ""},
	} {
		require.Equal(t, tc.want, keyProblem(tc.key), "%q", tc.key)
		require.Equal(t, keyProblemOracle(tc.key), keyProblem(tc.key), "%q", tc.key)
	}
}

func FuzzKeyProblem(f *testing.F) {
	for _, s := range []string{"SKU-1", "", "a\x00b", "a\xffb", "ü\x00", "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		require.Equal(t, keyProblemOracle(s), keyProblem(s), "%q", s)
	})
}
