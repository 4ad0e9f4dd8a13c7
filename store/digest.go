package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	gs "github.com/groundswell-health/groundswell"
)

// The weekly digest for group leads: one email a week to each lead of a
// group in a live campaign, summing up their groups.
//
// Which week is due, and when, is the caller's (followup) to say. The store
// records each digest it finds due in digests_sent, whose primary key (lead,
// week) lets a digest go once: a sweep that runs twice, or on two nodes at
// once, finds it recorded (or waits for the other's transaction and then
// finds it) and queues nothing. The caller's DigestEnqueueFunc queues the
// email in the same transaction, so a digest is recorded exactly when its
// email job exists — the pattern of the follow-up sweep (followup.go).

// DigestEnqueueFunc queues the email of a digest, inside the transaction
// that records it.
type DigestEnqueueFunc func(ctx context.Context, tx *sql.Tx, d gs.DigestDue) error

// digestLeadsDue finds the leads still without a digest for a week: users
// who led, before the week's digest was due, a group of a live campaign
// (not a demo), and have not stopped their digests. A lead appointed after
// the moment gets their first digest the next week.
const digestLeadsDue = `SELECT DISTINCT l.user_id FROM group_leads l
	JOIN stakeholder_groups g ON g.id = l.group_id JOIN campaigns c ON c.id = g.campaign_id
	JOIN users u ON u.id = l.user_id
	WHERE c.status = 'live' AND NOT c.illustrative AND l.created_at < ? AND u.digest_off_at IS NULL
	AND NOT EXISTS (SELECT 1 FROM digests_sent d WHERE d.user_id = l.user_id AND d.week = ?)
	ORDER BY l.user_id LIMIT ?`

// SweepDigests records the digest of the week for every lead who is due
// one and has not had it, and queues each one's email through enqueue in
// the transaction that records it. week names the ISO week ("2027-W10"),
// and [since, until) is the seven days the digests cover; until is the
// moment the week's digests became due. It returns how many it queued.
func (s *Store) SweepDigests(ctx context.Context, week string, since, until time.Time, enqueue DigestEnqueueFunc) (int, error) {
	if enqueue == nil {
		return 0, errors.New("sweep digests: no function to queue emails")
	}
	if week == "" || !since.Before(until) {
		return 0, fmt.Errorf("sweep digests: bad week %q [%s, %s)", week, since, until)
	}
	total := 0
	for range 5000 { // each batch makes progress; a backlog beyond this waits for the next sweep
		var n, queued int
		var err error
		// On PostgreSQL a concurrent sweep may deadlock with this one; the
		// server aborts one, which runs again.
		for attempt := 0; attempt < 3; attempt++ {
			n, queued = 0, 0
			err = s.writeTx(ctx, func(t *tx) error {
				var err error
				n, queued, err = digestBatch(ctx, t, week, since, until, enqueue)
				return err
			})
			if !isRetryable(err) {
				break
			}
		}
		if err != nil {
			return total, fmt.Errorf("sweep digests of %s: %w", week, err)
		}
		total += queued
		if n < sweepBatch {
			break
		}
	}
	return total, nil
}

// digestBatch takes one batch of leads due a digest, and returns how many
// it found and how many it queued.
func digestBatch(ctx context.Context, t *tx, week string, since, until time.Time, enqueue DigestEnqueueFunc) (int, int, error) {
	rows, err := t.query(ctx, digestLeadsDue, ms(until), week, sweepBatch)
	if err != nil {
		return 0, 0, err
	}
	var due []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, 0, err
		}
		due = append(due, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	queued := 0
	for _, userID := range due { // in id order, so concurrent sweeps lock rows in the same order
		r, err := t.exec(ctx, `INSERT INTO digests_sent (user_id, week, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
			userID, week, ms(t.now))
		if err != nil {
			return 0, 0, fmt.Errorf("record digest of user %d: %w", userID, err)
		}
		if n, err := r.RowsAffected(); err != nil {
			return 0, 0, err
		} else if n == 0 {
			continue // taken by another sweep
		}
		if err := enqueue(ctx, t.tx, gs.DigestDue{UserID: userID, Week: week, Since: since, Until: until}); err != nil {
			return 0, 0, err
		}
		queued++
	}
	return len(due), queued, nil
}

// DigestWeeks lists the weeks a user has been sent a digest, oldest first.
func (s *Store) DigestWeeks(ctx context.Context, userID int64) ([]string, error) {
	var out []string
	err := s.readTx(ctx, func(t *tx) error {
		rows, err := t.query(ctx, `SELECT week FROM digests_sent WHERE user_id = ? ORDER BY week`, userID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var w string
			if err := rows.Scan(&w); err != nil {
				return err
			}
			out = append(out, w)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("digests of user %d: %w", userID, err)
	}
	return out, nil
}

// digestCounts counts a group's confirmed pledges: those confirmed in the
// week [?, ?); those done, lapsed in silence, reported not done ("I cannot
// do it") and reported blocked in it (by the time of the change, updated_at,
// which a report and a lapse set); and in all. Blocked pledges are still in
// progress (aftercare.go); a pledge blocked and then moved on since counts as
// what it is now. Withdrawn pledges count in none.
const digestCounts = `SELECT
	COALESCE(SUM(CASE WHEN c.confirmed_at >= ? AND c.confirmed_at < ? THEN 1 ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN c.status = 'done' AND c.updated_at >= ? AND c.updated_at < ? THEN 1 ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN c.status = 'lapsed' AND c.outcome <> 'cant' AND c.updated_at >= ? AND c.updated_at < ? THEN 1 ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN c.status = 'lapsed' AND c.outcome = 'cant' AND c.updated_at >= ? AND c.updated_at < ? THEN 1 ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN c.status = 'in_progress' AND c.outcome = 'blocked' AND c.updated_at >= ? AND c.updated_at < ? THEN 1 ELSE 0 END), 0),
	COUNT(*),
	COALESCE(SUM(CASE WHEN c.status = 'done' THEN 1 ELSE 0 END), 0)
	FROM commitments c JOIN actions a ON a.id = c.action_id
	WHERE a.group_id = ? AND c.confirmed_at IS NOT NULL AND c.status <> 'withdrawn'`

// LeadDigest returns what a lead's digest says for the week [since, until):
// each group they lead in a live campaign (not a demo), its counts for the
// week and in all, and its actions (not retired) due from the day from to
// gs.DigestUpcomingDays days after it, with how many confirmed pledges each
// has. A user who leads no such group gets a digest with no groups.
func (s *Store) LeadDigest(ctx context.Context, userID int64, week string, since, until time.Time, from gs.Date) (gs.LeadDigest, error) {
	d := gs.LeadDigest{Week: week, Since: since, Until: until, From: from}
	err := s.readTx(ctx, func(t *tx) error {
		var off sql.NullInt64
		err := scanDigestUser(t.queryRow(ctx, `SELECT `+userColumns+`, digest_off_at FROM users WHERE id = ?`, userID), &d.User, &off)
		if err != nil {
			return notFound(err, "user")
		}
		d.Off = off.Valid
		rows, err := t.query(ctx, `SELECT `+groupColumns+` FROM group_leads l
			JOIN stakeholder_groups g ON g.id = l.group_id JOIN campaigns c ON c.id = g.campaign_id
			WHERE l.user_id = ? AND c.status = 'live' AND NOT c.illustrative ORDER BY c.id, g.position, g.id`, userID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var g gs.GroupDigest
			if err := scanGroup(rows, &g.Group); err != nil {
				rows.Close()
				return err
			}
			d.Groups = append(d.Groups, g)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for i := range d.Groups {
			if err := groupDigest(ctx, t, &d.Groups[i], since, until, from); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return d, fmt.Errorf("digest of user %d: %w", userID, err)
	}
	return d, nil
}

func groupDigest(ctx context.Context, t *tx, g *gs.GroupDigest, since, until time.Time, from gs.Date) error {
	if err := scanCampaign(t.queryRow(ctx, `SELECT `+campaignColumns+` FROM campaigns WHERE id = ?`, g.Group.CampaignID), &g.Campaign); err != nil {
		return err
	}
	a, b := ms(since), ms(until)
	err := t.queryRow(ctx, digestCounts, a, b, a, b, a, b, a, b, a, b, g.Group.ID).
		Scan(&g.New, &g.Done, &g.Lapsed, &g.Cant, &g.Blocked, &g.Pledged, &g.DoneInAll)
	if err != nil {
		return fmt.Errorf("count pledges of group %d: %w", g.Group.ID, err)
	}
	rows, err := t.query(ctx, `SELECT `+actionColumns+`,
		(SELECT COUNT(*) FROM commitments c WHERE c.action_id = a.id AND c.confirmed_at IS NOT NULL AND c.status <> 'withdrawn'),
		(SELECT COUNT(*) FROM commitments c WHERE c.action_id = a.id AND c.confirmed_at IS NOT NULL AND c.status = 'done')
		FROM actions a WHERE a.group_id = ? AND NOT a.retired AND a.due_on >= ? AND a.due_on <= ?
		ORDER BY a.due_on, a.position, a.id`,
		g.Group.ID, dateText(from), dateText(from.AddDays(gs.DigestUpcomingDays)))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var as gs.ActionSummary
		if err := scanAction(rows, &as.Action, &as.Pledged, &as.Done); err != nil {
			return err
		}
		g.Upcoming = append(g.Upcoming, as)
	}
	return rows.Err()
}

// IssueDigestUnsubscribe makes the link that stops a user's digests. It
// works for a year, and may be followed more than once.
func (s *Store) IssueDigestUnsubscribe(ctx context.Context, userID int64) (string, error) {
	token := newToken()
	err := s.writeTx(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `INSERT INTO tokens (token_hash, purpose, user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			hashToken(token), gs.TokenDigestUnsubscribe, userID, ms(t.now), ms(t.now.Add(gs.UnsubscribeLinksWithin)))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("issue digest unsubscribe link: %w", err)
	}
	return token, nil
}

// DigestLink finds a digest's unsubscribe link without using it. An
// unknown token, or one that is not such a link, is ErrLinkUnknown.
func (s *Store) DigestLink(ctx context.Context, token string) (gs.DigestLink, error) {
	var l gs.DigestLink
	err := s.readTx(ctx, func(t *tx) error {
		var err error
		l, err = findDigestLink(ctx, t, token)
		return err
	})
	return l, err
}

func findDigestLink(ctx context.Context, t *tx, token string) (gs.DigestLink, error) {
	var l gs.DigestLink
	if token == "" || len(token) > 64 {
		return l, ErrLinkUnknown
	}
	var userID, expires int64
	err := t.queryRow(ctx, `SELECT user_id, expires_at FROM tokens WHERE token_hash = ? AND purpose = ?`,
		hashToken(token), gs.TokenDigestUnsubscribe).Scan(scanID{&userID}, &expires)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && userID == 0) {
		return l, ErrLinkUnknown
	} else if err != nil {
		return l, fmt.Errorf("find link: %w", err)
	}
	var off sql.NullInt64
	if err := scanDigestUser(t.queryRow(ctx, `SELECT `+userColumns+`, digest_off_at FROM users WHERE id = ?`, userID), &l.User, &off); err != nil {
		return l, notFound(err, "user")
	}
	l.Off, l.Expired = off.Valid, expires <= ms(t.now)
	return l, nil
}

// StopDigest follows a digest's unsubscribe link: the user gets no more
// digests. Followed again, it changes nothing and reports already. An
// unknown or expired link is an error and changes nothing.
func (s *Store) StopDigest(ctx context.Context, token string) (l gs.DigestLink, already bool, err error) {
	err = s.writeTx(ctx, func(t *tx) error {
		var err error
		if l, err = findDigestLink(ctx, t, token); err != nil {
			return err
		}
		switch {
		case l.Expired:
			return ErrLinkExpired
		case l.Off:
			already = true
			return nil
		}
		if _, err := t.exec(ctx, `UPDATE users SET digest_off_at = ? WHERE id = ? AND digest_off_at IS NULL`, ms(t.now), l.User.ID); err != nil {
			return fmt.Errorf("stop digests of user %d: %w", l.User.ID, err)
		}
		// The link acts for the user it was sent to, whoever follows it
		// and whether or not they are signed in.
		role := "group lead"
		if l.User.Role == gs.RoleOrganiser {
			role = gs.RoleOrganiser
		}
		by := gs.Actor{UserID: l.User.ID, Name: l.User.Name, Email: l.User.Email, Role: role, Via: "email link"}
		if err := t.audit(WithActor(ctx, by), digestChange(l.User, false, true)); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `UPDATE tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL`, ms(t.now), hashToken(token)); err != nil {
			return fmt.Errorf("spend link: %w", err)
		}
		l.Off = true
		return nil
	})
	return l, already, err
}

// SetDigest starts or stops a user's weekly digest.
func (s *Store) SetDigest(ctx context.Context, userID int64, on bool) error {
	return s.writeTx(ctx, func(t *tx) error {
		var u gs.User
		var off sql.NullInt64
		if err := scanDigestUser(t.queryRow(ctx, `SELECT `+userColumns+`, digest_off_at FROM users WHERE id = ?`+t.d.forChange, userID), &u, &off); err != nil {
			return notFound(err, "user")
		}
		var err error
		if on {
			err = t.update(ctx, "user", `UPDATE users SET digest_off_at = NULL WHERE id = ?`, userID)
		} else {
			err = t.update(ctx, "user", `UPDATE users SET digest_off_at = COALESCE(digest_off_at, ?) WHERE id = ?`, ms(t.now), userID)
		}
		if err != nil {
			return err
		}
		return t.audit(ctx, digestChange(u, off.Valid, !on))
	})
}

// digestChange is the audit entry of a user's digest turned on or off. A
// user's digest covers every group they lead, in any campaign: it belongs
// to the installation.
func digestChange(u gs.User, wasOff, off bool) change {
	type digestSnap struct {
		WeeklyDigest bool `json:"weekly_digest"`
	}
	verb := gs.AuditEnable
	if off {
		verb = gs.AuditDisable
	}
	// The user is the object (its id), not named: an erased account's name
	// must go, and an entry cannot be changed.
	return change{object: gs.AuditDigest, objectID: u.ID, verb: verb, label: "weekly digest",
		before: digestSnap{!wasOff}, after: digestSnap{!off}}
}

// DigestOff reports whether a user has stopped their digests.
func (s *Store) DigestOff(ctx context.Context, userID int64) (bool, error) {
	var off sql.NullInt64
	err := s.read.QueryRowContext(ctx, s.d.bind(`SELECT digest_off_at FROM users WHERE id = ?`), userID).Scan(&off)
	if err != nil {
		return false, fmt.Errorf("digest of user %d: %w", userID, notFound(err, "user"))
	}
	return off.Valid, nil
}

// scanDigestUser scans userColumns followed by digest_off_at.
func scanDigestUser(row interface{ Scan(...any) error }, u *gs.User, off *sql.NullInt64) error {
	return row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.PasswordHash, scanTime{&u.CreatedAt}, off)
}
