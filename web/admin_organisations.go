package web

import (
	"net/http"
	"strconv"

	gs "github.com/groundswell-health/groundswell"
)

var organisationFields = []string{"name", "ods_code", "sector", "area_id"}

func (s *Server) organisationList(w http.ResponseWriter, r *http.Request) {
	orgs, err := s.store.Organisations(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "organisations", page{Title: "Organisations", D: map[string]any{"Organisations": orgs}})
}

func (s *Server) renderOrganisationForm(w http.ResponseWriter, r *http.Request, status int, o gs.Organisation, f *form) {
	areas, err := s.store.Areas(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	areaOpts := []option{{"", "Select an area"}}
	for _, a := range areas {
		areaOpts = append(areaOpts, option{strconv.FormatInt(a.ID, 10), a.Name})
	}
	sectors := []option{{"", "Select a sector"}}
	for _, sec := range gs.Sectors {
		sectors = append(sectors, option{sec, sec})
	}
	title := "New organisation"
	if o.ID != 0 {
		title = "Edit " + o.Name
	}
	s.render(w, r, status, "organisation_form", page{Title: title, Form: f, D: map[string]any{
		"Organisation": o, "Areas": areaOpts, "Sectors": sectors,
	}})
}

func organisationFromForm(f *form, o *gs.Organisation) {
	o.Name = f.Get("name")
	o.ODSCode = f.Get("ods_code")
	o.Sector = f.Get("sector")
	o.AreaID = f.Int("area_id", "Select an area from the list")
}

func (s *Server) organisationNew(w http.ResponseWriter, r *http.Request) {
	s.renderOrganisationForm(w, r, http.StatusOK, gs.Organisation{}, newForm(organisationFields...))
}

func (s *Server) organisationCreate(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r, organisationFields...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var o gs.Organisation
	organisationFromForm(f, &o)
	if s.saved(w, r, f, func() error { return s.store.CreateOrganisation(r.Context(), &o) }, o.Validate, func() string { return "/admin/organisations" }) {
		return
	}
	s.renderOrganisationForm(w, r, http.StatusUnprocessableEntity, gs.Organisation{}, f)
}

func (s *Server) adminOrganisation(r *http.Request) (gs.Organisation, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return gs.Organisation{}, err
	}
	return s.store.OrganisationByID(r.Context(), id)
}

func (s *Server) organisationEdit(w http.ResponseWriter, r *http.Request) {
	o, err := s.adminOrganisation(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := newForm(organisationFields...)
	f.Set("name", o.Name)
	f.Set("ods_code", o.ODSCode)
	f.Set("sector", o.Sector)
	if o.AreaID != 0 {
		f.Set("area_id", strconv.FormatInt(o.AreaID, 10))
	}
	s.renderOrganisationForm(w, r, http.StatusOK, o, f)
}

func (s *Server) organisationUpdate(w http.ResponseWriter, r *http.Request) {
	o, err := s.adminOrganisation(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := parseForm(w, r, organisationFields...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	stored := o
	organisationFromForm(f, &o)
	if s.saved(w, r, f, func() error { return s.store.UpdateOrganisation(r.Context(), &o) }, o.Validate, func() string { return "/admin/organisations" }) {
		return
	}
	s.renderOrganisationForm(w, r, http.StatusUnprocessableEntity, stored, f)
}

// outbox shows the latest emails Groundswell composed: with no SMTP server
// configured, this is where they are read.
func (s *Server) outbox(w http.ResponseWriter, r *http.Request) {
	msgs, err := s.store.Messages(r.Context(), 100)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "outbox", page{Title: "Outbox", D: map[string]any{"Messages": msgs}})
}
