package groundswell

import "time"

// Roles of signed-in users.
const (
	RoleOrganiser = "organiser" // the programme team: everything in the campaigns
)

// User is someone who signs in with a password to run campaigns.
type User struct {
	ID           int64
	Email        string
	Name         string
	Role         string
	PasswordHash string
	CreatedAt    time.Time
}

// MinPasswordLength follows NCSC advice: long passwords, no composition rules.
const MinPasswordLength = 12

// NewUserInput is what creates a user, from the setup page or the CLI.
type NewUserInput struct {
	Email    string
	Name     string
	Password string
	Role     string
}

// Validate checks a new user.
func (u *NewUserInput) Validate() error {
	errs := FieldErrors{}
	u.Email = email(errs, "email", u.Email)
	u.Name = text(errs, "name", "Name", u.Name, true, 100, false)
	switch n := len([]rune(u.Password)); {
	case n < MinPasswordLength:
		errs.Add("password", "Password must be at least 12 characters")
	case len(u.Password) > 72:
		// bcrypt reads only the first 72 bytes; refuse rather than ignore the rest.
		errs.Add("password", "Password must be 72 characters or fewer")
	}
	if u.Role != RoleOrganiser {
		errs.Add("role", "Select a role")
	}
	return errs.Err()
}

// Session is a signed-in user's server-side session.
type Session struct {
	UserID    int64
	ExpiresAt time.Time
}
