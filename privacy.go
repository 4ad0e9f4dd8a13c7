package groundswell

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// Privacy under UK GDPR: the consent choices a person makes when they pledge,
// kept with the version of the words they agreed to; subject access (a copy
// of everything held about someone); erasure; and how long people's details
// are kept. docs/PRIVACY.md explains each for a data-protection review.

// ConsentWording is the wording of the two consent choices on the pledge
// form, as one version. A person's record keeps the version they were shown,
// so what they agreed to can be shown back to them word for word.
type ConsentWording struct {
	Version      int    `json:"version"`
	WallLabel    string `json:"show_on_wall"`
	WallHint     string `json:"show_on_wall_hint"`
	ContactLabel string `json:"contact"`
	ContactHint  string `json:"contact_hint"`
}

// ConsentVersion is the version of the consent wording the pledge form
// shows now. Changing any word of consentWordings means adding a new entry
// and raising this by one: people who agreed to the old words keep them on
// record (TestConsentWordingIsVersioned pins every version's words).
const ConsentVersion = 1

// consentWordings holds every version of the wording, oldest first; entry i
// is version i+1. Old versions stay: records refer to them.
var consentWordings = []ConsentWording{
	{
		Version:      1,
		WallLabel:    "Show my name, role and why it matters to me on the public pledge wall",
		WallHint:     "Your email address is never shown.",
		ContactLabel: "Contact me about this call to action beyond my pledge",
		ContactHint:  "For example, news of what others have done. You can change your mind at any time.",
	},
}

// CurrentConsent returns the wording the pledge form shows now.
func CurrentConsent() ConsentWording { return consentWordings[ConsentVersion-1] }

// ConsentWordingOf returns the wording of a version; false for version 0
// (choices recorded before versions were kept, or not made on our form: an
// import, or the API) and for a version that does not exist.
func ConsentWordingOf(version int) (ConsentWording, bool) {
	if version < 1 || version > len(consentWordings) {
		return ConsentWording{}, false
	}
	return consentWordings[version-1], true
}

// Digest is a fingerprint of the wording, for the test that keeps each
// version's words from changing.
func (w ConsentWording) Digest() string {
	sum := sha256.Sum256([]byte(strings.Join([]string{w.WallLabel, w.WallHint, w.ContactLabel, w.ContactHint}, "\x00")))
	return hex.EncodeToString(sum[:8])
}

// ErasedDomain is the domain of the placeholder address an erased person's
// (and account's) email is replaced by. ".invalid" is reserved (RFC 2606):
// no email can ever be delivered there, whatever path tries.
const ErasedDomain = "erased.invalid"

// IsErased reports whether an email address is an erased person's
// placeholder: nothing must be sent to it, nor shown as an address.
func IsErased(email string) bool { return strings.HasSuffix(email, "@"+ErasedDomain) }

// Who asked for an erasure.
const (
	ErasedByPerson    = "person"    // the person, signed in
	ErasedByOrganiser = "organiser" // an organiser, on the person's behalf (a request by post, say)
	ErasedByRetention = "retention" // the retention period passed (groundswell retention --apply)
)

// EraseInput asks for the erasure of everything held about the person with
// an email address.
type EraseInput struct {
	Email       string
	RequestedBy string // ErasedByPerson, ErasedByOrganiser or ErasedByRetention
	// ByUserID is the organiser who made the erasure, for ErasedByOrganiser.
	ByUserID int64
}

// Validate checks and cleans an erasure request.
func (in *EraseInput) Validate() error {
	errs := FieldErrors{}
	in.Email = email(errs, "email", in.Email)
	switch in.RequestedBy {
	case ErasedByPerson, ErasedByRetention:
	case ErasedByOrganiser:
		if in.ByUserID <= 0 {
			errs.Add("requested_by", "Say which organiser is making the erasure")
		}
	default:
		errs.Add("requested_by", "Say who asked for the erasure")
	}
	return errs.Err()
}

// Erasure is the record of an erasure: who asked, when, and an opaque
// reference to quote back to the person — never what was erased.
type Erasure struct {
	Reference   string
	RequestedBy string
	At          time.Time
	// Commitments and Relationships are the pledges and invitation links
	// kept as anonymous records, so that the campaign's figures stand.
	Commitments   int
	Relationships int
}

// SubjectAccess is everything Groundswell holds about one email address: the
// answer to a subject access request, as JSON and as a page to print.
// Other people's details are left out (who invited them is "another
// participant"): those are not the requester's to receive.
type SubjectAccess struct {
	Email       string           `json:"email"`
	GeneratedAt time.Time        `json:"generated_at"`
	Person      *SubjectPerson   `json:"person,omitempty"`
	Pledges     []SubjectPledge  `json:"pledges"`
	Invitations []SubjectInvited `json:"invitations"`
	Emails      []SubjectEmail   `json:"emails"`
	Account     *SubjectAccount  `json:"account,omitempty"`
	// Links counts the one-time links emailed to them that are still held
	// (only a hash of each is kept, which cannot be turned back into the
	// link).
	Links int `json:"links_held"`
	// WebhookMessages counts the messages about their pledges waiting to
	// go, or kept for a few weeks after going, to systems the campaign's
	// organisers connected (see docs/WEBHOOKS.md).
	WebhookMessages int `json:"webhook_messages"`
}

// SubjectPerson is the person's own record, with the consent they gave.
type SubjectPerson struct {
	Name           string          `json:"name"`
	Email          string          `json:"email"`
	Profession     string          `json:"profession"`
	Organisation   string          `json:"organisation"`
	Area           string          `json:"area"`
	ShowOnWall     bool            `json:"show_on_wall"`
	ContactOK      bool            `json:"contact_ok"`
	ConsentVersion int             `json:"consent_version"`
	ConsentWording *ConsentWording `json:"consent_wording,omitempty"`
	ConsentAt      *time.Time      `json:"consent_at,omitempty"`
	ReferralCode   string          `json:"invite_code"`
	CreatedAt      time.Time       `json:"created_at"`
	UnsubscribedAt *time.Time      `json:"unsubscribed_at,omitempty"`
	PeopleInvited  int             `json:"people_invited"` // people who joined through their invite link
}

// SubjectPledge is one of the person's pledges with what happened to it.
type SubjectPledge struct {
	Campaign      string            `json:"campaign"`
	Group         string            `json:"group"`
	Action        string            `json:"action"`
	DueOn         string            `json:"due_on"`
	Status        string            `json:"status"`
	Outcome       string            `json:"outcome,omitempty"`
	OutcomeReason string            `json:"outcome_reason,omitempty"`
	WhyItMatters  string            `json:"why_it_matters,omitempty"`
	Hours         float64           `json:"hours,omitempty"`
	OnBehalf      string            `json:"on_behalf"`
	Channel       string            `json:"channel"`
	PledgedAt     time.Time         `json:"pledged_at"`
	ConfirmedAt   *time.Time        `json:"confirmed_at,omitempty"`
	ReportedAt    *time.Time        `json:"reported_at,omitempty"`
	Story         *SubjectStory     `json:"story,omitempty"`
	FollowUps     []SubjectFollowUp `json:"follow_ups,omitempty"`
}

// SubjectStory is the story a person wrote about a pledge.
type SubjectStory struct {
	Text      string    `json:"text"`
	Public    bool      `json:"shown_on_group_page"`
	UpdatedAt time.Time `json:"updated_at"`
}

// SubjectFollowUp is one step of a pledge's follow-up.
type SubjectFollowUp struct {
	Step    string    `json:"step"`
	DueOn   string    `json:"due_on"`
	Emailed bool      `json:"emailed"`
	At      time.Time `json:"at"`
}

// SubjectInvited is a campaign the person joined through another
// participant's invite link (who is not named).
type SubjectInvited struct {
	Campaign string    `json:"campaign"`
	At       time.Time `json:"at"`
}

// SubjectEmail is an email sent to the person, as kept.
type SubjectEmail struct {
	Kind    string    `json:"kind"`
	Subject string    `json:"subject"`
	Status  string    `json:"status"` // "sent", or "outbox" when no mail server was configured
	At      time.Time `json:"at"`
	Text    string    `json:"text"`
}

// SubjectAccount is the person's sign-in account, when they have one.
type SubjectAccount struct {
	Name          string                `json:"name"`
	Role          string                `json:"role"`
	CreatedAt     time.Time             `json:"created_at"`
	Leads         []string              `json:"leads_groups,omitempty"`
	Represents    []string              `json:"represents_organisations,omitempty"`
	DigestOff     bool                  `json:"weekly_digest_off"`
	Sessions      int                   `json:"signed_in_sessions"`
	GroupMessages []SubjectGroupMessage `json:"group_messages_sent,omitempty"`
	// Changes are the entries of the audit log that name them as who made
	// a change (as a lead, a representative, an organiser): the log keeps
	// their name and email with each.
	Changes []SubjectChange `json:"changes_made,omitempty"`
}

// SubjectChange is a change the person made, as the audit log records it
// under their name: when, in which part, through what, and what was done
// to which object (AuditEntry's Verb, Object and Label). What the object
// held before and after is the campaign's, not theirs, and is left out.
type SubjectChange struct {
	At     time.Time `json:"at"`
	Role   string    `json:"role"`
	Via    string    `json:"via"`
	Verb   string    `json:"verb"`
	Object string    `json:"object"`
	Label  string    `json:"label"`
}

// SubjectGroupMessage is a message the person sent, as a lead, to the
// people who pledged to their group.
type SubjectGroupMessage struct {
	Group      string    `json:"group"`
	Subject    string    `json:"subject"`
	Body       string    `json:"body"`
	Recipients int       `json:"recipients"`
	SentAt     time.Time `json:"sent_at"`
}

// Retention: people are kept while a campaign they took part in runs, and
// for a period after it ends (and after their last activity), then erased by
// `groundswell retention --apply` with the same erasure as a request.

// DefaultRetainAfterCampaign is the retention period, in days, when none is
// configured: two years. A campaign's successor usually starts within that
// time and builds on the people and relationships of the last (carry-over);
// longer would keep details with no campaign to use them for.
const DefaultRetainAfterCampaign = 730

// ParseRetention reads a retention period: a number of days ("730d" or
// "730"), or "off" for none (people are then kept until erased on request).
// It returns 0 for off.
func ParseRetention(s string) (int, error) {
	if strings.TrimSpace(s) == "off" {
		return 0, nil
	}
	n, err := ParseDays(s)
	if err != nil || n < 1 {
		return 0, Errorf(EINVALID, "%q is not a retention period: give a number of days such as 730d, or off", s)
	}
	return n, nil
}

// RetentionReport says who the retention period would erase now, before
// anything is erased.
type RetentionReport struct {
	Days int  // the retention period
	AsOf Date // today, by the store's clock
	Due  int  // people past the period
	// Commitments and Relationships are those people's pledges and
	// invitation links, which stay as anonymous records.
	Commitments   int
	Relationships int
	// Campaigns are the campaigns the people due took part in, with how
	// many of them each.
	Campaigns []RetentionCampaign
	// Unended are campaigns with no end date: their people are kept
	// until one is set, however long ago they were last active.
	Unended []RetentionCampaign
	// KeptForRole counts people past the period who are kept because they
	// lead a group, represent an organisation or organise: their account
	// is in use.
	KeptForRole int
}

// RetentionCampaign is a campaign in a retention report.
type RetentionCampaign struct {
	Slug   string
	Title  string
	EndsOn Date
	People int // people due (or, for Unended, held back) who took part in it
}
