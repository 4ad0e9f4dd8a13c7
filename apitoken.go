package groundswell

import "time"

// API token scopes: what a token may do in its campaign.
const (
	ScopeRead  = "read"
	ScopeWrite = "write"
)

// APITokenPrefix starts every API token, so a leaked one is recognisable
// (secret scanners look for such prefixes) and a token is not mistaken for
// anything else.
const APITokenPrefix = "gsk_"

// APIToken is a personal token for the JSON API, for one campaign. Its
// secret is shown once, when it is created; only its hash is kept.
type APIToken struct {
	ID         int64
	CampaignID int64
	UserID     int64 // the organiser who created it
	Name       string
	Scope      string // ScopeRead or ScopeWrite
	CreatedAt  time.Time
	LastUsedAt time.Time // zero until first used
	RevokedAt  time.Time // zero while it works
}

// Revoked reports whether the token no longer works.
func (t APIToken) Revoked() bool { return !t.RevokedAt.IsZero() }

// Validate checks and cleans a new token's name and scope.
func (t *APIToken) Validate() error {
	errs := FieldErrors{}
	t.Name = text(errs, "name", "Name", t.Name, true, 80, false)
	if t.Scope != ScopeRead && t.Scope != ScopeWrite {
		errs.Add("scope", "Select what the token may do")
	}
	return errs.Err()
}
