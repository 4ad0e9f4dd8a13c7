package web

import (
	"bytes"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"github.com/groundswell-health/groundswell/demo"
)

// TestPNGDownloads: each chart the pages link to as PNG is a real image of
// the size asked for; bad sizes and unknown charts are refused clearly.
func TestPNGDownloads(t *testing.T) {
	srv, _ := sharedDemo(t)
	for _, path := range []string{
		demoIndicator + "/chart.png",
		demoIndicator + "/chart.png?chart=pprime&recalc=2019-10-01&width=800&height=400",
		demoIndicator + "/chart.png?area=E40000003",
		"/campaigns/the-right-care/dashboard/growth.png",
		"/campaigns/the-right-care/dashboard/envelope.png?period=weekly",
		"/campaigns/" + demo.CampaignSlug + "/dashboard/groups.png",
		"/campaigns/the-right-care/dashboard/funnel.png",
		"/campaigns/the-right-care/dashboard/depth.png",
		"/campaigns/" + demo.CampaignSlug + "/dashboard/areas.png",
	} {
		status, hd, body := fetch(t, srv, path)
		if status != http.StatusOK || hd.Get("Content-Type") != "image/png" {
			t.Errorf("%s: status %d, %q", path, status, hd.Get("Content-Type"))
			continue
		}
		img, err := png.Decode(bytes.NewReader([]byte(body)))
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		w, h := 1200, 600
		if strings.Contains(path, "width=800") {
			w, h = 800, 400
		}
		if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
			t.Errorf("%s: %d×%d, want %d×%d", path, b.Dx(), b.Dy(), w, h)
		}
	}
	for path, want := range map[string]int{
		demoIndicator + "/chart.png?width=100000":                      http.StatusUnprocessableEntity,
		demoIndicator + "/chart.png?height=tall":                       http.StatusUnprocessableEntity,
		demoIndicator + "/chart.png?area=XX":                           http.StatusNotFound,
		"/campaigns/the-right-care/dashboard/secrets.png":              http.StatusNotFound,
		"/campaigns/the-right-care/dashboard/growth.png?period=yearly": http.StatusUnprocessableEntity,
	} {
		if status, _, _ := fetch(t, srv, path); status != want {
			t.Errorf("%s: status %d, want %d", path, status, want)
		}
	}
}
