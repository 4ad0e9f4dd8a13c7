package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// TestRetention: a campaign ends; two years on, its people who did nothing
// since are reported, and then erased with the same erasure as a request —
// but not someone still in a campaign with no end date, nor a group lead.
// The report comes first and erases nothing; the campaign's figures stand.
func TestRetention(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
		st.Now = func() time.Time { return now }

		f := storetest.Seed(t, st)
		ended := f.Campaign
		ended.EndsOn = gs.MustDate("2026-12-31")
		must(t, st.UpdateCampaign(ctx, &ended))
		open := gs.Campaign{Title: "Open-ended", Purpose: "x", StartsOn: gs.MustDate("2026-01-01"), Status: gs.CampaignLive}
		must(t, st.CreateCampaign(ctx, &open))
		g := gs.Group{CampaignID: open.ID, Name: "Carers", Goal: "x"}
		must(t, st.CreateGroup(ctx, &g))
		a := gs.Action{GroupID: g.ID, Title: "Ask", DueOn: gs.MustDate("2027-01-31")}
		must(t, st.CreateAction(ctx, &a))

		ann := pledgeConfirmed(t, st, f, "ann@example.org", "Ann Ended", "")
		pledgeConfirmed(t, st, f, "bob@example.org", "Bob Ended", ann.Person.ReferralCode)
		pledgeConfirmed(t, st, f, "cat@example.org", "Cat Both", "")
		in := f.Pledge("cat@example.org")
		in.ActionID = a.ID
		_, err := st.Pledge(ctx, in)
		must(t, err)
		pledgeConfirmed(t, st, f, "lee@example.org", "Lee Lead", "")
		_, err = st.AppointLead(ctx, gs.AppointLeadInput{GroupID: f.Group.ID, Email: "lee@example.org", Name: "Lee Lead"})
		must(t, err)

		// Within the period: nothing due.
		now = time.Date(2028, 12, 1, 12, 0, 0, 0, time.UTC)
		rep, err := st.RetentionReport(ctx, 730)
		must(t, err)
		if rep.Due != 0 {
			t.Errorf("within two years of the end: %+v, want no one due", rep)
		}

		now = time.Date(2029, 1, 2, 12, 0, 0, 0, time.UTC)
		rep, err = st.RetentionReport(ctx, 730)
		must(t, err)
		want := gs.RetentionReport{Days: 730, AsOf: gs.MustDate("2029-01-02"), Due: 2, Commitments: 2, Relationships: 1,
			Campaigns:   []gs.RetentionCampaign{{Slug: ended.Slug, Title: ended.Title, EndsOn: ended.EndsOn, People: 2}},
			Unended:     []gs.RetentionCampaign{{Slug: open.Slug, Title: open.Title, People: 1}},
			KeptForRole: 1}
		if !reflect.DeepEqual(rep, want) {
			t.Errorf("report = %+v\nwant     %+v", rep, want)
		}
		if _, err := st.SubjectAccess(ctx, "ann@example.org"); err != nil {
			t.Errorf("the report erased someone: %v", err)
		}

		before := figures(t, st, ended.ID)
		applied, erased, err := st.ApplyRetention(ctx, 730)
		must(t, err)
		if erased != 2 || !reflect.DeepEqual(applied, want) {
			t.Errorf("applied: %d erased, report %+v", erased, applied)
		}
		for email, gone := range map[string]bool{"ann@example.org": true, "bob@example.org": true, "cat@example.org": false, "lee@example.org": false} {
			_, err := st.SubjectAccess(ctx, email)
			if gotGone := gs.ErrorCode(err) == gs.ENOTFOUND; gotGone != gone {
				t.Errorf("%s erased = %v, want %v (%v)", email, gotGone, gone, err)
			}
		}
		if after := figures(t, st, ended.ID); !reflect.DeepEqual(after, before) {
			t.Errorf("the ended campaign's figures changed:\nbefore %+v\nafter  %+v", before, after)
		}
		rep, err = st.RetentionReport(ctx, 730)
		must(t, err)
		if rep.Due != 0 {
			t.Errorf("after applying, %d still due", rep.Due)
		}
	})
}

// TestExpiredLinksAreRemoved: a one-time link is kept a month past its
// expiry (so following it says "expired"), then removed with the email it
// was sent to.
func TestExpiredLinksAreRemoved(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
		st.Now = func() time.Time { return now }
		f := storetest.Seed(t, st)
		res := pledgeConfirmed(t, st, f, "ann@example.org", "Ann", "")
		links, err := st.IssueLinks(ctx, res.Commitment.ID, "ann@example.org", 24*time.Hour, gs.TokenReportDone)
		must(t, err)

		now = now.Add(20 * 24 * time.Hour)
		n, err := st.PurgeExpiredTokens(ctx)
		must(t, err)
		if _, err := st.FollowupLink(ctx, links[0]); n != 0 || err != nil {
			t.Errorf("20 days on: %d removed, link %v; want it kept (expired)", n, err)
		}
		now = now.Add(20 * 24 * time.Hour)
		n, err = st.PurgeExpiredTokens(ctx)
		must(t, err)
		if _, err := st.FollowupLink(ctx, links[0]); n < 1 || gs.ErrorCode(err) != gs.ENOTFOUND {
			t.Errorf("40 days on: %d removed, link %v; want it gone", n, err)
		}
	})
}
