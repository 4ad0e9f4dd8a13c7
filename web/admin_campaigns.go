package web

import (
	"net/http"
	"strconv"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
)

var campaignFields = []string{"title", "slug", "purpose", "story", "starts_on", "ends_on", "status", "dashboard_signed_in_only", "predecessor_id"}

func (s *Server) adminHome(w http.ResponseWriter, r *http.Request) {
	campaigns, err := s.store.Campaigns(r.Context(), store.CampaignFilter{IncludeDrafts: true})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin", page{Title: "Manage campaigns", D: map[string]any{"Campaigns": campaigns}})
}

func campaignToForm(c gs.Campaign) *form {
	f := newForm(campaignFields...)
	f.Set("title", c.Title)
	f.Set("slug", c.Slug)
	f.Set("purpose", c.Purpose)
	f.Set("story", c.Story)
	f.Set("starts_on", c.StartsOn.String())
	f.Set("ends_on", c.EndsOn.String())
	f.Set("status", c.Status)
	if c.PredecessorID != 0 {
		f.Set("predecessor_id", strconv.FormatInt(c.PredecessorID, 10))
	}
	if c.DashboardSignedInOnly {
		f.Set("dashboard_signed_in_only", "yes")
	}
	return f
}

// campaignFromForm reads the form into c, keeping c's ID.
func campaignFromForm(f *form, c *gs.Campaign) {
	c.Title = f.Get("title")
	c.Slug = f.Get("slug")
	c.Purpose = f.Get("purpose")
	c.Story = f.Get("story")
	c.StartsOn = f.Date("starts_on", "Start date")
	c.EndsOn = f.Date("ends_on", "End date")
	c.Status = f.Get("status")
	c.PredecessorID = f.Int("predecessor_id", "Select a campaign from the list")
	c.DashboardSignedInOnly = f.Checked("dashboard_signed_in_only")
}

func (s *Server) renderCampaignForm(w http.ResponseWriter, r *http.Request, status int, c gs.Campaign, f *form) {
	campaigns, err := s.store.Campaigns(r.Context(), store.CampaignFilter{IncludeDrafts: true})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	preds := []option{{"", "None: this is the first wave"}}
	for _, o := range campaigns {
		if o.ID != c.ID {
			preds = append(preds, option{strconv.FormatInt(o.ID, 10), o.Title})
		}
	}
	statuses := []option{{gs.CampaignDraft, "Draft: only organisers can see it"}, {gs.CampaignLive, "Live: open for pledges"}, {gs.CampaignClosed, "Closed: shown, no new pledges"}}
	title := "New campaign"
	if c.ID != 0 {
		title = "Edit " + c.Title
	}
	s.render(w, r, status, "campaign_form", page{Title: title, Form: f, D: map[string]any{
		"Campaign": c, "Predecessors": preds, "Statuses": statuses,
	}})
}

func (s *Server) campaignNew(w http.ResponseWriter, r *http.Request) {
	s.renderCampaignForm(w, r, http.StatusOK, gs.Campaign{}, campaignToForm(gs.Campaign{Status: gs.CampaignDraft}))
}

func (s *Server) campaignCreate(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r, campaignFields...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var c gs.Campaign
	campaignFromForm(f, &c)
	if s.saved(w, r, f, func() error { return s.store.CreateCampaign(r.Context(), &c) }, c.Validate, func() string { return campaignAdminURL(c.ID, "") }) {
		return
	}
	s.renderCampaignForm(w, r, http.StatusUnprocessableEntity, gs.Campaign{}, f)
}

// adminCampaign loads the campaign named by the {id} path value.
func (s *Server) adminCampaign(r *http.Request) (gs.Campaign, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return gs.Campaign{}, err
	}
	return s.store.CampaignByID(r.Context(), id)
}

func (s *Server) campaignAdmin(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, err := s.adminCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	groups, err := s.store.Groups(ctx, c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type groupWithActions struct {
		gs.GroupSummary
		Actions []gs.ActionSummary
		Leads   []gs.User
	}
	var withActions []groupWithActions
	for _, g := range groups {
		actions, err := s.store.Actions(ctx, g.ID, true)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		leads, err := s.store.GroupLeads(ctx, g.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		withActions = append(withActions, groupWithActions{g, actions, leads})
	}
	milestones, err := s.store.Milestones(ctx, c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	alliance, err := s.store.Alliance(ctx, c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	counts, err := s.store.CampaignCounts(ctx, c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	indicators, err := s.store.Indicators(ctx, c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	envelope, err := s.store.EnvelopeEntries(ctx, c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "campaign_admin", page{Title: "Manage " + c.Title, D: map[string]any{
		"Campaign": c, "Groups": withActions, "Milestones": milestones, "Alliance": alliance, "Counts": counts, "Indicators": indicators, "Envelope": envelope,
	}})
}

func (s *Server) campaignEdit(w http.ResponseWriter, r *http.Request) {
	c, err := s.adminCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderCampaignForm(w, r, http.StatusOK, c, campaignToForm(c))
}

func (s *Server) campaignUpdate(w http.ResponseWriter, r *http.Request) {
	c, err := s.adminCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := parseForm(w, r, campaignFields...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	stored := c
	campaignFromForm(f, &c)
	if s.saved(w, r, f, func() error { return s.store.UpdateCampaign(r.Context(), &c) }, c.Validate, func() string { return campaignAdminURL(c.ID, "") }) {
		return
	}
	s.renderCampaignForm(w, r, http.StatusUnprocessableEntity, stored, f)
}
