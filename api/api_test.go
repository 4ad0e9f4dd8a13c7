package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/ratelimit"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

func TestTokensGuardTheAPI(t *testing.T) {
	h := newHarness(t, storetest.Open(t), ratelimit.Limit{})
	ctx := context.Background()

	r := h.call(http.MethodGet, "/api/v1/groups", "", nil)
	r.problem(t, http.StatusUnauthorized)
	if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("no token: WWW-Authenticate %q", r.header.Get("WWW-Authenticate"))
	}
	h.call(http.MethodGet, "/api/v1/groups", "gsk_notatoken", nil).problem(t, http.StatusUnauthorized)
	h.call(http.MethodGet, "/api/v1/groups", "", nil, "Authorization", "Basic dXNlcjpwYXNz").problem(t, http.StatusUnauthorized)

	// OSDI clients send the token in their own header.
	if r := h.call(http.MethodGet, "/api/v1/groups", "", nil, "OSDI-API-Token", h.read); r.status != http.StatusOK {
		t.Errorf("OSDI-API-Token header: %d", r.status)
	}

	// A read-only token may not write.
	r = h.call(http.MethodPost, "/api/v1/milestones", h.read, map[string]any{"title": "Launch", "on": "2026-02-01"})
	r.problem(t, http.StatusForbidden)
	if ms, _ := h.st.Milestones(ctx, h.f.Campaign.ID); len(ms) != 0 {
		t.Errorf("a read-only token wrote %d milestones", len(ms))
	}

	// A revoked token stops at once.
	tokens, err := h.st.APITokens(ctx, h.f.Campaign.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range tokens {
		if tok.Scope == gs.ScopeRead {
			if err := h.st.RevokeAPIToken(ctx, h.f.Campaign.ID, tok.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	h.call(http.MethodGet, "/api/v1/groups", h.read, nil).problem(t, http.StatusUnauthorized)

	// A token stops working when its maker is no longer an organiser: the
	// web pages' rule.
	if _, err := h.st.WriteDB().ExecContext(ctx, `UPDATE users SET role = 'former' WHERE id = `+strconv.FormatInt(h.organiser.ID, 10)); err != nil {
		t.Fatal(err)
	}
	h.call(http.MethodGet, "/api/v1/groups", h.write, nil).problem(t, http.StatusForbidden)
}

func TestTokensSeeTheirOwnCampaignOnly(t *testing.T) {
	h := newHarness(t, storetest.Open(t), ratelimit.Limit{})
	ctx := context.Background()
	other := gs.Campaign{Title: "Another call", Purpose: "Other.", StartsOn: gs.MustDate("2026-01-01"), Status: gs.CampaignLive}
	must(t, h.st.CreateCampaign(ctx, &other))
	g := gs.Group{CampaignID: other.ID, Name: "Carers", Goal: "Ask."}
	must(t, h.st.CreateGroup(ctx, &g))
	act := gs.Action{GroupID: g.ID, Title: "Ask about medicines", DueOn: gs.MustDate("2027-01-01")}
	must(t, h.st.CreateAction(ctx, &act))
	res, err := h.st.Pledge(ctx, gs.PledgeInput{ActionID: act.ID, Name: "Bo Other", Email: "bo@example.org", Profession: "Carer", AreaID: h.f.AreaID})
	must(t, err)

	for _, path := range []string{
		fmt.Sprintf("/api/v1/campaigns/%d", other.ID), fmt.Sprintf("/api/v1/groups/%d", g.ID), fmt.Sprintf("/api/v1/actions/%d", act.ID),
		fmt.Sprintf("/api/v1/people/%d", res.Person.ID), fmt.Sprintf("/api/v1/commitments/%d", res.Commitment.ID),
		fmt.Sprintf("/api/v1/osdi/people/%d", res.Person.ID), fmt.Sprintf("/api/v1/osdi/petitions/%d", act.ID),
	} {
		h.call(http.MethodGet, path, h.read, nil).problem(t, http.StatusNotFound)
	}
	if got := items(h.get("/api/v1/campaigns")); len(got) != 1 || got[0]["id"] != float64(h.f.Campaign.ID) {
		t.Errorf("campaigns: %v, want the token's own only", got)
	}
	if got := items(h.get("/api/v1/people")); len(got) != 0 {
		t.Errorf("people: %v, want none (the only person pledged in another campaign)", got)
	}
	// Pledging to another campaign's action is refused, naming the field.
	r := h.call(http.MethodPost, "/api/v1/commitments", h.write, pledgeBody(act.ID, h.f.AreaID, "cy@example.org"))
	if locs := r.problem(t, http.StatusBadRequest); !slices.Contains(locs, "body.action_id") {
		t.Errorf("errors name %v, want body.action_id", locs)
	}
}

func pledgeBody(actionID, areaID int64, email string) map[string]any {
	return map[string]any{"action_id": actionID, "name": "Dee Pharmacist", "email": email, "profession": "Pharmacist",
		"area_id": areaID, "why_it_matters": "Fewer falls.", "hours": 1.5, "contact_ok": true}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestEveryResourceReads(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st, ratelimit.Limit{})
		ctx := context.Background()
		f := h.f
		inviter, err := st.Pledge(ctx, f.Pledge("asha@example.org"))
		must(t, err)
		storetest.Confirm(t, st, inviter.Commitment.ID)
		in := f.Pledge("ben@example.org")
		in.Name, in.ReferralCode, in.OrganisationID = "Ben Okafor", inviter.Person.ReferralCode, f.Org.ID
		invited, err := st.Pledge(ctx, in)
		must(t, err)
		ms := gs.Milestone{CampaignID: f.Campaign.ID, Title: "Launch", On: gs.MustDate("2026-02-01")}
		must(t, st.CreateMilestone(ctx, &ms))
		ind := gs.Indicator{CampaignID: f.Campaign.ID, Name: "Antipsychotic prescribing", Unit: "%", Direction: "down"}
		must(t, st.CreateIndicator(ctx, &ind))

		id := func(v int64) string { return strconv.FormatInt(v, 10) }
		camp := h.get("/api/v1/campaigns/" + id(f.Campaign.ID))
		if camp["slug"] != f.Campaign.Slug || camp["status"] != "live" || camp["starts_on"] != "2026-01-01" {
			t.Errorf("campaign: %v", camp)
		}
		groups := items(h.get("/api/v1/groups"))
		if len(groups) != 1 || groups[0]["name"] != f.Group.Name || groups[0]["people"] != float64(1) || groups[0]["commitments"] != float64(1) {
			t.Errorf("groups: %v, want one group with the one confirmed pledge counted", groups)
		}
		if g := h.get("/api/v1/groups/" + id(f.Group.ID)); g["goal"] != f.Group.Goal {
			t.Errorf("group: %v", g)
		}
		actions := items(h.get("/api/v1/actions?group=" + id(f.Group.ID)))
		if len(actions) != 2 || actions[0]["due_on"] != "2027-03-31" || actions[0]["pledged"] != float64(1) {
			t.Errorf("actions: %v", actions)
		}
		if a := h.get("/api/v1/actions/" + id(f.Actions[1].ID)); a["title"] != f.Actions[1].Title {
			t.Errorf("action: %v", a)
		}
		if got := items(h.get("/api/v1/milestones")); len(got) != 1 || got[0]["on"] != "2026-02-01" {
			t.Errorf("milestones: %v", got)
		}
		if m := h.get("/api/v1/milestones/" + id(ms.ID)); m["title"] != "Launch" {
			t.Errorf("milestone: %v", m)
		}
		if got := items(h.get("/api/v1/areas?limit=500")); len(got) < 2 {
			t.Errorf("areas: %d, want the regions and nation", len(got))
		}
		if a := h.get("/api/v1/areas/" + id(f.AreaID)); a["kind"] != "region" {
			t.Errorf("area: %v", a)
		}
		orgs := items(h.get("/api/v1/organisations?alliance=true"))
		if len(orgs) != 1 || orgs[0]["ods_code"] != "FA123" || orgs[0]["alliance"].(map[string]any)["joined_on"] != "2026-01-02" {
			t.Errorf("alliance: %v", orgs)
		}
		if got := items(h.get("/api/v1/organisations?ods_code=fa123")); len(got) != 1 {
			t.Errorf("organisation by ODS code: %v", got)
		}
		if o := h.get("/api/v1/organisations/" + id(f.Org.ID)); o["name"] != f.Org.Name {
			t.Errorf("organisation: %v", o)
		}
		if got := items(h.get("/api/v1/indicators")); len(got) != 1 || got[0]["direction"] != "down" {
			t.Errorf("indicators: %v", got)
		}
		if i := h.get("/api/v1/indicators/" + id(ind.ID)); i["unit"] != "%" {
			t.Errorf("indicator: %v", i)
		}
		if got := h.get("/api/v1/indicators/" + id(ind.ID) + "/observations"); len(items(got)) != 0 {
			t.Errorf("observations of a new indicator: %v", got)
		}
		people := items(h.get("/api/v1/people"))
		if len(people) != 2 || people[0]["email"] != "asha@example.org" || people[1]["organisation_id"] != float64(f.Org.ID) {
			t.Errorf("people: %v", people)
		}
		if got := items(h.get("/api/v1/people?email=BEN@example.org")); len(got) != 1 || got[0]["name"] != "Ben Okafor" {
			t.Errorf("people by email: %v", got)
		}
		if p := h.get("/api/v1/people/" + id(invited.Person.ID)); p["referral_code"] != invited.Person.ReferralCode {
			t.Errorf("person: %v", p)
		}
		c := h.get("/api/v1/commitments/" + id(invited.Commitment.ID))
		if c["channel"] != "invite" || c["confirmed"] != false || c["invited_by_id"] != float64(inviter.Person.ID) || c["status"] != "pledged" {
			t.Errorf("commitment: %v", c)
		}
		if got := items(h.get("/api/v1/commitments?confirmed=true")); len(got) != 1 || got[0]["person_id"] != float64(inviter.Person.ID) {
			t.Errorf("confirmed commitments: %v", got)
		}
		rels := items(h.get("/api/v1/relationships"))
		if len(rels) != 1 || rels[0]["from_id"] != float64(inviter.Person.ID) || rels[0]["to_id"] != float64(invited.Person.ID) {
			t.Errorf("relationships: %v", rels)
		}
		if got := items(h.get("/api/v1/relationships?from=" + id(invited.Person.ID))); len(got) != 0 {
			t.Errorf("relationships from the invited person: %v", got)
		}
	})
}

// TestCommitmentsPageByPage walks a list by its next links and gets every
// commitment once, in order, even as new ones arrive meanwhile.
func TestCommitmentsPageByPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st, ratelimit.Limit{})
		ctx := context.Background()
		var want []float64
		for i := range 7 {
			res, err := st.Pledge(ctx, h.f.Pledge(fmt.Sprintf("p%d@example.org", i)))
			must(t, err)
			want = append(want, float64(res.Commitment.ID))
		}
		var got []float64
		next := "/api/v1/commitments?limit=3&status=pledged"
		pages := 0
		for next != "" {
			r := h.call(http.MethodGet, next, h.read, nil)
			if r.status != http.StatusOK {
				t.Fatalf("GET %s: %d %s", next, r.status, r.raw)
			}
			pages++
			for _, c := range items(r.body) {
				got = append(got, c["id"].(float64))
			}
			next, _ = r.body["next"].(string)
			if next != "" {
				if link := r.header.Get("Link"); link != "<"+next+`>; rel="next"` {
					t.Errorf("Link %q does not match next %q", link, next)
				}
				if !strings.Contains(next, "status=pledged") || !strings.Contains(next, "limit=3") {
					t.Errorf("next link %q lost the filters", next)
				}
			}
			if pages == 1 {
				// A pledge made while a client pages is read at the end.
				res, err := st.Pledge(ctx, h.f.Pledge("late@example.org"))
				must(t, err)
				want = append(want, float64(res.Commitment.ID))
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("paged ids %v, want %v", got, want)
		}
		if pages != 3 {
			t.Errorf("%d pages of 3 for 8 commitments, want 3", pages)
		}
		r := h.call(http.MethodGet, "/api/v1/commitments?after=bogus", h.read, nil)
		if locs := r.problem(t, http.StatusBadRequest); !slices.Contains(locs, "query.after") {
			t.Errorf("bad cursor: errors name %v, want query.after", locs)
		}
		since := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
		if got := items(h.get("/api/v1/commitments?updated_since=" + since)); len(got) != 0 {
			t.Errorf("commitments updated in the future: %d", len(got))
		}
	})
}

func TestPledgeThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st, ratelimit.Limit{})
		ctx := context.Background()
		body := pledgeBody(h.f.Actions[0].ID, h.f.AreaID, "Dee@Example.org")
		r := h.call(http.MethodPost, "/api/v1/commitments", h.write, body, "Idempotency-Key", "crm-4711")
		if r.status != http.StatusCreated {
			t.Fatalf("pledge: %d %s", r.status, r.raw)
		}
		id := r.body["id"].(float64)
		if loc := r.header.Get("Location"); loc != fmt.Sprintf("/api/v1/commitments/%d", int64(id)) {
			t.Errorf("Location %q", loc)
		}
		if r.body["channel"] != "api" || r.body["confirmed"] != false || r.body["hours"] != 1.5 {
			t.Errorf("pledge: %v", r.body)
		}
		receipt, err := st.ReceiptByCommitment(ctx, int64(id))
		must(t, err)
		if receipt.Person.Email != "dee@example.org" || !receipt.Person.ContactOK {
			t.Errorf("person stored as %+v", receipt.Person)
		}

		// The same request again, with its key, makes no second pledge.
		again := h.call(http.MethodPost, "/api/v1/commitments", h.write, body, "Idempotency-Key", "crm-4711")
		if again.status != http.StatusOK || again.body["id"] != id {
			t.Errorf("replay: %d %v, want 200 with the first pledge", again.status, again.body["id"])
		}
		// Without the key, it is a second pledge to the same action: refused.
		h.call(http.MethodPost, "/api/v1/commitments", h.write, body).problem(t, http.StatusConflict)
		// The key again for another pledge is a client's bug: refused,
		// naming the header, and nothing stored.
		other := pledgeBody(h.f.Actions[1].ID, h.f.AreaID, "dee@example.org")
		r = h.call(http.MethodPost, "/api/v1/commitments", h.write, other, "Idempotency-Key", "crm-4711")
		if locs := r.problem(t, http.StatusConflict); !slices.Contains(locs, "header.Idempotency-Key") {
			t.Errorf("reused key: errors name %v, want header.Idempotency-Key", locs)
		}
		// A public form cannot send an API client's key to spoil or replay
		// its pledge: the key is ignored there.
		spoof := h.f.Pledge("spoof@example.org")
		spoof.SubmissionKey = fmt.Sprintf("api:%d:crm-4711", writeTokenID(t, h))
		res, err := st.Pledge(ctx, spoof)
		must(t, err)
		if res.Replayed {
			t.Error("a form replayed an API pledge by sending its key")
		}
		page, err := st.CommitmentsPage(ctx, store.CommitmentFilter{CampaignID: h.f.Campaign.ID})
		must(t, err)
		viaAPI := 0
		for _, c := range page {
			if c.Channel == gs.ChannelAPI {
				viaAPI++
			}
		}
		if viaAPI != 1 {
			t.Errorf("%d commitments stored through the API, want 1", viaAPI)
		}
	})
}

// TestBadInputIsNamed sends every class of bad request and checks each is
// a 400 (or 413) problem naming the field, with nothing stored.
func TestBadInputIsNamed(t *testing.T) {
	h := newHarness(t, storetest.Open(t), ratelimit.Limit{})
	ctx := context.Background()
	good := pledgeBody(h.f.Actions[0].ID, h.f.AreaID, "eve@example.org")
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for k, v := range good {
			m[k] = v
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	for _, tc := range []struct {
		name   string
		body   any
		status int
		loc    string
	}{
		{"malformed JSON", `{"action_id": 1,`, http.StatusBadRequest, ""},
		{"unknown field", with("nickname", "Evie"), http.StatusBadRequest, "body.nickname"},
		{"wrong type", with("action_id", "one"), http.StatusBadRequest, "body.action_id"},
		{"missing field", with("email", nil), http.StatusBadRequest, "body.email"},
		{"out of range", with("hours", 5000), http.StatusBadRequest, "body.hours"},
		{"bad enum", with("on_behalf", "everyone"), http.StatusBadRequest, "body.on_behalf"},
		{"domain rule", with("email", "not-an-email"), http.StatusBadRequest, "body.email"},
		{"unknown area", with("area_id", 999999), http.StatusBadRequest, "body.area_id"},
		{"bad referral code", with("referral_code", "NOPE"), http.StatusBadRequest, "body.referral_code"},
		{"control characters", with("name", "Eve\x00"), http.StatusBadRequest, "body.name"},
		{"too large", with("why_it_matters", strings.Repeat("x", 300<<10)), http.StatusRequestEntityTooLarge, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := h.call(http.MethodPost, "/api/v1/commitments", h.write, tc.body)
			locs := r.problem(t, tc.status)
			if tc.loc != "" && !slices.Contains(locs, tc.loc) {
				t.Errorf("errors name %v, want %s\n%s", locs, tc.loc, r.raw)
			}
		})
	}
	h.call(http.MethodGet, "/api/v1/commitments?colour=blue", h.read, nil).problem(t, http.StatusBadRequest)
	h.call(http.MethodGet, "/api/v1/commitments?limit=0", h.read, nil).problem(t, http.StatusBadRequest)
	h.call(http.MethodGet, "/api/v1/commitments?status=finished", h.read, nil).problem(t, http.StatusBadRequest)
	h.call(http.MethodGet, "/api/v1/commitments/abc", h.read, nil).problem(t, http.StatusBadRequest)
	h.call(http.MethodGet, "/api/v1/commitments/999999", h.read, nil).problem(t, http.StatusNotFound)
	h.call(http.MethodGet, "/api/v1/no-such-thing", h.read, nil).problem(t, http.StatusNotFound)
	r405 := h.call(http.MethodDelete, "/api/v1/commitments/1", h.write, nil)
	r405.problem(t, http.StatusMethodNotAllowed)
	if allow := r405.header.Get("Allow"); allow != "GET" {
		t.Errorf("DELETE a commitment: Allow %q, want GET", allow)
	}
	r := h.call(http.MethodPost, "/api/v1/actions", h.write, map[string]any{"group_id": h.f.Group.ID, "title": "Audit", "due_on": "31/03/2027"})
	if locs := r.problem(t, http.StatusBadRequest); !slices.Contains(locs, "body.due_on") {
		t.Errorf("bad date: errors name %v", locs)
	}
	page, err := h.st.CommitmentsPage(ctx, store.CommitmentFilter{CampaignID: h.f.Campaign.ID})
	must(t, err)
	if len(page) != 0 {
		t.Errorf("bad requests stored %d commitments", len(page))
	}
}

func TestWritesMakeGroupsActionsAndMilestones(t *testing.T) {
	h := newHarness(t, storetest.Open(t), ratelimit.Limit{})
	r := h.call(http.MethodPost, "/api/v1/groups", h.write, map[string]any{"name": "Care home leaders", "goal": "Review every resident's medicines.", "target": 40})
	if r.status != http.StatusCreated || r.body["slug"] != "care-home-leaders" {
		t.Fatalf("create group: %d %s", r.status, r.raw)
	}
	groupID := int64(r.body["id"].(float64))
	r = h.call(http.MethodPost, "/api/v1/actions", h.write, map[string]any{"group_id": groupID, "title": "Hold a medicines review", "due_on": "2027-03-31"})
	if r.status != http.StatusCreated || r.body["group_id"] != float64(groupID) {
		t.Fatalf("create action: %d %s", r.status, r.raw)
	}
	if got := items(h.get(fmt.Sprintf("/api/v1/actions?group=%d", groupID))); len(got) != 1 || got[0]["title"] != "Hold a medicines review" {
		t.Errorf("the new group's actions: %v", got)
	}
	r = h.call(http.MethodPost, "/api/v1/milestones", h.write, map[string]any{"title": "Board meeting", "on": "2026-06-01"})
	if r.status != http.StatusCreated {
		t.Fatalf("create milestone: %d %s", r.status, r.raw)
	}
	// A group with the same address as another is refused, naming it.
	r = h.call(http.MethodPost, "/api/v1/groups", h.write, map[string]any{"name": "Care home leaders", "goal": "Again."})
	if locs := r.problem(t, http.StatusBadRequest); !slices.Contains(locs, "body.slug") {
		t.Errorf("duplicate group: errors name %v, want body.slug", locs)
	}
}

func TestRateLimitPerToken(t *testing.T) {
	h := newHarness(t, storetest.Open(t), ratelimit.Limit{N: 3, Per: time.Minute})
	for i := range 3 {
		r := h.call(http.MethodGet, "/api/v1/groups", h.read, nil)
		if r.status != http.StatusOK {
			t.Fatalf("request %d: %d", i+1, r.status)
		}
		if p := r.header.Get("RateLimit-Policy"); p != `"token";q=3;w=60` {
			t.Errorf("RateLimit-Policy %q", p)
		}
		if rl := r.header.Get("RateLimit"); !strings.HasPrefix(rl, fmt.Sprintf(`"token";r=%d;t=`, 2-i)) {
			t.Errorf("request %d: RateLimit %q, want r=%d", i+1, rl, 2-i)
		}
	}
	r := h.call(http.MethodGet, "/api/v1/groups", h.read, nil)
	r.problem(t, http.StatusTooManyRequests)
	if s, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || s < 1 || s > 60 {
		t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
	}
	// Another token has its own allowance.
	if r := h.call(http.MethodGet, "/api/v1/groups", h.write, nil); r.status != http.StatusOK {
		t.Errorf("the other token: %d", r.status)
	}
}

// TestSyncByUpdatedSince keeps a copy up to date the documented way: page
// through updated_since, then ask again from when that sync began, and get
// exactly what changed.
func TestSyncByUpdatedSince(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st, ratelimit.Limit{})
		ctx := context.Background()
		start := time.Now().Add(-time.Minute)
		var ids []int64
		for i := range 5 {
			res, err := st.Pledge(ctx, h.f.Pledge(fmt.Sprintf("s%d@example.org", i)))
			must(t, err)
			ids = append(ids, res.Commitment.ID)
		}
		walk := func(since time.Time) []float64 {
			var got []float64
			next := "/api/v1/commitments?limit=2&updated_since=" + since.UTC().Format(time.RFC3339Nano)
			for next != "" {
				body := h.get(next)
				for _, c := range items(body) {
					got = append(got, c["id"].(float64))
				}
				next, _ = body["next"].(string)
			}
			return got
		}
		if got := walk(start); len(got) != 5 {
			t.Fatalf("first sync read %v, want the 5 commitments once each", got)
		}
		// A commitment that changes while a client pages moves to the end
		// of the walk and is read again, with its change.
		first := h.get("/api/v1/commitments?limit=2&updated_since=" + start.UTC().Format(time.RFC3339Nano))
		time.Sleep(5 * time.Millisecond)
		storetest.Confirm(t, st, ids[0])
		var rest []float64
		confirmedSeen := false
		for next, _ := first["next"].(string); next != ""; {
			body := h.get(next)
			for _, c := range items(body) {
				rest = append(rest, c["id"].(float64))
				confirmedSeen = confirmedSeen || c["id"] == float64(ids[0]) && c["confirmed"] == true
			}
			next, _ = body["next"].(string)
		}
		if !confirmedSeen || len(rest) != 4 {
			t.Errorf("after a change mid-walk the rest of the walk read %v; want the 3 unread and the changed one, confirmed", rest)
		}
		syncBegan := time.Now()
		time.Sleep(5 * time.Millisecond) // times are kept to the millisecond
		storetest.Confirm(t, st, ids[1])
		if got := walk(syncBegan); !slices.Equal(got, []float64{float64(ids[1])}) {
			t.Errorf("second sync read %v, want only the confirmed commitment %d", got, ids[1])
		}
		h.call(http.MethodGet, "/api/v1/commitments?updated_since="+url.QueryEscape(start.Format(time.RFC3339))+"&after="+"MTIz", h.read, nil).problem(t, http.StatusBadRequest)
	})
}

// writeTokenID is the id of the harness's read-write token.
func writeTokenID(t *testing.T, h *harness) int64 {
	t.Helper()
	tok, _, err := h.st.APITokenBySecret(context.Background(), h.write)
	must(t, err)
	return tok.ID
}

// TestStorageFaultIs503 makes the database refuse writes, as a full disk or
// a read-only file does, and checks a pledge is answered 503 with
// Retry-After — the client may try again — and nothing is half written.
func TestStorageFaultIs503(t *testing.T) {
	h := newHarness(t, storetest.Open(t), ratelimit.Limit{})
	ctx := context.Background()
	if _, err := h.st.WriteDB().ExecContext(ctx, `PRAGMA query_only = ON`); err != nil {
		t.Fatal(err)
	}
	r := h.call(http.MethodPost, "/api/v1/commitments", h.write, pledgeBody(h.f.Actions[0].ID, h.f.AreaID, "fay@example.org"))
	r.problem(t, http.StatusServiceUnavailable)
	if r.header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	if _, err := h.st.WriteDB().ExecContext(ctx, `PRAGMA query_only = OFF`); err != nil {
		t.Fatal(err)
	}
	if page, _ := h.st.CommitmentsPage(ctx, store.CommitmentFilter{CampaignID: h.f.Campaign.ID}); len(page) != 0 {
		t.Errorf("%d commitments stored during the fault", len(page))
	}
	if r := h.call(http.MethodPost, "/api/v1/commitments", h.write, pledgeBody(h.f.Actions[0].ID, h.f.AreaID, "fay@example.org")); r.status != http.StatusCreated {
		t.Errorf("after the fault: %d %s", r.status, r.raw)
	}
}
