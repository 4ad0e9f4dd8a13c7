package mobilise

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// inv makes invitations from "1>2 2>3 …", each a minute after the last, in
// campaign 1.
func inv(s string) []Relationship {
	var out []Relationship
	t0 := at("2026-03-02 09:00")
	for i, f := range strings.Fields(s) {
		var from, to int64
		for _, part := range []*int64{&from, &to} {
			*part, f = leadingInt(f)
			f = strings.TrimPrefix(f, ">")
		}
		out = append(out, Relationship{CampaignID: 1, FromID: from, ToID: to, CreatedAt: t0.Add(time.Duration(i) * time.Minute)})
	}
	return out
}

func leadingInt(s string) (int64, string) {
	var n int64
	i := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		n = n*10 + int64(s[i]-'0')
	}
	return n, s[i:]
}

func mustAnalyse(t testing.TB, edges []Relationship, committed []int64) *Graph {
	t.Helper()
	g, err := Analyse(edges, committed)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestAnalyse(t *testing.T) {
	for _, c := range []struct {
		name      string
		edges     []Relationship
		committed []int64
		want      Summary
		nodes     []Node // spot checks
	}{
		{name: "empty", want: Summary{}},
		{name: "only committed people", committed: []int64{5, 6, 5},
			want: Summary{Recruits: []int{2}, Unlinked: 2}},
		{name: "chain", edges: inv("1>2 2>3 3>4"),
			want: Summary{Invitations: 3, People: 4, Trees: 1, TreeSizes: []int{4}, Depth: 3, AtDepth: []int{1, 1, 1, 1},
				Recruiters: 3, SecondGeneration: 2, Recruits: []int{1, 3}},
			nodes: []Node{{PersonID: 1, Root: 1, Reach: 3, Recruits: 1}, {PersonID: 3, InvitedBy: 2, Root: 1, Depth: 2, Reach: 1, Recruits: 1},
				{PersonID: 4, InvitedBy: 3, Root: 1, Depth: 3}}},
		{name: "star", edges: inv("1>2 1>3 1>4 1>5"),
			want: Summary{Invitations: 4, People: 5, Trees: 1, TreeSizes: []int{5}, Depth: 1, AtDepth: []int{1, 4},
				Recruiters: 1, SecondGeneration: 0, Recruits: []int{4, 0, 0, 0, 1}},
			nodes: []Node{{PersonID: 1, Root: 1, Reach: 4, Recruits: 4}, {PersonID: 5, InvitedBy: 1, Root: 1, Depth: 1}}},
		{name: "two trees, accepted and unlinked", edges: inv("1>2 1>3 3>4 10>11"), committed: []int64{2, 4, 11, 50, 50, 51},
			want: Summary{Invitations: 4, Accepted: 3, People: 6, Trees: 2, TreeSizes: []int{4, 2}, Depth: 2, AtDepth: []int{2, 3, 1},
				Recruiters: 3, SecondGeneration: 1, Recruits: []int{5, 2, 1}, Unlinked: 2}},
		{name: "cycle of three, broken at its latest", edges: inv("1>2 2>3 3>1"),
			want: Summary{Invitations: 3, Broken: inv("1>2 2>3 3>1")[2:], People: 3, Trees: 1, TreeSizes: []int{3}, Depth: 2, AtDepth: []int{1, 1, 1},
				Recruiters: 2, SecondGeneration: 1, Recruits: []int{1, 2}},
			nodes: []Node{{PersonID: 1, Root: 1, Reach: 2, Recruits: 1}, {PersonID: 3, InvitedBy: 2, Root: 1, Depth: 2}}},
		// The walk from person 1 runs into the cycle 5 ⇄ 6 from its tail.
		{name: "cycle reached from its tail", edges: inv("5>6 6>5 5>1"),
			want: Summary{Invitations: 3, Broken: inv("5>6 6>5")[1:], People: 3, Trees: 1, TreeSizes: []int{3}, Depth: 1, AtDepth: []int{1, 2},
				Recruiters: 1, Recruits: []int{2, 0, 1}},
			nodes: []Node{{PersonID: 5, Root: 5, Reach: 2, Recruits: 2}, {PersonID: 1, InvitedBy: 5, Root: 5, Depth: 1}}},
		{name: "two cycles", edges: inv("1>2 2>1 3>4 4>3"),
			want: Summary{Invitations: 4, Broken: []Relationship{inv("1>2 2>1 3>4 4>3")[1], inv("1>2 2>1 3>4 4>3")[3]}, People: 4, Trees: 2,
				TreeSizes: []int{2, 2}, Depth: 1, AtDepth: []int{2, 2}, Recruiters: 2, Recruits: []int{2, 2}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := mustAnalyse(t, c.edges, c.committed)
			if got := g.Summary(); !reflect.DeepEqual(got, c.want) {
				t.Errorf("summary\n got %+v\nwant %+v", got, c.want)
			}
			for _, w := range c.nodes {
				if got, ok := g.Person(w.PersonID); !ok || got != w {
					t.Errorf("person %d: %+v, want %+v", w.PersonID, got, w)
				}
			}
		})
	}
}

// A person invited twice keeps their first invitation; the database's
// rule within a campaign, and "who first brought them in" across several.
func TestInvitedTwice(t *testing.T) {
	t1, t2 := at("2026-03-02 09:00"), at("2026-03-02 10:00")
	for _, c := range []struct {
		name    string
		edges   []Relationship
		inviter int64
		people  int
	}{
		{"the earlier wins", []Relationship{{1, 1, 3, t2}, {1, 2, 3, t1}}, 2, 2},
		{"at the same time, the lower campaign", []Relationship{{2, 1, 3, t1}, {1, 2, 3, t1}}, 2, 2},
		{"at the same time in one campaign, the lower inviter", []Relationship{{1, 2, 3, t1}, {1, 1, 3, t1}}, 1, 2},
		// Person 1 also invited 4, so stays though their invitation of 3
		// lost.
		{"a loser with other recruits stays", []Relationship{{1, 1, 3, t2}, {1, 2, 3, t1}, {1, 1, 4, t1}}, 2, 4},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := mustAnalyse(t, c.edges, nil)
			s := g.Summary()
			if s.Duplicates != 1 || s.People != c.people || s.Invitations != len(c.edges) {
				t.Errorf("duplicates %d, people %d, invitations %d; want 1, %d, %d", s.Duplicates, s.People, s.Invitations, c.people, len(c.edges))
			}
			if n, _ := g.Person(3); n.InvitedBy != c.inviter {
				t.Errorf("3 invited by %d, want %d", n.InvitedBy, c.inviter)
			}
			loser := 3 - c.inviter
			if _, ok := g.Person(loser); ok != (c.people == 4) {
				t.Errorf("person %d in the graph: %v", loser, ok)
			}
			if sum(s.TreeSizes) != s.People || sum(s.AtDepth) != s.People {
				t.Errorf("tree sizes %v, at depth %v, for %d people", s.TreeSizes, s.AtDepth, s.People)
			}
		})
	}
}

func TestAnalyseRefuses(t *testing.T) {
	_, err := Analyse(inv("1>2 3>3"), nil)
	if !errors.Is(err, ErrSelfInvitation) || !strings.Contains(err.Error(), "relationship 2") {
		t.Errorf("self-invitation: %v", err)
	}
	if _, err := Analyse(inv("1>2 0>3"), nil); err == nil || !strings.Contains(err.Error(), "must be positive") {
		t.Errorf("person 0: %v", err)
	}
}

// Ids far apart use the map instead of the table: the same answers.
func TestSparseIDs(t *testing.T) {
	edges := inv("1>2 1>3 3>4 10>11 11>10 4>1")
	const far = 1 << 40
	sparse := make([]Relationship, len(edges))
	for i, e := range edges {
		e.FromID *= far
		e.ToID *= far
		sparse[i] = e
	}
	a, b := mustAnalyse(t, edges, []int64{2, 7}), mustAnalyse(t, sparse, []int64{2 * far, 7 * far})
	if a.table == nil || b.index == nil {
		t.Fatal("expected one table and one map")
	}
	sa, sb := a.Summary(), b.Summary()
	sa.Broken, sb.Broken = nil, nil
	if !reflect.DeepEqual(sa, sb) {
		t.Errorf("compact %+v\nsparse  %+v", sa, sb)
	}
	for _, n := range a.TopConnectors(10) {
		m, ok := b.Person(n.PersonID * far)
		if !ok || m.Reach != n.Reach || m.Depth != n.Depth || m.InvitedBy != n.InvitedBy*far {
			t.Errorf("person %d: %+v vs %+v", n.PersonID, n, m)
		}
	}
}

func TestTopConnectors(t *testing.T) {
	g := mustAnalyse(t, inv("1>2 1>3 3>4 10>11"), nil)
	var got []int64
	for _, n := range g.TopConnectors(10) {
		got = append(got, n.PersonID, int64(n.Reach))
	}
	// Reach 3, then two of reach 1 by ascending id; no one of reach 0.
	if want := []int64{1, 3, 3, 1, 10, 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("top connectors (id, reach) %v, want %v", got, want)
	}
	if n := g.TopConnectors(2); len(n) != 2 || n[1].PersonID != 3 {
		t.Errorf("top 2: %+v", n)
	}
	if n := g.TopConnectors(-1); len(n) != 0 {
		t.Errorf("top -1: %+v", n)
	}
}

// A chain of 200,000 people: no recursion to overflow the stack.
func TestLongChain(t *testing.T) {
	const n = 200_000
	edges := make([]Relationship, n-1)
	t0 := at("2026-03-02 09:00")
	for i := range edges {
		// Listed from the far end, so nothing is found in order.
		k := int64(n - 1 - i)
		edges[i] = Relationship{CampaignID: 1, FromID: k, ToID: k + 1, CreatedAt: t0.Add(time.Duration(k) * time.Second)}
	}
	// Close it into a cycle: the latest invitation, n>1, is the one left out.
	edges = append(edges, Relationship{CampaignID: 1, FromID: n, ToID: 1, CreatedAt: t0.Add(n * time.Second)})
	g := mustAnalyse(t, edges, nil)
	s := g.Summary()
	if s.Depth != n-1 || s.Trees != 1 || len(s.Broken) != 1 || s.Broken[0].FromID != n {
		t.Errorf("depth %d, trees %d, broken %+v", s.Depth, s.Trees, s.Broken)
	}
	if root, _ := g.Person(1); root.Reach != n-1 {
		t.Errorf("root reach %d, want %d", root.Reach, n-1)
	}
	d := g.Draw(2000)
	if len(d.Nodes) != 2000 || !d.Cut || d.Nodes[1999].Depth != 1999 || d.Nodes[1999].Y != 1 {
		t.Errorf("drawing of a chain: %d nodes, cut %v, last %+v", len(d.Nodes), d.Cut, d.Nodes[len(d.Nodes)-1])
	}
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}
