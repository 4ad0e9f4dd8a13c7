package web_test

import (
	"context"
	"database/sql"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
)

// TestWebhookAdmin: an organiser adds an endpoint, sees its secret once,
// follows its deliveries, sends one again, turns it off and on, changes its
// secret and deletes it; a bad form says what is wrong, by field.
func TestWebhookAdmin(t *testing.T) {
	h := newHarness(t)
	h.signIn()
	ctx := context.Background()
	base := "/admin/campaigns/" + strconv.FormatInt(h.f.Campaign.ID, 10) + "/webhooks"
	wantBody(t, h.get("/admin/campaigns/"+strconv.FormatInt(h.f.Campaign.ID, 10)), base)
	wantBody(t, h.get(base), "No endpoints yet", "A pledge is confirmed by the person who made it (commitment.confirmed)")

	bad := h.post(base+"/new", url.Values{"url": {"http://crm.example.org/hooks"}})
	wantStatus(t, bad, http.StatusUnprocessableEntity)
	wantBody(t, bad, "There is a problem", `href="#url"`, "Web address must start with https://", `href="#events"`, "Select at least one event to send",
		`value="http://crm.example.org/hooks"`)
	notURL := h.post(base+"/new", url.Values{"url": {"crm.example.org"}, "events": {gs.EventCommitmentCreated}})
	wantStatus(t, notURL, http.StatusUnprocessableEntity)
	wantBody(t, notURL, "Enter a web address in the correct format, like https://crm.example.org/hooks/groundswell")

	res := h.post(base+"/new", url.Values{"url": {"https://crm.example.org/hooks"}, "description": {"CRM sync"},
		"events": {gs.EventCommitmentCreated, gs.EventCommitmentConfirmed}})
	wantStatus(t, res, http.StatusCreated)
	if res.header.Get("Cache-Control") != "no-store" {
		t.Errorf("the page with the secret may be cached: %q", res.header.Get("Cache-Control"))
	}
	secret := secretIn(t, res.body)
	list := h.get(base)
	wantBody(t, list, "https://crm.example.org/hooks", "CRM sync", "commitment.created", "commitment.confirmed", "Nothing sent yet")
	if strings.Contains(list.body, secret) {
		t.Error("the list shows the secret again")
	}
	hooks, err := h.st.Webhooks(ctx, h.f.Campaign.ID)
	if err != nil || len(hooks) != 1 {
		t.Fatal(hooks, err)
	}
	hook := hooks[0]

	// A pledge makes a delivery, which the pages show with its message.
	if _, err := h.st.Pledge(ctx, h.f.Pledge("asha@example.org")); err != nil {
		t.Fatal(err)
	}
	wantBody(t, h.get(base), "Waiting", "0 attempts")
	ds, err := h.st.WebhookDeliveries(ctx, store.DeliveryFilter{CampaignID: h.f.Campaign.ID})
	if err != nil || len(ds) != 1 {
		t.Fatal(ds, err)
	}
	send, err := h.st.WebhookDeliveryToSend(ctx, ds[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if send.Secrets[0] != secret {
		t.Error("the secret shown is not the one that signs")
	}
	// The endpoint fails it for good.
	var claims []store.WebhookClaim
	if _, err := h.st.ClaimWebhookDeliveries(ctx, 10, time.Hour, func(_ *sql.Tx, c []store.WebhookClaim) error { claims = c; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := h.st.RecordWebhookAttempt(ctx, claims[0].DeliveryID, store.WebhookAttempt{Attempt: 1, StatusCode: 410, Error: "HTTP 410: gone", GiveUp: true}); err != nil {
		t.Fatal(err)
	}
	endpoint := base + "/" + strconv.FormatInt(hook.ID, 10)
	page := h.get(endpoint)
	wantBody(t, page, "Given up", "1 attempt", "HTTP 410: gone", "commitment.created", `&#34;action_title&#34;: &#34;`+h.f.Actions[0].Title, "Send again")

	replay := h.post(base+"/deliveries/"+strconv.FormatInt(claims[0].DeliveryID, 10)+"/replay", url.Values{})
	wantStatus(t, replay, http.StatusSeeOther)
	if !strings.HasPrefix(replay.location, endpoint+"#delivery-") {
		t.Errorf("after replay, sent to %q", replay.location)
	}
	page = h.get(endpoint)
	wantBody(t, page, "Given up", "Waiting", "(sent again)")

	wantStatus(t, h.post(endpoint+"/disable", url.Values{}), http.StatusSeeOther)
	wantBody(t, h.get(base), "Turned off", "Turn on")
	wantBody(t, h.get(endpoint), "Paused")
	wantStatus(t, h.post(endpoint+"/enable", url.Values{}), http.StatusSeeOther)
	wantBody(t, h.get(base), "Turn off")

	rotated := h.post(endpoint+"/rotate", url.Values{})
	wantStatus(t, rotated, http.StatusOK)
	wantBody(t, rotated, "For the next 24 hours")
	if s := secretIn(t, rotated.body); s == secret || rotated.header.Get("Cache-Control") != "no-store" {
		t.Errorf("rotation showed %q (cache %q)", s, rotated.header.Get("Cache-Control"))
	}

	wantStatus(t, h.post(endpoint+"/delete", url.Values{}), http.StatusSeeOther)
	wantBody(t, h.get(base), "No endpoints yet")
	wantStatus(t, h.get(endpoint), http.StatusNotFound)
}

// secretIn finds the secret a page shows, as a browser shows it (base64's
// "+" is written &#43; in the HTML).
func secretIn(t *testing.T, body string) string {
	t.Helper()
	i := strings.Index(body, gs.WebhookSecretPrefix)
	if i < 0 {
		t.Fatal("no secret shown")
	}
	return html.UnescapeString(body[i : i+strings.IndexAny(body[i:], "<\" ")])
}

// TestWebhookAdminIsForOrganisers: someone not signed in, or signed in but
// not an organiser, can neither see nor add a campaign's endpoints.
func TestWebhookAdminIsForOrganisers(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	base := "/admin/campaigns/" + strconv.FormatInt(h.f.Campaign.ID, 10) + "/webhooks"
	if _, err := h.st.Pledge(ctx, h.f.Pledge("pat@example.org")); err != nil {
		t.Fatal(err)
	}
	participant, err := h.st.SignInUser(ctx, "pat@example.org")
	if err != nil {
		t.Fatal(err)
	}
	token, err := h.st.CreateSession(ctx, participant.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	member := newClient()
	u, _ := url.Parse(h.srv.URL)
	member.Jar.SetCookies(u, []*http.Cookie{{Name: "groundswell_session", Value: token}})
	form := url.Values{"url": {"https://evil.example.org/"}, "events": {gs.EventCommitmentCreated}}

	if res := h.do(newClient(), "POST", base+"/new", form); res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/signin") {
		t.Errorf("signed out: %d to %q", res.status, res.location)
	}
	if res := h.do(member, "POST", base+"/new", form); res.status != http.StatusForbidden {
		t.Errorf("a participant: %d", res.status)
	}
	if res := h.do(member, "GET", base, nil); res.status != http.StatusForbidden {
		t.Errorf("a participant sees the page: %d", res.status)
	}
	if hooks, _ := h.st.Webhooks(ctx, h.f.Campaign.ID); len(hooks) != 0 {
		t.Errorf("an endpoint was added: %+v", hooks)
	}
}
