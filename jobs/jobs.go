// Package jobs runs Groundswell's background work — sending an email, the
// periodic sweeps — through River (riverqueue.com), a job queue kept in the
// application's own database, SQLite or PostgreSQL. A job enqueued inside a
// transaction exists exactly when the data it belongs to does; jobs survive
// restarts; a failing job is retried with backoff; and when several nodes
// share one PostgreSQL database each job is fetched by one node only.
//
// Every kind of job is declared once, in the table the program passes as
// Config.Kinds: its worker, how many attempts it gets and, for a periodic kind,
// how often it runs.
//
// Delivery is at least once, not exactly once: a job is fetched by one node,
// but if that node dies while running it, River rescues the job after an hour
// (river.Config.RescueStuckJobsAfter) and runs it again. Workers should
// therefore be idempotent, and periodic ones should ask the database what is
// due rather than assume they run once per interval.
package jobs

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
)

// Defaults for Config.
const (
	DefaultMaxWorkers = 10
	// DefaultPollInterval bounds how long a new job waits before a node
	// fetches it. Neither driver gives River a way to hear of new jobs (see
	// New), so every node asks the database this often.
	DefaultPollInterval = 200 * time.Millisecond
)

// A Kind declares one kind of job: its worker and its Options. Make one with
// Define.
type Kind struct {
	name     string
	opts     Options
	add      func(*river.Workers) error
	periodic func() *river.PeriodicJob
}

// Options are the settings of a kind of job.
type Options struct {
	// MaxAttempts is how many times a job of the kind is tried before it is
	// given up (River "discards" it and keeps it for a week). Zero means
	// River's default, 25, for an ordinary kind, and 1 for a periodic kind,
	// whose next run is its retry. It overrides any InsertOpts of the job's
	// arguments, but not a MaxAttempts given to Insert or InsertTx.
	MaxAttempts int

	// Background, when set, runs the kind's jobs one at a time in a queue
	// of their own, behind everything else: bulk work (a surge of
	// confirmation emails) then trails the requests that caused it instead
	// of competing with them for the database and the CPU.
	Background bool

	// Outbound, when set, runs the kind's jobs in a queue of their own with
	// OutboundWorkers workers: jobs that wait on other people's servers
	// (webhook deliveries), so that a slow or dead one cannot hold up the
	// installation's own work — sign-in links, confirmations.
	Outbound bool

	// Every, when set, makes the kind periodic: a job with the zero value of
	// the kind's arguments is inserted when the queue starts and every Every
	// after. Only the elected leader among the nodes sharing a database
	// inserts periodic jobs, and at most one job of a periodic kind is
	// inserted per period (measured from the Unix epoch), so a restart or a
	// new leader does not run it twice in one period. At least one second.
	Every time.Duration
}

// Define declares the kind of job whose arguments are T, worked by w. Its name
// is T's Kind(); retries are scheduled by w.NextRetry (embed
// river.WorkerDefaults for River's default backoff, attempt⁴ seconds: 1 s,
// 16 s, 81 s, 4 min, 10 min, …).
func Define[T river.JobArgs](w river.Worker[T], o Options) Kind {
	var zero T
	k := Kind{name: zero.Kind(), opts: o}
	k.add = func(ws *river.Workers) error { return river.AddWorkerSafely(ws, w) }
	if o.Every != 0 {
		k.periodic = func() *river.PeriodicJob {
			return river.NewPeriodicJob(
				river.PeriodicInterval(o.Every),
				func() (river.JobArgs, *river.InsertOpts) {
					return zero, &river.InsertOpts{
						MaxAttempts: cmp.Or(o.MaxAttempts, 1),
						UniqueOpts:  river.UniqueOpts{ByPeriod: o.Every},
					}
				},
				&river.PeriodicJobOpts{ID: k.name, RunOnStart: true},
			)
		}
	}
	return k
}

// Config configures a Queue.
type Config struct {
	// Kinds is the table of every kind of job the program runs.
	Kinds []Kind
	// MaxWorkers is how many jobs this node runs at once; default
	// DefaultMaxWorkers.
	MaxWorkers int
	// PollInterval is how often this node asks the database for jobs to run;
	// default DefaultPollInterval.
	PollInterval time.Duration
	// Logger receives River's logs; default slog.Default().
	Logger *slog.Logger

	// testOnly sets River's TestOnly, which only skips the staggered start
	// of the leader's maintenance services — up to a second each, one after
	// another, so that periodic jobs may begin several seconds after Start.
	testOnly bool
}

// Queue is a node's handle on the job queue: it inserts jobs and, once
// started, runs them.
type Queue struct {
	client *river.Client[*sql.Tx]
	// maxAttempts holds the MaxAttempts of each kind that sets one.
	maxAttempts map[string]int
	// queueOf holds the queue of each kind not in River's default one.
	queueOf map[string]string
}

// BackgroundQueue is the River queue of kinds declared Background.
const BackgroundQueue = "background"

// OutboundQueue is the River queue of kinds declared Outbound, and
// OutboundWorkers how many of its jobs a node runs at once.
const (
	OutboundQueue   = "outbound"
	OutboundWorkers = 4
)

// New returns a queue on db, which must already hold River's tables (see
// Migrate). dialect is "sqlite" or "postgres", as store.Store.Dialect reports.
//
// On SQLite, db must be the store's write pool, the one connection through
// which every write goes: River then queues for it like any other writer,
// rather than failing with SQLITE_BUSY. River never needs a second
// connection while holding that one (see TestSingleConnection).
//
// Both drivers run River in poll-only mode: the database/sql PostgreSQL driver
// has no LISTEN connection, and SQLite has no LISTEN at all (River's SQLite
// substitute polls a notification table every 50 ms, which would take the
// one write connection twenty times a second; it is switched off). So each
// node looks for jobs every PollInterval, and a job waits up to that long.
func New(db *sql.DB, dialect string, cfg Config) (*Queue, error) {
	drv, err := riverDriver(db, dialect)
	if err != nil {
		return nil, err
	}
	q := &Queue{maxAttempts: map[string]int{}, queueOf: map[string]string{}}
	workers := river.NewWorkers()
	var periodic []*river.PeriodicJob
	seen := map[string]bool{}
	for _, k := range cfg.Kinds {
		if seen[k.name] {
			return nil, fmt.Errorf("job kind %q is declared twice", k.name)
		}
		seen[k.name] = true
		if err := k.add(workers); err != nil {
			return nil, fmt.Errorf("job kind %q: %w", k.name, err)
		}
		if k.opts.MaxAttempts < 0 {
			return nil, fmt.Errorf("job kind %q: MaxAttempts must not be negative", k.name)
		}
		n := k.opts.MaxAttempts
		if k.periodic != nil {
			if k.opts.Every < time.Second {
				return nil, fmt.Errorf("job kind %q: a periodic job runs at most once a second, not every %s", k.name, k.opts.Every)
			}
			periodic = append(periodic, k.periodic())
			n = cmp.Or(n, 1)
		}
		if n > 0 {
			q.maxAttempts[k.name] = n
		}
		switch {
		case k.opts.Background && k.opts.Outbound:
			return nil, fmt.Errorf("job kind %q: Background and Outbound are two different queues: choose one", k.name)
		case k.opts.Background:
			q.queueOf[k.name] = BackgroundQueue
		case k.opts.Outbound:
			q.queueOf[k.name] = OutboundQueue
		}
	}
	if len(cfg.Kinds) == 0 {
		return nil, errors.New("no job kinds declared")
	}
	poll := cmp.Or(cfg.PollInterval, DefaultPollInterval)
	q.client, err = river.NewClient(drv, &river.Config{
		Workers:      workers,
		PeriodicJobs: periodic,
		Queues: map[string]river.QueueConfig{
			river.QueueDefault: {MaxWorkers: cmp.Or(cfg.MaxWorkers, DefaultMaxWorkers)},
			BackgroundQueue:    {MaxWorkers: 1},
			OutboundQueue:      {MaxWorkers: OutboundWorkers},
		},
		PollOnly:          true,
		FetchPollInterval: poll,
		FetchCooldown:     min(poll, 100*time.Millisecond),
		Logger:            cmp.Or(cfg.Logger, slog.Default()),
		TestOnly:          cfg.testOnly,
	})
	if err != nil {
		return nil, fmt.Errorf("configure job queue: %w", err)
	}
	return q, nil
}

// riverDriver returns River's driver for db. Both take a *sql.DB and work
// with *sql.Tx, so everything else in this package serves both databases.
func riverDriver(db *sql.DB, dialect string) (riverdriver.Driver[*sql.Tx], error) {
	switch dialect {
	case "sqlite":
		return riversqlite.New(db), nil
	case "postgres":
		return riverdatabasesql.New(db), nil
	}
	return nil, fmt.Errorf("job queue: unknown database dialect %q", dialect)
}

// Start starts running jobs on this node and returns. Jobs run until Stop,
// whatever becomes of ctx; they inherit its values.
func (q *Queue) Start(ctx context.Context) error {
	// River takes the cancellation of Start's context for an order to cancel
	// running jobs; only Stop should end them, and gracefully.
	if err := q.client.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("start job queue: %w", err)
	}
	return nil
}

// Stop stops fetching jobs and waits for the running ones to finish. If ctx
// ends first, it cancels their contexts, waits a few seconds more for them to
// return, and returns ctx's error; a job cut short is retried later, by this
// node or another. Stop on a queue that is not running does nothing.
func (q *Queue) Stop(ctx context.Context) error {
	err := q.client.Stop(ctx)
	if err == nil {
		return nil
	}
	grace, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	return errors.Join(fmt.Errorf("stop job queue: %w", err), q.client.StopAndCancel(grace))
}

// InsertTx enqueues a job in tx: it exists, and can run, only if tx commits.
// It may be called inside a SAVEPOINT; rolling back to the savepoint removes
// the job. opts may be nil.
func (q *Queue) InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) error {
	if _, err := q.client.InsertTx(ctx, tx, args, q.opts(args, opts)); err != nil {
		return fmt.Errorf("enqueue %s job: %w", args.Kind(), err)
	}
	return nil
}

// InsertManyTx enqueues many jobs in tx at once; like InsertTx, they exist
// only if tx commits.
func (q *Queue) InsertManyTx(ctx context.Context, tx *sql.Tx, args []river.JobArgs) error {
	if len(args) == 0 {
		return nil
	}
	params := make([]river.InsertManyParams, len(args))
	for i, a := range args {
		params[i] = river.InsertManyParams{Args: a, InsertOpts: q.opts(a, nil)}
	}
	if _, err := q.client.InsertManyTx(ctx, tx, params); err != nil {
		return fmt.Errorf("enqueue %d %s jobs: %w", len(args), args[0].Kind(), err)
	}
	return nil
}

// Insert enqueues a job in a transaction of its own. On SQLite it needs the
// write connection, so it must not be called while the caller holds a write
// transaction open: use InsertTx in that transaction instead.
func (q *Queue) Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	if _, err := q.client.Insert(ctx, args, q.opts(args, opts)); err != nil {
		return fmt.Errorf("enqueue %s job: %w", args.Kind(), err)
	}
	return nil
}

// opts applies the kind's MaxAttempts to the caller's insert options.
func (q *Queue) opts(args river.JobArgs, o *river.InsertOpts) *river.InsertOpts {
	var c river.InsertOpts
	if o != nil {
		c = *o
	}
	if n, ok := q.maxAttempts[args.Kind()]; ok && c.MaxAttempts == 0 {
		c.MaxAttempts = n
	}
	if queue := q.queueOf[args.Kind()]; queue != "" && c.Queue == "" {
		c.Queue = queue
	}
	return &c
}
