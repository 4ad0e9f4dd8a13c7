package web

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/spc"
)

// The Making Data Count colours (SPC.md): the markers' fills and the
// icons' rings, so that the charts look as NHS analysts expect.
const (
	colourImprovement = "#00B0F0"
	colourConcern     = "#E46C0A"
	colourNeither     = "#490092"
	colourCommon      = "#A6A6A6"
)

// Darker shades of the same colours, for the markers' outlines and the
// icons' letters. MDC's blue (2.5:1 against white) and grey (2.4:1) fall
// short of the 3:1 WCAG 2.2 asks of a graphic that carries meaning (1.4.11),
// and of the 4.5:1 it asks of text (1.4.3): a marker outlined in a shade that
// passes 4.5:1 can be made out, and a letter read, while its fill keeps the
// MDC colour a reader looks for.
const (
	edgeImprovement = "#0072A8" // 5.3:1
	edgeConcern     = "#B35A00" // 4.8:1
	edgeNeither     = colourNeither
	edgeCommon      = "#767676" // 4.5:1
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

	Key []keyEntry

	Variation, Assurance *badge
	Warnings             []string
	Rows                 []spcRow
}

type segment struct{ X1, Y1, X2, Y2 string }

// spcDot is a point, coloured and shaped by its variation so that colour
// is never the only signal.
type spcDot struct {
	X, Y, R string // a circle's centre and radius
	Path    string // the marker's outline; empty for a circle
	Colour  string // the fill
	Edge    string // the outline
	Width   string // of the outline
	Title   string
}

// keyEntry is a line of a chart's key: a marker and the words for it.
type keyEntry struct {
	Dot   spcDot
	Words string
}

// badge is a variation or assurance icon: a ring in the MDC colour with a
// letter (H, L; P, F, ?) as MDC's icons have, and for a variation icon the
// chart's marker of the latest point, so that improvement and concern differ
// by more than colour. The words it stands for are written beside it.
type badge struct {
	Code   string
	Letter string
	Colour string // the ring
	Edge   string // the letter: the darker shade, for contrast
	Marker *spcDot
	Text   string
}

// spcRow is a row of the table that gives the chart's numbers.
type spcRow struct {
	Obs gs.Observation
	// Value is the value the chart draws: the observation's, or on a p′
	// chart the numerator ÷ denominator it is worked out from.
	Value              string
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
		c.Rows = append(c.Rows, spcRow{Obs: o, Value: fixed(o.Value)})
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
	c.Key = spcKey(c.RunChart)
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
		row.Value, row.Mean = fixed(p.Value), fixed(p.Mean)
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
		c.Variation = variationBadge(res.VariationIcon)
		c.Assurance = assuranceBadge(res.AssuranceIcon)
	}
	c.Desc = describe(desc, obs, res, c)
	return c
}

// dot is the marker of a point: a grey circle for common cause, a triangle
// pointing up for improvement, down for concern, a diamond for neither.
func dot(px, py float64, small bool, p spc.PointResult, o gs.Observation) spcDot {
	d := marker(px, py, small, p.Variation)
	d.Title = fmt.Sprintf("%s: %s, %s", o.Period.MonthYear(), fixed(p.Value), strings.ToLower(variationWords(p)))
	return d
}

// marker is the shape of a variation at (px, py). A special cause's shape
// is larger than the common-cause circle, so it stands out by size as well
// as by shape and colour.
func marker(px, py float64, small bool, v spc.Variation) spcDot {
	r, circle, width := 4.0, 3.5, 1.0
	if small {
		r, circle, width = 2.5, 2.0, 0.75
	}
	d := spcDot{X: coord(px), Y: coord(py), R: coord(circle), Colour: colourCommon, Edge: edgeCommon, Width: coord(width)}
	rr := r * 1.4
	pt := func(x, y float64) string { return coord(x) + "," + coord(y) }
	switch v {
	case spc.Improvement:
		d.Colour, d.Edge = colourImprovement, edgeImprovement
		d.Path = "M" + pt(px, py-rr) + "L" + pt(px+rr, py+rr*0.8) + "L" + pt(px-rr, py+rr*0.8) + "Z"
	case spc.Concern:
		d.Colour, d.Edge = colourConcern, edgeConcern
		d.Path = "M" + pt(px, py+rr) + "L" + pt(px+rr, py-rr*0.8) + "L" + pt(px-rr, py-rr*0.8) + "Z"
	case spc.NeitherWay:
		d.Colour, d.Edge = colourNeither, edgeNeither
		d.Path = "M" + pt(px, py-rr) + "L" + pt(px+rr, py) + "L" + pt(px, py+rr) + "L" + pt(px-rr, py) + "Z"
	}
	return d
}

// spcKey is the key to an SPC chart's markers, drawn by the code that draws
// the chart's, so that the two cannot differ. A run chart has no special
// causes.
func spcKey(runChart bool) []keyEntry {
	k := []keyEntry{{marker(7, 7, false, spc.Common), "Grey circle: common cause variation"}}
	if !runChart {
		k = append(k,
			keyEntry{marker(7, 7.5, false, spc.Improvement), "Blue triangle, point up: special cause, improvement"},
			keyEntry{marker(7, 6.5, false, spc.Concern), "Orange triangle, point down: special cause, concern"},
			keyEntry{marker(7, 7, false, spc.NeitherWay), "Purple diamond: special cause, neither improvement nor concern"})
	}
	return k
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
	var kind spc.Variation
	switch v {
	case spc.CommonCause:
		b.Letter, kind, b.Text = "~", spc.Common, "Common cause variation — no significant change"
	case spc.ImprovementHigh:
		b.Letter, kind, b.Text = "H", spc.Improvement, "Special cause — improving, high"
	case spc.ImprovementLow:
		b.Letter, kind, b.Text = "L", spc.Improvement, "Special cause — improving, low"
	case spc.ConcernHigh:
		b.Letter, kind, b.Text = "H", spc.Concern, "Special cause — concerning, high"
	case spc.ConcernLow:
		b.Letter, kind, b.Text = "L", spc.Concern, "Special cause — concerning, low"
	case spc.NeitherHigh:
		b.Letter, kind, b.Text = "H", spc.NeitherWay, "Special cause — neither improving nor concerning, high"
	case spc.NeitherLow:
		b.Letter, kind, b.Text = "L", spc.NeitherWay, "Special cause — neither improving nor concerning, low"
	default:
		return nil
	}
	// The latest point's marker, below the letter, as on the chart.
	m := marker(18, 27, true, kind)
	b.Marker, b.Colour, b.Edge = &m, m.Colour, m.Edge
	return b
}

func assuranceBadge(a spc.AssuranceIcon) *badge {
	b := &badge{Code: string(a)}
	switch a {
	case spc.Pass:
		b.Letter, b.Colour, b.Edge, b.Text = "P", colourImprovement, edgeImprovement, "Assurance: consistently passing the target"
	case spc.Fail:
		b.Letter, b.Colour, b.Edge, b.Text = "F", colourConcern, edgeConcern, "Assurance: consistently failing the target"
	case spc.HitOrMiss:
		b.Letter, b.Colour, b.Edge, b.Text = "?", colourCommon, edgeCommon, "Assurance: inconsistent (hit or miss)"
	default:
		return nil
	}
	return b
}

// describe is the chart's <desc>: what a reader would see, in numbers
// worked out from the series — its first and latest values, the mean and
// limits of each section, when special causes happened and what the latest
// point shows.
func describe(lead string, obs []gs.Observation, res *spc.Result, c spcChart) string {
	var b strings.Builder
	b.WriteString(lead)
	last := len(obs) - 1
	fmt.Fprintf(&b, " %d points, %s to %s: the first %s, the latest %s.", len(obs), obs[0].Period.MonthYear(), obs[last].Period.MonthYear(),
		fixed(res.Points[0].Value), fixed(res.Points[last].Value))
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
		runs := specialRuns(obs, res)
		special := 0
		for _, r := range runs {
			special += r.n
		}
		fmt.Fprintf(&b, " %d %s special-cause variation", special, map[bool]string{true: "point shows", false: "points show"}[special == 1])
		const most = 5 // runs told; a reader wanting more has the table
		for i, r := range runs {
			switch {
			case i == most:
				fmt.Fprintf(&b, "; and %d more", len(runs)-most)
			case i > most:
				continue
			default:
				b.WriteString(map[bool]string{true: ": ", false: "; "}[i == 0])
				b.WriteString(r.String())
			}
		}
		b.WriteString(".")
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

// run is consecutive points of one special-cause variation.
type run struct {
	kind        spc.Variation
	first, last gs.Date
	n           int
}

func (r run) String() string {
	words := map[spc.Variation]string{spc.Improvement: "improvement", spc.Concern: "concern", spc.NeitherWay: "neither improvement nor concern"}[r.kind]
	if r.n == 1 {
		return words + " in " + r.first.MonthYear()
	}
	return fmt.Sprintf("%s from %s to %s (%d points)", words, r.first.MonthYear(), r.last.MonthYear(), r.n)
}

// specialRuns groups a chart's special-cause points into runs, in order.
func specialRuns(obs []gs.Observation, res *spc.Result) []run {
	var runs []run
	for i, p := range res.Points {
		if !p.SpecialCause() {
			continue
		}
		if n := len(runs); n > 0 && runs[n-1].kind == p.Variation && i > 0 && res.Points[i-1].Variation == p.Variation {
			runs[n-1].last, runs[n-1].n = obs[i].Period, runs[n-1].n+1
			continue
		}
		runs = append(runs, run{kind: p.Variation, first: obs[i].Period, last: obs[i].Period, n: 1})
	}
	return runs
}
