package demo

import (
	"encoding/csv"
	"math"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/groundswell-health/groundswell"
)

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
		if err := v.Validate(); err != nil || !reflect.DeepEqual(v, a) {
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
	for area, obs := range regions {
		if len(obs) != 36 {
			t.Errorf("region %d has %d observations", area, len(obs))
		}
		for _, o := range obs {
			if !o.Synthetic {
				t.Errorf("region %d, %s: not marked synthetic", area, o.Period)
			}
		}
	}
	for i, e := range england {
		var n, d float64
		for _, obs := range regions {
			if obs[i].Period != e.Period {
				t.Fatalf("region periods out of step with England's at %s", e.Period)
			}
			n += *obs[i].Numerator
			d += *obs[i].Denominator
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
