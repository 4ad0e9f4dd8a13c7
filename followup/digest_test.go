package followup

import (
	"strings"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
)

// TestDigestDue: the digest of a week is due from the schedule's day and
// hour, UK time, in summer (BST) and winter (GMT) alike, for the seven days
// before that moment; before it, last week's is the latest, and it is left
// once more than three days late.
func TestDigestDue(t *testing.T) {
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	monday8 := DefaultDigestSchedule()
	for _, tc := range []struct {
		name         string
		sched        DigestSchedule
		now          string
		week         string
		since, until string
		ok           bool
	}{
		// Summer: 8am BST is 07:00 UTC.
		{"BST, on the hour", monday8, "2027-04-12T07:00:00Z", "2027-W15", "2027-04-05T07:00:00Z", "2027-04-12T07:00:00Z", true},
		{"BST, a minute before: last week's, too late", monday8, "2027-04-12T06:59:00Z", "2027-W14", "2027-03-29T07:00:00Z", "2027-04-05T07:00:00Z", false},
		{"BST, on Wednesday", monday8, "2027-04-14T18:00:00Z", "2027-W15", "2027-04-05T07:00:00Z", "2027-04-12T07:00:00Z", true},
		{"BST, Thursday after 8am: too late", monday8, "2027-04-15T07:00:00Z", "2027-W15", "2027-04-05T07:00:00Z", "2027-04-12T07:00:00Z", false},
		{"BST, Sunday night", monday8, "2027-04-18T22:30:00Z", "2027-W15", "2027-04-05T07:00:00Z", "2027-04-12T07:00:00Z", false},
		// Winter: 8am GMT is 08:00 UTC.
		{"GMT", monday8, "2027-01-11T08:00:00Z", "2027-W02", "2027-01-04T08:00:00Z", "2027-01-11T08:00:00Z", true},
		{"GMT, 07:59 UTC", monday8, "2027-01-11T07:59:59Z", "2027-W01", "2026-12-28T08:00:00Z", "2027-01-04T08:00:00Z", false},
		// The week the clocks go forward (28 March 2027): 167 hours.
		{"across the change", monday8, "2027-03-29T07:00:00Z", "2027-W13", "2027-03-22T08:00:00Z", "2027-03-29T07:00:00Z", true},
		// A Sunday evening digest is in the ISO week that ends that day.
		{"Sunday 18:00", DigestSchedule{Day: time.Sunday, Hour: 18}, "2027-04-18T17:00:00Z", "2027-W15", "2027-04-11T17:00:00Z", "2027-04-18T17:00:00Z", true},
		{"Sunday 18:00, on Monday", DigestSchedule{Day: time.Sunday, Hour: 18}, "2027-04-19T09:00:00Z", "2027-W15", "2027-04-11T17:00:00Z", "2027-04-18T17:00:00Z", true},
		// The ISO year differs from the calendar year.
		{"week 53", monday8, "2026-12-28T09:00:00Z", "2026-W53", "2026-12-21T08:00:00Z", "2026-12-28T08:00:00Z", true},
	} {
		week, since, until, ok := tc.sched.due(utc(tc.now))
		if week != tc.week || !since.Equal(utc(tc.since)) || !until.Equal(utc(tc.until)) || ok != tc.ok {
			t.Errorf("%s: due(%s) = %s [%s, %s) %v, want %s [%s, %s) %v", tc.name, tc.now,
				week, since.UTC().Format(time.RFC3339), until.UTC().Format(time.RFC3339), ok, tc.week, tc.since, tc.until, tc.ok)
		}
	}
}

func TestParseDigestAt(t *testing.T) {
	for in, want := range map[string]string{
		"Monday 08:00": "Monday 08:00", "mon 8": "Monday 08:00", "friday 17:00": "Friday 17:00", " sun 0 ": "Sunday 00:00",
		"Wed 23:00": "Wednesday 23:00",
	} {
		ds, err := ParseDigestAt(in)
		if err != nil || ds.String() != want || ds.Every != time.Hour {
			t.Errorf("ParseDigestAt(%q) = %v (every %s), %v; want %s", in, ds, ds.Every, err, want)
		}
	}
	for _, in := range []string{"", "Monday", "Mon 24:00", "Mon 8:30", "Someday 08:00", "08:00", "mo 8", "Mon -1"} {
		if _, err := ParseDigestAt(in); err == nil {
			t.Errorf("ParseDigestAt(%q) accepted", in)
		}
	}
}

// TestDigestMessage: a digest has a plain-text and an HTML part, with the
// week's counts, the actions coming up, links to each group's page and to
// email its people, and the link that stops it, in both and as the
// one-click header; a quiet group says so in a line.
func TestDigestMessage(t *testing.T) {
	until := time.Date(2027, 4, 12, 7, 0, 0, 0, time.UTC)
	d := gs.LeadDigest{
		User: gs.User{ID: 7, Email: "lee@example.org", Name: "Lee O'Lead"}, Week: "2027-W15",
		Since: until.AddDate(0, 0, -7), Until: until, From: gs.MustDate("2027-04-12"),
		Groups: []gs.GroupDigest{
			{Group: gs.Group{ID: 3, Name: "Community pharmacists", Target: 100}, Campaign: gs.Campaign{Title: "The Right Prescription"},
				New: 4, Done: 2, Lapsed: 1, Cant: 1, Blocked: 3, Pledged: 40, DoneInAll: 12,
				Upcoming: []gs.ActionSummary{{Action: gs.Action{Title: "Review <every> prescription", DueOn: gs.MustDate("2027-04-13")}, Pledged: 9, Done: 2}}},
			{Group: gs.Group{ID: 5, Name: "Carers"}, Campaign: gs.Campaign{Title: "The Right Prescription"}, Pledged: 1},
		},
	}
	m, err := digestMessage(d, "https://gs.example", "https://gs.example/digest/unsubscribe/stop1")
	if err != nil {
		t.Fatal(err)
	}
	if m.To != "lee@example.org" || m.Subject != "Your weekly digest: Community pharmacists and Carers" ||
		m.ListUnsubscribe != "https://gs.example/digest/unsubscribe/stop1" || m.Headers["Auto-Submitted"] != "auto-generated" {
		t.Errorf("to %q subject %q unsubscribe %q headers %v", m.To, m.Subject, m.ListUnsubscribe, m.Headers)
	}
	for _, part := range []string{m.Text, m.HTML} {
		for _, s := range []string{"Lee O", "8am on Monday 12 April 2027", "Community pharmacists", "Carers", "13 April 2027", "tomorrow",
			"9 pledged, 2 done", "A quiet week: no new pledges", "your target is 100 people",
			"https://gs.example/lead/groups/3", "https://gs.example/lead/groups/3/message", "https://gs.example/lead/groups/5",
			"https://gs.example/digest/unsubscribe/stop1"} {
			if !strings.Contains(part, s) {
				t.Errorf("digest lacks %q:\n%s", s, part)
			}
		}
		if strings.Contains(part, "<no value>") || strings.Contains(part, "A quiet week.") {
			t.Errorf("unfilled template, or a busy week called quiet:\n%s", part)
		}
	}
	for _, s := range []string{"New pledges (confirmed): 4", "Done: 2", "Blocked: 3", `Not done ("I cannot do it"): 1`, "Lapsed with no word: 1",
		"In all: 40 pledges, 12 done", "In all: 1 pledge, 0 done", "Review <every> prescription", "No actions are due in the next 14 days",
		"To stop these digests (only these)"} {
		if !strings.Contains(m.Text, s) {
			t.Errorf("text lacks %q:\n%s", s, m.Text)
		}
	}
	if !strings.Contains(m.HTML, "Review &lt;every&gt; prescription") || !strings.Contains(m.HTML, "Stop these digests") {
		t.Errorf("HTML part not escaped, or no visible unsubscribe:\n%s", m.HTML)
	}
	if strings.Contains(m.Text, "\n\n\n") {
		t.Errorf("text has runs of blank lines:\n%s", m.Text)
	}

	// Three or more groups are counted in the subject; a week with nothing
	// anywhere is called quiet.
	d.Groups = []gs.GroupDigest{{Group: gs.Group{ID: 1, Name: "A"}}, {Group: gs.Group{ID: 2, Name: "B"}}, {Group: gs.Group{ID: 3, Name: "C"}}}
	m, err = digestMessage(d, "https://gs.example", "https://gs.example/digest/unsubscribe/stop1")
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Your weekly digest: the 3 groups you lead" || !strings.Contains(m.Text, "A quiet week.") || !strings.Contains(m.Text, "you lead A, B and C") {
		t.Errorf("subject %q\n%s", m.Subject, m.Text)
	}
	if _, err := digestMessage(d, "", "/digest/unsubscribe/stop1"); err == nil {
		t.Error("a digest with relative links was composed")
	}
}

// TestGroupMessageEmail: a lead's message reaches each person with the
// lead named as its sender, their words as they wrote them (escaped in
// HTML, line breaks kept), and the unsubscribe link of every follow-up
// email.
func TestGroupMessageEmail(t *testing.T) {
	st := gs.FollowupState{Receipt: gs.Receipt{
		Person:   gs.Person{ID: 4, Name: "Siân O'Neill", Email: "sian@example.org"},
		Group:    gs.Group{ID: 3, Name: "Community pharmacists", Slug: "community-pharmacists"},
		Campaign: gs.Campaign{Title: "The Right Prescription", Slug: "right-prescription"},
	}}
	m := gs.GroupMessage{ID: 9, GroupID: 3, SenderName: "Lee Lead", SenderRole: gs.SenderLead, Subject: "Thank you",
		Body: "Thank you all.\nWe are at 40 pledges.\n\n<b>Next</b>: the clinic & the review."}
	msg, err := groupMessageEmail(m, st, "https://gs.example", "https://gs.example/unsubscribe/unsub1")
	if err != nil {
		t.Fatal(err)
	}
	if msg.To != "sian@example.org" || msg.ToName != "Siân O'Neill" || msg.Subject != "Community pharmacists: Thank you" ||
		msg.ListUnsubscribe != "https://gs.example/unsubscribe/unsub1" {
		t.Errorf("to %q %q, subject %q, unsubscribe %q", msg.ToName, msg.To, msg.Subject, msg.ListUnsubscribe)
	}
	if !strings.Contains(msg.Text, "Lee Lead, a lead of Community pharmacists, writes:\n\n"+m.Body) {
		t.Errorf("text:\n%s", msg.Text)
	}
	for _, s := range []string{"Lee Lead, a lead of Community pharmacists, writes:", "Thank you all.<br>We are at 40 pledges.",
		"&lt;b&gt;Next&lt;/b&gt;: the clinic &amp; the review.", "Stop these emails"} {
		if !strings.Contains(msg.HTML, s) {
			t.Errorf("HTML lacks %q:\n%s", s, msg.HTML)
		}
	}
	for _, part := range []string{msg.Text, msg.HTML} {
		for _, s := range []string{"https://gs.example/unsubscribe/unsub1", "https://gs.example/campaigns/right-prescription/groups/community-pharmacists",
			"because you made a pledge with Community pharmacists in The Right Prescription"} {
			if !strings.Contains(part, s) {
				t.Errorf("part lacks %q:\n%s", s, part)
			}
		}
		if strings.Contains(part, "<no value>") {
			t.Errorf("unfilled template:\n%s", part)
		}
	}
	m.SenderName, m.SenderRole = "Olu Organiser", gs.SenderOrganiser
	msg, err = groupMessageEmail(m, st, "https://gs.example", "https://gs.example/unsubscribe/unsub1")
	if err != nil || !strings.Contains(msg.Text, "Olu Organiser, an organiser of The Right Prescription, writes:") {
		t.Errorf("from an organiser: %v\n%s", err, msg.Text)
	}
}
