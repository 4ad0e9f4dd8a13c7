package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/mobilise"
)

// Webhook events, written as they happen: a transactional outbox. Each event
// becomes one webhook_deliveries row per active endpoint of the campaign
// subscribed to it, in the transaction of the change itself, so a change
// rolled back sends nothing and a change committed is never without its
// messages. Package webhook sends the rows.
//
// The writes that make events call in here: a pledge (pledges.go: created,
// and invited when it came through an invite link), every change to a
// commitment (changeCommitment in rollup.go: confirmed, done, lapsed) and an
// organisation joining an alliance (organisations.go). A campaign without
// webhooks costs each of them one indexed lookup that finds nothing; a batch
// of pledges, one per campaign.

// querier is what an event needs of its transaction: a pledge batch's
// pledgeTx, whose statements are prepared once per batch, and an ordinary
// tx both serve.
type querier interface {
	exec(ctx context.Context, q string, args ...any) (sql.Result, error)
	queryRow(ctx context.Context, q string, args ...any) *sql.Row
}

// subscribers is the FROM and WHERE of the active endpoints of a campaign
// (first argument) subscribed to an event (second).
const subscribers = ` FROM webhooks w JOIN webhook_events e ON e.webhook_id = w.id
	WHERE w.campaign_id = ? AND e.event = ? AND w.disabled_at IS NULL`

// emitEvent writes an event's deliveries: one for each endpoint subscribed.
// data, which may read more, is called only when there is one.
func emitEvent(ctx context.Context, q querier, now time.Time, campaignID int64, event string, data func() (any, error)) error {
	ok, err := subscribed(ctx, q, campaignID, event)
	if err != nil || !ok {
		return err
	}
	return writeEvent(ctx, q, now, campaignID, event, data)
}

// subscribed reports whether an active endpoint of a campaign subscribes to
// an event.
func subscribed(ctx context.Context, q querier, campaignID int64, event string) (bool, error) {
	var one int
	err := q.queryRow(ctx, `SELECT 1`+subscribers+` LIMIT 1`, campaignID, event).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("find webhooks for %s: %w", event, err)
	}
	return true, nil
}

// writeEvent writes an event's deliveries, for the endpoints subscribed.
func writeEvent(ctx context.Context, q querier, now time.Time, campaignID int64, event string, data func() (any, error)) error {
	d, err := data()
	if err != nil {
		return fmt.Errorf("%s webhook data: %w", event, err)
	}
	// Times are kept to the millisecond, as the database keeps them.
	body, err := json.Marshal(gs.WebhookMessage{Type: event, Timestamp: now.Truncate(time.Millisecond), Data: d})
	if err != nil {
		return fmt.Errorf("%s webhook payload: %w", event, err)
	}
	// The casts give PostgreSQL the types of the parameters, which in a
	// SELECT list it cannot infer from the columns they go into.
	_, err = q.exec(ctx, `INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, payload, status, attempts, next_attempt_at, created_at)
		SELECT w.id, CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), 'pending', 0, CAST(? AS BIGINT), CAST(? AS BIGINT)`+subscribers,
		newEventID(), event, string(body), ms(now), ms(now), campaignID, event)
	if err != nil {
		return fmt.Errorf("write %s webhook deliveries: %w", event, err)
	}
	return nil
}

// newEventID names a message (the webhook-id header), as Standard Webhooks'
// examples do: "msg_" and a random part.
func newEventID() string { return "msg_" + newToken() }

type webhookKey struct {
	campaignID int64
	event      string
}

// subscribed is the package's subscribed, asked once per batch for each
// campaign and event: the pledge path's one cost for a campaign without
// webhooks. An endpoint added while a batch is written counts from the next.
func (tx *pledgeTx) subscribed(ctx context.Context, campaignID int64, event string) (bool, error) {
	k := webhookKey{campaignID, event}
	if ok, known := tx.webhooks[k]; known {
		return ok, nil
	}
	ok, err := subscribed(ctx, tx, campaignID, event)
	if err != nil {
		return false, err
	}
	if tx.webhooks == nil {
		tx.webhooks = map[webhookKey]bool{}
	}
	tx.webhooks[k] = ok
	return ok, nil
}

// emitPledge writes the events of a new pledge: commitment.created, and
// person.invited when it made a relationship edge.
func emitPledge(ctx context.Context, tx *pledgeTx, c gs.Commitment, invited bool) error {
	ok, err := tx.subscribed(ctx, c.CampaignID, gs.EventCommitmentCreated)
	if err == nil && ok {
		err = writeEvent(ctx, tx, tx.now, c.CampaignID, gs.EventCommitmentCreated, func() (any, error) {
			return commitmentEventData(ctx, tx, c.ID)
		})
	}
	if err != nil || !invited {
		return err
	}
	if ok, err = tx.subscribed(ctx, c.CampaignID, gs.EventPersonInvited); err != nil || !ok {
		return err
	}
	return writeEvent(ctx, tx, tx.now, c.CampaignID, gs.EventPersonInvited, func() (any, error) {
		d := gs.InvitationEventData{CommitmentID: c.ID, InvitedAt: tx.now.Truncate(time.Millisecond)}
		var err error
		if d.Campaign, err = webhookCampaign(ctx, tx, c.CampaignID); err != nil {
			return nil, err
		}
		if d.Inviter, err = webhookPerson(ctx, tx, c.InvitedByID, c.CampaignID); err != nil {
			return nil, err
		}
		d.Person, err = webhookPerson(ctx, tx, c.PersonID, c.CampaignID)
		return d, err
	})
}

// emitCommitmentChange writes the events of a change to commitment id,
// given its person's commitments in the campaign before and after it:
// confirmed, done, lapsed — each when the commitment has just become so.
func emitCommitmentChange(ctx context.Context, t *tx, campaignID, id int64, before, after []mobilise.Commitment) error {
	b, okB := factOf(before, id)
	a, okA := factOf(after, id)
	if !okB || !okA {
		return nil
	}
	var events []string
	if b.ConfirmedAt.IsZero() && !a.ConfirmedAt.IsZero() {
		events = append(events, gs.EventCommitmentConfirmed)
	}
	if a.Status != b.Status {
		switch a.Status {
		case gs.StatusDone:
			events = append(events, gs.EventCommitmentDone)
		case gs.StatusLapsed:
			events = append(events, gs.EventCommitmentLapsed)
		}
	}
	var data *gs.CommitmentEventData
	for _, e := range events {
		err := emitEvent(ctx, t, t.now, campaignID, e, func() (any, error) {
			if data == nil {
				d, err := commitmentEventData(ctx, t, id)
				if err != nil {
					return nil, err
				}
				data = &d
			}
			return *data, nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func factOf(cs []mobilise.Commitment, id int64) (mobilise.Commitment, bool) {
	for _, c := range cs {
		if c.ID == id {
			return c, true
		}
	}
	return mobilise.Commitment{}, false
}

// emitJoined writes organisation.joined for an organisation that has just
// joined a campaign's alliance.
func emitJoined(ctx context.Context, t *tx, m gs.AllianceMember) error {
	return emitEvent(ctx, t, t.now, m.CampaignID, gs.EventOrganisationJoined, func() (any, error) {
		d := gs.OrganisationEventData{JoinedOn: m.JoinedOn.String(), ActionPlan: m.ActionPlan}
		var err error
		if d.Campaign, err = webhookCampaign(ctx, t, m.CampaignID); err != nil {
			return nil, err
		}
		o := &d.Organisation
		err = t.queryRow(ctx, `SELECT id, name, ods_code, sector FROM organisations WHERE id = ?`, m.Organisation.ID).Scan(&o.ID, &o.Name, &o.ODSCode, &o.Sector)
		if err != nil {
			return nil, fmt.Errorf("read organisation %d: %w", m.Organisation.ID, err)
		}
		return d, nil
	})
}

func webhookCampaign(ctx context.Context, q querier, id int64) (gs.WebhookCampaign, error) {
	var c gs.WebhookCampaign
	if err := q.queryRow(ctx, `SELECT id, slug, title FROM campaigns WHERE id = ?`, id).Scan(&c.ID, &c.Slug, &c.Title); err != nil {
		return c, fmt.Errorf("read campaign %d: %w", id, err)
	}
	return c, nil
}

// commitmentEventData reads a commitment as the commitment.* events show it.
func commitmentEventData(ctx context.Context, q querier, id int64) (gs.CommitmentEventData, error) {
	var d gs.CommitmentEventData
	c := &d.Commitment
	var confirmed time.Time
	var due gs.Date
	var personID int64
	err := q.queryRow(ctx, `SELECT c.id, c.status, c.outcome, c.hours, c.on_behalf, c.channel, c.invited_by_id, c.created_at, c.updated_at, c.confirmed_at,
		a.id, a.title, a.due_on, g.id, g.name, k.id, k.slug, k.title, c.person_id
		FROM commitments c JOIN actions a ON a.id = c.action_id JOIN stakeholder_groups g ON g.id = a.group_id JOIN campaigns k ON k.id = c.campaign_id
		WHERE c.id = ?`, id).Scan(&c.ID, &c.Status, &c.Outcome, &c.Hours, &c.OnBehalf, &c.Channel, scanID{&c.InvitedByID},
		scanTime{&c.CreatedAt}, scanTime{&c.UpdatedAt}, scanTime{&confirmed}, &c.ActionID, &c.ActionTitle, scanDate{&due},
		&c.GroupID, &c.GroupName, &d.Campaign.ID, &d.Campaign.Slug, &d.Campaign.Title, &personID)
	if err != nil {
		return d, fmt.Errorf("read commitment %d: %w", id, err)
	}
	if !confirmed.IsZero() {
		c.ConfirmedAt = &confirmed
	}
	c.ActionDueOn = due.String()
	d.Person, err = webhookPerson(ctx, q, personID, d.Campaign.ID)
	return d, err
}

// webhookPerson reads a person as messages about a campaign show them: their
// name and details only once they have confirmed a pledge in it, their email
// only if they also agreed to be contacted.
func webhookPerson(ctx context.Context, q querier, personID, campaignID int64) (gs.WebhookPerson, error) {
	var p gs.WebhookPerson
	err := q.queryRow(ctx, `SELECT p.id, p.name, p.email, p.profession, p.organisation_id, COALESCE(o.name, p.organisation_name), p.contact_ok,
		EXISTS (SELECT 1 FROM commitments k WHERE k.person_id = p.id AND k.campaign_id = ? AND k.confirmed_at IS NOT NULL)
		FROM people p LEFT JOIN organisations o ON o.id = p.organisation_id WHERE p.id = ?`, campaignID, personID).Scan(
		&p.ID, &p.Name, &p.Email, &p.Profession, scanID{&p.OrganisationID}, &p.OrganisationName, &p.ContactOK, &p.Confirmed)
	if err != nil {
		return p, fmt.Errorf("read person %d: %w", personID, err)
	}
	if !p.Confirmed {
		p = gs.WebhookPerson{ID: p.ID, ContactOK: p.ContactOK}
	}
	if !p.ContactOK {
		p.Email = ""
	}
	return p, nil
}
