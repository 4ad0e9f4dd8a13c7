package mobilise

import (
	"errors"
	"fmt"
	"time"

	gs "github.com/groundswell-health/groundswell"
)

// Period is the length of a bucket of a time series.
type Period int

// Periods of a time series. A week starts on Monday (ISO 8601); a month on
// its first day.
const (
	Daily Period = iota + 1
	Weekly
	Monthly
)

func (p Period) String() string {
	switch p {
	case Daily:
		return "daily"
	case Weekly:
		return "weekly"
	case Monthly:
		return "monthly"
	}
	return fmt.Sprintf("Period(%d)", int(p))
}

// MaxBuckets bounds a timeline, so that a mistaken start date cannot ask for
// millions of buckets.
const MaxBuckets = 20_000

// Bucket is one period of a time series.
type Bucket struct {
	Start gs.Date // its first day
	End   gs.Date // the day after its last day
	// AsAt is the instant its figures are measured at: midnight starting
	// End, or the timeline's now for the bucket now runs in.
	AsAt time.Time
	// Partial is true for the bucket now runs in: it is measured as at now,
	// not at its end.
	Partial bool
}

// Timeline is the run of buckets a time series is measured in: from the
// bucket holding its first date to the bucket holding the instant just
// before now, in one time zone. The zero Timeline has no buckets.
type Timeline struct {
	period  Period
	loc     *time.Location
	buckets []Bucket
	// edges are instants (Unix nanoseconds): edges[0] starts the first
	// bucket, edges[k] ends bucket k−1, and the last is now.
	edges []int64
	// days are the first days of the buckets, as day numbers.
	days        []int64
	nanoStep    int64 // the mean length of a bucket, in nanoseconds and days
	dayStep     int64
	today       int64 // now's date, as a day number
	nowMidnight bool  // now is exactly midnight starting today
}

// NewTimeline returns the buckets of period p from the one holding from to
// the one holding the instant just before now, dated in loc (UTC when nil).
// A bucket's figures are as at its end; the last bucket's are as at now.
// Passing now = midnight after a campaign's last day gives whole buckets.
func NewTimeline(p Period, from gs.Date, now time.Time, loc *time.Location) (Timeline, error) {
	if p != Daily && p != Weekly && p != Monthly {
		return Timeline{}, fmt.Errorf("timeline: unknown period %d", int(p))
	}
	if from.IsZero() {
		return Timeline{}, errors.New("timeline: no start date")
	}
	if loc == nil {
		loc = time.UTC
	}
	now = now.In(loc)
	last := gs.DateOf(now.Add(-time.Nanosecond))
	if last.Before(from) {
		return Timeline{}, fmt.Errorf("timeline: start %s is after now (%s)", from, now.Format(time.RFC3339))
	}
	tl := Timeline{period: p, loc: loc}
	for s := bucketStart(p, from); !last.Before(s); s = nextStart(p, s) {
		if len(tl.buckets) == MaxBuckets {
			return Timeline{}, fmt.Errorf("timeline: more than %d %s buckets from %s", MaxBuckets, p, from)
		}
		e := nextStart(p, s)
		tl.buckets = append(tl.buckets, Bucket{Start: s, End: e, AsAt: midnight(e, loc)})
		tl.edges = append(tl.edges, midnight(s, loc).UnixNano())
		tl.days = append(tl.days, dayNumber(s))
	}
	// Each bucket ends where the next starts; the last ends now.
	tl.edges = append(tl.edges, now.UnixNano())
	if n := len(tl.days); n > 1 {
		tl.nanoStep = (tl.edges[n-1] - tl.edges[0]) / int64(n-1)
		tl.dayStep = (tl.days[n-1] - tl.days[0]) / int64(n-1)
	}
	b := &tl.buckets[len(tl.buckets)-1]
	b.Partial = now.Before(b.AsAt)
	b.AsAt = now
	today := gs.DateOf(now)
	tl.today = dayNumber(today)
	tl.nowMidnight = now.Equal(midnight(today, loc))
	return tl, nil
}

// Period is the length of the timeline's buckets.
func (tl Timeline) Period() Period { return tl.period }

// Location is the time zone the timeline's dates are in.
func (tl Timeline) Location() *time.Location { return tl.loc }

// Len is the number of buckets.
func (tl Timeline) Len() int { return len(tl.buckets) }

// Bucket returns bucket i, 0 ≤ i < Len.
func (tl Timeline) Bucket(i int) Bucket { return tl.buckets[i] }

// Buckets returns a copy of the buckets, oldest first.
func (tl Timeline) Buckets() []Bucket { return append([]Bucket(nil), tl.buckets...) }

// Slots: every instant and date is placed in a slot. Slot 0 is before the
// first bucket (it counts towards every bucket's totals), slot i+1 is bucket
// i, and slot Len+1 is after now (it counts towards none). never is one past
// that, for things that have not happened.

func (tl Timeline) after() int32 { return int32(len(tl.buckets) + 1) }
func (tl Timeline) never() int32 { return int32(len(tl.buckets) + 2) }

// slots is the length of a slice indexed by slot, never included.
func (tl Timeline) slots() int { return len(tl.buckets) + 3 }

// instantSlot places an event at t: it counts as at every bucket end after t.
func (tl Timeline) instantSlot(t time.Time) int32 {
	if t.IsZero() {
		return tl.never()
	}
	return tl.nanoSlot(t.UnixNano())
}

func (tl Timeline) nanoSlot(x int64) int32 {
	return int32(countAtOrBefore(tl.edges, tl.nanoStep, x))
}

// daySlot places a whole day: the slot of the bucket holding day n. Days
// after the last bucket's first day are in the last bucket; the callers
// decide about days after today.
func (tl Timeline) daySlot(n int64) int32 {
	return int32(countAtOrBefore(tl.days, tl.dayStep, n))
}

// countAtOrBefore counts the values of the ascending xs that are ≤ x. The
// values are bucket boundaries, about step apart (months and clock changes
// make them uneven), so a guess and a step or two find it.
func countAtOrBefore(xs []int64, step, x int64) int {
	n := len(xs)
	if n == 0 || x < xs[0] {
		return 0
	}
	i := n
	if step > 0 {
		i = int(min((x-xs[0])/step, int64(n-1))) + 1
	}
	for i < n && xs[i] <= x {
		i++
	}
	for i > 0 && xs[i-1] > x {
		i--
	}
	return i
}

// dateSlot places something dated d (an alliance joining, an envelope
// entry): it counts from the start of d, so today's count as at now unless
// now is exactly midnight.
func (tl Timeline) dateSlot(d gs.Date) int32 {
	if d.IsZero() {
		return tl.never()
	}
	n := dayNumber(d)
	if n > tl.today || n == tl.today && tl.nowMidnight {
		return tl.after()
	}
	return tl.daySlot(n)
}

// dueSlot places a due date d ("by when"): it has passed at midnight ending
// d, so a commitment is due as at a bucket end on or after that midnight.
func (tl Timeline) dueSlot(d gs.Date) int32 {
	if d.IsZero() {
		return tl.never()
	}
	n := dayNumber(d)
	if n >= tl.today {
		return tl.after()
	}
	return tl.daySlot(n)
}

func bucketStart(p Period, d gs.Date) gs.Date {
	switch p {
	case Weekly:
		// time.Weekday has Sunday = 0; ISO weeks start on Monday.
		back := (int(d.Time().Weekday()) + 6) % 7
		return d.AddDays(-back)
	case Monthly:
		return gs.Date{Year: d.Year, Month: d.Month, Day: 1}
	}
	return d
}

func nextStart(p Period, d gs.Date) gs.Date {
	switch p {
	case Weekly:
		return d.AddDays(7)
	case Monthly:
		if d.Month == time.December {
			return gs.Date{Year: d.Year + 1, Month: time.January, Day: 1}
		}
		return gs.Date{Year: d.Year, Month: d.Month + 1, Day: 1}
	}
	return d.AddDays(1)
}

func midnight(d gs.Date, loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// dayNumber counts days from 1970-01-01 (proleptic Gregorian calendar), by
// Howard Hinnant's days_from_civil: plain arithmetic, no time zone.
func dayNumber(d gs.Date) int64 {
	y, m := int64(d.Year), int64(d.Month)
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + int64(d.Day) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}
