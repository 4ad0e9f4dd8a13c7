package web

import (
	"net/http"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
)

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	campaigns, err := s.store.Campaigns(r.Context(), store.CampaignFilter{IncludeDrafts: isOrganiser(r)})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	illustrative := false
	for _, c := range campaigns {
		illustrative = illustrative || c.Illustrative
	}
	s.render(w, r, http.StatusOK, "home", page{Title: "Calls to action", Illustrative: illustrative,
		D: map[string]any{"Campaigns": campaigns}})
}

func isOrganiser(r *http.Request) bool {
	u := currentUser(r)
	return u != nil && u.Role == gs.RoleOrganiser
}

// visibleCampaign finds a campaign by slug; drafts exist only for organisers.
func (s *Server) visibleCampaign(r *http.Request) (gs.Campaign, error) {
	c, err := s.store.CampaignBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return c, err
	}
	if c.Status == gs.CampaignDraft && !isOrganiser(r) {
		return c, gs.Errorf(gs.ENOTFOUND, "campaign not found")
	}
	return c, nil
}

func (s *Server) campaignPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, err := s.visibleCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	counts, err := s.store.CampaignCounts(ctx, c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	groups, err := s.store.Groups(ctx, c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	milestones, err := s.store.Milestones(ctx, c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	indicators, err := s.store.Indicators(ctx, c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var predecessor *gs.Campaign
	if c.PredecessorID != 0 {
		p, err := s.store.CampaignByID(ctx, c.PredecessorID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		predecessor = &p
	}
	s.render(w, r, http.StatusOK, "campaign", page{Title: c.Title, Illustrative: c.Illustrative, D: map[string]any{
		"Campaign": c, "Counts": counts, "Groups": groups, "Milestones": milestones,
		"Indicators": indicators, "Predecessor": predecessor, "Ref": refParam(r),
	}})
}

// refParam carries an invite link's code from page to page. A code of the
// wrong shape is dropped here; the pledge form checks it against the store.
func refParam(r *http.Request) string {
	ref := r.URL.Query().Get("ref")
	if len(ref) > 32 {
		return ""
	}
	return ref
}

const wallSize = 30

// storiesSize is how many stories a group's page shows, newest first.
const storiesSize = 12

func (s *Server) groupPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, err := s.visibleCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	g, err := s.store.GroupBySlug(ctx, c.ID, r.PathValue("group"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	actions, err := s.store.Actions(ctx, g.ID, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	wall, err := s.store.PledgeWall(ctx, g.ID, wallSize)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	stories, err := s.store.GroupStories(ctx, g.ID, storiesSize)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	people := 0
	if groups, err := s.store.Groups(ctx, c.ID); err == nil {
		for _, other := range groups {
			if other.ID == g.ID {
				people = other.People
			}
		}
	}
	s.render(w, r, http.StatusOK, "group", page{Title: g.Name + " – " + c.Title, Illustrative: c.Illustrative, D: map[string]any{
		"Campaign": c, "Group": g, "Actions": actions, "Wall": wall, "Stories": stories, "People": people, "Ref": refParam(r),
	}})
}

func (s *Server) indicatorPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, err := s.visibleCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ind, err := s.store.IndicatorBySlug(ctx, r.PathValue("indicator"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if ind.CampaignID != c.ID {
		s.fail(w, r, gs.Errorf(gs.ENOTFOUND, "indicator not found"))
		return
	}
	areas, err := s.store.ObservedAreas(ctx, ind.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var area gs.Area
	if len(areas) > 0 {
		area = areas[0]
	}
	if code := r.URL.Query().Get("area"); code != "" {
		found := false
		for _, a := range areas {
			if a.Code == code {
				area, found = a, true
			}
		}
		if !found {
			s.fail(w, r, gs.Errorf(gs.ENOTFOUND, "There are no figures for that area."))
			return
		}
	}
	var obs []gs.Observation
	if area.ID != 0 {
		if obs, err = s.store.Observations(ctx, ind.ID, area.ID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	synthetic := false
	for _, o := range obs {
		synthetic = synthetic || o.Synthetic
	}
	milestones, err := s.store.Milestones(ctx, c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "indicator", page{Title: ind.Name + " – " + c.Title, Illustrative: c.Illustrative, D: map[string]any{
		"Campaign": c, "Indicator": ind, "Areas": areas, "Area": area, "Observations": obs, "Synthetic": synthetic,
		"Chart": lineChart(obs, milestones), "Milestones": milestones,
	}})
}
