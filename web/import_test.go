package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	gs "github.com/groundswell-health/groundswell"
)

func (h *harness) upload(path, field, name, content string) response {
	h.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile(field, name)
	if err != nil {
		h.t.Fatal(err)
	}
	io.WriteString(fw, content)
	mw.Close()
	req, _ := http.NewRequest("POST", h.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := h.client.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, body: string(b), location: res.Header.Get("Location"), header: res.Header}
}

func TestImportObservationsPage(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	if err := h.st.CreateIndicator(ctx, &gs.Indicator{CampaignID: h.f.Campaign.ID, Slug: "reviews", Name: "Reviews done", Unit: "%", Direction: "up"}); err != nil {
		t.Fatal(err)
	}
	h.signIn()
	wantBody(t, h.get("/admin/observations/import"), "Import outcome figures", `enctype="multipart/form-data"`)

	bad := "indicator,area_code,area_name,period,value\nreviews,E40000003,London,2026-01-01,12.5\nreviews,E40000003,London,31/01/2026,x\nunknown,E40000003,London,2026-02-01,3\n"
	res := h.upload("/admin/observations/import", "file", "bad.csv", bad)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "Nothing was imported", "<td class=\"nhsuk-table__cell\">3</td>", "<td class=\"nhsuk-table__cell\">4</td>")
	ind, _ := h.st.IndicatorBySlug(ctx, "reviews")
	areas, _ := h.st.ObservedAreas(ctx, ind.ID)
	if len(areas) != 0 {
		t.Fatalf("a file with bad rows stored figures for %d areas", len(areas))
	}

	good := "indicator,area_code,area_name,period,value,numerator,denominator\nreviews,E40000003,London,2026-01-01,12.5,25,200\nreviews,X99,Somewhere new,2026-01-01,10,10,100\n"
	res = h.upload("/admin/observations/import", "file", "good.csv", good)
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "2 figures imported: 2 new, 0 updated", "X99")
	res = h.upload("/admin/observations/import", "file", "good.csv", good)
	wantBody(t, res, "2 figures imported: 0 new, 2 updated")

	res = h.upload("/admin/observations/import", "file", "empty.csv", "")
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if !strings.Contains(res.body, "first line") {
		t.Errorf("an empty file is not explained:\n%.500s", res.body)
	}
}
