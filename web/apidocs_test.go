package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	gs "github.com/groundswell-health/groundswell"
)

func TestAPIDocsPageListsEveryOperation(t *testing.T) {
	h := newHarness(t)
	res := h.get("/api/docs")
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "GET /api/v1/commitments", "POST /api/v1/commitments", "POST /api/v1/osdi/petitions/{id}/signatures",
		"Idempotency-Key", `href="/api/v1/openapi.json"`, `id="schema-PledgeInput"`)
	if strings.Contains(res.body, `src="http`) {
		t.Error("the API reference loads something from another site; it should be served whole from here")
	}
}

// TestAPIIgnoresSessions checks the API is mounted, answers with its own
// problem documents, and that a signed-in organiser's cookie is no key to
// it: only a token is.
func TestAPIIgnoresSessions(t *testing.T) {
	h := newHarness(t)
	h.signIn()
	res := h.get("/api/v1/groups")
	wantStatus(t, res, http.StatusUnauthorized)
	if ct := res.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q, want application/problem+json", ct)
	}
	// A token made on the tokens page works.
	res = h.post(fmt.Sprintf("/admin/campaigns/%d/tokens/new", h.f.Campaign.ID), url.Values{"name": {"Script"}, "scope": {gs.ScopeRead}})
	wantStatus(t, res, http.StatusCreated)
	i := strings.Index(res.body, gs.APITokenPrefix)
	if i < 0 {
		t.Fatal("the new token is not shown")
	}
	secret := res.body[i : i+len(gs.APITokenPrefix)+52]
	res = h.do(newClient(), http.MethodGet, "/api/v1/groups", nil, "Authorization", "Bearer "+secret)
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, h.f.Group.Name)
	if _, err := h.st.APITokens(context.Background(), h.f.Campaign.ID); err != nil {
		t.Fatal(err)
	}
}
