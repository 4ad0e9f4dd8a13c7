package groundswell

import "time"

// RepresentsOrganisation reports whether the user may act for the
// organisation: one of its representatives, or an organiser.
func (a *Access) RepresentsOrganisation(orgID int64) bool {
	return a != nil && (a.Organiser() || a.Represents[orgID])
}

// AppointRepInput appoints an organisation's representative by email.
type AppointRepInput struct {
	OrganisationID int64
	Email          string
	Name           string
	InvitedBy      int64
}

// Validate checks and cleans an appointment.
func (in *AppointRepInput) Validate() error {
	errs := FieldErrors{}
	in.Email = email(errs, "email", in.Email)
	in.Name = text(errs, "name", "Their name", in.Name, true, 100, false)
	return errs.Err()
}

// Alliance action plan item statuses. They are not a pledge's: an
// organisation plans, works on, completes or drops an item; nothing lapses
// on its own.
const (
	PlanPlanned    = "planned"
	PlanInProgress = "in_progress"
	PlanDone       = "done"
	PlanDropped    = "dropped"
)

// PlanStatuses lists the statuses of an action plan item in order.
var PlanStatuses = []string{PlanPlanned, PlanInProgress, PlanDone, PlanDropped}

// AllianceCommitment is one item of an organisation's action plan in a
// campaign's alliance: something the organisation itself will do, by when.
type AllianceCommitment struct {
	ID             int64
	CampaignID     int64
	OrganisationID int64
	Title          string
	DueOn          Date
	Status         string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Validate checks and cleans an action plan item. A new item with no status
// is planned.
func (c *AllianceCommitment) Validate() error {
	errs := FieldErrors{}
	c.Title = text(errs, "title", "What your organisation will do", c.Title, true, 160, false)
	if c.DueOn.IsZero() {
		errs.Add("due_on", "Enter the date this will be done by")
	}
	if c.Status == "" && c.ID == 0 {
		c.Status = PlanPlanned
	}
	known := false
	for _, s := range PlanStatuses {
		known = known || s == c.Status
	}
	if !known {
		errs.Add("status", "Select a status")
	}
	return errs.Err()
}

// StaffMember is a person who gave an organisation as theirs when pledging
// and agreed to be contacted, as the organisation's representatives see them.
type StaffMember struct {
	Name       string
	Email      string
	Profession string
	Pledges    []StaffPledge
}

// StaffPledge is one of a staff member's pledges.
type StaffPledge struct {
	Campaign    string
	ActionTitle string
	Status      string
}

// AllianceMembership is a campaign whose alliance an organisation is in.
type AllianceMembership struct {
	Campaign   Campaign
	JoinedOn   Date
	ActionPlan string // the free-text summary the organiser recorded
}
