package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	gs "github.com/groundswell-health/groundswell"
)

// The audit log. Each store method that changes something on behalf of an
// organiser, a group lead or an organisation representative appends one
// entry, in its own transaction, through tx.audit: a change rolled back
// leaves no entry, and a change committed is never without one. Who acted
// comes from the context (WithActor: the web app's session, the API's
// token); a change made with no actor in its context is recorded as the
// system's, so a caller that forgets to say who acted still leaves a trace.
// Participants' own changes (pledges, reports, stories) are not audited,
// and an entry never holds a participant's personal data: the objects
// audited are the campaign's own, imports are recorded by their counts,
// a lead's message by its group and audience (its words may name someone),
// and a user appointed or whose digest changed by their id. Who acted is
// copied (name, email), as an audit log must keep it.
//
// There is no method here that changes or removes an entry, and the
// database refuses UPDATE and DELETE on audit_log (migration 0022) — but
// for one change: an erasure blanks the name and email copied into the
// entries of the person erased (erase.go), which migration 0023 lets
// through and nothing else.

type actorKey struct{}

// WithActor returns a context whose changes are recorded as a's.
func WithActor(ctx context.Context, a gs.Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorOf returns who the context's changes are recorded as: its actor, or
// gs.SystemActor.
func ActorOf(ctx context.Context) gs.Actor {
	if a, ok := ctx.Value(actorKey{}).(gs.Actor); ok {
		return a
	}
	return gs.SystemActor
}

// change is one entry to append: what was done to which object, and the
// object's fields before and after (snapshot structs, or nil).
type change struct {
	campaignID int64
	object     string
	objectID   int64
	verb       string
	label      string
	before     any
	after      any
}

// audit appends an entry for a change made in t, as the context's actor. A
// change whose before and after are the same is no change, and writes
// nothing: saving a form unchanged is not an event.
func (t *tx) audit(ctx context.Context, c change) error {
	before, err := snapshotJSON(c.before)
	if err != nil {
		return fmt.Errorf("audit %s %s: %w", c.verb, c.object, err)
	}
	after, err := snapshotJSON(c.after)
	if err != nil {
		return fmt.Errorf("audit %s %s: %w", c.verb, c.object, err)
	}
	if before != nil && after != nil && *before == *after {
		return nil
	}
	a := ActorOf(ctx)
	_, err = t.exec(ctx, `INSERT INTO audit_log (at, campaign_id, actor_user_id, actor_name, actor_email, actor_role, via,
			verb, object_type, object_id, label, before_json, after_json)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ms(t.now), nullID(c.campaignID), nullID(a.UserID), a.Name, a.Email, a.Role, a.Via,
		c.verb, c.object, nullID(c.objectID), c.label, before, after)
	if err != nil {
		return fmt.Errorf("audit %s %s: %w", c.verb, c.object, err)
	}
	return nil
}

// snapshotJSON is a snapshot as JSON text, or nil (NULL) for none.
func snapshotJSON(v any) (*string, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	s := string(b)
	return &s, nil
}

// Snapshots: the fields of each audited object as the log records them, in
// the order a reader expects. Times the store keeps for itself (created_at,
// updated_at) are left out: the entry has its own time. Secrets and hashes
// are never in them.

type campaignSnap struct {
	Slug                  string `json:"slug"`
	Title                 string `json:"title"`
	Purpose               string `json:"purpose"`
	Story                 string `json:"story"`
	StartsOn              string `json:"starts_on"`
	EndsOn                string `json:"ends_on"`
	Status                string `json:"status"`
	PredecessorID         int64  `json:"predecessor_id"`
	DashboardSignedInOnly bool   `json:"dashboard_signed_in_only"`
}

func snapCampaign(c gs.Campaign) campaignSnap {
	return campaignSnap{Slug: c.Slug, Title: c.Title, Purpose: c.Purpose, Story: c.Story, StartsOn: dateText(c.StartsOn),
		EndsOn: dateText(c.EndsOn), Status: c.Status, PredecessorID: c.PredecessorID, DashboardSignedInOnly: c.DashboardSignedInOnly}
}

type groupSnap struct {
	Slug        string `json:"slug"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Goal        string `json:"goal"`
	Target      int    `json:"target"`
}

func snapGroup(g gs.Group) groupSnap {
	return groupSnap{Slug: g.Slug, Name: g.Name, Description: g.Description, Goal: g.Goal, Target: g.Target}
}

type actionSnap struct {
	GroupID      int64   `json:"group_id"`
	Title        string  `json:"title"`
	Description  string  `json:"description"`
	DueOn        string  `json:"due_on"`
	Target       int     `json:"target"`
	Retired      bool    `json:"retired"`
	IndicatorIDs []int64 `json:"indicator_ids"`
}

func snapAction(a gs.Action) actionSnap {
	ids := a.IndicatorIDs
	if ids == nil {
		ids = []int64{} // [] whether read or given, so "none" never shows as a change
	}
	return actionSnap{GroupID: a.GroupID, Title: a.Title, Description: a.Description, DueOn: dateText(a.DueOn),
		Target: a.Target, Retired: a.Retired, IndicatorIDs: ids}
}

type milestoneSnap struct {
	Title       string `json:"title"`
	On          string `json:"on"`
	Description string `json:"description"`
}

func snapMilestone(m gs.Milestone) milestoneSnap {
	return milestoneSnap{Title: m.Title, On: dateText(m.On), Description: m.Description}
}

type indicatorSnap struct {
	Slug       string   `json:"slug"`
	Name       string   `json:"name"`
	Unit       string   `json:"unit"`
	Direction  string   `json:"direction"`
	Target     *float64 `json:"target"`
	Definition string   `json:"definition"`
	Source     string   `json:"source"`
	Caveats    string   `json:"caveats"`
}

func snapIndicator(i gs.Indicator) indicatorSnap {
	return indicatorSnap{Slug: i.Slug, Name: i.Name, Unit: i.Unit, Direction: i.Direction, Target: i.Target,
		Definition: i.Definition, Source: i.Source, Caveats: i.Caveats}
}

type areaSnap struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	ParentID   int64  `json:"parent_id"`
	Population int64  `json:"population"`
}

func snapArea(a gs.Area) areaSnap {
	return areaSnap{Code: a.Code, Name: a.Name, Kind: a.Kind, ParentID: a.ParentID, Population: a.Population}
}

type organisationSnap struct {
	Name    string `json:"name"`
	ODSCode string `json:"ods_code"`
	Sector  string `json:"sector"`
	AreaID  int64  `json:"area_id"`
}

func snapOrganisation(o gs.Organisation) organisationSnap {
	return organisationSnap{Name: o.Name, ODSCode: o.ODSCode, Sector: o.Sector, AreaID: o.AreaID}
}

type allianceSnap struct {
	OrganisationID int64  `json:"organisation_id"`
	Organisation   string `json:"organisation"`
	JoinedOn       string `json:"joined_on"`
	ActionPlan     string `json:"action_plan"`
}

type planItemSnap struct {
	OrganisationID int64  `json:"organisation_id"`
	Title          string `json:"title"`
	DueOn          string `json:"due_on"`
	Status         string `json:"status"`
}

func snapPlanItem(c gs.AllianceCommitment) planItemSnap {
	return planItemSnap{OrganisationID: c.OrganisationID, Title: c.Title, DueOn: dateText(c.DueOn), Status: c.Status}
}

type envelopeSnap struct {
	On     string  `json:"on"`
	Kind   string  `json:"kind"`
	Unit   string  `json:"unit"`
	Amount float64 `json:"amount"`
	Note   string  `json:"note"`
}

func snapEnvelope(e gs.EnvelopeEntry) envelopeSnap {
	return envelopeSnap{On: dateText(e.On), Kind: e.Kind, Unit: e.Unit, Amount: e.Amount, Note: e.Note}
}

// appointmentSnap is a lead or representative appointed, by their user's
// id only. The appointee may be someone who pledged (leads often are), and
// erasing them anonymises their account; their name here could never be
// taken out. The pages show the account's name as it is now.
type appointmentSnap struct {
	UserID int64 `json:"user_id"`
}

type apiTokenSnap struct {
	Name    string `json:"name"`
	Scope   string `json:"scope"`
	UserID  int64  `json:"user_id"`
	Revoked bool   `json:"revoked"`
}

type webhookSnap struct {
	URL         string   `json:"url"`
	Description string   `json:"description"`
	Events      []string `json:"events"`
	Disabled    bool     `json:"disabled"`
}

// AuditFilter selects entries of the audit log.
type AuditFilter struct {
	// CampaignID selects a campaign's entries; 0 selects the entries of the
	// whole installation (areas, organisations …), which have none.
	CampaignID int64
	Object     string    // one of gs.AuditObjects, or "" for every kind
	Since      time.Time // only entries at or after it; zero for all
	// NewestFirst reads from the newest entry back (the pages); otherwise
	// from the oldest on (the API, whose clients follow the log).
	NewestFirst bool
	// After is the id of the last entry of the previous page, in the order
	// read; 0 for the first page.
	After int64
	Limit int
}

const auditColumns = `id, at, campaign_id, actor_user_id, actor_name, actor_email, actor_role, via,
	verb, object_type, object_id, label, before_json, after_json`

// AuditLog reads a page of the audit log, by id.
func (s *Store) AuditLog(ctx context.Context, f AuditFilter) ([]gs.AuditEntry, error) {
	where := []string{`campaign_id = ?`}
	args := []any{f.CampaignID}
	if f.CampaignID == 0 {
		where, args = []string{`campaign_id IS NULL`}, nil
	}
	if f.Object != "" {
		where = append(where, `object_type = ?`)
		args = append(args, f.Object)
	}
	if !f.Since.IsZero() {
		where = append(where, `at >= ?`)
		args = append(args, ms(f.Since))
	}
	order, next := `id`, `id > ?`
	if f.NewestFirst {
		order, next = `id DESC`, `id < ?`
	}
	if f.After != 0 {
		where = append(where, next)
		args = append(args, f.After)
	}
	args = append(args, pageLimit(f.Limit))
	var out []gs.AuditEntry
	err := s.readTx(ctx, func(tx *tx) error {
		return eachRow(ctx, tx, `SELECT `+auditColumns+` FROM audit_log WHERE `+strings.Join(where, " AND ")+` ORDER BY `+order+` LIMIT ?`,
			args, func(scan func(...any) error) error {
				var e gs.AuditEntry
				var before, after sql.NullString
				if err := scan(&e.ID, scanTime{&e.At}, scanID{&e.CampaignID}, scanID{&e.Actor.UserID}, &e.Actor.Name, &e.Actor.Email,
					&e.Actor.Role, &e.Actor.Via, &e.Verb, &e.Object, scanID{&e.ObjectID}, &e.Label, &before, &after); err != nil {
					return err
				}
				if before.Valid {
					e.Before = json.RawMessage(before.String)
				}
				if after.Valid {
					e.After = json.RawMessage(after.String)
				}
				out = append(out, e)
				return nil
			})
	})
	if err != nil {
		return nil, fmt.Errorf("read the audit log: %w", err)
	}
	return out, nil
}
