package demo

import (
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/groundswell-health/groundswell"
)

var (
	once   sync.Once
	shared *groundswell.Dataset
)

// data returns one generated data set, shared by the tests that only read it.
func data(t *testing.T) *groundswell.Dataset {
	t.Helper()
	once.Do(func() { shared = Generate() })
	return shared
}

func campaignBySlug(t *testing.T, ds *groundswell.Dataset, slug string) groundswell.Campaign {
	t.Helper()
	for _, c := range ds.Campaigns {
		if c.Slug == slug {
			return c
		}
	}
	t.Fatalf("no campaign %q", slug)
	return groundswell.Campaign{}
}

func TestDeterministic(t *testing.T) {
	a, b := Generate(), Generate()
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two calls to Generate returned different data sets")
	}
}

func TestFast(t *testing.T) {
	start := time.Now()
	Generate()
	if d := time.Since(start); d > time.Second {
		t.Errorf("Generate took %v, want well under 1s", d)
	}
}

func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		Generate()
	}
}

func TestCounts(t *testing.T) {
	ds := data(t)
	people := map[int64]map[int64]bool{1: {}, 2: {}}
	commitments := map[int64]int{}
	for _, c := range ds.Commitments {
		people[c.CampaignID][c.PersonID] = true
		commitments[c.CampaignID]++
	}
	alliance := map[int64]int{}
	for _, m := range ds.Alliance {
		alliance[m.CampaignID]++
	}
	check := func(what string, got, lo, hi int) {
		t.Helper()
		if got < lo || got > hi {
			t.Errorf("%s = %d, want %d–%d", what, got, lo, hi)
		}
	}
	check("areas", len(ds.Areas), 8, 8)
	check("campaigns", len(ds.Campaigns), 2, 2)
	check("organisations", len(ds.Organisations), 110, 130)
	check("alliance of campaign 1", alliance[1], 90, 110)
	check("alliance of campaign 2", alliance[2], 60, 80)
	check("people in campaign 1", len(people[1]), 4500, 5500)
	check("commitments to campaign 1", commitments[1], 7000, 9000)
	check("commitments to campaign 2", commitments[2], 1300, 1700)
	check("indicators", len(ds.Indicators), 1, 1)
	check("observations", len(ds.Observations), 8*36, 8*36)
	t.Logf("areas %d, organisations %d, alliance %v, groups %d, actions %d, milestones %d, people %d (campaign 1: %d, campaign 2: %d), commitments %v, relationships %d, observations %d",
		len(ds.Areas), len(ds.Organisations), alliance, len(ds.Groups), len(ds.Actions), len(ds.Milestones),
		len(ds.People), len(people[1]), len(people[2]), commitments, len(ds.Relationships), len(ds.Observations))
}

func TestLocalReferences(t *testing.T) {
	ds := data(t)
	in := func(what string, id int64, n int, zeroOK bool) {
		t.Helper()
		if id == 0 && zeroOK {
			return
		}
		if id < 1 || id > int64(n) {
			t.Errorf("%s = %d, out of range 1–%d", what, id, n)
		}
	}
	self := func(what string, i int, id int64) {
		t.Helper()
		if id != int64(i+1) {
			t.Errorf("%s at position %d has ID %d", what, i+1, id)
		}
	}
	for i, a := range ds.Areas {
		self("area", i, a.ID)
		in("area parent", a.ParentID, len(ds.Areas), true)
	}
	for i, o := range ds.Organisations {
		self("organisation", i, o.ID)
		in("organisation area", o.AreaID, len(ds.Areas), false)
	}
	for i, c := range ds.Campaigns {
		self("campaign", i, c.ID)
		in("predecessor", c.PredecessorID, len(ds.Campaigns), true)
	}
	for _, m := range ds.Alliance {
		in("alliance organisation", m.ID, len(ds.Organisations), false)
		in("alliance campaign", m.CampaignID, len(ds.Campaigns), false)
		if m.ID >= 1 && int(m.ID) <= len(ds.Organisations) && m.Organisation != ds.Organisations[m.ID-1] {
			t.Errorf("alliance member %d does not match its organisation", m.ID)
		}
	}
	for i, g := range ds.Groups {
		self("group", i, g.ID)
		in("group campaign", g.CampaignID, len(ds.Campaigns), false)
	}
	for i, a := range ds.Actions {
		self("action", i, a.ID)
		in("action group", a.GroupID, len(ds.Groups), false)
	}
	for i, m := range ds.Milestones {
		self("milestone", i, m.ID)
		in("milestone campaign", m.CampaignID, len(ds.Campaigns), false)
	}
	for i, p := range ds.People {
		self("person", i, p.ID)
		in("person organisation", p.OrganisationID, len(ds.Organisations), true)
		in("person area", p.AreaID, len(ds.Areas), false)
		if p.AreaID >= 1 && int(p.AreaID) <= len(ds.Areas) && ds.Areas[p.AreaID-1].Kind != "region" {
			t.Errorf("person %d is in area %d, not a region", p.ID, p.AreaID)
		}
	}
	for i, c := range ds.Commitments {
		self("commitment", i, c.ID)
		in("commitment person", c.PersonID, len(ds.People), false)
		in("commitment action", c.ActionID, len(ds.Actions), false)
		in("commitment campaign", c.CampaignID, len(ds.Campaigns), false)
		in("commitment inviter", c.InvitedByID, len(ds.People), true)
		if c.ActionID >= 1 && int(c.ActionID) <= len(ds.Actions) {
			if g := ds.Groups[ds.Actions[c.ActionID-1].GroupID-1]; g.CampaignID != c.CampaignID {
				t.Errorf("commitment %d is to campaign %d but its action is in campaign %d", c.ID, c.CampaignID, g.CampaignID)
			}
		}
	}
	for _, r := range ds.Relationships {
		in("relationship campaign", r.CampaignID, len(ds.Campaigns), false)
		in("relationship from", r.FromID, len(ds.People), false)
		in("relationship to", r.ToID, len(ds.People), false)
	}
	for i, ind := range ds.Indicators {
		self("indicator", i, ind.ID)
		in("indicator campaign", ind.CampaignID, len(ds.Campaigns), false)
	}
	for _, a := range ds.Actions {
		for _, id := range a.IndicatorIDs {
			in("action indicator", id, len(ds.Indicators), false)
		}
	}
	for _, o := range ds.Observations {
		in("observation indicator", o.IndicatorID, len(ds.Indicators), false)
		in("observation area", o.AreaID, len(ds.Areas), false)
	}
}

func TestOneCommitmentPerPersonAndAction(t *testing.T) {
	seen := map[[2]int64]bool{}
	for _, c := range data(t).Commitments {
		k := [2]int64{c.PersonID, c.ActionID}
		if seen[k] {
			t.Errorf("person %d pledged to action %d twice", c.PersonID, c.ActionID)
		}
		seen[k] = true
	}
}

// firstCommitments returns each person's first commitment per campaign.
func firstCommitments(ds *groundswell.Dataset) map[[2]int64]groundswell.Commitment {
	first := map[[2]int64]groundswell.Commitment{}
	for _, c := range ds.Commitments {
		k := [2]int64{c.CampaignID, c.PersonID}
		if f, ok := first[k]; !ok || c.CreatedAt.Before(f.CreatedAt) {
			first[k] = c
		}
	}
	return first
}

func TestRelationships(t *testing.T) {
	ds := data(t)
	first := firstCommitments(ds)
	to := map[[2]int64]groundswell.Relationship{}
	for _, r := range ds.Relationships {
		k := [2]int64{r.CampaignID, r.ToID}
		if _, dup := to[k]; dup {
			t.Errorf("person %d has two inviters in campaign %d", r.ToID, r.CampaignID)
		}
		to[k] = r
		if r.FromID == r.ToID {
			t.Errorf("person %d invited themselves", r.FromID)
		}
		if r.Kind != "invited" {
			t.Errorf("relationship kind %q", r.Kind)
		}
		inviter, ok1 := first[[2]int64{r.CampaignID, r.FromID}]
		invitee, ok2 := first[k]
		switch {
		case !ok1 || !ok2:
			t.Errorf("relationship %d→%d in campaign %d: a person without commitments", r.FromID, r.ToID, r.CampaignID)
		case !inviter.CreatedAt.Before(invitee.CreatedAt):
			t.Errorf("person %d invited %d but pledged later", r.FromID, r.ToID)
		case !r.CreatedAt.Equal(invitee.CreatedAt):
			t.Errorf("relationship %d→%d dated %v, invitee's first pledge %v", r.FromID, r.ToID, r.CreatedAt, invitee.CreatedAt)
		case invitee.InvitedByID != r.FromID || invitee.Channel != groundswell.ChannelInvite:
			t.Errorf("first commitment of %d: invited by %d via %q, want %d via invite", r.ToID, invitee.InvitedByID, invitee.Channel, r.FromID)
		}
	}
	for _, c := range ds.Commitments {
		if c.InvitedByID == 0 {
			if c.Channel != groundswell.ChannelWeb {
				t.Errorf("commitment %d without inviter has channel %q", c.ID, c.Channel)
			}
			continue
		}
		if r, ok := to[[2]int64{c.CampaignID, c.PersonID}]; !ok || r.FromID != c.InvitedByID || first[[2]int64{c.CampaignID, c.PersonID}].ID != c.ID {
			t.Errorf("commitment %d: invited by %d, but no matching relationship or not the first pledge", c.ID, c.InvitedByID)
		}
	}

	// Depth of the invitation chains in campaign 1, and the share invited.
	depth := map[int64]int{}
	var d func(p int64, n int) int
	d = func(p int64, n int) int {
		if v, ok := depth[p]; ok {
			return v
		}
		r, ok := to[[2]int64{1, p}]
		if !ok || n > len(ds.People) {
			return 0
		}
		v := 1 + d(r.FromID, n+1)
		depth[p] = v
		return v
	}
	maxDepth, invited, later := 0, 0, 0
	for i := wave1Organic; i < wave1People; i++ {
		p := ds.People[i].ID
		maxDepth = max(maxDepth, d(p, 0))
		if _, ok := to[[2]int64{1, p}]; ok {
			invited++
		}
		later++
	}
	if maxDepth < 5 {
		t.Errorf("deepest invitation chain in campaign 1 is %d, want at least 5", maxDepth)
	}
	if share := float64(invited) / float64(later); share < 0.40 || share > 0.50 {
		t.Errorf("%.2f of later campaign-1 people were invited, want about 0.45", share)
	}
	t.Logf("deepest chain %d; %d of %d later people invited", maxDepth, invited, later)
}

// TestDriverDiagram: the prescribing measure names the first campaign's
// review actions, every one of them, and no action of the second campaign.
func TestDriverDiagram(t *testing.T) {
	ds := data(t)
	var linked []string
	for _, a := range ds.Actions {
		if len(a.IndicatorIDs) > 0 {
			if ds.Groups[a.GroupID-1].CampaignID != ds.Indicators[0].CampaignID {
				t.Errorf("action %q of another campaign aims to move the indicator", a.Title)
			}
			linked = append(linked, a.Title)
		}
	}
	slices.Sort(linked)
	want := slices.Sorted(slices.Values(antipsychoticDrivers))
	if !slices.Equal(linked, want) {
		t.Errorf("actions aiming to move the indicator:\n%q\nwant\n%q", linked, want)
	}
}
