package web

import (
	"bytes"
	"encoding/json"
	"flag"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/demo"
	"github.com/groundswell-health/groundswell/spc"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenSeries is a fixed small series: 16 months, lower is better, with a
// target, a milestone, common-cause variation, and a rise at the end that
// the shift rule flags as concern.
func goldenSeries() ([]gs.Observation, gs.Indicator, []gs.Milestone) {
	values := []float64{5.0, 5.45, 4.9, 5.3, 5.1, 5.5, 4.8, 5.2, 5.0, 5.3, 5.6, 5.8, 5.5, 5.9, 5.7, 6.4}
	obs := make([]gs.Observation, len(values))
	for i, v := range values {
		obs[i] = gs.Observation{Period: gs.DateOf(time.Date(2024, time.Month(1+i), 1, 0, 0, 0, 0, time.UTC)), Value: v}
	}
	target := 3.5
	ind := gs.Indicator{Name: "Test <measure> & co", Unit: "%", Direction: "down", Target: &target}
	ms := []gs.Milestone{{Title: "Launch", On: gs.MustDate("2024-10-15")}, {Title: "Outside the series", On: gs.MustDate("2030-01-01")}}
	return obs, ind, ms
}

func renderPartial(t *testing.T, name string, data any) string {
	t.Helper()
	p, err := loadPages()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := p.byName["indicator"].ExecuteTemplate(&buf, name, data); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestSPCChartGolden draws a fixed series and compares the SVG with
// testdata/spcchart.golden.svg (go test ./web -run Golden -update rewrites it).
func TestSPCChartGolden(t *testing.T) {
	obs, ind, ms := goldenSeries()
	res, err := spcSeries(obs, ind, gs.Date{}, chartXmR)
	if err != nil {
		t.Fatal(err)
	}
	c := layoutSPC("chart", ind.Name, "SPC chart of the test measure.", false, obs, ind.Target, res, nil, ms)
	got := renderPartial(t, "spcsvg", c)
	golden := filepath.Join("testdata", "spcchart.golden.svg")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("SVG differs from %s (run with -update if the change is meant):\n%s", golden, got)
	}
	for _, s := range []string{
		"Test &lt;measure&gt; &amp; co",                              // text is escaped
		`stroke="#8C8C8C" stroke-width="1.5" stroke-dasharray="6 4"`, // process limits
		`stroke="#000000"`,                                           // mean
		`fill="#E46C0A"`,                                             // concern points
		">1</text>",                                                  // the milestone inside the series, numbered
	} {
		if !strings.Contains(got, s) {
			t.Errorf("SVG lacks %q", s)
		}
	}
	if strings.Contains(got, "e+") || strings.Contains(got, "e-0") {
		t.Error("SVG has a number in exponent form")
	}
	if n := len(c.Milestones); n != 1 {
		t.Errorf("%d milestones marked, want 1 (the other is outside the series)", n)
	}
	if c.Variation == nil || c.Variation.Code != string(spc.ConcernHigh) || c.Assurance == nil || c.Assurance.Code != string(spc.Fail) {
		t.Errorf("icons %+v %+v, want concern_high and fail", c.Variation, c.Assurance)
	}

	page := renderPartial(t, "spcchart", c)
	for _, s := range []string{"Special cause — concerning, high", "Assurance: consistently failing the target",
		"Association, not proof of cause: this chart shows what changed, not why.", "Launch (15 October 2024)",
		"Orange triangle, point down: special cause, concern"} {
		if !strings.Contains(page, s) {
			t.Errorf("chart lacks %q", s)
		}
	}
}

func TestSPCChartRunChart(t *testing.T) {
	obs, ind, ms := goldenSeries()
	obs = obs[:8]
	res, err := spcSeries(obs, ind, gs.Date{}, chartXmR)
	if err != nil {
		t.Fatal(err)
	}
	c := layoutSPC("chart", ind.Name, "Run chart.", false, obs, ind.Target, res, nil, ms)
	if !c.RunChart || len(c.Limits) != 0 || c.Variation != nil || c.Assurance != nil {
		t.Errorf("8 points: run chart %v, limits %v, icons %v %v; want a run chart with no limits or icons", c.RunChart, c.Limits, c.Variation, c.Assurance)
	}
	page := renderPartial(t, "spcchart", c)
	if !strings.Contains(page, "Fewer than 13 points: shown as a run chart without limits") {
		t.Error("run chart not explained")
	}
	if len(c.Mean) != 1 {
		t.Errorf("run chart has %d mean lines, want 1", len(c.Mean))
	}

	// A series spc refuses (a missing month) is explained, not drawn.
	obs, _, _ = goldenSeries()
	obs = append(obs[:3:3], obs[4:]...)
	res, err = spcSeries(obs, ind, gs.Date{}, chartXmR)
	c = layoutSPC("chart", ind.Name, "Gap.", false, obs, ind.Target, res, err, ms)
	if c.Err == "" || len(c.Rows) != len(obs) {
		t.Errorf("gap: error %q, %d rows; want an error and every row", c.Err, len(c.Rows))
	}
}

// demoServer serves the demo data set.
func demoServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv, _ := sharedDemo(t)
	return srv
}

func fetch(t *testing.T, srv *httptest.Server, path string) (int, http.Header, string) {
	t.Helper()
	res, err := srv.Client().Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, string(body)
}

const demoIndicator = "/campaigns/" + demo.CampaignSlug + "/indicators/antipsychotic-prescribing-dementia"

// TestSPCIndicatorPage checks the demo's indicator page: England's real
// series shows its 2021 shift as concern, with icons, and the regions'
// small multiples are labelled synthetic.
func TestSPCIndicatorPage(t *testing.T) {
	srv := demoServer(t)
	status, _, body := fetch(t, srv, demoIndicator)
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	if os.Getenv("GS_DUMP") != "" {
		os.WriteFile(os.Getenv("GS_DUMP"), []byte(body), 0o644)
	}
	for _, s := range []string{
		`<title id="chart-title">`, `<desc id="chart-desc">`,
		"Special cause — concerning, high",                                // the variation icon: the shift of 2021
		`font-weight="bold" text-anchor="middle" fill="#B35A00">H</text>`, // the icon's letter
		"Special cause: concern (shift)",                                  // the table
		"Special cause: improvement (outside the limits, shift)",          // early 2019
		"Association, not proof of cause: this chart shows what changed, not why.",
		"Lower limit", "Upper limit", "Variation",
		"Launch of the call to action",
		`<option value="2019-10-01">`, // recalculation at a milestone offered
		"By region", `?area=E40000003"`, `<title id="small-E40000003-title">`,
	} {
		if !strings.Contains(body, s) {
			t.Errorf("page lacks %q", s)
		}
	}
	if n := strings.Count(body, `<strong class="nhsuk-tag nhsuk-tag--orange">synthetic</strong>`); n != 7 {
		t.Errorf("%d small multiples labelled synthetic, want the 7 regions", n)
	}
	if strings.Contains(body, "Assurance:") {
		t.Error("an assurance icon without a target")
	}

	// A region: its own chart, no small multiples.
	status, _, body = fetch(t, srv, demoIndicator+"?area=E40000003")
	if status != http.StatusOK || strings.Contains(body, "By region") || !strings.Contains(body, "Made-up figures") {
		t.Errorf("London: status %d, small multiples %v, made up %v", status, strings.Contains(body, "By region"), strings.Contains(body, "Made-up figures"))
	}
}

func TestSPCIndicatorRecalc(t *testing.T) {
	srv := demoServer(t)
	_, _, plain := fetch(t, srv, demoIndicator)
	status, _, body := fetch(t, srv, demoIndicator+"?recalc=2019-10-01")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	for _, s := range []string{"recalculated from the first month on or after 1 October 2019", `<option value="2019-10-01" selected>`,
		"From October 2019: mean", `name="recalc" value="2019-10-01"`, "recalc=2019-10-01"} {
		if !strings.Contains(body, s) {
			t.Errorf("recalculated page lacks %q", s)
		}
	}
	if strings.Contains(plain, "From October 2019") {
		t.Error("recalculated without being asked")
	}
	// A date between periods starts the section at the next period.
	_, _, body = fetch(t, srv, demoIndicator+"?recalc=2020-01-31")
	if !strings.Contains(body, "From February 2020: mean") {
		t.Error("recalculation at 31 January 2020 does not start in February 2020")
	}
	_, _, body = fetch(t, srv, demoIndicator+"?recalc=2030-01-01")
	if !strings.Contains(body, "The mean and limits are not recalculated") || strings.Contains(body, "From ") && strings.Contains(body, ": mean") {
		t.Error("recalculation after the series is not explained as doing nothing")
	}
	if status, _, _ := fetch(t, srv, demoIndicator+"?recalc=soon"); status != http.StatusUnprocessableEntity {
		t.Errorf("bad recalc date: status %d, want 422", status)
	}
}

func TestSPCIndicatorJSON(t *testing.T) {
	srv := demoServer(t)
	status, hd, body := fetch(t, srv, demoIndicator+"/spc.json")
	if status != http.StatusOK || !strings.HasPrefix(hd.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, content type %q", status, hd.Get("Content-Type"))
	}
	var got spc.Report
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if !got.LimitsShown || len(got.Points) != 36 || got.VariationIcon != "concern_high" || got.AssuranceIcon != "none" {
		t.Errorf("England: limits %v, %d points, icons %s %s", got.LimitsShown, len(got.Points), got.VariationIcon, got.AssuranceIcon)
	}
	if p := got.Points[0]; p.Period != "2019-01-01" || p.Value != 8.49 || p.Lower == nil || p.Rules == nil {
		t.Errorf("first point %+v", p)
	}
	for _, key := range []string{`"limits_shown"`, `"lower_two_sigma"`, `"special_cause"`, `"variation_icon"`, `"assurance_icon"`} {
		if !strings.Contains(body, key) {
			t.Errorf("JSON lacks %s", key)
		}
	}

	// Recalculated: two means.
	_, _, body = fetch(t, srv, demoIndicator+"/spc.json?area=E92000001&recalc=2019-10-01")
	var re spc.Report
	if err := json.Unmarshal([]byte(body), &re); err != nil {
		t.Fatal(err)
	}
	if re.Points[0].Mean == re.Points[35].Mean || re.Points[9].Mean != re.Points[35].Mean || re.Points[8].Mean != re.Points[0].Mean {
		t.Errorf("recalculated at October 2019: means %v, %v, %v, %v", re.Points[0].Mean, re.Points[8].Mean, re.Points[9].Mean, re.Points[35].Mean)
	}

	// A region, and the errors, as JSON.
	status, _, body = fetch(t, srv, demoIndicator+"/spc.json?area=E40000003")
	if status != http.StatusOK || !strings.Contains(body, `"points"`) {
		t.Errorf("London: status %d", status)
	}
	for path, want := range map[string]int{
		demoIndicator + "/spc.json?area=XX":                             http.StatusNotFound,
		demoIndicator + "/spc.json?recalc=soon":                         http.StatusUnprocessableEntity,
		"/campaigns/" + demo.CampaignSlug + "/indicators/nope/spc.json": http.StatusNotFound,
	} {
		status, hd, body := fetch(t, srv, path)
		if status != want || !strings.HasPrefix(hd.Get("Content-Type"), "application/json") || !strings.Contains(body, `"error"`) {
			t.Errorf("%s: status %d (want %d), %q, %s", path, status, want, hd.Get("Content-Type"), body)
		}
	}
}

// TestSPCIndicatorPPrime: with numerators and denominators the page offers
// Laney's p′ chart, whose limits vary month by month with the denominator,
// on the same (percent) scale as the XmR chart.
func TestSPCIndicatorPPrime(t *testing.T) {
	srv := demoServer(t)
	_, _, plain := fetch(t, srv, demoIndicator)
	if !strings.Contains(plain, `<option value="pprime">p′ chart of the proportion</option>`) {
		t.Error("the page does not offer a p′ chart for figures with numerators and denominators")
	}
	status, _, body := fetch(t, srv, demoIndicator+"?chart=pprime&recalc=2019-10-01")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	for _, s := range []string{"Laney p′, NHS Making Data Count style", `<option value="pprime" selected>`,
		"process limits that vary with each month", "A Laney p′ chart", "chart=pprime", `<polyline points=`} {
		if !strings.Contains(body, s) {
			t.Errorf("p′ page lacks %q", s)
		}
	}
	var x, p spc.Report
	for path, into := range map[string]*spc.Report{"": &x, "&chart=pprime": &p} {
		_, _, js := fetch(t, srv, demoIndicator+"/spc.json?area=E92000001"+path)
		if err := json.Unmarshal([]byte(js), into); err != nil {
			t.Fatal(err)
		}
	}
	if len(p.Points) != 36 || p.Points[0].Value < 8 || p.Points[0].Value > 9 {
		t.Fatalf("p′ first value %v of %d points, want England's 8.49 %% as a percentage", p.Points[0].Value, len(p.Points))
	}
	varying := false
	for i := 1; i < len(p.Points); i++ {
		varying = varying || *p.Points[i].Upper != *p.Points[0].Upper
		if *x.Points[i].Upper != *x.Points[0].Upper {
			t.Fatal("the XmR chart's limits vary within its one section")
		}
	}
	if !varying {
		t.Error("the p′ chart's limits do not vary with the denominator")
	}
	if status, _, _ := fetch(t, srv, demoIndicator+"?chart=pie"); status != http.StatusUnprocessableEntity {
		t.Errorf("unknown chart kind: status %d, want 422", status)
	}
}

// TestSPCIndicatorFunnel: the national view compares the regions in a
// funnel plot at the latest month, with a table of the same numbers.
func TestSPCIndicatorFunnel(t *testing.T) {
	srv := demoServer(t)
	_, _, body := fetch(t, srv, demoIndicator)
	for _, s := range []string{"Areas compared, December 2021", `<title id="funnel-title">`, "Laney", "Lower 3σ limit", "Some areas&#39; figures are synthetic"} {
		if !strings.Contains(body, s) {
			t.Errorf("national page lacks %q", s)
		}
	}
	if i := strings.Index(body, `id="funnel"`); i < 0 || strings.Count(body[i:], "<td class=\"nhsuk-table__cell\">Within the limits</td>")+strings.Count(body[i:], "Beyond the 2σ") < 7 {
		t.Errorf("funnel table does not place the 7 regions")
	}
	_, _, region := fetch(t, srv, demoIndicator+"?area=E40000003")
	if strings.Contains(region, "Areas compared") {
		t.Error("a region's page draws the funnel plot")
	}
}

// TestFunnelLayout works a funnel through by hand: ten areas of 1,000
// people at 17 % and 18 % in turn, and one of 10,000 at 30 %; pooled
// 4,750 ÷ 20,000 = 23.75 %. Laney's σz, from the z-scores' moving ranges in
// order of denominator, is about 2.27, so the large area's upper 3σ limit is
// about 26.7 %: for a measure where lower is better it is a concern, drawn
// as an orange down-pointing triangle.
func TestFunnelLayout(t *testing.T) {
	n := func(v float64) *float64 { return &v }
	mk := func(name string, num, den float64) funnelUnit {
		return funnelUnit{Area: gs.Area{Name: name}, Obs: gs.Observation{Period: gs.MustDate("2024-01-01"), Numerator: n(num), Denominator: n(den), Value: 100 * num / den}}
	}
	var units []funnelUnit
	for i := range 10 {
		units = append(units, mk(string(rune('A'+i)), float64(170+10*(i%2)), 1000))
	}
	units = append(units, mk("Big", 3000, 10000))
	ind := gs.Indicator{Name: "Waits", Unit: "%", Direction: "down"}
	c, err := layoutFunnel("f", ind, gs.MustDate("2024-01-01"), units)
	if err != nil {
		t.Fatal(err)
	}
	if c.CentreValue != "23.75" || c.SigmaZ != "2.27" {
		t.Errorf("pooled value %s, σz %s; want 23.75 and 2.27", c.CentreValue, c.SigmaZ)
	}
	big := c.Rows[10]
	if big.Area != "Big" || big.Position != "Above the 3σ limit" || big.Upper3 != "26.65" || c.Dots[10].Colour != colourConcern || c.Dots[10].Path == "" {
		t.Errorf("the large area: %+v, dot %+v", big, c.Dots[10])
	}
	if c.Rows[0].Position != "Beyond the 2σ limit, within the 3σ" { // 23.75 − 2 × 2.27 × 1.35 = 17.6
		t.Errorf("a small area: %+v", c.Rows[0])
	}
	ind.Direction = "up"
	c, _ = layoutFunnel("f", ind, gs.MustDate("2024-01-01"), units)
	if c.Dots[10].Colour != colourImprovement {
		t.Errorf("higher is better: the large high area is %s, want improvement blue", c.Dots[3].Colour)
	}
	if _, err := layoutFunnel("f", ind, gs.MustDate("2024-01-01"), nil); err == nil {
		t.Error("a funnel of no areas drew")
	}
}

// TestIndicatorDownloadLinksKeepTheView: the page's JSON and PNG links ask
// for the same area, recalculation and kind of chart as the page shows.
func TestIndicatorDownloadLinksKeepTheView(t *testing.T) {
	srv := demoServer(t)
	const view = "?area=E40000003&recalc=2019-10-01&chart=pprime"
	_, _, page := fetch(t, srv, demoIndicator+view)
	link := func(suffix string) string {
		i := strings.Index(page, demoIndicator+suffix+"?")
		if i < 0 {
			t.Fatalf("no %s link on the page", suffix)
		}
		return html.UnescapeString(page[i : i+strings.IndexByte(page[i:], '"')])
	}
	jsonLink := link("/spc.json")
	if _, _, direct := fetch(t, srv, demoIndicator+"/spc.json"+view); !strings.Contains(jsonLink, "chart=pprime") {
		t.Errorf("the JSON link %q lost the view", jsonLink)
	} else if _, _, linked := fetch(t, srv, jsonLink); linked != direct {
		t.Errorf("the JSON link %q gives other figures than the page's view", jsonLink)
	}
	if png := link("/chart.png"); !strings.Contains(png, "area=E40000003") || !strings.Contains(png, "recalc=2019-10-01") {
		t.Errorf("the PNG link %q lost the view", png)
	}
}
