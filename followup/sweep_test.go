package followup

import (
	"strings"
	"testing"

	gs "github.com/groundswell-health/groundswell"
)

// TestFollowupMessages: every follow-up email has a plain-text and an HTML
// part, its links in both, and the unsubscribe link in both and as the
// one-click header; nothing is left unfilled.
func TestFollowupMessages(t *testing.T) {
	st := gs.FollowupState{
		Receipt: gs.Receipt{
			Person:   gs.Person{Name: "Siân O'Neill", Email: "sian@example.org"},
			Action:   gs.Action{Title: "Review everyone in my care prescribed an antipsychotic", DueOn: gs.MustDate("2027-03-31")},
			Group:    gs.Group{Name: "Care home nurses"},
			Campaign: gs.Campaign{Title: "The Right Prescription"},
		},
		FollowUpOn: gs.MustDate("2027-03-31"),
	}
	links := map[string]string{
		gs.TokenReportDone: "https://gs.example/report/done1", gs.TokenReportNotYet: "https://gs.example/report/notyet1",
		gs.TokenReportCant: "https://gs.example/report/cant1", gs.TokenRevive: "https://gs.example/report/revive1",
		gs.TokenUnsubscribe: "https://gs.example/unsubscribe/unsub1",
	}
	for _, tc := range []struct {
		step, subject string
		today         string
		text          []string
		links         []string
	}{
		{gs.StepRemind, "Reminder: your pledge is due by 31 March 2027", "2027-03-17",
			[]string{"That is in 14 days.", "Have you done it already?"}, []string{"done1"}},
		{gs.StepRemind, "Reminder: your pledge is due by 31 March 2027", "2027-03-30",
			[]string{"That is tomorrow."}, []string{"done1"}},
		{gs.StepReport, "Have you done it? Your pledge for 31 March 2027", "2027-03-31",
			[]string{"Yes, I have done it", "Not yet, I am still working on it", "I cannot do it", "by 14 April 2027"},
			[]string{"done1", "notyet1", "cant1"}},
		{gs.StepLapse, "We have closed your pledge for now", "2027-04-14",
			[]string{"we have closed it for now", "start your pledge again"}, []string{"done1", "revive1"}},
	} {
		m, err := followupMessage(tc.step, st, links, gs.MustDate(tc.today), gs.DefaultSchedule())
		if err != nil {
			t.Fatal(err)
		}
		if m.Subject != tc.subject || m.To != "sian@example.org" || m.ToName != "Siân O'Neill" {
			t.Errorf("%s: to %q %q, subject %q", tc.step, m.ToName, m.To, m.Subject)
		}
		if m.ListUnsubscribe != links[gs.TokenUnsubscribe] {
			t.Errorf("%s: List-Unsubscribe %q", tc.step, m.ListUnsubscribe)
		}
		for _, part := range []string{m.Text, m.HTML} {
			if strings.Contains(part, "<no value>") || !strings.Contains(part, "Siân O") {
				t.Errorf("%s: unfilled template:\n%s", tc.step, part)
			}
			for _, l := range append(tc.links, "unsub1") {
				if !strings.Contains(part, l) {
					t.Errorf("%s: link %s missing from:\n%s", tc.step, l, part)
				}
			}
			for _, l := range []string{"done1", "notyet1", "cant1", "revive1"} {
				if !strings.Contains(strings.Join(tc.links, " "), l) && strings.Contains(part, l) {
					t.Errorf("%s: has link %s it should not", tc.step, l)
				}
			}
		}
		for _, s := range tc.text {
			if !strings.Contains(m.Text, s) {
				t.Errorf("%s: text lacks %q:\n%s", tc.step, s, m.Text)
			}
		}
		if !strings.Contains(m.HTML, "Stop these emails") || !strings.Contains(m.Text, "To stop these emails") {
			t.Errorf("%s: no visible unsubscribe", tc.step)
		}
		if m.Headers["Auto-Submitted"] != "auto-generated" {
			t.Errorf("%s: headers %v", tc.step, m.Headers)
		}
	}
}
