package demo

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/groundswell-health/groundswell"
)

// Sizes of the generated population.
const (
	wave1People     = 5000 // participants in The Right Prescription
	wave1Organic    = 300  // the first participants, who found the campaign themselves
	wave2Returning  = 350  // people of the first campaign who come back for the second
	wave2NewPeople  = 650  // people new to the second campaign
	invitedShare    = 0.45 // share of later participants who came through an invite
	sameGroupInvite = 0.85 // share of invitations within the inviter's own group
	sameRegion      = 0.75 // share of invitees in their inviter's region
)

// wave1 generates the people of the first campaign, their commitments and
// who invited whom. People are generated in the order of their first pledge,
// so an inviter always pledged before the people they invited.
func (g *gen) wave1(w *wave) {
	s := w.spec
	ts := g.times(newDayDist(s.pledgeFrom, s.pledgeTo, s.pledgeDay), wave1People)
	weights := groupWeights(s)
	pools := newInviterPools(len(s.groups))
	for i, t := range ts {
		gi := g.weighted(weights)
		p := participant{group: gi, first: t, region: -1}
		var inviter *participant
		if i >= wave1Organic && g.chance(invitedShare) {
			from := gi
			if !g.chance(sameGroupInvite) {
				from = len(s.groups) // anyone in the campaign: a pharmacist invites a GP
			}
			inviter = &w.people[g.chooseInviter(pools, from)]
			p.inviter = inviter.person
		}
		g.join(w, &p, inviter)
		pools.add(len(w.people)-1, gi, inviter != nil, w)
	}
}

// wave2 generates the second campaign: people of the first who come back,
// favouring those who kept their promises, welcomed contact or recruited
// others, and new people, many invited by the returners.
func (g *gen) wave2(w1, w *wave) {
	s := w.spec
	dd := newDayDist(s.pledgeFrom, s.pledgeTo, s.pledgeDay)
	from := map[string]int{} // first campaign's group slug → second's group index
	for gi, gs := range s.groups {
		for _, slug := range gs.returning {
			from[slug] = gi
		}
	}
	type cand struct {
		p   int // index in w1.people
		key float64
	}
	var cands []cand
	for i, p := range w1.people {
		if _, ok := from[w1.spec.groups[p.group].slug]; !ok {
			continue
		}
		weight := 1.0
		if g.ds.People[p.person-1].ContactOK {
			weight += 2
		}
		if p.done {
			weight += 2
		}
		if p.invited > 0 {
			weight += 3
		}
		// Weighted sampling without replacement (Efraimidis and Spirakis).
		cands = append(cands, cand{i, math.Pow(g.r.Float64(), 1/weight)})
	}
	slices.SortStableFunc(cands, func(a, b cand) int { return cmp.Compare(b.key, a.key) })

	type entry struct {
		t   time.Time
		ret int // index in w1.people, or -1 for a new person
		gi  int
	}
	// Two thirds by weight; then those people's own inviters, where they can
	// come back too (relationships carry over); then the rest by weight.
	picked := map[int]bool{}
	var returners []int
	pick := func(i int) {
		if !picked[i] && len(returners) < wave2Returning {
			picked[i] = true
			returners = append(returners, i)
		}
	}
	for _, c := range cands[:wave2Returning*2/3] {
		pick(c.p)
	}
	for _, i := range slices.Clone(returners) {
		if inv := w1.people[i].inviter; inv != 0 {
			j := w1.byPerson[inv]
			if _, ok := from[w1.spec.groups[w1.people[j].group].slug]; ok {
				pick(j)
			}
		}
	}
	for _, c := range cands {
		pick(c.p)
	}
	slices.Sort(returners) // in the order they joined the first campaign
	when := map[int]time.Time{}
	for _, i := range returners {
		// Returners were contacted at the launch: earlier of two draws.
		t := g.sample(dd)
		if t2 := g.sample(dd); t2.Before(t) {
			t = t2
		}
		when[i] = t
		// An inviter who comes back usually comes back first.
		if inv := w1.people[i].inviter; inv != 0 {
			if j := w1.byPerson[inv]; picked[j] && when[j].After(t) {
				when[i], when[j] = when[j], t
			}
		}
	}
	var es []entry
	for _, i := range returners {
		es = append(es, entry{when[i], i, from[w1.spec.groups[w1.people[i].group].slug]})
	}
	weights := groupWeights(s)
	for _, t := range g.times(dd, wave2NewPeople) {
		es = append(es, entry{t, -1, g.weighted(weights)})
	}
	slices.SortStableFunc(es, func(a, b entry) int { return a.t.Compare(b.t) })
	for i := 1; i < len(es); i++ {
		if !es[i].t.After(es[i-1].t) {
			es[i].t = es[i-1].t.Add(time.Second)
		}
	}

	all := newInviterPools(len(s.groups))      // everyone in this campaign
	returned := newInviterPools(len(s.groups)) // returners only
	for i, e := range es {
		p := participant{group: e.gi, first: e.t, region: -1}
		var inviter *participant
		if e.ret >= 0 {
			old := w1.people[e.ret]
			p.person, p.region, p.org = old.person, old.region, old.org
			if j, ok := w.byPerson[old.inviter]; ok && old.inviter != 0 && g.chance(0.7) {
				inviter = &w.people[j] // the same relationship, carried over
			} else if len(returned.byGroup[e.gi]) > 0 && g.chance(0.3) {
				inviter = &w.people[g.chooseInviter(returned, e.gi)]
			}
		} else if i >= 30 && g.chance(invitedShare) {
			pools, grp := all, e.gi
			if len(returned.byGroup[e.gi]) > 0 && g.chance(0.6) {
				pools = returned
			}
			if !g.chance(sameGroupInvite) || len(pools.byGroup[grp]) == 0 {
				grp = len(s.groups)
			}
			inviter = &w.people[g.chooseInviter(pools, grp)]
		}
		if inviter != nil {
			p.inviter = inviter.person
		}
		g.join(w, &p, inviter)
		k := len(w.people) - 1
		all.add(k, e.gi, inviter != nil, w)
		if e.ret >= 0 {
			returned.add(k, e.gi, false, w)
		}
	}
}

// join adds a participant to a campaign: a new person if need be, the
// invitation edge, and their pledges.
func (g *gen) join(w *wave, p *participant, inviter *participant) {
	spec := &w.spec.groups[p.group]
	if p.person == 0 {
		if p.region < 0 {
			if inviter != nil && g.chance(sameRegion) {
				p.region = inviter.region
			} else {
				p.region = g.weighted(g.regionWeight)
			}
		}
		colleague := int64(0)
		if inviter != nil && inviter.region == p.region && inviter.group == p.group {
			colleague = inviter.org
		}
		p.person = g.newPerson(w, spec, p, colleague)
	}
	if inviter != nil {
		inviter.invited++
		g.ds.Relationships = append(g.ds.Relationships, groundswell.Relationship{
			CampaignID: w.id, FromID: inviter.person, ToID: p.person, Kind: "invited", CreatedAt: p.first,
		})
	}
	w.people = append(w.people, *p)
	w.byPerson[p.person] = len(w.people) - 1
	g.pledge(w, len(w.people)-1)
}

func (g *gen) newPerson(w *wave, spec *groupSpec, p *participant, colleague int64) int64 {
	name := oneOf(g, firstNames) + " " + oneOf(g, surnames)
	person := groundswell.Person{
		ID:           int64(len(g.ds.People) + 1),
		Email:        g.emailFor(name),
		Name:         name,
		Profession:   oneOf(g, spec.professions),
		AreaID:       g.regions[p.region],
		ShowOnWall:   g.chance(0.55),
		ContactOK:    g.chance(0.60),
		ReferralCode: g.referralCode(),
		CreatedAt:    p.first,
	}
	u := g.r.Float64()
	switch {
	case u < spec.orgShare:
		orgs := g.orgsFor(w.id, oneOf(g, spec.sectors), p.region)
		switch {
		case colleague != 0 && g.chance(0.5):
			person.OrganisationID = colleague // invited by a colleague at work
		case len(orgs) > 0:
			person.OrganisationID = oneOf(g, orgs)
		}
	case u < spec.orgShare+spec.freeShare && len(spec.freeOrgs) > 0:
		person.OrganisationName = oneOf(g, spec.freeOrgs) + ", " + oneOf(g, places[p.region])
	}
	p.org = person.OrganisationID
	g.ds.People = append(g.ds.People, person)
	return person.ID
}

// pledge makes a participant's commitments: one to three actions of their
// group, each still open ("by when" not passed) when pledged.
func (g *gen) pledge(w *wave, pi int) {
	p := &w.people[pi]
	spec := &w.spec.groups[p.group]
	acts := w.actions[p.group]
	end := w.spec.pledgeTo.Time().Add(24*time.Hour - time.Second)
	used := make([]bool, len(acts))
	t := p.first
	for n := range 1 + g.weighted(w.spec.pledges) {
		if n > 0 {
			if g.chance(0.5) {
				t = t.Add(g.duration(time.Minute, 20*time.Minute)).Truncate(time.Second) // same visit
			} else {
				t = t.Add(g.duration(24*time.Hour, time.Duration(g.between(2, 120))*24*time.Hour)).Truncate(time.Second)
			}
			if t.After(end) {
				break
			}
		}
		var open []int
		var weights []float64
		for ai, a := range acts {
			if !used[ai] && !a.due.Before(groundswell.DateOf(t)) {
				open = append(open, ai)
				weights = append(weights, float64(a.target))
			}
		}
		if len(open) == 0 {
			if n == 0 {
				panic("demo: group " + spec.slug + " has no action open on " + t.String())
			}
			break
		}
		ai := open[g.weighted(weights)]
		used[ai] = true
		c := groundswell.Commitment{
			PersonID: p.person, ActionID: acts[ai].id, CampaignID: w.id,
			Channel: groundswell.ChannelWeb, ReceiptToken: g.receiptToken(), CreatedAt: t,
		}
		if n == 0 && p.inviter != 0 {
			c.InvitedByID, c.Channel = p.inviter, groundswell.ChannelInvite
		}
		if n == 0 || g.chance(0.4) {
			c.WhyItMatters = g.why(spec)
		}
		if g.chance(0.4) {
			c.Hours = math.Round((0.5+19.5*math.Pow(g.r.Float64(), 2.5))*2) / 2
		}
		c.Status, c.UpdatedAt = g.status(acts[ai].due, t)
		p.done = p.done || c.Status == groundswell.StatusDone
		g.ds.Commitments = append(g.ds.Commitments, c)
	}
}

// status is where a commitment stands on the demo's "today", and when it last
// changed. Past its "by when", most are done; before it, most are pledged or
// in progress.
func (g *gen) status(due groundswell.Date, created time.Time) (string, time.Time) {
	const day = 24 * time.Hour
	dueEnd := due.Time().Add(day - time.Second)
	var s string
	var u time.Time
	if dueEnd.Before(asOf) {
		switch g.weighted([]float64{55, 18, 10, 7, 10}) {
		case 0:
			s, u = groundswell.StatusDone, created.Add(g.duration(day, dueEnd.Add(30*day).Sub(created)))
		case 1:
			s, u = groundswell.StatusLapsed, dueEnd.Add(g.duration(14*day, 60*day))
		case 2:
			s, u = groundswell.StatusInProgress, created.Add(g.duration(3*day, 60*day))
		case 3:
			s, u = groundswell.StatusWithdrawn, created.Add(g.duration(day, 120*day))
		default:
			s, u = groundswell.StatusPledged, created
		}
	} else {
		switch g.weighted([]float64{52, 38, 6, 4}) {
		case 0:
			s, u = groundswell.StatusPledged, created
		case 1:
			s, u = groundswell.StatusInProgress, created.Add(g.duration(2*day, asOf.Sub(created)))
		case 2:
			s, u = groundswell.StatusDone, created.Add(g.duration(7*day, asOf.Sub(created)))
		default:
			s, u = groundswell.StatusWithdrawn, created.Add(g.duration(day, asOf.Sub(created)))
		}
	}
	if u.After(asOf) {
		u = asOf
	}
	if u.Before(created) {
		u = created
	}
	return s, u.Truncate(time.Second)
}

// why composes "why it matters to me" from fragments; some people leave it
// empty.
func (g *gen) why(spec *groupSpec) string {
	switch u := g.r.Float64(); {
	case u < 0.2:
		return ""
	case u < 0.45:
		return oneOf(g, spec.whyStart)
	case u < 0.55:
		return oneOf(g, spec.whyEnd)
	default:
		return oneOf(g, spec.whyStart) + " " + oneOf(g, spec.whyEnd)
	}
}
