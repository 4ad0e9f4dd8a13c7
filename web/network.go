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
	EdgeColour      string
	Edges           []segment
	Nodes           []networkNode
	// Layers are the drawing in figures, for the table beside it: the
	// people drawn at each depth, and how many of them invited others.
	Layers []networkLayer
}

type networkNode struct {
	X, Y, R           string
	Fill, Edge, Width string
	Title             string
}

type networkLayer struct {
	Label            string
	People, Inviters int
}

// The network's colours. A person who invited others is a filled NHS blue
// dot, larger the more people joined through them; one who invited no one is
// a small hollow ring, so the two differ in shape as well as colour. The
// lines and rings are in NHS greys that pass WCAG 2.2's 3:1 for graphics
// against white (1.4.11): the lines #768692 (3.8:1) — they were #AEB7BD, 2:1
// — and the rings the darker #4C6272 (6.4:1), so a person stands out from
// the lines that join them.
const (
	networkInviter = "#005EB8"
	networkRing    = "#4C6272"
	networkLine    = "#768692"
)

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

// layerWords names a layer of the network: how far its people are from the
// start of their chain of invitations.
func layerWords(depth int) string {
	if depth == 0 {
		return "Started without an invitation"
	}
	return strconv.Itoa(depth) + " " + plural(depth, "invitation", "invitations") + " from the start"
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
	c := networkChart{ID: "network", Title: "Invitation network: " + title, Width: coord(width), Height: coord(height), EdgeColour: networkLine}
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
	inviters := 0
	for _, n := range d.Nodes {
		x, y := px(n)
		node := networkNode{X: coord(x), Y: coord(y), R: "2", Fill: "#FFFFFF", Edge: networkRing, Width: "1"}
		if n.Reach > 0 {
			inviters++
			node.R, node.Fill, node.Edge, node.Width = coord(2.5+min(float64(n.Reach), 100)/25), networkInviter, networkInviter, "0"
		}
		node.Title = fmt.Sprintf("%s; reached %s", layerWords(n.Depth), formatInt(n.Reach))
		c.Nodes = append(c.Nodes, node)
		for len(c.Layers) <= n.Depth {
			c.Layers = append(c.Layers, networkLayer{Label: layerWords(len(c.Layers))})
		}
		c.Layers[n.Depth].People++
		if n.Reach > 0 {
			c.Layers[n.Depth].Inviters++
		}
	}
	c.Desc = fmt.Sprintf("Tree diagram of who invited whom, %s. Each dot is a person; a line joins each person to the person who invited them, one layer down. "+
		"%s %s drawn in %s %s of up to %s %s; %s of them invited others, drawn as larger filled blue dots, the larger the more people joined through them. "+
		"The others are small hollow rings.",
		d.Note, formatInt(len(d.Nodes)), plural(len(d.Nodes), "person is", "people are"), formatInt(d.Trees), plural(d.Trees, "tree", "trees"),
		formatInt(len(c.Layers)), plural(len(c.Layers), "layer", "layers"), formatInt(inviters))
	return c
}
