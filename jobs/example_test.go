package jobs_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/riverqueue/river"
	_ "modernc.org/sqlite"

	"github.com/groundswell-health/groundswell/jobs"
)

// SendEmailArgs is one email to send: a job's arguments are stored as JSON.
type SendEmailArgs struct {
	To      string `json:"to"`
	Subject string `json:"subject"`
}

func (SendEmailArgs) Kind() string { return "send_email" }

// SendEmail sends an email. Returning an error (the mail server is down)
// retries the job with River's default backoff.
type SendEmail struct {
	river.WorkerDefaults[SendEmailArgs]
	Send func(ctx context.Context, to, subject string) error
}

func (w *SendEmail) Work(ctx context.Context, job *river.Job[SendEmailArgs]) error {
	return w.Send(ctx, job.Args.To, job.Args.Subject)
}

// LapseOverdueArgs is the periodic sweep that marks overdue commitments
// lapsed; it has no arguments: the database says what is overdue.
type LapseOverdueArgs struct{}

func (LapseOverdueArgs) Kind() string { return "lapse_overdue" }

type LapseOverdue struct {
	river.WorkerDefaults[LapseOverdueArgs]
}

func (w *LapseOverdue) Work(ctx context.Context, job *river.Job[LapseOverdueArgs]) error {
	return nil // UPDATE commitment SET status = 'lapsed' WHERE due_on < today …
}

// The program declares every kind of job in one table, and enqueues an email
// in the transaction that writes what it is about.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "jobs-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	// In Groundswell, db is the store's write pool: one connection.
	db, err := sql.Open("sqlite", filepath.Join(dir, "groundswell.db")+"?_journal_mode=WAL&_txlock=immediate")
	if err != nil {
		panic(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	if err := jobs.Migrate(ctx, db, "sqlite"); err != nil {
		panic(err)
	}
	sent := make(chan string, 1)
	q, err := jobs.New(db, "sqlite", jobs.Config{
		Kinds: []jobs.Kind{
			jobs.Define(&SendEmail{Send: func(ctx context.Context, to, subject string) error {
				sent <- fmt.Sprintf("%s: %s", to, subject)
				return nil
			}}, jobs.Options{MaxAttempts: 10}),
			jobs.Define(&LapseOverdue{}, jobs.Options{Every: 5 * time.Minute}),
		},
	})
	if err != nil {
		panic(err)
	}
	if err := q.Start(ctx); err != nil {
		panic(err)
	}
	defer q.Stop(ctx)

	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		panic(err)
	}
	// … INSERT the pledge …
	if err := q.InsertTx(ctx, tx, SendEmailArgs{To: "asha@example.org", Subject: "Thank you for your pledge"}, nil); err != nil {
		panic(err)
	}
	if err := tx.Commit(); err != nil {
		panic(err)
	}
	fmt.Println(<-sent)
	// Output: asha@example.org: Thank you for your pledge
}
