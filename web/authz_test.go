package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
)

// routeRules is who may use each route. A route added to the router but not
// here fails TestRouteAccess: every new route must say who may use it.
var routeRules = map[string]string{
	"GET /static/":                         "anyone",
	"GET /healthz":                         "anyone",
	"GET /api/docs":                        "anyone",
	"GET /{$}":                             "anyone",
	"GET /campaigns/{slug}":                "anyone",
	"GET /campaigns/{slug}/groups/{group}": "anyone",
	"GET /campaigns/{slug}/indicators/{indicator}":           "anyone",
	"GET /campaigns/{slug}/dashboard":                        "anyone",
	"GET /campaigns/{slug}/dashboard.csv":                    "anyone",
	"GET /campaigns/{slug}/network":                          "anyone",
	"GET /campaigns/{slug}/areas":                            "anyone",
	"GET /campaigns/{slug}/dashboard/{chart}":                "anyone",
	"GET /campaigns/{slug}/indicators/{indicator}/chart.png": "anyone",
	"GET /campaigns/{slug}/join/{code}":                      "anyone",
	"GET /campaigns/{slug}/actions/{action}/pledge":          "anyone",
	"POST /campaigns/{slug}/actions/{action}/pledge":         "anyone",
	"GET /pledges/{receipt}":                                 "anyone",
	"GET /confirm/{token}":                                   "anyone",
	"POST /confirm/{token}":                                  "anyone",
	"GET /report/{token}":                                    "anyone",
	"POST /report/{token}":                                   "anyone",
	"GET /report/{token}/thanks":                             "anyone",
	"GET /unsubscribe/{token}":                               "anyone",
	"POST /unsubscribe/{token}":                              "anyone",
	"POST /report/{token}/story":                             "anyone",
	"GET /certificate/{receipt}":                             "anyone",
	"GET /me/commitments/{id}":                               "signed in",
	"GET /me/commitments/{id}/story":                         "signed in",
	"POST /me/commitments/{id}/story":                        "signed in",
	"GET /signin":                                            "anyone",
	"POST /signin":                                           "anyone",
	"GET /signin/email":                                      "anyone",
	"POST /signin/email":                                     "anyone",
	"GET /signin/link/{token}":                               "anyone",
	"POST /signin/link/{token}":                              "anyone",
	"POST /signout":                                          "anyone",
	"GET /setup":                                             "anyone",
	"POST /setup":                                            "anyone",
	"GET /me":                                                "signed in",
	"GET /privacy":                                           "anyone",
	"GET /me/data":                                           "signed in",
	"GET /me/data.json":                                      "signed in",
	"GET /me/erase":                                          "signed in",
	"POST /me/erase":                                         "signed in",
	"GET /admin/privacy":                                     "organiser",
	"POST /admin/privacy/person":                             "organiser",
	"POST /admin/privacy/person.json":                        "organiser",
	"POST /admin/privacy/erase":                              "organiser",
	"POST /me/commitments/{id}":                              "signed in",
	"GET /lead/groups/{id}":                                  "lead of the group",
	"GET /admin/groups/{id}/edit":                            "lead of the group",
	"POST /admin/groups/{id}/edit":                           "lead of the group",
	"GET /admin/groups/{id}/actions/new":                     "lead of the group",
	"POST /admin/groups/{id}/actions/new":                    "lead of the group",
	"GET /admin/groups/{id}/leads/new":                       "lead of the group",
	"POST /admin/groups/{id}/leads/new":                      "lead of the group",
	"GET /admin/actions/{id}/edit":                           "lead of the action's group",
	"POST /admin/actions/{id}/edit":                          "lead of the action's group",
	"GET /lead/groups/{id}/message":                          "lead of the group",
	"POST /lead/groups/{id}/message":                         "lead of the group",
	"POST /lead/groups/{id}/digest":                          "lead of the group",
	"GET /digest/unsubscribe/{token}":                        "anyone",
	"POST /digest/unsubscribe/{token}":                       "anyone",
	"GET /org/{id}":                                          "rep of the organisation",
	"GET /org/{id}/campaigns/{campaign}/commitments/new":     "rep of the organisation",
	"POST /org/{id}/campaigns/{campaign}/commitments/new":    "rep of the organisation",
	"GET /org/{id}/commitments/{item}/edit":                  "rep of the organisation",
	"POST /org/{id}/commitments/{item}/edit":                 "rep of the organisation",
	"GET /org/{id}/reps/new":                                 "rep of the organisation",
	"POST /org/{id}/reps/new":                                "rep of the organisation",
	"GET /admin":                                             "organiser",
	"GET /admin/campaigns/new":                               "organiser",
	"POST /admin/campaigns/new":                              "organiser",
	"GET /admin/campaigns/{id}":                              "organiser",
	"GET /admin/campaigns/{id}/edit":                         "organiser",
	"POST /admin/campaigns/{id}/edit":                        "organiser",
	"GET /admin/campaigns/{id}/groups/new":                   "organiser",
	"POST /admin/campaigns/{id}/groups/new":                  "organiser",
	"GET /admin/campaigns/{id}/milestones/new":               "organiser",
	"POST /admin/campaigns/{id}/milestones/new":              "organiser",
	"GET /admin/milestones/{id}/edit":                        "organiser",
	"POST /admin/milestones/{id}/edit":                       "organiser",
	"POST /admin/milestones/{id}/delete":                     "organiser",
	"GET /admin/campaigns/{id}/alliance/new":                 "organiser",
	"POST /admin/campaigns/{id}/alliance/new":                "organiser",
	"POST /admin/campaigns/{id}/alliance/{org}/remove":       "organiser",
	"GET /admin/observations/import":                         "organiser",
	"POST /admin/observations/import":                        "organiser",
	"GET /admin/outbox":                                      "organiser",
	"GET /admin/campaigns/{id}/export/{file}":                "organiser",
	"GET /admin/campaigns/{id}/import":                       "organiser",
	"POST /admin/campaigns/{id}/import":                      "organiser",
	"GET /admin/campaigns/{id}/tokens":                       "organiser",
	"POST /admin/campaigns/{id}/tokens/new":                  "organiser",
	"POST /admin/campaigns/{id}/tokens/{token}/revoke":       "organiser",
	"GET /admin/campaigns/{id}/envelope/new":                 "organiser",
	"POST /admin/campaigns/{id}/envelope/new":                "organiser",
	"POST /admin/campaigns/{id}/envelope/{entry}/delete":     "organiser",
	"GET /admin/campaigns/{id}/indicators/new":               "organiser",
	"POST /admin/campaigns/{id}/indicators/new":              "organiser",
	"GET /admin/indicators/{id}/edit":                        "organiser",
	"POST /admin/indicators/{id}/edit":                       "organiser",
	"GET /admin/areas":                                       "organiser",
	"GET /admin/areas/new":                                   "organiser",
	"POST /admin/areas/new":                                  "organiser",
	"GET /admin/areas/{id}/edit":                             "organiser",
	"POST /admin/areas/{id}/edit":                            "organiser",
	"GET /admin/organisations":                               "organiser",
	"GET /admin/organisations/new":                           "organiser",
	"POST /admin/organisations/new":                          "organiser",
	"GET /admin/organisations/{id}/edit":                     "organiser",
	"POST /admin/organisations/{id}/edit":                    "organiser",

	// Webhooks: a campaign's endpoints, their deliveries, and replay.
	"GET /admin/campaigns/{id}/webhooks":                               "organiser",
	"POST /admin/campaigns/{id}/webhooks/new":                          "organiser",
	"GET /admin/campaigns/{id}/webhooks/{webhook}":                     "organiser",
	"POST /admin/campaigns/{id}/webhooks/{webhook}/disable":            "organiser",
	"POST /admin/campaigns/{id}/webhooks/{webhook}/enable":             "organiser",
	"POST /admin/campaigns/{id}/webhooks/{webhook}/rotate":             "organiser",
	"POST /admin/campaigns/{id}/webhooks/{webhook}/delete":             "organiser",
	"POST /admin/campaigns/{id}/webhooks/deliveries/{delivery}/replay": "organiser",

	// The audit log.
	"GET /admin/campaigns/{id}/audit": "organiser",
	"GET /admin/audit":                "organiser",

	// The indicator chart as JSON.
	"GET /campaigns/{slug}/indicators/{indicator}/spc.json": "anyone",
}

// allowedRoles is, for each rule, the roles it lets through.
var allowedRoles = map[string][]string{
	"anyone":                     {"anonymous", "participant", "lead", "other lead", "rep", "other rep", "organiser"},
	"signed in":                  {"participant", "lead", "other lead", "rep", "other rep", "organiser"},
	"lead of the group":          {"lead", "organiser"},
	"lead of the action's group": {"lead", "organiser"},
	"rep of the organisation":    {"rep", "organiser"},
	"organiser":                  {"organiser"},
}

// roles is the cast TestRouteAccess walks every route as.
var roles = []string{"anonymous", "participant", "lead", "other lead", "rep", "other rep", "organiser"}

// TestRouteAccess walks every route as every role: anonymous, a participant,
// the fixture group's lead, the lead of another group, the fixture
// organisation's representative, the representative of another
// organisation, and an organiser.
// Authorisation is decided on the server, so each forbidden request must be
// refused there, not merely have no button leading to it.
func TestRouteAccess(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	f := h.f

	// The cast.
	res, err := h.st.Pledge(ctx, f.Pledge("pat@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	participant, err := h.st.SignInUser(ctx, "pat@example.org")
	if err != nil {
		t.Fatal(err)
	}
	lead, err := h.st.AppointLead(ctx, gs.AppointLeadInput{GroupID: f.Group.ID, Email: "lee@example.org", Name: "Lee Lead"})
	if err != nil {
		t.Fatal(err)
	}
	other := gs.Group{CampaignID: f.Campaign.ID, Name: "Carers", Goal: "Ask every time."}
	if err := h.st.CreateGroup(ctx, &other); err != nil {
		t.Fatal(err)
	}
	otherLead, err := h.st.AppointLead(ctx, gs.AppointLeadInput{GroupID: other.ID, Email: "olive@example.org", Name: "Olive Other"})
	if err != nil {
		t.Fatal(err)
	}
	organiser := gs.User{Email: "org@example.org", Name: "Org", Role: gs.RoleOrganiser, PasswordHash: "x"}
	if err := h.st.CreateUser(ctx, &organiser); err != nil {
		t.Fatal(err)
	}
	m := gs.Milestone{CampaignID: f.Campaign.ID, Title: "Launch", On: gs.MustDate("2026-01-01")}
	if err := h.st.CreateMilestone(ctx, &m); err != nil {
		t.Fatal(err)
	}
	rep, err := h.st.AppointRep(ctx, gs.AppointRepInput{OrganisationID: f.Org.ID, Email: "rita@example.org", Name: "Rita Rep"})
	if err != nil {
		t.Fatal(err)
	}
	otherOrg := gs.Organisation{Name: "Hilltop Care", Sector: "Care home"}
	if err := h.st.CreateOrganisation(ctx, &otherOrg); err != nil {
		t.Fatal(err)
	}
	otherRep, err := h.st.AppointRep(ctx, gs.AppointRepInput{OrganisationID: otherOrg.ID, Email: "oscar@example.org", Name: "Oscar Other"})
	if err != nil {
		t.Fatal(err)
	}
	item := gs.AllianceCommitment{CampaignID: f.Campaign.ID, OrganisationID: f.Org.ID, Title: "Audit prescribing", DueOn: gs.MustDate("2027-01-31")}
	if err := h.st.CreateAllianceCommitment(ctx, &item); err != nil {
		t.Fatal(err)
	}
	users := map[string]int64{"participant": participant.ID, "lead": lead.ID, "other lead": otherLead.ID,
		"rep": rep.ID, "other rep": otherRep.ID, "organiser": organiser.ID}

	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	concrete := func(pattern string) (method, path string) {
		method, path, _ = strings.Cut(pattern, " ")
		idFor := map[string]string{
			"/admin/groups/": id(f.Group.ID), "/lead/groups/": id(f.Group.ID), "/admin/actions/": id(f.Actions[0].ID),
			"/admin/campaigns/": id(f.Campaign.ID), "/admin/milestones/": id(m.ID), "/admin/organisations/": id(f.Org.ID),
			"/me/commitments/": id(res.Commitment.ID), "/org/": id(f.Org.ID),
		}
		for prefix, v := range idFor {
			if strings.HasPrefix(path, prefix+"{id}") {
				path = strings.Replace(path, "{id}", v, 1)
			}
		}
		path = strings.NewReplacer("{slug}", f.Campaign.Slug, "{group}", f.Group.Slug, "{action}", id(f.Actions[0].ID),
			"{indicator}", "none", "{code}", res.Person.ReferralCode, "{receipt}", res.Commitment.ReceiptToken,
			"{token}", "not-a-token", "{org}", id(f.Org.ID), "{campaign}", id(f.Campaign.ID), "{item}", id(item.ID),
			"{$}", "").Replace(path)
		if path == "/static/" {
			path = "/static/app.css"
		}
		return method, path
	}

	routes := h.server.Routes()
	seen := map[string]bool{}
	for _, r := range routes {
		pattern, rule := r.Pattern, r.Rule
		seen[pattern] = true
		want, ok := routeRules[pattern]
		if !ok {
			t.Errorf("route %q has no entry in routeRules: say who may use it", pattern)
			continue
		}
		if want != rule {
			t.Errorf("route %q is guarded by %q, want %q", pattern, rule, want)
			continue
		}
		method, path := concrete(pattern)
		for _, role := range roles {
			c := newClient()
			if uid, ok := users[role]; ok {
				token, err := h.st.CreateSession(ctx, uid, time.Hour)
				if err != nil {
					t.Fatal(err)
				}
				u, _ := url.Parse(h.srv.URL)
				c.Jar.SetCookies(u, []*http.Cookie{{Name: "groundswell_session", Value: token}})
			}
			var form url.Values
			if method == "POST" {
				form = url.Values{}
			}
			got := h.do(c, method, path, form)
			refused := got.status == http.StatusForbidden || got.status == http.StatusUnauthorized ||
				(got.status == http.StatusSeeOther && strings.HasPrefix(got.location, "/signin?"))
			allowed := contains(allowedRoles[rule], role)
			switch {
			case allowed && refused:
				t.Errorf("%s %s as %s: refused (%d to %q), want allowed", method, path, role, got.status, got.location)
			case !allowed && !refused:
				t.Errorf("%s %s as %s: %d, want refused", method, path, role, got.status)
			}
		}
	}
	for pattern := range routeRules {
		if !seen[pattern] {
			t.Errorf("routeRules names %q, which is not a route", pattern)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
