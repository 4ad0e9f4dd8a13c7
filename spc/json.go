package spc

// Report is a chart in the JSON shape of the `groundswell spc` CLI contract
// (issue 5), which the web app's JSON endpoint shares. Keep the field names
// exact: other tools script against them.
type Report struct {
	LimitsShown   bool          `json:"limits_shown"`
	Points        []ReportPoint `json:"points"`
	VariationIcon string        `json:"variation_icon"`
	AssuranceIcon string        `json:"assurance_icon"`
}

// ReportPoint is one point of a Report. The limit fields are null below the
// minimum number of points.
type ReportPoint struct {
	Period        string   `json:"period"`
	Value         float64  `json:"value"`
	Mean          float64  `json:"mean"`
	Lower         *float64 `json:"lower"`
	Upper         *float64 `json:"upper"`
	LowerTwoSigma *float64 `json:"lower_two_sigma"`
	UpperTwoSigma *float64 `json:"upper_two_sigma"`
	SpecialCause  bool     `json:"special_cause"`
	Rules         []string `json:"rules"`
	Variation     string   `json:"variation"`
}

// ReportJSON is res in the CLI contract's shape, ready for encoding/json.
// Numbers are full precision.
func ReportJSON(res *Result) Report {
	out := Report{
		LimitsShown:   res.LimitsShown,
		Points:        make([]ReportPoint, len(res.Points)),
		VariationIcon: string(res.VariationIcon),
		AssuranceIcon: string(res.AssuranceIcon),
	}
	for i, p := range res.Points {
		q := ReportPoint{
			Period: p.Period, Value: p.Value, Mean: p.Mean,
			SpecialCause: p.SpecialCause(), Rules: p.Rules().Names(), Variation: string(p.Variation),
		}
		if res.LimitsShown {
			lower, upper, lower2, upper2 := p.Lower, p.Upper, p.LowerTwoSigma, p.UpperTwoSigma
			q.Lower, q.Upper = &lower, &upper
			q.LowerTwoSigma, q.UpperTwoSigma = &lower2, &upper2
		}
		out.Points[i] = q
	}
	return out
}
