package pngchart

import (
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// MaxBars is the most bars one chart may have: beyond a few hundred, bars
// are thinner than a pixel and their labels unreadable.
const MaxBars = 500

// Bar is one labelled bar.
type Bar struct {
	Label string
	Value float64
}

// Bars is a bar chart: a funnel (pledged → confirmed → done), a histogram
// (invitation-chain depth), per-group progress. Every bar carries its value
// as text at its end, so the chart can be read exactly without the axis and
// without telling colours apart.
type Bars struct {
	// XLabel and YLabel label the horizontal and vertical axes of the
	// image, whichever of them carries the values.
	Title, XLabel, YLabel, Caption string
	// Bars in reading order: left to right, or top to bottom when
	// Horizontal.
	Bars []Bar
	// Horizontal lays the bars along the X axis, for long labels (a stage
	// name, a group name) that would collide under vertical bars.
	Horizontal bool
}

// WriteBars draws c as a PNG of the given size to w. It returns an error
// wrapping ErrInvalid, and writes nothing, if c or size is unusable: no
// bars, too many bars, a NaN or infinite value.
func WriteBars(w io.Writer, c Bars, size Size) error {
	return render(w, size, func() (*chart, error) {
		if err := c.validate(); err != nil {
			return nil, err
		}
		return c.chart()
	})
}

// validate reports the first thing wrong with c.
func (c Bars) validate() error {
	if len(c.Bars) == 0 {
		return invalid("bar chart %q has no bars", c.Title)
	}
	if len(c.Bars) > MaxBars {
		return invalid("bar chart %q has %d bars; at most %d", c.Title, len(c.Bars), MaxBars)
	}
	for i, b := range c.Bars {
		if !finite(b.Value) {
			return invalid("bar %d (%q): value is %v", i+1, b.Label, b.Value)
		}
	}
	return nil
}

// chart builds the plot of validated bars.
func (c Bars) chart() (*chart, error) {
	n := len(c.Bars)
	p := newPlot(c.XLabel, c.YLabel)
	p.Add(grid(c.Horizontal))

	// Category i is at i on the category axis. Horizontal bars are listed
	// bottom-up by gonum, so reverse them to read top-down.
	bars := append([]Bar(nil), c.Bars...)
	if c.Horizontal {
		for i, j := 0, n-1; i < j; i, j = i+1, j-1 {
			bars[i], bars[j] = bars[j], bars[i]
		}
	}
	values := make(plotter.Values, n)
	names := make([]string, n)
	var pos, neg labelled
	for i, b := range bars {
		values[i] = b.Value
		names[i] = truncate(b.Label, 40)
		xy := plotter.XY{X: float64(i), Y: b.Value}
		if c.Horizontal {
			xy = plotter.XY{X: b.Value, Y: float64(i)}
		}
		if b.Value < 0 {
			neg.add(xy, formatNumber(b.Value))
		} else {
			pos.add(xy, formatNumber(b.Value))
		}
	}
	bc, err := plotter.NewBarChart(values, vg.Points(1))
	if err != nil {
		return nil, err
	}
	bc.Color = colourBar
	bc.LineStyle.Width = 0
	bc.Horizontal = c.Horizontal
	p.Add(bc)

	// Value labels just beyond each bar's end.
	labelStyle := textStyle(9.5, colourText)
	off := vg.Points(3)
	for _, l := range []struct {
		set    labelled
		xa     text.XAlignment
		ya     text.YAlignment
		offset vg.Point
	}{
		{pos, draw.XCenter, draw.YBottom, vg.Point{Y: off}},
		{neg, draw.XCenter, draw.YTop, vg.Point{Y: -off}},
	} {
		if len(l.set.xys) == 0 {
			continue
		}
		if c.Horizontal {
			// Rotate the placement a quarter turn: labels to the right
			// of positive bars, left of negative ones.
			l.ya = draw.YCenter
			l.xa = draw.XLeft
			l.offset = vg.Point{X: l.offset.Y}
			if l.offset.X < 0 {
				l.xa = draw.XRight
			}
		}
		labels, err := plotter.NewLabels(plotter.XYLabels{XYs: l.set.xys, Labels: l.set.labels})
		if err != nil {
			return nil, err
		}
		for i := range labels.TextStyle {
			labels.TextStyle[i] = labelStyle
			labels.TextStyle[i].XAlign, labels.TextStyle[i].YAlign = l.xa, l.ya
		}
		labels.Offset = l.offset
		p.Add(labels)
	}

	if c.Horizontal {
		p.NominalY(names...)
		p.X.Tick.Marker = xTicks
		p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
	} else {
		p.NominalX(names...)
		p.X.Min, p.X.Max = -0.5, float64(n)-0.5
	}

	ch := &chart{title: c.Title, caption: c.Caption, plot: p}
	ch.fit = func(p *plot.Plot, area draw.Canvas) {
		// gonum sizes bars in points, not in data units: make each 70%
		// of its slot now that the slot's size is known.
		dc := p.DataCanvas(area)
		extent := dc.Max.X - dc.Min.X
		if c.Horizontal {
			extent = dc.Max.Y - dc.Min.Y
		}
		slot := extent / vg.Length(n)
		if !c.Horizontal {
			widest := vg.Length(0)
			for _, name := range names {
				widest = max(widest, p.X.Tick.Label.Width(name))
			}
			if widest > slot*0.95 {
				// Slant the labels so that they do not run into each
				// other.
				p.X.Tick.Label.Rotation = math.Pi / 6
				p.X.Tick.Label.XAlign = draw.XRight
				p.X.Tick.Label.YAlign = draw.YTop
				dc = p.DataCanvas(area)
				slot = (dc.Max.X - dc.Min.X) / vg.Length(n)
			}
		}
		bc.Width = max(slot*0.7, vg.Points(0.5))
	}
	return ch, nil
}

// labelled collects value labels and where they go.
type labelled struct {
	xys    plotter.XYs
	labels []string
}

// add adds a label at xy.
func (l *labelled) add(xy plotter.XY, label string) {
	l.xys = append(l.xys, xy)
	l.labels = append(l.labels, label)
}
