package spc

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkSPCXmR200Areas120Months is issue 5's speed target: 200 areas × 120
// monthly periods, XmR with every rule, a direction, a target and a
// recalculation, in under 20 ms for all 200 (one op is all 200).
func BenchmarkSPCXmR200Areas120Months(b *testing.B) {
	const areas, periods = 200, 120
	ps := months(periods)
	rng := rand.New(rand.NewPCG(1, 2))
	all := make([][]Point, areas)
	for a := range all {
		level := 5 + 10*rng.Float64()
		pts := make([]Point, periods)
		for i := range pts {
			if i == 70 {
				level += 1 // a real change, for the rules to find
			}
			pts[i] = Point{Period: ps[i], Value: level + rng.NormFloat64()*0.3}
		}
		all[a] = pts
	}
	target := 10.0
	o := Options{Direction: Down, Target: &target, Baseline: 24, Recalculate: []string{ps[60]}}
	b.ReportAllocs()
	for b.Loop() {
		for _, pts := range all {
			if _, err := XmR(pts, o); err != nil {
				b.Fatal(err)
			}
		}
	}
}
