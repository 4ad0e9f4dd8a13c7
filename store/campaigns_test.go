package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/demo"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

func TestOpenMigratesOnceAndUsesWAL(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "gs.db")
	for range 2 { // a second open finds the migrations applied
		st, err := store.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		areas, err := st.Areas(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(areas) != 8 || areas[0].Name != "England" {
			t.Errorf("areas = %d (first %q), want England and seven regions once", len(areas), areas[0].Name)
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(path + "-wal"); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	_, err := store.Open(ctx, "bad?name.db")
	wantCode(t, err, gs.EINVALID)
}

func TestCampaignRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		first := gs.Campaign{Title: "The Right Prescription", Purpose: "Fewer antipsychotics.", StartsOn: gs.MustDate("2019-10-01"), Status: gs.CampaignLive}
		if err := st.CreateCampaign(ctx, &first); err != nil {
			t.Fatal(err)
		}
		if first.Slug != "the-right-prescription" {
			t.Errorf("slug = %q, want one made from the title", first.Slug)
		}

		dup := gs.Campaign{Title: "The Right Prescription", Purpose: "Again.", StartsOn: gs.MustDate("2020-01-01"), Status: gs.CampaignDraft}
		err := st.CreateCampaign(ctx, &dup)
		wantCode(t, err, gs.EINVALID)
		if gs.ErrorFields(err)["slug"] == "" {
			t.Errorf("duplicate slug error does not name the slug: %v", err)
		}

		bad := gs.Campaign{Title: "", Slug: "Bad Slug!", StartsOn: gs.MustDate("2020-01-01"), EndsOn: gs.MustDate("2019-01-01"), Status: "sideways"}
		err = st.CreateCampaign(ctx, &bad)
		for _, field := range []string{"title", "slug", "purpose", "ends_on", "status"} {
			if gs.ErrorFields(err)[field] == "" {
				t.Errorf("no message for %s: %v", field, err)
			}
		}

		second := gs.Campaign{Title: "The Right Care", Purpose: "Better hospital care.", StartsOn: gs.MustDate("2025-10-01"), Status: gs.CampaignLive, PredecessorID: first.ID}
		if err := st.CreateCampaign(ctx, &second); err != nil {
			t.Fatal(err)
		}
		// A cycle of predecessors is refused, and nothing changes.
		first.PredecessorID = second.ID
		err = st.UpdateCampaign(ctx, &first)
		if gs.ErrorFields(err)["predecessor_id"] == "" {
			t.Errorf("predecessor cycle accepted: %v", err)
		}
		stored, err := st.CampaignByID(ctx, first.ID)
		if err != nil || stored.PredecessorID != 0 {
			t.Errorf("after refused update, predecessor = %d (%v)", stored.PredecessorID, err)
		}

		draft := gs.Campaign{Title: "Not yet", Purpose: "Secret.", StartsOn: gs.MustDate("2027-01-01"), Status: gs.CampaignDraft}
		if err := st.CreateCampaign(ctx, &draft); err != nil {
			t.Fatal(err)
		}
		public, err := st.Campaigns(ctx, store.CampaignFilter{})
		if err != nil {
			t.Fatal(err)
		}
		all, err := st.Campaigns(ctx, store.CampaignFilter{IncludeDrafts: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(public) != 2 || len(all) != 3 {
			t.Errorf("public %d, all %d campaigns; want 2 and 3", len(public), len(all))
		}
		_, err = st.CampaignBySlug(ctx, "nope")
		wantCode(t, err, gs.ENOTFOUND)
	})
}

func TestGroupsActionsMilestonesAlliance(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)

		same := gs.Group{CampaignID: f.Campaign.ID, Name: "Community pharmacists", Goal: "Another goal."}
		err := st.CreateGroup(ctx, &same)
		if gs.ErrorFields(err)["slug"] == "" {
			t.Errorf("two groups with one slug in a campaign: %v", err)
		}
		orphan := gs.Group{CampaignID: 999, Name: "Carers", Goal: "A goal."}
		wantCode(t, st.CreateGroup(ctx, &orphan), gs.ENOTFOUND)

		g := f.Group
		g.Goal = "Review everyone, with prescribers."
		g.Target = 250
		if err := st.UpdateGroup(ctx, &g); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.GroupBySlug(ctx, f.Campaign.ID, g.Slug); got.Goal != g.Goal || got.Target != 250 {
			t.Errorf("group after update = %+v", got)
		}

		a := f.Actions[0]
		a.Retired = true
		if err := st.UpdateAction(ctx, &a); err != nil {
			t.Fatal(err)
		}
		visible, _ := st.Actions(ctx, f.Group.ID, false)
		all, _ := st.Actions(ctx, f.Group.ID, true)
		if len(visible) != 1 || len(all) != 2 {
			t.Errorf("visible %d, all %d actions; want 1 and 2", len(visible), len(all))
		}
		wantCode(t, st.CreateAction(ctx, &gs.Action{GroupID: f.Group.ID, Title: ""}), gs.EINVALID)

		m := gs.Milestone{CampaignID: f.Campaign.ID, Title: "Launch", On: gs.MustDate("2026-01-01")}
		if err := st.CreateMilestone(ctx, &m); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteMilestone(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, st.DeleteMilestone(ctx, m.ID), gs.ENOTFOUND)

		// Joining again updates the action plan; it does not add a member.
		if err := st.JoinAlliance(ctx, gs.AllianceMember{Organisation: f.Org, CampaignID: f.Campaign.ID, ActionPlan: "Review all by March."}); err != nil {
			t.Fatal(err)
		}
		members, _ := st.Alliance(ctx, f.Campaign.ID)
		if len(members) != 1 || members[0].ActionPlan != "Review all by March." || members[0].JoinedOn != gs.MustDate("2026-01-02") {
			t.Errorf("alliance = %+v", members)
		}
		if err := st.LeaveAlliance(ctx, f.Campaign.ID, f.Org.ID); err != nil {
			t.Fatal(err)
		}
		if n := counts(t, st, f.Campaign.ID).Organisations; n != 0 {
			t.Errorf("organisations after leaving = %d", n)
		}

		dupODS := gs.Organisation{Name: "Other", ODSCode: "fa123", Sector: "Community pharmacy"}
		if err := st.CreateOrganisation(ctx, &dupODS); gs.ErrorFields(err)["ods_code"] == "" {
			t.Errorf("duplicate ODS code accepted: %v", err)
		}
	})
}

func TestSessionsExpireAndEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
		st.Now = func() time.Time { return now }
		u := gs.User{Email: "org@example.org", Name: "Organiser", Role: gs.RoleOrganiser, PasswordHash: "x"}
		if err := st.CreateFirstUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
		wantCode(t, st.CreateFirstUser(ctx, &gs.User{Email: "b@example.org", Name: "B", Role: gs.RoleOrganiser, PasswordHash: "x"}), gs.EFORBIDDEN)
		if err := st.CreateUser(ctx, &gs.User{Email: "org@example.org", Name: "Dup", Role: gs.RoleOrganiser, PasswordHash: "x"}); gs.ErrorFields(err)["email"] == "" {
			t.Errorf("second user with one email: %v", err)
		}
		token, err := st.CreateSession(ctx, u.ID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := st.SessionUser(ctx, token); err != nil || got.ID != u.ID {
			t.Fatalf("SessionUser = %+v, %v", got, err)
		}
		_, err = st.SessionUser(ctx, token+"x")
		wantCode(t, err, gs.ENOTFOUND)

		now = now.Add(61 * time.Minute)
		_, err = st.SessionUser(ctx, token)
		wantCode(t, err, gs.ENOTFOUND)

		token2, _ := st.CreateSession(ctx, u.ID, time.Hour)
		if err := st.DeleteSession(ctx, token2); err != nil {
			t.Fatal(err)
		}
		_, err = st.SessionUser(ctx, token2)
		wantCode(t, err, gs.ENOTFOUND)
	})
}

func TestLoadDemoDatasetOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		ds := demo.Generate()
		if err := st.LoadDataset(ctx, ds); err != nil {
			t.Fatal(err)
		}
		c, err := st.CampaignBySlug(ctx, demo.CampaignSlug)
		if err != nil {
			t.Fatal(err)
		}
		before := counts(t, st, c.ID)
		if before.People < 4000 || before.Commitments < 6000 || before.Relationships < 1000 || before.Organisations < 80 {
			t.Errorf("demo counts = %+v", before)
		}
		wantCode(t, st.LoadDataset(ctx, ds), gs.ECONFLICT)
		if after := counts(t, st, c.ID); after != before {
			t.Errorf("second load changed counts: %+v → %+v", before, after)
		}
		areas, _ := st.Areas(ctx)
		if len(areas) != 8 {
			t.Errorf("areas = %d, want the demo's areas matched to the seeded ones", len(areas))
		}
		ind, err := st.IndicatorBySlug(ctx, "antipsychotic-prescribing-dementia")
		if err != nil {
			t.Fatal(err)
		}
		obs, err := st.Observations(ctx, ind.ID, areas[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(obs) != 36 || obs[0].Value != 8.49 || obs[0].Synthetic || obs[0].Denominator == nil || *obs[0].Denominator != 416385 {
			t.Errorf("England series: %d points, first %+v", len(obs), obs[0])
		}
	})
}
