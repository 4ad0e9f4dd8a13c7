package followup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/jobs"
	"github.com/groundswell-health/groundswell/mail"
)

// The follow-up after confirmation.
//
// A periodic job, Sweep, asks the database what is due today (by the store's
// clock) under the Schedule: reminders before each commitment's date, the
// report-back request on it, lapsing after the grace period. The store
// records each step and, in the same transaction, the sweep queues a
// SendFollowup job for its email, so a step is recorded exactly when its
// email job exists, and is never taken twice (store.SweepFollowups). The
// email job then composes the email, with fresh one-time links, and sends it
// with retries like the confirmation.

// DefaultSweepEvery is how often the sweep runs by default. Dates are whole
// days, so this only bounds how late in the day an email may go.
const DefaultSweepEvery = 5 * time.Minute

// sendAttempts is how many times a follow-up email is tried: with River's
// backoff (attempt⁴ seconds), about six days of a mail server being down.
const sendAttempts = 20

// UseQueue gives the follow-up the queue that runs its jobs: the sweep
// queues the emails it finds due there. Call it before the queue starts.
func (f *Followup) UseQueue(q *jobs.Queue) { f.queue = q }

// Sweep is the periodic job that finds the follow-up due; it has no
// arguments: the database says what is due.
type Sweep struct{}

// Kind names the job in the queue.
func (Sweep) Kind() string { return "followup_sweep" }

type sweepWorker struct {
	river.WorkerDefaults[Sweep]
	f *Followup
}

func (w *sweepWorker) Work(ctx context.Context, _ *river.Job[Sweep]) error {
	_, err := w.f.Sweep(ctx)
	return err
}

// Sweep takes the follow-up steps due now and queues their emails. The
// periodic job runs it; running it again at once does nothing more.
func (f *Followup) Sweep(ctx context.Context) (gs.SweepResult, error) {
	insert := func(ctx context.Context, tx *sql.Tx, args SendFollowup) error {
		if f.queue != nil {
			return f.queue.InsertTx(ctx, tx, args, nil)
		}
		// Not given a queue: inside a job, the client running it will do.
		client, err := river.ClientFromContextSafely[*sql.Tx](ctx)
		if err != nil {
			return errors.New("follow-up sweep: no job queue (call UseQueue)")
		}
		_, err = client.InsertTx(ctx, tx, args, &river.InsertOpts{MaxAttempts: sendAttempts})
		return err
	}
	res, err := f.store.SweepFollowups(ctx, f.cfg.Schedule, func(ctx context.Context, tx *sql.Tx, d gs.FollowupDue) error {
		return insert(ctx, tx, SendFollowup{CommitmentID: d.CommitmentID, Step: d.Step, DueOn: d.DueOn.String(), DaysBefore: d.DaysBefore})
	})
	if err != nil {
		return res, err
	}
	if res != (gs.SweepResult{}) {
		f.cfg.Logger.InfoContext(ctx, "follow-up sweep", "reminders", res.Reminders, "reports", res.Reports,
			"lapsed", res.Lapsed, "lapse_notices", res.Notices, "reminders_passed_over", res.Skipped, "dated", res.Dated)
	}
	return res, nil
}

// SendFollowup is the job that emails one step of a commitment's follow-up.
type SendFollowup struct {
	CommitmentID int64  `json:"commitment_id"`
	Step         string `json:"step"`   // gs.StepRemind, gs.StepReport or gs.StepLapse
	DueOn        string `json:"due_on"` // the date followed up, ISO
	DaysBefore   int    `json:"days_before,omitempty"`
}

// Kind names the job in the queue.
func (SendFollowup) Kind() string { return "send_followup" }

type followupWorker struct {
	river.WorkerDefaults[SendFollowup]
	f *Followup
}

func (w *followupWorker) NextRetry(job *river.Job[SendFollowup]) time.Time {
	if w.f.cfg.Retry != nil {
		return time.Now().Add(w.f.cfg.Retry(job.Attempt))
	}
	return time.Time{} // River's default backoff
}

func (w *followupWorker) Work(ctx context.Context, job *river.Job[SendFollowup]) error {
	return w.f.sendFollowup(ctx, job.Args)
}

// Message kinds, as kept in the outbox.
var messageKinds = map[string]string{gs.StepRemind: "reminder", gs.StepReport: "report", gs.StepLapse: "lapse"}

// sendFollowup emails one step. It looks again at the commitment first,
// because the job may run a while after the sweep queued it (the mail server
// was down) and more than once: a step that no longer fits — the person
// reported, unsubscribed, or the date moved — sends nothing.
func (f *Followup) sendFollowup(ctx context.Context, a SendFollowup) error {
	kind, ok := messageKinds[a.Step]
	if !ok {
		return river.JobCancel(fmt.Errorf("unknown follow-up step %q", a.Step))
	}
	due, err := gs.ParseDate(a.DueOn)
	if err != nil {
		return river.JobCancel(err)
	}
	st, err := f.store.FollowupState(ctx, a.CommitmentID)
	if gs.ErrorCode(err) == gs.ENOTFOUND {
		return river.JobCancel(err)
	} else if err != nil {
		return err
	}
	// Follow-up about a person's own pledge goes whether or not they
	// agreed to be contacted: ContactOK is consent to contact beyond it
	// (news of the campaign), as the pledge form says. Unsubscribing, from
	// the link in every one of these emails, stops it.
	if st.Unsubscribed {
		return nil
	}
	today := gs.DateOf(f.store.Now().UTC())
	open := st.Commitment.Status == gs.StatusPledged || st.Commitment.Status == gs.StatusInProgress
	var purposes []string
	switch a.Step {
	case gs.StepRemind:
		if !open || st.FollowUpOn != due || !today.Before(due) {
			return nil
		}
		purposes = []string{gs.TokenReportDone}
	case gs.StepReport:
		if !open || st.FollowUpOn != due {
			return nil
		}
		purposes = []string{gs.TokenReportDone, gs.TokenReportNotYet, gs.TokenReportCant}
	case gs.StepLapse:
		if st.Commitment.Status != gs.StatusLapsed || st.Outcome == gs.OutcomeCant {
			return nil
		}
		purposes = []string{gs.TokenReportDone, gs.TokenRevive}
	}
	if f.cfg.BaseURL == "" {
		return river.JobCancel(errNoBaseURL)
	}
	tokens, err := f.store.IssueLinks(ctx, a.CommitmentID, st.Person.Email, gs.ReportLinksWithin, purposes...)
	if err != nil {
		return err
	}
	unsub, err := f.store.IssueLinks(ctx, a.CommitmentID, st.Person.Email, gs.UnsubscribeLinksWithin, gs.TokenUnsubscribe)
	if err != nil {
		return err
	}
	links := map[string]string{gs.TokenUnsubscribe: f.cfg.BaseURL + "/unsubscribe/" + unsub[0]}
	for i, p := range purposes {
		links[p] = f.cfg.BaseURL + "/report/" + tokens[i]
	}
	msg, err := followupMessage(a.Step, st, links, today, f.cfg.Schedule)
	if err != nil {
		return river.JobCancel(fmt.Errorf("compose %s: %w", kind, err))
	}
	return f.deliver(ctx, kind, a.CommitmentID, msg)
}

// followupMessage composes the email of a step. Every one carries the
// unsubscribe link, as a List-Unsubscribe header (one click, RFC 8058) and
// visibly in both parts.
func followupMessage(step string, st gs.FollowupState, links map[string]string, today gs.Date, sched gs.Schedule) (mail.Message, error) {
	d := emailData{Name: st.Person.Name, Campaign: st.Campaign.Title, Group: st.Group.Name, Action: st.Action.Title,
		DueOn: st.FollowUpOn.Long(), DoneLink: links[gs.TokenReportDone], NotYetLink: links[gs.TokenReportNotYet],
		CantLink: links[gs.TokenReportCant], ReviveLink: links[gs.TokenRevive], UnsubscribeLink: links[gs.TokenUnsubscribe]}
	var name, subject string
	switch step {
	case gs.StepRemind:
		name, subject = "reminder", "Reminder: your pledge is due by "+d.DueOn
		d.DaysLeft = daysLeft(today, st.FollowUpOn)
	case gs.StepReport:
		name, subject = "report", "Have you done it? Your pledge for "+d.DueOn
		d.CloseOn = st.FollowUpOn.AddDays(sched.LapseAfter).Long()
	case gs.StepLapse:
		name, subject = "lapsed", "We have closed your pledge for now"
	}
	msg, err := compose(name, st.Person, subject, d)
	if err != nil {
		return msg, err
	}
	msg.ListUnsubscribe = d.UnsubscribeLink
	return msg, nil
}

// daysLeft writes how far off a date is: "tomorrow", "in 14 days".
func daysLeft(today, on gs.Date) string {
	n := int(on.Time().Sub(today.Time()).Hours() / 24)
	if n == 1 {
		return "tomorrow"
	}
	return fmt.Sprintf("in %d days", n)
}
