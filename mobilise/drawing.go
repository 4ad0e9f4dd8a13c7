package mobilise

import (
	"fmt"
	"strconv"
)

// DrawNode is one person in a Drawing.
type DrawNode struct {
	PersonID int64
	Parent   int // index in Drawing.Nodes of their inviter; −1 for a root
	Depth    int
	Reach    int // in the whole graph
	X, Y     float64
}

// Drawing is the part of an invitation graph small enough to draw, laid out.
type Drawing struct {
	// Nodes are whole trees, or the part of one tree nearest its root, in
	// depth-first order: a node's parent comes before it, so an edge never
	// dangles.
	Nodes      []DrawNode
	People     int  // people in the graph
	Trees      int  // trees drawn
	TreesTotal int  // trees in the graph
	Cut        bool // the one tree drawn is cut to the people nearest its root
	Note       string
}

// Draw picks at most maxPeople people to draw and lays them out with
// Layout. It takes whole trees, largest first (ties by the root's id), and
// stops at the first that does not fit, so that "the N largest trees" is
// true. When even the largest does not fit it draws that tree's maxPeople
// people nearest its root (breadth first). Note says what was left out.
func (g *Graph) Draw(maxPeople int) Drawing {
	d := Drawing{People: len(g.ids), TreesTotal: len(g.roots)}
	left := max(maxPeople, 0)
	var take []int32
	for _, r := range g.roots {
		size := int(g.reach[r]) + 1
		if size > left {
			break
		}
		take = append(take, r)
		left -= size
	}
	var in map[int32]bool // the people of a cut tree; nil when trees are whole
	if len(take) == 0 && len(g.roots) > 0 && maxPeople > 0 {
		r := g.roots[0]
		take = []int32{r}
		in = map[int32]bool{r: true}
		queue := []int32{r}
		for i := 0; i < len(queue) && len(queue) < maxPeople; i++ {
			u := queue[i]
			for _, c := range g.children[g.childAt[u]:g.childAt[u+1]] {
				if len(queue) == maxPeople {
					break
				}
				in[c] = true
				queue = append(queue, c)
			}
		}
		d.Cut = true
	}
	d.Trees = len(take)
	type item struct{ v, parent int32 }
	var stack []item
	for _, r := range take {
		stack = append(stack[:0], item{r, -1})
		for len(stack) > 0 {
			it := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			at := int32(len(d.Nodes))
			d.Nodes = append(d.Nodes, DrawNode{PersonID: g.ids[it.v], Parent: int(it.parent),
				Depth: int(g.depth[it.v]), Reach: int(g.reach[it.v])})
			kids := g.children[g.childAt[it.v]:g.childAt[it.v+1]]
			for i := len(kids) - 1; i >= 0; i-- { // pushed in reverse, so visited by ascending id
				if in == nil || in[kids[i]] {
					stack = append(stack, item{kids[i], at})
				}
			}
		}
	}
	parents := make([]int, len(d.Nodes))
	for i, n := range d.Nodes {
		parents[i] = n.Parent
	}
	xy, _ := Layout(parents) // parents precede children by construction
	for i := range d.Nodes {
		d.Nodes[i].X, d.Nodes[i].Y = xy[i].X, xy[i].Y
	}
	d.Note = d.note()
	return d
}

func (d Drawing) note() string {
	switch {
	case d.People == 0:
		return "no invitations to show"
	case d.Cut:
		return fmt.Sprintf("showing %s of %s people: those nearest the root of the largest invitation tree (%s people)",
			thousands(len(d.Nodes)), thousands(d.People), thousands(d.largest()))
	case len(d.Nodes) == d.People:
		return fmt.Sprintf("showing all %s people, in %s", thousands(d.People), trees(d.Trees))
	case d.Trees == 0:
		return fmt.Sprintf("showing none of %s people", thousands(d.People))
	case d.Trees == 1:
		return fmt.Sprintf("showing %s of %s people: the largest of %s", thousands(len(d.Nodes)), thousands(d.People), trees(d.TreesTotal))
	}
	return fmt.Sprintf("showing %s of %s people: the %s largest of %s",
		thousands(len(d.Nodes)), thousands(d.People), thousands(d.Trees), trees(d.TreesTotal))
}

func (d Drawing) largest() int {
	if len(d.Nodes) == 0 {
		return 0
	}
	return d.Nodes[0].Reach + 1
}

func trees(n int) string {
	if n == 1 {
		return "1 invitation tree"
	}
	return thousands(n) + " invitation trees"
}

// thousands writes n with commas between groups of three digits, as NHS
// style asks: 200,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// XY is a position in the unit square, X to the right and Y downwards.
type XY struct{ X, Y float64 }

// Layout places a forest in layers, in O(n): Y is depth ÷ the greatest
// depth (roots at 0, the deepest at 1; all 0 when no one has a parent), and
// X gives each leaf an equal column, left to right in depth-first order with
// children in index order, and each parent the middle of its first and last
// child. Trees sit side by side in index order of their roots. parent[i] is
// the index of i's parent, or −1; a parent must come before its children,
// which keeps the input free of cycles.
func Layout(parent []int) ([]XY, error) {
	n := len(parent)
	depth := make([]int, n)
	childAt := make([]int, n+1)
	deepest := 0
	for i, p := range parent {
		if p < -1 || p >= i {
			return nil, fmt.Errorf("layout: node %d has parent %d: a parent must come before its children", i, p)
		}
		if p >= 0 {
			depth[i] = depth[p] + 1
			deepest = max(deepest, depth[i])
			childAt[p+1]++
		}
	}
	for i := range n {
		childAt[i+1] += childAt[i]
	}
	children := make([]int, childAt[n])
	next := append([]int(nil), childAt[:n]...)
	for i, p := range parent {
		if p >= 0 {
			children[next[p]] = i
			next[p]++
		}
	}
	// Depth-first order, roots and children by index.
	pre := make([]int, 0, n)
	var stack []int
	for r := n - 1; r >= 0; r-- {
		if parent[r] < 0 {
			stack = append(stack, r)
		}
	}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		pre = append(pre, v)
		for i := childAt[v+1] - 1; i >= childAt[v]; i-- {
			stack = append(stack, children[i])
		}
	}
	leaves := 0
	for v := range n {
		if childAt[v+1] == childAt[v] {
			leaves++
		}
	}
	out := make([]XY, n)
	column := leaves
	for i := n - 1; i >= 0; i-- { // children before parents
		v := pre[i]
		if childAt[v+1] == childAt[v] {
			column--
			out[v].X = (float64(column) + 0.5) / float64(leaves)
		} else {
			out[v].X = (out[children[childAt[v]]].X + out[children[childAt[v+1]-1]].X) / 2
		}
		if deepest > 0 {
			out[v].Y = float64(depth[v]) / float64(deepest)
		}
	}
	return out, nil
}
