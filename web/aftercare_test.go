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

// signedInAs returns a client signed in as the person (or lead) with the
// email, as an emailed sign-in link would leave them.
func (h *harness) signedInAs(email string) *http.Client {
	h.t.Helper()
	ctx := context.Background()
	u, err := h.st.SignInUser(ctx, email)
	if err != nil {
		h.t.Fatal(err)
	}
	token, err := h.st.CreateSession(ctx, u.ID, time.Hour)
	if err != nil {
		h.t.Fatal(err)
	}
	c := newClient()
	base, _ := url.Parse(h.srv.URL)
	c.Jar.SetCookies(base, []*http.Cookie{{Name: "groundswell_session", Value: token}})
	return c
}

// pledgeAs makes a confirmed pledge to the fixture's first action.
func (h *harness) pledgeAs(email, name string, showOnWall, contactOK bool) gs.Commitment {
	h.t.Helper()
	in := h.f.Pledge(email)
	in.Name, in.ShowOnWall, in.ContactOK = name, showOnWall, contactOK
	res, err := h.st.Pledge(context.Background(), in)
	if err != nil {
		h.t.Fatal(err)
	}
	storetest.Confirm(h.t, h.st, res.Commitment.ID)
	return res.Commitment
}

func (h *harness) groupPath() string {
	return "/campaigns/" + h.f.Campaign.Slug + "/groups/" + h.f.Group.Slug
}

// TestReportLinkOffersPartlyAndBlocked: a report link's page offers, beside
// its own answer (chosen already), the answers near it: partly done from
// "done", blocked from "not yet". Blocked needs what is in the way; the
// group's leads then see it.
func TestReportLinkOffersPartlyAndBlocked(t *testing.T) {
	h := newHarness(t)
	c := h.confirmedPledge("asha@example.org")
	links := h.links(c, gs.ReportLinksWithin, gs.TokenReportDone, gs.TokenReportNotYet)
	done, notYet := links[0], links[1]

	page := h.get("/report/" + done)
	wantStatus(t, page, http.StatusOK)
	wantBody(t, page, `value="done" checked`, "I have done part of it", "Send my answer")
	if strings.Contains(page.body, `value="blocked"`) {
		t.Error("the done link offers blocked")
	}
	res := h.post("/report/"+done, url.Values{"outcome": {"partly"}})
	wantStatus(t, res, http.StatusSeeOther)
	thanks := h.get(res.location)
	wantStatus(t, thanks, http.StatusOK)
	wantBody(t, thanks, "Thank you: you have done part of it", "Every part counts", "Tell your story", `action="/report/`+done+`/story"`, "Show my story on the group page")
	if strings.Contains(thanks.body, "/certificate/") {
		t.Error("partly done offers a certificate")
	}
	if s := h.status(c); s.Commitment.Status != gs.StatusInProgress || s.Outcome != gs.OutcomePartly {
		t.Errorf("after partly: %q %q", s.Commitment.Status, s.Outcome)
	}
	if n := count(t, h.st, h.f.Campaign.ID).Done; n != 0 {
		t.Errorf("partly done counted as done: %d", n)
	}

	page = h.get("/report/" + notYet)
	wantBody(t, page, `value="not_yet" checked`, "I have done part of it", "Something is in the way", "What is in the way?", `id="conditional-blocker"`)
	res = h.post("/report/"+notYet, url.Values{"outcome": {"blocked"}, "blocker": {"  "}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "There is a problem", "Enter what is in the way", `href="#blocker"`, `value="blocked" checked`)
	if s := h.status(c); s.Outcome != gs.OutcomePartly {
		t.Fatalf("a refused answer changed the pledge: %q", s.Outcome)
	}
	// Not an answer this link offers.
	res = h.post("/report/"+notYet, url.Values{"outcome": {"done"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "Choose one of the answers")
	res = h.post("/report/"+notYet, url.Values{"outcome": {"blocked"}, "blocker": {"The clinic room is always booked."}})
	wantStatus(t, res, http.StatusSeeOther)
	thanks = h.get(res.location)
	wantBody(t, thanks, "Thank you for telling us what is in the way", "can now see what is in the way")
	if strings.Contains(thanks.body, "Tell your story") {
		t.Error("blocked invites a story")
	}
	if s := h.status(c); s.Commitment.Status != gs.StatusInProgress || s.Outcome != gs.OutcomeBlocked || s.OutcomeReason != "The clinic room is always booked." {
		t.Errorf("after blocked: %q %q %q", s.Commitment.Status, s.Outcome, s.OutcomeReason)
	}
}

// TestStoryFromReportLink: after "done" from an email, the thank-you page
// invites a story; with consent it appears on the group page, escaped, with
// the name only of someone on the pledge wall. A certificate is offered.
func TestStoryFromReportLink(t *testing.T) {
	h := newHarness(t)
	asha := h.confirmedPledge("asha@example.org") // agreed to the pledge wall
	quiet := h.pledgeAs("quiet@example.org", "Quentin Quiet", false, false)
	done := h.links(asha, gs.ReportLinksWithin, gs.TokenReportDone)[0]
	wantStatus(t, h.post("/report/"+done, url.Values{}), http.StatusSeeOther)

	thanks := h.get("/report/" + done + "/thanks")
	wantBody(t, thanks, "Thank you: your pledge is done", "Tell your story", "Your name will be shown with it", "/certificate/"+asha.ReceiptToken)
	if strings.Contains(thanks.body, `name="show" type="checkbox" value="yes" checked`) {
		t.Error("consent to show the story is ticked before the person ticks it")
	}

	// Too long: the form comes back with the text, nothing saved.
	long := strings.Repeat("a", gs.MaxStoryLength+1)
	res := h.post("/report/"+done+"/story", url.Values{"story": {long}, "show": {"yes"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "Your story must be 600 characters or fewer", `href="#story"`, long)

	evil := `<script>alert("story")</script> We reviewed "every" patient & more.`
	res = h.post("/report/"+done+"/story", url.Values{"story": {evil}, "show": {"yes"}})
	if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/report/"+done+"/thanks?story=saved") {
		t.Fatalf("story: %d to %q\n%.800s", res.status, res.location, res.body)
	}
	wantBody(t, h.get(res.location), "your story is saved", "It is on the page of Community pharmacists")

	// Quentin, not on the pledge wall, tells his story signed in.
	qc := h.signedInAs("quiet@example.org")
	qid := strconv.FormatInt(quiet.ID, 10)
	wantStatus(t, h.do(qc, "POST", "/me/commitments/"+qid, url.Values{"outcome": {"done"}}), http.StatusSeeOther)
	form := h.do(qc, "GET", "/me/commitments/"+qid+"/story", nil)
	wantBody(t, form, "it will say “A member of the group”")
	wantStatus(t, h.do(qc, "POST", "/me/commitments/"+qid+"/story", url.Values{"story": {"Quiet but done."}, "show": {"yes"}}), http.StatusSeeOther)

	group := h.get(h.groupPath())
	wantStatus(t, group, http.StatusOK)
	wantBody(t, group, "What people have done", "Asha Patel", "&lt;script&gt;alert(&#34;story&#34;)&lt;/script&gt; We reviewed &#34;every&#34; patient &amp; more.",
		"A member of the group", "Quiet but done.")
	if strings.Contains(group.body, "<script>alert") || strings.Contains(group.body, "Quentin") {
		t.Error("the story was rendered as HTML, or Quentin was named")
	}

	// Unticked: off the page, kept for its author.
	wantStatus(t, h.do(qc, "POST", "/me/commitments/"+qid+"/story", url.Values{"story": {"Quiet but done."}}), http.StatusSeeOther)
	if strings.Contains(h.get(h.groupPath()).body, "Quiet but done.") {
		t.Error("a story no longer consented to is still shown")
	}
	wantBody(t, h.do(qc, "GET", "/me", nil), "Quiet but done.", "Only you can see it")

	// A link not used yet, or not a report link, saves no story.
	other := h.confirmedPledge("ben@example.org")
	unused := h.links(other, gs.ReportLinksWithin, gs.TokenReportDone)[0]
	wantStatus(t, h.post("/report/"+unused+"/story", url.Values{"story": {"x"}}), http.StatusConflict)
	wantStatus(t, h.post("/report/not-a-token/story", url.Values{"story": {"x"}}), http.StatusNotFound)
}

// TestMeAftercare: signed in, a person tells how a pledge is going, is
// invited to tell their story once it is done, and gets a certificate; the
// journey shows where they are. No one else's pledge can be reached.
func TestMeAftercare(t *testing.T) {
	h := newHarness(t)
	c := h.confirmedPledge("asha@example.org")
	id := strconv.FormatInt(c.ID, 10)
	me := h.signedInAs("asha@example.org")

	mine := h.do(me, "GET", "/me", nil)
	wantStatus(t, mine, http.StatusOK)
	wantBody(t, mine, `class="gs-journey"`, `aria-current="step"`, "<span class=\"gs-journey__name\">Share</span>\n        <span class=\"gs-journey__state\">You are here</span>",
		`href="/me/commitments/`+id+`"`, "Tell us how it is going")

	form := h.do(me, "GET", "/me/commitments/"+id, nil)
	wantStatus(t, form, http.StatusOK)
	wantBody(t, form, "How is your pledge going?", "Yes, I have done it", "I have done part of it", "Not yet, I am still working on it",
		"Something is in the way", "I cannot do it", `action="/me/commitments/`+id+`"`)
	if strings.Contains(form.body, " checked") {
		t.Error("an answer is chosen before the person chooses")
	}

	res := h.do(me, "POST", "/me/commitments/"+id, url.Values{})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "Choose how your pledge is going", `href="#outcome"`)
	res = h.do(me, "POST", "/me/commitments/"+id, url.Values{"outcome": {"blocked"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "Enter what is in the way")
	res = h.do(me, "POST", "/me/commitments/"+id, url.Values{"outcome": {"blocked"}, "blocker": {"My manager has not agreed the time."}})
	if res.status != http.StatusSeeOther || res.location != "/me" {
		t.Fatalf("blocked: %d to %q", res.status, res.location)
	}
	wantBody(t, h.do(me, "GET", "/me", nil), "Blocked", "My manager has not agreed the time.", "can see this")

	res = h.do(me, "POST", "/me/commitments/"+id, url.Values{"outcome": {"cant"}, "reason": {"I left the practice."}})
	wantStatus(t, res, http.StatusSeeOther)
	mine = h.do(me, "GET", "/me", nil)
	wantBody(t, mine, "Not done", "Take it up again")

	// Done, from the button on /me: on to the story.
	res = h.do(me, "POST", "/me/commitments/"+id, url.Values{"outcome": {"done"}})
	if res.status != http.StatusSeeOther || res.location != "/me/commitments/"+id+"/story?reported=done" {
		t.Fatalf("done: %d to %q", res.status, res.location)
	}
	story := h.do(me, "GET", res.location, nil)
	wantStatus(t, story, http.StatusOK)
	wantBody(t, story, "Thank you: your pledge is done", "Tell your story", "Show my story on the group page", "/certificate/"+c.ReceiptToken)
	res = h.do(me, "POST", "/me/commitments/"+id+"/story", url.Values{"story": {"Forty reviews, three stopped."}, "show": {"yes"}})
	if res.status != http.StatusSeeOther || res.location != "/me/commitments/"+id+"/story?saved=1" {
		t.Fatalf("story: %d to %q", res.status, res.location)
	}
	wantBody(t, h.do(me, "GET", res.location, nil), "your story is saved", "Forty reviews, three stopped.")
	mine = h.do(me, "GET", "/me", nil)
	wantBody(t, mine, "Your story", "Forty reviews, three stopped.", "It is shown on the group page", "Change your story", "Get your certificate")
	if strings.Contains(mine.body, `aria-current="step"`) {
		t.Error("every step is done, yet one is current")
	}
	if n := count(t, h.st, h.f.Campaign.ID).Done; n != 1 {
		t.Errorf("done count = %d", n)
	}

	// Someone else's pledge: not found, whatever the route.
	other := h.confirmedPledge("ben@example.org")
	oid := strconv.FormatInt(other.ID, 10)
	wantStatus(t, h.do(me, "GET", "/me/commitments/"+oid, nil), http.StatusNotFound)
	wantStatus(t, h.do(me, "POST", "/me/commitments/"+oid, url.Values{"outcome": {"done"}}), http.StatusNotFound)
	wantStatus(t, h.do(me, "GET", "/me/commitments/"+oid+"/story", nil), http.StatusNotFound)
	wantStatus(t, h.do(me, "POST", "/me/commitments/"+oid+"/story", url.Values{"story": {"Not mine"}}), http.StatusNotFound)
	if s := h.status(other); s.Commitment.Status != gs.StatusPledged {
		t.Errorf("someone else's pledge changed to %q", s.Commitment.Status)
	}
	// Ben's own, before it is done: no story yet.
	ben := h.signedInAs("ben@example.org")
	wantStatus(t, h.do(ben, "GET", "/me/commitments/"+oid+"/story", nil), http.StatusConflict)
	wantStatus(t, h.do(ben, "POST", "/me/commitments/"+oid+"/story", url.Values{"story": {"Early"}}), http.StatusConflict)
	// An unconfirmed pledge cannot be reported on yet.
	res2, err := h.st.Pledge(context.Background(), h.f.Pledge("cara@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	cara := h.signedInAs("cara@example.org")
	cid := strconv.FormatInt(res2.Commitment.ID, 10)
	wantStatus(t, h.do(cara, "GET", "/me/commitments/"+cid, nil), http.StatusConflict)
	wantStatus(t, h.do(cara, "POST", "/me/commitments/"+cid, url.Values{"outcome": {"done"}}), http.StatusConflict)
	// Signed out: sign in first.
	if res := h.get("/me/commitments/" + id); res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/signin?") {
		t.Errorf("signed out: %d to %q", res.status, res.location)
	}
}

// TestCertificate: a done pledge's certificate is a printable page at an
// address only its receipt knows; any other pledge has none.
func TestCertificate(t *testing.T) {
	h := newHarness(t)
	c := h.confirmedPledge("asha@example.org")

	receipt := h.get("/pledges/" + c.ReceiptToken)
	wantBody(t, receipt, "Your journey", `aria-current="step"`)
	if strings.Contains(receipt.body, "/certificate/") {
		t.Error("the receipt of an open pledge links to a certificate")
	}
	wantStatus(t, h.get("/certificate/"+c.ReceiptToken), http.StatusNotFound)
	wantStatus(t, h.get("/certificate/not-a-receipt"), http.StatusNotFound)

	done := h.links(c, gs.ReportLinksWithin, gs.TokenReportDone)[0]
	wantStatus(t, h.post("/report/"+done, url.Values{}), http.StatusSeeOther)
	today := gs.DateOf(time.Now()).Long()

	cert := h.get("/certificate/" + c.ReceiptToken)
	wantStatus(t, cert, http.StatusOK)
	wantBody(t, cert, "Certificate of action", "Asha Patel", "Review antipsychotic prescriptions", "Community pharmacists",
		"Test call to action", today, "Print or save as PDF", `class="gs-certificate"`, `<h1 class="gs-certificate__title" id="certificate-title">`)
	if cert.header.Get("Cache-Control") != "no-store" || cert.header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("headers: %v", cert.header)
	}
	receipt = h.get("/pledges/" + c.ReceiptToken)
	wantBody(t, receipt, "You have done it", `href="/certificate/`+c.ReceiptToken+`"`, "Tell your story", "/me/commitments/"+strconv.FormatInt(c.ID, 10)+"/story")

	// The print style sheet lays it out on A4, landscape.
	css := h.get("/static/app.css")
	wantBody(t, css, "size: A4 landscape", ".gs-certificate", ".gs-print-hide")
}

// TestLeadSeesWhatNeedsFollowingUp: the lead's page lists the group's
// blocked and lapsed pledges, with what the person said, and the email only
// of those who agreed to be contacted.
func TestLeadSeesWhatNeedsFollowingUp(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	if _, err := h.st.AppointLead(ctx, gs.AppointLeadInput{GroupID: h.f.Group.ID, Email: "lee@example.org", Name: "Lee Lead"}); err != nil {
		t.Fatal(err)
	}
	lead := h.signedInAs("lee@example.org")
	path := "/lead/groups/" + strconv.FormatInt(h.f.Group.ID, 10)
	wantBody(t, h.do(lead, "GET", path, nil), "Needs following up", "Nothing needs following up")

	blocked := h.pledgeAs("bea@example.org", "Bea Blocked", true, true)
	cant := h.pledgeAs("carl@example.org", "Carl Cannot", true, false)
	h.pledgeAs("dan@example.org", "Dan Doing", true, true)
	if err := h.st.ReportOwn(ctx, "bea@example.org", blocked.ID, gs.OutcomeReport{Outcome: gs.OutcomeBlocked, Reason: `No cover <b>at all</b>`}); err != nil {
		t.Fatal(err)
	}
	if err := h.st.ReportOwn(ctx, "carl@example.org", cant.ID, gs.OutcomeReport{Outcome: gs.OutcomeCant, Reason: "Retired."}); err != nil {
		t.Fatal(err)
	}
	page := h.do(lead, "GET", path, nil)
	wantStatus(t, page, http.StatusOK)
	section := page.body[strings.Index(page.body, `id="follow-up"`):strings.Index(page.body, `id="leads"`)]
	for _, want := range []string{"Bea Blocked", "Blocked", "No cover &lt;b&gt;at all&lt;/b&gt;", "bea@example.org", "Carl Cannot", "Cannot do it", "Retired."} {
		if !strings.Contains(section, want) {
			t.Errorf("follow-up list lacks %q", want)
		}
	}
	for _, unwanted := range []string{"carl@example.org", "Dan Doing"} {
		if strings.Contains(section, unwanted) {
			t.Errorf("follow-up list shows %q", unwanted)
		}
	}
	if strings.Index(section, "Carl Cannot") > strings.Index(section, "Bea Blocked") {
		t.Error("not most recent first")
	}
}
