package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/groundswell-health/groundswell/mobilise"
)

// networkCap is the most people the network page draws: beyond a few
// thousand an SVG is slow to draw and impossible to read.
const networkCap = 2000

// networkChart is the invitation forest laid out for the "networksvg"
// partial.
type networkChart struct {
	ID, Title, Desc string
	Width, Height   string
	Edges           []segment
	Nodes           []networkNode
}

type networkNode struct {
	X, Y, R string
	Colour  string
	Title   string
}

type connector struct {
	Rank                   int
	Name                   string // empty unless they agreed to show it
	Reach, Recruits, Depth int
}

type histBar struct {
	Label string
	N     int
	Width string // of 240
}

func (s *Server) networkPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, err := s.visibleCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := dashboardAllowed(r, c); err != nil {
		s.fail(w, r, err)
		return
	}
	m, err := s.store.MobilisationData(ctx, c)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	slow, err := s.slowFigures(ctx, c, mobilisationInputs{members: m.Members})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sum, drawing, top := slow.Graph, slow.Drawing, slow.Top
	chart := layoutNetwork(c.Title, drawing)

	ids := make([]int64, len(top))
	for i, n := range top {
		ids[i] = n.PersonID
	}
	names, err := s.store.PublicNames(ctx, ids)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	connectors := make([]connector, len(top))
	for i, n := range top {
		connectors[i] = connector{Rank: i + 1, Name: names[n.PersonID], Reach: n.Reach, Recruits: n.Recruits, Depth: n.Depth}
	}
	s.render(w, r, http.StatusOK, "network", page{Title: "Invitation network – " + c.Title, Illustrative: c.Illustrative, D: map[string]any{
		"Campaign": c, "Summary": sum, "Chart": chart, "Drawing": drawing, "Connectors": connectors, "At": slow.At,
		"Depths": histogram(sum.AtDepth, func(i int) string {
			if i == 0 {
				return "Started without an invitation"
			}
			return strconv.Itoa(i) + " " + map[bool]string{true: "invitation", false: "invitations"}[i == 1] + " from the start"
		}),
		"Recruits": histogram(sum.Recruits, func(i int) string {
			return "Invited " + strconv.Itoa(i) + " " + map[bool]string{true: "person", false: "people"}[i == 1]
		}),
	}})
}

func histogram(counts []int, label func(int) string) []histBar {
	most := 0
	for _, n := range counts {
		most = max(most, n)
	}
	out := make([]histBar, len(counts))
	for i, n := range counts {
		w := 0.0
		if most > 0 {
			w = 240 * float64(n) / float64(most)
		}
		out[i] = histBar{Label: label(i), N: n, Width: coord(w)}
	}
	return out
}

// layoutNetwork scales a drawing's unit-square layout into an SVG: each
// tree's roots at the top, each generation of invitations a layer down.
// A node's size grows with the people reached through it.
func layoutNetwork(title string, d mobilise.Drawing) networkChart {
	width, height, pad := 960.0, 420.0, 12.0
	c := networkChart{ID: "network", Title: "Invitation network: " + title, Width: coord(width), Height: coord(height)}
	px := func(n mobilise.DrawNode) (float64, float64) {
		return pad + (width-2*pad)*n.X, pad + (height-2*pad)*n.Y
	}
	for _, n := range d.Nodes {
		if n.Parent >= 0 {
			x1, y1 := px(d.Nodes[n.Parent])
			x2, y2 := px(n)
			c.Edges = append(c.Edges, segment{X1: coord(x1), Y1: coord(y1), X2: coord(x2), Y2: coord(y2)})
		}
	}
	for _, n := range d.Nodes {
		x, y := px(n)
		r, colour := 2.0, "#768692"
		if n.Reach > 0 {
			r, colour = 2.5+min(float64(n.Reach), 100)/25, "#005EB8"
		}
		c.Nodes = append(c.Nodes, networkNode{X: coord(x), Y: coord(y), R: coord(r), Colour: colour,
			Title: fmt.Sprintf("%d %s from the start; reached %s", n.Depth, map[bool]string{true: "invitation", false: "invitations"}[n.Depth == 1], formatInt(n.Reach))})
	}
	c.Desc = fmt.Sprintf("Tree diagram of who invited whom, %s. Each dot is a person; a line joins each person to the person who invited them, one layer down. Larger blue dots invited others.", d.Note)
	return c
}
