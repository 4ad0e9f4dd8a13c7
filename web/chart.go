package web

import (
	"math"
	"strconv"

	gs "github.com/groundswell-health/groundswell"
)

// Helpers shared by the server-side SVG charts. Every coordinate and label
// reaches the templates as a string made with strconv, so that no number is
// ever printed in exponent form, and the templates escape all text.

type tick struct {
	Pos   string
	Label string
	Title string  // milestones only
	On    gs.Date // milestones only
}

// niceStep rounds a raw step up to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	if raw <= 0 || math.IsNaN(raw) || math.IsInf(raw, 0) {
		return 1
	}
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*mag {
			return m * mag
		}
	}
	return 10 * mag
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// coord formats a coordinate to one decimal place, without a trailing ".0".
func coord(v float64) string {
	v = round1(v)
	if v == 0 {
		v = 0 // no "-0"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// decimalsFor is how many decimal places show a multiple of step exactly.
func decimalsFor(step float64) int {
	d := int(math.Ceil(-math.Log10(step) - 1e-9))
	return max(d, 0)
}

// fixed formats a figure for people to read, to two decimal places.
func fixed(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// plural is one when n is 1, and many otherwise.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
