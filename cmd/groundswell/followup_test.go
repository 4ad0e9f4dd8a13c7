package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/mail/mailtest"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// testClock is a clock the test moves on; the program's store reads it.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// set moves the clock to mid-morning, UTC, on a date.
func (c *testClock) set(date string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = gs.MustDate(date).Time().Add(10 * time.Hour)
}

var (
	reportLink      = regexp.MustCompile(`http://[^\s"]+/report/[a-z0-9]+`)
	unsubscribeLink = regexp.MustCompile(`http://[^\s"]+/unsubscribe/[a-z0-9]+`)
)

// waitForEmail waits for an email to an address whose subject starts with
// prefix, and returns it.
func waitForEmail(t *testing.T, smtp *mailtest.Server, to, prefix string) mailtest.Received {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		for _, m := range smtp.Messages() {
			if m.To[0] == to && strings.HasPrefix(m.Subject, prefix) {
				return m
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	var got []string
	for _, m := range smtp.Messages() {
		got = append(got, m.To[0]+": "+m.Subject)
	}
	t.Fatalf("no email to %s starting %q; received:\n%s", to, prefix, strings.Join(got, "\n"))
	return mailtest.Received{}
}

// TestFollowupByEmail runs the program with a real SMTP server and a clock
// the test moves on: a confirmed pledge gets its reminder 14 days before its
// date and the report-back request on it; the "done" link from that email
// marks it done and the campaign's figures count it; the one-click
// unsubscribe in the email's header stops the follow-up for that person,
// while someone else's goes on.
func TestFollowupByEmail(t *testing.T) {
	ctx := context.Background()
	smtp := mailtest.NewServer(t)
	cfg := smtp.Config()
	db := filepath.Join(t.TempDir(), "followup.db")
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	f := storetest.Seed(t, st) // actions due 31 March and 1 April 2027
	st.Close()

	clock := &testClock{}
	clock.set("2027-03-01")
	storeClock = clock.Now
	defer func() { storeClock = nil }()

	addr, stop := start(t, []string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--followup-every", "1s", "--remind-before", "14d,2d", "--lapse-after", "14d"}, env(
		"GROUNDSWELL_SMTP_HOST", cfg.Host, "GROUNDSWELL_SMTP_PORT", strconv.Itoa(cfg.Port),
		"GROUNDSWELL_SMTP_TLS", "none", "GROUNDSWELL_SMTP_FROM", "Groundswell <noreply@example.org>"))
	defer stop()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(link string, body string) (int, string, string) {
		t.Helper()
		res, err := client.Post(link, "application/x-www-form-urlencoded", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header.Get("Location"), string(b)
	}
	pledge := func(email string, action gs.Action) {
		t.Helper()
		form := url.Values{"name": {"Asha Patel"}, "email": {email}, "profession": {"Pharmacist"},
			"area_id": {strconv.FormatInt(f.AreaID, 10)}}
		code, _, body := post(addr+"/campaigns/"+f.Campaign.Slug+"/actions/"+strconv.FormatInt(action.ID, 10)+"/pledge", form.Encode())
		if code != http.StatusSeeOther {
			t.Fatalf("pledge: status %d\n%.500s", code, body)
		}
		// Confirmed by the emailed link, as its owner would.
		m := waitForEmail(t, smtp, email, "Confirm your pledge: "+action.Title)
		link := confirmLink.FindString(m.Text)
		if code, _, _ := post(link, ""); code != http.StatusSeeOther {
			t.Fatalf("confirming %s: status %d", email, code)
		}
	}
	doneCount := func() string {
		t.Helper()
		_, body := get(t, addr+"/campaigns/"+f.Campaign.Slug)
		i := strings.Index(body, "Commitments done</dt><dd>")
		if i < 0 {
			t.Fatal("the campaign page shows no done count")
		}
		n, _, _ := strings.Cut(body[i+len("Commitments done</dt><dd>"):], "<")
		return n
	}

	pledge("asha@example.org", f.Actions[0])

	// 17 March, 14 days before the date: the reminder.
	clock.set("2027-03-17")
	m := waitForEmail(t, smtp, "asha@example.org", "Reminder: your pledge is due by 31 March 2027")
	if !strings.Contains(m.Text, "That is in 14 days.") || !strings.Contains(m.Text, f.Actions[0].Title) || m.HTML == "" {
		t.Errorf("reminder:\n%s", m.Text)
	}
	unsub := m.Headers.Get("List-Unsubscribe")
	if !strings.HasPrefix(unsub, "<"+addr+"/unsubscribe/") || m.Headers.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Errorf("reminder's unsubscribe headers: %q, %q", unsub, m.Headers.Get("List-Unsubscribe-Post"))
	}
	if !unsubscribeLink.MatchString(m.Text) || !strings.Contains(m.HTML, "Stop these emails") || !unsubscribeLink.MatchString(m.HTML) {
		t.Errorf("the reminder has no visible unsubscribe link in both parts")
	}
	if reportLink.FindString(m.Text) == "" {
		t.Errorf("the reminder has no link to say it is done")
	}

	// 31 March, the date: the report-back request with three links.
	clock.set("2027-03-31")
	m = waitForEmail(t, smtp, "asha@example.org", "Have you done it?")
	links := reportLink.FindAllString(m.Text, -1)
	if len(links) != 3 || !strings.Contains(m.Text, "Not yet, I am still working on it") || !strings.Contains(m.Text, "14 April 2027") {
		t.Fatalf("report-back email, %d links:\n%s", len(links), m.Text)
	}
	done := links[0]
	if n := doneCount(); n != "0" {
		t.Fatalf("done before reporting = %s", n)
	}
	// The link shows a button (a scanner fetching it changes nothing)…
	if code, body := get(t, done); code != http.StatusOK || !strings.Contains(body, "Yes, I have done it") {
		t.Fatalf("report link: %d\n%.500s", code, body)
	}
	if n := doneCount(); n != "0" {
		t.Fatalf("done after only opening the link = %s", n)
	}
	// …and pressing it marks the pledge done: the figures count it.
	code, location, _ := post(done, "")
	if code != http.StatusSeeOther {
		t.Fatalf("reporting done: %d", code)
	}
	if code, body := get(t, addr+location); code != http.StatusOK || !strings.Contains(body, "Thank you: your pledge is done") {
		t.Errorf("thank-you page: %d\n%.500s", code, body)
	}
	if n := doneCount(); n != "1" {
		t.Errorf("done after reporting = %s, want 1", n)
	}
	if code, _, _ := post(done, ""); code != http.StatusConflict {
		t.Errorf("the done link used again: %d", code)
	}

	// One click, as a mail provider sends it from the List-Unsubscribe
	// header of the report-back email.
	unsub = strings.Trim(m.Headers.Get("List-Unsubscribe"), "<>")
	if code, _, body := post(unsub, "List-Unsubscribe=One-Click"); code != http.StatusOK || !strings.Contains(body, "You have unsubscribed") {
		t.Fatalf("one-click unsubscribe: %d\n%.500s", code, body)
	}

	// Both pledge to the second action, due 1 April: a pledge's own
	// confirmation still reaches Asha, but on the date only Ben is asked.
	pledge("asha@example.org", f.Actions[1])
	pledge("ben@example.org", f.Actions[1])
	clock.set("2027-04-01")
	waitForEmail(t, smtp, "ben@example.org", "Have you done it?")
	time.Sleep(2 * time.Second) // another sweep or two
	for _, m := range smtp.Messages() {
		if m.To[0] == "asha@example.org" && strings.Contains(m.Subject, "1 April 2027") {
			t.Errorf("an email after unsubscribing: %q", m.Subject)
		}
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}
