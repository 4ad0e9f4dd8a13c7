package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
)

// The audit log of the token's campaign, oldest first, a page at a time: a
// client that keeps the last page's next link reads only what is new. The
// installation's own entries (areas, organisations) are not a campaign's,
// so no token sees them; organisers read them at /admin/audit.

func (a *API) registerAudit() {
	op := operation("list-audit-entries", http.MethodGet, "/audit", "Audit log", "List the campaign's audit log")
	op.Description = "Every change organisers, group leads and organisation representatives made to the campaign — who, when, " +
		"which object, and its fields before and after — oldest first. Entries are never changed or removed."
	huma.Register(a.huma, op, a.listAudit)
}

// AuditActor is who made a change.
type AuditActor struct {
	UserID int64  `json:"user_id,omitempty" doc:"The user; absent for the system (a command-line import or tool)."`
	Name   string `json:"name"`
	Email  string `json:"email,omitempty"`
	Role   string `json:"role" doc:"The part they acted in: organiser, group lead, organisation representative, member or system."`
	Via    string `json:"via" doc:"How the change came: web, api token {id}, email link, cli or system."`
}

// AuditEntry is one change.
type AuditEntry struct {
	ID         int64          `json:"id"`
	At         time.Time      `json:"at"`
	CampaignID int64          `json:"campaign_id"`
	Actor      AuditActor     `json:"actor"`
	Verb       string         `json:"verb" enum:"create,update,delete,join,leave,appoint,revoke,disable,enable,rotate_secret,replay,send,import,erase" doc:"What was done."`
	Object     string         `json:"object" doc:"The kind of object changed (see the object filter)."`
	ObjectID   int64          `json:"object_id,omitempty" doc:"The object's id; absent for an import, which has none."`
	Label      string         `json:"label" doc:"The object's title or name at the time."`
	Before     map[string]any `json:"before,omitempty" doc:"The object's fields before the change; absent for something created."`
	After      map[string]any `json:"after,omitempty" doc:"Its fields after; absent for something deleted."`
}

func auditOut(e gs.AuditEntry) (AuditEntry, error) {
	out := AuditEntry{ID: e.ID, At: stamp(e.At), CampaignID: e.CampaignID, Verb: e.Verb, Object: e.Object, ObjectID: e.ObjectID, Label: e.Label,
		Actor: AuditActor{UserID: e.Actor.UserID, Name: e.Actor.Name, Email: e.Actor.Email, Role: e.Actor.Role, Via: e.Actor.Via}}
	for _, side := range []struct {
		raw json.RawMessage
		to  *map[string]any
	}{{e.Before, &out.Before}, {e.After, &out.After}} {
		if side.raw == nil {
			continue
		}
		if err := json.Unmarshal(side.raw, side.to); err != nil {
			return out, fmt.Errorf("audit entry %d: %w", e.ID, err)
		}
	}
	return out, nil
}

type auditQuery struct {
	ListQuery
	Object string `query:"object" enum:"campaign,group,action,milestone,indicator,envelope_entry,alliance_member,action_plan_item,group_lead,organisation_rep,group_message,api_token,webhook,webhook_delivery,area,organisation,digest,import,erasure" doc:"Only changes to this kind of object."`
	Since  string `query:"since" format:"date-time" doc:"Only changes made at or after this time (RFC 3339)."`
}

func (a *API) listAudit(ctx context.Context, in *auditQuery) (*PageOutput[AuditEntry], error) {
	f := store.AuditFilter{CampaignID: campaignOf(ctx), Object: in.Object, Limit: in.Limit}
	if in.Since != "" {
		t, err := time.Parse(time.RFC3339, in.Since)
		if err != nil {
			return nil, badParam("since", "Give a time like 2026-11-25T09:00:00Z", in.Since)
		}
		f.Since = t
	}
	var err error
	if f.After, err = in.key(); err != nil {
		return nil, err
	}
	entries, err := a.store.AuditLog(ctx, f)
	if err != nil {
		return nil, a.problem(ctx, err, nil)
	}
	out := make([]AuditEntry, 0, len(entries))
	for _, e := range entries {
		x, err := auditOut(e)
		if err != nil {
			return nil, a.problem(ctx, err, nil)
		}
		out = append(out, x)
	}
	return page(ctx, out, in.Limit, func(e AuditEntry) int64 { return e.ID }), nil
}
