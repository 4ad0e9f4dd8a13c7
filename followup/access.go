package followup

import (
	"context"
	"strings"
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
// is an invitation to lead that group; with OrganisationID, an invitation to
// represent that organisation.
type SendSignInLink struct {
	UserID         int64 `json:"user_id"`
	GroupID        int64 `json:"group_id,omitempty"`
	OrganisationID int64 `json:"organisation_id,omitempty"`
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
	if gs.IsErased(u.Email) {
		return nil // erased after the link was asked for
	}
	within := signInWithin
	kind := "signin"
	subject := "Your sign-in link for Groundswell"
	d := emailData{Name: u.Name}
	switch {
	case job.Args.OrganisationID != 0:
		if err := f.repInvitation(ctx, job.Args.OrganisationID, &d); err != nil {
			return err
		}
		within, kind, subject = invitationWithin, "rep_invitation", "You are invited to represent "+d.Organisation
	case job.Args.GroupID != 0:
		g, err := f.store.GroupByID(ctx, job.Args.GroupID)
		if err != nil {
			return river.JobCancel(err)
		}
		c, err := f.store.CampaignByID(ctx, g.CampaignID)
		if err != nil {
			return err
		}
		within, kind, subject = invitationWithin, "invitation", "You are invited to lead "+g.Name
		d.Group, d.Campaign = g.Name, c.Title
	}
	token, err := f.store.IssueSignInToken(ctx, u.ID, within)
	if err != nil {
		return err
	}
	d.Link, d.Within = f.cfg.BaseURL+"/signin/link/"+token, duration(within)
	msg, err := compose(kind, gs.Person{Email: u.Email, Name: u.Name}, subject, d)
	if err != nil {
		return river.JobCancel(err)
	}
	return f.deliver(ctx, kind, 0, msg)
}

// repInvitation fills in what an invitation to represent an organisation
// names: the organisation and the campaigns whose alliance it is in.
func (f *Followup) repInvitation(ctx context.Context, orgID int64, d *emailData) error {
	o, err := f.store.OrganisationByID(ctx, orgID)
	if gs.ErrorCode(err) == gs.ENOTFOUND {
		return river.JobCancel(err)
	} else if err != nil {
		return err
	}
	alliances, err := f.store.OrganisationAlliances(ctx, orgID)
	if err != nil {
		return err
	}
	titles := make([]string, len(alliances))
	for i, m := range alliances {
		titles[i] = m.Campaign.Title
	}
	d.Organisation, d.Campaign = o.Name, strings.Join(titles, "; ")
	return nil
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

// SendRepInvitation enqueues an invitation, with a sign-in link, to
// represent an organisation.
func (m *Mailer) SendRepInvitation(ctx context.Context, userID, orgID int64) error {
	return m.q.Insert(ctx, SendSignInLink{UserID: userID, OrganisationID: orgID}, nil)
}
