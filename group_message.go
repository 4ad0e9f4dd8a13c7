package groundswell

import "time"

// Limits of a lead's message to their group.
const (
	MaxMessageSubject = 120
	MaxMessageBody    = 3000
)

// Who sent a message to a group: one of its leads, or an organiser.
const (
	SenderLead      = "lead"
	SenderOrganiser = "organiser"
)

// GroupMessageInput is a message a group's lead (or an organiser) emails to
// the people who pledged to the group's actions.
type GroupMessageInput struct {
	GroupID int64
	Sender  User
	// SenderRole is SenderLead or SenderOrganiser: how the email names the
	// sender.
	SenderRole string
	Subject    string
	Body       string // plain text
	// SubmissionKey makes a message sent twice (a double click, a form
	// posted again) one message; empty for none.
	SubmissionKey string
}

// Validate checks and cleans a message.
func (in *GroupMessageInput) Validate() error {
	errs := FieldErrors{}
	in.Subject = text(errs, "subject", "Subject", in.Subject, true, MaxMessageSubject, false)
	in.Body = text(errs, "body", "Message", in.Body, true, MaxMessageBody, true)
	if err := errs.Err(); err != nil {
		return err
	}
	if in.SenderRole != SenderLead && in.SenderRole != SenderOrganiser {
		return Errorf(EINVALID, "unknown sender role %q", in.SenderRole)
	}
	if len(in.SubmissionKey) > 64 {
		return Errorf(EINVALID, "The form could not be read. Check your message and send it again")
	}
	return nil
}

// GroupMessage is a message sent to a group, as recorded.
type GroupMessage struct {
	ID         int64
	GroupID    int64
	SenderID   int64
	SenderName string
	SenderRole string
	Subject    string
	Body       string
	// Recipients is how many people it was queued for.
	Recipients int
	CreatedAt  time.Time
}

// GroupMessageRecipient is one person a group message goes to, through one
// of their pledges to the group (whose unsubscribe link the email carries).
type GroupMessageRecipient struct {
	MessageID    int64
	PersonID     int64
	CommitmentID int64
}

// MessageAudience counts who a message to a group would reach: Recipients,
// the people with a confirmed pledge (not withdrawn) to one of its actions
// who have not unsubscribed; and, not reached, those who have unsubscribed
// and those whose pledges are not confirmed yet.
type MessageAudience struct {
	Recipients   int
	Unsubscribed int
	Unconfirmed  int
}
