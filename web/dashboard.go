package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/csvio"
	"github.com/groundswell-health/groundswell/mobilise"
	"github.com/groundswell-health/groundswell/store"
)

// The dashboard: what a campaign has built, over time, beside its envelope.
// Every figure comes from package mobilise, whose documentation defines it;
// the page says in words what each counts.

// london is the time zone buckets are dated in: the store's rollups are
// counted in it too.
var london = gs.Zone

// dashboardAllowed keeps a campaign's dashboard, network and area pages to
// people with a role — organisers, group leads, organisation
// representatives — when its organisers ask. Anyone who pledged can sign in
// (as a participant), so being signed in is not enough.
func dashboardAllowed(r *http.Request, c gs.Campaign) error {
	if !c.DashboardSignedInOnly {
		return nil
	}
	a := currentAccess(r)
	switch {
	case a == nil:
		return gs.Errorf(gs.EUNAUTHORIZED, "Sign in to see this dashboard.")
	case a.Organiser() || len(a.Leads) > 0 || len(a.Represents) > 0:
		return nil
	}
	return gs.Errorf(gs.EFORBIDDEN, "This campaign's dashboard is for its organisers, group leads and organisation representatives.")
}

var periodNames = map[string]mobilise.Period{"monthly": mobilise.Monthly, "weekly": mobilise.Weekly, "daily": mobilise.Daily}

// dashboard is everything the dashboard page and its downloads show.
type dashboard struct {
	Campaign gs.Campaign
	Period   string
	Timeline mobilise.Timeline
	Total    mobilise.Series // confirmed commitments, as the campaign pages count
	// Pledges are the confirmed pledges' totals with Made counting every
	// pledge, confirmed or not: the funnel's steps.
	Pledges mobilise.Counts
	// SlowAt is when the relationship and carry-over figures were counted:
	// they are kept for a minute (see slowfigures.go).
	SlowAt time.Time
	Groups []groupProgress
	// Organisations are the alliance's members and any organisation whose
	// staff committed, most people committed first.
	Organisations []orgProgress
	Headline      mobilise.Headline
	Graph         mobilise.Summary
	Invitations   []int // relationships made up to each bucket's end
	Envelope      []mobilise.EnvelopeSeries
	Alliance      []mobilise.AlliancePoint
	Predecessor   *gs.Campaign
	Carry         mobilise.CarryOver
}

type orgProgress struct {
	Organisation gs.Organisation
	InAlliance   bool
	Latest       mobilise.Point // its staff's commitments
	// Plan is its alliance action plan's items, counted as commitments are.
	Plan mobilise.Point
}

type groupProgress struct {
	Group  gs.GroupSummary
	Latest mobilise.Point
	// Percent of the group's own target of people, capped at 100 for the
	// bar; 0 when it set none.
	Percent int
}

// loadDashboard computes a campaign's dashboard as at now (or, for a closed
// campaign that has ended, as at the end of its last day).
func (s *Server) loadDashboard(r *http.Request) (*dashboard, error) {
	ctx := r.Context()
	c, err := s.visibleCampaign(r)
	if err != nil {
		return nil, err
	}
	if err := dashboardAllowed(r, c); err != nil {
		return nil, err
	}
	d := &dashboard{Campaign: c, Period: "monthly"}
	if q := r.URL.Query().Get("period"); q != "" {
		if _, ok := periodNames[q]; !ok {
			return nil, gs.Errorf(gs.EINVALID, "Period: choose monthly, weekly or daily.")
		}
		d.Period = q
	}
	now := time.Now()
	if c.Status == gs.CampaignClosed && !c.EndsOn.IsZero() {
		end := c.EndsOn.AddDays(1)
		if endAt := time.Date(end.Year, time.Month(end.Month), end.Day, 0, 0, 0, 0, london); endAt.Before(now) {
			now = endAt
		}
	}
	// A campaign published before it starts shows an empty today.
	from := c.StartsOn
	if today := mobilise.DayOf(now.Add(-time.Nanosecond), london); today.Before(from) {
		from = today
	}
	if d.Timeline, err = mobilise.NewTimeline(periodNames[d.Period], from, now, london); err != nil {
		return nil, gs.Errorf(gs.EINVALID, "This campaign's dates cannot be shown as a time series: %v", err)
	}
	m, err := s.store.MobilisationData(ctx, c)
	if err != nil {
		return nil, err
	}
	// The series come from the rollups the store keeps as commitments
	// change: a few rows a day, however many commitments.
	// The total over time; groups and organisations only as they stand, from
	// the rollup with the past summed (two thousand organisations' every day
	// would be a million rows).
	rows, err := s.store.RollupDays(ctx, c.ID, "total")
	if err != nil {
		return nil, err
	}
	series := map[string][]mobilise.Series{"total": mobilise.SeriesFromDays(rows, d.Timeline, mobilise.Options{ConfirmedOnly: true})}
	for split, by := range map[string]mobilise.By{"group": mobilise.ByGroup, "organisation": mobilise.ByOrganisation} {
		if series[split], err = s.latest(ctx, c.ID, split, by, now); err != nil {
			return nil, err
		}
	}
	unconfirmed, err := s.store.Unconfirmed(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	slow, err := s.slowFigures(ctx, c, mobilisationInputs{members: m.Members})
	if err != nil {
		return nil, err
	}
	d.SlowAt = slow.At
	d.Total = series["total"][0]
	d.Pledges = lastPoint(d.Total.Points).Total
	d.Pledges.Made += unconfirmed

	d.Headline = mobilise.HeadlineOf(d.Total.Points)

	groups, err := s.store.Groups(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	byGroup := map[int64]mobilise.Series{}
	for _, sr := range series["group"] {
		byGroup[sr.Key] = sr
	}
	for _, g := range groups {
		gp := groupProgress{Group: g}
		if sr, ok := byGroup[g.ID]; ok && len(sr.Points) > 0 {
			gp.Latest = sr.Points[len(sr.Points)-1]
		}
		if g.Target > 0 {
			gp.Percent = min(100, 100*gp.Latest.People/g.Target)
		}
		d.Groups = append(d.Groups, gp)
	}

	if d.Organisations, err = s.organisationProgress(r, d.Timeline, series["organisation"], m); err != nil {
		return nil, err
	}

	d.Graph = slow.Graph
	d.Invitations = make([]int, d.Timeline.Len())
	for i, b := range d.Timeline.Buckets() {
		d.Invitations[i] = sort.Search(len(slow.Invited), func(j int) bool { return !slow.Invited[j].Before(b.AsAt) })
	}
	if d.Envelope, err = mobilise.Envelope(m.Envelope, d.Timeline); err != nil {
		return nil, fmt.Errorf("envelope of campaign %d: %w", c.ID, err)
	}
	if d.Alliance, err = mobilise.Alliance(m.Members, m.Plan, d.Timeline); err != nil {
		return nil, fmt.Errorf("alliance of campaign %d: %w", c.ID, err)
	}
	if c.PredecessorID != 0 {
		p, err := s.store.CampaignByID(ctx, c.PredecessorID)
		if err != nil {
			return nil, err
		}
		if p.Status != gs.CampaignDraft || isOrganiser(r) {
			d.Predecessor = &p
			d.Carry = slow.Carry
		}
	}
	return d, nil
}

// latest is a split's series as they stand at now: one point a key.
func (s *Server) latest(ctx context.Context, campaignID int64, split string, by mobilise.By, now time.Time) ([]mobilise.Series, error) {
	today := mobilise.DayOf(now.Add(-time.Nanosecond), london)
	tl, err := mobilise.NewTimeline(mobilise.Daily, today, now, london)
	if err != nil {
		return nil, err
	}
	rows, err := s.store.RollupLatest(ctx, campaignID, split, today)
	if err != nil {
		return nil, err
	}
	return mobilise.SeriesFromDays(rows, tl, mobilise.Options{ConfirmedOnly: true, By: by}), nil
}

// organisationProgress is each organisation's part: its staff's
// commitments and its own action plan, for the alliance's members and any
// organisation whose staff committed.
func (s *Server) organisationProgress(r *http.Request, tl mobilise.Timeline, byOrg []mobilise.Series, m store.Mobilisation) ([]orgProgress, error) {
	orgs, err := s.store.Organisations(r.Context())
	if err != nil {
		return nil, err
	}
	staff := map[int64]mobilise.Point{}
	for _, sr := range byOrg {
		if sr.Key != 0 && len(sr.Points) > 0 {
			staff[sr.Key] = sr.Points[len(sr.Points)-1]
		}
	}
	plan := mobilise.NewTally(tl, mobilise.Options{By: mobilise.ByOrganisation})
	for _, p := range m.Plan {
		if err := plan.Add(p); err != nil {
			return nil, fmt.Errorf("action plan item %d: %w", p.ID, err)
		}
	}
	plans := map[int64]mobilise.Point{}
	for _, sr := range plan.Series() {
		if len(sr.Points) > 0 {
			plans[sr.Key] = sr.Points[len(sr.Points)-1]
		}
	}
	member := map[int64]bool{}
	for _, mem := range m.Members {
		member[mem.OrganisationID] = true
	}
	var out []orgProgress
	for _, o := range orgs {
		p, has := staff[o.ID]
		if !has && !member[o.ID] {
			continue
		}
		out = append(out, orgProgress{Organisation: o, InAlliance: member[o.ID], Latest: p, Plan: plans[o.ID]})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Latest.People > out[j].Latest.People })
	return out, nil
}

func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request) {
	d, err := s.loadDashboard(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c := d.Campaign
	buckets := d.Timeline.Buckets()
	var first, last time.Time
	if len(buckets) > 0 {
		first, last = buckets[0].AsAt, buckets[len(buckets)-1].AsAt
	}
	at := make([]time.Time, len(buckets))
	for i, b := range buckets {
		at[i] = b.AsAt
	}
	people, standing := make([]float64, len(buckets)), make([]float64, len(buckets))
	invites := make([]float64, len(buckets))
	for i, p := range d.Total.Points {
		people[i], standing[i], invites[i] = float64(p.People), float64(p.Standing), float64(d.Invitations[i])
	}
	// Each chart's <desc> tells the story its lines draw, in the figures:
	// where each line started and where it stands now.
	var since string
	if len(d.Total.Points) > 0 {
		since = fmt.Sprintf(" From the %s starting %s to now: ", periodUnit(d.Period), d.Total.Points[0].Start.Long())
	}
	from := func(v []float64, what string) string {
		return fmt.Sprintf("%s from %s to %s", what, formatInt(first0(v)), formatInt(last0(v)))
	}
	growth := layoutLines("growth", "Resources built: "+c.Title,
		fmt.Sprintf("Line chart, %s, of the resources the campaign built, counted as at the end of each %s: people committed, commitments standing and invitations made.%s%s; %s; %s.",
			periodWord(d.Period), periodUnit(d.Period), since, from(people, "people committed"), from(standing, "commitments standing"), from(invites, "invitations made")),
		"Count", first, last, []lineSeries{
			{Name: "People committed", Colour: "#005EB8", At: at, Values: people},
			{Name: "Commitments standing", Colour: "#007F3B", Dash: dashDashed, At: at, Values: standing},
			{Name: "Invitations made (relationships)", Colour: "#330072", Dash: dashDotted, At: at, Values: invites},
		})
	var envSeries []lineSeries
	var envTables []envelopeTable
	var envLatest []string
	for _, e := range d.Envelope {
		tbl := envelopeTable{ID: "envelope-money-table", Name: "money", Caption: "money (£)", Of: "£"}
		vals := make([]float64, len(e.Points))
		for i, p := range e.Points {
			pct := ""
			if p.Allocated > 0 {
				vals[i] = 100 * p.Remaining / p.Allocated
				pct = strconv.FormatFloat(vals[i], 'f', 0, 64) + "%"
			}
			tbl.Rows = append(tbl.Rows, envelopeRow{EnvelopePoint: p, Percent: pct})
		}
		// Staff time in NHS dark pink: NHS orange (#ED8B00) is 2.5:1 against
		// white, short of the 3:1 a line that carries meaning needs.
		name, colour, dash := "Money remaining", "#DA291C", ""
		if e.Unit == mobilise.StaffHours {
			name, colour, dash = "Staff time remaining", "#7C2855", dashDashed
			tbl.ID, tbl.Name, tbl.Caption, tbl.Of, tbl.After = "envelope-staff-time-table", "staff time", "staff time (hours)", "", " hours"
		}
		envSeries = append(envSeries, lineSeries{Name: name + " (% of allocated so far)", Colour: colour, Dash: dash, At: at, Values: vals})
		envTables = append(envTables, tbl)
		if n := len(e.Points); n > 0 && e.Points[n-1].Allocated > 0 {
			p := e.Points[n-1]
			envLatest = append(envLatest, fmt.Sprintf("%s, %s%% of the %s%s%s allocated", strings.ToLower(name), strconv.FormatFloat(vals[n-1], 'f', 0, 64),
				tbl.Of, formatInt(int(p.Allocated)), tbl.After))
		}
	}
	envDesc := "Line chart of the classic envelope: the money and staff time allocated and not yet spent, as a percentage of what had been allocated by then, on the same time axis as the resources built."
	if len(envLatest) > 0 {
		envDesc += " At the latest: " + strings.Join(envLatest, "; ") + "."
	}
	envelope := layoutLines("envelope", "The envelope: "+c.Title, envDesc, "% remaining", first, last, envSeries)

	s.render(w, r, http.StatusOK, "dashboard", page{Title: "Dashboard – " + c.Title, Illustrative: c.Illustrative, D: map[string]any{
		"Campaign": c, "D": d, "Growth": growth, "EnvelopeChart": envelope, "EnvelopeTables": envTables, "Latest": lastPoint(d.Total.Points),
		"LatestPledges": d.Pledges, "Periods": []string{"monthly", "weekly", "daily"},
		"LatestAlliance": lastAlliance(d.Alliance), "TopOrganisations": d.Organisations[:min(len(d.Organisations), 15)],
		"Address": s.baseURL(r) + r.URL.RequestURI(), // printed, to say where a board paper came from
	}})
}

// envelopeTable is one unit of the envelope in figures: what was allocated,
// spent and remains, and the percentage the chart draws.
type envelopeTable struct {
	ID      string // the table's id, for the link beside the chart
	Name    string // of the unit, in the link's words
	Caption string
	// Of and After go before and after a figure in words: £ for money,
	// hours for staff time.
	Of, After string
	Rows      []envelopeRow
}

type envelopeRow struct {
	mobilise.EnvelopePoint
	Percent string // remaining, of allocated so far; empty before any is
}

func first0(v []float64) int {
	if len(v) == 0 {
		return 0
	}
	return int(v[0])
}

func last0(v []float64) int {
	if len(v) == 0 {
		return 0
	}
	return int(v[len(v)-1])
}

func lastPoint(ps []mobilise.Point) mobilise.Point {
	if len(ps) == 0 {
		return mobilise.Point{}
	}
	return ps[len(ps)-1]
}

func lastAlliance(ps []mobilise.AlliancePoint) mobilise.AlliancePoint {
	if len(ps) == 0 {
		return mobilise.AlliancePoint{}
	}
	return ps[len(ps)-1]
}

func periodWord(p string) string {
	return map[string]string{"monthly": "month by month", "weekly": "week by week", "daily": "day by day"}[p]
}

func periodUnit(p string) string {
	return map[string]string{"monthly": "month", "weekly": "week", "daily": "day"}[p]
}

// dashboardCSV is a table of the dashboard as CSV: ?table=growth (the
// default), envelope or groups. Dates are ISO; figures as on the page.
func (s *Server) dashboardCSV(w http.ResponseWriter, r *http.Request) {
	d, err := s.loadDashboard(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	table := r.URL.Query().Get("table")
	if table == "" {
		table = "growth"
	}
	var rows [][]string
	switch table {
	case "growth":
		rows = append(rows, []string{"period_start", "period_end", "as_at", "people_committed", "commitments_made", "commitments_confirmed",
			"commitments_standing", "commitments_done", "commitments_lapsed", "commitments_withdrawn", "kept_rate", "hours_pledged", "hours_delivered", "invitations"})
		for i, p := range d.Total.Points {
			kept := ""
			if v, ok := p.Kept.Value(); ok {
				kept = strconv.FormatFloat(v, 'f', -1, 64)
			}
			rows = append(rows, []string{p.Start.String(), p.End.AddDays(-1).String(), p.AsAt.Format(time.RFC3339),
				strconv.Itoa(p.People), strconv.Itoa(p.Total.Made), strconv.Itoa(p.Total.Confirmed), strconv.Itoa(p.Standing),
				strconv.Itoa(p.Total.Done), strconv.Itoa(p.Total.Lapsed), strconv.Itoa(p.Total.Withdrawn), kept,
				strconv.FormatFloat(p.HoursPledged, 'f', -1, 64), strconv.FormatFloat(p.HoursDelivered, 'f', -1, 64), strconv.Itoa(d.Invitations[i])})
		}
	case "envelope":
		rows = append(rows, []string{"unit", "period_start", "period_end", "allocated", "spent", "remaining"})
		for _, e := range d.Envelope {
			for _, p := range e.Points {
				rows = append(rows, []string{e.Unit, p.Start.String(), p.End.AddDays(-1).String(), strconv.FormatFloat(p.Allocated, 'f', -1, 64),
					strconv.FormatFloat(p.Spent, 'f', -1, 64), strconv.FormatFloat(p.Remaining, 'f', -1, 64)})
			}
		}
	case "groups":
		rows = append(rows, []string{"group", "target_people", "people_committed", "commitments_standing", "commitments_done", "kept_rate"})
		for _, g := range d.Groups {
			kept := ""
			if v, ok := g.Latest.Kept.Value(); ok {
				kept = strconv.FormatFloat(v, 'f', -1, 64)
			}
			rows = append(rows, []string{g.Group.Name, strconv.Itoa(g.Group.Target), strconv.Itoa(g.Latest.People), strconv.Itoa(g.Latest.Standing),
				strconv.Itoa(g.Latest.Total.Done), kept})
		}
	case "organisations":
		rows = append(rows, []string{"organisation", "ods_code", "in_alliance", "staff_committed", "staff_commitments_standing", "staff_commitments_done",
			"plan_items", "plan_items_done", "plan_kept_rate"})
		for _, o := range d.Organisations {
			kept := ""
			if v, ok := o.Plan.Kept.Value(); ok {
				kept = strconv.FormatFloat(v, 'f', -1, 64)
			}
			rows = append(rows, []string{o.Organisation.Name, o.Organisation.ODSCode, strconv.FormatBool(o.InAlliance), strconv.Itoa(o.Latest.People),
				strconv.Itoa(o.Latest.Standing), strconv.Itoa(o.Latest.Total.Done), strconv.Itoa(o.Plan.Standing), strconv.Itoa(o.Plan.Total.Done), kept})
		}
	case "funnel":
		rows = append(rows, []string{"step", "commitments"})
		done := lastPoint(d.Total.Points).Total.Done
		rows = append(rows, []string{"pledged", strconv.Itoa(d.Pledges.Made)}, []string{"confirmed", strconv.Itoa(d.Pledges.Confirmed)}, []string{"done", strconv.Itoa(done)})
	case "depth":
		rows = append(rows, []string{"invitations_from_start", "people"})
		for i, n := range d.Graph.AtDepth {
			rows = append(rows, []string{strconv.Itoa(i), strconv.Itoa(n)})
		}
	case "recruits":
		rows = append(rows, []string{"people_invited", "people"})
		for i, n := range d.Graph.Recruits {
			rows = append(rows, []string{strconv.Itoa(i), strconv.Itoa(n)})
		}
	case "areas":
		v, err := s.loadAreas(r.Context(), d.Campaign)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		rows = append(rows, []string{"area_code", "area", "kind", "people_committed", "commitments", "population", "commitments_per_100000"})
		for _, a := range v.Rows {
			pop := ""
			if a.Area.Population > 0 {
				pop = strconv.FormatInt(a.Area.Population, 10)
			}
			rows = append(rows, []string{a.Area.Code, a.Area.Name, a.Area.Kind, strconv.Itoa(a.People), strconv.Itoa(a.Commitments), pop, a.PerHundredThousand})
		}
	default:
		s.fail(w, r, gs.Errorf(gs.EINVALID, "Table: choose growth, envelope, groups, organisations, funnel, depth, recruits or areas."))
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s-%s.csv"`, d.Campaign.Slug, table, d.Period))
	cw := csv.NewWriter(w)
	for _, row := range rows {
		for i, v := range row {
			row[i] = csvio.Defuse(v)
		}
	}
	cw.WriteAll(rows) //nolint:errcheck // the client has gone; nothing to tell
}

// dashboardFuncs are the template functions of the dashboard's figures.
var dashboardFuncs = map[string]any{
	"periodUnit": periodUnit,
	"int64ToInt": func(n int64) int { return int(n) },
	// ratio writes a proportion that may be undefined as a whole percentage.
	"ratio": func(r mobilise.Ratio) string {
		v, ok := r.Value()
		if !ok {
			return "not available"
		}
		return strconv.FormatFloat(100*v, 'f', 0, 64) + "%"
	},
	"pct": func(v float64) string { return strconv.FormatFloat(100*v, 'f', 0, 64) + "%" },
	// change says how a headline figure moved since the previous bucket.
	"change": func(c mobilise.Change, percent bool) string {
		delta, ok := c.Delta()
		if !ok {
			return ""
		}
		if percent {
			pts := strconv.FormatFloat(100*delta, 'f', 0, 64)
			if pts == "0" || pts == "-0" {
				return "no change in the last period"
			}
			if delta > 0 {
				pts = "+" + pts
			}
			return pts + " percentage points in the last period"
		}
		n := int(delta)
		switch {
		case n == 0:
			return "no change in the last period"
		case n > 0:
			return "+" + formatInt(n) + " in the last period"
		default:
			return "−" + formatInt(-n) + " in the last period"
		}
	},
	"barWidth": func(n, of int) string {
		if of <= 0 {
			return "0"
		}
		return coord(160 * float64(min(max(n, 0), of)) / float64(of))
	},
	"longTime": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		t = t.In(london)
		return t.Format("15:04") + " on " + gs.DateOf(t).Long()
	},
}
