package store_test

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// newWebhook registers an endpoint and returns it with its secret.
func newWebhook(t *testing.T, st *store.Store, campaignID int64, events ...string) (gs.Webhook, string) {
	t.Helper()
	w := gs.Webhook{CampaignID: campaignID, URL: "https://crm.example.org/hooks", Events: events}
	secret, err := st.CreateWebhook(context.Background(), &w)
	must(t, err)
	return w, secret
}

// deliveries lists an endpoint's deliveries, oldest first.
func deliveries(t *testing.T, st *store.Store, campaignID, webhookID int64) []gs.WebhookDelivery {
	t.Helper()
	list, err := st.WebhookDeliveries(context.Background(), store.DeliveryFilter{CampaignID: campaignID, WebhookID: webhookID, Limit: 1000})
	must(t, err)
	slices.Reverse(list)
	return list
}

func eventTypes(ds []gs.WebhookDelivery) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.EventType)
	}
	return out
}

// message is a delivery's payload, read back as a receiver would.
type message struct {
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"`
	Data      struct {
		Campaign     gs.WebhookCampaign     `json:"campaign"`
		Commitment   gs.WebhookCommitment   `json:"commitment"`
		Person       gs.WebhookPerson       `json:"person"`
		Inviter      gs.WebhookPerson       `json:"inviter"`
		CommitmentID int64                  `json:"commitment_id"`
		Organisation gs.WebhookOrganisation `json:"organisation"`
		JoinedOn     string                 `json:"joined_on"`
	} `json:"data"`
}

func decode(t *testing.T, d gs.WebhookDelivery) message {
	t.Helper()
	var m message
	if err := json.Unmarshal([]byte(d.Payload), &m); err != nil {
		t.Fatalf("delivery %d's payload is not JSON: %v\n%s", d.ID, err, d.Payload)
	}
	if m.Type != d.EventType || m.Timestamp.IsZero() {
		t.Errorf("payload type %q at %v, delivery's type %q", m.Type, m.Timestamp, d.EventType)
	}
	return m
}

func TestWebhookEndpoints(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)

		bad := gs.Webhook{CampaignID: f.Campaign.ID, URL: "http://crm.example.org/hooks", Events: []string{"commitment.deleted"}}
		_, err := st.CreateWebhook(ctx, &bad)
		if fields := gs.ErrorFields(err); fields["url"] != "Web address must start with https://" || fields["events"] == "" {
			t.Errorf("bad endpoint: %v", err)
		}

		w := gs.Webhook{CampaignID: f.Campaign.ID, URL: " https://crm.example.org/hooks/groundswell ", Description: " CRM ",
			Events: []string{gs.EventOrganisationJoined, gs.EventCommitmentCreated, gs.EventCommitmentCreated}}
		secret, err := st.CreateWebhook(ctx, &w)
		must(t, err)
		key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, gs.WebhookSecretPrefix))
		if !strings.HasPrefix(secret, gs.WebhookSecretPrefix) || err != nil || len(key) != 32 {
			t.Errorf("secret %q: want whsec_ and 32 bytes in base64 (%v)", secret, err)
		}
		list, err := st.Webhooks(ctx, f.Campaign.ID)
		must(t, err)
		want := []string{gs.EventCommitmentCreated, gs.EventOrganisationJoined}
		if len(list) != 1 || list[0].URL != "https://crm.example.org/hooks/groundswell" || list[0].Description != "CRM" ||
			!slices.Equal(list[0].Events, want) || list[0].Disabled() {
			t.Errorf("listed %+v", list)
		}
		if strings.Contains(strings.ToLower(list[0].URL+list[0].Description), "whsec") {
			t.Error("the list carries the secret")
		}

		// Another campaign's organiser pages cannot reach it.
		other := gs.Campaign{Title: "Other", Purpose: "x", StartsOn: gs.MustDate("2026-01-01"), Status: gs.CampaignLive}
		must(t, st.CreateCampaign(ctx, &other))
		if _, err := st.Webhook(ctx, other.ID, w.ID); gs.ErrorCode(err) != gs.ENOTFOUND {
			t.Errorf("found through another campaign: %v", err)
		}
		for name, err := range map[string]error{
			"disable": st.SetWebhookDisabled(ctx, other.ID, w.ID, true),
			"delete":  st.DeleteWebhook(ctx, other.ID, w.ID),
		} {
			if gs.ErrorCode(err) != gs.ENOTFOUND {
				t.Errorf("%s through another campaign: %v", name, err)
			}
		}
		if _, err := st.RotateWebhookSecret(ctx, other.ID, w.ID, time.Hour); gs.ErrorCode(err) != gs.ENOTFOUND {
			t.Errorf("rotated through another campaign: %v", err)
		}

		must(t, st.SetWebhookDisabled(ctx, f.Campaign.ID, w.ID, true))
		if got, _ := st.Webhook(ctx, f.Campaign.ID, w.ID); !got.Disabled() {
			t.Error("not disabled")
		}
		must(t, st.SetWebhookDisabled(ctx, f.Campaign.ID, w.ID, false))
		if got, _ := st.Webhook(ctx, f.Campaign.ID, w.ID); got.Disabled() {
			t.Error("not enabled again")
		}

		// Rotating: both secrets sign for the overlap, then the new one only.
		res, err := st.Pledge(ctx, f.Pledge("asha@example.org"))
		must(t, err)
		ds := deliveries(t, st, f.Campaign.ID, w.ID)
		if len(ds) != 1 {
			t.Fatalf("deliveries %+v", ds)
		}
		rotated, err := st.RotateWebhookSecret(ctx, f.Campaign.ID, w.ID, time.Hour)
		must(t, err)
		send, err := st.WebhookDeliveryToSend(ctx, ds[0].ID)
		must(t, err)
		if rotated == secret || !slices.Equal(send.Secrets, []string{rotated, secret}) || send.Off {
			t.Errorf("during the overlap, signed with %v; want the new secret and then the old", send.Secrets)
		}
		later := time.Now().Add(2 * time.Hour)
		st.Now = func() time.Time { return later }
		if send, _ := st.WebhookDeliveryToSend(ctx, ds[0].ID); !slices.Equal(send.Secrets, []string{rotated}) {
			t.Errorf("after the overlap, signed with %v", send.Secrets)
		}

		must(t, st.DeleteWebhook(ctx, f.Campaign.ID, w.ID))
		if list, _ := st.Webhooks(ctx, f.Campaign.ID); len(list) != 0 {
			t.Errorf("deleted endpoint still listed: %+v", list)
		}
		if got := deliveries(t, st, f.Campaign.ID, w.ID); len(got) != 0 {
			t.Errorf("deleted endpoint's deliveries still listed: %+v", got)
		}
		if err := st.DeleteWebhook(ctx, f.Campaign.ID, w.ID); gs.ErrorCode(err) != gs.ENOTFOUND {
			t.Errorf("deleted twice: %v", err)
		}
		// New events no longer go to it.
		_, err = st.Pledge(ctx, f.Pledge("bea@example.org"))
		must(t, err)
		storetest.Confirm(t, st, res.Commitment.ID)
		if n := countRows(t, st, "webhook_deliveries"); n != 0 {
			t.Errorf("%d deliveries after the endpoint was deleted", n)
		}
	})
}

// countRows counts a table's rows through the store's own pool.
func countRows(t *testing.T, st *store.Store, table string) int {
	t.Helper()
	var n int
	must(t, st.WriteDB().QueryRow(`SELECT COUNT(*) FROM `+table).Scan(&n))
	return n
}

// TestWebhookEvents makes every kind of event happen, and checks that each
// endpoint of the campaign gets the events it subscribed to, in order, with
// what a CRM needs, and that nothing is written for a campaign without
// endpoints or for an endpoint turned off.
func TestWebhookEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		all, _ := newWebhook(t, st, f.Campaign.ID, gs.WebhookEvents...)
		confirmed, _ := newWebhook(t, st, f.Campaign.ID, gs.EventCommitmentConfirmed)
		off, _ := newWebhook(t, st, f.Campaign.ID, gs.WebhookEvents...)
		must(t, st.SetWebhookDisabled(ctx, f.Campaign.ID, off.ID, true))

		// A campaign without webhooks: its pledges write no deliveries.
		quiet := gs.Campaign{Title: "Quiet", Purpose: "x", StartsOn: gs.MustDate("2026-01-01"), Status: gs.CampaignLive}
		must(t, st.CreateCampaign(ctx, &quiet))
		qg := gs.Group{CampaignID: quiet.ID, Name: "Nurses", Goal: "x"}
		must(t, st.CreateGroup(ctx, &qg))
		qa := gs.Action{GroupID: qg.ID, Title: "Ask", DueOn: gs.MustDate("2027-03-31")}
		must(t, st.CreateAction(ctx, &qa))
		qp := f.Pledge("quiet@example.org")
		qp.ActionID = qa.ID
		qres, err := st.Pledge(ctx, qp)
		must(t, err)
		storetest.Confirm(t, st, qres.Commitment.ID)
		must(t, st.JoinAlliance(ctx, gs.AllianceMember{Organisation: f.Org, CampaignID: quiet.ID}))
		if n := countRows(t, st, "webhook_deliveries"); n != 0 {
			t.Fatalf("a campaign without webhooks wrote %d deliveries", n)
		}

		// Asha pledges, and agrees to be contacted; Bea pledges through
		// Asha's invite link.
		in := f.Pledge("asha@example.org")
		in.ContactOK = true
		in.OrganisationID = f.Org.ID
		asha, err := st.Pledge(ctx, in)
		must(t, err)
		in = f.Pledge("bea@example.org")
		in.Name = "Bea Jones"
		in.ReferralCode = asha.Person.ReferralCode
		bea, err := st.Pledge(ctx, in)
		must(t, err)
		storetest.Confirm(t, st, asha.Commitment.ID)
		must(t, st.SetOwnStatus(ctx, "asha@example.org", asha.Commitment.ID, gs.StatusDone))
		storetest.Confirm(t, st, bea.Commitment.ID)
		must(t, st.ReportOwn(ctx, "bea@example.org", bea.Commitment.ID, gs.OutcomeReport{Outcome: gs.OutcomeCant, Reason: "Moved wards"}))
		// Changes that are none of the events write nothing.
		must(t, st.SetOwnStatus(ctx, "asha@example.org", asha.Commitment.ID, gs.StatusInProgress))
		must(t, st.SetOwnStatus(ctx, "asha@example.org", asha.Commitment.ID, gs.StatusWithdrawn))
		org := gs.Organisation{Name: "Hilltop Care", ODSCode: "VN123", Sector: "Care home"}
		must(t, st.CreateOrganisation(ctx, &org))
		must(t, st.JoinAlliance(ctx, gs.AllianceMember{Organisation: org, CampaignID: f.Campaign.ID, ActionPlan: "Audit every resident's medicines."}))
		// Updating a member's plan is not joining again.
		must(t, st.JoinAlliance(ctx, gs.AllianceMember{Organisation: org, CampaignID: f.Campaign.ID, ActionPlan: "A new plan."}))

		got := deliveries(t, st, f.Campaign.ID, all.ID)
		want := []string{gs.EventCommitmentCreated, gs.EventCommitmentCreated, gs.EventPersonInvited, gs.EventCommitmentConfirmed,
			gs.EventCommitmentDone, gs.EventCommitmentConfirmed, gs.EventCommitmentLapsed, gs.EventOrganisationJoined}
		if !slices.Equal(eventTypes(got), want) {
			t.Fatalf("events %v, want %v", eventTypes(got), want)
		}
		if got := eventTypes(deliveries(t, st, f.Campaign.ID, confirmed.ID)); !slices.Equal(got, []string{gs.EventCommitmentConfirmed, gs.EventCommitmentConfirmed}) {
			t.Errorf("the endpoint for confirmations got %v", got)
		}
		if got := deliveries(t, st, f.Campaign.ID, off.ID); len(got) != 0 {
			t.Errorf("the endpoint turned off got %v", eventTypes(got))
		}
		ids := map[string]bool{}
		for _, d := range got {
			if d.Status != gs.DeliveryPending || d.Attempts != 0 || d.NextAttemptAt.IsZero() || !strings.HasPrefix(d.EventID, "msg_") || ids[d.EventID] {
				t.Errorf("new delivery %+v: want pending, due, with an id of its own", d)
			}
			ids[d.EventID] = true
		}

		// Not yet confirmed: the person is only an id.
		created := decode(t, got[0])
		c := created.Data.Commitment
		if c.ID != asha.Commitment.ID || c.Status != gs.StatusPledged || c.ActionID != f.Actions[0].ID || c.ActionTitle != f.Actions[0].Title ||
			c.ActionDueOn != "2027-03-31" || c.GroupName != f.Group.Name || c.ConfirmedAt != nil || c.CreatedAt.IsZero() {
			t.Errorf("commitment.created: %+v", c)
		}
		if created.Data.Campaign.Slug != f.Campaign.Slug || created.Data.Campaign.ID != f.Campaign.ID {
			t.Errorf("campaign %+v", created.Data.Campaign)
		}
		if p := created.Data.Person; p.ID != asha.Person.ID || p.Confirmed || p.Name != "" || p.Email != "" {
			t.Errorf("an unconfirmed person shown as %+v", p)
		}
		invited := decode(t, got[2])
		if invited.Data.Inviter.ID != asha.Person.ID || invited.Data.Person.ID != bea.Person.ID || invited.Data.CommitmentID != bea.Commitment.ID {
			t.Errorf("person.invited: %+v", invited.Data)
		}
		// Confirmed, and agreed to contact: name and email.
		conf := decode(t, got[3])
		if p := conf.Data.Person; !p.Confirmed || p.Name != "Asha Patel" || p.Email != "asha@example.org" || p.OrganisationName != f.Org.Name {
			t.Errorf("a confirmed person who agreed to contact shown as %+v", p)
		}
		if conf.Data.Commitment.ConfirmedAt == nil {
			t.Error("commitment.confirmed without its confirmed_at")
		}
		if done := decode(t, got[4]); done.Data.Commitment.Status != gs.StatusDone || done.Data.Commitment.Outcome != gs.OutcomeDone {
			t.Errorf("commitment.done: %+v", done.Data.Commitment)
		}
		// Confirmed, without consent to contact: the name but no email.
		lapsed := decode(t, got[6])
		if p := lapsed.Data.Person; !p.Confirmed || p.Name != "Bea Jones" || p.Email != "" {
			t.Errorf("a confirmed person who did not agree to contact shown as %+v", p)
		}
		if strings.Contains(got[6].Payload, "Moved wards") || lapsed.Data.Commitment.Status != gs.StatusLapsed {
			t.Errorf("commitment.lapsed: %s", got[6].Payload)
		}
		joined := decode(t, got[7])
		if o := joined.Data.Organisation; o.ID != org.ID || o.Name != "Hilltop Care" || o.ODSCode != "VN123" || joined.Data.JoinedOn == "" {
			t.Errorf("organisation.joined: %+v", joined.Data)
		}
	})
}

// TestWebhookEventsRollBackWithTheChange: the messages of a change are
// written in its transaction, so a change rolled back sends nothing.
func TestWebhookEventsRollBackWithTheChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		res, err := st.Pledge(ctx, f.Pledge("asha@example.org"))
		must(t, err)
		storetest.Confirm(t, st, res.Commitment.ID)
		w, _ := newWebhook(t, st, f.Campaign.ID, gs.EventCommitmentDone)

		err = st.ReportThenRollBack(ctx, res.Commitment.ID, gs.OutcomeReport{Outcome: gs.OutcomeDone})
		if !errors.Is(err, store.ErrRolledBack) {
			t.Fatalf("report: %v", err)
		}
		if got := deliveries(t, st, f.Campaign.ID, w.ID); len(got) != 0 {
			t.Fatalf("a change rolled back sent %v", eventTypes(got))
		}
		must(t, st.ReportOwn(ctx, "asha@example.org", res.Commitment.ID, gs.OutcomeReport{Outcome: gs.OutcomeDone}))
		if got := deliveries(t, st, f.Campaign.ID, w.ID); !slices.Equal(eventTypes(got), []string{gs.EventCommitmentDone}) {
			t.Fatalf("the change committed sent %v", eventTypes(got))
		}
	})
}

// claimer records the claims ClaimWebhookDeliveries hands out.
type claimer struct {
	mu     sync.Mutex
	claims []store.WebhookClaim
}

func (c *claimer) claim(t *testing.T, st *store.Store) []store.WebhookClaim {
	t.Helper()
	var got []store.WebhookClaim
	_, err := st.ClaimWebhookDeliveries(context.Background(), 100, time.Hour, func(_ *sql.Tx, claims []store.WebhookClaim) error {
		got = claims
		return nil
	})
	must(t, err)
	c.mu.Lock()
	c.claims = append(c.claims, got...)
	c.mu.Unlock()
	return got
}

// TestWebhookDeliveryLifecycle walks deliveries through claims, failed
// attempts, retries, giving up, replays and pauses, by the store's clock.
func TestWebhookDeliveryLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var mu sync.Mutex
		now := time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC)
		st.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		wait := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
		f := storetest.Seed(t, st)
		w, _ := newWebhook(t, st, f.Campaign.ID, gs.EventCommitmentCreated)
		_, err := st.Pledge(ctx, f.Pledge("asha@example.org"))
		must(t, err)
		var c claimer

		first := c.claim(t, st)
		if len(first) != 1 || first[0].Attempt != 1 {
			t.Fatalf("first claim %+v", first)
		}
		id := first[0].DeliveryID
		if again := c.claim(t, st); len(again) != 0 {
			t.Fatalf("claimed twice: %+v", again)
		}
		if _, err := st.ReplayWebhookDelivery(ctx, f.Campaign.ID, id); gs.ErrorCode(err) != gs.ECONFLICT {
			t.Errorf("replay while sending: %v", err)
		}
		ok, err := st.RecordWebhookAttempt(ctx, id, store.WebhookAttempt{Attempt: 1, StatusCode: 503, Error: "HTTP 503", RetryIn: time.Minute})
		must(t, err)
		if !ok {
			t.Fatal("first attempt not recorded")
		}
		// The same attempt again (a job run twice) changes nothing.
		if ok, _ := st.RecordWebhookAttempt(ctx, id, store.WebhookAttempt{Attempt: 1, Delivered: true}); ok {
			t.Error("a stale attempt was recorded")
		}
		d := deliveries(t, st, f.Campaign.ID, w.ID)[0]
		if d.Status != gs.DeliveryRetrying || d.Attempts != 1 || d.LastStatusCode != 503 || d.LastError != "HTTP 503" ||
			!d.NextAttemptAt.Equal(now.Add(time.Minute)) || d.LastAttemptAt.IsZero() {
			t.Errorf("after a failure: %+v", d)
		}
		if got := c.claim(t, st); len(got) != 0 {
			t.Errorf("claimed before its retry was due: %+v", got)
		}
		wait(time.Minute)
		second := c.claim(t, st)
		if len(second) != 1 || second[0] != (store.WebhookClaim{DeliveryID: id, Attempt: 2}) {
			t.Fatalf("second claim %+v", second)
		}
		_, err = st.RecordWebhookAttempt(ctx, id, store.WebhookAttempt{Attempt: 2, Error: "connection refused", GiveUp: true})
		must(t, err)
		d = deliveries(t, st, f.Campaign.ID, w.ID)[0]
		if d.Status != gs.DeliveryGivenUp || !d.Final() || d.Attempts != 2 || !d.NextAttemptAt.IsZero() || d.LastStatusCode != 0 {
			t.Errorf("given up: %+v", d)
		}

		// Replaying a finished delivery makes a new one, due now, with the
		// same message.
		wait(time.Hour)
		replay, err := st.ReplayWebhookDelivery(ctx, f.Campaign.ID, id)
		must(t, err)
		ds := deliveries(t, st, f.Campaign.ID, w.ID)
		if len(ds) != 2 || ds[1].ID != replay.ID || ds[1].ReplayOf != id || ds[1].EventID != d.EventID || ds[1].Payload != d.Payload ||
			ds[1].Status != gs.DeliveryPending || ds[1].Attempts != 0 || ds[0].Status != gs.DeliveryGivenUp {
			t.Fatalf("after replay: %+v", ds)
		}
		third := c.claim(t, st)
		if len(third) != 1 || third[0] != (store.WebhookClaim{DeliveryID: replay.ID, Attempt: 1}) {
			t.Fatalf("replay claimed as %+v", third)
		}
		_, err = st.RecordWebhookAttempt(ctx, replay.ID, store.WebhookAttempt{Attempt: 1, StatusCode: 204, Delivered: true})
		must(t, err)
		if d := deliveries(t, st, f.Campaign.ID, w.ID)[1]; d.Status != gs.DeliveryDelivered || d.DeliveredAt.IsZero() || d.LastStatusCode != 204 {
			t.Errorf("delivered: %+v", d)
		}

		// Replaying one that waits for a retry tries it now, without a
		// copy.
		_, err = st.Pledge(ctx, f.Pledge("bea@example.org"))
		must(t, err)
		fourth := c.claim(t, st)
		_, err = st.RecordWebhookAttempt(ctx, fourth[0].DeliveryID, store.WebhookAttempt{Attempt: 1, StatusCode: 500, RetryIn: time.Hour})
		must(t, err)
		if _, err := st.ReplayWebhookDelivery(ctx, f.Campaign.ID, fourth[0].DeliveryID); err != nil {
			t.Fatal(err)
		}
		if got := c.claim(t, st); len(got) != 1 || got[0] != (store.WebhookClaim{DeliveryID: fourth[0].DeliveryID, Attempt: 2}) {
			t.Errorf("retry now: claimed %+v", got)
		}
		if n := len(deliveries(t, st, f.Campaign.ID, w.ID)); n != 3 {
			t.Errorf("%d deliveries, want 3", n)
		}
		// A job that lost its claim (its node died) leaves it to come due
		// when the lease runs out: the same attempt again.
		wait(2 * time.Hour)
		if got := c.claim(t, st); len(got) != 1 || got[0] != (store.WebhookClaim{DeliveryID: fourth[0].DeliveryID, Attempt: 2}) {
			t.Errorf("after the lease: claimed %+v", got)
		}

		// Turned off, an endpoint's deliveries wait; turned on, they go.
		_, err = st.Pledge(ctx, f.Pledge("cat@example.org"))
		must(t, err)
		must(t, st.SetWebhookDisabled(ctx, f.Campaign.ID, w.ID, true))
		if got := c.claim(t, st); len(got) != 0 {
			t.Errorf("claimed for an endpoint turned off: %+v", got)
		}
		ds = deliveries(t, st, f.Campaign.ID, w.ID)
		if _, err := st.ReplayWebhookDelivery(ctx, f.Campaign.ID, ds[0].ID); gs.ErrorCode(err) != gs.ECONFLICT {
			t.Errorf("replay to an endpoint turned off: %v", err)
		}
		must(t, st.SetWebhookDisabled(ctx, f.Campaign.ID, w.ID, false))
		if got := c.claim(t, st); len(got) != 1 || got[0].DeliveryID != ds[len(ds)-1].ID {
			t.Errorf("after turning it on, claimed %+v", got)
		}
		// A job that finds its endpoint turned off hands the delivery back.
		_, err = st.Pledge(ctx, f.Pledge("dan@example.org"))
		must(t, err)
		claim := c.claim(t, st)
		must(t, st.SetWebhookDisabled(ctx, f.Campaign.ID, w.ID, true))
		send, err := st.WebhookDeliveryToSend(ctx, claim[0].DeliveryID)
		must(t, err)
		if !send.Off {
			t.Error("the endpoint turned off is not reported off")
		}
		must(t, st.ReleaseWebhookDelivery(ctx, claim[0]))
		must(t, st.SetWebhookDisabled(ctx, f.Campaign.ID, w.ID, false))
		if got := c.claim(t, st); len(got) != 1 || got[0] != claim[0] {
			t.Errorf("released and turned on: claimed %+v, want %+v", got, claim[0])
		}

		// Pruning removes finished deliveries of old events, only.
		wait(40 * 24 * time.Hour)
		n, err := st.PruneWebhookDeliveries(ctx, 30*24*time.Hour)
		must(t, err)
		left := deliveries(t, st, f.Campaign.ID, w.ID)
		for _, d := range left {
			if d.Final() {
				t.Errorf("finished delivery %d kept", d.ID)
			}
		}
		if n != 2 || len(left) == 0 {
			t.Errorf("pruned %d, left %d", n, len(left))
		}
	})
}

// TestCopyWebhooksIntoPostgres: migrate-data carries endpoints, their
// secrets and their deliveries, waiting ones included, which the new server
// then sends.
func TestCopyWebhooksIntoPostgres(t *testing.T) {
	ctx := context.Background()
	src := sqliteEnd(t)
	f := storetest.Seed(t, src.st)
	w, secret := newWebhook(t, src.st, f.Campaign.ID, gs.EventCommitmentCreated, gs.EventCommitmentConfirmed)
	res, err := src.st.Pledge(ctx, f.Pledge("asha@example.org"))
	must(t, err)
	storetest.Confirm(t, src.st, res.Commitment.ID)
	off, _ := newWebhook(t, src.st, f.Campaign.ID, gs.EventCommitmentCreated)
	must(t, src.st.SetWebhookDisabled(ctx, f.Campaign.ID, off.ID, true))
	want := deliveries(t, src.st, f.Campaign.ID, w.ID)

	dst := postgresEnd(t)
	if _, err := store.Copy(ctx, src.st, dst.st, nil); err != nil {
		t.Fatal(err)
	}
	hooks, err := dst.st.Webhooks(ctx, f.Campaign.ID)
	must(t, err)
	if len(hooks) != 2 || !slices.Equal(hooks[0].Events, w.Events) || hooks[0].URL != w.URL || !hooks[1].Disabled() {
		t.Errorf("endpoints in PostgreSQL: %+v", hooks)
	}
	got := deliveries(t, dst.st, f.Campaign.ID, w.ID)
	if len(got) != len(want) || len(got) != 2 {
		t.Fatalf("deliveries in PostgreSQL %+v, in SQLite %+v", got, want)
	}
	for i := range got {
		if got[i].ID != want[i].ID || got[i].Payload != want[i].Payload || got[i].EventID != want[i].EventID || !got[i].NextAttemptAt.Equal(want[i].NextAttemptAt) {
			t.Errorf("delivery %d: %+v, was %+v", i, got[i], want[i])
		}
	}
	send, err := dst.st.WebhookDeliveryToSend(ctx, got[0].ID)
	must(t, err)
	if !slices.Equal(send.Secrets, []string{secret}) {
		t.Error("the endpoint's secret did not come across")
	}
	var c claimer
	if claims := c.claim(t, dst.st); len(claims) != 2 {
		t.Errorf("PostgreSQL claims %+v, want both waiting deliveries", claims)
	}
	_, err = dst.st.Pledge(ctx, f.Pledge("bea@example.org"))
	must(t, err)
	if after := deliveries(t, dst.st, f.Campaign.ID, w.ID); len(after) != 3 || after[2].ID <= got[1].ID {
		t.Errorf("a new delivery after the copy: %+v", after)
	}
}

// TestWebhookClaimsKeepABoundedBacklog checks a dispatcher never has more
// than its limit of deliveries claimed and unsent: a backlog behind a slow
// endpoint waits unclaimed instead of piling up jobs whose leases run out.
func TestWebhookClaimsKeepABoundedBacklog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		newWebhook(t, st, f.Campaign.ID, gs.EventCommitmentCreated)
		for i := range 5 {
			_, err := st.Pledge(ctx, f.Pledge(fmt.Sprintf("p%d@example.org", i)))
			must(t, err)
		}
		claim := func() int {
			n, err := st.ClaimWebhookDeliveries(ctx, 3, time.Hour, func(*sql.Tx, []store.WebhookClaim) error { return nil })
			must(t, err)
			return n
		}
		if n := claim(); n != 3 {
			t.Fatalf("first claim took %d, want the limit, 3", n)
		}
		if n := claim(); n != 0 {
			t.Errorf("second claim took %d with 3 still in flight, want 0", n)
		}
	})
}
