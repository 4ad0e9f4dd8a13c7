package demo

import (
	"time"

	"github.com/groundswell-health/groundswell"
)

// campaignSpec describes one demo campaign: its record, its groups and
// milestones, and when and how people pledged to it.
type campaignSpec struct {
	campaign   groundswell.Campaign
	groups     []groupSpec
	milestones []groundswell.Milestone
	// pledgeFrom and pledgeTo bound the pledges generated.
	pledgeFrom, pledgeTo groundswell.Date
	// pledgeDay weighs each day of the window: front-loaded at the launch,
	// with a slower tail and rises around milestones.
	pledgeDay func(day int, d groundswell.Date) float64
	// pledges weighs how many actions (1, 2, 3) a participant pledges to.
	pledges []float64
}

// groupSpec describes a stakeholder group and the people who join it.
type groupSpec struct {
	slug, name, description, goal string
	target                        int
	actions                       []actionSpec
	// weight is the group's share of the campaign's new participants.
	weight float64
	// professions people in the group give.
	professions []string
	// sectors of the listed organisations its people work for; orgShare is
	// the chance a person names one, freeShare the chance they type an
	// organisation from freeOrgs instead.
	sectors             []string
	orgShare, freeShare float64
	freeOrgs            []string
	// whyStart and whyEnd are fragments of "why it matters to me".
	whyStart, whyEnd []string
	// returning lists the slugs of the previous campaign's groups whose
	// people may come back to this group.
	returning []string
}

type actionSpec struct {
	title, description string
	due                string
	target             int
}

// wave is a campaign as generated: its local IDs and its participants.
type wave struct {
	spec     *campaignSpec
	id       int64
	groupIDs []int64
	actions  [][]actionRef // per group
	people   []participant
	byPerson map[int64]int // person ID → index in people
}

type actionRef struct {
	id     int64
	due    groundswell.Date
	target int
}

// participant is a person's part in one campaign.
type participant struct {
	person  int64
	group   int // index in the campaign's groups
	region  int // index in g.regions
	org     int64
	first   time.Time // first commitment in this campaign
	inviter int64     // person ID, or 0
	invited int       // people this person invited in this campaign
	done    bool      // kept at least one promise in this campaign
}

// campaign adds a campaign with its groups, actions and milestones.
func (g *gen) campaign(s *campaignSpec) *wave {
	ds := g.ds
	c := s.campaign
	c.ID = int64(len(ds.Campaigns) + 1)
	ds.Campaigns = append(ds.Campaigns, c)
	w := &wave{spec: s, id: c.ID, byPerson: map[int64]int{}}
	for gi, gs := range s.groups {
		gid := int64(len(ds.Groups) + 1)
		ds.Groups = append(ds.Groups, groundswell.Group{
			ID: gid, CampaignID: c.ID, Slug: gs.slug, Name: gs.name, Description: gs.description,
			Goal: gs.goal, Target: gs.target, Position: gi + 1,
		})
		w.groupIDs = append(w.groupIDs, gid)
		var refs []actionRef
		for ai, as := range gs.actions {
			a := groundswell.Action{
				ID: int64(len(ds.Actions) + 1), GroupID: gid, Title: as.title, Description: as.description,
				DueOn: groundswell.MustDate(as.due), Target: as.target, Position: ai + 1,
			}
			ds.Actions = append(ds.Actions, a)
			refs = append(refs, actionRef{a.ID, a.DueOn, a.Target})
		}
		w.actions = append(w.actions, refs)
	}
	for _, m := range s.milestones {
		m.ID = int64(len(ds.Milestones) + 1)
		m.CampaignID = c.ID
		ds.Milestones = append(ds.Milestones, m)
	}
	return w
}

func at(date string, hour int) time.Time {
	return groundswell.MustDate(date).Time().Add(time.Duration(hour) * time.Hour)
}
