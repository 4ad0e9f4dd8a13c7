package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"strings"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/csvio"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// auditCase is one audited change: run makes it and returns the campaign
// the entry belongs to (0 for the installation) and the object's id (0 for
// none); the entry must name the object and verb, and its before and after
// must hold the fields given — or be absent, when nil.
type auditCase struct {
	name          string
	as            gs.Actor // who makes it; the zero Actor for no one
	want          gs.Actor // who the entry names, when not as
	run           func(t *testing.T, ctx context.Context) (campaignID, objectID int64)
	object, verb  string
	before, after map[string]any
	// userID, when set, is the user the entry's after must name by id.
	userID func() int64
}

func seqOf[T any](items ...T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, v := range items {
			if !yield(v, nil) {
				return
			}
		}
	}
}

// TestAuditLogRecordsEveryChange makes each audited change in turn and
// checks it wrote exactly one entry, in the right log, naming who made it,
// what they changed and how — on both databases.
func TestAuditLogRecordsEveryChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		bg := context.Background()
		f := storetest.Seed(t, st)
		organiser := gs.User{Email: "olu@example.org", Name: "Olu Organiser", Role: gs.RoleOrganiser, PasswordHash: "x"}
		must(t, st.CreateUser(bg, &organiser))
		lead, err := st.AppointLead(bg, gs.AppointLeadInput{GroupID: f.Group.ID, Email: "lee@example.org", Name: "Lee Lead"})
		must(t, err)
		rep, err := st.AppointRep(bg, gs.AppointRepInput{OrganisationID: f.Org.ID, Email: "rita@example.org", Name: "Rita Rep"})
		must(t, err)
		byOrganiser := gs.Actor{UserID: organiser.ID, Name: organiser.Name, Email: organiser.Email, Role: gs.RoleOrganiser, Via: "web"}
		byLead := gs.Actor{UserID: lead.ID, Name: lead.Name, Email: lead.Email, Role: "group lead", Via: "web"}
		byRep := gs.Actor{UserID: rep.ID, Name: rep.Name, Email: rep.Email, Role: "organisation representative", Via: "web"}
		byToken := byOrganiser
		byToken.Via = gs.ViaToken(7)

		// A participant, whose details must never reach the log.
		pledged, err := st.Pledge(bg, gs.PledgeInput{ActionID: f.Actions[0].ID, Name: "Asha Patel", Email: "asha@example.org",
			Profession: "Pharmacist", AreaID: f.AreaID, WhyItMatters: "My nan stopped talking."})
		must(t, err)
		storetest.Confirm(t, st, pledged.Commitment.ID)

		c := f.Campaign
		var other gs.Campaign
		var g gs.Group
		var act gs.Action
		var ind gs.Indicator
		var m gs.Milestone
		var area gs.Area
		var org gs.Organisation
		var item gs.AllianceCommitment
		var entry gs.EnvelopeEntry
		var tokenID, hookID int64
		var digestLink string
		var appointed gs.User
		cases := []auditCase{
			{name: "create campaign", as: byOrganiser, object: gs.AuditCampaign, verb: gs.AuditCreate,
				after: map[string]any{"title": "Second wave", "status": "draft"},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					other = gs.Campaign{Title: "Second wave", Purpose: "More.", StartsOn: gs.MustDate("2027-01-01"), Status: gs.CampaignDraft}
					must(t, st.CreateCampaign(ctx, &other))
					return other.ID, other.ID
				}},
			{name: "update campaign", as: byOrganiser, object: gs.AuditCampaign, verb: gs.AuditUpdate,
				before: map[string]any{"title": "Test call to action", "dashboard_signed_in_only": false},
				after:  map[string]any{"title": "Renamed call", "dashboard_signed_in_only": true},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					c.Title, c.DashboardSignedInOnly = "Renamed call", true
					must(t, st.UpdateCampaign(ctx, &c))
					return c.ID, c.ID
				}},
			{name: "create group", as: byOrganiser, object: gs.AuditGroup, verb: gs.AuditCreate, after: map[string]any{"name": "Carers", "goal": "Ask."},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					g = gs.Group{CampaignID: c.ID, Name: "Carers", Goal: "Ask."}
					must(t, st.CreateGroup(ctx, &g))
					return c.ID, g.ID
				}},
			{name: "update group", as: byLead, object: gs.AuditGroup, verb: gs.AuditUpdate,
				before: map[string]any{"goal": "Review every prescription.", "target": 100}, after: map[string]any{"goal": "Review them all.", "target": 250},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					fg := f.Group
					fg.Goal, fg.Target = "Review them all.", 250
					must(t, st.UpdateGroup(ctx, &fg))
					return c.ID, fg.ID
				}},
			{name: "create indicator", as: byOrganiser, object: gs.AuditIndicator, verb: gs.AuditCreate, after: map[string]any{"slug": "reviews", "direction": "up"},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					ind = gs.Indicator{CampaignID: c.ID, Slug: "reviews", Name: "Reviews done", Unit: "%", Direction: "up"}
					must(t, st.CreateIndicator(ctx, &ind))
					return c.ID, ind.ID
				}},
			{name: "update indicator", as: byOrganiser, object: gs.AuditIndicator, verb: gs.AuditUpdate,
				before: map[string]any{"target": nil}, after: map[string]any{"target": 80},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					eighty := 80.0
					ind.Target = &eighty
					must(t, st.UpdateIndicator(ctx, &ind))
					return c.ID, ind.ID
				}},
			// The indicator is the store's first: id 1, on either database.
			{name: "create action with an indicator", as: byLead, object: gs.AuditAction, verb: gs.AuditCreate,
				after: map[string]any{"title": "Audit your wards", "indicator_ids": []any{1}},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					act = gs.Action{GroupID: f.Group.ID, Title: "Audit your wards", DueOn: gs.MustDate("2027-06-30"), IndicatorIDs: []int64{ind.ID}}
					must(t, st.CreateAction(ctx, &act))
					return c.ID, act.ID
				}},
			{name: "update action", as: byLead, object: gs.AuditAction, verb: gs.AuditUpdate,
				before: map[string]any{"due_on": "2027-06-30", "retired": false}, after: map[string]any{"due_on": "2027-07-31", "retired": true, "indicator_ids": []any{}},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					act.DueOn, act.Retired, act.IndicatorIDs = gs.MustDate("2027-07-31"), true, nil
					must(t, st.UpdateAction(ctx, &act))
					return c.ID, act.ID
				}},
			{name: "create milestone", as: byToken, object: gs.AuditMilestone, verb: gs.AuditCreate, after: map[string]any{"title": "Launch", "on": "2026-02-01"},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					m = gs.Milestone{CampaignID: c.ID, Title: "Launch", On: gs.MustDate("2026-02-01")}
					must(t, st.CreateMilestone(ctx, &m))
					return c.ID, m.ID
				}},
			{name: "update milestone", as: byOrganiser, object: gs.AuditMilestone, verb: gs.AuditUpdate,
				before: map[string]any{"on": "2026-02-01"}, after: map[string]any{"on": "2026-03-01"},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					m.On = gs.MustDate("2026-03-01")
					must(t, st.UpdateMilestone(ctx, &m))
					return c.ID, m.ID
				}},
			{name: "delete milestone", as: byOrganiser, object: gs.AuditMilestone, verb: gs.AuditDelete, before: map[string]any{"title": "Launch"},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					must(t, st.DeleteMilestone(ctx, m.ID))
					return c.ID, m.ID
				}},
			{name: "create area", as: byOrganiser, object: gs.AuditArea, verb: gs.AuditCreate, after: map[string]any{"code": "E54000099", "kind": "icb"},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					area = gs.Area{Code: "E54000099", Name: "Test ICB", Kind: "icb", ParentID: f.AreaID}
					must(t, st.CreateArea(ctx, &area))
					return 0, area.ID
				}},
			{name: "update area", as: byOrganiser, object: gs.AuditArea, verb: gs.AuditUpdate,
				before: map[string]any{"population": 0}, after: map[string]any{"population": 1200000},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					area.Population = 1_200_000
					must(t, st.UpdateArea(ctx, &area))
					return 0, area.ID
				}},
			{name: "create organisation", as: byOrganiser, object: gs.AuditOrganisation, verb: gs.AuditCreate, after: map[string]any{"ods_code": "RX1"},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					org = gs.Organisation{Name: "Hilltop Trust", ODSCode: "RX1", Sector: "NHS provider"}
					must(t, st.CreateOrganisation(ctx, &org))
					return 0, org.ID
				}},
			{name: "update organisation", as: byOrganiser, object: gs.AuditOrganisation, verb: gs.AuditUpdate,
				before: map[string]any{"name": "Hilltop Trust"}, after: map[string]any{"name": "Hilltop NHS Trust"},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					org.Name = "Hilltop NHS Trust"
					must(t, st.UpdateOrganisation(ctx, &org))
					return 0, org.ID
				}},
			{name: "join alliance", as: byOrganiser, object: gs.AuditAllianceMember, verb: gs.AuditJoin,
				after: map[string]any{"organisation": "Hilltop NHS Trust", "action_plan": "Review."},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					must(t, st.JoinAlliance(ctx, gs.AllianceMember{Organisation: org, CampaignID: c.ID, ActionPlan: "Review."}))
					return c.ID, org.ID
				}},
			{name: "change alliance plan", as: byOrganiser, object: gs.AuditAllianceMember, verb: gs.AuditUpdate,
				before: map[string]any{"action_plan": "Review."}, after: map[string]any{"action_plan": "Review every ward."},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					must(t, st.JoinAlliance(ctx, gs.AllianceMember{Organisation: org, CampaignID: c.ID, ActionPlan: "Review every ward."}))
					return c.ID, org.ID
				}},
			{name: "leave alliance", as: byOrganiser, object: gs.AuditAllianceMember, verb: gs.AuditLeave, before: map[string]any{"organisation": "Hilltop NHS Trust"},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					must(t, st.LeaveAlliance(ctx, c.ID, org.ID))
					return c.ID, org.ID
				}},
			{name: "create plan item", as: byRep, object: gs.AuditPlanItem, verb: gs.AuditCreate, after: map[string]any{"title": "Audit homes", "status": "planned"},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					item = gs.AllianceCommitment{CampaignID: c.ID, OrganisationID: f.Org.ID, Title: "Audit homes", DueOn: gs.MustDate("2027-01-31")}
					must(t, st.CreateAllianceCommitment(ctx, &item))
					return c.ID, item.ID
				}},
			{name: "update plan item", as: byRep, object: gs.AuditPlanItem, verb: gs.AuditUpdate,
				before: map[string]any{"status": "planned"}, after: map[string]any{"status": "done"},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					item.Status = gs.PlanDone
					must(t, st.UpdateAllianceCommitment(ctx, &item))
					return c.ID, item.ID
				}},
			{name: "create envelope entry", as: byOrganiser, object: gs.AuditEnvelopeEntry, verb: gs.AuditCreate, after: map[string]any{"amount": 5000, "kind": gs.EnvelopeAllocated},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					entry = gs.EnvelopeEntry{CampaignID: c.ID, On: gs.MustDate("2026-01-01"), Kind: gs.EnvelopeAllocated, Unit: gs.UnitGBP, Amount: 5000}
					must(t, st.CreateEnvelopeEntry(ctx, &entry))
					return c.ID, entry.ID
				}},
			{name: "delete envelope entry", as: byOrganiser, object: gs.AuditEnvelopeEntry, verb: gs.AuditDelete, before: map[string]any{"amount": 5000},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					must(t, st.DeleteEnvelopeEntry(ctx, c.ID, entry.ID))
					return c.ID, entry.ID
				}},
			// The appointee by id only: they may be someone who pledged.
			{name: "appoint co-lead", as: byLead, object: gs.AuditGroupLead, verb: gs.AuditAppoint, after: map[string]any{},
				userID: func() int64 { return appointed.ID },
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					var err error
					appointed, err = st.AppointLead(ctx, gs.AppointLeadInput{GroupID: f.Group.ID, Email: "asha@example.org", Name: "Asha Patel", InvitedBy: lead.ID})
					must(t, err)
					return c.ID, f.Group.ID
				}},
			{name: "appoint fellow rep", as: byRep, object: gs.AuditOrganisationRep, verb: gs.AuditAppoint, after: map[string]any{},
				userID: func() int64 { return appointed.ID },
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					var err error
					appointed, err = st.AppointRep(ctx, gs.AppointRepInput{OrganisationID: f.Org.ID, Email: "ravi@example.org", Name: "Ravi Rep", InvitedBy: rep.ID})
					must(t, err)
					return 0, f.Org.ID
				}},
			{name: "create API token", as: byOrganiser, object: gs.AuditAPIToken, verb: gs.AuditCreate, after: map[string]any{"name": "CRM", "scope": gs.ScopeRead},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					tok := gs.APIToken{CampaignID: c.ID, UserID: organiser.ID, Name: "CRM", Scope: gs.ScopeRead}
					_, err := st.CreateAPIToken(ctx, &tok)
					must(t, err)
					tokenID = tok.ID
					return c.ID, tok.ID
				}},
			{name: "revoke API token", as: byOrganiser, object: gs.AuditAPIToken, verb: gs.AuditRevoke,
				before: map[string]any{"revoked": false}, after: map[string]any{"revoked": true},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					must(t, st.RevokeAPIToken(ctx, c.ID, tokenID))
					return c.ID, tokenID
				}},
			{name: "create webhook", as: byOrganiser, object: gs.AuditWebhook, verb: gs.AuditCreate,
				after: map[string]any{"url": "https://crm.example.org/…", "events": []any{gs.EventCommitmentCreated}},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					w := gs.Webhook{CampaignID: c.ID, URL: "https://crm.example.org/hooks", Events: []string{gs.EventCommitmentCreated}}
					_, err := st.CreateWebhook(ctx, &w)
					must(t, err)
					hookID = w.ID
					return c.ID, w.ID
				}},
			{name: "disable webhook", as: byOrganiser, object: gs.AuditWebhook, verb: gs.AuditDisable,
				before: map[string]any{"disabled": false}, after: map[string]any{"disabled": true},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					must(t, st.SetWebhookDisabled(ctx, c.ID, hookID, true))
					return c.ID, hookID
				}},
			{name: "enable webhook", as: byOrganiser, object: gs.AuditWebhook, verb: gs.AuditEnable,
				before: map[string]any{"disabled": true}, after: map[string]any{"disabled": false},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					must(t, st.SetWebhookDisabled(ctx, c.ID, hookID, false))
					return c.ID, hookID
				}},
			{name: "rotate webhook secret", as: byOrganiser, object: gs.AuditWebhook, verb: gs.AuditRotate, after: map[string]any{},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					_, err := st.RotateWebhookSecret(ctx, c.ID, hookID, time.Hour)
					must(t, err)
					return c.ID, hookID
				}},
			{name: "replay webhook delivery", as: byOrganiser, object: gs.AuditDelivery, verb: gs.AuditReplay,
				after: map[string]any{"event_type": gs.EventCommitmentCreated},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					// A pledge (made by no one audited) makes the delivery.
					_, err := st.Pledge(bg, f.Pledge("bo@example.org"))
					must(t, err)
					ds, err := st.WebhookDeliveries(bg, store.DeliveryFilter{CampaignID: c.ID})
					if err != nil || len(ds) != 1 {
						t.Fatal(ds, err)
					}
					_, err = st.ReplayWebhookDelivery(ctx, c.ID, ds[0].ID)
					must(t, err)
					return c.ID, ds[0].ID
				}},
			{name: "delete webhook", as: byOrganiser, object: gs.AuditWebhook, verb: gs.AuditDelete, before: map[string]any{"url": "https://crm.example.org/…"},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					must(t, st.DeleteWebhook(ctx, c.ID, hookID))
					return c.ID, hookID
				}},
			// That it went and to how many; not its words, which here name
			// a participant.
			{name: "send group message", as: byLead, object: gs.AuditGroupMessage, verb: gs.AuditSend,
				after: map[string]any{"sender_role": gs.SenderLead, "recipients": 1},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					msg, err := st.SendGroupMessage(ctx, gs.GroupMessageInput{GroupID: f.Group.ID, Sender: lead, SenderRole: gs.SenderLead,
						Subject: "Thank you, Asha Patel", Body: "Thank you, asha@example.org, for pledging."}, func(context.Context, *sql.Tx, gs.GroupMessageRecipient) error { return nil })
					must(t, err)
					return c.ID, msg.ID
				}},
			{name: "turn digest off", as: byLead, object: gs.AuditDigest, verb: gs.AuditDisable,
				before: map[string]any{"weekly_digest": true}, after: map[string]any{"weekly_digest": false},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					must(t, st.SetDigest(ctx, lead.ID, false))
					return 0, lead.ID
				}},
			{name: "turn digest on", as: byLead, object: gs.AuditDigest, verb: gs.AuditEnable,
				before: map[string]any{"weekly_digest": false}, after: map[string]any{"weekly_digest": true},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					must(t, st.SetDigest(ctx, lead.ID, true))
					var err error
					digestLink, err = st.IssueDigestUnsubscribe(bg, lead.ID)
					must(t, err)
					return 0, lead.ID
				}},
			// The link acts for the lead it was sent to, with no one signed in.
			{name: "stop digest by link", want: gs.Actor{UserID: lead.ID, Name: lead.Name, Email: lead.Email, Role: "group lead", Via: "email link"},
				object: gs.AuditDigest, verb: gs.AuditDisable, before: map[string]any{"weekly_digest": true}, after: map[string]any{"weekly_digest": false},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					_, _, err := st.StopDigest(ctx, digestLink)
					must(t, err)
					return 0, lead.ID
				}},
			{name: "import observations", as: byOrganiser, object: gs.AuditImport, verb: gs.AuditImport,
				after: map[string]any{"indicators": []any{"reviews"}, "rows": 2, "inserted": 2, "areas_created": []any{"E99000001"}},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					_, err := st.ImportObservations(ctx, records(
						store.ObservationRecord{Indicator: "reviews", AreaCode: "E92000001", Period: gs.MustDate("2026-01-01"), Value: 10},
						store.ObservationRecord{Indicator: "reviews", AreaCode: "E99000001", AreaName: "New place", Period: gs.MustDate("2026-01-01"), Value: 12},
					), nil)
					must(t, err)
					return c.ID, 0 // the one campaign's indicator
				}},
			{name: "import people", as: byOrganiser, object: gs.AuditImport, verb: gs.AuditImport,
				after: map[string]any{"file": "people", "inserted": 1, "kept": 1},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					_, err := st.ImportPeople(ctx, seqOf(csvio.Person{Line: 2, Email: "cy@example.org", Name: "Cy Imported"},
						csvio.Person{Line: 3, Email: "asha@example.org", Name: "Asha Patel"}), store.ImportOptions{})
					must(t, err)
					return 0, 0
				}},
			{name: "import organisations", as: byOrganiser, object: gs.AuditImport, verb: gs.AuditImport,
				after: map[string]any{"file": "organisations", "inserted": 1},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					_, err := st.ImportOrganisations(ctx, seqOf(csvio.Organisation{Line: 2, Name: "Valley Care", Sector: "Care home"}), store.ImportOptions{})
					must(t, err)
					return 0, 0
				}},
			{name: "import commitments", as: byOrganiser, object: gs.AuditImport, verb: gs.AuditImport,
				after: map[string]any{"file": "commitments", "inserted": 1},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					at := time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)
					_, err := st.ImportCommitments(ctx, c.ID, seqOf(csvio.Commitment{Line: 2, Email: "cy@example.org", Group: f.Group.Slug,
						Action: f.Actions[1].Title, Status: gs.StatusPledged, OnBehalf: gs.OnBehalfSelf, Channel: gs.ChannelImport,
						CreatedAt: at, UpdatedAt: at, ConfirmedAt: at}), store.ImportOptions{})
					must(t, err)
					return c.ID, 0
				}},
			// The second wave's: the first's indicator's address is taken here.
			{name: "import campaign archive", as: byOrganiser, object: gs.AuditImport, verb: gs.AuditImport,
				after: map[string]any{"file": "campaign archive", "campaign": "copied-call"},
				run: func(t *testing.T, ctx context.Context) (int64, int64) {
					var b bytes.Buffer
					if _, err := st.ExportCampaign(bg, other.Slug, &b, nil); err != nil {
						t.Fatal(err)
					}
					r, err := st.ImportCampaign(ctx, bytes.NewReader(b.Bytes()), int64(b.Len()), store.ArchiveImportOptions{Slug: "copied-call",
						Reject: func(file string, line int, reason string) { t.Errorf("%s:%d: %s", file, line, reason) }})
					must(t, err)
					return r.CampaignID, 0
				}},
		}

		last := lastEntry(t, st)
		for _, tc := range cases {
			ctx := bg
			if tc.as != (gs.Actor{}) {
				ctx = store.WithActor(bg, tc.as)
			}
			campaignID, objectID := tc.run(t, ctx)
			var got []gs.AuditEntry
			for _, scope := range []int64{0, c.ID, other.ID, campaignID} {
				es, err := st.AuditLog(bg, store.AuditFilter{CampaignID: scope, After: last})
				must(t, err)
				if scope == campaignID {
					got = es
				} else if len(es) > 0 && scope != campaignID {
					t.Errorf("%s: %d entries in the log of campaign %d, want them in %d's", tc.name, len(es), scope, campaignID)
				}
			}
			if len(got) != 1 {
				t.Errorf("%s: %d entries, want 1: %+v", tc.name, len(got), got)
				last = lastEntry(t, st)
				continue
			}
			e := got[0]
			last = e.ID
			want := tc.want
			if want == (gs.Actor{}) {
				want = tc.as
			}
			if e.Actor != want {
				t.Errorf("%s: actor %+v, want %+v", tc.name, e.Actor, want)
			}
			if e.Object != tc.object || e.Verb != tc.verb || e.ObjectID != objectID || e.CampaignID != campaignID {
				t.Errorf("%s: %s %s %d in campaign %d, want %s %s %d in %d", tc.name, e.Verb, e.Object, e.ObjectID, e.CampaignID,
					tc.verb, tc.object, objectID, campaignID)
			}
			if e.Label == "" {
				t.Errorf("%s: no label", tc.name)
			}
			checkSide(t, tc.name+": before", e.Before, tc.before)
			checkSide(t, tc.name+": after", e.After, tc.after)
			if tc.userID != nil {
				checkSide(t, tc.name+": after", e.After, map[string]any{"user_id": tc.userID()})
			}
		}

		// Nothing in the log is the participant's, nor any secret.
		for _, scope := range []int64{0, c.ID, other.ID} {
			es, err := st.AuditLog(bg, store.AuditFilter{CampaignID: scope, Limit: store.MaxPage})
			must(t, err)
			for _, e := range es {
				all := string(e.Before) + string(e.After) + e.Label
				for _, secret := range []string{"Asha", "asha@example.org", "bo@example.org", "My nan", "gsk_", "whsec_", "hash"} {
					if strings.Contains(all, secret) {
						t.Errorf("entry %d (%s %s) holds %q: %s", e.ID, e.Verb, e.Object, secret, all)
					}
				}
			}
		}
	})
}

// lastEntry is the id of the newest entry of the whole log.
func lastEntry(t *testing.T, st *store.Store) int64 {
	t.Helper()
	var id sql.NullInt64
	if err := st.WriteDB().QueryRow(`SELECT MAX(id) FROM audit_log`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id.Int64
}

// checkSide checks one side of an entry holds the fields wanted, or, when
// want is nil, that it is absent.
func checkSide(t *testing.T, what string, raw json.RawMessage, want map[string]any) {
	t.Helper()
	if want == nil {
		if raw != nil {
			t.Errorf("%s: %s, want none", what, raw)
		}
		return
	}
	var got map[string]any
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Errorf("%s: %s is not a JSON object: %v", what, raw, err)
		return
	}
	for k, v := range want {
		g, ok := got[k]
		gj, _ := json.Marshal(g)
		wj, _ := json.Marshal(v)
		if !ok || string(gj) != string(wj) {
			t.Errorf("%s: %s = %s, want %s (%s)", what, k, gj, wj, raw)
		}
	}
}

// TestAuditLogWritesNothingForNothing: a change that is rolled back leaves
// no entry, nor does saving something unchanged or appointing a lead again;
// a change with no one in its context is the system's.
func TestAuditLogWritesNothingForNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		bg := context.Background()
		f := storetest.Seed(t, st)
		lead, err := st.AppointLead(bg, gs.AppointLeadInput{GroupID: f.Group.ID, Email: "lee@example.org", Name: "Lee Lead"})
		must(t, err)
		res, err := st.Pledge(bg, f.Pledge("asha@example.org"))
		must(t, err)
		storetest.Confirm(t, st, res.Commitment.ID)
		ctx := store.WithActor(bg, gs.Actor{UserID: lead.ID, Name: lead.Name, Email: lead.Email, Role: "group lead", Via: "web"})
		before := lastEntry(t, st)

		// The message is recorded, and its entry written, before its emails
		// are queued; the queue fails, and all of it is rolled back.
		refused := errors.New("queue down")
		_, err = st.SendGroupMessage(ctx, gs.GroupMessageInput{GroupID: f.Group.ID, Sender: lead, SenderRole: gs.SenderLead,
			Subject: "Hello", Body: "Thanks."}, func(context.Context, *sql.Tx, gs.GroupMessageRecipient) error { return refused })
		if !errors.Is(err, refused) {
			t.Fatalf("send: %v, want the queue's error", err)
		}
		// A slug another group has: refused after the entry's "before" was read.
		g := f.Group
		other := gs.Group{CampaignID: f.Campaign.ID, Name: "Carers", Goal: "Ask."}
		must(t, st.CreateGroup(bg, &other))
		g.Slug = other.Slug
		if err := st.UpdateGroup(ctx, &g); gs.ErrorCode(err) != gs.EINVALID {
			t.Fatalf("update group to a taken slug: %v", err)
		}
		// Saved unchanged; appointed again.
		same := f.Group
		must(t, st.UpdateGroup(ctx, &same))
		_, err = st.AppointLead(ctx, gs.AppointLeadInput{GroupID: f.Group.ID, Email: "lee@example.org", Name: "Lee Lead"})
		must(t, err)

		es, err := st.AuditLog(bg, store.AuditFilter{CampaignID: f.Campaign.ID, After: before})
		must(t, err)
		if len(es) != 1 || es[0].Object != gs.AuditGroup || es[0].Verb != gs.AuditCreate {
			t.Fatalf("entries %+v, want only the group created", es)
		}
		// That one was made with no one in its context: the system's.
		if e := es[0]; e.Actor != gs.SystemActor || !e.Actor.IsSystem() {
			t.Errorf("a change with no actor is recorded as %+v, want the system", e.Actor)
		}
		if msgs, _ := st.GroupMessages(bg, f.Group.ID, 10); len(msgs) != 0 {
			t.Errorf("the rolled-back message was kept: %+v", msgs)
		}
	})
}

// TestAuditLogIsAppendOnly: the database itself refuses to change or remove
// an entry, whoever asks, on both databases.
func TestAuditLogIsAppendOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		storetest.Seed(t, st)
		n := func() int {
			var n int
			must(t, st.WriteDB().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log`).Scan(&n))
			return n
		}
		count := n()
		if count == 0 {
			t.Fatal("the fixture left no entries to try to change")
		}
		stmts := []string{`UPDATE audit_log SET label = 'forged'`, `DELETE FROM audit_log`}
		if st.Dialect() == "postgres" {
			stmts = append(stmts, `TRUNCATE audit_log`)
		} else {
			// REPLACE deletes without firing the DELETE trigger.
			stmts = append(stmts, `INSERT OR REPLACE INTO audit_log (id, at, actor_name, actor_role, via, verb, object_type, label)
				SELECT id, at, actor_name, actor_role, via, verb, object_type, 'forged' FROM audit_log LIMIT 1`)
		}
		for _, q := range stmts {
			_, err := st.WriteDB().ExecContext(ctx, q)
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: %v, want it refused as append-only", q, err)
			}
		}
		var forged int
		must(t, st.WriteDB().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE label = 'forged'`).Scan(&forged))
		if got := n(); got != count || forged != 0 {
			t.Errorf("after the refusals: %d entries (%d forged), want %d untouched", got, forged, count)
		}
	})
}

// TestAuditLogAllowsOnlyAnErasure: the one change the database lets through
// is the erasure's, blanking the name and email of a user's entries
// (migration 0023). Blanking along with any other change, blanking only
// one of the two, writing a name in, or blanking the system's entries are
// refused.
func TestAuditLogAllowsOnlyAnErasure(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		actor := gs.Actor{UserID: 42, Name: "Olu Organiser", Email: "olu@example.org", Role: gs.RoleOrganiser, Via: "web"}
		c := f.Campaign
		c.Purpose = "Changed."
		must(t, st.UpdateCampaign(store.WithActor(ctx, actor), &c))
		db := st.WriteDB()
		bind := func(q string) string {
			if st.Dialect() == "postgres" {
				return strings.ReplaceAll(q, "?", "$1")
			}
			return q
		}
		for _, q := range []string{
			`UPDATE audit_log SET actor_name = '', actor_email = '', label = 'forged' WHERE actor_user_id = ?`,
			`UPDATE audit_log SET actor_name = '', actor_email = '', actor_user_id = 7 WHERE actor_user_id = ?`,
			`UPDATE audit_log SET actor_name = '', actor_email = '', after_json = NULL WHERE actor_user_id = ?`,
			`UPDATE audit_log SET actor_name = '' WHERE actor_user_id = ?`,
			`UPDATE audit_log SET actor_name = 'Someone Else', actor_email = '' WHERE actor_user_id = ?`,
			`UPDATE audit_log SET actor_name = '', actor_email = '' WHERE actor_user_id IS NULL AND 0 < ?`,
		} {
			if _, err := db.ExecContext(ctx, bind(q), 42); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: %v, want it refused as append-only", q, err)
			}
		}
		if _, err := db.ExecContext(ctx, bind(`UPDATE audit_log SET actor_name = '', actor_email = '' WHERE actor_user_id = ?`), 42); err != nil {
			t.Fatalf("the erasure's change was refused: %v", err)
		}
		entries, err := st.AuditLog(ctx, store.AuditFilter{CampaignID: c.ID})
		must(t, err)
		var system int
		for _, e := range entries {
			switch {
			case e.Actor.UserID == 42 && (e.Actor.Name != "" || e.Actor.Email != "" || e.Label != c.Title || e.Actor.Role != gs.RoleOrganiser):
				t.Errorf("the erased actor's entry: %+v, want only the name and email blanked", e)
			case e.Actor == gs.SystemActor:
				system++
			}
		}
		if system == 0 {
			t.Errorf("the system's entries lost their actor: %+v", entries)
		}
	})
}

// TestAuditLogPages: newest first for the pages, oldest first for the API,
// each a page at a time from a cursor, filtered by kind and time.
func TestAuditLogPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)                    // a campaign, a group, two actions, an alliance member
		clock := time.Now().UTC().Add(48 * time.Hour) // after the fixture's entries
		st.Now = func() time.Time { return clock }
		for i := range 3 {
			m := gs.Milestone{CampaignID: f.Campaign.ID, Title: fmt.Sprintf("Milestone %d", i), On: gs.MustDate("2026-04-01")}
			must(t, st.CreateMilestone(ctx, &m))
		}
		all, err := st.AuditLog(ctx, store.AuditFilter{CampaignID: f.Campaign.ID})
		must(t, err)
		if len(all) != 8 {
			t.Fatalf("%d entries, want 8", len(all))
		}
		labels := func(es []gs.AuditEntry) string {
			var out []string
			for _, e := range es {
				out = append(out, e.Label)
			}
			return strings.Join(out, ", ")
		}
		first, err := st.AuditLog(ctx, store.AuditFilter{CampaignID: f.Campaign.ID, NewestFirst: true, Limit: 2})
		must(t, err)
		next, err := st.AuditLog(ctx, store.AuditFilter{CampaignID: f.Campaign.ID, NewestFirst: true, Limit: 2, After: first[1].ID})
		must(t, err)
		if got := labels(append(first, next...)); got != "Milestone 2, Milestone 1, Milestone 0, Riverside Pharmacy" {
			t.Errorf("newest first: %s", got)
		}
		ms, err := st.AuditLog(ctx, store.AuditFilter{CampaignID: f.Campaign.ID, Object: gs.AuditMilestone, After: all[0].ID})
		must(t, err)
		if got := labels(ms); got != "Milestone 0, Milestone 1, Milestone 2" {
			t.Errorf("milestones, oldest first: %s", got)
		}
		recent, err := st.AuditLog(ctx, store.AuditFilter{CampaignID: f.Campaign.ID, Since: clock})
		must(t, err)
		if len(recent) != 3 {
			t.Errorf("since the clock moved: %d entries, want the 3 milestones", len(recent))
		}
		// The organisation was created for the whole installation.
		inst, err := st.AuditLog(ctx, store.AuditFilter{})
		must(t, err)
		if labels(inst) != "Riverside Pharmacy" || inst[0].Object != gs.AuditOrganisation {
			t.Errorf("installation's log: %+v", inst)
		}
	})
}

// TestAuditLogIsCopied: migrate-data carries the log into PostgreSQL, where
// it stays append-only.
func TestAuditLogIsCopied(t *testing.T) {
	ctx := context.Background()
	src := storetest.Open(t)
	f := storetest.Seed(t, src)
	actor := gs.Actor{UserID: 42, Name: "Olu Organiser", Email: "olu@example.org", Role: gs.RoleOrganiser, Via: "web"}
	c := f.Campaign
	c.Purpose = "Copied."
	must(t, src.UpdateCampaign(store.WithActor(ctx, actor), &c))
	dst := storetest.OpenPostgres(t)
	if _, err := store.Copy(ctx, src, dst, nil); err != nil {
		t.Fatal(err)
	}
	for _, scope := range []int64{0, c.ID} {
		want, err := src.AuditLog(ctx, store.AuditFilter{CampaignID: scope})
		must(t, err)
		got, err := dst.AuditLog(ctx, store.AuditFilter{CampaignID: scope})
		must(t, err)
		if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
			t.Errorf("campaign %d's log in PostgreSQL:\n%+v\nwant\n%+v", scope, got, want)
		}
	}
	if _, err := dst.WriteDB().ExecContext(ctx, `DELETE FROM audit_log`); err == nil {
		t.Error("the copied log can be deleted")
	}
}
