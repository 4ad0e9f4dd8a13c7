package demo

import (
	"fmt"

	"github.com/groundswell-health/groundswell"
)

// envelope adds each campaign's classic resource envelope: a programme
// budget and a team's time allocated at the start, a top-up part way
// through, and monthly spending that runs it down to nearly nothing by the
// end. The figures are made up (like everything in the demo except the
// England outcome series) and shaped to tell the story of the seed: the
// envelope runs down while the relationships and commitments grow.
func (g *gen) envelope(campaign int64, starts, ends groundswell.Date, budget, hours float64) {
	add := func(on groundswell.Date, kind, unit string, amount float64, note string) {
		g.ds.Envelope = append(g.ds.Envelope, groundswell.EnvelopeEntry{
			ID: int64(len(g.ds.Envelope) + 1), CampaignID: campaign, On: on, Kind: kind, Unit: unit, Amount: amount, Note: note,
		})
	}
	add(starts, groundswell.EnvelopeAllocated, groundswell.UnitGBP, budget*0.8, "Programme budget (illustrative)")
	add(starts, groundswell.EnvelopeAllocated, groundswell.UnitStaffHours, hours, "Programme team time (illustrative)")
	var months []groundswell.Date
	for d := starts; d.Before(ends); d = d.AddMonths(1) {
		months = append(months, d)
	}
	top := months[len(months)/2]
	add(top, groundswell.EnvelopeAllocated, groundswell.UnitGBP, budget*0.2, "Mid-point top-up (illustrative)")
	// Spending front-loaded, as programmes spend on launch events and
	// materials: month i's share falls linearly; the total leaves 3 % unspent.
	n := float64(len(months))
	weight := func(i int) float64 { return 2 * (n - float64(i)) / (n * (n + 1)) }
	for i, m := range months {
		add(m.AddMonths(1).AddDays(-1), groundswell.EnvelopeSpent, groundswell.UnitGBP, round2(budget*0.97*weight(i)), fmt.Sprintf("Spending, %s (illustrative)", m.MonthYear()))
		add(m.AddMonths(1).AddDays(-1), groundswell.EnvelopeSpent, groundswell.UnitStaffHours, round2(hours*0.97*weight(i)), fmt.Sprintf("Team time, %s (illustrative)", m.MonthYear()))
	}
}

func round2(v float64) float64 { return float64(int64(v*100+0.5)) / 100 }
