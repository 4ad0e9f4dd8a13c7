package store_test

import (
	"context"
	"testing"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

func TestEnvelopeEntries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		spent := gs.EnvelopeEntry{CampaignID: f.Campaign.ID, On: gs.MustDate("2026-02-28"), Kind: gs.EnvelopeSpent, Unit: gs.UnitGBP, Amount: 1200.5, Note: "Launch event"}
		budget := gs.EnvelopeEntry{CampaignID: f.Campaign.ID, On: gs.MustDate("2026-01-01"), Kind: gs.EnvelopeAllocated, Unit: gs.UnitGBP, Amount: 50000}
		for _, e := range []*gs.EnvelopeEntry{&spent, &budget} {
			if err := st.CreateEnvelopeEntry(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		got, err := st.EnvelopeEntries(ctx, f.Campaign.ID)
		if err != nil || len(got) != 2 || got[0].ID != budget.ID || got[1].Amount != 1200.5 || got[1].Note != "Launch event" {
			t.Fatalf("entries = %+v, %v; want the budget first, by date", got, err)
		}
		bad := gs.EnvelopeEntry{CampaignID: f.Campaign.ID, Kind: "borrowed", Unit: "USD", Amount: -5}
		fields := gs.ErrorFields(st.CreateEnvelopeEntry(ctx, &bad))
		for _, k := range []string{"on", "kind", "unit", "amount"} {
			if fields[k] == "" {
				t.Errorf("no %s error in %v", k, fields)
			}
		}
		other := gs.Campaign{Title: "Other", Purpose: "x", StartsOn: gs.MustDate("2026-01-01"), Status: gs.CampaignLive}
		if err := st.CreateCampaign(ctx, &other); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteEnvelopeEntry(ctx, other.ID, spent.ID); gs.ErrorCode(err) != gs.ENOTFOUND {
			t.Errorf("deleting through another campaign: %v, want ENOTFOUND", err)
		}
		if err := st.DeleteEnvelopeEntry(ctx, f.Campaign.ID, spent.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.EnvelopeEntries(ctx, f.Campaign.ID); len(got) != 1 {
			t.Errorf("after delete: %+v", got)
		}
	})
}
