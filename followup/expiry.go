package followup

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/riverqueue/river"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/jobs"
	"github.com/groundswell-health/groundswell/mail"
	"github.com/groundswell-health/groundswell/store"
)

// MaintenanceKinds is the table of housekeeping jobs: the dispatcher of
// confirmation emails, and the expiry of pledges never confirmed.
func (f *Followup) MaintenanceKinds() []jobs.Kind {
	return []jobs.Kind{
		jobs.Define[DispatchConfirmations](&dispatchWorker{f: f}, jobs.Options{Every: time.Second}),
		jobs.Define[SendConfirmations](&confirmationsWorker{f: f}, jobs.Options{MaxAttempts: 20, Background: true}),
		jobs.Define[ExpireUnconfirmed](&expiryWorker{f: f}, jobs.Options{Every: time.Hour}),
	}
}

// DispatchConfirmations is the job, every second, that enqueues the
// confirmation emails of new pledges — one SendConfirmations job per
// confirmationBatch pledges — in one transaction that also marks them queued
// (store.QueueConfirmations). Pledges thus stay a write of their own rows
// only, however many arrive; the queue carries one job per hundred pledges,
// not one each; and a confirmation email waits a second or two at most.
type DispatchConfirmations struct{}

// Kind names the job in the queue.
func (DispatchConfirmations) Kind() string { return "dispatch_confirmations" }

type dispatchWorker struct {
	river.WorkerDefaults[DispatchConfirmations]
	f *Followup
}

func (w *dispatchWorker) Work(ctx context.Context, _ *river.Job[DispatchConfirmations]) error {
	if w.f.queue == nil {
		return nil // no queue to dispatch to (a test without one)
	}
	const take = 1000
	for {
		n, err := w.f.store.QueueConfirmations(ctx, take, func(tx *sql.Tx, ids []int64) error {
			var args []river.JobArgs
			for batch := range slices.Chunk(ids, confirmationBatch) {
				args = append(args, SendConfirmations{CommitmentIDs: batch})
			}
			return w.f.queue.InsertManyTx(ctx, tx, args)
		})
		if err != nil || n < take {
			return err
		}
	}
}

// confirmationBatch is how many confirmation emails one job sends.
const confirmationBatch = 100

// SendConfirmations sends the confirmation emails of a batch of pledges.
type SendConfirmations struct {
	CommitmentIDs []int64 `json:"commitment_ids"`
}

// Kind names the job in the queue.
func (SendConfirmations) Kind() string { return "send_confirmations" }

type confirmationsWorker struct {
	river.WorkerDefaults[SendConfirmations]
	f *Followup
}

func (w *confirmationsWorker) NextRetry(job *river.Job[SendConfirmations]) time.Time {
	if w.f.cfg.Retry != nil {
		return time.Now().Add(w.f.cfg.Retry(job.Attempt))
	}
	return time.Time{}
}

// Work sends the batch's emails not sent already, so a retry after a
// failure part-way resends nothing. The writes are batched too — the links'
// tokens in one transaction, the records of what was sent in another —
// because on SQLite every write waits its turn on one connection, and
// pledges arriving meanwhile wait with it. An email that failed fails the job
// at the end, so River tries it again later.
func (w *confirmationsWorker) Work(ctx context.Context, job *river.Job[SendConfirmations]) error {
	f := w.f
	var todo []gs.Receipt
	for _, id := range job.Args.CommitmentIDs {
		sent, err := f.store.MessageSent(ctx, id, "confirmation")
		if err != nil {
			return err
		}
		if sent {
			continue
		}
		rc, err := f.store.ReceiptByCommitment(ctx, id)
		if gs.ErrorCode(err) == gs.ENOTFOUND {
			continue // the pledge is gone (expired): nothing to confirm
		} else if err != nil {
			return err
		}
		// An erased person's pledge waits for nothing: no email.
		if !rc.Commitment.Confirmed() && !gs.IsErased(rc.Person.Email) {
			todo = append(todo, rc)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	reqs := make([]store.TokenRequest, len(todo))
	for i, rc := range todo {
		reqs[i] = store.TokenRequest{CommitmentID: rc.Commitment.ID, Email: rc.Person.Email}
	}
	tokens, err := f.store.IssueTokens(ctx, gs.TokenConfirm, reqs, f.cfg.ConfirmWithin)
	if err != nil {
		return err
	}
	unsubs, err := f.store.IssueTokens(ctx, gs.TokenUnsubscribe, reqs, gs.UnsubscribeLinksWithin)
	if err != nil {
		return err
	}
	var done []gs.OutboxMessage
	var failed error
	for i, rc := range todo {
		msg, err := confirmationMessage(rc, f.cfg.BaseURL+"/confirm/"+tokens[i], f.cfg.BaseURL+"/unsubscribe/"+unsubs[i], f.cfg.ConfirmWithin)
		if err != nil {
			return river.JobCancel(fmt.Errorf("compose confirmation: %w", err))
		}
		status := "outbox"
		if f.sender != nil {
			if err := f.sender.Send(ctx, msg); err != nil {
				if !mail.IsPermanent(err) && failed == nil {
					failed = err
				}
				f.cfg.Logger.WarnContext(ctx, "confirmation email not sent", "commitment", rc.Commitment.ID, "err", err)
				continue
			}
			status = "sent"
		}
		done = append(done, gs.OutboxMessage{Kind: "confirmation", ToEmail: msg.To, ToName: msg.ToName, Subject: msg.Subject,
			Text: msg.Text, HTML: msg.HTML, Status: status, CommitmentID: rc.Commitment.ID})
	}
	if err := f.store.RecordMessages(ctx, done); err != nil {
		if f.sender != nil {
			// The emails went; failing the job now would send them twice.
			f.cfg.Logger.ErrorContext(ctx, "emails sent but not recorded", "count", len(done), "err", err)
			return failed
		}
		return err
	}
	return failed
}

// ExpireUnconfirmed is the hourly job that removes pledges nobody confirmed
// within the confirmation window (Config.ConfirmWithin), and one-time links
// long expired (store.PurgeExpiredTokens): each holds the email it went to.
type ExpireUnconfirmed struct{}

// Kind names the job in the queue.
func (ExpireUnconfirmed) Kind() string { return "expire_unconfirmed" }

type expiryWorker struct {
	river.WorkerDefaults[ExpireUnconfirmed]
	f *Followup
}

func (w *expiryWorker) Work(ctx context.Context, _ *river.Job[ExpireUnconfirmed]) error {
	n, err := w.f.store.ExpireUnconfirmed(ctx, w.f.cfg.ConfirmWithin)
	if err != nil {
		return err
	}
	if n > 0 {
		w.f.cfg.Logger.InfoContext(ctx, "removed pledges never confirmed", "count", n, "window", w.f.cfg.ConfirmWithin)
	}
	if n, err = w.f.store.PurgeExpiredTokens(ctx); err != nil {
		return err
	}
	if n > 0 {
		w.f.cfg.Logger.InfoContext(ctx, "removed expired one-time links", "count", n)
	}
	return nil
}
