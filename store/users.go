package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	gs "github.com/groundswell-health/groundswell"
)

const userColumns = `id, email, name, role, password_hash, created_at`

func scanUser(row interface{ Scan(...any) error }, u *gs.User) error {
	return row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.PasswordHash, scanTime{&u.CreatedAt})
}

// CreateUser stores a user whose password has already been hashed by the
// caller (the store never sees a plain password).
func (s *Store) CreateUser(ctx context.Context, u *gs.User) error {
	return s.writeTx(ctx, func(tx *tx) error {
		u.CreatedAt = tx.now
		id, err := tx.insertID(ctx, `INSERT INTO users (email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?)`,
			u.Email, u.Name, u.Role, u.PasswordHash, ms(u.CreatedAt))
		if isUniqueViolation(err) {
			return gs.FieldErrors{"email": "There is already a user with this email address"}.Err()
		} else if err != nil {
			return fmt.Errorf("create user: %w", err)
		}
		u.ID = id
		return nil
	})
}

// CreateFirstUser stores u only if there are no users yet: the first-run
// setup page must not become a way in once an organiser exists.
func (s *Store) CreateFirstUser(ctx context.Context, u *gs.User) error {
	return s.writeTx(ctx, func(tx *tx) error {
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return gs.Errorf(gs.EFORBIDDEN, "Groundswell is already set up. Sign in instead")
		}
		u.CreatedAt = tx.now
		id, err := tx.insertID(ctx, `INSERT INTO users (email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?)`,
			u.Email, u.Name, u.Role, u.PasswordHash, ms(u.CreatedAt))
		if err != nil {
			return fmt.Errorf("create first user: %w", err)
		}
		u.ID = id
		return nil
	})
}

// UserCount returns how many users exist.
func (s *Store) UserCount(ctx context.Context) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, err
}

// UserByEmail returns the user with the given email address.
func (s *Store) UserByEmail(ctx context.Context, email string) (gs.User, error) {
	var u gs.User
	err := scanUser(s.read.QueryRowContext(ctx, s.d.bind(`SELECT `+userColumns+` FROM users WHERE email = ?`), gs.NormalizeEmail(email)), &u)
	return u, notFound(err, "user")
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateSession starts a session for a user and returns its token, to be
// sent in a cookie. Only the token's hash is stored.
func (s *Store) CreateSession(ctx context.Context, userID int64, ttl time.Duration) (string, error) {
	token := newToken()
	err := s.writeTx(ctx, func(tx *tx) error {
		// Expired sessions are cleared as new ones start, so the table
		// does not grow without bound.
		if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE expires_at < ?`, ms(tx.now)); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			hashToken(token), userID, ms(tx.now), ms(tx.now.Add(ttl)))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	return token, nil
}

// SessionUser returns the user of a live session.
func (s *Store) SessionUser(ctx context.Context, token string) (gs.User, error) {
	var u gs.User
	err := scanUser(s.read.QueryRowContext(ctx, s.d.bind(`SELECT u.id, u.email, u.name, u.role, u.password_hash, u.created_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ?`),
		hashToken(token), ms(s.Now())), &u)
	return u, notFound(err, "session")
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	return s.writeTx(ctx, func(tx *tx) error {
		_, err := tx.exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hashToken(token))
		return err
	})
}
