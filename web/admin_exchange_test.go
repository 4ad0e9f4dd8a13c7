package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

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

// A download outlasts the server's WriteTimeout, which counts from the
// request: here it has passed before the first byte, and the file still
// arrives whole.
func TestExportOutlastsWriteTimeout(t *testing.T) {
	h := newHarness(t)
	h.signIn()
	if _, err := h.st.Pledge(context.Background(), h.f.Pledge("zoe@example.org")); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h.server)
	srv.Config.WriteTimeout = time.Nanosecond
	srv.Start()
	t.Cleanup(srv.Close)
	for _, file := range []string{"people.csv", "campaign.zip"} {
		// The harness's client has the organiser's session for this host.
		res, err := h.client.Get(srv.URL + "/admin/campaigns/" + strconv.FormatInt(h.f.Campaign.ID, 10) + "/export/" + file)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d, %d bytes, %v", file, res.StatusCode, len(body), err)
		}
		if file == "people.csv" && !bytes.Contains(body, []byte("zoe@example.org")) {
			t.Errorf("people.csv =\n%s", body)
		}
		if _, err := zip.NewReader(bytes.NewReader(body), int64(len(body))); file == "campaign.zip" && err != nil {
			t.Errorf("campaign.zip: %v", err)
		}
	}
}
