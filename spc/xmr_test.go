package spc

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// months gives n monthly periods from January 2019.
func months(n int) []string {
	ps := make([]string, n)
	for i := range ps {
		ps[i] = fmt.Sprintf("%04d-%02d-01", 2019+i/12, i%12+1)
	}
	return ps
}

// series makes monthly points from January 2019.
func series(values ...float64) []Point {
	ps := months(len(values))
	pts := make([]Point, len(values))
	for i, v := range values {
		pts[i] = Point{Period: ps[i], Value: v}
	}
	return pts
}

func join(parts ...[]float64) []float64 {
	var out []float64
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func repeat(v float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func near(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func mustXmR(t *testing.T, pts []Point, o Options) *Result {
	t.Helper()
	r, err := XmR(pts, o)
	if err != nil {
		t.Fatalf("XmR: %v", err)
	}
	return r
}

// TestXmRLimitsByHand works a chart through by hand.
func TestSPCXmRLimitsByHand(t *testing.T) {
	// 10, 12 six times, then 11: 13 points.
	//   mean = (6·10 + 6·12 + 11) ÷ 13 = 143 ÷ 13 = 11
	//   moving ranges: eleven of |12−10| = 2, then |11−12| = 1: sum 23, so
	//   mMR = 23 ÷ 12 = 1.91666…
	//   process limits = 11 ± 2.66 × 1.91666… = 11 ± 5.098333… → 5.901666…, 16.098333…
	//   two-sigma lines = 11 ± (2/3) × 5.098333… = 11 ± 3.398888… → 7.601111…, 14.398888…
	// The values alternate about the mean, and none is beyond a two-sigma
	// line: nothing is flagged.
	r := mustXmR(t, series(10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 11), Options{})
	if !r.LimitsShown || len(r.Sections) != 1 {
		t.Fatalf("LimitsShown %v, %d sections", r.LimitsShown, len(r.Sections))
	}
	s := r.Sections[0]
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"mean", s.Mean, 11},
		{"mMR", s.MovingRangeMean, 23.0 / 12},
		{"upper", s.Upper, 16.098333333333333},
		{"lower", s.Lower, 5.901666666666667},
		{"upper two-sigma", s.UpperTwoSigma, 14.398888888888889},
		{"lower two-sigma", s.LowerTwoSigma, 7.601111111111111},
	} {
		if !near(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	for i, p := range r.Points {
		if p.SpecialCause() || p.Variation != Common {
			t.Errorf("point %d flagged: %+v", i, p)
		}
		if p.Upper != s.Upper || p.Mean != s.Mean {
			t.Errorf("point %d lines differ from its section's", i)
		}
		if p.HasMovingRange != (i > 0) {
			t.Errorf("point %d HasMovingRange %v", i, p.HasMovingRange)
		}
	}
	if r.Points[12].MovingRange != 1 {
		t.Errorf("last moving range %v, want 1", r.Points[12].MovingRange)
	}
	if r.VariationIcon != CommonCause || r.AssuranceIcon != NoAssuranceIcon {
		t.Errorf("icons %s, %s", r.VariationIcon, r.AssuranceIcon)
	}
}

// TestScreenOutliersByHand is NHSRplotthedots's "Deviations from Excel
// defaults" example, worked by hand.
func TestSPCScreenOutliersByHand(t *testing.T) {
	// 18 points: 1, 2, 1, 2, 10, then 1, 2 alternating, ending 1.
	//   sum = nine 1s + eight 2s + 10 = 35; mean = 35 ÷ 18 = 1.94444…
	//   moving ranges (17): 1, 1, 1, 8, 9, then twelve 1s: sum 32, mMR = 32 ÷ 17 = 1.882353
	//   unscreened limits: 1.94444 ± 2.66 × 1.882353 = ± 5.007059 → −3.062614, 6.951503
	//   screening drops moving ranges above 3.267 × 1.882353 = 6.149647: the 8
	//   and the 9; the fifteen left are all 1, so mMR = 1 and the limits are
	//   1.94444 ± 2.66 → −0.715556, 4.604444.
	pts := series(1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1)
	for _, c := range []struct {
		screen            bool
		mmr, lower, upper float64
		screened          int
	}{
		{false, 32.0 / 17, 35.0/18 - 2.66*32/17, 35.0/18 + 2.66*32/17, 0},
		{true, 1, 35.0/18 - 2.66, 35.0/18 + 2.66, 2},
	} {
		r := mustXmR(t, pts, Options{ScreenOutliers: c.screen})
		s := r.Sections[0]
		if !near(s.MovingRangeMean, c.mmr) || !near(s.Lower, c.lower) || !near(s.Upper, c.upper) || s.Screened != c.screened {
			t.Errorf("screen %v: mMR %v [%v, %v] screened %d; want %v [%v, %v] %d",
				c.screen, s.MovingRangeMean, s.Lower, s.Upper, s.Screened, c.mmr, c.lower, c.upper, c.screened)
		}
		if !near(s.Upper, map[bool]float64{false: 6.951503267973856, true: 4.604444444444445}[c.screen]) {
			t.Errorf("screen %v: upper %v", c.screen, s.Upper)
		}
		// 10 is outside either way; nothing else is flagged.
		for i, p := range r.Points {
			want := RuleSet(0)
			if i == 4 {
				want = RuleSet(Outside)
			}
			if p.High != want || p.Low != 0 {
				t.Errorf("screen %v: point %d high %v low %v", c.screen, i, p.High.Names(), p.Low.Names())
			}
		}
	}
}

// baseline12 is the fixed baseline of the rule tests: 9, 11 six times.
//
//	mean = 10, every moving range 2, mMR = 2
//	process limits 10 ± 2.66 × 2 = 10 ± 5.32 → 4.68, 15.32
//	two-sigma lines 10 ± (2/3) × 5.32 = 10 ± 3.54666… → 6.45333…, 13.54666…
//
// It alternates about the mean and stays within the two-sigma lines, so it
// flags nothing itself, and it ends on 11 (above the mean).
var baseline12 = []float64{9, 11, 9, 11, 9, 11, 9, 11, 9, 11, 9, 11}

// flags writes a point's flags as "H:rule+rule L:rule", "" for none.
func flags(p PointResult) string {
	var parts []string
	if p.High != 0 {
		parts = append(parts, "H:"+strings.Join(p.High.Names(), "+"))
	}
	if p.Low != 0 {
		parts = append(parts, "L:"+strings.Join(p.Low.Names(), "+"))
	}
	return strings.Join(parts, " ")
}

func TestSPCRules(t *testing.T) {
	for _, c := range []struct {
		name string
		o    Options
		tail []float64 // after baseline12, judged against its lines
		want []string  // flags of the tail's points
	}{
		{"outside is strict", Options{},
			[]float64{10, 15.32, 15.33, 4.68, 4.67},
			[]string{"", "", "H:outside", "", "L:outside"}},
		{"shift of 6 above", Options{},
			join([]float64{10}, repeat(10.5, 6)),
			[]string{"", "H:shift", "H:shift", "H:shift", "H:shift", "H:shift", "H:shift"}},
		{"shift of 6 below", Options{},
			join([]float64{10}, repeat(9.5, 6)),
			[]string{"", "L:shift", "L:shift", "L:shift", "L:shift", "L:shift", "L:shift"}},
		{"5 above is no shift", Options{},
			join([]float64{10}, repeat(10.5, 5), []float64{10}),
			[]string{"", "", "", "", "", "", ""}},
		{"a point on the mean breaks a shift", Options{},
			join([]float64{10}, repeat(10.5, 3), []float64{10}, repeat(10.5, 3)),
			[]string{"", "", "", "", "", "", "", ""}},
		{"shift 7: 6 is not enough", Options{Shift: 7},
			join([]float64{10}, repeat(10.5, 6), []float64{10}),
			[]string{"", "", "", "", "", "", "", ""}},
		{"shift 7: 7 is", Options{Shift: 7},
			join([]float64{10}, repeat(10.5, 7)),
			[]string{"", "H:shift", "H:shift", "H:shift", "H:shift", "H:shift", "H:shift", "H:shift"}},
		{"shift 8", Options{Shift: 8},
			join([]float64{10}, repeat(9.5, 7), []float64{10}, repeat(9.5, 8)),
			[]string{"", "", "", "", "", "", "", "", "", "L:shift", "L:shift", "L:shift", "L:shift", "L:shift", "L:shift", "L:shift", "L:shift"}},
		// 11 (the baseline's last) → 8 falls; 8 … 11 rises six times,
		// crossing the mean, first point included.
		{"trend of 6 up, crossing the mean", Options{},
			[]float64{8, 8.5, 9, 9.5, 10.5, 11},
			[]string{"H:trend", "H:trend", "H:trend", "H:trend", "H:trend", "H:trend"}},
		{"5 rises is no trend", Options{},
			[]float64{8.5, 9, 9.5, 10.5, 11},
			[]string{"", "", "", "", ""}},
		{"equal neighbours break a trend", Options{},
			[]float64{8, 8.5, 9, 9, 9.5, 10.5, 11},
			[]string{"", "", "", "", "", "", ""}},
		// 11 → 12 rises (two points); 12 … 9 falls six times.
		{"trend of 6 down", Options{},
			[]float64{12, 11.5, 11, 10.5, 9.5, 9},
			[]string{"L:trend", "L:trend", "L:trend", "L:trend", "L:trend", "L:trend"}},
		{"trend 7: 6 is not enough", Options{Trend: 7},
			[]float64{8, 8.5, 9, 9.5, 10.5, 11},
			[]string{"", "", "", "", "", ""}},
		// The first six rising points are also six below the mean: a shift
		// down as well as a trend up.
		{"trend 8", Options{Trend: 8},
			[]float64{7, 7.5, 8, 8.5, 9, 9.5, 10.5, 11},
			[]string{"H:trend L:shift", "H:trend L:shift", "H:trend L:shift", "H:trend L:shift", "H:trend L:shift", "H:trend L:shift", "H:trend", "H:trend"}},
		// The peak, 11, ends a rise of 6 and starts a fall of 6: flagged
		// both ways.
		{"a turning point is in both trends", Options{},
			[]float64{8, 8.5, 9, 9.5, 10.5, 11, 10.6, 10.4, 9.6, 9.4, 9.2},
			[]string{"H:trend", "H:trend", "H:trend", "H:trend", "H:trend", "H:trend L:trend", "L:trend", "L:trend", "L:trend", "L:trend", "L:trend"}},
		// 14 is beyond 13.5466… and inside 15.32; 10.5 is above the mean but
		// not beyond: only the two 14s.
		{"two of three above", Options{},
			[]float64{10, 14, 10.5, 14},
			[]string{"", "H:two_of_three", "", "H:two_of_three"}},
		{"two of three below", Options{},
			[]float64{10, 6, 9, 6},
			[]string{"", "L:two_of_three", "", "L:two_of_three"}},
		{"three of three", Options{},
			[]float64{10, 14, 14, 14},
			[]string{"", "H:two_of_three", "H:two_of_three", "H:two_of_three"}},
		{"two of three must be on one side", Options{},
			[]float64{10, 14, 6, 14},
			[]string{"", "", "", ""}},
		{"two of three needs them within 3", Options{},
			[]float64{10, 14, 10.5, 10.5, 14},
			[]string{"", "", "", "", ""}},
		// By default 16, beyond the process limit, does not count: one 14
		// alone is not two of three.
		{"a point outside does not count for two of three", Options{},
			[]float64{10, 14, 10.5, 16},
			[]string{"", "", "", "H:outside"}},
		{"two-sigma-includes-outside", Options{TwoSigmaIncludesOutside: true},
			[]float64{10, 14, 10.5, 16},
			[]string{"", "H:two_of_three", "", "H:outside+two_of_three"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := c.o
			o.Baseline = 12
			r := mustXmR(t, series(join(baseline12, c.tail)...), o)
			s := r.Sections[0]
			if s.Mean != 10 || s.MovingRangeMean != 2 || !near(s.Upper, 15.32) || !near(s.UpperTwoSigma, 10+2*5.32/3) {
				t.Fatalf("baseline lines: %+v", s)
			}
			for i, p := range r.Points[:12] {
				if f := flags(p); f != "" {
					t.Errorf("baseline point %d: %s", i, f)
				}
			}
			var got []string
			for _, p := range r.Points[12:] {
				got = append(got, flags(p))
			}
			if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", c.want) {
				t.Errorf("tail %v\n got %q\nwant %q", c.tail, got, c.want)
			}
		})
	}
}

// TestDirection maps flags to variations and the last point to the icon.
func TestSPCDirection(t *testing.T) {
	up := join(baseline12, []float64{10}, repeat(10.5, 6))  // ends in a shift above
	low := join(baseline12, []float64{10}, repeat(9.5, 6))  // ends in a shift below
	common := join(baseline12, []float64{10}, repeat(9, 1)) // nothing at the end
	for _, c := range []struct {
		values []float64
		d      Direction
		last   Variation
		icon   VariationIcon
	}{
		{up, Up, Improvement, ImprovementHigh},
		{up, Down, Concern, ConcernHigh},
		{up, Neither, NeitherWay, NeitherHigh},
		{up, "", NeitherWay, NeitherHigh},
		{low, Up, Concern, ConcernLow},
		{low, Down, Improvement, ImprovementLow},
		{low, Neither, NeitherWay, NeitherLow},
		{common, Up, Common, CommonCause},
		{common, Down, Common, CommonCause},
	} {
		r := mustXmR(t, series(c.values...), Options{Baseline: 12, Direction: c.d})
		last := r.Points[len(r.Points)-1]
		if last.Variation != c.last || r.VariationIcon != c.icon {
			t.Errorf("direction %q, last %v: got %s, %s; want %s, %s", c.d, c.values[len(c.values)-1], last.Variation, r.VariationIcon, c.last, c.icon)
		}
	}
}

// TestConflict: the peak of TestRules's turning point is flagged high and low.
func TestSPCConflict(t *testing.T) {
	values := join(baseline12, []float64{8, 8.5, 9, 9.5, 10.5, 11, 10.6, 10.4, 9.6, 9.4, 9.2})
	peak := 12 + 5
	for _, c := range []struct {
		d    Direction
		c    Conflict
		want Variation
	}{
		{Up, "", Improvement},
		{Up, PreferImprovement, Improvement},
		{Up, PreferConcern, Concern},
		{Down, "", Improvement},
		{Down, PreferConcern, Concern},
		{Neither, PreferConcern, NeitherWay},
	} {
		r := mustXmR(t, series(values...), Options{Baseline: 12, Direction: c.d, Conflict: c.c})
		if got := r.Points[peak].Variation; got != c.want {
			t.Errorf("direction %s, conflict %q: peak shows %s, want %s", c.d, c.c, got, c.want)
		}
		// The points either side are flagged one way only.
		if got := r.Points[peak-1].Variation; c.d == Up && got != Improvement {
			t.Errorf("rising point shows %s", got)
		}
	}
	// The variation icon of a point flagged both ways with no direction:
	// the side of the mean it is on.
	p := PointResult{Value: 11, Mean: 10, High: RuleSet(Trend), Low: RuleSet(Trend), Variation: NeitherWay}
	if got := variationIcon(&p, Neither); got != NeitherHigh {
		t.Errorf("above the mean: %s", got)
	}
	p.Value = 9
	if got := variationIcon(&p, Neither); got != NeitherLow {
		t.Errorf("below the mean: %s", got)
	}
}

func TestSPCAssurance(t *testing.T) {
	// baseline12 and one more point: limits 4.68 and 15.32.
	values := join(baseline12, []float64{10})
	for _, c := range []struct {
		d      Direction
		target float64
		want   AssuranceIcon
	}{
		{Up, 4, Pass},
		{Up, 4.68, Pass}, // on the lower limit: inclusive
		{Up, 10, HitOrMiss},
		{Up, 15.32, Fail}, // on the upper limit
		{Up, 16, Fail},
		{Down, 16, Pass},
		{Down, 15.32, Pass},
		{Down, 10, HitOrMiss},
		{Down, 4.68, Fail},
		{Down, 4, Fail},
		{Neither, 4, NoAssuranceIcon},
	} {
		target := c.target
		r := mustXmR(t, series(values...), Options{Baseline: 12, Direction: c.d, Target: &target})
		if r.AssuranceIcon != c.want {
			t.Errorf("%s, target %v: %s, want %s", c.d, c.target, r.AssuranceIcon, c.want)
		}
	}
	r := mustXmR(t, series(values...), Options{Baseline: 12, Direction: Up})
	if r.AssuranceIcon != NoAssuranceIcon {
		t.Errorf("no target: %s", r.AssuranceIcon)
	}
	// Limits collapsed onto the target (a constant series): both
	// boundaries touch it; inclusive, it always meets it.
	if got := assurance(5, 5, 5, Up); got != Pass {
		t.Errorf("constant at the target, up: %s", got)
	}
	if got := assurance(5, 5, 5, Down); got != Pass {
		t.Errorf("constant at the target, down: %s", got)
	}
}

// TestAssuranceFromLatestSection: the icon uses the last section's limits.
func TestSPCAssuranceFromLatestSection(t *testing.T) {
	// Section 1: baseline12 (limits 4.68–15.32); section 2: 29, 31 six
	// times (mean 30, mMR 2, limits 24.68–35.32).
	values := join(baseline12, []float64{29, 31, 29, 31, 29, 31, 29, 31, 29, 31, 29, 31})
	target := 20.0
	r := mustXmR(t, series(values...), Options{Direction: Up, Target: &target, Recalculate: []string{"2020-01-01"}})
	if r.AssuranceIcon != Pass {
		t.Errorf("assurance %s, want pass (target 20 below the latest lower limit 24.68)", r.AssuranceIcon)
	}
}

func TestSPCMinPoints(t *testing.T) {
	twelve := join(baseline12[:11], []float64{30}) // 30 would be far outside
	r := mustXmR(t, series(twelve...), Options{Direction: Up, Target: new(float64)})
	if r.LimitsShown {
		t.Fatal("12 points: limits shown")
	}
	for i, p := range r.Points {
		if p.SpecialCause() || p.Variation != Common || p.Upper != 0 || p.Lower != 0 {
			t.Errorf("run chart point %d: %+v", i, p)
		}
		if !near(p.Mean, (6*9+5*11+30)/12.0) {
			t.Errorf("run chart point %d: mean %v", i, p.Mean)
		}
	}
	if r.VariationIcon != NoVariationIcon || r.AssuranceIcon != NoAssuranceIcon {
		t.Errorf("run chart icons %s, %s", r.VariationIcon, r.AssuranceIcon)
	}
	if len(r.Warnings) != 0 {
		t.Errorf("run chart warnings %q", r.Warnings)
	}

	r = mustXmR(t, series(join(twelve, []float64{9})...), Options{})
	if !r.LimitsShown {
		t.Fatal("13 points: no limits")
	}
	r = mustXmR(t, series(twelve...), Options{MinPoints: 12})
	if !r.LimitsShown {
		t.Fatal("min-points 12, 12 points: no limits")
	}
	r = mustXmR(t, series(join(twelve, []float64{9})...), Options{MinPoints: 20})
	if r.LimitsShown {
		t.Fatal("min-points 20, 13 points: limits")
	}
}

func TestSPCBaseline(t *testing.T) {
	values := join(baseline12, []float64{20, 10})
	r := mustXmR(t, series(values...), Options{Baseline: 12})
	s := r.Sections[0]
	if s.Fixed != 12 || s.Mean != 10 || s.MovingRangeMean != 2 {
		t.Fatalf("baseline section %+v", s)
	}
	if flags(r.Points[12]) != "H:outside" {
		t.Errorf("20 after the baseline: %q", flags(r.Points[12]))
	}
	// The later points' moving ranges are there to show, but not in mMR.
	if !r.Points[12].HasMovingRange || r.Points[12].MovingRange != 9 {
		t.Errorf("moving range after the baseline %+v", r.Points[12])
	}
	// Without the baseline the 20 moves the mean and widens the limits.
	r = mustXmR(t, series(values...), Options{})
	s = r.Sections[0]
	// mean = (6·9 + 6·11 + 20 + 10) ÷ 14 = 150 ÷ 14 = 10.714…; moving
	// ranges: eleven 2s, 9, 10: mMR = 41 ÷ 13 = 3.1538…; upper limit
	// 10.714… + 2.66 × 3.1538… = 19.1035…
	if s.Fixed != 14 || !near(s.Mean, 150.0/14) || !near(s.MovingRangeMean, 41.0/13) || !near(s.Upper, 150.0/14+2.66*41/13) {
		t.Errorf("no baseline: %+v", s)
	}
}

func TestSPCRecalculation(t *testing.T) {
	// 9, 11 six times, then 19, 21 six times.
	values := join(baseline12, []float64{19, 21, 19, 21, 19, 21, 19, 21, 19, 21, 19, 21})
	r := mustXmR(t, series(values...), Options{Recalculate: []string{"2020-01-01"}})
	if len(r.Sections) != 2 {
		t.Fatalf("%d sections", len(r.Sections))
	}
	// The jump 11 → 19 is no moving range of either section: both have
	// mMR exactly 2.
	s1, s2 := r.Sections[0], r.Sections[1]
	if s1.Start != 0 || s1.End != 12 || s2.Start != 12 || s2.End != 24 {
		t.Errorf("sections %+v", r.Sections)
	}
	if s1.Mean != 10 || s1.MovingRangeMean != 2 || s2.Mean != 20 || s2.MovingRangeMean != 2 {
		t.Errorf("section lines %+v", r.Sections)
	}
	if r.Points[12].HasMovingRange {
		t.Error("the first point of a section has a moving range")
	}
	for i, p := range r.Points {
		want := 0
		if i >= 12 {
			want = 1
		}
		if p.Section != want || p.Mean != r.Sections[want].Mean || p.Upper != r.Sections[want].Upper {
			t.Errorf("point %d judged against section %d's lines", i, p.Section)
		}
		if p.SpecialCause() {
			t.Errorf("point %d flagged %s", i, flags(p))
		}
	}
	// Not recalculated, the same series is two shifts: mean 15, mMR =
	// (22 × 2 + 8) ÷ 23 = 2.2609, two-sigma lines 15 ± 4.0093, process
	// limits 15 ± 6.0139. So each 9 (below 10.9907) and each 21 (above
	// 19.0093), inside the limits, is also two of three.
	r = mustXmR(t, series(values...), Options{})
	if s := r.Sections[0]; s.Mean != 15 || !near(s.MovingRangeMean, 52.0/23) {
		t.Errorf("one section %+v", s)
	}
	for i, p := range r.Points {
		want := "L:shift"
		if i >= 12 {
			want = "H:shift"
		}
		if p.Value == 9 || p.Value == 21 {
			want += "+two_of_three"
		}
		if f := flags(p); f != want {
			t.Errorf("one section: point %d: %q, want %q", i, f, want)
		}
	}
	// The first period and repeats change nothing.
	r = mustXmR(t, series(values...), Options{Recalculate: []string{"2019-01-01", "2020-01-01", "2020-01-01"}})
	if len(r.Sections) != 2 {
		t.Errorf("%d sections", len(r.Sections))
	}
}

// TestRulesAcrossRecalculation: by MDC's default a run may cross a
// recalculation; RulesWithinSections stops it there.
func TestSPCRulesAcrossRecalculation(t *testing.T) {
	// Section 1: 9, 11 five times, 9, then 10.5 three times: 14 points,
	// mean (6·9 + 5·11 + 31.5) ÷ 14 = 140.5 ÷ 14 = 10.0357…; the 10.5s are
	// above it, the 9 before them below.
	// Section 2: 20.5 three times, then 19, 21 five times: 13 points, mean
	// (61.5 + 200) ÷ 13 = 20.115…; the 20.5s are above it, the 19 after
	// them below.
	// Across the recalculation that is a run of 6 above the mean.
	s1 := []float64{9, 11, 9, 11, 9, 11, 9, 11, 9, 11, 9, 10.5, 10.5, 10.5}
	s2 := []float64{20.5, 20.5, 20.5, 19, 21, 19, 21, 19, 21, 19, 21, 19, 21}
	pts := series(join(s1, s2)...)
	recalc := []string{pts[len(s1)].Period}
	run := map[int]bool{11: true, 12: true, 13: true, 14: true, 15: true, 16: true}

	r := mustXmR(t, pts, Options{Recalculate: recalc})
	for i, p := range r.Points {
		want := ""
		if run[i] {
			want = "H:shift"
		}
		if f := flags(p); f != want {
			t.Errorf("across: point %d (%v): %q, want %q", i, p.Value, f, want)
		}
	}
	r = mustXmR(t, pts, Options{Recalculate: recalc, RulesWithinSections: true})
	for i, p := range r.Points {
		if p.SpecialCause() {
			t.Errorf("within sections: point %d flagged %s", i, flags(p))
		}
	}

	// A trend across the recalculation, the same way.
	s1 = []float64{9, 11, 9, 11, 9, 11, 9, 11, 9, 11, 9, 11, 8, 9, 10}
	s2 = []float64{11, 12, 13, 12, 11, 12, 11, 12, 11, 12, 11, 12, 11}
	pts = series(join(s1, s2)...)
	recalc = []string{pts[len(s1)].Period}
	r = mustXmR(t, pts, Options{Recalculate: recalc})
	for i := 12; i <= 17; i++ { // 8, 9, 10 | 11, 12, 13
		if !r.Points[i].High.Has(Trend) {
			t.Errorf("across: point %d (%v) not in the trend", i, r.Points[i].Value)
		}
	}
	r = mustXmR(t, pts, Options{Recalculate: recalc, RulesWithinSections: true})
	for i, p := range r.Points {
		if p.High.Has(Trend) || p.Low.Has(Trend) {
			t.Errorf("within sections: point %d in a trend", i)
		}
	}
}

func TestSPCOptionsRefused(t *testing.T) {
	pts := series(baseline12...)
	for _, c := range []struct {
		o    Options
		want string
	}{
		{Options{Direction: "sideways"}, "direction"},
		{Options{Conflict: "both"}, "conflict"},
		{Options{Shift: 5}, "shift 5"},
		{Options{Shift: 9}, "shift 9"},
		{Options{Trend: 5}, "trend 5"},
		{Options{Trend: 9}, "trend 9"},
		{Options{MinPoints: -1}, "min-points"},
		{Options{Baseline: 1}, "baseline 1"},
		{Options{Baseline: -2}, "baseline -2"},
		{Options{Baseline: 13}, "only 12"},
		{Options{Baseline: 8, Recalculate: []string{"2019-06-01"}}, "first recalculation"},
		{Options{Recalculate: []string{"2030-01-01"}}, "2030-01-01"},
		{Options{Target: func() *float64 { v := math.NaN(); return &v }()}, "target"},
	} {
		_, err := XmR(pts, c.o)
		var e *Error
		if !asError(err, &e) || e.Index != -1 || !strings.Contains(e.Msg, c.want) {
			t.Errorf("%+v: error %v, want an options error about %q", c.o, err, c.want)
		}
	}
}

func asError(err error, target **Error) bool {
	e, ok := err.(*Error)
	if ok {
		*target = e
	}
	return ok
}

func TestSPCRuleNames(t *testing.T) {
	all := RuleSet(Outside | Shift | Trend | TwoOfThree)
	if got := strings.Join(all.Names(), ","); got != "outside,shift,trend,two_of_three" {
		t.Errorf("names %s", got)
	}
	if got := RuleSet(0).Names(); got == nil || len(got) != 0 {
		t.Errorf("empty set names %#v", got)
	}
	if Trend.String() != "trend" || Rule(64).String() != "Rule(64)" {
		t.Errorf("String: %s %s", Trend, Rule(64))
	}
}
