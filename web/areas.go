package web

import (
	"context"
	"fmt"
	"net/http"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/mobilise"
)

// The area view: how intensely each area mobilised, beside how its outcome
// measures changed after the launch. Side by side only: the page says that
// this is association, and never claims cause.

type areaRow struct {
	Area        gs.Area
	People      int
	Commitments int
	// PerHundredThousand is commitments per 100,000 population; empty
	// when the area's population is not known.
	PerHundredThousand string
	Outcomes           []areaOutcome
}

// areaOutcome is an indicator's change in an area: the mean of the months
// before the launch against the mean since, the SPC way (a recalculation
// at the launch), and what the latest month shows.
type areaOutcome struct {
	Indicator        gs.Indicator
	Before, Since    string
	Change           string
	Variation        string
	Synthetic        bool
	NotEnough, Error string
}

func (s *Server) areaView(w http.ResponseWriter, r *http.Request) {
	c, err := s.visibleCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := dashboardAllowed(r, c); err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.loadAreas(r.Context(), c)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "areas_view", page{Title: "Areas – " + c.Title, Illustrative: c.Illustrative, D: map[string]any{
		"Campaign": c, "Rows": v.Rows, "Unplaced": v.Unplaced, "Indicators": v.Indicators,
	}})
}

// areaFigures are the area view's rows, for its page and downloads.
type areaFigures struct {
	Rows       []areaRow
	Unplaced   int // commitments of people who gave no area
	Indicators []gs.Indicator
}

func (s *Server) loadAreas(ctx context.Context, c gs.Campaign) (areaFigures, error) {
	var v areaFigures
	byArea, err := s.latest(ctx, c.ID, "area", mobilise.ByArea, time.Now())
	if err != nil {
		return v, err
	}
	latest := map[int64]mobilise.Point{}
	for _, sr := range byArea {
		if len(sr.Points) > 0 {
			latest[sr.Key] = sr.Points[len(sr.Points)-1]
		}
	}
	areas, err := s.store.Areas(ctx)
	if err != nil {
		return v, err
	}
	if v.Indicators, err = s.store.Indicators(ctx, c.ID); err != nil {
		return v, err
	}
	// A person counts in the area they gave and in every area containing
	// it: England's row is everyone placed anywhere in England. A person has
	// one area, so adding children's people counts no one twice.
	parent := map[int64]int64{}
	for _, a := range areas {
		parent[a.ID] = a.ParentID
	}
	people, standing := map[int64]int{}, map[int64]int{}
	for id, p := range latest {
		for a, seen := id, 0; a != 0 && seen <= len(areas); a, seen = parent[a], seen+1 {
			people[a] += p.People
			standing[a] += p.Standing
		}
	}
	v.Unplaced = latest[0].Standing
	for _, a := range areas {
		_, has := people[a.ID]
		row := areaRow{Area: a, People: people[a.ID], Commitments: standing[a.ID]}
		if a.Population > 0 {
			row.PerHundredThousand = fmt.Sprintf("%.1f", 100_000*float64(row.Commitments)/float64(a.Population))
		}
		for _, ind := range v.Indicators {
			obs, err := s.store.Observations(ctx, ind.ID, a.ID)
			if err != nil {
				return v, err
			}
			if len(obs) == 0 {
				continue
			}
			row.Outcomes = append(row.Outcomes, outcomeChange(ind, obs, c.StartsOn))
		}
		if has || len(row.Outcomes) > 0 {
			v.Rows = append(v.Rows, row)
		}
	}
	return v, nil
}

// outcomeChange is an indicator's change in an area across the launch.
func outcomeChange(ind gs.Indicator, obs []gs.Observation, launch gs.Date) areaOutcome {
	o := areaOutcome{Indicator: ind, Synthetic: isSynthetic(obs)}
	res, err := spcSeries(obs, ind, launch, chartXmR)
	switch {
	case err != nil:
		o.Error = err.Error()
	case len(res.Sections) < 2:
		o.NotEnough = "no figures from both before and after the launch"
	default:
		before, since := res.Sections[0].Mean, res.Sections[len(res.Sections)-1].Mean
		o.Before, o.Since = fixed(before), fixed(since)
		d := since - before
		o.Change = fixed(d)
		if d > 0 {
			o.Change = "+" + o.Change
		}
		o.Variation = variationWords(res.Points[len(res.Points)-1])
	}
	return o
}
