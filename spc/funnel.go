package spc

import (
	"fmt"
	"math"
	"sort"
)

// Unit is one area's numerator and denominator at one period.
type Unit struct {
	Name                   string
	Numerator, Denominator float64
}

// FunnelOptions are the settings of a funnel plot.
type FunnelOptions struct {
	// Laney widens the limits by σz, the spread of the units' z-scores,
	// for over-dispersion.
	Laney bool
}

// Funnel is a funnel plot: units' proportions against their denominators,
// with limits that narrow as the denominator grows.
type Funnel struct {
	// Centre is the pooled proportion ΣNumerator ÷ ΣDenominator.
	Centre float64
	// SigmaZ multiplies the binomial standard error: 1 without the Laney
	// adjustment.
	SigmaZ float64
	Units  []FunnelUnit // in the order given
}

// FunnelLimits are the control limits for one denominator, within [0, 1].
type FunnelLimits struct {
	Lower2, Upper2 float64 // centre ± 2σ
	Lower3, Upper3 float64 // centre ± 3σ
}

// FunnelUnit is one unit of a funnel plot.
type FunnelUnit struct {
	Name                   string
	Numerator, Denominator float64
	Value                  float64 // Numerator ÷ Denominator
	// Z is the unadjusted z-score (Value − Centre) ÷ √(Centre(1−Centre)/
	// Denominator); 0 when that is 0.
	Z float64
	FunnelLimits
	// Beyond2 and Beyond3 are +1 above the upper, −1 below the lower, 0
	// within (on a limit is within) the 2σ and 3σ limits.
	Beyond2, Beyond3 int
}

// LimitsAt gives the limits for a denominator n, to draw the funnel.
func (f *Funnel) LimitsAt(n float64) FunnelLimits {
	w := math.Sqrt(f.Centre*(1-f.Centre)/n) * f.SigmaZ
	return FunnelLimits{
		Lower2: math.Max(0, f.Centre-2*w), Upper2: math.Min(1, f.Centre+2*w),
		Lower3: math.Max(0, f.Centre-3*w), Upper3: math.Min(1, f.Centre+3*w),
	}
}

// FunnelPlot compares units (areas at one period). The limits are the
// binomial ones, Centre ± k·√(Centre(1−Centre)/n) for k = 2 and 3. With
// opts.Laney they are multiplied by σz: the units' z-scores are put in order
// of denominator (ties in the order given), as along the funnel's axis, and
// σz is their mean moving range ÷ 1.128 — Laney's estimate, which a few
// extreme units do not inflate as they would a standard deviation.
func FunnelPlot(units []Unit, opts FunnelOptions) (*Funnel, error) {
	if len(units) == 0 {
		return nil, optionError("no units")
	}
	if opts.Laney && len(units) < 2 {
		return nil, optionError("the Laney adjustment needs at least 2 units")
	}
	seen := make(map[string]int, len(units))
	var num, den float64
	for i, u := range units {
		bad := func(msg string) error { return &Error{Index: i, Label: u.Name, Msg: msg} }
		if j, ok := seen[u.Name]; ok {
			return nil, bad(fmt.Sprintf("duplicate unit %q (also unit %d)", u.Name, j+1))
		}
		seen[u.Name] = i
		switch {
		case u.Name == "":
			return nil, bad("no name")
		case !finite(u.Numerator) || !finite(u.Denominator):
			return nil, bad("numerator and denominator must be finite numbers")
		case u.Denominator <= 0:
			return nil, bad(fmt.Sprintf("denominator %v: want more than 0", u.Denominator))
		case u.Numerator < 0 || u.Numerator > u.Denominator:
			return nil, bad(fmt.Sprintf("numerator %v: want from 0 to the denominator, %v", u.Numerator, u.Denominator))
		}
		num += u.Numerator
		den += u.Denominator
	}
	f := &Funnel{Centre: num / den, SigmaZ: 1, Units: make([]FunnelUnit, len(units))}
	for i, u := range units {
		fu := &f.Units[i]
		fu.Name, fu.Numerator, fu.Denominator = u.Name, u.Numerator, u.Denominator
		fu.Value = u.Numerator / u.Denominator
		if se := math.Sqrt(f.Centre * (1 - f.Centre) / u.Denominator); se > 0 {
			fu.Z = (fu.Value - f.Centre) / se
		}
	}
	if opts.Laney {
		order := make([]int, len(units))
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool { return units[order[a]].Denominator < units[order[b]].Denominator })
		var sum float64
		for k := 1; k < len(order); k++ {
			sum += math.Abs(f.Units[order[k]].Z - f.Units[order[k-1]].Z)
		}
		f.SigmaZ = sum / float64(len(order)-1) / D2
	}
	for i := range f.Units {
		fu := &f.Units[i]
		fu.FunnelLimits = f.LimitsAt(fu.Denominator)
		fu.Beyond2 = beyond(fu.Value, fu.Lower2, fu.Upper2)
		fu.Beyond3 = beyond(fu.Value, fu.Lower3, fu.Upper3)
	}
	return f, nil
}

func beyond(v, lower, upper float64) int {
	switch {
	case cmp(v, upper) > 0:
		return 1
	case cmp(v, lower) < 0:
		return -1
	}
	return 0
}
