package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	gs "github.com/groundswell-health/groundswell"
)

// AppSecret returns the installation's random key of a name, made on first
// use and kept in the database, so that every node of an installation uses
// the same one and a restart keeps it. (web/formguard.go signs the time a
// form was shown with the key "forms".)
func (s *Store) AppSecret(ctx context.Context, name string) ([]byte, error) {
	var secret string
	err := s.read.QueryRowContext(ctx, s.d.bind(`SELECT secret FROM app_secrets WHERE name = ?`), name).Scan(&secret)
	if errors.Is(err, sql.ErrNoRows) {
		// Two nodes starting at once both insert; the first row stands and
		// both read it back.
		err = s.writeTx(ctx, func(t *tx) error {
			if _, err := t.exec(ctx, `INSERT INTO app_secrets (name, secret, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING`,
				name, hex.EncodeToString(randomBytes(32)), ms(t.now)); err != nil {
				return err
			}
			return t.queryRow(ctx, `SELECT secret FROM app_secrets WHERE name = ?`, name).Scan(&secret)
		})
	}
	if err != nil {
		return nil, fmt.Errorf("app secret %q: %w", name, err)
	}
	key, err := hex.DecodeString(secret)
	if err != nil || len(key) < 16 {
		return nil, fmt.Errorf("app secret %q is damaged: not 16 or more hex-encoded bytes", name)
	}
	return key, nil
}

// SubjectAccess returns everything held about the person and the account
// with an email address: the answer to a subject access request. It is
// ENOTFOUND when nothing is held under the address.
func (s *Store) SubjectAccess(ctx context.Context, email string) (gs.SubjectAccess, error) {
	email = gs.NormalizeEmail(email)
	out := gs.SubjectAccess{Email: email, Pledges: []gs.SubjectPledge{}, Invitations: []gs.SubjectInvited{}, Emails: []gs.SubjectEmail{}}
	if email == "" || gs.IsErased(email) {
		return out, gs.Errorf(gs.ENOTFOUND, "We hold nothing under this email address")
	}
	err := s.readTx(ctx, func(t *tx) error {
		out.GeneratedAt = t.now
		personID, err := subjectPerson(ctx, t, email, &out)
		if err != nil {
			return err
		}
		userID, err := subjectAccount(ctx, t, email, &out)
		if err != nil {
			return err
		}
		if personID == 0 && userID == 0 {
			return gs.Errorf(gs.ENOTFOUND, "We hold nothing under this email address")
		}
		if personID != 0 {
			if err := subjectPledges(ctx, t, personID, &out); err != nil {
				return err
			}
		}
		if err := eachRow(ctx, t, `SELECT kind, subject, status, created_at, text_body FROM messages WHERE to_email = ? ORDER BY created_at, id`,
			[]any{email}, func(scan func(...any) error) error {
				var m gs.SubjectEmail
				if err := scan(&m.Kind, &m.Subject, &m.Status, scanTime{&m.At}, &m.Text); err != nil {
					return err
				}
				out.Emails = append(out.Emails, m)
				return nil
			}); err != nil {
			return fmt.Errorf("emails: %w", err)
		}
		return t.queryRow(ctx, `SELECT COUNT(*) FROM tokens WHERE commitment_id IN (SELECT id FROM commitments WHERE person_id = ?) OR user_id = ?`,
			personID, userID).Scan(&out.Links)
	})
	if err != nil {
		return gs.SubjectAccess{}, fmt.Errorf("subject access: %w", err)
	}
	return out, nil
}

// subjectPerson reads the person with the email into out, returning their
// id, or 0 when there is none.
func subjectPerson(ctx context.Context, t *tx, email string, out *gs.SubjectAccess) (int64, error) {
	var id int64
	var p gs.SubjectPerson
	var consentAt, unsubscribed sql.NullInt64
	err := t.queryRow(ctx, `SELECT p.id, p.name, p.email, p.profession, COALESCE(o.name, p.organisation_name), COALESCE(a.name, ''),
		p.show_on_wall, p.contact_ok, p.consent_version, p.consent_at, p.referral_code, p.created_at, p.unsubscribed_at
		FROM people p LEFT JOIN organisations o ON o.id = p.organisation_id LEFT JOIN areas a ON a.id = p.area_id
		WHERE p.email = ? AND p.erased_at IS NULL`, email).Scan(&id, &p.Name, &p.Email, &p.Profession, &p.Organisation, &p.Area,
		&p.ShowOnWall, &p.ContactOK, &p.ConsentVersion, &consentAt, &p.ReferralCode, scanTime{&p.CreatedAt}, &unsubscribed)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("person: %w", err)
	}
	if w, ok := gs.ConsentWordingOf(p.ConsentVersion); ok {
		p.ConsentWording = &w
	}
	p.ConsentAt, p.UnsubscribedAt = optionalTime(consentAt), optionalTime(unsubscribed)
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM relationships WHERE from_id = ?`, id).Scan(&p.PeopleInvited); err != nil {
		return 0, fmt.Errorf("people invited: %w", err)
	}
	out.Person = &p
	err = eachRow(ctx, t, `SELECT k.title, r.created_at FROM relationships r JOIN campaigns k ON k.id = r.campaign_id
		WHERE r.to_id = ? ORDER BY r.created_at`, []any{id}, func(scan func(...any) error) error {
		var in gs.SubjectInvited
		if err := scan(&in.Campaign, scanTime{&in.At}); err != nil {
			return err
		}
		out.Invitations = append(out.Invitations, in)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("invitations: %w", err)
	}
	return id, nil
}

// subjectPledges reads a person's pledges, their stories and follow-up, and
// counts the webhook messages about them.
func subjectPledges(ctx context.Context, t *tx, personID int64, out *gs.SubjectAccess) error {
	index := map[int64]int{}
	err := eachRow(ctx, t, `SELECT c.id, k.title, g.name, a.title, a.due_on, c.status, c.outcome, c.outcome_reason, c.why, c.hours,
			c.on_behalf, c.channel, c.created_at, c.confirmed_at, c.reported_at, s.story, s.show_on_page, s.updated_at
		FROM commitments c JOIN actions a ON a.id = c.action_id JOIN stakeholder_groups g ON g.id = a.group_id
		JOIN campaigns k ON k.id = c.campaign_id LEFT JOIN stories s ON s.commitment_id = c.id
		WHERE c.person_id = ? ORDER BY c.created_at, c.id`, []any{personID}, func(scan func(...any) error) error {
		var id int64
		var p gs.SubjectPledge
		var due gs.Date
		var confirmed, reported, storyAt sql.NullInt64
		var story sql.NullString
		var public sql.NullBool
		if err := scan(&id, &p.Campaign, &p.Group, &p.Action, scanDate{&due}, &p.Status, &p.Outcome, &p.OutcomeReason, &p.WhyItMatters,
			&p.Hours, &p.OnBehalf, &p.Channel, scanTime{&p.PledgedAt}, &confirmed, &reported, &story, &public, &storyAt); err != nil {
			return err
		}
		p.DueOn = due.String()
		p.ConfirmedAt, p.ReportedAt = optionalTime(confirmed), optionalTime(reported)
		if story.Valid {
			p.Story = &gs.SubjectStory{Text: story.String, Public: public.Bool, UpdatedAt: fromMS(storyAt.Int64)}
		}
		index[id] = len(out.Pledges)
		out.Pledges = append(out.Pledges, p)
		return nil
	})
	if err != nil {
		return fmt.Errorf("pledges: %w", err)
	}
	err = eachRow(ctx, t, `SELECT f.commitment_id, f.step, f.due_on, f.emailed, f.created_at FROM followups f
		JOIN commitments c ON c.id = f.commitment_id WHERE c.person_id = ? ORDER BY f.created_at`, []any{personID},
		func(scan func(...any) error) error {
			var id int64
			var f gs.SubjectFollowUp
			if err := scan(&id, &f.Step, &f.DueOn, &f.Emailed, scanTime{&f.At}); err != nil {
				return err
			}
			if i, ok := index[id]; ok {
				out.Pledges[i].FollowUps = append(out.Pledges[i].FollowUps, f)
			}
			return nil
		})
	if err != nil {
		return fmt.Errorf("follow-up: %w", err)
	}
	pattern := webhookPersonPatterns(personID)
	return t.queryRow(ctx, `SELECT COUNT(*) FROM webhook_deliveries WHERE payload LIKE ? OR payload LIKE ?`,
		pattern[0], pattern[1]).Scan(&out.WebhookMessages)
}

// subjectAccount reads the account with the email into out, returning its
// id, or 0 when there is none.
func subjectAccount(ctx context.Context, t *tx, email string, out *gs.SubjectAccess) (int64, error) {
	var id int64
	var a gs.SubjectAccount
	var off sql.NullInt64
	err := t.queryRow(ctx, `SELECT id, name, role, created_at, digest_off_at FROM users WHERE email = ?`, email).Scan(
		&id, &a.Name, &a.Role, scanTime{&a.CreatedAt}, &off)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("account: %w", err)
	}
	a.DigestOff = off.Valid
	names := func(into *[]string, q string) error {
		return eachRow(ctx, t, q, []any{id}, func(scan func(...any) error) error {
			var s string
			if err := scan(&s); err != nil {
				return err
			}
			*into = append(*into, s)
			return nil
		})
	}
	if err := names(&a.Leads, `SELECT g.name || ' (' || k.title || ')' FROM group_leads l JOIN stakeholder_groups g ON g.id = l.group_id
		JOIN campaigns k ON k.id = g.campaign_id WHERE l.user_id = ? ORDER BY g.name`); err != nil {
		return 0, fmt.Errorf("groups led: %w", err)
	}
	if err := names(&a.Represents, `SELECT o.name FROM organisation_reps r JOIN organisations o ON o.id = r.organisation_id
		WHERE r.user_id = ? ORDER BY o.name`); err != nil {
		return 0, fmt.Errorf("organisations represented: %w", err)
	}
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM sessions WHERE user_id = ? AND expires_at > ?`, id, ms(t.now)).Scan(&a.Sessions); err != nil {
		return 0, fmt.Errorf("sessions: %w", err)
	}
	err = eachRow(ctx, t, `SELECT g.name, m.subject, m.body, m.recipients, m.created_at FROM group_messages m
		JOIN stakeholder_groups g ON g.id = m.group_id WHERE m.sender_user_id = ? ORDER BY m.created_at`, []any{id},
		func(scan func(...any) error) error {
			var m gs.SubjectGroupMessage
			if err := scan(&m.Group, &m.Subject, &m.Body, &m.Recipients, scanTime{&m.SentAt}); err != nil {
				return err
			}
			a.GroupMessages = append(a.GroupMessages, m)
			return nil
		})
	if err != nil {
		return 0, fmt.Errorf("group messages: %w", err)
	}
	// The audit log's entries keep a copy of who made each change, by
	// user id as well as name and email: those are their data too.
	err = eachRow(ctx, t, `SELECT at, actor_role, via, verb, object_type, label FROM audit_log WHERE actor_user_id = ? ORDER BY id`,
		[]any{id}, func(scan func(...any) error) error {
			var c gs.SubjectChange
			if err := scan(scanTime{&c.At}, &c.Role, &c.Via, &c.Verb, &c.Object, &c.Label); err != nil {
				return err
			}
			a.Changes = append(a.Changes, c)
			return nil
		})
	if err != nil {
		return 0, fmt.Errorf("changes in the audit log: %w", err)
	}
	out.Account = &a
	return id, nil
}

// webhookPersonPatterns are LIKE patterns for the webhook payloads that show
// a person: as the person of an event, or as the inviter. The payload is
// encoding/json's, whose objects keep the fields in their declared order,
// id first (gs.WebhookPerson).
func webhookPersonPatterns(personID int64) [2]string {
	id := strconv.FormatInt(personID, 10)
	return [2]string{`%"person":{"id":` + id + `,%`, `%"inviter":{"id":` + id + `,%`}
}

// optionalTime turns a nullable Unix-milliseconds column into a time, or nil.
func optionalTime(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMS(v.Int64)
	return &t
}
