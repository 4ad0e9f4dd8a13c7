package spc

import (
	"fmt"
	"math"
)

// Count is one period of a measure with a numerator and a denominator, such
// as people prescribed an antipsychotic out of people with dementia.
type Count struct {
	Period                 string
	Numerator, Denominator float64
}

// PChart computes a p-chart of counts in time order: each point's value is
// the proportion Numerator ÷ Denominator (0–1); each section's centre line is
// its pooled proportion p̄ = ΣNumerator ÷ ΣDenominator over its fixed points;
// each point's limits are p̄ ± 3σᵢ and its two-sigma lines p̄ ± 2σᵢ, with
// σᵢ = √(p̄(1−p̄)/nᵢ), kept within [0, 1]. The rules, sections, icons and
// options are as for XmR. With the large denominators of national NHS data
// its limits are usually far too tight; see LaneyPChart.
func PChart(counts []Count, opts Options) (*Result, error) {
	return proportionChart(counts, opts, false)
}

// LaneyPChart computes Laney's p′ chart: a p-chart whose σᵢ are multiplied by
// σz, the spread of the fixed points' z-scores zᵢ = (pᵢ − p̄)/σᵢ estimated as
// their mean moving range ÷ 1.128 (screened if Options.ScreenOutliers). σz = 1
// is the p-chart; σz > 1 is over-dispersion. When every σᵢ is 0 (p̄ is 0 or 1)
// the z-scores are taken as 0.
func LaneyPChart(counts []Count, opts Options) (*Result, error) {
	return proportionChart(counts, opts, true)
}

func proportionChart(counts []Count, opts Options, laney bool) (*Result, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	n := len(counts)
	if n == 0 {
		return nil, optionError("no points")
	}
	for i, c := range counts {
		bad := func(msg string) error { return &Error{Index: i, Label: c.Period, Msg: msg} }
		switch {
		case !finite(c.Numerator) || !finite(c.Denominator):
			return nil, bad("numerator and denominator must be finite numbers")
		case c.Denominator <= 0:
			return nil, bad(fmt.Sprintf("denominator %v: want more than 0", c.Denominator))
		case c.Numerator < 0 || c.Numerator > c.Denominator:
			return nil, bad(fmt.Sprintf("numerator %v: want from 0 to the denominator, %v", c.Numerator, c.Denominator))
		}
	}
	period := func(i int) string { return counts[i].Period }
	res := &Result{Points: make([]PointResult, n)}
	if err := res.setup(n, period, o); err != nil {
		return nil, err
	}
	for i, c := range counts {
		res.Points[i].Value = c.Numerator / c.Denominator
	}
	for si := range res.Sections {
		s := &res.Sections[si]
		pts := res.Points[s.Start:s.End]
		cs := counts[s.Start:s.End]
		var num, den float64
		for _, c := range cs[:s.Fixed] {
			num += c.Numerator
			den += c.Denominator
		}
		pbar := num / den
		s.Mean, s.SigmaZ = pbar, 1
		sigma := func(k int) float64 { return math.Sqrt(pbar * (1 - pbar) / cs[k].Denominator) }
		if laney {
			z := func(k int) float64 {
				sd := sigma(k)
				if sd == 0 {
					return 0
				}
				return (pts[k].Value - pbar) / sd
			}
			for k := 1; k < len(pts); k++ {
				pts[k].MovingRange = math.Abs(z(k) - z(k-1))
				pts[k].HasMovingRange = true
			}
			s.MovingRangeMean, s.Screened = meanMovingRange(pts[:s.Fixed], o.ScreenOutliers)
			s.SigmaZ = s.MovingRangeMean / D2
		}
		for k := range pts {
			p := &pts[k]
			p.Mean = pbar
			if res.LimitsShown {
				w := sigma(k) * s.SigmaZ
				p.Lower, p.Upper = math.Max(0, pbar-3*w), math.Min(1, pbar+3*w)
				p.LowerTwoSigma, p.UpperTwoSigma = math.Max(0, pbar-2*w), math.Min(1, pbar+2*w)
			}
		}
	}
	res.finish(o)
	return res, nil
}
