package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	gs "github.com/groundswell-health/groundswell"
)

// Aftercare (see the root package's aftercare.go): outcomes reported by a
// pledge's owner, signed in or from an emailed link; stories; the group
// leads' follow-up list; certificates.

// applyOutcome records a validated outcome on a commitment, with the status
// it implies (gs.OutcomeStatus). An outcome that leaves the pledge open
// clears followup_on, so that the next sweep gives it a date of its own
// (reported_at plus the schedule's AskAgainAfter), as "not yet" always has.
func applyOutcome(ctx context.Context, t *tx, id int64, rep gs.OutcomeReport) error {
	status := gs.OutcomeStatus(rep.Outcome)
	if status == "" {
		return fmt.Errorf("report on commitment %d: unknown outcome %q", id, rep.Outcome)
	}
	q := `UPDATE commitments SET status = ?, outcome = ?, outcome_reason = ?, reported_at = ?, updated_at = ? WHERE id = ?`
	if status == gs.StatusInProgress {
		q = `UPDATE commitments SET status = ?, outcome = ?, outcome_reason = ?, reported_at = ?, updated_at = ?, followup_on = '' WHERE id = ?`
	}
	if err := changeCommitment(ctx, t, id, func() error {
		_, err := t.exec(ctx, q, status, rep.Outcome, rep.Reason, ms(t.now), ms(t.now), id)
		return err
	}); err != nil {
		return fmt.Errorf("report on commitment %d: %w", id, err)
	}
	return nil
}

// ownCommitment finds the id of a commitment and checks that the person
// with the email owns it: anyone else's is ENOTFOUND, as one that does not
// exist.
func ownCommitment(ctx context.Context, t *tx, email string, id int64) (gs.Receipt, error) {
	r, err := receipt(ctx, t, `c.id = ?`, id)
	if gs.ErrorCode(err) == gs.ENOTFOUND || (err == nil && r.Person.Email != gs.NormalizeEmail(email)) {
		return gs.Receipt{}, gs.Errorf(gs.ENOTFOUND, "pledge not found")
	}
	return r, err
}

// ReportOwn records what the owner of a pledge, signed in, says of it: done,
// partly done, not yet (which also takes up a lapsed pledge again), blocked
// (with what is in the way) or not done (with an optional reason). Signed
// in, an owner may correct an earlier answer, even "done"; a withdrawn
// pledge, or one not yet confirmed, is not changed.
func (s *Store) ReportOwn(ctx context.Context, email string, commitmentID int64, rep gs.OutcomeReport) error {
	if err := rep.Validate(); err != nil {
		return err
	}
	return s.writeTx(ctx, func(t *tx) error {
		r, err := ownCommitment(ctx, t, email, commitmentID)
		if err != nil {
			return err
		}
		switch {
		case r.Commitment.Status == gs.StatusWithdrawn:
			return gs.Errorf(gs.ECONFLICT, "You withdrew this pledge, so it cannot be changed.")
		case !r.Commitment.Confirmed():
			return gs.Errorf(gs.ECONFLICT, "Confirm your pledge first, with the link in the email we sent you.")
		}
		return applyOutcome(ctx, t, r.Commitment.ID, rep)
	})
}

// AnswerReportLink follows a report link with the person's answer, which
// is the link's own when rep.Outcome is empty, or another that its page
// offers (gs.LinkOutcomes): the "done" link's page also takes partly done,
// and so on. Otherwise it is UseReportLink.
func (s *Store) AnswerReportLink(ctx context.Context, token string, rep gs.OutcomeReport) (gs.FollowupLink, error) {
	var l gs.FollowupLink
	err := s.writeTx(ctx, func(t *tx) error {
		var err error
		l, err = answerReportLink(ctx, t, token, rep)
		return err
	})
	return l, err
}

// Aftercare returns where a commitment stands after its pledge.
func (s *Store) Aftercare(ctx context.Context, commitmentID int64) (gs.Aftercare, error) {
	var a gs.Aftercare
	err := s.readTx(ctx, func(t *tx) error {
		r, err := receipt(ctx, t, `c.id = ?`, commitmentID)
		if err != nil {
			return err
		}
		a, err = aftercare(ctx, t, r)
		return err
	})
	return a, err
}

func aftercare(ctx context.Context, t *tx, r gs.Receipt) (gs.Aftercare, error) {
	var a gs.Aftercare
	var text sql.NullString
	var public sql.NullBool
	var created, updated sql.NullInt64
	err := t.queryRow(ctx, `SELECT c.outcome, c.outcome_reason, c.reported_at, COALESCE(c.reported_at, c.updated_at),
			s.story, s.show_on_page, s.created_at, s.updated_at,
			(SELECT COUNT(*) FROM relationships r WHERE r.from_id = c.person_id AND r.campaign_id = c.campaign_id)
		FROM commitments c LEFT JOIN stories s ON s.commitment_id = c.id WHERE c.id = ?`, r.Commitment.ID).
		Scan(&a.Outcome, &a.OutcomeReason, scanNullTime{&a.ReportedAt}, scanTime{&a.DoneAt}, &text, &public, &created, &updated, &a.Invited)
	if err != nil {
		return a, fmt.Errorf("aftercare of commitment %d: %w", r.Commitment.ID, err)
	}
	if r.Commitment.Status != gs.StatusDone {
		a.DoneAt = time.Time{}
	}
	if text.Valid {
		a.Story = gs.Story{Text: text.String, Public: public.Bool, Name: r.Person.Name, ActionTitle: r.Action.Title,
			Partly: r.Commitment.Status != gs.StatusDone, CreatedAt: fromMS(created.Int64), UpdatedAt: fromMS(updated.Int64)}
	}
	return a, nil
}

// OwnPledges lists the pledges of the person with the email, newest first,
// with where each stands after it was made.
func (s *Store) OwnPledges(ctx context.Context, email string) ([]gs.OwnPledge, error) {
	var out []gs.OwnPledge
	err := s.readTx(ctx, func(t *tx) error {
		ids, err := ownIDs(ctx, t, email)
		if err != nil {
			return err
		}
		for _, id := range ids {
			p, err := ownPledge(ctx, t, id)
			if err != nil {
				return err
			}
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pledges of %s: %w", email, err)
	}
	return out, nil
}

func ownIDs(ctx context.Context, t *tx, email string) ([]int64, error) {
	rows, err := t.query(ctx, `SELECT c.id FROM commitments c JOIN people p ON p.id = c.person_id
		WHERE p.email = ? ORDER BY c.created_at DESC, c.id DESC`, gs.NormalizeEmail(email))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func ownPledge(ctx context.Context, t *tx, id int64) (gs.OwnPledge, error) {
	var p gs.OwnPledge
	r, err := receipt(ctx, t, `c.id = ?`, id)
	if err != nil {
		return p, err
	}
	a, err := aftercare(ctx, t, r)
	return gs.OwnPledge{Receipt: r, Aftercare: a}, err
}

// OwnPledge returns one pledge of the person with the email; anyone else's
// is ENOTFOUND.
func (s *Store) OwnPledge(ctx context.Context, email string, commitmentID int64) (gs.OwnPledge, error) {
	var p gs.OwnPledge
	err := s.readTx(ctx, func(t *tx) error {
		r, err := ownCommitment(ctx, t, email, commitmentID)
		if err != nil {
			return err
		}
		a, err := aftercare(ctx, t, r)
		p = gs.OwnPledge{Receipt: r, Aftercare: a}
		return err
	})
	return p, err
}

// PledgeByReceipt returns the pledge whose receipt token is given, with
// where it stands after it was made.
func (s *Store) PledgeByReceipt(ctx context.Context, token string) (gs.OwnPledge, error) {
	var p gs.OwnPledge
	err := s.readTx(ctx, func(t *tx) error {
		r, err := receipt(ctx, t, `c.receipt_token = ?`, token)
		if err != nil {
			return err
		}
		a, err := aftercare(ctx, t, r)
		p = gs.OwnPledge{Receipt: r, Aftercare: a}
		return err
	})
	return p, err
}

// saveStory writes, replaces or (with no text) removes the story of a
// commitment, which must be confirmed and done or partly done.
func saveStory(ctx context.Context, t *tx, r gs.Receipt, in gs.StoryInput) error {
	var outcome string
	if err := t.queryRow(ctx, `SELECT outcome FROM commitments WHERE id = ?`, r.Commitment.ID).Scan(&outcome); err != nil {
		return fmt.Errorf("story of commitment %d: %w", r.Commitment.ID, err)
	}
	if !r.Commitment.Confirmed() || !gs.StoryAllowed(r.Commitment.Status, outcome) {
		return gs.Errorf(gs.ECONFLICT, "You can tell your story once you have done your pledge, or done part of it.")
	}
	if in.Text == "" {
		if _, err := t.exec(ctx, `DELETE FROM stories WHERE commitment_id = ?`, r.Commitment.ID); err != nil {
			return fmt.Errorf("remove story of commitment %d: %w", r.Commitment.ID, err)
		}
		return nil
	}
	_, err := t.exec(ctx, `INSERT INTO stories (commitment_id, story, show_on_page, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (commitment_id) DO UPDATE SET story = excluded.story, show_on_page = excluded.show_on_page, updated_at = excluded.updated_at`,
		r.Commitment.ID, in.Text, in.Public, ms(t.now), ms(t.now))
	if err != nil {
		return fmt.Errorf("save story of commitment %d: %w", r.Commitment.ID, err)
	}
	return nil
}

// SaveOwnStory writes the story of a pledge, signed in as its owner; an
// empty story removes it. Anyone else's pledge is ENOTFOUND.
func (s *Store) SaveOwnStory(ctx context.Context, email string, commitmentID int64, in gs.StoryInput) error {
	if err := in.Validate(); err != nil {
		return err
	}
	return s.writeTx(ctx, func(t *tx) error {
		r, err := ownCommitment(ctx, t, email, commitmentID)
		if err != nil {
			return err
		}
		return saveStory(ctx, t, r, in)
	})
}

// SaveStoryByLink writes the story of a pledge from the page its report
// link led to: the link, used and not expired, is the key, as it was for
// the answer.
func (s *Store) SaveStoryByLink(ctx context.Context, token string, in gs.StoryInput) (gs.FollowupLink, error) {
	var l gs.FollowupLink
	err := s.writeTx(ctx, func(t *tx) error {
		var err error
		if l, err = findLink(ctx, t, token); err != nil {
			return err
		}
		switch {
		case l.Purpose == gs.TokenUnsubscribe:
			return ErrLinkUnknown
		case l.Expired:
			return ErrLinkExpired
		case !l.Used:
			return gs.Errorf(gs.ECONFLICT, "Tell us how your pledge went first. Nothing has been changed.")
		}
		// Checked once the link is known to be good, so that a story
		// refused for its text is refused on the page the link led to.
		if err := in.Validate(); err != nil {
			return err
		}
		return saveStory(ctx, t, l.State.Receipt, in)
	})
	return l, err
}

// GroupStories returns the stories shown on a group's page, newest first:
// those whose authors agreed to it, of pledges confirmed and still done or
// partly done. The author's name is given only if they also agreed to the
// pledge wall.
func (s *Store) GroupStories(ctx context.Context, groupID int64, limit int) ([]gs.Story, error) {
	var out []gs.Story
	err := s.readTx(ctx, func(t *tx) error {
		rows, err := t.query(ctx, `SELECT CASE WHEN p.show_on_wall THEN p.name ELSE '' END, a.title, s.story, c.status, s.created_at, s.updated_at
			FROM actions a JOIN commitments c ON c.action_id = a.id JOIN stories s ON s.commitment_id = c.id JOIN people p ON p.id = c.person_id
			WHERE a.group_id = ? AND s.show_on_page AND c.confirmed_at IS NOT NULL
			AND (c.status = 'done' OR (c.status = 'in_progress' AND c.outcome = 'partly'))
			ORDER BY s.created_at DESC, s.commitment_id DESC LIMIT ?`, groupID, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			st := gs.Story{Public: true}
			var status string
			if err := rows.Scan(&st.Name, &st.ActionTitle, &st.Text, &status, scanTime{&st.CreatedAt}, scanTime{&st.UpdatedAt}); err != nil {
				return err
			}
			st.Partly = status != gs.StatusDone
			out = append(out, st)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("stories of group %d: %w", groupID, err)
	}
	return out, nil
}

// followUpWhere picks a group's pledges that need following up: confirmed,
// and blocked (open, with something in the way) or lapsed.
const followUpWhere = `a.group_id = ? AND c.confirmed_at IS NOT NULL
	AND (c.status = 'lapsed' OR (c.status IN ('pledged', 'in_progress') AND c.outcome = 'blocked'))`

// GroupFollowUps is a group leads' follow-up list: the confirmed pledges to
// the group's actions that are blocked (open, with something in the way) or
// lapsed (in silence, or because their owner could not do them), the limit
// most recently changed first, and how many there are in all. The email is
// given only for people who agreed to be contacted.
func (s *Store) GroupFollowUps(ctx context.Context, groupID int64, limit int) (gs.FollowUpList, error) {
	var out gs.FollowUpList
	err := s.readTx(ctx, func(t *tx) error {
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM actions a JOIN commitments c ON c.action_id = a.id WHERE `+followUpWhere, groupID).Scan(&out.Total); err != nil {
			return err
		}
		rows, err := t.query(ctx, `SELECT c.id, p.name, CASE WHEN p.contact_ok THEN p.email ELSE '' END, a.title, c.status, c.outcome, c.outcome_reason, c.updated_at
			FROM actions a JOIN commitments c ON c.action_id = a.id JOIN people p ON p.id = c.person_id
			WHERE `+followUpWhere+` ORDER BY c.updated_at DESC, c.id DESC LIMIT ?`, groupID, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var f gs.FollowUpItem
			if err := rows.Scan(&f.CommitmentID, &f.Name, &f.Email, &f.ActionTitle, &f.Status, &f.Outcome, &f.Reason, scanTime{&f.At}); err != nil {
				return err
			}
			out.Items = append(out.Items, f)
		}
		return rows.Err()
	})
	if err != nil {
		return out, fmt.Errorf("follow-up list of group %d: %w", groupID, err)
	}
	return out, nil
}

// Certificate returns the certificate of the pledge whose receipt token is
// given. Only a confirmed pledge that is done has one: any other is
// ENOTFOUND.
func (s *Store) Certificate(ctx context.Context, token string) (gs.Certificate, error) {
	var c gs.Certificate
	err := s.readTx(ctx, func(t *tx) error {
		r, err := receipt(ctx, t, `c.receipt_token = ?`, token)
		if err != nil {
			return err
		}
		if !r.Commitment.Confirmed() || r.Commitment.Status != gs.StatusDone {
			return errNoCertificate
		}
		a, err := aftercare(ctx, t, r)
		c = gs.Certificate{Receipt: r, DoneOn: gs.DateOf(a.DoneAt)}
		return err
	})
	if errors.Is(err, errNoCertificate) || gs.ErrorCode(err) == gs.ENOTFOUND {
		return c, errNoCertificate
	}
	return c, err
}

var errNoCertificate = gs.Errorf(gs.ENOTFOUND, "There is no certificate at this address. A certificate is there once the pledge is done.")
