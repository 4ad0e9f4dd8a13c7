package store_test

import (
	"context"
	"slices"
	"testing"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

func TestIndicatorLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		target := 10.0
		ind := gs.Indicator{CampaignID: f.Campaign.ID, Name: "Reviews done", Unit: "%", Direction: "up", Target: &target,
			Definition: "Share of people reviewed.", Source: "Practice records.", Caveats: "Some practices do not report."}
		if err := st.CreateIndicator(ctx, &ind); err != nil {
			t.Fatal(err)
		}
		if ind.Slug != "reviews-done" {
			t.Errorf("slug = %q, want one made from the name", ind.Slug)
		}
		got, err := st.IndicatorByID(ctx, ind.ID)
		if err != nil || got.Name != ind.Name || got.Target == nil || *got.Target != 10 || got.Caveats != ind.Caveats {
			t.Fatalf("IndicatorByID = %+v, %v", got, err)
		}

		again := gs.Indicator{CampaignID: f.Campaign.ID, Name: "Reviews done", Direction: "up"}
		if err := st.CreateIndicator(ctx, &again); gs.ErrorFields(err)["slug"] == "" {
			t.Errorf("second indicator with the same web address: %v, want a slug field error", err)
		}
		bad := gs.Indicator{CampaignID: f.Campaign.ID, Name: " ", Direction: "sideways"}
		fields := gs.ErrorFields(st.CreateIndicator(ctx, &bad))
		if fields["name"] == "" || fields["direction"] == "" {
			t.Errorf("blank name and unknown direction: fields %v", fields)
		}

		got.Name, got.Target = "Medicine reviews done", nil
		if err := st.UpdateIndicator(ctx, &got); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.IndicatorByID(ctx, ind.ID); got.Name != "Medicine reviews done" || got.Target != nil {
			t.Errorf("after update: %+v", got)
		}
		if err := st.UpdateIndicator(ctx, &gs.Indicator{ID: 9999, Name: "X", Direction: "up"}); gs.ErrorCode(err) != gs.ENOTFOUND {
			t.Errorf("update of a missing indicator: %v", err)
		}
	})
}

// TestDriverDiagram: an action names the indicators it aims to move; they
// show on the indicator's list of drivers; the set is replaced on update;
// another campaign's indicator is refused and nothing changes.
func TestDriverDiagram(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		mk := func(campaign int64, name string) gs.Indicator {
			t.Helper()
			i := gs.Indicator{CampaignID: campaign, Name: name, Direction: "down"}
			if err := st.CreateIndicator(ctx, &i); err != nil {
				t.Fatal(err)
			}
			return i
		}
		prescribing, falls := mk(f.Campaign.ID, "Prescribing"), mk(f.Campaign.ID, "Falls")
		other := gs.Campaign{Title: "Another", Purpose: "Other.", StartsOn: gs.MustDate("2026-01-01"), Status: gs.CampaignLive}
		if err := st.CreateCampaign(ctx, &other); err != nil {
			t.Fatal(err)
		}
		foreign := mk(other.ID, "Elsewhere")

		a := f.Actions[0]
		a.IndicatorIDs = []int64{falls.ID, prescribing.ID, falls.ID}
		if err := st.UpdateAction(ctx, &a); err != nil {
			t.Fatal(err)
		}
		stored, err := st.ActionByID(ctx, a.ID)
		if want := []int64{prescribing.ID, falls.ID}; err != nil || !slices.Equal(stored.IndicatorIDs, slices.Sorted(slices.Values(want))) {
			t.Fatalf("action's indicators = %v, %v; want %v once each", stored.IndicatorIDs, err, want)
		}
		drivers, err := st.IndicatorDrivers(ctx, prescribing.ID)
		if err != nil || len(drivers) != 1 || drivers[0].Action.ID != a.ID || drivers[0].GroupName != f.Group.Name {
			t.Fatalf("drivers of prescribing = %+v, %v", drivers, err)
		}

		a.IndicatorIDs = []int64{falls.ID, foreign.ID}
		if err := st.UpdateAction(ctx, &a); gs.ErrorFields(err)["indicators"] == "" {
			t.Errorf("another campaign's indicator: %v, want an indicators field error", err)
		}
		if stored, _ := st.ActionByID(ctx, a.ID); len(stored.IndicatorIDs) != 2 {
			t.Errorf("after a refused update the action's indicators are %v, want the two kept", stored.IndicatorIDs)
		}

		a.IndicatorIDs = []int64{falls.ID}
		if err := st.UpdateAction(ctx, &a); err != nil {
			t.Fatal(err)
		}
		if drivers, _ := st.IndicatorDrivers(ctx, prescribing.ID); len(drivers) != 0 {
			t.Errorf("prescribing still has drivers %+v after the action dropped it", drivers)
		}
		created := gs.Action{GroupID: f.Group.ID, Title: "Audit", DueOn: gs.MustDate("2027-01-01"), IndicatorIDs: []int64{prescribing.ID}}
		if err := st.CreateAction(ctx, &created); err != nil {
			t.Fatal(err)
		}
		list, err := st.Actions(ctx, f.Group.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range list {
			if s.ID == created.ID && !slices.Equal(s.IndicatorIDs, []int64{prescribing.ID}) {
				t.Errorf("Actions lists the new action with indicators %v", s.IndicatorIDs)
			}
		}
		retired := created
		retired.Retired = true
		if err := st.UpdateAction(ctx, &retired); err != nil {
			t.Fatal(err)
		}
		if drivers, _ := st.IndicatorDrivers(ctx, prescribing.ID); len(drivers) != 0 {
			t.Errorf("a retired action is still listed as a driver: %+v", drivers)
		}
	})
}

// TestAreaHierarchy: areas sit under larger kinds of area, so the
// hierarchy cannot loop; codes are unique.
func TestAreaHierarchy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		region, err := st.AreaByID(ctx, f.AreaID)
		if err != nil {
			t.Fatal(err)
		}
		icb := gs.Area{Code: "e54000050", Name: "NHS North East and North Cumbria ICB", Kind: "icb", ParentID: region.ID, Population: 3_000_000}
		if err := st.CreateArea(ctx, &icb); err != nil {
			t.Fatal(err)
		}
		if icb.Code != "E54000050" {
			t.Errorf("code stored as %q, want upper case", icb.Code)
		}
		dup := gs.Area{Code: "E54000050", Name: "Again", Kind: "icb"}
		if err := st.CreateArea(ctx, &dup); gs.ErrorFields(err)["code"] == "" {
			t.Errorf("duplicate code: %v", err)
		}
		// A region under an ICB would make a loop possible: refused.
		region.ParentID = icb.ID
		if err := st.UpdateArea(ctx, &region); gs.ErrorFields(err)["parent_id"] == "" {
			t.Errorf("region under its own ICB: %v, want a parent_id error", err)
		}
		// The region cannot become an ICB while it contains one.
		region, _ = st.AreaByID(ctx, f.AreaID)
		region.Kind = "icb"
		if err := st.UpdateArea(ctx, &region); gs.ErrorFields(err)["kind"] == "" {
			t.Errorf("region containing an ICB made an ICB: %v, want a kind error", err)
		}
		missing := gs.Area{Code: "X1", Name: "X", Kind: "area", ParentID: 99999}
		if err := st.CreateArea(ctx, &missing); gs.ErrorFields(err)["parent_id"] == "" {
			t.Errorf("unknown parent: %v", err)
		}
		if got, _ := st.AreaByID(ctx, f.AreaID); got.Kind != "region" || got.ParentID == icb.ID {
			t.Errorf("refused updates changed the region: %+v", got)
		}
		// An imported area (kind "area", no parent) is placed under the ICB.
		placed := gs.Area{Code: "NEWTOWN", Name: "Newtown", Kind: "area"}
		if err := st.CreateArea(ctx, &placed); err != nil {
			t.Fatal(err)
		}
		placed.ParentID = icb.ID
		if err := st.UpdateArea(ctx, &placed); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.AreaByID(ctx, placed.ID); got.ParentID != icb.ID {
			t.Errorf("placed area's parent = %d, want %d", got.ParentID, icb.ID)
		}
	})
}
