package mobilise

// Change is a headline figure now and at the end of the previous bucket.
type Change struct {
	Now, Previous       float64
	HasNow, HasPrevious bool // false when the figure is not available
}

// Delta returns Now − Previous, and false unless both are available.
func (c Change) Delta() (float64, bool) {
	if !c.HasNow || !c.HasPrevious {
		return 0, false
	}
	return c.Now - c.Previous, true
}

// ChangeOf reads a figure from the last point of a series (as at now, when
// the timeline ends now) and from the one before it. value returns false
// when the figure is not available at a point. With one point there is no
// previous value; with none, no value at all.
func ChangeOf[P any](points []P, value func(P) (float64, bool)) Change {
	var c Change
	if n := len(points); n > 0 {
		c.Now, c.HasNow = value(points[n-1])
		if n > 1 {
			c.Previous, c.HasPrevious = value(points[n-2])
		}
	}
	return c
}

// Headline is the figures a campaign's dashboard leads with, each with its
// change since the end of the previous bucket.
type Headline struct {
	People         Change // distinct people with a standing commitment
	Standing       Change // commitments made and not withdrawn
	Done           Change // commitments done
	Lapsed         Change // commitments lapsed
	Kept           Change // done ÷ due, a proportion from 0 to 1
	HoursPledged   Change
	HoursDelivered Change
}

// HeadlineOf reads the headline figures from a series' points.
func HeadlineOf(points []Point) Headline {
	count := func(f func(Point) int) func(Point) (float64, bool) {
		return func(p Point) (float64, bool) { return float64(f(p)), true }
	}
	hours := func(f func(Point) float64) func(Point) (float64, bool) {
		return func(p Point) (float64, bool) { return f(p), true }
	}
	return Headline{
		People:         ChangeOf(points, count(func(p Point) int { return p.People })),
		Standing:       ChangeOf(points, count(func(p Point) int { return p.Standing })),
		Done:           ChangeOf(points, count(func(p Point) int { return p.Total.Done })),
		Lapsed:         ChangeOf(points, count(func(p Point) int { return p.Total.Lapsed })),
		Kept:           ChangeOf(points, func(p Point) (float64, bool) { return p.Kept.Value() }),
		HoursPledged:   ChangeOf(points, hours(func(p Point) float64 { return p.HoursPledged })),
		HoursDelivered: ChangeOf(points, hours(func(p Point) float64 { return p.HoursDelivered })),
	}
}
