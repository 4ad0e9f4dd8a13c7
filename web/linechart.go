package web

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// lineChart is a time-series chart of one or more lines for the
// "linesvg" partial: the dashboard's growth and envelope charts. Like
// spcChart, every number reaches the template as a string.
type lineChart struct {
	ID, Title, Desc        string
	Width, Height          string
	Left, Right, Top, Base string
	XLabelY, YLabelX       string
	YLabel                 string
	XTicks, YTicks         []tick
	Lines                  []line
}

type line struct {
	Name, Colour, Dash string
	// DashWords names the pattern in the key: the little picture beside
	// it is too small for some readers to tell dashes from dots.
	DashWords string
	Points    string // polyline points
}

// dashWords names a stroke-dasharray the line charts use.
func dashWords(dash string) string {
	switch dash {
	case "":
		return "Solid line"
	case dashDotted:
		return "Dotted line"
	default:
		return "Dashed line"
	}
}

// The dash patterns of the lines after the first, which is solid: each
// line of a chart has its own, so that colour is not the only signal.
const (
	dashDashed = "8 4"
	dashDotted = "2 3"
)

// lineSeries is one line's values at times.
type lineSeries struct {
	Name, Colour, Dash string
	At                 []time.Time
	Values             []float64
}

// layoutLines lays out series on one time axis from first to last, with a
// y axis from zero to a round number above the largest value.
func layoutLines(id, title, desc, yLabel string, first, last time.Time, series []lineSeries) lineChart {
	width, height, left, right, top, base := 720.0, 300.0, 72.0, 704.0, 20.0, 260.0
	c := lineChart{ID: id, Title: title, Desc: desc, YLabel: yLabel,
		Width: coord(width), Height: coord(height), Left: coord(left), Right: coord(right), Top: coord(top), Base: coord(base),
		XLabelY: coord(base + 18), YLabelX: coord(left - 6)}
	hi := 0.0
	for _, s := range series {
		for _, v := range s.Values {
			hi = math.Max(hi, v)
		}
	}
	step := niceStep(hi / 4)
	ceil := step * math.Ceil(hi/step)
	if ceil == 0 {
		ceil = step
	}
	span := last.Sub(first).Seconds()
	if span <= 0 {
		span = 1
	}
	x := func(t time.Time) float64 { return left + (right-left)*t.Sub(first).Seconds()/span }
	y := func(v float64) float64 { return base - (base-top)*v/ceil }
	places := decimalsFor(step)
	for v := 0.0; v <= ceil+step/2; v += step {
		label := strconv.FormatFloat(v, 'f', places, 64)
		if places == 0 {
			label = formatInt(int(v))
		}
		c.YTicks = append(c.YTicks, tick{Pos: coord(y(v)), Label: label})
	}
	// A tick at each January, or each quarter when the span is short.
	months := 12
	if last.Sub(first) < 400*24*time.Hour {
		months = 3
	}
	for t := time.Date(first.Year(), 1, 1, 0, 0, 0, 0, first.Location()); !t.After(last); t = t.AddDate(0, months, 0) {
		if t.Before(first) {
			continue
		}
		label := strconv.Itoa(t.Year())
		if months != 12 {
			label = t.Format("Jan 2006")
		}
		c.XTicks = append(c.XTicks, tick{Pos: coord(x(t)), Label: label})
	}
	for _, s := range series {
		pts := make([]string, len(s.Values))
		for i, v := range s.Values {
			pts[i] = coord(x(s.At[i])) + "," + coord(y(v))
		}
		c.Lines = append(c.Lines, line{Name: s.Name, Colour: s.Colour, Dash: s.Dash, DashWords: dashWords(s.Dash), Points: strings.Join(pts, " ")})
	}
	return c
}
