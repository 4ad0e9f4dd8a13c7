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

func (h *harness) pledgePath(actionID int64) string {
	return "/campaigns/" + h.f.Campaign.Slug + "/actions/" + strconv.FormatInt(actionID, 10) + "/pledge"
}

func (h *harness) validPledge(email string) url.Values {
	return url.Values{
		"name": {"Asha Patel"}, "email": {email}, "profession": {"Community pharmacist"},
		"organisation_id": {strconv.FormatInt(h.f.Org.ID, 10)}, "area_id": {strconv.FormatInt(h.f.AreaID, 10)},
		"why": {"My nan stopped talking."}, "hours": {"3"}, "show_on_wall": {"yes"},
	}
}

// confirm follows a confirmation link for the pledge whose receipt is at
// location, as its owner would from the email.
func (h *harness) confirm(location string) {
	h.t.Helper()
	ctx := context.Background()
	rc, err := h.st.Receipt(ctx, strings.TrimPrefix(location, "/pledges/"))
	if err != nil {
		h.t.Fatal(err)
	}
	token, err := h.st.IssueToken(ctx, gs.TokenConfirm, rc.Commitment.ID, rc.Person.Email, time.Hour)
	if err != nil {
		h.t.Fatal(err)
	}
	wantBody(h.t, h.get("/confirm/"+token), "Confirm my pledge")
	res := h.post("/confirm/"+token, url.Values{})
	if res.status != http.StatusSeeOther || res.location != location {
		h.t.Fatalf("confirm: %d to %q, want the receipt %q", res.status, res.location, location)
	}
}

var inviteLink = regexp.MustCompile(`value="(http://[^"]+/join/([0-9A-Z]+))"`)

func TestPledgeJourney(t *testing.T) {
	h := newHarness(t)
	form := h.get(h.pledgePath(h.f.Actions[0].ID))
	wantStatus(t, form, http.StatusOK)
	wantBody(t, form, "Pledge: Review antipsychotic prescriptions", "Riverside Pharmacy", `name="submission"`)

	res := h.post(h.pledgePath(h.f.Actions[0].ID), h.validPledge("asha@example.org"))
	wantStatus(t, res, http.StatusSeeOther)
	if !strings.HasPrefix(res.location, "/pledges/") {
		t.Fatalf("redirected to %q, want the receipt", res.location)
	}
	receipt := h.get(res.location)
	wantStatus(t, receipt, http.StatusOK)
	wantBody(t, receipt, "Thank you for your pledge", "Check your email", "Review antipsychotic prescriptions", "31 March 2027", "My nan stopped talking.")
	if c := count(t, h.st, h.f.Campaign.ID); c.People != 0 || c.Awaiting != 1 {
		t.Errorf("before confirmation, counts = %+v", c)
	}
	h.confirm(res.location)
	wantBody(t, h.get(res.location), "Your pledge is confirmed")
	if receipt.header.Get("Cache-Control") != "no-store" {
		t.Errorf("receipt may be cached: %q", receipt.header.Get("Cache-Control"))
	}
	m := inviteLink.FindStringSubmatch(receipt.body)
	if m == nil {
		t.Fatal("receipt has no invite link")
	}
	code := m[2]

	// The invite link leads to the campaign's groups, carrying the code.
	invite := h.get(strings.TrimPrefix(m[1], h.srv.URL))
	wantStatus(t, invite, http.StatusOK)
	wantBody(t, invite, "Asha Patel has invited you", "?ref="+code)
	group := h.get("/campaigns/" + h.f.Campaign.Slug + "/groups/" + h.f.Group.Slug + "?ref=" + code)
	wantBody(t, group, "/pledge?ref="+code, "Asha Patel")
	invitedForm := h.get(h.pledgePath(h.f.Actions[0].ID) + "?ref=" + code)
	wantBody(t, invitedForm, "You were invited by Asha Patel", `value="`+code+`"`)

	second := h.validPledge("ben@example.org")
	second.Set("name", "Ben Okafor")
	second.Set("ref", code)
	res = h.post(h.pledgePath(h.f.Actions[0].ID), second)
	wantStatus(t, res, http.StatusSeeOther)
	h.confirm(res.location)
	c := count(t, h.st, h.f.Campaign.ID)
	if c.People != 2 || c.Commitments != 2 || c.Relationships != 1 {
		t.Errorf("after invited pledge, counts = %+v", c)
	}
	campaign := h.get("/campaigns/" + h.f.Campaign.Slug)
	wantBody(t, campaign, "People committed</dt><dd>2</dd>", "Commitments made</dt><dd>2</dd>")
}

func TestPledgeFormShowsErrorsAndKeepsValues(t *testing.T) {
	h := newHarness(t)
	long := strings.Repeat("x", 1001)
	cases := []struct {
		name, field, value, message string
	}{
		{"empty name", "name", "", "Enter your name"},
		{"long name", "name", strings.Repeat("n", 101), "Your name must be 100 characters or fewer"},
		{"empty email", "email", "", "Enter your email address"},
		{"invalid email", "email", "asha.example.org", "Enter an email address in the correct format"},
		{"long email", "email", strings.Repeat("e", 250) + "@example.org", "Email address must be 254 characters or fewer"},
		{"empty profession", "profession", "", "Enter your role or profession"},
		{"long profession", "profession", strings.Repeat("p", 101), "Your role or profession must be 100 characters or fewer"},
		{"control characters", "name", "Asha\x07Patel", "Your name must not contain control characters"},
		{"long organisation", "organisation_name", strings.Repeat("o", 201), "Organisation must be 200 characters or fewer"},
		{"organisation not a number", "organisation_id", "abc", "Select an organisation from the list"},
		{"unknown organisation", "organisation_id", "987654", "Select an organisation from the list"},
		{"no area", "area_id", "", "Select the area where you work or live"},
		{"unknown area", "area_id", "987654", "Select the area where you work or live"},
		{"long why", "why", long, "Why it matters to you must be 1000 characters or fewer"},
		{"hours text", "hours", "loads", "Hours must be a number"},
		{"hours too many", "hours", "5000", "Hours must be between 0 and 1,000"},
		{"unknown on behalf", "on_behalf", "everyone", "Choose who the pledge is for"},
		{"tampered referral", "ref", "ZZZZZZZZZZ", "The invite link you followed is not recognised"},
		{"malformed referral", "ref", "<script>", "The invite link you followed is not recognised"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			form := h.validPledge("keep.me@example.org")
			form.Set(tc.field, tc.value)
			res := h.post(h.pledgePath(h.f.Actions[0].ID), form)
			wantStatus(t, res, http.StatusUnprocessableEntity)
			wantBody(t, res, "<title>Error: ", "There is a problem", `href="#`+tc.field+`"`, `id="`+tc.field+`-error"`, tc.message)
			if tc.field != "email" {
				wantBody(t, res, `value="keep.me@example.org"`)
			}
			if c := count(t, h.st, h.f.Campaign.ID); c.Awaiting != 0 || c.Commitments != 0 {
				t.Errorf("bad input stored: %+v", c)
			}
		})
	}
}

func TestPledgeFormWarnsOfAnUnknownInviteCodeAtOnce(t *testing.T) {
	h := newHarness(t)
	res := h.get(h.pledgePath(h.f.Actions[0].ID) + "?ref=ZZZZZZZZZZ")
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "The invite link you followed is not recognised", `value="ZZZZZZZZZZ"`)
	if strings.Contains(res.body, "You were invited by") {
		t.Error("an unknown code names an inviter")
	}
}

func TestPledgeToUnknownActionIsNotFound(t *testing.T) {
	h := newHarness(t)
	for _, path := range []string{h.pledgePath(987654), "/campaigns/" + h.f.Campaign.Slug + "/actions/abc/pledge", "/campaigns/nope/actions/1/pledge"} {
		res := h.post(path, h.validPledge("asha@example.org"))
		wantStatus(t, res, http.StatusNotFound)
		wantBody(t, res, "Page not found")
		if strings.Contains(res.body, "goroutine") || strings.Contains(res.body, ".go:") {
			t.Errorf("404 page leaks internals")
		}
	}
	if c := count(t, h.st, h.f.Campaign.ID); c.Awaiting != 0 {
		t.Errorf("stored %d commitments", c.Awaiting)
	}
}

func TestTeamPledgesAreCountedApart(t *testing.T) {
	h := newHarness(t)
	form := h.validPledge("asha@example.org")
	form.Set("on_behalf", "team")
	res := h.post(h.pledgePath(h.f.Actions[0].ID), form)
	wantStatus(t, res, http.StatusSeeOther)
	h.confirm(res.location)
	wantBody(t, h.get(res.location), "Made for</dt><dd class=\"nhsuk-summary-list__value\">My team")
	c := count(t, h.st, h.f.Campaign.ID)
	if c.Commitments != 1 || c.Team != 1 || c.Organisational != 0 {
		t.Errorf("counts = %+v, want one team commitment", c)
	}
	wantBody(t, h.get("/campaigns/"+h.f.Campaign.Slug), "1 was made for a team")
}

func TestPledgeTwiceSaysAlreadyPledged(t *testing.T) {
	h := newHarness(t)
	wantStatus(t, h.post(h.pledgePath(h.f.Actions[0].ID), h.validPledge("asha@example.org")), http.StatusSeeOther)
	res := h.post(h.pledgePath(h.f.Actions[0].ID), h.validPledge("Asha@Example.org"))
	wantStatus(t, res, http.StatusConflict)
	wantBody(t, res, "This email address has already pledged to this action")
	if c := count(t, h.st, h.f.Campaign.ID); c.Awaiting != 1 {
		t.Errorf("commitments = %d, want 1", c.Awaiting)
	}
}

func TestDoubleSubmittedFormMakesOnePledge(t *testing.T) {
	h := newHarness(t)
	form := h.validPledge("asha@example.org")
	form.Set("submission", "k3y-from-the-rendered-form")
	first := h.post(h.pledgePath(h.f.Actions[0].ID), form)
	second := h.post(h.pledgePath(h.f.Actions[0].ID), form)
	wantStatus(t, first, http.StatusSeeOther)
	wantStatus(t, second, http.StatusSeeOther)
	if first.location != second.location {
		t.Errorf("second submission went to %q, first to %q", second.location, first.location)
	}
	if c := count(t, h.st, h.f.Campaign.ID); c.Awaiting != 1 {
		t.Errorf("commitments = %d, want 1", c.Awaiting)
	}
}

func TestPledgeFormRefusesOversizedBody(t *testing.T) {
	h := newHarness(t)
	form := h.validPledge("asha@example.org")
	form.Set("why", strings.Repeat("a", 100<<10))
	res := h.post(h.pledgePath(h.f.Actions[0].ID), form)
	if res.status < 400 || res.status >= 500 {
		t.Errorf("oversized form: status %d", res.status)
	}
	if c := count(t, h.st, h.f.Campaign.ID); c.Awaiting != 0 {
		t.Errorf("stored %d commitments", c.Awaiting)
	}
}

func TestUserTextIsEscaped(t *testing.T) {
	h := newHarness(t)
	form := h.validPledge("mallory@example.org")
	form.Set("name", `<script>alert(1)</script>`)
	form.Set("why", `"><img src=x onerror=alert(1)>`)
	res := h.post(h.pledgePath(h.f.Actions[0].ID), form)
	wantStatus(t, res, http.StatusSeeOther)
	h.confirm(res.location)
	for _, page := range []response{h.get(res.location), h.get("/campaigns/" + h.f.Campaign.Slug + "/groups/" + h.f.Group.Slug)} {
		if strings.Contains(page.body, "<script>alert") || strings.Contains(page.body, "<img src=x") {
			t.Errorf("user text rendered as HTML")
		}
		wantBody(t, page, "&lt;script&gt;alert(1)&lt;/script&gt;")
	}
}
