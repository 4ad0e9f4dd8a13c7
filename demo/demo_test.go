package demo

import (
	"encoding/csv"
	"math"
	"net/mail"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
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

func TestEmails(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range data(t).People {
		e := p.Email
		if seen[e] {
			t.Errorf("email %s used twice", e)
		}
		seen[e] = true
		if e != strings.ToLower(e) {
			t.Errorf("email %s is not lower case", e)
		}
		at := strings.LastIndexByte(e, '@')
		if d := e[at+1:]; d != "example.org" && d != "example.com" && d != "example.net" {
			t.Errorf("email %s is not at an example domain", e)
		}
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
			t.Errorf("email %s does not parse: %v", e, err)
		}
	}
}

func TestReferralCodesAndReceipts(t *testing.T) {
	ds := data(t)
	codes := map[string]bool{}
	for _, p := range ds.People {
		if !groundswell.ValidReferralCode(p.ReferralCode) {
			t.Errorf("person %d: invalid referral code %q", p.ID, p.ReferralCode)
		}
		if codes[p.ReferralCode] {
			t.Errorf("referral code %s used twice", p.ReferralCode)
		}
		codes[p.ReferralCode] = true
	}
	tokens := map[string]bool{}
	for _, c := range ds.Commitments {
		tok := c.ReceiptToken
		if len(tok) != 26 || strings.Trim(tok, "abcdefghijklmnopqrstuvwxyz234567") != "" {
			t.Errorf("commitment %d: receipt token %q is not 26 lower-case base32 characters", c.ID, tok)
		}
		if tokens[tok] {
			t.Errorf("receipt token %s used twice", tok)
		}
		tokens[tok] = true
	}
}

func TestCampaignOne(t *testing.T) {
	ds := data(t)
	c := campaignBySlug(t, ds, CampaignSlug)
	if c.ID != 1 || c.Status != groundswell.CampaignClosed || !c.Illustrative || c.Title != "The Right Prescription" {
		t.Errorf("campaign 1 = %d %q %q illustrative %v", c.ID, c.Title, c.Status, c.Illustrative)
	}
	if c.StartsOn != groundswell.MustDate("2019-10-01") || c.EndsOn != groundswell.MustDate("2021-12-31") {
		t.Errorf("campaign 1 runs %s to %s", c.StartsOn, c.EndsOn)
	}
	groups := 0
	for _, g := range ds.Groups {
		if g.CampaignID != c.ID {
			continue
		}
		groups++
		n := 0
		for _, a := range ds.Actions {
			if a.GroupID != g.ID {
				continue
			}
			n++
			if a.DueOn.Before(c.StartsOn) || c.EndsOn.Before(a.DueOn) || a.Target <= 0 {
				t.Errorf("action %q due %s, target %d: outside the campaign or no target", a.Title, a.DueOn, a.Target)
			}
		}
		if n < 2 || n > 4 {
			t.Errorf("group %q has %d actions, want 2–4", g.Name, n)
		}
	}
	if groups != 8 {
		t.Errorf("campaign 1 has %d groups, want 8", groups)
	}
	launch := false
	for _, m := range ds.Milestones {
		launch = launch || m.CampaignID == c.ID && m.On == c.StartsOn && m.Title == "Launch of the call to action"
	}
	if !launch {
		t.Error("campaign 1 has no launch milestone")
	}
	for _, m := range ds.Alliance {
		if m.CampaignID == c.ID && (m.JoinedOn.Before(c.StartsOn) || !m.JoinedOn.Before(c.StartsOn.AddDays(366)) || m.ActionPlan == "") {
			t.Errorf("organisation %d joined campaign 1 on %s with plan %q", m.ID, m.JoinedOn, m.ActionPlan)
		}
	}
}

func TestCampaignTwo(t *testing.T) {
	ds := data(t)
	c := campaignBySlug(t, ds, "the-right-care")
	if c.PredecessorID != 1 || c.Status != groundswell.CampaignLive || !c.Illustrative {
		t.Errorf("campaign 2: predecessor %d, status %q, illustrative %v", c.PredecessorID, c.Status, c.Illustrative)
	}
	first := firstCommitments(ds)
	inBoth := func(p int64) bool {
		_, a := first[[2]int64{1, p}]
		_, b := first[[2]int64{c.ID, p}]
		return a && b
	}
	returning, total := 0, 0
	for _, cm := range ds.Commitments {
		if cm.CampaignID == c.ID {
			total++
			if inBoth(cm.PersonID) {
				returning++
			}
		}
	}
	if share := float64(returning) / float64(total); share < 0.25 || share > 0.45 {
		t.Errorf("%.2f of campaign 2's commitments are from campaign-1 people, want about 0.35", share)
	}
	edges1 := map[[2]int64]bool{}
	carried, between := 0, 0
	for _, r := range ds.Relationships {
		switch {
		case r.CampaignID == 1:
			edges1[[2]int64{r.FromID, r.ToID}] = true
		case inBoth(r.FromID) && inBoth(r.ToID):
			between++
			if edges1[[2]int64{r.FromID, r.ToID}] {
				carried++
			}
		}
	}
	if between == 0 || carried == 0 {
		t.Errorf("campaign 2 has %d edges between campaign-1 people, %d carried over; want some of each", between, carried)
	}
	future, groups := 0, 0
	for _, g := range ds.Groups {
		if g.CampaignID != c.ID {
			continue
		}
		groups++
		n := 0
		for _, a := range ds.Actions {
			if a.GroupID == g.ID {
				n++
				if a.DueOn.Year < 2026 || a.DueOn.Year > 2027 {
					t.Errorf("campaign 2 action %q due %s", a.Title, a.DueOn)
				}
				if a.DueOn.Time().After(asOf) {
					future++
				}
			}
		}
		if n < 2 || n > 3 {
			t.Errorf("group %q has %d actions, want 2–3", g.Name, n)
		}
	}
	if groups < 4 || groups > 5 || future == 0 {
		t.Errorf("campaign 2 has %d groups and %d actions still to come", groups, future)
	}
	t.Logf("campaign 2: %d of %d commitments from returning people; %d edges between campaign-1 people, %d carried over", returning, total, between, carried)
}

func TestCommitmentTimesAndStatuses(t *testing.T) {
	ds := data(t)
	windows := map[int64][2]time.Time{
		1: {rightPrescription.pledgeFrom.Time(), rightPrescription.pledgeTo.Time().Add(24 * time.Hour)},
		2: {rightCare.pledgeFrom.Time(), rightCare.pledgeTo.Time().Add(24 * time.Hour)},
	}
	first := firstCommitments(ds)
	pastDue, done, hours, why := 0, 0, 0, 0
	statuses := map[string]int{}
	for _, c := range ds.Commitments {
		w := windows[c.CampaignID]
		a := ds.Actions[c.ActionID-1]
		switch {
		case c.CreatedAt.Before(w[0]) || !c.CreatedAt.Before(w[1]):
			t.Errorf("commitment %d made %v, outside its campaign's window", c.ID, c.CreatedAt)
		case c.UpdatedAt.Before(c.CreatedAt) || c.UpdatedAt.After(asOf):
			t.Errorf("commitment %d updated %v, made %v", c.ID, c.UpdatedAt, c.CreatedAt)
		case a.DueOn.Before(groundswell.DateOf(c.CreatedAt)):
			t.Errorf("commitment %d made %v to an action due %s", c.ID, c.CreatedAt, a.DueOn)
		case !slices.Contains(groundswell.CommitmentStatuses, c.Status):
			t.Errorf("commitment %d has status %q", c.ID, c.Status)
		case c.Hours != 0 && (c.Hours < 0.5 || c.Hours > 20):
			t.Errorf("commitment %d pledges %v hours", c.ID, c.Hours)
		}
		if p := ds.People[c.PersonID-1]; p.CreatedAt.After(first[[2]int64{c.CampaignID, c.PersonID}].CreatedAt) {
			t.Errorf("person %d created after their first pledge", p.ID)
		}
		statuses[c.Status]++
		if a.DueOn.Time().Add(24 * time.Hour).Before(asOf) {
			pastDue++
			if c.Status == groundswell.StatusDone {
				done++
			}
		}
		if c.Hours > 0 {
			hours++
		}
		if c.WhyItMatters != "" {
			why++
		}
	}
	n := float64(len(ds.Commitments))
	if s := float64(done) / float64(pastDue); s < 0.48 || s > 0.62 {
		t.Errorf("%.2f of past-due commitments are done, want about 0.55", s)
	}
	if s := float64(hours) / n; s < 0.35 || s > 0.45 {
		t.Errorf("%.2f of commitments pledge hours, want about 0.4", s)
	}
	if s := float64(why) / n; s < 0.5 {
		t.Errorf("only %.2f of commitments say why it matters", s)
	}
	for _, s := range groundswell.CommitmentStatuses {
		if statuses[s] == 0 {
			t.Errorf("no commitment is %s", s)
		}
	}
	wall, contact := 0, 0
	for _, p := range ds.People {
		if p.ShowOnWall {
			wall++
		}
		if p.ContactOK {
			contact++
		}
	}
	if s := float64(wall) / float64(len(ds.People)); math.Abs(s-0.55) > 0.03 {
		t.Errorf("%.2f of people show on the wall, want about 0.55", s)
	}
	if s := float64(contact) / float64(len(ds.People)); math.Abs(s-0.60) > 0.03 {
		t.Errorf("%.2f of people may be contacted, want about 0.60", s)
	}
	t.Logf("statuses %v; %d of %d past-due done", statuses, done, pastDue)
}

func TestProfessionsMatchGroups(t *testing.T) {
	ds := data(t)
	specs := map[int64]*groupSpec{}
	for i, g := range ds.Groups {
		s := &rightPrescription
		if g.CampaignID == 2 {
			s = &rightCare
		}
		for j := range s.groups {
			if s.groups[j].slug == g.Slug {
				specs[int64(i+1)] = &s.groups[j]
			}
		}
	}
	for _, c := range ds.Commitments {
		spec := specs[ds.Actions[c.ActionID-1].GroupID]
		if p := ds.People[c.PersonID-1]; spec == nil || !slices.Contains(spec.professions, p.Profession) {
			t.Errorf("person %d (%s) pledged to action %d", p.ID, p.Profession, c.ActionID)
		}
	}
}

func TestValidate(t *testing.T) {
	ds := data(t)
	for _, c := range ds.Campaigns {
		v := c
		if err := v.Validate(); err != nil || v != c {
			t.Errorf("campaign %q: %v (or changed by Validate)", c.Slug, err)
		}
	}
	for _, g := range ds.Groups {
		v := g
		if err := v.Validate(); err != nil || v != g {
			t.Errorf("group %q: %v (or changed by Validate)", g.Slug, err)
		}
	}
	for _, a := range ds.Actions {
		v := a
		if err := v.Validate(); err != nil || v != a {
			t.Errorf("action %q: %v (or changed by Validate)", a.Title, err)
		}
	}
	for _, m := range ds.Milestones {
		v := m
		if err := v.Validate(); err != nil || v != m {
			t.Errorf("milestone %q: %v (or changed by Validate)", m.Title, err)
		}
	}
	orgs := slices.Clone(ds.Organisations)
	for _, m := range ds.Alliance {
		orgs = append(orgs, m.Organisation)
	}
	ods := map[string]bool{}
	for _, o := range ds.Organisations {
		if o.ODSCode != "" && ods[o.ODSCode] {
			t.Errorf("ODS code %s used twice", o.ODSCode)
		}
		ods[o.ODSCode] = true
	}
	for _, o := range orgs {
		v := o
		if err := v.Validate(); err != nil || v != o {
			t.Errorf("organisation %q: %v (or changed by Validate)", o.Name, err)
		}
		nhs := strings.HasPrefix(o.Sector, "NHS") || o.Sector == "General practice" || o.Sector == "Community pharmacy"
		if nhs != (o.ODSCode != "") {
			t.Errorf("organisation %q (%s) has ODS code %q", o.Name, o.Sector, o.ODSCode)
		}
	}
	sectors := map[string]bool{}
	for _, o := range ds.Organisations {
		sectors[o.Sector] = true
	}
	for _, s := range groundswell.Sectors {
		if !sectors[s] {
			t.Errorf("no organisation in sector %q", s)
		}
	}
}

func TestObservations(t *testing.T) {
	ds := data(t)
	f, err := os.Open("data/antipsychotics-dementia-england-monthly.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	recs = recs[1:]
	if len(recs) != 36 {
		t.Fatalf("CSV has %d rows, want 36", len(recs))
	}
	var england []groundswell.Observation
	regions := map[int64][]groundswell.Observation{}
	for _, o := range ds.Observations {
		if ds.Areas[o.AreaID-1].Kind == "nation" {
			england = append(england, o)
		} else {
			regions[o.AreaID] = append(regions[o.AreaID], o)
		}
	}
	if len(england) != len(recs) {
		t.Fatalf("%d England observations, want %d", len(england), len(recs))
	}
	num := func(s string) float64 {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for i, rec := range recs {
		o := england[i]
		if o.Period.String() != rec[3] || *o.Numerator != num(rec[4]) || *o.Denominator != num(rec[5]) || o.Value != num(rec[6]) || o.Synthetic {
			t.Errorf("England %s: got %v/%v = %v (synthetic %v), CSV %v", rec[3], *o.Numerator, *o.Denominator, o.Value, o.Synthetic, rec[4:])
		}
	}
	if england[0].Period != groundswell.MustDate("2019-01-01") || england[0].Value != 8.49 {
		t.Errorf("first England observation %s = %v, want 2019-01-01 = 8.49", england[0].Period, england[0].Value)
	}
	if len(regions) != 7 {
		t.Fatalf("observations for %d regions, want 7", len(regions))
	}
	for area, os := range regions {
		if len(os) != 36 {
			t.Errorf("region %d has %d observations", area, len(os))
		}
		for _, o := range os {
			if !o.Synthetic {
				t.Errorf("region %d, %s: not marked synthetic", area, o.Period)
			}
		}
	}
	for i, e := range england {
		var n, d float64
		for _, os := range regions {
			if os[i].Period != e.Period {
				t.Fatalf("region periods out of step with England's at %s", e.Period)
			}
			n += *os[i].Numerator
			d += *os[i].Denominator
		}
		if math.Abs(n / *e.Numerator - 1) > 0.01 || math.Abs(d / *e.Denominator - 1) > 0.02 {
			t.Errorf("%s: regions sum to %v/%v, England %v/%v", e.Period, n, d, *e.Numerator, *e.Denominator)
		}
	}
	ind := ds.Indicators[0]
	if ind.Slug != "antipsychotic-prescribing-dementia" || ind.Direction != "down" || ind.Unit != "%" || ind.CampaignID != 1 ||
		!strings.Contains(ind.Definition, "prochlorperazine") || !strings.Contains(ind.Source, "OpenSAFELY") ||
		!strings.Contains(ind.Caveats, "not a validated representation") {
		t.Errorf("indicator %+v", ind)
	}
}
