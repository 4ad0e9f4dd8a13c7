package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	gs "github.com/groundswell-health/groundswell"
)

// TestLeadJourney: an organiser appoints a group lead by email; the lead
// signs in from the emailed invitation, rewrites the group's goal, adds an
// action with a "by when", and the public group page shows both. The lead
// cannot rename the group, and a participant signs in by link and sees and
// updates their own pledge.
func TestLeadJourney(t *testing.T) {
	h := newMailHarness(t)
	ctx := context.Background()
	h.signIn()
	gid := strconv.FormatInt(h.f.Group.ID, 10)

	wantBody(t, h.get("/admin/campaigns/"+strconv.FormatInt(h.f.Campaign.ID, 10)), "Led by: no one yet", "/admin/groups/"+gid+"/leads/new")
	wantBody(t, h.get("/admin/groups/"+gid+"/leads/new"), "Appoint a lead")
	bad := h.post("/admin/groups/"+gid+"/leads/new", url.Values{"name": {""}, "email": {"not-an-email"}})
	wantStatus(t, bad, http.StatusUnprocessableEntity)
	wantBody(t, bad, "Enter their name", "Enter an email address in the correct format")
	wantStatus(t, h.post("/admin/groups/"+gid+"/leads/new", url.Values{"name": {"Lee Lead"}, "email": {"Lee@Example.org"}}), http.StatusSeeOther)

	wantBody(t, h.get("/admin/campaigns/"+strconv.FormatInt(h.f.Campaign.ID, 10)), "Led by: Lee Lead.")
	msg, link := h.waitForEmail("lee@example.org", "You are invited to lead Community pharmacists")
	if !strings.Contains(msg.Text, "Test call to action") || !strings.HasPrefix(link, "/signin/link/") {
		t.Fatalf("invitation:\n%s\nlink %q", msg.Text, link)
	}

	lead := newClient()
	wantBody(t, h.do(lead, "GET", link, nil), "Sign in to Groundswell")
	in := h.do(lead, "POST", link, url.Values{})
	if in.status != http.StatusSeeOther || in.location != "/lead/groups/"+gid {
		t.Fatalf("sign in by link: %d to %q", in.status, in.location)
	}
	// The link is single use.
	again := h.do(newClient(), "POST", link, url.Values{})
	wantStatus(t, again, http.StatusConflict)
	wantBody(t, again, "already been used")

	me := h.do(lead, "GET", "/me", nil)
	wantBody(t, me, "Groups you lead", "/lead/groups/"+gid)
	wantBody(t, h.do(lead, "GET", "/lead/groups/"+gid, nil), "you lead this group", "Lee Lead", "Review antipsychotic prescriptions")

	edit := h.do(lead, "GET", "/admin/groups/"+gid+"/edit", nil)
	wantStatus(t, edit, http.StatusOK)
	if strings.Contains(edit.body, `name="slug"`) {
		t.Error("a lead is offered the group's web address to change")
	}
	res := h.do(lead, "POST", "/admin/groups/"+gid+"/edit", url.Values{"name": {"Hijacked name"}, "slug": {"hijacked"},
		"goal": {"With prescribers, review everyone in our care on an antipsychotic."}, "target": {"400"}})
	if res.status != http.StatusSeeOther || res.location != "/lead/groups/"+gid {
		t.Fatalf("lead edits goal: %d to %q\n%.1500s", res.status, res.location, res.body)
	}
	res = h.do(lead, "POST", "/admin/groups/"+gid+"/actions/new", url.Values{"title": {"Hold a medicines review clinic"}, "due_on": {"2027-02-28"}, "target": {"60"}})
	wantStatus(t, res, http.StatusSeeOther)

	public := h.get("/campaigns/" + h.f.Campaign.Slug + "/groups/" + h.f.Group.Slug)
	wantBody(t, public, "With prescribers, review everyone in our care on an antipsychotic.", "Hold a medicines review clinic", "28 February 2027", "Community pharmacists")
	if strings.Contains(public.body, "Hijacked") {
		t.Error("a lead renamed the group")
	}
	// Not the campaign's other business.
	wantStatus(t, h.do(lead, "GET", "/admin/campaigns/"+strconv.FormatInt(h.f.Campaign.ID, 10)+"/edit", nil), http.StatusForbidden)

	// A participant signs in by link and looks after their own pledge.
	pledge, err := h.st.Pledge(ctx, h.f.Pledge("pat@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	wantBody(t, h.get("/signin/email"), "Get a sign-in link")
	for _, email := range []string{"pat@example.org", "stranger@example.org"} {
		res := h.post("/signin/email", url.Values{"email": {email}})
		wantStatus(t, res, http.StatusOK)
		wantBody(t, res, "If that address has pledged or been invited, we have sent it a sign-in link")
	}
	_, plink := h.waitForEmail("pat@example.org", "Your sign-in link")
	pat := newClient()
	wantStatus(t, h.do(pat, "POST", plink, url.Values{}), http.StatusSeeOther)
	mine := h.do(pat, "GET", "/me", nil)
	wantBody(t, mine, "Review antipsychotic prescriptions", "Not confirmed yet")
	if msgs, _ := h.st.Messages(ctx, 50); len(msgs) != 2 {
		t.Errorf("%d emails sent, want 2 (no link for an unknown address)", len(msgs))
	}
	cid := strconv.FormatInt(pledge.Commitment.ID, 10)
	wantStatus(t, h.do(pat, "POST", "/me/commitments/"+cid, url.Values{"status": {"done"}}), http.StatusSeeOther)
	rc, _ := h.st.Receipt(ctx, pledge.Commitment.ReceiptToken)
	if rc.Commitment.Status != gs.StatusDone {
		t.Errorf("status = %s, want done", rc.Commitment.Status)
	}
	// Not someone else's pledge.
	other, _ := h.st.Pledge(ctx, h.f.Pledge("someone@example.org"))
	wantStatus(t, h.do(pat, "POST", "/me/commitments/"+strconv.FormatInt(other.Commitment.ID, 10), url.Values{"status": {"withdrawn"}}), http.StatusNotFound)
}
