package e2e

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/demo"
	"github.com/groundswell-health/groundswell/store/storetest"
	"github.com/groundswell-health/groundswell/web"
)

// TestPrintBoardPapers prints the demo's dashboard and an indicator page to
// PDF, as an organiser would for a board paper, and checks what a reader
// of the paper would notice: no navigation, forms, buttons or download
// links; every data table on paper, the ones in closed "details" too; each
// chart starting a page of its own, whole, with its heading; a line that
// says where the page came from and when; and a number of pages that fits.
// The PDFs are kept under print/ in the artefacts folder.
func TestPrintBoardPapers(t *testing.T) {
	chromiumPath(t)
	srv := demoServer(t)
	b := newBrowser(t, 3*time.Minute)
	dir := artifactsDir(t, "print")

	for _, tc := range []struct {
		name, path string
	}{
		{"dashboard", "/campaigns/the-right-care/dashboard"},
		{"indicator", "/campaigns/" + demo.CampaignSlug + "/indicators/antipsychotic-prescribing-dementia"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b.open(t, srv.URL+tc.path, 200)
			closedDetails := evaluate[int](t, b, `document.querySelectorAll("details:not([open])").length`)

			// Lay the page out as on paper: print media, as wide as the
			// printed page.
			b.do(t, "emulate print media", media("print"), chromedp.EmulateViewport(pageWidthPx, pageHeightPx))

			// Nothing to press on paper.
			for _, sel := range []string{"header", "footer", ".nhsuk-skip-link", ".nhsuk-back-link", "nav", "main form", "main button",
				`main a[href*=".csv"], main a[href*=".png"], main a[href*=".json"]`} {
				if shown := evaluate[[]string](t, b, `Array.from(document.querySelectorAll(`+jsString(sel)+`)).filter(e => e.getClientRects().length > 0).map(e => e.outerHTML.slice(0, 120))`); len(shown) > 0 {
					t.Errorf("%s: %s is printed: %q", tc.path, sel, shown)
				}
			}
			// Links print as their words, not followed by their address.
			if n := evaluate[int](t, b, `Array.from(document.querySelectorAll("main a[href]")).filter(a => getComputedStyle(a, "::after").content.includes("Link:")).length`); n > 0 {
				t.Errorf("%s: %d links print their address after them", tc.path, n)
			}
			// Where the paper came from, and when.
			source := evaluate[string](t, b, `Array.from(document.querySelectorAll("main p")).filter(p => p.getClientRects().length > 0 && p.textContent.includes("Printed from")).map(p => p.textContent).join(" ")`)
			if !strings.Contains(source, srv.URL+tc.path) || !regexp.MustCompile(`\d{1,2} [A-Z][a-z]+ \d{4}`).MatchString(source) {
				t.Errorf("%s: the printed source line %q does not give the page's address and a date", tc.path, source)
			}

			// Each chart starts a page, whole, with its heading: walking back
			// from the chart, the first element that breaks the page comes
			// after the chart before it, and only headings and short text lie
			// between.
			charts := evaluate[[]chartPage](t, b, chartPagesJS)
			if len(charts) < 2 {
				t.Fatalf("%s: found %d charts, want the page's charts", tc.path, len(charts))
			}
			for _, c := range charts {
				if c.Start == "" {
					t.Errorf("%s: chart %q does not start a page", tc.path, c.Chart)
				} else if c.Height > pageHeightPx {
					t.Errorf("%s: chart %q starts its page at %q, and from there to its foot is %dpx, more than the page's %dpx: it cannot stay with its heading",
						tc.path, c.Chart, c.Start, c.Height, pageHeightPx)
				}
				if c.BreakInside != "avoid" {
					t.Errorf("%s: chart %q may split across pages (break-inside: %s)", tc.path, c.Chart, c.BreakInside)
				}
				if c.Heading != "" && c.HeadingAfter != "avoid" {
					t.Errorf("%s: the heading %q of chart %q may be left at the foot of a page (break-after: %s)", tc.path, c.Heading, c.Chart, c.HeadingAfter)
				}
			}

			b.do(t, "emulate the screen again", media(""), chromedp.EmulateReset())

			// Count the closed details as the page is printed: this
			// listener, added after print.js's, runs after it.
			evaluate[bool](t, b, `addEventListener("beforeprint", () => { window.closedAtPrint = document.querySelectorAll("details:not([open])").length }); true`)
			pdf, err := chromedp.Run(b.ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize()))
			if err != nil {
				t.Fatalf("print %s: %v", tc.path, err)
			}
			if err := os.WriteFile(filepath.Join(dir, tc.name+".pdf"), pdf, 0o644); err != nil {
				t.Fatal(err)
			}
			// Printing opened the closed details (print.js), so their
			// tables are on paper, and closed them again after.
			if closed := evaluate[int](t, b, `window.closedAtPrint ?? -1`); closed != 0 {
				t.Errorf("%s: %d of %d details were closed as the page printed (-1: the browser did not say it was printing): their tables are not on paper", tc.path, closed, closedDetails)
			}
			if still := evaluate[int](t, b, `document.querySelectorAll("details:not([open])").length`); still != closedDetails {
				t.Errorf("%s: after printing, %d details are closed, want the %d closed before", tc.path, still, closedDetails)
			}
			pages := pdfPages(pdf)
			t.Logf("%s: %d charts, %d PDF pages, %d bytes", tc.path, len(charts), pages, len(pdf))
			// A page for the opening figures, then one at least for each
			// chart; more than 40 would not be a board paper.
			if pages < len(charts)+1 || pages > 40 {
				t.Errorf("%s printed on %d pages, want between %d (the opening, then a page for each of %d charts) and 40", tc.path, pages, len(charts)+1, len(charts))
			}
		})
	}
}

// TestPrintCertificateOnOnePage prints a certificate: it must fit one A4
// page, the print rules it shares with the board papers notwithstanding.
func TestPrintCertificateOnOnePage(t *testing.T) {
	chromiumPath(t)
	st := storetest.Open(t)
	f := storetest.Seed(t, st)
	ctx := context.Background()
	res, err := st.Pledge(ctx, f.Pledge("asha@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	storetest.Confirm(t, st, res.Commitment.ID)
	if err := st.ReportOwn(ctx, "asha@example.org", res.Commitment.ID, gs.OutcomeReport{Outcome: gs.OutcomeDone}); err != nil {
		t.Fatal(err)
	}
	app, err := web.New(web.Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app)
	t.Cleanup(srv.Close)
	b := newBrowser(t, time.Minute)
	b.open(t, srv.URL+"/certificate/"+res.Commitment.ReceiptToken, 200)
	pdf, err := chromedp.Run(b.ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize()))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(artifactsDir(t, "print"), "certificate.pdf"), pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	if n := pdfPages(pdf); n != 1 {
		t.Errorf("the certificate prints on %d pages, want one", n)
	}
}

// demoServer serves the demo data set on a fresh store.
func demoServer(t *testing.T) *httptest.Server {
	t.Helper()
	app, err := web.New(web.Options{Store: storetest.OpenDemo(t)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app)
	t.Cleanup(srv.Close)
	return srv
}

// The printed page of app.css's @page rule, A4 landscape with margins of
// 12 mm, in CSS pixels (96 an inch): 273 by 186 mm.
const (
	pageWidthPx  = 1031
	pageHeightPx = 703
)

// chartPage is where a chart's printed page starts.
type chartPage struct {
	Chart        string // the chart's name
	Start        string // the element that starts its page, or "" if none does
	Height       int    // from there to the chart's foot (the first row of small multiples), in CSS pixels
	BreakInside  string // of the chart (of a small multiple)
	Heading      string // the nearest heading before the chart on its page
	HeadingAfter string // that heading's break-after
}

// chartPagesJS finds, for each chart (a figure.gs-chart, or the grid of
// small multiples), the element that starts its printed page: walking back
// in document order from the chart, the first one whose break-before is
// "page", which must come after the chart before. It measures the height
// from there to the chart's foot, which must fit one page. The grid of
// small multiples may run over pages, a row at a time: its first small
// chart is measured.
const chartPagesJS = `(() => {
  const shown = e => e.getClientRects().length > 0;
  const charts = Array.from(document.querySelectorAll("figure.gs-chart:not(.gs-multiples figure), .gs-multiples")).filter(shown);
  return charts.map((chart, i) => {
    const before = i > 0 ? charts[i - 1] : null;
    const multiples = chart.matches(".gs-multiples");
    const whole = multiples ? chart.firstElementChild : chart;
    const name = multiples ? "small multiples" : (chart.querySelector("svg title") || chart).textContent.trim().slice(0, 80);
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT);
    walker.currentNode = chart;
    let start = getComputedStyle(chart).breakBefore === "page" ? chart : null;
    let heading = null;
    for (let e = chart; !start && (e = walker.previousNode()); ) {
      if (before && (e === before || before.contains(e))) break;
      if (!shown(e)) continue;
      if (!heading && /^H[1-6]$/.test(e.tagName)) heading = e;
      if (getComputedStyle(e).breakBefore === "page") start = e;
    }
    return {
      Chart: name,
      Start: start ? start.tagName.toLowerCase() + ": " + start.textContent.trim().slice(0, 60) : "",
      Height: start ? Math.round(whole.getBoundingClientRect().bottom - start.getBoundingClientRect().top) : 0,
      BreakInside: getComputedStyle(whole).breakInside,
      Heading: heading ? heading.textContent.trim() : "",
      HeadingAfter: heading ? getComputedStyle(heading).breakAfter : "",
    };
  });
})()`

// pdfPages counts the pages of a PDF: its page objects, "/Type /Page" (not
// "/Type /Pages", the tree that holds them).
func pdfPages(pdf []byte) int {
	n := 0
	for i := 0; ; {
		j := bytes.Index(pdf[i:], []byte("/Type /Page"))
		if j < 0 {
			return n
		}
		i += j + len("/Type /Page")
		if i >= len(pdf) || pdf[i] != 's' {
			n++
		}
	}
}

// media emulates a CSS media type: "print", or "" for the screen again.
func media(m string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m})
		return chromedp.Void{}, err
	}
}

// evaluate runs a JavaScript expression in the page and returns its value.
func evaluate[T any](t *testing.T, b *browser, js string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %.80s: %v%s", js, err, b.where())
	}
	return v
}
