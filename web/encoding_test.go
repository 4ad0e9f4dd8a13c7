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
	"github.com/groundswell-health/groundswell/store/storetest"
)

// hostile is what a hostile participant or a compromised account might
// type into any field shown to others: a script, an attribute break-out and
// an HTML element. It passes validation (it has no control characters), so
// it is stored, and must then be shown as text everywhere.
const hostile = `<script>alert("gs")</script>"'><img src=x onerror=alert(1)>`

// live are the forms of hostile that would run in a browser.
var live = []string{`<script>alert("gs")`, `<img src=x onerror`, `onerror=alert(1)>`}

// TestUserTextIsInertOnEveryPage stores hostile text in every text field
// that pages show — campaign, group, action, milestone, indicator,
// organisation, area, envelope, alliance plan, a pledge's name, role,
// organisation and story, leads' and representatives' names — then visits
// every GET route as an organiser (and the public pages anonymously), and
// checks no page carries it live. New routes are visited automatically.
func TestUserTextIsInertOnEveryPage(t *testing.T) {
	h := newHarness(t)
	shown := 0
	h.everyPage(func(label string) string { return label + " " + hostile }, func(path string, got response) {
		for _, l := range live {
			if strings.Contains(got.body, l) {
				t.Errorf("GET %s (%d) carries %q live", path, got.status, l)
			}
		}
		if strings.Contains(got.body, "&lt;script&gt;alert(") {
			shown++
		}
	})
	if shown < 10 {
		t.Errorf("the hostile text was shown, escaped, on only %d pages: the test is not reaching the fields", shown)
	}
}

// everyPage stores text(label) in every text field that pages show —
// campaign, group, action, milestone, indicator, organisation, area,
// envelope, alliance plan, a pledge's name, role, organisation and story,
// leads' and representatives' names — then visits every GET route as an
// organiser and anonymously, filling its path from what it stored, and
// calls visit with each page that answers with HTML. New routes are visited
// automatically.
func (h *harness) everyPage(text func(label string) string, visit func(path string, got response)) {
	t := h.t
	t.Helper()
	ctx := context.Background()
	f := h.f
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	p := text

	c := f.Campaign
	c.Title, c.Purpose, c.Story = p("Title"), p("Purpose"), p("Story")
	must(h.st.UpdateCampaign(ctx, &c))
	g := f.Group
	g.Name, g.Description, g.Goal = p("Group"), p("Description"), p("Goal")
	must(h.st.UpdateGroup(ctx, &g))
	a := f.Actions[0]
	a.Title, a.Description = p("Action"), p("Action description")
	must(h.st.UpdateAction(ctx, &a))
	m := gs.Milestone{CampaignID: c.ID, Title: p("Milestone"), On: gs.MustDate("2026-03-01"), Description: p("Milestone description")}
	must(h.st.CreateMilestone(ctx, &m))
	ind := gs.Indicator{CampaignID: c.ID, Name: p("Indicator"), Slug: "hostile", Unit: "%", Direction: "down",
		Definition: p("Definition"), Source: p("Source"), Caveats: p("Caveats")}
	must(h.st.CreateIndicator(ctx, &ind))
	o := f.Org
	o.Name = p("Organisation")
	must(h.st.UpdateOrganisation(ctx, &o))
	must(h.st.JoinAlliance(ctx, gs.AllianceMember{Organisation: o, CampaignID: c.ID, ActionPlan: p("Plan")}))
	area := gs.Area{Code: "E99000001", Name: p("Area"), Kind: "area", Population: 1000}
	must(h.st.CreateArea(ctx, &area))
	must(h.st.CreateEnvelopeEntry(ctx, &gs.EnvelopeEntry{CampaignID: c.ID, On: gs.MustDate("2026-02-01"), Kind: gs.EnvelopeAllocated,
		Unit: gs.UnitGBP, Amount: 1000, Note: p("Note")}))
	item := gs.AllianceCommitment{CampaignID: c.ID, OrganisationID: o.ID, Title: p("Plan item"), DueOn: gs.MustDate("2027-01-31")}
	must(h.st.CreateAllianceCommitment(ctx, &item))

	in := f.Pledge("hostile@example.org")
	in.Name, in.Profession, in.OrganisationName, in.WhyItMatters = p("Name"), p("Role"), p("Employer"), p("Why")
	in.AreaID = area.ID
	res, err := h.st.Pledge(ctx, in)
	must(err)
	storetest.Confirm(t, h.st, res.Commitment.ID)
	must(h.st.ReportOwn(ctx, "hostile@example.org", res.Commitment.ID, gs.OutcomeReport{Outcome: gs.OutcomeDone}))
	must(h.st.SaveOwnStory(ctx, "hostile@example.org", res.Commitment.ID, gs.StoryInput{Text: p("Story"), Public: true}))
	_, err = h.st.AppointLead(ctx, gs.AppointLeadInput{GroupID: g.ID, Email: "lead@example.org", Name: p("Lead")})
	must(err)
	_, err = h.st.AppointRep(ctx, gs.AppointRepInput{OrganisationID: o.ID, Email: "rep@example.org", Name: p("Rep")})
	must(err)

	organiser := gs.User{Email: "org@example.org", Name: "Org", Role: gs.RoleOrganiser, PasswordHash: "x"}
	must(h.st.CreateUser(ctx, &organiser))
	session, err := h.st.CreateSession(ctx, organiser.ID, time.Hour)
	must(err)
	signedIn := newClient()
	base, _ := url.Parse(h.srv.URL)
	signedIn.Jar.SetCookies(base, []*http.Cookie{{Name: "groundswell_session", Value: session}})

	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	fill := func(path string) string {
		for prefix, v := range map[string]string{
			"/admin/groups/": id(g.ID), "/lead/groups/": id(g.ID), "/admin/actions/": id(a.ID), "/admin/campaigns/": id(c.ID),
			"/admin/milestones/": id(m.ID), "/admin/organisations/": id(o.ID), "/admin/indicators/": id(ind.ID),
			"/admin/areas/": id(area.ID), "/me/commitments/": id(res.Commitment.ID), "/org/": id(o.ID),
		} {
			if strings.HasPrefix(path, prefix+"{id}") {
				path = strings.Replace(path, "{id}", v, 1)
			}
		}
		return strings.NewReplacer("{slug}", c.Slug, "{group}", g.Slug, "{action}", id(a.ID), "{indicator}", ind.Slug,
			"{code}", res.Person.ReferralCode, "{receipt}", res.Commitment.ReceiptToken, "{org}", id(o.ID),
			"{campaign}", id(c.ID), "{item}", id(item.ID), "{chart}", "growth.png", "{$}", "").Replace(path)
	}

	for _, r := range h.server.Routes() {
		method, pattern, _ := strings.Cut(r.Pattern, " ")
		if method != http.MethodGet || strings.HasPrefix(pattern, "/static/") || strings.Contains(pattern, "{token}") ||
			strings.Contains(pattern, "{webhook}") || strings.Contains(pattern, "{delivery}") {
			continue // static files; pages reached only by an emailed secret link; objects not made here
		}
		path := fill(pattern)
		for _, client := range []*http.Client{signedIn, newClient()} {
			got := h.do(client, http.MethodGet, path, nil)
			if strings.HasPrefix(got.header.Get("Content-Type"), "text/html") {
				visit(path, got)
			}
		}
	}
}

// TestControlCharactersAreRefused checks every text field a person types
// refuses control characters (a terminal escape in a CSV opened in a shell,
// a NUL that truncates in C libraries, bidirectional overrides that disguise
// a name are not needed in any of them), naming the field.
func TestControlCharactersAreRefused(t *testing.T) {
	h := newHarness(t)
	h.signIn()
	for _, tc := range []struct {
		path  string
		form  url.Values
		field string
	}{
		{"/campaigns/" + h.f.Campaign.Slug + "/actions/" + strconv.FormatInt(h.f.Actions[0].ID, 10) + "/pledge",
			url.Values{"name": {"Eve\x1b[31m"}, "email": {"eve@example.org"}, "profession": {"Nurse"}, "area_id": {strconv.FormatInt(h.f.AreaID, 10)}}, "name"},
		{"/admin/campaigns/" + strconv.FormatInt(h.f.Campaign.ID, 10) + "/milestones/new",
			url.Values{"title": {"Launch\x00"}, "on": {"2026-03-01"}}, "title"},
		{"/admin/groups/" + strconv.FormatInt(h.f.Group.ID, 10) + "/edit",
			url.Values{"name": {"Carers\u202e"}, "goal": {"Ask."}}, "name"},
	} {
		res := h.post(tc.path, tc.form)
		if res.status != http.StatusUnprocessableEntity && res.status != http.StatusBadRequest {
			t.Errorf("POST %s with a control character in %s: %d, want it refused", tc.path, tc.field, res.status)
			continue
		}
		if !strings.Contains(res.body, `href="#`+tc.field) && !strings.Contains(res.body, `id="`+tc.field+`-error"`) {
			t.Errorf("POST %s: the refusal does not name the field %s", tc.path, tc.field)
		}
	}
}
