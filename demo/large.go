package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/groundswell-health/groundswell"
)

// The large data set: the size the dashboards must stay fast at (DESIGN.md
// §6): a million commitments, 200,000 people, 500,000 relationships and
// 2,000 organisations. It is made up and plain — numbered people, generated
// organisations — and exists for benchmarks and load tests.
const (
	LargePeople        = 200_000
	LargeCommitments   = 1_000_000
	LargeRelationships = 500_000
	LargeOrganisations = 2_000
)

// LargeCampaignSlug is the large data set's main campaign: 900,000 of the
// commitments and 190,000 of the relationships. Its two predecessors hold
// the rest, so its dashboard shows carry-over too.
const LargeCampaignSlug = "scale-test"

// Large returns the large data set. It is deterministic: a fixed seed.
func Large() *groundswell.Dataset {
	g := &gen{r: rand.New(rand.NewPCG(seed1, seed2^0x1a2)), ds: &groundswell.Dataset{}}
	g.areas()
	ds := g.ds
	for i := range LargeOrganisations {
		ds.Organisations = append(ds.Organisations, groundswell.Organisation{
			ID: int64(i + 1), Name: fmt.Sprintf("Scale test organisation %04d", i+1), ODSCode: fmt.Sprintf("ZZ%04d", i+1),
			Sector: groundswell.Sectors[i%len(groundswell.Sectors)], AreaID: g.regions[i%len(g.regions)],
		})
	}
	// Three waves, each building on the last; the third is live.
	waves := []struct {
		slug, title      string
		starts, ends     string
		status           string
		commitments      int
		relationships    int
		firstPerson      int // people [firstPerson, firstPerson+span) take part
		span, perPerson  int
		alliance, offset int
	}{
		{"scale-test-1", "Scale test, first wave", "2023-01-01", "2023-12-31", groundswell.CampaignClosed, 50_000, 155_000, 0, 50_000, 1, 1000, 0},
		{"scale-test-2", "Scale test, second wave", "2024-01-01", "2024-12-31", groundswell.CampaignClosed, 50_000, 155_000, 25_000, 50_000, 1, 1000, 500},
		{LargeCampaignSlug, "Scale test", "2025-01-01", "", groundswell.CampaignLive, 900_000, 190_000, 0, LargePeople, 0, 1500, 250},
	}
	for i := range LargePeople {
		region := g.regions[g.weighted(g.regionWeight)]
		org := int64(0)
		if i%3 != 0 {
			org = int64(g.r.IntN(LargeOrganisations) + 1)
		}
		ds.People = append(ds.People, groundswell.Person{
			ID: int64(i + 1), Email: fmt.Sprintf("person%06d@scale.example.org", i+1), Name: fmt.Sprintf("Person %06d", i+1),
			Profession: "Participant", OrganisationID: org, AreaID: region, ShowOnWall: i%4 == 0,
			ReferralCode: fmt.Sprintf("S%09d", i+1), CreatedAt: at("2023-01-01", 9),
		})
	}
	statuses := []struct {
		status string
		weight float64
	}{{groundswell.StatusDone, 0.40}, {groundswell.StatusInProgress, 0.15}, {groundswell.StatusPledged, 0.30}, {groundswell.StatusLapsed, 0.10}, {groundswell.StatusWithdrawn, 0.05}}
	weights := make([]float64, len(statuses))
	for i, s := range statuses {
		weights[i] = s.weight
	}
	var prev int64
	for wi, w := range waves {
		c := groundswell.Campaign{ID: int64(wi + 1), Slug: w.slug, Title: w.title, Purpose: "A made-up campaign to test Groundswell at national scale.",
			StartsOn: groundswell.MustDate(w.starts), Status: w.status, PredecessorID: prev, Illustrative: true}
		if w.ends != "" {
			c.EndsOn = groundswell.MustDate(w.ends)
		}
		ds.Campaigns = append(ds.Campaigns, c)
		prev = c.ID
		starts := c.StartsOn.Time()
		ends := asOf
		if !c.EndsOn.IsZero() {
			ends = c.EndsOn.Time().Add(24 * time.Hour)
		}
		span := ends.Sub(starts)
		var actions []int64
		for gi := range 8 {
			gid := int64(len(ds.Groups) + 1)
			ds.Groups = append(ds.Groups, groundswell.Group{ID: gid, CampaignID: c.ID, Slug: fmt.Sprintf("group-%d", gi+1),
				Name: fmt.Sprintf("Stakeholder group %d", gi+1), Goal: "A made-up goal.", Target: 20_000, Position: gi + 1})
			for ai := range 5 {
				due := starts.Add(span * time.Duration(ai+2) / 8)
				ds.Actions = append(ds.Actions, groundswell.Action{ID: int64(len(ds.Actions) + 1), GroupID: gid,
					Title: fmt.Sprintf("Action %d of group %d", ai+1, gi+1), DueOn: groundswell.DateOf(due), Target: 10_000, Position: ai + 1})
				actions = append(actions, int64(len(ds.Actions)))
			}
		}
		for k := range w.alliance {
			org := (w.offset+k)%LargeOrganisations + 1
			ds.Alliance = append(ds.Alliance, groundswell.AllianceMember{Organisation: groundswell.Organisation{ID: int64(org)},
				CampaignID: c.ID, JoinedOn: groundswell.DateOf(starts.Add(span * time.Duration(k) / time.Duration(4*w.alliance)))})
		}
		// Commitments: each person of the wave takes perPerson distinct
		// actions (4 or 5 in the big wave, so that it holds 900,000).
		made := 0
		for p := 0; made < w.commitments; p++ {
			person := int64(w.firstPerson + p%w.span + 1)
			n := w.perPerson
			if n == 0 {
				n = 4 + p%2
			}
			first := g.r.IntN(len(actions))
			for j := 0; j < n && made < w.commitments; j++ {
				action := actions[(first+j*7)%len(actions)]
				created := starts.Add(time.Duration(g.r.Int64N(int64(span) * 9 / 10)))
				if created.After(asOf) {
					created = asOf.Add(-time.Hour)
				}
				st := statuses[g.weighted(weights)].status
				updated := created.Add(time.Duration(g.r.IntN(60*24)) * time.Hour)
				if updated.After(asOf) {
					updated = asOf
				}
				hours := 0.0
				if made%3 == 0 {
					hours = float64(1 + g.r.IntN(10))
				}
				ds.Commitments = append(ds.Commitments, groundswell.Commitment{ID: int64(len(ds.Commitments) + 1), PersonID: person,
					ActionID: action, CampaignID: c.ID, Status: st, Hours: hours, OnBehalf: groundswell.OnBehalfSelf, Channel: "web",
					CreatedAt: created, UpdatedAt: updated})
				made++
			}
			if p >= 10*w.commitments {
				panic("demo: large wave cannot place its commitments")
			}
		}
		// Relationships: the last `relationships` people of the wave's range
		// were each invited by someone before them, so each wave's graph is
		// a forest with long chains.
		firstInvited := LargePeople - w.relationships
		for to := firstInvited; to < LargePeople; to++ {
			from := g.r.IntN(to)
			if to-from > 2_000 && g.r.IntN(4) > 0 {
				from = to - 1 - g.r.IntN(2_000) // mostly local: deep chains
			}
			ds.Relationships = append(ds.Relationships, groundswell.Relationship{CampaignID: c.ID, FromID: int64(from + 1), ToID: int64(to + 1),
				CreatedAt: starts.Add(span * time.Duration(to-firstInvited) / time.Duration(w.relationships+1))})
		}
		g.envelope(c.ID, c.StartsOn, groundswell.DateOf(ends.Add(-24*time.Hour)), 500_000, 8_000)
	}
	return ds
}
