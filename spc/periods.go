package spc

import (
	"fmt"
	"slices"
)

// checkPeriods refuses empty and repeated periods and, for dated series,
// periods out of order and (unless allowGaps) missing months; see the package
// documentation.
func checkPeriods(n int, period func(int) string, allowGaps bool) ([]Gap, error) {
	// One pass: are all periods dates, the first fault of order among them,
	// are all the first of a month, and the shortest step in months.
	dated, monthly := true, true
	var orderErr error
	var prev date
	step := 0
	for i := range n {
		p := period(i)
		if p == "" {
			return nil, &Error{Index: i, Msg: "no period"}
		}
		d, ok := parseDate(p)
		if !ok {
			dated = false
			continue
		}
		monthly = monthly && d.d == 1
		if i > 0 && dated && orderErr == nil {
			switch c := d.compare(prev); {
			case c == 0:
				orderErr = &Error{Index: i, Label: p, Msg: fmt.Sprintf("duplicate period %s", p)}
			case c < 0:
				orderErr = &Error{Index: i, Label: p, Msg: fmt.Sprintf("period %s comes after %s: periods must be in time order", p, period(i-1))}
			}
			if m := d.month() - prev.month(); monthly && (i == 1 || m < step) {
				step = m
			}
		}
		prev = d
	}
	if !dated {
		// Labels: only repeats can be found.
		seen := make(map[string]int, n)
		for i := range n {
			p := period(i)
			if j, ok := seen[p]; ok {
				return nil, &Error{Index: i, Label: p, Msg: fmt.Sprintf("duplicate period %s (also point %d)", p, j+1)}
			}
			seen[p] = i
		}
		return nil, nil
	}
	if orderErr != nil {
		return nil, orderErr
	}
	if !monthly || n < 2 {
		return nil, nil
	}
	// A monthly (or quarterly, …) series: a longer step is a gap.
	var gaps []Gap
	d, _ := parseDate(period(0))
	a := d.month()
	for i := 1; i < n; i++ {
		d, _ := parseDate(period(i))
		b := d.month()
		if b-a > step {
			g := Gap{After: period(i - 1), Before: period(i)}
			for m := a + step; m < b; m += step {
				g.Missing = append(g.Missing, fmt.Sprintf("%04d-%02d-01", m/12, m%12+1))
			}
			if !allowGaps {
				return nil, &Error{Index: i, Label: g.Before, Gap: &g, Msg: fmt.Sprintf("missing period%s %s between %s and %s",
					plural(len(g.Missing)), listPeriods(g.Missing), g.After, g.Before)}
			}
			gaps = append(gaps, g)
		}
		a = b
	}
	return gaps, nil
}

// sectionStarts gives the first point of each section: 0, then each
// recalculation period's point, in order.
func sectionStarts(n int, period func(int) string, recalc []string) ([]int, error) {
	starts := []int{0}
	if len(recalc) == 0 {
		return starts, nil
	}
	// Few recalculations: a search for each beats building an index.
	for _, p := range recalc {
		i := 0
		for i < n && period(i) != p {
			i++
		}
		if i == n {
			return nil, optionError("recalculation period %q is not a period of the series", p)
		}
		if i > 0 {
			starts = append(starts, i)
		}
	}
	slices.Sort(starts)
	return slices.Compact(starts), nil
}

// date is a calendar date.
type date struct{ y, m, d int }

// month numbers the date's month: year × 12 + month − 1.
func (a date) month() int { return a.y*12 + a.m - 1 }

func (a date) compare(b date) int {
	switch {
	case a.y != b.y:
		return sign(a.y - b.y)
	case a.m != b.m:
		return sign(a.m - b.m)
	}
	return sign(a.d - b.d)
}

func sign(x int) int {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// parseDate reads an ISO date, YYYY-MM-DD, that exists in the calendar.
func parseDate(s string) (date, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return date{}, false
	}
	num := func(s string) (int, bool) {
		v := 0
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	y, ok1 := num(s[:4])
	m, ok2 := num(s[5:7])
	d, ok3 := num(s[8:])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return date{}, false
	}
	return date{y, m, d}, true
}

// IsDate reports whether s is an ISO date, YYYY-MM-DD, that exists in the
// calendar.
func IsDate(s string) bool {
	_, ok := parseDate(s)
	return ok
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
