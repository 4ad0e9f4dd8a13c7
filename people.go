package groundswell

import (
	"strconv"
	"strings"
	"time"
)

// Commitment statuses. A pledge starts as pledged and moves on through the
// follow-up; lapsed and withdrawn end it without it being done.
const (
	StatusPledged    = "pledged"
	StatusInProgress = "in_progress"
	StatusDone       = "done"
	StatusLapsed     = "lapsed"
	StatusWithdrawn  = "withdrawn"
)

// CommitmentStatuses lists every status in the order of the journey.
var CommitmentStatuses = []string{StatusPledged, StatusInProgress, StatusDone, StatusLapsed, StatusWithdrawn}

// Channels by which a commitment arrives.
const (
	ChannelWeb    = "web"    // the public pledge form
	ChannelInvite = "invite" // the public form, reached through someone's invite link
	ChannelImport = "import" // a file import
	ChannelAPI    = "api"    // the JSON API, for a programme's own systems (OSDI clients too)
)

// Who a pledge is made for. Team and organisation pledges are counted apart
// from personal ones; a carer's pledge for the person they care for is
// recorded as such, in their words.
const (
	OnBehalfSelf         = "self"
	OnBehalfTeam         = "team"
	OnBehalfOrganisation = "organisation"
	OnBehalfCaredFor     = "cared_for"
)

// OnBehalfChoices lists who a pledge may be for, in the order the form asks.
var OnBehalfChoices = []string{OnBehalfSelf, OnBehalfTeam, OnBehalfOrganisation, OnBehalfCaredFor}

// Person is a participant. Email is the identity.
type Person struct {
	ID               int64
	Email            string
	Name             string
	Profession       string
	OrganisationID   int64  // a listed alliance organisation, or 0
	OrganisationName string // free text when the organisation is not listed
	AreaID           int64
	// ShowOnWall is consent to show name, profession and why it matters on
	// the public pledge wall.
	ShowOnWall bool
	// ContactOK is consent to be contacted about the campaign beyond the
	// pledge's own follow-up.
	ContactOK    bool
	ReferralCode string
	CreatedAt    time.Time
}

// Commitment is a pledge: one person to one action.
type Commitment struct {
	ID           int64
	PersonID     int64
	ActionID     int64
	CampaignID   int64
	Status       string
	WhyItMatters string
	Hours        float64 // discretionary effort pledged, hours; 0 when not given
	OnBehalf     string  // OnBehalfSelf, …
	Channel      string
	InvitedByID  int64 // the person whose invite link was used, or 0
	// ReceiptToken is the unguessable key of the pledge's receipt page.
	ReceiptToken string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// ConfirmedAt is when the owner followed the emailed confirmation
	// link; zero while the pledge awaits confirmation.
	ConfirmedAt time.Time
}

// Confirmed reports whether the pledge has been confirmed by its owner.
func (c Commitment) Confirmed() bool { return !c.ConfirmedAt.IsZero() }

// Relationship is an invitation edge: From invited To into Campaign. The
// relationship graph is the campaign's lasting resource.
type Relationship struct {
	CampaignID int64
	FromID     int64
	ToID       int64
	Kind       string
	CreatedAt  time.Time
}

// WallEntry is one consented pledge shown on a group's pledge wall.
type WallEntry struct {
	Name         string
	Profession   string
	WhyItMatters string
	ActionTitle  string
	PledgedAt    time.Time
}

// PledgeInput is what a person submits on the pledge form.
type PledgeInput struct {
	ActionID int64
	// CampaignSlug, when set, is the campaign the form was for: an action
	// of another campaign is then not found.
	CampaignSlug     string
	Name             string
	Email            string
	Profession       string
	OrganisationID   int64
	OrganisationName string
	AreaID           int64
	WhyItMatters     string
	Hours            string // as typed; parsed by Validate into HoursValue
	HoursValue       float64
	ShowOnWall       bool
	ContactOK        bool
	// OnBehalf says who the pledge is for; empty means the person themself.
	OnBehalf     string
	ReferralCode string
	// SubmissionKey is a random key rendered into the form, so that a form
	// submitted twice makes one pledge. (The API takes it from the
	// Idempotency-Key header.)
	SubmissionKey string
	// Channel is how the pledge arrived when not by the public form:
	// ChannelAPI. Empty means the form (ChannelWeb, or ChannelInvite through
	// an invite link).
	Channel string
}

// Validate checks and cleans a pledge. It cannot check that the action,
// organisation, area and referral code exist: the store does that in the same
// transaction that writes the pledge.
func (p *PledgeInput) Validate() error {
	errs := FieldErrors{}
	p.Name = text(errs, "name", "Your name", p.Name, true, 100, false)
	p.Email = email(errs, "email", p.Email)
	p.Profession = text(errs, "profession", "Your role or profession", p.Profession, true, 100, false)
	p.OrganisationName = text(errs, "organisation_name", "Organisation", p.OrganisationName, false, 200, false)
	if p.OrganisationID < 0 {
		errs.Add("organisation_id", "Select an organisation from the list")
	}
	if p.AreaID <= 0 {
		errs.Add("area_id", "Select the area where you work or live")
	}
	p.WhyItMatters = text(errs, "why", "Why it matters to you", p.WhyItMatters, false, 1000, true)
	p.HoursValue = 0
	if h := strings.TrimSpace(p.Hours); h != "" {
		v, err := strconv.ParseFloat(h, 64)
		switch {
		case err != nil || v != v:
			errs.Add("hours", "Hours must be a number, like 2 or 1.5")
		case v < 0 || v > 1000:
			errs.Add("hours", "Hours must be between 0 and 1,000")
		default:
			p.HoursValue = v
		}
	}
	p.ReferralCode = strings.ToUpper(strings.TrimSpace(p.ReferralCode))
	if p.ReferralCode != "" && !ValidReferralCode(p.ReferralCode) {
		errs.Add("ref", InvalidReferralMessage)
	}
	if p.ActionID <= 0 {
		errs.Add("action_id", "Choose an action to pledge to")
	}
	if p.OnBehalf == "" {
		p.OnBehalf = OnBehalfSelf
	}
	known := false
	for _, c := range OnBehalfChoices {
		known = known || c == p.OnBehalf
	}
	if !known {
		errs.Add("on_behalf", "Choose who the pledge is for")
	}
	if p.Channel != "" && p.Channel != ChannelAPI {
		errs.Add("channel", "Unknown channel")
	}
	if p.Channel != ChannelAPI && strings.HasPrefix(p.SubmissionKey, "api:") {
		// The API's keys are "api:<token>:<key>": a form may not send one,
		// to spoil or replay an API client's pledge.
		p.SubmissionKey = ""
	}
	if len(p.SubmissionKey) > 64 {
		errs.Add("submission", "The form was not sent correctly; please reload the page and try again")
	}
	return errs.Err()
}

// InvalidReferralMessage is shown when an invite link's code is not one we
// issued: mistyped, truncated or tampered with.
const InvalidReferralMessage = "The invite link you followed is not recognised. Check it was copied in full, or pledge without it"

// referralAlphabet is Crockford's base32: no I, L, O or U, so codes read
// aloud or copied by hand survive.
const referralAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// ReferralCodeLength is the length of a referral code (50 bits).
const ReferralCodeLength = 10

// ValidReferralCode reports whether s has the shape of a referral code.
func ValidReferralCode(s string) bool {
	if len(s) != ReferralCodeLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(referralAlphabet, s[i]) < 0 {
			return false
		}
	}
	return true
}

// ReferralCodeFrom turns random bytes into a referral code. It needs at least
// ReferralCodeLength bytes.
func ReferralCodeFrom(random []byte) string {
	b := make([]byte, ReferralCodeLength)
	for i := range b {
		b[i] = referralAlphabet[int(random[i])%len(referralAlphabet)]
	}
	return string(b)
}

// PledgeResult tells the caller what a pledge submission did.
type PledgeResult struct {
	Commitment Commitment
	Person     Person
	// Replayed is true when the same form had already been submitted: the
	// existing pledge is returned and nothing new is stored.
	Replayed bool
}

// Receipt is everything the confirmation page of a pledge shows.
type Receipt struct {
	Commitment Commitment
	Person     Person
	Action     Action
	Group      Group
	Campaign   Campaign
}
