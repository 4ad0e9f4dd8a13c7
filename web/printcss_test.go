package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestPrintRulesInOneBlock: every print rule of app.css is in one block at
// its end, headed "Print: board papers", so that what a printed page shows
// is read in one place (the browser test e2e/print_test.go prints the
// pages). The script that opens the closed details for printing is served.
func TestPrintRulesInOneBlock(t *testing.T) {
	h := newHarness(t)
	css := h.get("/static/app.css")
	wantStatus(t, css, http.StatusOK)
	if n := strings.Count(css.body, "@media print"); n != 1 {
		t.Fatalf("app.css has %d @media print blocks, want one", n)
	}
	head := strings.Index(css.body, "/* Print: board papers")
	block := strings.Index(css.body, "@media print")
	if head < 0 || block < head {
		t.Fatalf("the print block is not headed \"Print: board papers\"")
	}
	if page := strings.Index(css.body, "@page"); page < block {
		t.Errorf("an @page rule is outside the print block")
	}
	// The block is the last thing in the file: its braces close at the end.
	depth, end := 0, -1
	for i, c := range css.body[block:] {
		switch c {
		case '{':
			depth++
		case '}':
			if depth--; depth == 0 {
				end = block + i + 1
			}
		}
		if end >= 0 {
			break
		}
	}
	if end < 0 || strings.TrimSpace(css.body[end:]) != "" {
		t.Errorf("rules follow the print block: %.200q", css.body[max(end, 0):])
	}
	page := h.get("/")
	wantBody(t, page, `src="/static/print.js?v=`)
	js := h.get("/static/print.js")
	wantStatus(t, js, http.StatusOK)
	wantBody(t, js, "beforeprint", "afterprint")
}
