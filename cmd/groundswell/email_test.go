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
	"testing"
	"time"

	"github.com/groundswell-health/groundswell/mail/mailtest"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

var confirmLink = regexp.MustCompile(`http://[^\s"]+/confirm/[a-z0-9]+`)

// TestPledgeIsConfirmedByEmail runs the program with a real SMTP server: a
// pledge queues its confirmation email in the job queue; the email arrives,
// its link confirms the pledge, and the pledge then counts. With the mail
// server down, the pledge still succeeds and the email is retried, not lost.
func TestPledgeIsConfirmedByEmail(t *testing.T) {
	ctx := context.Background()
	smtp := mailtest.NewServer(t)
	cfg := smtp.Config()
	db := filepath.Join(t.TempDir(), "email.db")

	// A campaign to pledge to, made before the server starts.
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	f := storetest.Seed(t, st)
	st.Close()

	addr, stop := start(t, []string{"serve", "--addr", "127.0.0.1:0", "--db", db}, env(
		"GROUNDSWELL_SMTP_HOST", cfg.Host, "GROUNDSWELL_SMTP_PORT", strconv.Itoa(cfg.Port),
		"GROUNDSWELL_SMTP_TLS", "none", "GROUNDSWELL_SMTP_FROM", "Groundswell <noreply@example.org>"))
	defer stop()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	pledge := func(email string) string {
		t.Helper()
		form := url.Values{"name": {"Asha Patel"}, "email": {email}, "profession": {"Pharmacist"},
			"area_id": {strconv.FormatInt(f.AreaID, 10)}, "show_on_wall": {"yes"}}
		res, err := client.PostForm(addr+"/campaigns/"+f.Campaign.Slug+"/actions/"+strconv.FormatInt(f.Actions[0].ID, 10)+"/pledge", form)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("pledge: status %d", res.StatusCode)
		}
		return res.Header.Get("Location")
	}

	pledge("asha@example.org")
	msgs := smtp.WaitFor(t, 1, 15*time.Second)
	m := msgs[0]
	if m.To[0] != "asha@example.org" || !strings.HasPrefix(m.Subject, "Confirm your pledge: ") || m.HTML == "" {
		t.Fatalf("email = to %v, subject %q, html %d bytes", m.To, m.Subject, len(m.HTML))
	}
	if m.Headers.Get("List-Unsubscribe") == "" || !strings.Contains(m.Text, "/unsubscribe/") {
		t.Errorf("the confirmation email has no unsubscribe link:\n%s", m.Text)
	}
	link := confirmLink.FindString(m.Text)
	if link == "" || !strings.HasPrefix(link, addr) {
		t.Fatalf("no confirmation link to %s in:\n%s", addr, m.Text)
	}
	if _, body := get(t, addr+"/campaigns/"+f.Campaign.Slug); !strings.Contains(body, "People committed</dt><dd>0</dd>") {
		t.Errorf("an unconfirmed pledge is counted")
	}
	res, err := client.PostForm(link, url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/pledges/") {
		t.Fatalf("following the link: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if _, body := get(t, addr+"/campaigns/"+f.Campaign.Slug); !strings.Contains(body, "People committed</dt><dd>1</dd>") {
		t.Errorf("a confirmed pledge is not counted")
	}
	// The link is single use: a second use changes nothing and says so.
	res, _ = client.PostForm(link, url.Values{})
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("second use of the link: %d\n%.300s", res.StatusCode, b)
	}

	// The mail server goes down: the pledge is still taken, and its email
	// arrives once the server is back.
	smtp.SetDown(true)
	pledge("ben@example.org")
	time.Sleep(500 * time.Millisecond)
	smtp.SetDown(false)
	msgs = smtp.WaitFor(t, 2, 20*time.Second)
	if msgs[1].To[0] != "ben@example.org" {
		t.Errorf("second email went to %v", msgs[1].To)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}
