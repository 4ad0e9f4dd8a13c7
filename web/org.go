package web

import (
	"net/http"
	"strconv"

	gs "github.com/groundswell-health/groundswell"
)

// Organisation representatives: the organisation's home page and the
// appointment of fellow representatives. The action plan's forms are in
// org_plan.go.

// pathOrganisation loads the organisation named by the {id} path value.
func (s *Server) pathOrganisation(r *http.Request) (gs.Organisation, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return gs.Organisation{}, err
	}
	return s.store.OrganisationByID(r.Context(), id)
}

func orgURL(orgID int64, fragment string) string {
	return "/org/" + strconv.FormatInt(orgID, 10) + fragment
}

// orgHome is a representative's home for their organisation: its action
// plan in each campaign whose alliance it is in, its representatives, and
// the staff who pledged and agreed to be contacted.
func (s *Server) orgHome(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	o, err := s.pathOrganisation(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	alliances, err := s.store.OrganisationAlliances(ctx, o.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type campaignPlan struct {
		gs.AllianceMembership
		Items []planItem
	}
	plans := make([]campaignPlan, 0, len(alliances))
	for _, m := range alliances {
		items, err := s.store.AllianceCommitments(ctx, m.Campaign.ID, o.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		plans = append(plans, campaignPlan{m, planItems(items)})
	}
	staff, err := s.store.OrganisationStaff(ctx, o.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	reps, err := s.store.OrganisationReps(ctx, o.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "org_home", page{Title: o.Name, D: map[string]any{
		"Organisation": o, "Plans": plans, "Staff": staff, "Reps": reps,
	}})
}

var repFields = []string{"name", "email"}

func (s *Server) repNew(w http.ResponseWriter, r *http.Request) {
	o, err := s.pathOrganisation(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "org_rep_form", page{Title: "Appoint a representative of " + o.Name, Form: newForm(repFields...),
		D: map[string]any{"Organisation": o}})
}

// repAppoint makes someone a representative of the organisation and emails
// them an invitation with a sign-in link.
func (s *Server) repAppoint(w http.ResponseWriter, r *http.Request) {
	o, err := s.pathOrganisation(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := parseForm(w, r, repFields...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if s.opts.Mailer == nil {
		s.fail(w, r, gs.Errorf(gs.ECONFLICT, "Invitations cannot be sent from this installation."))
		return
	}
	in := gs.AppointRepInput{OrganisationID: o.ID, Email: f.Get("email"), Name: f.Get("name"), InvitedBy: currentUser(r).ID}
	appoint := func() error {
		u, err := s.store.AppointRep(r.Context(), in)
		if err != nil {
			return err
		}
		return s.opts.Mailer.SendRepInvitation(r.Context(), u.ID, o.ID)
	}
	if s.saved(w, r, f, appoint, nil, func() string { return orgURL(o.ID, "#reps") }) {
		return
	}
	s.render(w, r, http.StatusUnprocessableEntity, "org_rep_form", page{Title: "Appoint a representative of " + o.Name, Form: f,
		D: map[string]any{"Organisation": o}})
}
