package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"sort"
	"strings"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/api"
	"github.com/groundswell-health/groundswell/store"
)

const sessionCookie = "groundswell_session"

// currentUser returns the signed-in user of the request, or nil.
func currentUser(r *http.Request) *gs.User {
	if a := currentAccess(r); a != nil {
		return &a.User
	}
	return nil
}

// middleware wraps the routes: panics become 500 pages, every response gets
// the security headers, cross-origin form posts are refused, and the
// session's user is attached to the request.
func (s *Server) middleware(h http.Handler) http.Handler {
	h = s.withUser(h)
	h = s.crossOrigin(h)
	h = securityHeaders(h)
	h = s.recoverer(h)
	return h
}

// securityHeaders sets a strict policy: scripts and styles only from this
// origin (no inline script), no framing, no MIME sniffing.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		h.ServeHTTP(w, r)
	})
}

func (s *Server) crossOrigin(h http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, gs.Errorf(gs.EFORBIDDEN, "This form was sent from another website, so it was not accepted. Go back to the form on Groundswell and send it from there."))
	}))
	return cop.Handler(h)
}

func (s *Server) recoverer(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.serverError(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		h.ServeHTTP(w, r)
	})
}

// withUser attaches the signed-in user, if any. Static files and the health
// check skip the database; the JSON API ignores sessions (a token is its
// only key, so a browser's cookie cannot be ridden into it).
func (s *Server) withUser(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/static/") || r.URL.Path == "/healthz" || strings.HasPrefix(r.URL.Path, api.Prefix+"/") {
			h.ServeHTTP(w, r)
			return
		}
		c, err := r.Cookie(sessionCookie)
		if err != nil || c.Value == "" {
			h.ServeHTTP(w, r)
			return
		}
		u, err := s.store.SessionUser(r.Context(), c.Value)
		if err != nil {
			if gs.ErrorCode(err) != gs.ENOTFOUND {
				s.serverError(w, r, err)
				return
			}
			h.ServeHTTP(w, r) // expired or unknown: carry on signed out
			return
		}
		a, err := s.store.Access(r.Context(), u)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		// The store records the changes this request makes as the user's,
		// in the audit log.
		ctx := store.WithActor(withAccess(r.Context(), &a), gs.ActorFor(&a, "web"))
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

//go:embed static
var staticFS embed.FS

// assetVersion is a hash of every static file, computed once: asset URLs
// carry it so browsers may cache them for a year and still see a new release.
var assetVersion = func() string {
	hash := sha256.New()
	var names []string
	fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return nil
	})
	sort.Strings(names)
	for _, n := range names {
		b, _ := staticFS.ReadFile(n)
		hash.Write([]byte(n))
		hash.Write(b)
	}
	return hex.EncodeToString(hash.Sum(nil))[:12]
}()

func assetURL(p string) string { return "/static/" + p + "?v=" + assetVersion }

func staticHandler() http.Handler {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r) // no directory listings
			return
		}
		if r.URL.Query().Get("v") == assetVersion {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "public, max-age=300")
		}
		files.ServeHTTP(w, r)
	})
}

// setSessionCookie sends the session token.
func (s *Server) setSessionCookie(w http.ResponseWriter, token string, ttl time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", MaxAge: int(ttl.Seconds()),
		HttpOnly: true, Secure: s.opts.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.opts.SecureCookies, SameSite: http.SameSiteLaxMode})
}
