package main

import (
	"bytes"
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// section is one step of the output: its outbox summary and the message
// each customer got (joined if several).
type section struct {
	outbox   string
	messages map[string]string
	count    map[string]int
}

// parse splits run's output into its numbered steps.
func parse(t *testing.T, out string) map[int]*section {
	t.Helper()
	steps := map[int]*section{}
	var cur *section
	to := ""
	for _, ln := range strings.Split(out, "\n") {
		switch {
		case len(ln) > 2 && ln[0] >= '1' && ln[0] <= '9' && ln[1] == '.':
			n, _ := strconv.Atoi(ln[:1])
			cur = &section{messages: map[string]string{}, count: map[string]int{}}
			steps[n] = cur
		case cur == nil:
		case strings.HasPrefix(ln, "   outbox: "):
			cur.outbox = ln
		case strings.HasPrefix(ln, "   to "):
			to = strings.TrimPrefix(ln, "   to ")
			to = to[:strings.Index(to, " (")]
			cur.count[to]++
		case strings.HasPrefix(ln, "      ") && to != "":
			cur.messages[to] += strings.TrimSpace(ln) + " "
		}
	}
	return steps
}

// byRank returns the orders in the Priority policy's order: tier, then
// arrival.
func byRank() []order {
	r := slices.Clone(orders)
	slices.SortStableFunc(r, func(a, b order) int { return cmp.Compare(a.tier, b.tier) })
	return r
}

// recipients returns the customers who got a message in a step, sorted.
func recipients(s *section) []string {
	var out []string
	for c := range s.count {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

func TestRun(t *testing.T) {
	var buf bytes.Buffer
	if err := run(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	steps := parse(t, out)
	if len(steps) != 5 {
		t.Fatalf("got %d steps, want 5:\n%s", len(steps), out)
	}

	// Which purchase order serves whom, by walking the book in rank order:
	// the oracle for every date below.
	servedBy1 := map[string]bool{}
	var firstShort []string // not covered after PO 2 came short
	left1, left2 := po1.Qty, po2Short
	for _, o := range byRank() {
		switch {
		case o.qty <= left1:
			left1 -= o.qty
			servedBy1[o.customer] = true
		case o.qty <= left2:
			left2 -= o.qty
		default:
			firstShort = append(firstShort, o.customer)
			left2 = 0
		}
	}
	var first []string
	for c := range servedBy1 {
		first = append(first, c)
	}
	slices.Sort(first)

	// 1: every customer is told once, with the date of the PO that serves it.
	s := steps[1]
	for _, o := range orders {
		msg := s.messages[o.customer]
		if s.count[o.customer] != 1 || !strings.Contains(msg, "Thank you for your order") {
			t.Errorf("step 1: %s got %d messages: %q", o.customer, s.count[o.customer], msg)
		}
		want := date(po2.Expected)
		if servedBy1[o.customer] {
			want = date(po1.Expected)
		}
		if !strings.Contains(msg, "in stock on "+want) {
			t.Errorf("step 1: %s is told %q, want the date %s", o.customer, msg, want)
		}
	}

	// 2: the slip reaches exactly the customers of PO 1, with both dates;
	// the one whose requested date it passes hears that too.
	s = steps[2]
	if got := recipients(s); !slices.Equal(got, first) {
		t.Errorf("step 2: messages to %v, want %v", got, first)
	}
	if !strings.Contains(s.outbox, "promise_late") {
		t.Errorf("step 2: outbox %q has no promise_late", s.outbox)
	}
	for _, o := range orders {
		if !servedBy1[o.customer] {
			continue
		}
		msg := s.messages[o.customer]
		if !strings.Contains(msg, "in stock on "+date(po1Slipped)+" (was "+date(po1.Expected)+")") {
			t.Errorf("step 2: %s is told %q", o.customer, msg)
		}
		lateNotice := strings.Contains(msg, "later than the")
		if wantLate := !o.requested.IsZero() && po1Slipped.After(o.requested); lateNotice != wantLate {
			t.Errorf("step 2: %s late notice %v, want %v: %q", o.customer, lateNotice, wantLate, msg)
		}
	}

	// 3: the short delivery leaves the last in line to the lead time.
	s = steps[3]
	if got := recipients(s); !slices.Equal(got, firstShort) || len(got) == 0 {
		t.Errorf("step 3: messages to %v, want %v", got, firstShort)
	}
	estimate := date(time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC).Add(leadTime))
	for _, c := range firstShort {
		if msg := s.messages[c]; !strings.Contains(msg, "in stock on "+estimate) || !strings.Contains(msg, "estimated") {
			t.Errorf("step 3: %s is told %q, want the estimate %s", c, msg, estimate)
		}
	}

	// 4 and 5: PO 1 arrives and ships to its customers.
	for n, want := range map[int]string{4: "reserved for you", 5: "tracking number"} {
		s = steps[n]
		if got := recipients(s); !slices.Equal(got, first) {
			t.Errorf("step %d: messages to %v, want %v", n, got, first)
		}
		for _, c := range first {
			if !strings.Contains(s.messages[c], want) {
				t.Errorf("step %d: %s is told %q", n, c, s.messages[c])
			}
		}
	}
}

func TestRunDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	if err := run(context.Background(), &a); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("two runs differ:\n%s\n---\n%s", a.String(), b.String())
	}
}

func TestWrap(t *testing.T) {
	got := wrap("aaa bbb ccc dddd e", 7)
	want := []string{"aaa bbb", "ccc", "dddd e"}
	if !slices.Equal(got, want) {
		t.Errorf("wrap = %q, want %q", got, want)
	}
	if got := wrap("", 7); len(got) != 0 {
		t.Errorf("wrap of nothing = %q", got)
	}
}

func TestSameDay(t *testing.T) {
	a := time.Date(2025, 3, 10, 1, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		a, b time.Time
		want bool
	}{
		{a, a.Add(20 * time.Hour), true},
		{a, a.Add(23 * time.Hour), false},
		{time.Time{}, time.Time{}, true},
		{a, time.Time{}, false},
	} {
		if got := sameDay(c.a, c.b); got != c.want {
			t.Errorf("sameDay(%v, %v) = %v", c.a, c.b, got)
		}
	}
}
