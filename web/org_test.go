package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// TestRepJourney: an organiser appoints an organisation's representative by
// email; the representative signs in from the emailed invitation, adds an
// item with a "by when" to the organisation's action plan, marks it done,
// and sees the staff who pledged — only those who agreed to be contacted.
// Another organisation's page and items are out of reach.
func TestRepJourney(t *testing.T) {
	h := newMailHarness(t)
	ctx := context.Background()
	h.signIn()
	oid := strconv.FormatInt(h.f.Org.ID, 10)
	cid := strconv.FormatInt(h.f.Campaign.ID, 10)

	wantBody(t, h.get("/admin/campaigns/"+cid), "Appoint a representative", `href="/org/`+oid+`/reps/new"`, `href="/org/`+oid+`"`)
	wantBody(t, h.get("/org/"+oid+"/reps/new"), "Appoint a representative")
	bad := h.post("/org/"+oid+"/reps/new", url.Values{"name": {""}, "email": {"not-an-email"}})
	wantStatus(t, bad, http.StatusUnprocessableEntity)
	wantBody(t, bad, "Enter their name", "Enter an email address in the correct format")
	res := h.post("/org/"+oid+"/reps/new", url.Values{"name": {"Rita Rep"}, "email": {"Rita@Example.org"}})
	if res.status != http.StatusSeeOther || res.location != "/org/"+oid+"#reps" {
		t.Fatalf("appoint: %d to %q\n%.1500s", res.status, res.location, res.body)
	}

	msg, link := h.waitForEmail("rita@example.org", "You are invited to represent Riverside Pharmacy")
	if !strings.Contains(msg.Text, "Test call to action") || !strings.Contains(msg.HTML, "Riverside Pharmacy") || !strings.HasPrefix(link, "/signin/link/") {
		t.Fatalf("invitation:\n%s\nlink %q", msg.Text, link)
	}
	rep := newClient()
	in := h.do(rep, "POST", link, url.Values{})
	if in.status != http.StatusSeeOther || in.location != "/me" {
		t.Fatalf("sign in by link: %d to %q", in.status, in.location)
	}
	wantBody(t, h.do(rep, "GET", "/me", nil), "Organisations you represent", `href="/org/`+oid+`"`)
	home := h.do(rep, "GET", "/org/"+oid, nil)
	wantStatus(t, home, http.StatusOK)
	wantBody(t, home, "Riverside Pharmacy", "Test call to action", "Nothing in the action plan yet", "Rita Rep",
		"/org/"+oid+"/campaigns/"+cid+"/commitments/new")

	// The action plan: an item with a "by when", then done.
	newItem := "/org/" + oid + "/campaigns/" + cid + "/commitments/new"
	wantBody(t, h.do(rep, "GET", newItem, nil), "Add to the action plan", "By when")
	bad = h.do(rep, "POST", newItem, url.Values{"title": {"Audit antipsychotic prescribing in our homes"}, "due_on": {""}, "status": {"planned"}})
	wantStatus(t, bad, http.StatusUnprocessableEntity)
	wantBody(t, bad, "Enter the date this will be done by", "Audit antipsychotic prescribing in our homes")
	res = h.do(rep, "POST", newItem, url.Values{"title": {"Audit antipsychotic prescribing in our homes"}, "due_on": {"2027-01-31"}, "status": {"planned"}})
	if res.status != http.StatusSeeOther || res.location != "/org/"+oid+"#campaign-"+cid {
		t.Fatalf("add item: %d to %q\n%.1500s", res.status, res.location, res.body)
	}
	items, err := h.st.AllianceCommitments(ctx, h.f.Campaign.ID, h.f.Org.ID)
	if err != nil || len(items) != 1 {
		t.Fatalf("items = %+v, %v", items, err)
	}
	wantBody(t, h.do(rep, "GET", "/org/"+oid, nil), "Audit antipsychotic prescribing in our homes", "31 January 2027", "Planned")
	edit := "/org/" + oid + "/commitments/" + strconv.FormatInt(items[0].ID, 10) + "/edit"
	wantBody(t, h.do(rep, "GET", edit, nil), "Change an action plan item", `value="2027-01-31"`)
	wantStatus(t, h.do(rep, "POST", edit, url.Values{"title": {"Audit antipsychotic prescribing in our homes"}, "due_on": {"2027-01-31"}, "status": {"done"}}), http.StatusSeeOther)
	if got, _ := h.st.AllianceCommitmentByID(ctx, items[0].ID); got.Status != gs.PlanDone {
		t.Errorf("status = %s, want done", got.Status)
	}

	// Staff: a consented, confirmed pledger with their email; no one else.
	pledge := func(email, name string, contact bool) {
		t.Helper()
		p := h.f.Pledge(email)
		p.Name, p.OrganisationID, p.ContactOK = name, h.f.Org.ID, contact
		res, err := h.st.Pledge(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		storetest.Confirm(t, h.st, res.Commitment.ID)
	}
	pledge("cara@example.org", "Cara Consent", true)
	pledge("nina@example.org", "Nina Noconsent", false)
	home = h.do(rep, "GET", "/org/"+oid, nil)
	wantBody(t, home, "Done", "Cara Consent", "cara@example.org", "Review antipsychotic prescriptions")
	if strings.Contains(home.body, "Nina") || strings.Contains(home.body, "nina@example.org") {
		t.Error("a pledger who did not agree to be contacted is shown to the organisation")
	}

	// Not another organisation's page, nor its items through this one's.
	other := gs.Organisation{Name: "Hilltop Care", Sector: "Care home"}
	if err := h.st.CreateOrganisation(ctx, &other); err != nil {
		t.Fatal(err)
	}
	if err := h.st.JoinAlliance(ctx, gs.AllianceMember{Organisation: other, CampaignID: h.f.Campaign.ID}); err != nil {
		t.Fatal(err)
	}
	theirs := gs.AllianceCommitment{CampaignID: h.f.Campaign.ID, OrganisationID: other.ID, Title: "Train staff", DueOn: gs.MustDate("2027-02-28")}
	if err := h.st.CreateAllianceCommitment(ctx, &theirs); err != nil {
		t.Fatal(err)
	}
	otherID, theirsID := strconv.FormatInt(other.ID, 10), strconv.FormatInt(theirs.ID, 10)
	wantStatus(t, h.do(rep, "GET", "/org/"+otherID, nil), http.StatusForbidden)
	wantStatus(t, h.do(rep, "GET", "/org/"+otherID+"/commitments/"+theirsID+"/edit", nil), http.StatusForbidden)
	wantStatus(t, h.do(rep, "GET", "/org/"+oid+"/commitments/"+theirsID+"/edit", nil), http.StatusNotFound)
	wantStatus(t, h.do(rep, "POST", "/org/"+oid+"/commitments/"+theirsID+"/edit", url.Values{"title": {"Hijacked"}, "due_on": {"2027-02-28"}, "status": {"dropped"}}), http.StatusNotFound)
	if got, _ := h.st.AllianceCommitmentByID(ctx, theirs.ID); got.Title != "Train staff" || got.Status != gs.PlanPlanned {
		t.Errorf("another organisation's item became %+v", got)
	}
	// A campaign whose alliance the organisation is not in has no plan page.
	elsewhere := gs.Campaign{Title: "Another call", Purpose: "Elsewhere.", StartsOn: gs.MustDate("2026-01-01"), Status: gs.CampaignLive}
	if err := h.st.CreateCampaign(ctx, &elsewhere); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, h.do(rep, "POST", "/org/"+oid+"/campaigns/"+strconv.FormatInt(elsewhere.ID, 10)+"/commitments/new",
		url.Values{"title": {"Sneak in"}, "due_on": {"2027-01-01"}, "status": {"planned"}}), http.StatusNotFound)
	// Nor the campaign's management.
	wantStatus(t, h.do(rep, "GET", "/admin/campaigns/"+cid, nil), http.StatusForbidden)

	// The organiser sees the page too, and the representative can appoint
	// a fellow representative.
	wantBody(t, h.get("/org/"+oid), "Rita Rep", "Cara Consent")
	wantStatus(t, h.do(rep, "GET", "/org/"+oid+"/reps/new", nil), http.StatusOK)
}
