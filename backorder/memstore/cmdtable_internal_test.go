package memstore

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/backorderkit/backorderkit/backorder"
)

// TestCmdTableMatchesMap adds command records in transactions, some of
// them rolled back (newest first, as the store's undo log does), and
// checks the table against a Go map, its oracle, after every step: every
// key recorded is found with its exact result (nil and empty kept apart)
// and time, and no other key is. Thousands of records take the hash table
// through many growths, long probe runs and runs that wrap around its end,
// and the byte chunks through records larger than a chunk.
func TestCmdTableMatchesMap(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	var log undoLog
	tab := newCmdTable(&log)
	oracle := map[string]backorder.Command{}
	var keys []string
	at := time.Date(2026, 3, 4, 5, 6, 7, 8, time.UTC)
	check := func() {
		for k, want := range oracle {
			i := tab.find(k)
			require.GreaterOrEqual(t, i, 0, k)
			got := tab.get(i, k)
			require.Equal(t, want, got, k)
			require.Equal(t, want.Result == nil, got.Result == nil, k)
		}
		require.Equal(t, len(oracle), tab.used)
		require.Equal(t, len(oracle), len(tab.recs))
	}
	newCommand := func(n int) backorder.Command {
		k := fmt.Sprintf("order/%d-%x", n, r.Uint64())
		var res []byte
		switch r.IntN(6) {
		case 0: // nil
		case 1:
			res = []byte{}
		case 2:
			res = []byte(strings.Repeat("x", cmdBytes+r.IntN(100))) // larger than a chunk
		default:
			res = []byte(fmt.Sprintf(`{"n":%d}`, n))
		}
		return backorder.Command{Key: k, Result: res, At: at.Add(time.Duration(n) * time.Second)}
	}
	n := 0
	for step := range 600 {
		size := 1 + r.IntN(12)
		var added []string
		for range size {
			c := newCommand(n)
			n++
			require.Negative(t, tab.find(c.Key))
			want := c
			want.Result = slices.Clone(c.Result)
			tab.add(&c)
			if len(c.Result) > 0 {
				c.Result[0] ^= 0xff // the table keeps its own copy
			}
			oracle[c.Key] = want
			added = append(added, c.Key)
		}
		if step%3 == 0 {
			// Roll the transaction back, newest first.
			log.rollback()
			for _, k := range added {
				delete(oracle, k)
				require.Negative(t, tab.find(k), "rolled back: %s", k)
			}
		} else {
			keys = append(keys, added...)
			tab.forget()
		}
		log.order = log.order[:0]
		if step%25 == 0 || step == 599 {
			check()
		}
		require.Equal(t, len(oracle), tab.used)
		require.Negative(t, tab.find("never-recorded"))
	}
	require.Greater(t, len(keys), 1000)
}

// TestCmdTableResultIsACopy checks that a Command read back does not share
// memory with the table: changing it changes nothing stored.
func TestCmdTableResultIsACopy(t *testing.T) {
	var log undoLog
	tab := newCmdTable(&log)
	tab.add(&backorder.Command{Key: "k", Result: []byte(`{"a":1}`)})
	got := tab.get(tab.find("k"), "k")
	got.Result[0] = 'X'
	require.Equal(t, `{"a":1}`, string(tab.get(tab.find("k"), "k").Result))
}
