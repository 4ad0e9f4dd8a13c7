package pngchart

import (
	"io"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// FunnelUnit is one area (a practice, a PCN, a place) on a funnel plot.
type FunnelUnit struct {
	Name        string
	Denominator float64 // how many people the proportion is of; > 0
	Value       float64 // the proportion, 0..1
}

// Funnel is an SPC funnel plot: each unit's proportion against its
// denominator, with the centre line and the 2σ and 3σ limits, which narrow
// as the denominator grows. Units beyond the 3σ limits are drawn as purple
// diamonds (special cause, no direction: a funnel does not say which way is
// better) and named on the chart, since they are what the reader is looking
// for; the others are grey circles.
type Funnel struct {
	Title, Caption string
	// XLabel and YLabel label the axes; they default to "Denominator" and
	// "Proportion" (or "Percentage" when AsPercent).
	XLabel, YLabel string
	// Centre is the overall proportion, 0..1.
	Centre float64
	Units  []FunnelUnit
	// Limits gives the limits at a denominator n, each within [0, 1] and
	// in the order lower3 ≤ lower2 ≤ Centre ≤ upper2 ≤ upper3. A function
	// (package spc's Funnel.LimitsAt fits) rather than numbers, because
	// the limits are curves: they are drawn from many denominators between
	// the smallest and the largest unit's.
	Limits func(n float64) (lower2, upper2, lower3, upper3 float64)
	// AsPercent labels the proportion axis in per cent (5%, not 0.05).
	AsPercent bool
}

// limitSamples is how many denominators the limit curves are drawn from;
// they are spaced evenly on a log scale, where the curves bend most.
const limitSamples = 160

// WriteFunnel draws c as a PNG of the given size to w. It returns an error
// wrapping ErrInvalid, and writes nothing, if c or size is unusable: no
// units, no Limits, a denominator that is not positive, a proportion outside
// 0..1, limits that are NaN or out of order.
func WriteFunnel(w io.Writer, c Funnel, size Size) error {
	return render(w, size, func() (*chart, error) {
		curves, err := c.validate()
		if err != nil {
			return nil, err
		}
		return c.chart(curves)
	})
}

// curves are the four limit lines, sampled.
type curves struct{ lower2, upper2, lower3, upper3 plotter.XYs }

// validate reports the first thing wrong with c, and samples the limits
// (checking them is sampling them).
func (c Funnel) validate() (*curves, error) {
	if len(c.Units) == 0 {
		return nil, invalid("funnel plot %q has no units", c.Title)
	}
	if len(c.Units) > MaxPoints {
		return nil, invalid("funnel plot %q has %d units; at most %d", c.Title, len(c.Units), MaxPoints)
	}
	if c.Limits == nil {
		return nil, invalid("funnel plot %q has no Limits function", c.Title)
	}
	if !finite(c.Centre) || c.Centre < 0 || c.Centre > 1 {
		return nil, invalid("funnel plot %q: centre %v is not a proportion in 0..1", c.Title, c.Centre)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, u := range c.Units {
		name := "funnel unit " + strconv.Itoa(i+1) + " (" + strconv.Quote(u.Name) + ")"
		if !finite(u.Denominator) || u.Denominator <= 0 {
			return nil, invalid("%s: denominator %v must be a positive number", name, u.Denominator)
		}
		if !finite(u.Value) || u.Value < 0 || u.Value > 1 {
			return nil, invalid("%s: value %v is not a proportion in 0..1", name, u.Value)
		}
		lo, hi = math.Min(lo, u.Denominator), math.Max(hi, u.Denominator)
	}
	if lo == hi {
		lo, hi = lo/2, hi*1.5
	}
	cv := &curves{}
	for i := range limitSamples {
		n := lo * math.Pow(hi/lo, float64(i)/(limitSamples-1))
		l2, u2, l3, u3 := c.Limits(n)
		vals := []float64{l3, l2, c.Centre, u2, u3}
		names := []string{"lower 3σ limit", "lower 2σ limit", "centre", "upper 2σ limit", "upper 3σ limit"}
		for j, v := range vals {
			if !finite(v) || v < 0 || v > 1 {
				return nil, invalid("funnel plot %q: at denominator %.4g the %s is %v, not a proportion in 0..1", c.Title, n, names[j], v)
			}
			if j > 0 && v < vals[j-1] && !nearlyEqual(v, vals[j-1]) {
				return nil, invalid("funnel plot %q: at denominator %.4g the %s %v is below the %s %v", c.Title, n, names[j], v, names[j-1], vals[j-1])
			}
		}
		cv.lower2 = append(cv.lower2, plotter.XY{X: n, Y: l2})
		cv.upper2 = append(cv.upper2, plotter.XY{X: n, Y: u2})
		cv.lower3 = append(cv.lower3, plotter.XY{X: n, Y: l3})
		cv.upper3 = append(cv.upper3, plotter.XY{X: n, Y: u3})
	}
	return cv, nil
}

// Line styles of a funnel plot: as the SPC chart's, the 3σ limits being
// the process limits.
var (
	funnel3Line = limitLine
	funnel2Line = draw.LineStyle{Color: colourTwoSigma, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(1.5), vg.Points(2.5)}}
)

// chart builds the plot of a validated funnel.
func (c Funnel) chart(cv *curves) (*chart, error) {
	xLabel, yLabel := c.XLabel, c.YLabel
	if xLabel == "" {
		xLabel = "Denominator"
	}
	if yLabel == "" {
		yLabel = "Proportion"
		if c.AsPercent {
			yLabel = "Percentage"
		}
	}
	p := newPlot(xLabel, yLabel)
	p.X.Tick.Marker = xTicks
	if c.AsPercent {
		p.Y.Tick.Marker = niceTicks{target: yTicks.target, percent: true}
	}
	p.Add(grid(false))
	ch := &chart{title: c.Title, caption: c.Caption, plot: p}

	l2 := &plotter.Line{XYs: cv.lower2, LineStyle: funnel2Line}
	u2 := &plotter.Line{XYs: cv.upper2, LineStyle: funnel2Line}
	l3 := &plotter.Line{XYs: cv.lower3, LineStyle: funnel3Line}
	u3 := &plotter.Line{XYs: cv.upper3, LineStyle: funnel3Line}
	first, last := cv.lower2[0].X, cv.lower2[len(cv.lower2)-1].X
	centre := &plotter.Line{XYs: plotter.XYs{{X: first, Y: c.Centre}, {X: last, Y: c.Centre}}, LineStyle: meanLine}
	p.Add(l2, u2, l3, u3, centre)

	// Outliers go last, over the others, and are named.
	var inside, outside plotter.XYs
	var outNames []string
	for _, u := range c.Units {
		_, _, lo3, hi3 := c.Limits(u.Denominator)
		xy := plotter.XY{X: u.Denominator, Y: u.Value}
		if u.Value < lo3 && !nearlyEqual(u.Value, lo3) || u.Value > hi3 && !nearlyEqual(u.Value, hi3) {
			outside = append(outside, xy)
			outNames = append(outNames, truncate(u.Name, 24))
		} else {
			inside = append(inside, xy)
		}
	}
	commonGlyph := variationGlyph(Common)
	outGlyph := variationGlyph(Neither)
	if len(inside) > 0 {
		p.Add(&plotter.Scatter{XYs: inside, GlyphStyle: commonGlyph})
	}
	if len(outside) > 0 {
		p.Add(&plotter.Scatter{XYs: outside, GlyphStyle: outGlyph})
		labels, err := plotter.NewLabels(plotter.XYLabels{XYs: outside, Labels: outNames})
		if err != nil {
			return nil, err
		}
		for i := range labels.TextStyle {
			labels.TextStyle[i] = textStyle(9, colourNeither)
			labels.TextStyle[i].YAlign = draw.YCenter
		}
		labels.Offset = vg.Point{X: pointRadius * 2}
		p.Add(labels)
	}

	ch.legend = []legendEntry{
		{"Unit", []plot.Thumbnailer{glyphThumb{commonGlyph}}},
	}
	if len(outside) > 0 {
		ch.legend = append(ch.legend, legendEntry{"Beyond 3σ limits", []plot.Thumbnailer{glyphThumb{outGlyph}}})
	}
	ch.legend = append(ch.legend,
		legendEntry{"Centre", []plot.Thumbnailer{lineThumb{meanLine}}},
		legendEntry{"2σ limits", []plot.Thumbnailer{lineThumb{funnel2Line}}},
		legendEntry{"3σ limits", []plot.Thumbnailer{lineThumb{funnel3Line}}},
	)
	return ch, nil
}
