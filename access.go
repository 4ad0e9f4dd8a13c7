package groundswell

import "time"

// RoleMember is a user who signs in by emailed link only: a group lead, or a
// participant looking after their own pledges. What they may do comes from
// what they lead and what they pledged, not from the role.
const RoleMember = "member"

// TokenSignIn is the purpose of one-time sign-in links.
const TokenSignIn = "signin"

// Access is what a signed-in user may do: the facts every authorisation
// rule is decided from.
type Access struct {
	User User
	// Leads holds the IDs of the groups the user leads.
	Leads map[int64]bool
	// Represents holds the IDs of the organisations the user represents.
	Represents map[int64]bool
}

// Organiser reports whether the user is on the programme team.
func (a *Access) Organiser() bool { return a != nil && a.User.Role == RoleOrganiser }

// LeadsGroup reports whether the user may run the group: its lead, or an
// organiser.
func (a *Access) LeadsGroup(groupID int64) bool {
	return a != nil && (a.Organiser() || a.Leads[groupID])
}

// AppointLeadInput appoints a group lead by email.
type AppointLeadInput struct {
	GroupID   int64
	Email     string
	Name      string
	InvitedBy int64
}

// Validate checks and cleans an appointment.
func (in *AppointLeadInput) Validate() error {
	errs := FieldErrors{}
	in.Email = email(errs, "email", in.Email)
	in.Name = text(errs, "name", "Their name", in.Name, true, 100, false)
	return errs.Err()
}

// Participant is one pledge to a group's action, as its leads see it.
type Participant struct {
	Name        string
	Email       string // only when the person agreed to be contacted
	Profession  string
	ActionTitle string
	Status      string
	ConfirmedAt time.Time
	PledgedAt   time.Time
}
