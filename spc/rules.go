package spc

// judge applies the four rules to points whose lines are set, setting each
// point's High and Low.
func judge(pts []PointResult, o Options) {
	n := len(pts)
	// joined reports whether points i and j (i < j) may be in one run or
	// window.
	joined := func(i, j int) bool { return !o.RulesWithinSections || pts[i].Section == pts[j].Section }
	side := func(i int) int { return cmp(pts[i].Value, pts[i].Mean) }

	// 1. Outside the process limits, strictly.
	for i := range pts {
		p := &pts[i]
		if cmp(p.Value, p.Upper) > 0 {
			p.High |= RuleSet(Outside)
		}
		if cmp(p.Value, p.Lower) < 0 {
			p.Low |= RuleSet(Outside)
		}
	}

	// 2. Shift: runs on one side of the mean.
	for i := 0; i < n; {
		s := side(i)
		j := i + 1
		if s != 0 {
			for j < n && joined(i, j) && side(j) == s {
				j++
			}
			if j-i >= o.Shift {
				flag(pts[i:j], s, Shift)
			}
		}
		i = j
	}

	// 3. Trend: runs of strict rises or falls. A turning point ends one run
	// and starts the next.
	for i := 0; i+1 < n; {
		if !joined(i, i+1) {
			i++
			continue
		}
		d := cmp(pts[i+1].Value, pts[i].Value)
		if d == 0 {
			i++
			continue
		}
		j := i + 1 // the run is [i, j]
		for j+1 < n && joined(j, j+1) && cmp(pts[j+1].Value, pts[j].Value) == d {
			j++
		}
		if j-i+1 >= o.Trend {
			flag(pts[i:j+1], d, Trend)
		}
		i = j
	}

	// 4. Two of three beyond a two-sigma line, on one side of the mean.
	beyond := func(i, s int) bool {
		p := &pts[i]
		if s > 0 {
			return cmp(p.Value, p.UpperTwoSigma) > 0 && (o.TwoSigmaIncludesOutside || cmp(p.Value, p.Upper) <= 0)
		}
		return cmp(p.Value, p.LowerTwoSigma) < 0 && (o.TwoSigmaIncludesOutside || cmp(p.Value, p.Lower) >= 0)
	}
	for i := 0; i+2 < n; i++ {
		s := side(i)
		if s == 0 || side(i+1) != s || side(i+2) != s || !joined(i, i+2) {
			continue
		}
		var b [3]bool
		count := 0
		for k := range 3 {
			if b[k] = beyond(i+k, s); b[k] {
				count++
			}
		}
		if count < 2 {
			continue
		}
		for k := range 3 {
			if b[k] {
				flag(pts[i+k:i+k+1], s, TwoOfThree)
			}
		}
	}
}

// flag marks pts high (s > 0) or low (s < 0) by rule r.
func flag(pts []PointResult, s int, r Rule) {
	for i := range pts {
		if s > 0 {
			pts[i].High |= RuleSet(r)
		} else {
			pts[i].Low |= RuleSet(r)
		}
	}
}
