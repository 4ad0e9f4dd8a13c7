package spc

import (
	"fmt"
	"math"
	"strings"
)

// The MDC constants.
const (
	// LimitFactor times the mean moving range is the distance from the mean
	// to a process limit (3 ÷ d₂, d₂ = 1.128 for ranges of two).
	LimitFactor = 2.66
	// TwoSigmaFactor times the mean moving range is the distance from the
	// mean to a two-sigma line.
	TwoSigmaFactor = 2 * LimitFactor / 3
	// ScreenFactor times the mean moving range is the largest moving range
	// kept when screening (D₄ for ranges of two).
	ScreenFactor = 3.267
	// D2 is the bias correction for the mean moving range of two points:
	// σ ≈ mMR ÷ D2. Laney's σz uses it.
	D2 = 1.128
)

// Defaults from SPC.md.
const (
	DefaultShift     = 6
	DefaultTrend     = 6
	DefaultMinPoints = 13
	// ShortSection is the number of points below which a section's limits
	// are flagged as unreliable in Result.Warnings.
	ShortSection = 12
)

// relTol is how close (relative) a value must be to a line to be on it.
const relTol = 1e-12

// Direction says which way is better.
type Direction string

// The improvement directions. The zero value means Neither.
const (
	Neither Direction = "neither"
	Up      Direction = "up"   // higher is better
	Down    Direction = "down" // lower is better
)

// Conflict says what a point flagged both high and low shows.
type Conflict string

// The conflict resolutions. The zero value means PreferImprovement.
const (
	PreferImprovement Conflict = "improvement"
	PreferConcern     Conflict = "concern"
)

// Variation is what a point shows.
type Variation string

// The variations of a point.
const (
	Common      Variation = "common"      // no special cause
	Improvement Variation = "improvement" // special cause, the better way
	Concern     Variation = "concern"     // special cause, the worse way
	NeitherWay  Variation = "neither"     // special cause, no direction set
)

// VariationIcon is MDC's variation icon, from the last point.
type VariationIcon string

// The variation icons.
const (
	NoVariationIcon VariationIcon = "none"
	CommonCause     VariationIcon = "common_cause"
	ImprovementHigh VariationIcon = "improvement_high"
	ImprovementLow  VariationIcon = "improvement_low"
	ConcernHigh     VariationIcon = "concern_high"
	ConcernLow      VariationIcon = "concern_low"
	NeitherHigh     VariationIcon = "neither_high"
	NeitherLow      VariationIcon = "neither_low"
)

// AssuranceIcon is MDC's assurance icon: can the process be relied on to
// meet the target?
type AssuranceIcon string

// The assurance icons.
const (
	NoAssuranceIcon AssuranceIcon = "none"
	Pass            AssuranceIcon = "pass"        // the limits are all on the right side of the target
	HitOrMiss       AssuranceIcon = "hit_or_miss" // the target lies between the limits
	Fail            AssuranceIcon = "fail"        // the limits are all on the wrong side of the target
)

// Rule is one of the special-cause rules.
type Rule uint8

// The rules, as bits of a RuleSet.
const (
	Outside    Rule = 1 << iota // a point beyond a process limit
	Shift                       // a run on one side of the mean
	Trend                       // a run of rises or falls
	TwoOfThree                  // two of three points beyond a two-sigma line
)

var ruleNames = [...]struct {
	r    Rule
	name string
}{{Outside, "outside"}, {Shift, "shift"}, {Trend, "trend"}, {TwoOfThree, "two_of_three"}}

// String is the rule's name in the CLI and JSON: "outside", "shift", "trend"
// or "two_of_three".
func (r Rule) String() string {
	for _, n := range ruleNames {
		if n.r == r {
			return n.name
		}
	}
	return fmt.Sprintf("Rule(%d)", uint8(r))
}

// RuleSet is a set of rules.
type RuleSet uint8

// Has reports whether the set holds r.
func (s RuleSet) Has(r Rule) bool { return s&RuleSet(r) != 0 }

// Names lists the rules in the set, in the order outside, shift, trend,
// two_of_three; an empty set gives an empty, non-nil slice.
func (s RuleSet) Names() []string {
	names := []string{}
	for _, n := range ruleNames {
		if s.Has(n.r) {
			names = append(names, n.name)
		}
	}
	return names
}

// Options are the settings of a chart. The zero value is SPC.md's defaults:
// no direction, no target, no baseline or recalculation, shift and trend 6,
// 13 points minimum, no screening, a point beyond the process limit does not
// count for two of three, conflicts show improvement, rules run across
// recalculations, gaps refused.
type Options struct {
	Direction Direction
	// Target, if set, gives the assurance icon (with Direction Up or Down).
	Target *float64
	// Baseline, if not 0, is the number of points (at least 2) at the start
	// of the series whose mean and limits are extended to the rest of the
	// first section.
	Baseline int
	// Recalculate lists periods that each start a new section with its own
	// mean and limits. Each must be a period of the series; the first period
	// and repeats change nothing.
	Recalculate []string
	// Shift and Trend are the run lengths of those rules, 6–8 (0: 6).
	Shift, Trend int
	// MinPoints is the number of points below which the chart is a run
	// chart: no limits, no flags, no icons (0: 13).
	MinPoints int
	// ScreenOutliers drops moving ranges above 3.267·mMR and recomputes mMR.
	ScreenOutliers bool
	// TwoSigmaIncludesOutside counts a point beyond the process limit
	// toward the two-of-three rule.
	TwoSigmaIncludesOutside bool
	// Conflict is what a point flagged both high and low shows ("":
	// improvement).
	Conflict Conflict
	// RulesWithinSections stops runs and two-of-three windows at a
	// recalculation (as NHSRplotthedots does); by MDC's default they run
	// across it.
	RulesWithinSections bool
	// AllowGaps skips missing periods instead of refusing the series; see
	// the package documentation.
	AllowGaps bool
}

// Error is a fault in the input: a point or unit (Index ≥ 0, counted from 0)
// or, with Index −1, the options.
type Error struct {
	Index int
	Label string // the point's period, or the unit's name, if Index ≥ 0
	Msg   string
	Gap   *Gap // the missing periods before the point, for a gap
}

func (e *Error) Error() string {
	if e.Index < 0 {
		return e.Msg
	}
	if e.Label == "" {
		return fmt.Sprintf("point %d: %s", e.Index+1, e.Msg)
	}
	return fmt.Sprintf("point %d (%s): %s", e.Index+1, e.Label, e.Msg)
}

func optionError(format string, args ...any) *Error {
	return &Error{Index: -1, Msg: fmt.Sprintf(format, args...)}
}

// withDefaults checks o and fills in its defaults.
func (o Options) withDefaults() (Options, error) {
	switch o.Direction {
	case "":
		o.Direction = Neither
	case Up, Down, Neither:
	default:
		return o, optionError("direction %q: want up, down or neither", string(o.Direction))
	}
	switch o.Conflict {
	case "":
		o.Conflict = PreferImprovement
	case PreferImprovement, PreferConcern:
	default:
		return o, optionError("conflict %q: want improvement or concern", string(o.Conflict))
	}
	if o.Shift == 0 {
		o.Shift = DefaultShift
	}
	if o.Shift < 6 || o.Shift > 8 {
		return o, optionError("shift %d: want 6, 7 or 8 points", o.Shift)
	}
	if o.Trend == 0 {
		o.Trend = DefaultTrend
	}
	if o.Trend < 6 || o.Trend > 8 {
		return o, optionError("trend %d: want 6, 7 or 8 points", o.Trend)
	}
	if o.MinPoints == 0 {
		o.MinPoints = DefaultMinPoints
	}
	if o.MinPoints < 1 {
		return o, optionError("min-points %d: want at least 1", o.MinPoints)
	}
	if o.Baseline < 0 || o.Baseline == 1 {
		return o, optionError("baseline %d: want at least 2 points (a moving range needs two), or 0 for none", o.Baseline)
	}
	if o.Target != nil && !finite(*o.Target) {
		return o, optionError("target %v: want a finite number", *o.Target)
	}
	return o, nil
}

// Point is one value of a series.
type Point struct {
	Period string
	Value  float64
}

// Section is a stretch of the series with its own mean and limits.
type Section struct {
	Start, End int // points [Start, End) of the series
	// Fixed is the number of points, from Start, that the mean and limits
	// come from: the baseline in the first section, else End − Start.
	Fixed int
	Mean  float64
	// MovingRangeMean is mMR (after screening), the mean moving range of the
	// fixed points; for a Laney p′ chart, of their z-scores. It is 0 for a
	// one-point section and for a p-chart.
	MovingRangeMean float64
	// Screened is the number of moving ranges screening dropped.
	Screened int
	// The XmR lines; zero below the minimum points and for p-charts, whose
	// limits vary by point.
	Lower, Upper, LowerTwoSigma, UpperTwoSigma float64
	// SigmaZ is a p-chart's widening factor: 1 for a p-chart, σz for a Laney
	// p′ chart, 0 for XmR.
	SigmaZ float64
}

// PointResult is one point of a chart.
type PointResult struct {
	Period  string
	Value   float64
	Section int // index into Result.Sections
	Mean    float64
	// The lines the point is judged against; valid only when
	// Result.LimitsShown.
	Lower, Upper, LowerTwoSigma, UpperTwoSigma float64
	// MovingRange is |value − previous value| within the section; valid
	// when HasMovingRange (not the first point of a section). For a p′
	// chart it is the moving range of the z-scores; a p-chart has none.
	MovingRange    float64
	HasMovingRange bool
	// High and Low are the rules that flagged the point high or low.
	High, Low RuleSet
	Variation Variation
}

// Rules are the rules that flagged the point either way.
func (p PointResult) Rules() RuleSet { return p.High | p.Low }

// SpecialCause reports whether any rule flagged the point.
func (p PointResult) SpecialCause() bool { return p.High|p.Low != 0 }

// Gap is a stretch of missing periods that Options.AllowGaps skipped.
type Gap struct {
	After, Before string   // the periods either side
	Missing       []string // the periods missing, first of each month
}

// Result is a computed chart.
type Result struct {
	// LimitsShown is false below the minimum number of points: a run chart.
	LimitsShown   bool
	Points        []PointResult
	Sections      []Section
	VariationIcon VariationIcon
	AssuranceIcon AssuranceIcon
	// Warnings are things a reader should know: sections too short for
	// reliable limits, skipped gaps.
	Warnings []string
	Gaps     []Gap
}

// XmR computes an XmR chart (individuals and moving range) of points in time
// order.
func XmR(points []Point, opts Options) (*Result, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	n := len(points)
	if n == 0 {
		return nil, optionError("no points")
	}
	for i, p := range points {
		if !finite(p.Value) {
			return nil, &Error{Index: i, Label: p.Period, Msg: fmt.Sprintf("value %v is not a finite number", p.Value)}
		}
	}
	period := func(i int) string { return points[i].Period }
	res := &Result{Points: make([]PointResult, n)}
	if err := res.setup(n, period, o); err != nil {
		return nil, err
	}
	for i, p := range points {
		res.Points[i].Value = p.Value
	}
	for si := range res.Sections {
		s := &res.Sections[si]
		pts := res.Points[s.Start:s.End]
		fixed := pts[:s.Fixed]
		x0 := fixed[0].Value
		var sum float64
		for _, p := range fixed {
			sum += p.Value - x0
		}
		s.Mean = x0 + sum/float64(len(fixed))
		for k := 1; k < len(pts); k++ {
			pts[k].MovingRange = math.Abs(pts[k].Value - pts[k-1].Value)
			pts[k].HasMovingRange = true
		}
		s.MovingRangeMean, s.Screened = meanMovingRange(fixed, o.ScreenOutliers)
		if res.LimitsShown {
			w, w2 := LimitFactor*s.MovingRangeMean, TwoSigmaFactor*s.MovingRangeMean
			s.Lower, s.Upper = s.Mean-w, s.Mean+w
			s.LowerTwoSigma, s.UpperTwoSigma = s.Mean-w2, s.Mean+w2
		}
		for k := range pts {
			p := &pts[k]
			p.Mean = s.Mean
			p.Lower, p.Upper, p.LowerTwoSigma, p.UpperTwoSigma = s.Lower, s.Upper, s.LowerTwoSigma, s.UpperTwoSigma
		}
	}
	res.finish(o)
	return res, nil
}

// setup checks the periods, makes the sections and sets each point's period
// and section.
func (r *Result) setup(n int, period func(int) string, o Options) error {
	gaps, err := checkPeriods(n, period, o.AllowGaps)
	if err != nil {
		return err
	}
	r.Gaps = gaps
	for _, g := range gaps {
		r.Warnings = append(r.Warnings, fmt.Sprintf("missing %s between %s and %s: skipped", listPeriods(g.Missing), g.After, g.Before))
	}
	starts, err := sectionStarts(n, period, o.Recalculate)
	if err != nil {
		return err
	}
	if o.Baseline > n {
		return optionError("baseline of %d points, but the series has only %d", o.Baseline, n)
	}
	r.LimitsShown = n >= o.MinPoints
	r.Sections = make([]Section, len(starts))
	for si, a := range starts {
		b := n
		if si+1 < len(starts) {
			b = starts[si+1]
		}
		s := &r.Sections[si]
		s.Start, s.End, s.Fixed = a, b, b-a
		if si == 0 && o.Baseline > 0 {
			if o.Baseline > b-a {
				return optionError("baseline of %d points, but the first recalculation (%s) comes after %d", o.Baseline, period(b), b-a)
			}
			s.Fixed = o.Baseline
		}
		for i := a; i < b; i++ {
			r.Points[i].Period = period(i)
			r.Points[i].Section = si
		}
		if r.LimitsShown && s.Fixed < ShortSection {
			what := "section"
			if s.Fixed < b-a {
				what = "baseline of the section"
			}
			r.Warnings = append(r.Warnings, fmt.Sprintf("the limits of the %s starting %s rest on %d point%s (fewer than %d): treat them with caution",
				what, period(a), s.Fixed, plural(s.Fixed), ShortSection))
		}
	}
	return nil
}

// meanMovingRange is the mean of the moving ranges of pts (each point's
// MovingRange, from the second on), screened if asked.
func meanMovingRange(pts []PointResult, screen bool) (mmr float64, dropped int) {
	if len(pts) < 2 {
		return 0, 0
	}
	var sum float64
	for _, p := range pts[1:] {
		sum += p.MovingRange
	}
	mmr = sum / float64(len(pts)-1)
	if !screen || mmr == 0 {
		return mmr, 0
	}
	limit := ScreenFactor * mmr
	sum = 0
	kept := 0
	for _, p := range pts[1:] {
		if p.MovingRange > limit {
			continue
		}
		sum += p.MovingRange
		kept++
	}
	// kept > 0: not every moving range can exceed 3.267 times their mean.
	return sum / float64(kept), len(pts) - 1 - kept
}

// finish applies the rules and sets the variations and icons.
func (r *Result) finish(o Options) {
	r.VariationIcon, r.AssuranceIcon = NoVariationIcon, NoAssuranceIcon
	for i := range r.Points {
		r.Points[i].Variation = Common
	}
	if !r.LimitsShown {
		return
	}
	judge(r.Points, o)
	for i := range r.Points {
		r.Points[i].Variation = variation(&r.Points[i], o)
	}
	last := &r.Points[len(r.Points)-1]
	r.VariationIcon = variationIcon(last, o.Direction)
	if o.Target != nil {
		r.AssuranceIcon = assurance(*o.Target, last.Lower, last.Upper, o.Direction)
	}
}

func variation(p *PointResult, o Options) Variation {
	high, low := p.High != 0, p.Low != 0
	switch {
	case !high && !low:
		return Common
	case o.Direction == Neither:
		return NeitherWay
	case high && low:
		if o.Conflict == PreferConcern {
			return Concern
		}
		return Improvement
	case high == (o.Direction == Up):
		return Improvement
	default:
		return Concern
	}
}

func variationIcon(p *PointResult, d Direction) VariationIcon {
	switch p.Variation {
	case Improvement:
		if d == Up {
			return ImprovementHigh
		}
		return ImprovementLow
	case Concern:
		if d == Up {
			return ConcernLow
		}
		return ConcernHigh
	case NeitherWay:
		// Flagged both ways (a trend crossing a shift): the side of the
		// mean it is on, high when on it.
		if p.High != 0 && (p.Low == 0 || cmp(p.Value, p.Mean) >= 0) {
			return NeitherHigh
		}
		return NeitherLow
	}
	return CommonCause
}

// assurance compares the target with the limits, boundaries inclusive.
func assurance(target, lower, upper float64, d Direction) AssuranceIcon {
	switch d {
	case Up:
		switch {
		case cmp(target, lower) <= 0:
			return Pass
		case cmp(target, upper) >= 0:
			return Fail
		}
		return HitOrMiss
	case Down:
		switch {
		case cmp(target, upper) >= 0:
			return Pass
		case cmp(target, lower) <= 0:
			return Fail
		}
		return HitOrMiss
	}
	return NoAssuranceIcon
}

// cmp compares a and b, equal within relTol of the larger magnitude.
func cmp(a, b float64) int {
	d := a - b
	m := math.Abs(a)
	if x := math.Abs(b); x > m {
		m = x
	}
	tol := relTol * m
	switch {
	case d > tol:
		return 1
	case d < -tol:
		return -1
	}
	return 0
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// listPeriods names up to six periods.
func listPeriods(ps []string) string {
	const most = 6
	if len(ps) <= most {
		return strings.Join(ps, ", ")
	}
	return strings.Join(ps[:most], ", ") + fmt.Sprintf(" and %d more", len(ps)-most)
}
