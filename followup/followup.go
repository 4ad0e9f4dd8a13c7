// Package followup follows up commitments by email: the confirmation that
// makes a pledge count (double opt-in); then, on a schedule counted from each
// commitment's date, reminders before it, a report-back request on it with
// one-click answers, and a notice when it lapses (see sweep.go). Its work runs
// as background jobs (package jobs), declared in Kinds, so that an email is
// sent, retried while the mail server is down, and never lost on restart.
//
// With no SMTP server configured, emails are composed as usual and kept in
// the database's outbox, which organisers read in the web UI, so a demo or a
// trial runs with no mail server at all.
package followup

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/riverqueue/river"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/jobs"
	"github.com/groundswell-health/groundswell/mail"
	"github.com/groundswell-health/groundswell/store"
)

// DefaultConfirmWithin is how long a confirmation link works.
const DefaultConfirmWithin = 7 * 24 * time.Hour

// Config configures the follow-up.
type Config struct {
	// BaseURL is the public address links in emails point to, such as
	// https://groundswell.example.org.
	BaseURL string
	// ConfirmWithin is how long a confirmation link works; default
	// DefaultConfirmWithin.
	ConfirmWithin time.Duration
	// Schedule is when commitments are followed up; the zero Schedule
	// means gs.DefaultSchedule.
	Schedule gs.Schedule
	// SweepEvery is how often the sweep looks for follow-up that is due;
	// default DefaultSweepEvery.
	SweepEvery time.Duration
	// Digest is when group leads' weekly digest goes; nil means
	// DefaultDigestSchedule (digest.go).
	Digest *DigestSchedule
	// Retry, when set, replaces River's backoff between attempts to send
	// (tests make it short).
	Retry  func(attempt int) time.Duration
	Logger *slog.Logger
}

// Followup composes and sends the follow-up emails.
type Followup struct {
	store  *store.Store
	sender mail.Sender // nil: keep emails in the outbox only
	cfg    Config
	// queue is where the sweep queues follow-up emails; set by UseQueue.
	queue *jobs.Queue
}

// New returns the follow-up. sender may be nil: emails then go to the
// outbox only.
func New(st *store.Store, sender mail.Sender, cfg Config) *Followup {
	if cfg.ConfirmWithin == 0 {
		cfg.ConfirmWithin = DefaultConfirmWithin
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Schedule.LapseAfter == 0 && cfg.Schedule.AskAgainAfter == 0 && cfg.Schedule.RemindBefore == nil {
		cfg.Schedule = gs.DefaultSchedule()
	}
	if cfg.SweepEvery == 0 {
		cfg.SweepEvery = DefaultSweepEvery
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	return &Followup{store: st, sender: sender, cfg: cfg}
}

// Kinds is the table of the follow-up's background jobs.
func (f *Followup) Kinds() []jobs.Kind {
	return []jobs.Kind{
		jobs.Define[SendFollowup](&followupWorker{f: f}, jobs.Options{MaxAttempts: sendAttempts}),
		jobs.Define[Sweep](&sweepWorker{f: f}, jobs.Options{Every: f.cfg.SweepEvery}),
	}
}

// deliver sends msg, or keeps it in the outbox when no sender is configured,
// and records it either way.
func (f *Followup) deliver(ctx context.Context, kind string, commitmentID int64, msg mail.Message) error {
	if gs.IsErased(msg.To) {
		// An erased person's (or account's) email was queued before the
		// erasure: it goes nowhere and is not kept.
		return nil
	}
	status := "outbox"
	if f.sender != nil {
		if err := f.sender.Send(ctx, msg); err != nil {
			if mail.IsPermanent(err) {
				return river.JobCancel(err)
			}
			return err // River tries again later
		}
		status = "sent"
	}
	rec := gs.OutboxMessage{Kind: kind, ToEmail: msg.To, ToName: msg.ToName, Subject: msg.Subject,
		Text: msg.Text, HTML: msg.HTML, Status: status, CommitmentID: commitmentID}
	if err := f.store.RecordMessage(ctx, &rec); err != nil {
		if status == "sent" {
			// The email went; failing the job now would send it twice.
			f.cfg.Logger.ErrorContext(ctx, "email sent but not recorded", "kind", kind, "err", err)
			return nil
		}
		return err
	}
	return nil
}

var errNoBaseURL = errors.New("no base URL for links in emails")
