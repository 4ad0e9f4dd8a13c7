package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	gs "github.com/groundswell-health/groundswell"
)

// Messages from a group's lead to the people who pledged to the group's
// actions. A message is recorded, and one email job per recipient queued, in
// one transaction, so a message is recorded exactly when its emails exist.
//
// Who receives it: everyone with a confirmed pledge, not withdrawn, to one of
// the group's actions (retired ones too), who has not unsubscribed. Contact
// consent (people.contact_ok) is not asked for: the message is about the
// person's own pledge, which is the follow-up they signed up to, as the
// reminders are. Unsubscribing, from the link in every one of these emails,
// stops it.

// GroupMessageEnqueueFunc queues the email of a group message to one
// recipient, inside the transaction that records the message.
type GroupMessageEnqueueFunc func(ctx context.Context, tx *sql.Tx, r gs.GroupMessageRecipient) error

// ErrNoRecipients is the error of a message that no one could receive.
var ErrNoRecipients = gs.Errorf(gs.ECONFLICT, "No one can receive a message yet: no one has a confirmed pledge to this group's actions who still wants our emails.")

// audience counts, per person with a pledge (not withdrawn) to the group's
// actions, whether any of it is confirmed and whether they unsubscribed.
const audience = `SELECT
	COALESCE(SUM(CASE WHEN x.confirmed = 1 AND x.unsubscribed = 0 THEN 1 ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN x.confirmed = 1 AND x.unsubscribed = 1 THEN 1 ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN x.confirmed = 0 THEN 1 ELSE 0 END), 0)
	FROM (SELECT c.person_id,
		MAX(CASE WHEN c.confirmed_at IS NOT NULL THEN 1 ELSE 0 END) AS confirmed,
		MAX(CASE WHEN p.unsubscribed_at IS NOT NULL THEN 1 ELSE 0 END) AS unsubscribed
		FROM commitments c JOIN actions a ON a.id = c.action_id JOIN people p ON p.id = c.person_id
		WHERE a.group_id = ? AND c.status <> 'withdrawn' GROUP BY c.person_id) x`

// GroupMessageAudience counts who a message to a group would reach now.
func (s *Store) GroupMessageAudience(ctx context.Context, groupID int64) (gs.MessageAudience, error) {
	var a gs.MessageAudience
	err := s.read.QueryRowContext(ctx, s.d.bind(audience), groupID).Scan(&a.Recipients, &a.Unsubscribed, &a.Unconfirmed)
	if err != nil {
		return a, fmt.Errorf("audience of group %d: %w", groupID, err)
	}
	return a, nil
}

// SendGroupMessage records a message to a group and queues, through
// enqueue and in the same transaction, its email to each recipient: one per
// person, through their latest confirmed pledge to the group. A message sent
// before with the same submission key is not sent again: the first is
// returned (and a different message with that key is ECONFLICT).
// A message no one can receive is ErrNoRecipients.
func (s *Store) SendGroupMessage(ctx context.Context, in gs.GroupMessageInput, enqueue GroupMessageEnqueueFunc) (gs.GroupMessage, error) {
	var m gs.GroupMessage
	if err := in.Validate(); err != nil {
		return m, err
	}
	if enqueue == nil {
		return m, errors.New("send group message: no function to queue emails")
	}
	if in.SubmissionKey == "" {
		in.SubmissionKey = newToken()
	}
	err := s.writeTx(ctx, func(t *tx) error {
		if !exists(ctx, t, `SELECT 1 FROM stakeholder_groups WHERE id = ?`, in.GroupID) {
			return gs.Errorf(gs.ENOTFOUND, "group not found")
		}
		var err error
		if m, err = messageByKey(ctx, t, in); err == nil || !errors.Is(err, sql.ErrNoRows) {
			return err // sent already (or a fault)
		}
		recipients, err := groupRecipients(ctx, t, in.GroupID)
		if err != nil {
			return err
		}
		if len(recipients) == 0 {
			return ErrNoRecipients
		}
		m = gs.GroupMessage{GroupID: in.GroupID, SenderID: in.Sender.ID, SenderName: in.Sender.Name, SenderRole: in.SenderRole,
			Subject: in.Subject, Body: in.Body, Recipients: len(recipients), CreatedAt: t.now}
		m.ID, err = t.insertID(ctx, `INSERT INTO group_messages (group_id, sender_user_id, sender_name, sender_role, subject, body, recipients, submission_key, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (submission_key) DO NOTHING`,
			m.GroupID, m.SenderID, m.SenderName, m.SenderRole, m.Subject, m.Body, m.Recipients, in.SubmissionKey, ms(m.CreatedAt))
		if errors.Is(err, sql.ErrNoRows) {
			// The same form, sent at the same moment, got in first.
			m, err = messageByKey(ctx, t, in)
			return err
		} else if err != nil {
			return fmt.Errorf("record message: %w", err)
		}
		// That a message went, to which group and to how many: neither
		// its recipients nor its words, which may name a participant. The
		// words stay with the message (object_id), where an erasure can
		// take a name out of them; this entry could never be changed.
		var campaignID int64
		var group string
		if err := t.queryRow(ctx, `SELECT campaign_id, name FROM stakeholder_groups WHERE id = ?`, m.GroupID).Scan(&campaignID, &group); err != nil {
			return fmt.Errorf("find group %d: %w", m.GroupID, err)
		}
		err = t.audit(ctx, change{campaignID: campaignID, object: gs.AuditGroupMessage, objectID: m.ID, verb: gs.AuditSend,
			label: group, after: struct {
				GroupID    int64  `json:"group_id"`
				SenderRole string `json:"sender_role"`
				Recipients int    `json:"recipients"`
			}{m.GroupID, m.SenderRole, m.Recipients}})
		if err != nil {
			return err
		}
		for _, r := range recipients {
			r.MessageID = m.ID
			if err := enqueue(ctx, t.tx, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return gs.GroupMessage{}, err
	}
	return m, nil
}

// messageByKey finds the message sent with a submission key, which must be
// the same message to the same group; sql.ErrNoRows when there is none.
func messageByKey(ctx context.Context, t *tx, in gs.GroupMessageInput) (gs.GroupMessage, error) {
	m, err := scanGroupMessage(t.queryRow(ctx, `SELECT `+groupMessageColumns+` FROM group_messages WHERE submission_key = ?`, in.SubmissionKey))
	if err != nil {
		return m, err
	}
	if m.GroupID != in.GroupID || m.Subject != in.Subject || m.Body != in.Body {
		return m, gs.Errorf(gs.ECONFLICT, "This form has already been used to send another message. Go back to your group's page and write the message again.")
	}
	return m, nil
}

// groupRecipients lists the people a message to a group goes to, each with
// their latest confirmed pledge to the group, in person order.
func groupRecipients(ctx context.Context, t *tx, groupID int64) ([]gs.GroupMessageRecipient, error) {
	rows, err := t.query(ctx, `SELECT c.person_id, MAX(c.id) FROM commitments c
		JOIN actions a ON a.id = c.action_id JOIN people p ON p.id = c.person_id
		WHERE a.group_id = ? AND c.confirmed_at IS NOT NULL AND c.status <> 'withdrawn' AND p.unsubscribed_at IS NULL
		GROUP BY c.person_id ORDER BY c.person_id`, groupID)
	if err != nil {
		return nil, fmt.Errorf("recipients of group %d: %w", groupID, err)
	}
	defer rows.Close()
	var out []gs.GroupMessageRecipient
	for rows.Next() {
		var r gs.GroupMessageRecipient
		if err := rows.Scan(&r.PersonID, &r.CommitmentID); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

const groupMessageColumns = `id, group_id, sender_user_id, sender_name, sender_role, subject, body, recipients, created_at`

func scanGroupMessage(row interface{ Scan(...any) error }) (gs.GroupMessage, error) {
	var m gs.GroupMessage
	err := row.Scan(&m.ID, &m.GroupID, &m.SenderID, &m.SenderName, &m.SenderRole, &m.Subject, &m.Body, &m.Recipients, scanTime{&m.CreatedAt})
	return m, err
}

// GroupMessageByID returns a message sent to a group.
func (s *Store) GroupMessageByID(ctx context.Context, id int64) (gs.GroupMessage, error) {
	m, err := scanGroupMessage(s.read.QueryRowContext(ctx, s.d.bind(`SELECT `+groupMessageColumns+` FROM group_messages WHERE id = ?`), id))
	return m, notFound(err, "message")
}

// GroupMessages lists the messages sent to a group, newest first.
func (s *Store) GroupMessages(ctx context.Context, groupID int64, limit int) ([]gs.GroupMessage, error) {
	var out []gs.GroupMessage
	err := s.readTx(ctx, func(t *tx) error {
		rows, err := t.query(ctx, `SELECT `+groupMessageColumns+` FROM group_messages WHERE group_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`,
			groupID, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			m, err := scanGroupMessage(rows)
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("messages of group %d: %w", groupID, err)
	}
	return out, nil
}
