package groundswell

import (
	"time"
)

// Campaign statuses.
const (
	CampaignDraft  = "draft"  // being prepared; visible only to organisers
	CampaignLive   = "live"   // open for pledges
	CampaignClosed = "closed" // finished; shown, but no new pledges
)

// Campaign is a call to action: a shared purpose and story, dates, and the
// stakeholder groups that organise themselves inside it.
type Campaign struct {
	ID            int64
	Slug          string
	Title         string
	Purpose       string // one or two sentences: what change, for whom
	Story         string // why it matters; the emotional case ("us and us")
	StartsOn      Date
	EndsOn        Date // zero when open-ended
	Status        string
	PredecessorID int64 // 0 when this is the first wave
	// Illustrative marks generated demo data, which the UI labels as such.
	Illustrative bool
	// DashboardSignedInOnly restricts the campaign's dashboard, network and
	// area pages to people signed in with a role (organisers, group leads,
	// organisation representatives); they are public otherwise.
	DashboardSignedInOnly bool
	CreatedAt             time.Time
	UpdatedAt             time.Time
}

// Open reports whether the campaign takes pledges.
func (c Campaign) Open() bool { return c.Status == CampaignLive }

// Validate checks and cleans a campaign before it is stored.
func (c *Campaign) Validate() error {
	errs := FieldErrors{}
	c.Title = text(errs, "title", "Title", c.Title, true, 120, false)
	if c.Slug == "" && c.Title != "" {
		c.Slug = Slugify(c.Title)
	}
	if !ValidSlug(c.Slug) {
		errs.Add("slug", "Web address must be 1 to 60 lower-case letters, numbers and hyphens")
	}
	c.Purpose = text(errs, "purpose", "Purpose", c.Purpose, true, 500, true)
	c.Story = text(errs, "story", "Story", c.Story, false, 5000, true)
	if c.StartsOn.IsZero() {
		errs.Add("starts_on", "Enter the date the campaign starts")
	}
	if !c.EndsOn.IsZero() && !c.StartsOn.IsZero() && c.EndsOn.Before(c.StartsOn) {
		errs.Add("ends_on", "End date must be on or after the start date")
	}
	switch c.Status {
	case CampaignDraft, CampaignLive, CampaignClosed:
	default:
		errs.Add("status", "Select a status")
	}
	if c.PredecessorID != 0 && c.PredecessorID == c.ID {
		errs.Add("predecessor_id", "A campaign cannot follow itself")
	}
	return errs.Err()
}

// CampaignCounts are the live figures shown on a campaign page. A pledge
// counts once it is confirmed (its owner followed the emailed link); until
// then it is only Awaiting.
type CampaignCounts struct {
	People      int // distinct people with at least one confirmed commitment
	Commitments int // confirmed commitments (not withdrawn)
	Done        int // commitments reported done
	Awaiting    int // pledges not yet confirmed
	// Team and Organisational count the confirmed pledges made for a team
	// or by an organisation; they are among Commitments, and shown apart.
	Team           int
	Organisational int
	Organisations  int // organisations in the campaign's alliance
	Relationships  int // invitation edges in the campaign
}

// Milestone is a dated event on a campaign, drawn on charts.
type Milestone struct {
	ID          int64
	CampaignID  int64
	Title       string
	On          Date
	Description string
}

// Validate checks and cleans a milestone.
func (m *Milestone) Validate() error {
	errs := FieldErrors{}
	m.Title = text(errs, "title", "Title", m.Title, true, 120, false)
	m.Description = text(errs, "description", "Description", m.Description, false, 1000, true)
	if m.On.IsZero() {
		errs.Add("on", "Enter the date of the milestone")
	}
	return errs.Err()
}

// Group is a stakeholder group inside a campaign. A group owns its goal: the
// programme team does not set it ("done with", not "done to").
type Group struct {
	ID          int64
	CampaignID  int64
	Slug        string
	Name        string
	Description string // who the group is for
	Goal        string
	Target      int // people the group aims to mobilise; 0 when not set
	Position    int // display order within the campaign
}

// Validate checks and cleans a group.
func (g *Group) Validate() error {
	errs := FieldErrors{}
	g.Name = text(errs, "name", "Name", g.Name, true, 80, false)
	if g.Slug == "" && g.Name != "" {
		g.Slug = Slugify(g.Name)
	}
	if !ValidSlug(g.Slug) {
		errs.Add("slug", "Web address must be 1 to 60 lower-case letters, numbers and hyphens")
	}
	g.Description = text(errs, "description", "Description", g.Description, false, 1000, true)
	g.Goal = text(errs, "goal", "Goal", g.Goal, true, 500, true)
	if g.Target < 0 || g.Target > 10_000_000 {
		errs.Add("target", "Target must be a whole number between 0 and 10,000,000")
	}
	return errs.Err()
}

// Action is a specific thing a group asks of its people, with a "by when".
type Action struct {
	ID          int64
	GroupID     int64
	Title       string
	Description string
	DueOn       Date
	Target      int // commitments the group hopes for; 0 when not set
	Retired     bool
	Position    int
	// IndicatorIDs are the campaign's outcome measures this action aims to
	// move: the driver diagram in miniature.
	IndicatorIDs []int64
}

// Validate checks and cleans an action.
func (a *Action) Validate() error {
	errs := FieldErrors{}
	a.Title = text(errs, "title", "What people will do", a.Title, true, 160, false) // the form's label, as the error repeats it
	a.Description = text(errs, "description", "Description", a.Description, false, 2000, true)
	if a.DueOn.IsZero() {
		errs.Add("due_on", "Enter the date this action should be done by")
	}
	if a.Target < 0 || a.Target > 10_000_000 {
		errs.Add("target", "Target must be a whole number between 0 and 10,000,000")
	}
	return errs.Err()
}

// ActionSummary is an action with how many people have pledged to it.
type ActionSummary struct {
	Action
	Pledged int
	Done    int
}

// GroupSummary is a group with its live figures.
type GroupSummary struct {
	Group
	Actions     int
	People      int
	Commitments int
}
