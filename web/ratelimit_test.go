package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/ratelimit"
	"github.com/groundswell-health/groundswell/web"
)

func pledgePath(h *harness, action int) string {
	return "/campaigns/" + h.f.Campaign.Slug + "/actions/" + strconv.FormatInt(h.f.Actions[action].ID, 10) + "/pledge"
}

// TestPledgeRateLimits: past its limit, a sender's pledges are refused with
// 429, a Retry-After and a page that says why, and nothing is stored; other
// senders are not affected.
func TestPledgeRateLimits(t *testing.T) {
	h := newHarnessWith(t, false, func(o *web.Options) {
		o.Limits = web.Limits{PledgePerIP: ratelimit.Limit{N: 3, Per: 10 * time.Minute}, PledgePerEmail: ratelimit.Limit{N: 1, Per: time.Hour}}
	})
	wantStatus(t, h.post(pledgePath(h, 0), h.validPledge("asha@example.org")), http.StatusSeeOther)
	again := h.post(pledgePath(h, 1), h.validPledge("ASHA@example.org"))
	wantStatus(t, again, http.StatusTooManyRequests)
	wantBody(t, again, "too many pledges for this email address", "Nothing you entered has been saved")
	if n, err := strconv.Atoi(again.header.Get("Retry-After")); err != nil || n < 1 || n > 3600 {
		t.Errorf("Retry-After %q, want seconds up to an hour", again.header.Get("Retry-After"))
	}
	wantStatus(t, h.post(pledgePath(h, 1), h.validPledge("ben@example.org")), http.StatusSeeOther)
	// The refused pledge counted against the address too: this is the fourth.
	res := h.post(pledgePath(h, 1), h.validPledge("cat@example.org"))
	wantStatus(t, res, http.StatusTooManyRequests)
	wantBody(t, res, "too many pledges from your network")
	if c := count(t, h.st, h.f.Campaign.ID); c.Awaiting != 2 {
		t.Errorf("%d pledges stored, want the 2 let through", c.Awaiting)
	}
}

// TestSigninRateLimits: after too many attempts on an account even the
// right password waits; a request for a sign-in link is limited the same.
func TestSigninRateLimits(t *testing.T) {
	h := newHarnessWith(t, false, func(o *web.Options) {
		o.Limits = web.Limits{SigninPerAccount: ratelimit.Limit{N: 2, Per: 15 * time.Minute}}
	})
	hash, err := web.HashPassword("correct horse battery", 4)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.st.CreateUser(context.Background(), &gs.User{Email: "olu@example.org", Name: "Olu", Role: gs.RoleOrganiser, PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		wantStatus(t, h.post("/signin", url.Values{"email": {"olu@example.org"}, "password": {"guess"}}), http.StatusUnprocessableEntity)
	}
	res := h.post("/signin", url.Values{"email": {"olu@example.org"}, "password": {"correct horse battery"}})
	wantStatus(t, res, http.StatusTooManyRequests)
	wantBody(t, res, "too many attempts to sign in for this email address")
	wantStatus(t, h.post("/signin/email", url.Values{"email": {"olu@example.org"}}), http.StatusTooManyRequests)
}

// TestClientAddressBehindAProxy: X-Forwarded-For is believed only when the
// installation says a proxy sets it, and then its last entry, the one the
// proxy appended.
func TestClientAddressBehindAProxy(t *testing.T) {
	for _, trust := range []bool{false, true} {
		h := newHarnessWith(t, false, func(o *web.Options) {
			o.Limits = web.Limits{PledgePerIP: ratelimit.Limit{N: 1, Per: time.Hour}, TrustProxy: trust}
		})
		send := func(email, xff string) int {
			return h.do(h.client, "POST", pledgePath(h, 0), h.validPledge(email), "X-Forwarded-For", xff).status
		}
		first := send("a@example.org", "203.0.113.1, 10.0.0.1")
		// A sender rewriting the header's first entry is still the address
		// the proxy saw last.
		spoofed := send("b@example.org", "198.51.100.7, 10.0.0.1")
		other := send("c@example.org", "203.0.113.1, 10.0.0.2")
		if first != http.StatusSeeOther || spoofed != http.StatusTooManyRequests {
			t.Errorf("trust proxy %v: first %d, spoofed first entry %d; want 303 then 429", trust, first, spoofed)
		}
		if trust && other != http.StatusSeeOther {
			t.Errorf("behind a proxy, another client (10.0.0.2) was refused: %d", other)
		}
		if !trust && other != http.StatusTooManyRequests {
			t.Errorf("without a proxy, the header changed the address: %d", other)
		}
	}
}
