package mobilise

import (
	"cmp"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
)

var statuses = []string{gs.StatusPledged, gs.StatusInProgress, gs.StatusDone, gs.StatusLapsed, gs.StatusWithdrawn}

// randomCommitments makes n commitments of up to people people in 4 groups,
// with times from a week before from to a few days after now.
func randomCommitments(rng *rand.Rand, n, people int, from gs.Date, now time.Time, loc *time.Location) []Commitment {
	start := from.AddDays(-7)
	t0 := time.Date(start.Year, start.Month, start.Day, 0, 0, 0, 0, loc)
	span := now.Add(72 * time.Hour).Sub(t0)
	when := func() time.Time {
		// Some exactly at midnight, the rest anywhere.
		if rng.IntN(5) == 0 {
			return t0.AddDate(0, 0, rng.IntN(int(span.Hours()/24)))
		}
		return t0.Add(time.Duration(rng.Int64N(int64(span))))
	}
	cs := make([]Commitment, n)
	for i := range cs {
		c := Commitment{ID: int64(i + 1), PersonID: int64(rng.IntN(people) + 1), GroupID: int64(rng.IntN(4) + 1),
			AreaID: int64(rng.IntN(3)), Status: statuses[rng.IntN(len(statuses))], Hours: float64(rng.IntN(11)) / 2,
			CreatedAt: when(), DueOn: gs.DateOf(when())}
		if rng.IntN(5) > 0 {
			c.ConfirmedAt = c.CreatedAt.Add(time.Duration(rng.IntN(48)) * time.Hour)
		}
		if rng.IntN(10) > 0 {
			c.ReportedAt = when() // sometimes before the pledge: taken as the pledge's time
		}
		if rng.IntN(20) == 0 {
			c.DueOn = gs.Date{}
		}
		cs[i] = c
	}
	return cs
}

// reference computes a point's figures straight from the definitions, one
// bucket end at a time.
func reference(cs []Commitment, asAt time.Time, loc *time.Location, confirmedOnly bool) Point {
	var p Point
	people := map[int64]bool{}
	var pledged, delivered float64
	for _, c := range cs {
		made := c.CreatedAt
		if confirmedOnly {
			if c.ConfirmedAt.IsZero() {
				continue
			}
			made = laterOf(made, c.ConfirmedAt)
		}
		if !made.Before(asAt) {
			continue
		}
		p.Total.Made++
		if !c.ConfirmedAt.IsZero() && laterOf(c.ConfirmedAt, made).Before(asAt) {
			p.Total.Confirmed++
		}
		reported := c.ReportedAt
		if reported.IsZero() {
			reported = made
		}
		reported = laterOf(reported, made)
		reportedBy := reported.Before(asAt)
		switch {
		case c.Status == gs.StatusWithdrawn && reportedBy:
			p.Total.Withdrawn++
			continue
		case c.Status == gs.StatusDone && reportedBy:
			p.Total.Done++
			delivered += c.Hours
		case c.Status == gs.StatusLapsed && reportedBy:
			p.Total.Lapsed++
		}
		people[c.PersonID] = true
		pledged += c.Hours
		if !c.DueOn.IsZero() {
			d := c.DueOn.AddDays(1)
			if passed := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc); !passed.After(asAt) {
				p.Kept.Den++
				if c.Status == gs.StatusDone && reportedBy {
					p.Kept.Num++
				}
			}
		}
	}
	p.People = len(people)
	p.Standing = p.Total.Made - p.Total.Withdrawn
	p.Open = p.Standing - p.Total.Done - p.Total.Lapsed
	p.HoursPledged, p.HoursDelivered = pledged, delivered
	return p
}

func laterOf(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func samePoint(a, b Point) bool {
	return a.Total == b.Total && a.People == b.People && a.Standing == b.Standing && a.Open == b.Open && a.Kept == b.Kept &&
		math.Abs(a.HoursPledged-b.HoursPledged) < 1e-6 && math.Abs(a.HoursDelivered-b.HoursDelivered) < 1e-6
}

func TestSeriesProperties(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		london = time.UTC
	}
	rng := rand.New(rand.NewPCG(7, 11))
	for round := range 60 {
		loc := []*time.Location{time.UTC, london}[round%2]
		p := []Period{Daily, Weekly, Monthly}[round%3]
		from := date("2026-01-26").AddDays(rng.IntN(40))
		now := time.Date(from.Year, from.Month, from.Day, 0, 0, 0, 0, loc).Add(time.Duration(rng.Int64N(int64(90 * 24 * time.Hour))))
		if round%7 == 0 {
			now = time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, loc) // exactly midnight
		}
		tl, err := NewTimeline(p, from, now, loc)
		if err != nil {
			t.Fatal(err)
		}
		cs := randomCommitments(rng, 1+rng.IntN(300), 1+rng.IntN(60), from, now, loc)
		confirmedOnly := round%4 == 3
		total := mustSeries(t, cs, tl, Options{ConfirmedOnly: confirmedOnly})[0]
		groups := mustSeries(t, cs, tl, Options{By: ByGroup, ConfirmedOnly: confirmedOnly})
		if round%5 == 0 {
			// Person ids far apart take the map's way: the same figures.
			sparse := slices.Clone(cs)
			for i := range sparse {
				sparse[i].PersonID <<= 40
			}
			if again := mustSeries(t, sparse, tl, Options{By: ByGroup, ConfirmedOnly: confirmedOnly}); !reflect.DeepEqual(again, groups) {
				t.Fatalf("round %d: sparse person ids give other figures", round)
			}
		}

		for i, got := range total.Points {
			if want := reference(cs, got.AsAt, loc, confirmedOnly); !samePoint(got, want) {
				t.Fatalf("round %d, %s bucket %d (%s, as at %s):\n got %+v\nwant %+v", round, p, i, got.Start, got.AsAt, got, want)
			}
			// The groups add up to the total, except people: a person in
			// two groups counts in each.
			var sum Point
			for _, g := range groups {
				q := g.Points[i]
				sum.Total.Made += q.Total.Made
				sum.Total.Done += q.Total.Done
				sum.Total.Withdrawn += q.Total.Withdrawn
				sum.Kept.Num += q.Kept.Num
				sum.Kept.Den += q.Kept.Den
				sum.HoursPledged += q.HoursPledged
				sum.People += q.People
				if q.People > got.People || q.People > q.Standing {
					t.Fatalf("round %d bucket %d: group %d has %d people, total %d, standing %d", round, i, g.Key, q.People, got.People, q.Standing)
				}
				if want := reference(groupOf(cs, g.Key), q.AsAt, loc, confirmedOnly); !samePoint(q, want) {
					t.Fatalf("round %d, group %d bucket %d:\n got %+v\nwant %+v", round, g.Key, i, q, want)
				}
			}
			if sum.Total.Made != got.Total.Made || sum.Total.Done != got.Total.Done || sum.Total.Withdrawn != got.Total.Withdrawn ||
				sum.Kept != got.Kept || math.Abs(sum.HoursPledged-got.HoursPledged) > 1e-6 || sum.People < got.People {
				t.Fatalf("round %d bucket %d: groups sum to %+v, total %+v", round, i, sum, got)
			}
			if i > 0 {
				prev := total.Points[i-1]
				if got.Total.Made-prev.Total.Made != got.New.Made || got.Total.Done-prev.Total.Done != got.New.Done {
					t.Fatalf("round %d bucket %d: new %+v does not follow totals %+v → %+v", round, i, got.New, prev.Total, got.Total)
				}
			}
		}
	}
}

func groupOf(cs []Commitment, g int64) []Commitment {
	var out []Commitment
	for _, c := range cs {
		if c.GroupID == g {
			out = append(out, c)
		}
	}
	return out
}

// randomEdges invites people among n, at random, with repeats and cycles.
func randomEdges(rng *rand.Rand, n, m int) []Relationship {
	t0 := at("2026-03-02 09:00")
	var out []Relationship
	for len(out) < m {
		a, b := int64(rng.IntN(n)+1), int64(rng.IntN(n)+1)
		if a == b {
			continue
		}
		// Mostly older people invite newer ones, as in life; not always.
		if rng.IntN(4) > 0 && a > b {
			a, b = b, a
		}
		out = append(out, Relationship{CampaignID: int64(rng.IntN(2) + 1), FromID: a, ToID: b,
			CreatedAt: t0.Add(time.Duration(rng.IntN(50)) * time.Minute)})
	}
	return out
}

// refForest builds the forest the slow way: sort for first invitations,
// then break cycles one at a time, each found by walking from every person.
func refForest(edges []Relationship) map[int64]int64 {
	order := make([]int, len(edges))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		x, y := edges[a], edges[b]
		if c := x.CreatedAt.Compare(y.CreatedAt); c != 0 {
			return c
		}
		if c := cmp.Compare(x.CampaignID, y.CampaignID); c != 0 {
			return c
		}
		return cmp.Compare(x.FromID, y.FromID)
	})
	parent := map[int64]int64{}
	firstEdge := map[int64]Relationship{}
	for _, i := range order {
		e := edges[i]
		if _, ok := parent[e.ToID]; !ok {
			parent[e.ToID] = e.FromID
			firstEdge[e.ToID] = e
		}
	}
	for _, e := range firstEdge { // inviters are roots unless invited
		if _, ok := parent[e.FromID]; !ok {
			parent[e.FromID] = 0
		}
	}
	for {
		var cycle []int64
		for v := range parent {
			seen := map[int64]bool{}
			for u := v; u != 0; u = parent[u] {
				if seen[u] {
					for w := parent[u]; ; w = parent[w] {
						cycle = append(cycle, w)
						if w == u {
							break
						}
					}
					break
				}
				seen[u] = true
			}
			if cycle != nil {
				break
			}
		}
		if cycle == nil {
			return parent
		}
		latest := cycle[0]
		for _, w := range cycle[1:] {
			a, b := firstEdge[latest], firstEdge[w]
			if c := a.CreatedAt.Compare(b.CreatedAt); c < 0 || c == 0 && (a.CampaignID < b.CampaignID || a.CampaignID == b.CampaignID && a.FromID < b.FromID) {
				latest = w
			}
		}
		parent[latest] = 0
	}
}

func TestGraphProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	var cycles, duplicates, unlinked int
	defer func() {
		// The random graphs must reach the cases that matter.
		if cycles == 0 || duplicates == 0 || unlinked == 0 {
			t.Errorf("cycles %d, duplicates %d, unlinked %d: the generator misses a case", cycles, duplicates, unlinked)
		}
	}()
	for round := range 200 {
		n := 2 + rng.IntN(40)
		edges := randomEdges(rng, n, rng.IntN(2*n))
		var committed []int64
		for range rng.IntN(n) {
			committed = append(committed, int64(rng.IntN(n+10)+1))
		}
		g := mustAnalyse(t, edges, committed)
		s := g.Summary()
		parent := refForest(edges)
		cycles += len(s.Broken)
		duplicates += s.Duplicates
		unlinked += s.Unlinked

		// The forest matches the slow one, person by person.
		if s.People != len(parent) {
			t.Fatalf("round %d: %d people, reference %d", round, s.People, len(parent))
		}
		depthOf := func(v int64) int {
			d := 0
			for u := parent[v]; u != 0; u = parent[u] {
				d++
			}
			return d
		}
		reach := map[int64]int{}
		for v := range parent {
			for u := parent[v]; u != 0; u = parent[u] {
				reach[u]++
			}
		}
		size := map[int64]int{}
		roots := 0
		for v, p := range parent {
			node, ok := g.Person(v)
			if !ok || node.InvitedBy != p || node.Depth != depthOf(v) || node.Reach != reach[v] {
				t.Fatalf("round %d person %d: %+v; reference inviter %d, depth %d, reach %d", round, v, node, p, depthOf(v), reach[v])
			}
			size[node.Root]++
			if p == 0 {
				roots++
			}
		}
		// reach(root) = size of its tree − 1; sizes add up to the people;
		// every invitation is a duplicate, a tree's edge or broken.
		for r, k := range size {
			if node, _ := g.Person(r); node.Reach != k-1 {
				t.Fatalf("round %d: root %d reach %d, tree of %d", round, r, node.Reach, k)
			}
		}
		recruits := 0
		for k, c := range s.Recruits {
			recruits += k * c
		}
		if sum(s.TreeSizes) != s.People || sum(s.AtDepth) != s.People || s.Trees != roots || len(s.TreeSizes) != roots ||
			sum(s.Recruits) != s.People+s.Unlinked || recruits != s.People-s.Trees ||
			s.Invitations != len(edges) || s.Duplicates+(s.People-s.Trees)+len(s.Broken) != len(edges) {
			t.Fatalf("round %d: inconsistent summary %+v", round, s)
		}
		if !slices.IsSortedFunc(s.TreeSizes, func(a, b int) int { return b - a }) {
			t.Fatalf("round %d: tree sizes not largest first: %v", round, s.TreeSizes)
		}
		checkDrawing(t, g, 1+rng.IntN(n))

		// Top connectors: the few kept in place agree with a full sort.
		k := rng.IntN(5)
		all := g.TopConnectors(1000)
		if few := g.TopConnectors(k); !reflect.DeepEqual(few, all[:min(k, len(all))]) {
			t.Fatalf("round %d: top %d %+v, of all %+v", round, k, few, all)
		}
		if len(all) != len(reach) || !slices.IsSortedFunc(all, func(a, b Node) int {
			return cmp.Or(cmp.Compare(b.Reach, a.Reach), cmp.Compare(a.PersonID, b.PersonID))
		}) {
			t.Fatalf("round %d: top connectors %+v", round, all)
		}
	}
}

// checkDrawing checks that a drawing has no dangling edge, keeps to its cap,
// holds whole trees unless cut, and lies in the unit square.
func checkDrawing(t *testing.T, g *Graph, cap int) {
	t.Helper()
	d := g.Draw(cap)
	if len(d.Nodes) > cap {
		t.Fatalf("drawing of %d people for a cap of %d", len(d.Nodes), cap)
	}
	kids := make([]int, len(d.Nodes))
	for i, n := range d.Nodes {
		if n.Parent >= i || n.Parent < -1 {
			t.Fatalf("node %d has parent %d", i, n.Parent)
		}
		if n.Parent >= 0 {
			kids[n.Parent]++
			if d.Nodes[n.Parent].Depth+1 != n.Depth {
				t.Fatalf("node %d at depth %d under one at %d", i, n.Depth, d.Nodes[n.Parent].Depth)
			}
		}
		if n.X < 0 || n.X > 1 || n.Y < 0 || n.Y > 1 {
			t.Fatalf("node %d at %v, %v", i, n.X, n.Y)
		}
	}
	if d.Cut {
		return
	}
	for i, n := range d.Nodes {
		if full, _ := g.Person(n.PersonID); full.Recruits != kids[i] {
			t.Fatalf("person %d drawn with %d of %d recruits", n.PersonID, kids[i], full.Recruits)
		}
	}
}
