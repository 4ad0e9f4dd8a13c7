package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
)

// sessionFor returns a client signed in as a user.
func (h *harness) sessionFor(userID int64) *http.Client {
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

// TestGroupMessageJourney: a group lead writes to the people who pledged,
// is told how many it will reach, checks it and sends it. Each person with
// a confirmed pledge who has not unsubscribed gets one email naming the lead
// as its sender, with a link to unsubscribe; people who have not confirmed,
// who unsubscribed, who withdrew, or who pledged to another group get none.
// A form sent twice is one message; an empty one is refused field by field;
// the lead of another group is refused.
func TestGroupMessageJourney(t *testing.T) {
	h := newMailHarness(t)
	ctx := context.Background()
	f := h.f
	gid := strconv.FormatInt(f.Group.ID, 10)
	lead, err := h.st.AppointLead(ctx, gs.AppointLeadInput{GroupID: f.Group.ID, Email: "lee@example.org", Name: "Lee Lead"})
	if err != nil {
		t.Fatal(err)
	}
	pledge := func(email string, action int64, confirm bool) gs.PledgeResult {
		in := f.Pledge(email)
		in.ActionID = action
		res, err := h.st.Pledge(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if confirm {
			token, err := h.st.IssueToken(ctx, gs.TokenConfirm, res.Commitment.ID, "", time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := h.st.ConfirmPledge(ctx, token); err != nil {
				t.Fatal(err)
			}
		}
		return res
	}
	a0, a1 := f.Actions[0].ID, f.Actions[1].ID
	pledge("pat@example.org", a0, true)
	pledge("sam@example.org", a0, true)
	pledge("sam@example.org", a1, true)
	pledge("una@example.org", a0, false)
	ulla := pledge("ulla@example.org", a1, true)
	tokens, err := h.st.IssueLinks(ctx, ulla.Commitment.ID, "ulla@example.org", time.Hour, gs.TokenUnsubscribe)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.st.Unsubscribe(ctx, tokens[0]); err != nil {
		t.Fatal(err)
	}
	wes := pledge("wes@example.org", a0, true)
	if err := h.st.SetOwnStatus(ctx, "wes@example.org", wes.Commitment.ID, gs.StatusWithdrawn); err != nil {
		t.Fatal(err)
	}
	other := gs.Group{CampaignID: f.Campaign.ID, Name: "Carers", Goal: "Ask every time."}
	if err := h.st.CreateGroup(ctx, &other); err != nil {
		t.Fatal(err)
	}
	oa := gs.Action{GroupID: other.ID, Title: "Ask", DueOn: gs.MustDate("2027-05-01")}
	if err := h.st.CreateAction(ctx, &oa); err != nil {
		t.Fatal(err)
	}
	pledge("olga@example.org", oa.ID, true)
	otherLead, err := h.st.AppointLead(ctx, gs.AppointLeadInput{GroupID: other.ID, Email: "olive@example.org", Name: "Olive Other"})
	if err != nil {
		t.Fatal(err)
	}
	before := outboxCount(t, h)

	c := h.sessionFor(lead.ID)
	home := h.do(c, "GET", "/lead/groups/"+gid, nil)
	wantStatus(t, home, http.StatusOK)
	wantBody(t, home, `href="/lead/groups/`+gid+`/message"`, "Email the people who pledged", "No messages sent yet", "Stop the weekly digest")

	form := h.do(c, "GET", "/lead/groups/"+gid+"/message", nil)
	wantStatus(t, form, http.StatusOK)
	wantBody(t, form, "<strong>2 people</strong>", "1 person who has not confirmed their pledge yet",
		"1 person who asked for no more emails", "whether or not they agreed to hear about the campaign",
		"Lee Lead, a lead of Community pharmacists, writes:")

	// Empty, and too long: refused, field by field, nothing sent.
	bad := h.do(c, "POST", "/lead/groups/"+gid+"/message", url.Values{"subject": {" "}, "body": {""}})
	wantStatus(t, bad, http.StatusUnprocessableEntity)
	wantBody(t, bad, "There is a problem", "Enter subject", "Enter message", `href="#subject"`, `href="#body"`)
	long := h.do(c, "POST", "/lead/groups/"+gid+"/message", url.Values{"subject": {strings.Repeat("s", 121)},
		"body": {strings.Repeat("b", 3001)}, "step": {"send"}})
	wantStatus(t, long, http.StatusUnprocessableEntity)
	wantBody(t, long, "Subject must be 120 characters or fewer", "Message must be 3000 characters or fewer")

	// Check, change, check again, send.
	msg := url.Values{"subject": {"Thank you"}, "body": {"Thank you all.\r\nWe are at 40 pledges.\r\n\r\n<b>Next</b>: the clinic."}}
	check := h.do(c, "POST", "/lead/groups/"+gid+"/message", msg)
	wantStatus(t, check, http.StatusOK)
	key := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(check.body)
	if key == nil {
		t.Fatal("no key on the check page")
	}
	msg.Set("key", key[1])
	wantBody(t, check, "Check your message before sending it", "Send to 2 people", "Community pharmacists: Thank you",
		"Lee Lead, a lead of Community pharmacists, writes:", "Thank you all.<br>We are at 40 pledges.", "&lt;b&gt;Next&lt;/b&gt;")
	msg.Set("step", "change")
	change := h.do(c, "POST", "/lead/groups/"+gid+"/message", msg)
	wantStatus(t, change, http.StatusOK)
	wantBody(t, change, "Email the people who pledged", `value="Thank you"`)
	if outboxCount(t, h) != before {
		t.Fatal("an email went before the message was sent")
	}
	msg.Set("step", "send")
	for range 2 { // a double click: one message
		sent := h.do(c, "POST", "/lead/groups/"+gid+"/message", msg)
		if sent.status != http.StatusSeeOther || sent.location != "/lead/groups/"+gid+"#messages" {
			t.Fatalf("send: %d to %q\n%.2000s", sent.status, sent.location, sent.body)
		}
	}

	var patUnsubscribe string
	for _, to := range []string{"pat@example.org", "sam@example.org"} {
		m, _ := h.waitForEmail(to, "Community pharmacists: Thank you")
		if m.Kind != "group_message" || m.HTML == "" {
			t.Errorf("to %s: kind %q, HTML %d bytes", to, m.Kind, len(m.HTML))
		}
		for _, s := range []string{"Lee Lead, a lead of Community pharmacists, writes:", "Thank you all.\nWe are at 40 pledges.\n\n<b>Next</b>: the clinic.",
			"To stop these emails, open this link:\nhttp://groundswell.test/unsubscribe/"} {
			if !strings.Contains(m.Text, s) {
				t.Errorf("to %s: text lacks %q:\n%s", to, s, m.Text)
			}
		}
		if !strings.Contains(m.HTML, "&lt;b&gt;Next&lt;/b&gt;") || !strings.Contains(m.HTML, "/unsubscribe/") {
			t.Errorf("to %s: HTML\n%s", to, m.HTML)
		}
		if to == "pat@example.org" {
			patUnsubscribe = regexp.MustCompile(`http://groundswell\.test(/unsubscribe/\S+)`).FindStringSubmatch(m.Text)[1]
		}
	}
	// Give any stray email time to arrive, then count: one each, no one else.
	time.Sleep(500 * time.Millisecond)
	got := map[string]int{}
	msgs, err := h.st.Messages(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.Kind == "group_message" {
			got[m.ToEmail]++
		}
	}
	if len(got) != 2 || got["pat@example.org"] != 1 || got["sam@example.org"] != 1 {
		t.Errorf("group message emails: %v, want one each to pat and sam", got)
	}

	// The lead's page lists it.
	home = h.do(c, "GET", "/lead/groups/"+gid, nil)
	wantBody(t, home, "Thank you", "Lee Lead", "2 people")
	if strings.Contains(home.body, "No messages sent yet") {
		t.Error("the sent message is not listed")
	}

	// Pat follows the link in it: the next message will not reach them.
	wantStatus(t, h.do(newClient(), "POST", patUnsubscribe, url.Values{}), http.StatusOK)
	wantBody(t, h.do(c, "GET", "/lead/groups/"+gid+"/message", nil), "<strong>1 person</strong>", "2 people who asked for no more emails")

	// Not the lead of another group.
	oc := h.sessionFor(otherLead.ID)
	wantStatus(t, h.do(oc, "GET", "/lead/groups/"+gid+"/message", nil), http.StatusForbidden)
	msg.Set("key", "another-key-0123456789")
	wantStatus(t, h.do(oc, "POST", "/lead/groups/"+gid+"/message", msg), http.StatusForbidden)
	if sent, _ := h.st.GroupMessages(ctx, f.Group.ID, 10); len(sent) != 1 {
		t.Errorf("%d messages recorded, want 1", len(sent))
	}

	// A group with no one to write to says so, and sends nothing.
	empty := gs.Group{CampaignID: f.Campaign.ID, Name: "Empty", Goal: "None yet."}
	if err := h.st.CreateGroup(ctx, &empty); err != nil {
		t.Fatal(err)
	}
	h.signIn()
	eid := strconv.FormatInt(empty.ID, 10)
	wantBody(t, h.get("/lead/groups/"+eid+"/message"), "No one can receive a message yet")
	res := h.post("/lead/groups/"+eid+"/message", url.Values{"subject": {"Hello"}, "body": {"Anyone?"}, "step": {"send"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "No one can receive a message yet")

	// An organiser who does not lead the group is named as an organiser.
	res = h.post("/lead/groups/"+gid+"/message", url.Values{"subject": {"From the programme team"}, "body": {"Well done."}, "step": {"send"}})
	wantStatus(t, res, http.StatusSeeOther)
	m, _ := h.waitForEmail("sam@example.org", "Community pharmacists: From the programme team")
	if !strings.Contains(m.Text, "Olu Organiser, an organiser of Test call to action, writes:") {
		t.Errorf("organiser's message:\n%s", m.Text)
	}
}

func outboxCount(t *testing.T, h *harness) int {
	t.Helper()
	msgs, err := h.st.Messages(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	return len(msgs)
}

// TestDigestSettings: a lead stops and starts their weekly digest from
// their group's page; the link in a digest stops it without signing in,
// and says so when followed again; an unknown link changes nothing.
func TestDigestSettings(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	gid := strconv.FormatInt(h.f.Group.ID, 10)
	lead, err := h.st.AppointLead(ctx, gs.AppointLeadInput{GroupID: h.f.Group.ID, Email: "lee@example.org", Name: "Lee Lead"})
	if err != nil {
		t.Fatal(err)
	}
	c := h.sessionFor(lead.ID)
	off := func() bool {
		v, err := h.st.DigestOff(ctx, lead.ID)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	res := h.do(c, "POST", "/lead/groups/"+gid+"/digest", url.Values{"digest": {"off"}})
	if res.status != http.StatusSeeOther || res.location != "/lead/groups/"+gid+"#digest" || !off() {
		t.Fatalf("stop: %d to %q, off %v", res.status, res.location, off())
	}
	wantBody(t, h.do(c, "GET", "/lead/groups/"+gid, nil), "Start the weekly digest again")
	wantStatus(t, h.do(c, "POST", "/lead/groups/"+gid+"/digest", url.Values{"digest": {"on"}}), http.StatusSeeOther)
	if off() {
		t.Error("digest not started again")
	}
	wantStatus(t, h.do(c, "POST", "/lead/groups/"+gid+"/digest", url.Values{"digest": {"maybe"}}), http.StatusUnprocessableEntity)

	token, err := h.st.IssueDigestUnsubscribe(ctx, lead.ID)
	if err != nil {
		t.Fatal(err)
	}
	page := h.get("/digest/unsubscribe/" + token)
	wantStatus(t, page, http.StatusOK)
	wantBody(t, page, "Stop the weekly digest", "lee@example.org")
	if page.header.Get("Referrer-Policy") != "no-referrer" || off() {
		t.Errorf("the page changed something, or leaks its address: %v", page.header)
	}
	// One click (RFC 8058): a POST with no cookie and no Origin.
	done := h.do(newClient(), "POST", "/digest/unsubscribe/"+token, url.Values{"List-Unsubscribe": {"One-Click"}})
	wantStatus(t, done, http.StatusOK)
	wantBody(t, done, "You have stopped the weekly digest")
	if !off() {
		t.Error("digest not stopped")
	}
	wantBody(t, h.get("/digest/unsubscribe/"+token), "You have already stopped the weekly digest")
	wantBody(t, h.post("/digest/unsubscribe/"+token, url.Values{}), "You have already stopped the weekly digest")
	wantStatus(t, h.get("/digest/unsubscribe/not-a-token"), http.StatusNotFound)
	wantStatus(t, h.post("/digest/unsubscribe/not-a-token", url.Values{}), http.StatusNotFound)
}
