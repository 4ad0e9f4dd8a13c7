package web

import (
	"encoding/xml"
	"io"
	"io/fs"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/demo"
)

// The charts' accessibility (WCAG 2.2 AA), checked on the pages as the demo
// renders them, the way a reader of the page would meet them: each chart is
// named and described in words worked out from its figures; beside it, a
// link to a table of the same figures; its markers differ in shape, not only
// colour, and its key shows the shapes the chart draws; its text and lines
// stand out from the white behind them.

// chartPages are the pages that draw charts, and pages beside them that
// might come to draw some (the campaign, group and areas pages).
var chartPages = []string{
	"/campaigns/the-right-care/dashboard",
	"/campaigns/the-right-care/dashboard?period=weekly",
	"/campaigns/" + demo.CampaignSlug + "/dashboard",
	demoIndicator,
	demoIndicator + "?chart=pprime",
	demoIndicator + "?area=E40000003",
	demoIndicator + "?area=E40000003&chart=pprime&recalc=2019-10-01",
	"/campaigns/" + demo.CampaignSlug + "/network",
	"/campaigns/" + demo.CampaignSlug + "/areas",
	"/campaigns/" + demo.CampaignSlug,
	"/campaigns/the-right-care/groups/carers-and-families",
}

func TestChartsAreAccessible(t *testing.T) {
	srv := demoServer(t)
	pages := map[string]*node{} // the small multiples link to pages this test reads anyway
	get := func(path string) *node {
		t.Helper()
		if doc, ok := pages[path]; ok {
			return doc
		}
		status, _, body := fetch(t, srv, path)
		if status != 200 {
			t.Fatalf("%s: status %d", path, status)
		}
		pages[path] = parseHTML(t, body)
		return pages[path]
	}
	seen := map[string]int{}        // charts of each kind, by the id their SVG's title has
	variations := map[string]bool{} // the variations the SPC charts' points show
	for _, path := range chartPages {
		doc := get(path)
		for _, svg := range doc.all("svg") {
			if svg.attr["role"] != "img" {
				// Pictures beside words that say the same: hidden from
				// screen readers and out of the tab order.
				if svg.attr["aria-hidden"] != "true" || svg.attr["focusable"] != "false" {
					t.Errorf("%s: an SVG that is neither a labelled image nor hidden: %s", path, svg.start())
				}
				continue
			}
			title, desc := labels(t, path, svg)
			if title == "" {
				continue
			}
			kind := chartKind(svg)
			seen[kind]++
			where := path + ": chart " + strconv.Quote(title)
			fig := svg.closest("figure")
			if fig == nil {
				t.Errorf("%s is not in a figure", where)
				continue
			}
			table := linkedTable(t, where, doc, fig, title, get)
			if table == nil {
				continue
			}
			checkFigures(t, where, kind, svg, desc, table)
			checkContrast(t, where, svg)
			switch kind {
			case "chart", "small":
				checkSPCShapes(t, where, svg, fig, variations)
			case "growth", "envelope":
				checkLineKey(t, where, svg, fig)
			}
		}
		for _, icon := range doc.find(func(n *node) bool { return n.name == "li" && n.parent != nil && n.parent.hasClass("gs-spc-icons") }) {
			checkIcon(t, path, icon)
		}
	}
	for _, kind := range []string{"chart", "small", "funnel", "growth", "envelope", "network"} {
		if seen[kind] == 0 {
			t.Errorf("no %s chart on the pages checked: the test has lost sight of it", kind)
		}
	}
	for _, v := range []string{"common cause", "improvement", "concern"} {
		if !variations[v] {
			t.Errorf("no %s point on the SPC charts checked: their shapes went unchecked", v)
		}
	}
}

// labels checks that an SVG image is named by its <title> and described
// by its <desc>, through aria-labelledby, and returns their text.
func labels(t *testing.T, path string, svg *node) (title, desc string) {
	t.Helper()
	// The title names the chart; the description, long, describes it: a
	// screen reader says the name each time it meets the chart and offers
	// the description after.
	ids := append(strings.Fields(svg.attr["aria-labelledby"]), strings.Fields(svg.attr["aria-describedby"])...)
	for _, id := range ids {
		var el *node
		for _, k := range svg.kids {
			if k.attr["id"] == id {
				el = k
			}
		}
		switch {
		case el == nil:
			t.Errorf("%s: %s labelled by %q, which is not one of its own elements", path, svg.start(), id)
		case el.name == "title" && strings.Contains(svg.attr["aria-labelledby"], id):
			title = el.textContent()
		case el.name == "desc" && strings.Contains(svg.attr["aria-describedby"], id):
			desc = el.textContent()
		}
	}
	if strings.TrimSpace(title) == "" || strings.TrimSpace(desc) == "" {
		t.Errorf("%s: %s has title %q and description %q, named by aria-labelledby and aria-describedby %q; want the title as its name and the description as its description, neither empty", path, svg.start(), title, desc, ids)
		return "", ""
	}
	return title, desc
}

// chartKind is what a chart is, from its SVG's id prefix: chart (the
// indicator's SPC chart), small (a small multiple), funnel, growth,
// envelope or network.
func chartKind(svg *node) string {
	id := strings.Fields(svg.attr["aria-labelledby"])[0]
	kind, _, _ := strings.Cut(strings.TrimSuffix(id, "-title"), "-")
	return kind
}

// linkedTable follows the links in a chart's figure caption that offer its
// figures in a table, and returns the (first) table: on this page, or for a
// small multiple on the full chart's page, whose chart has the same title
// and its own link. The table's caption must name the chart.
func linkedTable(t *testing.T, where string, doc, fig *node, title string, get func(string) *node) *node {
	t.Helper()
	caption := fig.child("figcaption")
	var links []*node
	if caption != nil {
		links = caption.find(func(n *node) bool { return n.name == "a" && strings.Contains(n.textContent(), "table") })
	}
	if len(links) == 0 {
		t.Errorf("%s: no link beside it to its figures in a table", where)
		return nil
	}
	var first *node
	for _, a := range links {
		href := a.attr["href"]
		page := doc
		if !strings.HasPrefix(href, "#") {
			// A small multiple: its link goes to the area's full chart.
			page = get(href)
			var full *node
			for _, svg := range page.all("svg") {
				if tl := svg.child("title"); tl != nil && tl.textContent() == title {
					full = svg
				}
			}
			if full == nil || full.closest("figure") == nil {
				t.Errorf("%s: its link %q goes to a page without the chart in full", where, href)
				continue
			}
			return linkedTable(t, where+" in full", page, full.closest("figure"), title, get)
		}
		table := page.byID(strings.TrimPrefix(href, "#"))
		switch {
		case table == nil || table.name != "table":
			t.Errorf("%s: its link %q leads to no table", where, href)
			continue
		case table.child("caption") == nil || !strings.Contains(table.child("caption").textContent(), title):
			t.Errorf("%s: the table its link %q leads to has no caption naming the chart", where, href)
			continue
		case len(table.rows()) == 0:
			t.Errorf("%s: the table its link %q leads to is empty", where, href)
		}
		if first == nil {
			first = table
		}
	}
	return first
}

// markerTitle is a marker's tooltip: "January 2019: 8.49, …" or
// "London: 7.93 of 47,380, …".
var markerTitle = regexp.MustCompile(`^(.+?): (-?[0-9][0-9,]*\.?[0-9]*)`)

// checkFigures checks that the table has the figures the chart draws, and
// that the chart's description tells them.
func checkFigures(t *testing.T, where, kind string, svg *node, desc string, table *node) {
	t.Helper()
	rows := table.rows()
	switch kind {
	case "chart", "small", "funnel":
		// Each marker is a row of the table, with the same value.
		markers := svg.markers()
		if len(markers) != len(rows) {
			t.Errorf("%s draws %d points; its table has %d rows", where, len(markers), len(rows))
			return
		}
		for i, m := range markers {
			got := markerTitle.FindStringSubmatch(m.child("title").textContent())
			if got == nil || !rows[i].hasCell(got[1]) || !rows[i].hasCell(got[2]) {
				t.Errorf("%s: point %q is not in the table's row %d, %q", where, m.child("title").textContent(), i+1, rows[i].cells())
				return
			}
		}
		if kind == "funnel" {
			if n := strconv.Itoa(len(rows)) + " areas"; !strings.Contains(desc, n) {
				t.Errorf("%s: the description does not count the %s: %q", where, n, desc)
			}
			return
		}
		last := markerTitle.FindStringSubmatch(markers[len(markers)-1].child("title").textContent())
		if !strings.Contains(desc, "the latest "+last[2]) || !strings.Contains(desc, last[1]) {
			t.Errorf("%s: the description does not tell the latest value, %s in %s: %q", where, last[2], last[1], desc)
		}
	case "growth", "envelope":
		// Every line has a point for each row of each of its tables, and
		// the description ends each line at the last row's figure.
		for _, line := range svg.all("polyline") {
			if n := len(strings.Fields(line.attr["points"])); n != len(rows) {
				t.Errorf("%s: line %q has %d points; its table has %d rows", where, line.child("title").textContent(), n, len(rows))
			}
		}
		last := rows[len(rows)-1].cells()
		figure := last[1] // people committed, or money allocated
		if kind == "envelope" {
			figure = last[len(last)-1] // the percentage remaining
		}
		if strings.TrimSpace(figure) == "" {
			t.Errorf("%s: the table's last row has no figure to check the description by: %q", where, last)
		} else if !strings.Contains(desc, figure) {
			t.Errorf("%s: the description does not tell the latest figure, %s: %q", where, figure, desc)
		}
	case "network":
		// Each layer's row counts the people drawn in it.
		drawn := map[string]int{}
		for _, c := range svg.all("circle") {
			layer, _, _ := strings.Cut(c.child("title").textContent(), ";")
			drawn[layer]++
		}
		total := 0
		for _, r := range rows {
			c := r.cells()
			n, _ := strconv.Atoi(strings.ReplaceAll(c[1], ",", ""))
			if drawn[c[0]] != n {
				t.Errorf("%s: layer %q has %d people drawn; its table says %s", where, c[0], drawn[c[0]], c[1])
			}
			total += n
		}
		if !strings.Contains(desc, formatInt(total)+" people are drawn") {
			t.Errorf("%s: the description does not count the %d people drawn: %q", where, total, desc)
		}
	}
}

// checkSPCShapes checks that an SPC chart's points differ in shape by what
// they show, and that its key pictures each shape the chart draws.
func checkSPCShapes(t *testing.T, where string, svg, fig *node, variations map[string]bool) {
	t.Helper()
	shapes := map[string]map[string]bool{} // variation → its markers' shapes
	var commonR map[string]bool
	for _, m := range svg.markers() {
		v := "common cause"
		for _, w := range []string{"improvement", "concern", "neither"} {
			if strings.Contains(m.child("title").textContent(), "special cause: "+w) {
				v = w
			}
		}
		if shapes[v] == nil {
			shapes[v] = map[string]bool{}
		}
		shapes[v][shape(m)] = true
		if v == "common cause" {
			if commonR == nil {
				commonR = map[string]bool{}
			}
			commonR[m.attr["r"]] = true
		}
	}
	if len(commonR) > 1 {
		t.Errorf("%s: common-cause points of different sizes %v", where, commonR)
	}
	want := map[string]string{"common cause": "circle", "improvement": "triangle pointing up", "concern": "triangle pointing down", "neither": "diamond"}
	for v, s := range shapes {
		if len(s) != 1 || !s[want[v]] {
			t.Errorf("%s: %s points drawn as %v, want each a %s", where, v, s, want[v])
		}
	}
	for v := range shapes {
		variations[v] = true
	}
	if !chartKindIsMain(svg) {
		return // the small multiples' key is the full chart's
	}
	// The key: for each shape drawn, a picture of that shape in the same
	// colours, with words that name it.
	keyWords := map[string]string{"circle": "circle", "triangle pointing up": "triangle, point up", "triangle pointing down": "triangle, point down", "diamond": "diamond"}
	for v, s := range shapes {
		var marker *node
		for _, m := range svg.markers() {
			if shape(m) == want[v] {
				marker = m
			}
		}
		found := false
		for _, li := range fig.child("figcaption").all("li") {
			for _, k := range li.all("svg") {
				for _, pic := range k.kids {
					if (pic.name == "circle" || pic.name == "path") && shape(pic) == want[v] && pic.attr["fill"] == marker.attr["fill"] && pic.attr["stroke"] == marker.attr["stroke"] &&
						strings.Contains(strings.ToLower(li.textContent()), keyWords[want[v]]) {
						found = true
					}
				}
			}
		}
		if !found {
			t.Errorf("%s: the key does not show the %s points' shape (%s) and name it: %v", where, v, keys(s), fig.child("figcaption").textContent())
		}
	}
}

func chartKindIsMain(svg *node) bool { return chartKind(svg) == "chart" }

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// shape names a marker's shape: a circle, or from a path's corners a
// triangle pointing up or down, or a diamond.
func shape(m *node) string {
	if m.name == "circle" {
		return "circle"
	}
	// Only the corners' heights tell the shapes apart.
	var ys []float64
	for _, pt := range regexp.MustCompile(`-?[0-9.]+,-?[0-9.]+`).FindAllString(m.attr["d"], -1) {
		_, y, _ := strings.Cut(pt, ",")
		fy, _ := strconv.ParseFloat(y, 64)
		ys = append(ys, fy)
	}
	switch {
	case len(ys) == 4:
		return "diamond"
	case len(ys) == 3 && ys[0] < ys[1] && ys[0] < ys[2]:
		return "triangle pointing up"
	case len(ys) == 3 && ys[0] > ys[1] && ys[0] > ys[2]:
		return "triangle pointing down"
	}
	return "a shape of corners " + m.attr["d"]
}

// checkLineKey checks that a line chart's lines differ by dash pattern as
// well as colour, and that the key shows each pattern and says it in words.
func checkLineKey(t *testing.T, where string, svg, fig *node) {
	t.Helper()
	dashes := map[string]string{}
	for _, l := range svg.all("polyline") {
		name := l.child("title").textContent()
		if other, ok := dashes[l.attr["stroke-dasharray"]]; ok {
			t.Errorf("%s: lines %q and %q have the same dash pattern", where, other, name)
		}
		dashes[l.attr["stroke-dasharray"]] = name
		words := map[string]string{"": "Solid line", dashDashed: "Dashed line", dashDotted: "Dotted line"}[l.attr["stroke-dasharray"]]
		found := false
		for _, li := range fig.find(func(n *node) bool { return n.name == "li" && n.parent.hasClass("gs-key") }) {
			for _, pic := range li.all("line") {
				if strings.Contains(li.textContent(), name) && strings.Contains(li.textContent(), words) &&
					pic.attr["stroke"] == l.attr["stroke"] && pic.attr["stroke-dasharray"] == l.attr["stroke-dasharray"] {
					found = true
				}
			}
		}
		if !found {
			t.Errorf("%s: the key does not show line %q's colour and dash pattern %q, in words %q", where, name, l.attr["stroke-dasharray"], words)
		}
	}
}

// checkIcon checks a Making Data Count icon: a letter as MDC's icons have,
// the one its words call for, readable against white; the variation icon
// also has the chart's marker of the kind its words say.
func checkIcon(t *testing.T, path string, li *node) {
	t.Helper()
	var words string // beside the icon
	for _, k := range li.kids {
		if k.name != "svg" {
			words += k.textContent()
		}
	}
	words = strings.TrimSpace(words)
	text := li.find(func(n *node) bool { return n.name == "text" })
	if len(text) != 1 {
		t.Errorf("%s: icon %q has %d letters, want 1", path, words, len(text))
		return
	}
	letter := text[0].textContent()
	want := ""
	switch {
	case strings.HasSuffix(words, "high"):
		want = "H"
	case strings.HasSuffix(words, "low"):
		want = "L"
	case strings.Contains(words, "passing"):
		want = "P"
	case strings.Contains(words, "failing"):
		want = "F"
	case strings.Contains(words, "hit or miss"):
		want = "?"
	case strings.HasPrefix(words, "Common cause"):
		want = "~"
	}
	if letter != want {
		t.Errorf("%s: icon %q has letter %q, want %q", path, words, letter, want)
	}
	if c := contrast(text[0].attr["fill"]); c < 4.5 {
		t.Errorf("%s: icon %q's letter is %s, %.2f:1 against white; want 4.5:1", path, words, text[0].attr["fill"], c)
	}
	marks := li.find(func(n *node) bool { return n.name == "path" || (n.name == "circle" && n.attr["r"] != "15") })
	wantShape := map[bool]string{true: "triangle pointing up", false: "triangle pointing down"}[strings.Contains(words, "improving")]
	switch {
	case !strings.HasPrefix(words, "Special cause"):
	case strings.Contains(words, "neither"):
		wantShape = "diamond"
		fallthrough
	default:
		if len(marks) != 1 || shape(marks[0]) != wantShape {
			t.Errorf("%s: icon %q does not show a %s", path, words, wantShape)
		}
	}
}

// checkContrast checks the colours of a chart against the white behind it
// (WCAG 2.2 1.4.3 and 1.4.11): 4.5:1 for text, 3:1 for a line or marker,
// by its outline or its fill. The gridlines (class gs-grid) are exempt: the
// tick labels carry the values, and the lines only guide the eye.
func checkContrast(t *testing.T, where string, svg *node) {
	t.Helper()
	bad := map[string]bool{}
	for _, n := range svg.find(func(*node) bool { return true }) {
		if n.name == "" || n.closestClass("gs-grid") {
			continue
		}
		fill, stroke := n.paint("fill"), n.paint("stroke")
		width, err := strconv.ParseFloat(n.paint("stroke-width"), 64)
		if err != nil {
			width = 1
		}
		switch n.name {
		case "text":
			if contrast(fill) < 4.5 {
				bad["text "+fill] = true
			}
		case "line", "polyline":
			if contrast(stroke) < 3 {
				bad[n.name+" "+stroke] = true
			}
		case "circle", "path", "rect":
			if contrast(fill) < 3 && (width == 0 || contrast(stroke) < 3) {
				bad[n.name+" "+fill+" edged "+stroke] = true
			}
		}
	}
	if len(bad) > 0 {
		t.Errorf("%s: colours short of WCAG's contrast against white: %v", where, keys(bad))
	}
}

// contrast is a colour's contrast ratio against white, by WCAG's formula;
// 1 for none or a colour it cannot read.
func contrast(hex string) float64 {
	hex = strings.TrimPrefix(hex, "#")
	if len(hex) != 6 {
		return 1
	}
	var lum float64
	for i, w := range []float64{0.2126, 0.7152, 0.0722} {
		v, err := strconv.ParseUint(hex[2*i:2*i+2], 16, 8)
		if err != nil {
			return 1
		}
		c := float64(v) / 255
		if c <= 0.03928 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		lum += w * c
	}
	return 1.05 / (lum + 0.05)
}

// TestSPCIconsCarryLetters draws the icons the demo lacks, those of a
// target: each assurance icon's letter is MDC's (P, F, ?), in a colour
// readable against white.
func TestSPCIconsCarryLetters(t *testing.T) {
	obs, ind, ms := goldenSeries() // lower is better, limits 4.39 to 6.41
	for target, want := range map[float64]string{7: "P", 3.5: "F", 5.4: "?"} {
		ind.Target = &target
		res, err := spcSeries(obs, ind, gs.Date{}, chartXmR)
		if err != nil {
			t.Fatal(err)
		}
		c := layoutSPC("chart", ind.Name, "Test.", false, obs, ind.Target, res, nil, ms)
		doc := parseHTML(t, renderPartial(t, "spcchart", c))
		var letters []string
		for _, li := range doc.find(func(n *node) bool { return n.name == "li" && n.parent.hasClass("gs-spc-icons") }) {
			checkIcon(t, "target "+strconv.FormatFloat(target, 'f', -1, 64), li)
			letters = append(letters, li.find(func(n *node) bool { return n.name == "text" })[0].textContent())
		}
		if len(letters) != 2 || letters[1] != want {
			t.Errorf("target %v: icons %q, want H and %s", target, letters, want)
		}
	}
}

// TestFunnelOutsideIsShapedAndNamed: in TestFunnelLayout's areas, one lies
// above its 3σ limit. Its marker is not a circle, and its name is written
// beside it; the key shows its shape.
func TestFunnelOutsideIsShapedAndNamed(t *testing.T) {
	n := func(v float64) *float64 { return &v }
	var units []funnelUnit
	for i := range 10 {
		num := float64(170 + 10*(i%2))
		units = append(units, funnelUnit{Area: gs.Area{Name: "Area " + strconv.Itoa(i)}, Obs: gs.Observation{Period: gs.MustDate("2024-01-01"), Numerator: n(num), Denominator: n(1000), Value: num / 10}})
	}
	units = append(units, funnelUnit{Area: gs.Area{Name: "Big"}, Obs: gs.Observation{Period: gs.MustDate("2024-01-01"), Numerator: n(3000), Denominator: n(10000), Value: 30}})
	c, err := layoutFunnel("funnel", gs.Indicator{Name: "Waits", Unit: "%", Direction: "down"}, gs.MustDate("2024-01-01"), units)
	if err != nil {
		t.Fatal(err)
	}
	doc := parseHTML(t, renderPartial(t, "funnelsvg", c))
	svg := doc.all("svg")[0]
	checkContrast(t, "funnel", svg)
	var big *node
	for _, m := range svg.markers() {
		name, _, _ := strings.Cut(m.child("title").textContent(), ":")
		switch {
		case name == "Big":
			big = m
		case shape(m) != "circle":
			t.Errorf("%s, within the limits, is drawn as a %s", name, shape(m))
		}
	}
	if big == nil || shape(big) != "triangle pointing down" {
		t.Fatalf("the area above its limit, worse where lower is better, is not a triangle pointing down: %v", big)
	}
	named := false
	for _, tx := range svg.all("text") {
		named = named || tx.textContent() == "Big"
	}
	if !named {
		t.Error("the area outside its limits is not named on the chart")
	}
	if !strings.Contains(c.Desc, "Big (above)") {
		t.Errorf("the description does not name the area outside its limits: %q", c.Desc)
	}
	keyed := false
	for _, k := range c.Key {
		keyed = keyed || (k.Dot.Path != "" && strings.Contains(k.Words, "point down") && k.Dot.Colour == big.attr["fill"])
	}
	if !keyed {
		t.Errorf("the key %+v does not show the orange triangle pointing down", c.Key)
	}
}

// TestTemplateSVGsAreLabelledOrHidden reads every template, those of pages
// the tests above do not render too (the admin pages): each <svg> is a
// labelled image or hidden from screen readers.
func TestTemplateSVGsAreLabelledOrHidden(t *testing.T) {
	tag := regexp.MustCompile(`<svg\b[^>]*>`)
	err := fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := templateFS.ReadFile(path)
		if err != nil {
			return err
		}
		for _, svg := range tag.FindAllString(string(b), -1) {
			labelled := strings.Contains(svg, `role="img"`) && strings.Contains(svg, `aria-labelledby="`)
			hidden := strings.Contains(svg, `aria-hidden="true"`) && strings.Contains(svg, `focusable="false"`)
			if labelled == hidden {
				t.Errorf("%s: %s is neither a labelled image nor hidden", path, svg)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// node is an element or text of a page, parsed with encoding/xml in its
// lenient HTML mode: enough to read the markup Groundswell writes.
type node struct {
	name   string // lower case; "" for text
	attr   map[string]string
	text   string
	kids   []*node
	parent *node
}

func parseHTML(t *testing.T, body string) *node {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(body))
	d.Strict, d.AutoClose, d.Entity = false, xml.HTMLAutoClose, xml.HTMLEntity
	root := &node{name: "#document"}
	cur := root
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return root
		}
		if err != nil {
			t.Fatalf("parse the page: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &node{name: strings.ToLower(tok.Name.Local), attr: map[string]string{}, parent: cur}
			for _, a := range tok.Attr {
				n.attr[a.Name.Local] = a.Value
			}
			cur.kids = append(cur.kids, n)
			cur = n
		case xml.EndElement:
			for c := cur; c != root; c = c.parent {
				if c.name == strings.ToLower(tok.Name.Local) {
					cur = c.parent
					break
				}
			}
		case xml.CharData:
			cur.kids = append(cur.kids, &node{text: string(tok), parent: cur})
		}
	}
}

// find returns the elements under n, in document order, that match.
func (n *node) find(match func(*node) bool) []*node {
	var out []*node
	for _, k := range n.kids {
		if k.name != "" && match(k) {
			out = append(out, k)
		}
		out = append(out, k.find(match)...)
	}
	return out
}

func (n *node) all(name string) []*node {
	return n.find(func(k *node) bool { return k.name == name })
}

func (n *node) child(name string) *node {
	for _, k := range n.kids {
		if k.name == name {
			return k
		}
	}
	return nil
}

func (n *node) byID(id string) *node {
	if got := n.find(func(k *node) bool { return k.attr["id"] == id }); len(got) > 0 {
		return got[0]
	}
	return nil
}

func (n *node) closest(name string) *node {
	for c := n.parent; c != nil; c = c.parent {
		if c.name == name {
			return c
		}
	}
	return nil
}

func (n *node) hasClass(class string) bool {
	return n != nil && n.attr != nil && strings.Contains(" "+n.attr["class"]+" ", " "+class+" ")
}

func (n *node) closestClass(class string) bool {
	for c := n; c != nil; c = c.parent {
		if c.hasClass(class) {
			return true
		}
	}
	return false
}

// paint is a presentation attribute, inherited from the SVG's groups.
func (n *node) paint(attr string) string {
	for c := n; c != nil && c.name != "svg"; c = c.parent {
		if v, ok := c.attr[attr]; ok {
			return v
		}
	}
	return ""
}

// textContent is the text under n, its spaces collapsed.
func (n *node) textContent() string {
	var b strings.Builder
	var walk func(*node)
	walk = func(n *node) {
		b.WriteString(n.text)
		for _, k := range n.kids {
			walk(k)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// markers are a chart's points: its circles and paths with a tooltip.
func (n *node) markers() []*node {
	return n.find(func(k *node) bool { return (k.name == "circle" || k.name == "path") && k.child("title") != nil })
}

// rows are a table's body rows.
func (n *node) rows() []*node {
	if body := n.child("tbody"); body != nil {
		return body.all("tr")
	}
	return nil
}

// cells are a row's cells' text.
func (n *node) cells() []string {
	var out []string
	for _, c := range n.kids {
		if c.name == "td" || c.name == "th" {
			out = append(out, c.textContent())
		}
	}
	return out
}

func (n *node) hasCell(text string) bool {
	for _, c := range n.cells() {
		if c == text {
			return true
		}
	}
	return false
}

// start is an element's start tag, for messages.
func (n *node) start() string {
	var b strings.Builder
	b.WriteString("<" + n.name)
	var names []string
	for k := range n.attr {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		b.WriteString(" " + k + "=" + strconv.Quote(n.attr[k]))
	}
	return b.String() + ">"
}
