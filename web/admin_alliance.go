package web

import (
	"net/http"
	"strconv"

	gs "github.com/groundswell-health/groundswell"
)

var milestoneFields = []string{"title", "on", "description"}

func milestoneFromForm(f *form, m *gs.Milestone) {
	m.Title = f.Get("title")
	m.On = f.Date("on", "The date")
	m.Description = f.Get("description")
}

func (s *Server) renderMilestoneForm(w http.ResponseWriter, r *http.Request, status int, c gs.Campaign, m gs.Milestone, f *form) {
	title := "New milestone"
	if m.ID != 0 {
		title = "Edit milestone"
	}
	s.render(w, r, status, "milestone_form", page{Title: title, Form: f, D: map[string]any{"Campaign": c, "Milestone": m}})
}

func campaignAdminURL(id int64, anchor string) string {
	return "/admin/campaigns/" + strconv.FormatInt(id, 10) + anchor
}

func (s *Server) milestoneNew(w http.ResponseWriter, r *http.Request) {
	c, err := s.adminCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderMilestoneForm(w, r, http.StatusOK, c, gs.Milestone{}, newForm(milestoneFields...))
}

func (s *Server) milestoneCreate(w http.ResponseWriter, r *http.Request) {
	c, err := s.adminCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := parseForm(w, r, milestoneFields...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m := gs.Milestone{CampaignID: c.ID}
	milestoneFromForm(f, &m)
	if s.saved(w, r, f, func() error { return s.store.CreateMilestone(r.Context(), &m) }, m.Validate, func() string { return campaignAdminURL(c.ID, "#milestones") }) {
		return
	}
	s.renderMilestoneForm(w, r, http.StatusUnprocessableEntity, c, gs.Milestone{}, f)
}

func (s *Server) adminMilestone(r *http.Request) (gs.Campaign, gs.Milestone, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return gs.Campaign{}, gs.Milestone{}, err
	}
	m, err := s.store.MilestoneByID(r.Context(), id)
	if err != nil {
		return gs.Campaign{}, m, err
	}
	c, err := s.store.CampaignByID(r.Context(), m.CampaignID)
	return c, m, err
}

func (s *Server) milestoneEdit(w http.ResponseWriter, r *http.Request) {
	c, m, err := s.adminMilestone(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := newForm(milestoneFields...)
	f.Set("title", m.Title)
	f.Set("on", m.On.String())
	f.Set("description", m.Description)
	s.renderMilestoneForm(w, r, http.StatusOK, c, m, f)
}

func (s *Server) milestoneUpdate(w http.ResponseWriter, r *http.Request) {
	c, m, err := s.adminMilestone(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := parseForm(w, r, milestoneFields...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	stored := m
	milestoneFromForm(f, &m)
	if s.saved(w, r, f, func() error { return s.store.UpdateMilestone(r.Context(), &m) }, m.Validate, func() string { return campaignAdminURL(c.ID, "#milestones") }) {
		return
	}
	s.renderMilestoneForm(w, r, http.StatusUnprocessableEntity, c, stored, f)
}

func (s *Server) milestoneDelete(w http.ResponseWriter, r *http.Request) {
	c, m, err := s.adminMilestone(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.store.DeleteMilestone(r.Context(), m.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, campaignAdminURL(c.ID, "#milestones"), http.StatusSeeOther)
}

var allianceFields = []string{"organisation_id", "action_plan"}

func (s *Server) renderAllianceForm(w http.ResponseWriter, r *http.Request, status int, c gs.Campaign, f *form) {
	orgs, err := s.store.Organisations(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	opts := []option{{"", "Select an organisation"}}
	for _, o := range orgs {
		label := o.Name
		if o.ODSCode != "" {
			label += " (" + o.ODSCode + ")"
		}
		opts = append(opts, option{strconv.FormatInt(o.ID, 10), label})
	}
	s.render(w, r, status, "alliance_form", page{Title: "Add an organisation to the alliance", Form: f, D: map[string]any{
		"Campaign": c, "Organisations": opts,
	}})
}

func (s *Server) allianceNew(w http.ResponseWriter, r *http.Request) {
	c, err := s.adminCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderAllianceForm(w, r, http.StatusOK, c, newForm(allianceFields...))
}

func (s *Server) allianceAdd(w http.ResponseWriter, r *http.Request) {
	c, err := s.adminCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := parseForm(w, r, allianceFields...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m := gs.AllianceMember{CampaignID: c.ID, ActionPlan: f.Get("action_plan")}
	m.Organisation.ID = f.Int("organisation_id", "Select an organisation")
	if s.saved(w, r, f, func() error { return s.store.JoinAlliance(r.Context(), m) }, nil, func() string { return campaignAdminURL(c.ID, "#alliance") }) {
		return
	}
	s.renderAllianceForm(w, r, http.StatusUnprocessableEntity, c, f)
}

func (s *Server) allianceRemove(w http.ResponseWriter, r *http.Request) {
	c, err := s.adminCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	orgID, err := pathID(r, "org")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.store.LeaveAlliance(r.Context(), c.ID, orgID); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, campaignAdminURL(c.ID, "#alliance"), http.StatusSeeOther)
}
