package mobilise

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"
	_ "time/tzdata" // Europe/London whatever the machine has

	gs "github.com/groundswell-health/groundswell"
)

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestDayOf(t *testing.T) {
	london, havana := mustLoad(t, "Europe/London"), mustLoad(t, "America/Havana")
	for _, c := range []struct {
		t    time.Time
		loc  *time.Location
		want string
	}{
		{at("2026-03-02 23:59:59"), nil, "2026-03-02"},
		{at("2026-03-03 00:00"), nil, "2026-03-03"},
		// GMT until 01:00 UTC on 29 March 2026, BST after.
		{at("2026-03-28 23:30"), london, "2026-03-28"},
		{at("2026-03-29 00:59:59"), london, "2026-03-29"},
		{at("2026-06-01 23:30"), london, "2026-06-02"},
		{at("2026-06-01 22:59:59"), london, "2026-06-01"},
		{atIn("2026-10-25 00:00", london), london, "2026-10-25"},
		// Havana's clocks go from 00:00 to 01:00 on 8 March 2026, and
		// time.Date puts that midnight at 23:00 the day before, as does a
		// Timeline: the last hour by the clock of 7 March is 8 March's.
		{atIn("2026-03-07 22:59:59", havana), havana, "2026-03-07"},
		{atIn("2026-03-07 23:30", havana), havana, "2026-03-08"},
		{atIn("2026-03-08 01:00", havana), havana, "2026-03-08"},
		{atIn("2026-10-24 23:59:59", london).Add(999 * time.Millisecond), london, "2026-10-24"},
	} {
		if got := DayOf(c.t, c.loc); got.String() != c.want {
			t.Errorf("DayOf(%s, %v) = %s, want %s", c.t, c.loc, got, c.want)
		}
	}
	for n := int64(-800); n < 30000; n += 37 {
		if dayNumber(dateOfDay(n)) != n {
			t.Fatalf("day %d comes back as %d", n, dayNumber(dateOfDay(n)))
		}
	}
}

// dd is a hand-written delta of key 0.
func dd(day string, c DayCounts) DayDelta { return DayDelta{Day: date(day), DayCounts: c} }

func TestCommitmentDeltas(t *testing.T) {
	london := mustLoad(t, "Europe/London")
	base := Commitment{ID: 1, PersonID: 1, GroupID: 10, Hours: 1.5, CreatedAt: at("2026-03-02 09:00"),
		ConfirmedAt: at("2026-03-03 08:00"), DueOn: date("2026-03-10")}
	with := func(f func(*Commitment)) Commitment { c := base; f(&c); return c }
	const h = 1_500_000
	for _, c := range []struct {
		name string
		c    Commitment
		o    Options
		loc  *time.Location
		want []DayDelta
	}{
		{"pledged, confirmed the next day, due later", with(func(c *Commitment) { c.Status = gs.StatusPledged }), Options{}, nil, []DayDelta{
			dd("2026-03-02", DayCounts{Made: 1, Pledged: 1, MicroHoursPledged: h}),
			dd("2026-03-03", DayCounts{Confirmed: 1}),
			dd("2026-03-10", DayCounts{DuePassed: 1}),
		}},
		{"the key is the group's", with(func(c *Commitment) { c.Status = gs.StatusInProgress; c.DueOn = gs.Date{} }), Options{By: ByGroup}, nil, []DayDelta{
			{Key: 10, Day: date("2026-03-02"), DayCounts: DayCounts{Made: 1, InProgress: 1, MicroHoursPledged: h}},
			{Key: 10, Day: date("2026-03-03"), DayCounts: DayCounts{Confirmed: 1}},
		}},
		{"done before its due date: kept as the date passes", with(func(c *Commitment) {
			c.Status, c.ReportedAt = gs.StatusDone, at("2026-03-05 10:00")
		}), Options{}, nil, []DayDelta{
			dd("2026-03-02", DayCounts{Made: 1, MicroHoursPledged: h}),
			dd("2026-03-03", DayCounts{Confirmed: 1}),
			dd("2026-03-05", DayCounts{Done: 1, MicroHoursDelivered: h}),
			dd("2026-03-10", DayCounts{DuePassed: 1, KeptPassed: 1}),
		}},
		{"done on its due date: kept as the date passes", with(func(c *Commitment) {
			c.Status, c.ReportedAt = gs.StatusDone, at("2026-03-10 23:59:59")
		}), Options{}, nil, []DayDelta{
			dd("2026-03-02", DayCounts{Made: 1, MicroHoursPledged: h}),
			dd("2026-03-03", DayCounts{Confirmed: 1}),
			dd("2026-03-10", DayCounts{Done: 1, MicroHoursDelivered: h, DuePassed: 1, KeptPassed: 1}),
		}},
		{"done after its due date: kept when reported", with(func(c *Commitment) {
			c.Status, c.ReportedAt = gs.StatusDone, at("2026-03-11 00:00")
		}), Options{}, nil, []DayDelta{
			dd("2026-03-02", DayCounts{Made: 1, MicroHoursPledged: h}),
			dd("2026-03-03", DayCounts{Confirmed: 1}),
			dd("2026-03-10", DayCounts{DuePassed: 1}),
			dd("2026-03-11", DayCounts{Done: 1, MicroHoursDelivered: h, Kept: 1}),
		}},
		{"withdrawn after falling due leaves due", with(func(c *Commitment) {
			c.Status, c.ReportedAt = gs.StatusWithdrawn, at("2026-03-12 10:00")
		}), Options{}, nil, []DayDelta{
			dd("2026-03-02", DayCounts{Made: 1, MicroHoursPledged: h}),
			dd("2026-03-03", DayCounts{Confirmed: 1}),
			dd("2026-03-10", DayCounts{DuePassed: 1}),
			dd("2026-03-12", DayCounts{Withdrawn: 1, MicroHoursPledged: -h, Due: -1}),
		}},
		{"withdrawn on its due date is never due", with(func(c *Commitment) {
			c.Status, c.ReportedAt = gs.StatusWithdrawn, at("2026-03-10 10:00")
		}), Options{}, nil, []DayDelta{
			dd("2026-03-02", DayCounts{Made: 1, MicroHoursPledged: h}),
			dd("2026-03-03", DayCounts{Confirmed: 1}),
			dd("2026-03-10", DayCounts{Withdrawn: 1, MicroHoursPledged: -h}),
		}},
		{"made after its due date is due as made, and kept when done", with(func(c *Commitment) {
			c.Status, c.DueOn, c.ReportedAt = gs.StatusDone, date("2026-02-27"), at("2026-03-04 10:00")
		}), Options{}, nil, []DayDelta{
			dd("2026-03-02", DayCounts{Made: 1, MicroHoursPledged: h, Due: 1}),
			dd("2026-03-03", DayCounts{Confirmed: 1}),
			dd("2026-03-04", DayCounts{Done: 1, MicroHoursDelivered: h, Kept: 1}),
		}},
		{"made on its due date falls due that night", with(func(c *Commitment) {
			c.Status, c.DueOn = gs.StatusLapsed, date("2026-03-02")
			c.ReportedAt = at("2026-03-01 10:00") // before the pledge: taken as its time
		}), Options{}, nil, []DayDelta{
			dd("2026-03-02", DayCounts{Made: 1, MicroHoursPledged: h, Lapsed: 1, DuePassed: 1}),
			dd("2026-03-03", DayCounts{Confirmed: 1}),
		}},
		{"undated done counts when made", with(func(c *Commitment) { c.Status = gs.StatusDone; c.DueOn = gs.Date{} }), Options{}, nil, []DayDelta{
			dd("2026-03-02", DayCounts{Made: 1, MicroHoursPledged: h, Done: 1, MicroHoursDelivered: h, Undated: 1}),
			dd("2026-03-03", DayCounts{Confirmed: 1}),
		}},
		{"confirmed only: made when confirmed", with(func(c *Commitment) { c.Status = gs.StatusPledged; c.DueOn = gs.Date{} }), Options{ConfirmedOnly: true}, nil, []DayDelta{
			dd("2026-03-03", DayCounts{Made: 1, Pledged: 1, MicroHoursPledged: h, Confirmed: 1}),
		}},
		{"confirmed only: unconfirmed counts nowhere", with(func(c *Commitment) { c.Status = gs.StatusPledged; c.ConfirmedAt = time.Time{} }), Options{ConfirmedOnly: true}, nil, nil},
		{"unconfirmed: no confirmation", with(func(c *Commitment) { c.Status = gs.StatusPledged; c.ConfirmedAt = time.Time{}; c.DueOn = gs.Date{} }), Options{}, nil, []DayDelta{
			dd("2026-03-02", DayCounts{Made: 1, Pledged: 1, MicroHoursPledged: h}),
		}},
		{"confirmed before the pledge: as made", with(func(c *Commitment) {
			c.Status, c.ConfirmedAt, c.DueOn = gs.StatusPledged, at("2026-02-20 08:00"), gs.Date{}
		}), Options{}, nil, []DayDelta{
			dd("2026-03-02", DayCounts{Made: 1, Confirmed: 1, Pledged: 1, MicroHoursPledged: h}),
		}},
		{"London in summer: 23:30 UTC is the next day", with(func(c *Commitment) {
			c.Status, c.CreatedAt, c.ConfirmedAt, c.DueOn, c.Hours = gs.StatusPledged, at("2026-06-01 23:30"), at("2026-06-01 22:59:59"), gs.Date{}, 0
		}), Options{}, london, []DayDelta{
			dd("2026-06-02", DayCounts{Made: 1, Pledged: 1, Confirmed: 1}),
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := CommitmentDeltas(c.c, c.o, c.loc)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
	for _, bad := range []Commitment{
		with(func(c *Commitment) { c.Status = "maybe" }),
		with(func(c *Commitment) { c.Status = gs.StatusPledged; c.Hours = -1 }),
		with(func(c *Commitment) { c.Status = gs.StatusPledged; c.CreatedAt = time.Time{} }),
	} {
		if _, err := CommitmentDeltas(bad, Options{}, nil); err == nil {
			t.Errorf("%+v accepted", bad)
		}
		if _, err := PersonDeltas([]Commitment{bad}, Options{}, nil); err == nil {
			t.Errorf("person of %+v accepted", bad)
		}
	}
}

func TestPersonDeltas(t *testing.T) {
	c := func(id int64, status string, made, gone string) Commitment {
		x := Commitment{ID: id, PersonID: 7, GroupID: 1, Status: status, CreatedAt: at(made), ConfirmedAt: at(made)}
		if gone != "" {
			x.ReportedAt = at(gone)
		}
		return x
	}
	p := func(day string, n int64) DayDelta { return dd(day, DayCounts{People: n}) }
	for _, tc := range []struct {
		name string
		cs   []Commitment
		o    Options
		want []DayDelta
	}{
		{"none", nil, Options{}, nil},
		{"one standing", []Commitment{c(1, gs.StatusDone, "2026-03-02 09:00", "2026-03-04 09:00")}, Options{}, []DayDelta{p("2026-03-02", 1)}},
		{"overlapping: one person", []Commitment{
			c(1, gs.StatusWithdrawn, "2026-03-02 09:00", "2026-03-06 09:00"),
			c(2, gs.StatusWithdrawn, "2026-03-04 09:00", "2026-03-09 09:00"),
			c(3, gs.StatusPledged, "2026-03-05 09:00", ""),
			c(4, gs.StatusLapsed, "2026-03-03 09:00", "2026-03-05 10:00"),
		}, Options{}, []DayDelta{p("2026-03-02", 1)}},
		{"two spells", []Commitment{
			c(2, gs.StatusPledged, "2026-03-10 09:00", ""),
			c(1, gs.StatusWithdrawn, "2026-03-02 09:00", "2026-03-06 09:00"),
		}, Options{}, []DayDelta{p("2026-03-02", 1), p("2026-03-06", -1), p("2026-03-10", 1)}},
		{"withdrawn and pledged again the same day: one spell", []Commitment{
			c(1, gs.StatusWithdrawn, "2026-03-02 09:00", "2026-03-06 09:00"),
			c(2, gs.StatusWithdrawn, "2026-03-06 23:00", "2026-03-08 09:00"),
		}, Options{}, []DayDelta{p("2026-03-02", 1), p("2026-03-08", -1)}},
		{"withdrawn the day it was made: never standing", []Commitment{
			c(1, gs.StatusWithdrawn, "2026-03-02 09:00", "2026-03-02 23:00"),
		}, Options{}, nil},
		{"withdrawn before it was made: as made, never standing", []Commitment{
			c(1, gs.StatusWithdrawn, "2026-03-02 09:00", "2026-02-02 23:00"),
		}, Options{}, nil},
		{"confirmed only leaves the unconfirmed out", []Commitment{
			c(1, gs.StatusPledged, "2026-03-02 09:00", ""),
			{ID: 2, PersonID: 7, GroupID: 1, Status: gs.StatusPledged, CreatedAt: at("2026-03-01 09:00")},
		}, Options{ConfirmedOnly: true}, []DayDelta{p("2026-03-02", 1)}},
		{"by group: key of the group", []Commitment{c(1, gs.StatusPledged, "2026-03-02 09:00", "")}, Options{By: ByGroup},
			[]DayDelta{{Key: 1, Day: date("2026-03-02"), DayCounts: DayCounts{People: 1}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := PersonDeltas(tc.cs, tc.o, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
	other := c(2, gs.StatusPledged, "2026-03-02 09:00", "")
	other.PersonID = 8
	if _, err := PersonDeltas([]Commitment{c(1, gs.StatusPledged, "2026-03-02 09:00", ""), other}, Options{}, nil); err == nil {
		t.Error("two people's commitments accepted")
	}
	other = c(2, gs.StatusPledged, "2026-03-02 09:00", "")
	other.GroupID = 2
	if _, err := PersonDeltas([]Commitment{c(1, gs.StatusPledged, "2026-03-02 09:00", ""), other}, Options{By: ByGroup}, nil); err == nil {
		t.Error("two groups' commitments accepted")
	}
	if _, err := PersonDeltas([]Commitment{c(1, gs.StatusPledged, "2026-03-02 09:00", ""), other}, Options{}, nil); err != nil {
		t.Errorf("two groups' commitments in the total: %v", err)
	}
}

// rollupWorld is random commitments in a timeline, with times chosen to hit
// bucket edges, clock changes and the ends of days.
type rollupWorld struct {
	rng      *rand.Rand
	changes  []time.Time // the zone's clock changes near the timeline
	loc      *time.Location
	from     gs.Date
	now      time.Time
	tonight  time.Time // midnight ending the day holding the instant before now
	lo, days int       // days from lo (relative to from) to choose among
	people   int
	nextID   int64
}

func newRollupWorld(rng *rand.Rand, loc *time.Location) *rollupWorld {
	w := &rollupWorld{rng: rng, loc: loc, people: 1 + rng.IntN(12)}
	// From mid-February to autumn 2026, so that timelines cross the clock
	// changes of 2026; a third start a few days before one.
	for t := midnight(date("2026-01-01"), loc); ; {
		_, end := t.ZoneBounds()
		if end.IsZero() || end.Year() > 2027 {
			break
		}
		w.changes = append(w.changes, end)
		t = end
	}
	w.from = date("2026-02-10").AddDays(rng.IntN(240))
	if len(w.changes) > 0 && rng.IntN(3) == 0 {
		w.from = DayOf(w.changes[rng.IntN(len(w.changes))], loc).AddDays(-rng.IntN(10))
	}
	length := 1 + rng.IntN([]int{3, 20, 90, 300}[rng.IntN(4)])
	last := w.from.AddDays(length - 1)
	switch rng.IntN(5) {
	case 0: // now exactly midnight ending the last day
		w.now = midnight(last.AddDays(1), loc)
	case 1: // the last instant of the last day
		w.now = midnight(last.AddDays(1), loc).Add(-time.Millisecond)
	case 2: // the first instant of the last day
		w.now = midnight(last, loc).Add(time.Nanosecond)
	default:
		w.now = midnight(last, loc).Add(time.Duration(rng.Int64N(int64(24 * time.Hour))))
	}
	w.tonight = midnight(DayOf(w.now.Add(-time.Nanosecond), loc).AddDays(1), loc)
	w.lo, w.days = -20, length+30
	return w
}

// when is an instant: anywhere, at midnight, a millisecond before it, or at
// a clock change. Nothing is dated after now on now's day (SeriesFromDays
// assumes it): such a time is moved to the midnight after.
func (w *rollupWorld) when() time.Time {
	d := w.from.AddDays(w.lo + w.rng.IntN(w.days))
	var t time.Time
	switch w.rng.IntN(8) {
	case 0:
		t = midnight(d, w.loc)
	case 1:
		t = midnight(d.AddDays(1), w.loc).Add(-time.Millisecond)
	case 2: // at a clock change, where some zones' midnights are odd
		if len(w.changes) == 0 {
			t = midnight(d, w.loc).Add(time.Duration(w.rng.IntN(3)-1) * time.Nanosecond)
			break
		}
		c := w.changes[w.rng.IntN(len(w.changes))]
		t = c.Add([]time.Duration{-time.Hour, -time.Millisecond, 0, time.Nanosecond, 30 * time.Minute, time.Hour}[w.rng.IntN(6)])
	case 3:
		t = w.now.Add(-time.Duration(w.rng.IntN(3)) * time.Nanosecond)
	default:
		t = midnight(d, w.loc).Add(time.Duration(w.rng.Int64N(int64(25 * time.Hour))))
	}
	if !t.Before(w.now) && t.Before(w.tonight) {
		t = w.tonight
	}
	return t
}

func (w *rollupWorld) commitment() Commitment {
	rng := w.rng
	w.nextID++
	c := Commitment{ID: w.nextID, PersonID: int64(1 + rng.IntN(w.people)), CampaignID: 1, GroupID: int64(1 + rng.IntN(4)),
		ActionID: int64(1 + rng.IntN(3)), AreaID: int64(rng.IntN(4)), OrganisationID: int64(rng.IntN(3)), Status: statuses[rng.IntN(len(statuses))],
		Hours: float64(rng.IntN(30)) / 10, CreatedAt: w.when()}
	w.dates(&c)
	return c
}

// dates gives c random confirmation, report and due dates.
func (w *rollupWorld) dates(c *Commitment) {
	rng := w.rng
	c.ConfirmedAt, c.ReportedAt = time.Time{}, time.Time{}
	switch rng.IntN(5) {
	case 0: // unconfirmed
	case 1:
		c.ConfirmedAt = w.when() // perhaps before the pledge
	default:
		c.ConfirmedAt = c.CreatedAt.Add(time.Duration(rng.IntN(72)) * time.Hour)
		if !c.ConfirmedAt.Before(w.now) && c.ConfirmedAt.Before(w.tonight) {
			c.ConfirmedAt = w.tonight
		}
	}
	switch rng.IntN(6) {
	case 0: // not reported: undated if done, lapsed or withdrawn
	case 1:
		c.ReportedAt = w.when() // perhaps before the pledge
	default:
		c.ReportedAt = c.CreatedAt.Add(time.Duration(rng.Int64N(int64(20 * 24 * time.Hour))))
		if !c.ReportedAt.Before(w.now) && c.ReportedAt.Before(w.tonight) {
			c.ReportedAt = w.tonight
		}
	}
	switch rng.IntN(8) {
	case 0:
		c.DueOn = gs.Date{}
	case 1:
		c.DueOn = gs.DateOf(w.now.In(w.loc)) // due today: not yet due
	case 2:
		c.DueOn = DayOf(c.CreatedAt, w.loc) // due the day it is made
	default:
		c.DueOn = w.from.AddDays(w.lo + rng.IntN(w.days))
	}
}

// rollupOf sums the commitment and people deltas of cs, per key and day.
func rollupOf(t testing.TB, cs []Commitment, o Options, loc *time.Location) map[rollupDay]DayCounts {
	t.Helper()
	sums := map[rollupDay]DayCounts{}
	add := func(ds []DayDelta, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			k := rollupDay{d.Key, dayNumber(d.Day)}
			sums[k] = sums[k].Plus(d.DayCounts)
		}
	}
	type kp struct{ key, person int64 }
	byPerson := map[kp][]Commitment{}
	for _, c := range cs {
		add(CommitmentDeltas(c, o, loc))
		k := kp{rollupKey(c, o), c.PersonID}
		byPerson[k] = append(byPerson[k], c)
	}
	for _, pcs := range byPerson {
		add(PersonDeltas(pcs, o, loc))
	}
	for k, c := range sums {
		if c.IsZero() {
			delete(sums, k)
		}
	}
	return sums
}

// rows turns a rollup into rows in random order, sometimes split in two so
// that a day comes in several rows.
func rows(rng *rand.Rand, sums map[rollupDay]DayCounts) []DayDelta {
	out := make([]DayDelta, 0, len(sums))
	for k, c := range sums {
		out = append(out, DayDelta{Key: k.key, Day: dateOfDay(k.day), DayCounts: c})
	}
	slices.SortFunc(out, func(a, b DayDelta) int { // map order is not a seed's
		return cmp.Or(cmp.Compare(a.Key, b.Key), cmp.Compare(dayNumber(a.Day), dayNumber(b.Day)))
	})
	for i := range len(out) / 4 {
		half := out[i].DayCounts
		half.Made, half.People, half.DuePassed = half.Made/2, half.People/2, half.DuePassed/2
		out[i].DayCounts = out[i].Minus(half)
		out = append(out, DayDelta{Key: out[i].Key, Day: out[i].Day, DayCounts: half})
	}
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func optionsName(o Options) string {
	return fmt.Sprintf("by %d, confirmed only %v", o.By, o.ConfirmedOnly)
}

// firstDifference says where two lists of series part.
func firstDifference(got, want []Series) string {
	if len(got) != len(want) {
		keys := func(ss []Series) (ks []int64) {
			for _, s := range ss {
				ks = append(ks, s.Key)
			}
			return ks
		}
		return fmt.Sprintf("keys %v, want %v", keys(got), keys(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Key != w.Key || g.InProgress != w.InProgress || g.Pledged != w.Pledged || g.Undated != w.Undated || len(g.Points) != len(w.Points) {
			return fmt.Sprintf("series %d: key %d in progress %d pledged %d undated %d, %d points; want key %d: %d %d %d, %d points",
				i, g.Key, g.InProgress, g.Pledged, g.Undated, len(g.Points), w.Key, w.InProgress, w.Pledged, w.Undated, len(w.Points))
		}
		for j := range g.Points {
			if !reflect.DeepEqual(g.Points[j], w.Points[j]) {
				return fmt.Sprintf("key %d, point %d:\n got %+v\nwant %+v", g.Key, j, g.Points[j], w.Points[j])
			}
		}
	}
	return "equal"
}

var rollupSplits = []Options{{By: Total}, {By: ByGroup}, {By: ByArea}, {By: ByOrganisation},
	{By: Total, ConfirmedOnly: true}, {By: ByGroup, ConfirmedOnly: true}, {By: ByArea, ConfirmedOnly: true}, {By: ByOrganisation, ConfirmedOnly: true}}

// TestRollupProperty: the rollup of any commitments gives the very series a
// Tally does, in every period, split and zone.
func TestRollupProperty(t *testing.T) {
	// Havana and Santiago put clocks forward at midnight, so that the
	// midnight starting that day is 23:00 the day before.
	zones := []*time.Location{time.UTC, mustLoad(t, "Europe/London"), mustLoad(t, "America/Havana"), mustLoad(t, "America/Santiago")}
	var partial, midnightNow, before, after, dueToday int
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 2026))
		loc := zones[[]int{0, 1, 1, 1, 2, 3}[seed%6]]
		w := newRollupWorld(rng, loc)
		cs := make([]Commitment, rng.IntN(150))
		for i := range cs {
			cs[i] = w.commitment()
			if cs[i].CreatedAt.Before(midnight(w.from, loc)) {
				before++
			}
			if !cs[i].CreatedAt.Before(w.now) {
				after++
			}
			if cs[i].DueOn == gs.DateOf(w.now.In(loc)) {
				dueToday++
			}
		}
		for _, p := range []Period{Daily, Weekly, Monthly} {
			tl, err := NewTimeline(p, w.from, w.now, loc)
			if err != nil {
				t.Fatal(err)
			}
			if tl.Bucket(tl.Len() - 1).Partial {
				partial++
			} else {
				midnightNow++
			}
			for _, o := range rollupSplits {
				want := mustSeries(t, cs, tl, o)
				got := SeriesFromDays(rows(rng, rollupOf(t, cs, o, loc)), tl, o)
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("seed %d, %s in %s from %s to %s, %s: %s", seed, p, loc, w.from, w.now.In(loc), optionsName(o), firstDifference(got, want))
				}
			}
		}
	}
	// The generator must reach the cases that matter.
	if partial == 0 || midnightNow == 0 || before == 0 || after == 0 || dueToday == 0 {
		t.Errorf("partial %d, midnight %d, before %d, after %d, due today %d: the generator misses a case", partial, midnightNow, before, after, dueToday)
	}
}

// TestRollupIncremental keeps a rollup as a store would, changing one
// commitment at a time: subtract the old deltas, add the new; for people,
// the person's old and new deltas in each key the change touched.
func TestRollupIncremental(t *testing.T) {
	london := mustLoad(t, "Europe/London")
	for seed := range uint64(24) {
		rng := rand.New(rand.NewPCG(seed, 7))
		w := newRollupWorld(rng, london)
		o := rollupSplits[seed%uint64(len(rollupSplits))]
		live := map[int64]Commitment{}
		sums := map[rollupDay]DayCounts{}
		apply := func(ds []DayDelta) {
			for _, d := range ds {
				k := rollupDay{d.Key, dayNumber(d.Day)}
				if c := sums[k].Plus(d.DayCounts); c.IsZero() {
					delete(sums, k) // as a store may delete a row of zeros
				} else {
					sums[k] = c
				}
			}
		}
		commitmentDeltas := func(c *Commitment) []DayDelta {
			if c == nil {
				return nil
			}
			ds, err := CommitmentDeltas(*c, o, london)
			if err != nil {
				t.Fatal(err)
			}
			return ds
		}
		personDeltas := func(key, person int64) []DayDelta {
			var pcs []Commitment
			for _, c := range sortedCommitments(live) {
				if c.PersonID == person && rollupKey(c, o) == key {
					pcs = append(pcs, c)
				}
			}
			ds, err := PersonDeltas(pcs, o, london)
			if err != nil {
				t.Fatal(err)
			}
			return ds
		}
		// change replaces commitments (nil: none) by others, as one
		// transaction would.
		change := func(olds, news []*Commitment) {
			type kp struct{ key, person int64 }
			touched := map[kp]bool{}
			var before, after []DayDelta
			for i := range olds {
				before = append(before, commitmentDeltas(olds[i])...)
				after = append(after, commitmentDeltas(news[i])...)
				for _, c := range []*Commitment{olds[i], news[i]} {
					if c != nil {
						touched[kp{rollupKey(*c, o), c.PersonID}] = true
					}
				}
			}
			for k := range touched {
				before = append(before, personDeltas(k.key, k.person)...)
			}
			for i := range olds {
				if news[i] == nil {
					delete(live, olds[i].ID)
				} else {
					live[news[i].ID] = *news[i]
				}
			}
			for k := range touched {
				after = append(after, personDeltas(k.key, k.person)...)
			}
			apply(DeltaChange(before, after))
		}
		pick := func() *Commitment {
			all := sortedCommitments(live)
			if len(all) == 0 {
				return nil
			}
			c := all[rng.IntN(len(all))]
			return &c
		}
		for step := range 400 {
			old := pick()
			if old == nil || rng.IntN(4) == 0 {
				c := w.commitment()
				change([]*Commitment{nil}, []*Commitment{&c})
				continue
			}
			c := *old
			switch rng.IntN(7) {
			case 0: // a new status, reported now or whenever
				c.Status = statuses[rng.IntN(len(statuses))]
				c.ReportedAt = w.when()
			case 1: // confirmed
				c.ConfirmedAt = w.when()
			case 2: // withdrawn
				c.Status, c.ReportedAt = gs.StatusWithdrawn, w.when()
			case 3: // deleted
				change([]*Commitment{old}, []*Commitment{nil})
				continue
			case 4: // moved to another group, new hours
				c.GroupID, c.Hours = int64(1+rng.IntN(4)), float64(rng.IntN(100))/7
			case 5: // new dates altogether
				w.dates(&c)
			case 6: // the person moves area and organisation: all their commitments move
				area, org := int64(rng.IntN(4)), int64(rng.IntN(3))
				var olds, news []*Commitment
				for _, x := range sortedCommitments(live) {
					if x.PersonID == c.PersonID {
						y := x
						y.AreaID, y.OrganisationID = area, org
						olds, news = append(olds, &x), append(news, &y)
					}
				}
				change(olds, news)
				continue
			}
			change([]*Commitment{old}, []*Commitment{&c})

			if step%100 == 99 || step == 399 {
				cs := sortedCommitments(live)
				if fresh := rollupOf(t, cs, o, london); !reflect.DeepEqual(sums, fresh) {
					t.Fatalf("seed %d step %d (%s): kept rollup of %d rows, fresh %d", seed, step, optionsName(o), len(sums), len(fresh))
				}
				for _, p := range []Period{Daily, Weekly, Monthly} {
					tl, err := NewTimeline(p, w.from, w.now, london)
					if err != nil {
						t.Fatal(err)
					}
					want := mustSeries(t, cs, tl, o)
					if got := SeriesFromDays(rows(rng, sums), tl, o); !reflect.DeepEqual(got, want) {
						t.Fatalf("seed %d step %d, %s, %s: %s", seed, step, p, optionsName(o), firstDifference(got, want))
					}
				}
			}
		}
		// Deleting everything leaves nothing, and no series but the total's.
		var olds, news []*Commitment
		for _, c := range sortedCommitments(live) {
			olds, news = append(olds, &c), append(news, nil)
		}
		change(olds, news)
		if len(sums) != 0 {
			t.Fatalf("seed %d: %d rows left after deleting every commitment", seed, len(sums))
		}
		tl, err := NewTimeline(Weekly, w.from, w.now, london)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := SeriesFromDays(nil, tl, o), mustSeries(t, nil, tl, o); !reflect.DeepEqual(got, want) {
			t.Fatalf("seed %d, empty: %s", seed, firstDifference(got, want))
		}
	}
}

func sortedCommitments(live map[int64]Commitment) []Commitment {
	out := make([]Commitment, 0, len(live))
	for _, c := range live {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Commitment) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// Rows may be summed before the first bucket and after today, as a query
// can, without changing the series.
func TestSeriesFromDaysSummedEnds(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	london := mustLoad(t, "Europe/London")
	for range 40 {
		w := newRollupWorld(rng, london)
		cs := make([]Commitment, 80)
		for i := range cs {
			cs[i] = w.commitment()
		}
		tl, err := NewTimeline(Weekly, w.from, w.now, london)
		if err != nil {
			t.Fatal(err)
		}
		first, today := tl.days[0], tl.today
		o := Options{By: ByGroup}
		var folded []DayDelta
		for _, r := range SumDeltas(rows(rng, rollupOf(t, cs, o, london))) {
			switch n := dayNumber(r.Day); {
			case n < first:
				r.Day = dateOfDay(first - 1 - int64(rng.IntN(3)))
			case n > today:
				r.Day = dateOfDay(today + 1 + int64(rng.IntN(3)))
			}
			folded = append(folded, r)
		}
		folded = SumDeltas(folded)
		if got, want := SeriesFromDays(folded, tl, o), mustSeries(t, cs, tl, o); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s", firstDifference(got, want))
		}
	}
}

// The one thing a rollup cannot see: an event later on now's day than now.
// A Tally leaves it out; the rollup counts it as at now.
func TestSeriesFromDaysTodayAfterNow(t *testing.T) {
	tl := mustTimeline(t, Daily, "2026-03-02", at("2026-03-04 12:00"), nil)
	c := Commitment{ID: 1, PersonID: 1, Status: gs.StatusPledged, CreatedAt: at("2026-03-04 13:00")}
	rs, err := CommitmentDeltas(c, Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := mustSeries(t, []Commitment{c}, tl, Options{})
	got := SeriesFromDays(rs, tl, Options{})
	if want[0].Points[2].Total.Made != 0 || got[0].Points[2].Total.Made != 1 {
		t.Errorf("made as at now: tally %d, rollup %d; want 0 and 1", want[0].Points[2].Total.Made, got[0].Points[2].Total.Made)
	}
}

// BenchmarkSeriesFromDays reads what a dashboard would: 8 groups over 700
// days, rebuilt into daily, weekly and monthly series.
func BenchmarkSeriesFromDays(b *testing.B) {
	london := mustLoad(b, "Europe/London")
	rng := rand.New(rand.NewPCG(1, 1))
	start := date("2025-01-06")
	var rs []DayDelta
	for g := int64(1); g <= 8; g++ {
		for d := range 700 {
			rs = append(rs, DayDelta{Key: g, Day: start.AddDays(d), DayCounts: DayCounts{
				Made: rng.Int64N(200), Confirmed: rng.Int64N(180), Done: rng.Int64N(60), Lapsed: rng.Int64N(20), Withdrawn: rng.Int64N(20),
				Due: rng.Int64N(5), Kept: rng.Int64N(5), DuePassed: rng.Int64N(50), KeptPassed: rng.Int64N(30), People: rng.Int64N(60) - 20,
				MicroHoursPledged: rng.Int64N(1e9), MicroHoursDelivered: rng.Int64N(1e8), InProgress: rng.Int64N(50), Pledged: rng.Int64N(50),
			}})
		}
	}
	now := midnight(start.AddDays(700), london).Add(-5 * time.Hour)
	for _, p := range []Period{Daily, Weekly, Monthly} {
		b.Run(p.String(), func(b *testing.B) {
			tl, err := NewTimeline(p, start, now, london)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if s := SeriesFromDays(rs, tl, Options{By: ByGroup}); len(s) != 8 {
					b.Fatal(len(s))
				}
			}
		})
	}
}

// BenchmarkDeltas is the store's cost of one change: a commitment's deltas
// and its person's, of four commitments in the series, in London.
func BenchmarkDeltas(b *testing.B) {
	london := mustLoad(b, "Europe/London")
	cs := []Commitment{
		{ID: 1, PersonID: 1, GroupID: 1, Status: gs.StatusDone, Hours: 2, CreatedAt: at("2026-03-02 09:00"), ConfirmedAt: at("2026-03-02 10:00"),
			ReportedAt: at("2026-04-02 10:00"), DueOn: date("2026-03-31")},
		{ID: 2, PersonID: 1, GroupID: 1, Status: gs.StatusWithdrawn, Hours: 1, CreatedAt: at("2026-03-05 09:00"), ConfirmedAt: at("2026-03-05 10:00"),
			ReportedAt: at("2026-03-20 10:00"), DueOn: date("2026-03-31")},
		{ID: 3, PersonID: 1, GroupID: 1, Status: gs.StatusPledged, CreatedAt: at("2026-05-02 09:00"), DueOn: date("2026-06-30")},
		{ID: 4, PersonID: 1, GroupID: 1, Status: gs.StatusInProgress, CreatedAt: at("2026-05-03 09:00"), ConfirmedAt: at("2026-05-03 09:30")},
	}
	o := Options{By: ByGroup}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := CommitmentDeltas(cs[0], o, london); err != nil {
			b.Fatal(err)
		}
		if _, err := PersonDeltas(cs, o, london); err != nil {
			b.Fatal(err)
		}
	}
}
