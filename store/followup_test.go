package store_test

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// followupRig is a store with a clock the test sets, and a record of the
// follow-up emails sweeps have queued.
type followupRig struct {
	t     *testing.T
	st    *store.Store
	f     storetest.Fixture
	mu    sync.Mutex
	now   time.Time
	queue []gs.FollowupDue
	sched gs.Schedule
}

func newFollowupRig(t *testing.T, st *store.Store) *followupRig {
	r := &followupRig{t: t, st: st, f: storetest.Seed(t, st), sched: gs.DefaultSchedule()}
	r.at("2027-03-01")
	st.Now = func() time.Time {
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.now
	}
	return r
}

// at sets the clock to mid-morning, UTC, on a date.
func (r *followupRig) at(date string) {
	r.mu.Lock()
	r.now = gs.MustDate(date).Time().Add(10 * time.Hour)
	r.mu.Unlock()
}

// pledge makes and confirms a pledge to the fixture's first action, due on
// 31 March 2027.
func (r *followupRig) pledge(email string) gs.Commitment {
	r.t.Helper()
	res, err := r.st.Pledge(context.Background(), r.f.Pledge(email))
	if err != nil {
		r.t.Fatal(err)
	}
	storetest.Confirm(r.t, r.st, res.Commitment.ID)
	return res.Commitment
}

// sweep runs a sweep and returns the emails it queued.
func (r *followupRig) sweep() []gs.FollowupDue {
	r.t.Helper()
	before := len(r.queue)
	_, err := r.st.SweepFollowups(context.Background(), r.sched, func(ctx context.Context, tx *sql.Tx, d gs.FollowupDue) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.queue = append(r.queue, d)
		return nil
	})
	if err != nil {
		r.t.Fatal(err)
	}
	return r.queue[before:]
}

func (r *followupRig) wantSweep(date string, want ...string) []gs.FollowupDue {
	r.t.Helper()
	r.at(date)
	got := r.sweep()
	var names []string
	for _, d := range got {
		n := d.Step
		if d.Step == gs.StepRemind {
			n = "remind " + d.DueOn.String() + " -" + strconv.Itoa(d.DaysBefore)
		} else {
			n += " " + d.DueOn.String()
		}
		names = append(names, n)
	}
	if strings.Join(names, "; ") != strings.Join(want, "; ") {
		r.t.Fatalf("sweep on %s queued [%s], want [%s]", date, strings.Join(names, "; "), strings.Join(want, "; "))
	}
	return got
}

func (r *followupRig) state(id int64) gs.FollowupState {
	r.t.Helper()
	s, err := r.st.FollowupState(context.Background(), id)
	if err != nil {
		r.t.Fatal(err)
	}
	return s
}

func (r *followupRig) links(id int64, purposes ...string) []string {
	r.t.Helper()
	tokens, err := r.st.IssueLinks(context.Background(), id, "", gs.ReportLinksWithin, purposes...)
	if err != nil {
		r.t.Fatal(err)
	}
	return tokens
}

// TestFollowupSchedule walks one pledge through its follow-up by the
// store's clock: a reminder 14 and 2 days before its date, the report-back
// request on it, lapsing 14 days after. Each is queued once however often
// the sweep runs, and recorded with its email.
func TestFollowupSchedule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		r := newFollowupRig(t, st)
		c := r.pledge("asha@example.org")

		r.wantSweep("2027-03-01")
		r.wantSweep("2027-03-16")
		r.wantSweep("2027-03-17", "remind 2027-03-31 -14")
		r.wantSweep("2027-03-17")
		r.wantSweep("2027-03-28")
		r.wantSweep("2027-03-29", "remind 2027-03-31 -2")
		r.wantSweep("2027-03-30")
		r.wantSweep("2027-03-31", "report 2027-03-31")
		r.wantSweep("2027-04-13")
		if s := r.state(c.ID); s.Commitment.Status != gs.StatusPledged {
			t.Fatalf("before the end of the grace period, status = %q", s.Commitment.Status)
		}
		r.wantSweep("2027-04-14", "lapse 2027-03-31")
		r.wantSweep("2027-04-14")
		r.wantSweep("2027-06-01")
		s := r.state(c.ID)
		if s.Commitment.Status != gs.StatusLapsed || s.Outcome != "" || !s.Commitment.UpdatedAt.Equal(gs.MustDate("2027-04-14").Time().Add(10*time.Hour)) {
			t.Errorf("after the grace period, status %q outcome %q updated %s", s.Commitment.Status, s.Outcome, s.Commitment.UpdatedAt)
		}
		steps, err := st.FollowupSteps(context.Background(), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, s := range steps {
			if !s.Emailed || s.DueOn != gs.MustDate("2027-03-31") {
				t.Errorf("step %+v", s)
			}
			names = append(names, s.Step)
		}
		if got := strings.Join(names, ","); got != "remind_14,remind_2,report,lapse" {
			t.Errorf("steps recorded: %s", got)
		}
		// A lapsed commitment still counts as made, but not done.
		if cc := counts(t, st, r.f.Campaign.ID); cc.Commitments != 1 || cc.Done != 0 {
			t.Errorf("counts = %+v", cc)
		}
	})
}

// TestFollowupOnlyTheLatestStep: a sweep that did not run for a while sends
// one email for where the pledge is now, not the backlog; a pledge made
// shortly before its date gets no reminder on the day it was made.
func TestFollowupOnlyTheLatestStep(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		r := newFollowupRig(t, st)
		early := r.pledge("early@example.org")
		// Made 5 days before the date: the 14-day reminder is passed over
		// (recorded, not sent), the 2-day one is sent. The sweep did not
		// run while the early pledge's 14-day reminder was due: it is sent
		// late, once.
		r.at("2027-03-26")
		late := r.pledge("late@example.org")
		got := r.wantSweep("2027-03-26", "remind 2027-03-31 -14")
		if got[0].CommitmentID != early.ID {
			t.Errorf("reminder for %d, want %d", got[0].CommitmentID, early.ID)
		}
		steps, _ := st.FollowupSteps(context.Background(), late.ID)
		if len(steps) != 1 || steps[0].Step != "remind_14" || steps[0].Emailed {
			t.Errorf("late pledge's steps = %+v", steps)
		}
		r.wantSweep("2027-03-29", "remind 2027-03-31 -2", "remind 2027-03-31 -2")
		// Not run again until after the date: the report-back request only.
		r.wantSweep("2027-04-05", "report 2027-03-31", "report 2027-03-31")
		r.wantSweep("2027-04-05")
	})
}

// TestFollowupLatePledge: a pledge confirmed on or after its action's date
// gets a date of its own, AskAgainAfter days on, rather than being asked at
// once and lapsing days later.
func TestFollowupLatePledge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		r := newFollowupRig(t, st)
		r.at("2027-04-20") // past the date and the grace period
		c := r.pledge("late@example.org")
		r.wantSweep("2027-04-20")
		s := r.state(c.ID)
		if s.Commitment.Status != gs.StatusPledged || s.FollowUpOn != gs.MustDate("2027-05-04") {
			t.Fatalf("late pledge: status %q, followed up on %s", s.Commitment.Status, s.FollowUpOn)
		}
		r.wantSweep("2027-05-02", "remind 2027-05-04 -2")
		r.wantSweep("2027-05-04", "report 2027-05-04")
		r.wantSweep("2027-05-18", "lapse 2027-05-04")
	})
}

// TestFollowupWhoIsFollowedUp: only confirmed pledges still open, outside
// demo campaigns; the unsubscribed get no email but still lapse, quietly.
func TestFollowupWhoIsFollowedUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		r := newFollowupRig(t, st)
		if _, err := st.Pledge(ctx, r.f.Pledge("unconfirmed@example.org")); err != nil {
			t.Fatal(err)
		}
		done := r.pledge("done@example.org")
		withdrawn := r.pledge("withdrawn@example.org")
		unsub := r.pledge("unsub@example.org")
		open := r.pledge("open@example.org")

		doneLink := r.links(done.ID, gs.TokenReportDone)[0]
		if _, err := st.UseReportLink(ctx, doneLink, ""); err != nil {
			t.Fatal(err)
		}
		if err := st.SetOwnStatus(ctx, "withdrawn@example.org", withdrawn.ID, gs.StatusWithdrawn); err != nil {
			t.Fatal(err)
		}
		u := r.links(unsub.ID, gs.TokenUnsubscribe)[0]
		if _, already, err := st.Unsubscribe(ctx, u); err != nil || already {
			t.Fatalf("unsubscribe: %v, already %v", err, already)
		}

		// A demo campaign is not followed up at all.
		demo := gs.Campaign{Title: "Demo", Purpose: "Show.", StartsOn: gs.MustDate("2026-01-01"), Status: gs.CampaignLive, Illustrative: true}
		if err := st.CreateCampaign(ctx, &demo); err != nil {
			t.Fatal(err)
		}
		g := gs.Group{CampaignID: demo.ID, Name: "Demo group", Goal: "Show."}
		if err := st.CreateGroup(ctx, &g); err != nil {
			t.Fatal(err)
		}
		a := gs.Action{GroupID: g.ID, Title: "Demo action", DueOn: gs.MustDate("2027-03-31")}
		if err := st.CreateAction(ctx, &a); err != nil {
			t.Fatal(err)
		}
		in := r.f.Pledge("demo@example.org")
		in.ActionID = a.ID
		res, err := st.Pledge(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		storetest.Confirm(t, st, res.Commitment.ID)

		got := r.wantSweep("2027-03-17", "remind 2027-03-31 -14")
		if got[0].CommitmentID != open.ID {
			t.Errorf("reminder went to commitment %d, want %d", got[0].CommitmentID, open.ID)
		}
		got = r.wantSweep("2027-04-14", "lapse 2027-03-31")
		if got[0].CommitmentID != open.ID {
			t.Errorf("lapse notice for commitment %d, want %d", got[0].CommitmentID, open.ID)
		}
		if s := r.state(unsub.ID); s.Commitment.Status != gs.StatusLapsed || !s.Unsubscribed {
			t.Errorf("unsubscribed: status %q, unsubscribed %v", s.Commitment.Status, s.Unsubscribed)
		}
		steps, _ := st.FollowupSteps(ctx, unsub.ID)
		if len(steps) != 1 || steps[0].Step != "lapse" || steps[0].Emailed {
			t.Errorf("unsubscribed person's steps = %+v", steps)
		}
		for id, want := range map[int64]string{done.ID: gs.StatusDone, withdrawn.ID: gs.StatusWithdrawn, res.Commitment.ID: gs.StatusPledged} {
			if s := r.state(id); s.Commitment.Status != want {
				t.Errorf("commitment %d: status %q, want %q", id, s.Commitment.Status, want)
			}
		}
	})
}

// TestFollowupRecordedWithItsEmail: a step is recorded in the transaction
// that queues its email; if queueing fails, neither happens, and the next
// sweep takes the step.
func TestFollowupRecordedWithItsEmail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		r := newFollowupRig(t, st)
		c := r.pledge("asha@example.org")
		r.at("2027-03-17")
		boom := errors.New("queue down")
		_, err := st.SweepFollowups(ctx, r.sched, func(context.Context, *sql.Tx, gs.FollowupDue) error { return boom })
		if !errors.Is(err, boom) {
			t.Fatalf("sweep with a failing queue: %v", err)
		}
		if steps, _ := st.FollowupSteps(ctx, c.ID); len(steps) != 0 {
			t.Fatalf("a step was recorded without its email: %+v", steps)
		}
		r.wantSweep("2027-03-17", "remind 2027-03-31 -14")
	})
}

// TestFollowupSweepsAtOnce: sweeps running at the same time (two nodes)
// queue each email once.
func TestFollowupSweepsAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		r := newFollowupRig(t, st)
		for _, e := range []string{"a@example.org", "b@example.org", "c@example.org", "d@example.org", "e@example.org"} {
			r.pledge(e)
		}
		r.at("2027-03-17")
		r.sweepAtOnce(t, st, st, st, st)
		if len(r.queue) != 5 {
			t.Errorf("4 sweeps at once queued %d reminders for 5 pledges", len(r.queue))
		}
	})
}

// TestReportLinks: each answer changes the commitment as it says; a link
// that is used, expired, forged, tampered with or of another kind is
// refused and changes nothing.
func TestReportLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		r := newFollowupRig(t, st)
		c := r.pledge("asha@example.org")
		r.at("2027-03-31")
		links := r.links(c.ID, gs.TokenReportDone, gs.TokenReportNotYet, gs.TokenReportCant)
		done, notYet, cant := links[0], links[1], links[2]

		refused := func(token string, want error) {
			t.Helper()
			before := r.state(c.ID)
			_, err := st.UseReportLink(ctx, token, "")
			if !errors.Is(err, want) {
				t.Errorf("link %q: %v, want %v", token, err, want)
			}
			if after := r.state(c.ID); after.Commitment.Status != before.Commitment.Status || after.Outcome != before.Outcome {
				t.Errorf("a refused link changed the commitment: %+v", after)
			}
		}
		refused("", store.ErrLinkUnknown)
		refused("aaaaaaaaaaaaaaaaaaaaaaaaaa", store.ErrLinkUnknown)
		refused(strings.Repeat("a", 200), store.ErrLinkUnknown)
		tampered := []byte(done)
		tampered[3] ^= 1
		refused(string(tampered), store.ErrLinkUnknown)
		confirm, err := st.IssueToken(ctx, gs.TokenConfirm, c.ID, "", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		refused(confirm, store.ErrLinkUnknown) // another kind of link
		unsub := r.links(c.ID, gs.TokenUnsubscribe)[0]
		refused(unsub, store.ErrLinkUnknown)

		// Can't, with a reason too long: nothing changes, the link still works.
		_, err = st.UseReportLink(ctx, cant, strings.Repeat("x", gs.MaxReasonLength+1))
		if gs.ErrorCode(err) != gs.EINVALID || gs.ErrorFields(err)["reason"] == "" {
			t.Fatalf("a reason too long: %v", err)
		}

		// Not yet: in progress, asked again 14 days on.
		l, err := st.UseReportLink(ctx, notYet, "")
		if err != nil {
			t.Fatal(err)
		}
		if l.State.Commitment.Status != gs.StatusInProgress || l.State.Outcome != gs.OutcomeNotYet || !l.Used {
			t.Errorf("not yet: %+v", l)
		}
		refused(notYet, store.ErrLinkUsed)
		r.wantSweep("2027-03-31")
		if s := r.state(c.ID); s.FollowUpOn != gs.MustDate("2027-04-14") {
			t.Errorf("after not yet, followed up on %s, want 2027-04-14", s.FollowUpOn)
		}
		r.wantSweep("2027-04-12", "remind 2027-04-14 -2")
		r.wantSweep("2027-04-14", "report 2027-04-14")
		r.wantSweep("2027-04-20")

		// Done, late: it counts.
		if _, err := st.UseReportLink(ctx, done, ""); err != nil {
			t.Fatal(err)
		}
		s := r.state(c.ID)
		if s.Commitment.Status != gs.StatusDone || s.Outcome != gs.OutcomeDone {
			t.Errorf("done: status %q outcome %q", s.Commitment.Status, s.Outcome)
		}
		if cc := counts(t, st, r.f.Campaign.ID); cc.Done != 1 || cc.Commitments != 1 {
			t.Errorf("counts after done = %+v", cc)
		}
		actions, err := st.Actions(ctx, r.f.Group.ID, false)
		if err != nil || actions[0].Done != 1 {
			t.Errorf("the group's first action: %+v (%v)", actions, err)
		}
		refused(done, store.ErrLinkUsed)
		// What is done stays done: the other answers are refused.
		_, err = st.UseReportLink(ctx, cant, "")
		if gs.ErrorCode(err) != gs.ECONFLICT || !strings.Contains(gs.ErrorMessage(err), "already told us") {
			t.Errorf("can't after done: %v", err)
		}
		r.wantSweep("2027-06-01") // done is not followed up

		// Expired links change nothing.
		other := r.pledge("ben@example.org")
		old := r.links(other.ID, gs.TokenReportDone)[0]
		r.at("2027-09-01") // 92 days on
		if _, err := st.UseReportLink(ctx, old, ""); !errors.Is(err, store.ErrLinkExpired) {
			t.Errorf("expired link: %v", err)
		}
		if s := r.state(other.ID); s.Commitment.Status == gs.StatusDone {
			t.Error("an expired link marked the pledge done")
		}
	})
}

// TestCantAndRevive: "can't" closes the pledge with its reason; a lapsed
// pledge can be started again, and is followed up on a date of its own.
func TestCantAndRevive(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		r := newFollowupRig(t, st)
		a := r.pledge("asha@example.org")
		b := r.pledge("ben@example.org")
		r.at("2027-03-31")
		cant := r.links(a.ID, gs.TokenReportCant)[0]
		l, err := st.UseReportLink(ctx, cant, "  My practice closed.\r\nI moved.  ")
		if err != nil {
			t.Fatal(err)
		}
		if l.State.Commitment.Status != gs.StatusLapsed || l.State.Outcome != gs.OutcomeCant || l.State.OutcomeReason != "My practice closed.\nI moved." {
			t.Errorf("can't: %+v", l.State)
		}

		revive := r.links(b.ID, gs.TokenRevive)[0]
		if _, err := st.UseReportLink(ctx, revive, ""); gs.ErrorCode(err) != gs.ECONFLICT {
			t.Errorf("reviving an open pledge: %v", err)
		}
		r.wantSweep("2027-03-31", "report 2027-03-31")
		r.wantSweep("2027-04-14", "lapse 2027-03-31")
		r.at("2027-04-20")
		l, err = st.UseReportLink(ctx, revive, "")
		if err != nil {
			t.Fatal(err)
		}
		if l.State.Commitment.Status != gs.StatusInProgress {
			t.Errorf("revived: %+v", l.State.Commitment)
		}
		r.wantSweep("2027-04-20")
		if s := r.state(b.ID); s.FollowUpOn != gs.MustDate("2027-05-04") {
			t.Errorf("revived, followed up on %s", s.FollowUpOn)
		}
		r.wantSweep("2027-05-04", "report 2027-05-04")
	})
}

// TestUnsubscribeLink: the link stops follow-up emails for the person, may
// be followed again without effect, and an expired one changes nothing.
func TestUnsubscribeLink(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		r := newFollowupRig(t, st)
		c := r.pledge("asha@example.org")
		u := r.links(c.ID, gs.TokenUnsubscribe)[0]
		l, err := st.FollowupLink(ctx, u)
		if err != nil || l.Purpose != gs.TokenUnsubscribe || l.Used || l.State.Unsubscribed {
			t.Fatalf("link before use: %+v (%v)", l, err)
		}
		if _, already, err := st.Unsubscribe(ctx, u); err != nil || already {
			t.Fatalf("unsubscribe: %v, already %v", err, already)
		}
		if _, already, err := st.Unsubscribe(ctx, u); err != nil || !already {
			t.Fatalf("unsubscribe again: %v, already %v", err, already)
		}
		r.wantSweep("2027-03-17")
		r.wantSweep("2027-03-31")

		other := r.pledge("ben@example.org")
		expired, err := st.IssueLinks(ctx, other.ID, "", time.Hour, gs.TokenUnsubscribe)
		if err != nil {
			t.Fatal(err)
		}
		r.at("2027-04-01")
		if _, _, err := st.Unsubscribe(ctx, expired[0]); !errors.Is(err, store.ErrLinkExpired) {
			t.Errorf("expired unsubscribe link: %v", err)
		}
		if s := r.state(other.ID); s.Unsubscribed {
			t.Error("an expired link unsubscribed")
		}
		report := r.links(other.ID, gs.TokenReportDone)[0]
		if _, _, err := st.Unsubscribe(ctx, report); !errors.Is(err, store.ErrLinkUnknown) {
			t.Errorf("a report link used to unsubscribe: %v", err)
		}
	})
}

func TestScheduleParsing(t *testing.T) {
	days, err := gs.ParseDayList(" 2d, 14d ,14")
	if err != nil {
		t.Fatal(err)
	}
	s := gs.Schedule{RemindBefore: days, LapseAfter: 14, AskAgainAfter: 7}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if gs.FormatDayList(s.RemindBefore) != "14d,2d" {
		t.Errorf("reminders = %v", s.RemindBefore)
	}
	for _, bad := range []string{"x", "2w", "-1d", "1.5d"} {
		if _, err := gs.ParseDayList(bad); err == nil {
			t.Errorf("ParseDayList(%q) accepted", bad)
		}
	}
	if d, err := gs.ParseDayList("none"); err != nil || d != nil {
		t.Errorf("none = %v, %v", d, err)
	}
	for _, bad := range []gs.Schedule{{RemindBefore: []int{0}, LapseAfter: 1, AskAgainAfter: 1}, {LapseAfter: 0, AskAgainAfter: 1}, {LapseAfter: 1, AskAgainAfter: 400}} {
		if err := bad.Validate(); err == nil {
			t.Errorf("schedule %+v accepted", bad)
		}
	}
}

// TestFollowupAfterOwnerChangesStatus: a lapsed pledge its owner starts
// again while signed in (not by a link) is followed up afresh from that day,
// not lapsed again by the next sweep.
func TestFollowupAfterOwnerChangesStatus(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		r := newFollowupRig(t, st)
		c := r.pledge("asha@example.org")
		r.wantSweep("2027-03-31", "report 2027-03-31")
		r.wantSweep("2027-04-14", "lapse 2027-03-31")
		r.at("2027-04-20")
		if err := st.SetOwnStatus(context.Background(), "asha@example.org", c.ID, gs.StatusInProgress); err != nil {
			t.Fatal(err)
		}
		r.wantSweep("2027-04-20")
		if s := r.state(c.ID); s.Commitment.Status != gs.StatusInProgress || s.FollowUpOn != gs.MustDate("2027-05-04") {
			t.Fatalf("started again while signed in: status %q, followed up on %s", s.Commitment.Status, s.FollowUpOn)
		}
		r.wantSweep("2027-05-04", "report 2027-05-04")
	})
}

// TestFollowupSweepsOnTwoNodes: two nodes (two stores on one PostgreSQL
// database) sweeping at the same moment send each reminder once.
func TestFollowupSweepsOnTwoNodes(t *testing.T) {
	url := storetest.PostgresSchema(t)
	st, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	other, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	r := newFollowupRig(t, st)
	for _, e := range []string{"a@example.org", "b@example.org", "c@example.org"} {
		r.pledge(e)
	}
	r.at("2027-03-17")
	other.Now = func() time.Time { return st.Now() }
	r.sweepAtOnce(t, st, other, st, other)
	if len(r.queue) != 3 {
		t.Errorf("two nodes sweeping at once queued %d reminders for 3 pledges", len(r.queue))
	}
}

// sweepAtOnce runs one sweep on each of the stores (nodes) at the same time,
// collecting what they queue in r.queue.
func (r *followupRig) sweepAtOnce(t *testing.T, nodes ...*store.Store) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(nodes))
	for _, node := range nodes {
		wg.Go(func() {
			_, err := node.SweepFollowups(context.Background(), r.sched, func(_ context.Context, _ *sql.Tx, d gs.FollowupDue) error {
				r.mu.Lock()
				defer r.mu.Unlock()
				r.queue = append(r.queue, d)
				return nil
			})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}
