package web

import (
	"net/http"
	"strconv"

	gs "github.com/groundswell-health/groundswell"
)

// Sign-in by emailed link, for group leads and participants (and organisers
// who prefer it). The answer is the same whether or not the email is known,
// so the form tells no stranger who has pledged.
func (s *Server) signinEmailForm(w http.ResponseWriter, r *http.Request) {
	f := newForm("email")
	f.Set(startedField, s.guard.stamp("signin_email"))
	s.render(w, r, http.StatusOK, "signin_email", page{Title: "Get a sign-in link", Form: f})
}

func (s *Server) signinEmailSubmit(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r, "email")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Each request may send an email: limited as sign-in attempts are.
	if !s.allowed(w, r, "requests for a sign-in link", s.perIP(r, "signin", s.opts.Limits.SigninPerIP), perEmail("signin", f.Get("email"), s.opts.Limits.SigninPerAccount)) {
		return
	}
	if v := s.guard.check("signin_email", f); v.reason != "" {
		s.log.InfoContext(r.Context(), "sign-in link form not taken", "reason", v.reason)
		s.guard.refuse("signin_email", f, v)
		s.render(w, r, http.StatusUnprocessableEntity, "signin_email", page{Title: "Get a sign-in link", Form: f})
		return
	}
	errs := gs.FieldErrors{}
	in := gs.NewUserInput{Email: f.Get("email")}
	if verr := in.Validate(); gs.ErrorFields(verr)["email"] != "" {
		errs.Add("email", gs.ErrorFields(verr)["email"])
	}
	if len(errs) > 0 {
		f.Fail(errs.Err())
		s.render(w, r, http.StatusUnprocessableEntity, "signin_email", page{Title: "Get a sign-in link", Form: f})
		return
	}
	if s.opts.Mailer == nil {
		s.fail(w, r, gs.Errorf(gs.ECONFLICT, "Sign-in links cannot be sent from this installation. Ask an organiser."))
		return
	}
	u, err := s.store.SignInUser(r.Context(), in.Email)
	switch gs.ErrorCode(err) {
	case "":
		if err := s.opts.Mailer.SendSignInLink(r.Context(), u.ID, 0); err != nil {
			s.fail(w, r, err)
			return
		}
	case gs.ENOTFOUND:
		// Say the same as for a known email.
	default:
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "signin_sent", page{Title: "Check your email"})
}

// The link's page asks for a button press: mail scanners follow links.
func (s *Server) signinLinkForm(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.render(w, r, http.StatusOK, "signin_link", page{Title: "Sign in", D: map[string]any{"Token": r.PathValue("token")}})
}

func (s *Server) signinLinkSubmit(w http.ResponseWriter, r *http.Request) {
	token, u, err := s.store.SignInWithToken(r.Context(), r.PathValue("token"), s.opts.SessionTTL)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.setSessionCookie(w, token, s.opts.SessionTTL)
	next, err := s.landing(r, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// landing is where a user arrives after signing in by link: organisers at
// their campaigns; a lead with no pledges of their own (just invited, say)
// at the group they lead; everyone else at their pledges.
func (s *Server) landing(r *http.Request, u gs.User) (string, error) {
	if u.Role == gs.RoleOrganiser {
		return "/admin", nil
	}
	a, err := s.store.Access(r.Context(), u)
	if err != nil || len(a.Leads) != 1 {
		return "/me", err
	}
	mine, err := s.store.OwnCommitments(r.Context(), u.Email)
	if err != nil || len(mine) > 0 {
		return "/me", err
	}
	for id := range a.Leads {
		return "/lead/groups/" + strconv.FormatInt(id, 10), nil
	}
	return "/me", nil
}
