package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// followUpNames lists the names and kinds on a group's follow-up list.
func followUpNames(t *testing.T, st *store.Store, groupID int64) string {
	t.Helper()
	list, err := st.GroupFollowUps(context.Background(), groupID, 100)
	if err != nil {
		t.Fatal(err)
	}
	if list.Total != len(list.Items) {
		t.Errorf("total %d, %d items", list.Total, len(list.Items))
	}
	var out []string
	for _, f := range list.Items {
		out = append(out, f.Name+" "+f.Kind())
	}
	return strings.Join(out, "; ")
}

// TestReportOwnOutcomes: the owner of a pledge, signed in, says how it
// went. Each outcome sets the status an analyst would expect (only done is
// done), blocked needs what is in the way, and only the owner of a
// confirmed, unwithdrawn pledge can say.
func TestReportOwnOutcomes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		r := newFollowupRig(t, st)
		c := r.pledge("asha@example.org")
		report := func(outcome, reason string) error {
			return st.ReportOwn(ctx, "Asha@Example.org", c.ID, gs.OutcomeReport{Outcome: outcome, Reason: reason})
		}
		want := func(status, outcome, reason string) {
			t.Helper()
			s := r.state(c.ID)
			if s.Commitment.Status != status || s.Outcome != outcome || s.OutcomeReason != reason {
				t.Fatalf("status %q, outcome %q, reason %q; want %q, %q, %q", s.Commitment.Status, s.Outcome, s.OutcomeReason, status, outcome, reason)
			}
		}

		if err := report(gs.OutcomeBlocked, "  "); gs.ErrorFields(err)["blocker"] != "Enter what is in the way" {
			t.Fatalf("blocked without what: %v", err)
		}
		if err := report("maybe", ""); gs.ErrorFields(err)["outcome"] == "" {
			t.Fatalf("unknown outcome: %v", err)
		}
		want(gs.StatusPledged, "", "")

		r.at("2027-03-10")
		if err := report(gs.OutcomePartly, "ignored"); err != nil {
			t.Fatal(err)
		}
		want(gs.StatusInProgress, gs.OutcomePartly, "")
		// Open, so followed up again: a date of its own, 14 days on, or the
		// action's date if later.
		r.wantSweep("2027-03-10")
		if s := r.state(c.ID); s.FollowUpOn != gs.MustDate("2027-03-31") {
			t.Errorf("partly done is followed up on %s", s.FollowUpOn)
		}

		if err := report(gs.OutcomeBlocked, "  No clinic room free.\r\nAsked twice. "); err != nil {
			t.Fatal(err)
		}
		want(gs.StatusInProgress, gs.OutcomeBlocked, "No clinic room free.\nAsked twice.")
		if got := followUpNames(t, st, r.f.Group.ID); got != "Asha Patel blocked" {
			t.Errorf("follow-up list = %q", got)
		}
		if cc, _ := st.CampaignCounts(ctx, r.f.Campaign.ID); cc.Done != 0 {
			t.Errorf("blocked counted done: %+v", cc)
		}

		if err := report(gs.OutcomeNotYet, ""); err != nil {
			t.Fatal(err)
		}
		want(gs.StatusInProgress, gs.OutcomeNotYet, "")
		if got := followUpNames(t, st, r.f.Group.ID); got != "" {
			t.Errorf("not yet left it on the follow-up list: %q", got)
		}

		if err := report(gs.OutcomeCant, "Moved job."); err != nil {
			t.Fatal(err)
		}
		want(gs.StatusLapsed, gs.OutcomeCant, "Moved job.")
		if got := followUpNames(t, st, r.f.Group.ID); got != "Asha Patel cant" {
			t.Errorf("follow-up list = %q", got)
		}

		r.at("2027-03-20")
		if err := report(gs.OutcomeDone, "ignored"); err != nil {
			t.Fatal(err)
		}
		want(gs.StatusDone, gs.OutcomeDone, "")
		if cc, _ := st.CampaignCounts(ctx, r.f.Campaign.ID); cc.Done != 1 {
			t.Errorf("done not counted: %+v", cc)
		}
		// Signed in, an owner may correct even "done".
		if err := report(gs.OutcomePartly, ""); err != nil {
			t.Fatal(err)
		}
		want(gs.StatusInProgress, gs.OutcomePartly, "")

		// Not someone else's, not unconfirmed, not withdrawn.
		if err := st.ReportOwn(ctx, "ben@example.org", c.ID, gs.OutcomeReport{Outcome: gs.OutcomeDone}); gs.ErrorCode(err) != gs.ENOTFOUND {
			t.Errorf("someone else's pledge: %v", err)
		}
		if err := st.ReportOwn(ctx, "asha@example.org", 999999, gs.OutcomeReport{Outcome: gs.OutcomeDone}); gs.ErrorCode(err) != gs.ENOTFOUND {
			t.Errorf("no such pledge: %v", err)
		}
		res, err := st.Pledge(ctx, r.f.Pledge("carl@example.org"))
		if err != nil {
			t.Fatal(err)
		}
		if err := st.ReportOwn(ctx, "carl@example.org", res.Commitment.ID, gs.OutcomeReport{Outcome: gs.OutcomeDone}); gs.ErrorCode(err) != gs.ECONFLICT {
			t.Errorf("unconfirmed pledge: %v", err)
		}
		if err := st.SetOwnStatus(ctx, "asha@example.org", c.ID, gs.StatusWithdrawn); err != nil {
			t.Fatal(err)
		}
		if err := report(gs.OutcomeDone, ""); gs.ErrorCode(err) != gs.ECONFLICT {
			t.Errorf("withdrawn pledge: %v", err)
		}
	})
}

// TestSetOwnStatusKeepsOutcome: the older way of changing a pledge signed
// in (a status) keeps the outcome in step, so a blocked pledge taken up
// again leaves the follow-up list, and one marked done is dated.
func TestSetOwnStatusKeepsOutcome(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		r := newFollowupRig(t, st)
		c := r.pledge("asha@example.org")
		if err := st.ReportOwn(ctx, "asha@example.org", c.ID, gs.OutcomeReport{Outcome: gs.OutcomeBlocked, Reason: "No room"}); err != nil {
			t.Fatal(err)
		}
		if err := st.SetOwnStatus(ctx, "asha@example.org", c.ID, gs.StatusInProgress); err != nil {
			t.Fatal(err)
		}
		if s := r.state(c.ID); s.Outcome != gs.OutcomeNotYet || s.OutcomeReason != "" {
			t.Errorf("outcome %q %q", s.Outcome, s.OutcomeReason)
		}
		if got := followUpNames(t, st, r.f.Group.ID); got != "" {
			t.Errorf("follow-up list = %q", got)
		}
		r.at("2027-03-25")
		if err := st.SetOwnStatus(ctx, "asha@example.org", c.ID, gs.StatusDone); err != nil {
			t.Fatal(err)
		}
		if s := r.state(c.ID); s.Outcome != gs.OutcomeDone || gs.DateOf(s.ReportedAt) != gs.MustDate("2027-03-25") {
			t.Errorf("done: outcome %q, reported %v", s.Outcome, s.ReportedAt)
		}
	})
}

// TestAnswerReportLink: a report link's page takes the answers near the
// link's own — partly done from "done", blocked from "not yet" — and no
// others; a refused answer leaves the link unspent.
func TestAnswerReportLink(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		r := newFollowupRig(t, st)
		c := r.pledge("asha@example.org")
		links := r.links(c.ID, gs.TokenReportDone, gs.TokenReportNotYet)
		done, notYet := links[0], links[1]

		if _, err := st.AnswerReportLink(ctx, done, gs.OutcomeReport{Outcome: gs.OutcomeBlocked, Reason: "x"}); gs.ErrorFields(err)["outcome"] == "" {
			t.Fatalf("blocked from the done link: %v", err)
		}
		if _, err := st.AnswerReportLink(ctx, notYet, gs.OutcomeReport{Outcome: gs.OutcomeBlocked}); gs.ErrorFields(err)["blocker"] == "" {
			t.Fatalf("blocked with nothing in the way: %v", err)
		}
		l, err := st.AnswerReportLink(ctx, notYet, gs.OutcomeReport{Outcome: gs.OutcomeBlocked, Reason: "Waiting for training"})
		if err != nil {
			t.Fatal(err)
		}
		if !l.Used || l.State.Commitment.Status != gs.StatusInProgress || l.State.Outcome != gs.OutcomeBlocked || l.State.OutcomeReason != "Waiting for training" {
			t.Errorf("after blocked: %+v", l)
		}
		l, err = st.AnswerReportLink(ctx, done, gs.OutcomeReport{Outcome: gs.OutcomePartly})
		if err != nil {
			t.Fatal(err)
		}
		if l.State.Commitment.Status != gs.StatusInProgress || l.State.Outcome != gs.OutcomePartly {
			t.Errorf("after partly: %q %q", l.State.Commitment.Status, l.State.Outcome)
		}
		if _, err := st.AnswerReportLink(ctx, done, gs.OutcomeReport{}); !errors.Is(err, store.ErrLinkUsed) {
			t.Errorf("used again: %v", err)
		}
	})
}

// TestStories: a story may be told once a pledge is done or partly done;
// the group's page shows those whose authors agreed, named only if they
// also agreed to the pledge wall, and only while the pledge is still done.
func TestStories(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		r := newFollowupRig(t, st)
		asha := r.pledge("asha@example.org") // on the pledge wall
		in := r.f.Pledge("ben@example.org")
		in.Name, in.ShowOnWall = "Ben Quiet", false
		res, err := st.Pledge(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		storetest.Confirm(t, st, res.Commitment.ID)
		ben := res.Commitment
		stories := func() string {
			t.Helper()
			list, err := st.GroupStories(ctx, r.f.Group.ID, 10)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, s := range list {
				name := s.Name
				if name == "" {
					name = "(anonymous)"
				}
				if s.Partly {
					name += " partly"
				}
				out = append(out, name+": "+s.Text)
			}
			return strings.Join(out, "; ")
		}

		story := gs.StoryInput{Text: "We reviewed 40 patients.", Public: true}
		if err := st.SaveOwnStory(ctx, "asha@example.org", asha.ID, story); gs.ErrorCode(err) != gs.ECONFLICT {
			t.Fatalf("story before it is done: %v", err)
		}
		if err := st.ReportOwn(ctx, "asha@example.org", asha.ID, gs.OutcomeReport{Outcome: gs.OutcomeDone}); err != nil {
			t.Fatal(err)
		}
		long := gs.StoryInput{Text: strings.Repeat("é", gs.MaxStoryLength+1)}
		if err := st.SaveOwnStory(ctx, "asha@example.org", asha.ID, long); gs.ErrorFields(err)["story"] != "Your story must be 600 characters or fewer" {
			t.Fatalf("too long: %v", err)
		}
		if err := st.SaveOwnStory(ctx, "ben@example.org", asha.ID, story); gs.ErrorCode(err) != gs.ENOTFOUND {
			t.Fatalf("someone else's: %v", err)
		}
		// Private first: not on the page.
		if err := st.SaveOwnStory(ctx, "asha@example.org", asha.ID, gs.StoryInput{Text: "Private."}); err != nil {
			t.Fatal(err)
		}
		if got := stories(); got != "" {
			t.Errorf("a private story is shown: %q", got)
		}
		r.at("2027-03-02")
		if err := st.SaveOwnStory(ctx, "asha@example.org", asha.ID, story); err != nil {
			t.Fatal(err)
		}
		a, err := st.Aftercare(ctx, asha.ID)
		if err != nil {
			t.Fatal(err)
		}
		if a.Story.Text != story.Text || !a.Story.Public || gs.DateOf(a.Story.CreatedAt) != gs.MustDate("2027-03-01") || gs.DateOf(a.Story.UpdatedAt) != gs.MustDate("2027-03-02") {
			t.Errorf("story = %+v", a.Story)
		}

		if err := st.ReportOwn(ctx, "ben@example.org", ben.ID, gs.OutcomeReport{Outcome: gs.OutcomePartly}); err != nil {
			t.Fatal(err)
		}
		r.at("2027-03-03")
		if err := st.SaveOwnStory(ctx, "ben@example.org", ben.ID, gs.StoryInput{Text: "Half the list so far.", Public: true}); err != nil {
			t.Fatal(err)
		}
		if got, want := stories(), "(anonymous) partly: Half the list so far.; Asha Patel: We reviewed 40 patients."; got != want {
			t.Errorf("stories = %q, want %q", got, want)
		}

		// Told later it was not done after all: the story goes from the page.
		if err := st.ReportOwn(ctx, "ben@example.org", ben.ID, gs.OutcomeReport{Outcome: gs.OutcomeCant}); err != nil {
			t.Fatal(err)
		}
		if got := stories(); got != "Asha Patel: We reviewed 40 patients." {
			t.Errorf("stories = %q", got)
		}
		// An empty story removes it.
		if err := st.SaveOwnStory(ctx, "asha@example.org", asha.ID, gs.StoryInput{Text: "  ", Public: true}); err != nil {
			t.Fatal(err)
		}
		if a, _ := st.Aftercare(ctx, asha.ID); a.Story.Text != "" || stories() != "" {
			t.Errorf("removed story remains: %+v", a.Story)
		}
	})
}

// TestStoryByLink: the page a used report link led to may save a story,
// until the link expires; an unused link, or another kind, may not.
func TestStoryByLink(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		r := newFollowupRig(t, st)
		c := r.pledge("asha@example.org")
		links := r.links(c.ID, gs.TokenReportDone, gs.TokenUnsubscribe)
		done, unsub := links[0], links[1]
		story := gs.StoryInput{Text: "Done, and it helped.", Public: true}

		if _, err := st.SaveStoryByLink(ctx, done, story); gs.ErrorCode(err) != gs.ECONFLICT {
			t.Fatalf("before the answer: %v", err)
		}
		if _, err := st.UseReportLink(ctx, done, ""); err != nil {
			t.Fatal(err)
		}
		for name, tok := range map[string]string{"unsubscribe": unsub, "forged": "abcdefghijklmnop"} {
			if _, err := st.SaveStoryByLink(ctx, tok, story); !errors.Is(err, store.ErrLinkUnknown) {
				t.Errorf("%s link: %v", name, err)
			}
		}
		if _, err := st.SaveStoryByLink(ctx, done, story); err != nil {
			t.Fatal(err)
		}
		if list, _ := st.GroupStories(ctx, r.f.Group.ID, 10); len(list) != 1 || list[0].Text != story.Text {
			t.Errorf("stories = %+v", list)
		}
		r.at("2027-06-30") // more than 90 days on
		if _, err := st.SaveStoryByLink(ctx, done, story); !errors.Is(err, store.ErrLinkExpired) {
			t.Errorf("expired: %v", err)
		}
	})
}

// TestGroupFollowUps: the leads' list holds the group's confirmed pledges
// that are blocked or lapsed, most recently changed first, with emails only
// of those who agreed to contact.
func TestGroupFollowUps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		r := newFollowupRig(t, st)
		silent := r.pledge("silent@example.org")
		in := r.f.Pledge("blocked@example.org")
		in.Name, in.ContactOK = "Bea Blocked", true
		res, err := st.Pledge(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		storetest.Confirm(t, st, res.Commitment.ID)
		blocked := res.Commitment
		r.pledge("fine@example.org")
		unconfirmed, err := st.Pledge(ctx, r.f.Pledge("new@example.org"))
		if err != nil {
			t.Fatal(err)
		}
		// Another group's pledge.
		other := gs.Group{CampaignID: r.f.Campaign.ID, Name: "Carers", Goal: "Ask."}
		if err := st.CreateGroup(ctx, &other); err != nil {
			t.Fatal(err)
		}
		oa := gs.Action{GroupID: other.ID, Title: "Ask", DueOn: gs.MustDate("2027-09-30")}
		if err := st.CreateAction(ctx, &oa); err != nil {
			t.Fatal(err)
		}
		oin := r.f.Pledge("elsewhere@example.org")
		oin.ActionID = oa.ID
		ores, err := st.Pledge(ctx, oin)
		if err != nil {
			t.Fatal(err)
		}
		storetest.Confirm(t, st, ores.Commitment.ID)
		if err := st.ReportOwn(ctx, "elsewhere@example.org", ores.Commitment.ID, gs.OutcomeReport{Outcome: gs.OutcomeBlocked, Reason: "x"}); err != nil {
			t.Fatal(err)
		}

		if got := followUpNames(t, st, r.f.Group.ID); got != "" {
			t.Fatalf("list = %q", got)
		}
		r.wantSweep("2027-03-31", "report 2027-03-31", "report 2027-03-31", "report 2027-03-31")
		r.at("2027-04-10")
		if err := st.ReportOwn(ctx, "blocked@example.org", blocked.ID, gs.OutcomeReport{Outcome: gs.OutcomeBlocked, Reason: "No cover for my shift"}); err != nil {
			t.Fatal(err)
		}
		if got := followUpNames(t, st, r.f.Group.ID); got != "Bea Blocked blocked" {
			t.Fatalf("list = %q", got)
		}
		// The others lapse in silence after the grace period; Bea, who
		// answered, is asked again later instead.
		r.wantSweep("2027-04-14", "lapse 2027-03-31", "lapse 2027-03-31")
		if got := followUpNames(t, st, r.f.Group.ID); got != "Asha Patel lapsed; Asha Patel lapsed; Bea Blocked blocked" {
			t.Fatalf("list = %q", got)
		}
		list, err := st.GroupFollowUps(ctx, r.f.Group.ID, 2)
		if err != nil {
			t.Fatal(err)
		}
		if list.Total != 3 || len(list.Items) != 2 || list.Items[1].CommitmentID != silent.ID {
			t.Errorf("limited to 2: total %d, %+v", list.Total, list.Items)
		}
		list, err = st.GroupFollowUps(ctx, r.f.Group.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range list.Items {
			switch f.CommitmentID {
			case blocked.ID:
				if f.Email != "blocked@example.org" || f.Reason != "No cover for my shift" || gs.DateOf(f.At) != gs.MustDate("2027-04-10") || f.ActionTitle != r.f.Actions[0].Title {
					t.Errorf("blocked item = %+v", f)
				}
			case silent.ID:
				if f.Email != "" || f.Reason != "" || gs.DateOf(f.At) != gs.MustDate("2027-04-14") {
					t.Errorf("lapsed item = %+v", f)
				}
			case unconfirmed.Commitment.ID:
				t.Errorf("an unconfirmed pledge is listed")
			}
		}
	})
}

// TestCertificate: only a confirmed pledge that is done has a certificate,
// dated the day it was done.
func TestCertificate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		r := newFollowupRig(t, st)
		c := r.pledge("asha@example.org")
		for _, token := range []string{c.ReceiptToken, "no-such-receipt", ""} {
			if _, err := st.Certificate(ctx, token); gs.ErrorCode(err) != gs.ENOTFOUND {
				t.Errorf("certificate of %q before done: %v", token, err)
			}
		}
		r.at("2027-03-30")
		if err := st.ReportOwn(ctx, "asha@example.org", c.ID, gs.OutcomeReport{Outcome: gs.OutcomePartly}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Certificate(ctx, c.ReceiptToken); gs.ErrorCode(err) != gs.ENOTFOUND {
			t.Errorf("partly done has a certificate: %v", err)
		}
		r.at("2027-04-02")
		if _, err := st.UseReportLink(ctx, r.links(c.ID, gs.TokenReportDone)[0], ""); err != nil {
			t.Fatal(err)
		}
		r.at("2027-04-09")
		cert, err := st.Certificate(ctx, c.ReceiptToken)
		if err != nil {
			t.Fatal(err)
		}
		if cert.Person.Name != "Asha Patel" || cert.Action.Title != r.f.Actions[0].Title || cert.Group.Name != r.f.Group.Name ||
			cert.Campaign.Title != r.f.Campaign.Title || cert.DoneOn != gs.MustDate("2027-04-02") {
			t.Errorf("certificate = %+v", cert)
		}
	})
}

// TestOwnPledgesJourney: a person's pledges come with where each stands on
// pledge → share → do → inspire.
func TestOwnPledgesJourney(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		r := newFollowupRig(t, st)
		current := func() string {
			t.Helper()
			mine, err := st.OwnPledges(ctx, "asha@example.org")
			if err != nil {
				t.Fatal(err)
			}
			if len(mine) != 1 {
				t.Fatalf("%d pledges", len(mine))
			}
			for _, s := range mine[0].Journey() {
				if s.State == gs.JourneyStepCurrent {
					return s.Name
				}
			}
			return "all done"
		}
		res, err := st.Pledge(ctx, r.f.Pledge("asha@example.org"))
		if err != nil {
			t.Fatal(err)
		}
		c := res.Commitment
		if got := current(); got != gs.JourneyPledge {
			t.Errorf("unconfirmed: %s", got)
		}
		storetest.Confirm(t, st, c.ID)
		if got := current(); got != gs.JourneyShare {
			t.Errorf("confirmed: %s", got)
		}
		in := r.f.Pledge("friend@example.org")
		in.ReferralCode = res.Person.ReferralCode
		if _, err := st.Pledge(ctx, in); err != nil {
			t.Fatal(err)
		}
		if got := current(); got != gs.JourneyDo {
			t.Errorf("after inviting a friend: %s", got)
		}
		if err := st.ReportOwn(ctx, "asha@example.org", c.ID, gs.OutcomeReport{Outcome: gs.OutcomeDone}); err != nil {
			t.Fatal(err)
		}
		if got := current(); got != gs.JourneyInspire {
			t.Errorf("done: %s", got)
		}
		if err := st.SaveOwnStory(ctx, "asha@example.org", c.ID, gs.StoryInput{Text: "Done."}); err != nil {
			t.Fatal(err)
		}
		if got := current(); got != "all done" {
			t.Errorf("with a story: %s", got)
		}
		p, err := st.PledgeByReceipt(ctx, c.ReceiptToken)
		if err != nil {
			t.Fatal(err)
		}
		if !p.Certified() || !p.StoryAllowed() || p.Invited != 1 || p.Story.Text != "Done." {
			t.Errorf("by receipt: %+v", p.Aftercare)
		}
		if _, err := st.OwnPledge(ctx, "friend@example.org", c.ID); gs.ErrorCode(err) != gs.ENOTFOUND {
			t.Errorf("someone else's pledge: %v", err)
		}
	})
}
