package eta

import (
	"fmt"
	"strings"
	"time"
)

// Date is a civil date: a day in some calendar, with no time of day and no
// time zone. Holidays are Dates, read in their calendar's location.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the civil date of t in t's own location. Use
// DateOf(t.In(loc)) for the date in another location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// String formats d as YYYY-MM-DD.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Valid reports whether d names a real day of the proleptic Gregorian
// calendar (month 1–12, day within the month).
func (d Date) Valid() bool {
	if d.Month < time.January || d.Month > time.December || d.Day < 1 {
		return false
	}
	return d.Day <= daysIn(d.Year, d.Month)
}

// daysIn returns the number of days of month m in year y.
func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// dayNumber returns the days since 1970-01-01 of the civil date y-m-d
// (Howard Hinnant's days_from_civil; valid for any date whose year fits in
// an int64 with room for a factor of 400). Out-of-range months and days are
// not normalised: callers check Valid first or accept a meaningless number.
func dayNumber(y int64, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civil is the inverse of dayNumber (Hinnant's civil_from_days).
func civil(z int64) (y int64, m, d int64) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	y = yoe + era*400
	if m <= 2 {
		y++
	}
	return y, m, d
}

// floorDiv divides rounding toward negative infinity; b > 0.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b < 0 {
		q--
	}
	return q
}

// weekdayOf returns the weekday of a day number (1970-01-01 was a Thursday).
func weekdayOf(day int64) time.Weekday {
	w := (day + 4) % 7
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}

// Weekdays is a set of days of the week, bit i standing for time.Weekday(i)
// (bit 0 is Sunday). The zero value is the empty set; a Calendar reads an
// empty Workdays as Monday to Friday.
type Weekdays uint8

// MondayToFriday is the default working week.
const MondayToFriday Weekdays = 1<<time.Monday | 1<<time.Tuesday | 1<<time.Wednesday |
	1<<time.Thursday | 1<<time.Friday

// allWeekdays has the seven valid bits set.
const allWeekdays Weekdays = 1<<7 - 1

// WeekdaysOf returns the set of the given days. Values outside Sunday to
// Saturday are ignored.
func WeekdaysOf(days ...time.Weekday) Weekdays {
	var w Weekdays
	for _, d := range days {
		if d >= time.Sunday && d <= time.Saturday {
			w |= 1 << d
		}
	}
	return w
}

// Has reports whether d is in the set.
func (w Weekdays) Has(d time.Weekday) bool {
	return d >= time.Sunday && d <= time.Saturday && w&(1<<d) != 0
}

// String lists the days, e.g. "Mon,Tue,Wed,Thu,Fri".
func (w Weekdays) String() string {
	var b strings.Builder
	for d := time.Sunday; d <= time.Saturday; d++ {
		if w.Has(d) {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(d.String()[:3])
		}
	}
	return b.String()
}

// count returns the number of days in the set.
func (w Weekdays) count() int64 {
	var n int64
	for d := time.Sunday; d <= time.Saturday; d++ {
		if w.Has(d) {
			n++
		}
	}
	return n
}

// MaxBusinessDays bounds the day counts the package accepts in Input
// (Handling, Transit, supplier lateness): about 100 years of business days.
// Calendar.AddBusinessDays itself takes any int.
const MaxBusinessDays = 36500

// maxShift is the bound AddBusinessDays clamps n to: far beyond any real
// use, and far inside time.Time's range.
const maxShift = 1 << 36

// Calendar says which days are business days at a location: the working
// days of the week minus holidays, both read in the calendar's time zone.
//
// The zero value is a Monday-to-Friday week in UTC with no holidays. A
// Calendar is a value: its methods do not modify it and are safe for
// concurrent use as long as nobody modifies Holidays.
type Calendar struct {
	// Loc is the time zone in which days begin and end; nil means UTC.
	Loc *time.Location
	// Workdays are the working days of the week; empty means Monday to
	// Friday.
	Workdays Weekdays
	// Holidays are dates, in Loc, that are not business days even on a
	// working weekday. Order and duplicates do not matter; the list is
	// scanned linearly, so it is meant to hold a few years of holidays.
	Holidays []Date
}

// loc returns the calendar's time zone.
func (c *Calendar) loc() *time.Location {
	if c.Loc == nil {
		return time.UTC
	}
	return c.Loc
}

// workdays returns the effective working week.
func (c *Calendar) workdays() Weekdays {
	if w := c.Workdays & allWeekdays; w != 0 {
		return w
	}
	return MondayToFriday
}

// Validate reports a calendar that cannot be used: Workdays with bits
// beyond Saturday, or a holiday that is not a real date. The error is a
// *ValidationError whose Field is relative to the calendar (e.g.
// "Holidays[2]").
func (c Calendar) Validate() error {
	if c.Workdays&^allWeekdays != 0 {
		return &ValidationError{Field: "Workdays", Reason: fmt.Sprintf("bits beyond Saturday set: %#x", uint8(c.Workdays))}
	}
	for i, h := range c.Holidays {
		if !h.Valid() {
			return &ValidationError{Field: fmt.Sprintf("Holidays[%d]", i), Reason: "not a real date: " + h.String()}
		}
	}
	return nil
}

// holiday reports whether day (a day number) is in Holidays. Invalid
// holiday dates never match.
func (c *Calendar) holiday(day int64) bool {
	for _, h := range c.Holidays {
		if h.Valid() && dayNumber(int64(h.Year), int64(h.Month), int64(h.Day)) == day {
			return true
		}
	}
	return false
}

// business reports whether the day number is a business day.
func (c *Calendar) business(day int64, w Weekdays) bool {
	return w.Has(weekdayOf(day)) && (len(c.Holidays) == 0 || !c.holiday(day))
}

// holidaysIn counts the distinct holidays in the day range [from, to] that
// fall on a working weekday.
func (c *Calendar) holidaysIn(from, to int64, w Weekdays) int64 {
	var n int64
	for i, h := range c.Holidays {
		if !h.Valid() {
			continue
		}
		day := dayNumber(int64(h.Year), int64(h.Month), int64(h.Day))
		if day < from || day > to || !w.Has(weekdayOf(day)) {
			continue
		}
		dup := false
		for _, g := range c.Holidays[:i] {
			if g == h {
				dup = true
				break
			}
		}
		if !dup {
			n++
		}
	}
	return n
}

// split returns t's day number and its time of day in the calendar's zone.
func (c *Calendar) split(t time.Time) (day int64, tl time.Time) {
	tl = t.In(c.loc())
	y, m, d := tl.Date()
	return dayNumber(int64(y), int64(m), int64(d)), tl
}

// join returns the instant on day number day at tl's clock time, in the
// calendar's zone. A clock time that does not exist on that day (a daylight
// saving gap) is normalised by time.Date.
func (c *Calendar) join(day int64, tl time.Time) time.Time {
	y, m, d := civil(day)
	hh, mm, ss := tl.Clock()
	return time.Date(int(y), time.Month(m), int(d), hh, mm, ss, tl.Nanosecond(), c.loc())
}

// IsBusinessDay reports whether the day on which t falls, in the calendar's
// time zone, is a working weekday and not a holiday.
func (c Calendar) IsBusinessDay(t time.Time) bool {
	day, _ := c.split(t)
	return c.business(day, c.workdays())
}

// NextBusinessDay returns the first business day strictly after t's day, at
// t's clock time, in the calendar's time zone. It is AddBusinessDays(t, 1).
func (c Calendar) NextBusinessDay(t time.Time) time.Time {
	return c.AddBusinessDays(t, 1)
}

// AddBusinessDays returns the day n business days after t's day (before it,
// for negative n), at t's clock time, in the calendar's time zone. Days are
// counted strictly after t's day, so t's own day never counts: from a
// Friday, 2 business days is the Tuesday; from a Saturday, too. n = 0
// returns t itself, in the calendar's zone, even on a day off. n is clamped
// to ±2^36 business days; a result beyond the range of time.Time wraps
// around, as time.Time's own arithmetic does.
func (c Calendar) AddBusinessDays(t time.Time, n int) time.Time {
	if n == 0 {
		return t.In(c.loc())
	}
	day, tl := c.split(t)
	return c.join(c.addDays(day, int64(max(min(n, maxShift), -maxShift))), tl)
}

// addDays moves a day number by n business days (see AddBusinessDays).
// Long distances jump whole weeks and correct for the holidays jumped over,
// so the cost is bounded by the holiday list, not by n.
func (c *Calendar) addDays(day, n int64) int64 {
	w := c.workdays()
	wd := w.count()
	for n > 0 {
		if n > 2*wd {
			weeks := n/wd - 1
			got := weeks*wd - c.holidaysIn(day+1, day+7*weeks, w)
			day += 7 * weeks
			n -= got
			continue
		}
		day++
		if c.business(day, w) {
			n--
		}
	}
	for n < 0 {
		if -n > 2*wd {
			weeks := -n/wd - 1
			got := weeks*wd - c.holidaysIn(day-7*weeks, day-1, w)
			day -= 7 * weeks
			n += got
			continue
		}
		day--
		if c.business(day, w) {
			n++
		}
	}
	return day
}
