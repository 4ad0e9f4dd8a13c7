package store

import (
	"context"
	"fmt"

	gs "github.com/groundswell-health/groundswell"
)

// GroupParticipants lists the pledges to a group's actions, newest first,
// for its leads. The email is given only for people who agreed to be
// contacted.
func (s *Store) GroupParticipants(ctx context.Context, groupID int64) ([]gs.Participant, error) {
	var out []gs.Participant
	err := s.readTx(ctx, func(tx *tx) error {
		rows, err := tx.query(ctx, `SELECT p.name, CASE WHEN p.contact_ok THEN p.email ELSE '' END, p.profession, a.title, c.status, c.confirmed_at, c.created_at
			FROM commitments c JOIN people p ON p.id = c.person_id JOIN actions a ON a.id = c.action_id
			WHERE a.group_id = ? ORDER BY c.created_at DESC, c.id DESC LIMIT 500`, groupID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p gs.Participant
			if err := rows.Scan(&p.Name, &p.Email, &p.Profession, &p.ActionTitle, &p.Status, scanNullTime{&p.ConfirmedAt}, scanTime{&p.PledgedAt}); err != nil {
				return err
			}
			out = append(out, p)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("participants of group %d: %w", groupID, err)
	}
	return out, nil
}

// OwnCommitments lists the pledges of the person with the email, newest first.
func (s *Store) OwnCommitments(ctx context.Context, email string) ([]gs.Receipt, error) {
	var out []gs.Receipt
	err := s.readTx(ctx, func(tx *tx) error {
		rows, err := tx.query(ctx, `SELECT c.receipt_token FROM commitments c JOIN people p ON p.id = c.person_id
			WHERE p.email = ? ORDER BY c.created_at DESC, c.id DESC`, gs.NormalizeEmail(email))
		if err != nil {
			return err
		}
		var tokens []string
		for rows.Next() {
			var t string
			if err := rows.Scan(&t); err != nil {
				rows.Close()
				return err
			}
			tokens = append(tokens, t)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, t := range tokens {
			r, err := receipt(ctx, tx, `c.receipt_token = ?`, t)
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("commitments of %s: %w", email, err)
	}
	return out, nil
}

// SetOwnStatus changes the status of a pledge by its owner, identified by
// email: it is ENOTFOUND for anyone else's pledge. Owners may mark a pledge
// in progress or done, withdraw it, or revive a lapsed one. The outcome
// follows, as if reported (ReportOwn): done is done, and in progress is "not
// yet", which takes the pledge off its group leads' follow-up list if it was
// blocked; withdrawing leaves the last outcome as it was.
func (s *Store) SetOwnStatus(ctx context.Context, email string, commitmentID int64, status string) error {
	set := `status = ?, updated_at = ?`
	switch status {
	case gs.StatusDone:
		// reported_at dates it done, for its certificate.
		set += `, outcome = 'done', outcome_reason = '', reported_at = ?`
	case gs.StatusInProgress:
		set += `, outcome = 'not_yet', outcome_reason = '', reported_at = COALESCE(?, reported_at)`
	case gs.StatusWithdrawn:
		set += `, reported_at = COALESCE(?, reported_at)`
	default:
		return gs.FieldErrors{"status": "Choose what has happened to your pledge"}.Err()
	}
	return s.writeTx(ctx, func(tx *tx) error {
		var reported any // only done is dated
		if status == gs.StatusDone {
			reported = ms(tx.now)
		}
		return changeCommitment(ctx, tx, commitmentID, func() error {
			return tx.update(ctx, "pledge", `UPDATE commitments SET `+set+` WHERE id = ? AND person_id = (SELECT id FROM people WHERE email = ?)`,
				status, ms(tx.now), reported, commitmentID, gs.NormalizeEmail(email))
		})
	})
}
