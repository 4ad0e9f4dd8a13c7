package spc

import (
	"math"
	"strings"
	"testing"
)

func pointsOf(periods []string, values ...float64) []Point {
	pts := make([]Point, len(periods))
	for i, p := range periods {
		pts[i] = Point{Period: p, Value: values[i%len(values)]}
	}
	return pts
}

func TestSPCMissingMonths(t *testing.T) {
	ps := months(16)
	// Drop April and May 2019 (points 3 and 4).
	ps = append(ps[:3], ps[5:]...)
	pts := pointsOf(ps, 9, 11)

	_, err := XmR(pts, Options{})
	var e *Error
	if !asError(err, &e) {
		t.Fatalf("gap: error %v, want an *Error", err)
	}
	if e.Index != 3 || e.Label != "2019-06-01" || e.Gap == nil {
		t.Errorf("gap error at %d (%s), gap %v; want point 3, 2019-06-01", e.Index, e.Label, e.Gap)
	}
	want := "missing periods 2019-04-01, 2019-05-01 between 2019-03-01 and 2019-06-01"
	if e.Msg != want {
		t.Errorf("message %q, want %q", e.Msg, want)
	}

	r := mustXmR(t, pts, Options{AllowGaps: true})
	if len(r.Gaps) != 1 || r.Gaps[0].After != "2019-03-01" || r.Gaps[0].Before != "2019-06-01" ||
		strings.Join(r.Gaps[0].Missing, ",") != "2019-04-01,2019-05-01" {
		t.Errorf("gaps %+v", r.Gaps)
	}
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "2019-04-01, 2019-05-01") {
		t.Errorf("warnings %q", r.Warnings)
	}
	// Skipped: the neighbours across the gap are neighbours.
	if !r.Points[3].HasMovingRange || r.Points[3].MovingRange != math.Abs(pts[3].Value-pts[2].Value) {
		t.Errorf("moving range across the gap: %+v", r.Points[3])
	}

	// A long gap names the first six missing months and counts the rest.
	long := pointsOf([]string{"2019-01-01", "2019-02-01", "2020-01-01"}, 1)
	_, err = XmR(long, Options{})
	if err == nil || !strings.Contains(err.Error(), "2019-03-01, 2019-04-01, 2019-05-01, 2019-06-01, 2019-07-01, 2019-08-01 and 4 more") {
		t.Errorf("long gap: %v", err)
	}
}

func TestSPCPeriodSteps(t *testing.T) {
	for _, c := range []struct {
		name    string
		periods []string
		gap     string // "" for none
	}{
		{"quarterly", []string{"2019-01-01", "2019-04-01", "2019-07-01", "2019-10-01", "2020-01-01"}, ""},
		{"quarterly with a missing quarter", []string{"2019-01-01", "2019-04-01", "2019-10-01", "2020-01-01"}, "missing period 2019-07-01 between 2019-04-01 and 2019-10-01"},
		{"yearly", []string{"2019-01-01", "2020-01-01", "2021-01-01"}, ""},
		{"across a year end", []string{"2019-11-01", "2019-12-01", "2020-01-01", "2020-02-01"}, ""},
		// Not every period the first of a month: order only.
		{"weekly", []string{"2020-01-06", "2020-01-13", "2020-01-27"}, ""},
		{"month ends", []string{"2019-01-31", "2019-02-28", "2019-04-30"}, ""},
		// Not all dates: labels.
		{"labels", []string{"2019 Q1", "2019 Q2", "2019 Q4"}, ""},
		{"a single point", []string{"2019-01-01"}, ""},
	} {
		_, err := XmR(pointsOf(c.periods, 1, 2), Options{})
		switch {
		case c.gap == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.gap != "" && (err == nil || !strings.Contains(err.Error(), c.gap)):
			t.Errorf("%s: error %v, want %q", c.name, err, c.gap)
		}
	}
}

func TestSPCPeriodsRefused(t *testing.T) {
	for _, c := range []struct {
		name    string
		periods []string
		index   int
		want    string
	}{
		{"duplicate date", []string{"2019-01-01", "2019-02-01", "2019-02-01", "2019-03-01"}, 2, "duplicate period 2019-02-01"},
		{"unsorted", []string{"2019-01-01", "2019-03-01", "2019-02-01"}, 2, "period 2019-02-01 comes after 2019-03-01"},
		{"duplicate label", []string{"Q1", "Q2", "Q1"}, 2, "duplicate period Q1 (also point 1)"},
		{"empty period", []string{"2019-01-01", ""}, 1, "no period"},
		// Not a calendar date: a label, so the series is labels.
		{"29 February 2019", []string{"2019-02-28", "2019-02-29", "2019-02-28"}, 2, "duplicate period 2019-02-28"},
	} {
		_, err := XmR(pointsOf(c.periods, 1), Options{})
		var e *Error
		if !asError(err, &e) || e.Index != c.index || !strings.Contains(e.Msg, c.want) {
			t.Errorf("%s: error %v, want point %d: %q", c.name, err, c.index+1, c.want)
		}
	}
	if !IsDate("2020-02-29") || IsDate("2019-02-29") || IsDate("2019-13-01") || IsDate("2019-1-01") || IsDate("2019-01-01x") {
		t.Error("IsDate")
	}
}

func TestSPCValuesRefused(t *testing.T) {
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		pts := series(1, 2, v, 4)
		_, err := XmR(pts, Options{})
		var e *Error
		if !asError(err, &e) || e.Index != 2 || e.Label != "2019-03-01" || !strings.Contains(e.Msg, "not a finite number") {
			t.Errorf("value %v: %v", v, err)
		}
		if err != nil && err.Error() != "point 3 (2019-03-01): "+e.Msg {
			t.Errorf("Error() = %q", err.Error())
		}
	}
	if _, err := XmR(nil, Options{}); err == nil {
		t.Error("no points: no error")
	}
}

// TestConstantSeries: a zero moving range gives limits equal to the mean, no
// division by zero, and nothing flagged.
func TestSPCConstantSeries(t *testing.T) {
	// 0.1 summed 20 times is not exactly 2 in floating point; the mean must
	// still be exactly 0.1, or every point would be "below" it.
	r := mustXmR(t, series(repeat(0.1, 20)...), Options{Direction: Up})
	s := r.Sections[0]
	if s.Mean != 0.1 || s.MovingRangeMean != 0 || s.Lower != 0.1 || s.Upper != 0.1 || s.LowerTwoSigma != 0.1 || s.UpperTwoSigma != 0.1 {
		t.Errorf("constant section %+v", s)
	}
	for i, p := range r.Points {
		if p.SpecialCause() {
			t.Errorf("point %d on the mean flagged %s", i, flags(p))
		}
	}
	if r.VariationIcon != CommonCause {
		t.Errorf("icon %s", r.VariationIcon)
	}
	for _, x := range []float64{0, 1, -1, 1e9, 8.44, 1.0 / 3} {
		r := mustXmR(t, series(repeat(x, 15)...), Options{ScreenOutliers: true})
		if r.Sections[0].Mean != x {
			t.Errorf("constant %v: mean %v", x, r.Sections[0].Mean)
		}
		for i, p := range r.Points {
			if p.SpecialCause() {
				t.Errorf("constant %v: point %d flagged %s", x, i, flags(p))
			}
		}
	}
	// A constant baseline fixes the limits on the mean: a later point on
	// it is inside, any other outside.
	r = mustXmR(t, series(join(repeat(5, 12), []float64{5, 6, 4})...), Options{Baseline: 12})
	got := []string{flags(r.Points[12]), flags(r.Points[13]), flags(r.Points[14])}
	if strings.Join(got, "|") != "|H:outside|L:outside" {
		t.Errorf("after a constant baseline: %q", got)
	}
}

// TestValueOnTheMean: a value equal to the mean in decimal is on it, though
// the sum behind the mean carries rounding error.
func TestSPCValueOnTheMean(t *testing.T) {
	// 1.4, 2.36 three times and 1.88 seven times: the mean is 1.88, but
	// computed as 1.8800000000000001. Without the tolerance the seven 1.88s
	// would be a shift below the mean.
	r := mustXmR(t, series(join([]float64{1.4, 2.36, 1.4, 2.36, 1.4, 2.36}, repeat(1.88, 7))...), Options{})
	if m := r.Sections[0].Mean; m == 1.88 {
		t.Logf("the mean came out exact (%v): this test no longer exercises the tolerance", m)
	}
	for i, p := range r.Points {
		if p.SpecialCause() {
			t.Errorf("point %d (%v, mean %v) flagged %s", i, p.Value, p.Mean, flags(p))
		}
	}
	for _, c := range []struct {
		a, b float64
		want int
	}{
		{1.88, 1.8800000000000001, 0},
		{0.1 + 0.2, 0.3, 0},
		{8.44, 8.440000001, -1},
		{1e-300, 0, 1},
		{0, 0, 0},
		{-5, 5, -1},
	} {
		if got := cmp(c.a, c.b); got != c.want {
			t.Errorf("cmp(%v, %v) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestSPCSinglePoint(t *testing.T) {
	r := mustXmR(t, series(7), Options{Direction: Up})
	if r.LimitsShown || len(r.Points) != 1 || r.Points[0].Mean != 7 || r.Points[0].SpecialCause() {
		t.Errorf("single point %+v", r)
	}
	if r.VariationIcon != NoVariationIcon || r.AssuranceIcon != NoAssuranceIcon {
		t.Errorf("icons %s %s", r.VariationIcon, r.AssuranceIcon)
	}
	// Allowed limits, one point's limits are its value, mMR 0.
	r = mustXmR(t, series(7), Options{MinPoints: 1})
	s := r.Sections[0]
	if !r.LimitsShown || s.Lower != 7 || s.Upper != 7 || s.MovingRangeMean != 0 || r.Points[0].SpecialCause() {
		t.Errorf("single point with min-points 1: %+v", r)
	}
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "rest on 1 point ") {
		t.Errorf("warnings %q", r.Warnings)
	}
}

func TestSPCShortSectionWarning(t *testing.T) {
	values := join(baseline12, baseline12[:5], []float64{9, 11, 9, 11, 9})
	pts := series(values...)
	r := mustXmR(t, pts, Options{Recalculate: []string{pts[17].Period}})
	want := "the limits of the section starting 2020-06-01 rest on 5 points (fewer than 12)"
	if len(r.Warnings) != 1 || !strings.HasPrefix(r.Warnings[0], want) {
		t.Errorf("warnings %q, want %q", r.Warnings, want)
	}
	// Still charted.
	if !r.LimitsShown || r.Sections[1].Fixed != 5 {
		t.Errorf("short section %+v", r.Sections[1])
	}
	// A short baseline warns likewise.
	r = mustXmR(t, pts, Options{Baseline: 6})
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "baseline of the section starting 2019-01-01 rest on 6 points") {
		t.Errorf("baseline warnings %q", r.Warnings)
	}
	// Twelve is enough.
	r = mustXmR(t, pts, Options{Baseline: 12})
	if len(r.Warnings) != 0 {
		t.Errorf("baseline 12 warnings %q", r.Warnings)
	}
}
