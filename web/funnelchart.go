package web

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/spc"
)

// funnelChart is a funnel plot laid out for the "funnelsvg" partial: the
// areas' values at one period against their denominators, with the limits
// that narrow as the denominator grows. Like spcChart, every number reaches
// the template as a string.
type funnelChart struct {
	ID, Title, Desc        string
	Period                 gs.Date
	Width, Height          string
	Left, Right, Top, Base string
	XLabelY, YLabelX       string
	XTicks, YTicks         []tick
	Centre                 string // the pooled value's line, polyline points
	Upper2, Lower2         string // 2σ limits, polyline points
	Upper3, Lower3         string // 3σ limits
	Dots                   []spcDot
	// Labels name the areas outside the 3σ limits beside their markers.
	Labels              []funnelLabel
	Key                 []keyEntry
	Rows                []funnelRow
	CentreValue, SigmaZ string
	Unit                string
}

type funnelLabel struct {
	X, Y, Text, Anchor string
}

type funnelRow struct {
	Area                   string
	Numerator, Denominator int
	Value, Lower3, Upper3  string
	Position               string
}

// funnelUnit is one area's counts at the funnel's period.
type funnelUnit struct {
	Area gs.Area
	Obs  gs.Observation
}

// latestFunnel picks the latest period at which at least three areas have
// counts, and those areas' observations: what a funnel plot can compare.
func latestFunnel(byArea map[gs.Area][]gs.Observation) (gs.Date, []funnelUnit) {
	at := map[gs.Date][]funnelUnit{}
	var best gs.Date
	for a, obs := range byArea {
		for _, o := range obs {
			if o.Numerator == nil || o.Denominator == nil || *o.Denominator <= 0 {
				continue
			}
			at[o.Period] = append(at[o.Period], funnelUnit{a, o})
			if len(at[o.Period]) >= 3 && best.Before(o.Period) {
				best = o.Period
			}
		}
	}
	units := at[best]
	if best.IsZero() {
		return best, nil
	}
	// Map order is random: sort by area name for a stable page.
	for i := 1; i < len(units); i++ {
		for j := i; j > 0 && units[j].Area.Name < units[j-1].Area.Name; j-- {
			units[j], units[j-1] = units[j-1], units[j]
		}
	}
	return best, units
}

// layoutFunnel lays out the Laney-adjusted funnel plot of units, on the
// indicator's scale, coloured the Making Data Count way: beyond the 3σ
// limits is special cause, improvement or concern by the indicator's
// direction.
func layoutFunnel(id string, ind gs.Indicator, period gs.Date, units []funnelUnit) (funnelChart, error) {
	in := make([]spc.Unit, len(units))
	for i, u := range units {
		in[i] = spc.Unit{Name: u.Area.Name, Numerator: *u.Obs.Numerator, Denominator: *u.Obs.Denominator}
	}
	f, err := spc.FunnelPlot(in, spc.FunnelOptions{Laney: true})
	if err != nil {
		return funnelChart{}, err
	}
	k := proportionScale(ind)
	// The right margin holds half of the last tick's label ("100,000"), which is centred on the axis's end.
	width, height, left, right, top, base := 720.0, 360.0, 64.0, 684.0, 20.0, 310.0
	c := funnelChart{ID: id, Period: period, Unit: ind.Unit,
		Title: fmt.Sprintf("%s by area, %s: funnel plot", ind.Name, period.MonthYear()),
		Width: coord(width), Height: coord(height), Left: coord(left), Right: coord(right), Top: coord(top), Base: coord(base),
		XLabelY: coord(base + 18), YLabelX: coord(left - 6),
		CentreValue: fixed(f.Centre * k), SigmaZ: strconv.FormatFloat(f.SigmaZ, 'f', 2, 64)}

	maxN := 0.0
	for _, u := range f.Units {
		maxN = math.Max(maxN, u.Denominator)
	}
	xStep := niceStep(maxN / 4)
	xMax := xStep * math.Ceil(maxN*1.05/xStep)
	// The y axis spans the units and the 3σ limits over the middle of the
	// x range: the funnel's mouth near zero would dwarf everything else.
	lo, hi := f.Centre, f.Centre
	for _, u := range f.Units {
		lo, hi = math.Min(lo, math.Min(u.Value, u.Lower3)), math.Max(hi, math.Max(u.Value, u.Upper3))
	}
	lo, hi = lo*k, hi*k
	pad := (hi - lo) * 0.15
	if pad == 0 {
		pad = math.Max(math.Abs(hi)*0.05, 0.01)
	}
	yStep := niceStep((hi - lo + 2*pad) / 4)
	bottom, ceil := yStep*math.Floor((lo-pad)/yStep), yStep*math.Ceil((hi+pad)/yStep)
	x := func(n float64) float64 { return left + (right-left)*n/xMax }
	y := func(v float64) float64 {
		return base - (base-top)*(math.Max(bottom, math.Min(ceil, v))-bottom)/(ceil-bottom)
	}
	places := decimalsFor(yStep)
	for v := bottom; v <= ceil+yStep/2; v += yStep {
		c.YTicks = append(c.YTicks, tick{Pos: coord(y(v)), Label: strconv.FormatFloat(v, 'f', places, 64)})
	}
	for n := 0.0; n <= xMax+xStep/2; n += xStep {
		c.XTicks = append(c.XTicks, tick{Pos: coord(x(n)), Label: formatInt(int(n))})
	}
	var u2, l2, u3, l3 []string
	const steps = 80
	for i := 1; i <= steps; i++ {
		n := xMax * float64(i) / steps
		lim := f.LimitsAt(n)
		px := coord(x(n))
		u2 = append(u2, px+","+coord(y(lim.Upper2*k)))
		l2 = append(l2, px+","+coord(y(lim.Lower2*k)))
		u3 = append(u3, px+","+coord(y(lim.Upper3*k)))
		l3 = append(l3, px+","+coord(y(lim.Lower3*k)))
	}
	c.Upper2, c.Lower2 = strings.Join(u2, " "), strings.Join(l2, " ")
	c.Upper3, c.Lower3 = strings.Join(u3, " "), strings.Join(l3, " ")
	c.Centre = coord(x(xMax/steps)) + "," + coord(y(f.Centre*k)) + " " + coord(x(xMax)) + "," + coord(y(f.Centre*k))

	var outside []string // "London (above)", for the desc
	lowest, highest := 0, 0
	for i, u := range f.Units {
		if u.Value < f.Units[lowest].Value {
			lowest = i
		}
		if u.Value > f.Units[highest].Value {
			highest = i
		}
		p := spc.PointResult{Value: u.Value * k, Variation: spc.Common}
		pos := "Within the limits"
		if u.Beyond2 != 0 {
			pos = "Beyond the 2σ limit, within the 3σ"
		}
		if u.Beyond3 != 0 {
			pos = "Above the 3σ limit"
			if u.Beyond3 < 0 {
				pos = "Below the 3σ limit"
			}
			outside = append(outside, u.Name+" ("+strings.TrimSuffix(strings.ToLower(pos), " the 3σ limit")+")")
			p.Variation = funnelVariation(ind.Direction, u.Beyond3)
			p.High = spc.RuleSet(spc.Outside)
		}
		px, py := x(u.Denominator), y(u.Value*k)
		d := dot(px, py, false, p, units[i].Obs)
		d.Title = fmt.Sprintf("%s: %s of %s, %s", u.Name, fixed(u.Value*k), formatInt(int(u.Denominator)), strings.ToLower(pos))
		c.Dots = append(c.Dots, d)
		if u.Beyond3 != 0 {
			// Named to the right of the marker, or to its left near the
			// right-hand edge, where the name would run off the chart.
			l := funnelLabel{X: coord(px + 9), Y: coord(py), Text: u.Name, Anchor: "start"}
			if px > right-160 {
				l.X, l.Anchor = coord(px-9), "end"
			}
			c.Labels = append(c.Labels, l)
		}
		c.Rows = append(c.Rows, funnelRow{Area: u.Name, Numerator: int(u.Numerator), Denominator: int(u.Denominator),
			Value: fixed(u.Value * k), Lower3: fixed(u.Lower3 * k), Upper3: fixed(u.Upper3 * k), Position: pos})
	}
	c.Key = funnelKey(ind.Direction)
	c.Desc = fmt.Sprintf("Funnel plot of %s for %d areas in %s: each area's value against the number of people counted, with limits that narrow as that number grows. "+
		"The pooled value is %s; the areas range from %s in %s to %s in %s. The limits are widened by Laney's adjustment, σz = %s. %d %s outside the 3σ limits",
		ind.Name, len(f.Units), period.MonthYear(), c.CentreValue,
		fixed(f.Units[lowest].Value*k), f.Units[lowest].Name, fixed(f.Units[highest].Value*k), f.Units[highest].Name,
		c.SigmaZ, len(outside), map[bool]string{true: "area is", false: "areas are"}[len(outside) == 1])
	if len(outside) > 0 {
		c.Desc += ": " + strings.Join(outside, ", ")
	}
	c.Desc += "."
	return c, nil
}

// funnelKey is the key to a funnel plot's markers: within the limits, and
// outside them in the indicator's direction.
func funnelKey(direction string) []keyEntry {
	k := []keyEntry{{marker(7, 7, false, spc.Common), "Grey circle: an area within the 3σ limits"}}
	if direction == "neither" {
		return append(k, keyEntry{marker(7, 7, false, spc.NeitherWay), "Purple diamond, named: an area outside the 3σ limits"})
	}
	return append(k,
		keyEntry{marker(7, 7.5, false, spc.Improvement), "Blue triangle, point up, named: an area outside the 3σ limits, better than the rest"},
		keyEntry{marker(7, 6.5, false, spc.Concern), "Orange triangle, point down, named: an area outside the 3σ limits, worse than the rest"})
}

// funnelVariation is the variation of a unit beyond the 3σ limits, in the
// indicator's direction.
func funnelVariation(direction string, beyond int) spc.Variation {
	switch {
	case direction == "neither":
		return spc.NeitherWay
	case (direction == "up") == (beyond > 0):
		return spc.Improvement
	default:
		return spc.Concern
	}
}
