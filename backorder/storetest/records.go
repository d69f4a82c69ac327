package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/backorderkit/backorderkit/backorder"
)

// events makes n events whose Command names them: prefix/0, prefix/1, …
func events(prefix string, n int) []backorder.Event {
	evs := make([]backorder.Event, n)
	for i := range evs {
		evs[i] = backorder.Event{Type: backorder.StockReceived, Command: fmt.Sprintf("%s/%d", prefix, i), Qty: int64(i + 1), At: at(i)}
	}
	return evs
}

// expectSeqs checks that evs hold the Seqs from, from+1, …
func expectSeqs(t testing.TB, what string, evs []backorder.Event, from uint64) {
	t.Helper()
	for i, ev := range evs {
		if ev.Seq != from+uint64(i) {
			got := make([]uint64, len(evs))
			for j := range evs {
				got[j] = evs[j].Seq
			}
			t.Errorf("%s: Seqs %v, want a run from %d", what, got, from)
			return
		}
	}
}

func eventKey(ev backorder.Event) string { return fmt.Sprintf("%d:%s", ev.Seq, ev.Command) }

var eventCases = []testCase{
	{"SeqsWrittenBack", func(t *testing.T, s backorder.Store) {
		var all []backorder.Event
		for i, n := range []int{3, 3, 4} {
			evs := events(fmt.Sprintf("tx%d", i), n)
			update(t, s, func(tx backorder.Tx) error { return tx.AppendEvents(evs) })
			expectSeqs(t, fmt.Sprintf("Seqs written back by AppendEvents #%d", i), evs, uint64(len(all))+1)
			all = append(all, evs...)
		}
		update(t, s, func(tx backorder.Tx) error { return tx.AppendEvents(nil) })
		update(t, s, func(tx backorder.Tx) error { return tx.AppendEvents([]backorder.Event{}) })
		view(t, s, func(tx backorder.Tx) error {
			got, err := tx.Events(0, 100)
			if err != nil {
				return err
			}
			expectEqual(t, "Events after three appends", got, all)
			return nil
		})
	}},
	{"SeveralAppendsInOneUpdate", func(t *testing.T, s backorder.Store) {
		a, b := events("a", 2), events("b", 3)
		update(t, s, func(tx backorder.Tx) error {
			if err := tx.AppendEvents(a); err != nil {
				return err
			}
			if err := tx.AppendEvents(b); err != nil {
				return err
			}
			expectSeqs(t, "first append", a, 1)
			expectSeqs(t, "second append", b, 3)
			expectKeys(t, "Events read in the appending Update", eventKey,
				[]string{"1:a/0", "2:a/1", "3:b/0", "4:b/1", "5:b/2"})(tx.Events(0, 10))
			return nil
		})
	}},
	{"Paging", func(t *testing.T, s backorder.Store) {
		update(t, s, func(tx backorder.Tx) error { return tx.AppendEvents(events("e", 10)) })
		pages := []struct {
			after uint64
			limit int
			want  []string
		}{
			{0, 4, []string{"1:e/0", "2:e/1", "3:e/2", "4:e/3"}},
			{4, 4, []string{"5:e/4", "6:e/5", "7:e/6", "8:e/7"}},
			{8, 4, []string{"9:e/8", "10:e/9"}},
			{3, 1, []string{"4:e/3"}},
			{9, 100, []string{"10:e/9"}},
			{10, 4, []string{}},
			{11, 4, []string{}},
			{math.MaxInt64, 4, []string{}},
			{0, 0, []string{}},
		}
		view(t, s, func(tx backorder.Tx) error {
			for _, p := range pages {
				expectKeys(t, fmt.Sprintf("Events(%d, %d)", p.after, p.limit), eventKey, p.want)(tx.Events(p.after, p.limit))
			}
			return nil
		})
	}},
	{"RolledBackSeqsReused", func(t *testing.T, s backorder.Store) {
		update(t, s, func(tx backorder.Tx) error { return tx.AppendEvents(events("kept", 2)) })
		lost := events("lost", 3)
		err := s.Update(t.Context(), func(tx backorder.Tx) error {
			if err := tx.AppendEvents(lost); err != nil {
				return err
			}
			return errBoom
		})
		if !errors.Is(err, errBoom) {
			t.Fatalf("failing Update returned %v", err)
		}
		next := events("next", 1)
		update(t, s, func(tx backorder.Tx) error { return tx.AppendEvents(next) })
		expectSeqs(t, "the first event after a rolled-back append", next, 3)
		view(t, s, func(tx backorder.Tx) error {
			expectKeys(t, "Events after a rolled-back append", eventKey,
				[]string{"1:kept/0", "2:kept/1", "3:next/0"})(tx.Events(0, 100))
			return nil
		})
	}},
}

var commandCases = []testCase{
	{"DuplicateKey", func(t *testing.T, s backorder.Store) {
		first := fullCommand("receive/R-1")
		update(t, s, func(tx backorder.Tx) error { return tx.PutCommand(first) })
		again := first.Clone()
		again.Result, again.At = json.RawMessage(`{"second":true}`), at(9000)
		err := s.Update(t.Context(), func(tx backorder.Tx) error {
			err := tx.PutCommand(again)
			if !errors.Is(err, backorder.ErrConflict) {
				t.Errorf("PutCommand of a recorded key: got %v, want an error matching ErrConflict", err)
			}
			return err
		})
		if !errors.Is(err, backorder.ErrConflict) {
			t.Errorf("Update whose PutCommand hit a recorded key: got %v, want ErrConflict", err)
		}
		view(t, s, func(tx backorder.Tx) error {
			got, err := tx.Command(first.Key)
			if err != nil {
				return err
			}
			expectEqual(t, "the first record after a duplicate PutCommand", got, first)
			return nil
		})
	}},
	{"DuplicateKeyInOneUpdate", func(t *testing.T, s backorder.Store) {
		c := fullCommand("ship/S-1")
		err := s.Update(t.Context(), func(tx backorder.Tx) error {
			if err := tx.PutCommand(c); err != nil {
				return err
			}
			err := tx.PutCommand(c)
			if !errors.Is(err, backorder.ErrConflict) {
				t.Errorf("second PutCommand of a key in one Update: got %v, want ErrConflict", err)
			}
			return err
		})
		if !errors.Is(err, backorder.ErrConflict) {
			t.Errorf("Update: got %v, want ErrConflict", err)
		}
		view(t, s, func(tx backorder.Tx) error {
			_, err := tx.Command(c.Key)
			expectNotFound(t, "a record of a failed Update", err)
			return nil
		})
	}},
	{"RolledBack", func(t *testing.T, s backorder.Store) {
		c := fullCommand("place/O-1")
		err := s.Update(t.Context(), func(tx backorder.Tx) error {
			if err := tx.PutCommand(c); err != nil {
				return err
			}
			if _, err := tx.Command(c.Key); err != nil {
				t.Errorf("Command read in the Update that put it: %v", err)
			}
			return errBoom
		})
		if !errors.Is(err, errBoom) {
			t.Fatalf("failing Update returned %v", err)
		}
		view(t, s, func(tx backorder.Tx) error {
			_, err := tx.Command(c.Key)
			expectNotFound(t, "a record written by a rolled-back Update", err)
			return nil
		})
		roundTrip(t, s, "a record put again after a rollback", c, backorder.Tx.PutCommand,
			func(tx backorder.Tx) (backorder.Command, error) { return tx.Command(c.Key) })
	}},
}

var sequenceCases = []testCase{
	{"Independent", func(t *testing.T, s backorder.Store) {
		next := func(tx backorder.Tx, name string, want int64) {
			t.Helper()
			got, err := tx.NextSequence(name)
			if err != nil || got != want {
				t.Errorf("NextSequence(%q) = %d, %v; want %d", name, got, err, want)
			}
		}
		update(t, s, func(tx backorder.Tx) error {
			next(tx, "invoice/EUR", 1)
			next(tx, "invoice/EUR", 2)
			next(tx, "invoice/USD", 1)
			next(tx, "invoice/EUR", 3)
			return nil
		})
		update(t, s, func(tx backorder.Tx) error {
			next(tx, "invoice/USD", 2)
			next(tx, "INVOICE/EUR", 1)
			next(tx, "invoice/EUR", 4)
			next(tx, "", 1)
			return nil
		})
	}},
	{"RolledBack", func(t *testing.T, s backorder.Store) {
		update(t, s, func(tx backorder.Tx) error { _, err := tx.NextSequence("n"); return err })
		err := s.Update(t.Context(), func(tx backorder.Tx) error {
			for range 3 {
				if _, err := tx.NextSequence("n"); err != nil {
					return err
				}
			}
			if _, err := tx.NextSequence("fresh"); err != nil {
				return err
			}
			return errBoom
		})
		if !errors.Is(err, errBoom) {
			t.Fatalf("failing Update returned %v", err)
		}
		expectSequences(t, s, map[string]int64{"n": 2, "fresh": 1})
	}},
}
