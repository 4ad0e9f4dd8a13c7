package pngchart

import (
	"math"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/plot"
)

// niceTicks puts about target labelled ticks at multiples of 1, 2, 2.5 or 5
// times a power of ten, all labelled with the same number of decimals, and
// an unlabelled tick half way between. gonum's DefaultTicks aims at only
// three labels and can label every tick of an axis of thousands with two
// needless decimals ("2,500.00").
type niceTicks struct {
	target  int
	percent bool // label a proportion (0..1) in per cent: 0.05 is "5%"
}

// yTicks and xTicks are the value axes' tick markers: more labels fit
// across than up.
var (
	yTicks = niceTicks{target: 5}
	xTicks = niceTicks{target: 6}
)

// Ticks implements plot.Ticker.
func (t niceTicks) Ticks(min, max float64) []plot.Tick {
	if !(max > min) || !finite(min) || !finite(max) {
		return nil
	}
	target := max0(t.target, 2)
	mag := math.Pow(10, math.Floor(math.Log10((max-min)/float64(target))))
	// The step whose number of labels is nearest the target (at least
	// two), the larger on a tie.
	step, best := 0.0, math.MaxInt
	for _, g := range []float64{mag / 10, mag, mag * 10} {
		for _, m := range []float64{1, 2, 2.5, 5} {
			s := m * g
			n := int(math.Floor(max/s+1e-9) - math.Ceil(min/s-1e-9) + 1)
			if n < 2 {
				continue
			}
			if d := absInt(n - target); d <= best {
				step, best = s, d
			}
		}
	}
	if step == 0 {
		step = max - min
	}
	scale := 1.0
	if t.percent {
		scale = 100
	}
	dec := decimals(step * scale)
	first := math.Ceil(min/step - 1e-9)
	var ts []plot.Tick
	for k := first; k*step <= max+step*1e-9; k++ {
		v := k * step
		if v == 0 {
			v = 0 // never "-0"
		}
		label := groupDigits(strconv.FormatFloat(v*scale, 'f', dec, 64))
		if t.percent {
			label += "%"
		}
		ts = append(ts, plot.Tick{Value: v, Label: label})
		if half := v + step/2; half <= max {
			ts = append(ts, plot.Tick{Value: half})
		}
	}
	if half := first*step - step/2; half >= min {
		ts = append(ts, plot.Tick{Value: half})
	}
	return ts
}

// decimals is the number of decimal places that show step exactly (2.5 →
// 1, 0.25 → 2, 500 → 0).
func decimals(step float64) int {
	for d := 0; d < 12; d++ {
		x := step * math.Pow(10, float64(d))
		if math.Abs(x-math.Round(x)) <= 1e-6*x {
			return d
		}
	}
	return 12
}

// groupDigits puts commas between the thousands of a number formatted by
// strconv ("-12345.5" → "-12,345.5"), because the numbers in Groundswell's
// charts are people and pounds, read by people who are not statisticians.
// Exponent forms are left alone.
func groupDigits(s string) string {
	if s == "" || strings.ContainsAny(s, "eE") {
		return s
	}
	sign := ""
	if s[0] == '-' || s[0] == '+' {
		sign, s = s[:1], s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := sign + b.String()
	if hasFrac {
		out += "." + frac
	}
	return out
}

// formatNumber formats a value for a label on a bar: whole numbers in
// full with thousands grouped, others to at most two decimal places.
func formatNumber(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return groupDigits(strconv.FormatFloat(v, 'f', 0, 64))
	}
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return groupDigits(s)
}

// Time on the X axis is seconds since 1970 of the wall-clock time read as
// UTC, so that the first of a month in any time zone sits exactly on that
// month's tick and is labelled with that month.
func timeX(t time.Time) float64 {
	y, m, d := t.Date()
	hh, mm, ss := t.Clock()
	return float64(time.Date(y, m, d, hh, mm, ss, 0, time.UTC).Unix())
}

// dayMonthFormat and monthFormat are the tick label formats: months for
// spans of more than a few weeks, days for shorter ones.
const (
	monthFormat    = "Jan 2006"
	dayMonthFormat = "2 Jan 2006"
	day            = 24 * 60 * 60
)

// timeTicks returns the tick marker for a time axis from min to max (in
// timeX seconds) on a plot whose data area is width points wide: a
// plot.TimeTicks whose ticks fall on calendar months (or days), with as many
// labels as fit. gonum's DefaultTicks would put the ticks at round numbers
// of seconds, so labels could repeat a month or skip one.
func timeTicks(min, max float64, widthPts float64) plot.Ticker {
	if max-min < 45*day {
		n := int(widthPts / 90) // "12 Sep 2026" is about 60pt at 10pt
		return plot.TimeTicks{Ticker: dayTicks{maxLabels: n}, Format: dayMonthFormat}
	}
	n := int(widthPts / 60) // "Sep 2026" is about 42pt at 10pt
	return plot.TimeTicks{Ticker: monthTicks{maxLabels: n}, Format: monthFormat}
}

// monthTicks puts major ticks on the first of every step-th month, the step
// chosen from 1, 2, 3 (quarters), 6, 12 (years)... so that at most maxLabels
// are labelled, and minor ticks on the other months (or years, for long
// spans).
type monthTicks struct{ maxLabels int }

// monthSteps are the label spacings tried, in months.
var monthSteps = []int{1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200}

// Ticks implements plot.Ticker. Labels are placeholders; plot.TimeTicks
// formats them.
func (t monthTicks) Ticks(min, max float64) []plot.Tick {
	first := monthIndex(min, true)
	last := monthIndex(max, false)
	if last < first {
		return nil
	}
	maxLabels := max0(t.maxLabels, 2)
	step := monthSteps[len(monthSteps)-1]
	for _, s := range monthSteps {
		if countMultiples(first, last, s) <= maxLabels {
			step = s
			break
		}
	}
	minor := 1
	if step > 12 {
		minor = 12
	}
	if (last-first)/minor > 400 {
		minor = 0
	}
	var ts []plot.Tick
	for m := first; m <= last; m++ {
		switch {
		case m%step == 0:
			ts = append(ts, plot.Tick{Value: monthStart(m), Label: "m"})
		case minor > 0 && m%minor == 0:
			ts = append(ts, plot.Tick{Value: monthStart(m)})
		}
	}
	return ts
}

// monthIndex is the number of months since January of year 0 of the first
// of a month at or after (up) or at or before (!up) the time x.
func monthIndex(x float64, up bool) int {
	t := time.Unix(int64(math.Floor(x)), 0).UTC()
	m := t.Year()*12 + int(t.Month()) - 1
	start := monthStart(m)
	if up && start < x {
		m++
	}
	return m
}

// monthStart is the timeX of the first of month index m.
func monthStart(m int) float64 {
	return float64(time.Date(m/12, time.Month(m%12+1), 1, 0, 0, 0, 0, time.UTC).Unix())
}

// dayTicks puts major ticks every step days (1, 2, then weekly on Mondays,
// fortnightly...) so that at most maxLabels are labelled.
type dayTicks struct{ maxLabels int }

// daySteps are the label spacings tried, in days.
var daySteps = []int{1, 2, 7, 14, 28}

// Ticks implements plot.Ticker.
func (t dayTicks) Ticks(min, max float64) []plot.Tick {
	first := int(math.Ceil(min / day))
	last := int(math.Floor(max / day))
	if last < first {
		return nil
	}
	maxLabels := max0(t.maxLabels, 2)
	step := daySteps[len(daySteps)-1]
	for _, s := range daySteps {
		if countMultiples(first+3, last+3, s) <= maxLabels {
			step = s
			break
		}
	}
	var ts []plot.Tick
	for d := first; d <= last; d++ {
		// Day 0 (1 Jan 1970) was a Thursday: d+3 is a multiple of 7 on
		// Mondays, where weekly ticks belong.
		if (d+3)%step == 0 {
			ts = append(ts, plot.Tick{Value: float64(d) * day, Label: "d"})
		} else {
			ts = append(ts, plot.Tick{Value: float64(d) * day})
		}
	}
	return ts
}

// countMultiples counts the multiples of s in [a, b].
func countMultiples(a, b, s int) int {
	return floorDiv(b, s) - floorDiv(a-1, s)
}

// floorDiv is a÷b rounded towards minus infinity.
func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// max0 is the larger of a and b (named so as not to shadow the builtin in
// the functions above that take min and max arguments, as gonum's Ticker
// interface names them).
func max0(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// absInt is |a|.
func absInt(a int) int {
	if a < 0 {
		return -a
	}
	return a
}
