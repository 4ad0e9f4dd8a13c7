package web

import (
	"net/http"
	"strconv"

	gs "github.com/groundswell-health/groundswell"
)

// leadGroupPage is a group lead's home for their group: its goal, actions,
// the pledges that need following up (blocked or lapsed), fellow leads and
// the people who pledged.
func (s *Server) leadGroupPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, g, err := s.adminGroup(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
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
	people, err := s.store.GroupParticipants(ctx, g.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	followUps, err := s.store.GroupFollowUps(ctx, g.ID, followUpSize)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := map[string]any{
		"Campaign": c, "Group": g, "Actions": actions, "Leads": leads, "Participants": people, "FollowUps": followUps,
	}
	if err := s.leadMessaging(r, g.ID, d); err != nil { // messages sent, the digest (message.go)
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "lead_group", page{Title: g.Name, D: d})
}

// groupHome is where a group's editors return after a change: the campaign's
// management page for organisers, the group's page for its leads.
func groupHome(r *http.Request, campaignID, groupID int64) string {
	if a := currentAccess(r); a != nil && a.Organiser() {
		return campaignAdminURL(campaignID, "#group-"+strconv.FormatInt(groupID, 10))
	}
	return "/lead/groups/" + strconv.FormatInt(groupID, 10)
}

var leadFields = []string{"name", "email"}

func (s *Server) leadNew(w http.ResponseWriter, r *http.Request) {
	c, g, err := s.adminGroup(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "lead_form", page{Title: "Appoint a lead of " + g.Name, Form: newForm(leadFields...),
		D: map[string]any{"Campaign": c, "Group": g, "Back": groupHome(r, c.ID, g.ID)}})
}

// leadAppoint makes someone a lead of the group and emails them an
// invitation with a sign-in link.
func (s *Server) leadAppoint(w http.ResponseWriter, r *http.Request) {
	c, g, err := s.adminGroup(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := parseForm(w, r, leadFields...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if s.opts.Mailer == nil {
		s.fail(w, r, gs.Errorf(gs.ECONFLICT, "Invitations cannot be sent from this installation."))
		return
	}
	in := gs.AppointLeadInput{GroupID: g.ID, Email: f.Get("email"), Name: f.Get("name"), InvitedBy: currentUser(r).ID}
	appoint := func() error {
		u, err := s.store.AppointLead(r.Context(), in)
		if err != nil {
			return err
		}
		return s.opts.Mailer.SendSignInLink(r.Context(), u.ID, g.ID)
	}
	if s.saved(w, r, f, appoint, nil, func() string { return groupHome(r, c.ID, g.ID) }) {
		return
	}
	s.render(w, r, http.StatusUnprocessableEntity, "lead_form", page{Title: "Appoint a lead of " + g.Name, Form: f,
		D: map[string]any{"Campaign": c, "Group": g, "Back": groupHome(r, c.ID, g.ID)}})
}
