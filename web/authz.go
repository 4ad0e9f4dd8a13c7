package web

import (
	"context"
	"net/http"

	gs "github.com/groundswell-health/groundswell"
)

// A rule decides, on the server and for every request, whether it may reach
// its handler. Every route is registered with one (see handle), so a route
// cannot be added without saying who may use it; TestRouteAccess walks every
// route as every role.
type rule struct {
	name string
	// allow returns nil to let the request through, or an EUNAUTHORIZED
	// (sign in first) or EFORBIDDEN error.
	allow func(s *Server, r *http.Request, a *gs.Access) error
}

var (
	errSignIn    = gs.Errorf(gs.EUNAUTHORIZED, "Sign in to continue")
	errForbidden = gs.Errorf(gs.EFORBIDDEN, "You do not have access to this page.")

	anyone = rule{"anyone", func(*Server, *http.Request, *gs.Access) error { return nil }}

	signedIn = rule{"signed in", func(_ *Server, _ *http.Request, a *gs.Access) error {
		if a == nil {
			return errSignIn
		}
		return nil
	}}

	organiserOnly = rule{"organiser", func(_ *Server, _ *http.Request, a *gs.Access) error {
		switch {
		case a == nil:
			return errSignIn
		case !a.Organiser():
			return gs.Errorf(gs.EFORBIDDEN, "Only organisers can do this.")
		}
		return nil
	}}

	// leadOfGroup lets in the leads of the group named by {id}, and organisers.
	leadOfGroup = rule{"lead of the group", func(_ *Server, r *http.Request, a *gs.Access) error {
		if a == nil {
			return errSignIn
		}
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if !a.LeadsGroup(id) {
			return errForbidden
		}
		return nil
	}}

	// repOfOrganisation lets in the representatives of the organisation
	// named by {id}, and organisers.
	repOfOrganisation = rule{"rep of the organisation", func(_ *Server, r *http.Request, a *gs.Access) error {
		if a == nil {
			return errSignIn
		}
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if !a.RepresentsOrganisation(id) {
			return errForbidden
		}
		return nil
	}}

	// leadOfAction lets in the leads of the group of the action named by
	// {id}, and organisers.
	leadOfAction = rule{"lead of the action's group", func(s *Server, r *http.Request, a *gs.Access) error {
		if a == nil {
			return errSignIn
		}
		if a.Organiser() {
			return nil
		}
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		act, err := s.store.ActionByID(r.Context(), id)
		if gs.ErrorCode(err) == gs.ENOTFOUND {
			return errForbidden // a lead learns nothing of actions not theirs
		} else if err != nil {
			return err
		}
		if !a.LeadsGroup(act.GroupID) {
			return errForbidden
		}
		return nil
	}}
)

// Route is one route of the web UI and the rule that guards it.
type Route struct {
	// Pattern is the net/http pattern, with its method: "GET /campaigns/{slug}".
	Pattern string
	// Rule names who may use the route (authz.go's rules): "anyone", "organiser", …
	Rule string
}

// handle registers h for pattern behind rl.
func (s *Server) handle(mux *http.ServeMux, pattern string, rl rule, h http.Handler) {
	s.table = append(s.table, Route{pattern, rl.name})
	mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := rl.allow(s, r, currentAccess(r)); err != nil {
			s.fail(w, r, err)
			return
		}
		if rl.name != anyone.name {
			w.Header().Set("Cache-Control", "no-store")
		}
		h.ServeHTTP(w, r)
	}))
}

type accessKey struct{}

// currentAccess returns what the signed-in user may do, or nil when no one
// is signed in.
func currentAccess(r *http.Request) *gs.Access {
	a, _ := r.Context().Value(accessKey{}).(*gs.Access)
	return a
}

func withAccess(ctx context.Context, a *gs.Access) context.Context {
	return context.WithValue(ctx, accessKey{}, a)
}
