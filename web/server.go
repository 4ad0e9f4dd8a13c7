// Package web is Groundswell's HTML surface: the route table, handlers,
// templates and static assets, all embedded in the binary. Handlers are linear
// — parse, validate (in the domain), store, respond — and every page works
// without JavaScript.
package web

import (
	"context"
	"database/sql"
	"log/slog"
	"net/http"
	"slices"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/api"
	"github.com/groundswell-health/groundswell/ratelimit"
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
	// Mailer sends the emails pages ask for (sign-in links, invitations to
	// lead a group). Without one, those pages say email is unavailable.
	Mailer Mailer
	// Limits are the public forms' rate limits, counted by Limiter (one of
	// this node's own when nil).
	Limits  Limits
	Limiter *ratelimit.Limiter
	// API, when set, is served at /api/v1/ (it checks its own tokens) and
	// documented at /api/docs.
	API *api.API
	// Privacy is what the privacy notice states, and the public forms'
	// minimum fill time (privacy.go).
	Privacy PrivacyOptions
}

// Mailer enqueues emails for the web pages; followup.Mailer is the real one.
type Mailer interface {
	// SendSignInLink emails a user a one-time sign-in link; with a group,
	// an invitation to lead it.
	SendSignInLink(ctx context.Context, userID, groupID int64) error
	// SendRepInvitation emails a user an invitation, with a sign-in link,
	// to represent an organisation.
	SendRepInvitation(ctx context.Context, userID, orgID int64) error
	// EnqueueGroupMessage queues the email of a lead's message to one of
	// their group's participants inside tx, the transaction that records
	// the message (store.SendGroupMessage).
	EnqueueGroupMessage(ctx context.Context, tx *sql.Tx, r gs.GroupMessageRecipient) error
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
	// table lists every route and its rule (Routes).
	table []Route
	// slow keeps the dashboard's costliest figures for a minute.
	slow    slowCache
	limiter *ratelimit.Limiter
	// guard keeps programs off the public forms (formguard.go).
	guard *formGuard
	// faults thins out the log of requests failed by a storage fault.
	faults faultLog
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
	guard, err := newFormGuard(opts.Store, opts.Privacy.MinFillTime)
	if err != nil {
		return nil, err
	}
	s := &Server{store: opts.Store, log: opts.Logger, opts: opts, pages: p, limiter: opts.Limiter, guard: guard}
	if s.limiter == nil {
		s.limiter = ratelimit.New(nil, opts.Logger)
	}
	s.handler = s.middleware(s.routes())
	return s, nil
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Routes lists every route of the web UI with the rule that guards it, in
// the order they were registered. Tests walk it so that a route added to the
// router is checked for access and accessibility without being listed twice.
func (s *Server) Routes() []Route { return slices.Clone(s.table) }

// routes is the one route table of the web UI. Every route names the rule
// that guards it (authz.go); every route that changes data is a POST.
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	h := func(pattern string, rl rule, fn http.HandlerFunc) { s.handle(mux, pattern, rl, fn) }
	s.handle(mux, "GET /static/", anyone, staticHandler())
	h("GET /healthz", anyone, s.healthz)

	h("GET /{$}", anyone, s.home)
	h("GET /campaigns/{slug}", anyone, s.campaignPage)
	h("GET /campaigns/{slug}/groups/{group}", anyone, s.groupPage)
	h("GET /campaigns/{slug}/dashboard", anyone, s.dashboardPage)
	h("GET /campaigns/{slug}/dashboard.csv", anyone, s.dashboardCSV)
	h("GET /campaigns/{slug}/dashboard/{chart}", anyone, s.dashboardPNG)
	h("GET /campaigns/{slug}/network", anyone, s.networkPage)
	h("GET /campaigns/{slug}/areas", anyone, s.areaView)
	h("GET /campaigns/{slug}/indicators/{indicator}", anyone, s.indicatorPage)
	h("GET /campaigns/{slug}/indicators/{indicator}/spc.json", anyone, s.indicatorSPC)
	h("GET /campaigns/{slug}/indicators/{indicator}/chart.png", anyone, s.indicatorPNG)
	h("GET /campaigns/{slug}/join/{code}", anyone, s.invitePage)
	h("GET /campaigns/{slug}/actions/{action}/pledge", anyone, s.pledgeForm)
	h("POST /campaigns/{slug}/actions/{action}/pledge", anyone, s.pledgeSubmit)
	h("GET /pledges/{receipt}", anyone, s.pledgeReceipt)
	h("GET /confirm/{token}", anyone, s.confirmForm)
	h("POST /confirm/{token}", anyone, s.confirmSubmit)
	h("GET /report/{token}", anyone, s.reportForm)
	h("POST /report/{token}", anyone, s.reportSubmit)
	h("GET /report/{token}/thanks", anyone, s.reportThanks)
	h("GET /unsubscribe/{token}", anyone, s.unsubscribeForm)
	h("POST /unsubscribe/{token}", anyone, s.unsubscribeSubmit)
	// Aftercare: how a pledge went, its story and its certificate. The
	// story from a used report link (the link is the key); the certificate
	// of a done pledge (its receipt's address is the key); the rest signed in,
	// each handler finding only the person's own pledge.
	h("POST /report/{token}/story", anyone, s.reportStorySubmit)
	h("GET /certificate/{receipt}", anyone, s.certificatePage)
	h("GET /me/commitments/{id}", signedIn, s.meReportForm)
	h("GET /me/commitments/{id}/story", signedIn, s.meStoryForm)
	h("POST /me/commitments/{id}/story", signedIn, s.meStorySubmit)

	h("GET /signin", anyone, s.signinForm)
	h("POST /signin", anyone, s.signinSubmit)
	h("GET /signin/email", anyone, s.signinEmailForm)
	h("POST /signin/email", anyone, s.signinEmailSubmit)
	h("GET /signin/link/{token}", anyone, s.signinLinkForm)
	h("POST /signin/link/{token}", anyone, s.signinLinkSubmit)
	h("POST /signout", anyone, s.signout)
	h("GET /setup", anyone, s.setupForm)
	h("POST /setup", anyone, s.setupSubmit)

	// Participants and leads, signed in by emailed link.
	h("GET /me", signedIn, s.mePage)
	h("POST /me/commitments/{id}", signedIn, s.meCommitmentStatus)
	// Privacy: the notice; a person's own data and its erasure; an
	// organiser answering a request made to them (privacy.go).
	h("GET /privacy", anyone, s.privacyNotice)
	h("GET /me/data", signedIn, s.myData)
	h("GET /me/data.json", signedIn, s.myDataJSON)
	h("GET /me/erase", signedIn, s.eraseMeForm)
	h("POST /me/erase", signedIn, s.eraseMeSubmit)
	h("GET /admin/privacy", organiserOnly, s.privacyAdmin)
	h("POST /admin/privacy/person", organiserOnly, s.privacyFind)
	h("POST /admin/privacy/person.json", organiserOnly, s.privacyFindJSON)
	h("POST /admin/privacy/erase", organiserOnly, s.privacyErase)
	h("GET /lead/groups/{id}", leadOfGroup, s.leadGroupPage)
	h("GET /admin/groups/{id}/edit", leadOfGroup, s.groupEdit)
	h("POST /admin/groups/{id}/edit", leadOfGroup, s.groupUpdate)
	h("GET /admin/groups/{id}/actions/new", leadOfGroup, s.actionNew)
	h("POST /admin/groups/{id}/actions/new", leadOfGroup, s.actionCreate)
	h("GET /admin/groups/{id}/leads/new", leadOfGroup, s.leadNew)
	h("POST /admin/groups/{id}/leads/new", leadOfGroup, s.leadAppoint)
	h("GET /admin/actions/{id}/edit", leadOfAction, s.actionEdit)
	h("POST /admin/actions/{id}/edit", leadOfAction, s.actionUpdate)
	// A lead's message to their group's participants; the weekly digest,
	// and its unsubscribe link (no sign-in: the link is the key).
	h("GET /lead/groups/{id}/message", leadOfGroup, s.messageForm)
	h("POST /lead/groups/{id}/message", leadOfGroup, s.messageSubmit)
	h("POST /lead/groups/{id}/digest", leadOfGroup, s.digestSetting)
	h("GET /digest/unsubscribe/{token}", anyone, s.digestUnsubscribeForm)
	h("POST /digest/unsubscribe/{token}", anyone, s.digestUnsubscribeSubmit)

	// Organisation representatives, signed in by emailed link.
	h("GET /org/{id}", repOfOrganisation, s.orgHome)
	h("GET /org/{id}/campaigns/{campaign}/commitments/new", repOfOrganisation, s.planItemNew)
	h("POST /org/{id}/campaigns/{campaign}/commitments/new", repOfOrganisation, s.planItemCreate)
	h("GET /org/{id}/commitments/{item}/edit", repOfOrganisation, s.planItemEdit)
	h("POST /org/{id}/commitments/{item}/edit", repOfOrganisation, s.planItemUpdate)
	h("GET /org/{id}/reps/new", repOfOrganisation, s.repNew)
	h("POST /org/{id}/reps/new", repOfOrganisation, s.repAppoint)

	// The programme team.
	h("GET /admin", organiserOnly, s.adminHome)
	h("GET /admin/campaigns/new", organiserOnly, s.campaignNew)
	h("POST /admin/campaigns/new", organiserOnly, s.campaignCreate)
	h("GET /admin/campaigns/{id}", organiserOnly, s.campaignAdmin)
	h("GET /admin/campaigns/{id}/edit", organiserOnly, s.campaignEdit)
	h("POST /admin/campaigns/{id}/edit", organiserOnly, s.campaignUpdate)
	h("GET /admin/campaigns/{id}/groups/new", organiserOnly, s.groupNew)
	h("POST /admin/campaigns/{id}/groups/new", organiserOnly, s.groupCreate)
	h("GET /admin/campaigns/{id}/milestones/new", organiserOnly, s.milestoneNew)
	h("POST /admin/campaigns/{id}/milestones/new", organiserOnly, s.milestoneCreate)
	h("GET /admin/milestones/{id}/edit", organiserOnly, s.milestoneEdit)
	h("POST /admin/milestones/{id}/edit", organiserOnly, s.milestoneUpdate)
	h("POST /admin/milestones/{id}/delete", organiserOnly, s.milestoneDelete)
	h("GET /admin/campaigns/{id}/alliance/new", organiserOnly, s.allianceNew)
	h("POST /admin/campaigns/{id}/alliance/new", organiserOnly, s.allianceAdd)
	h("POST /admin/campaigns/{id}/alliance/{org}/remove", organiserOnly, s.allianceRemove)
	h("GET /admin/outbox", organiserOnly, s.outbox)
	h("GET /admin/observations/import", organiserOnly, s.importForm)
	h("POST /admin/observations/import", organiserOnly, s.importUpload)
	h("GET /admin/campaigns/{id}/export/{file}", organiserOnly, s.exportDownload)
	h("GET /admin/campaigns/{id}/import", organiserOnly, s.exchangeImportForm)
	h("POST /admin/campaigns/{id}/import", organiserOnly, s.exchangeImportUpload)
	h("GET /admin/campaigns/{id}/tokens", organiserOnly, s.apiTokenList)
	h("POST /admin/campaigns/{id}/tokens/new", organiserOnly, s.apiTokenCreate)
	h("POST /admin/campaigns/{id}/tokens/{token}/revoke", organiserOnly, s.apiTokenRevoke)
	h("GET /admin/campaigns/{id}/webhooks", organiserOnly, s.webhookList)
	h("POST /admin/campaigns/{id}/webhooks/new", organiserOnly, s.webhookCreate)
	h("GET /admin/campaigns/{id}/webhooks/{webhook}", organiserOnly, s.webhookDeliveries)
	h("POST /admin/campaigns/{id}/webhooks/{webhook}/disable", organiserOnly, s.webhookDisable)
	h("POST /admin/campaigns/{id}/webhooks/{webhook}/enable", organiserOnly, s.webhookEnable)
	h("POST /admin/campaigns/{id}/webhooks/{webhook}/rotate", organiserOnly, s.webhookRotate)
	h("POST /admin/campaigns/{id}/webhooks/{webhook}/delete", organiserOnly, s.webhookDelete)
	h("POST /admin/campaigns/{id}/webhooks/deliveries/{delivery}/replay", organiserOnly, s.webhookReplay)
	h("GET /admin/campaigns/{id}/envelope/new", organiserOnly, s.envelopeNew)
	h("POST /admin/campaigns/{id}/envelope/new", organiserOnly, s.envelopeCreate)
	h("POST /admin/campaigns/{id}/envelope/{entry}/delete", organiserOnly, s.envelopeDelete)
	h("GET /admin/campaigns/{id}/indicators/new", organiserOnly, s.indicatorNew)
	h("POST /admin/campaigns/{id}/indicators/new", organiserOnly, s.indicatorCreate)
	h("GET /admin/indicators/{id}/edit", organiserOnly, s.indicatorEdit)
	h("POST /admin/indicators/{id}/edit", organiserOnly, s.indicatorUpdate)
	h("GET /admin/areas", organiserOnly, s.areaList)
	h("GET /admin/areas/new", organiserOnly, s.areaNew)
	h("POST /admin/areas/new", organiserOnly, s.areaCreate)
	h("GET /admin/areas/{id}/edit", organiserOnly, s.areaEdit)
	h("POST /admin/areas/{id}/edit", organiserOnly, s.areaUpdate)
	h("GET /admin/organisations", organiserOnly, s.organisationList)
	h("GET /admin/organisations/new", organiserOnly, s.organisationNew)
	h("POST /admin/organisations/new", organiserOnly, s.organisationCreate)
	h("GET /admin/organisations/{id}/edit", organiserOnly, s.organisationEdit)
	h("POST /admin/organisations/{id}/edit", organiserOnly, s.organisationUpdate)
	// The audit log: a campaign's, and the whole installation's.
	h("GET /admin/campaigns/{id}/audit", organiserOnly, s.campaignAudit)
	h("GET /admin/audit", organiserOnly, s.installationAudit)

	// The JSON API: its own route table and its own guard (personal API
	// tokens, not sessions), so it is mounted whole rather than routed here.
	if s.opts.API != nil {
		h("GET /api/docs", anyone, s.apiDocs)
		mux.Handle(api.Prefix+"/", s.opts.API)
	}

	mux.HandleFunc("/", s.notFound)
	return mux
}

// healthz answers 200 when the database answers and no transaction has met
// a storage fault (a full disk, a read-only file) lately (store.StorageFault):
// reads may still work when nothing can be stored.
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
	if fault := s.store.StorageFault(); fault != nil {
		s.log.ErrorContext(ctx, "health check failed: the database cannot store anything", "cause", fault.Cause, "err", fault)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database cannot store anything: " + fault.Cause + "\n"))
		return
	}
	w.Write([]byte("ok\n"))
}
