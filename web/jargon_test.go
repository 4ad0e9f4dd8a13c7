package web_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/groundswell-health/groundswell/demo"
	"github.com/groundswell-health/groundswell/web"
)

// jargon lists terms a member of the public may not know that our public
// pages use, each with words that explain it. Where a page uses a term, it
// must explain it in plain words at its first use: before it, or in the
// same section (up to the next heading), as "statistical process control
// (SPC)" or "Kept rate: of commitments whose date has passed, the share
// done". Plain words, not <abbr title>: a title is shown only to a mouse
// pointer that waits, never on a phone or to the keyboard, and most screen
// readers do not read it.
//
// A term written in capitals or with a symbol is matched as written; the
// others in any case. Explanations match in any case.
var jargon = []struct {
	term      string
	explained []string
}{
	{"SPC", []string{"statistical process control"}},
	{"XmR", []string{"moving range"}},
	{"p′", []string{"proportion"}},
	{"σ", []string{"spread"}},
	{"sigma", []string{"spread"}},
	{"Making Data Count", []string{"guidance"}},
	{"ODS", []string{"Organisation Data Service"}},
	{"ICB", []string{"integrated care board"}},
	{"kept rate", []string{"the share done"}},
	{"stakeholder", []string{"people with a part to play"}},
	{"run chart", []string{"without limits"}},
	{"funnel plot", []string{"against the number of people counted"}},
	{"special cause", []string{"something has changed"}},
	{"common cause", []string{"usual ups and downs"}},
	{"Laney", []string{"variation between", "beyond chance"}},
	{"driver diagram", []string{"a map of"}},
	{"mobilis", []string{"mobilisation is"}},
	{"envelope", []string{"money and staff time"}},
	{"discretionary", []string{"own time"}},
	{"synthetic", []string{"made up", "made-up"}},
	{"CSV", []string{"table"}},
	{"PNG", []string{"image"}},
	{"JSON", []string{"data"}},
}

// TestJargonIsExplained visits the public pages — every page reachable by
// a link from the home page of the demo, anonymously, with the indicator's
// p′ chart, and the pledge, receipt, report and certificate pages of a
// fixture — and checks each listed term they use is explained at its first
// use.
func TestJargonIsExplained(t *testing.T) {
	pages := demoPages(t)
	_, fixture := publicPages(t)
	pages = append(pages, fixture...)

	used := map[string]int{}
	for _, p := range pages {
		// Only the page's own content: the layout's note on illustrative data
		// says "made up" on every page, which would explain "synthetic" for all.
		units := visibleUnits(p[1], textOptions{root: "main"})
		for _, j := range jargon {
			first := -1
			for i, u := range units {
				if termIn(u.Text, j.term) {
					first = i
					break
				}
			}
			if first < 0 {
				continue
			}
			used[j.term]++
			// The page up to the end of the first use's section.
			end := first + 1
			for end < len(units) && !units[end].Heading {
				end++
			}
			var read strings.Builder
			for _, u := range units[:end] {
				read.WriteString(strings.ToLower(u.Text) + "\n")
			}
			ok := false
			for _, e := range j.explained {
				ok = ok || strings.Contains(read.String(), strings.ToLower(e))
			}
			if !ok {
				t.Errorf("%s uses %q without explaining it (by %q) at its first use:\n    %q",
					p[0], j.term, j.explained, units[first].Text)
			}
		}
	}
	// The test must see the terms it is about, or it checks nothing.
	for _, term := range []string{"SPC", "XmR", "p′", "σ", "special cause", "common cause", "funnel plot", "kept rate"} {
		if used[term] == 0 {
			t.Errorf("no page visited uses %q: the crawl is not reaching the chart pages", term)
		}
	}
}

// termIn reports whether text uses term: a term that starts with a letter
// must start a word ("SPC", not "MSPC"); written in lower case it matches
// in any case.
func termIn(text, term string) bool {
	if strings.ToLower(term) == term {
		text = strings.ToLower(text)
	}
	for i := 0; ; {
		j := strings.Index(text[i:], term)
		if j < 0 {
			return false
		}
		at := i + j
		r, _ := utf8.DecodeLastRuneInString(text[:at])
		first, _ := utf8.DecodeRuneInString(term)
		if at == 0 || !unicode.IsLetter(first) || !unicode.IsLetter(r) {
			return true
		}
		i = at + len(term)
	}
}

var pageLink = regexp.MustCompile(`href="(/[^"#]*)"`)

// demoPages is every public page of the demo reachable by a link from the
// home page (and the indicator's p′ chart), anonymously: crawled once for
// the tests that read them all.
func demoPages(t *testing.T) [][2]string {
	t.Helper()
	demoCrawl.once.Do(func() {
		demoCrawl.pages, demoCrawl.err = crawl(web.SharedDemo(t), 300, "/",
			"/campaigns/"+demo.CampaignSlug+"/indicators/antipsychotic-prescribing-dementia?chart=pprime")
	})
	if demoCrawl.err != nil {
		t.Fatal(demoCrawl.err)
	}
	return demoCrawl.pages
}

var demoCrawl struct {
	once  sync.Once
	pages [][2]string
	err   error
}

// crawl visits the HTML pages reachable from start by links, anonymously,
// up to limit pages, and returns each page's path and body. Addresses that
// differ only in their query's values (an indicator for each area, a
// dashboard by week or month) are one page to it: the same template with
// other figures, and the slowest pages to draw.
func crawl(srv *httptest.Server, limit int, start ...string) ([][2]string, error) {
	client := newClient()
	seen := map[string]bool{}
	queue := start
	var out [][2]string
	for len(queue) > 0 {
		path := queue[0]
		queue = queue[1:]
		key := pageKey(path)
		if seen[key] {
			continue
		}
		if len(seen) == limit {
			return nil, fmt.Errorf("more than %d pages reachable: raise the limit", limit)
		}
		seen[key] = true
		res, err := client.Get(srv.URL + path)
		if err != nil {
			return nil, err
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			return nil, err
		}
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			continue // a redirect to sign in, a download
		}
		out = append(out, [2]string{path, string(body)})
		for _, m := range pageLink.FindAllStringSubmatch(string(body), -1) {
			if link := strings.ReplaceAll(m[1], "&amp;", "&"); !strings.HasPrefix(link, "/static/") {
				queue = append(queue, link)
			}
		}
	}
	return out, nil
}

// pageKey is a page's address with its query's values dropped, its names
// kept: "/x?area=E12000007&chart=pprime" is "/x?area&chart".
func pageKey(path string) string {
	p, query, ok := strings.Cut(path, "?")
	if !ok {
		return p
	}
	var names []string
	for _, kv := range strings.Split(query, "&") {
		name, _, _ := strings.Cut(kv, "=")
		names = append(names, name)
	}
	slices.Sort(names)
	return p + "?" + strings.Join(names, "&")
}
