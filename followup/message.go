package followup

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/jobs"
	"github.com/groundswell-health/groundswell/mail"
)

// A group lead's message to the people who pledged to their group. The web
// page records the message and, in the same transaction, queues one
// SendGroupMessage job per recipient through Mailer.EnqueueGroupMessage
// (store.SendGroupMessage), so every recipient's email exists exactly when
// the message does; each is then sent, and retried, on its own.

// MessageKinds is the table of the jobs that send leads' messages.
func (f *Followup) MessageKinds() []jobs.Kind {
	return []jobs.Kind{
		jobs.Define[SendGroupMessage](&groupMessageWorker{f: f}, jobs.Options{MaxAttempts: sendAttempts}),
	}
}

// SendGroupMessage is the job that emails a group message to one person,
// through one of their pledges to the group.
type SendGroupMessage struct {
	MessageID    int64 `json:"message_id"`
	PersonID     int64 `json:"person_id"`
	CommitmentID int64 `json:"commitment_id"`
}

// Kind names the job in the queue.
func (SendGroupMessage) Kind() string { return "send_group_message" }

type groupMessageWorker struct {
	river.WorkerDefaults[SendGroupMessage]
	f *Followup
}

func (w *groupMessageWorker) NextRetry(job *river.Job[SendGroupMessage]) time.Time {
	if w.f.cfg.Retry != nil {
		return time.Now().Add(w.f.cfg.Retry(job.Attempt))
	}
	return time.Time{} // River's default backoff
}

func (w *groupMessageWorker) Work(ctx context.Context, job *river.Job[SendGroupMessage]) error {
	return w.f.sendGroupMessage(ctx, job.Args)
}

// EnqueueGroupMessage queues, in tx, the email of a group message to one
// recipient: tx is the transaction that records the message.
func (m *Mailer) EnqueueGroupMessage(ctx context.Context, tx *sql.Tx, r gs.GroupMessageRecipient) error {
	return m.q.InsertTx(ctx, tx, SendGroupMessage{MessageID: r.MessageID, PersonID: r.PersonID, CommitmentID: r.CommitmentID}, nil)
}

// sendGroupMessage emails a message to one recipient. It looks at the
// pledge again first, because the job may run a while after the message was
// sent (the mail server was down): someone who has unsubscribed or withdrawn
// their pledge since gets nothing.
func (f *Followup) sendGroupMessage(ctx context.Context, a SendGroupMessage) error {
	m, err := f.store.GroupMessageByID(ctx, a.MessageID)
	if gs.ErrorCode(err) == gs.ENOTFOUND {
		return river.JobCancel(err)
	} else if err != nil {
		return err
	}
	st, err := f.store.FollowupState(ctx, a.CommitmentID)
	if gs.ErrorCode(err) == gs.ENOTFOUND {
		return river.JobCancel(err)
	} else if err != nil {
		return err
	}
	if st.Person.ID != a.PersonID || st.Group.ID != m.GroupID {
		return river.JobCancel(fmt.Errorf("group message %d: pledge %d is not person %d's in group %d", m.ID, a.CommitmentID, a.PersonID, m.GroupID))
	}
	// Not the contact consent (ContactOK): the message is about the
	// person's own pledge, as reminders are. Unsubscribing stops it.
	if st.Unsubscribed || st.Commitment.Status == gs.StatusWithdrawn {
		return nil
	}
	if f.cfg.BaseURL == "" {
		return river.JobCancel(errNoBaseURL)
	}
	unsub, err := f.store.IssueLinks(ctx, a.CommitmentID, st.Person.Email, gs.UnsubscribeLinksWithin, gs.TokenUnsubscribe)
	if err != nil {
		return err
	}
	msg, err := groupMessageEmail(m, st, f.cfg.BaseURL, f.cfg.BaseURL+"/unsubscribe/"+unsub[0])
	if err != nil {
		return river.JobCancel(fmt.Errorf("compose group message: %w", err))
	}
	return f.deliver(ctx, "group_message", a.CommitmentID, msg)
}

// groupMessageData is what the group message templates receive; Group,
// Campaign and UnsubscribeLink serve the shared unsubscribe footer.
type groupMessageData struct {
	Name       string
	Sender     string // "Lee Lead, a lead of Community pharmacists,"
	Body       string
	Paragraphs [][]string // the body's paragraphs, each as its lines
	Group      string
	Campaign   string
	GroupLink  string

	UnsubscribeLink string
}

// groupMessageEmail composes a group message to one person: the lead's
// words, as they wrote them, introduced by who they are, with the
// unsubscribe footer and header of every follow-up email.
func groupMessageEmail(m gs.GroupMessage, st gs.FollowupState, baseURL, unsubscribe string) (mail.Message, error) {
	if unsubscribe == "" || unsubscribe[0] == '/' {
		return mail.Message{}, errNoBaseURL
	}
	d := groupMessageData{Name: st.Person.Name, Body: m.Body, Paragraphs: paragraphLines(m.Body),
		Group: st.Group.Name, Campaign: st.Campaign.Title, UnsubscribeLink: unsubscribe,
		GroupLink: baseURL + "/campaigns/" + st.Campaign.Slug + "/groups/" + st.Group.Slug}
	if m.SenderRole == gs.SenderOrganiser {
		d.Sender = m.SenderName + ", an organiser of " + st.Campaign.Title + ","
	} else {
		d.Sender = m.SenderName + ", a lead of " + st.Group.Name + ","
	}
	msg, err := composeWith("group_message", st.Person, st.Group.Name+": "+m.Subject, d)
	if err != nil {
		return msg, err
	}
	msg.ListUnsubscribe = unsubscribe
	return msg, nil
}

// paragraphLines splits plain text into paragraphs on blank lines, and each
// paragraph into its lines, for the HTML part.
func paragraphLines(s string) [][]string {
	var out [][]string
	for p := range strings.SplitSeq(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, strings.Split(p, "\n"))
		}
	}
	return out
}
