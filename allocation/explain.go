package allocation

import (
	"fmt"
	"math/big"
	"strings"
)

// Stage says which rule decided a demand's grant.
type Stage uint8

const (
	// StageInvalid: the demand failed Validate (Reason.Err says why) and
	// got 0.
	StageInvalid Stage = iota
	// StageWin: a Win demand, served before all ranking, in Seq order.
	StageWin
	// StageFull: supply covered its tier (or every demand), so it was
	// served in full.
	StageFull
	// StageQueue: served in rank order from what was left when its turn
	// came (FIFO, and Priority's tier where supply ran out).
	StageQueue
	// StageShare: shared the tier where supply ran out (or the whole
	// supply) in proportion to weight (FairShare).
	StageShare
	// StageEqual: shared the tier where supply ran out (or the whole
	// supply) in equal shares (MaxMin).
	StageEqual
	// StageOut: a better tier used the supply up; it got only leftovers.
	StageOut
	// StageCustom: a host policy decided; there is no detail.
	StageCustom
)

var stageNames = [...]string{"invalid", "win", "full", "queue", "share", "equal", "out", "custom"}

// String returns the stage's name, e.g. "share".
func (s Stage) String() string {
	if int(s) < len(stageNames) {
		return stageNames[s]
	}
	return fmt.Sprintf("Stage(%d)", s)
}

// Reason says why one demand got what it got. Grant = Policy + TopUp +
// Taken − Lost, except for invalid demands (all 0).
type Reason struct {
	Index int   // the demand's position in the input
	Rank  int   // its position in Rank's order: 0 is served first
	Seq   int64 // the demand's Seq
	Tier  int32 // its effective tier (0 counts as 1)
	Stage Stage
	Err   error // StageInvalid: the fault, a *DemandError

	Grant  int64 // what Allocate grants: the change in what it holds
	Policy int64 // granted by the Win pass or the policy's own rule
	TopUp  int64 // added from what Min and Multiple left over, in rank order
	Taken  int64 // added in the Redistribute pass, from free supply and holdings behind it
	Lost   int64 // taken from its Redistribute holding by demands ahead of it

	// Available is, for StageWin and StageQueue, the supply it could draw on
	// when its turn came (for Win, movable holdings included).
	Available int64
	// Share is, for StageShare and StageEqual, the exact share of the
	// water-filled split (Outstanding if Capped); nil otherwise.
	Share *big.Rat
	// Floor is the whole units of Share.
	Floor int64
	// Remainder reports that it got one more unit by largest remainder
	// (MaxMin: by earlier arrival).
	Remainder bool
	// Capped reports that its share reached Outstanding.
	Capped bool
	// Rounded is how many units of its whole share Min or Multiple refused.
	Rounded int64

	d Demand
}

// Explain says, per demand, why p grants what it grants for supply: the
// rank, the stage that decided, and the numbers behind it (share,
// remainder, cap, minimum, multiple, leftovers, holdings moved). Reason i is
// for demands[i], and its Grant equals p.Allocate's grant i. Explain is for
// people answering a customer's call, not for the hot path: it allocates
// freely. For a policy that is not built in it reports only ranks and
// grants.
func Explain(p Policy, supply int64, demands []Demand) []Reason {
	n := len(demands)
	rs := make([]Reason, n)
	order := Rank(p, nil, demands)
	for k, i := range order {
		d := demands[i]
		rs[i] = Reason{Index: i, Rank: k, Seq: d.Seq, Tier: max(d.Tier, 1), d: d}
	}
	var a algo
	switch p := p.(type) {
	case FIFO:
		a = algo{k: kFIFO}
	case Priority:
		a = algo{k: kPriority, byTier: true}
	case FairShare:
		a = algo{k: kFair, byTier: p.Tiered}
	case MaxMin:
		a = algo{k: kMaxMin, byTier: p.Tiered}
	default:
		for i, g := range p.Allocate(nil, supply, demands) {
			rs[i].Stage, rs[i].Grant, rs[i].Policy = StageCustom, g, g
			if e := fieldFault(i, &demands[i]); e != nil {
				rs[i].Err = e
			}
		}
		return rs
	}
	supply = max(supply, 0)
	var tr trace
	grants := general(a, make([]int64, n), supply, demands, &tr)
	for i := range rs {
		r := &rs[i]
		r.Grant, r.Policy, r.Taken, r.Lost = grants[i], tr.gain[i], tr.taken[i], tr.lost[i]
		if tr.bad[i] {
			r.Stage = StageInvalid
			r.Err = &DemandError{Index: i, Field: "Seq", Reason: "shared with another demand"}
			if e := fieldFault(i, &demands[i]); e != nil {
				r.Err = e
			}
		}
	}

	// Win demands: what they could draw on is supply plus every movable
	// holding, less what earlier Win demands took.
	avail := supply
	for _, i := range tr.ranked {
		if d := &demands[i]; d.Protection == Redistribute {
			avail = satAdd(avail, d.Held)
		}
	}
	for i := range rs {
		if !tr.bad[i] && demands[i].Protection == Win {
			rs[i].Stage = StageWin
		}
	}
	for _, i := range order { // Win demands come first, by Seq
		if rs[i].Stage == StageWin {
			rs[i].Available = avail
			avail -= tr.gain[i]
		}
	}

	// The policy pass.
	s := &tr.sum
	free := tr.free
	ties := s.ties
	sc := newScaler(s.level, s.den)
	for _, i := range tr.ranked {
		r, d := &rs[i], &demands[i]
		cut := s.cut
		t := int32(1)
		if a.byTier {
			for k, tt := range tr.tiers {
				if tt == tierOf(d) {
					t = int32(k + 1)
				}
			}
		}
		switch {
		case a.k == kFIFO || a.k == kPriority && t == cut:
			r.Stage, r.Available = StageQueue, free
		case int(cut) == max(len(tr.tiers)+1, 2) || t < cut:
			r.Stage = StageFull
		case t > cut:
			r.Stage, r.Policy = StageOut, 0
		default:
			r.Stage = StageShare
			w := uint64(1)
			if a.k == kMaxMin {
				r.Stage = StageEqual
			} else {
				w = weightOf(d) >> s.shift
			}
			q, rem := sc.a, uint64(0)
			if a.k == kFair {
				q, rem = sc.of(w)
			}
			r.Share = new(big.Rat)
			if s.den > 0 {
				num := new(big.Int).Mul(new(big.Int).SetUint64(s.level), new(big.Int).SetUint64(w))
				r.Share.SetFrac(num, new(big.Int).SetUint64(s.den))
			}
			if q >= uint64(d.Outstanding) {
				r.Capped, r.Floor, r.Policy = true, d.Outstanding, d.Outstanding
				r.Share.SetInt64(d.Outstanding)
				break
			}
			r.Floor = int64(q)
			if rem > s.thresh || rem == s.thresh && ties > 0 {
				if rem == s.thresh {
					ties--
				}
				r.Remainder = true
			}
			whole := r.Floor
			if r.Remainder {
				whole++
			}
			r.Policy = d.Fit(whole)
			r.Rounded = whole - r.Policy
		}
		if r.Stage == StageQueue || r.Stage == StageFull {
			r.Policy = tr.gain[i]
		}
		r.TopUp = tr.gain[i] - r.Policy
		free -= tr.gain[i]
	}
	return rs
}

// String tells the reason in one line, for a person.
func (r Reason) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "demand %d (seq %d, tier %d, rank %d): ", r.Index, r.Seq, r.Tier, r.Rank)
	d := r.d
	switch r.Stage {
	case StageInvalid:
		fmt.Fprintf(&b, "invalid (%v)", r.Err)
	case StageWin:
		fmt.Fprintf(&b, "win: served first, %d available", r.Available)
	case StageFull:
		b.WriteString("its tier was covered in full")
	case StageQueue:
		fmt.Fprintf(&b, "%d left when its turn came", r.Available)
	case StageShare, StageEqual:
		word := "share"
		if r.Stage == StageEqual {
			word = "equal share"
		}
		fmt.Fprintf(&b, "%s %s", word, ratString(r.Share))
		if r.Capped {
			b.WriteString(", capped at outstanding")
		} else if r.Remainder {
			fmt.Fprintf(&b, " → %d + 1 by remainder", r.Floor)
		} else {
			fmt.Fprintf(&b, " → %d", r.Floor)
		}
		if r.Rounded > 0 {
			fmt.Fprintf(&b, ", %d refused by %s", r.Rounded, constraint(d))
		}
	case StageOut:
		b.WriteString("supply ran out in a better tier")
	case StageCustom:
		b.WriteString("host policy")
	}
	if r.TopUp > 0 {
		fmt.Fprintf(&b, ", +%d leftover", r.TopUp)
	}
	if r.Taken > 0 {
		fmt.Fprintf(&b, ", +%d taken from holdings behind", r.Taken)
	}
	if r.Lost > 0 {
		fmt.Fprintf(&b, ", lost %d of its holding", r.Lost)
	}
	fmt.Fprintf(&b, "; granted %d of %d", r.Grant, d.Outstanding)
	if r.Stage == StageQueue && r.Policy < d.Outstanding && r.Policy < r.Available {
		fmt.Fprintf(&b, " (%s)", constraint(d))
	}
	return b.String()
}

// constraint names the demand's minimum and multiple.
func constraint(d Demand) string {
	var parts []string
	if d.Min > 1 {
		parts = append(parts, fmt.Sprintf("minimum %d", d.Min))
	}
	if d.Multiple > 1 {
		parts = append(parts, fmt.Sprintf("multiple %d", d.Multiple))
	}
	if len(parts) == 0 {
		return "no constraint"
	}
	return strings.Join(parts, " and ")
}

// ratString writes r as a whole number and a proper fraction, e.g. "3 1/3".
func ratString(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String()
	}
	q, m := new(big.Int).QuoRem(r.Num(), r.Denom(), new(big.Int))
	return fmt.Sprintf("%s %s/%s", q, m, r.Denom())
}
