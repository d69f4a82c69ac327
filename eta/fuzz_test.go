package eta_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/backorderkit/backorderkit/allocation"
	"github.com/backorderkit/backorderkit/eta"
	"github.com/stretchr/testify/require"
)

// fuzzReader hands out values decoded from fuzz bytes; past the end it
// gives zeros.
type fuzzReader struct {
	b   []byte
	bad bool // may decode negative quantities
}

func (r *fuzzReader) byte() byte {
	if len(r.b) == 0 {
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

// qty is mostly small, sometimes negative (invalid) or near max int64.
func (r *fuzzReader) qty() int64 {
	b := r.byte()
	switch b >> 5 {
	case 6:
		if r.bad {
			return -int64(b&7) - 1
		}
	case 7:
		return math.MaxInt64 - int64(b&7)
	}
	return int64(b & 63)
}

func (r *fuzzReader) small(n int) int { return int(r.byte()) % n }

// fuzzInput decodes an Input: up to 10 demands with every field, stock at
// up to three locations, up to 6 inbound around now, calendars, history.
func fuzzInput(data []byte) eta.Input {
	r := &fuzzReader{b: data}
	locs := []string{"", "AMS", "NYC"}
	suppliers := []string{"a", "b"}
	zones := []*time.Location{time.UTC, time.FixedZone("X", -11*3600), time.FixedZone("Y", 13*3600)}
	now := time.Date(2025, 1, 1+r.small(14), r.small(24), 0, 0, 0, zones[r.small(len(zones))])
	in := eta.Input{Now: now, Policy: policies[r.small(len(policies))].p}
	flags := r.byte()
	r.bad = flags&32 != 0 && flags&64 != 0 // a quarter of inputs may be invalid
	in.Discontinued = flags&1 != 0
	if flags&2 != 0 {
		in.LeadTime = time.Duration(r.qty()) * time.Hour
	}
	in.Handling, in.Transit = r.small(4), r.small(4)
	if r.bad {
		in.Handling--
	}
	if flags&4 != 0 {
		in.Calendar = eta.Calendar{Loc: zones[r.small(len(zones))], Workdays: eta.Weekdays(r.byte())}
		if !r.bad {
			in.Calendar.Workdays &= 0x7f
		}
	}
	if flags&8 != 0 {
		in.Calendars = map[string]eta.Calendar{"AMS": {Holidays: []eta.Date{{Year: 2025, Month: 1, Day: 1 + r.small(31)}}}}
	}
	if flags&16 != 0 {
		in.History = map[string][]int{}
		for range 1 + r.small(4) {
			in.History[suppliers[r.small(2)]] = append(in.History[suppliers[r.small(2)]], r.small(21)-6)
		}
	}
	for i := range r.small(11) {
		seq := int64(4*i + r.small(4)) // unique and increasing...
		if r.bad {
			seq = int64(r.small(8)) // ...or not
		}
		in.Demands = append(in.Demands, allocation.Demand{
			Outstanding: r.qty(), Held: r.qty(), Seq: seq, Weight: r.qty() % 8,
			Min: r.qty() % 40, Multiple: r.qty() % 9, Tier: int32(r.small(5)),
			Protection: allocation.Protection(r.small(4)),
		})
	}
	if flags&128 != 0 && len(in.Demands) > 1 { // out of book order
		j := r.small(len(in.Demands))
		in.Demands[0], in.Demands[j] = in.Demands[j], in.Demands[0]
	}
	for range r.small(3) {
		in.OnHand = append(in.OnHand, eta.Stock{Location: locs[r.small(3)], Qty: r.qty()})
	}
	for range r.small(7) {
		in.Inbound = append(in.Inbound, eta.Inbound{
			Qty:      r.qty(),
			Expected: now.Add(time.Duration(r.small(30)-5)*24*time.Hour + time.Duration(r.small(24))*time.Hour),
			Location: locs[r.small(3)],
			Supplier: suppliers[r.small(2)],
		})
	}
	return in
}

// FuzzProject checks, on any decoded input: no panic; an error is a
// validation error; tranches sum to at most the outstanding quantity, with
// dates non-decreasing and never before now; a demand is Covered iff its
// tranches from known supply sum to its outstanding; Estimated and None as
// documented; and the projection equals the oracle's simulation.
func FuzzProject(f *testing.F) {
	f.Add([]byte{0, 2, 10, 1, 1, 3, 20, 0, 1, 0, 0, 0, 0, 0, 30, 0, 2, 0, 0, 0, 0, 0, 0, 1, 40, 5, 1, 0})
	f.Add([]byte{3, 5, 19, 0, 2, 2, 9, 4, 30, 2, 5, 1, 1, 2, 40, 0, 3, 3, 12, 4, 2, 1, 1, 2, 0, 3, 50, 7, 2, 1, 20, 9, 1, 0})
	f.Add([]byte{1, 31, 30, 3, 1, 7, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25})
	f.Add([]byte{4, 2, 200, 2, 1, 4, 230, 1, 2, 0, 0, 0, 1, 0, 255, 0, 3, 0, 0, 0, 0, 0, 1, 1, 250, 3, 1, 1})
	f.Add([]byte{6, 18, 40, 0, 0, 1, 0, 5, 8, 35, 9, 4, 20, 12, 2, 2, 1, 1, 10, 6, 2, 2, 1, 1, 0, 2, 25, 1, 0, 2})
	f.Fuzz(func(t *testing.T, data []byte) {
		in := fuzzInput(data)
		var p eta.Projector
		var out eta.Projection
		err := p.Project(&out, in)
		if err != nil {
			require.ErrorIs(t, err, eta.ErrInvalid)
			var ve *eta.ValidationError
			require.True(t, errors.As(err, &ve))
			require.Zero(t, out.Len())
			return
		}
		require.Equal(t, len(in.Demands), out.Len())
		now := in.Now.Round(0)
		for i := range out.Len() {
			pr := out.Promise(i)
			list := out.Tranches(nil, i)
			require.Len(t, list, pr.Tranches)
			var sum, known int64
			prev := now
			for k, tr := range list {
				require.Positive(t, tr.Qty)
				require.False(t, tr.Date.Before(prev), "tranche %d of %d goes back in time", k, i)
				prev = tr.Date
				sum += tr.Qty
				if tr.Source != eta.SourceLeadTime {
					known += tr.Qty
				} else {
					require.Equal(t, len(list)-1, k, "the estimate is the last tranche")
				}
			}
			out := in.Demands[i].Outstanding
			require.LessOrEqual(t, sum, out)
			require.Equal(t, known == out, pr.Kind == eta.Covered, "demand %d: covered iff known supply covers it", i)
			switch pr.Kind {
			case eta.Estimated:
				require.Equal(t, out, sum)
				require.Equal(t, eta.SourceLeadTime, list[len(list)-1].Source)
			case eta.None:
				require.Less(t, known, out)
				require.True(t, pr.Ready.IsZero() && pr.Delivery.IsZero() && pr.P50Ready.IsZero() && pr.P90Ready.IsZero())
			}
			if pr.Kind != eta.None {
				require.False(t, pr.Ready.Before(now))
				require.False(t, pr.Delivery.Before(pr.Ready))
				if len(list) > 0 {
					require.True(t, pr.Ready.Equal(list[len(list)-1].Date))
				}
				for _, d := range []time.Time{pr.P50Ready, pr.P90Ready} {
					require.True(t, d.IsZero() || !d.Before(now))
				}
			}
		}
		requireSamePromises(t, oracleProjection(in), viewOf(&out))
	})
}
