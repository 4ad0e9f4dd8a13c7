package pngchart

import (
	"io"
	"strconv"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// TimeValue is one value of a series at one time.
type TimeValue struct {
	At    time.Time
	Value float64
}

// Series is one line of a line chart: a campaign's cumulative people,
// commitments or relationships, or the money "envelope" running down.
type Series struct {
	// Name is the series' legend entry; a series without a name has none,
	// which suits a chart of a single series named by its title.
	Name string
	// Points in time order (equal times are allowed: a step).
	Points []TimeValue
	// Dashed draws the series dashed, for a series of a different kind
	// from the others (a budget against counts, a plan against actuals).
	Dashed bool
}

// Lines is a chart of several series over one time axis. Each series has
// its own colour, from a palette safe for colour-blind readers, and its own
// marker shape at its last point and in the legend, so that series can be
// told apart in greyscale print too. The value axis starts at zero when no
// value is negative, because these are counts and money, whose size people
// judge by the height of the line.
type Lines struct {
	Title, YLabel, Caption string
	Series                 []Series
}

// WriteLines draws c as a PNG of the given size to w. It returns an error
// wrapping ErrInvalid, and writes nothing, if c or size is unusable: no
// series, a series without points, a NaN or infinite value, a zero time,
// times out of order.
func WriteLines(w io.Writer, c Lines, size Size) error {
	return render(w, size, func() (*chart, error) {
		if err := c.validate(); err != nil {
			return nil, err
		}
		return c.chart()
	})
}

// validate reports the first thing wrong with c.
func (c Lines) validate() error {
	if len(c.Series) == 0 {
		return invalid("line chart %q has no series", c.Title)
	}
	total := 0
	for i, s := range c.Series {
		name := seriesName(i, s)
		if len(s.Points) == 0 {
			return invalid("%s has no points", name)
		}
		total += len(s.Points)
		for j, p := range s.Points {
			if p.At.IsZero() {
				return invalid("%s, point %d: no time", name, j+1)
			}
			if !finite(p.Value) {
				return invalid("%s, point %d (%s): value is %v", name, j+1, p.At.Format("2 Jan 2006"), p.Value)
			}
			if j > 0 && timeX(p.At) < timeX(s.Points[j-1].At) {
				return invalid("%s, point %d (%s): points must be in time order", name, j+1, p.At.Format("2 Jan 2006"))
			}
		}
	}
	if total > MaxPoints {
		return invalid("line chart %q has %d points; at most %d", c.Title, total, MaxPoints)
	}
	return nil
}

// seriesName names a series in an error message.
func seriesName(i int, s Series) string {
	if s.Name != "" {
		return "series " + strconv.Quote(s.Name)
	}
	return "series " + strconv.Itoa(i+1)
}

// chart builds the plot of validated lines.
func (c Lines) chart() (*chart, error) {
	p := newPlot("", c.YLabel)
	p.Add(grid(false))
	ch := &chart{title: c.Title, caption: c.Caption, plot: p}
	nonNegative := true
	for i, s := range c.Series {
		xy := make(plotter.XYs, len(s.Points))
		for j, pt := range s.Points {
			xy[j] = plotter.XY{X: timeX(pt.At), Y: pt.Value}
			nonNegative = nonNegative && pt.Value >= 0
		}
		style := draw.LineStyle{Color: seriesColours[i%len(seriesColours)], Width: vg.Points(2)}
		if s.Dashed {
			style.Dashes = []vg.Length{vg.Points(7), vg.Points(3.5)}
		}
		glyph := draw.GlyphStyle{Color: style.Color, Radius: vg.Points(3.5), Shape: seriesShapes[i%len(seriesShapes)]}
		line := &plotter.Line{XYs: xy, LineStyle: style}
		end := &plotter.Scatter{XYs: xy[len(xy)-1:], GlyphStyle: glyph}
		p.Add(line, end)
		if s.Name != "" {
			ch.legend = append(ch.legend, legendEntry{s.Name, []plot.Thumbnailer{line, glyphThumb{glyph}}})
		}
	}
	if nonNegative {
		p.Y.Min = 0
	}
	if p.X.Max-p.X.Min < day {
		mid := (p.X.Min + p.X.Max) / 2
		p.X.Min, p.X.Max = mid-3*day, mid+3*day
	}
	ch.fit = func(p *plot.Plot, area draw.Canvas) {
		width := float64(area.Max.X-area.Min.X) - 60
		p.X.Tick.Marker = timeTicks(p.X.Min, p.X.Max, width)
	}
	return ch, nil
}
