package spc

import (
	"math"
	"strings"
	"testing"
)

// counts4 is worked by hand below: 10/100, 20/100, 15/100, 30/200.
var counts4 = []Count{
	{"2019-01-01", 10, 100}, {"2019-02-01", 20, 100}, {"2019-03-01", 15, 100}, {"2019-04-01", 30, 200},
}

func TestSPCPChartByHand(t *testing.T) {
	// p̄ = (10 + 20 + 15 + 30) ÷ (100 + 100 + 100 + 200) = 75 ÷ 500 = 0.15
	// n = 100: σ = √(0.15 × 0.85 ÷ 100) = √0.001275 = 0.0357071
	//   limits 0.15 ± 3σ = 0.15 ± 0.1071214 → 0.0428786, 0.2571214
	//   two-sigma 0.15 ± 0.0714143 → 0.0785857, 0.2214143
	// n = 200: σ = √0.0006375 = 0.0252488
	//   limits 0.15 ± 0.0757463 → 0.0742537, 0.2257463
	r, err := PChart(counts4, Options{MinPoints: 1})
	if err != nil {
		t.Fatal(err)
	}
	s100 := math.Sqrt(0.001275)
	s200 := math.Sqrt(0.0006375)
	for i, want := range []struct{ value, lower, upper, lower2, upper2 float64 }{
		{0.10, 0.15 - 3*s100, 0.15 + 3*s100, 0.15 - 2*s100, 0.15 + 2*s100},
		{0.20, 0.15 - 3*s100, 0.15 + 3*s100, 0.15 - 2*s100, 0.15 + 2*s100},
		{0.15, 0.15 - 3*s100, 0.15 + 3*s100, 0.15 - 2*s100, 0.15 + 2*s100},
		{0.15, 0.15 - 3*s200, 0.15 + 3*s200, 0.15 - 2*s200, 0.15 + 2*s200},
	} {
		p := r.Points[i]
		if !near(p.Value, want.value) || !near(p.Mean, 0.15) || !near(p.Lower, want.lower) || !near(p.Upper, want.upper) ||
			!near(p.LowerTwoSigma, want.lower2) || !near(p.UpperTwoSigma, want.upper2) {
			t.Errorf("point %d: %+v, want %+v", i, p, want)
		}
		if p.SpecialCause() {
			t.Errorf("point %d flagged %s", i, flags(p))
		}
	}
	// The rounded hand figures, to 7 places.
	if math.Abs(r.Points[0].Upper-0.2571214) > 1e-7 || math.Abs(r.Points[3].Lower-0.0742537) > 1e-7 {
		t.Errorf("hand figures: upper %v, lower %v", r.Points[0].Upper, r.Points[3].Lower)
	}
	if s := r.Sections[0]; s.SigmaZ != 1 || s.Mean != 0.15 {
		t.Errorf("section %+v", s)
	}
}

func TestSPCLaneyPChartByHand(t *testing.T) {
	// z-scores (p − 0.15) ÷ σᵢ: −0.05 ÷ 0.0357071 = −1.40028, +1.40028, 0, 0
	// moving ranges 2.80056, 1.40028, 0: mean 1.40028 (= 0.05 ÷ σ₁₀₀)
	// σz = 1.40028 ÷ 1.128 = 1.24138
	// n = 100: 3σσz = 3 × σ₁₀₀ × (0.05 ÷ σ₁₀₀) ÷ 1.128 = 0.15 ÷ 1.128 = 0.1329787
	//   limits 0.0170213, 0.2829787
	// n = 200: 3σσz = 0.1329787 ÷ √2 = 0.0940301 → 0.0559699, 0.2440301
	r, err := LaneyPChart(counts4, Options{MinPoints: 1})
	if err != nil {
		t.Fatal(err)
	}
	s := r.Sections[0]
	z := 0.05 / math.Sqrt(0.001275)
	if !near(s.MovingRangeMean, z) || !near(s.SigmaZ, z/1.128) || math.Abs(s.SigmaZ-1.24138) > 1e-5 {
		t.Errorf("section %+v, want mMR %v, σz %v", s, z, z/1.128)
	}
	w100, w200 := 0.15/1.128, 0.15/1.128/math.Sqrt2
	for i, w := range []float64{w100, w100, w100, w200} {
		p := r.Points[i]
		if !near(p.Upper, 0.15+w) || !near(p.Lower, 0.15-w) || !near(p.UpperTwoSigma, 0.15+2*w/3) {
			t.Errorf("point %d: [%v, %v], want ±%v", i, p.Lower, p.Upper, w)
		}
	}
	if math.Abs(r.Points[0].Upper-0.2829787) > 1e-7 || math.Abs(r.Points[3].Upper-0.2440301) > 1e-7 {
		t.Errorf("hand figures: %v, %v", r.Points[0].Upper, r.Points[3].Upper)
	}
	if !near(r.Points[1].MovingRange, 2*z) {
		t.Errorf("moving range of z %v", r.Points[1].MovingRange)
	}
}

func TestSPCProportionEdges(t *testing.T) {
	// All zero: p̄ = 0, every σ 0, z taken as 0; limits clamp at 0.
	zero := []Count{{"2019-01-01", 0, 10}, {"2019-02-01", 0, 20}, {"2019-03-01", 0, 30}}
	for _, f := range []func([]Count, Options) (*Result, error){PChart, LaneyPChart} {
		r, err := f(zero, Options{MinPoints: 1})
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range r.Points {
			if p.Lower != 0 || p.Upper != 0 || p.SpecialCause() || math.IsNaN(p.Mean) {
				t.Errorf("all zero, point %d: %+v", i, p)
			}
		}
	}
	// Limits clamp to [0, 1].
	r, err := PChart([]Count{{"a", 1, 2}, {"b", 1, 2}}, Options{MinPoints: 1})
	if err != nil {
		t.Fatal(err)
	}
	if r.Points[0].Lower != 0 || r.Points[0].Upper != 1 {
		t.Errorf("clamped limits [%v, %v]", r.Points[0].Lower, r.Points[0].Upper)
	}
	for _, c := range []struct {
		count Count
		want  string
	}{
		{Count{"2019-02-01", 1, 0}, "denominator 0"},
		{Count{"2019-02-01", -1, 10}, "numerator -1"},
		{Count{"2019-02-01", 11, 10}, "numerator 11"},
		{Count{"2019-02-01", math.NaN(), 10}, "finite"},
	} {
		_, err := PChart([]Count{{"2019-01-01", 1, 10}, c.count}, Options{})
		var e *Error
		if !asError(err, &e) || e.Index != 1 || !strings.Contains(e.Msg, c.want) {
			t.Errorf("%+v: %v", c.count, err)
		}
	}
	if _, err := LaneyPChart(nil, Options{}); err == nil {
		t.Error("no counts: no error")
	}
}

func TestSPCFunnelByHand(t *testing.T) {
	units := []Unit{{"A", 10, 100}, {"B", 30, 100}, {"C", 40, 200}, {"D", 80, 400}}
	// Centre = 160 ÷ 800 = 0.2. σ(n) = √(0.2 × 0.8 ÷ n): 0.04 at 100,
	// 0.0282843 at 200, 0.02 at 400.
	// n = 100: 2σ limits 0.12, 0.28; 3σ limits 0.08, 0.32.
	// A = 0.1 is below the 2σ limit, within 3σ; B = 0.3 above 2σ, within 3σ.
	f, err := FunnelPlot(units, FunnelOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if f.Centre != 0.2 || f.SigmaZ != 1 {
		t.Errorf("centre %v, σz %v", f.Centre, f.SigmaZ)
	}
	a, b, c, d := f.Units[0], f.Units[1], f.Units[2], f.Units[3]
	if !near(a.Lower2, 0.12) || !near(a.Upper2, 0.28) || !near(a.Lower3, 0.08) || !near(a.Upper3, 0.32) {
		t.Errorf("A's limits %+v", a.FunnelLimits)
	}
	if !near(d.Upper3, 0.26) || !near(c.Upper2, 0.2+2*math.Sqrt(0.0008)) {
		t.Errorf("C, D limits %+v %+v", c.FunnelLimits, d.FunnelLimits)
	}
	if !near(a.Z, -2.5) || !near(b.Z, 2.5) || c.Z != 0 || d.Z != 0 {
		t.Errorf("z %v %v %v %v", a.Z, b.Z, c.Z, d.Z)
	}
	if a.Beyond2 != -1 || a.Beyond3 != 0 || b.Beyond2 != 1 || b.Beyond3 != 0 || c.Beyond2 != 0 || d.Beyond2 != 0 {
		t.Errorf("beyond: A %d/%d B %d/%d C %d D %d", a.Beyond2, a.Beyond3, b.Beyond2, b.Beyond3, c.Beyond2, d.Beyond2)
	}

	// Laney: z in order of denominator, A, B, C, D: −2.5, 2.5, 0, 0;
	// moving ranges 5, 2.5, 0, mean 2.5; σz = 2.5 ÷ 1.128 = 2.2163121.
	// n = 100: 2σσz = 0.08 × 2.2163121 = 0.1773050 → 0.0226950, 0.3773050:
	// A and B are within. 3σσz = 0.2659574: the lower limit clamps at 0.
	f, err = FunnelPlot(units, FunnelOptions{Laney: true})
	if err != nil {
		t.Fatal(err)
	}
	if !near(f.SigmaZ, 2.5/1.128) {
		t.Errorf("σz %v, want %v", f.SigmaZ, 2.5/1.128)
	}
	a, b = f.Units[0], f.Units[1]
	if !near(a.Lower2, 0.2-0.08*2.5/1.128) || !near(a.Upper2, 0.2+0.08*2.5/1.128) || a.Lower3 != 0 || !near(a.Upper3, 0.2+0.12*2.5/1.128) {
		t.Errorf("A's Laney limits %+v", a.FunnelLimits)
	}
	if math.Abs(a.Upper2-0.3773050) > 1e-7 {
		t.Errorf("hand figure: %v", a.Upper2)
	}
	if a.Beyond2 != 0 || b.Beyond2 != 0 {
		t.Errorf("Laney: A %d, B %d beyond 2σ", a.Beyond2, b.Beyond2)
	}
	if l := f.LimitsAt(100); l != a.FunnelLimits {
		t.Errorf("LimitsAt(100) %+v", l)
	}

	// Beyond 3σ: centre 0.1, σ(100) = 0.03, 3σ limits 0.01, 0.19.
	f, err = FunnelPlot([]Unit{{"X", 0, 100}, {"Y", 20, 100}}, FunnelOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if f.Units[0].Beyond3 != -1 || f.Units[1].Beyond3 != 1 || !near(f.Units[0].Lower3, 0.01) {
		t.Errorf("3σ: %+v", f.Units)
	}
	// The Laney σz does not depend on the order given.
	f1, _ := FunnelPlot([]Unit{{"D", 80, 400}, {"C", 40, 200}, {"B", 30, 100}, {"A", 10, 100}}, FunnelOptions{Laney: true})
	if !near(f1.SigmaZ, 2.5/1.128) {
		t.Errorf("reordered σz %v", f1.SigmaZ)
	}
}

func TestSPCFunnelRefused(t *testing.T) {
	for _, c := range []struct {
		units []Unit
		o     FunnelOptions
		want  string
	}{
		{nil, FunnelOptions{}, "no units"},
		{[]Unit{{"A", 1, 10}}, FunnelOptions{Laney: true}, "at least 2"},
		{[]Unit{{"A", 1, 10}, {"A", 2, 10}}, FunnelOptions{}, "duplicate unit"},
		{[]Unit{{"A", 1, 10}, {"", 2, 10}}, FunnelOptions{}, "no name"},
		{[]Unit{{"A", 1, 10}, {"B", 2, 0}}, FunnelOptions{}, "denominator 0"},
		{[]Unit{{"A", 1, 10}, {"B", 12, 10}}, FunnelOptions{}, "numerator 12"},
	} {
		_, err := FunnelPlot(c.units, c.o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.units, err, c.want)
		}
	}
}
