package mobilise

import (
	"fmt"
	"slices"

	gs "github.com/groundswell-health/groundswell"
)

// Predecessor is what an earlier campaign built: the people who made a
// commitment in it and the organisations of its alliance.
type Predecessor struct {
	People        []int64
	Organisations []int64
}

// CarryOver is how much of a campaign came through what its predecessor
// built; see the package documentation for the definitions.
type CarryOver struct {
	People      int     // distinct people with a standing commitment in the campaign
	PeopleAgain []int64 // of them, people of the predecessor, ascending
	// Organisations is the campaign's alliance; OrganisationsAgain those of
	// them that were in the predecessor's, ascending.
	Organisations      int
	OrganisationsAgain []int64
	Standing           int // standing commitments in the campaign
	// ByReturning counts standing commitments made by people of the
	// predecessor; ByInvited those made by others whose first invitation
	// into the campaign came from a person of the predecessor.
	ByReturning, ByInvited int
	// Share is (ByReturning + ByInvited) ÷ Standing: the share of the
	// campaign's commitments that came through relationships built before.
	Share Ratio
}

// Carry measures what carried over from prev into a campaign with
// commitments cs, alliance members and invitations edges. Withdrawn
// commitments are left out. An invitation into the campaign is a person's
// first by CreatedAt (then CampaignID, then FromID), as in Analyse; a
// self-invitation is an error.
func Carry(prev Predecessor, cs []Commitment, members []Member, edges []Relationship) (CarryOver, error) {
	c, err := NewCarrier(prev, members, edges)
	if err != nil {
		return CarryOver{}, err
	}
	for _, cm := range cs {
		if err := c.Add(cm); err != nil {
			return CarryOver{}, err
		}
	}
	return c.Result(), nil
}

// Carrier is Carry one commitment at a time, so that the store can stream
// them beside a Tally.
type Carrier struct {
	before  map[int64]bool // people of the predecessor
	edges   []Relationship
	inviter map[int64]int // person → index of their first invitation
	people  map[int64]bool
	co      CarryOver
}

// NewCarrier starts a Carry over prev, members and edges.
func NewCarrier(prev Predecessor, members []Member, edges []Relationship) (*Carrier, error) {
	c := &Carrier{before: make(map[int64]bool, len(prev.People)), edges: edges,
		inviter: make(map[int64]int, len(edges)), people: map[int64]bool{}}
	for _, p := range prev.People {
		c.before[p] = true
	}
	for i, e := range edges {
		if e.FromID == e.ToID {
			return nil, fmt.Errorf("relationship %d (campaign %d, person %d): %w", i+1, e.CampaignID, e.FromID, ErrSelfInvitation)
		}
		if j, ok := c.inviter[e.ToID]; !ok || earlier(edges, int32(i), int32(j)) {
			c.inviter[e.ToID] = i
		}
	}
	orgsBefore := make(map[int64]bool, len(prev.Organisations))
	for _, o := range prev.Organisations {
		orgsBefore[o] = true
	}
	orgs := map[int64]bool{}
	for _, m := range members {
		if !orgs[m.OrganisationID] {
			orgs[m.OrganisationID] = true
			if orgsBefore[m.OrganisationID] {
				c.co.OrganisationsAgain = append(c.co.OrganisationsAgain, m.OrganisationID)
			}
		}
	}
	c.co.Organisations = len(orgs)
	slices.Sort(c.co.OrganisationsAgain)
	return c, nil
}

// Add counts one commitment of the campaign.
func (c *Carrier) Add(cm Commitment) error {
	switch cm.Status {
	case gs.StatusWithdrawn:
		return nil
	case gs.StatusPledged, gs.StatusInProgress, gs.StatusDone, gs.StatusLapsed:
	default:
		return fmt.Errorf("commitment %d: unknown status %q", cm.ID, cm.Status)
	}
	c.co.Standing++
	returning := c.before[cm.PersonID]
	if !c.people[cm.PersonID] {
		c.people[cm.PersonID] = true
		if returning {
			c.co.PeopleAgain = append(c.co.PeopleAgain, cm.PersonID)
		}
	}
	if returning {
		c.co.ByReturning++
	} else if i, ok := c.inviter[cm.PersonID]; ok && c.before[c.edges[i].FromID] {
		c.co.ByInvited++
	}
	return nil
}

// Result returns what carried over, from the commitments added so far.
func (c *Carrier) Result() CarryOver {
	co := c.co
	co.People = len(c.people)
	co.PeopleAgain = slices.Sorted(slices.Values(c.co.PeopleAgain))
	co.OrganisationsAgain = slices.Clone(c.co.OrganisationsAgain)
	co.Share = Ratio{Num: co.ByReturning + co.ByInvited, Den: co.Standing}
	return co
}
