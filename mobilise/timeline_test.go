package mobilise

import (
	"strings"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
)

func date(s string) gs.Date { return gs.MustDate(s) }

// at parses "2026-03-02 09:00:00" (seconds optional) in UTC.
func at(s string) time.Time { return atIn(s, time.UTC) }

func atIn(s string, loc *time.Location) time.Time {
	layout := "2006-01-02 15:04:05"
	if len(s) == len("2006-01-02 15:04") {
		layout = "2006-01-02 15:04"
	}
	t, err := time.ParseInLocation(layout, s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

func mustTimeline(t *testing.T, p Period, from string, now time.Time, loc *time.Location) Timeline {
	t.Helper()
	tl, err := NewTimeline(p, date(from), now, loc)
	if err != nil {
		t.Fatal(err)
	}
	return tl
}

func starts(tl Timeline) string {
	var s []string
	for _, b := range tl.Buckets() {
		s = append(s, b.Start.String())
	}
	return strings.Join(s, " ")
}

func TestTimelineBuckets(t *testing.T) {
	for _, c := range []struct {
		name    string
		p       Period
		from    string
		now     time.Time
		starts  string
		lastEnd string
		partial bool
	}{
		// 4 March 2026 is a Wednesday: its week starts on Monday 2 March.
		{"weeks start on Monday", Weekly, "2026-03-04", at("2026-03-20 12:00"), "2026-03-02 2026-03-09 2026-03-16", "2026-03-23", true},
		{"a Sunday belongs to the week before", Weekly, "2026-03-08", at("2026-03-09 00:00:01"), "2026-03-02 2026-03-09", "2026-03-16", true},
		{"ISO week across a year end", Weekly, "2026-01-01", at("2026-01-02 00:00"), "2025-12-29", "2026-01-05", true},
		{"now at midnight ends the buckets", Monthly, "2026-01-15", at("2026-04-01 00:00"), "2026-01-01 2026-02-01 2026-03-01", "2026-04-01", false},
		{"December to January", Monthly, "2025-12-31", at("2026-01-01 00:00:01"), "2025-12-01 2026-01-01", "2026-02-01", true},
		{"days", Daily, "2026-02-27", at("2026-03-02 08:00"), "2026-02-27 2026-02-28 2026-03-01 2026-03-02", "2026-03-03", true},
		{"a day ending at midnight", Daily, "2026-03-02", at("2026-03-03 00:00"), "2026-03-02", "2026-03-03", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			tl := mustTimeline(t, c.p, c.from, c.now, nil)
			if got := starts(tl); got != c.starts {
				t.Errorf("starts %s, want %s", got, c.starts)
			}
			last := tl.Bucket(tl.Len() - 1)
			if last.End.String() != c.lastEnd || last.Partial != c.partial || !last.AsAt.Equal(c.now) {
				t.Errorf("last bucket %+v, want end %s, partial %v, as at now", last, c.lastEnd, c.partial)
			}
			for i := 0; i+1 < tl.Len(); i++ {
				b := tl.Bucket(i)
				if b.Partial || !b.AsAt.Equal(b.End.Time()) || b.End != tl.Bucket(i+1).Start {
					t.Errorf("bucket %d: %+v", i, b)
				}
			}
		})
	}
}

func TestTimelineErrors(t *testing.T) {
	now := at("2026-03-02 12:00")
	for _, c := range []struct {
		name string
		p    Period
		from gs.Date
		now  time.Time
		want string
	}{
		{"no start", Daily, gs.Date{}, now, "no start date"},
		{"start after now", Daily, date("2026-03-03"), now, "after now"},
		{"start on now's midnight", Daily, date("2026-03-02"), at("2026-03-02 00:00"), "after now"},
		{"unknown period", Period(9), date("2026-03-01"), now, "unknown period"},
		{"too many buckets", Daily, date("1900-01-01"), now, "more than"},
	} {
		_, err := NewTimeline(c.p, c.from, c.now, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}

func TestDayNumber(t *testing.T) {
	for d := date("1899-12-25"); d.Before(date("2101-01-10")); d = d.AddDays(13) {
		if got, want := dayNumber(d), d.Time().Unix()/86400; got != want {
			t.Fatalf("dayNumber(%s) = %d, want %d", d, got, want)
		}
	}
}

// A pledge at 23:59:59 counts on its day; one at midnight on the next. In
// London the day turns at local midnight, an hour before UTC's in summer.
func TestBucketBoundaries(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	pledge := func(when time.Time) Commitment {
		return Commitment{ID: 1, PersonID: 1, Status: gs.StatusPledged, CreatedAt: when}
	}
	for _, c := range []struct {
		name   string
		p      Period
		from   string
		now    time.Time
		loc    *time.Location
		when   time.Time
		bucket int // -1: before the first; Len: after now
	}{
		{"day: 23:59:59", Daily, "2026-03-02", at("2026-03-04 00:00"), nil, at("2026-03-02 23:59:59"), 0},
		{"day: midnight", Daily, "2026-03-02", at("2026-03-04 00:00"), nil, at("2026-03-03 00:00:00"), 1},
		{"day: just before the first", Daily, "2026-03-02", at("2026-03-04 00:00"), nil, at("2026-03-01 23:59:59"), -1},
		{"day: at now is after now", Daily, "2026-03-02", at("2026-03-04 00:00"), nil, at("2026-03-04 00:00"), 2},
		{"week: Sunday night", Weekly, "2026-03-02", at("2026-03-16 00:00"), nil, at("2026-03-08 23:59:59"), 0},
		{"week: Monday midnight", Weekly, "2026-03-02", at("2026-03-16 00:00"), nil, at("2026-03-09 00:00"), 1},
		{"month: 31 January", Monthly, "2026-01-01", at("2026-03-01 00:00"), nil, at("2026-01-31 23:59:59"), 0},
		{"month: 1 February", Monthly, "2026-01-01", at("2026-03-01 00:00"), nil, at("2026-02-01 00:00"), 1},
		{"month: 28 February", Monthly, "2026-01-01", at("2026-03-01 00:00"), nil, at("2026-02-28 23:59:59"), 1},
		// British Summer Time began on 29 March 2026: 23:30 UTC on the 29th
		// is 00:30 on the 30th in London.
		{"London summer time", Daily, "2026-03-29", at("2026-04-01 00:00"), london, at("2026-03-29 23:30"), 1},
		{"London summer time, UTC", Daily, "2026-03-29", at("2026-04-01 00:00"), nil, at("2026-03-29 23:30"), 0},
		{"London winter time", Daily, "2026-01-05", at("2026-01-08 00:00"), london, at("2026-01-05 23:30"), 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			tl := mustTimeline(t, c.p, c.from, c.now, c.loc)
			s := mustSeries(t, []Commitment{pledge(c.when)}, tl, Options{})[0]
			for i, p := range s.Points {
				want := 0
				if i >= c.bucket && c.bucket < tl.Len() {
					want = 1
				}
				newWant := 0
				if i == c.bucket {
					newWant = 1
				}
				if p.Total.Made != want || p.New.Made != newWant {
					t.Errorf("bucket %d (%s): made %d new %d, want %d and %d", i, p.Start, p.Total.Made, p.New.Made, want, newWant)
				}
			}
		})
	}
}
