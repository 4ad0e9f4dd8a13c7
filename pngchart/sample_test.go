package pngchart

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// month returns the first of the i-th month from April 2023.
func month(i int) time.Time {
	return time.Date(2023, time.April+time.Month(i), 1, 0, 0, 0, 0, time.UTC)
}

// sampleSPC is a 30-month XmR chart with a recalculation at month 18, an
// improvement run, a concern point, a "neither" point, a target and two
// milestones: everything an SPC chart can show.
func sampleSPC() SPC {
	var pts []SPCPoint
	for i := range 30 {
		v := 50 + 4*math.Sin(float64(i)*1.3)
		mean, mr := 50.0, 3.0
		if i >= 18 {
			v += 8
			mean = 58
		}
		p := SPCPoint{
			Period: month(i), Value: v, Mean: mean,
			Lower: mean - 2.66*mr, Upper: mean + 2.66*mr,
			LowerTwoSigma: mean - 2.0/3*2.66*mr, UpperTwoSigma: mean + 2.0/3*2.66*mr,
			Variation: Common,
		}
		switch {
		case i >= 22 && i < 28:
			p.Variation = Improvement
		case i == 9:
			p.Value, p.Variation = 40, Concern
		case i == 13:
			p.Value, p.Variation = 59.5, Neither
		}
		pts = append(pts, p)
	}
	target := 60.0
	return SPC{
		Title:       "People who had a health check, per month (Barnsley)",
		YLabel:      "People",
		Points:      pts,
		LimitsShown: true,
		Target:      &target,
		Milestones: []Marker{
			{On: month(17), Label: "Campaign launched"},
			{On: month(18), Label: "Pharmacies joined"},
			{On: month(26), Label: "Winter push"},
		},
		Caption: "Source: OpenSAFELY. Association, not proof of cause. Limits recalculated from October 2024, when the campaign began.",
	}
}

func sampleLines() Lines {
	var people, commitments, envelope []TimeValue
	for i := range 20 {
		t := month(i)
		people = append(people, TimeValue{t, float64(i*i*40 + 120*i)})
		commitments = append(commitments, TimeValue{t, float64(i * i * 11)})
		envelope = append(envelope, TimeValue{t, 25000 - float64(i)*900})
	}
	return Lines{
		Title:   "Groundswell in Barnsley",
		YLabel:  "Count / £",
		Caption: "Cumulative since launch.",
		Series: []Series{
			{Name: "People", Points: people},
			{Name: "Commitments", Points: commitments},
			{Name: "Envelope remaining (£)", Points: envelope, Dashed: true},
		},
	}
}

func sampleBars(horizontal bool) Bars {
	return Bars{
		Title:      "From pledge to done",
		XLabel:     "",
		YLabel:     "People",
		Caption:    "All campaigns, 2025.",
		Horizontal: horizontal,
		Bars: []Bar{
			{"Pledged", 12840}, {"Confirmed", 8021}, {"Started", 5100}, {"Done", 3377.5},
		},
	}
}

func sampleFunnel() Funnel {
	centre := 0.12
	limits := func(n float64) (l2, u2, l3, u3 float64) {
		w := math.Sqrt(centre * (1 - centre) / n)
		return math.Max(0, centre-2*w), math.Min(1, centre+2*w), math.Max(0, centre-3*w), math.Min(1, centre+3*w)
	}
	var units []FunnelUnit
	for i := range 40 {
		n := 50 + float64(i*i)*12
		v := centre + 0.6*math.Sin(float64(i)*2.1)*math.Sqrt(centre*(1-centre)/n)*2.2
		units = append(units, FunnelUnit{Name: "Practice " + string(rune('A'+i%26)), Denominator: n, Value: math.Max(0, v)})
	}
	units = append(units, FunnelUnit{Name: "Hoyland Surgery", Denominator: 4000, Value: 0.2})
	return Funnel{
		Title:     "Flu vaccination uptake by practice",
		Caption:   "Source: example data.",
		Centre:    centre,
		Units:     units,
		Limits:    limits,
		AsPercent: true,
	}
}

// TestWriteSamples writes one of each chart to $PNGCHART_OUT, for a person
// to look at (PNGCHART_OUT=/tmp/charts go test -run TestWriteSamples
// ./pngchart/). It is skipped when the variable is not set.
func TestWriteSamples(t *testing.T) {
	dir := os.Getenv("PNGCHART_OUT")
	if dir == "" {
		t.Skip("set PNGCHART_OUT to a directory to write sample charts")
	}
	run := sampleSPC()
	run.LimitsShown = false
	run.Target = nil
	run.Title = "Run chart (too few points for limits)"
	run.Points = run.Points[:10]
	for name, f := range map[string]func(*bytes.Buffer) error{
		"spc":        func(b *bytes.Buffer) error { return WriteSPC(b, sampleSPC(), Size{}) },
		"spc-small":  func(b *bytes.Buffer) error { return WriteSPC(b, sampleSPC(), Size{Width: 600, Height: 400}) },
		"spc-big":    func(b *bytes.Buffer) error { return WriteSPC(b, sampleSPC(), Size{Width: 2400}) },
		"run":        func(b *bytes.Buffer) error { return WriteSPC(b, run, Size{}) },
		"lines":      func(b *bytes.Buffer) error { return WriteLines(b, sampleLines(), Size{}) },
		"bars":       func(b *bytes.Buffer) error { return WriteBars(b, sampleBars(false), Size{}) },
		"bars-horiz": func(b *bytes.Buffer) error { return WriteBars(b, sampleBars(true), Size{}) },
		"funnel":     func(b *bytes.Buffer) error { return WriteFunnel(b, sampleFunnel(), Size{}) },
	} {
		var b bytes.Buffer
		if err := f(&b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".png"), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
