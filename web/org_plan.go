package web

import (
	"net/http"
	"strconv"

	gs "github.com/groundswell-health/groundswell"
)

// An organisation's alliance action plan: its items, each with a "by when"
// and a status, added and changed by its representatives (and organisers).

// planStatuses names the statuses of an action plan item for people. They
// are kept apart from statusName's, which are a pledge's.
var planStatuses = []option{
	{gs.PlanPlanned, "Planned"},
	{gs.PlanInProgress, "In progress"},
	{gs.PlanDone, "Done"},
	{gs.PlanDropped, "Dropped"},
}

// planItem is an action plan item as the pages show it.
type planItem struct {
	gs.AllianceCommitment
	StatusLabel string
}

func planItems(items []gs.AllianceCommitment) []planItem {
	out := make([]planItem, len(items))
	for i, c := range items {
		out[i] = planItem{c, c.Status}
		for _, o := range planStatuses {
			if o.Value == c.Status {
				out[i].StatusLabel = o.Label
			}
		}
	}
	return out
}

var planFields = []string{"title", "due_on", "status"}

func planItemToForm(c gs.AllianceCommitment) *form {
	f := newForm(planFields...)
	f.Set("title", c.Title)
	f.Set("due_on", c.DueOn.String())
	f.Set("status", c.Status)
	return f
}

func planItemFromForm(f *form, c *gs.AllianceCommitment) {
	c.Title = f.Get("title")
	c.DueOn = f.Date("due_on", "The date")
	c.Status = f.Get("status")
}

func (s *Server) renderPlanItemForm(w http.ResponseWriter, r *http.Request, status int, o gs.Organisation, c gs.Campaign, item gs.AllianceCommitment, f *form) {
	title := "Add to the action plan"
	if item.ID != 0 {
		title = "Change an action plan item"
	}
	s.render(w, r, status, "alliance_commitment_form", page{Title: title, Form: f, D: map[string]any{
		"Organisation": o, "Campaign": c, "Item": item, "Statuses": planStatuses,
	}})
}

// orgCampaign loads the organisation named by {id} and the campaign named by
// {campaign}, which must be one whose alliance the organisation is in: there
// is no action plan page for any other.
func (s *Server) orgCampaign(r *http.Request) (gs.Organisation, gs.Campaign, error) {
	o, err := s.pathOrganisation(r)
	if err != nil {
		return o, gs.Campaign{}, err
	}
	cid, err := pathID(r, "campaign")
	if err != nil {
		return o, gs.Campaign{}, err
	}
	alliances, err := s.store.OrganisationAlliances(r.Context(), o.ID)
	if err != nil {
		return o, gs.Campaign{}, err
	}
	for _, m := range alliances {
		if m.Campaign.ID == cid {
			return o, m.Campaign, nil
		}
	}
	return o, gs.Campaign{}, gs.Errorf(gs.ENOTFOUND, "%s is not in the alliance of that campaign.", o.Name)
}

func (s *Server) planItemNew(w http.ResponseWriter, r *http.Request) {
	o, c, err := s.orgCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderPlanItemForm(w, r, http.StatusOK, o, c, gs.AllianceCommitment{}, planItemToForm(gs.AllianceCommitment{Status: gs.PlanPlanned}))
}

func (s *Server) planItemCreate(w http.ResponseWriter, r *http.Request) {
	o, c, err := s.orgCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := parseForm(w, r, planFields...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	item := gs.AllianceCommitment{CampaignID: c.ID, OrganisationID: o.ID}
	planItemFromForm(f, &item)
	next := func() string { return orgURL(o.ID, "#campaign-"+strconv.FormatInt(c.ID, 10)) }
	if s.saved(w, r, f, func() error { return s.store.CreateAllianceCommitment(r.Context(), &item) }, item.Validate, next) {
		return
	}
	s.renderPlanItemForm(w, r, http.StatusUnprocessableEntity, o, c, gs.AllianceCommitment{}, f)
}

// orgPlanItem loads the organisation named by {id} and its action plan item
// named by {item}, with the item's campaign. Another organisation's item is
// not found: the rule let the request in for {id} only.
func (s *Server) orgPlanItem(r *http.Request) (gs.Organisation, gs.Campaign, gs.AllianceCommitment, error) {
	o, err := s.pathOrganisation(r)
	if err != nil {
		return o, gs.Campaign{}, gs.AllianceCommitment{}, err
	}
	id, err := pathID(r, "item")
	if err != nil {
		return o, gs.Campaign{}, gs.AllianceCommitment{}, err
	}
	item, err := s.store.AllianceCommitmentByID(r.Context(), id)
	if err == nil && item.OrganisationID != o.ID {
		err = gs.Errorf(gs.ENOTFOUND, "action plan item not found")
	}
	if err != nil {
		return o, gs.Campaign{}, item, err
	}
	c, err := s.store.CampaignByID(r.Context(), item.CampaignID)
	return o, c, item, err
}

func (s *Server) planItemEdit(w http.ResponseWriter, r *http.Request) {
	o, c, item, err := s.orgPlanItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderPlanItemForm(w, r, http.StatusOK, o, c, item, planItemToForm(item))
}

func (s *Server) planItemUpdate(w http.ResponseWriter, r *http.Request) {
	o, c, item, err := s.orgPlanItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := parseForm(w, r, planFields...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	stored := item
	planItemFromForm(f, &item)
	next := func() string { return orgURL(o.ID, "#campaign-"+strconv.FormatInt(c.ID, 10)) }
	if s.saved(w, r, f, func() error { return s.store.UpdateAllianceCommitment(r.Context(), &item) }, item.Validate, next) {
		return
	}
	s.renderPlanItemForm(w, r, http.StatusUnprocessableEntity, o, c, stored, f)
}
