package eta_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/backorderkit/backorderkit/eta"
	"github.com/stretchr/testify/require"
)

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

func TestZeroCalendarIsMondayToFridayUTC(t *testing.T) {
	var c eta.Calendar
	mon := time.Date(2025, 1, 6, 12, 0, 0, 0, time.UTC)
	want := []bool{true, true, true, true, true, false, false}
	for i, w := range want {
		day := mon.AddDate(0, 0, i)
		require.Equal(t, w, c.IsBusinessDay(day), day.Weekday().String())
	}
	// Sunday 23:30 in New York is Monday in UTC: the zero calendar counts
	// in UTC.
	ny := mustZone(t, "America/New_York")
	require.True(t, c.IsBusinessDay(time.Date(2025, 1, 5, 23, 30, 0, 0, ny)))
}

func TestAddBusinessDaysTable(t *testing.T) {
	ams := mustZone(t, "Europe/Amsterdam")
	fri := time.Date(2025, 1, 10, 15, 0, 0, 0, time.UTC)
	sat := time.Date(2025, 1, 11, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		cal  eta.Calendar
		t    time.Time
		n    int
		want time.Time
	}{
		{"friday plus 2 is tuesday", eta.Calendar{}, fri, 2, time.Date(2025, 1, 14, 15, 0, 0, 0, time.UTC)},
		{"saturday plus 2 is tuesday", eta.Calendar{}, sat, 2, time.Date(2025, 1, 14, 9, 0, 0, 0, time.UTC)},
		{"friday plus 1 is monday", eta.Calendar{}, fri, 1, time.Date(2025, 1, 13, 15, 0, 0, 0, time.UTC)},
		{"zero returns t on a day off", eta.Calendar{}, sat, 0, sat},
		{"monday minus 1 is friday", eta.Calendar{}, time.Date(2025, 1, 13, 8, 0, 0, 0, time.UTC), -1, time.Date(2025, 1, 10, 8, 0, 0, 0, time.UTC)},
		{"holiday skipped", eta.Calendar{Holidays: []eta.Date{{Year: 2025, Month: time.January, Day: 13}}}, fri, 1, time.Date(2025, 1, 14, 15, 0, 0, 0, time.UTC)},
		{"six-day week", eta.Calendar{Workdays: eta.MondayToFriday | eta.WeekdaysOf(time.Saturday)}, fri, 1, time.Date(2025, 1, 11, 15, 0, 0, 0, time.UTC)},
		{"friday 23:30 UTC is saturday in Amsterdam", eta.Calendar{Loc: ams}, time.Date(2025, 1, 10, 23, 30, 0, 0, time.UTC), 1, time.Date(2025, 1, 13, 0, 30, 0, 0, ams)},
		// Daylight saving starts in Amsterdam on Sunday 2025-03-30: the
		// clock time is kept across it.
		{"clock kept across DST", eta.Calendar{Loc: ams}, time.Date(2025, 3, 28, 9, 0, 0, 0, ams), 1, time.Date(2025, 3, 31, 9, 0, 0, 0, ams)},
		{"long distance jumps weeks", eta.Calendar{}, time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC), 260, time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.cal.AddBusinessDays(c.t, c.n)
			require.True(t, c.want.Equal(got), "got %v, want %v", got, c.want)
			require.Equal(t, c.want.Location().String(), got.Location().String())
			require.True(t, c.want.Equal(naiveAddBusinessDays(c.cal, c.t, c.n)))
		})
	}
}

func TestNextBusinessDay(t *testing.T) {
	var c eta.Calendar
	thu := time.Date(2025, 1, 9, 10, 0, 0, 0, time.UTC)
	require.Equal(t, time.Date(2025, 1, 10, 10, 0, 0, 0, time.UTC), c.NextBusinessDay(thu))
	require.Equal(t, time.Date(2025, 1, 13, 10, 0, 0, 0, time.UTC), c.NextBusinessDay(thu.AddDate(0, 0, 1)))
}

// TestAddBusinessDaysMatchesNaive checks the week-jumping arithmetic
// against a day-by-day walk over random calendars, zones, holidays (some
// duplicated, some on weekends) and distances.
func TestAddBusinessDaysMatchesNaive(t *testing.T) {
	zones := []*time.Location{time.UTC, mustZone(t, "Europe/Amsterdam"), mustZone(t, "America/New_York"),
		mustZone(t, "Australia/Lord_Howe"), mustZone(t, "Pacific/Kiritimati")}
	r := rand.New(rand.NewPCG(3, 4))
	iterations := 3000
	if testing.Short() {
		iterations = 300
	}
	for it := range iterations {
		c := eta.Calendar{Loc: zones[r.IntN(len(zones))]}
		if r.IntN(2) == 0 {
			c.Workdays = eta.Weekdays(1 + r.IntN(127))
		}
		for range r.IntN(30) {
			c.Holidays = append(c.Holidays, eta.Date{Year: 2024 + r.IntN(3), Month: time.Month(1 + r.IntN(12)), Day: 1 + r.IntN(28)})
		}
		if len(c.Holidays) > 0 && r.IntN(2) == 0 {
			c.Holidays = append(c.Holidays, c.Holidays[0]) // a duplicate
		}
		start := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.IntN(365*24*60)) * time.Minute)
		n := r.IntN(120) - 60
		if r.IntN(10) == 0 {
			n = r.IntN(2000) - 1000
		}
		got := c.AddBusinessDays(start, n)
		want := naiveAddBusinessDays(c, start, n)
		require.True(t, want.Equal(got), "iteration %d: %v + %d in %v (%v, %d holidays): got %v, want %v",
			it, start, n, c.Loc, c.Workdays, len(c.Holidays), got, want)
		if n != 0 {
			require.True(t, c.IsBusinessDay(got), "iteration %d: result %v is not a business day", it, got)
		}
	}
}

func TestAddBusinessDaysExtremes(t *testing.T) {
	c := eta.Calendar{Holidays: []eta.Date{{Year: 2025, Month: time.December, Day: 25}}}
	t0 := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
	far := c.AddBusinessDays(t0, math.MaxInt)
	require.True(t, far.After(t0.AddDate(1_000_000, 0, 0)))
	past := c.AddBusinessDays(t0, math.MinInt)
	require.True(t, past.Before(t0.AddDate(-1_000_000, 0, 0)))
	// Clamped: any n beyond the bound gives the same day.
	require.Equal(t, far, c.AddBusinessDays(t0, math.MaxInt-1))
	// A calendar with only an invalid working week falls back to the
	// default instead of looping forever.
	odd := eta.Calendar{Workdays: 0x80}
	require.Equal(t, time.Date(2025, 1, 7, 0, 0, 0, 0, time.UTC), odd.AddBusinessDays(t0, 1))
	// Invalid holiday dates never match.
	bad := eta.Calendar{Holidays: []eta.Date{{Year: 2025, Month: 13, Day: 1}, {Year: 2025, Month: 1, Day: 0}}}
	require.Equal(t, time.Date(2025, 1, 7, 0, 0, 0, 0, time.UTC), bad.AddBusinessDays(t0, 1))
	require.Equal(t, time.Date(2025, 2, 10, 0, 0, 0, 0, time.UTC), bad.AddBusinessDays(t0, 25))
}

func TestCalendarValidate(t *testing.T) {
	require.NoError(t, eta.Calendar{}.Validate())
	require.NoError(t, eta.Calendar{Workdays: eta.WeekdaysOf(time.Sunday), Holidays: []eta.Date{{Year: 2024, Month: 2, Day: 29}}}.Validate())
	for _, c := range []struct {
		cal   eta.Calendar
		field string
	}{
		{eta.Calendar{Workdays: 0x81}, "Workdays"},
		{eta.Calendar{Holidays: []eta.Date{{Year: 2025, Month: 1, Day: 1}, {Year: 2025, Month: 2, Day: 29}}}, "Holidays[1]"},
		{eta.Calendar{Holidays: []eta.Date{{Year: 2025, Month: 0, Day: 1}}}, "Holidays[0]"},
		{eta.Calendar{Holidays: []eta.Date{{Year: 2025, Month: 4, Day: 31}}}, "Holidays[0]"},
	} {
		err := c.cal.Validate()
		require.ErrorIs(t, err, eta.ErrInvalid)
		var ve *eta.ValidationError
		require.True(t, errors.As(err, &ve))
		require.Equal(t, c.field, ve.Field)
	}
}

func TestDateAndWeekdays(t *testing.T) {
	d := eta.DateOf(time.Date(2025, 3, 9, 23, 0, 0, 0, time.UTC))
	require.Equal(t, eta.Date{Year: 2025, Month: time.March, Day: 9}, d)
	require.Equal(t, "2025-03-09", d.String())
	require.True(t, d.Valid())
	require.True(t, eta.Date{Year: 2000, Month: 2, Day: 29}.Valid())
	require.False(t, eta.Date{Year: 1900, Month: 2, Day: 29}.Valid())
	require.False(t, eta.Date{Year: 2025, Month: 6, Day: 31}.Valid())

	require.Equal(t, "Mon,Tue,Wed,Thu,Fri", eta.MondayToFriday.String())
	w := eta.WeekdaysOf(time.Sunday, time.Saturday, time.Weekday(9))
	require.Equal(t, "Sun,Sat", w.String())
	require.True(t, w.Has(time.Sunday))
	require.False(t, w.Has(time.Monday))
	require.False(t, w.Has(time.Weekday(-1)))
	require.Equal(t, "", eta.Weekdays(0).String())
}
