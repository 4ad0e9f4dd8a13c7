package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	gs "github.com/groundswell-health/groundswell"
)

// Follow-up of commitments: the sweep that finds what is due (reminders, the
// report-back request, lapsing) and records it, and the one-click links in
// the emails it leads to (report back, start again, unsubscribe).
//
// The sweep asks the database what is due, and records each step it takes
// in the followups table, whose primary key (commitment, step, date) lets a
// step be taken once: a sweep that runs twice, or on two nodes at once,
// finds the step recorded (or waits for the other's transaction and then
// finds it) and sends nothing. The email of a step is queued by the caller's
// EnqueueFunc in the same transaction, so a step is recorded exactly when
// its email job exists.

// EnqueueFunc queues the email of a follow-up step, inside the transaction
// that records the step.
type EnqueueFunc func(ctx context.Context, tx *sql.Tx, d gs.FollowupDue) error

// sweepBatch bounds the commitments handled in one transaction, so that the
// sweep never holds SQLite's one write connection for long.
const sweepBatch = 200

// lateNotice is how long after its lapse a commitment is still told about
// it by email. A sweep that finds older lapses (an installation upgrading,
// a queue stopped for weeks) marks them quietly.
const lateNotice = 7

// Errors of follow-up links, distinct so that pages can say which.
var (
	ErrLinkUnknown = gs.Errorf(gs.ENOTFOUND, "This link is not recognised. Check you copied the whole link from the email. Nothing has been changed.")
	ErrLinkUsed    = gs.Errorf(gs.ECONFLICT, "This link has already been used, so nothing has been changed. Each link in our emails works once.")
	ErrLinkExpired = gs.Errorf(gs.ECONFLICT, "This link has expired, so nothing has been changed.")
)

// sweepStep is one step of the schedule and the window of dates it is due
// for: a commitment followed up on a date E is due for the step when
// today+lo < E <= today+hi (no lower bound when open).
type sweepStep struct {
	kind   string // gs.StepRemind, gs.StepReport, gs.StepLapse
	days   int    // for a reminder, days before E
	lo, hi int
	open   bool
}

func (st sweepStep) name() string {
	if st.kind == gs.StepRemind {
		return gs.StepRemind + "_" + strconv.Itoa(st.days)
	}
	return st.kind
}

// sweepSteps lays out a validated schedule as windows that do not overlap:
// the reminders from the earliest, then the report-back on the day and for
// the grace period after it, then lapsing. Only the latest step due is ever
// taken, so a sweep that did not run for a while sends one email, not a
// backlog.
func sweepSteps(sched gs.Schedule) []sweepStep {
	var out []sweepStep
	for i, d := range sched.RemindBefore { // latest first: 14, 2
		next := 0
		if i+1 < len(sched.RemindBefore) {
			next = sched.RemindBefore[i+1]
		}
		out = append(out, sweepStep{kind: gs.StepRemind, days: d, lo: next, hi: d})
	}
	out = append(out,
		sweepStep{kind: gs.StepReport, lo: -sched.LapseAfter, hi: 0},
		sweepStep{kind: gs.StepLapse, hi: -sched.LapseAfter, open: true},
	)
	return out
}

// SweepFollowups takes every follow-up step that is due today, by the
// store's clock: it gives a date of their own to commitments reported "not
// yet" (or started again), records each reminder and report-back request
// due and queues its email through enqueue, and marks lapsed the
// commitments not reported by the end of the grace period, queueing a notice.
//
// Only confirmed commitments that are pledged or in progress are followed
// up, and none in illustrative (demo) campaigns. People who unsubscribed get
// no email, but their commitments still lapse.
func (s *Store) SweepFollowups(ctx context.Context, sched gs.Schedule, enqueue EnqueueFunc) (gs.SweepResult, error) {
	var total gs.SweepResult
	if err := sched.Validate(); err != nil {
		return total, err
	}
	if enqueue == nil {
		return total, errors.New("sweep follow-ups: no function to queue emails")
	}
	run := func(what string, batch func(*tx, *gs.SweepResult) (int, error)) error {
		for range 5000 { // each batch makes progress; a backlog beyond this waits for the next sweep
			var res gs.SweepResult
			var n int
			var err error
			// On PostgreSQL a concurrent sweep (or a person following a link)
			// may deadlock with this one; the server aborts one, which runs again.
			for attempt := 0; attempt < 3; attempt++ {
				res, n = gs.SweepResult{}, 0
				err = s.writeTx(ctx, func(t *tx) error {
					var err error
					n, err = batch(t, &res)
					return err
				})
				if !isRetryable(err) {
					break
				}
			}
			if err != nil {
				return fmt.Errorf("sweep follow-ups, %s: %w", what, err)
			}
			total.Reminders += res.Reminders
			total.Reports += res.Reports
			total.Lapsed += res.Lapsed
			total.Notices += res.Notices
			total.Skipped += res.Skipped
			total.Dated += res.Dated
			if n < sweepBatch {
				return nil
			}
		}
		return nil
	}
	if err := run("dates", func(t *tx, res *gs.SweepResult) (int, error) { return dateReported(ctx, t, sched, res) }); err != nil {
		return total, err
	}
	for _, step := range sweepSteps(sched) {
		err := run(step.name(), func(t *tx, res *gs.SweepResult) (int, error) {
			return sweepBatchOf(ctx, t, sched, step, enqueue, res)
		})
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// dateReported gives commitments reported "not yet", or started again, the
// date on which they are asked again.
func dateReported(ctx context.Context, t *tx, sched gs.Schedule, res *gs.SweepResult) (int, error) {
	rows, err := t.query(ctx, `SELECT id, reported_at FROM commitments
		WHERE followup_on = '' AND reported_at IS NOT NULL AND status IN ('pledged', 'in_progress') ORDER BY id LIMIT ?`, sweepBatch)
	if err != nil {
		return 0, err
	}
	type reported struct {
		id int64
		at time.Time
	}
	var all []reported
	for rows.Next() {
		var r reported
		if err := rows.Scan(&r.id, scanTime{&r.at}); err != nil {
			rows.Close()
			return 0, err
		}
		all = append(all, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, r := range all {
		if err := setOwnDate(ctx, t, r.id, gs.DateOf(r.at).AddDays(sched.AskAgainAfter), res); err != nil {
			return 0, err
		}
	}
	return len(all), nil
}

func setOwnDate(ctx context.Context, t *tx, id int64, on gs.Date, res *gs.SweepResult) error {
	if _, err := t.exec(ctx, `UPDATE commitments SET followup_on = ? WHERE id = ?`, dateText(on), id); err != nil {
		return fmt.Errorf("date commitment %d: %w", id, err)
	}
	res.Dated++
	return nil
}

// candidate is a commitment due for a step.
type candidate struct {
	id           int64
	on           gs.Date // the date it is followed up on
	confirmed    time.Time
	updated      time.Time
	reported     time.Time
	unsubscribed bool
}

// answered is the date of the latest word from the person: confirming the
// pledge, reporting on it by link, or changing it otherwise (signed in).
// While a commitment is open, only its owner moves updated_at on: the sweep
// does not (it dates a commitment without touching it), and a lapse closes
// it. So a pledge its owner started again while signed in is followed up
// afresh from that day rather than lapsing again at once.
func (c candidate) answered() gs.Date {
	last := c.confirmed
	for _, t := range []time.Time{c.updated, c.reported} {
		if t.After(last) {
			last = t
		}
	}
	return gs.DateOf(last)
}

// dueQuery finds the commitments due for a step, in two halves so that each
// can use an index: those followed up on their action's date (found through
// the few actions whose date is in the window, then commitments_action) and
// those on a date of their own (through commitments_followup_on). A
// commitment is followed up on the later of the two; ISO dates compare as
// text. The CROSS JOIN keeps SQLite's planner from scanning every commitment
// to find the few due (in SQLite it fixes the join order; PostgreSQL reads it
// as the plain join it is).
const dueQuery = `SELECT c.id, a.due_on, c.confirmed_at, c.updated_at, c.reported_at, p.unsubscribed_at
	FROM actions a CROSS JOIN commitments c
	JOIN campaigns cm ON cm.id = c.campaign_id JOIN people p ON p.id = c.person_id
	WHERE c.action_id = a.id AND a.due_on > ? AND a.due_on <= ? AND c.followup_on <= a.due_on
	AND c.status IN ('pledged', 'in_progress') AND c.confirmed_at IS NOT NULL AND NOT cm.illustrative
	AND (? OR p.unsubscribed_at IS NULL)
	AND (? OR NOT EXISTS (SELECT 1 FROM followups f WHERE f.commitment_id = c.id AND f.step = ? AND f.due_on = a.due_on))
	UNION ALL
	SELECT c.id, c.followup_on, c.confirmed_at, c.updated_at, c.reported_at, p.unsubscribed_at
	FROM commitments c JOIN actions a ON a.id = c.action_id
	JOIN campaigns cm ON cm.id = c.campaign_id JOIN people p ON p.id = c.person_id
	WHERE c.followup_on <> '' AND c.followup_on > ? AND c.followup_on <= ? AND c.followup_on > a.due_on
	AND c.status IN ('pledged', 'in_progress') AND c.confirmed_at IS NOT NULL AND NOT cm.illustrative
	AND (? OR p.unsubscribed_at IS NULL)
	AND (? OR NOT EXISTS (SELECT 1 FROM followups f WHERE f.commitment_id = c.id AND f.step = ? AND f.due_on = c.followup_on))
	LIMIT ?`

// sweepBatchOf takes one batch of a step and returns how many commitments
// it found.
func sweepBatchOf(ctx context.Context, t *tx, sched gs.Schedule, step sweepStep, enqueue EnqueueFunc, res *gs.SweepResult) (int, error) {
	today := gs.DateOf(t.now)
	lo, hi := dateText(today.AddDays(step.lo)), dateText(today.AddDays(step.hi))
	if step.open {
		lo = ""
	}
	// Only a lapse concerns the unsubscribed: it happens, without an email.
	// And a lapse is due for every open commitment past the grace period,
	// even one that lapsed before: it was opened again since (by its owner,
	// signed in), and is given a date of its own below.
	lapse := step.kind == gs.StepLapse
	name := step.name()
	rows, err := t.query(ctx, dueQuery, lo, hi, lapse, lapse, name, lo, hi, lapse, lapse, name, sweepBatch)
	if err != nil {
		return 0, err
	}
	var due []candidate
	for rows.Next() {
		var c candidate
		var unsub sql.NullInt64
		if err := rows.Scan(&c.id, scanDate{&c.on}, scanTime{&c.confirmed}, scanTime{&c.updated}, scanNullTime{&c.reported}, &unsub); err != nil {
			rows.Close()
			return 0, err
		}
		c.unsubscribed = unsub.Valid
		due = append(due, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	// In one order, so that concurrent sweeps on PostgreSQL lock rows in
	// the same order.
	slices.SortFunc(due, func(a, b candidate) int { return cmp.Compare(a.id, b.id) })

	for _, c := range due {
		d := gs.FollowupDue{CommitmentID: c.id, Step: step.kind, DaysBefore: step.days, DueOn: c.on}
		switch step.kind {
		case gs.StepRemind:
			// No reminder on or after the day of the pledge (or of the
			// person's last answer): a pledge made 5 days before its date
			// gets the 2-day reminder, not the 14-day one as well.
			emailed := c.answered().Before(c.on.AddDays(-step.days))
			ok, err := recordStep(ctx, t, c.id, name, c.on, emailed)
			if err != nil {
				return 0, err
			}
			if !ok {
				continue // taken by another sweep
			}
			if !emailed {
				res.Skipped++
				continue
			}
			if err := enqueue(ctx, t.tx, d); err != nil {
				return 0, err
			}
			res.Reminders++

		case gs.StepReport, gs.StepLapse:
			// Confirmed or answered on or after the date (a pledge made to
			// an action whose date has come): the person gets a date of
			// their own rather than a report-back request at once.
			if !c.answered().Before(c.on) {
				if err := setOwnDate(ctx, t, c.id, c.answered().AddDays(sched.AskAgainAfter), res); err != nil {
					return 0, err
				}
				continue
			}
			if step.kind == gs.StepReport {
				ok, err := recordStep(ctx, t, c.id, name, c.on, true)
				if err != nil {
					return 0, err
				}
				if ok {
					if err := enqueue(ctx, t.tx, d); err != nil {
						return 0, err
					}
					res.Reports++
				}
				continue
			}
			var lapsed int64
			err := changeCommitment(ctx, t, c.id, func() error {
				r, err := t.exec(ctx, `UPDATE commitments SET status = 'lapsed', updated_at = ? WHERE id = ? AND status IN ('pledged', 'in_progress')`,
					ms(t.now), c.id)
				if err != nil {
					return err
				}
				lapsed, err = r.RowsAffected()
				return err
			})
			if err != nil {
				return 0, fmt.Errorf("lapse commitment %d: %w", c.id, err)
			}
			if lapsed == 0 {
				continue // another sweep got there first
			}
			res.Lapsed++
			emailed := !c.unsubscribed && !c.on.AddDays(sched.LapseAfter+lateNotice).Before(today)
			ok, err := recordStep(ctx, t, c.id, name, c.on, emailed)
			if err != nil {
				return 0, err
			}
			if ok && emailed {
				if err := enqueue(ctx, t.tx, d); err != nil {
					return 0, err
				}
				res.Notices++
			}
		}
	}
	return len(due), nil
}

// recordStep records a step taken for a commitment, and reports false when
// it had been taken already.
func recordStep(ctx context.Context, t *tx, commitmentID int64, step string, on gs.Date, emailed bool) (bool, error) {
	r, err := t.exec(ctx, `INSERT INTO followups (commitment_id, step, due_on, emailed, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		commitmentID, step, dateText(on), emailed, ms(t.now))
	if err != nil {
		return false, fmt.Errorf("record %s of commitment %d: %w", step, commitmentID, err)
	}
	n, err := r.RowsAffected()
	return n == 1, err
}

// FollowupSteps lists the steps taken for a commitment, oldest first.
func (s *Store) FollowupSteps(ctx context.Context, commitmentID int64) ([]gs.FollowupStep, error) {
	var out []gs.FollowupStep
	err := s.readTx(ctx, func(t *tx) error {
		rows, err := t.query(ctx, `SELECT step, due_on, emailed, created_at FROM followups WHERE commitment_id = ? ORDER BY created_at, step`, commitmentID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var f gs.FollowupStep
			if err := rows.Scan(&f.Step, scanDate{&f.DueOn}, &f.Emailed, scanTime{&f.At}); err != nil {
				return err
			}
			out = append(out, f)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("follow-up of commitment %d: %w", commitmentID, err)
	}
	return out, nil
}

// FollowupState returns a commitment with where it stands in its follow-up.
func (s *Store) FollowupState(ctx context.Context, commitmentID int64) (gs.FollowupState, error) {
	var st gs.FollowupState
	err := s.readTx(ctx, func(t *tx) error {
		var err error
		st, err = followupState(ctx, t, commitmentID)
		return err
	})
	return st, err
}

func followupState(ctx context.Context, t *tx, commitmentID int64) (gs.FollowupState, error) {
	var st gs.FollowupState
	r, err := receipt(ctx, t, `c.id = ?`, commitmentID)
	if err != nil {
		return st, err
	}
	st.Receipt = r
	var own gs.Date
	var unsub sql.NullInt64
	err = t.queryRow(ctx, `SELECT c.outcome, c.outcome_reason, c.reported_at, c.followup_on, p.unsubscribed_at
		FROM commitments c JOIN people p ON p.id = c.person_id WHERE c.id = ?`, commitmentID).
		Scan(&st.Outcome, &st.OutcomeReason, scanNullTime{&st.ReportedAt}, scanDate{&own}, &unsub)
	if err != nil {
		return st, fmt.Errorf("follow-up of commitment %d: %w", commitmentID, err)
	}
	st.FollowUpOn = r.Action.DueOn
	if r.Action.DueOn.Before(own) {
		st.FollowUpOn = own
	}
	st.Unsubscribed = unsub.Valid
	return st, nil
}

// IssueLinks makes one-time link tokens for a commitment, one per purpose,
// each valid for ttl, in one transaction, and returns them in the order of
// the purposes. Only their hashes are stored.
func (s *Store) IssueLinks(ctx context.Context, commitmentID int64, email string, ttl time.Duration, purposes ...string) ([]string, error) {
	tokens := make([]string, len(purposes))
	err := s.writeTx(ctx, func(t *tx) error {
		for i, p := range purposes {
			tokens[i] = newToken()
			if _, err := t.exec(ctx, `INSERT INTO tokens (token_hash, purpose, commitment_id, email, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
				hashToken(tokens[i]), p, commitmentID, email, ms(t.now), ms(t.now.Add(ttl))); err != nil {
				return fmt.Errorf("issue %s link: %w", p, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return tokens, nil
}

// FollowupLink finds the link of a follow-up email, without using it: what
// a page shows before the person presses its button. An unknown token, or
// one that is not a follow-up link, is ErrLinkUnknown.
func (s *Store) FollowupLink(ctx context.Context, token string) (gs.FollowupLink, error) {
	var l gs.FollowupLink
	err := s.readTx(ctx, func(t *tx) error {
		var err error
		l, err = findLink(ctx, t, token)
		return err
	})
	return l, err
}

func findLink(ctx context.Context, t *tx, token string) (gs.FollowupLink, error) {
	var l gs.FollowupLink
	if token == "" || len(token) > 64 {
		return l, ErrLinkUnknown
	}
	var commitmentID, expires int64
	var used sql.NullInt64
	err := t.queryRow(ctx, `SELECT purpose, commitment_id, expires_at, used_at FROM tokens WHERE token_hash = ?`, hashToken(token)).
		Scan(&l.Purpose, scanID{&commitmentID}, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return l, ErrLinkUnknown
	} else if err != nil {
		return l, fmt.Errorf("find link: %w", err)
	}
	if commitmentID == 0 || (l.Purpose != gs.TokenUnsubscribe && !slices.Contains(gs.ReportPurposes, l.Purpose)) {
		return l, ErrLinkUnknown // another kind of link: not one of these
	}
	l.Used, l.Expired = used.Valid, expires <= ms(t.now)
	l.State, err = followupState(ctx, t, commitmentID)
	return l, err
}

// UseReportLink follows a report link with its own answer: "done" marks the
// commitment done; "not yet" marks it in progress, to be asked again later;
// "can't" marks it lapsed with that outcome and the optional reason; "start
// again" revives a lapsed one, as "not yet" does. The link is spent in the
// same transaction. A link that is unknown, used, expired, or whose answer
// cannot be taken (ReportRefusal) is an error and changes nothing.
// AnswerReportLink (aftercare.go) takes the other answers a link's page
// offers.
func (s *Store) UseReportLink(ctx context.Context, token, reason string) (gs.FollowupLink, error) {
	return s.AnswerReportLink(ctx, token, gs.OutcomeReport{Reason: reason})
}

// answerReportLink follows a report link with an answer: the link's own
// when rep.Outcome is empty, or another of gs.LinkOutcomes.
func answerReportLink(ctx context.Context, t *tx, token string, rep gs.OutcomeReport) (gs.FollowupLink, error) {
	l, err := findLink(ctx, t, token)
	if err != nil {
		return l, err
	}
	switch {
	case !slices.Contains(gs.ReportPurposes, l.Purpose):
		return l, ErrLinkUnknown
	case l.Used:
		return l, ErrLinkUsed
	case l.Expired:
		return l, ErrLinkExpired
	}
	if msg := gs.ReportRefusal(l.Purpose, l.State.Commitment.Status); msg != "" {
		return l, gs.Errorf(gs.ECONFLICT, "%s", msg)
	}
	answers := gs.LinkOutcomes(l.Purpose)
	if rep.Outcome == "" {
		rep.Outcome = answers[0]
	}
	if !slices.Contains(answers, rep.Outcome) {
		return l, gs.FieldErrors{"outcome": "Choose one of the answers"}.Err()
	}
	if err := rep.Validate(); err != nil {
		return l, err
	}
	r, err := t.exec(ctx, `UPDATE tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL`, ms(t.now), hashToken(token))
	if err != nil {
		return l, fmt.Errorf("spend link: %w", err)
	}
	if n, err := r.RowsAffected(); err != nil {
		return l, err
	} else if n == 0 {
		return l, ErrLinkUsed // used by a request that got in first
	}
	id := l.State.Commitment.ID
	if err := applyOutcome(ctx, t, id, rep); err != nil {
		return l, err
	}
	l.Used = true
	l.State, err = followupState(ctx, t, id)
	return l, err
}

// Unsubscribe follows an unsubscribe link: the person gets no more
// follow-up emails. The link may be followed again, and then changes
// nothing: already reports that the person had unsubscribed. An unknown or
// expired link is an error and changes nothing.
func (s *Store) Unsubscribe(ctx context.Context, token string) (l gs.FollowupLink, already bool, err error) {
	err = s.writeTx(ctx, func(t *tx) error {
		var err error
		if l, err = findLink(ctx, t, token); err != nil {
			return err
		}
		switch {
		case l.Purpose != gs.TokenUnsubscribe:
			return ErrLinkUnknown
		case l.Expired:
			return ErrLinkExpired
		case l.State.Unsubscribed:
			already = true
			return nil
		}
		if _, err := t.exec(ctx, `UPDATE people SET unsubscribed_at = ? WHERE id = ? AND unsubscribed_at IS NULL`,
			ms(t.now), l.State.Person.ID); err != nil {
			return fmt.Errorf("unsubscribe person %d: %w", l.State.Person.ID, err)
		}
		if _, err := t.exec(ctx, `UPDATE tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL`, ms(t.now), hashToken(token)); err != nil {
			return fmt.Errorf("spend link: %w", err)
		}
		l.Used, l.State.Unsubscribed = true, true
		return nil
	})
	return l, already, err
}
