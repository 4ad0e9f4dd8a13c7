package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
)

// TestIndicatorAdmin: an organiser defines an outcome measure, is told what
// is wrong with a bad one (every field at once, values kept), and edits it.
func TestIndicatorAdmin(t *testing.T) {
	h := newHarness(t)
	h.signIn()
	ctx := context.Background()
	cid := strconv.FormatInt(h.f.Campaign.ID, 10)

	wantBody(t, h.get("/admin/campaigns/"+cid+"/indicators/new"), "New outcome measure", "Lower is better")
	bad := h.post("/admin/campaigns/"+cid+"/indicators/new", url.Values{
		"name": {""}, "slug": {"Not A Slug"}, "direction": {"sideways"}, "target": {"ten"}, "caveats": {"Kept <b>as typed</b>"}})
	wantStatus(t, bad, http.StatusUnprocessableEntity)
	wantBody(t, bad, "Enter name", "Web address must be", "Select which way is better", "Target must be a number", "Kept &lt;b&gt;as typed&lt;/b&gt;")

	res := h.post("/admin/campaigns/"+cid+"/indicators/new", url.Values{
		"name": {"Medicine reviews done"}, "unit": {"%"}, "direction": {"up"}, "target": {"80"}, "source": {"Practice records."}})
	wantStatus(t, res, http.StatusSeeOther)
	if res.location != "/admin/campaigns/"+cid+"#indicators" {
		t.Errorf("saved to %q", res.location)
	}
	list, err := h.st.Indicators(ctx, h.f.Campaign.ID)
	if err != nil || len(list) != 1 || list[0].Slug != "medicine-reviews-done" || list[0].Target == nil || *list[0].Target != 80 {
		t.Fatalf("indicators = %+v, %v", list, err)
	}
	wantBody(t, h.get("/admin/campaigns/"+cid), "Medicine reviews done", "medicine-reviews-done")

	iid := strconv.FormatInt(list[0].ID, 10)
	wantBody(t, h.get("/admin/indicators/"+iid+"/edit"), `value="80"`, "Edit outcome measure")
	wantStatus(t, h.post("/admin/indicators/"+iid+"/edit", url.Values{
		"name": {"Medicine reviews done"}, "slug": {"medicine-reviews-done"}, "unit": {"%"}, "direction": {"up"}, "target": {""}}), http.StatusSeeOther)
	if got, _ := h.st.IndicatorByID(ctx, list[0].ID); got.Target != nil {
		t.Errorf("target not cleared: %v", *got.Target)
	}
	wantStatus(t, h.get("/admin/indicators/999999/edit"), http.StatusNotFound)
}

// TestActionNamesIndicators: a group lead ticks the outcome measures an
// action aims to move; the measure's public page lists the action under its
// group. A forged id of another campaign's measure is refused by name.
func TestActionNamesIndicators(t *testing.T) {
	h := newHarness(t)
	h.signIn()
	ctx := context.Background()
	ind := gs.Indicator{CampaignID: h.f.Campaign.ID, Name: "Antipsychotic prescribing", Unit: "%", Direction: "down"}
	if err := h.st.CreateIndicator(ctx, &ind); err != nil {
		t.Fatal(err)
	}
	other := gs.Campaign{Title: "Elsewhere", Purpose: "x", StartsOn: gs.MustDate("2026-01-01"), Status: gs.CampaignLive}
	if err := h.st.CreateCampaign(ctx, &other); err != nil {
		t.Fatal(err)
	}
	foreign := gs.Indicator{CampaignID: other.ID, Name: "Elsewhere measure", Direction: "up"}
	if err := h.st.CreateIndicator(ctx, &foreign); err != nil {
		t.Fatal(err)
	}
	a := h.f.Actions[0]
	aid := strconv.FormatInt(a.ID, 10)
	page := h.get("/admin/actions/" + aid + "/edit")
	wantBody(t, page, "Outcome measures this action aims to move", "Antipsychotic prescribing")
	if strings.Contains(page.body, "Elsewhere measure") {
		t.Error("the action form offers another campaign's measure")
	}
	form := func(ids ...string) url.Values {
		return url.Values{"title": {a.Title}, "due_on": {a.DueOn.String()}, "indicators": ids}
	}
	res := h.post("/admin/actions/"+aid+"/edit", form(strconv.FormatInt(foreign.ID, 10)))
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "Select only outcome measures of this campaign")
	res = h.post("/admin/actions/"+aid+"/edit", form("drop table"))
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "Select only outcome measures from the list")

	wantStatus(t, h.post("/admin/actions/"+aid+"/edit", form(strconv.FormatInt(ind.ID, 10))), http.StatusSeeOther)
	wantBody(t, h.get("/admin/actions/"+aid+"/edit"), `value="`+strconv.FormatInt(ind.ID, 10)+`" checked`)
	public := h.get("/campaigns/" + h.f.Campaign.Slug + "/indicators/" + ind.Slug)
	wantBody(t, public, "Actions that aim to move this measure", h.f.Group.Name+"</a>: "+a.Title)

	// Unticking every box removes the link.
	wantStatus(t, h.post("/admin/actions/"+aid+"/edit", form()), http.StatusSeeOther)
	wantBody(t, h.get("/campaigns/"+h.f.Campaign.Slug+"/indicators/"+ind.Slug), "No action names this measure yet")
}

// TestAreaAdmin: an organiser adds an ICB under a region, sees it in place,
// and cannot put a region under an ICB.
func TestAreaAdmin(t *testing.T) {
	h := newHarness(t)
	h.signIn()
	ctx := context.Background()
	region, err := h.st.AreaByID(ctx, h.f.AreaID)
	if err != nil {
		t.Fatal(err)
	}
	rid := strconv.FormatInt(region.ID, 10)
	wantBody(t, h.get("/admin/areas"), "England", region.Name, "Region")
	wantBody(t, h.get("/admin/areas/new"), "New area", "None: this is a top-level area")

	bad := h.post("/admin/areas/new", url.Values{"code": {"<script>"}, "name": {""}, "kind": {"planet"}, "parent_id": {"x"}, "population": {"lots"}})
	wantStatus(t, bad, http.StatusUnprocessableEntity)
	wantBody(t, bad, "Code must contain only letters and numbers", "Enter name", "Select the kind of area", "Select a parent area from the list", "Population must be a whole number")
	if strings.Contains(bad.body, "<script>") {
		t.Error("the code came back unescaped")
	}

	wantStatus(t, h.post("/admin/areas/new", url.Values{"code": {"E54000050"}, "name": {"North East and North Cumbria ICB"}, "kind": {"icb"}, "parent_id": {rid}, "population": {"3000000"}}), http.StatusSeeOther)
	list := h.get("/admin/areas").body
	ri, ii := strings.Index(list, region.Name), strings.Index(list, "North East and North Cumbria ICB")
	if ri < 0 || ii < ri || !strings.Contains(list, "(part of "+region.Name+")") || !strings.Contains(list, "3,000,000") {
		t.Errorf("the ICB is not listed under its region")
	}
	areas, _ := h.st.Areas(ctx)
	var icb gs.Area
	for _, a := range areas {
		if a.Code == "E54000050" {
			icb = a
		}
	}
	res := h.post("/admin/areas/"+rid+"/edit", url.Values{"code": {region.Code}, "name": {region.Name}, "kind": {"region"}, "parent_id": {strconv.FormatInt(icb.ID, 10)}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "The parent must be a larger kind of area")
	if got, _ := h.st.AreaByID(ctx, region.ID); got.ParentID != region.ParentID {
		t.Error("a refused edit moved the region")
	}
}

// TestEnvelopeAdmin: an organiser records the envelope, is told what is
// wrong with a bad entry, and sees it on the dashboard's chart.
func TestEnvelopeAdmin(t *testing.T) {
	h := newHarness(t)
	h.signIn()
	ctx := context.Background()
	cid := strconv.FormatInt(h.f.Campaign.ID, 10)
	wantBody(t, h.get("/admin/campaigns/"+cid+"/envelope/new"), "Add to the envelope", "Staff hours")
	bad := h.post("/admin/campaigns/"+cid+"/envelope/new", url.Values{"on": {"someday"}, "kind": {"stolen"}, "unit": {"GBP"}, "amount": {"lots"}})
	wantStatus(t, bad, http.StatusUnprocessableEntity)
	wantBody(t, bad, "The date must be a real date", "Select allocated or spent", "Amount must be a number")
	wantStatus(t, h.post("/admin/campaigns/"+cid+"/envelope/new", url.Values{"on": {"2026-01-01"}, "kind": {"allocated"}, "unit": {"GBP"}, "amount": {"£25,000"}, "note": {"Budget"}}), http.StatusSeeOther)
	wantStatus(t, h.post("/admin/campaigns/"+cid+"/envelope/new", url.Values{"on": {"2026-02-01"}, "kind": {"spent"}, "unit": {"GBP"}, "amount": {"5000"}}), http.StatusSeeOther)
	entries, err := h.st.EnvelopeEntries(ctx, h.f.Campaign.ID)
	if err != nil || len(entries) != 2 || entries[0].Amount != 25000 {
		t.Fatalf("entries = %+v, %v", entries, err)
	}
	wantBody(t, h.get("/admin/campaigns/"+cid), "£25000", "Allocated: Budget")
	wantBody(t, h.get("/campaigns/"+h.f.Campaign.Slug+"/dashboard"), `<title id="envelope-title">`, "Money remaining")
	wantStatus(t, h.post("/admin/campaigns/"+cid+"/envelope/"+strconv.FormatInt(entries[1].ID, 10)+"/delete", url.Values{}), http.StatusSeeOther)
	if entries, _ := h.st.EnvelopeEntries(ctx, h.f.Campaign.ID); len(entries) != 1 {
		t.Errorf("after removing one: %+v", entries)
	}
}

// TestDashboardBeforeTheStart: a campaign published before its start date
// has an empty dashboard, not an error.
func TestDashboardBeforeTheStart(t *testing.T) {
	h := newHarness(t)
	c := gs.Campaign{Title: "Next spring", Purpose: "x", StartsOn: gs.DateOf(time.Now()).AddDays(90), Status: gs.CampaignLive}
	if err := h.st.CreateCampaign(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	res := h.get("/campaigns/" + c.Slug + "/dashboard")
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "Headline figures")
}

// TestAPITokenAdmin: an organiser creates a token, sees its secret once,
// finds it listed without the secret, and revokes it; a bad form says what
// is wrong.
func TestAPITokenAdmin(t *testing.T) {
	h := newHarness(t)
	h.signIn()
	ctx := context.Background()
	base := "/admin/campaigns/" + strconv.FormatInt(h.f.Campaign.ID, 10) + "/tokens"
	wantBody(t, h.get(base), "No tokens yet", "Read only")
	bad := h.post(base+"/new", url.Values{"name": {""}, "scope": {"admin"}})
	wantStatus(t, bad, http.StatusUnprocessableEntity)
	wantBody(t, bad, "Enter name", "Select what the token may do")

	res := h.post(base+"/new", url.Values{"name": {"Action Network sync"}, "scope": {"write"}})
	wantStatus(t, res, http.StatusCreated)
	if res.header.Get("Cache-Control") != "no-store" {
		t.Errorf("the page with the secret may be cached: %q", res.header.Get("Cache-Control"))
	}
	i := strings.Index(res.body, gs.APITokenPrefix)
	if i < 0 {
		t.Fatal("the new token's secret is not shown")
	}
	secret := res.body[i : i+strings.IndexAny(res.body[i:], "<\" ")]
	tok, _, err := h.st.APITokenBySecret(ctx, secret)
	if err != nil || tok.Name != "Action Network sync" || tok.Scope != gs.ScopeWrite {
		t.Fatalf("the secret shown finds %+v, %v", tok, err)
	}
	list := h.get(base)
	wantBody(t, list, "Action Network sync", "read and write")
	if strings.Contains(list.body, secret) {
		t.Error("the list shows the secret again")
	}
	wantStatus(t, h.post(base+"/"+strconv.FormatInt(tok.ID, 10)+"/revoke", url.Values{}), http.StatusSeeOther)
	if _, _, err := h.st.APITokenBySecret(ctx, secret); err == nil {
		t.Error("the revoked token still works")
	}
	wantBody(t, h.get(base), "Revoked")
}
