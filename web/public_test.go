package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/groundswell-health/groundswell/demo"
	"github.com/groundswell-health/groundswell/store/storetest"
	"github.com/groundswell-health/groundswell/web"
	"net/http/httptest"
)

func TestPublicPages(t *testing.T) {
	h := newHarness(t)
	home := h.get("/")
	wantStatus(t, home, http.StatusOK)
	wantBody(t, home, "Test call to action", "Open for pledges")

	campaign := h.get("/campaigns/" + h.f.Campaign.Slug)
	wantStatus(t, campaign, http.StatusOK)
	wantBody(t, campaign, "Community pharmacists", "Review every prescription.", "People committed", "Organisations in the alliance</dt><dd>1</dd>")

	group := h.get("/campaigns/" + h.f.Campaign.Slug + "/groups/" + h.f.Group.Slug)
	wantStatus(t, group, http.StatusOK)
	wantBody(t, group, "Our goal", "Review antipsychotic prescriptions", "31 March 2027", "No one has been shown here yet")

	for _, path := range []string{"/nope", "/campaigns/nope", "/campaigns/" + h.f.Campaign.Slug + "/groups/nope",
		"/pledges/not-a-receipt", "/campaigns/" + h.f.Campaign.Slug + "/indicators/nope"} {
		res := h.get(path)
		wantStatus(t, res, http.StatusNotFound)
		wantBody(t, res, "Page not found", "<html")
	}
	for _, code := range []string{"ABCDEFGHJK", "%3Cscript%3E"} {
		res := h.get("/campaigns/" + h.f.Campaign.Slug + "/join/" + code)
		wantStatus(t, res, http.StatusNotFound)
		wantBody(t, res, "This invite link is not recognised", `href="/campaigns/`+h.f.Campaign.Slug+`"`)
	}
}

func TestSecurityHeaders(t *testing.T) {
	h := newHarness(t)
	res := h.get("/")
	csp := res.header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows inline script: %q", csp)
	}
	if res.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("no nosniff header")
	}
	if strings.Contains(res.body, "<script>") {
		t.Error("page has an inline script, which the CSP would block")
	}
	css := h.get("/static/app.css")
	wantStatus(t, css, http.StatusOK)
	if h.get("/static/").status != http.StatusNotFound {
		t.Error("static directory is listed")
	}
}

func TestHealthz(t *testing.T) {
	h := newHarness(t)
	res := h.get("/healthz")
	wantStatus(t, res, http.StatusOK)
	if err := h.st.Close(); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, h.get("/healthz"), http.StatusServiceUnavailable)
}

// TestDemoPages renders the demo's pages, including the indicator with its
// real England series and a synthetic region labelled as such.
func TestDemoPages(t *testing.T) {
	st := storetest.Open(t)
	if err := st.LoadDataset(context.Background(), demo.Generate()); err != nil {
		t.Fatal(err)
	}
	s, err := web.New(web.Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	s.OnRender(func(name string) {
		renderedMu.Lock()
		rendered[name] = true
		renderedMu.Unlock()
	})
	srv := httptest.NewServer(s)
	defer srv.Close()
	h := &harness{t: t, st: st, srv: srv, client: newClient()}

	home := h.get("/")
	wantBody(t, home, "The Right Prescription", "The Right Care", "Illustrative data")
	trp := h.get("/campaigns/" + demo.CampaignSlug)
	wantBody(t, trp, "Carers", "GPs", "Launch of the call to action", "People with dementia prescribed an antipsychotic")
	ind := h.get("/campaigns/" + demo.CampaignSlug + "/indicators/antipsychotic-prescribing-dementia")
	wantStatus(t, ind, http.StatusOK)
	wantBody(t, ind, "OpenSAFELY", "January 2019", "416,385", "8.49", "<svg", "<title id=\"chart-title\">")
	if strings.Contains(ind.body, "Made-up figures") {
		t.Error("the real England series is labelled as made up")
	}
	region := h.get("/campaigns/" + demo.CampaignSlug + "/indicators/antipsychotic-prescribing-dementia?area=E40000003")
	wantStatus(t, region, http.StatusOK)
	wantBody(t, region, "London", "Made-up figures")
	wantStatus(t, h.get("/campaigns/"+demo.CampaignSlug+"/indicators/antipsychotic-prescribing-dementia?area=XX"), http.StatusNotFound)

	// The closed campaign's actions take no pledges.
	group := h.get("/campaigns/" + demo.CampaignSlug + "/groups/carers")
	wantStatus(t, group, http.StatusOK)
	wantBody(t, group, "not taking pledges")
}
