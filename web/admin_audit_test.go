package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
)

// TestAuditLogPages: what organisers and leads change through the website is
// in the campaign's audit log, with who, when and each changed field before
// and after; installation-wide changes are in the installation's; only
// organisers may read either.
func TestAuditLogPages(t *testing.T) {
	h := newHarness(t)
	h.signIn()
	ctx := context.Background()
	cid := strconv.FormatInt(h.f.Campaign.ID, 10)
	gid := strconv.FormatInt(h.f.Group.ID, 10)
	audit := "/admin/campaigns/" + cid + "/audit"
	wantBody(t, h.get("/admin/campaigns/"+cid), `href="`+audit+`"`)
	wantBody(t, h.get("/admin"), `href="/admin/audit"`)

	// The fixture was made with no one signed in: the system's.
	wantBody(t, h.get(audit), "Created – campaign: Test call to action", "The system")

	// The organiser changes the group's goal.
	wantStatus(t, h.post("/admin/groups/"+gid+"/edit", url.Values{"name": {h.f.Group.Name}, "slug": {h.f.Group.Slug},
		"goal": {"Know every person, day and night."}, "target": {"100"}}), http.StatusSeeOther)
	page := h.get(audit)
	wantStatus(t, page, http.StatusOK)
	entry := section(t, page.body, "Changed – stakeholder group: Community pharmacists")
	for _, s := range []string{"Olu Organiser", "organiser@example.org", "organiser, through the website",
		`scope="row">Goal</th>`, "Review every prescription.", "Know every person, day and night."} {
		if !strings.Contains(entry, s) {
			t.Errorf("the entry does not say %q:\n%s", s, entry)
		}
	}
	if strings.Contains(entry, `scope="row">Target</th>`) {
		t.Errorf("the entry lists a field that did not change:\n%s", entry)
	}

	// A lead changes their group too: named as a group lead, and refused
	// the log itself.
	lead, err := h.st.AppointLead(ctx, gs.AppointLeadInput{GroupID: h.f.Group.ID, Email: "lee@example.org", Name: "Lee Lead"})
	if err != nil {
		t.Fatal(err)
	}
	leadClient := h.clientFor(lead.ID)
	wantStatus(t, h.do(leadClient, "POST", "/admin/groups/"+gid+"/edit", url.Values{"goal": {"Everyone, every shift."}, "target": {"100"}}), http.StatusSeeOther)
	page = h.get(audit)
	wantBody(t, page, "Lee Lead", "group lead, through the website", "Everyone, every shift.")
	// The appointment keeps the user's id; the page says who that is.
	appointed := section(t, page.body, "Appointed – group lead: Community pharmacists")
	if want := "Lee Lead &lt;lee@example.org&gt; (user " + strconv.FormatInt(lead.ID, 10) + ")"; !strings.Contains(appointed, want) {
		t.Errorf("the appointment does not name %q:\n%s", want, appointed)
	}
	wantStatus(t, h.do(leadClient, "GET", audit, nil), http.StatusForbidden)
	wantStatus(t, h.do(leadClient, "GET", "/admin/audit", nil), http.StatusForbidden)

	// Filtered by kind of object.
	wantStatus(t, h.post("/admin/campaigns/"+cid+"/milestones/new", url.Values{"title": {"Launch day"}, "on": {"2026-02-01"}}), http.StatusSeeOther)
	milestones := h.get(audit + "?object=milestone")
	wantBody(t, milestones, "Created – milestone: Launch day", `<option value="milestone" selected>`)
	if strings.Contains(milestones.body, "stakeholder group:") {
		t.Error("the milestones' log lists a change to a group")
	}
	wantStatus(t, h.get(audit+"?object=nonsense"), http.StatusUnprocessableEntity)

	// Newest first, 50 a page, then the older ones.
	organiser, err := h.st.UserByEmail(ctx, "organiser@example.org")
	if err != nil {
		t.Fatal(err)
	}
	as := store.WithActor(ctx, gs.Actor{UserID: organiser.ID, Name: organiser.Name, Email: organiser.Email, Role: gs.RoleOrganiser, Via: "web"})
	for i := range 55 {
		m := gs.Milestone{CampaignID: h.f.Campaign.ID, Title: fmt.Sprintf("Step %02d", i), On: gs.MustDate("2026-03-01")}
		if err := h.st.CreateMilestone(as, &m); err != nil {
			t.Fatal(err)
		}
	}
	first := h.get(audit)
	if !strings.Contains(first.body, "Step 54") || strings.Contains(first.body, "Step 04") {
		t.Error("the first page is not the 50 newest changes")
	}
	if i, j := strings.Index(first.body, "Step 54"), strings.Index(first.body, "Step 53"); i < 0 || j < i {
		t.Error("the newest change is not first")
	}
	older := olderLink(t, first.body)
	second := h.get(older)
	wantBody(t, second, "Step 04", "Step 00", "Created – campaign: Test call to action", "Newest changes")
	if strings.Contains(second.body, "Step 05") {
		t.Error("the second page repeats the first's")
	}

	// The installation's own log: an organisation added, no campaign's changes.
	wantStatus(t, h.post("/admin/organisations/new", url.Values{"name": {"St Elsewhere NHS Trust"}, "ods_code": {"rxx"}, "sector": {"NHS provider"}}), http.StatusSeeOther)
	inst := h.get("/admin/audit")
	wantBody(t, inst, "Created – organisation: St Elsewhere NHS Trust", "RXX", "Whole installation")
	if strings.Contains(inst.body, "Launch day") {
		t.Error("the installation's log lists a campaign's change")
	}
}

// section is the entry of a page whose heading is the given text.
func section(t *testing.T, body, heading string) string {
	t.Helper()
	i := strings.Index(body, heading)
	if i < 0 {
		t.Fatalf("no entry %q on the page", heading)
	}
	end := strings.Index(body[i:], "</section>")
	if end < 0 {
		end = len(body) - i
	}
	return body[i : i+end]
}

// olderLink is the address of a page's "Older changes" link.
func olderLink(t *testing.T, body string) string {
	t.Helper()
	i := strings.Index(body, `">Older changes</a>`)
	if i < 0 {
		t.Fatal("no link to older changes")
	}
	start := strings.LastIndex(body[:i], `href="`) + len(`href="`)
	return strings.ReplaceAll(body[start:i], "&amp;", "&")
}

// clientFor is a client signed in as the user.
func (h *harness) clientFor(userID int64) *http.Client {
	h.t.Helper()
	token, err := h.st.CreateSession(context.Background(), userID, time.Hour)
	if err != nil {
		h.t.Fatal(err)
	}
	c := newClient()
	u, _ := url.Parse(h.srv.URL)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: "groundswell_session", Value: token}})
	return c
}
