package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
)

// Privacy: the privacy notice; a person's own copy of everything held
// about them and the erasure of it, from their account; the same for an
// organiser answering a request that came by post or phone; and the
// retention report. docs/PRIVACY.md describes each.

// PrivacyOptions are what the privacy notice states, and the public forms'
// defence against programs (formguard.go).
type PrivacyOptions struct {
	// Contact is who to ask about personal data: the organisation that
	// runs this installation and how to reach its data protection officer.
	Contact string
	// RetainDays is the retention period after a campaign ends (0: off).
	RetainDays int
	// ConfirmWithin is how long an unconfirmed pledge is kept.
	ConfirmWithin time.Duration
	// MinFillTime is the shortest time in which a person fills in a public
	// form; one sent back sooner is not taken. 0 turns the check off (the
	// honeypot stays).
	MinFillTime time.Duration
}

// newFormGuard makes the forms' defence with the installation's key.
func newFormGuard(st *store.Store, min time.Duration) (*formGuard, error) {
	key, err := st.AppSecret(context.Background(), "forms")
	if err != nil {
		return nil, fmt.Errorf("key for the public forms: %w", err)
	}
	return &formGuard{key: key, min: min, now: time.Now}, nil
}

// privacyNotice is the privacy notice, for everyone.
func (s *Server) privacyNotice(w http.ResponseWriter, r *http.Request) {
	p := s.opts.Privacy
	confirmDays := int(p.ConfirmWithin.Round(24*time.Hour) / (24 * time.Hour))
	if p.ConfirmWithin == 0 {
		confirmDays = 7
	}
	s.render(w, r, http.StatusOK, "privacy", page{Title: "Privacy notice", D: map[string]any{
		"Contact": p.Contact, "RetainDays": p.RetainDays, "RetainFor": daysWords(p.RetainDays),
		"ConfirmDays": confirmDays, "Consent": gs.CurrentConsent(), "Organiser": currentAccess(r).Organiser(),
	}})
}

// daysWords writes a period of days for people: "2 years", "90 days".
func daysWords(n int) string {
	switch {
	case n == 365:
		return "1 year"
	case n > 0 && n%365 == 0:
		return strconv.Itoa(n/365) + " years"
	case n == 1:
		return "1 day"
	}
	return strconv.Itoa(n) + " days"
}

// myData shows a signed-in person everything held about them.
func (s *Server) myData(w http.ResponseWriter, r *http.Request) {
	sa, err := s.store.SubjectAccess(r.Context(), currentAccess(r).User.Email)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.render(w, r, http.StatusOK, "subject_access", page{Title: "Your data", D: map[string]any{"SA": sa}})
}

// myDataJSON downloads the same, as JSON.
func (s *Server) myDataJSON(w http.ResponseWriter, r *http.Request) {
	sa, err := s.store.SubjectAccess(r.Context(), currentAccess(r).User.Email)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.subjectAccessJSON(w, r, sa)
}

func (s *Server) subjectAccessJSON(w http.ResponseWriter, r *http.Request, sa gs.SubjectAccess) {
	b, err := json.MarshalIndent(sa, "", "  ")
	if err != nil {
		s.fail(w, r, fmt.Errorf("subject access as JSON: %w", err))
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="groundswell-data-`+sa.GeneratedAt.Format("2006-01-02")+`.json"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(append(b, '\n'))
}

// eraseMeForm asks a signed-in person to confirm the erasure of their
// details.
func (s *Server) eraseMeForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "erase_me", page{Title: "Erase your details", Form: newForm("confirm"),
		D: map[string]any{"Organiser": currentAccess(r).Organiser()}})
}

// eraseMeSubmit erases the signed-in person's details and signs them out.
func (s *Server) eraseMeSubmit(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r, "confirm")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a := currentAccess(r)
	if !f.Checked("confirm") {
		f.Errors.Add("confirm", "Tick the box to confirm you want your details erased")
		s.render(w, r, http.StatusUnprocessableEntity, "erase_me", page{Title: "Erase your details", Form: f,
			D: map[string]any{"Organiser": a.Organiser()}})
		return
	}
	e, err := s.store.Erase(r.Context(), gs.EraseInput{Email: a.User.Email, RequestedBy: gs.ErasedByPerson})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The erasure ended their sessions; the page after it is a signed-out
	// one.
	s.clearSessionCookie(w)
	r = r.WithContext(withAccess(r.Context(), nil))
	s.render(w, r, http.StatusOK, "erased", page{Title: "Your details have been erased", D: map[string]any{"Erasure": e}})
}

// privacyAdmin is where an organiser answers a subject access or erasure
// request that came by post, phone or email, and sees the retention report.
func (s *Server) privacyAdmin(w http.ResponseWriter, r *http.Request) {
	d := map[string]any{"RetainDays": s.opts.Privacy.RetainDays}
	// The report reads every person and pledge: only when asked for.
	if r.URL.Query().Get("report") == "retention" && s.opts.Privacy.RetainDays > 0 {
		rep, err := s.store.RetentionReport(r.Context(), s.opts.Privacy.RetainDays)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d["Report"] = rep
	}
	s.render(w, r, http.StatusOK, "admin_privacy", page{Title: "Personal data requests", Form: newForm("email"), D: d})
}

// privacyRequest reads the email of a request from an organiser's form. It
// answers the request itself (and returns false) when there is a problem.
func (s *Server) privacyRequest(w http.ResponseWriter, r *http.Request, order ...string) (*form, gs.EraseInput, bool) {
	f, err := parseForm(w, r, order...)
	if err != nil {
		s.fail(w, r, err)
		return nil, gs.EraseInput{}, false
	}
	in := gs.EraseInput{Email: f.Get("email"), RequestedBy: gs.ErasedByOrganiser, ByUserID: currentAccess(r).User.ID}
	if msg := gs.ErrorFields(in.Validate())["email"]; msg != "" {
		f.Errors.Add("email", msg)
		s.render(w, r, http.StatusUnprocessableEntity, "admin_privacy", page{Title: "Personal data requests", Form: f,
			D: map[string]any{"RetainDays": s.opts.Privacy.RetainDays}})
		return f, in, false
	}
	return f, in, true
}

// privacyFind shows an organiser everything held under an email address,
// to print or download. The address travels in the form's body, never in a
// URL, so it stays out of logs and browser history.
func (s *Server) privacyFind(w http.ResponseWriter, r *http.Request) {
	f, in, ok := s.privacyRequest(w, r, "email")
	if !ok {
		return
	}
	s.showSubjectAccess(w, r, f, in.Email, http.StatusOK)
}

func (s *Server) showSubjectAccess(w http.ResponseWriter, r *http.Request, f *form, email string, status int) {
	sa, err := s.store.SubjectAccess(r.Context(), email)
	if gs.ErrorCode(err) == gs.ENOTFOUND {
		f.Errors.Add("email", "We hold nothing under this email address. Check it is the address they pledged or were invited with")
		s.render(w, r, http.StatusNotFound, "admin_privacy", page{Title: "Personal data requests", Form: f,
			D: map[string]any{"RetainDays": s.opts.Privacy.RetainDays}})
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	f.Set("email", sa.Email)
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.render(w, r, status, "subject_access", page{Title: "Data held about " + sa.Email, Form: f, D: map[string]any{"SA": sa, "ForOrganiser": true}})
}

// privacyFindJSON downloads what privacyFind shows, as JSON.
func (s *Server) privacyFindJSON(w http.ResponseWriter, r *http.Request) {
	_, in, ok := s.privacyRequest(w, r, "email")
	if !ok {
		return
	}
	sa, err := s.store.SubjectAccess(r.Context(), in.Email)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.subjectAccessJSON(w, r, sa)
}

// privacyErase erases a person on their behalf, once the organiser has
// confirmed it.
func (s *Server) privacyErase(w http.ResponseWriter, r *http.Request) {
	f, in, ok := s.privacyRequest(w, r, "email", "confirm")
	if !ok {
		return
	}
	if !f.Checked("confirm") {
		f.Errors.Add("confirm", "Tick the box to confirm the person asked for their details to be erased")
		s.showSubjectAccess(w, r, f, in.Email, http.StatusUnprocessableEntity)
		return
	}
	e, err := s.store.Erase(r.Context(), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "erased", page{Title: "Their details have been erased", D: map[string]any{"Erasure": e, "ForOrganiser": true}})
}
