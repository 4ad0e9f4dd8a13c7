package csvio

import (
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	gs "github.com/groundswell-health/groundswell"
)

// CommitmentColumns is the header of a commitments file, in the order
// written.
var CommitmentColumns = []string{"email", "group", "action", "action_id", "status", "why", "hours", "on_behalf", "channel",
	"invited_by", "created_at", "updated_at", "confirmed_at", "reported_at", "outcome", "outcome_reason", "followup_on"}

var commitmentRequired = []string{"email", "group", "action", "status", "created_at"}

// Commitment is one row of a commitments file: a pledge of one person, by
// email, to one action, by its group's slug and its title.
type Commitment struct {
	Line   int // the line it was read from; 0 when not read
	Email  string
	Group  string // the group's slug
	Action string // the action's title
	// ActionID is the action's id where the file was written: an archive
	// names one of its own actions with it; 0 when not given.
	ActionID  int64
	Status    string
	Why       string
	Hours     float64
	OnBehalf  string // groundswell.OnBehalfSelf when not given
	Channel   string // groundswell.ChannelImport when not given
	InvitedBy string // the inviter's email, or ""
	CreatedAt time.Time
	UpdatedAt time.Time // CreatedAt when not given
	// ConfirmedAt is when the owner confirmed the pledge, zero while it
	// awaits confirmation. A file without the column holds pledges
	// confirmed when they were made.
	ConfirmedAt   time.Time
	ReportedAt    time.Time // when the owner last reported; zero if never
	Outcome       string    // what they reported (groundswell.Outcomes), or ""
	OutcomeReason string
	FollowupOn    gs.Date // the owner's own date to be followed up on, or zero
}

// NewCommitmentWriter writes the header of a commitments file.
func NewCommitmentWriter(w io.Writer, opt Options) (*RecordWriter[Commitment], error) {
	return newRecordWriter(w, CommitmentColumns, opt, EncodeCommitment)
}

// EncodeCommitment is the record of a commitment, in the order of
// CommitmentColumns.
func EncodeCommitment(c Commitment) []string {
	id := ""
	if c.ActionID != 0 {
		id = strconv.FormatInt(c.ActionID, 10)
	}
	return []string{c.Email, c.Group, c.Action, id, c.Status, c.Why, FormatFloat(c.Hours), c.OnBehalf, c.Channel, c.InvitedBy,
		FormatTime(c.CreatedAt), FormatTime(c.UpdatedAt), FormatTime(c.ConfirmedAt), FormatTime(c.ReportedAt),
		c.Outcome, c.OutcomeReason, c.FollowupOn.String()}
}

// NewCommitmentReader reads the header of a commitments file. A row naming
// the same person and action as an earlier good row is bad.
func NewCommitmentReader(r io.Reader) (*Reader[Commitment], error) {
	return newReader(r, commitmentRequired, optional(CommitmentColumns, commitmentRequired), checkCommitment,
		func(c Commitment) (string, string) {
			if c.ActionID != 0 {
				return c.Email + "\x00" + strconv.FormatInt(c.ActionID, 10), "email and action_id"
			}
			return c.Email + "\x00" + c.Group + "\x00" + c.Action, "email, group and action"
		})
}

// optional is all but the required columns.
func optional(all, required []string) []string {
	var out []string
	for _, c := range all {
		if !slices.Contains(required, c) {
			out = append(out, c)
		}
	}
	return out
}

// Email reads an email address, normalised; "" when empty.
func (r *Record) Email(name string) string {
	s, ok := gs.CleanEmail(r.Text(name))
	if s != "" && !ok {
		r.cellProblem(name, "%q is not an email address in the correct format, like name@example.com", s)
	}
	return s
}

func checkCommitment(rec *Record) Commitment {
	c := Commitment{Line: rec.Line, Email: rec.Email("email"), Group: rec.Text("group"), Action: rec.Text("action"),
		ActionID: rec.Int("action_id"), InvitedBy: rec.Email("invited_by"),
		CreatedAt: rec.Time("created_at"), UpdatedAt: rec.Time("updated_at"), ConfirmedAt: rec.Time("confirmed_at"),
		ReportedAt: rec.Time("reported_at"), FollowupOn: rec.Date("followup_on")}
	if c.Email == "" {
		rec.Problem("email: enter the email address of the person who pledged")
	}
	if !gs.ValidSlug(c.Group) {
		rec.Problem("group: %q is not a group's web address (its slug), like community-pharmacists", c.Group)
	}
	if c.Action == "" {
		rec.Problem("action: enter the title of the action")
	}
	if c.InvitedBy != "" && c.InvitedBy == c.Email {
		rec.Problem("invited_by: a person cannot invite themself")
	}
	if c.CreatedAt.IsZero() && rec.Text("created_at") == "" {
		rec.Problem("created_at: enter when the pledge was made")
	}
	if c.UpdatedAt.IsZero() {
		c.UpdatedAt = c.CreatedAt
	}
	if !rec.Has("confirmed_at") {
		c.ConfirmedAt = c.CreatedAt
	}
	gc := gs.Commitment{Status: rec.Text("status"), WhyItMatters: rec.Text("why"), Hours: rec.Float("hours"),
		OnBehalf: rec.Text("on_behalf"), Channel: rec.Text("channel")}
	rec.Check(gc.Validate(), nil)
	c.Status, c.Why, c.Hours, c.OnBehalf, c.Channel = gc.Status, gc.WhyItMatters, gc.Hours, gc.OnBehalf, gc.Channel

	c.Outcome, c.OutcomeReason = rec.Text("outcome"), rec.Text("outcome_reason")
	switch {
	case c.Outcome == "" && c.OutcomeReason != "":
		rec.Problem("outcome_reason: give the outcome it is the reason for")
	case c.Outcome != "":
		o := gs.OutcomeReport{Outcome: c.Outcome, Reason: c.OutcomeReason}
		err := o.Validate()
		if f := gs.ErrorFields(err); f["outcome"] != "" {
			f["outcome"] = "Outcome must be one of " + strings.Join(gs.Outcomes, ", ") + ", or empty"
		}
		rec.Check(err, map[string]string{"reason": "outcome_reason", "blocker": "outcome_reason"})
		c.OutcomeReason = o.Reason
	}
	return c
}
