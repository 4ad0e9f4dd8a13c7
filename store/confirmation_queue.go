package store

import (
	"context"
	"database/sql"
	"fmt"

	"time"

	gs "github.com/groundswell-health/groundswell"
)

// QueueConfirmations takes up to limit new pledges whose confirmation email
// has not been enqueued, calls enqueue with their IDs inside a transaction,
// and marks them queued in that same transaction: each pledge's email is
// enqueued exactly once, and a failed enqueue marks nothing. It returns how
// many were queued.
func (s *Store) QueueConfirmations(ctx context.Context, limit int, enqueue func(tx *sql.Tx, commitmentIDs []int64) error) (int, error) {
	var ids []int64
	err := s.writeTx(ctx, func(tx *tx) error {
		rows, err := tx.query(ctx, `SELECT id FROM commitments WHERE confirmed_at IS NULL AND confirmation_queued_at IS NULL ORDER BY id LIMIT ?`, limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(ids) == 0 {
			return err
		}
		if err := enqueue(tx.tx, ids); err != nil {
			return err
		}
		args := make([]any, 0, len(ids)+1)
		args = append(args, ms(tx.now))
		for _, id := range ids {
			args = append(args, id)
		}
		_, err = tx.exec(ctx, `UPDATE commitments SET confirmation_queued_at = ? WHERE id IN (`+
			placeholders(len(ids))+`)`, args...)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("queue confirmation emails: %w", err)
	}
	return len(ids), nil
}

// MessageSent reports whether an email of a kind about a pledge has been
// recorded (sent, or kept in the outbox): a job sending a batch of emails
// that runs again skips those already done.
func (s *Store) MessageSent(ctx context.Context, commitmentID int64, kind string) (bool, error) {
	var n int
	err := s.read.QueryRowContext(ctx, s.d.bind(`SELECT COUNT(*) FROM messages WHERE commitment_id = ? AND kind = ?`), commitmentID, kind).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("look for %s message of pledge %d: %w", kind, commitmentID, err)
	}
	return n > 0, nil
}

// TokenRequest asks for one one-time link token.
type TokenRequest struct {
	CommitmentID int64
	Email        string
}

// IssueTokens makes one token of a purpose for each request, in one
// transaction, and returns them in order.
func (s *Store) IssueTokens(ctx context.Context, purpose string, reqs []TokenRequest, ttl time.Duration) ([]string, error) {
	tokens := make([]string, len(reqs))
	err := s.writeTx(ctx, func(tx *tx) error {
		for i, r := range reqs {
			tokens[i] = newToken()
			if _, err := tx.exec(ctx, `INSERT INTO tokens (token_hash, purpose, commitment_id, email, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
				hashToken(tokens[i]), purpose, nullID(r.CommitmentID), r.Email, ms(tx.now), ms(tx.now.Add(ttl))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("issue %d %s tokens: %w", len(reqs), purpose, err)
	}
	return tokens, nil
}

// RecordMessages keeps many composed emails in one transaction.
func (s *Store) RecordMessages(ctx context.Context, msgs []gs.OutboxMessage) error {
	return s.writeTx(ctx, func(tx *tx) error {
		for _, m := range msgs {
			if _, err := tx.exec(ctx, `INSERT INTO messages (kind, to_email, to_name, subject, text_body, html_body, status, commitment_id, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				m.Kind, m.ToEmail, m.ToName, m.Subject, m.Text, m.HTML, m.Status, nullID(m.CommitmentID), ms(tx.now)); err != nil {
				return fmt.Errorf("record message: %w", err)
			}
		}
		return nil
	})
}
