package web

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/spc"
)

// The Making Data Count colours (SPC.md).
const (
	colourImprovement = "#00B0F0"
	colourConcern     = "#E46C0A"
	colourNeither     = "#490092"
	colourCommon      = "#A6A6A6"
)

// spcChart is an SPC chart laid out for the "spcsvg" and "spcchart"
// partials, which draw it as SVG. Everything here is strings made with
// strconv or plain text; the templates escape it.
type spcChart struct {
	ID          string // prefix of the SVG's element ids
	Title, Desc string
	Small       bool

	Width, Height          string
	Left, Right, Top, Base string
	XLabelY, YLabelX       string

	Empty bool
	// Err says why there is no SPC chart, for a series spc refuses.
	Err string
	// RunChart is true below the minimum points: no limits, flags or icons.
	RunChart  bool
	MinPoints int

	YTicks, XTicks []tick
	Milestones     []tick
	Line           string
	Mean           []segment
	Limits         []segment // process limits, both sides
	TwoSigma       []segment // two-sigma lines, both sides
	// LimitPaths and TwoSigmaPaths are polyline points, for charts whose
	// limits change from point to point (the p′ chart's, with the
	// denominator).
	LimitPaths, TwoSigmaPaths []string
	// Varying is true when the limits vary by point.
	Varying bool
	Target  *segment
	Dots    []spcDot

	Variation, Assurance *badge
	Warnings             []string
	Rows                 []spcRow
}

type segment struct{ X1, Y1, X2, Y2 string }

// spcDot is a point, coloured and shaped by its variation so that colour
// is never the only signal.
type spcDot struct {
	X, Y   string
	Path   string // the marker's outline; empty for a plain circle
	Colour string
	Title  string
}

// badge is a variation or assurance icon: a coloured disc with a letter,
// and the words it stands for.
type badge struct {
	ID     string // the id of its SVG's title
	Code   string
	Letter string
	Colour string
	Text   string
}

// spcRow is a row of the table that gives the chart's numbers.
type spcRow struct {
	Obs                gs.Observation
	Mean, Lower, Upper string
	Variation          string
}

// Chart kinds the indicator page offers.
const (
	chartXmR    = "xmr"    // XmR of the values: MDC's default
	chartPPrime = "pprime" // Laney p′ of numerator ÷ denominator
)

// spcSeries computes the chart of observations: XmR in the indicator's
// direction with its target, recalculated at the first period on or after
// recalc (if not zero). Kind chartPPrime draws Laney's p′ chart of the
// numerators and denominators instead, on the indicator's scale (percent
// when its unit is "%").
func spcSeries(obs []gs.Observation, ind gs.Indicator, recalc gs.Date, kind string) (*spc.Result, error) {
	o := spc.Options{Direction: spc.Direction(ind.Direction), Target: ind.Target}
	if !recalc.IsZero() {
		for _, ob := range obs {
			if !ob.Period.Before(recalc) {
				o.Recalculate = []string{ob.Period.String()}
				break
			}
		}
	}
	if kind == chartPPrime {
		return pPrimeSeries(obs, ind, o)
	}
	points := make([]spc.Point, len(obs))
	for i, ob := range obs {
		points[i] = spc.Point{Period: ob.Period.String(), Value: ob.Value}
	}
	return spc.XmR(points, o)
}

// hasCounts reports whether every observation has a numerator and a
// denominator, so a p′ chart can be drawn.
func hasCounts(obs []gs.Observation) bool {
	for _, o := range obs {
		if o.Numerator == nil || o.Denominator == nil {
			return false
		}
	}
	return len(obs) > 0
}

// proportionScale is what a proportion is multiplied by to be on the
// indicator's scale: 100 for a percentage.
func proportionScale(ind gs.Indicator) float64 {
	if strings.Contains(ind.Unit, "%") {
		return 100
	}
	return 1
}

func pPrimeSeries(obs []gs.Observation, ind gs.Indicator, o spc.Options) (*spc.Result, error) {
	if !hasCounts(obs) {
		return nil, fmt.Errorf("a p′ chart needs a numerator and a denominator for every month, and some are missing")
	}
	k := proportionScale(ind)
	if o.Target != nil {
		t := *o.Target / k // spc judges the target on the proportion's scale
		o.Target = &t
	}
	counts := make([]spc.Count, len(obs))
	for i, ob := range obs {
		counts[i] = spc.Count{Period: ob.Period.String(), Numerator: *ob.Numerator, Denominator: *ob.Denominator}
	}
	res, err := spc.LaneyPChart(counts, o)
	if err != nil {
		return nil, err
	}
	for i := range res.Points {
		p := &res.Points[i]
		p.Value, p.Mean, p.Lower, p.Upper = p.Value*k, p.Mean*k, p.Lower*k, p.Upper*k
		p.LowerTwoSigma, p.UpperTwoSigma = p.LowerTwoSigma*k, p.UpperTwoSigma*k
	}
	for i := range res.Sections {
		res.Sections[i].Mean *= k
	}
	return res, nil
}

// layoutSPC lays out the chart of obs, whose result is res (nil with err if
// spc refused the series), with the milestones that fall inside it.
func layoutSPC(id, title, desc string, small bool, obs []gs.Observation, target *float64, res *spc.Result, err error, milestones []gs.Milestone) spcChart {
	width, height, left, right, top, base := 720.0, 340.0, 64.0, 704.0, 20.0, 290.0
	if small {
		width, height, left, right, top, base = 240.0, 130.0, 40.0, 232.0, 8.0, 112.0
	}
	c := spcChart{ID: id, Title: title, Small: small, MinPoints: spc.DefaultMinPoints,
		Width: coord(width), Height: coord(height), Left: coord(left), Right: coord(right), Top: coord(top), Base: coord(base),
		XLabelY: coord(base + 18), YLabelX: coord(left - 6)}
	for _, o := range obs {
		c.Rows = append(c.Rows, spcRow{Obs: o})
	}
	if len(obs) == 0 {
		c.Empty = true
		c.Desc = desc
		return c
	}
	if err != nil {
		c.Err = err.Error()
		c.Desc = desc
		return c
	}
	c.RunChart = !res.LimitsShown
	c.Warnings = res.Warnings

	// The y axis spans the values, lines and target with a little room; an
	// SPC chart need not start at zero, as its limits carry the scale.
	lo, hi := math.Inf(1), math.Inf(-1)
	see := func(v float64) { lo, hi = math.Min(lo, v), math.Max(hi, v) }
	for _, p := range res.Points {
		see(p.Value)
		see(p.Mean)
		if res.LimitsShown {
			see(p.Lower)
			see(p.Upper)
		}
	}
	if target != nil {
		see(*target)
	}
	step := niceStep((hi - lo) / 4)
	bottom, ceil := step*math.Floor(lo/step), step*math.Ceil(hi/step)
	if ceil-bottom < step/2 {
		bottom, ceil = bottom-step, ceil+step
	}
	y := func(v float64) float64 { return base - (base-top)*(v-bottom)/(ceil-bottom) }
	places := decimalsFor(step)
	for i := 0; ; i++ {
		v := bottom + float64(i)*step
		if v > ceil+step/2 {
			break
		}
		c.YTicks = append(c.YTicks, tick{Pos: coord(y(v)), Label: strconv.FormatFloat(v, 'f', places, 64)})
	}

	first, last := obs[0].Period.Time(), obs[len(obs)-1].Period.Time()
	span := last.Sub(first).Hours()
	if span <= 0 {
		span = 1
	}
	x := func(d gs.Date) float64 { return left + (right-left)*d.Time().Sub(first).Hours()/span }
	for _, o := range obs {
		if o.Period.Month == 1 && o.Period.Day == 1 {
			c.XTicks = append(c.XTicks, tick{Pos: coord(x(o.Period)), Label: strconv.Itoa(o.Period.Year)})
		}
	}
	for _, m := range milestones {
		if !m.On.Before(obs[0].Period) && !obs[len(obs)-1].Period.Before(m.On) {
			// Numbered markers with a key beside the chart: titles written
			// on the chart would overlap when milestones are close together.
			c.Milestones = append(c.Milestones, tick{Pos: coord(x(m.On)), Label: strconv.Itoa(len(c.Milestones) + 1), Title: m.Title, On: m.On})
		}
	}

	var line []string
	for i, p := range res.Points {
		px, py := x(obs[i].Period), y(p.Value)
		line = append(line, coord(px)+","+coord(py))
		c.Dots = append(c.Dots, dot(px, py, small, p, obs[i]))
		row := &c.Rows[i]
		row.Mean = fixed(p.Mean)
		row.Variation = variationWords(p)
		if res.LimitsShown {
			row.Lower, row.Upper = fixed(p.Lower), fixed(p.Upper)
		}
	}
	c.Line = strings.Join(line, " ")

	for _, s := range res.Sections {
		x1, x2 := x(obs[s.Start].Period), x(obs[s.End-1].Period)
		if s.End-s.Start == 1 {
			x1, x2 = x1-4, x2+4
		}
		seg := func(v float64) segment {
			return segment{X1: coord(x1), Y1: coord(y(v)), X2: coord(x2), Y2: coord(y(v))}
		}
		c.Mean = append(c.Mean, seg(s.Mean))
		switch {
		case !res.LimitsShown:
		case s.SigmaZ > 0:
			// A proportion chart: each point has its own limits, drawn as
			// steps so each month's stand level across it.
			c.Varying = true
			path := func(v func(spc.PointResult) float64) string {
				var pts []string
				for i := s.Start; i < s.End; i++ {
					half := 4.0
					if s.End-s.Start > 1 {
						half = (right - left) / float64(2*max(len(obs)-1, 1))
					}
					px, py := x(obs[i].Period), y(v(res.Points[i]))
					pts = append(pts, coord(max(left, px-half))+","+coord(py), coord(min(right, px+half))+","+coord(py))
				}
				return strings.Join(pts, " ")
			}
			c.LimitPaths = append(c.LimitPaths, path(func(p spc.PointResult) float64 { return p.Lower }), path(func(p spc.PointResult) float64 { return p.Upper }))
			c.TwoSigmaPaths = append(c.TwoSigmaPaths, path(func(p spc.PointResult) float64 { return p.LowerTwoSigma }), path(func(p spc.PointResult) float64 { return p.UpperTwoSigma }))
		default:
			c.Limits = append(c.Limits, seg(s.Lower), seg(s.Upper))
			c.TwoSigma = append(c.TwoSigma, seg(s.LowerTwoSigma), seg(s.UpperTwoSigma))
		}
	}
	if target != nil {
		c.Target = &segment{X1: coord(left), Y1: coord(y(*target)), X2: coord(right), Y2: coord(y(*target))}
	}
	if res.LimitsShown {
		if c.Variation = variationBadge(res.VariationIcon); c.Variation != nil {
			c.Variation.ID = id + "-variation"
		}
		if c.Assurance = assuranceBadge(res.AssuranceIcon); c.Assurance != nil {
			c.Assurance.ID = id + "-assurance"
		}
	}
	c.Desc = describe(desc, obs, res, c)
	return c
}

// dot is the marker of a point: a grey circle for common cause, a triangle
// pointing up for improvement, down for concern, a diamond for neither.
func dot(px, py float64, small bool, p spc.PointResult, o gs.Observation) spcDot {
	r := 4.0
	if small {
		r = 2.5
	}
	d := spcDot{X: coord(px), Y: coord(py), Colour: colourCommon,
		Title: fmt.Sprintf("%s: %s, %s", o.Period.MonthYear(), fixed(p.Value), strings.ToLower(variationWords(p)))}
	rr := r * 1.4
	switch p.Variation {
	case spc.Improvement:
		d.Colour = colourImprovement
		d.Path = "M" + coord(px) + "," + coord(py-rr) + "L" + coord(px+rr) + "," + coord(py+rr*0.8) + "L" + coord(px-rr) + "," + coord(py+rr*0.8) + "Z"
	case spc.Concern:
		d.Colour = colourConcern
		d.Path = "M" + coord(px) + "," + coord(py+rr) + "L" + coord(px+rr) + "," + coord(py-rr*0.8) + "L" + coord(px-rr) + "," + coord(py-rr*0.8) + "Z"
	case spc.NeitherWay:
		d.Colour = colourNeither
		d.Path = "M" + coord(px) + "," + coord(py-rr) + "L" + coord(px+rr) + "," + coord(py) + "L" + coord(px) + "," + coord(py+rr) + "L" + coord(px-rr) + "," + coord(py) + "Z"
	}
	return d
}

var ruleWords = map[string]string{"outside": "outside the limits", "shift": "shift", "trend": "trend", "two_of_three": "two of three near a limit"}

// variationWords says what a point shows, and which rules flagged it.
func variationWords(p spc.PointResult) string {
	var kind string
	switch p.Variation {
	case spc.Improvement:
		kind = "Special cause: improvement"
	case spc.Concern:
		kind = "Special cause: concern"
	case spc.NeitherWay:
		kind = "Special cause: neither improvement nor concern"
	default:
		return "Common cause"
	}
	var rules []string
	for _, n := range p.Rules().Names() {
		rules = append(rules, ruleWords[n])
	}
	return kind + " (" + strings.Join(rules, ", ") + ")"
}

func variationBadge(v spc.VariationIcon) *badge {
	b := &badge{Code: string(v)}
	switch v {
	case spc.CommonCause:
		b.Letter, b.Colour, b.Text = "~", colourCommon, "Common cause variation — no significant change"
	case spc.ImprovementHigh:
		b.Letter, b.Colour, b.Text = "H", colourImprovement, "Special cause — improving, high"
	case spc.ImprovementLow:
		b.Letter, b.Colour, b.Text = "L", colourImprovement, "Special cause — improving, low"
	case spc.ConcernHigh:
		b.Letter, b.Colour, b.Text = "H", colourConcern, "Special cause — concerning, high"
	case spc.ConcernLow:
		b.Letter, b.Colour, b.Text = "L", colourConcern, "Special cause — concerning, low"
	case spc.NeitherHigh:
		b.Letter, b.Colour, b.Text = "H", colourNeither, "Special cause — neither improving nor concerning, high"
	case spc.NeitherLow:
		b.Letter, b.Colour, b.Text = "L", colourNeither, "Special cause — neither improving nor concerning, low"
	default:
		return nil
	}
	return b
}

func assuranceBadge(a spc.AssuranceIcon) *badge {
	b := &badge{Code: string(a)}
	switch a {
	case spc.Pass:
		b.Letter, b.Colour, b.Text = "P", colourImprovement, "Assurance: consistently passing the target"
	case spc.Fail:
		b.Letter, b.Colour, b.Text = "F", colourConcern, "Assurance: consistently failing the target"
	case spc.HitOrMiss:
		b.Letter, b.Colour, b.Text = "?", colourCommon, "Assurance: inconsistent (hit or miss)"
	default:
		return nil
	}
	return b
}

// describe is the chart's <desc>: what a reader would see.
func describe(lead string, obs []gs.Observation, res *spc.Result, c spcChart) string {
	var b strings.Builder
	b.WriteString(lead)
	fmt.Fprintf(&b, " %d points, %s to %s.", len(obs), obs[0].Period.MonthYear(), obs[len(obs)-1].Period.MonthYear())
	if c.RunChart {
		fmt.Fprintf(&b, " Fewer than %d points: shown as a run chart without limits. Mean %s.", c.MinPoints, fixed(res.Sections[0].Mean))
	} else {
		for _, s := range res.Sections {
			if len(res.Sections) > 1 {
				fmt.Fprintf(&b, " From %s: mean", obs[s.Start].Period.MonthYear())
			} else {
				b.WriteString(" Mean")
			}
			if c.Varying {
				fmt.Fprintf(&b, " %s, with process limits that vary with each month's denominator.", fixed(s.Mean))
			} else {
				fmt.Fprintf(&b, " %s, process limits %s to %s.", fixed(s.Mean), fixed(s.Lower), fixed(s.Upper))
			}
		}
		special := 0
		for _, p := range res.Points {
			if p.SpecialCause() {
				special++
			}
		}
		fmt.Fprintf(&b, " %d %s special-cause variation.", special, map[bool]string{true: "point shows", false: "points show"}[special == 1])
		if c.Variation != nil {
			fmt.Fprintf(&b, " Latest point: %s.", c.Variation.Text)
		}
		if c.Assurance != nil {
			fmt.Fprintf(&b, " %s.", c.Assurance.Text)
		}
	}
	if len(c.Milestones) > 0 {
		b.WriteString(" Dashed vertical lines mark the campaign's milestones.")
	}
	return b.String()
}
