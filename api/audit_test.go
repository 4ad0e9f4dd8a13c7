package api_test

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"testing"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/ratelimit"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// TestAuditLogThroughTheAPI: a change made through the API is in the
// campaign's audit log as the token's organiser's, and the log reads a page
// at a time, oldest first, filtered by kind and time — the token's campaign
// only.
func TestAuditLogThroughTheAPI(t *testing.T) {
	h := newHarness(t, storetest.Open(t), ratelimit.Limit{})
	ctx := context.Background()
	var writeToken int64
	tokens, err := h.st.APITokens(ctx, h.f.Campaign.ID)
	must(t, err)
	for _, tok := range tokens {
		if tok.Scope == gs.ScopeWrite {
			writeToken = tok.ID
		}
	}

	if r := h.call(http.MethodPost, "/api/v1/milestones", h.write, map[string]any{"title": "Launch", "on": "2026-02-01"}); r.status != http.StatusCreated {
		t.Fatalf("create milestone: %d %s", r.status, r.raw)
	}
	list := items(h.get("/api/v1/audit?object=milestone"))
	if len(list) != 1 {
		t.Fatalf("%d milestone entries, want 1", len(list))
	}
	e := list[0]
	actor, _ := e["actor"].(map[string]any)
	after, _ := e["after"].(map[string]any)
	if actor["name"] != "Olu Organiser" || actor["email"] != "organiser@example.org" || actor["role"] != "organiser" ||
		actor["via"] != "api token "+strconv.FormatInt(writeToken, 10) || actor["user_id"] != float64(h.organiser.ID) {
		t.Errorf("actor %v", actor)
	}
	if e["verb"] != "create" || e["object"] != "milestone" || e["label"] != "Launch" || after["on"] != "2026-02-01" || e["before"] != nil {
		t.Errorf("entry %v", e)
	}

	// Every entry, two at a time, oldest first; each once.
	var ids []float64
	next := "/api/v1/audit?limit=2"
	for next != "" {
		body := h.get(next)
		for _, e := range items(body) {
			ids = append(ids, e["id"].(float64))
			if e["campaign_id"] != float64(h.f.Campaign.ID) {
				t.Errorf("entry of another campaign: %v", e)
			}
		}
		next, _ = body["next"].(string)
	}
	// The fixture's campaign, group, two actions and alliance member, two
	// tokens, and the milestone.
	if len(ids) != 8 || !slices.IsSorted(ids) || len(slices.Compact(slices.Clone(ids))) != len(ids) {
		t.Errorf("ids %v, want 8 in order", ids)
	}

	// Another campaign's changes are not this token's to read.
	other := gs.Campaign{Title: "Another call", Purpose: "Other.", StartsOn: gs.MustDate("2026-01-01"), Status: gs.CampaignLive}
	must(t, h.st.CreateCampaign(ctx, &other))
	if n := len(items(h.get("/api/v1/audit?object=campaign"))); n != 1 {
		t.Errorf("%d campaign entries, want this campaign's one", n)
	}

	if n := len(items(h.get("/api/v1/audit?since=2999-01-01T00:00:00Z"))); n != 0 {
		t.Errorf("%d entries from the future", n)
	}
	h.call(http.MethodGet, "/api/v1/audit?since=yesterday", h.read, nil).problem(t, http.StatusBadRequest)
	h.call(http.MethodGet, "/api/v1/audit?object=pledge", h.read, nil).problem(t, http.StatusBadRequest)
}

// The API's lists of kinds of object and of verbs are the domain's.
func TestAuditObjectsInTheDocument(t *testing.T) {
	h := newHarness(t, storetest.Open(t), ratelimit.Limit{})
	doc := h.api.OpenAPI()
	strs := func(enum []any) []string {
		var out []string
		for _, v := range enum {
			out = append(out, v.(string))
		}
		return out
	}
	found := false
	for _, p := range doc.Paths["/audit"].Get.Parameters {
		if p.Name == "object" {
			found = true
			if got := strs(p.Schema.Enum); !slices.Equal(got, gs.AuditObjects) {
				t.Errorf("the document's objects %v, want %v", got, gs.AuditObjects)
			}
		}
	}
	if !found {
		t.Error("no object parameter")
	}
	entry := doc.Components.Schemas.Map()["AuditEntry"]
	if entry == nil || entry.Properties["verb"] == nil {
		t.Fatal("no AuditEntry schema with a verb")
	}
	if got := strs(entry.Properties["verb"].Enum); !slices.Equal(got, gs.AuditVerbs) {
		t.Errorf("the document's verbs %v, want %v", got, gs.AuditVerbs)
	}
}
