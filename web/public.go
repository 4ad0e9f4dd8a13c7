package web

import (
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/spc"
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

// indicatorView is what the indicator page and its JSON share: the
// indicator, the area asked for (?area=CODE, else the first, the nation)
// and its observations, and the recalculation date (?recalc=YYYY-MM-DD).
type indicatorView struct {
	Campaign gs.Campaign
	Ind      gs.Indicator
	Areas    []gs.Area
	Area     gs.Area
	Obs      []gs.Observation
	Recalc   gs.Date
	// Kind is the chart: chartXmR, or chartPPrime when asked for
	// (?chart=pprime) and the figures have numerators and denominators.
	Kind string
}

func (s *Server) loadIndicator(r *http.Request) (indicatorView, error) {
	ctx := r.Context()
	var v indicatorView
	c, err := s.visibleCampaign(r)
	if err != nil {
		return v, err
	}
	v.Campaign = c
	ind, err := s.store.IndicatorBySlug(ctx, r.PathValue("indicator"))
	if err != nil {
		return v, err
	}
	if ind.CampaignID != c.ID {
		return v, gs.Errorf(gs.ENOTFOUND, "indicator not found")
	}
	v.Ind = ind
	if v.Areas, err = s.store.ObservedAreas(ctx, ind.ID); err != nil {
		return v, err
	}
	if len(v.Areas) > 0 {
		v.Area = v.Areas[0]
	}
	if code := r.URL.Query().Get("area"); code != "" {
		found := false
		for _, a := range v.Areas {
			if a.Code == code {
				v.Area, found = a, true
			}
		}
		if !found {
			return v, gs.Errorf(gs.ENOTFOUND, "There are no figures for that area.")
		}
	}
	if q := r.URL.Query().Get("recalc"); q != "" {
		if v.Recalc, err = gs.ParseDate(q); err != nil {
			return v, gs.Errorf(gs.EINVALID, "Recalculate from: enter a date in the form YYYY-MM-DD.")
		}
	}
	if v.Area.ID != 0 {
		if v.Obs, err = s.store.Observations(ctx, ind.ID, v.Area.ID); err != nil {
			return v, err
		}
	}
	switch q := r.URL.Query().Get("chart"); q {
	case "", chartXmR:
		v.Kind = chartXmR
	case chartPPrime:
		v.Kind = chartPPrime
	default:
		return v, gs.Errorf(gs.EINVALID, "Chart: choose xmr or pprime.")
	}
	return v, nil
}

func (s *Server) indicatorPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v, err := s.loadIndicator(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, ind := v.Campaign, v.Ind
	milestones, err := s.store.Milestones(ctx, c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	drivers, err := s.store.IndicatorDrivers(ctx, ind.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res, spcErr := spcSeries(v.Obs, ind, v.Recalc, v.Kind)
	kindWords := "XmR"
	if v.Kind == chartPPrime {
		kindWords = "Laney p′"
	}
	chart := layoutSPC("chart", ind.Name+", "+v.Area.Name,
		"Statistical process control chart ("+kindWords+", NHS Making Data Count style) of "+ind.Name+" by month for "+v.Area.Name+".",
		false, v.Obs, ind.Target, res, spcErr, milestones)

	// Small multiples: on the national view, a small chart of every other
	// area with figures, each linking to its full view; and a funnel plot
	// comparing the areas at the latest month they all have counts for.
	type multiple struct {
		Area      gs.Area
		Chart     spcChart
		Synthetic bool
	}
	var multiples []multiple
	var funnel *funnelChart
	var funnelErr string
	if v.Area.Kind == "nation" {
		byArea := map[gs.Area][]gs.Observation{}
		synthetic := false
		for _, a := range v.Areas {
			if a.ID == v.Area.ID {
				continue
			}
			obs, err := s.store.Observations(ctx, ind.ID, a.ID)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			byArea[a] = obs
			res, err := spcSeries(obs, ind, v.Recalc, v.Kind)
			m := multiple{Area: a, Synthetic: isSynthetic(obs)}
			synthetic = synthetic || m.Synthetic
			m.Chart = layoutSPC("small-"+a.Code, ind.Name+", "+a.Name,
				"Small SPC chart of "+ind.Name+" for "+a.Name+".", true, obs, ind.Target, res, err, nil)
			multiples = append(multiples, m)
		}
		if period, units := latestFunnel(byArea); len(units) > 0 {
			if fc, err := layoutFunnel("funnel", ind, period, units); err != nil {
				funnelErr = err.Error()
			} else {
				if synthetic {
					fc.Desc += " Some areas' figures are synthetic: made up for the demonstration."
				}
				funnel = &fc
			}
		}
	}
	s.render(w, r, http.StatusOK, "indicator", page{Title: ind.Name + " – " + c.Title, Illustrative: c.Illustrative, D: map[string]any{
		"Campaign": c, "Indicator": ind, "Areas": v.Areas, "Area": v.Area, "Observations": v.Obs, "Synthetic": isSynthetic(v.Obs),
		"Chart": chart, "Milestones": milestones, "Multiples": multiples, "Recalc": v.Recalc.String(), "RecalcLong": v.Recalc.Long(),
		"Recalculated": res != nil && len(res.Sections) > 1, "Drivers": drivers, "Kind": v.Kind, "CanPPrime": hasCounts(v.Obs),
		"Funnel": funnel, "FunnelErr": funnelErr, "Query": indicatorQuery(v),
		// Printed, to say where a board paper came from and when.
		"Address": s.baseURL(r) + r.URL.RequestURI(), "AsAt": time.Now(),
	}})
}

// indicatorQuery is the page's query string (area, recalculation and chart
// kind), for links to the same view in another form. It is a template.URL
// so that the template keeps its = and &: every value in it is escaped by
// url.Values.Encode.
func indicatorQuery(v indicatorView) template.URL {
	q := url.Values{}
	q.Set("area", v.Area.Code)
	if !v.Recalc.IsZero() {
		q.Set("recalc", v.Recalc.String())
	}
	if v.Kind != chartXmR {
		q.Set("chart", v.Kind)
	}
	return template.URL(q.Encode()) //nolint:gosec // built by url.Values.Encode from checked values
}

func isSynthetic(obs []gs.Observation) bool {
	for _, o := range obs {
		if o.Synthetic {
			return true
		}
	}
	return false
}

// indicatorSPC is the indicator page's chart as JSON, in the shape of the
// `groundswell spc` CLI: ?area=CODE and ?recalc=YYYY-MM-DD as on the page.
func (s *Server) indicatorSPC(w http.ResponseWriter, r *http.Request) {
	v, err := s.loadIndicator(r)
	if err == nil && len(v.Obs) == 0 {
		err = gs.Errorf(gs.ENOTFOUND, "There are no figures for this indicator yet.")
	}
	var res *spc.Result
	if err == nil {
		if res, err = spcSeries(v.Obs, v.Ind, v.Recalc, v.Kind); err != nil {
			err = gs.Errorf(gs.EINVALID, "%s", err.Error())
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	enc := json.NewEncoder(w)
	if err != nil {
		code := gs.ErrorCode(err)
		if code == gs.EINTERNAL {
			s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
			w.WriteHeader(http.StatusInternalServerError)
			enc.Encode(map[string]string{"error": "Sorry, there is a problem with the service."})
			return
		}
		w.WriteHeader(errorStatus(code))
		enc.Encode(map[string]string{"error": gs.ErrorMessage(err)})
		return
	}
	enc.Encode(spc.ReportJSON(res))
}
