package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// confirmedPledge makes a confirmed pledge to the fixture's first action.
func (h *harness) confirmedPledge(email string) gs.Commitment {
	h.t.Helper()
	res, err := h.st.Pledge(context.Background(), h.f.Pledge(email))
	if err != nil {
		h.t.Fatal(err)
	}
	storetest.Confirm(h.t, h.st, res.Commitment.ID)
	return res.Commitment
}

// links issues follow-up links for a commitment, as a follow-up email would.
func (h *harness) links(c gs.Commitment, ttl time.Duration, purposes ...string) []string {
	h.t.Helper()
	tokens, err := h.st.IssueLinks(context.Background(), c.ID, "asha@example.org", ttl, purposes...)
	if err != nil {
		h.t.Fatal(err)
	}
	return tokens
}

func (h *harness) status(c gs.Commitment) gs.FollowupState {
	h.t.Helper()
	s, err := h.st.FollowupState(context.Background(), c.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	return s
}

// TestReportDone: the "done" link from the report-back email shows a page
// with one button (a mail scanner fetching it changes nothing); pressing it
// marks the pledge done, and the campaign's figures count it. The link then
// works no more.
func TestReportDone(t *testing.T) {
	h := newHarness(t)
	c := h.confirmedPledge("asha@example.org")
	done := h.links(c, gs.ReportLinksWithin, gs.TokenReportDone)[0]

	page := h.get("/report/" + done)
	wantStatus(t, page, http.StatusOK)
	wantBody(t, page, "Tell us you have done it", "Review antipsychotic prescriptions", "31 March 2027", "Yes, I have done it", `action="/report/`+done+`"`)
	if page.header.Get("Cache-Control") != "no-store" || page.header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("headers: %v", page.header)
	}
	h.get("/report/" + done) // fetched twice, as scanners do
	if s := h.status(c); s.Commitment.Status != gs.StatusPledged {
		t.Fatalf("showing the page changed the pledge to %q", s.Commitment.Status)
	}
	// Thanks before the link is used leads back to the button.
	if res := h.get("/report/" + done + "/thanks"); res.status != http.StatusSeeOther || res.location != "/report/"+done {
		t.Errorf("thanks before use: %d to %q", res.status, res.location)
	}

	res := h.post("/report/"+done, url.Values{})
	if res.status != http.StatusSeeOther || res.location != "/report/"+done+"/thanks" {
		t.Fatalf("pressing the button: %d to %q\n%.500s", res.status, res.location, res.body)
	}
	thanks := h.get(res.location)
	wantStatus(t, thanks, http.StatusOK)
	wantBody(t, thanks, "Thank you: your pledge is done", "Community pharmacists")
	if s := h.status(c); s.Commitment.Status != gs.StatusDone || s.Outcome != gs.OutcomeDone {
		t.Errorf("after done: %q, outcome %q", s.Commitment.Status, s.Outcome)
	}
	wantBody(t, h.get("/campaigns/"+h.f.Campaign.Slug), "Commitments done</dt><dd>1</dd>")

	// Used: a clear page, and nothing changes.
	again := h.post("/report/"+done, url.Values{})
	wantStatus(t, again, http.StatusConflict)
	wantBody(t, again, "This link has already been used", "nothing has been changed")
	wantStatus(t, h.get("/report/"+done), http.StatusConflict)
	if n := count(t, h.st, h.f.Campaign.ID).Done; n != 1 {
		t.Errorf("done count after reuse = %d", n)
	}
}

// TestReportBadLinks: forged, tampered, over-long, expired and wrong-kind
// links get a clear page and change nothing.
func TestReportBadLinks(t *testing.T) {
	h := newHarness(t)
	c := h.confirmedPledge("asha@example.org")
	links := h.links(c, time.Hour, gs.TokenReportDone, gs.TokenUnsubscribe)
	done, unsub := links[0], links[1]
	tampered := []byte(done)
	tampered[0] ^= 1
	confirm, err := h.st.IssueToken(context.Background(), gs.TokenConfirm, c.ID, "", time.Hour)
	if err != nil {
		t.Fatal(err)
	}

	for name, path := range map[string]string{
		"forged":                "/report/abcdefghijklmnopqrstuvwxyz",
		"tampered":              "/report/" + string(tampered),
		"too long":              "/report/" + strings.Repeat("a", 100),
		"unsubscribe":           "/report/" + unsub,
		"confirm":               "/report/" + confirm,
		"report as unsubscribe": "/unsubscribe/" + done,
	} {
		for _, method := range []string{"GET", "POST"} {
			res := h.do(h.client, method, path, url.Values{})
			if res.status != http.StatusNotFound || !strings.Contains(res.body, "This link is not recognised") {
				t.Errorf("%s link, %s: %d\n%.300s", name, method, res.status, res.body)
			}
		}
		if res := h.get(path + "/thanks"); res.status != http.StatusNotFound && !strings.HasPrefix(path, "/unsubscribe/") {
			t.Errorf("%s link's thanks page: %d", name, res.status)
		}
	}

	// Expired: an hour and a minute later.
	h.st.Now = func() time.Time { return time.Now().Add(61 * time.Minute) }
	defer func() { h.st.Now = time.Now }()
	for _, method := range []string{"GET", "POST"} {
		res := h.do(h.client, method, "/report/"+done, url.Values{})
		wantStatus(t, res, http.StatusGone)
		wantBody(t, res, "This link has expired", "nothing has been changed", "See how Community pharmacists are doing")
		res = h.do(h.client, method, "/unsubscribe/"+unsub, url.Values{})
		wantStatus(t, res, http.StatusGone)
	}
	if s := h.status(c); s.Commitment.Status != gs.StatusPledged || s.Unsubscribed {
		t.Errorf("expired links changed the pledge: %q, unsubscribed %v", s.Commitment.Status, s.Unsubscribed)
	}
}

// TestReportNotYetCantAndRevive: the other answers, the reason's limit, and
// starting a lapsed pledge again.
func TestReportNotYetCantAndRevive(t *testing.T) {
	h := newHarness(t)
	c := h.confirmedPledge("asha@example.org")
	links := h.links(c, gs.ReportLinksWithin, gs.TokenReportNotYet, gs.TokenReportCant, gs.TokenRevive, gs.TokenReportDone)
	notYet, cant, revive, done := links[0], links[1], links[2], links[3]

	// Starting again a pledge that is open: refused, link unspent.
	res := h.get("/report/" + revive)
	wantStatus(t, res, http.StatusConflict)
	wantBody(t, res, "Your pledge has not been changed", "already open")

	wantBody(t, h.get("/report/"+notYet), "Not done yet", "Not yet, I am still working on it")
	res = h.post("/report/"+notYet, url.Values{})
	wantStatus(t, res, http.StatusSeeOther)
	wantBody(t, h.get(res.location), "Thank you for letting us know", "We will ask you how it is going later")
	if s := h.status(c); s.Commitment.Status != gs.StatusInProgress || s.Outcome != gs.OutcomeNotYet {
		t.Errorf("after not yet: %q %q", s.Commitment.Status, s.Outcome)
	}

	form := h.get("/report/" + cant)
	wantStatus(t, form, http.StatusOK)
	wantBody(t, form, "You cannot do your pledge", "Tell us why (optional)", `name="reason"`, "I cannot do it")
	res = h.post("/report/"+cant, url.Values{"reason": {strings.Repeat("é", gs.MaxReasonLength+1)}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "There is a problem", "Your reason must be 500 characters or fewer", `href="#reason"`)
	if s := h.status(c); s.Commitment.Status != gs.StatusInProgress {
		t.Fatalf("a reason too long changed the pledge to %q", s.Commitment.Status)
	}
	res = h.post("/report/"+cant, url.Values{"reason": {"My practice closed."}})
	wantStatus(t, res, http.StatusSeeOther)
	wantBody(t, h.get(res.location), "Thank you for telling us", "We have closed your pledge")
	s := h.status(c)
	if s.Commitment.Status != gs.StatusLapsed || s.Outcome != gs.OutcomeCant || s.OutcomeReason != "My practice closed." {
		t.Errorf("after can't: %q %q %q", s.Commitment.Status, s.Outcome, s.OutcomeReason)
	}
	if cc := count(t, h.st, h.f.Campaign.ID); cc.Commitments != 1 || cc.Done != 0 {
		t.Errorf("counts after can't = %+v", cc)
	}

	// Lapsed: it can be started again.
	wantBody(t, h.get("/report/"+revive), "Start your pledge again", "Start my pledge again")
	res = h.post("/report/"+revive, url.Values{})
	wantStatus(t, res, http.StatusSeeOther)
	wantBody(t, h.get(res.location), "Your pledge is open again")
	if s := h.status(c); s.Commitment.Status != gs.StatusInProgress {
		t.Errorf("after starting again: %q", s.Commitment.Status)
	}

	// Done, and then done stays done.
	wantStatus(t, h.post("/report/"+done, url.Values{}), http.StatusSeeOther)
	more := h.links(c, gs.ReportLinksWithin, gs.TokenReportCant)[0]
	res = h.post("/report/"+more, url.Values{})
	wantStatus(t, res, http.StatusConflict)
	wantBody(t, res, "already told us you have done")
}

// TestUnsubscribe: the page's button and the one-click POST of RFC 8058
// (from a mail provider: no cookies, no Origin) both unsubscribe; following
// the link again says so and changes nothing.
func TestUnsubscribe(t *testing.T) {
	h := newHarness(t)
	c := h.confirmedPledge("asha@example.org")
	tokens := h.links(c, gs.UnsubscribeLinksWithin, gs.TokenUnsubscribe, gs.TokenUnsubscribe)

	page := h.get("/unsubscribe/" + tokens[0])
	wantStatus(t, page, http.StatusOK)
	wantBody(t, page, "Stop emails about your pledges", "asha@example.org", "Stop these emails")
	if h.status(c).Unsubscribed {
		t.Fatal("showing the page unsubscribed")
	}

	// One click, as a mail provider sends it.
	req, err := http.NewRequest("POST", h.srv.URL+"/unsubscribe/"+tokens[1], strings.NewReader("List-Unsubscribe=One-Click"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("one-click unsubscribe: %d", resp.StatusCode)
	}
	if !h.status(c).Unsubscribed {
		t.Fatal("one-click unsubscribe did not unsubscribe")
	}

	again := h.get("/unsubscribe/" + tokens[0])
	wantStatus(t, again, http.StatusOK)
	wantBody(t, again, "You have already unsubscribed")
	res := h.post("/unsubscribe/"+tokens[0], url.Values{})
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "You have already unsubscribed", "one email to confirm it")

	// The page's button, for someone else.
	other := h.confirmedPledge("ben@example.org")
	tok, err := h.st.IssueLinks(context.Background(), other.ID, "ben@example.org", gs.UnsubscribeLinksWithin, gs.TokenUnsubscribe)
	if err != nil {
		t.Fatal(err)
	}
	res = h.post("/unsubscribe/"+tok[0], url.Values{})
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "You have unsubscribed", "ben@example.org")
	if !h.status(other).Unsubscribed || h.status(other).Commitment.Status != gs.StatusPledged {
		t.Error("the button did not unsubscribe, or changed the pledge")
	}
}
