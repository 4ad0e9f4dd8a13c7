package groundswell

import "time"

// Purposes of one-time links sent by email.
const (
	TokenConfirm = "confirm" // confirms a pledge (double opt-in)
)

// OutboxMessage is an email as Groundswell composed it, kept whether it was
// sent over SMTP or, with no SMTP server configured, only stored.
type OutboxMessage struct {
	ID           int64
	Kind         string // "confirmation", …
	ToEmail      string
	ToName       string
	Subject      string
	Text         string
	HTML         string
	Status       string // "sent" or "outbox"
	CommitmentID int64
	CreatedAt    time.Time
}
