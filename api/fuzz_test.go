package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/groundswell-health/groundswell/ratelimit"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// The fuzz tests feed arbitrary bodies to the API's JSON decoders, through
// the whole handler and a real store: whatever arrives, the answer is a
// success or a problem document naming what was wrong — never a 500, never
// a panic. Their seeds, and any input that once failed, are kept in
// testdata/fuzz and run by every `go test`; `go test -fuzz FuzzPledgeBody
// ./api` explores further.

func fuzzPost(f *testing.F, name string, path func(h *harness) string, seeds []string) {
	for _, s := range seeds {
		f.Add(s)
	}
	// One store for every input: a store per input would make fuzzing crawl.
	h := newHarness(f, storetest.Open(f), ratelimit.Limit{})
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, path(h), strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+h.write)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.api.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK, http.StatusCreated:
			var v map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
				t.Fatalf("%s: %d with a body that is not JSON: %v", name, rec.Code, err)
			}
		case http.StatusBadRequest, http.StatusConflict, http.StatusRequestEntityTooLarge:
			var p struct {
				Status int    `json:"status"`
				Detail string `json:"detail"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Status != rec.Code || p.Detail == "" {
				t.Fatalf("%s: %d without a problem document: %s", name, rec.Code, rec.Body)
			}
		default:
			t.Fatalf("%s: body %q answered %d: %s", name, body, rec.Code, rec.Body)
		}
	})
}

func FuzzPledgeBody(f *testing.F) {
	seeds := []string{
		`{"action_id": 1, "name": "Ann", "email": "ann@example.org", "profession": "GP", "area_id": 5}`,
		`{"action_id": 1, "name": "Ann", "email": "ann@example.org", "profession": "GP", "area_id": 5, "hours": 1e308}`,
		`{"action_id": "1"}`, `{"action_id": 1, "extra": {}}`, `[]`, `null`, `{`, `{"name": "\u0000"}`,
		`{"action_id": 1, "name": "Ann", "email": "ann@example.org", "profession": "GP", "area_id": 5, "on_behalf": "cared_for", "referral_code": "ZZZZZZZZZZ"}`,
	}
	fuzzPost(f, "pledge", func(h *harness) string { return "/api/v1/commitments" }, seeds)
}

func FuzzOSDISignatureBody(f *testing.F) {
	seeds := []string{
		`{"person": {"given_name": "Fran", "email_addresses": [{"address": "fran@example.org"}], "custom_fields": {"profession": "Nurse", "area_code": "E40000003"}}}`,
		`{"person": {"given_name": "Fran", "email_addresses": [], "custom_fields": {}}}`,
		`{"person": null}`, `{"add_tags": ["x"]}`, `{"person": {"email_addresses": [{"address": 7}]}}`,
	}
	fuzzPost(f, "signature", func(h *harness) string { return fmt.Sprintf("/api/v1/osdi/petitions/%d/signatures", h.f.Actions[0].ID) }, seeds)
}
