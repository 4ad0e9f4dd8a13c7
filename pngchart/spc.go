package pngchart

import (
	"io"
	"math"
	"strconv"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// The variations an SPCPoint can show, as package spc names them. They
// decide a point's colour and shape on a chart with limits.
const (
	Common      = "common"      // no special cause: grey circle
	Improvement = "improvement" // special cause, the better way: blue triangle
	Concern     = "concern"     // special cause, the worse way: orange triangle pointing down
	Neither     = "neither"     // special cause, no direction set: purple diamond
)

// SPCPoint is one period of an SPC chart, with the lines it is judged
// against, as package spc computes them. Each point carries its own lines
// (rather than the chart carrying a list of sections) because recalculated
// sections and p-charts change them from point to point, and because it
// makes "five values, four limits" impossible to express.
type SPCPoint struct {
	// Period is the month (its first day) the value belongs to.
	Period time.Time
	Value  float64
	// Mean, the process limits and the two-sigma lines are read only when
	// SPC.LimitsShown. A change of Mean between neighbouring points starts
	// a new section: the lines are drawn in pieces, not joined across it.
	Mean, Lower, Upper, LowerTwoSigma, UpperTwoSigma float64
	// Variation is Common, Improvement, Concern or Neither; "" means
	// Common. It is ignored on a run chart.
	Variation string
}

// Marker is a dated milestone (a campaign launch, a change of practice)
// drawn as a thin vertical line with a short label, so that a reader can
// see what happened when a process changed.
type Marker struct {
	On    time.Time
	Label string // a few words; long labels are shortened
}

// SPC is an NHS "Making Data Count" statistical process control chart.
type SPC struct {
	Title  string
	YLabel string // what the values are, with units
	// Points in time order, at most one a period.
	Points []SPCPoint
	// LimitsShown is false for a run chart (too few points for limits):
	// only the data line and grey dots are drawn, whatever the points'
	// Variation says, because without limits no point is special cause.
	LimitsShown bool
	// Target, if set, is drawn as a red dashed line labelled "Target".
	Target *float64
	// Milestones are drawn as vertical lines with labels; those outside
	// the span of the points are left out rather than stretching the axis.
	Milestones []Marker
	// Caption goes under the chart, e.g. "Source: OpenSAFELY. Association,
	// not proof of cause."
	Caption string
}

// Line styles of an SPC chart.
var (
	dataLine     = draw.LineStyle{Color: colourCommon, Width: vg.Points(1.75)}
	meanLine     = draw.LineStyle{Color: colourText, Width: vg.Points(1.25)}
	limitLine    = draw.LineStyle{Color: colourLimit, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(6), vg.Points(3)}}
	twoSigmaLine = draw.LineStyle{Color: colourTwoSigma, Width: vg.Points(0.75), Dashes: []vg.Length{vg.Points(1), vg.Points(2.5)}}
	targetLine   = draw.LineStyle{Color: colourTarget, Width: vg.Points(2), Dashes: []vg.Length{vg.Points(8), vg.Points(4)}}
)

// pointRadius is the size of the SPC dots: large enough that a coloured dot
// reads as its colour and its shape can be told at slide size.
var pointRadius = vg.Points(3.75)

// variationGlyph is how a point showing variation v is drawn.
func variationGlyph(v string) draw.GlyphStyle {
	switch v {
	case Improvement:
		return draw.GlyphStyle{Color: colourImprovement, Radius: pointRadius * 1.1, Shape: draw.PyramidGlyph{}}
	case Concern:
		return draw.GlyphStyle{Color: colourConcern, Radius: pointRadius * 1.1, Shape: downTriangleGlyph{}}
	case Neither:
		return draw.GlyphStyle{Color: colourNeither, Radius: pointRadius, Shape: diamondGlyph{}}
	}
	return draw.GlyphStyle{Color: colourCommon, Radius: pointRadius * 0.9, Shape: draw.CircleGlyph{}}
}

// WriteSPC draws c as a PNG of the given size to w. It returns an error
// wrapping ErrInvalid, and writes nothing, if c or size is unusable: no
// points, a NaN or infinite number, periods out of order, limits in the
// wrong order, an unknown variation.
func WriteSPC(w io.Writer, c SPC, size Size) error {
	return render(w, size, func() (*chart, error) {
		if err := c.validate(); err != nil {
			return nil, err
		}
		return c.chart()
	})
}

// validate reports the first thing wrong with c.
func (c SPC) validate() error {
	if len(c.Points) == 0 {
		return invalid("SPC chart %q has no points", c.Title)
	}
	if len(c.Points) > MaxPoints {
		return invalid("SPC chart %q has %d points; at most %d", c.Title, len(c.Points), MaxPoints)
	}
	for i, p := range c.Points {
		where := func() string { return spcWhere(i, p.Period) }
		if p.Period.IsZero() {
			return invalid("SPC point %d has no period", i+1)
		}
		if i > 0 && timeX(p.Period) <= timeX(c.Points[i-1].Period) {
			return invalid("%s: periods must be in increasing time order (after %s)", where(), c.Points[i-1].Period.Format("2 Jan 2006"))
		}
		if !finite(p.Value) {
			return invalid("%s: value is %v", where(), p.Value)
		}
		switch p.Variation {
		case "", Common, Improvement, Concern, Neither:
		default:
			return invalid("%s: unknown variation %q (want common, improvement, concern or neither)", where(), p.Variation)
		}
		if !c.LimitsShown {
			continue
		}
		lines := []struct {
			name string
			v    float64
		}{
			{"lower limit", p.Lower}, {"lower two-sigma line", p.LowerTwoSigma}, {"mean", p.Mean},
			{"upper two-sigma line", p.UpperTwoSigma}, {"upper limit", p.Upper},
		}
		for j, l := range lines {
			if !finite(l.v) {
				return invalid("%s: %s is %v", where(), l.name, l.v)
			}
			if j > 0 && l.v < lines[j-1].v && !nearlyEqual(l.v, lines[j-1].v) {
				return invalid("%s: %s %v is below the %s %v", where(), l.name, l.v, lines[j-1].name, lines[j-1].v)
			}
		}
	}
	if c.Target != nil && !finite(*c.Target) {
		return invalid("SPC chart %q: target is %v", c.Title, *c.Target)
	}
	for i, m := range c.Milestones {
		if m.On.IsZero() {
			return invalid("milestone %d (%q) has no date", i+1, m.Label)
		}
	}
	return nil
}

// spcWhere names a point in an error message the way a person would find
// it: by its number and month.
func spcWhere(i int, t time.Time) string {
	return "SPC point " + strconv.Itoa(i+1) + " (" + t.Format("Jan 2006") + ")"
}

// nearlyEqual allows for the rounding error of limits computed from sums,
// as package spc does: one part in 10¹².
func nearlyEqual(a, b float64) bool {
	return math.Abs(a-b) <= 1e-12*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// chart builds the plot of a validated SPC chart.
func (c SPC) chart() (*chart, error) {
	p := newPlot("", c.YLabel)
	p.Add(grid(false))

	xs := make([]float64, len(c.Points))
	data := make(plotter.XYs, len(c.Points))
	for i, pt := range c.Points {
		xs[i] = timeX(pt.Period)
		data[i] = plotter.XY{X: xs[i], Y: pt.Value}
	}
	ch := &chart{title: c.Title, caption: c.Caption, plot: p}

	// Milestones and lines first, so that the points are drawn over them.
	var ms *milestones
	if len(c.Milestones) > 0 {
		ms = newMilestones(c.Milestones)
		p.Add(ms)
	}
	if c.LimitsShown {
		for _, sec := range sections(c.Points) {
			for _, l := range []struct {
				style draw.LineStyle
				value func(SPCPoint) float64
			}{
				{twoSigmaLine, func(p SPCPoint) float64 { return p.LowerTwoSigma }},
				{twoSigmaLine, func(p SPCPoint) float64 { return p.UpperTwoSigma }},
				{limitLine, func(p SPCPoint) float64 { return p.Lower }},
				{limitLine, func(p SPCPoint) float64 { return p.Upper }},
				{meanLine, func(p SPCPoint) float64 { return p.Mean }},
			} {
				p.Add(sectionLine(c.Points, xs, sec, l.value, l.style))
			}
		}
	}
	if c.Target != nil {
		p.Add(&hline{y: *c.Target, style: targetLine, label: "Target"})
	}

	line := &plotter.Line{XYs: data, LineStyle: dataLine}
	dots := &plotter.Scatter{XYs: data, GlyphStyle: variationGlyph(Common)}
	if c.LimitsShown {
		dots.GlyphStyleFunc = func(i int) draw.GlyphStyle { return variationGlyph(c.Points[i].Variation) }
	}
	p.Add(line, dots)

	// A lone point would give the axis no width; a month either side
	// shows it with its month labelled.
	if p.X.Max-p.X.Min < 28*day {
		mid := (p.X.Min + p.X.Max) / 2
		p.X.Min, p.X.Max = mid-31*day, mid+31*day
	}

	// The legend names only what is on the chart.
	ch.legend = append(ch.legend, legendEntry{"Data", []plot.Thumbnailer{lineThumb{dataLine}, glyphThumb{variationGlyph(Common)}}})
	if c.LimitsShown {
		seen := map[string]bool{}
		for _, pt := range c.Points {
			seen[pt.Variation] = true
		}
		for _, v := range []struct{ variation, name string }{
			{Improvement, "Improvement (special cause)"},
			{Concern, "Concern (special cause)"},
			{Neither, "Special cause, neither"},
		} {
			if seen[v.variation] {
				ch.legend = append(ch.legend, legendEntry{v.name, []plot.Thumbnailer{glyphThumb{variationGlyph(v.variation)}}})
			}
		}
		ch.legend = append(ch.legend,
			legendEntry{"Mean", []plot.Thumbnailer{lineThumb{meanLine}}},
			legendEntry{"Process limits", []plot.Thumbnailer{lineThumb{limitLine}}},
			legendEntry{"Two-sigma lines", []plot.Thumbnailer{lineThumb{twoSigmaLine}}},
		)
	}
	if c.Target != nil {
		ch.legend = append(ch.legend, legendEntry{"Target", []plot.Thumbnailer{lineThumb{targetLine}}})
	}

	ch.fit = func(p *plot.Plot, area draw.Canvas) {
		width := float64(area.Max.X-area.Min.X) - 60 // less the Y axis, roughly
		p.X.Tick.Marker = timeTicks(p.X.Min, p.X.Max, width)
		if ms != nil {
			ms.width = vg.Length(width)
		}
	}
	return ch, nil
}

// section is a run of points [start, end) that share a mean.
type section struct{ start, end int }

// sections splits points where the mean changes: a recalculation.
func sections(pts []SPCPoint) []section {
	var out []section
	start := 0
	for i := 1; i <= len(pts); i++ {
		if i == len(pts) || pts[i].Mean != pts[i-1].Mean {
			out = append(out, section{start, i})
			start = i
		}
	}
	return out
}

// sectionLine is one of a section's lines (mean, a limit...) drawn through
// its points' values as steps, level through each point and changing half
// way between points: flat for an XmR chart, a staircase for a p-chart
// whose limits vary with the denominator. A one-point section gets a short
// level stroke, a quarter of the spacing either side, so that it shows.
func sectionLine(pts []SPCPoint, xs []float64, s section, value func(SPCPoint) float64, style draw.LineStyle) *plotter.Line {
	xy := make(plotter.XYs, 0, s.end-s.start+2)
	for i := s.start; i < s.end; i++ {
		xy = append(xy, plotter.XY{X: xs[i], Y: value(pts[i])})
	}
	if len(xy) == 1 {
		half := 7 * float64(day)
		if len(xs) > 1 {
			half = (xs[len(xs)-1] - xs[0]) / float64(len(xs)-1) / 4
		}
		xy = plotter.XYs{{X: xy[0].X - half, Y: xy[0].Y}, {X: xy[0].X + half, Y: xy[0].Y}}
	}
	return &plotter.Line{XYs: xy, StepStyle: plotter.MidStep, LineStyle: style}
}
