package demo

import (
	"testing"
)

// TestLargeSizes: the large data set is the size the speed targets are set
// at, and keeps the database's rules (one commitment per person and action,
// one invitation per person and campaign, no self-invitation).
func TestLargeSizes(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a million commitments")
	}
	ds := Large()
	if len(ds.People) != LargePeople || len(ds.Commitments) != LargeCommitments || len(ds.Relationships) != LargeRelationships || len(ds.Organisations) != LargeOrganisations {
		t.Fatalf("%d people, %d commitments, %d relationships, %d organisations", len(ds.People), len(ds.Commitments), len(ds.Relationships), len(ds.Organisations))
	}
	seen := make(map[[2]int64]bool, len(ds.Commitments))
	for _, c := range ds.Commitments {
		k := [2]int64{c.PersonID, c.ActionID}
		if seen[k] {
			t.Fatalf("person %d pledged to action %d twice", c.PersonID, c.ActionID)
		}
		seen[k] = true
		if c.CreatedAt.After(asOf) || c.UpdatedAt.Before(c.CreatedAt) {
			t.Fatalf("commitment %d dated %v, updated %v", c.ID, c.CreatedAt, c.UpdatedAt)
		}
	}
	invited := map[[2]int64]bool{}
	for _, r := range ds.Relationships {
		k := [2]int64{r.CampaignID, r.ToID}
		if invited[k] || r.FromID == r.ToID {
			t.Fatalf("relationship %+v breaks a rule", r)
		}
		invited[k] = true
	}
	big := 0
	for _, c := range ds.Commitments {
		if ds.Campaigns[c.CampaignID-1].Slug == LargeCampaignSlug {
			big++
		}
	}
	if big != 900_000 {
		t.Errorf("the main campaign has %d commitments, want 900,000", big)
	}
}
