package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/api"
	"github.com/groundswell-health/groundswell/ratelimit"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// harness is the API on a real store, served over HTTP, with a read-only
// and a read-write token for the fixture campaign.
type harness struct {
	t         testing.TB
	st        *store.Store
	f         storetest.Fixture
	srv       *httptest.Server
	api       *api.API
	organiser gs.User
	read      string
	write     string
	schemas   *schemaChecker
}

func newHarness(t testing.TB, st *store.Store, perToken ratelimit.Limit) *harness {
	t.Helper()
	ctx := context.Background()
	h := &harness{t: t, st: st, f: storetest.Seed(t, st)}
	h.organiser = gs.User{Email: "organiser@example.org", Name: "Olu Organiser", Role: gs.RoleOrganiser, PasswordHash: "x"}
	if err := st.CreateUser(ctx, &h.organiser); err != nil {
		t.Fatal(err)
	}
	var err error
	h.read, err = st.CreateAPIToken(ctx, &gs.APIToken{CampaignID: h.f.Campaign.ID, UserID: h.organiser.ID, Name: "CRM sync", Scope: gs.ScopeRead})
	if err != nil {
		t.Fatal(err)
	}
	h.write, err = st.CreateAPIToken(ctx, &gs.APIToken{CampaignID: h.f.Campaign.ID, UserID: h.organiser.ID, Name: "Pledge push", Scope: gs.ScopeWrite})
	if err != nil {
		t.Fatal(err)
	}
	h.api = api.New(api.Options{Store: st, Logger: slog.New(slog.DiscardHandler), PerToken: perToken})
	h.srv = httptest.NewServer(h.api)
	t.Cleanup(h.srv.Close)
	h.schemas = newSchemaChecker(t, h.api)
	return h
}

// response is an answer of the API, its body decoded.
type response struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

// call makes a request with a token ("" for none) and a body (a string is
// sent as it is; anything else as JSON), and checks the answer against the
// OpenAPI document.
func (h *harness) call(method, path, token string, body any, headers ...string) response {
	h.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	if !strings.HasPrefix(path, "http") {
		path = h.srv.URL + path
	}
	req, err := http.NewRequest(method, path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := h.srv.Client().Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	out := response{status: res.StatusCode, header: res.Header, raw: raw}
	if len(raw) > 0 && strings.Contains(res.Header.Get("Content-Type"), "json") {
		if err := json.Unmarshal(raw, &out.body); err != nil {
			h.t.Fatalf("%s %s: body is not a JSON object: %v\n%s", method, path, err, raw)
		}
	}
	h.schemas.check(h.t, method, req.URL.Path, out)
	return out
}

// get is a GET with the read-only token that must answer 200.
func (h *harness) get(path string) map[string]any {
	h.t.Helper()
	r := h.call(http.MethodGet, path, h.read, nil)
	if r.status != http.StatusOK {
		h.t.Fatalf("GET %s: %d\n%s", path, r.status, r.raw)
	}
	return r.body
}

// items is a page's items.
func items(body map[string]any) []map[string]any {
	var out []map[string]any
	list, _ := body["items"].([]any)
	for _, v := range list {
		out = append(out, v.(map[string]any))
	}
	return out
}

// problem checks an answer is a problem document with the status, and
// returns the locations its errors name.
func (r response) problem(t *testing.T, status int) []string {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d\n%s", r.status, status, r.raw)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q, want application/problem+json", ct)
	}
	if r.body["status"] != float64(status) || r.body["detail"] == "" || r.body["title"] == "" {
		t.Errorf("problem document lacks status, title or detail: %s", r.raw)
	}
	var locs []string
	errs, _ := r.body["errors"].([]any)
	for _, e := range errs {
		if loc, _ := e.(map[string]any)["location"].(string); loc != "" {
			locs = append(locs, loc)
		}
	}
	return locs
}
