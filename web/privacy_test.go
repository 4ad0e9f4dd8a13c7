package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
	"github.com/groundswell-health/groundswell/web"
)

// TestPrivacyNotice: the notice is linked from every page's footer and from
// the pledge form, says how long details are kept, and shows the consent
// choices in the same words as the form.
func TestPrivacyNotice(t *testing.T) {
	h := newHarnessWith(t, false, func(o *web.Options) {
		o.Privacy = web.PrivacyOptions{Contact: "NHS Example Trust, data protection officer: dpo@example.nhs.uk", RetainDays: 730}
	})
	wantBody(t, h.get("/"), `href="/privacy">Privacy</a>`)
	consent := gs.CurrentConsent()
	form := h.get(h.pledgePath(h.f.Actions[0].ID))
	wantBody(t, form, `href="/privacy">privacy notice</a>`, consent.WallLabel, consent.ContactLabel, `name="consent_version" value="`+strconv.Itoa(gs.ConsentVersion)+`"`)

	notice := h.get("/privacy")
	wantStatus(t, notice, http.StatusOK)
	wantBody(t, notice, "Privacy notice", "dpo@example.nhs.uk", "for 2 years after it ends", "removed after 7 days",
		consent.WallLabel, consent.ContactLabel, "version "+strconv.Itoa(gs.ConsentVersion), "ico.org.uk", `href="/me/erase"`)
}

// TestPledgeKeepsTheConsentWordingVersion: a pledge made on the form keeps
// the version of the words it was made on; a form opened on older words is
// asked again rather than recorded against words the person did not read.
func TestPledgeKeepsTheConsentWordingVersion(t *testing.T) {
	h := newHarness(t)
	stale := h.validPledge("old@example.org")
	stale.Set("consent_version", strconv.Itoa(gs.ConsentVersion-1))
	res := h.post(h.pledgePath(h.f.Actions[0].ID), stale)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "The wording of “Your choices” has changed", `name="consent_version" value="`+strconv.Itoa(gs.ConsentVersion)+`"`, `value="old@example.org"`)
	if c := count(t, h.st, h.f.Campaign.ID); c.Awaiting != 0 {
		t.Fatalf("a pledge on old words was stored: %+v", c)
	}

	form := h.validPledge("asha@example.org")
	form.Set("consent_version", strconv.Itoa(gs.ConsentVersion))
	wantStatus(t, h.post(h.pledgePath(h.f.Actions[0].ID), form), http.StatusSeeOther)
	sa, err := h.st.SubjectAccess(context.Background(), "asha@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if p := sa.Person; !p.ShowOnWall || p.ConsentVersion != gs.ConsentVersion || p.ConsentAt == nil {
		t.Errorf("stored consent = %+v, want the wall chosen on version %d, with when", p, gs.ConsentVersion)
	}
}

var referenceRE = regexp.MustCompile(`ER-[A-Z0-9]{12}`)

// TestSeeAndEraseMyData: a participant signed in sees everything held about
// them, downloads it as JSON, and erases it: they are signed out, given a
// reference, their sign-in stops working, and the campaign's figures stand.
func TestSeeAndEraseMyData(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	form := h.validPledge("asha@example.org")
	res := h.post(h.pledgePath(h.f.Actions[0].ID), form)
	wantStatus(t, res, http.StatusSeeOther)
	h.confirm(res.location)
	before := count(t, h.st, h.f.Campaign.ID)

	c := h.signedInAs("asha@example.org")
	wantBody(t, h.do(c, "GET", "/me", nil), `href="/me/data"`, `href="/me/erase"`)
	page := h.do(c, "GET", "/me/data", nil)
	wantStatus(t, page, http.StatusOK)
	wantBody(t, page, "Your data", "Asha Patel", "asha@example.org", "Community pharmacist", "My nan stopped talking.",
		"Review antipsychotic prescriptions", gs.CurrentConsent().WallLabel)

	download := h.do(c, "GET", "/me/data.json", nil)
	wantStatus(t, download, http.StatusOK)
	if cd := download.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") {
		t.Errorf("Content-Disposition %q, want a download", cd)
	}
	var sa gs.SubjectAccess
	if err := json.Unmarshal([]byte(download.body), &sa); err != nil {
		t.Fatalf("the download is not JSON: %v\n%s", err, download.body)
	}
	if sa.Person == nil || sa.Person.Email != "asha@example.org" || len(sa.Pledges) != 1 || sa.Pledges[0].WhyItMatters != "My nan stopped talking." {
		t.Errorf("downloaded %+v", sa)
	}

	wantBody(t, h.do(c, "GET", "/me/erase", nil), "Erase your details", "cannot be undone")
	unconfirmed := h.do(c, "POST", "/me/erase", url.Values{})
	wantStatus(t, unconfirmed, http.StatusUnprocessableEntity)
	wantBody(t, unconfirmed, "Tick the box to confirm you want your details erased")
	if _, err := h.st.SubjectAccess(ctx, "asha@example.org"); err != nil {
		t.Fatalf("erased without the box ticked: %v", err)
	}

	done := h.do(c, "POST", "/me/erase", url.Values{"confirm": {"yes"}})
	wantStatus(t, done, http.StatusOK)
	wantBody(t, done, "Your details have been erased", "signed out")
	if !referenceRE.MatchString(done.body) {
		t.Error("no erasure reference on the page")
	}
	if strings.Contains(done.body, "Sign out") {
		t.Error("the page after erasure still shows the person signed in")
	}
	if got := h.do(c, "GET", "/me", nil); got.status != http.StatusSeeOther || !strings.HasPrefix(got.location, "/signin") {
		t.Errorf("after erasure /me: %d to %q, want sign in", got.status, got.location)
	}
	if _, err := h.st.SubjectAccess(ctx, "asha@example.org"); gs.ErrorCode(err) != gs.ENOTFOUND {
		t.Errorf("after erasure: %v, want nothing held", err)
	}
	if after := count(t, h.st, h.f.Campaign.ID); after != before {
		t.Errorf("counts changed: %+v, then %+v", before, after)
	}
	wantBody(t, h.get(h.groupPath()), "1 person")
}

// TestEraseMyselfLeavesNoTrace: a participant who also leads their group —
// pledged and confirmed on the web, wrote to the group as its lead, and was
// thanked by name and address (with a '+', which html/template writes as
// "&#43;") in another lead's message, emailed through the real job queue —
// erases themself, signed in, at /me/erase. Then every column of every
// table, the audit log's and the job queue's included, is searched as
// TestEraseLeavesNoTrace searches it: nothing of their name or address may
// remain. The erasure is in the audit log, naming no one.
func TestEraseMyselfLeavesNoTrace(t *testing.T) {
	h := newMailHarness(t)
	ctx := context.Background()
	const name, email = "Erin Wardlaw", "erin+ward7@example.org"
	needles := []string{name, email, "ward7@example.org"}
	gid := strconv.FormatInt(h.f.Group.ID, 10)

	form := h.validPledge(email)
	form.Set("name", name)
	form.Set("contact_ok", "yes")
	res := h.post(h.pledgePath(h.f.Actions[0].ID), form)
	wantStatus(t, res, http.StatusSeeOther)
	h.confirm(res.location)
	h.confirmedPledge("pat@example.org")
	erin, err := h.st.AppointLead(ctx, gs.AppointLeadInput{GroupID: h.f.Group.ID, Email: email, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	lee, err := h.st.AppointLead(ctx, gs.AppointLeadInput{GroupID: h.f.Group.ID, Email: "lee@example.org", Name: "Lee Lead"})
	if err != nil {
		t.Fatal(err)
	}
	send := func(c *http.Client, subject, body string) {
		t.Helper()
		msg := url.Values{"subject": {subject}, "body": {body}}
		check := h.do(c, "POST", "/lead/groups/"+gid+"/message", msg)
		key := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(check.body)
		if key == nil {
			t.Fatalf("no key on the check page: %d\n%.2000s", check.status, check.body)
		}
		msg.Set("key", key[1])
		msg.Set("step", "send")
		if sent := h.do(c, "POST", "/lead/groups/"+gid+"/message", msg); sent.status != http.StatusSeeOther {
			t.Fatalf("send: %d\n%.2000s", sent.status, sent.body)
		}
	}
	// As a lead, signed in: the audit log records the message as theirs.
	erinSignedIn := h.sessionFor(erin.ID)
	send(erinSignedIn, "Hello from your lead", "We are at 2 pledges.")
	send(h.sessionFor(lee.ID), "Thank you", "Thank you, "+name+". Write to "+email+" to join in.")
	thanks, _ := h.waitForEmail("pat@example.org", "Community pharmacists: Thank you")
	h.waitForEmail("pat@example.org", "Community pharmacists: Hello from your lead")
	if !strings.Contains(thanks.HTML, "erin&#43;ward7@example.org") {
		t.Fatalf("the email's HTML does not escape the address as the test expects:\n%s", thanks.HTML)
	}
	// Every email sent before the erasure (theirs included): one still
	// being written as the erasure commits would be a race, not a trace.
	deadline := time.Now().Add(15 * time.Second)
	for {
		var sending int
		if err := h.st.WriteDB().QueryRowContext(ctx, `SELECT COUNT(*) FROM river_job WHERE kind LIKE 'send%' AND finalized_at IS NULL`).Scan(&sending); err != nil {
			t.Fatal(err)
		}
		if sending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d emails still being sent", sending)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if found := storetest.Traces(t, h.st, needles); !slices.ContainsFunc(found, func(s string) bool { return strings.HasPrefix(s, "audit_log.") }) {
		t.Fatalf("before the erasure the audit log does not name them (%v): the test shows nothing", found)
	}

	// Their copy of what is held lists the changes recorded under their name.
	wantBody(t, h.do(erinSignedIn, "GET", "/me/data", nil), "Changes recorded in the audit log", "Sent – message to a group: Community pharmacists, as group lead")

	done := h.do(erinSignedIn, "POST", "/me/erase", url.Values{"confirm": {"yes"}})
	wantStatus(t, done, http.StatusOK)
	wantBody(t, done, "Your details have been erased")

	for _, found := range storetest.Traces(t, h.st, needles) {
		t.Errorf("after the erasure: %s", found)
	}
	entries, err := h.st.AuditLog(ctx, store.AuditFilter{Object: gs.AuditErasure})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Actor != gs.ErasedPersonActor {
		t.Errorf("the erasure in the audit log: %+v, want it by %+v", entries, gs.ErasedPersonActor)
	}
	h.signIn()
	wantBody(t, h.get("/admin/audit"), "The person erased, member, through the website")
	wantBody(t, h.get("/admin/campaigns/"+strconv.FormatInt(h.f.Campaign.ID, 10)+"/audit"),
		"Someone whose details were erased (user "+strconv.FormatInt(erin.ID, 10)+"), group lead, through the website")
}

// TestOrganiserAnswersARequest: an organiser finds what is held under an
// email (never in a URL), prints or downloads it, and erases it once they
// tick that the person asked; the retention report says who is past the
// period without erasing anyone.
func TestOrganiserAnswersARequest(t *testing.T) {
	h := newHarnessWith(t, false, func(o *web.Options) { o.Privacy.RetainDays = 730 })
	res := h.post(h.pledgePath(h.f.Actions[0].ID), h.validPledge("asha@example.org"))
	wantStatus(t, res, http.StatusSeeOther)
	h.signIn()

	wantBody(t, h.get("/admin/privacy"), "Personal data requests", "Find what we hold", "See who is past the retention period today")
	report := h.get("/admin/privacy?report=retention")
	wantStatus(t, report, http.StatusOK)
	wantBody(t, report, "Past the retention period today", "0 people")

	bad := h.post("/admin/privacy/person", url.Values{"email": {"not an email"}})
	wantStatus(t, bad, http.StatusUnprocessableEntity)
	wantBody(t, bad, "Enter an email address in the correct format")
	unknown := h.post("/admin/privacy/person", url.Values{"email": {"nobody@example.org"}})
	wantStatus(t, unknown, http.StatusNotFound)
	wantBody(t, unknown, "We hold nothing under this email address")

	found := h.post("/admin/privacy/person", url.Values{"email": {"Asha@Example.org"}})
	wantStatus(t, found, http.StatusOK)
	wantBody(t, found, "Data held about asha@example.org", "Asha Patel", "My nan stopped talking.", "Erase their details")
	download := h.post("/admin/privacy/person.json", url.Values{"email": {"asha@example.org"}})
	wantStatus(t, download, http.StatusOK)
	var sa gs.SubjectAccess
	if err := json.Unmarshal([]byte(download.body), &sa); err != nil || sa.Person == nil || sa.Person.Name != "Asha Patel" {
		t.Errorf("JSON download: %v, %+v", err, sa.Person)
	}

	unticked := h.post("/admin/privacy/erase", url.Values{"email": {"asha@example.org"}})
	wantStatus(t, unticked, http.StatusUnprocessableEntity)
	wantBody(t, unticked, "Tick the box to confirm the person asked")
	erased := h.post("/admin/privacy/erase", url.Values{"email": {"asha@example.org"}, "confirm": {"yes"}})
	wantStatus(t, erased, http.StatusOK)
	wantBody(t, erased, "Their details have been erased", "1 pledge stays")
	if !referenceRE.MatchString(erased.body) {
		t.Error("no erasure reference on the page")
	}
	wantStatus(t, h.post("/admin/privacy/person", url.Values{"email": {"asha@example.org"}}), http.StatusNotFound)
}

// formClock is a clock a test moves on.
type formClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *formClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *formClock) wait(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

var startedRE = regexp.MustCompile(`name="started" value="([^"]*)"`)

// TestFormsKeepProgramsOut: the pledge form sent back faster than a person
// fills it in, or with its hidden field filled, or with a time that is not
// ours, is shown again with what was typed and a calm request to press again,
// and nothing is stored; pressed again later, it goes. The sign-in link form
// does the same.
func TestFormsKeepProgramsOut(t *testing.T) {
	h := newHarnessWith(t, true, func(o *web.Options) { o.Privacy.MinFillTime = 5 * time.Second })
	clock := &formClock{now: time.Now()}
	h.server.SetFormClock(clock.Now)

	started := func(path string) string {
		t.Helper()
		m := startedRE.FindStringSubmatch(h.get(path).body)
		if m == nil || m[1] == "" {
			t.Fatalf("%s has no signed time", path)
		}
		return m[1]
	}
	path := h.pledgePath(h.f.Actions[0].ID)
	form := h.validPledge("asha@example.org")
	form.Set("started", started(path))
	refused := func(res response, why string) {
		t.Helper()
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantBody(t, res, "Please check your details and press the button again", "Nothing has been saved yet", `value="asha@example.org"`)
		if c := count(t, h.st, h.f.Campaign.ID); c.Awaiting != 0 {
			t.Fatalf("%s: a pledge was stored", why)
		}
	}

	fast := h.post(path, form)
	refused(fast, "too fast")
	if m := startedRE.FindStringSubmatch(fast.body); m == nil || m[1] != form.Get("started") {
		t.Error("the form shown again lost its first time: a quick person would have to wait all over again")
	}

	clock.wait(6 * time.Second)
	honeypot := url.Values{}
	for k, v := range form {
		honeypot[k] = v
	}
	honeypot.Set("website", "http://spam.example")
	refused(h.post(path, honeypot), "honeypot")

	forged := url.Values{}
	for k, v := range form {
		forged[k] = v
	}
	ms, mac, _ := strings.Cut(form.Get("started"), ".")
	n, _ := strconv.ParseInt(ms, 10, 64)
	forged.Set("started", strconv.FormatInt(n-60_000, 10)+"."+mac)
	refused(h.post(path, forged), "forged time")
	forged.Del("started")
	refused(h.post(path, forged), "no time")

	wantStatus(t, h.post(path, form), http.StatusSeeOther)

	signin := url.Values{"email": {"asha@example.org"}, "started": {started("/signin/email")}}
	res := h.post("/signin/email", signin)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "Please check your details and press the button again")
	clock.wait(6 * time.Second)
	wantBody(t, h.post("/signin/email", signin), "Check your email")
}
