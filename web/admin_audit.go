package web

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
)

// Organisers read the audit log here: each campaign's changes at
// /admin/campaigns/{id}/audit, and at /admin/audit the changes to what
// belongs to the whole installation (areas, organisations and their
// representatives, weekly digests, imports spanning campaigns). Newest
// first, a page at a time, filtered by kind of object. There is nothing
// here that changes an entry; only an erasure does, blanking the name and
// email of the person erased (store/erase.go).

// auditPageSize is how many entries a page shows.
const auditPageSize = 50

// auditObjectNames names each kind of object for people.
var auditObjectNames = map[string]string{
	gs.AuditCampaign:        "Campaign",
	gs.AuditGroup:           "Stakeholder group",
	gs.AuditAction:          "Action",
	gs.AuditMilestone:       "Milestone",
	gs.AuditIndicator:       "Outcome measure",
	gs.AuditEnvelopeEntry:   "Envelope entry",
	gs.AuditAllianceMember:  "Alliance member",
	gs.AuditPlanItem:        "Alliance action plan item",
	gs.AuditGroupLead:       "Group lead",
	gs.AuditOrganisationRep: "Organisation representative",
	gs.AuditGroupMessage:    "Message to a group",
	gs.AuditAPIToken:        "API token",
	gs.AuditWebhook:         "Webhook",
	gs.AuditDelivery:        "Webhook delivery",
	gs.AuditArea:            "Area",
	gs.AuditOrganisation:    "Organisation",
	gs.AuditDigest:          "Weekly digest",
	gs.AuditImport:          "Import",
	gs.AuditErasure:         "Erasure of a person's details",
}

// auditVerbNames says what was done, for people.
var auditVerbNames = map[string]string{
	gs.AuditCreate:  "Created",
	gs.AuditUpdate:  "Changed",
	gs.AuditDelete:  "Deleted",
	gs.AuditJoin:    "Joined the alliance",
	gs.AuditLeave:   "Left the alliance",
	gs.AuditAppoint: "Appointed",
	gs.AuditRevoke:  "Revoked",
	gs.AuditDisable: "Turned off",
	gs.AuditEnable:  "Turned on",
	gs.AuditRotate:  "Changed the signing secret",
	gs.AuditReplay:  "Sent again",
	gs.AuditSend:    "Sent",
	gs.AuditImport:  "Imported",
	gs.AuditErase:   "Erased",
}

// auditFieldNames names the fields whose key does not read well as it is.
var auditFieldNames = map[string]string{
	"ods_code":                 "ODS code",
	"url":                      "Web address",
	"indicator_ids":            "Outcome measures (ids)",
	"dashboard_signed_in_only": "Dashboard only for the campaign's team",
	"on":                       "Date",
	"user_id":                  "User",
	"message_id":               "Message id (webhook-id)",
}

func auditFieldName(key string) string {
	if n, ok := auditFieldNames[key]; ok {
		return n
	}
	n := strings.ReplaceAll(key, "_", " ")
	if base, ok := strings.CutSuffix(n, " id"); ok {
		n = base + " (id)"
	}
	if n == "" {
		return key
	}
	return strings.ToUpper(n[:1]) + n[1:]
}

// auditView is an entry as the page shows it.
type auditView struct {
	gs.AuditEntry
	When, What, Who string
	Changes         []gs.FieldChange
}

// viewAudit makes an entry readable. userName names a user by id: entries
// keep only the id of a user appointed, or who made a token, and the page
// shows who that is now (an erased account has no name left).
func viewAudit(e gs.AuditEntry, userName func(id int64) string) auditView {
	v := auditView{AuditEntry: e, When: moment(e.At), What: datesWrittenOut(auditWhat(e.Verb, e.Object, e.Label))}
	switch {
	case e.Actor.IsSystem():
		v.Who = "The system (no one signed in: a command-line tool or import)"
	case e.Actor.Name == "" && e.Actor.Email == "":
		// An erasure blanks the name and email copied into the entries of
		// the person erased (store/erase.go); their user id stays.
		v.Who = "Someone whose details were erased (user " + strconv.FormatInt(e.Actor.UserID, 10) + "), " + e.Actor.Role +
			", through " + viaName(e.Actor.Via)
	default:
		who := []string{e.Actor.Name}
		if e.Actor.Email != "" {
			who = append(who, "<"+e.Actor.Email+">")
		}
		v.Who = strings.Join(who, " ") + ", " + e.Actor.Role + ", through " + viaName(e.Actor.Via)
	}
	for _, c := range e.Changes() {
		if c.Field == "user_id" {
			c.Before, c.After = userText(c.Before, userName), userText(c.After, userName)
		}
		c.Field = auditFieldName(c.Field)
		c.Before, c.After = datesWrittenOut(c.Before), datesWrittenOut(c.After)
		v.Changes = append(v.Changes, c)
	}
	return v
}

// isoDate is a date as an entry keeps it: 2027-03-31.
var isoDate = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b`)

// datesWrittenOut writes out the dates an entry keeps in figures, "31
// March 2027", as every page does: figures are read differently in other
// countries, and are harder to read for many people.
func datesWrittenOut(s string) string {
	return isoDate.ReplaceAllStringFunc(s, func(d string) string {
		if v, err := gs.ParseDate(d); err == nil {
			return v.Long()
		}
		return d
	})
}

// auditWhat says what an entry records was done, for people: "Changed –
// action: Review prescriptions".
func auditWhat(verb, object, label string) string {
	v, o := auditVerbNames[verb], auditObjectNames[object]
	if v == "" {
		v = verb
	}
	if o == "" {
		o = object
	}
	what := v
	if o != "" {
		what += " – " + strings.ToLower(o[:1]) + o[1:]
	}
	if label != "" {
		what += ": " + label
	}
	return what
}

// userText is a user's id, as the entry holds it, with their name now.
func userText(id string, userName func(int64) string) string {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n == 0 {
		return id
	}
	return userName(n) + " (user " + id + ")"
}

// userNames names users for viewAudit, reading each once.
func (s *Server) userNames(r *http.Request) func(id int64) string {
	seen := map[int64]string{}
	return func(id int64) string {
		if name, ok := seen[id]; ok {
			return name
		}
		name := "an account that no longer exists"
		if u, err := s.store.UserByID(r.Context(), id); err == nil && u.Name != "" {
			name = u.Name + " <" + u.Email + ">"
		} else if err == nil {
			name = "an erased account"
		} else if gs.ErrorCode(err) != gs.ENOTFOUND {
			s.log.ErrorContext(r.Context(), "audit log: find user", "user", id, "err", err)
			name = "an account that could not be read"
		}
		seen[id] = name
		return name
	}
}

func viaName(via string) string {
	switch {
	case via == "web":
		return "the website"
	case strings.HasPrefix(via, "api token "):
		return "the API (token " + strings.TrimPrefix(via, "api token ") + ")"
	case via == "cli":
		return "the command line"
	case via == "email link":
		return "a link in an email"
	}
	return via
}

func (s *Server) campaignAudit(w http.ResponseWriter, r *http.Request) {
	c, err := s.adminCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderAudit(w, r, &c)
}

func (s *Server) installationAudit(w http.ResponseWriter, r *http.Request) {
	s.renderAudit(w, r, nil)
}

// renderAudit shows a page of a campaign's log, or of the installation's
// when c is nil: ?object= filters by kind, ?before= is the id of the newest
// entry not to show (the last of the page before).
func (s *Server) renderAudit(w http.ResponseWriter, r *http.Request, c *gs.Campaign) {
	q := r.URL.Query()
	object := q.Get("object")
	if object != "" && !slices.Contains(gs.AuditObjects, object) {
		s.fail(w, r, gs.Errorf(gs.EINVALID, "There is no such kind of change. Choose one from the list."))
		return
	}
	var before int64
	if v := q.Get("before"); v != "" {
		var err error
		if before, err = strconv.ParseInt(v, 10, 64); err != nil || before <= 0 {
			s.fail(w, r, gs.Errorf(gs.EINVALID, "This page of the audit log does not exist. Go back to the newest changes."))
			return
		}
	}
	f := store.AuditFilter{Object: object, NewestFirst: true, After: before, Limit: auditPageSize + 1}
	title := "Audit log – whole installation"
	if c != nil {
		f.CampaignID = c.ID
		title = "Audit log – " + c.Title
	}
	entries, err := s.store.AuditLog(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var older string
	if len(entries) > auditPageSize {
		entries = entries[:auditPageSize]
		next := url.Values{"before": {strconv.FormatInt(entries[len(entries)-1].ID, 10)}}
		if object != "" {
			next.Set("object", object)
		}
		older = r.URL.Path + "?" + next.Encode()
	}
	views := make([]auditView, len(entries))
	names := s.userNames(r)
	for i, e := range entries {
		views[i] = viewAudit(e, names)
	}
	objects := make([]option, len(gs.AuditObjects))
	for i, o := range gs.AuditObjects {
		objects[i] = option{o, auditObjectNames[o]}
	}
	newest := ""
	if before != 0 {
		newest = r.URL.Path
		if object != "" {
			newest += "?" + url.Values{"object": {object}}.Encode()
		}
	}
	d := map[string]any{"Entries": views, "Objects": objects, "Object": object, "Older": older, "Newest": newest}
	if c != nil {
		d["Campaign"] = *c
	}
	s.render(w, r, http.StatusOK, "admin_audit", page{Title: title, D: d})
}
