package api

import (
	"time"

	gs "github.com/groundswell-health/groundswell"
)

// The representations of this file are the API's own, not the domain's
// types: JSON names are snake_case and stable, dates are ISO 8601 text, times
// are RFC 3339 in UTC, and a missing reference is absent rather than 0.

// Campaign is a call to action.
type Campaign struct {
	ID            int64     `json:"id"`
	Slug          string    `json:"slug" doc:"The campaign's web address: /campaigns/{slug}."`
	Title         string    `json:"title"`
	Purpose       string    `json:"purpose"`
	Story         string    `json:"story,omitempty"`
	StartsOn      string    `json:"starts_on" format:"date"`
	EndsOn        string    `json:"ends_on,omitempty" format:"date"`
	Status        string    `json:"status" enum:"draft,live,closed"`
	PredecessorID int64     `json:"predecessor_id,omitempty" doc:"The earlier campaign whose relationships this one builds on."`
	Illustrative  bool      `json:"illustrative" doc:"True for generated demonstration data."`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

func campaignOut(c gs.Campaign) Campaign {
	return Campaign{ID: c.ID, Slug: c.Slug, Title: c.Title, Purpose: c.Purpose, Story: c.Story,
		StartsOn: dateOut(c.StartsOn), EndsOn: dateOut(c.EndsOn), Status: c.Status, PredecessorID: c.PredecessorID,
		Illustrative: c.Illustrative, CreatedAt: stamp(c.CreatedAt), UpdatedAt: stamp(c.UpdatedAt)}
}

// Group is a stakeholder group, with its live figures.
type Group struct {
	ID          int64  `json:"id"`
	CampaignID  int64  `json:"campaign_id"`
	Slug        string `json:"slug"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Goal        string `json:"goal" doc:"The goal the group set itself."`
	Target      int    `json:"target" doc:"People the group aims to mobilise; 0 when not set."`
	Position    int    `json:"position"`
	Actions     int    `json:"actions" doc:"Actions the group asks of people, not counting retired ones."`
	People      int    `json:"people" doc:"People with a confirmed, not withdrawn commitment to one of its actions."`
	Commitments int    `json:"commitments" doc:"Confirmed commitments to its actions, not counting withdrawn ones."`
}

func groupOut(g gs.GroupSummary) Group {
	return Group{ID: g.ID, CampaignID: g.CampaignID, Slug: g.Slug, Name: g.Name, Description: g.Description, Goal: g.Goal,
		Target: g.Target, Position: g.Position, Actions: g.Actions, People: g.People, Commitments: g.Commitments}
}

// GroupInput is a new stakeholder group.
type GroupInput struct {
	Name        string `json:"name" minLength:"1" maxLength:"80"`
	Slug        string `json:"slug,omitempty" maxLength:"60" doc:"Made from the name when absent."`
	Description string `json:"description,omitempty" maxLength:"1000"`
	Goal        string `json:"goal" minLength:"1" maxLength:"500"`
	Target      int    `json:"target,omitempty" minimum:"0" maximum:"10000000"`
}

// Action is a specific thing a group asks of people, with a "by when".
type Action struct {
	ID           int64   `json:"id"`
	GroupID      int64   `json:"group_id"`
	Title        string  `json:"title"`
	Description  string  `json:"description,omitempty"`
	DueOn        string  `json:"due_on" format:"date" doc:"By when."`
	Target       int     `json:"target" doc:"Commitments hoped for; 0 when not set."`
	Retired      bool    `json:"retired" doc:"Retired actions take no new pledges."`
	Position     int     `json:"position"`
	IndicatorIDs []int64 `json:"indicator_ids" doc:"The outcome indicators the action aims to move."`
	Pledged      int     `json:"pledged" doc:"Confirmed commitments to it, not counting withdrawn ones."`
	Done         int     `json:"done"`
}

func actionOut(a gs.ActionSummary) Action {
	ids := a.IndicatorIDs
	if ids == nil {
		ids = []int64{}
	}
	return Action{ID: a.ID, GroupID: a.GroupID, Title: a.Title, Description: a.Description, DueOn: dateOut(a.DueOn),
		Target: a.Target, Retired: a.Retired, Position: a.Position, IndicatorIDs: ids, Pledged: a.Pledged, Done: a.Done}
}

// ActionInput is a new action.
type ActionInput struct {
	GroupID      int64   `json:"group_id" minimum:"1"`
	Title        string  `json:"title" minLength:"1" maxLength:"160"`
	Description  string  `json:"description,omitempty" maxLength:"2000"`
	DueOn        string  `json:"due_on" format:"date" doc:"By when, as YYYY-MM-DD."`
	Target       int     `json:"target,omitempty" minimum:"0" maximum:"10000000"`
	IndicatorIDs []int64 `json:"indicator_ids,omitempty" maxItems:"50"`
}

// Milestone is a dated event on a campaign, drawn on its charts.
type Milestone struct {
	ID          int64  `json:"id"`
	CampaignID  int64  `json:"campaign_id"`
	Title       string `json:"title"`
	On          string `json:"on" format:"date"`
	Description string `json:"description,omitempty"`
}

func milestoneOut(m gs.Milestone) Milestone {
	return Milestone{ID: m.ID, CampaignID: m.CampaignID, Title: m.Title, On: dateOut(m.On), Description: m.Description}
}

// MilestoneInput is a new milestone.
type MilestoneInput struct {
	Title       string `json:"title" minLength:"1" maxLength:"120"`
	On          string `json:"on" format:"date"`
	Description string `json:"description,omitempty" maxLength:"1000"`
}

// Area is a place: nation, region, integrated care board or smaller area.
type Area struct {
	ID         int64  `json:"id"`
	Code       string `json:"code" doc:"The ONS code where there is one."`
	Name       string `json:"name"`
	Kind       string `json:"kind" enum:"nation,region,icb,area"`
	ParentID   int64  `json:"parent_id,omitempty"`
	Population int64  `json:"population" doc:"0 when not known."`
}

func areaOut(a gs.Area) Area {
	return Area{ID: a.ID, Code: a.Code, Name: a.Name, Kind: a.Kind, ParentID: a.ParentID, Population: a.Population}
}

// Organisation is an organisation, with its membership of the token's
// campaign's alliance when it has one.
type Organisation struct {
	ID       int64     `json:"id"`
	Name     string    `json:"name"`
	ODSCode  string    `json:"ods_code,omitempty" doc:"NHS Organisation Data Service code."`
	Sector   string    `json:"sector"`
	AreaID   int64     `json:"area_id,omitempty"`
	Alliance *Alliance `json:"alliance,omitempty" doc:"Present when the organisation is in the campaign's alliance."`
}

// Alliance is an organisation's membership of a campaign's alliance.
type Alliance struct {
	JoinedOn   string `json:"joined_on" format:"date"`
	ActionPlan string `json:"action_plan,omitempty"`
}

func organisationOut(o gs.Organisation, m *gs.AllianceMember) Organisation {
	out := Organisation{ID: o.ID, Name: o.Name, ODSCode: o.ODSCode, Sector: o.Sector, AreaID: o.AreaID}
	if m != nil {
		out.Alliance = &Alliance{JoinedOn: dateOut(m.JoinedOn), ActionPlan: m.ActionPlan}
	}
	return out
}

// Indicator is an outcome measure, charted with SPC.
type Indicator struct {
	ID         int64    `json:"id"`
	Slug       string   `json:"slug"`
	Name       string   `json:"name"`
	Unit       string   `json:"unit,omitempty"`
	Direction  string   `json:"direction" enum:"up,down,neither" doc:"Which way is improvement."`
	Target     *float64 `json:"target,omitempty"`
	Definition string   `json:"definition,omitempty"`
	Source     string   `json:"source,omitempty"`
	Caveats    string   `json:"caveats,omitempty"`
}

func indicatorOut(i gs.Indicator) Indicator {
	return Indicator{ID: i.ID, Slug: i.Slug, Name: i.Name, Unit: i.Unit, Direction: i.Direction, Target: i.Target,
		Definition: i.Definition, Source: i.Source, Caveats: i.Caveats}
}

// Observation is an indicator's value for one area and period.
type Observation struct {
	IndicatorID int64    `json:"indicator_id"`
	AreaID      int64    `json:"area_id"`
	Period      string   `json:"period" format:"date" doc:"The first day of the period."`
	Numerator   *float64 `json:"numerator,omitempty"`
	Denominator *float64 `json:"denominator,omitempty"`
	Value       float64  `json:"value"`
	Synthetic   bool     `json:"synthetic" doc:"True for illustrative figures, not published ones."`
}

func observationOut(o gs.Observation) Observation {
	return Observation{IndicatorID: o.IndicatorID, AreaID: o.AreaID, Period: dateOut(o.Period), Numerator: o.Numerator,
		Denominator: o.Denominator, Value: o.Value, Synthetic: o.Synthetic}
}

// Person is a participant: someone with a commitment in the campaign.
type Person struct {
	ID               int64     `json:"id"`
	Name             string    `json:"name"`
	Email            string    `json:"email" format:"email"`
	Profession       string    `json:"profession,omitempty"`
	OrganisationID   int64     `json:"organisation_id,omitempty"`
	OrganisationName string    `json:"organisation_name,omitempty" doc:"As typed, when the organisation is not listed."`
	AreaID           int64     `json:"area_id,omitempty"`
	ShowOnWall       bool      `json:"show_on_wall" doc:"Consent to show name, role and story on the public pledge wall."`
	ContactOK        bool      `json:"contact_ok" doc:"Consent to be contacted about the campaign beyond a pledge's own follow-up."`
	ReferralCode     string    `json:"referral_code" doc:"The code of the person's invite link."`
	CreatedAt        time.Time `json:"created_at"`
}

func personOut(p gs.Person) Person {
	return Person{ID: p.ID, Name: p.Name, Email: p.Email, Profession: p.Profession, OrganisationID: p.OrganisationID,
		OrganisationName: p.OrganisationName, AreaID: p.AreaID, ShowOnWall: p.ShowOnWall, ContactOK: p.ContactOK,
		ReferralCode: p.ReferralCode, CreatedAt: stamp(p.CreatedAt)}
}

// Commitment is a pledge: one person to one action.
type Commitment struct {
	ID           int64      `json:"id"`
	PersonID     int64      `json:"person_id"`
	ActionID     int64      `json:"action_id"`
	CampaignID   int64      `json:"campaign_id"`
	Status       string     `json:"status" enum:"pledged,in_progress,done,lapsed,withdrawn"`
	WhyItMatters string     `json:"why_it_matters,omitempty"`
	Hours        float64    `json:"hours" doc:"Discretionary effort pledged, in hours; 0 when not given."`
	OnBehalf     string     `json:"on_behalf" enum:"self,team,organisation,cared_for"`
	Channel      string     `json:"channel" enum:"web,invite,import,api"`
	InvitedByID  int64      `json:"invited_by_id,omitempty" doc:"The person whose invite link was used."`
	Confirmed    bool       `json:"confirmed" doc:"Whether the person has confirmed the pledge by the emailed link. Only confirmed pledges count."`
	ConfirmedAt  *time.Time `json:"confirmed_at,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

func commitmentOut(c gs.Commitment) Commitment {
	out := Commitment{ID: c.ID, PersonID: c.PersonID, ActionID: c.ActionID, CampaignID: c.CampaignID, Status: c.Status,
		WhyItMatters: c.WhyItMatters, Hours: c.Hours, OnBehalf: c.OnBehalf, Channel: c.Channel, InvitedByID: c.InvitedByID,
		Confirmed: c.Confirmed(), CreatedAt: stamp(c.CreatedAt), UpdatedAt: stamp(c.UpdatedAt)}
	if c.Confirmed() {
		t := stamp(c.ConfirmedAt)
		out.ConfirmedAt = &t
	}
	return out
}

// PledgeInput is a pledge made through the API: the person (found by email,
// or created) and what they pledge. The person is emailed a link to confirm
// it, as with the public form; until then it is not counted.
type PledgeInput struct {
	ActionID         int64   `json:"action_id" minimum:"1"`
	Name             string  `json:"name" minLength:"1" maxLength:"100"`
	Email            string  `json:"email" minLength:"3" maxLength:"254"`
	Profession       string  `json:"profession" minLength:"1" maxLength:"100"`
	OrganisationID   int64   `json:"organisation_id,omitempty" minimum:"0"`
	OrganisationName string  `json:"organisation_name,omitempty" maxLength:"200"`
	AreaID           int64   `json:"area_id" minimum:"1"`
	WhyItMatters     string  `json:"why_it_matters,omitempty" maxLength:"1000"`
	Hours            float64 `json:"hours,omitempty" minimum:"0" maximum:"1000"`
	ShowOnWall       bool    `json:"show_on_wall,omitempty"`
	ContactOK        bool    `json:"contact_ok,omitempty"`
	OnBehalf         string  `json:"on_behalf,omitempty" enum:"self,team,organisation,cared_for"`
	ReferralCode     string  `json:"referral_code,omitempty" maxLength:"20" doc:"The inviter's referral code, when the person came through their invite link."`
}

// pledgeFields says where each of the domain's pledge fields is in the body.
var pledgeFields = map[string]string{
	"name": "body.name", "email": "body.email", "profession": "body.profession", "organisation_id": "body.organisation_id",
	"organisation_name": "body.organisation_name", "area_id": "body.area_id", "why": "body.why_it_matters",
	"hours": "body.hours", "ref": "body.referral_code", "action_id": "body.action_id", "on_behalf": "body.on_behalf",
	"submission": "header.Idempotency-Key",
}

// Relationship is an invitation edge: from invited to into the campaign.
type Relationship struct {
	FromID    int64     `json:"from_id"`
	ToID      int64     `json:"to_id"`
	Kind      string    `json:"kind"`
	CreatedAt time.Time `json:"created_at"`
}

func relationshipOut(r gs.Relationship) Relationship {
	return Relationship{FromID: r.FromID, ToID: r.ToID, Kind: r.Kind, CreatedAt: stamp(r.CreatedAt)}
}

func dateOut(d gs.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// stamp is a time as the API writes it: UTC, to the millisecond the store
// keeps, so a time read back equals the time first answered.
func stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }
