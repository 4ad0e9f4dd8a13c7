package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"time"

	gs "github.com/groundswell-health/groundswell"
)

// Webhooks: the endpoints organisers register per campaign, and the record
// of delivering events to them. The events themselves are written where
// they happen, in the same transaction (webhook_events.go); package webhook
// signs and sends them, through the job queue, with the methods below.

// CreateWebhook stores a new endpoint with its events and returns its
// signing secret, to be shown once.
func (s *Store) CreateWebhook(ctx context.Context, w *gs.Webhook) (string, error) {
	if err := w.Validate(); err != nil {
		return "", err
	}
	secret := newWebhookSecret()
	err := s.writeTx(ctx, func(tx *tx) error {
		w.CreatedAt = tx.now
		id, err := tx.insertID(ctx, `INSERT INTO webhooks (campaign_id, url, description, secret, created_at) VALUES (?, ?, ?, ?, ?)`,
			w.CampaignID, w.URL, w.Description, secret, ms(tx.now))
		if isForeignKeyViolation(err) {
			return gs.Errorf(gs.ENOTFOUND, "campaign not found")
		} else if err != nil {
			return fmt.Errorf("create webhook: %w", err)
		}
		w.ID = id
		for _, e := range w.Events {
			if _, err := tx.exec(ctx, `INSERT INTO webhook_events (webhook_id, event) VALUES (?, ?)`, id, e); err != nil {
				return fmt.Errorf("subscribe webhook to %s: %w", e, err)
			}
		}
		// The signing secret is never audited.
		return tx.audit(ctx, change{campaignID: w.CampaignID, object: gs.AuditWebhook, objectID: id, verb: gs.AuditCreate,
			label: auditURL(w.URL), after: snapWebhook(*w)})
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// newWebhookSecret makes a signing secret of 256 random bits, the key size
// of HMAC-SHA256.
func newWebhookSecret() string { return gs.WebhookSecretFrom(randomBytes(32)) }

const webhookColumns = `w.id, w.campaign_id, w.url, w.description, w.created_at, w.disabled_at`

func scanWebhook(scan func(...any) error, w *gs.Webhook) error {
	return scan(&w.ID, &w.CampaignID, &w.URL, &w.Description, scanTime{&w.CreatedAt}, scanTime{&w.DisabledAt})
}

// Webhooks lists a campaign's endpoints, oldest first, with their events;
// deleted ones are not listed.
func (s *Store) Webhooks(ctx context.Context, campaignID int64) ([]gs.Webhook, error) {
	var out []gs.Webhook
	err := s.readTx(ctx, func(tx *tx) error {
		err := eachRow(ctx, tx, `SELECT `+webhookColumns+` FROM webhooks w WHERE w.campaign_id = ? AND w.deleted_at IS NULL ORDER BY w.id`,
			[]any{campaignID}, func(scan func(...any) error) error {
				var w gs.Webhook
				if err := scanWebhook(scan, &w); err != nil {
					return err
				}
				out = append(out, w)
				return nil
			})
		if err != nil {
			return err
		}
		events := map[int64][]string{}
		err = eachRow(ctx, tx, `SELECT e.webhook_id, e.event FROM webhook_events e JOIN webhooks w ON w.id = e.webhook_id
			WHERE w.campaign_id = ? AND w.deleted_at IS NULL`, []any{campaignID}, func(scan func(...any) error) error {
			var id int64
			var e string
			if err := scan(&id, &e); err != nil {
				return err
			}
			events[id] = append(events[id], e)
			return nil
		})
		for i := range out {
			out[i].Events = inEventOrder(events[out[i].ID])
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list webhooks of campaign %d: %w", campaignID, err)
	}
	return out, nil
}

func inEventOrder(events []string) []string {
	var out []string
	for _, e := range gs.WebhookEvents {
		if slices.Contains(events, e) {
			out = append(out, e)
		}
	}
	return out
}

// webhookForChange reads one of a campaign's endpoints (not deleted), with
// its events, about to be changed.
func webhookForChange(ctx context.Context, tx *tx, campaignID, id int64) (gs.Webhook, error) {
	var w gs.Webhook
	err := scanWebhook(tx.queryRow(ctx, `SELECT `+webhookColumns+` FROM webhooks w WHERE w.id = ? AND w.campaign_id = ? AND w.deleted_at IS NULL`+tx.d.forChange,
		id, campaignID).Scan, &w)
	if err != nil {
		return w, notFound(err, "webhook")
	}
	var events []string
	err = eachRow(ctx, tx, `SELECT event FROM webhook_events WHERE webhook_id = ?`, []any{id}, func(scan func(...any) error) error {
		var e string
		if err := scan(&e); err != nil {
			return err
		}
		events = append(events, e)
		return nil
	})
	w.Events = inEventOrder(events)
	return w, err
}

func snapWebhook(w gs.Webhook) webhookSnap {
	events := w.Events
	if events == nil {
		events = []string{}
	}
	return webhookSnap{URL: auditURL(w.URL), Description: w.Description, Events: events, Disabled: w.Disabled()}
}

// auditURL is an endpoint's address as the audit log keeps it: scheme and
// host only. The path of a chat or automation service's hook address is
// itself a secret (whoever has it can post), and the log is kept for ever
// and read through the API.
func auditURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(an address)"
	}
	out := u.Scheme + "://" + u.Host
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" {
		out += "/…"
	}
	return out
}

// Webhook returns one of a campaign's endpoints; one of another campaign,
// or deleted, is not found.
func (s *Store) Webhook(ctx context.Context, campaignID, id int64) (gs.Webhook, error) {
	list, err := s.Webhooks(ctx, campaignID)
	if err != nil {
		return gs.Webhook{}, err
	}
	for _, w := range list {
		if w.ID == id {
			return w, nil
		}
	}
	return gs.Webhook{}, gs.Errorf(gs.ENOTFOUND, "webhook not found")
}

// SetWebhookDisabled turns a campaign's endpoint off or back on. While it is
// off, no events are written for it and its waiting deliveries are paused
// (they keep their place and go when it is turned on again).
func (s *Store) SetWebhookDisabled(ctx context.Context, campaignID, id int64, disabled bool) error {
	return s.writeTx(ctx, func(tx *tx) error {
		hook, err := webhookForChange(ctx, tx, campaignID, id)
		if err != nil {
			return fmt.Errorf("turn webhook %d on or off: %w", id, err)
		}
		if disabled {
			err = tx.update(ctx, "webhook", `UPDATE webhooks SET disabled_at = COALESCE(disabled_at, ?)
				WHERE id = ? AND campaign_id = ? AND deleted_at IS NULL`, ms(tx.now), id, campaignID)
			if err == nil {
				_, err = tx.exec(ctx, `UPDATE webhook_deliveries SET next_attempt_at = NULL WHERE webhook_id = ? AND status IN ('pending', 'retrying')`, id)
			}
		} else {
			err = tx.update(ctx, "webhook", `UPDATE webhooks SET disabled_at = NULL WHERE id = ? AND campaign_id = ? AND deleted_at IS NULL`,
				id, campaignID)
			if err == nil {
				_, err = tx.exec(ctx, `UPDATE webhook_deliveries SET next_attempt_at = ?
					WHERE webhook_id = ? AND status IN ('pending', 'retrying') AND next_attempt_at IS NULL`, ms(tx.now), id)
			}
		}
		if err != nil {
			return fmt.Errorf("turn webhook %d on or off: %w", id, err)
		}
		verb, after := gs.AuditEnable, snapWebhook(hook)
		if disabled {
			verb = gs.AuditDisable
		}
		after.Disabled = disabled
		return tx.audit(ctx, change{campaignID: campaignID, object: gs.AuditWebhook, objectID: id, verb: verb,
			label: auditURL(hook.URL), before: snapWebhook(hook), after: after})
	})
}

// DeleteWebhook removes a campaign's endpoint and its deliveries. Its row
// stays, without its secret and hidden, so that a pledge writing a delivery
// for it at this moment does not fail on the reference; such a delivery is
// never sent, and is removed with the others by PruneWebhookDeliveries.
func (s *Store) DeleteWebhook(ctx context.Context, campaignID, id int64) error {
	return s.writeTx(ctx, func(tx *tx) error {
		hook, err := webhookForChange(ctx, tx, campaignID, id)
		if err != nil {
			return err
		}
		err = tx.update(ctx, "webhook", `UPDATE webhooks SET deleted_at = ?, disabled_at = COALESCE(disabled_at, ?), secret = '', previous_secret = ''
			WHERE id = ? AND campaign_id = ? AND deleted_at IS NULL`, ms(tx.now), ms(tx.now), id, campaignID)
		if err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM webhook_events WHERE webhook_id = ?`, `DELETE FROM webhook_deliveries WHERE webhook_id = ?`} {
			if _, err := tx.exec(ctx, q, id); err != nil {
				return fmt.Errorf("delete webhook %d: %w", id, err)
			}
		}
		return tx.audit(ctx, change{campaignID: campaignID, object: gs.AuditWebhook, objectID: id, verb: gs.AuditDelete,
			label: auditURL(hook.URL), before: snapWebhook(hook)})
	})
}

// RotateWebhookSecret gives a campaign's endpoint a new signing secret and
// returns it. For overlap after, messages are signed with the old secret as
// well as the new one (Standard Webhooks allows several signatures), so the
// receiver can change over without refusing any.
func (s *Store) RotateWebhookSecret(ctx context.Context, campaignID, id int64, overlap time.Duration) (string, error) {
	secret := newWebhookSecret()
	err := s.writeTx(ctx, func(tx *tx) error {
		hook, err := webhookForChange(ctx, tx, campaignID, id)
		if err != nil {
			return err
		}
		if err := tx.update(ctx, "webhook", `UPDATE webhooks SET previous_secret = secret, previous_secret_until = ?, secret = ?
			WHERE id = ? AND campaign_id = ? AND deleted_at IS NULL`, ms(tx.now.Add(overlap)), secret, id, campaignID); err != nil {
			return err
		}
		// That the secret changed, and until when the old one signs too;
		// neither secret.
		until := tx.now.Add(overlap).Truncate(time.Millisecond)
		return tx.audit(ctx, change{campaignID: campaignID, object: gs.AuditWebhook, objectID: id, verb: gs.AuditRotate,
			label: auditURL(hook.URL), after: struct {
				OldSecretSignsUntil time.Time `json:"old_secret_signs_until"`
			}{until}})
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

const deliveryColumns = `d.id, d.webhook_id, w.url, d.event_id, d.event_type, d.payload, d.status, d.attempts, d.next_attempt_at,
	d.last_attempt_at, d.last_status_code, d.last_error, d.delivered_at, d.created_at, d.replay_of`

func scanDelivery(scan func(...any) error, d *gs.WebhookDelivery, extra ...any) error {
	return scan(append([]any{&d.ID, &d.WebhookID, &d.WebhookURL, &d.EventID, &d.EventType, &d.Payload, &d.Status, &d.Attempts,
		scanTime{&d.NextAttemptAt}, scanTime{&d.LastAttemptAt}, &d.LastStatusCode, &d.LastError, scanTime{&d.DeliveredAt},
		scanTime{&d.CreatedAt}, scanID{&d.ReplayOf}}, extra...)...)
}

// DeliveryFilter selects a campaign's webhook deliveries.
type DeliveryFilter struct {
	CampaignID int64
	WebhookID  int64 // 0: every endpoint of the campaign
	Limit      int   // at most this many; 0 means 100
}

// WebhookDeliveries lists a campaign's deliveries, newest first.
func (s *Store) WebhookDeliveries(ctx context.Context, f DeliveryFilter) ([]gs.WebhookDelivery, error) {
	q := `SELECT ` + deliveryColumns + ` FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
		WHERE w.campaign_id = ? AND w.deleted_at IS NULL`
	args := []any{f.CampaignID}
	if f.WebhookID != 0 {
		q += ` AND d.webhook_id = ?`
		args = append(args, f.WebhookID)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	args = append(args, limit)
	var out []gs.WebhookDelivery
	err := s.readTx(ctx, func(tx *tx) error {
		return eachRow(ctx, tx, q+` ORDER BY d.id DESC LIMIT ?`, args, func(scan func(...any) error) error {
			var d gs.WebhookDelivery
			if err := scanDelivery(scan, &d); err != nil {
				return err
			}
			out = append(out, d)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list webhook deliveries of campaign %d: %w", f.CampaignID, err)
	}
	return out, nil
}

// ReplayWebhookDelivery sends one of a campaign's deliveries again. A
// delivery that is over (delivered or given up) is copied into a new one,
// with the same message id and body, which is tried at once with a fresh
// set of attempts; one still waiting to be retried is tried at once. It
// returns the delivery that will be tried.
func (s *Store) ReplayWebhookDelivery(ctx context.Context, campaignID, id int64) (gs.WebhookDelivery, error) {
	var d gs.WebhookDelivery
	err := s.writeTx(ctx, func(tx *tx) error {
		var disabled time.Time
		err := scanDelivery(tx.queryRow(ctx, `SELECT `+deliveryColumns+`, w.disabled_at FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
			WHERE d.id = ? AND w.campaign_id = ? AND w.deleted_at IS NULL`, id, campaignID).Scan, &d, scanTime{&disabled})
		if err != nil {
			return notFound(err, "webhook delivery")
		}
		switch {
		case !disabled.IsZero():
			return gs.Errorf(gs.ECONFLICT, "This endpoint is turned off. Turn it on to send its deliveries again.")
		case d.Status == gs.DeliverySending:
			return gs.Errorf(gs.ECONFLICT, "This delivery is being sent now. Wait for the result before sending it again.")
		case !d.Final():
			d.NextAttemptAt = tx.now
			if _, err := tx.exec(ctx, `UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ?`, ms(tx.now), id); err != nil {
				return err
			}
			return auditReplay(ctx, tx, campaignID, id, d)
		}
		replay := gs.WebhookDelivery{WebhookID: d.WebhookID, WebhookURL: d.WebhookURL, EventID: d.EventID, EventType: d.EventType,
			Payload: d.Payload, Status: gs.DeliveryPending, NextAttemptAt: tx.now, CreatedAt: tx.now, ReplayOf: d.ID}
		replay.ID, err = tx.insertID(ctx, `INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, payload, status, attempts, next_attempt_at, replay_of, created_at)
			VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)`, d.WebhookID, d.EventID, d.EventType, d.Payload, gs.DeliveryPending, ms(tx.now), d.ID, ms(tx.now))
		if err != nil {
			return err
		}
		d = replay
		return auditReplay(ctx, tx, campaignID, id, d)
	})
	if err != nil {
		return d, fmt.Errorf("replay webhook delivery %d: %w", id, err)
	}
	return d, nil
}

// auditReplay records that an organiser sent delivery id again, as d (the
// delivery itself, or its copy). The message's body is not recorded: it
// may name the person who pledged.
func auditReplay(ctx context.Context, tx *tx, campaignID, id int64, d gs.WebhookDelivery) error {
	return tx.audit(ctx, change{campaignID: campaignID, object: gs.AuditDelivery, objectID: id, verb: gs.AuditReplay,
		label: d.EventType, after: struct {
			WebhookID  int64  `json:"webhook_id"`
			EventType  string `json:"event_type"`
			EventID    string `json:"message_id"`
			DeliveryID int64  `json:"delivery_id"`
		}{d.WebhookID, d.EventType, d.EventID, d.ID}})
}

// WebhookClaim is a delivery handed to a job, for one attempt.
type WebhookClaim struct {
	DeliveryID int64 `json:"delivery_id"`
	Attempt    int   `json:"attempt"` // 1 for the first
}

// ClaimWebhookDeliveries takes deliveries that are due — as many as keep at
// most limit claimed and not yet sent — marks
// them sending until lease has passed, and calls enqueue with them inside
// the same transaction: each is handed to exactly one job, and a failed
// enqueue claims nothing. A claim whose job is lost (its node died, and
// the queue gave up on it) comes due again when its lease runs out. It
// returns how many it claimed.
func (s *Store) ClaimWebhookDeliveries(ctx context.Context, limit int, lease time.Duration, enqueue func(tx *sql.Tx, claims []WebhookClaim) error) (int, error) {
	// Most runs find nothing due: they ask a reader first, rather than
	// take the write connection (SQLite's only one) every second.
	var one int
	err := s.read.QueryRowContext(ctx, s.d.bind(`SELECT 1 FROM webhook_deliveries WHERE next_attempt_at <= ? LIMIT 1`), ms(s.Now())).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("look for webhook deliveries due: %w", err)
	}
	var claims []WebhookClaim
	err = s.writeTx(ctx, func(tx *tx) error {
		// At most limit deliveries are in flight: claims whose jobs have not
		// yet run count against it, so a backlog behind a slow endpoint
		// waits here, unclaimed, rather than as jobs whose leases could run
		// out (and be claimed again) before their turn.
		var inFlight int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'sending' AND next_attempt_at > ?`,
			ms(tx.now)).Scan(&inFlight); err != nil {
			return err
		}
		room := limit - inFlight
		if room <= 0 {
			return nil
		}
		// The outer condition is checked again on each row as it is
		// updated, so on PostgreSQL two dispatchers at once cannot both
		// claim one delivery.
		rows, err := tx.query(ctx, `UPDATE webhook_deliveries SET status = 'sending', next_attempt_at = ?
			WHERE id IN (SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
				WHERE d.next_attempt_at <= ? AND w.disabled_at IS NULL ORDER BY d.next_attempt_at, d.id LIMIT ?)
			AND next_attempt_at <= ? RETURNING id, attempts`, ms(tx.now.Add(lease)), ms(tx.now), room, ms(tx.now))
		if err != nil {
			return err
		}
		for rows.Next() {
			var c WebhookClaim
			if err := rows.Scan(&c.DeliveryID, &c.Attempt); err != nil {
				rows.Close()
				return err
			}
			c.Attempt++
			claims = append(claims, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(claims) == 0 {
			return err
		}
		slices.SortFunc(claims, func(a, b WebhookClaim) int { return int(a.DeliveryID - b.DeliveryID) })
		return enqueue(tx.tx, claims)
	})
	if err != nil {
		return 0, fmt.Errorf("claim webhook deliveries: %w", err)
	}
	return len(claims), nil
}

// WebhookSend is what a job needs to make one attempt at a delivery.
type WebhookSend struct {
	Delivery gs.WebhookDelivery
	// Secrets sign the message: the endpoint's secret, and its previous one
	// while a rotation lets both sign.
	Secrets []string
	// Off is set when the endpoint is turned off or deleted: nothing is sent.
	Off bool
}

// WebhookDeliveryToSend reads a delivery and its endpoint for an attempt.
func (s *Store) WebhookDeliveryToSend(ctx context.Context, id int64) (WebhookSend, error) {
	var ws WebhookSend
	var secret, previous string
	var until, disabled time.Time
	err := scanDelivery(s.read.QueryRowContext(ctx, s.d.bind(`SELECT `+deliveryColumns+`, w.secret, w.previous_secret, w.previous_secret_until, w.disabled_at
		FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE d.id = ?`), id).Scan,
		&ws.Delivery, &secret, &previous, scanTime{&until}, scanTime{&disabled})
	if err != nil {
		return ws, fmt.Errorf("read webhook delivery %d: %w", id, notFound(err, "webhook delivery"))
	}
	ws.Off = !disabled.IsZero()
	ws.Secrets = []string{secret}
	if previous != "" && until.After(s.Now()) {
		ws.Secrets = append(ws.Secrets, previous)
	}
	return ws, nil
}

// WebhookAttempt is the result of one attempt at a delivery.
type WebhookAttempt struct {
	Attempt    int // which attempt: 1 for the first
	StatusCode int // the endpoint's HTTP status; 0 if it gave none
	Error      string
	Delivered  bool
	// GiveUp ends a failed delivery; otherwise it is tried again after
	// RetryIn.
	GiveUp  bool
	RetryIn time.Duration
}

// RecordWebhookAttempt records an attempt at a claimed delivery: delivered,
// to be retried, or given up. It reports false, recording nothing, when the
// attempt is not the delivery's current one (a job run twice).
func (s *Store) RecordWebhookAttempt(ctx context.Context, id int64, a WebhookAttempt) (bool, error) {
	var recorded bool
	err := s.writeTx(ctx, func(tx *tx) error {
		status, next, delivered := gs.DeliveryRetrying, any(ms(tx.now.Add(a.RetryIn))), any(nil)
		switch {
		case a.Delivered:
			status, next, delivered = gs.DeliveryDelivered, nil, ms(tx.now)
		case a.GiveUp:
			status, next = gs.DeliveryGivenUp, nil
		}
		res, err := tx.exec(ctx, `UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?, last_attempt_at = ?,
			last_status_code = ?, last_error = ?, delivered_at = ? WHERE id = ? AND status = 'sending' AND attempts = ?`,
			status, a.Attempt, next, ms(tx.now), a.StatusCode, a.Error, delivered, id, a.Attempt-1)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		recorded = n == 1
		return err
	})
	if err != nil {
		return false, fmt.Errorf("record attempt %d at webhook delivery %d: %w", a.Attempt, id, err)
	}
	return recorded, nil
}

// ReleaseWebhookDelivery hands back a claimed delivery without an attempt,
// because its endpoint was turned off: it waits, paused, until it is turned
// on again (at once, if that has happened meanwhile).
func (s *Store) ReleaseWebhookDelivery(ctx context.Context, c WebhookClaim) error {
	err := s.writeTx(ctx, func(tx *tx) error {
		_, err := tx.exec(ctx, `UPDATE webhook_deliveries SET status = CASE WHEN attempts = 0 THEN 'pending' ELSE 'retrying' END,
			next_attempt_at = CASE WHEN (SELECT disabled_at FROM webhooks WHERE webhooks.id = webhook_deliveries.webhook_id) IS NULL THEN CAST(? AS BIGINT) END
			WHERE id = ? AND status = 'sending' AND attempts = ?`, ms(tx.now), c.DeliveryID, c.Attempt-1)
		return err
	})
	if err != nil {
		return fmt.Errorf("release webhook delivery %d: %w", c.DeliveryID, err)
	}
	return nil
}

// PruneWebhookDeliveries removes the finished deliveries of events older
// than keep, and every delivery of a deleted endpoint, and returns how many
// it removed. Their payloads hold people's details, which are kept no longer
// than the record of delivery is useful.
func (s *Store) PruneWebhookDeliveries(ctx context.Context, keep time.Duration) (int, error) {
	var n int64
	err := s.writeTx(ctx, func(tx *tx) error {
		res, err := tx.exec(ctx, `DELETE FROM webhook_deliveries WHERE (created_at < ? AND status IN ('delivered', 'given_up'))
			OR webhook_id IN (SELECT id FROM webhooks WHERE deleted_at IS NOT NULL)`, ms(tx.now.Add(-keep)))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("prune webhook deliveries: %w", err)
	}
	return int(n), nil
}
