package mobilise

import (
	"fmt"

	gs "github.com/groundswell-health/groundswell"
)

// Member is an organisation's membership of a campaign's alliance.
type Member struct {
	OrganisationID int64
	JoinedOn       gs.Date
}

// AlliancePoint is the alliance's figures for one bucket.
type AlliancePoint struct {
	Bucket
	Joined  int // organisations that joined in the bucket
	Members int // organisations in the alliance as at its end
	// Plan is the organisations' action-plan commitments, counted as
	// people's commitments are (Plan.Kept is done ÷ due).
	Plan Point
}

// Alliance counts the organisations in the alliance over tl and how their
// action-plan commitments were kept. An organisation listed more than once
// counts once, from its earliest JoinedOn. For each organisation's own kept
// rate, tally plan with Options{By: ByOrganisation}.
func Alliance(members []Member, plan []Commitment, tl Timeline) ([]AlliancePoint, error) {
	joined := make(map[int64]gs.Date, len(members))
	for _, m := range members {
		if m.JoinedOn.IsZero() {
			return nil, fmt.Errorf("alliance member %d: no date joined", m.OrganisationID)
		}
		if d, ok := joined[m.OrganisationID]; !ok || m.JoinedOn.Before(d) {
			joined[m.OrganisationID] = m.JoinedOn
		}
	}
	series, err := Commitments(plan, tl, Options{})
	if err != nil {
		return nil, fmt.Errorf("alliance action plans: %w", err)
	}
	n := tl.Len()
	if n == 0 {
		return nil, nil
	}
	bySlot := make([]int, tl.slots())
	for _, d := range joined {
		bySlot[tl.dateSlot(d)]++
	}
	out := make([]AlliancePoint, n)
	total := bySlot[0]
	for i := range out {
		total += bySlot[i+1]
		out[i] = AlliancePoint{Bucket: tl.Bucket(i), Joined: bySlot[i+1], Members: total, Plan: series[0].Points[i]}
	}
	return out, nil
}
