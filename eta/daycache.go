package eta

import (
	"slices"
	"time"
)

// dayCache remembers recent Calendar.AddBusinessDays results across
// projections: a book's receipts share a handful of dates, and so do the
// books of many SKUs, while each result costs a few time-zone conversions.
//
// It is exact: an entry is keyed by the instant, the day count and the
// calendar's full contents (time zone, working week and holidays, compared
// element by element when a projection starts, never by address alone), so
// a calendar changed between calls never hits a stale entry.
type dayCache struct {
	cals    []calendarKey
	entries [dayCacheSize]dayEntry
}

// dayCacheSize is the number of remembered results (a power of two).
const dayCacheSize = 64

// maxCachedCalendars bounds the calendars remembered between projections;
// past it the cache starts over.
const maxCachedCalendars = 64

// calendarKey is a calendar as the cache knows it: its own copy of the
// holidays, so that later changes to the caller's slice cannot alias it.
type calendarKey struct {
	cal Calendar
}

// dayEntry is one remembered result. cal is the calendar's index + 1, so
// the zero entry matches nothing.
type dayEntry struct {
	sec  int64
	nsec int32
	n    int32
	cal  int32
	res  time.Time
}

// start begins a projection: past maxCachedCalendars calendars, the cache
// starts over (never within a projection, which holds indices into it).
func (d *dayCache) start() {
	if len(d.cals) >= maxCachedCalendars {
		d.cals = d.cals[:0]
		d.entries = [dayCacheSize]dayEntry{}
	}
}

// calendar returns the cache's index for c, adding a copy of it if new.
func (d *dayCache) calendar(c *Calendar) int32 {
	loc, work := c.loc(), c.workdays()
	for i := range d.cals {
		k := &d.cals[i].cal
		if k.Loc == loc && k.Workdays == work && slices.Equal(k.Holidays, c.Holidays) {
			return int32(i)
		}
	}
	d.cals = append(d.cals, calendarKey{cal: Calendar{Loc: loc, Workdays: work, Holidays: slices.Clone(c.Holidays)}})
	return int32(len(d.cals) - 1)
}

// add returns d.cals[cal].AddBusinessDays(t, n), from the cache when it
// can.
func (d *dayCache) add(cal int32, t time.Time, n int) time.Time {
	sec, nsec := t.Unix(), int32(t.Nanosecond())
	h := (uint64(sec)*0x9e3779b97f4a7c15 ^ uint64(nsec) ^ uint64(n)<<20 ^ uint64(cal)<<40) * 0xbf58476d1ce4e5b9
	e := &d.entries[h>>(64-6)]
	if e.cal == cal+1 && e.sec == sec && e.nsec == nsec && int(e.n) == n {
		return e.res
	}
	res := d.cals[cal].cal.AddBusinessDays(t, n)
	*e = dayEntry{sec: sec, nsec: nsec, n: int32(n), cal: cal + 1, res: res}
	return res
}
