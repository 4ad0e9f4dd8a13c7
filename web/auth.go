package web

import (
	"net/http"
	"strings"

	"golang.org/x/crypto/bcrypt"

	gs "github.com/groundswell-health/groundswell"
)

const defaultPasswordCost = 12

// HashPassword hashes a password with bcrypt for storing.
func HashPassword(password string, cost int) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	return string(h), err
}

// dummyHash is compared against when no user has the email given, so that
// signing in takes as long for unknown emails as for known ones. It is a
// constant so that start-up does not spend a quarter-second making it.
var dummyHash = []byte("$2a$12$la5XmwAtRtZDGVYUfi5WoOq/JTer4cIdnXE82ej3nRLnWezpDg06i")

func (s *Server) signinForm(w http.ResponseWriter, r *http.Request) {
	if n, err := s.store.UserCount(r.Context()); err == nil && n == 0 {
		http.Redirect(w, r, "/setup", http.StatusSeeOther)
		return
	}
	f := newForm("email", "password")
	f.Set("next", safeNext(r.URL.Query().Get("next")))
	s.render(w, r, http.StatusOK, "signin", page{Title: "Sign in", Form: f})
}

func (s *Server) signinSubmit(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r, "email", "password")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	email := gs.NormalizeEmail(f.Get("email"))
	if !s.allowed(w, r, "attempts to sign in", s.perIP(r, "signin", s.opts.Limits.SigninPerIP), perEmail("signin", email, s.opts.Limits.SigninPerAccount)) {
		return
	}
	password := f.Get("password")
	if email == "" {
		f.Errors.Add("email", "Enter your email address")
	}
	if password == "" {
		f.Errors.Add("password", "Enter your password")
	}
	if len(f.Errors) == 0 {
		u, err := s.store.UserByEmail(r.Context(), email)
		if err != nil && gs.ErrorCode(err) != gs.ENOTFOUND {
			s.fail(w, r, err)
			return
		}
		hash := dummyHash
		if err == nil {
			hash = []byte(u.PasswordHash)
		}
		if bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil && err == nil {
			token, err := s.store.CreateSession(r.Context(), u.ID, s.opts.SessionTTL)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			s.setSessionCookie(w, token, s.opts.SessionTTL)
			http.Redirect(w, r, safeNext(f.Get("next")), http.StatusSeeOther)
			return
		}
		// One message for a wrong email or a wrong password: which of the
		// two was wrong is not ours to tell a stranger.
		f.Errors.Add("email", "Enter a correct email address and password")
	}
	f.Set("password", "")
	s.render(w, r, http.StatusUnprocessableEntity, "signin", page{Title: "Sign in", Form: f})
}

// safeNext keeps a post-sign-in redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return "/admin"
	}
	return next
}

func (s *Server) signout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.store.DeleteSession(r.Context(), c.Value); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.clearSessionCookie(w)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// The setup page creates the first organiser, and exists only until one does.
func (s *Server) setupForm(w http.ResponseWriter, r *http.Request) {
	n, err := s.store.UserCount(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if n > 0 {
		s.fail(w, r, gs.Errorf(gs.ENOTFOUND, "Groundswell is already set up. Sign in instead."))
		return
	}
	s.render(w, r, http.StatusOK, "setup", page{Title: "Set up Groundswell", Form: newForm("name", "email", "password")})
}

func (s *Server) setupSubmit(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r, "name", "email", "password")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in := gs.NewUserInput{Name: f.Get("name"), Email: f.Get("email"), Password: f.Get("password"), Role: gs.RoleOrganiser}
	if err := in.Validate(); err != nil {
		f.Fail(err)
		f.Set("password", "")
		s.render(w, r, http.StatusUnprocessableEntity, "setup", page{Title: "Set up Groundswell", Form: f})
		return
	}
	hash, err := HashPassword(in.Password, s.opts.PasswordCost)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := gs.User{Email: in.Email, Name: in.Name, Role: in.Role, PasswordHash: hash}
	if err := s.store.CreateFirstUser(r.Context(), &u); err != nil {
		if gs.ErrorCode(err) == gs.EFORBIDDEN {
			s.fail(w, r, gs.Errorf(gs.ENOTFOUND, "Groundswell is already set up. Sign in instead."))
			return
		}
		s.fail(w, r, err)
		return
	}
	token, err := s.store.CreateSession(r.Context(), u.ID, s.opts.SessionTTL)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.setSessionCookie(w, token, s.opts.SessionTTL)
	http.Redirect(w, r, "/admin", http.StatusSeeOther)
}
