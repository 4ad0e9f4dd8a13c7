package web

import (
	"net/http"
	"strconv"

	gs "github.com/groundswell-health/groundswell"
)

var groupFields = []string{"name", "slug", "description", "goal", "target"}

func groupToForm(g gs.Group) *form {
	f := newForm(groupFields...)
	f.Set("name", g.Name)
	f.Set("slug", g.Slug)
	f.Set("description", g.Description)
	f.Set("goal", g.Goal)
	if g.Target != 0 {
		f.Set("target", strconv.Itoa(g.Target))
	}
	return f
}

func groupFromForm(f *form, g *gs.Group) {
	g.Name = f.Get("name")
	g.Slug = f.Get("slug")
	g.Description = f.Get("description")
	g.Goal = f.Get("goal")
	g.Target = int(f.Int("target", "Target must be a whole number, like 500"))
}

func (s *Server) renderGroupForm(w http.ResponseWriter, r *http.Request, status int, c gs.Campaign, g gs.Group, f *form) {
	title := "New stakeholder group"
	if g.ID != 0 {
		title = "Edit " + g.Name
	}
	back := campaignAdminURL(c.ID, "#groups")
	if g.ID != 0 {
		back = groupHome(r, c.ID, g.ID)
	}
	s.render(w, r, status, "group_form", page{Title: title, Form: f, D: map[string]any{"Campaign": c, "Group": g, "Back": back}})
}

func (s *Server) groupNew(w http.ResponseWriter, r *http.Request) {
	c, err := s.adminCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderGroupForm(w, r, http.StatusOK, c, gs.Group{}, groupToForm(gs.Group{}))
}

func (s *Server) groupCreate(w http.ResponseWriter, r *http.Request) {
	c, err := s.adminCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := parseForm(w, r, groupFields...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	g := gs.Group{CampaignID: c.ID}
	groupFromForm(f, &g)
	if s.saved(w, r, f, func() error { return s.store.CreateGroup(r.Context(), &g) }, g.Validate, func() string { return groupHome(r, c.ID, g.ID) }) {
		return
	}
	s.renderGroupForm(w, r, http.StatusUnprocessableEntity, c, gs.Group{}, f)
}

// adminGroup loads the group named by {id} and its campaign.
func (s *Server) adminGroup(r *http.Request) (gs.Campaign, gs.Group, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return gs.Campaign{}, gs.Group{}, err
	}
	g, err := s.store.GroupByID(r.Context(), id)
	if err != nil {
		return gs.Campaign{}, g, err
	}
	c, err := s.store.CampaignByID(r.Context(), g.CampaignID)
	return c, g, err
}

func (s *Server) groupEdit(w http.ResponseWriter, r *http.Request) {
	c, g, err := s.adminGroup(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderGroupForm(w, r, http.StatusOK, c, g, groupToForm(g))
}

func (s *Server) groupUpdate(w http.ResponseWriter, r *http.Request) {
	c, g, err := s.adminGroup(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := parseForm(w, r, groupFields...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	stored := g
	groupFromForm(f, &g)
	if a := currentAccess(r); !a.Organiser() {
		// A lead owns the group's goal, not its name or address, which
		// are the campaign's.
		g.Name, g.Slug = stored.Name, stored.Slug
	}
	if s.saved(w, r, f, func() error { return s.store.UpdateGroup(r.Context(), &g) }, g.Validate, func() string { return groupHome(r, c.ID, g.ID) }) {
		return
	}
	s.renderGroupForm(w, r, http.StatusUnprocessableEntity, c, stored, f)
}

var actionFields = []string{"title", "description", "due_on", "target", "indicators", "retired"}

func actionToForm(a gs.Action) *form {
	f := newForm(actionFields...)
	f.Set("title", a.Title)
	f.Set("description", a.Description)
	f.Set("due_on", a.DueOn.String())
	if a.Target != 0 {
		f.Set("target", strconv.Itoa(a.Target))
	}
	if a.Retired {
		f.Set("retired", "yes")
	}
	for _, id := range a.IndicatorIDs {
		f.Values.Add("indicators", strconv.FormatInt(id, 10))
	}
	return f
}

func actionFromForm(f *form, a *gs.Action) {
	a.Title = f.Get("title")
	a.Description = f.Get("description")
	a.DueOn = f.Date("due_on", "The date")
	a.Target = int(f.Int("target", "Target must be a whole number, like 200"))
	a.Retired = f.Checked("retired")
	a.IndicatorIDs = f.IDs("indicators", "Select only outcome measures from the list")
}

func (s *Server) renderActionForm(w http.ResponseWriter, r *http.Request, status int, c gs.Campaign, g gs.Group, a gs.Action, f *form) {
	title := "New action for " + g.Name
	if a.ID != 0 {
		title = "Edit action"
	}
	indicators, err := s.store.Indicators(r.Context(), c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var opts []option
	for _, i := range indicators {
		opts = append(opts, option{strconv.FormatInt(i.ID, 10), i.Name})
	}
	s.render(w, r, status, "action_form", page{Title: title, Form: f, D: map[string]any{"Campaign": c, "Group": g, "Action": a,
		"Back": groupHome(r, c.ID, g.ID), "Indicators": opts}})
}

func (s *Server) actionNew(w http.ResponseWriter, r *http.Request) {
	c, g, err := s.adminGroup(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderActionForm(w, r, http.StatusOK, c, g, gs.Action{}, actionToForm(gs.Action{}))
}

func (s *Server) actionCreate(w http.ResponseWriter, r *http.Request) {
	c, g, err := s.adminGroup(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := parseForm(w, r, actionFields...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a := gs.Action{GroupID: g.ID}
	actionFromForm(f, &a)
	if s.saved(w, r, f, func() error { return s.store.CreateAction(r.Context(), &a) }, a.Validate, func() string { return groupHome(r, c.ID, g.ID) }) {
		return
	}
	s.renderActionForm(w, r, http.StatusUnprocessableEntity, c, g, gs.Action{}, f)
}

func (s *Server) adminAction(r *http.Request) (gs.Campaign, gs.Group, gs.Action, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return gs.Campaign{}, gs.Group{}, gs.Action{}, err
	}
	a, err := s.store.ActionByID(r.Context(), id)
	if err != nil {
		return gs.Campaign{}, gs.Group{}, a, err
	}
	g, err := s.store.GroupByID(r.Context(), a.GroupID)
	if err != nil {
		return gs.Campaign{}, g, a, err
	}
	c, err := s.store.CampaignByID(r.Context(), g.CampaignID)
	return c, g, a, err
}

func (s *Server) actionEdit(w http.ResponseWriter, r *http.Request) {
	c, g, a, err := s.adminAction(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderActionForm(w, r, http.StatusOK, c, g, a, actionToForm(a))
}

func (s *Server) actionUpdate(w http.ResponseWriter, r *http.Request) {
	c, g, a, err := s.adminAction(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := parseForm(w, r, actionFields...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	stored := a
	actionFromForm(f, &a)
	if s.saved(w, r, f, func() error { return s.store.UpdateAction(r.Context(), &a) }, a.Validate, func() string { return groupHome(r, c.ID, g.ID) }) {
		return
	}
	s.renderActionForm(w, r, http.StatusUnprocessableEntity, c, g, stored, f)
}
