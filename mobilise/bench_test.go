package mobilise

import (
	"math/rand/v2"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
)

// benchEdges is the design's size: 200,000 people and 500,000 invitations
// over three campaigns. In each, a person is invited by someone who came in
// a little before them; a later campaign's invitation of someone already
// invited is a duplicate. A few invitations run backwards, making cycles.
func benchEdges() []Relationship {
	const people, edges = 200_000, 500_000
	rng := rand.New(rand.NewPCG(1, 2))
	t0 := at("2026-01-05 09:00")
	out := make([]Relationship, 0, edges)
	for len(out) < edges {
		campaign := int64(len(out)/(edges/3) + 1)
		to := int64(rng.IntN(people-1) + 2)
		from := to - int64(rng.IntN(int(min(to-1, 5000)))) - 1
		at := t0.Add(time.Duration(campaign)*365*24*time.Hour + time.Duration(to)*time.Minute)
		out = append(out, Relationship{CampaignID: campaign, FromID: from, ToID: to, CreatedAt: at})
		if rng.IntN(1000) == 0 { // and back, as the first invitation of the inviter: a cycle
			out = append(out, Relationship{CampaignID: campaign, FromID: to, ToID: from, CreatedAt: t0.Add(time.Duration(rng.IntN(1000)) * time.Minute)})
		}
	}
	return out[:edges]
}

func BenchmarkAnalyse200kPeople500kEdges(b *testing.B) {
	edges := benchEdges()
	committed := make([]int64, 0, 150_000)
	for id := int64(1); id <= 200_000; id += 4 {
		committed = append(committed, id, id+1, id+2)
	}
	b.ReportAllocs()
	var g *Graph
	for b.Loop() {
		var err error
		if g, err = Analyse(edges, committed); err != nil {
			b.Fatal(err)
		}
	}
	s := g.Summary()
	b.ReportMetric(float64(s.People), "people")
	b.ReportMetric(float64(s.Depth), "depth")
	b.ReportMetric(float64(len(s.Broken)), "cycles")
}

func BenchmarkDraw2000Of200k(b *testing.B) {
	g, err := Analyse(benchEdges(), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		g.Draw(2000)
		g.TopConnectors(20)
	}
}

// benchCommitments is 1,000,000 commitments of 200,000 people over two
// years, in 8 groups and 42 areas.
func benchCommitments() []Commitment {
	rng := rand.New(rand.NewPCG(3, 4))
	t0 := at("2025-01-06 00:00")
	const span = 2 * 365 * 24 * time.Hour
	cs := make([]Commitment, 1_000_000)
	for i := range cs {
		made := t0.Add(time.Duration(rng.Int64N(int64(span))))
		c := Commitment{ID: int64(i + 1), PersonID: int64(rng.IntN(200_000) + 1), CampaignID: 1,
			GroupID: int64(rng.IntN(8) + 1), ActionID: int64(rng.IntN(40) + 1), AreaID: int64(rng.IntN(42) + 1),
			OrganisationID: int64(rng.IntN(500)), Status: statuses[rng.IntN(len(statuses))], Hours: float64(rng.IntN(9)),
			CreatedAt: made, ConfirmedAt: made.Add(time.Hour)}
		c.DueOn = gs.DateOf(t0.Add(time.Duration(c.ActionID) * 18 * 24 * time.Hour))
		if c.Status == gs.StatusDone || c.Status == gs.StatusLapsed || c.Status == gs.StatusWithdrawn {
			c.ReportedAt = made.Add(time.Duration(rng.IntN(60*24)) * time.Hour)
		}
		cs[i] = c
	}
	return cs
}

func BenchmarkCommitments1M(b *testing.B) {
	cs := benchCommitments()
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		london = time.UTC
	}
	for _, c := range []struct {
		name string
		p    Period
		by   By
	}{
		{"weekly/total", Weekly, Total},
		{"weekly/by-group", Weekly, ByGroup},
		{"weekly/by-area", Weekly, ByArea},
		{"weekly/by-organisation", Weekly, ByOrganisation},
		{"daily/total", Daily, Total},
		{"monthly/by-group", Monthly, ByGroup},
	} {
		b.Run(c.name, func(b *testing.B) {
			tl, err := NewTimeline(c.p, date("2025-01-06"), at("2027-01-04 00:00"), london)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Commitments(cs, tl, Options{By: c.by}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
