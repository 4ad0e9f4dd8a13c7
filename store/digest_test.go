package store_test

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// digestWeek is the week the digest tests look at: the seven days to
// Monday 19 April 2027, 8am BST.
var (
	digestUntil = time.Date(2027, 4, 19, 7, 0, 0, 0, time.UTC)
	digestSince = digestUntil.AddDate(0, 0, -7)
)

const digestWeek = "2027-W16"

// digestRecorder records the digests sweeps queue.
type digestRecorder struct {
	mu  sync.Mutex
	got []gs.DigestDue
	err error // returned by enqueue, when set
}

func (d *digestRecorder) enqueue(_ context.Context, _ *sql.Tx, due gs.DigestDue) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.err != nil {
		return d.err
	}
	d.got = append(d.got, due)
	return nil
}

func (d *digestRecorder) users() []int64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	var ids []int64
	for _, g := range d.got {
		ids = append(ids, g.UserID)
	}
	slices.Sort(ids)
	return ids
}

// TestDigestSweepOnce: each lead of a group in a live campaign is queued one
// digest a week, however many sweeps run, at once or one after another; and
// none goes to a lead of a draft campaign's group, to a lead appointed after
// the week's digests became due, or to one who stopped their digests. A
// digest whose email could not be queued is not recorded, and goes later.
func TestDigestSweepOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		r := newFollowupRig(t, st) // the clock: 1 March 2027
		lead := appoint(t, st, r.f.Group.ID, "lee@example.org")
		other := gs.Group{CampaignID: r.f.Campaign.ID, Name: "Carers", Goal: "Ask every time."}
		if err := st.CreateGroup(ctx, &other); err != nil {
			t.Fatal(err)
		}
		coLead := appoint(t, st, other.ID, "olive@example.org")
		appoint(t, st, other.ID, "lee@example.org") // Lee leads both: one digest
		stopped := appoint(t, st, r.f.Group.ID, "stan@example.org")
		if err := st.SetDigest(ctx, stopped.ID, false); err != nil {
			t.Fatal(err)
		}
		draft := gs.Campaign{Title: "Next year", Purpose: "To plan.", StartsOn: gs.MustDate("2028-01-01"), Status: gs.CampaignDraft}
		if err := st.CreateCampaign(ctx, &draft); err != nil {
			t.Fatal(err)
		}
		draftGroup := gs.Group{CampaignID: draft.ID, Name: "Planners", Goal: "Plan."}
		if err := st.CreateGroup(ctx, &draftGroup); err != nil {
			t.Fatal(err)
		}
		appoint(t, st, draftGroup.ID, "dana@example.org")
		r.at("2027-04-20") // after the week's moment
		appoint(t, st, r.f.Group.ID, "newton@example.org")

		// A failed enqueue records nothing.
		rec := &digestRecorder{err: errors.New("queue down")}
		if _, err := st.SweepDigests(ctx, digestWeek, digestSince, digestUntil, rec.enqueue); err == nil {
			t.Fatal("sweep with a failing queue succeeded")
		}
		if weeks, _ := st.DigestWeeks(ctx, lead.ID); len(weeks) != 0 {
			t.Fatalf("digest recorded without its email: %v", weeks)
		}

		// Two sweeps at once: one digest each.
		rec = &digestRecorder{}
		var wg sync.WaitGroup
		counts := make([]int, 4)
		for i := range counts {
			wg.Go(func() {
				n, err := st.SweepDigests(ctx, digestWeek, digestSince, digestUntil, rec.enqueue)
				if err != nil {
					t.Error(err)
				}
				counts[i] = n
			})
		}
		wg.Wait()
		want := []int64{lead.ID, coLead.ID}
		slices.Sort(want)
		if got := rec.users(); !slices.Equal(got, want) || counts[0]+counts[1]+counts[2]+counts[3] != 2 {
			t.Fatalf("sweeps at once queued digests for %v (counts %v), want %v once each", got, counts, want)
		}
		for _, d := range rec.got {
			if d.Week != digestWeek || !d.Since.Equal(digestSince) || !d.Until.Equal(digestUntil) {
				t.Errorf("queued %+v", d)
			}
		}
		if n, err := st.SweepDigests(ctx, digestWeek, digestSince, digestUntil, rec.enqueue); err != nil || n != 0 {
			t.Errorf("sweep again: %d, %v", n, err)
		}
		if weeks, _ := st.DigestWeeks(ctx, lead.ID); !slices.Equal(weeks, []string{digestWeek}) {
			t.Errorf("Lee's digests: %v", weeks)
		}

		// The next week: Lee again, and the lead appointed since; the one
		// who stopped, started again.
		if err := st.SetDigest(ctx, stopped.ID, true); err != nil {
			t.Fatal(err)
		}
		rec = &digestRecorder{}
		if _, err := st.SweepDigests(ctx, "2027-W17", digestUntil, digestUntil.AddDate(0, 0, 7), rec.enqueue); err != nil {
			t.Fatal(err)
		}
		if got := rec.users(); len(got) != 4 || !slices.Contains(got, stopped.ID) {
			t.Errorf("next week's digests: %v", got)
		}
	})
}

func appoint(t *testing.T, st *store.Store, groupID int64, email string) gs.User {
	t.Helper()
	u, err := st.AppointLead(context.Background(), gs.AppointLeadInput{GroupID: groupID, Email: email, Name: "Lead " + email})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestLeadDigest: a digest counts a group's confirmed pledges of the week —
// new, done, not done, lapsed — and in all, and lists the actions due in the
// next 14 days (not retired ones) with how many pledged.
func TestLeadDigest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		r := newFollowupRig(t, st) // 1 March 2027
		lead := appoint(t, st, r.f.Group.ID, "lee@example.org")
		act := func(title, due string, retired bool) gs.Action {
			a := gs.Action{GroupID: r.f.Group.ID, Title: title, DueOn: gs.MustDate(due), Retired: retired}
			if err := st.CreateAction(ctx, &a); err != nil {
				t.Fatal(err)
			}
			return a
		}
		soon := act("Hold a clinic", "2027-04-20", false)
		last := act("Write to the board", "2027-05-03", false) // 14 days on: in
		act("Later", "2027-05-04", false)                      // 15 days on: out
		act("Retired", "2027-04-25", true)
		pledge := func(email string, actionID int64, confirm bool) gs.Commitment {
			in := r.f.Pledge(email)
			in.ActionID = actionID
			res, err := st.Pledge(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			if confirm {
				storetest.Confirm(t, st, res.Commitment.ID)
			}
			return res.Commitment
		}
		due := r.f.Actions[0].ID // 31 March 2027
		silent := pledge("silent@example.org", due, true)
		done := pledge("done@example.org", due, true)
		cant := pledge("cant@example.org", due, true)
		pledge("before@example.org", soon.ID, true)

		// The week.
		r.at("2027-04-13")
		if err := st.SetOwnStatus(ctx, "done@example.org", done.ID, gs.StatusDone); err != nil {
			t.Fatal(err)
		}
		tokens := r.links(cant.ID, gs.TokenReportCant)
		if _, err := st.UseReportLink(ctx, tokens[0], "No clinic room."); err != nil {
			t.Fatal(err)
		}
		r.at("2027-04-14")
		r.sweep() // lapses the silent pledge
		if s := r.state(silent.ID); s.Commitment.Status != gs.StatusLapsed {
			t.Fatalf("silent pledge is %s", s.Commitment.Status)
		}
		r.at("2027-04-16")
		pledge("new@example.org", soon.ID, true)
		pledge("unconfirmed@example.org", soon.ID, false)
		w := pledge("withdrawn@example.org", last.ID, true)
		if err := st.SetOwnStatus(ctx, "withdrawn@example.org", w.ID, gs.StatusWithdrawn); err != nil {
			t.Fatal(err)
		}
		// After the week: not counted in it.
		r.at("2027-04-19")
		pledge("late@example.org", last.ID, true)

		d, err := st.LeadDigest(ctx, lead.ID, digestWeek, digestSince, digestUntil, gs.MustDate("2027-04-19"))
		if err != nil {
			t.Fatal(err)
		}
		if d.User.ID != lead.ID || d.Off || d.Week != digestWeek || len(d.Groups) != 1 {
			t.Fatalf("digest %+v", d)
		}
		g := d.Groups[0]
		if g.Group.ID != r.f.Group.ID || g.Campaign.ID != r.f.Campaign.ID {
			t.Errorf("group %+v of campaign %+v", g.Group, g.Campaign)
		}
		type counts struct{ New, Done, Lapsed, Cant, Blocked, Pledged, DoneInAll int }
		got := counts{g.New, g.Done, g.Lapsed, g.Cant, g.Blocked, g.Pledged, g.DoneInAll}
		if want := (counts{New: 1, Done: 1, Lapsed: 1, Cant: 1, Pledged: 6, DoneInAll: 1}); got != want {
			t.Errorf("counts %+v, want %+v", got, want)
		}
		var upcoming []string
		for _, a := range g.Upcoming {
			upcoming = append(upcoming, a.Title+" "+a.DueOn.String()+" "+strconv.Itoa(a.Pledged))
		}
		if want := []string{"Hold a clinic 2027-04-20 2", "Write to the board 2027-05-03 1"}; !slices.Equal(upcoming, want) {
			t.Errorf("upcoming %v, want %v", upcoming, want)
		}
		if g.Quiet() || !g.News() || d.Quiet() {
			t.Error("a busy week is quiet")
		}

		// The week before: quiet.
		d, err = st.LeadDigest(ctx, lead.ID, "2027-W15", digestSince.AddDate(0, 0, -7), digestSince, gs.MustDate("2027-06-01"))
		if err != nil {
			t.Fatal(err)
		}
		if g := d.Groups[0]; g.News() || len(g.Upcoming) != 0 || !d.Quiet() {
			t.Errorf("quiet week: %+v", g)
		}

		// A lead whose campaign closes has no group to hear about.
		c := r.f.Campaign
		c.Status = gs.CampaignClosed
		if err := st.UpdateCampaign(ctx, &c); err != nil {
			t.Fatal(err)
		}
		if d, err := st.LeadDigest(ctx, lead.ID, digestWeek, digestSince, digestUntil, gs.MustDate("2027-04-19")); err != nil || len(d.Groups) != 0 {
			t.Errorf("closed campaign: %+v, %v", d.Groups, err)
		}
		if _, err := st.LeadDigest(ctx, 99999, digestWeek, digestSince, digestUntil, gs.MustDate("2027-04-19")); gs.ErrorCode(err) != gs.ENOTFOUND {
			t.Errorf("unknown user: %v", err)
		}
	})
}

// TestDigestUnsubscribe: the link in a digest stops that user's digests
// and nothing else; followed again it changes nothing; it signs no one in
// and is no pledge's link; once expired it does nothing.
func TestDigestUnsubscribe(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		r := newFollowupRig(t, st)
		lead := appoint(t, st, r.f.Group.ID, "lee@example.org")
		other := appoint(t, st, r.f.Group.ID, "olive@example.org")
		token, err := st.IssueDigestUnsubscribe(ctx, lead.ID)
		if err != nil {
			t.Fatal(err)
		}
		l, err := st.DigestLink(ctx, token)
		if err != nil || l.User.ID != lead.ID || l.Off || l.Expired {
			t.Fatalf("link %+v, %v", l, err)
		}
		if _, _, err := st.SignInWithToken(ctx, token, time.Hour); gs.ErrorCode(err) != gs.ENOTFOUND {
			t.Errorf("a digest link signed someone in: %v", err)
		}
		if _, err := st.FollowupLink(ctx, token); !errors.Is(err, store.ErrLinkUnknown) {
			t.Errorf("a digest link is a pledge's link: %v", err)
		}
		l, already, err := st.StopDigest(ctx, token)
		if err != nil || already || !l.Off {
			t.Fatalf("stop: %+v %v %v", l, already, err)
		}
		if off, _ := st.DigestOff(ctx, lead.ID); !off {
			t.Error("digest not stopped")
		}
		if off, _ := st.DigestOff(ctx, other.ID); off {
			t.Error("another lead's digest stopped")
		}
		if _, already, err := st.StopDigest(ctx, token); err != nil || !already {
			t.Errorf("stop again: %v %v", already, err)
		}
		rec := &digestRecorder{}
		if _, err := st.SweepDigests(ctx, digestWeek, digestSince, digestUntil, rec.enqueue); err != nil {
			t.Fatal(err)
		}
		if got := rec.users(); !slices.Equal(got, []int64{other.ID}) {
			t.Errorf("digests after stopping: %v", got)
		}
		for _, bad := range []string{"", "not-a-token", token + "x"} {
			if _, _, err := st.StopDigest(ctx, bad); !errors.Is(err, store.ErrLinkUnknown) {
				t.Errorf("StopDigest(%q): %v", bad, err)
			}
		}
		// A pledge's unsubscribe link is not a digest's.
		c := r.pledge("pat@example.org")
		unsub := r.links(c.ID, gs.TokenUnsubscribe)
		if _, err := st.DigestLink(ctx, unsub[0]); !errors.Is(err, store.ErrLinkUnknown) {
			t.Errorf("pledge unsubscribe link as a digest's: %v", err)
		}

		token2, err := st.IssueDigestUnsubscribe(ctx, other.ID)
		if err != nil {
			t.Fatal(err)
		}
		r.mu.Lock()
		r.now = r.now.Add(gs.UnsubscribeLinksWithin + time.Minute)
		r.mu.Unlock()
		if _, _, err := st.StopDigest(ctx, token2); !errors.Is(err, store.ErrLinkExpired) {
			t.Errorf("expired link: %v", err)
		}
		if off, _ := st.DigestOff(ctx, other.ID); off {
			t.Error("an expired link stopped the digest")
		}
	})
}
