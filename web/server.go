// Package web is Groundswell's HTML surface: the route table, handlers,
// templates and static assets, all embedded in the binary. Handlers are linear
// — parse, validate (in the domain), store, respond — and every page works
// without JavaScript.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/groundswell-health/groundswell/store"
)

// Options configure the web app.
type Options struct {
	Store  *store.Store
	Logger *slog.Logger
	// BaseURL is the public address used in links people share, such as
	// invite links ("https://groundswell.example.org"). When empty, the
	// address the request came to is used.
	BaseURL string
	// SecureCookies marks the session cookie Secure; set it when served
	// over HTTPS.
	SecureCookies bool
	// SessionTTL is how long an organiser stays signed in.
	SessionTTL time.Duration
	// PasswordCost is bcrypt's cost; tests lower it to stay fast.
	PasswordCost int
}

// Server serves the web UI.
type Server struct {
	store   *store.Store
	log     *slog.Logger
	opts    Options
	pages   *pages
	handler http.Handler
	// onRender, when set (by tests), is told the name of each page rendered.
	onRender func(name string)
}

// New returns the web app.
func New(opts Options) (*Server, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.SessionTTL == 0 {
		opts.SessionTTL = 12 * time.Hour
	}
	if opts.PasswordCost == 0 {
		opts.PasswordCost = defaultPasswordCost
	}
	p, err := loadPages()
	if err != nil {
		return nil, err
	}
	s := &Server{store: opts.Store, log: opts.Logger, opts: opts, pages: p}
	s.handler = s.middleware(s.routes())
	return s, nil
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// routes is the one route table of the web UI. Every route that changes
// data is a POST and, apart from the public pledge form, sits behind
// s.organiser, which requires a signed-in organiser.
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("GET /static/", staticHandler())
	mux.HandleFunc("GET /healthz", s.healthz)

	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /campaigns/{slug}", s.campaignPage)
	mux.HandleFunc("GET /campaigns/{slug}/groups/{group}", s.groupPage)
	mux.HandleFunc("GET /campaigns/{slug}/indicators/{indicator}", s.indicatorPage)
	mux.HandleFunc("GET /campaigns/{slug}/join/{code}", s.invitePage)
	mux.HandleFunc("GET /campaigns/{slug}/actions/{action}/pledge", s.pledgeForm)
	mux.HandleFunc("POST /campaigns/{slug}/actions/{action}/pledge", s.pledgeSubmit)
	mux.HandleFunc("GET /pledges/{receipt}", s.pledgeReceipt)
	mux.HandleFunc("GET /confirm/{token}", s.confirmForm)
	mux.HandleFunc("POST /confirm/{token}", s.confirmSubmit)

	mux.HandleFunc("GET /signin", s.signinForm)
	mux.HandleFunc("POST /signin", s.signinSubmit)
	mux.HandleFunc("POST /signout", s.signout)
	mux.HandleFunc("GET /setup", s.setupForm)
	mux.HandleFunc("POST /setup", s.setupSubmit)

	org := func(h http.HandlerFunc) http.Handler { return s.organiser(h) }
	mux.Handle("GET /admin", org(s.adminHome))
	mux.Handle("GET /admin/campaigns/new", org(s.campaignNew))
	mux.Handle("POST /admin/campaigns/new", org(s.campaignCreate))
	mux.Handle("GET /admin/campaigns/{id}", org(s.campaignAdmin))
	mux.Handle("GET /admin/campaigns/{id}/edit", org(s.campaignEdit))
	mux.Handle("POST /admin/campaigns/{id}/edit", org(s.campaignUpdate))
	mux.Handle("GET /admin/campaigns/{id}/groups/new", org(s.groupNew))
	mux.Handle("POST /admin/campaigns/{id}/groups/new", org(s.groupCreate))
	mux.Handle("GET /admin/groups/{id}/edit", org(s.groupEdit))
	mux.Handle("POST /admin/groups/{id}/edit", org(s.groupUpdate))
	mux.Handle("GET /admin/groups/{id}/actions/new", org(s.actionNew))
	mux.Handle("POST /admin/groups/{id}/actions/new", org(s.actionCreate))
	mux.Handle("GET /admin/actions/{id}/edit", org(s.actionEdit))
	mux.Handle("POST /admin/actions/{id}/edit", org(s.actionUpdate))
	mux.Handle("GET /admin/campaigns/{id}/milestones/new", org(s.milestoneNew))
	mux.Handle("POST /admin/campaigns/{id}/milestones/new", org(s.milestoneCreate))
	mux.Handle("GET /admin/milestones/{id}/edit", org(s.milestoneEdit))
	mux.Handle("POST /admin/milestones/{id}/edit", org(s.milestoneUpdate))
	mux.Handle("POST /admin/milestones/{id}/delete", org(s.milestoneDelete))
	mux.Handle("GET /admin/campaigns/{id}/alliance/new", org(s.allianceNew))
	mux.Handle("POST /admin/campaigns/{id}/alliance/new", org(s.allianceAdd))
	mux.Handle("POST /admin/campaigns/{id}/alliance/{org}/remove", org(s.allianceRemove))
	mux.Handle("GET /admin/outbox", org(s.outbox))
	mux.Handle("GET /admin/organisations", org(s.organisationList))
	mux.Handle("GET /admin/organisations/new", org(s.organisationNew))
	mux.Handle("POST /admin/organisations/new", org(s.organisationCreate))
	mux.Handle("GET /admin/organisations/{id}/edit", org(s.organisationEdit))
	mux.Handle("POST /admin/organisations/{id}/edit", org(s.organisationUpdate))

	mux.HandleFunc("/", s.notFound)
	return mux
}

// healthz answers 200 when the database answers.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.store.Ping(ctx); err != nil {
		s.log.ErrorContext(ctx, "health check failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unavailable\n"))
		return
	}
	w.Write([]byte("ok\n"))
}
