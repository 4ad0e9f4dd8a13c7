// Package storetest gives tests a fresh, migrated store on a real database.
package storetest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
)

// Open returns a new store in a SQLite file in a temporary directory, closed
// when the test ends.
func Open(tb testing.TB) *store.Store {
	tb.Helper()
	st, err := store.Open(context.Background(), filepath.Join(tb.TempDir(), "test.db"))
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() {
		if err := st.Close(); err != nil {
			tb.Errorf("close store: %v", err)
		}
	})
	return st
}

// Fixture is a small live campaign: one group with two actions.
type Fixture struct {
	Campaign gs.Campaign
	Group    gs.Group
	Actions  []gs.Action
	AreaID   int64
	Org      gs.Organisation
}

// Seed creates a Fixture through the store's public methods.
func Seed(tb testing.TB, st *store.Store) Fixture {
	tb.Helper()
	ctx := context.Background()
	var f Fixture
	f.Campaign = gs.Campaign{Title: "Test call to action", Purpose: "To test.", StartsOn: gs.MustDate("2026-01-01"), Status: gs.CampaignLive}
	must(tb, st.CreateCampaign(ctx, &f.Campaign))
	f.Group = gs.Group{CampaignID: f.Campaign.ID, Name: "Community pharmacists", Goal: "Review every prescription.", Target: 100}
	must(tb, st.CreateGroup(ctx, &f.Group))
	for i, title := range []string{"Review antipsychotic prescriptions", "Talk to a carer"} {
		a := gs.Action{GroupID: f.Group.ID, Title: title, DueOn: gs.MustDate("2027-03-31").AddDays(i), Target: 50}
		must(tb, st.CreateAction(ctx, &a))
		f.Actions = append(f.Actions, a)
	}
	areas, err := st.Areas(ctx)
	must(tb, err)
	for _, a := range areas {
		if a.Kind == "region" {
			f.AreaID = a.ID
			break
		}
	}
	f.Org = gs.Organisation{Name: "Riverside Pharmacy", ODSCode: "FA123", Sector: "Community pharmacy", AreaID: f.AreaID}
	must(tb, st.CreateOrganisation(ctx, &f.Org))
	must(tb, st.JoinAlliance(ctx, gs.AllianceMember{Organisation: f.Org, CampaignID: f.Campaign.ID, JoinedOn: gs.MustDate("2026-01-02")}))
	return f
}

// Pledge returns a valid pledge to the fixture's first action.
func (f Fixture) Pledge(email string) gs.PledgeInput {
	return gs.PledgeInput{
		ActionID: f.Actions[0].ID, Name: "Asha Patel", Email: email, Profession: "Community pharmacist",
		AreaID: f.AreaID, WhyItMatters: "My nan was given one and stopped talking.", ShowOnWall: true,
	}
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// Confirm confirms a pledge as its owner would, by the emailed link.
func Confirm(tb testing.TB, st *store.Store, commitmentID int64) {
	tb.Helper()
	ctx := context.Background()
	token, err := st.IssueToken(ctx, gs.TokenConfirm, commitmentID, "", time.Hour)
	must(tb, err)
	_, err = st.ConfirmPledge(ctx, token)
	must(tb, err)
}
