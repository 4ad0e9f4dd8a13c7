package web_test

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// TestExportDownloads: an organiser downloads a campaign's people and
// pledges as CSV (with the byte-order mark Excel needs, when asked) and the
// whole campaign as an archive another installation imports.
func TestExportDownloads(t *testing.T) {
	h := newHarness(t)
	h.signIn()
	ctx := context.Background()
	if _, err := h.st.Pledge(ctx, gs.PledgeInput{ActionID: h.f.Actions[0].ID, Name: "=Zoë", Email: "zoe@example.org",
		Profession: "Pharmacist", AreaID: h.f.AreaID, WhyItMatters: "For my gran."}); err != nil {
		t.Fatal(err)
	}
	cid := strconv.FormatInt(h.f.Campaign.ID, 10)
	wantBody(t, h.get("/admin/campaigns/"+cid), "/admin/campaigns/"+cid+"/export/people.csv?bom=1", "/admin/campaigns/"+cid+"/export/campaign.zip")

	res := h.get("/admin/campaigns/" + cid + "/export/people.csv?bom=1")
	wantStatus(t, res, http.StatusOK)
	if ct, cd := res.header.Get("Content-Type"), res.header.Get("Content-Disposition"); ct != "text/csv; charset=utf-8" ||
		!strings.HasPrefix(cd, `attachment; filename="`+h.f.Campaign.Slug+`-people-`) || !strings.HasSuffix(cd, `.csv"`) {
		t.Errorf("Content-Type %q, Content-Disposition %q", ct, cd)
	}
	if res.header.Get("Cache-Control") != "no-store" {
		t.Errorf("personal data may be cached: %q", res.header.Get("Cache-Control"))
	}
	if !strings.HasPrefix(res.body, "\ufeffemail,name,") || !strings.Contains(res.body, "zoe@example.org,'=Zoë,Pharmacist") {
		t.Errorf("people.csv =\n%s", res.body)
	}
	res = h.get("/admin/campaigns/" + cid + "/export/commitments.csv")
	wantStatus(t, res, http.StatusOK)
	if !strings.HasPrefix(res.body, "email,group,action,") || !strings.Contains(res.body, "For my gran.") {
		t.Errorf("commitments.csv =\n%s", res.body)
	}
	wantStatus(t, h.get("/admin/campaigns/"+cid+"/export/secrets.csv"), http.StatusNotFound)
	wantStatus(t, h.get("/admin/campaigns/999999/export/people.csv"), http.StatusNotFound)

	res = h.get("/admin/campaigns/" + cid + "/export/campaign.zip")
	wantStatus(t, res, http.StatusOK)
	if res.header.Get("Content-Type") != "application/zip" {
		t.Errorf("Content-Type %q", res.header.Get("Content-Type"))
	}
	other := storetest.Open(t)
	rep, err := other.ImportCampaign(ctx, bytes.NewReader([]byte(res.body)), int64(len(res.body)), store.ArchiveImportOptions{
		Reject: func(file string, line int, reason string) { t.Errorf("%s:%d: %s", file, line, reason) }})
	if err != nil || rep.Slug != h.f.Campaign.Slug || rep.PeopleAdded != 1 {
		t.Errorf("importing the download: %+v, %v", rep, err)
	}
}
