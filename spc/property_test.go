package spc

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// randomOptions draws settings, recalculations and a baseline for n points
// such that every section has at least 2 points.
func randomOptions(rng *rand.Rand, periods []string) Options {
	n := len(periods)
	o := Options{
		Direction:               []Direction{Up, Down, Neither}[rng.IntN(3)],
		Shift:                   6 + rng.IntN(3),
		Trend:                   6 + rng.IntN(3),
		ScreenOutliers:          rng.IntN(2) == 0,
		TwoSigmaIncludesOutside: rng.IntN(2) == 0,
		Conflict:                []Conflict{PreferImprovement, PreferConcern}[rng.IntN(2)],
		RulesWithinSections:     rng.IntN(2) == 0,
	}
	// Up to two recalculations, each section at least 2 points long.
	var at []int
	for k := rng.IntN(3); k > 0; k-- {
		at = append(at, 2+rng.IntN(n-3)) // 2 … n−2
	}
	slices.Sort(at)
	first, last := n, 0
	for _, i := range at {
		if i-last >= 2 {
			o.Recalculate = append(o.Recalculate, periods[i])
			first, last = min(first, i), i
		}
	}
	if rng.IntN(2) == 0 && first >= 2 {
		o.Baseline = 2 + rng.IntN(first-1)
	}
	return o
}

// TestPropertyNoSpecialCause: a level series with tiny noise that alternates
// about it has no special cause, whatever the settings. Values are
// c ± ε·(1 + u), u ∈ [0, ½): each moving range is between 2ε and 3ε, so the
// two-sigma lines lie at least (2/3)·2.66·2ε ≈ 3.5ε from the mean, which is
// within 0.4ε of c; the points, at most 1.5ε from c, are never beyond them;
// they alternate sides (no shift) and alternate up and down (no trend).
func TestSPCPropertyNoSpecialCause(t *testing.T) {
	rng := rand.New(rand.NewPCG(20240605, 5))
	for it := 0; it < 2000; it++ {
		n := 13 + rng.IntN(188)
		c := (rng.Float64() - 0.5) * math.Pow(10, float64(rng.IntN(10)-3))
		eps := math.Max(math.Abs(c), 1) * math.Pow(10, -float64(1+rng.IntN(8)))
		sign := float64(1 - 2*rng.IntN(2))
		periods := months(n)
		pts := make([]Point, n)
		for i := range pts {
			pts[i] = Point{Period: periods[i], Value: c + sign*eps*(1+rng.Float64()/2)}
			sign = -sign
		}
		o := randomOptions(rng, periods)
		r, err := XmR(pts, o)
		if err != nil {
			t.Fatalf("iteration %d (n %d, options %+v): %v", it, n, o, err)
		}
		for i, p := range r.Points {
			if p.SpecialCause() || p.Variation != Common {
				t.Fatalf("iteration %d (c %v, ε %v, n %d, options %+v): point %d (%v, section mean %v) flagged %s",
					it, c, eps, n, o, i, p.Value, p.Mean, flags(p))
			}
		}
		if r.VariationIcon != CommonCause {
			t.Fatalf("iteration %d: icon %s", it, r.VariationIcon)
		}
	}
}

// TestPropertyLimitsEncloseMean: for any series and settings, every point's
// lines are ordered lower ≤ lower two-sigma ≤ mean ≤ upper two-sigma ≤ upper,
// and its mean and limits are its section's.
func TestSPCPropertyLimitsEncloseMean(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for it := 0; it < 2000; it++ {
		n := 13 + rng.IntN(120)
		periods := months(n)
		pts := make([]Point, n)
		x := rng.NormFloat64() * 100
		for i := range pts {
			switch rng.IntN(4) {
			case 0: // a jump
				x += rng.NormFloat64() * 50
			case 1: // a repeat
			default:
				x += rng.NormFloat64()
			}
			pts[i] = Point{Period: periods[i], Value: x}
		}
		o := randomOptions(rng, periods)
		r, err := XmR(pts, o)
		if err != nil {
			t.Fatalf("iteration %d: %v", it, err)
		}
		for i, p := range r.Points {
			s := r.Sections[p.Section]
			if !(p.Lower <= p.LowerTwoSigma && p.LowerTwoSigma <= p.Mean && p.Mean <= p.UpperTwoSigma && p.UpperTwoSigma <= p.Upper) {
				t.Fatalf("iteration %d, point %d: lines %v %v %v %v %v out of order", it, i, p.Lower, p.LowerTwoSigma, p.Mean, p.UpperTwoSigma, p.Upper)
			}
			if p.Mean != s.Mean || p.Upper != s.Upper || i < s.Start || i >= s.End {
				t.Fatalf("iteration %d, point %d: not its section's lines", it, i)
			}
			// Outside agrees with the lines.
			if p.High.Has(Outside) != (p.Value > p.Upper && cmp(p.Value, p.Upper) > 0) {
				t.Fatalf("iteration %d, point %d: outside high %v, value %v, upper %v", it, i, p.High.Has(Outside), p.Value, p.Upper)
			}
		}

		// The same for p-charts and p′ charts.
		counts := make([]Count, n)
		for i := range counts {
			den := float64(1 + rng.IntN(100000))
			counts[i] = Count{Period: periods[i], Numerator: math.Floor(den * rng.Float64()), Denominator: den}
		}
		for _, f := range []func([]Count, Options) (*Result, error){PChart, LaneyPChart} {
			r, err := f(counts, o)
			if err != nil {
				t.Fatalf("iteration %d: %v", it, err)
			}
			for i, p := range r.Points {
				if !(0 <= p.Lower && p.Lower <= p.LowerTwoSigma && p.LowerTwoSigma <= p.Mean && p.Mean <= p.UpperTwoSigma && p.UpperTwoSigma <= p.Upper && p.Upper <= 1) {
					t.Fatalf("iteration %d, proportion point %d: lines %v %v %v %v %v out of order", it, i, p.Lower, p.LowerTwoSigma, p.Mean, p.UpperTwoSigma, p.Upper)
				}
			}
		}
	}
}
