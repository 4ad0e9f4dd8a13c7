package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/groundswell-health/groundswell/store"
)

// uploadKind posts a file with the kind of data it holds to the organisers'
// import page.
func (h *harness) uploadKind(path, kind, name, content string) response {
	h.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if kind != "" {
		mw.WriteField("kind", kind)
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		h.t.Fatal(err)
	}
	fw.Write([]byte(content))
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, h.srv.URL+path, &b)
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := h.client.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return response{status: res.StatusCode, body: string(body), header: res.Header}
}

// TestImportPageRoundTripsADownload downloads a campaign's people as an
// organiser would, imports the file into another installation through the
// page, and checks a bad file is refused whole with its lines listed.
func TestImportPageRoundTripsADownload(t *testing.T) {
	ctx := context.Background()
	src := newHarness(t)
	src.signIn()
	for i := range 3 {
		if _, err := src.st.Pledge(ctx, src.f.Pledge(fmt.Sprintf("p%d@example.org", i))); err != nil {
			t.Fatal(err)
		}
	}
	people := src.get(fmt.Sprintf("/admin/campaigns/%d/export/people.csv?bom=1", src.f.Campaign.ID))
	wantStatus(t, people, http.StatusOK)

	dst := newHarness(t)
	dst.signIn()
	path := fmt.Sprintf("/admin/campaigns/%d/import", dst.f.Campaign.ID)
	wantStatus(t, dst.get(path), http.StatusOK)
	res := dst.uploadKind(path, "people", "people.csv", people.body)
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "3 rows imported: 3 new")

	// A file with a bad row: nothing is stored, and the line is named.
	bad := strings.Replace(people.body, "p1@example.org", "not an email", 1) + "\n"
	dst2 := newHarness(t)
	dst2.signIn()
	res = dst2.uploadKind(fmt.Sprintf("/admin/campaigns/%d/import", dst2.f.Campaign.ID), "people", "people.csv", bad)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "Nothing was imported", "<td class=\"nhsuk-table__cell\">3</td>")
	page, err := dst2.st.PeoplePage(ctx, store.PeopleFilter{CampaignID: dst2.f.Campaign.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 0 {
		t.Errorf("a refused file stored %d people", len(page))
	}

	// No kind chosen: the page says so, naming the field.
	res = dst2.uploadKind(fmt.Sprintf("/admin/campaigns/%d/import", dst2.f.Campaign.ID), "", "people.csv", people.body)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "Select what the file holds")
}
