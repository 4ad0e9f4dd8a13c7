package groundswell

import (
	"encoding/base64"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Webhook event types: what an endpoint may subscribe to. The names are the
// "type" of each message sent (docs/WEBHOOKS.md shows their payloads).
const (
	EventCommitmentCreated   = "commitment.created"   // a pledge is made (not yet confirmed)
	EventCommitmentConfirmed = "commitment.confirmed" // its owner followed the confirmation link
	EventCommitmentDone      = "commitment.done"      // reported done
	EventCommitmentLapsed    = "commitment.lapsed"    // its date passed without it being done, or "can't"
	EventPersonInvited       = "person.invited"       // someone pledged through another's invite link
	EventOrganisationJoined  = "organisation.joined"  // an organisation joined the campaign's alliance
)

// WebhookEvents lists every event type, in the order the form offers them.
var WebhookEvents = []string{
	EventCommitmentCreated, EventCommitmentConfirmed, EventCommitmentDone, EventCommitmentLapsed,
	EventPersonInvited, EventOrganisationJoined,
}

// WebhookSecretPrefix starts every webhook signing secret, as Standard
// Webhooks (standardwebhooks.com) writes them: "whsec_" and the key in
// base64, which receivers' libraries take as it is.
const WebhookSecretPrefix = "whsec_"

// WebhookSecretFrom writes a signing key as a secret.
func WebhookSecretFrom(key []byte) string {
	return WebhookSecretPrefix + base64.StdEncoding.EncodeToString(key)
}

// Webhook is an HTTPS endpoint an organiser registered for one campaign's
// events. Its signing secret is not part of it: Groundswell needs the secret
// itself to sign, so it keeps it, but shows it only once, when it is made
// (or rotated).
type Webhook struct {
	ID          int64
	CampaignID  int64
	URL         string
	Description string
	Events      []string // some of WebhookEvents, in their order
	CreatedAt   time.Time
	DisabledAt  time.Time // zero while deliveries go
}

// Disabled reports whether the endpoint's deliveries are paused.
func (w Webhook) Disabled() bool { return !w.DisabledAt.IsZero() }

// Validate checks and cleans a new endpoint: its address, its description
// and its events (kept in WebhookEvents order, each once).
func (w *Webhook) Validate() error {
	errs := FieldErrors{}
	w.URL = webhookURL(errs, "url", w.URL)
	w.Description = text(errs, "description", "Description", w.Description, false, 200, false)
	var events []string
	for _, e := range WebhookEvents {
		if slices.Contains(w.Events, e) {
			events = append(events, e)
		}
	}
	for _, e := range w.Events {
		if !slices.Contains(WebhookEvents, e) {
			errs.Add("events", "Select events from the list")
		}
	}
	if len(w.Events) == 0 {
		errs.Add("events", "Select at least one event to send")
	}
	w.Events = events
	return errs.Err()
}

// webhookURL checks an endpoint's address. It must be HTTPS: the messages
// carry people's names and emails. Plain HTTP is allowed only to this
// machine (a developer's receiver), which nothing on the network can
// overhear; whether deliveries may go to this machine at all is the
// sender's setting (package webhook).
func webhookURL(errs FieldErrors, field, raw string) string {
	raw = strings.TrimSpace(raw)
	const example = "Enter a web address in the correct format, like https://crm.example.org/hooks/groundswell"
	if raw == "" {
		errs.Add(field, "Enter the web address of the endpoint")
		return raw
	}
	if len(raw) > 2000 {
		errs.Add(field, "Web address must be 2,000 characters or fewer")
		return raw
	}
	if hasControl(raw, false) || strings.ContainsAny(raw, " \\") {
		errs.Add(field, example)
		return raw
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "" || u.Opaque != "" || (u.Scheme != "https" && u.Scheme != "http"):
		errs.Add(field, example)
	case u.Scheme == "http" && !IsLoopbackHost(u.Hostname()):
		errs.Add(field, "Web address must start with https://")
	case u.User != nil:
		// A password in the address would be shown on the organisers' page
		// and in logs; the signature is what proves a message is ours.
		errs.Add(field, "Web address must not contain a user name or password")
	case u.Fragment != "" || strings.Contains(raw, "#"):
		errs.Add(field, "Web address must not contain a # part")
	case u.Port() != "" && !validPort(u.Port()):
		errs.Add(field, example)
	}
	return raw
}

func validPort(p string) bool {
	if len(p) > 5 {
		return false
	}
	n := 0
	for _, r := range p {
		if r < '0' || r > '9' {
			return false
		}
		n = n*10 + int(r-'0')
	}
	return n > 0 && n < 65536
}

// IsLoopbackHost reports whether a URL's host names this machine: localhost
// (and names under .localhost, which resolve to it by RFC 6761), or a
// loopback address.
func IsLoopbackHost(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// Webhook delivery statuses. A delivery is pending until its first attempt;
// sending while a job is trying it; retrying between failed attempts;
// delivered when the endpoint answered 2xx; given up after the last attempt
// failed. Only delivered and given up are final; either may be replayed.
const (
	DeliveryPending   = "pending"
	DeliverySending   = "sending"
	DeliveryRetrying  = "retrying"
	DeliveryDelivered = "delivered"
	DeliveryGivenUp   = "given_up"
)

// WebhookDelivery is one event's message to one endpoint, with the record of
// trying to deliver it.
type WebhookDelivery struct {
	ID         int64
	WebhookID  int64
	WebhookURL string
	// EventID is the message's id (the webhook-id header): the same on
	// every attempt and replay, so a receiver can tell a message it has
	// already handled.
	EventID   string
	EventType string
	// Payload is the exact body sent, JSON: a WebhookMessage.
	Payload  string
	Status   string
	Attempts int
	// NextAttemptAt is when the next attempt is due (pending, retrying);
	// zero when none is planned: delivered, given up, or paused while its
	// endpoint is disabled.
	NextAttemptAt  time.Time
	LastAttemptAt  time.Time
	LastStatusCode int    // the endpoint's last HTTP status; 0 if it gave none
	LastError      string // why the last attempt failed; "" if it did not
	DeliveredAt    time.Time
	CreatedAt      time.Time
	// ReplayOf is the delivery this one replays, or 0.
	ReplayOf int64
}

// Final reports whether nothing more will be tried without a replay.
func (d WebhookDelivery) Final() bool {
	return d.Status == DeliveryDelivered || d.Status == DeliveryGivenUp
}

// The payloads. Every message is a WebhookMessage whose Data is one of
// CommitmentEventData, InvitationEventData or OrganisationEventData, by its
// type. Their JSON field names are a contract with receivers: add fields,
// never rename or remove them.

// WebhookMessage is the body of every webhook request.
type WebhookMessage struct {
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"` // when the event happened
	Data      any       `json:"data"`
}

// WebhookCampaign names the campaign an event belongs to.
type WebhookCampaign struct {
	ID    int64  `json:"id"`
	Slug  string `json:"slug"`
	Title string `json:"title"`
}

// WebhookPerson is a participant as a message shows them. Until they have a
// confirmed pledge in the campaign, only their id is given: anyone can type
// anyone's email into the pledge form, and a name and email nobody confirmed
// are not passed on. Their email is given only if they agreed to be
// contacted about the campaign (ContactOK), as for group leads.
type WebhookPerson struct {
	ID               int64  `json:"id"`
	Confirmed        bool   `json:"confirmed"`
	ContactOK        bool   `json:"contact_ok"`
	Name             string `json:"name,omitempty"`
	Email            string `json:"email,omitempty"`
	Profession       string `json:"profession,omitempty"`
	OrganisationID   int64  `json:"organisation_id,omitempty"`
	OrganisationName string `json:"organisation_name,omitempty"`
}

// WebhookCommitment is a pledge as a message shows it.
type WebhookCommitment struct {
	ID          int64      `json:"id"`
	Status      string     `json:"status"`
	Outcome     string     `json:"outcome,omitempty"` // what its owner reported: done, partly, cant, …
	ActionID    int64      `json:"action_id"`
	ActionTitle string     `json:"action_title"`
	ActionDueOn string     `json:"action_due_on,omitempty"` // ISO date
	GroupID     int64      `json:"group_id"`
	GroupName   string     `json:"group_name"`
	Hours       float64    `json:"hours"`
	OnBehalf    string     `json:"on_behalf"`
	Channel     string     `json:"channel"`
	InvitedByID int64      `json:"invited_by_person_id,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	ConfirmedAt *time.Time `json:"confirmed_at"` // null until confirmed
	UpdatedAt   time.Time  `json:"updated_at"`
}

// CommitmentEventData is the data of the commitment.* events.
type CommitmentEventData struct {
	Campaign   WebhookCampaign   `json:"campaign"`
	Commitment WebhookCommitment `json:"commitment"`
	Person     WebhookPerson     `json:"person"`
}

// InvitationEventData is the data of person.invited: Inviter's invite link
// brought Person to pledge (CommitmentID) in the campaign.
type InvitationEventData struct {
	Campaign     WebhookCampaign `json:"campaign"`
	Inviter      WebhookPerson   `json:"inviter"`
	Person       WebhookPerson   `json:"person"`
	CommitmentID int64           `json:"commitment_id"`
	InvitedAt    time.Time       `json:"invited_at"`
}

// WebhookOrganisation is an organisation as a message shows it.
type WebhookOrganisation struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	ODSCode string `json:"ods_code,omitempty"`
	Sector  string `json:"sector"`
}

// OrganisationEventData is the data of organisation.joined.
type OrganisationEventData struct {
	Campaign     WebhookCampaign     `json:"campaign"`
	Organisation WebhookOrganisation `json:"organisation"`
	JoinedOn     string              `json:"joined_on"` // ISO date
	ActionPlan   string              `json:"action_plan,omitempty"`
}
