package followup

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/London without the OS's zone database (a scratch container)

	"github.com/riverqueue/river"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/jobs"
	"github.com/groundswell-health/groundswell/mail"
)

// The weekly digest for group leads: one email a week to each lead of a
// group in a live campaign, with what happened in their groups in the past
// seven days — new pledges, done, lapsed, "I cannot do it" — and the actions
// due in the next two weeks. One email, however many groups they lead.
//
// A periodic job, DigestSweep, looks every hour (by the store's clock)
// whether this week's digests are due: from the schedule's day and hour, UK
// time. The store records each lead's digest for the week and, in the same
// transaction, the sweep queues a SendDigest job for its email, so a digest
// is recorded exactly when its job exists and is never sent twice
// (store.SweepDigests). The job composes the digest from the database as it
// then is, for the week's fixed seven days, with a link that stops it.
//
// A quiet week still gets its email, saying it was quiet in a line: a lead
// who hears nothing cannot tell a quiet week from a broken digest, and a
// quiet week is news a lead may want to act on.

// digestLate bounds how late a week's digests are sent: a sweep that finds
// them due longer ago than this (the queue was stopped) leaves them, rather
// than send last week's news.
const digestLate = 3 * 24 * time.Hour

// ukTime is the time zone of the digest's schedule, so that 8am is 8am in
// summer and winter alike.
var ukTime = func() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(err) // time/tzdata is embedded: cannot happen
	}
	return loc
}()

// DigestSchedule is when the weekly digest goes: on Day, from Hour o'clock
// UK time, looked for every Every.
type DigestSchedule struct {
	Day   time.Weekday
	Hour  int // 0 to 23
	Every time.Duration
}

// DefaultDigestSchedule sends the digest on Mondays from 8am, looking every
// hour.
func DefaultDigestSchedule() DigestSchedule {
	return DigestSchedule{Day: time.Monday, Hour: 8, Every: time.Hour}
}

// String writes the schedule's day and hour as ParseDigestAt reads them.
func (ds DigestSchedule) String() string {
	return fmt.Sprintf("%s %02d:00", ds.Day, ds.Hour)
}

// ParseDigestAt reads the day and hour of the digest, UK time: "Monday
// 08:00", "mon 8", "friday 17:00". Minutes other than :00 are refused: the
// digest sweep looks once an hour.
func ParseDigestAt(s string) (DigestSchedule, error) {
	ds := DefaultDigestSchedule()
	day, hour, ok := strings.Cut(strings.TrimSpace(s), " ")
	hour = strings.TrimSpace(hour)
	if !ok || hour == "" {
		return ds, fmt.Errorf("%q is not a day and hour, like \"Monday 08:00\"", s)
	}
	found := false
	for d := time.Sunday; d <= time.Saturday; d++ {
		name := strings.ToLower(d.String())
		if l := strings.ToLower(day); l == name || l == name[:3] {
			ds.Day, found = d, true
		}
	}
	if !found {
		return ds, fmt.Errorf("%q is not a day of the week, like Monday", day)
	}
	h, m, _ := strings.Cut(hour, ":")
	n, err := strconv.Atoi(h)
	if err != nil || n < 0 || n > 23 || (m != "" && m != "00") {
		return ds, fmt.Errorf("%q is not an hour on the hour, like 08:00", hour)
	}
	ds.Hour = n
	return ds, nil
}

// due returns the digest week due at now: its ISO week, of the day it is
// due, and the seven days it covers, [since, until), until being the moment
// it became due. ok is false when the latest is more than digestLate past.
func (ds DigestSchedule) due(now time.Time) (week string, since, until time.Time, ok bool) {
	local := now.In(ukTime)
	y, m, d := local.Date()
	day := d - (int(local.Weekday())+6)%7 + (int(ds.Day)+6)%7 // this ISO week's digest day
	until = time.Date(y, m, day, ds.Hour, 0, 0, 0, ukTime)
	if until.After(now) {
		day -= 7
		until = time.Date(y, m, day, ds.Hour, 0, 0, 0, ukTime)
	}
	since = time.Date(y, m, day-7, ds.Hour, 0, 0, 0, ukTime)
	wy, wn := until.ISOWeek()
	return fmt.Sprintf("%04d-W%02d", wy, wn), since, until, now.Sub(until) < digestLate
}

func (f *Followup) digestSchedule() DigestSchedule {
	ds := DefaultDigestSchedule()
	if f.cfg.Digest != nil {
		ds = *f.cfg.Digest
	}
	if ds.Every == 0 {
		ds.Every = time.Hour
	}
	return ds
}

// DigestKinds is the table of the weekly digest's background jobs.
func (f *Followup) DigestKinds() []jobs.Kind {
	return []jobs.Kind{
		jobs.Define[DigestSweep](&digestSweepWorker{f: f}, jobs.Options{Every: f.digestSchedule().Every}),
		jobs.Define[SendDigest](&digestWorker{f: f}, jobs.Options{MaxAttempts: sendAttempts}),
	}
}

// DigestSweep is the periodic job that queues the week's digests when they
// are due; the database says which are.
type DigestSweep struct{}

// Kind names the job in the queue.
func (DigestSweep) Kind() string { return "digest_sweep" }

type digestSweepWorker struct {
	river.WorkerDefaults[DigestSweep]
	f *Followup
}

func (w *digestSweepWorker) Work(ctx context.Context, _ *river.Job[DigestSweep]) error {
	_, err := w.f.SweepDigests(ctx)
	return err
}

// SweepDigests queues the digest of every lead due one now, by the store's
// clock, and returns how many it queued. The periodic job runs it; running
// it again at once queues nothing more.
func (f *Followup) SweepDigests(ctx context.Context) (int, error) {
	week, since, until, ok := f.digestSchedule().due(f.store.Now())
	if !ok {
		return 0, nil
	}
	n, err := f.store.SweepDigests(ctx, week, since, until, func(ctx context.Context, tx *sql.Tx, d gs.DigestDue) error {
		return f.insertTx(ctx, tx, SendDigest{UserID: d.UserID, Week: d.Week, Since: d.Since.UnixMilli(), Until: d.Until.UnixMilli()})
	})
	if n > 0 {
		f.cfg.Logger.InfoContext(ctx, "weekly digests queued", "week", week, "count", n)
	}
	return n, err
}

// insertTx queues a job in tx: on the queue given by UseQueue or, inside a
// job, on the client running it.
func (f *Followup) insertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs) error {
	if f.queue != nil {
		return f.queue.InsertTx(ctx, tx, args, nil)
	}
	client, err := river.ClientFromContextSafely[*sql.Tx](ctx)
	if err != nil {
		return errors.New("no job queue to queue " + args.Kind() + " on (call UseQueue)")
	}
	_, err = client.InsertTx(ctx, tx, args, &river.InsertOpts{MaxAttempts: sendAttempts})
	return err
}

// SendDigest is the job that emails a lead their digest of a week.
type SendDigest struct {
	UserID int64  `json:"user_id"`
	Week   string `json:"week"`  // ISO week, "2027-W10"
	Since  int64  `json:"since"` // the seven days covered, Unix milliseconds
	Until  int64  `json:"until"`
}

// Kind names the job in the queue.
func (SendDigest) Kind() string { return "send_digest" }

type digestWorker struct {
	river.WorkerDefaults[SendDigest]
	f *Followup
}

func (w *digestWorker) NextRetry(job *river.Job[SendDigest]) time.Time {
	if w.f.cfg.Retry != nil {
		return time.Now().Add(w.f.cfg.Retry(job.Attempt))
	}
	return time.Time{} // River's default backoff
}

func (w *digestWorker) Work(ctx context.Context, job *river.Job[SendDigest]) error {
	return w.f.sendDigest(ctx, job.Args)
}

// sendDigest composes and sends a digest from the database as it is now,
// for the week's fixed days. A lead who has stopped their digests since, or
// leads no group in a live campaign any more, gets nothing.
func (f *Followup) sendDigest(ctx context.Context, a SendDigest) error {
	since, until := time.UnixMilli(a.Since).UTC(), time.UnixMilli(a.Until).UTC()
	d, err := f.store.LeadDigest(ctx, a.UserID, a.Week, since, until, gs.DateOf(until.In(ukTime)))
	if gs.ErrorCode(err) == gs.ENOTFOUND {
		return river.JobCancel(err)
	} else if err != nil {
		return err
	}
	if d.Off || len(d.Groups) == 0 {
		return nil
	}
	if f.cfg.BaseURL == "" {
		return river.JobCancel(errNoBaseURL)
	}
	token, err := f.store.IssueDigestUnsubscribe(ctx, a.UserID)
	if err != nil {
		return err
	}
	msg, err := digestMessage(d, f.cfg.BaseURL, f.cfg.BaseURL+"/digest/unsubscribe/"+token)
	if err != nil {
		return river.JobCancel(fmt.Errorf("compose digest: %w", err))
	}
	return f.deliver(ctx, "digest", 0, msg)
}

// digestData is what the digest templates receive.
type digestData struct {
	Name            string
	Until           string // "8am on Monday 8 March 2027"
	Groups          []digestGroup
	Quiet           bool // nothing in any group
	UpcomingDays    int
	Leads           string // "Community pharmacists" or "Community pharmacists and Carers"
	UnsubscribeLink string
}

type digestGroup struct {
	gs.GroupDigest
	Link, MessageLink string
	Upcoming          []digestAction
}

type digestAction struct {
	Title, DueOn  string
	Pledged, Done int
	Target        int
	DaysLeft      string
}

// digestMessage composes a lead's digest, with the link that stops it as a
// List-Unsubscribe header (one click, RFC 8058) and visibly in both parts.
func digestMessage(d gs.LeadDigest, baseURL, unsubscribe string) (mail.Message, error) {
	if unsubscribe == "" || unsubscribe[0] == '/' {
		return mail.Message{}, errNoBaseURL
	}
	data := digestData{Name: d.User.Name, Until: ukMoment(d.Until), Quiet: d.Quiet(), UpcomingDays: gs.DigestUpcomingDays,
		UnsubscribeLink: unsubscribe}
	names := make([]string, len(d.Groups))
	for i, g := range d.Groups {
		names[i] = g.Group.Name
		id := strconv.FormatInt(g.Group.ID, 10)
		dg := digestGroup{GroupDigest: g, Link: baseURL + "/lead/groups/" + id, MessageLink: baseURL + "/lead/groups/" + id + "/message"}
		for _, a := range g.Upcoming {
			dg.Upcoming = append(dg.Upcoming, digestAction{Title: a.Title, DueOn: a.DueOn.Long(), Pledged: a.Pledged, Done: a.Done,
				Target: a.Target, DaysLeft: dueIn(d.From, a.DueOn)})
		}
		data.Groups = append(data.Groups, dg)
	}
	data.Leads = joinAnd(names)
	subject := "Your weekly digest: " + data.Leads
	if len(names) > 2 {
		subject = "Your weekly digest: the " + strconv.Itoa(len(names)) + " groups you lead"
	}
	msg, err := composeWith("digest", gs.Person{Email: d.User.Email, Name: d.User.Name}, subject, data)
	if err != nil {
		return msg, err
	}
	msg.ListUnsubscribe = unsubscribe
	return msg, nil
}

// ukMoment writes a moment in UK time for people: "8am on Monday 8 March 2027".
func ukMoment(t time.Time) string {
	return t.In(ukTime).Format("3pm on Monday 2 January 2006")
}

// dueIn writes how far off a date is from today: "today", "tomorrow", "in 5 days".
func dueIn(today, on gs.Date) string {
	switch n := int(on.Time().Sub(today.Time()).Hours() / 24); n {
	case 0:
		return "today"
	case 1:
		return "tomorrow"
	default:
		return fmt.Sprintf("in %d days", n)
	}
}

// joinAnd joins names as a sentence does: "A", "A and B", "A, B and C".
func joinAnd(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// composeWith renders an email's text and HTML parts from the templates
// name.txt and name.html with any data (compose takes emailData only).
func composeWith(name string, to gs.Person, subject string, data any) (mail.Message, error) {
	var text, html bytes.Buffer
	if err := textTemplates.ExecuteTemplate(&text, name+".txt", data); err != nil {
		return mail.Message{}, err
	}
	if err := htmlTemplates.ExecuteTemplate(&html, name+".html", data); err != nil {
		return mail.Message{}, err
	}
	return mail.Message{To: to.Email, ToName: to.Name, Subject: subject, Text: text.String(), HTML: html.String(),
		Headers: map[string]string{"Auto-Submitted": "auto-generated"}}, nil
}
