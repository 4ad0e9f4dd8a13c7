package web

import (
	"net/http"
	"strconv"
	"strings"

	gs "github.com/groundswell-health/groundswell"
)

// Organisers record the classic envelope — money and staff time allocated
// and spent — so the dashboard can show it running down beside what the
// movement builds.

var envelopeFields = []string{"on", "kind", "unit", "amount", "note"}

var envelopeKindOptions = []option{{gs.EnvelopeAllocated, "Allocated: added to the envelope"}, {gs.EnvelopeSpent, "Spent: taken from it"}}
var envelopeUnitOptions = []option{{gs.UnitGBP, "Pounds (£)"}, {gs.UnitStaffHours, "Staff hours"}}

func (s *Server) renderEnvelopeForm(w http.ResponseWriter, r *http.Request, status int, c gs.Campaign, f *form) {
	s.render(w, r, status, "envelope_form", page{Title: "Add to the envelope", Form: f, D: map[string]any{
		"Campaign": c, "Kinds": envelopeKindOptions, "Units": envelopeUnitOptions,
	}})
}

func (s *Server) envelopeNew(w http.ResponseWriter, r *http.Request) {
	c, err := s.adminCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := newForm(envelopeFields...)
	f.Set("kind", gs.EnvelopeSpent)
	f.Set("unit", gs.UnitGBP)
	s.renderEnvelopeForm(w, r, http.StatusOK, c, f)
}

func (s *Server) envelopeCreate(w http.ResponseWriter, r *http.Request) {
	c, err := s.adminCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := parseForm(w, r, envelopeFields...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e := gs.EnvelopeEntry{CampaignID: c.ID, On: f.Date("on", "The date"), Kind: f.Get("kind"), Unit: f.Get("unit"), Note: f.Get("note")}
	// People write amounts as they see them: "£25,000" or "1,200.50".
	amount := strings.NewReplacer(",", "", "£", "", " ", "").Replace(f.Get("amount"))
	if amount != "" {
		if e.Amount, err = strconv.ParseFloat(amount, 64); err != nil {
			f.Errors.Add("amount", "Amount must be a number more than 0, like 25000")
		}
	}
	if s.saved(w, r, f, func() error { return s.store.CreateEnvelopeEntry(r.Context(), &e) }, e.Validate, func() string { return campaignAdminURL(c.ID, "#envelope") }) {
		return
	}
	s.renderEnvelopeForm(w, r, http.StatusUnprocessableEntity, c, f)
}

func (s *Server) envelopeDelete(w http.ResponseWriter, r *http.Request) {
	c, err := s.adminCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id, err := pathID(r, "entry")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.store.DeleteEnvelopeEntry(r.Context(), c.ID, id); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, campaignAdminURL(c.ID, "#envelope"), http.StatusSeeOther)
}
