package mobilise

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	gs "github.com/groundswell-health/groundswell"
)

// Rollups: a campaign's series from per-day sums, kept up to date as
// commitments change, so that a dashboard need not read every commitment.
//
// Every figure of a Point but People is a sum, over the commitments of its
// series, of a step function of one commitment's own fields: it changes at
// the commitment's events (made, confirmed, reported, withdrawn) and as its
// due date passes. Buckets are whole days in the timeline's zone, so a
// commitment can be turned into "on day D, this changes by so much"
// ([CommitmentDeltas]); a rollup is the sum of those per series key and day,
// and a bucket's figures are the sum of its days' (and the days before it).
// When a commitment changes, subtracting its old deltas and adding its new
// ones keeps the rollup exact: nothing is ever recounted from scratch.
//
// People is not a sum over commitments: a person counts once however many
// standing commitments they have in a series. But it is a sum over people,
// of whether each has a standing commitment in the key, and that is a step
// function of the person's own commitments in the key ([PersonDeltas]): +1
// when their first standing commitment is made, −1 when their last is
// withdrawn, again if they pledge anew. When any of them changes, the store
// subtracts the person's old people deltas and adds the new ones, computed
// from that person's few commitments.
//
// The current split of open commitments (Series.InProgress, Pledged) and
// Series.Undated are sums over commitments too, so they are counters of the
// rollup, dated on the day the commitment was made.

// DayCounts are the changes on one day of a series' figures, summed over
// commitments (or people). Everything is an integer, hours in millionths,
// so that adding and subtracting deltas in any order leaves no residue: a
// rollup whose commitments were all deleted is all zeros.
//
// Within a day, a rollup cannot tell when things happened, only whether a
// change is during the day (an event at an instant) or at its end (a due
// date passing, which counts as at the midnight ending the day). The two
// differ on the day holding now: what happened today has happened as at now,
// but what falls due today is not yet due. Due and Kept are changes during
// the day; DuePassed and KeptPassed are changes at the day's end.
type DayCounts struct {
	// Events during the day: commitments made, confirmed, done, lapsed and
	// withdrawn (New; their running sums are Total).
	Made, Confirmed, Done, Lapsed, Withdrawn int64
	// Changes during the day of the number due (standing commitments whose
	// due date has passed) and kept (those of them done): +1 due when a
	// commitment is made after its due date, −1 when one that was due is
	// withdrawn; +1 kept when one is reported done after its due date.
	Due, Kept int64
	// Changes at the day's end, as a due date passes: +1 due for each
	// standing commitment due that day, +1 kept for those already done.
	DuePassed, KeptPassed int64
	// People is the change in the number of people with a standing
	// commitment; only [PersonDeltas] give it.
	People int64
	// Changes in hours pledged (of standing commitments) and delivered (of
	// done ones), in millionths of an hour.
	MicroHoursPledged, MicroHoursDelivered int64
	// Commitments made that day whose status is now in progress or pledged,
	// and done, lapsed or withdrawn ones with no time they were reported
	// (Series.InProgress, Pledged, Undated).
	InProgress, Pledged, Undated int64
}

// IsZero reports whether nothing changes.
func (c DayCounts) IsZero() bool { return c == DayCounts{} }

// Plus returns c + d, counter by counter.
func (c DayCounts) Plus(d DayCounts) DayCounts { return c.combine(d, 1) }

// Minus returns c − d, counter by counter.
func (c DayCounts) Minus(d DayCounts) DayCounts { return c.combine(d, -1) }

func (c DayCounts) combine(d DayCounts, sign int64) DayCounts {
	return DayCounts{
		Made: c.Made + sign*d.Made, Confirmed: c.Confirmed + sign*d.Confirmed, Done: c.Done + sign*d.Done,
		Lapsed: c.Lapsed + sign*d.Lapsed, Withdrawn: c.Withdrawn + sign*d.Withdrawn,
		Due: c.Due + sign*d.Due, Kept: c.Kept + sign*d.Kept,
		DuePassed: c.DuePassed + sign*d.DuePassed, KeptPassed: c.KeptPassed + sign*d.KeptPassed,
		People:              c.People + sign*d.People,
		MicroHoursPledged:   c.MicroHoursPledged + sign*d.MicroHoursPledged,
		MicroHoursDelivered: c.MicroHoursDelivered + sign*d.MicroHoursDelivered,
		InProgress:          c.InProgress + sign*d.InProgress, Pledged: c.Pledged + sign*d.Pledged,
		Undated: c.Undated + sign*d.Undated,
	}
}

// DayDelta is what changes on one day in one series: a commitment's or a
// person's deltas, or a rollup's row, their sum per key and day. Day is a
// calendar day in the rollup's time zone (see [DayOf]), never zero. A
// rollup is in one zone, and rebuilds series only of timelines in it.
type DayDelta struct {
	Key int64
	Day gs.Date
	DayCounts
}

// DayOf returns the day holding the instant t in loc (UTC when nil): the day
// whose midnight is at or before t and the next day's after it, midnights
// placed as a [Timeline] places its buckets' edges. This is t's calendar
// date in loc except in a zone whose clocks go back across midnight, where
// the date read from the clock runs backwards for a while.
func DayOf(t time.Time, loc *time.Location) gs.Date {
	if loc == nil {
		loc = time.UTC
	}
	return dateOfDay(dayHolding(t, loc))
}

// dayHolding is DayOf as a day number.
func dayHolding(t time.Time, loc *time.Location) int64 {
	d := gs.DateOf(t.In(loc))
	for t.Before(midnight(d, loc)) {
		d = d.AddDays(-1)
	}
	for {
		next := d.AddDays(1)
		if t.Before(midnight(next, loc)) {
			return dayNumber(d)
		}
		d = next
	}
}

// dateOfDay is the inverse of dayNumber.
func dateOfDay(n int64) gs.Date {
	return gs.DateOf(time.Unix(n*86400, 0).UTC())
}

// rollupNever is the day of what has not happened.
const rollupNever = math.MaxInt64

// dayLife is one commitment's history as days, as a Tally reads it.
type dayLife struct {
	made, confirmed, reported, gone int64 // rollupNever when not (yet) so
}

// lifeOf checks c as Tally.Add does and dates its events in loc. It returns
// false for a commitment that counts nowhere: unconfirmed, with
// ConfirmedOnly.
func lifeOf(c Commitment, o Options, loc *time.Location) (dayLife, bool, error) {
	switch c.Status {
	case gs.StatusPledged, gs.StatusInProgress, gs.StatusDone, gs.StatusLapsed, gs.StatusWithdrawn:
	default:
		return dayLife{}, false, fmt.Errorf("commitment %d: unknown status %q", c.ID, c.Status)
	}
	if !(c.Hours >= 0 && c.Hours <= maxAmount) {
		return dayLife{}, false, fmt.Errorf("commitment %d: hours %v: must be a number from 0 to %g", c.ID, c.Hours, maxAmount)
	}
	if c.CreatedAt.IsZero() {
		return dayLife{}, false, fmt.Errorf("commitment %d: no time it was made", c.ID)
	}
	if loc == nil {
		loc = time.UTC
	}
	day := func(t time.Time) int64 {
		if t.IsZero() {
			return rollupNever
		}
		return dayHolding(t, loc)
	}
	l := dayLife{made: day(c.CreatedAt), confirmed: day(c.ConfirmedAt), reported: rollupNever, gone: rollupNever}
	if o.ConfirmedOnly {
		if c.ConfirmedAt.IsZero() {
			return dayLife{}, false, nil
		}
		l.made = max(l.made, l.confirmed)
	}
	l.confirmed = max(l.confirmed, l.made)
	switch c.Status {
	case gs.StatusDone, gs.StatusLapsed, gs.StatusWithdrawn:
		l.reported = l.made // undated: as if reported when made
		if !c.ReportedAt.IsZero() {
			l.reported = max(day(c.ReportedAt), l.made)
		}
	}
	if c.Status == gs.StatusWithdrawn {
		l.gone = l.reported
	}
	return l, true, nil
}

func rollupKey(c Commitment, o Options) int64 {
	if o.Key != nil {
		return o.Key(c)
	}
	return o.By.Key(c)
}

// datedCounts is one change, before changes on the same day are merged.
type datedCounts struct {
	day int64
	DayCounts
}

// mergeDays sums the changes of each day, leaves out days where nothing
// changes, and returns them by day.
func mergeDays(key int64, ch []datedCounts) []DayDelta {
	slices.SortStableFunc(ch, func(a, b datedCounts) int { return cmp.Compare(a.day, b.day) })
	var out []DayDelta
	for i := 0; i < len(ch); {
		sum := ch[i].DayCounts
		j := i + 1
		for ; j < len(ch) && ch[j].day == ch[i].day; j++ {
			sum = sum.Plus(ch[j].DayCounts)
		}
		if !sum.IsZero() {
			out = append(out, DayDelta{Key: key, Day: dateOfDay(ch[i].day), DayCounts: sum})
		}
		i = j
	}
	return out
}

// CommitmentDeltas returns what c changes in the series o puts it in, day by
// day in loc (UTC when nil), by ascending day: every counter but People. It
// follows Tally.Add, refusing what it refuses; with ConfirmedOnly an
// unconfirmed commitment changes nothing. A rollup holds the sum of its
// commitments' deltas; when a commitment changes, subtract its old deltas
// and add its new ones (see [DeltaChange]). The key is o's for c, so a
// change of key (a person moving area) moves the deltas with it.
//
// The days of events are as in the package documentation. The number due
// rises as the due date passes, at the end of that day (DuePassed), unless
// the commitment was made after it, when it rises as it is made (Due); it
// falls when a commitment that was due is withdrawn. One withdrawn on or
// before its due date (or on the day it was made, if made after it) was
// never due.
func CommitmentDeltas(c Commitment, o Options, loc *time.Location) ([]DayDelta, error) {
	l, ok, err := lifeOf(c, o, loc)
	if !ok || err != nil {
		return nil, err
	}
	hours := micro(c.Hours)
	ch := make([]datedCounts, 0, 6)
	at := func(day int64, d DayCounts) { ch = append(ch, datedCounts{day, d}) }

	made := DayCounts{Made: 1, MicroHoursPledged: hours}
	switch c.Status {
	case gs.StatusPledged:
		made.Pledged = 1
	case gs.StatusInProgress:
		made.InProgress = 1
	case gs.StatusDone, gs.StatusLapsed, gs.StatusWithdrawn:
		if c.ReportedAt.IsZero() {
			made.Undated = 1
		}
	}
	at(l.made, made)
	if l.confirmed != rollupNever {
		at(l.confirmed, DayCounts{Confirmed: 1})
	}
	switch c.Status {
	case gs.StatusDone:
		at(l.reported, DayCounts{Done: 1, MicroHoursDelivered: hours})
	case gs.StatusLapsed:
		at(l.reported, DayCounts{Lapsed: 1})
	case gs.StatusWithdrawn:
		at(l.reported, DayCounts{Withdrawn: 1, MicroHoursPledged: -hours})
	}

	if !c.DueOn.IsZero() {
		// Due at the end of its due date, or as it is made if that is
		// later. Events within a day come before its end, so what happens
		// on the due date itself comes before it falls due.
		dueOn := dayNumber(c.DueOn)
		atEnd := dueOn >= l.made
		due := max(dueOn, l.made)
		if due < l.gone {
			if atEnd {
				at(dueOn, DayCounts{DuePassed: 1})
			} else {
				at(l.made, DayCounts{Due: 1})
			}
			if l.gone != rollupNever {
				at(l.gone, DayCounts{Due: -1})
			}
			if c.Status == gs.StatusDone {
				if atEnd && dueOn >= l.reported { // done by its due date
					at(dueOn, DayCounts{KeptPassed: 1})
				} else { // done after it fell due
					at(l.reported, DayCounts{Kept: 1})
				}
			}
		}
	}
	return mergeDays(rollupKey(c, o), ch), nil
}

// PersonDeltas returns the changes in People that one person's commitments
// in one series make, day by day in loc (UTC when nil): +1 on the day the
// person first has a standing commitment (made and not withdrawn), −1 on
// the day they have none left, and so on if they pledge again. cs must all
// be the same person's and in the same series under o; it refuses them
// otherwise, and what CommitmentDeltas refuses. Withdrawing one commitment
// and making another on the same day leaves the person counted throughout,
// as does a Tally with any buckets: a rollup cannot tell the order of
// events within a day, and neither can a bucket's end.
func PersonDeltas(cs []Commitment, o Options, loc *time.Location) ([]DayDelta, error) {
	type span struct{ from, to int64 }
	var spans []span
	for _, c := range cs {
		if c.PersonID != cs[0].PersonID {
			return nil, fmt.Errorf("commitment %d is person %d's, not %d's", c.ID, c.PersonID, cs[0].PersonID)
		}
		if k, k0 := rollupKey(c, o), rollupKey(cs[0], o); k != k0 {
			return nil, fmt.Errorf("commitment %d is in series %d, not %d", c.ID, k, k0)
		}
		l, ok, err := lifeOf(c, o, loc)
		if err != nil {
			return nil, err
		}
		if ok && l.made < l.gone {
			spans = append(spans, span{l.made, l.gone})
		}
	}
	if len(spans) == 0 {
		return nil, nil
	}
	slices.SortFunc(spans, func(a, b span) int { return cmp.Or(cmp.Compare(a.from, b.from), cmp.Compare(a.to, b.to)) })
	var ch []datedCounts
	piece := func(from, to int64) {
		ch = append(ch, datedCounts{from, DayCounts{People: 1}})
		if to != rollupNever {
			ch = append(ch, datedCounts{to, DayCounts{People: -1}})
		}
	}
	from, to := spans[0].from, spans[0].to
	for _, s := range spans[1:] {
		if s.from > to {
			piece(from, to)
			from = s.from
		}
		to = max(to, s.to)
	}
	piece(from, to)
	return mergeDays(rollupKey(cs[0], o), ch), nil
}

type rollupDay struct {
	key int64
	day int64
}

// SumDeltas sums deltas per key and day, as a database's GROUP BY would,
// and returns them by key and day, leaving out those where nothing changes.
func SumDeltas(ds []DayDelta) []DayDelta { return DeltaChange(nil, ds) }

// DeltaChange returns what to add to a rollup when deltas before become
// after (a commitment or person changed): after − before per key and day,
// by key and day, leaving out those where nothing changes. Applied to a
// table, each row is added to the row of its key and day, or inserted.
func DeltaChange(before, after []DayDelta) []DayDelta {
	sums := make(map[rollupDay]DayCounts, len(before)+len(after))
	for _, d := range before {
		k := rollupDay{d.Key, dayNumber(d.Day)}
		sums[k] = sums[k].Minus(d.DayCounts)
	}
	for _, d := range after {
		k := rollupDay{d.Key, dayNumber(d.Day)}
		sums[k] = sums[k].Plus(d.DayCounts)
	}
	var out []DayDelta
	for k, c := range sums {
		if !c.IsZero() {
			out = append(out, DayDelta{Key: k.key, Day: dateOfDay(k.day), DayCounts: c})
		}
	}
	slices.SortFunc(out, func(a, b DayDelta) int {
		return cmp.Or(cmp.Compare(a.Key, b.Key), cmp.Compare(dayNumber(a.Day), dayNumber(b.Day)))
	})
	return out
}

// rollupSlot is a slot's sums, as Tally's acc.
type rollupSlot struct {
	made, confirmed, done, lapsed, withdrawn int64
	due, kept, people                        int64
	pledged, delivered                       int64
}

type rollupSeries struct {
	key                          int64
	made                         int64 // over all days: whether the key has commitments
	inProgress, pledged, undated int64
	slots                        []rollupSlot // slot 0 (before the first bucket) to Len
}

// SeriesFromDays rebuilds, from a rollup's rows, the series a Tally with
// the options o gives over tl: the same figures, exactly, by ascending key.
// The rows are CommitmentDeltas and PersonDeltas made with o in tl's time
// zone, summed in any way (per key and day, as a table holds them, or not
// at all) and in any order. o itself decides only that with Total there is
// always a series of key 0; a key has a series when its rows count a
// commitment made (their Made adds up to more than 0), as a Tally has one
// for each key it was given a commitment of, so keys whose commitments
// were all deleted leave none.
//
// Rows dated before the first bucket count towards every total; rows dated
// after today count in no point, only in Undated (which a Tally counts
// whatever the dates) and in whether the key has a series. So the rows may
// be all of a key's, or with those before the first bucket summed into one
// row on any day before it, and those after today likewise: a query need
// not return more than the timeline's days and two more rows a key.
//
// Whole days cannot say whether an event on the day holding now came before
// now, and SeriesFromDays takes it that it did: the series are exact when
// nothing is dated after now on now's day. That holds when now is a
// midnight, as for a campaign that has ended, and when now is the time of
// the query and nothing the store holds is dated in the future, which the
// store's clock makes so (created_at, confirmed_at, updated_at are set to
// the time of writing). Due dates are another matter and always exact: one
// that is today has not yet passed, as at now.
func SeriesFromDays(rows []DayDelta, tl Timeline, o Options) []Series {
	nb := len(tl.buckets)
	if nb == 0 {
		return []Series{}
	}
	// Events count as at now if on or before the day holding the instant
	// before now; due dates pass as at now if before today.
	lastDay := dayHolding(time.Unix(0, tl.edges[nb]-1), tl.loc)
	byKey := map[int64]*rollupSeries{}
	var order []*rollupSeries
	var last *rollupSeries
	get := func(key int64) *rollupSeries {
		if last != nil && last.key == key {
			return last
		}
		k, ok := byKey[key]
		if !ok {
			k = &rollupSeries{key: key, slots: make([]rollupSlot, nb+1)}
			byKey[key] = k
			order = append(order, k)
		}
		last = k
		return k
	}
	if o.By == Total && o.Key == nil {
		get(0)
	}
	for i := range rows {
		r := &rows[i]
		k := get(r.Key)
		k.made += r.Made
		k.undated += r.Undated
		n := dayNumber(r.Day)
		if n <= lastDay {
			s := &k.slots[tl.daySlot(n)]
			s.made += r.Made
			s.confirmed += r.Confirmed
			s.done += r.Done
			s.lapsed += r.Lapsed
			s.withdrawn += r.Withdrawn
			s.due += r.Due
			s.kept += r.Kept
			s.people += r.People
			s.pledged += r.MicroHoursPledged
			s.delivered += r.MicroHoursDelivered
			k.inProgress += r.InProgress
			k.pledged += r.Pledged
		}
		if n < tl.today && (r.DuePassed != 0 || r.KeptPassed != 0) {
			s := &k.slots[tl.daySlot(n)]
			s.due += r.DuePassed
			s.kept += r.KeptPassed
		}
	}
	slices.SortFunc(order, func(a, b *rollupSeries) int { return cmp.Compare(a.key, b.key) })
	out := make([]Series, 0, len(order))
	for _, k := range order {
		if k.made > 0 || o.By == Total && o.Key == nil && k.key == 0 {
			out = append(out, k.series(tl))
		}
	}
	return out
}

// series sums the slots into points as Tally.series does.
func (k *rollupSeries) series(tl Timeline) Series {
	s := Series{Key: k.key, InProgress: int(k.inProgress), Pledged: int(k.pledged), Undated: int(k.undated),
		Points: make([]Point, len(tl.buckets))}
	var cum rollupSlot
	for slot, a := range k.slots {
		cum.made += a.made
		cum.confirmed += a.confirmed
		cum.done += a.done
		cum.lapsed += a.lapsed
		cum.withdrawn += a.withdrawn
		cum.due += a.due
		cum.kept += a.kept
		cum.people += a.people
		cum.pledged += a.pledged
		cum.delivered += a.delivered
		if slot == 0 {
			continue
		}
		p := &s.Points[slot-1]
		p.Bucket = tl.buckets[slot-1]
		p.New = Counts{int(a.made), int(a.confirmed), int(a.done), int(a.lapsed), int(a.withdrawn)}
		p.Total = Counts{int(cum.made), int(cum.confirmed), int(cum.done), int(cum.lapsed), int(cum.withdrawn)}
		p.People = int(cum.people)
		p.Standing = int(cum.made - cum.withdrawn)
		p.Open = int(cum.made - cum.withdrawn - cum.done - cum.lapsed)
		p.Kept = Ratio{Num: int(cum.kept), Den: int(cum.due)}
		p.HoursPledged = fromMicro(cum.pledged)
		p.HoursDelivered = fromMicro(cum.delivered)
	}
	return s
}
