package spc

import (
	"encoding/csv"
	"os"
	"strconv"
	"testing"
)

// england reads the real series shipped with the demo: antipsychotic
// prescribing for people with dementia, England, monthly 2019–2021
// (OpenSAFELY; see demo/data/README.md).
func england(t testing.TB) ([]Point, []Count) {
	t.Helper()
	f, err := os.Open("../demo/data/antipsychotics-dementia-england-monthly.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	var pts []Point
	var counts []Count
	for _, r := range rows[1:] {
		num := func(name string) float64 {
			v, err := strconv.ParseFloat(r[col[name]], 64)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		pts = append(pts, Point{Period: r[col["period"]], Value: num("value")})
		counts = append(counts, Count{Period: r[col["period"]], Numerator: num("numerator"), Denominator: num("denominator")})
	}
	return pts, counts
}

// TestEnglandSeries: lower is better; the 2019 baseline fixes the lines.
func TestSPCEnglandSeries(t *testing.T) {
	pts, _ := england(t)
	if len(pts) != 36 {
		t.Fatalf("%d points", len(pts))
	}
	r := mustXmR(t, pts, Options{Direction: Down, Baseline: 12})
	s := r.Sections[0]
	// 2019: sum 100.65, mean 8.3875; moving ranges sum 2.37 over 11, mMR
	// 0.215454…; upper limit 8.3875 + 2.66 × 0.215454… = 8.960609…
	if !near(s.Mean, 8.3875) || !near(s.MovingRangeMean, 2.37/11) || !near(s.Upper, 8.3875+2.66*2.37/11) || !near(s.Lower, 8.3875-2.66*2.37/11) {
		t.Errorf("2019 baseline %+v", s)
	}

	// What is there: March and April 2020 (8.59, 8.70) rise above the 2019
	// mean, but May 2020 (8.29) falls back below it, so the run that makes
	// the shift starts in June 2020 and never ends: June 2020 – December
	// 2021, 19 points, all above the mean: a shift, concern (lower is
	// better). From June 2021 most points are above the upper limit too.
	want := map[string]string{
		"2020-06-01": "H:shift", "2020-07-01": "H:shift", "2020-08-01": "H:shift",
		"2020-09-01": "H:shift+two_of_three", "2020-10-01": "H:shift+two_of_three",
		"2020-11-01": "H:shift", "2020-12-01": "H:shift+two_of_three",
		"2021-01-01": "H:shift+two_of_three", "2021-02-01": "H:shift",
		"2021-03-01": "H:shift+two_of_three", "2021-04-01": "H:shift", "2021-05-01": "H:shift",
		"2021-06-01": "H:outside+shift", "2021-07-01": "H:outside+shift", "2021-08-01": "H:shift",
		"2021-09-01": "H:outside+shift", "2021-10-01": "H:outside+shift",
		"2021-11-01": "H:outside+shift", "2021-12-01": "H:outside+shift",
	}
	for _, p := range r.Points {
		f := flags(p)
		if f != want[p.Period] {
			t.Errorf("%s (%v): %q, want %q", p.Period, p.Value, f, want[p.Period])
		}
		if f != "" && p.Variation != Concern {
			t.Errorf("%s shows %s, want concern", p.Period, p.Variation)
		}
	}
	if r.VariationIcon != ConcernHigh {
		t.Errorf("variation icon %s", r.VariationIcon)
	}
	if len(r.Warnings) != 0 {
		t.Errorf("warnings %q", r.Warnings)
	}

	// Recalculated at the first COVID-19 month, April 2020, the new level
	// (mean 8.80, limits 8.25–9.36) is common cause throughout.
	r = mustXmR(t, pts, Options{Direction: Down, Recalculate: []string{"2020-04-01"}})
	if len(r.Sections) != 2 || !near(r.Sections[1].Mean, 184.9/21) {
		t.Errorf("sections %+v", r.Sections)
	}
	for _, p := range r.Points {
		if p.SpecialCause() {
			t.Errorf("recalculated: %s flagged %s", p.Period, flags(p))
		}
	}
	if r.VariationIcon != CommonCause {
		t.Errorf("recalculated: icon %s", r.VariationIcon)
	}
}

// TestEnglandOverdispersion: with ~420,000 people a month, a p-chart's
// limits are far too tight; Laney's p′ chart widens them about 4.4 times.
func TestSPCEnglandOverdispersion(t *testing.T) {
	_, counts := england(t)
	o := Options{Direction: Down, Baseline: 12}
	p, err := PChart(counts, o)
	if err != nil {
		t.Fatal(err)
	}
	l, err := LaneyPChart(counts, o)
	if err != nil {
		t.Fatal(err)
	}
	outside := func(r *Result, upTo int) int {
		n := 0
		for _, pt := range r.Points[:upTo] {
			if pt.Rules().Has(Outside) {
				n++
			}
		}
		return n
	}
	// In the stable 2019 baseline itself the p-chart finds 3 points
	// outside (February's dip and two highs); the p′ chart none.
	if got := outside(p, 12); got != 3 {
		t.Errorf("p-chart: %d of 2019 outside, want 3", got)
	}
	if got := outside(l, 12); got != 0 {
		t.Errorf("p′ chart: %d of 2019 outside, want 0", got)
	}
	sz := l.Sections[0].SigmaZ
	if sz < 4.4 || sz > 4.5 {
		t.Errorf("σz = %v, want about 4.43", sz)
	}
	// Both see the rise from June 2020 as a shift.
	for _, r := range []*Result{p, l} {
		for _, pt := range r.Points[17:] {
			if !pt.High.Has(Shift) || pt.Variation != Concern {
				t.Errorf("%s: %s", pt.Period, flags(pt))
			}
		}
	}
}
