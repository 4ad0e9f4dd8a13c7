package e2e

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/groundswell-health/groundswell/demo"
	"github.com/groundswell-health/groundswell/store/storetest"
	"github.com/groundswell-health/groundswell/web"
)

// TestDashboardDrawsItsCharts opens the demo's dashboards, network and
// indicator pages in Chromium and checks that each chart is drawn: that
// every line and dot has a real size on the page (an SVG with a bad
// coordinate draws nothing, silently), that the key names every line, and
// that the console is clean.
func TestDashboardDrawsItsCharts(t *testing.T) {
	chromiumPath(t)
	st := storetest.OpenDemo(t)
	app, err := web.New(web.Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app)
	t.Cleanup(srv.Close)
	b := newBrowser(t, 90*time.Second)

	// drawn counts the elements sel matches that the browser laid out with
	// a width or a height, so a horizontal or vertical line counts.
	drawn := func(sel string) int {
		t.Helper()
		n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll(`+"`"+sel+"`"+`)).filter(e => { const r = e.getBBox(); return r.width > 0 || r.height > 0 }).length`))
		if err != nil {
			t.Fatalf("count %s: %v%s", sel, err, b.where())
		}
		return n
	}

	// clipped fails for each label of a chart on the page that the chart's
	// own frame cuts off: drawn past the edge of its viewBox, it is not seen.
	clipped := func(page string) {
		t.Helper()
		cut, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](clippedLabelsJS))
		if err != nil {
			t.Fatalf("measure the labels on %s: %v", page, err)
		}
		for _, c := range cut {
			t.Errorf("%s: the chart's edge cuts off the label %s", page, c)
		}
	}

	b.open(t, srv.URL+"/campaigns/the-right-care/dashboard", 200)
	clipped("the dashboard")
	if n := drawn("svg[aria-labelledby^=growth] polyline"); n != 3 {
		t.Errorf("growth chart draws %d lines, want people, commitments and invitations", n)
	}
	if n := drawn("svg[aria-labelledby^=envelope] polyline"); n != 2 {
		t.Errorf("envelope chart draws %d lines, want money and staff time", n)
	}
	// Each chart's link to its figures shows the table, though it sits in a
	// closed <details>: following the link opens it.
	for _, chart := range []string{"growth", "envelope"} {
		link := `figure:has(svg[aria-labelledby^=` + chart + `]) figcaption a[href^="#"]`
		b.do(t, "follow the "+chart+" chart's table link", chromedp.Click(chromedp.CSS(link), chromedp.NodeVisible))
		shown, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(() => {
			const t = document.querySelector(document.querySelector(`+"`"+link+"`"+`).getAttribute("href"));
			const r = t.getBoundingClientRect();
			return r.height > 0 && r.top < innerHeight && r.bottom > 0;
		})()`))
		if err != nil {
			t.Fatalf("find the %s chart's table: %v%s", chart, err, b.where())
		}
		if !shown {
			t.Errorf("following the %s chart's link to its figures does not show the table", chart)
		}
	}
	key := b.text(t, ".gs-key")
	for _, name := range []string{"People committed", "Commitments standing", "Invitations made"} {
		if !strings.Contains(key, name) {
			t.Errorf("the key %q does not name %q", key, name)
		}
	}

	b.open(t, srv.URL+"/campaigns/"+demo.CampaignSlug+"/network", 200)
	clipped("the network")
	if n := drawn("svg[aria-labelledby^=network] circle"); n < 1000 {
		t.Errorf("network draws %d people, want the near 2,000 the note says", n)
	}

	b.open(t, srv.URL+"/campaigns/"+demo.CampaignSlug+"/indicators/antipsychotic-prescribing-dementia?chart=pprime", 200)
	clipped("the indicator page")
	if n := drawn("svg[aria-labelledby^=funnel] circle, svg[aria-labelledby^=funnel] path"); n != 7 {
		t.Errorf("funnel plot draws %d regions, want 7", n)
	}
	if n := drawn("svg[aria-labelledby^='chart-title'] polyline"); n < 5 {
		t.Errorf("p′ chart draws %d polylines, want the data line and the stepped limits", n)
	}
	if p := b.problems(); len(p) > 0 {
		t.Errorf("console problems: %q", p)
	}
}

// clippedLabelsJS lists the labels of the page's charts that fall, wholly
// or partly, outside their chart's viewBox, where the browser does not
// draw them.
const clippedLabelsJS = `(() => {
  const out = [];
  for (const svg of document.querySelectorAll("main svg[role=img]")) {
    const v = svg.viewBox.baseVal;
    if (!v || v.width === 0) continue;
    for (const t of svg.querySelectorAll("text")) {
      const r = t.getBBox();
      if (r.x < v.x - 0.5 || r.y < v.y - 0.5 || r.x + r.width > v.x + v.width + 0.5 || r.y + r.height > v.y + v.height + 0.5) {
        out.push(svg.getAttribute("aria-labelledby") + ": " + JSON.stringify(t.textContent));
      }
    }
  }
  return out;
})()`
