package pngchart

import (
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// hline is a horizontal line across the whole data area at y, with a label
// at its right end (a target). gonum has no such plotter: plotter.Line would
// need x values, and would stop at the first and last points rather than
// the edges.
type hline struct {
	y     float64
	style draw.LineStyle
	label string
}

// labelStyle is the style of the line's label, in the line's colour so
// that it reads as belonging to it.
func (h *hline) labelStyle() text.Style {
	sty := textStyle(9, h.style.Color)
	sty.XAlign, sty.YAlign = draw.XRight, draw.YBottom
	return sty
}

// labelOffset places the label just above the line's right end.
var labelOffset = vg.Point{X: -vg.Points(3), Y: vg.Points(2)}

// Plot implements plot.Plotter.
func (h *hline) Plot(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	y := trY(h.y)
	if !c.ContainsY(y) {
		return
	}
	c.StrokeLine2(h.style, c.Min.X, y, c.Max.X, y)
	if h.label != "" {
		c.FillText(h.labelStyle(), vg.Point{X: c.Max.X, Y: y}.Add(labelOffset), h.label)
	}
}

// DataRange implements plot.DataRanger: the Y axis must reach the line; the
// X axis is left to the data (infinities leave it alone).
func (h *hline) DataRange() (xmin, xmax, ymin, ymax float64) {
	return math.Inf(1), math.Inf(-1), h.y, h.y
}

// GlyphBoxes implements plot.GlyphBoxer, so that the plot leaves room for
// the label when the line is at the top.
func (h *hline) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	if h.label == "" {
		return nil
	}
	return []plot.GlyphBox{{
		X:         1,
		Y:         p.Y.Norm(h.y),
		Rectangle: h.labelStyle().Rectangle(h.label).Add(labelOffset),
	}}
}

// milestones are dated events drawn as thin vertical lines with their
// labels above the data area, staggered into rows where they would
// overlap. The plot reserves the rows' height through GlyphBoxes, so labels
// never cover a point.
type milestones struct {
	xs     []float64
	labels []string
	// width is the expected width of the data area in points, set once the
	// layout is known; GlyphBoxes is asked before the data area exists.
	width vg.Length
}

// newMilestones keeps the markers in date order, which is the order their
// labels are placed in.
func newMilestones(ms []Marker) *milestones {
	sorted := append([]Marker(nil), ms...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].On.Before(sorted[j].On) })
	m := &milestones{width: 600}
	for _, mk := range sorted {
		m.xs = append(m.xs, timeX(mk.On))
		m.labels = append(m.labels, truncate(mk.Label, 32))
	}
	return m
}

var (
	milestoneLine = draw.LineStyle{Color: colourMilestone, Width: vg.Points(0.75)}
	milestoneGap  = vg.Points(3) // between a line and its label
)

// milestoneLabel is the style of milestone labels.
func milestoneLabel() text.Style {
	sty := textStyle(9, colourMilestone)
	sty.YAlign = draw.YBottom
	return sty
}

// placed is where a milestone's label goes.
type placed struct {
	visible bool
	row     int
	left    bool // the label is to the left of the line (near the right edge)
}

// place assigns each visible label a row, the lowest where it does not
// overlap a label already placed, given each marker's position along a data
// area width points wide.
func (m *milestones) place(p *plot.Plot, width vg.Length) []placed {
	sty := milestoneLabel()
	out := make([]placed, len(m.xs))
	var rowEnds []vg.Length
	for i, x := range m.xs {
		if x < p.X.Min || x > p.X.Max {
			continue
		}
		pos := vg.Length(p.X.Norm(x)) * width
		w := sty.Width(m.labels[i])
		start, left := pos+milestoneGap, false
		if start+w > width {
			start, left = pos-milestoneGap-w, true
		}
		row := len(rowEnds)
		for r, end := range rowEnds {
			if start > end+vg.Points(6) {
				row = r
				break
			}
		}
		if row == len(rowEnds) {
			rowEnds = append(rowEnds, 0)
		}
		rowEnds[row] = start + w
		out[i] = placed{visible: true, row: row, left: left}
	}
	return out
}

// Plot implements plot.Plotter.
func (m *milestones) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	sty := milestoneLabel()
	lh := lineHeight(sty)
	for i, pl := range m.place(p, c.Max.X-c.Min.X) {
		if !pl.visible {
			continue
		}
		x := trX(m.xs[i])
		base := c.Max.Y + milestoneGap + vg.Length(pl.row)*lh
		c.StrokeLine2(milestoneLine, x, c.Min.Y, x, base+lh*0.8)
		ls := sty
		pt := vg.Point{X: x + milestoneGap, Y: base}
		if pl.left {
			ls.XAlign = draw.XRight
			pt.X = x - milestoneGap
		}
		c.FillText(ls, pt, m.labels[i])
	}
}

// GlyphBoxes implements plot.GlyphBoxer: a box above the top of the data
// area for each label, as high as its row.
func (m *milestones) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	sty := milestoneLabel()
	lh := lineHeight(sty)
	var boxes []plot.GlyphBox
	for i, pl := range m.place(p, m.width) {
		if !pl.visible {
			continue
		}
		w := sty.Width(m.labels[i])
		r := vg.Rectangle{
			Min: vg.Point{X: milestoneGap},
			Max: vg.Point{X: milestoneGap + w, Y: milestoneGap + vg.Length(pl.row+1)*lh},
		}
		if pl.left {
			r.Min.X, r.Max.X = -milestoneGap-w, -milestoneGap
		}
		boxes = append(boxes, plot.GlyphBox{X: p.X.Norm(m.xs[i]), Y: 1, Rectangle: r})
	}
	return boxes
}
