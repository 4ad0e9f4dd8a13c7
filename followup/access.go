package followup

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/jobs"
)

// Sign-in links: how long each kind works.
const (
	signInWithin     = time.Hour
	invitationWithin = 7 * 24 * time.Hour
)

// AccessKinds is the table of jobs that let people in: sign-in links and
// invitations to lead a group.
func (f *Followup) AccessKinds() []jobs.Kind {
	return []jobs.Kind{
		jobs.Define[SendSignInLink](&signInWorker{f: f}, jobs.Options{MaxAttempts: 10}),
	}
}

// SendSignInLink emails a user a one-time sign-in link. With GroupID set it
// is an invitation to lead that group.
type SendSignInLink struct {
	UserID  int64 `json:"user_id"`
	GroupID int64 `json:"group_id,omitempty"`
}

// Kind names the job in the queue.
func (SendSignInLink) Kind() string { return "send_signin_link" }

type signInWorker struct {
	river.WorkerDefaults[SendSignInLink]
	f *Followup
}

func (w *signInWorker) NextRetry(job *river.Job[SendSignInLink]) time.Time {
	if w.f.cfg.Retry != nil {
		return time.Now().Add(w.f.cfg.Retry(job.Attempt))
	}
	return time.Time{}
}

func (w *signInWorker) Work(ctx context.Context, job *river.Job[SendSignInLink]) error {
	f := w.f
	u, err := f.store.UserByID(ctx, job.Args.UserID)
	if gs.ErrorCode(err) == gs.ENOTFOUND {
		return river.JobCancel(err)
	} else if err != nil {
		return err
	}
	within := signInWithin
	kind := "signin"
	d := emailData{Name: u.Name}
	if job.Args.GroupID != 0 {
		g, err := f.store.GroupByID(ctx, job.Args.GroupID)
		if err != nil {
			return river.JobCancel(err)
		}
		c, err := f.store.CampaignByID(ctx, g.CampaignID)
		if err != nil {
			return err
		}
		within, kind = invitationWithin, "invitation"
		d.Group, d.Campaign = g.Name, c.Title
	}
	token, err := f.store.IssueSignInToken(ctx, u.ID, within)
	if err != nil {
		return err
	}
	d.Link, d.Within = f.cfg.BaseURL+"/signin/link/"+token, duration(within)
	subject := "Your sign-in link for Groundswell"
	if kind == "invitation" {
		subject = "You are invited to lead " + d.Group
	}
	msg, err := compose(kind, gs.Person{Email: u.Email, Name: u.Name}, subject, d)
	if err != nil {
		return river.JobCancel(err)
	}
	return f.deliver(ctx, kind, 0, msg)
}

// duration writes a link's lifetime for people: "1 hour", "7 days".
func duration(d time.Duration) string {
	if d < 24*time.Hour {
		if d == time.Hour {
			return "1 hour"
		}
		return d.Round(time.Hour).String()
	}
	return days(d)
}

// Mailer enqueues the emails that web pages ask for.
type Mailer struct{ q *jobs.Queue }

// NewMailer returns a Mailer that enqueues on q.
func NewMailer(q *jobs.Queue) *Mailer { return &Mailer{q: q} }

// SendSignInLink enqueues a sign-in link for a user; with groupID, an
// invitation to lead that group.
func (m *Mailer) SendSignInLink(ctx context.Context, userID, groupID int64) error {
	return m.q.Insert(ctx, SendSignInLink{UserID: userID, GroupID: groupID}, nil)
}
