package web

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	gs "github.com/groundswell-health/groundswell"
)

// chart is a line chart laid out for the "linechart" partial, which draws it
// as SVG. Everything here is numbers and plain text; the template escapes it.
type chart struct {
	Width, Height          float64
	Left, Right, Top, Base float64
	Points                 string
	Dots                   []point
	YTicks, XTicks         []tick
	Milestones             []tick
	Empty                  bool
}

type point struct{ X, Y float64 }

type tick struct {
	Pos   float64
	Label string
	Title string  // milestones only
	On    gs.Date // milestones only
}

// lineChart lays out observations over time with the campaign's milestones
// marked. The y axis starts at zero so that a change is not exaggerated.
func lineChart(obs []gs.Observation, milestones []gs.Milestone) chart {
	c := chart{Width: 720, Height: 320, Left: 56, Right: 700, Top: 20, Base: 270}
	if len(obs) == 0 {
		c.Empty = true
		return c
	}
	first, last := obs[0].Period.Time(), obs[len(obs)-1].Period.Time()
	span := last.Sub(first).Hours()
	if span <= 0 {
		span = 1
	}
	x := func(d gs.Date) float64 {
		return c.Left + (c.Right-c.Left)*d.Time().Sub(first).Hours()/span
	}
	maxV := 0.0
	for _, o := range obs {
		maxV = math.Max(maxV, o.Value)
	}
	step := niceStep(maxV / 4)
	top := step * math.Ceil(maxV/step)
	if top == 0 {
		top = 1
	}
	y := func(v float64) float64 { return c.Base - (c.Base-c.Top)*v/top }
	var pts []string
	for _, o := range obs {
		p := point{round1(x(o.Period)), round1(y(o.Value))}
		c.Dots = append(c.Dots, p)
		pts = append(pts, fmt.Sprintf("%g,%g", p.X, p.Y))
	}
	c.Points = strings.Join(pts, " ")
	for v := 0.0; v <= top+step/2; v += step {
		c.YTicks = append(c.YTicks, tick{Pos: round1(y(v)), Label: strconv.FormatFloat(v, 'f', -1, 64)})
	}
	for _, o := range obs {
		if o.Period.Month == 1 {
			c.XTicks = append(c.XTicks, tick{Pos: round1(x(o.Period)), Label: strconv.Itoa(o.Period.Year)})
		}
	}
	for _, m := range milestones {
		if !m.On.Before(obs[0].Period) && !obs[len(obs)-1].Period.Before(m.On) {
			// Numbered markers with a key beside the chart: titles written
			// on the chart would overlap when milestones are close together.
			c.Milestones = append(c.Milestones, tick{Pos: round1(x(m.On)), Label: strconv.Itoa(len(c.Milestones) + 1), Title: m.Title, On: m.On})
		}
	}
	return c
}

// niceStep rounds a raw step up to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	if raw <= 0 {
		return 1
	}
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*mag {
			return m * mag
		}
	}
	return 10 * mag
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }
