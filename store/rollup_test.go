package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/mobilise"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// TestRollupsEqualARecount drives a campaign through random sequences of
// what happens to pledges — made, confirmed, reported done or not, set in
// progress, withdrawn, lapsed by the follow-up sweep, expired unconfirmed,
// their action's date moved — on a clock that moves on, and checks after
// each run of steps that the series rebuilt from the rollup are exactly
// those a recount of every commitment gives, for every split and period,
// and that rebuilding the rollup from scratch changes nothing.
func TestRollupsEqualARecount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		for seed := range uint64(3) {
			t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { rollupRun(t, st, seed) })
		}
	})
}

func rollupRun(t *testing.T, st *store.Store, seed uint64) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	now := time.Date(2026, 3, 20, 22, 30, 0, 0, time.UTC) // BST starts on 29 March
	st.Now = func() time.Time { return now }
	defer func() { st.Now = time.Now }()

	c := gs.Campaign{Title: fmt.Sprintf("Rollup test %d", seed), Purpose: "x", StartsOn: gs.MustDate("2026-03-01"), Status: gs.CampaignLive}
	must(t, st.CreateCampaign(ctx, &c))
	var actions []gs.Action
	for gi := range 2 {
		g := gs.Group{CampaignID: c.ID, Name: fmt.Sprintf("Group %d", gi), Goal: "x"}
		must(t, st.CreateGroup(ctx, &g))
		for ai := range 2 {
			a := gs.Action{GroupID: g.ID, Title: fmt.Sprintf("Action %d.%d", gi, ai), DueOn: gs.MustDate("2026-03-25").AddDays(rng.IntN(40))}
			must(t, st.CreateAction(ctx, &a))
			actions = append(actions, a)
		}
	}
	areas, err := st.Areas(ctx)
	must(t, err)
	type pledge struct {
		id    int64
		email string
	}
	var pledges []pledge
	emails := []string{"ann@example.org", "bob@example.org", "cat@example.org", "dev@example.org", "eve@example.org", "fay@example.org"}
	sched := gs.DefaultSchedule()
	done, moved := 0, 0 // what the run did, to check it did something
	noEmail := func(context.Context, *sql.Tx, gs.FollowupDue) error { return nil }

	for step := range 300 {
		now = now.Add(time.Duration(rng.IntN(40*60)) * time.Minute)
		switch op := rng.IntN(10); {
		case op < 3: // a pledge
			email := emails[rng.IntN(len(emails))]
			in := gs.PledgeInput{ActionID: actions[rng.IntN(len(actions))].ID, Name: "Someone", Email: email, Profession: "Nurse",
				AreaID: areas[1+slices.Index(emails, email)%(len(areas)-1)].ID, WhyItMatters: "x", Hours: fmt.Sprint(rng.IntN(3))}
			res, err := st.Pledge(ctx, in)
			if err == nil && !res.Replayed {
				pledges = append(pledges, pledge{res.Commitment.ID, email})
			} else if err != nil && (gs.ErrorCode(err) == gs.EINTERNAL || step < 3) {
				t.Fatalf("step %d: pledge: %v", step, err)
			}
			// Its confirmation email is queued at once, as the outbox's
			// dispatcher does: the window to confirm runs from then.
			queueConfirmations(t, st)
		case op < 5 && len(pledges) > 0: // confirmed
			p := pledges[rng.IntN(len(pledges))]
			token, err := st.IssueToken(ctx, gs.TokenConfirm, p.id, "", time.Hour)
			if err == nil {
				_, err = st.ConfirmPledge(ctx, token)
			}
			failOnInternal(t, step, "confirm", err)
		case op < 7 && len(pledges) > 0: // the owner says what happened
			p := pledges[rng.IntN(len(pledges))]
			if rng.IntN(2) == 0 {
				status := []string{gs.StatusDone, gs.StatusInProgress, gs.StatusWithdrawn}[rng.IntN(3)]
				err := st.SetOwnStatus(ctx, p.email, p.id, status)
				failOnInternal(t, step, "set status", err)
				if err == nil && status == gs.StatusDone {
					done++
				}
			} else {
				rep := gs.OutcomeReport{Outcome: gs.Outcomes[rng.IntN(len(gs.Outcomes))], Reason: "Because."}
				err := st.ReportOwn(ctx, p.email, p.id, rep)
				failOnInternal(t, step, "report", err)
				if err == nil && rep.Outcome == gs.OutcomeDone {
					done++
				}
			}
		case op == 7: // the follow-up sweep lapses what is long overdue
			_, err := st.SweepFollowups(ctx, sched, noEmail)
			failOnInternal(t, step, "sweep", err)
		case op == 8: // a lead moves an action's date
			a := &actions[rng.IntN(len(actions))]
			a.DueOn = a.DueOn.AddDays(rng.IntN(21) - 10)
			err := st.UpdateAction(ctx, a)
			failOnInternal(t, step, "move due date", err)
			if err == nil {
				moved++
			}
		case op == 9: // unconfirmed pledges expire
			_, err := st.ExpireUnconfirmed(ctx, 72*time.Hour)
			failOnInternal(t, step, "expire", err)
			// Forget the pledges that expired, so later steps act on real ones.
			left := map[int64]bool{}
			must(t, st.EachCommitment(ctx, c.ID, func(m mobilise.Commitment) error { left[m.ID] = true; return nil }))
			kept := pledges[:0]
			for _, p := range pledges {
				if left[p.id] {
					kept = append(kept, p)
				}
			}
			pledges = kept
		}
		if step%40 == 39 {
			// A page is asked for after the writes it shows: a moment after
			// the clock (an event at the very instant of now is "after
			// now" to a Tally, and cannot be told apart within a day).
			compareRollup(t, st, c, now.Add(time.Millisecond))
		}
	}
	now = now.Add(60 * 24 * time.Hour) // long after: every due date has passed
	compareRollup(t, st, c, now)

	// The run must have exercised what it says: a test of nothing passes.
	seen := map[string]int{}
	must(t, st.EachCommitment(ctx, c.ID, func(m mobilise.Commitment) error {
		seen[m.Status]++
		if !m.ConfirmedAt.IsZero() {
			seen["confirmed"]++
		}
		return nil
	}))
	if seen["confirmed"] < 5 || done == 0 || seen[gs.StatusWithdrawn]+seen[gs.StatusLapsed] == 0 || moved == 0 {
		t.Errorf("the run made too little happen to test anything: %v now, %d reported done on the way, %d due dates moved", seen, done, moved)
	}
}

// compareRollup checks every split of the rollup against a recount, by day,
// week and month, then rebuilds the rollup and checks it is the same.
func compareRollup(t *testing.T, st *store.Store, c gs.Campaign, now time.Time) {
	t.Helper()
	ctx := context.Background()
	splits := []struct {
		name string
		by   mobilise.By
	}{{"total", mobilise.Total}, {"group", mobilise.ByGroup}, {"area", mobilise.ByArea}, {"organisation", mobilise.ByOrganisation}}
	kept := map[string][]mobilise.DayDelta{}
	for _, s := range splits {
		rows, err := st.RollupDays(ctx, c.ID, s.name)
		must(t, err)
		kept[s.name] = rows
		o := mobilise.Options{ConfirmedOnly: true, By: s.by}
		for _, p := range []mobilise.Period{mobilise.Daily, mobilise.Weekly, mobilise.Monthly} {
			tl, err := mobilise.NewTimeline(p, c.StartsOn, now, gs.Zone)
			must(t, err)
			tally := mobilise.NewTally(tl, o)
			must(t, st.EachCommitment(ctx, c.ID, tally.Add))
			want := tally.Series()
			got := mobilise.SeriesFromDays(rows, tl, o)
			if len(want) == 0 && len(got) == 0 {
				continue
			}
			if !reflect.DeepEqual(got, want) {
				var dump []string
				must(t, st.EachCommitment(ctx, c.ID, func(m mobilise.Commitment) error {
					dump = append(dump, fmt.Sprintf("%d person %d %s made %v confirmed %v reported %v due %v", m.ID, m.PersonID, m.Status, m.CreatedAt, m.ConfirmedAt, m.ReportedAt, m.DueOn))
					return nil
				}))
				t.Fatalf("%s series by %v at %v: %s\ncommitments:\n%s", s.name, p, now, firstDifference(got, want), strings.Join(dump, "\n"))
			}
		}
	}
	// The figures as they stand, from the rollup with every past day summed
	// into one row, are the last day's of the full series.
	today := mobilise.DayOf(now, gs.Zone)
	for _, s := range splits {
		o := mobilise.Options{ConfirmedOnly: true, By: s.by}
		latest, err := st.RollupLatest(ctx, c.ID, s.name, today)
		must(t, err)
		one, err := mobilise.NewTimeline(mobilise.Daily, today, now, gs.Zone)
		must(t, err)
		all, err := mobilise.NewTimeline(mobilise.Daily, c.StartsOn, now, gs.Zone)
		must(t, err)
		got, want := mobilise.SeriesFromDays(latest, one, o), mobilise.SeriesFromDays(kept[s.name], all, o)
		if len(got) != len(want) {
			t.Fatalf("%s: %d keys from the latest rollup, %d from the full one", s.name, len(got), len(want))
		}
		for i := range got {
			g, w := got[i], want[i]
			if g.Key != w.Key || g.InProgress != w.InProgress || g.Pledged != w.Pledged || g.Undated != w.Undated ||
				!reflect.DeepEqual(g.Points[0], w.Points[len(w.Points)-1]) {
				t.Fatalf("%s key %d as it stands:\nlatest %+v\nfull   %+v", s.name, g.Key, g.Points[0], w.Points[len(w.Points)-1])
			}
		}
	}

	must(t, st.RebuildRollups(ctx, c.ID))
	for _, s := range splits {
		rows, err := st.RollupDays(ctx, c.ID, s.name)
		must(t, err)
		if !reflect.DeepEqual(nonZero(rows), nonZero(kept[s.name])) {
			t.Fatalf("%s rollup kept as things changed differs from one rebuilt:\nkept    %+v\nrebuilt %+v", s.name, nonZero(kept[s.name]), nonZero(rows))
		}
	}
}

func nonZero(rows []mobilise.DayDelta) []mobilise.DayDelta {
	var out []mobilise.DayDelta
	for _, r := range rows {
		if !r.IsZero() {
			out = append(out, r)
		}
	}
	return out
}

func failOnInternal(t *testing.T, step int, what string, err error) {
	t.Helper()
	if err != nil && gs.ErrorCode(err) == gs.EINTERNAL {
		t.Fatalf("step %d: %s: %v", step, what, err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// firstDifference says where two lists of series first differ, briefly.
func firstDifference(got, want []mobilise.Series) string {
	if len(got) != len(want) {
		return fmt.Sprintf("%d series from the rollup, %d from the recount", len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Key != w.Key || g.InProgress != w.InProgress || g.Pledged != w.Pledged || g.Undated != w.Undated || len(g.Points) != len(w.Points) {
			return fmt.Sprintf("series %d: rollup key %d in progress %d pledged %d undated %d (%d points); recount key %d, %d, %d, %d (%d points)",
				i, g.Key, g.InProgress, g.Pledged, g.Undated, len(g.Points), w.Key, w.InProgress, w.Pledged, w.Undated, len(w.Points))
		}
		for j := range g.Points {
			if !reflect.DeepEqual(g.Points[j], w.Points[j]) {
				return fmt.Sprintf("series %d (key %d), bucket from %v:\nrollup  %+v\nrecount %+v", i, g.Key, g.Points[j].Start, g.Points[j], w.Points[j])
			}
		}
	}
	return "no difference found"
}

// TestRollupsUnderConcurrentChanges: changes that commit at the same time —
// one person withdrawing two pledges at once, a lead moving an action's
// date while people report — leave the rollup equal to a rebuild. (On
// PostgreSQL, at READ COMMITTED, each would otherwise read the other's
// "after" as its "before".)
func TestRollupsUnderConcurrentChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		type pair struct {
			email string
			ids   [2]int64
		}
		var pairs []pair
		for i := range 30 {
			p := pair{email: fmt.Sprintf("person%d@example.org", i)}
			for a := range 2 {
				in := f.Pledge(p.email)
				in.ActionID = f.Actions[a].ID
				res, err := st.Pledge(ctx, in)
				must(t, err)
				storetest.Confirm(t, st, res.Commitment.ID)
				p.ids[a] = res.Commitment.ID
			}
			pairs = append(pairs, p)
		}
		errs := make(chan error, 2*len(pairs)+20)
		var wg sync.WaitGroup
		for _, p := range pairs {
			for _, id := range p.ids {
				wg.Go(func() { errs <- st.SetOwnStatus(ctx, p.email, id, gs.StatusWithdrawn) })
			}
		}
		for i := range 20 {
			wg.Go(func() {
				a := f.Actions[i%2]
				a.DueOn = a.DueOn.AddDays(i - 10)
				errs <- st.UpdateAction(ctx, &a)
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			must(t, err)
		}
		c, err := st.CampaignByID(ctx, f.Campaign.ID)
		must(t, err)
		compareRollup(t, st, c, time.Now().Add(time.Millisecond))
	})
}
