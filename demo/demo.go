// Package demo builds Groundswell's demo data set: "The Right Prescription", a
// call to action to reduce antipsychotic prescribing for people with dementia,
// and its successor "The Right Care", with an alliance of partner
// organisations, stakeholder groups that set their own goals, thousands of
// pledges and the invitation network they built, and one outcome measure.
//
// Everything is invented for illustration except the England series of the
// outcome measure, which is real OpenSAFELY data (see data/README.md). The
// campaigns are marked Illustrative and the regional series Synthetic, so the
// interface can say so.
package demo

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/groundswell-health/groundswell"
)

// CampaignSlug is the slug of the main demo campaign, used to tell whether the
// demo is already loaded.
const CampaignSlug = "the-right-prescription"

// Fixed seed: the demo is the same every time it is generated.
const seed1, seed2 = 0x67726f756e64, 0x7377656c6c // "ground", "swell"

// asOf is the demo's "today": commitment statuses are as they would stand on
// this date, and no record is dated after it.
var asOf = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

// AsOf returns the date the demo data describes as "today" (25 November 2026):
// statuses are as they would stand then, and nothing is dated later.
func AsOf() time.Time { return asOf }

// Generate returns the demo data set. It is deterministic: a fixed seed.
func Generate() *groundswell.Dataset {
	g := &gen{
		r:      rand.New(rand.NewPCG(seed1, seed2)),
		ds:     &groundswell.Dataset{},
		emails: map[string]bool{},
		codes:  map[string]bool{},
		tokens: map[string]bool{},
		ods:    map[string]bool{},
	}
	g.areas()
	g.organisations()
	c1 := g.campaign(&rightPrescription)
	c2 := g.campaign(&rightCare)
	g.alliance1(c1.id)
	g.alliance2(c1.id, c2.id)
	g.wave1(c1)
	g.wave2(c1, c2)
	g.finish()
	g.indicator(c1.id)
	g.envelope(c1.id, rightPrescription.campaign.StartsOn, rightPrescription.campaign.EndsOn, 400_000, 6_000)
	g.envelope(c2.id, rightCare.campaign.StartsOn, rightCare.campaign.EndsOn, 250_000, 4_000)
	return g.ds
}

// gen carries the state of one generation.
type gen struct {
	r  *rand.Rand
	ds *groundswell.Dataset

	emails, codes, tokens, ods map[string]bool

	england      int64
	regions      []int64   // local IDs of the seven regions
	regionWeight []float64 // share of participants by region
	orgEra       []int     // per organisation: 0 both campaigns, 1 first only, 2 second only
	orgCache     map[orgKey][]int64
}

// Areas: England and the seven NHS England regions, with their ONS codes and
// rough populations (ONS mid-year estimates, rounded).
var regionSpecs = []struct {
	code, name string
	population int64
	// mobilisation is how strongly the region took up the call to action,
	// relative to its population. Invented, to give the charts some texture.
	mobilisation float64
}{
	{"E40000012", "North East and Yorkshire", 8_200_000, 1.30},
	{"E40000010", "North West", 7_300_000, 0.95},
	{"E40000011", "Midlands", 10_800_000, 1.00},
	{"E40000007", "East of England", 6_300_000, 0.80},
	{"E40000003", "London", 9_000_000, 0.70},
	{"E40000005", "South East", 9_200_000, 1.05},
	{"E40000006", "South West", 5_700_000, 1.25},
}

func (g *gen) areas() {
	g.ds.Areas = append(g.ds.Areas, groundswell.Area{
		ID: 1, Code: "E92000001", Name: "England", Kind: "nation", Population: 56_500_000,
	})
	g.england = 1
	for _, s := range regionSpecs {
		id := int64(len(g.ds.Areas) + 1)
		g.ds.Areas = append(g.ds.Areas, groundswell.Area{
			ID: id, Code: s.code, Name: s.name, Kind: "region", ParentID: g.england, Population: s.population,
		})
		g.regions = append(g.regions, id)
		g.regionWeight = append(g.regionWeight, float64(s.population)*s.mobilisation)
	}
}

// finish orders commitments and relationships by time and numbers the
// commitments.
func (g *gen) finish() {
	cs := g.ds.Commitments
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].CreatedAt.Before(cs[j].CreatedAt) })
	for i := range cs {
		cs[i].ID = int64(i + 1)
	}
	rs := g.ds.Relationships
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].CampaignID != rs[j].CampaignID {
			return rs[i].CampaignID < rs[j].CampaignID
		}
		return rs[i].CreatedAt.Before(rs[j].CreatedAt)
	})
}

// Random helpers.

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func (g *gen) between(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

func oneOf[T any](g *gen, s []T) T { return s[g.r.IntN(len(s))] }

// weighted returns an index with probability proportional to its weight.
func (g *gen) weighted(w []float64) int {
	total := 0.0
	for _, x := range w {
		total += x
	}
	u := g.r.Float64() * total
	for i, x := range w {
		if u < x {
			return i
		}
		u -= x
	}
	return len(w) - 1
}

// duration returns a random duration between lo and hi.
func (g *gen) duration(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(g.r.Int64N(int64(hi-lo)))
}

// referralCode returns a new unique referral code.
func (g *gen) referralCode() string {
	b := make([]byte, groundswell.ReferralCodeLength)
	for {
		for i := range b {
			b[i] = byte(g.r.Uint32())
		}
		c := groundswell.ReferralCodeFrom(b)
		if !g.codes[c] {
			g.codes[c] = true
			return c
		}
	}
}

// receiptToken returns a new unique 26-character lower-case base32 token.
func (g *gen) receiptToken() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	b := make([]byte, 26)
	for {
		for i := range b {
			b[i] = alphabet[g.r.IntN(len(alphabet))]
		}
		t := string(b)
		if !g.tokens[t] {
			g.tokens[t] = true
			return t
		}
	}
}

// emailFor returns a new unique address for a name, at an example domain
// only, so that no real person is ever emailed.
func (g *gen) emailFor(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r == '-':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('.')
		}
	}
	local := b.String()
	domain := oneOf(g, []string{"example.org", "example.com", "example.net"})
	n := 0
	if g.chance(0.6) {
		n = g.between(1, 99)
	}
	for {
		e := local
		if n > 0 {
			e += itoa(n)
		}
		e += "@" + domain
		if !g.emails[e] {
			g.emails[e] = true
			return e
		}
		n += g.between(1, 50)
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append(b, byte('0'+n%10))
	}
	slices.Reverse(b)
	return string(b)
}

// dayDist samples moments in a window, with a weight for each day.
type dayDist struct {
	start time.Time
	cum   []float64
}

func newDayDist(from, to groundswell.Date, weight func(day int, d groundswell.Date) float64) *dayDist {
	dd := &dayDist{start: from.Time()}
	total := 0.0
	for i, d := 0, from; !to.Before(d); i, d = i+1, d.AddDays(1) {
		w := weight(i, d)
		if wd := d.Time().Weekday(); wd == time.Saturday || wd == time.Sunday {
			w *= 0.5
		}
		total += w
		dd.cum = append(dd.cum, total)
	}
	return dd
}

// hourWeight is when in the day people pledge: mostly working hours, some
// evenings.
var hourWeight = []float64{0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.3, 0.8, 1.5, 2.2, 2.4, 2.2, 2.3, 2.2, 2.1, 2.0, 1.8, 1.4, 1.1, 1.2, 1.3, 1.1, 0.7, 0.3}

func (g *gen) sample(dd *dayDist) time.Time {
	u := g.r.Float64() * dd.cum[len(dd.cum)-1]
	day := sort.SearchFloat64s(dd.cum, u)
	h := g.weighted(hourWeight)
	return dd.start.AddDate(0, 0, day).Add(time.Duration(h)*time.Hour + g.duration(0, time.Hour)).Truncate(time.Second)
}

// times returns n distinct sorted moments from dd.
func (g *gen) times(dd *dayDist, n int) []time.Time {
	ts := make([]time.Time, n)
	for i := range ts {
		ts[i] = g.sample(dd)
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	for i := 1; i < n; i++ {
		if !ts[i].After(ts[i-1]) {
			ts[i] = ts[i-1].Add(time.Second)
		}
	}
	return ts
}

// bump is a bell-shaped rise in pledging around a day.
func bump(day, centre int, height, width float64) float64 {
	x := float64(day-centre) / width
	return height * math.Exp(-x*x)
}
