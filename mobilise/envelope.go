package mobilise

import (
	"fmt"

	gs "github.com/groundswell-health/groundswell"
)

// Kinds and units of envelope entries.
const (
	Allocated  = "allocated"
	Spent      = "spent"
	GBP        = "GBP"
	StaffHours = "staff_hours"
)

// EnvelopeUnits lists the units an envelope is kept in, in the order series
// are returned.
var EnvelopeUnits = []string{GBP, StaffHours}

// EnvelopeEntry is money or staff time allocated to, or spent from, the
// classic programme envelope.
type EnvelopeEntry struct {
	On     gs.Date
	Kind   string  // Allocated or Spent
	Amount float64 // 0 or more
	Unit   string  // GBP or StaffHours
	Note   string
}

// EnvelopePoint is an envelope's totals as at the end of a bucket.
type EnvelopePoint struct {
	Bucket
	Allocated, Spent float64
	// Remaining is Allocated − Spent; negative when overspent.
	Remaining float64
}

// EnvelopeSeries is one unit's envelope over a timeline.
type EnvelopeSeries struct {
	Unit   string
	Points []EnvelopePoint
}

// Envelope totals entries over tl, one series for each unit that has
// entries, in the order of EnvelopeUnits. An entry counts from the start of
// its date.
func Envelope(entries []EnvelopeEntry, tl Timeline) ([]EnvelopeSeries, error) {
	type sums struct{ allocated, spent []int64 } // micro-units
	byUnit := map[string]*sums{}
	for i, e := range entries {
		if e.On.IsZero() {
			return nil, fmt.Errorf("envelope entry %d: no date", i+1)
		}
		if !(e.Amount >= 0 && e.Amount <= maxAmount) {
			return nil, fmt.Errorf("envelope entry %d: amount %v: must be a number from 0 to %g", i+1, e.Amount, maxAmount)
		}
		if e.Unit != GBP && e.Unit != StaffHours {
			return nil, fmt.Errorf("envelope entry %d: unknown unit %q", i+1, e.Unit)
		}
		s := byUnit[e.Unit]
		if s == nil {
			s = &sums{make([]int64, tl.slots()), make([]int64, tl.slots())}
			byUnit[e.Unit] = s
		}
		slot := tl.dateSlot(e.On)
		switch e.Kind {
		case Allocated:
			s.allocated[slot] += micro(e.Amount)
		case Spent:
			s.spent[slot] += micro(e.Amount)
		default:
			return nil, fmt.Errorf("envelope entry %d: unknown kind %q", i+1, e.Kind)
		}
	}
	var out []EnvelopeSeries
	for _, u := range EnvelopeUnits {
		s := byUnit[u]
		if s == nil || tl.Len() == 0 {
			continue
		}
		es := EnvelopeSeries{Unit: u, Points: make([]EnvelopePoint, tl.Len())}
		a, sp := s.allocated[0], s.spent[0]
		for i := range es.Points {
			a += s.allocated[i+1]
			sp += s.spent[i+1]
			es.Points[i] = EnvelopePoint{Bucket: tl.Bucket(i), Allocated: fromMicro(a), Spent: fromMicro(sp), Remaining: fromMicro(a - sp)}
		}
		out = append(out, es)
	}
	return out, nil
}
