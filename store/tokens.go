package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	gs "github.com/groundswell-health/groundswell"
)

// IssueToken makes a one-time link token for a purpose, valid for ttl, and
// returns it; only its hash is stored.
func (s *Store) IssueToken(ctx context.Context, purpose string, commitmentID int64, email string, ttl time.Duration) (string, error) {
	token := newToken()
	err := s.writeTx(ctx, func(tx *tx) error {
		_, err := tx.exec(ctx, `INSERT INTO tokens (token_hash, purpose, commitment_id, email, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
			hashToken(token), purpose, nullID(commitmentID), email, ms(tx.now), ms(tx.now.Add(ttl)))
		if isForeignKeyViolation(err) {
			// The pledge is gone: expired unconfirmed, say.
			return gs.Errorf(gs.ENOTFOUND, "pledge not found")
		}
		return err
	})
	if err != nil {
		return "", fmt.Errorf("issue %s token: %w", purpose, err)
	}
	return token, nil
}

// useToken spends a token inside tx: it must exist for the purpose, be
// unexpired and unused. It returns the commitment the token is for.
func useToken(ctx context.Context, tx *tx, purpose, token string) (int64, error) {
	var commitmentID int64
	var expires int64
	var used sql.NullInt64
	err := tx.queryRow(ctx, `SELECT commitment_id, expires_at, used_at FROM tokens WHERE token_hash = ? AND purpose = ?`,
		hashToken(token), purpose).Scan(scanID{&commitmentID}, &expires, &used)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, gs.Errorf(gs.ENOTFOUND, "This link is not recognised. Check you copied the whole link from the email")
	case err != nil:
		return 0, fmt.Errorf("find token: %w", err)
	case used.Valid:
		return commitmentID, errTokenUsed
	case expires <= ms(tx.now):
		return commitmentID, gs.Errorf(gs.ECONFLICT, "This link has expired")
	}
	if _, err := tx.exec(ctx, `UPDATE tokens SET used_at = ? WHERE token_hash = ?`, ms(tx.now), hashToken(token)); err != nil {
		return 0, fmt.Errorf("spend token: %w", err)
	}
	return commitmentID, nil
}

var errTokenUsed = gs.Errorf(gs.ECONFLICT, "This link has already been used")

// ConfirmPledge follows a confirmation link: the pledge now counts. A link
// followed a second time changes nothing and returns the confirmed pledge;
// an unknown or expired one is an error and changes nothing.
func (s *Store) ConfirmPledge(ctx context.Context, token string) (gs.Receipt, error) {
	var r gs.Receipt
	err := s.writeTx(ctx, func(tx *tx) error {
		id, err := useToken(ctx, tx, gs.TokenConfirm, token)
		if errors.Is(err, errTokenUsed) {
			r, err = receipt(ctx, tx, `c.id = ?`, id)
			if err == nil && !r.Commitment.Confirmed() {
				return errTokenUsed
			}
			return err
		} else if err != nil {
			return err
		}
		if err := changeCommitment(ctx, tx, id, func() error {
			_, err := tx.exec(ctx, `UPDATE commitments SET confirmed_at = ?, updated_at = ? WHERE id = ? AND confirmed_at IS NULL`,
				ms(tx.now), ms(tx.now), id)
			return err
		}); err != nil {
			return fmt.Errorf("confirm commitment %d: %w", id, err)
		}
		r, err = receipt(ctx, tx, `c.id = ?`, id)
		return err
	})
	return r, err
}

// RecordMessage keeps an email Groundswell composed.
func (s *Store) RecordMessage(ctx context.Context, m *gs.OutboxMessage) error {
	return s.writeTx(ctx, func(tx *tx) error {
		m.CreatedAt = tx.now
		id, err := tx.insertID(ctx, `INSERT INTO messages (kind, to_email, to_name, subject, text_body, html_body, status, commitment_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			m.Kind, m.ToEmail, m.ToName, m.Subject, m.Text, m.HTML, m.Status, nullID(m.CommitmentID), ms(m.CreatedAt))
		if err != nil {
			return fmt.Errorf("record message: %w", err)
		}
		m.ID = id
		return nil
	})
}

// Messages lists the most recent emails, newest first.
func (s *Store) Messages(ctx context.Context, limit int) ([]gs.OutboxMessage, error) {
	var out []gs.OutboxMessage
	err := s.readTx(ctx, func(tx *tx) error {
		rows, err := tx.query(ctx, `SELECT id, kind, to_email, to_name, subject, text_body, html_body, status, commitment_id, created_at
			FROM messages ORDER BY id DESC LIMIT ?`, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m gs.OutboxMessage
			if err := rows.Scan(&m.ID, &m.Kind, &m.ToEmail, &m.ToName, &m.Subject, &m.Text, &m.HTML, &m.Status,
				scanID{&m.CommitmentID}, scanTime{&m.CreatedAt}); err != nil {
				return err
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list messages: %w", err)
	}
	return out, nil
}
