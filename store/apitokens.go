package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	gs "github.com/groundswell-health/groundswell"
)

// CreateAPIToken stores a new API token and returns its secret, which is
// not kept: only its SHA-256.
func (s *Store) CreateAPIToken(ctx context.Context, t *gs.APIToken) (string, error) {
	if err := t.Validate(); err != nil {
		return "", err
	}
	secret := gs.APITokenPrefix + newToken() + newToken()
	err := s.writeTx(ctx, func(tx *tx) error {
		t.CreatedAt = tx.now
		id, err := tx.insertID(ctx, `INSERT INTO api_tokens (campaign_id, user_id, name, scope, token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			t.CampaignID, t.UserID, t.Name, t.Scope, hashToken(secret), ms(tx.now))
		if isForeignKeyViolation(err) {
			return gs.Errorf(gs.ENOTFOUND, "campaign or user not found")
		} else if err != nil {
			return fmt.Errorf("create API token: %w", err)
		}
		t.ID = id
		// The secret and its hash are never audited: the entry names the
		// token, not what unlocks it.
		return tx.audit(ctx, change{campaignID: t.CampaignID, object: gs.AuditAPIToken, objectID: id, verb: gs.AuditCreate,
			label: t.Name, after: apiTokenSnap{Name: t.Name, Scope: t.Scope, UserID: t.UserID}})
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

const apiTokenColumns = `id, campaign_id, user_id, name, scope, created_at, last_used_at, revoked_at`

func scanAPIToken(scan func(...any) error, t *gs.APIToken) error {
	return scan(&t.ID, &t.CampaignID, &t.UserID, &t.Name, &t.Scope, scanTime{&t.CreatedAt}, scanTime{&t.LastUsedAt}, scanTime{&t.RevokedAt})
}

// APITokens lists a campaign's API tokens, newest first, revoked ones too.
func (s *Store) APITokens(ctx context.Context, campaignID int64) ([]gs.APIToken, error) {
	var out []gs.APIToken
	err := s.readTx(ctx, func(tx *tx) error {
		return eachRow(ctx, tx, `SELECT `+apiTokenColumns+` FROM api_tokens WHERE campaign_id = ? ORDER BY id DESC`, []any{campaignID},
			func(scan func(...any) error) error {
				var t gs.APIToken
				if err := scanAPIToken(scan, &t); err != nil {
					return err
				}
				out = append(out, t)
				return nil
			})
	})
	if err != nil {
		return nil, fmt.Errorf("list API tokens of campaign %d: %w", campaignID, err)
	}
	return out, nil
}

// RevokeAPIToken stops a campaign's token from working, at once.
func (s *Store) RevokeAPIToken(ctx context.Context, campaignID, id int64) error {
	return s.writeTx(ctx, func(tx *tx) error {
		var t gs.APIToken
		err := scanAPIToken(tx.queryRow(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens WHERE id = ? AND campaign_id = ?`+tx.d.forChange,
			id, campaignID).Scan, &t)
		if err != nil {
			return notFound(err, "API token")
		}
		if err := tx.update(ctx, "API token", `UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? AND campaign_id = ?`,
			ms(tx.now), id, campaignID); err != nil {
			return err
		}
		before := apiTokenSnap{Name: t.Name, Scope: t.Scope, UserID: t.UserID, Revoked: t.Revoked()}
		after := before
		after.Revoked = true
		return tx.audit(ctx, change{campaignID: campaignID, object: gs.AuditAPIToken, objectID: id, verb: gs.AuditRevoke,
			label: t.Name, before: before, after: after})
	})
}

// ErrBadAPIToken is the answer to a token that is unknown, malformed or
// revoked: the same for all three, so the answer tells a guesser nothing.
var ErrBadAPIToken = gs.Errorf(gs.EUNAUTHORIZED, "The API token is not recognised, or has been revoked.")

// APITokenBySecret finds the working token a secret belongs to, and the
// organiser who created it. It records the use, at most once a minute, so
// the organisers' list shows when each token was last used.
func (s *Store) APITokenBySecret(ctx context.Context, secret string) (gs.APIToken, gs.User, error) {
	var t gs.APIToken
	var u gs.User
	if !strings.HasPrefix(secret, gs.APITokenPrefix) || len(secret) > 200 {
		return t, u, ErrBadAPIToken
	}
	err := scanAPIToken(s.read.QueryRowContext(ctx, s.d.bind(`SELECT `+apiTokenColumns+` FROM api_tokens WHERE token_hash = ?`), hashToken(secret)).Scan, &t)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && t.Revoked()) {
		return gs.APIToken{}, u, ErrBadAPIToken
	} else if err != nil {
		return t, u, fmt.Errorf("find API token: %w", err)
	}
	if u, err = s.UserByID(ctx, t.UserID); err != nil {
		return t, u, err
	}
	now := s.Now()
	if now.Sub(t.LastUsedAt) > time.Minute {
		err := s.writeTx(ctx, func(tx *tx) error {
			_, err := tx.exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, ms(tx.now), t.ID)
			return err
		})
		if err != nil {
			return t, u, fmt.Errorf("record API token's use: %w", err)
		}
	}
	return t, u, nil
}
