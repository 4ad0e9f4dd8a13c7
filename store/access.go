package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	gs "github.com/groundswell-health/groundswell"
)

// Access returns what a user may do.
func (s *Store) Access(ctx context.Context, u gs.User) (gs.Access, error) {
	a := gs.Access{User: u, Leads: map[int64]bool{}, Represents: map[int64]bool{}}
	err := s.readTx(ctx, func(tx *tx) error {
		if err := idSet(ctx, tx, a.Leads, `SELECT group_id FROM group_leads WHERE user_id = ?`, u.ID); err != nil {
			return err
		}
		return idSet(ctx, tx, a.Represents, `SELECT organisation_id FROM organisation_reps WHERE user_id = ?`, u.ID)
	})
	if err != nil {
		return a, fmt.Errorf("access of user %d: %w", u.ID, err)
	}
	return a, nil
}

// idSet adds the IDs a query returns to set.
func idSet(ctx context.Context, tx *tx, set map[int64]bool, q string, args ...any) error {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		set[id] = true
	}
	return rows.Err()
}

// ensureMember finds the user with an email, or creates a member (who signs
// in by link only) with that email and name.
func ensureMember(ctx context.Context, tx *tx, email, name string) (gs.User, error) {
	var u gs.User
	err := scanUser(tx.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE email = ?`, email), &u)
	if err == nil {
		return u, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return u, err
	}
	u = gs.User{Email: email, Name: name, Role: gs.RoleMember, CreatedAt: tx.now}
	u.ID, err = tx.insertID(ctx, `INSERT INTO users (email, name, role, password_hash, created_at) VALUES (?, ?, ?, '', ?)`,
		u.Email, u.Name, u.Role, ms(u.CreatedAt))
	return u, err
}

// AppointLead makes the person with the email a lead of the group, creating
// their user if needed, and returns the user.
func (s *Store) AppointLead(ctx context.Context, in gs.AppointLeadInput) (gs.User, error) {
	if err := in.Validate(); err != nil {
		return gs.User{}, err
	}
	return s.appoint(ctx, leadsTable, in.GroupID, in.Email, in.Name, in.InvitedBy)
}

// GroupLeads lists the users who lead a group.
func (s *Store) GroupLeads(ctx context.Context, groupID int64) ([]gs.User, error) {
	return s.appointed(ctx, leadsTable, groupID)
}

// roleTable names a table of appointments (leads of groups, representatives
// of organisations): the users appointed to each object of another table.
type roleTable struct {
	name, key, object, what string
	// audit is the kind of object the audit log calls an appointment.
	audit string
}

var (
	leadsTable = roleTable{name: "group_leads", key: "group_id", object: "stakeholder_groups", what: "group", audit: gs.AuditGroupLead}
	repsTable  = roleTable{name: "organisation_reps", key: "organisation_id", object: "organisations", what: "organisation", audit: gs.AuditOrganisationRep}
)

// appoint adds the person with the email, made a member user if need be, to
// a role table for one object, and returns the user. Appointing twice is
// harmless.
func (s *Store) appoint(ctx context.Context, rt roleTable, objectID int64, email, name string, invitedBy int64) (gs.User, error) {
	var u gs.User
	err := s.writeTx(ctx, func(tx *tx) error {
		if !exists(ctx, tx, `SELECT 1 FROM `+rt.object+` WHERE id = ?`, objectID) {
			return gs.Errorf(gs.ENOTFOUND, "%s not found", rt.what)
		}
		var err error
		if u, err = ensureMember(ctx, tx, email, name); err != nil {
			return fmt.Errorf("find or add user: %w", err)
		}
		r, err := tx.exec(ctx, `INSERT INTO `+rt.name+` (`+rt.key+`, user_id, invited_by, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (`+rt.key+`, user_id) DO NOTHING`, objectID, u.ID, nullID(invitedBy), ms(tx.now))
		if err != nil {
			return err
		}
		if n, err := r.RowsAffected(); err != nil || n == 0 {
			return err // appointed already: nothing changed
		}
		// The object is the group or organisation appointed to; the
		// appointee is a user, whom the appointment makes staff of it.
		// Organisations belong to the whole installation: no campaign.
		var campaignID int64
		var label string
		if rt.audit == gs.AuditGroupLead {
			err = tx.queryRow(ctx, `SELECT campaign_id, name FROM stakeholder_groups WHERE id = ?`, objectID).Scan(&campaignID, &label)
		} else {
			err = tx.queryRow(ctx, `SELECT name FROM organisations WHERE id = ?`, objectID).Scan(&label)
		}
		if err != nil {
			return fmt.Errorf("find %s %d: %w", rt.what, objectID, err)
		}
		return tx.audit(ctx, change{campaignID: campaignID, object: rt.audit, objectID: objectID, verb: gs.AuditAppoint,
			label: label, after: appointmentSnap{UserID: u.ID}})
	})
	return u, err
}

// appointed lists the users appointed to one object of a role table, by name.
func (s *Store) appointed(ctx context.Context, rt roleTable, objectID int64) ([]gs.User, error) {
	var out []gs.User
	err := s.readTx(ctx, func(tx *tx) error {
		rows, err := tx.query(ctx, `SELECT u.id, u.email, u.name, u.role, u.password_hash, u.created_at
			FROM `+rt.name+` r JOIN users u ON u.id = r.user_id WHERE r.`+rt.key+` = ? ORDER BY u.name, u.id`, objectID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var u gs.User
			if err := scanUser(rows, &u); err != nil {
				return err
			}
			out = append(out, u)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("users of %s %d: %w", rt.what, objectID, err)
	}
	return out, nil
}

// SignInUser returns the user who may sign in with an email by link: an
// existing user, or a person who has pledged (who becomes a member user on
// first sign-in). It is ENOTFOUND for an email Groundswell does not know.
func (s *Store) SignInUser(ctx context.Context, email string) (gs.User, error) {
	email = gs.NormalizeEmail(email)
	var u gs.User
	err := s.writeTx(ctx, func(tx *tx) error {
		var name string
		err := scanUser(tx.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE email = ?`, email), &u)
		if err == nil {
			return nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		err = tx.queryRow(ctx, `SELECT name FROM people WHERE email = ?`, email).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return gs.Errorf(gs.ENOTFOUND, "no one with that email")
		} else if err != nil {
			return err
		}
		u, err = ensureMember(ctx, tx, email, name)
		return err
	})
	return u, err
}

// IssueSignInToken makes a one-time sign-in link token for a user.
func (s *Store) IssueSignInToken(ctx context.Context, userID int64, ttl time.Duration) (string, error) {
	token := newToken()
	err := s.writeTx(ctx, func(tx *tx) error {
		_, err := tx.exec(ctx, `INSERT INTO tokens (token_hash, purpose, user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			hashToken(token), gs.TokenSignIn, userID, ms(tx.now), ms(tx.now.Add(ttl)))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("issue sign-in token: %w", err)
	}
	return token, nil
}

// SignInWithToken spends a sign-in link and starts a session, returning the
// session token and the user. A used, expired or unknown link signs no one in.
func (s *Store) SignInWithToken(ctx context.Context, token string, ttl time.Duration) (string, gs.User, error) {
	session := newToken()
	var u gs.User
	err := s.writeTx(ctx, func(tx *tx) error {
		var userID int64
		var expires int64
		var used sql.NullInt64
		err := tx.queryRow(ctx, `SELECT user_id, expires_at, used_at FROM tokens WHERE token_hash = ? AND purpose = ?`,
			hashToken(token), gs.TokenSignIn).Scan(scanID{&userID}, &expires, &used)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return gs.Errorf(gs.ENOTFOUND, "This sign-in link is not recognised. Check you copied the whole link from the email")
		case err != nil:
			return err
		case used.Valid:
			return gs.Errorf(gs.ECONFLICT, "This sign-in link has already been used. Ask for a new one")
		case expires <= ms(tx.now):
			return gs.Errorf(gs.ECONFLICT, "This sign-in link has expired. Ask for a new one")
		}
		if _, err := tx.exec(ctx, `UPDATE tokens SET used_at = ? WHERE token_hash = ?`, ms(tx.now), hashToken(token)); err != nil {
			return err
		}
		if err := scanUser(tx.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, userID), &u); err != nil {
			return notFound(err, "user")
		}
		_, err = tx.exec(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			hashToken(session), u.ID, ms(tx.now), ms(tx.now.Add(ttl)))
		return err
	})
	if err != nil {
		return "", u, err
	}
	return session, u, nil
}

// UserByID returns a user.
func (s *Store) UserByID(ctx context.Context, id int64) (gs.User, error) {
	var u gs.User
	err := scanUser(s.read.QueryRowContext(ctx, s.d.bind(`SELECT `+userColumns+` FROM users WHERE id = ?`), id), &u)
	return u, notFound(err, "user")
}
