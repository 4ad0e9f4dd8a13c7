package api_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/groundswell-health/groundswell/ratelimit"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// osdiSignature is a record-signature-helper body as an OSDI client such
// as Action Network sends it.
func osdiSignature(given, family, email, areaCode string) map[string]any {
	return map[string]any{
		"person": map[string]any{
			"identifiers": []string{"actionnetwork:1d3f-77"},
			"given_name":  given, "family_name": family,
			"email_addresses": []map[string]any{{"address": email, "primary": true, "status": "subscribed"}},
			"custom_fields":   map[string]any{"profession": "Care home manager", "area_code": areaCode, "organisation_ods_code": "fa123"},
		},
		"comments": "Our residents deserve better.",
	}
}

func link(t *testing.T, body map[string]any, rel string) string {
	t.Helper()
	links, _ := body["_links"].(map[string]any)
	l, _ := links[rel].(map[string]any)
	href, _ := l["href"].(string)
	if href == "" {
		t.Fatalf("no _links.%s in %v", rel, body)
	}
	return href
}

// TestOSDIRoundTrip pushes a pledge in the OSDI way and reads the person and
// signature back the OSDI way, by following links as an OSDI client does.
func TestOSDIRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st, ratelimit.Limit{})
		ctx := context.Background()
		area, err := st.AreaByID(ctx, h.f.AreaID)
		must(t, err)

		entry := h.get("/api/v1/osdi")
		if entry["osdi_version"] != "1.1" {
			t.Errorf("entry point: %v", entry)
		}
		petitions := h.get(link(t, entry, "osdi:petitions"))
		embedded := petitions["_embedded"].(map[string]any)["osdi:petitions"].([]any)
		if len(embedded) != 2 {
			t.Fatalf("%d petitions, want the 2 actions", len(embedded))
		}
		petition := embedded[0].(map[string]any)
		if petition["title"] != h.f.Actions[0].Title || !strings.HasSuffix(petition["browser_url"].(string), "/pledge") {
			t.Errorf("petition: %v", petition)
		}

		helper := link(t, petition, "osdi:record_signature_helper")
		r := h.call(http.MethodPost, helper, h.write, osdiSignature("Fran", "Nkemelu", "fran@example.org", area.Code))
		if r.status != http.StatusCreated {
			t.Fatalf("record signature: %d %s", r.status, r.raw)
		}
		if ct := r.header.Get("Content-Type"); ct != "application/hal+json" {
			t.Errorf("Content-Type %q, want application/hal+json", ct)
		}
		sig := r.body
		if sig["comments"] != "Our residents deserve better." || sig["custom_fields"].(map[string]any)["status"] != "pledged" {
			t.Errorf("signature: %v", sig)
		}

		// Read the person back through the signature's link, and by email.
		person := h.get(link(t, sig, "osdi:person"))
		if person["given_name"] != "Fran" || person["family_name"] != "Nkemelu" || person["employer"] != h.f.Org.Name {
			t.Errorf("person: %v", person)
		}
		emails := person["email_addresses"].([]any)
		if e := emails[0].(map[string]any); e["address"] != "fran@example.org" || e["status"] != "subscribed" {
			t.Errorf("person's email: %v", e)
		}
		cf := person["custom_fields"].(map[string]any)
		if cf["profession"] != "Care home manager" || cf["area_code"] != area.Code || cf["organisation_ods_code"] != "FA123" {
			t.Errorf("person's custom fields: %v", cf)
		}
		found := h.get("/api/v1/osdi/people?filter=" + strings.ReplaceAll("email_address eq 'fran@example.org'", " ", "%20"))
		people := found["_embedded"].(map[string]any)["osdi:people"].([]any)
		if len(people) != 1 || people[0].(map[string]any)["identifiers"].([]any)[0] != person["identifiers"].([]any)[0] {
			t.Errorf("people by email: %v", people)
		}
		// The signature is among the petition's and the person's.
		for _, rel := range []string{"osdi:signatures"} {
			list := h.get(link(t, petition, rel))["_embedded"].(map[string]any)["osdi:signatures"].([]any)
			if len(list) != 1 || list[0].(map[string]any)["identifiers"].([]any)[0] != sig["identifiers"].([]any)[0] {
				t.Errorf("petition's signatures: %v", list)
			}
		}
		if list := h.get(link(t, person, "osdi:signatures"))["_embedded"].(map[string]any)["osdi:signatures"].([]any); len(list) != 1 {
			t.Errorf("person's signatures: %v", list)
		}
		if got := h.get(link(t, sig, "self")); got["created_date"] != sig["created_date"] {
			t.Errorf("signature by its link: %v", got)
		}
		// Tags are the groups; the person is tagged with the group.
		tags := h.get("/api/v1/osdi/tags")["_embedded"].(map[string]any)["osdi:tags"].([]any)
		if len(tags) != 1 || tags[0].(map[string]any)["name"] != h.f.Group.Name {
			t.Fatalf("tags: %v", tags)
		}
		taggings := h.get(link(t, tags[0].(map[string]any), "osdi:taggings"))["_embedded"].(map[string]any)["osdi:taggings"].([]any)
		if len(taggings) != 1 || link(t, taggings[0].(map[string]any), "osdi:person") != link(t, person, "self") {
			t.Errorf("taggings: %v", taggings)
		}

		// The same pledge, the native way: the same person, channel api.
		c := h.get(fmt.Sprintf("/api/v1/commitments?person=%s", strings.TrimPrefix(person["identifiers"].([]any)[0].(string), "groundswell:person:")))
		if cs := items(c); len(cs) != 1 || cs[0]["channel"] != "api" || cs[0]["why_it_matters"] != "Our residents deserve better." {
			t.Errorf("the pledge as a commitment: %v", cs)
		}
	})
}

func TestOSDIBadInput(t *testing.T) {
	h := newHarness(t, storetest.Open(t), ratelimit.Limit{})
	ctx := context.Background()
	area, err := h.st.AreaByID(ctx, h.f.AreaID)
	must(t, err)
	path := fmt.Sprintf("/api/v1/osdi/petitions/%d/signatures", h.f.Actions[0].ID)
	good := func() map[string]any { return osdiSignature("Gus", "Hale", "gus@example.org", area.Code) }
	person := func(m map[string]any) map[string]any { return m["person"].(map[string]any) }
	for _, tc := range []struct {
		name string
		edit func(map[string]any)
		loc  string
	}{
		{"tags", func(m map[string]any) { m["add_tags"] = []string{"volunteer"} }, "body.add_tags"},
		{"unknown area", func(m map[string]any) { person(m)["custom_fields"].(map[string]any)["area_code"] = "E99999999" }, "body.person.custom_fields.area_code"},
		{"unknown organisation", func(m map[string]any) {
			person(m)["custom_fields"].(map[string]any)["organisation_ods_code"] = "ZZZ"
		}, "body.person.custom_fields.organisation_ods_code"},
		{"no profession", func(m map[string]any) { delete(person(m)["custom_fields"].(map[string]any), "profession") }, "body.person.custom_fields.profession"},
		{"no email", func(m map[string]any) { person(m)["email_addresses"] = []any{} }, "body.person.email_addresses"},
		{"bad email", func(m map[string]any) {
			person(m)["email_addresses"] = []map[string]any{{"address": "gus at example"}}
		}, "body.person.email_addresses[0].address"},
		{"unsupported field", func(m map[string]any) { person(m)["phone_numbers"] = []any{} }, "body.person.phone_numbers"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := good()
			tc.edit(body)
			locs := h.call(http.MethodPost, path, h.write, body).problem(t, http.StatusBadRequest)
			if !slices.Contains(locs, tc.loc) {
				t.Errorf("errors name %v, want %s", locs, tc.loc)
			}
		})
	}
	h.call(http.MethodGet, "/api/v1/osdi/people?page=2", h.read, nil).problem(t, http.StatusBadRequest)
	h.call(http.MethodGet, "/api/v1/osdi/people?filter=family_name%20eq%20'x'", h.read, nil).problem(t, http.StatusBadRequest)
	h.call(http.MethodPost, "/api/v1/osdi/petitions/999999/signatures", h.write, good()).problem(t, http.StatusNotFound)
	// An error in the primary address is placed at that address.
	body := good()
	person(body)["email_addresses"] = []map[string]any{{"address": "old@example.org"}, {"address": "gus at example", "primary": true}}
	if locs := h.call(http.MethodPost, path, h.write, body).problem(t, http.StatusBadRequest); !slices.Contains(locs, "body.person.email_addresses[1].address") {
		t.Errorf("bad primary address: errors name %v", locs)
	}
	// No one has an empty address: the filter finds no one, not everyone.
	_, err = h.st.Pledge(ctx, h.f.Pledge("ida@example.org"))
	must(t, err)
	empty := h.get("/api/v1/osdi/people?filter=email_address%20eq%20''")
	if people := empty["_embedded"].(map[string]any)["osdi:people"].([]any); len(people) != 0 {
		t.Errorf("email_address eq '' found %d people", len(people))
	}
	if page, _ := h.st.PeoplePage(ctx, store.PeopleFilter{CampaignID: h.f.Campaign.ID}); len(page) != 1 {
		t.Errorf("bad signatures stored %d people (want only the one pledged directly)", len(page)-1)
	}
}

// TestOSDIPeoplePageByPage follows _links.next through the people.
func TestOSDIPeoplePageByPage(t *testing.T) {
	h := newHarness(t, storetest.Open(t), ratelimit.Limit{})
	ctx := context.Background()
	for i := range 5 {
		_, err := h.st.Pledge(ctx, h.f.Pledge(fmt.Sprintf("q%d@example.org", i)))
		must(t, err)
	}
	next := "/api/v1/osdi/people?per_page=2"
	var emails []string
	for pages := 0; next != "" && pages < 10; pages++ {
		body := h.get(next)
		if body["page"] != float64(pages+1) || body["per_page"] != float64(2) {
			t.Errorf("page %d reports page %v per_page %v", pages+1, body["page"], body["per_page"])
		}
		for _, p := range body["_embedded"].(map[string]any)["osdi:people"].([]any) {
			emails = append(emails, p.(map[string]any)["email_addresses"].([]any)[0].(map[string]any)["address"].(string))
		}
		next = ""
		if n, ok := body["_links"].(map[string]any)["next"].(map[string]any); ok {
			next = n["href"].(string)
		}
	}
	if want := []string{"q0@example.org", "q1@example.org", "q2@example.org", "q3@example.org", "q4@example.org"}; !slices.Equal(emails, want) {
		t.Errorf("people by page: %v, want %v", emails, want)
	}
}
