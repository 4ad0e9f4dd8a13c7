package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
)

func TestSetupCreatesTheFirstOrganiserOnce(t *testing.T) {
	h := newHarness(t)
	res := h.get("/signin")
	wantStatus(t, res, http.StatusSeeOther)
	if res.location != "/setup" {
		t.Fatalf("sign-in with no users goes to %q, want /setup", res.location)
	}
	wantBody(t, h.get("/setup"), "Create the first organiser account")
	bad := h.post("/setup", url.Values{"name": {"Olu"}, "email": {"olu@example.org"}, "password": {"short"}})
	wantStatus(t, bad, http.StatusUnprocessableEntity)
	wantBody(t, bad, "Password must be at least 12 characters", `value="olu@example.org"`)

	ok := h.post("/setup", url.Values{"name": {"Olu"}, "email": {"olu@example.org"}, "password": {"a long enough passphrase"}})
	wantStatus(t, ok, http.StatusSeeOther)
	wantStatus(t, h.get("/admin"), http.StatusOK)

	// Once an organiser exists, setup is gone, for everyone.
	stranger := newClient()
	wantStatus(t, h.do(stranger, "GET", "/setup", nil), http.StatusNotFound)
	again := h.do(stranger, "POST", "/setup", url.Values{"name": {"Eve"}, "email": {"eve@example.org"}, "password": {"a long enough passphrase"}})
	wantStatus(t, again, http.StatusNotFound)
	if _, err := h.st.UserByEmail(context.Background(), "eve@example.org"); gs.ErrorCode(err) != gs.ENOTFOUND {
		t.Errorf("setup made a second organiser: %v", err)
	}
}

func TestSignInAndOut(t *testing.T) {
	h := newHarness(t)
	h.signIn()
	admin := h.get("/admin")
	wantStatus(t, admin, http.StatusOK)
	wantBody(t, admin, "Manage campaigns", "Test call to action")

	wantStatus(t, h.post("/signout", url.Values{}), http.StatusSeeOther)
	res := h.get("/admin")
	wantStatus(t, res, http.StatusSeeOther)
	if !strings.HasPrefix(res.location, "/signin?next=") {
		t.Errorf("signed-out /admin goes to %q", res.location)
	}

	wrong := h.post("/signin", url.Values{"email": {"organiser@example.org"}, "password": {"wrong password!!"}})
	wantStatus(t, wrong, http.StatusUnprocessableEntity)
	wantBody(t, wrong, "Enter a correct email address and password", `value="organiser@example.org"`)
	if strings.Contains(wrong.body, "wrong password!!") {
		t.Error("the password was sent back in the page")
	}
	// A next= pointing off-site is ignored.
	off := h.post("/signin", url.Values{"email": {"organiser@example.org"}, "password": {"correct horse battery"}, "next": {"//evil.example.org/"}})
	if off.location != "/admin" {
		t.Errorf("off-site next honoured: %q", off.location)
	}
}

func TestChangesNeedASignedInOrganiser(t *testing.T) {
	h := newHarness(t)
	stranger := newClient()
	routes := []string{
		"/admin/campaigns/new",
		"/admin/campaigns/" + strconv.FormatInt(h.f.Campaign.ID, 10) + "/edit",
		"/admin/campaigns/" + strconv.FormatInt(h.f.Campaign.ID, 10) + "/groups/new",
		"/admin/groups/" + strconv.FormatInt(h.f.Group.ID, 10) + "/edit",
		"/admin/groups/" + strconv.FormatInt(h.f.Group.ID, 10) + "/actions/new",
		"/admin/actions/" + strconv.FormatInt(h.f.Actions[0].ID, 10) + "/edit",
		"/admin/campaigns/" + strconv.FormatInt(h.f.Campaign.ID, 10) + "/milestones/new",
		"/admin/campaigns/" + strconv.FormatInt(h.f.Campaign.ID, 10) + "/alliance/new",
		"/admin/campaigns/" + strconv.FormatInt(h.f.Campaign.ID, 10) + "/alliance/" + strconv.FormatInt(h.f.Org.ID, 10) + "/remove",
		"/admin/organisations/new",
		"/admin/organisations/" + strconv.FormatInt(h.f.Org.ID, 10) + "/edit",
	}
	for _, path := range routes {
		res := h.do(stranger, "POST", path, url.Values{"title": {"Hijacked"}, "name": {"Hijacked"}, "goal": {"x"}, "purpose": {"x"}, "starts_on": {"2026-01-01"}, "status": {"live"}})
		if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/signin") {
			t.Errorf("POST %s signed out: %d to %q", path, res.status, res.location)
		}
	}
	c, _ := h.st.CampaignByID(context.Background(), h.f.Campaign.ID)
	g, _ := h.st.GroupByID(context.Background(), h.f.Group.ID)
	all, _ := h.st.Campaigns(context.Background(), store.CampaignFilter{IncludeDrafts: true})
	if c.Title == "Hijacked" || g.Name == "Hijacked" || len(all) != 1 || count(t, h.st, h.f.Campaign.ID).Organisations != 1 {
		t.Error("a signed-out request changed data")
	}
}

func TestCrossSiteFormPostIsRefused(t *testing.T) {
	h := newHarness(t)
	h.signIn()
	res := h.do(h.client, "POST", "/admin/campaigns/new",
		url.Values{"title": {"Forged"}, "purpose": {"x"}, "starts_on": {"2026-01-01"}, "status": {"live"}},
		"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example.org")
	wantStatus(t, res, http.StatusForbidden)
	all, _ := h.st.Campaigns(context.Background(), store.CampaignFilter{IncludeDrafts: true})
	if len(all) != 1 {
		t.Errorf("forged post created a campaign")
	}
}

func TestOrganiserBuildsACampaign(t *testing.T) {
	h := newHarness(t)
	h.signIn()
	ctx := context.Background()

	wantBody(t, h.get("/admin/campaigns/new"), "New campaign")
	bad := h.post("/admin/campaigns/new", url.Values{"title": {"The Right Care"}, "starts_on": {"31/03/2026"}, "status": {"live"}})
	wantStatus(t, bad, http.StatusUnprocessableEntity)
	wantBody(t, bad, "Start date must be a real date", "Enter purpose", `value="The Right Care"`)

	res := h.post("/admin/campaigns/new", url.Values{"title": {"The Right Care"}, "purpose": {"Better hospital care for people with dementia."},
		"story": {"First paragraph.\n\nSecond paragraph."}, "starts_on": {"2026-04-01"}, "status": {"draft"},
		"predecessor_id": {strconv.FormatInt(h.f.Campaign.ID, 10)}})
	wantStatus(t, res, http.StatusSeeOther)
	c, err := h.st.CampaignBySlug(ctx, "the-right-care")
	if err != nil || c.PredecessorID != h.f.Campaign.ID || c.Status != gs.CampaignDraft {
		t.Fatalf("campaign = %+v, %v", c, err)
	}
	id := strconv.FormatInt(c.ID, 10)
	wantBody(t, h.get("/admin/campaigns/"+id), "Manage", "The Right Care")
	wantBody(t, h.get("/admin/campaigns/"+id+"/edit"), `value="the-right-care"`)

	// A draft is visible to its organisers only.
	wantStatus(t, h.do(newClient(), "GET", "/campaigns/the-right-care", nil), http.StatusNotFound)
	wantBody(t, h.get("/campaigns/the-right-care"), "builds on", "Second paragraph.")

	wantBody(t, h.get("/admin/campaigns/"+id+"/groups/new"), "New stakeholder group")
	wantStatus(t, h.post("/admin/campaigns/"+id+"/groups/new", url.Values{"name": {"Ward staff"}, "goal": {""}, "target": {"ten"}}), http.StatusUnprocessableEntity)
	wantStatus(t, h.post("/admin/campaigns/"+id+"/groups/new", url.Values{"name": {"Ward staff"}, "goal": {"Know every person."}, "target": {"800"}}), http.StatusSeeOther)
	groups, _ := h.st.Groups(ctx, c.ID)
	if len(groups) != 1 || groups[0].Target != 800 {
		t.Fatalf("groups = %+v", groups)
	}
	gid := strconv.FormatInt(groups[0].ID, 10)
	wantBody(t, h.get("/admin/groups/"+gid+"/edit"), `value="Ward staff"`)
	wantStatus(t, h.post("/admin/groups/"+gid+"/edit", url.Values{"name": {"Ward staff"}, "slug": {"ward-staff"}, "goal": {"Know every person, day and night."}}), http.StatusSeeOther)

	wantBody(t, h.get("/admin/groups/"+gid+"/actions/new"), "New action for Ward staff")
	wantStatus(t, h.post("/admin/groups/"+gid+"/actions/new", url.Values{"title": {"Use the about-me passport"}, "due_on": {""}}), http.StatusUnprocessableEntity)
	wantStatus(t, h.post("/admin/groups/"+gid+"/actions/new", url.Values{"title": {"Use the about-me passport"}, "due_on": {"2026-09-30"}, "target": {"400"}}), http.StatusSeeOther)
	actions, _ := h.st.Actions(ctx, groups[0].ID, true)
	if len(actions) != 1 || actions[0].DueOn != gs.MustDate("2026-09-30") {
		t.Fatalf("actions = %+v", actions)
	}
	aid := strconv.FormatInt(actions[0].ID, 10)
	wantBody(t, h.get("/admin/actions/"+aid+"/edit"), "Retire this action")
	wantStatus(t, h.post("/admin/actions/"+aid+"/edit", url.Values{"title": {"Use the about-me passport"}, "due_on": {"2026-09-30"}, "retired": {"yes"}}), http.StatusSeeOther)
	if a, _ := h.st.ActionByID(ctx, actions[0].ID); !a.Retired {
		t.Error("action not retired")
	}

	wantBody(t, h.get("/admin/campaigns/"+id+"/milestones/new"), "New milestone")
	wantStatus(t, h.post("/admin/campaigns/"+id+"/milestones/new", url.Values{"title": {"Launch"}, "on": {"2026-04-01"}}), http.StatusSeeOther)
	ms, _ := h.st.Milestones(ctx, c.ID)
	if len(ms) != 1 {
		t.Fatalf("milestones = %+v", ms)
	}
	mid := strconv.FormatInt(ms[0].ID, 10)
	wantBody(t, h.get("/admin/milestones/"+mid+"/edit"), "Delete milestone")
	wantStatus(t, h.post("/admin/milestones/"+mid+"/edit", url.Values{"title": {""}, "on": {"2026-04-01"}}), http.StatusUnprocessableEntity)
	wantStatus(t, h.post("/admin/milestones/"+mid+"/edit", url.Values{"title": {"Launch day"}, "on": {"2026-04-02"}}), http.StatusSeeOther)
	wantStatus(t, h.post("/admin/milestones/"+mid+"/delete", url.Values{}), http.StatusSeeOther)

	wantBody(t, h.get("/admin/organisations"), "Riverside Pharmacy")
	wantBody(t, h.get("/admin/organisations/new"), "New organisation")
	dup := h.post("/admin/organisations/new", url.Values{"name": {"Copycat"}, "ods_code": {"FA123"}, "sector": {"Community pharmacy"}})
	wantStatus(t, dup, http.StatusUnprocessableEntity)
	wantBody(t, dup, "Another organisation already has this ODS code")
	wantStatus(t, h.post("/admin/organisations/new", url.Values{"name": {"St Elsewhere NHS Trust"}, "ods_code": {"rxx"}, "sector": {"NHS provider"}}), http.StatusSeeOther)
	wantBody(t, h.get("/admin/organisations/"+strconv.FormatInt(h.f.Org.ID, 10)+"/edit"), `value="FA123"`)
	wantStatus(t, h.post("/admin/organisations/"+strconv.FormatInt(h.f.Org.ID, 10)+"/edit", url.Values{"name": {"Riverside Pharmacy Ltd"}, "ods_code": {"FA123"}, "sector": {"Community pharmacy"}}), http.StatusSeeOther)

	wantBody(t, h.get("/admin/campaigns/"+id+"/alliance/new"), "St Elsewhere NHS Trust (RXX)")
	wantStatus(t, h.post("/admin/campaigns/"+id+"/alliance/new", url.Values{"organisation_id": {""}}), http.StatusUnprocessableEntity)
	wantStatus(t, h.post("/admin/campaigns/"+id+"/alliance/new", url.Values{"organisation_id": {strconv.FormatInt(h.f.Org.ID, 10)}, "action_plan": {"Review all by March."}}), http.StatusSeeOther)
	wantBody(t, h.get("/admin/campaigns/"+id), "Riverside Pharmacy Ltd", "Review all by March.")
	wantStatus(t, h.post("/admin/campaigns/"+id+"/alliance/"+strconv.FormatInt(h.f.Org.ID, 10)+"/remove", url.Values{}), http.StatusSeeOther)
	if n := count(t, h.st, c.ID).Organisations; n != 0 {
		t.Errorf("alliance after removal = %d", n)
	}

	wantStatus(t, h.post("/admin/campaigns/"+id+"/edit", url.Values{"title": {"The Right Care"}, "slug": {"the-right-care"}, "purpose": {"Better care."}, "starts_on": {"2026-04-01"}, "status": {"live"}}), http.StatusSeeOther)
	if c, _ := h.st.CampaignByID(ctx, c.ID); c.Status != gs.CampaignLive || c.PredecessorID != 0 {
		t.Errorf("after edit: %+v", c)
	}
	wantStatus(t, h.post("/admin/campaigns/"+id+"/edit", url.Values{"title": {"X"}, "slug": {h.f.Campaign.Slug}, "purpose": {"x"}, "starts_on": {"2026-04-01"}, "status": {"live"}}), http.StatusUnprocessableEntity)
}

func TestOutboxShowsEmailsToOrganisersOnly(t *testing.T) {
	h := newHarness(t)
	m := gs.OutboxMessage{Kind: "confirmation", ToEmail: "asha@example.org", Subject: "Confirm your pledge: Review", Text: "Hello Asha,\nopen this link", Status: "outbox"}
	if err := h.st.RecordMessage(context.Background(), &m); err != nil {
		t.Fatal(err)
	}
	if res := h.do(newClient(), "GET", "/admin/outbox", nil); res.status != http.StatusSeeOther {
		t.Errorf("signed-out outbox: %d", res.status)
	}
	h.signIn()
	res := h.get("/admin/outbox")
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "Confirm your pledge: Review – to asha@example.org", "In the outbox", "Hello Asha,\nopen this link")
}
