package web_test

import (
	"regexp"
	"strings"
	"testing"
)

// numericDate is a date written in figures: 2027-03-31, 31/03/2027,
// 31/3/27, 31-03-2027 or 31.03.2027. The NHS writes dates out ("31 March
// 2027"): figures are read differently in different countries, and are
// harder to read for many people.
var numericDate = regexp.MustCompile(`\b(\d{4}-\d{1,2}-\d{1,2}(\b|T)|\d{1,2}[/.-]\d{1,2}[/.-](\d{4}|\d{2})\b)`)

// isoExample is an ISO 8601 date or time as an API example: 2026-11-25,
// 2026-11-25T09:00:00Z.
var isoExample = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2})?)?`)

// TestDatesAreWrittenOut visits every page that answers a GET with HTML,
// as an organiser and anonymously (the walk of
// TestUserTextIsInertOnEveryPage), the pages reached by emailed links, and
// every page of the demo reachable by a link; and fails when the text a
// person sees or hears holds a date in figures. What is not text is left
// alone: an input's value (a date field holds an ISO date), an address, a
// <time datetime>, and code examples in the API's documentation.
func TestDatesAreWrittenOut(t *testing.T) {
	h := newHarness(t)
	pages := 0
	check := func(path, body string) {
		t.Helper()
		pages++
		for _, u := range visibleText(body, textOptions{root: "body", svg: true}) {
			if strings.HasPrefix(path, "/api/docs") {
				// The API's reference is for programmers, and the values it
				// shows are what a program sends: ISO 8601 by the API's
				// contract. Its field descriptions come from the OpenAPI
				// document, as plain text that cannot mark an example as
				// code; other forms are still refused there.
				u = isoExample.ReplaceAllString(u, "")
			}
			if d := numericDate.FindString(u); d != "" {
				t.Errorf("%s shows the date %q in figures: %q", path, d, u)
			}
		}
	}
	h.everyPage(func(label string) string { return label }, func(path string, got response) {
		check(path, got.body)
	})
	_, public := publicPages(t)
	for _, p := range public {
		check(p[0], p[1])
	}
	for _, p := range demoPages(t) {
		check(p[0], p[1])
	}
	if pages < 50 {
		t.Errorf("visited only %d pages: the walk is not reaching them", pages)
	}
}

// TestNumericDatePattern checks what counts as a date in figures, and what
// does not: a phone number, a count, a version, a time.
func TestNumericDatePattern(t *testing.T) {
	for _, s := range []string{"2027-03-31", "on 31/03/2027.", "31/3/27", "31-03-2027", "31.03.2027", "2027-03-31T10:00:00Z"} {
		if !numericDate.MatchString(s) {
			t.Errorf("%q is not seen as a date in figures", s)
		}
	}
	for _, s := range []string{"31 March 2027", "0303 123 1113", "12,345", "version 2", "10:30", "1.5 hours", "2019 to 2021", "for example, 31 3 2027"} {
		if numericDate.MatchString(s) {
			t.Errorf("%q is seen as a date in figures", s)
		}
	}
}
