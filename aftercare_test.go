package groundswell_test

import (
	"strings"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
)

// TestOutcomeStatus: only done is done, so the kept rate counts pledges
// kept in full; partly done and blocked stay open; not done is lapsed.
func TestOutcomeStatus(t *testing.T) {
	for outcome, want := range map[string]string{
		gs.OutcomeDone: gs.StatusDone, gs.OutcomePartly: gs.StatusInProgress, gs.OutcomeNotYet: gs.StatusInProgress,
		gs.OutcomeBlocked: gs.StatusInProgress, gs.OutcomeCant: gs.StatusLapsed, "": "", "withdrawn": "",
	} {
		if got := gs.OutcomeStatus(outcome); got != want {
			t.Errorf("OutcomeStatus(%q) = %q, want %q", outcome, got, want)
		}
	}
	for _, p := range gs.ReportPurposes {
		answers := gs.LinkOutcomes(p)
		if len(answers) == 0 {
			t.Errorf("%s link offers no answer", p)
		}
		for _, a := range answers {
			if gs.OutcomeStatus(a) == "" {
				t.Errorf("%s link offers %q, which has no status", p, a)
			}
		}
	}
}

func TestOutcomeReportValidate(t *testing.T) {
	for _, tc := range []struct {
		in         gs.OutcomeReport
		field      string // the field with a message, or ""
		wantReason string
	}{
		{gs.OutcomeReport{Outcome: gs.OutcomeDone, Reason: "x"}, "", ""},
		{gs.OutcomeReport{Outcome: gs.OutcomePartly, Reason: "x"}, "", ""},
		{gs.OutcomeReport{Outcome: gs.OutcomeCant}, "", ""},
		{gs.OutcomeReport{Outcome: gs.OutcomeCant, Reason: " Moved.\r\nSorry. "}, "", "Moved.\nSorry."},
		{gs.OutcomeReport{Outcome: gs.OutcomeCant, Reason: strings.Repeat("a", gs.MaxReasonLength+1)}, "reason", ""},
		{gs.OutcomeReport{Outcome: gs.OutcomeBlocked, Reason: " "}, "blocker", ""},
		{gs.OutcomeReport{Outcome: gs.OutcomeBlocked, Reason: "No room"}, "", "No room"},
		{gs.OutcomeReport{Outcome: gs.OutcomeBlocked, Reason: "a\x00b"}, "blocker", ""},
		{gs.OutcomeReport{Outcome: "lapsed"}, "outcome", ""},
		{gs.OutcomeReport{}, "outcome", ""},
	} {
		in := tc.in
		err := in.Validate()
		fields := gs.ErrorFields(err)
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("%+v: %v", tc.in, err)
		case tc.field != "" && fields[tc.field] == "":
			t.Errorf("%+v: no message for %s (%v)", tc.in, tc.field, err)
		case tc.field == "" && in.Reason != tc.wantReason:
			t.Errorf("%+v: reason %q, want %q", tc.in, in.Reason, tc.wantReason)
		}
	}
}

func TestStoryInputValidate(t *testing.T) {
	s := gs.StoryInput{Text: "  We did it.\r\n\r\nAll of us. ", Public: true}
	if err := s.Validate(); err != nil || s.Text != "We did it.\n\nAll of us." || !s.Public {
		t.Errorf("%+v, %v", s, err)
	}
	s = gs.StoryInput{Text: strings.Repeat("é", gs.MaxStoryLength)}
	if err := s.Validate(); err != nil {
		t.Errorf("600 characters refused: %v", err)
	}
	s = gs.StoryInput{Text: strings.Repeat("é", gs.MaxStoryLength+1)}
	if err := s.Validate(); gs.ErrorFields(err)["story"] == "" {
		t.Errorf("601 characters: %v", err)
	}
	s = gs.StoryInput{Text: " ", Public: true}
	if err := s.Validate(); err != nil || s.Public {
		t.Errorf("an empty story is public: %+v, %v", s, err)
	}
}

// TestJourney: pledge → share → do → inspire, with the steps before the
// current one done.
func TestJourney(t *testing.T) {
	confirmed := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	p := func(status string, confirmedAt time.Time, invited int, story string) gs.OwnPledge {
		var o gs.OwnPledge
		o.Commitment = gs.Commitment{Status: status, ConfirmedAt: confirmedAt}
		o.Invited, o.Story.Text = invited, story
		return o
	}
	show := func(steps []gs.JourneyStep) string {
		var out []string
		for _, s := range steps {
			out = append(out, s.Name+":"+s.State)
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		p    gs.OwnPledge
		want string
	}{
		{p(gs.StatusPledged, time.Time{}, 0, ""), "Pledge:current Share:to come Do:to come Inspire:to come"},
		{p(gs.StatusPledged, confirmed, 0, ""), "Pledge:done Share:current Do:to come Inspire:to come"},
		{p(gs.StatusInProgress, confirmed, 2, ""), "Pledge:done Share:done Do:current Inspire:to come"},
		{p(gs.StatusLapsed, confirmed, 0, ""), "Pledge:done Share:current Do:to come Inspire:to come"},
		{p(gs.StatusDone, confirmed, 0, ""), "Pledge:done Share:done Do:done Inspire:current"},
		{p(gs.StatusDone, confirmed, 0, "We did."), "Pledge:done Share:done Do:done Inspire:done"},
		{p(gs.StatusWithdrawn, confirmed, 3, ""), ""},
	} {
		if got := show(tc.p.Journey()); got != tc.want {
			t.Errorf("%s, invited %d, story %q: %s, want %s", tc.p.Commitment.Status, tc.p.Invited, tc.p.Story.Text, got, tc.want)
		}
	}
	partly := p(gs.StatusInProgress, confirmed, 0, "")
	partly.Outcome = gs.OutcomePartly
	if !partly.StoryAllowed() || partly.Certified() || partly.Standing() != "Partly done" {
		t.Errorf("partly done: story %v, certified %v, %q", partly.StoryAllowed(), partly.Certified(), partly.Standing())
	}
	done := p(gs.StatusDone, time.Time{}, 0, "")
	if done.Certified() || done.StoryAllowed() {
		t.Error("an unconfirmed pledge marked done has a certificate or a story")
	}
}

func TestFollowUpItemKind(t *testing.T) {
	for _, tc := range []struct{ status, outcome, want string }{
		{gs.StatusInProgress, gs.OutcomeBlocked, gs.OutcomeBlocked},
		{gs.StatusLapsed, gs.OutcomeCant, gs.OutcomeCant},
		{gs.StatusLapsed, "", gs.StatusLapsed},
		{gs.StatusLapsed, gs.OutcomeBlocked, gs.StatusLapsed},
	} {
		if got := (gs.FollowUpItem{Status: tc.status, Outcome: tc.outcome}).Kind(); got != tc.want {
			t.Errorf("%s/%s: %s, want %s", tc.status, tc.outcome, got, tc.want)
		}
	}
}
