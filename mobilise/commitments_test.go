package mobilise

import (
	"math"
	"reflect"
	"strings"
	"testing"

	gs "github.com/groundswell-health/groundswell"
)

func mustSeries(t testing.TB, cs []Commitment, tl Timeline, o Options) []Series {
	t.Helper()
	s, err := Commitments(cs, tl, o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The hand-made campaign: five days from Monday 2 March 2026, now 12:00 on
// Friday 6 March. Days are buckets 0 (2 March) to 4 (6 March, partial).
func handMade(t *testing.T) (Timeline, []Commitment) {
	tl := mustTimeline(t, Daily, "2026-03-02", at("2026-03-06 12:00"), nil)
	cs := []Commitment{
		// Person 1 in two groups: done, and pledged at 23:59:59.
		{ID: 1, PersonID: 1, GroupID: 10, AreaID: 100, Status: gs.StatusDone, Hours: 2,
			CreatedAt: at("2026-03-02 09:00"), ConfirmedAt: at("2026-03-02 09:05"), ReportedAt: at("2026-03-04 10:00"), DueOn: date("2026-03-03")},
		{ID: 2, PersonID: 1, GroupID: 20, AreaID: 100, OrganisationID: 7, Status: gs.StatusPledged, Hours: 1.5,
			CreatedAt: at("2026-03-02 23:59:59"), ConfirmedAt: at("2026-03-03 08:00"), DueOn: date("2026-03-10")},
		// Person 2: a pledge at midnight, never confirmed, withdrawn after
		// it fell due; then one in progress.
		{ID: 3, PersonID: 2, GroupID: 10, AreaID: 200, OrganisationID: 7, Status: gs.StatusWithdrawn, Hours: 3,
			CreatedAt: at("2026-03-03 00:00:00"), ReportedAt: at("2026-03-05 12:00"), DueOn: date("2026-03-04")},
		{ID: 5, PersonID: 2, GroupID: 20, AreaID: 200, OrganisationID: 7, Status: gs.StatusInProgress, Hours: 1,
			CreatedAt: at("2026-03-04 15:00"), ConfirmedAt: at("2026-03-04 15:10"), DueOn: date("2026-03-05")},
		// Person 3 pledged before the timeline and lapsed.
		{ID: 4, PersonID: 3, GroupID: 20, AreaID: 200, Status: gs.StatusLapsed,
			CreatedAt: at("2026-03-01 10:00"), ConfirmedAt: at("2026-03-01 11:00"), ReportedAt: at("2026-03-05 09:00"), DueOn: date("2026-03-02")},
		// Person 4: done with no report time, due today (not yet due).
		{ID: 6, PersonID: 4, GroupID: 10, AreaID: 100, Status: gs.StatusDone, Hours: 4,
			CreatedAt: at("2026-03-06 08:00"), ConfirmedAt: at("2026-03-06 08:01"), DueOn: date("2026-03-06")},
	}
	return tl, cs
}

// column is one figure across the buckets of a series.
func column(s Series, f func(Point) int) []int {
	out := make([]int, len(s.Points))
	for i, p := range s.Points {
		out[i] = f(p)
	}
	return out
}

func hoursColumn(s Series, f func(Point) float64) []float64 {
	out := make([]float64, len(s.Points))
	for i, p := range s.Points {
		out[i] = f(p)
	}
	return out
}

type want struct {
	made, newMade, confirmed, done, lapsed, withdrawn []int
	standing, open, people, due, kept                 []int
	pledged, delivered                                []float64
}

func checkSeries(t *testing.T, s Series, w want) {
	t.Helper()
	for _, c := range []struct {
		name string
		got  []int
		want []int
	}{
		{"made", column(s, func(p Point) int { return p.Total.Made }), w.made},
		{"new made", column(s, func(p Point) int { return p.New.Made }), w.newMade},
		{"confirmed", column(s, func(p Point) int { return p.Total.Confirmed }), w.confirmed},
		{"done", column(s, func(p Point) int { return p.Total.Done }), w.done},
		{"lapsed", column(s, func(p Point) int { return p.Total.Lapsed }), w.lapsed},
		{"withdrawn", column(s, func(p Point) int { return p.Total.Withdrawn }), w.withdrawn},
		{"standing", column(s, func(p Point) int { return p.Standing }), w.standing},
		{"open", column(s, func(p Point) int { return p.Open }), w.open},
		{"people", column(s, func(p Point) int { return p.People }), w.people},
		{"due", column(s, func(p Point) int { return p.Kept.Den }), w.due},
		{"kept", column(s, func(p Point) int { return p.Kept.Num }), w.kept},
	} {
		if c.want != nil && !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("series %d %s: %v, want %v", s.Key, c.name, c.got, c.want)
		}
	}
	if got := hoursColumn(s, func(p Point) float64 { return p.HoursPledged }); w.pledged != nil && !reflect.DeepEqual(got, w.pledged) {
		t.Errorf("series %d hours pledged: %v, want %v", s.Key, got, w.pledged)
	}
	if got := hoursColumn(s, func(p Point) float64 { return p.HoursDelivered }); w.delivered != nil && !reflect.DeepEqual(got, w.delivered) {
		t.Errorf("series %d hours delivered: %v, want %v", s.Key, got, w.delivered)
	}
}

func TestCommitmentsTotal(t *testing.T) {
	tl, cs := handMade(t)
	all := mustSeries(t, cs, tl, Options{})
	if len(all) != 1 || all[0].Key != 0 {
		t.Fatalf("%d series, want one of key 0", len(all))
	}
	s := all[0]
	checkSeries(t, s, want{
		made:      []int{3, 4, 5, 5, 6},
		newMade:   []int{2, 1, 1, 0, 1},
		confirmed: []int{2, 3, 4, 4, 5},
		done:      []int{0, 0, 1, 1, 2},
		lapsed:    []int{0, 0, 0, 1, 1},
		withdrawn: []int{0, 0, 0, 1, 1},
		standing:  []int{3, 4, 5, 4, 5},
		open:      []int{3, 4, 4, 2, 2},
		// Person 1's two pledges count once; person 2 stays through the
		// withdrawal, by the pledge in progress.
		people: []int{2, 3, 3, 3, 4},
		// Due: 4 from 2 March, 1 from 3 March, 3 on 4 March only (then
		// withdrawn), 5 from 5 March; 6 is due today, not yet.
		due:       []int{1, 2, 3, 3, 3},
		kept:      []int{0, 0, 1, 1, 1},
		pledged:   []float64{3.5, 6.5, 7.5, 4.5, 8.5},
		delivered: []float64{0, 0, 2, 2, 6},
	})
	if s.InProgress != 1 || s.Pledged != 1 || s.Undated != 1 {
		t.Errorf("in progress %d, pledged %d, undated %d; want 1, 1, 1", s.InProgress, s.Pledged, s.Undated)
	}
	if last := s.Points[4]; !last.Partial || last.Start != date("2026-03-06") || last.New.Withdrawn != 0 || s.Points[3].New.Withdrawn != 1 {
		t.Errorf("points %+v", s.Points[3:])
	}
}

func TestCommitmentsSplit(t *testing.T) {
	tl, cs := handMade(t)
	byGroup := mustSeries(t, cs, tl, Options{By: ByGroup})
	if len(byGroup) != 2 || byGroup[0].Key != 10 || byGroup[1].Key != 20 {
		t.Fatalf("series %+v", byGroup)
	}
	checkSeries(t, byGroup[0], want{
		made:   []int{1, 2, 2, 2, 3},
		people: []int{1, 2, 2, 1, 2},
		due:    []int{0, 1, 2, 1, 1},
		kept:   []int{0, 0, 1, 1, 1},
	})
	checkSeries(t, byGroup[1], want{
		made:   []int{2, 2, 3, 3, 3},
		people: []int{2, 2, 3, 3, 3},
	})
	// Nothing of group 10 was due on 2 March: its kept rate is not
	// available, not 0.
	if v, ok := byGroup[0].Points[0].Kept.Value(); ok {
		t.Errorf("group 10 kept on 2 March: %v, want not available", v)
	}
	if v, ok := byGroup[0].Points[2].Kept.Value(); !ok || v != 0.5 {
		t.Errorf("group 10 kept on 4 March: %v %v, want 0.5", v, ok)
	}
	byKey := mustSeries(t, cs, tl, Options{Key: func(c Commitment) int64 { return c.GroupID }})
	if !reflect.DeepEqual(byKey, byGroup) {
		t.Errorf("a key function of the group differs from ByGroup")
	}
	byOrg := mustSeries(t, cs, tl, Options{By: ByOrganisation})
	if len(byOrg) != 2 || byOrg[0].Key != 0 || byOrg[1].Key != 7 {
		t.Fatalf("by organisation %+v", byOrg)
	}
	checkSeries(t, byOrg[1], want{made: []int{1, 2, 3, 3, 3}, people: []int{1, 2, 2, 2, 2}, withdrawn: []int{0, 0, 0, 1, 1}})
	byArea := mustSeries(t, cs, tl, Options{By: ByArea})
	checkSeries(t, byArea[0], want{made: []int{2, 2, 2, 2, 3}, people: []int{1, 1, 1, 1, 2}})
	checkSeries(t, byArea[1], want{made: []int{1, 2, 3, 3, 3}, people: []int{1, 2, 2, 2, 2}})
}

func TestCommitmentsConfirmedOnly(t *testing.T) {
	tl, cs := handMade(t)
	s := mustSeries(t, cs, tl, Options{ConfirmedOnly: true})[0]
	// Commitment 3 was never confirmed; 2 counts from its confirmation on 3
	// March.
	checkSeries(t, s, want{
		made:      []int{2, 3, 4, 4, 5},
		confirmed: []int{2, 3, 4, 4, 5},
		people:    []int{2, 2, 3, 3, 4},
		standing:  []int{2, 3, 4, 4, 5},
		due:       []int{1, 2, 2, 3, 3},
	})
}

func TestCommitmentsEmpty(t *testing.T) {
	tl := mustTimeline(t, Weekly, "2026-03-02", at("2026-03-20 00:00"), nil)
	s := mustSeries(t, nil, tl, Options{})
	if len(s) != 1 || len(s[0].Points) != 3 {
		t.Fatalf("empty total: %+v", s)
	}
	for _, p := range s[0].Points {
		if p.Total != (Counts{}) || p.People != 0 || p.HoursPledged != 0 {
			t.Errorf("empty point %+v", p)
		}
		if _, ok := p.Kept.Value(); ok {
			t.Errorf("kept rate of nothing is available")
		}
	}
	if s := mustSeries(t, nil, tl, Options{By: ByGroup}); len(s) != 0 {
		t.Errorf("empty by group: %+v", s)
	}
	if s := mustSeries(t, nil, Timeline{}, Options{}); len(s) != 0 {
		t.Errorf("zero timeline: %+v", s)
	}
}

func TestCommitmentsRefused(t *testing.T) {
	tl, _ := handMade(t)
	ok := Commitment{ID: 9, PersonID: 1, Status: gs.StatusPledged, CreatedAt: at("2026-03-02 09:00")}
	for _, c := range []struct {
		name   string
		change func(*Commitment)
		want   string
	}{
		{"unknown status", func(c *Commitment) { c.Status = "kept" }, `unknown status "kept"`},
		{"negative hours", func(c *Commitment) { c.Hours = -1 }, "hours -1"},
		{"NaN hours", func(c *Commitment) { c.Hours = math.NaN() }, "hours NaN"},
		{"infinite hours", func(c *Commitment) { c.Hours = math.Inf(1) }, "hours +Inf"},
		{"absurd hours", func(c *Commitment) { c.Hours = 2e12 }, "hours 2e+12"},
		{"no creation time", func(c *Commitment) { c.CreatedAt = at("0001-01-01 00:00") }, "no time it was made"},
	} {
		bad := ok
		c.change(&bad)
		_, err := Commitments([]Commitment{ok, bad}, tl, Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "commitment 9") {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}

// Months and weeks: a commitment due on a bucket's last day is due as at
// its end; one reported late in a later bucket is kept from then.
func TestKeptAcrossMonths(t *testing.T) {
	tl := mustTimeline(t, Monthly, "2026-01-01", at("2026-03-15 00:00"), nil)
	cs := []Commitment{
		{ID: 1, PersonID: 1, Status: gs.StatusDone, CreatedAt: at("2026-01-05 10:00"), ReportedAt: at("2026-01-20 10:00"), DueOn: date("2026-01-31")},
		{ID: 2, PersonID: 2, Status: gs.StatusDone, CreatedAt: at("2026-01-05 10:00"), ReportedAt: at("2026-03-02 10:00"), DueOn: date("2026-02-28")},
		{ID: 3, PersonID: 3, Status: gs.StatusLapsed, CreatedAt: at("2026-01-05 10:00"), ReportedAt: at("2026-03-10 10:00"), DueOn: date("2026-02-01")},
		// Due on 14 March: passed at midnight starting 15 March, which is now.
		{ID: 4, PersonID: 4, Status: gs.StatusPledged, CreatedAt: at("2026-01-05 10:00"), DueOn: date("2026-03-14")},
		// Due on 15 March, today: not yet.
		{ID: 5, PersonID: 5, Status: gs.StatusPledged, CreatedAt: at("2026-01-05 10:00"), DueOn: date("2026-03-15")},
	}
	s := mustSeries(t, cs, tl, Options{})[0]
	checkSeries(t, s, want{due: []int{1, 3, 4}, kept: []int{1, 1, 2}})
}

// Hours are summed exactly: 0.1 + 0.2 is 0.3, and taking 0.1 away again
// leaves 0.2, not 0.19999999999999998.
func TestHoursExact(t *testing.T) {
	tl := mustTimeline(t, Daily, "2026-03-02", at("2026-03-04 00:00"), nil)
	cs := []Commitment{
		{ID: 1, PersonID: 1, Status: gs.StatusDone, Hours: 0.1, CreatedAt: at("2026-03-02 09:00"), ReportedAt: at("2026-03-02 10:00")},
		{ID: 2, PersonID: 2, Status: gs.StatusDone, Hours: 0.2, CreatedAt: at("2026-03-02 09:00"), ReportedAt: at("2026-03-02 10:00")},
		{ID: 3, PersonID: 3, Status: gs.StatusWithdrawn, Hours: 0.1, CreatedAt: at("2026-03-02 09:00"), ReportedAt: at("2026-03-03 10:00")},
	}
	s := mustSeries(t, cs, tl, Options{})[0]
	checkSeries(t, s, want{pledged: []float64{0.4, 0.3}, delivered: []float64{0.3, 0.3}})
}
