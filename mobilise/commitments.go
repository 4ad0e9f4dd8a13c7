package mobilise

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	gs "github.com/groundswell-health/groundswell"
)

// Commitment is what the measures need of one pledge. Area and organisation
// are the person's, as they are now.
type Commitment struct {
	ID             int64
	PersonID       int64
	CampaignID     int64
	GroupID        int64
	ActionID       int64
	AreaID         int64 // 0 when none
	OrganisationID int64 // 0 when none
	Status         string
	Hours          float64   // discretionary effort pledged; 0 when not given
	CreatedAt      time.Time // the pledge was made
	ConfirmedAt    time.Time // zero until its owner confirmed it
	// ReportedAt is when the commitment reached its status if that is done,
	// lapsed or withdrawn; it is ignored for the others. Zero when not
	// known: see the package documentation for how that is counted.
	ReportedAt time.Time
	DueOn      gs.Date // its action's "by when"
}

// By says how commitments are split into series.
type By int

// Ways to split commitments. Total is one series of everything, with key 0.
const (
	Total By = iota
	ByCampaign
	ByGroup
	ByArea
	ByOrganisation
	ByAction
)

// Key returns the key of c's series when split by b.
func (b By) Key(c Commitment) int64 {
	switch b {
	case ByCampaign:
		return c.CampaignID
	case ByGroup:
		return c.GroupID
	case ByArea:
		return c.AreaID
	case ByOrganisation:
		return c.OrganisationID
	case ByAction:
		return c.ActionID
	}
	return 0
}

// Options choose what a Tally counts.
type Options struct {
	By By
	// Key, when set, splits by its value instead of By: by region through
	// the area's parent, say.
	Key func(Commitment) int64
	// ConfirmedOnly counts a pledge only once its owner has confirmed it,
	// and from that moment, as the campaign pages do; unconfirmed pledges
	// are left out of every figure.
	ConfirmedOnly bool
}

// Ratio is a proportion that may be undefined.
type Ratio struct {
	Num, Den int
}

// Value returns Num ÷ Den, and false when Den is 0: the figure is not
// available, which is not the same as 0.
func (r Ratio) Value() (float64, bool) {
	if r.Den == 0 {
		return 0, false
	}
	return float64(r.Num) / float64(r.Den), true
}

// Counts are commitments by what happened to them. In Point.New they are
// events in the bucket; in Point.Total, events up to the bucket's end.
type Counts struct {
	Made      int
	Confirmed int
	Done      int
	Lapsed    int
	Withdrawn int
}

// Point is a series' figures for one bucket; see the package documentation
// for each definition.
type Point struct {
	Bucket
	New   Counts // what happened in the bucket
	Total Counts // what had happened by its end (or now)
	// People is the number of distinct people with a standing commitment
	// (made, not withdrawn) as at the bucket's end.
	People int
	// Standing is Total.Made − Total.Withdrawn; Open is Standing less Done
	// and Lapsed: pledged or in progress, which history cannot tell apart.
	Standing, Open int
	// Kept is done ÷ due as at the bucket's end: Den counts the standing
	// commitments whose due date had passed, Num those of them done.
	Kept Ratio
	// HoursPledged sums the hours of standing commitments; HoursDelivered
	// the hours of those done.
	HoursPledged, HoursDelivered float64
}

// Series is the figures of one key, bucket by bucket.
type Series struct {
	Key    int64
	Points []Point
	// InProgress and Pledged split the last point's Open now: commitments
	// whose status is in progress or pledged at the time of the data. Only
	// the current split is known, so no other point has it.
	InProgress, Pledged int
	// Undated counts done, lapsed and withdrawn commitments with no
	// ReportedAt, counted as if reported when made.
	Undated int
}

// Tally accumulates commitments one at a time into series, so that the store
// can stream rows rather than hold them all. It keeps 24 bytes a commitment
// (for counting distinct people) and 48 bytes a bucket of each key; the
// series it returns take about 200 bytes a bucket of each key, so a daily
// split by thousands of organisations over years is hundreds of megabytes.
type Tally struct {
	tl   Timeline
	opt  Options
	keys map[int64]int32
	key  []keyTally // by dense key
	// lastKey caches the last key looked up: rows often come in key order.
	lastKey   int64
	lastIdx   int32
	spans     []span
	lastDue   gs.Date
	lastDueAt int32
}

type keyTally struct {
	key                 int64
	acc                 []acc // by slot
	inProgress, pledged int
	undated             int
}

// acc holds, for one slot, events (made … withdrawn, delivered) and changes
// of level (due, kept, pledged hours, people).
type acc struct {
	made, confirmed, done, lapsed, withdrawn int32
	due, kept, people                        int32
	pledged, delivered                       int64 // micro-hours, summed exactly
}

// span is one commitment's standing life, as slots [from, to), for counting
// distinct people.
type span struct {
	person        int64
	key, from, to int32
}

// NewTally returns an empty tally over tl.
func NewTally(tl Timeline, o Options) *Tally {
	return &Tally{tl: tl, opt: o, keys: map[int64]int32{}, lastIdx: -1}
}

// Add counts one commitment. It refuses an unknown status, negative or
// non-finite hours and a missing creation time.
func (t *Tally) Add(c Commitment) error {
	switch c.Status {
	case gs.StatusPledged, gs.StatusInProgress, gs.StatusDone, gs.StatusLapsed, gs.StatusWithdrawn:
	default:
		return fmt.Errorf("commitment %d: unknown status %q", c.ID, c.Status)
	}
	if !(c.Hours >= 0 && c.Hours <= maxAmount) {
		return fmt.Errorf("commitment %d: hours %v: must be a number from 0 to %g", c.ID, c.Hours, maxAmount)
	}
	hours := micro(c.Hours)
	if c.CreatedAt.IsZero() {
		return fmt.Errorf("commitment %d: no time it was made", c.ID)
	}
	tl := &t.tl
	if len(tl.buckets) == 0 {
		return nil
	}
	made := tl.instantSlot(c.CreatedAt)
	confirmed := tl.instantSlot(c.ConfirmedAt)
	if t.opt.ConfirmedOnly {
		if c.ConfirmedAt.IsZero() {
			return nil
		}
		made = max(made, confirmed)
	}
	confirmed = max(confirmed, made)
	key := t.opt.By.Key(c)
	if t.opt.Key != nil {
		key = t.opt.Key(c)
	}
	k := t.keyTally(key)
	a := k.acc
	a[made].made++
	a[confirmed].confirmed++ // never when unconfirmed: outside every bucket

	reported, gone := tl.never(), tl.never()
	switch c.Status {
	case gs.StatusDone, gs.StatusLapsed, gs.StatusWithdrawn:
		reported = tl.instantSlot(c.ReportedAt)
		if c.ReportedAt.IsZero() {
			reported = made
			k.undated++
		}
		reported = max(reported, made)
	}
	switch c.Status {
	case gs.StatusDone:
		a[reported].done++
		a[reported].delivered += hours
	case gs.StatusLapsed:
		a[reported].lapsed++
	case gs.StatusWithdrawn:
		a[reported].withdrawn++
		gone = reported
	}
	if made < tl.after() { // made by now: part of the current split
		switch c.Status {
		case gs.StatusPledged:
			k.pledged++
		case gs.StatusInProgress:
			k.inProgress++
		}
	}
	a[made].pledged += hours
	a[gone].pledged -= hours

	if !c.DueOn.IsZero() {
		if c.DueOn != t.lastDue {
			t.lastDue, t.lastDueAt = c.DueOn, tl.dueSlot(c.DueOn)
		}
		due := max(t.lastDueAt, made)
		if due < gone {
			a[due].due++
			a[gone].due--
			if c.Status == gs.StatusDone {
				a[max(due, reported)].kept++
			}
		}
	}
	if made < gone {
		t.spans = append(t.spans, span{person: c.PersonID, key: t.lastIdx, from: made, to: gone})
	}
	return nil
}

func (t *Tally) keyTally(key int64) *keyTally {
	if t.lastIdx < 0 || key != t.lastKey {
		i, ok := t.keys[key]
		if !ok {
			i = int32(len(t.key))
			t.keys[key] = i
			t.key = append(t.key, keyTally{key: key, acc: make([]acc, t.tl.slots())})
		}
		t.lastKey, t.lastIdx = key, i
	}
	return &t.key[t.lastIdx]
}

// Series returns the series counted so far, by ascending key. With Total
// there is always one series, of key 0, even with no commitments.
func (t *Tally) Series() []Series {
	if t.opt.By == Total && t.opt.Key == nil && len(t.key) == 0 && len(t.tl.buckets) > 0 {
		t.keyTally(0)
	}
	t.countPeople()
	order := make([]int, len(t.key))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(t.key[a].key, t.key[b].key) })
	out := make([]Series, len(order))
	for i, k := range order {
		out[i] = t.series(&t.key[k])
	}
	return out
}

func (t *Tally) series(k *keyTally) Series {
	s := Series{Key: k.key, InProgress: k.inProgress, Pledged: k.pledged, Undated: k.undated,
		Points: make([]Point, len(t.tl.buckets))}
	var cum struct {
		made, confirmed, done, lapsed, withdrawn, due, kept, people int
		pledged, delivered                                          int64
	}
	for slot, a := range k.acc[:len(t.tl.buckets)+1] {
		cum.made += int(a.made)
		cum.confirmed += int(a.confirmed)
		cum.done += int(a.done)
		cum.lapsed += int(a.lapsed)
		cum.withdrawn += int(a.withdrawn)
		cum.due += int(a.due)
		cum.kept += int(a.kept)
		cum.people += int(a.people)
		cum.pledged += a.pledged
		cum.delivered += a.delivered
		if slot == 0 {
			continue
		}
		p := &s.Points[slot-1]
		p.Bucket = t.tl.buckets[slot-1]
		p.New = Counts{int(a.made), int(a.confirmed), int(a.done), int(a.lapsed), int(a.withdrawn)}
		p.Total = Counts{cum.made, cum.confirmed, cum.done, cum.lapsed, cum.withdrawn}
		p.People = cum.people
		p.Standing = cum.made - cum.withdrawn
		p.Open = p.Standing - cum.done - cum.lapsed
		p.Kept = Ratio{Num: cum.kept, Den: cum.due}
		p.HoursPledged = fromMicro(cum.pledged)
		p.HoursDelivered = fromMicro(cum.delivered)
	}
	return s
}

// maxAmount bounds hours and envelope amounts, so that sums in micro-units
// stay exact: a million commitments of up to a million hours each.
const maxAmount = 1e12

// micro turns hours or pounds into millionths, so that adding and taking
// away leave no float noise (a total of 2.0000000000000004 hours).
func micro(x float64) int64 { return int64(math.Round(x * 1e6)) }

func fromMicro(n int64) float64 { return float64(n) / 1e6 }

// countPeople turns the spans into changes of the people count: for each key
// and person, the union of their commitments' standing lives, +1 where each
// piece of it starts and −1 where it ends.
func (t *Tally) countPeople() {
	for i := range t.key {
		for j := range t.key[i].acc {
			t.key[i].acc[j].people = 0
		}
	}
	if len(t.spans) == 0 {
		return
	}
	// Sorted by key and person, each person's spans in a key are together.
	// The spans themselves move, so the scan below reads memory in order.
	spans := sortByPerson(t.spans)
	if len(t.key) > 1 { // back into the first slice, free now
		spans = scatter(spans, t.spans, len(t.key), func(s *span) int { return int(s.key) })
	}
	t.spans = spans
	for i := 0; i < len(spans); {
		j := i + 1
		for j < len(spans) && spans[j].person == spans[i].person && spans[j].key == spans[i].key {
			j++
		}
		run := spans[i:j]
		a := t.key[run[0].key].acc
		if len(run) > 1 {
			slices.SortFunc(run, func(x, y span) int { return int(x.from) - int(y.from) })
		}
		from, to := run[0].from, run[0].to
		for _, s := range run[1:] {
			if s.from > to {
				a[from].people++
				a[to].people--
				from = s.from
			}
			to = max(to, s.to)
		}
		a[from].people++
		a[to].people--
		i = j
	}
}

// sortByPerson sorts spans by person, stably, into a new slice. Person ids
// from a database are compact, so they index a table directly; sparse ones
// are numbered densely first, through a map.
func sortByPerson(spans []span) []span {
	lo, hi := spans[0].person, spans[0].person
	for _, s := range spans {
		lo, hi = min(lo, s.person), max(hi, s.person)
	}
	out := make([]span, len(spans))
	if uint64(hi-lo) < 4*uint64(len(spans))+1024 {
		return scatter(spans, out, int(hi-lo)+1, func(s *span) int { return int(s.person - lo) })
	}
	dense := make(map[int64]int)
	for _, s := range spans {
		dense[s.person] = 0
	}
	ids := make([]int64, 0, len(dense))
	for id := range dense {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for i, id := range ids {
		dense[id] = i
	}
	return scatter(spans, out, len(ids), func(s *span) int { return dense[s.person] })
}

// scatter is a counting sort: it copies in to out stably sorted by field,
// whose values are below size, and returns out.
func scatter(in, out []span, size int, field func(*span) int) []span {
	count := make([]int, size+1)
	for i := range in {
		count[field(&in[i])+1]++
	}
	for i := 1; i <= size; i++ {
		count[i] += count[i-1]
	}
	for i := range in {
		f := field(&in[i])
		out[count[f]] = in[i]
		count[f]++
	}
	return out
}

// Commitments tallies cs over tl: every figure of every series, split as o
// says. See the package documentation for the definitions.
func Commitments(cs []Commitment, tl Timeline, o Options) ([]Series, error) {
	t := NewTally(tl, o)
	t.spans = make([]span, 0, len(cs))
	for _, c := range cs {
		if err := t.Add(c); err != nil {
			return nil, err
		}
	}
	return t.Series(), nil
}
