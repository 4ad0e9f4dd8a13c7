package mobilise

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Relationship is an invitation: From invited To into Campaign.
type Relationship struct {
	CampaignID int64
	FromID     int64 // the person who invited
	ToID       int64 // the person invited
	CreatedAt  time.Time
}

// ErrSelfInvitation is the error of an invitation from a person to themself.
var ErrSelfInvitation = errors.New("a person cannot invite themself")

// Summary is the figures of an invitation graph; see the package
// documentation for each definition.
type Summary struct {
	Invitations int // relationships analysed
	Accepted    int // of them, those whose invited person is in committed
	// Duplicates counts invitations of someone already invited earlier: the
	// first invitation of a person makes the tree, later ones are left out.
	Duplicates int
	// Broken lists the invitations left out to break cycles: one for each
	// cycle, its latest.
	Broken []Relationship

	People     int   // people in the trees
	Trees      int   // invitation trees (connected components)
	TreeSizes  []int // people in each tree, largest first
	Depth      int   // the longest invitation chain, in invitations
	AtDepth    []int // AtDepth[d] is the number of people d invitations from their tree's root
	Recruiters int   // people who invited at least one person
	// SecondGeneration is recruiters who were themselves invited: leaders
	// developing leaders.
	SecondGeneration int
	// Recruits[k] is the number of people who invited exactly k people,
	// among the people in the trees and the committed people in none.
	Recruits []int
	Unlinked int // committed people in no tree
}

// Node is one person's place in the invitation graph.
type Node struct {
	PersonID  int64
	InvitedBy int64 // their inviter in the tree; 0 for a root
	Root      int64 // the root of their tree
	Depth     int   // invitations between them and their root
	Reach     int   // people reached through them: their descendants
	Recruits  int   // people they invited
}

// Graph is an analysed invitation graph: a forest in which each person has
// at most one inviter. Analyse builds it.
type Graph struct {
	ids []int64 // person id by dense index, ascending
	// Dense index of a person id: table[id−base] when ids are compact,
	// else index.
	base  int64
	table []int32
	index map[int64]int32

	parent   []int32 // −1 for a root
	depth    []int32
	reach    []int32
	tree     []int32 // the root's dense index
	childAt  []int32 // children of v are children[childAt[v]:childAt[v+1]]
	children []int32
	roots    []int32 // largest tree first, then by ascending id

	summary Summary
}

// Analyse builds the invitation forest of edges and its figures. committed
// is the people who made a commitment (any order, repeats allowed): it
// decides which invitations were accepted and adds the people in no tree to
// Summary.Recruits and Unlinked.
//
// Pass one campaign's relationships for that campaign's figures, or several
// campaigns' for the lasting graph across them: either way each person's
// first invitation (earliest CreatedAt, then lowest CampaignID, then lowest
// FromID) places them, as the database's rule does within a campaign. A
// self-invitation or a person id that is not positive is an error.
func Analyse(edges []Relationship, committed []int64) (*Graph, error) {
	for i, e := range edges {
		if e.FromID <= 0 || e.ToID <= 0 {
			return nil, fmt.Errorf("relationship %d (campaign %d): person ids %d and %d: must be positive", i+1, e.CampaignID, e.FromID, e.ToID)
		}
		if e.FromID == e.ToID {
			return nil, fmt.Errorf("relationship %d (campaign %d, person %d): %w", i+1, e.CampaignID, e.FromID, ErrSelfInvitation)
		}
	}
	g := &Graph{}
	g.indexPeople(edges)
	from, to := make([]int32, len(edges)), make([]int32, len(edges))
	for i, e := range edges {
		from[i], to[i] = g.lookup(e.FromID), g.lookup(e.ToID)
	}
	first := firstInvitations(edges, to, len(g.ids))
	first = g.dropUninvolved(first, from, to)

	n := len(g.ids)
	g.parent = make([]int32, n)
	for v, e := range first {
		g.parent[v] = -1
		if e >= 0 {
			g.parent[v] = from[e]
		}
	}
	g.summary.Invitations = len(edges)
	g.summary.Duplicates = len(edges) - (n - countNegative(first))
	g.summary.Broken = g.breakCycles(edges, first)
	g.build()
	g.summarise(committed, to)
	return g, nil
}

// earlier reports whether edge a comes before edge b by the first-invitation
// rule.
func earlier(edges []Relationship, a, b int32) bool {
	x, y := &edges[a], &edges[b]
	if c := x.CreatedAt.Compare(y.CreatedAt); c != 0 {
		return c < 0
	}
	if x.CampaignID != y.CampaignID {
		return x.CampaignID < y.CampaignID
	}
	if x.FromID != y.FromID {
		return x.FromID < y.FromID
	}
	return a < b
}

// firstInvitations returns, for each person, the index of their first
// invitation, or −1 when no one invited them.
func firstInvitations(edges []Relationship, to []int32, n int) []int32 {
	first := make([]int32, n)
	for i := range first {
		first[i] = -1
	}
	for i, t := range to {
		if f := first[t]; f < 0 || earlier(edges, int32(i), f) {
			first[t] = int32(i)
		}
	}
	return first
}

// indexPeople gives every person in edges a dense index, in ascending order
// of id: through a table when the ids are compact, else a map.
func (g *Graph) indexPeople(edges []Relationship) {
	if len(edges) == 0 {
		return
	}
	lo, hi := edges[0].FromID, edges[0].FromID
	for _, e := range edges {
		lo, hi = min(lo, e.FromID, e.ToID), max(hi, e.FromID, e.ToID)
	}
	if uint64(hi-lo) < 4*uint64(len(edges))+1024 {
		g.base = lo
		g.table = make([]int32, hi-lo+1)
		for _, e := range edges {
			g.table[e.FromID-lo] = 1
			g.table[e.ToID-lo] = 1
		}
		for i, mark := range g.table {
			g.table[i] = -1
			if mark == 1 {
				g.table[i] = int32(len(g.ids))
				g.ids = append(g.ids, lo+int64(i))
			}
		}
		return
	}
	g.index = make(map[int64]int32)
	for _, e := range edges {
		g.index[e.FromID] = 0
		g.index[e.ToID] = 0
	}
	g.ids = make([]int64, 0, len(g.index))
	for id := range g.index {
		g.ids = append(g.ids, id)
	}
	slices.Sort(g.ids)
	for i, id := range g.ids {
		g.index[id] = int32(i)
	}
}

// lookup returns the dense index of a person, or −1.
func (g *Graph) lookup(id int64) int32 {
	if g.table != nil {
		if i := id - g.base; i >= 0 && i < int64(len(g.table)) {
			return g.table[i]
		}
		return -1
	}
	if i, ok := g.index[id]; ok {
		return i
	}
	return -1
}

// dropUninvolved removes the people whose only invitations were duplicates
// left out: they are in no tree. It renumbers in place and returns first
// for the people left.
func (g *Graph) dropUninvolved(first, from, to []int32) []int32 {
	used := make([]bool, len(g.ids))
	all := true
	for v, e := range first {
		if e >= 0 {
			used[v], used[from[e]] = true, true
		}
	}
	for _, u := range used {
		all = all && u
	}
	if all {
		return first
	}
	renum := make([]int32, len(g.ids))
	n := int32(0)
	for v, u := range used {
		renum[v] = -1
		if u {
			renum[v] = n
			g.ids[n] = g.ids[v]
			first[n] = first[v]
			n++
		}
	}
	g.ids = g.ids[:n:n]
	for i := range from {
		from[i], to[i] = renum[from[i]], renum[to[i]]
	}
	if g.table != nil {
		for i, v := range g.table {
			if v >= 0 {
				g.table[i] = renum[v]
			}
		}
	} else {
		for id, v := range g.index {
			if renum[v] < 0 {
				delete(g.index, id)
			} else {
				g.index[id] = renum[v]
			}
		}
	}
	return first[:n]
}

func countNegative(xs []int32) int {
	n := 0
	for _, x := range xs {
		if x < 0 {
			n++
		}
	}
	return n
}

// breakCycles finds each cycle of inviters (A invited B, and B's link was
// later recorded for A) and leaves out its latest invitation, making that
// person a root. Each person has one inviter at most, so walking up from
// every person once finds every cycle: O(people).
func (g *Graph) breakCycles(edges []Relationship, first []int32) []Relationship {
	var broken []Relationship
	walk := make([]int32, len(g.ids)) // 0: not seen; v+1: seen on the walk from v
	for v := range g.ids {
		if walk[v] != 0 {
			continue
		}
		u := int32(v)
		for u >= 0 && walk[u] == 0 {
			walk[u] = int32(v) + 1
			u = g.parent[u]
		}
		if u < 0 || walk[u] != int32(v)+1 {
			continue // reached a root, or a walk already done
		}
		latest := u
		for w := g.parent[u]; w != u; w = g.parent[w] {
			if earlier(edges, first[latest], first[w]) {
				latest = w
			}
		}
		broken = append(broken, edges[first[latest]])
		g.parent[latest] = -1
	}
	return broken
}

// build lays out children, depths, reach and trees, breadth first and
// without recursion, so a chain of any length is safe.
func (g *Graph) build() {
	n := len(g.ids)
	g.childAt = make([]int32, n+1)
	for _, p := range g.parent {
		if p >= 0 {
			g.childAt[p+1]++
		}
	}
	for v := range n {
		g.childAt[v+1] += g.childAt[v]
	}
	g.children = make([]int32, g.childAt[n])
	next := slices.Clone(g.childAt[:n])
	for v, p := range g.parent {
		if p >= 0 {
			g.children[next[p]] = int32(v)
			next[p]++
		}
	}
	g.depth = make([]int32, n)
	g.tree = make([]int32, n)
	order := make([]int32, 0, n)
	for v, p := range g.parent {
		if p < 0 {
			g.tree[v] = int32(v)
			order = append(order, int32(v))
		}
	}
	g.roots = slices.Clone(order)
	for i := 0; i < len(order); i++ {
		u := order[i]
		for _, c := range g.children[g.childAt[u]:g.childAt[u+1]] {
			g.depth[c] = g.depth[u] + 1
			g.tree[c] = g.tree[u]
			order = append(order, c)
		}
	}
	g.reach = make([]int32, n)
	for i := len(order) - 1; i >= 0; i-- {
		if p := g.parent[order[i]]; p >= 0 {
			g.reach[p] += g.reach[order[i]] + 1
		}
	}
	slices.SortFunc(g.roots, func(a, b int32) int {
		if g.reach[a] != g.reach[b] {
			return cmp.Compare(g.reach[b], g.reach[a])
		}
		return cmp.Compare(a, b)
	})
}

func (g *Graph) summarise(committed []int64, to []int32) {
	s := &g.summary
	n := len(g.ids)
	s.People = n
	s.Trees = len(g.roots)
	for _, r := range g.roots {
		s.TreeSizes = append(s.TreeSizes, int(g.reach[r])+1)
	}
	for _, d := range g.depth {
		s.Depth = max(s.Depth, int(d))
	}
	if n > 0 {
		s.AtDepth = make([]int, s.Depth+1)
		for _, d := range g.depth {
			s.AtDepth[d]++
		}
	}
	isCommitted := make([]bool, n)
	outside := map[int64]struct{}{}
	for _, id := range committed {
		if v := g.lookup(id); v >= 0 {
			isCommitted[v] = true
		} else {
			outside[id] = struct{}{}
		}
	}
	s.Unlinked = len(outside)
	for _, t := range to {
		if isCommitted[t] {
			s.Accepted++
		}
	}
	most := 0
	for v := range n {
		k := g.recruits(int32(v))
		most = max(most, k)
		if k > 0 {
			s.Recruiters++
			if g.parent[v] >= 0 {
				s.SecondGeneration++
			}
		}
	}
	if n+s.Unlinked > 0 {
		s.Recruits = make([]int, most+1)
		s.Recruits[0] = s.Unlinked
		for v := range n {
			s.Recruits[g.recruits(int32(v))]++
		}
	}
}

func (g *Graph) recruits(v int32) int { return int(g.childAt[v+1] - g.childAt[v]) }

// Summary returns the graph's figures. Its slices are the graph's own: do
// not change them.
func (g *Graph) Summary() Summary { return g.summary }

// Len is the number of people in the graph's trees.
func (g *Graph) Len() int { return len(g.ids) }

func (g *Graph) node(v int32) Node {
	n := Node{PersonID: g.ids[v], Root: g.ids[g.tree[v]], Depth: int(g.depth[v]), Reach: int(g.reach[v]), Recruits: g.recruits(v)}
	if p := g.parent[v]; p >= 0 {
		n.InvitedBy = g.ids[p]
	}
	return n
}

// Person returns a person's place in the graph, and false when they are in
// no tree.
func (g *Graph) Person(id int64) (Node, bool) {
	v := g.lookup(id)
	if v < 0 {
		return Node{}, false
	}
	return g.node(v), true
}

// TopConnectors returns up to k people who reached others, the greatest
// reach first, ties by ascending id.
func (g *Graph) TopConnectors(k int) []Node {
	k = max(k, 0)
	// Dense order is id order, so a lower index wins a tie.
	better := func(a, b int32) bool { return g.reach[a] > g.reach[b] || g.reach[a] == g.reach[b] && a < b }
	var top []int32
	if k > 256 {
		for v := range g.ids {
			if g.reach[v] > 0 {
				top = append(top, int32(v))
			}
		}
		slices.SortFunc(top, func(a, b int32) int {
			if g.reach[a] != g.reach[b] {
				return cmp.Compare(g.reach[b], g.reach[a])
			}
			return cmp.Compare(a, b)
		})
		top = top[:min(k, len(top))]
	} else {
		// A few places: keep them sorted as people are met.
		for v := range int32(len(g.ids)) {
			if g.reach[v] == 0 || len(top) == k && (k == 0 || !better(v, top[k-1])) {
				continue
			}
			i := len(top)
			if len(top) < k {
				top = append(top, v)
			}
			for ; i > 0 && better(v, top[i-1]); i-- {
				if i < len(top) {
					top[i] = top[i-1]
				}
			}
			top[i] = v
		}
	}
	out := make([]Node, len(top))
	for i, v := range top {
		out[i] = g.node(v)
	}
	return out
}
