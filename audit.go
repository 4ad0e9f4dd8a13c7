package groundswell

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The audit log: every change an organiser, a group lead or an organisation
// representative makes, with who made it, when, to which object, and the
// object's fields before and after. Entries are written by the store in the
// transaction of the change and can never be edited (docs/ARCHITECTURE.md).

// Actor is who made a change, as the audit log records it: a copy, so that
// an entry still names its author after their account changes.
type Actor struct {
	UserID int64 // 0 for the system
	Name   string
	Email  string
	// Role is the part the user acted in: "organiser", "group lead",
	// "organisation representative" (both, comma-separated, for a user who
	// is both), "member", or "system".
	Role string
	// Via is how the change came: "web", "api token 12", "email link",
	// "cli", or "system".
	Via string
}

// SystemActor is the author of a change made on no one's behalf that the
// store still audits: a command-line import, a tool. Recording it rather
// than nothing means a path that forgets to say who acted still leaves a
// trace.
var SystemActor = Actor{Name: "System", Role: "system", Via: "system"}

// ErasedPersonActor is who the audit log names as having asked for an
// erasure that the person asked for themself, signed in. The entry can
// never be erased: naming them in it would keep, for good, the very name
// and email they asked to have removed. So it names no one: no user id (the
// account is anonymised in the same transaction), no email.
var ErasedPersonActor = Actor{Name: "The person erased", Role: RoleMember, Via: "web"}

// IsSystem reports whether the change was made on no user's behalf. The
// person erased also has no user id, but is not the system.
func (a Actor) IsSystem() bool { return a.UserID == 0 && a != ErasedPersonActor }

// ActorFor is the actor of a signed-in user with the access a, acting
// through via ("web", "api token 12" …).
func ActorFor(a *Access, via string) Actor {
	if a == nil {
		return SystemActor
	}
	act := Actor{UserID: a.User.ID, Name: a.User.Name, Email: a.User.Email, Via: via}
	var roles []string
	switch {
	case a.Organiser():
		roles = append(roles, RoleOrganiser)
	default:
		if len(a.Leads) > 0 {
			roles = append(roles, "group lead")
		}
		if len(a.Represents) > 0 {
			roles = append(roles, "organisation representative")
		}
	}
	act.Role = strings.Join(roles, ", ")
	if act.Role == "" {
		act.Role = RoleMember
	}
	return act
}

// Kinds of object the audit log names.
const (
	AuditCampaign        = "campaign"
	AuditGroup           = "group"
	AuditAction          = "action"
	AuditMilestone       = "milestone"
	AuditIndicator       = "indicator"
	AuditArea            = "area"
	AuditOrganisation    = "organisation"
	AuditAllianceMember  = "alliance_member"
	AuditPlanItem        = "action_plan_item"
	AuditEnvelopeEntry   = "envelope_entry"
	AuditGroupLead       = "group_lead"
	AuditOrganisationRep = "organisation_rep"
	AuditAPIToken        = "api_token"
	AuditWebhook         = "webhook"
	AuditDelivery        = "webhook_delivery"
	AuditGroupMessage    = "group_message"
	AuditDigest          = "digest"
	AuditImport          = "import"
	// AuditErasure is a person erased at their request (UK GDPR): the
	// entry names the erasure's reference and counts, never the person.
	AuditErasure = "erasure"
)

// AuditObjects lists every kind of object, in the order filters offer them.
var AuditObjects = []string{
	AuditCampaign, AuditGroup, AuditAction, AuditMilestone, AuditIndicator, AuditEnvelopeEntry,
	AuditAllianceMember, AuditPlanItem, AuditGroupLead, AuditOrganisationRep, AuditGroupMessage,
	AuditAPIToken, AuditWebhook, AuditDelivery, AuditArea, AuditOrganisation, AuditDigest, AuditImport, AuditErasure,
}

// What was done to the object.
const (
	AuditCreate  = "create"
	AuditUpdate  = "update"
	AuditDelete  = "delete"
	AuditJoin    = "join"    // an organisation joined an alliance
	AuditLeave   = "leave"   // and left it
	AuditAppoint = "appoint" // a lead or representative appointed
	AuditRevoke  = "revoke"  // an API token
	AuditDisable = "disable" // a webhook turned off
	AuditEnable  = "enable"  // and on again
	AuditRotate  = "rotate_secret"
	AuditReplay  = "replay" // a webhook delivery sent again
	AuditSend    = "send"   // a message to a group
	AuditErase   = "erase"  // a person's details removed
	// An import's verb is AuditImport, as its object is.
)

// AuditVerbs lists every verb.
var AuditVerbs = []string{
	AuditCreate, AuditUpdate, AuditDelete, AuditJoin, AuditLeave, AuditAppoint, AuditRevoke,
	AuditDisable, AuditEnable, AuditRotate, AuditReplay, AuditSend, AuditImport, AuditErase,
}

// AuditEntry is one change in the audit log.
type AuditEntry struct {
	ID int64
	At time.Time
	// CampaignID is the campaign the object belongs to; 0 for objects of
	// the whole installation (areas, organisations).
	CampaignID int64
	Actor      Actor
	Verb       string
	Object     string
	ObjectID   int64 // 0 when the change has no one object (an import)
	// Label names the object as it was: a title, a name, a file kind.
	Label string
	// Before and After are JSON objects of the object's fields; Before is
	// nil for something created, After for something deleted.
	Before, After json.RawMessage
}

// FieldChange is one field of an entry, before and after, as text.
type FieldChange struct {
	Field         string
	Before, After string
}

// Changes lists the fields that differ between Before and After, in the
// order the object lists them: every field of something created or
// deleted, only those changed of something updated.
func (e AuditEntry) Changes() []FieldChange {
	before, berr := jsonFields(e.Before)
	after, aerr := jsonFields(e.After)
	if berr != nil || aerr != nil {
		// Not an object: show it whole rather than nothing.
		return []FieldChange{{Field: "value", Before: string(e.Before), After: string(e.After)}}
	}
	var out []FieldChange
	seen := map[string]bool{}
	old := map[string]json.RawMessage{}
	for _, f := range before {
		old[f.key] = f.value
	}
	for _, f := range after {
		seen[f.key] = true
		b, had := old[f.key]
		if had && bytes.Equal(compact(b), compact(f.value)) {
			continue
		}
		c := FieldChange{Field: f.key, After: jsonText(f.value)}
		if had {
			c.Before = jsonText(b)
		}
		if c.Before != "" || c.After != "" {
			out = append(out, c) // an empty field created says nothing
		}
	}
	for _, f := range before {
		if c := (FieldChange{Field: f.key, Before: jsonText(f.value)}); !seen[f.key] && c.Before != "" {
			out = append(out, c)
		}
	}
	return out
}

type jsonField struct {
	key   string
	value json.RawMessage
}

// jsonFields reads a JSON object's members in their order (a map would lose
// it); nil or null is no members.
func jsonFields(raw json.RawMessage) ([]jsonField, error) {
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("not a JSON object")
	}
	var out []jsonField
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("not a JSON object")
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		out = append(out, jsonField{key, v})
	}
	return out, nil
}

func compact(raw json.RawMessage) []byte {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return raw
	}
	return b.Bytes()
}

// jsonText writes a JSON value for people: text as it is, true and false as
// yes and no, null as nothing, a list as its items joined by commas.
func jsonText(raw json.RawMessage) string {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return string(raw)
	}
	return valueText(v)
}

func valueText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case json.Number:
		return x.String()
	case []any:
		parts := make([]string, len(x))
		for i, item := range x {
			parts[i] = valueText(item)
		}
		return strings.Join(parts, ", ")
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return fmt.Sprint(x)
		}
		return string(b)
	}
}

// ViaToken is how a change through the JSON API names its token.
func ViaToken(tokenID int64) string { return "api token " + strconv.FormatInt(tokenID, 10) }
