package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/api"
	"github.com/groundswell-health/groundswell/demo"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
	"github.com/groundswell-health/groundswell/web"
)

// axeEnv names the environment variable with the path of axe-core's
// axe.min.js (scripts/test installs it from npm; see e2e/axe).
const axeEnv = "GROUNDSWELL_AXE"

// axeSource returns axe-core's script.
func axeSource(tb testing.TB) string {
	tb.Helper()
	path := serviceEnv(tb, axeEnv, "the accessibility sweep", "scripts/test installs axe-core and sets it")
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("read axe-core: %v", err)
	}
	return string(b)
}

// The cast of the sweep: every role the web UI knows.
const (
	anonymous   = "anonymous"
	participant = "participant"
	groupLead   = "group lead"
	orgRep      = "organisation representative"
	organiser   = "organiser"
)

var sweepRoles = []string{anonymous, participant, groupLead, orgRep, organiser}

// rolesFor is who sees the page behind each of authz.go's rules. Everyone
// else is refused, and the refusal pages are swept on their own.
var rolesFor = map[string][]string{
	"anyone":                     sweepRoles,
	"signed in":                  {participant, groupLead, orgRep, organiser},
	"lead of the group":          {groupLead, organiser},
	"lead of the action's group": {groupLead, organiser},
	"rep of the organisation":    {orgRep, organiser},
	"organiser":                  {organiser},
}

// sweepFixture is the demo's live campaign, with one of everything a page
// may be about, and a person in each role.
type sweepFixture struct {
	campaign     gs.Campaign
	measured     gs.Campaign // the campaign with outcome measures (the demo's first)
	group        gs.Group
	action       gs.Action
	indicator    gs.Indicator
	milestone    gs.Milestone
	area         gs.Area
	org          gs.Organisation
	planItem     gs.AllianceCommitment
	webhook      int64
	own          gs.PledgeResult // the participant's pledge, done
	referralCode string
	confirmToken string // for a pledge not yet confirmed
	reportToken  string // a report link not yet used
	thanksToken  string // used: its thank-you page
	unsubscribe  string
	signInToken  string
	digestToken  string
	sessions     map[string]string // role → session cookie
	users        map[string]int64  // role → user id
}

// sweepPages says how the sweep visits each GET route of the web UI: the
// address it opens, filled from the fixture. A route added to the router
// but neither here nor in notPages fails the sweep.
var sweepPages = map[string]func(f *sweepFixture) string{
	"GET /{$}":                             func(f *sweepFixture) string { return "/" },
	"GET /campaigns/{slug}":                func(f *sweepFixture) string { return "/campaigns/" + f.campaign.Slug },
	"GET /campaigns/{slug}/groups/{group}": func(f *sweepFixture) string { return "/campaigns/" + f.campaign.Slug + "/groups/" + f.group.Slug },
	"GET /campaigns/{slug}/dashboard":      func(f *sweepFixture) string { return "/campaigns/" + f.campaign.Slug + "/dashboard" },
	"GET /campaigns/{slug}/network":        func(f *sweepFixture) string { return "/campaigns/" + f.campaign.Slug + "/network" },
	"GET /campaigns/{slug}/areas":          func(f *sweepFixture) string { return "/campaigns/" + f.campaign.Slug + "/areas" },
	"GET /campaigns/{slug}/indicators/{indicator}": func(f *sweepFixture) string {
		return "/campaigns/" + f.measured.Slug + "/indicators/" + f.indicator.Slug
	},
	"GET /campaigns/{slug}/join/{code}": func(f *sweepFixture) string { return "/campaigns/" + f.campaign.Slug + "/join/" + f.referralCode },
	"GET /campaigns/{slug}/actions/{action}/pledge": func(f *sweepFixture) string {
		return "/campaigns/" + f.campaign.Slug + "/actions/" + id(f.action.ID) + "/pledge"
	},
	"GET /pledges/{receipt}":             func(f *sweepFixture) string { return "/pledges/" + f.own.Commitment.ReceiptToken },
	"GET /certificate/{receipt}":         func(f *sweepFixture) string { return "/certificate/" + f.own.Commitment.ReceiptToken },
	"GET /confirm/{token}":               func(f *sweepFixture) string { return "/confirm/" + f.confirmToken },
	"GET /report/{token}":                func(f *sweepFixture) string { return "/report/" + f.reportToken },
	"GET /report/{token}/thanks":         func(f *sweepFixture) string { return "/report/" + f.thanksToken + "/thanks" },
	"GET /unsubscribe/{token}":           func(f *sweepFixture) string { return "/unsubscribe/" + f.unsubscribe },
	"GET /digest/unsubscribe/{token}":    func(f *sweepFixture) string { return "/digest/unsubscribe/" + f.digestToken },
	"GET /me/commitments/{id}":           func(f *sweepFixture) string { return "/me/commitments/" + id(f.own.Commitment.ID) },
	"GET /me/commitments/{id}/story":     func(f *sweepFixture) string { return "/me/commitments/" + id(f.own.Commitment.ID) + "/story" },
	"GET /signin":                        func(f *sweepFixture) string { return "/signin" },
	"GET /signin/email":                  func(f *sweepFixture) string { return "/signin/email" },
	"GET /signin/link/{token}":           func(f *sweepFixture) string { return "/signin/link/" + f.signInToken },
	"GET /setup":                         func(f *sweepFixture) string { return "/setup" },
	"GET /me":                            func(f *sweepFixture) string { return "/me" },
	"GET /privacy":                       func(f *sweepFixture) string { return "/privacy" },
	"GET /me/data":                       func(f *sweepFixture) string { return "/me/data" },
	"GET /me/erase":                      func(f *sweepFixture) string { return "/me/erase" },
	"GET /admin/privacy":                 func(f *sweepFixture) string { return "/admin/privacy" },
	"GET /lead/groups/{id}":              func(f *sweepFixture) string { return "/lead/groups/" + id(f.group.ID) },
	"GET /lead/groups/{id}/message":      func(f *sweepFixture) string { return "/lead/groups/" + id(f.group.ID) + "/message" },
	"GET /admin/groups/{id}/edit":        func(f *sweepFixture) string { return "/admin/groups/" + id(f.group.ID) + "/edit" },
	"GET /admin/groups/{id}/actions/new": func(f *sweepFixture) string { return "/admin/groups/" + id(f.group.ID) + "/actions/new" },
	"GET /admin/groups/{id}/leads/new":   func(f *sweepFixture) string { return "/admin/groups/" + id(f.group.ID) + "/leads/new" },
	"GET /admin/actions/{id}/edit":       func(f *sweepFixture) string { return "/admin/actions/" + id(f.action.ID) + "/edit" },
	"GET /org/{id}":                      func(f *sweepFixture) string { return "/org/" + id(f.org.ID) },
	"GET /org/{id}/campaigns/{campaign}/commitments/new": func(f *sweepFixture) string {
		return "/org/" + id(f.org.ID) + "/campaigns/" + id(f.campaign.ID) + "/commitments/new"
	},
	"GET /org/{id}/commitments/{item}/edit": func(f *sweepFixture) string {
		return "/org/" + id(f.org.ID) + "/commitments/" + id(f.planItem.ID) + "/edit"
	},
	"GET /org/{id}/reps/new":                   func(f *sweepFixture) string { return "/org/" + id(f.org.ID) + "/reps/new" },
	"GET /admin":                               func(f *sweepFixture) string { return "/admin" },
	"GET /admin/campaigns/new":                 func(f *sweepFixture) string { return "/admin/campaigns/new" },
	"GET /admin/campaigns/{id}":                func(f *sweepFixture) string { return "/admin/campaigns/" + id(f.campaign.ID) },
	"GET /admin/campaigns/{id}/edit":           func(f *sweepFixture) string { return "/admin/campaigns/" + id(f.campaign.ID) + "/edit" },
	"GET /admin/campaigns/{id}/groups/new":     func(f *sweepFixture) string { return "/admin/campaigns/" + id(f.campaign.ID) + "/groups/new" },
	"GET /admin/campaigns/{id}/milestones/new": func(f *sweepFixture) string { return "/admin/campaigns/" + id(f.campaign.ID) + "/milestones/new" },
	"GET /admin/milestones/{id}/edit":          func(f *sweepFixture) string { return "/admin/milestones/" + id(f.milestone.ID) + "/edit" },
	"GET /admin/campaigns/{id}/alliance/new":   func(f *sweepFixture) string { return "/admin/campaigns/" + id(f.campaign.ID) + "/alliance/new" },
	"GET /admin/observations/import":           func(f *sweepFixture) string { return "/admin/observations/import" },
	"GET /admin/outbox":                        func(f *sweepFixture) string { return "/admin/outbox" },
	"GET /admin/campaigns/{id}/import":         func(f *sweepFixture) string { return "/admin/campaigns/" + id(f.campaign.ID) + "/import" },
	"GET /admin/campaigns/{id}/tokens":         func(f *sweepFixture) string { return "/admin/campaigns/" + id(f.campaign.ID) + "/tokens" },
	"GET /admin/campaigns/{id}/envelope/new":   func(f *sweepFixture) string { return "/admin/campaigns/" + id(f.campaign.ID) + "/envelope/new" },
	"GET /admin/campaigns/{id}/indicators/new": func(f *sweepFixture) string { return "/admin/campaigns/" + id(f.campaign.ID) + "/indicators/new" },
	"GET /admin/indicators/{id}/edit":          func(f *sweepFixture) string { return "/admin/indicators/" + id(f.indicator.ID) + "/edit" },
	"GET /admin/areas":                         func(f *sweepFixture) string { return "/admin/areas" },
	"GET /admin/areas/new":                     func(f *sweepFixture) string { return "/admin/areas/new" },
	"GET /admin/areas/{id}/edit":               func(f *sweepFixture) string { return "/admin/areas/" + id(f.area.ID) + "/edit" },
	"GET /admin/organisations":                 func(f *sweepFixture) string { return "/admin/organisations" },
	"GET /admin/organisations/new":             func(f *sweepFixture) string { return "/admin/organisations/new" },
	"GET /admin/organisations/{id}/edit":       func(f *sweepFixture) string { return "/admin/organisations/" + id(f.org.ID) + "/edit" },
	"GET /admin/campaigns/{id}/webhooks":       func(f *sweepFixture) string { return "/admin/campaigns/" + id(f.campaign.ID) + "/webhooks" },
	"GET /admin/campaigns/{id}/webhooks/{webhook}": func(f *sweepFixture) string {
		return "/admin/campaigns/" + id(f.campaign.ID) + "/webhooks/" + id(f.webhook)
	},
	"GET /admin/campaigns/{id}/audit": func(f *sweepFixture) string { return "/admin/campaigns/" + id(f.campaign.ID) + "/audit" },
	"GET /admin/audit":                func(f *sweepFixture) string { return "/admin/audit" },
	"GET /api/docs":                   func(f *sweepFixture) string { return "/api/docs" },
}

// onlyFor narrows the roles that visit a page to those it is about: a
// person's own pledge is a page only for them (to anyone else signed in it
// is "not found", which the sweep meets elsewhere).
var onlyFor = map[string][]string{
	"GET /me/commitments/{id}":       {participant},
	"GET /me/commitments/{id}/story": {participant},
}

// onFreshInstallation are the pages shown only before the first organiser
// account exists; the sweep opens them on an empty database of their own.
var onFreshInstallation = map[string]bool{"GET /setup": true}

// notPages are the GET routes that answer with something other than a web
// page, and what they answer with. The sweep checks each really is not
// HTML, so a page cannot hide here.
var notPages = map[string]struct {
	path func(f *sweepFixture) string
	what string
}{
	"GET /static/":      {func(*sweepFixture) string { return "/static/app.css" }, "the style sheet, scripts and icons"},
	"GET /healthz":      {func(*sweepFixture) string { return "/healthz" }, "a health check for load balancers"},
	"GET /me/data.json": {func(*sweepFixture) string { return "/me/data.json" }, "a person's data as JSON"},
	"GET /campaigns/{slug}/dashboard.csv": {func(f *sweepFixture) string {
		return "/campaigns/" + f.campaign.Slug + "/dashboard.csv?table=growth"
	}, "a dashboard table as CSV"},
	"GET /campaigns/{slug}/dashboard/{chart}": {func(f *sweepFixture) string {
		return "/campaigns/" + f.campaign.Slug + "/dashboard/growth.png"
	}, "a dashboard chart as PNG"},
	"GET /campaigns/{slug}/indicators/{indicator}/chart.png": {func(f *sweepFixture) string {
		return "/campaigns/" + f.measured.Slug + "/indicators/" + f.indicator.Slug + "/chart.png"
	}, "an SPC chart as PNG"},
	"GET /campaigns/{slug}/indicators/{indicator}/spc.json": {func(f *sweepFixture) string {
		return "/campaigns/" + f.measured.Slug + "/indicators/" + f.indicator.Slug + "/spc.json"
	}, "an SPC chart's data as JSON"},
	"GET /admin/campaigns/{id}/export/{file}": {func(f *sweepFixture) string {
		return "/admin/campaigns/" + id(f.campaign.ID) + "/export/people.csv"
	}, "a campaign's data as CSV"},
}

// formStates are forms submitted empty, so that the sweep also checks the
// pages that show an error summary: the state a person who has made a
// mistake is in, and the one most often got wrong.
var formStates = []struct {
	role, name string
	path       func(f *sweepFixture) string
	submit     string // the submit button's text
}{
	{anonymous, "pledge", sweepPages["GET /campaigns/{slug}/actions/{action}/pledge"], "Make my pledge"},
	{anonymous, "sign in", sweepPages["GET /signin"], "Sign in"},
	{anonymous, "sign in by email", sweepPages["GET /signin/email"], "Email me a sign-in link"},
	{groupLead, "new action", sweepPages["GET /admin/groups/{id}/actions/new"], "Save action"},
	{orgRep, "new plan item", sweepPages["GET /org/{id}/campaigns/{campaign}/commitments/new"], "Save"},
	{organiser, "new campaign", sweepPages["GET /admin/campaigns/new"], "Save campaign"},
}

// screenshotPages are the main pages, photographed at a phone's and a
// desktop's width into the artefacts folder for a person to look at.
var screenshotPages = []struct{ role, name, pattern string }{
	{anonymous, "home", "GET /{$}"},
	{anonymous, "campaign", "GET /campaigns/{slug}"},
	{anonymous, "group", "GET /campaigns/{slug}/groups/{group}"},
	{anonymous, "pledge", "GET /campaigns/{slug}/actions/{action}/pledge"},
	{anonymous, "receipt", "GET /pledges/{receipt}"},
	{anonymous, "report", "GET /report/{token}"},
	{anonymous, "dashboard", "GET /campaigns/{slug}/dashboard"},
	{anonymous, "indicator", "GET /campaigns/{slug}/indicators/{indicator}"},
	{anonymous, "network", "GET /campaigns/{slug}/network"},
	{anonymous, "areas", "GET /campaigns/{slug}/areas"},
	{participant, "my-pledges", "GET /me"},
	{groupLead, "lead-group", "GET /lead/groups/{id}"},
	{orgRep, "organisation", "GET /org/{id}"},
	{organiser, "campaign-admin", "GET /admin/campaigns/{id}"},
}

// The viewports of the screenshots: a common phone and a laptop.
var viewports = []struct {
	name          string
	width, height int64
}{
	{"phone", 390, 844},
	{"desktop", 1280, 900},
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

// axeResult is one rule axe-core found broken on a page.
type axeResult struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Count   int    `json:"count"`
	Nodes   []struct {
		Target  string `json:"target"`
		HTML    string `json:"html"`
		Summary string `json:"summary"`
	} `json:"nodes"`
}

// accepted reports whether a violation is the one the sweep knowingly lets
// through: aria-expanded on a radio or checkbox that reveals a follow-up
// question. ARIA 1.2 does not allow it on a radio (w3c/aria#1404), but the
// NHS.UK and GOV.UK design systems set it on purpose, because their research
// with screen reader users found it is announced and helps
// (alphagov/govuk-frontend#979); axe-core flags it. Any other attribute, or
// aria-expanded anywhere else, still fails.
func (v axeResult) accepted() bool {
	if v.ID != "aria-allowed-attr" || len(v.Nodes) < v.Count {
		return false
	}
	for _, n := range v.Nodes {
		conditional := (strings.Contains(n.HTML, `class="nhsuk-radios__input"`) || strings.Contains(n.HTML, `class="nhsuk-checkboxes__input"`)) &&
			strings.Contains(n.HTML, "aria-controls=")
		// One failure on the element, and it is aria-expanded.
		onlyExpanded := strings.Count(n.Summary, "Fix ") == 1 &&
			strings.Count(n.Summary, "ARIA attribute is not allowed") == 1 &&
			strings.Contains(n.Summary, `ARIA attribute is not allowed: aria-expanded="`)
		if !conditional || !onlyExpanded {
			return false
		}
	}
	return true
}

// axeRun runs axe-core on the page with the WCAG 2.0, 2.1 and 2.2 A and AA
// rules and its best practices, and returns the violations with at most twenty
// example elements each.
const axeRun = `(async () => {
  const r = await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']},
    resultTypes: ['violations'],
  });
  return r.violations.map(v => ({
    id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl, count: v.nodes.length,
    nodes: v.nodes.slice(0, 20).map(n => ({target: n.target.join(' '), html: n.html.slice(0, 300), summary: n.failureSummary || ''})),
  }));
})()`

// sweepReport collects what the sweep found on every page, for the
// artefacts folder.
type sweepReport struct {
	mu    sync.Mutex
	Pages []sweptPage `json:"pages"`
}

type sweptPage struct {
	Role       string      `json:"role"`
	Path       string      `json:"path"`
	Status     int64       `json:"status"`
	Violations []axeResult `json:"violations"`
}

func (r *sweepReport) add(p sweptPage) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Pages = append(r.Pages, p)
}

// TestAccessibilitySweep opens every page of the demo in headless Chromium
// as each role that may see it (anonymous, a participant, a group lead, an
// organisation's representative and an organiser), runs axe-core on it, and
// fails on any violation of WCAG 2.2 A/AA or of axe-core's best practices,
// whatever its impact (the issue asked for no serious or critical ones; the
// pages meet the stricter bar, and keeping it stops moderate problems
// creeping in), bar one documented exception (axeResult.accepted). It also sweeps the pages people meet when
// something goes wrong: forms submitted empty (the error summary), a page not
// found and a page refused. Every GET route of the router must be either
// swept or listed as not a page. It saves the report and screenshots of the
// main pages at phone and desktop widths to the artefacts folder.
func TestAccessibilitySweep(t *testing.T) {
	chromiumPath(t)
	src := axeSource(t)
	st := storetest.OpenDemo(t)
	f := newSweepFixture(t, st)
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	app, err := web.New(web.Options{Store: st, Logger: logger, PasswordCost: 4,
		API: api.New(api.Options{Store: st, Logger: logger})})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app)
	t.Cleanup(srv.Close)
	fresh := freshInstallation(t, logger)

	// Every GET route is swept or said not to be a page.
	visits := map[string][]visit{}
	for _, r := range app.Routes() {
		if !strings.HasPrefix(r.Pattern, "GET ") {
			continue
		}
		if np, ok := notPages[r.Pattern]; ok {
			checkNotAPage(t, srv.URL+np.path(f), f.sessions[organiser], np.what)
			continue
		}
		page, ok := sweepPages[r.Pattern]
		if !ok {
			t.Errorf("route %q is not in the accessibility sweep: add it to sweepPages (or, if it is not a web page, to notPages)", r.Pattern)
			continue
		}
		roles, ok := rolesFor[r.Rule]
		if !ok {
			t.Errorf("route %q has the rule %q, which the sweep does not know: add it to rolesFor", r.Pattern, r.Rule)
			continue
		}
		if only, ok := onlyFor[r.Pattern]; ok {
			roles = only
		}
		base := srv.URL
		if onFreshInstallation[r.Pattern] {
			base = fresh.URL
			roles = []string{anonymous}
		}
		for _, role := range roles {
			visits[role] = append(visits[role], visit{base + page(f), http.StatusOK})
		}
	}
	routes := map[string]bool{}
	for _, r := range app.Routes() {
		routes[r.Pattern] = true
	}
	for pattern := range sweepPages {
		if !routes[pattern] {
			t.Errorf("sweepPages names %q, which is not a route", pattern)
		}
	}
	for pattern := range notPages {
		if !routes[pattern] {
			t.Errorf("notPages names %q, which is not a route", pattern)
		}
	}
	// Pages met when something goes wrong.
	visits[anonymous] = append(visits[anonymous], visit{srv.URL + "/no-such-page", http.StatusNotFound})
	visits[participant] = append(visits[participant], visit{srv.URL + "/admin", http.StatusForbidden})

	report := &sweepReport{}
	shots := artifactsDir(t, "screenshots")
	browserCtx := startSweepBrowser(t)
	// The tabs are opened one by one: Chromium is slow to make browser
	// contexts side by side.
	tabs := map[string]context.Context{}
	for _, role := range sweepRoles {
		tabs[role] = newRoleTab(t, browserCtx, srv.URL, f.sessions[role])
	}
	t.Run("roles", func(t *testing.T) {
		for _, role := range sweepRoles {
			t.Run(role, func(t *testing.T) {
				t.Parallel()
				tab := tabs[role]
				for _, v := range visits[role] {
					sweepPage(t, tab, src, role, v.url, v.status, report)
				}
				for _, fs := range formStates {
					if fs.role != role {
						continue
					}
					sweepFormErrors(t, tab, src, role, srv.URL+fs.path(f), fs.submit, report)
				}
				for _, sp := range screenshotPages {
					if sp.role == role {
						screenshot(t, tab, src, role, srv.URL+sweepPages[sp.pattern](f), filepath.Join(shots, sp.name), report)
					}
				}
			})
		}
	})
	writeSweepReport(t, report)
	if n := len(report.Pages); n < 150 {
		t.Errorf("the sweep visited %d pages, fewer than the routes and roles make: is a role's walk cut short?", n)
	}
}

// checkNotAPage fetches a route said not to be a page, as an organiser, and
// fails unless it answers 200 with something other than HTML.
func checkNotAPage(t *testing.T, url, session, what string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.AddCookie(&http.Cookie{Name: "groundswell_session", Value: session})
	resp, err := http.DefaultTransport.RoundTrip(req) // no redirects followed
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET %s answers %d as an organiser, want 200 (%s)", url, resp.StatusCode, what)
	}
	if ct := resp.Header.Get("Content-Type"); strings.HasPrefix(ct, "text/html") {
		t.Errorf("GET %s answers %d with %s, but the sweep lists it as not a page (%s): sweep it", url, resp.StatusCode, ct, what)
	}
}

// freshInstallation serves the web UI on an empty database, as on the day
// it is installed.
func freshInstallation(t *testing.T, logger *slog.Logger) *httptest.Server {
	t.Helper()
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "fresh.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	app, err := web.New(web.Options{Store: st, Logger: logger, PasswordCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app)
	t.Cleanup(srv.Close)
	return srv
}

// startSweepBrowser starts one headless Chromium for the whole sweep; each
// role gets its own browser context in it (its own cookies), so the roles
// are swept side by side.
func startSweepBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := chromiumOptions(t, chromiumPath(t),
		// Screenshots must not depend on the machine's settings.
		chromedp.Flag("force-device-scale-factor", "1"),
		chromedp.Flag("hide-scrollbars", true),
	)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancel()
	})
	if err := chromedp.Do(browserCtx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return browserCtx
}

// newRoleTab opens a tab in a browser context of its own, signed in with
// session when it is not empty.
func newRoleTab(t *testing.T, browserCtx context.Context, base, session string) context.Context {
	t.Helper()
	tab, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(tab, chromedp.EmulateViewport(reflowWidth, 640)); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	if session != "" {
		setCookie := func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := cdp.Call(ctx, tg, network.SetCookie, network.SetCookieParams{
				Name: "groundswell_session", Value: session, URL: base, Path: "/"})
			return chromedp.Void{}, err
		}
		err := chromedp.Do(tab, setCookie)
		if err != nil {
			t.Fatalf("set the session cookie: %v", err)
		}
	}
	return tab
}

// visit is an address the sweep opens and the status it must answer with.
type visit struct {
	url    string
	status int64
}

// stepTimeout bounds each page's visit: a step that waits for an element
// that never comes must fail, not hang the sweep.
const stepTimeout = 45 * time.Second

// sweepPage opens url and runs axe-core on it.
func sweepPage(t *testing.T, tab context.Context, src, role, url string, want int64, report *sweepReport) {
	t.Helper()
	tab, cancel := context.WithTimeout(tab, stepTimeout)
	defer cancel()
	resp, err := chromedp.Run(tab, chromedp.NavigateResponse(url))
	if err != nil {
		t.Errorf("as %s, open %s: %v", role, url, err)
		return
	}
	status, ok := landedOn(t, resp, role, url, want)
	if !ok {
		return
	}
	checkAxe(t, tab, src, role, url, status, report)
	checkReflow(t, tab, role, url)
	checkFocusVisible(t, tab, role, url)
}

// focusEveryStop focuses, one by one, every element of the page that Tab
// stops at, and describes each whose focus does not show (focusJS, the
// keyboard journeys' check: the NHS.UK focus yellow, not there unfocused,
// on screen, not inside aria-hidden content). The journeys press Tab
// through four pages; this reaches every element of every page.
var focusEveryStop = `(() => {
  const probe = ` + focusJS + `;
  probe("snapshot", "*");
  const stops = Array.from(document.querySelectorAll("a[href], button, input, select, textarea, summary, [tabindex]"))
    .filter(e => e.tabIndex >= 0 && !e.disabled && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden");
  const problems = [];
  let focused = 0;
  for (const el of stops) {
    el.focus();
    if (document.activeElement !== el) continue;
    focused++;
    const stop = probe("probe", "*");
    if (stop.problem && problems.length < 10) problems.push(stop.element + ": " + stop.problem);
  }
  document.activeElement && document.activeElement.blur();
  return {focused, problems};
})()`

// checkFocusVisible fails for each element of the page whose focus a
// sighted keyboard user could not see (WCAG 2.4.7).
func checkFocusVisible(t *testing.T, tab context.Context, role, url string) {
	t.Helper()
	type result struct {
		Focused  int      `json:"focused"`
		Problems []string `json:"problems"`
	}
	r, err := chromedp.Run(tab, chromedp.Evaluate[result](focusEveryStop))
	if err != nil {
		t.Errorf("as %s, focus the elements of %s: %v", role, url, err)
		return
	}
	for _, p := range r.Problems {
		t.Errorf("as %s, %s: focus is not visible on %s", role, url, p)
	}
}

// landedOn checks that the browser shows the page asked for: that url
// answered with status want, itself and not by a redirect. A page that
// should be seen but answers with an error, or sends the browser to sign
// in (as a session that is not set or has expired would), would have the
// sweep check that page in its place, and pass.
func landedOn(t *testing.T, resp *network.Response, role, url string, want int64) (int64, bool) {
	t.Helper()
	if resp == nil {
		t.Errorf("as %s, %s: no response", role, url)
		return 0, false
	}
	if resp.URL != url {
		t.Errorf("as %s, %s led to %s (%d): the sweep would check the wrong page", role, url, resp.URL, resp.Status)
		return resp.Status, false
	}
	if resp.Status != want {
		t.Errorf("as %s, %s answered %d, want %d: the sweep would check the wrong page", role, url, resp.Status, want)
		return resp.Status, false
	}
	return resp.Status, true
}

// reflowWidth is WCAG 1.4.10's width: content must reflow to 320 CSS pixels
// (a 1280 pixel window zoomed to 400%) without scrolling sideways. Data
// tables may scroll inside their own container; the page may not.
const reflowWidth = 320

// overflowing finds what makes the page wider than the window: the
// deepest elements whose hiding brings the page back within it. (Asking
// each element for its box misses text that overflows its own box, such as
// a long address in a paragraph.)
const overflowing = `(() => {
  const wide = () => document.documentElement.scrollWidth > document.documentElement.clientWidth;
  const culprits = [];
  const walk = (root) => {
    let found = false;
    for (const c of Array.from(root.children)) {
      const display = c.style.display;
      c.style.display = 'none';
      const fixes = !wide();
      c.style.display = display;
      if (!fixes) continue;
      found = true;
      if (!walk(c) && culprits.length < 8) {
        const text = (c.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 60);
        culprits.push(c.tagName.toLowerCase() + (c.id ? '#' + c.id : '') + (typeof c.className === 'string' && c.className ? '.' + c.className.trim().split(/\s+/).join('.') : '') + (text ? ' "' + text + '"' : ''));
      }
    }
    return found;
  };
  const scrollWidth = document.documentElement.scrollWidth, width = document.documentElement.clientWidth;
  if (scrollWidth > width) walk(document.body);
  return {scrollWidth, width, culprits};
})()`

// checkReflow fails when the page, as shown at reflowWidth, scrolls
// sideways, naming the elements that stick out.
func checkReflow(t *testing.T, tab context.Context, role, url string) {
	t.Helper()
	type result struct {
		ScrollWidth int      `json:"scrollWidth"`
		Width       int      `json:"width"`
		Culprits    []string `json:"culprits"`
	}
	r, err := chromedp.Run(tab, chromedp.Evaluate[result](overflowing))
	if err != nil {
		t.Errorf("as %s, measure %s: %v", role, url, err)
		return
	}
	if r.ScrollWidth > r.Width {
		t.Errorf("as %s, %s scrolls sideways at %d pixels wide (WCAG 1.4.10 reflow): the page is %d pixels wide; sticking out: %s",
			role, url, r.Width, r.ScrollWidth, strings.Join(r.Culprits, "; "))
	}
}

// sweepFormErrors submits the form at url empty and sweeps the page that
// answers: the form again, with its error summary.
func sweepFormErrors(t *testing.T, tab context.Context, src, role, url, submit string, report *sweepReport) {
	t.Helper()
	tab, cancel := context.WithTimeout(tab, stepTimeout)
	defer cancel()
	if _, err := chromedp.Run(tab, chromedp.NavigateResponse(url)); err != nil {
		t.Errorf("as %s, open %s: %v", role, url, err)
		return
	}
	resp, err := chromedp.RunResponse(tab, chromedp.Click(button(submit), chromedp.NodeVisible))
	if err != nil {
		t.Errorf("as %s, submit the form at %s empty (button %q): %v", role, url, submit, err)
		return
	}
	if resp == nil || resp.Status < 400 || resp.Status >= 500 {
		t.Errorf("as %s, the form at %s submitted empty did not answer with its errors: %v", role, url, resp)
		return
	}
	n, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.querySelectorAll('.nhsuk-error-summary a').length`))
	if err != nil || n == 0 {
		t.Errorf("as %s, the form at %s submitted empty shows no error summary with links to the fields (%v)", role, url, err)
	}
	checkAxe(t, tab, src, role, url+" (submitted empty)", resp.Status, report)
}

// checkAxe injects axe-core into the page the tab shows, runs it and fails
// the test on each violation it finds, unless accepted.
func checkAxe(t *testing.T, tab context.Context, src, role, what string, status int64, report *sweepReport) {
	t.Helper()
	// Evaluated from the DevTools protocol, axe-core is not a script of the
	// page: the Content-Security-Policy (script-src 'self') does not apply.
	err := chromedp.Do(tab, chromedp.Evaluate[chromedp.Void](src))
	var violations []axeResult
	if err == nil {
		violations, err = chromedp.Run(tab, chromedp.Evaluate[[]axeResult](axeRun, chromedp.EvalAwaitPromise))
	}
	if err != nil {
		t.Errorf("as %s, run axe-core on %s: %v", role, what, err)
		return
	}
	report.add(sweptPage{Role: role, Path: what, Status: status, Violations: violations})
	for _, v := range violations {
		if v.accepted() {
			continue
		}
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprintf("    %s: %s\n      %s", n.Target, n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n      ")))
		}
		t.Errorf("as %s, %s: %s violation %s (%d elements): %s\n  %s\n%s", role, what, v.Impact, v.ID, v.Count, v.Help, v.HelpURL, strings.Join(where, "\n"))
	}
}

// screenshot saves the page at url at each viewport's width, the whole
// length of the page, as PNG files named base-phone.png and
// base-desktop.png. The sweep runs axe-core at the reflow width; here it
// runs again at each of these widths, where the layout differs (the
// header's links, columns side by side).
func screenshot(t *testing.T, tab context.Context, src, role, url, base string, report *sweepReport) {
	t.Helper()
	tab, cancel := context.WithTimeout(tab, stepTimeout)
	defer cancel()
	for _, vp := range viewports {
		err := chromedp.Do(tab, chromedp.EmulateViewport(vp.width, vp.height))
		var resp *network.Response
		if err == nil {
			resp, err = chromedp.Run(tab, chromedp.NavigateResponse(url))
		}
		if err != nil {
			t.Errorf("open %s at %s width: %v", url, vp.name, err)
			continue
		}
		if _, ok := landedOn(t, resp, role, url, http.StatusOK); !ok {
			continue
		}
		checkAxe(t, tab, src, role, url+" ("+vp.name+" width)", resp.Status, report)
		png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
		if err != nil {
			t.Errorf("screenshot %s at %s width: %v", url, vp.name, err)
			continue
		}
		if err := os.WriteFile(base+"-"+vp.name+".png", png, 0o644); err != nil {
			t.Errorf("save the screenshot: %v", err)
		}
	}
	if err := chromedp.Do(tab, chromedp.EmulateViewport(reflowWidth, 640)); err != nil {
		t.Errorf("restore the viewport: %v", err)
	}
}

// writeSweepReport saves every page's violations, the accepted exception
// included, as JSON in the artefacts folder.
func writeSweepReport(t *testing.T, r *sweepReport) {
	t.Helper()
	slices.SortFunc(r.Pages, func(a, b sweptPage) int {
		if c := strings.Compare(a.Role, b.Role); c != 0 {
			return c
		}
		return strings.Compare(a.Path, b.Path)
	})
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(artifactsDir(t, ""), "axe-report.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Errorf("save the report: %v", err)
	}
	accepted := 0
	for _, p := range r.Pages {
		for _, v := range p.Violations {
			if v.accepted() {
				accepted++
			}
		}
	}
	t.Logf("swept %d pages; report in %s; the accepted exception (aria-expanded on radios that reveal a question) met on %d", len(r.Pages), path, accepted)
}

// newSweepFixture picks one of everything from the demo's live campaign and
// makes a person in each role, each with a session.
func newSweepFixture(t *testing.T, st *store.Store) *sweepFixture {
	t.Helper()
	ctx := t.Context()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	f := &sweepFixture{sessions: map[string]string{}, users: map[string]int64{}}
	var err error
	f.campaign, err = st.CampaignBySlug(ctx, rightCare)
	must(err)
	groups, err := st.Groups(ctx, f.campaign.ID)
	must(err)
	for _, g := range groups {
		actions, err := st.Actions(ctx, g.Group.ID, false)
		must(err)
		if len(actions) > 0 && f.group.ID == 0 {
			f.group, f.action = g.Group, actions[0].Action
		}
	}
	if f.group.ID == 0 {
		t.Fatal("the demo's live campaign has no group with an action")
	}
	f.measured, err = st.CampaignBySlug(ctx, demo.CampaignSlug)
	must(err)
	inds, err := st.Indicators(ctx, f.measured.ID)
	must(err)
	if len(inds) == 0 {
		t.Fatalf("the demo's campaign %s has no indicator", demo.CampaignSlug)
	}
	f.indicator = inds[0]
	ms, err := st.Milestones(ctx, f.campaign.ID)
	must(err)
	if len(ms) == 0 {
		t.Fatal("the demo's live campaign has no milestone")
	}
	f.milestone = ms[0]
	areas, err := st.Areas(ctx)
	must(err)
	f.area = areas[0]
	alliance, err := st.Alliance(ctx, f.campaign.ID)
	must(err)
	if len(alliance) == 0 {
		t.Fatal("the demo's live campaign has no alliance")
	}
	f.org = alliance[0].Organisation
	f.planItem = gs.AllianceCommitment{CampaignID: f.campaign.ID, OrganisationID: f.org.ID,
		Title: "Review every resident's medicines with their GP", DueOn: gs.MustDate("2027-03-31")}
	must(st.CreateAllianceCommitment(ctx, &f.planItem))
	wh := gs.Webhook{CampaignID: f.campaign.ID, URL: "https://crm.example.org/hooks/groundswell",
		Description: "The programme's CRM", Events: gs.WebhookEvents}
	_, err = st.CreateWebhook(ctx, &wh)
	must(err)
	f.webhook = wh.ID

	// The participant: a confirmed pledge, reported done.
	pledge := func(email, name string) gs.PledgeResult {
		t.Helper()
		res, err := st.Pledge(ctx, gs.PledgeInput{ActionID: f.action.ID, CampaignSlug: f.campaign.Slug,
			Name: name, Email: email, Profession: "Care home manager", AreaID: f.area.ID, ContactOK: true, ShowOnWall: true,
			WhyItMatters: "My mum lived with dementia."})
		must(err)
		return res
	}
	f.own = pledge("pat.participant@example.org", "Pat Participant")
	f.referralCode = f.own.Person.ReferralCode
	tok, err := st.IssueToken(ctx, gs.TokenConfirm, f.own.Commitment.ID, "pat.participant@example.org", time.Hour)
	must(err)
	_, err = st.ConfirmPledge(ctx, tok)
	must(err)
	links, err := st.IssueLinks(ctx, f.own.Commitment.ID, "pat.participant@example.org", time.Hour, gs.TokenReportDone, gs.TokenUnsubscribe)
	must(err)
	f.thanksToken, f.unsubscribe = links[0], links[1]
	_, err = st.AnswerReportLink(ctx, f.thanksToken, gs.OutcomeReport{Outcome: gs.OutcomeDone})
	must(err)

	// Someone else's pledge, not yet confirmed: its confirmation and report
	// pages.
	other := pledge("sam.second@example.org", "Sam Second")
	f.confirmToken, err = st.IssueToken(ctx, gs.TokenConfirm, other.Commitment.ID, "sam.second@example.org", time.Hour)
	must(err)
	links, err = st.IssueLinks(ctx, other.Commitment.ID, "sam.second@example.org", time.Hour, gs.TokenReportDone)
	must(err)
	f.reportToken = links[0]

	user, err := st.SignInUser(ctx, "pat.participant@example.org")
	must(err)
	f.users[participant] = user.ID
	lead, err := st.AppointLead(ctx, gs.AppointLeadInput{GroupID: f.group.ID, Email: "lee.lead@example.org", Name: "Lee Lead"})
	must(err)
	f.users[groupLead] = lead.ID
	rep, err := st.AppointRep(ctx, gs.AppointRepInput{OrganisationID: f.org.ID, Email: "rita.rep@example.org", Name: "Rita Rep"})
	must(err)
	f.users[orgRep] = rep.ID
	org := gs.User{Email: "olu.organiser@example.org", Name: "Olu Organiser", Role: gs.RoleOrganiser, PasswordHash: "x"}
	must(st.CreateUser(ctx, &org))
	f.users[organiser] = org.ID
	for role, uid := range f.users {
		f.sessions[role], err = st.CreateSession(ctx, uid, time.Hour)
		must(err)
	}
	f.signInToken, err = st.IssueSignInToken(ctx, lead.ID, time.Hour)
	must(err)
	f.digestToken, err = st.IssueDigestUnsubscribe(ctx, lead.ID)
	must(err)
	return f
}
