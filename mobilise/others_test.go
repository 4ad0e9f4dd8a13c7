package mobilise

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	gs "github.com/groundswell-health/groundswell"
)

func TestCarry(t *testing.T) {
	prev := Predecessor{People: []int64{1, 2}, Organisations: []int64{100, 200}}
	pledge := func(person int64, status string) Commitment {
		return Commitment{PersonID: person, Status: status, CreatedAt: at("2026-03-02 09:00")}
	}
	cs := []Commitment{
		pledge(1, gs.StatusPledged), pledge(1, gs.StatusDone), // returning, twice
		pledge(2, gs.StatusWithdrawn), // returning, but withdrawn: not again
		pledge(3, gs.StatusLapsed),    // invited by 1
		pledge(4, gs.StatusPledged),   // invited by 3: two steps, not carried
		pledge(5, gs.StatusPledged),   // no invitation
		pledge(6, gs.StatusPledged),   // first invited by 5, later by 2
	}
	edges := []Relationship{
		{CampaignID: 2, FromID: 1, ToID: 3, CreatedAt: at("2026-03-02 08:00")},
		{CampaignID: 2, FromID: 3, ToID: 4, CreatedAt: at("2026-03-02 08:30")},
		{CampaignID: 2, FromID: 2, ToID: 6, CreatedAt: at("2026-03-03 08:00")},
		{CampaignID: 2, FromID: 5, ToID: 6, CreatedAt: at("2026-03-02 08:00")},
	}
	members := []Member{{200, date("2026-03-01")}, {300, date("2026-03-01")}, {200, date("2026-03-05")}}
	co, err := Carry(prev, cs, members, edges)
	if err != nil {
		t.Fatal(err)
	}
	want := CarryOver{People: 5, PeopleAgain: []int64{1}, Organisations: 2, OrganisationsAgain: []int64{200},
		Standing: 6, ByReturning: 2, ByInvited: 1, Share: Ratio{3, 6}}
	if !reflect.DeepEqual(co, want) {
		t.Errorf("carry over\n got %+v\nwant %+v", co, want)
	}

	// Streamed, with a look part way: the same answer at the end.
	c, err := NewCarrier(prev, members, edges)
	if err != nil {
		t.Fatal(err)
	}
	for _, cm := range cs[:3] {
		if err := c.Add(cm); err != nil {
			t.Fatal(err)
		}
	}
	if part := c.Result(); part.Standing != 2 || part.People != 1 || part.ByReturning != 2 {
		t.Errorf("part way: %+v", part)
	}
	for _, cm := range cs[3:] {
		if err := c.Add(cm); err != nil {
			t.Fatal(err)
		}
	}
	if got := c.Result(); !reflect.DeepEqual(got, want) {
		t.Errorf("streamed\n got %+v\nwant %+v", got, want)
	}

	empty, err := Carry(Predecessor{}, nil, nil, nil)
	if _, ok := empty.Share.Value(); err != nil || ok {
		t.Errorf("empty: %+v %v", empty, err)
	}
	if _, err := Carry(prev, cs, nil, []Relationship{{FromID: 4, ToID: 4}}); !errors.Is(err, ErrSelfInvitation) {
		t.Errorf("self-invitation: %v", err)
	}
	if _, err := Carry(prev, []Commitment{pledge(1, "maybe")}, nil, nil); err == nil {
		t.Error("unknown status accepted")
	}
}

func TestAlliance(t *testing.T) {
	tl := mustTimeline(t, Daily, "2026-03-02", at("2026-03-06 12:00"), nil)
	members := []Member{
		{1, date("2026-03-01")}, // before the timeline
		{2, date("2026-03-05")},
		{2, date("2026-03-04")}, // listed twice: the earlier counts
		{3, date("2026-03-06")}, // today counts as at now
		{4, date("2026-03-07")}, // tomorrow does not
	}
	plan := []Commitment{
		{ID: 1, OrganisationID: 1, Status: gs.StatusDone, CreatedAt: at("2026-03-02 10:00"), ReportedAt: at("2026-03-03 10:00"), DueOn: date("2026-03-04")},
		{ID: 2, OrganisationID: 2, Status: gs.StatusPledged, CreatedAt: at("2026-03-04 10:00"), DueOn: date("2026-03-05")},
	}
	pts, err := Alliance(members, plan, tl)
	if err != nil {
		t.Fatal(err)
	}
	var joined, total, done, due []int
	for _, p := range pts {
		joined = append(joined, p.Joined)
		total = append(total, p.Members)
		done = append(done, p.Plan.Kept.Num)
		due = append(due, p.Plan.Kept.Den)
	}
	for _, c := range []struct {
		name      string
		got, want []int
	}{
		{"joined", joined, []int{0, 0, 1, 0, 1}},
		{"members", total, []int{1, 1, 2, 2, 3}},
		{"plan kept", done, []int{0, 0, 1, 1, 1}},
		{"plan due", due, []int{0, 0, 1, 2, 2}},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s %v, want %v", c.name, c.got, c.want)
		}
	}
	if _, err := Alliance([]Member{{OrganisationID: 5}}, nil, tl); err == nil || !strings.Contains(err.Error(), "no date") {
		t.Errorf("undated member: %v", err)
	}
	if _, err := Alliance(nil, []Commitment{{Status: "x", CreatedAt: at("2026-03-02 10:00")}}, tl); err == nil {
		t.Error("bad plan accepted")
	}
}

func TestEnvelope(t *testing.T) {
	tl := mustTimeline(t, Daily, "2026-03-02", at("2026-03-06 12:00"), nil)
	entries := []EnvelopeEntry{
		{On: date("2026-03-01"), Kind: Allocated, Amount: 1000, Unit: GBP, Note: "opening budget"},
		{On: date("2026-03-02"), Kind: Spent, Amount: 200, Unit: GBP},
		{On: date("2026-03-04"), Kind: Spent, Amount: 300, Unit: GBP},
		{On: date("2026-03-03"), Kind: Allocated, Amount: 50, Unit: StaffHours},
		{On: date("2026-03-06"), Kind: Spent, Amount: 10, Unit: StaffHours}, // today
		{On: date("2026-03-07"), Kind: Spent, Amount: 100, Unit: GBP},       // tomorrow
	}
	got, err := Envelope(entries, tl)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Unit != GBP || got[1].Unit != StaffHours {
		t.Fatalf("units %+v", got)
	}
	remaining := func(s EnvelopeSeries) []float64 {
		var out []float64
		for _, p := range s.Points {
			out = append(out, p.Remaining)
		}
		return out
	}
	if r := remaining(got[0]); !reflect.DeepEqual(r, []float64{800, 800, 500, 500, 500}) {
		t.Errorf("GBP remaining %v", r)
	}
	if r := remaining(got[1]); !reflect.DeepEqual(r, []float64{0, 50, 50, 50, 40}) {
		t.Errorf("staff hours remaining %v", r)
	}
	if p := got[0].Points[4]; p.Allocated != 1000 || p.Spent != 500 {
		t.Errorf("GBP now %+v", p)
	}
	if s, err := Envelope(nil, tl); s != nil || err != nil {
		t.Errorf("no entries: %v %v", s, err)
	}
	for _, c := range []struct {
		e    EnvelopeEntry
		want string
	}{
		{EnvelopeEntry{On: date("2026-03-02"), Kind: "saved", Amount: 1, Unit: GBP}, `unknown kind "saved"`},
		{EnvelopeEntry{On: date("2026-03-02"), Kind: Spent, Amount: 1, Unit: "EUR"}, `unknown unit "EUR"`},
		{EnvelopeEntry{On: date("2026-03-02"), Kind: Spent, Amount: -1, Unit: GBP}, "amount -1"},
		{EnvelopeEntry{On: date("2026-03-02"), Kind: Spent, Amount: math.NaN(), Unit: GBP}, "amount NaN"},
		{EnvelopeEntry{Kind: Spent, Amount: 1, Unit: GBP}, "no date"},
	} {
		if _, err := Envelope([]EnvelopeEntry{entries[0], c.e}, tl); err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "entry 2") {
			t.Errorf("%+v: %v, want %q", c.e, err, c.want)
		}
	}
}

func TestHeadline(t *testing.T) {
	tl, cs := handMade(t)
	s := mustSeries(t, cs, tl, Options{})[0]
	h := HeadlineOf(s.Points)
	for _, c := range []struct {
		name          string
		c             Change
		now, previous float64
	}{
		{"people", h.People, 4, 3},
		{"standing", h.Standing, 5, 4},
		{"done", h.Done, 2, 1},
		{"lapsed", h.Lapsed, 1, 1},
		{"kept", h.Kept, 1.0 / 3, 1.0 / 3},
		{"hours pledged", h.HoursPledged, 8.5, 4.5},
		{"hours delivered", h.HoursDelivered, 6, 2},
	} {
		d, ok := c.c.Delta()
		if c.c.Now != c.now || c.c.Previous != c.previous || !ok || d != c.now-c.previous {
			t.Errorf("%s: %+v, want %v then %v", c.name, c.c, c.previous, c.now)
		}
	}
	// Group 10 had nothing due on 2 March: no kept rate then, so no change.
	g10 := mustSeries(t, cs, tl, Options{By: ByGroup})[0]
	k := HeadlineOf(g10.Points[:2]).Kept
	if _, ok := k.Delta(); ok || !k.HasNow || k.HasPrevious || k.Now != 0 {
		t.Errorf("kept with nothing due before: %+v", k)
	}
	if one := HeadlineOf(s.Points[:1]).People; !one.HasNow || one.HasPrevious {
		t.Errorf("one point: %+v", one)
	}
	if none := HeadlineOf(nil).People; none.HasNow {
		t.Errorf("no points: %+v", none)
	}
}
