package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
	_ "modernc.org/sqlite"             // the "sqlite" driver

	"github.com/groundswell-health/groundswell/store/storetest"
)

// sqliteParams are store.Open's connection parameters for its write pool.
const sqliteParams = "?_busy_timeout=10000&_foreign_keys=1&_journal_mode=WAL&_synchronous=NORMAL&_txlock=immediate"

// openSQLite opens a new SQLite file the way store.Open opens its write pool
// — one connection — and migrates it.
func openSQLite(tb testing.TB) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite", filepath.Join(tb.TempDir(), "test.db")+sqliteParams)
	if err != nil {
		tb.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	tb.Cleanup(func() { db.Close() })
	migrate(tb, db, "sqlite")
	return db
}

// openPostgres opens a pool on a fresh schema of the test server and
// migrates it.
func openPostgres(tb testing.TB) *sql.DB {
	tb.Helper()
	db := openPool(tb, storetest.PostgresSchema(tb))
	migrate(tb, db, "postgres")
	return db
}

// openPool opens a PostgreSQL pool like the store's, closed when the test
// ends (before its schema is dropped).
func openPool(tb testing.TB, url string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("pgx", url)
	if err != nil {
		tb.Fatal(err)
	}
	db.SetMaxOpenConns(8)
	tb.Cleanup(func() { db.Close() })
	return db
}

func migrate(tb testing.TB, db *sql.DB, dialect string) {
	tb.Helper()
	if err := Migrate(context.Background(), db, dialect); err != nil {
		tb.Fatal(err)
	}
}

// each runs fn in parallel subtests on a fresh SQLite file and a fresh
// PostgreSQL schema.
func each(t *testing.T, fn func(t *testing.T, db *sql.DB, dialect string)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, openSQLite(t), "sqlite")
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, openPostgres(t), "postgres")
	})
}

// A test's jobs report to its recorder.
type recorder struct {
	mu   sync.Mutex
	runs map[int64][]run // by job ID
}

type run struct {
	kind      string
	n         int
	attempt   int
	node      string
	at        time.Time
	scheduled time.Time
}

func newRecorder() *recorder { return &recorder{runs: map[int64][]run{}} }

func (r *recorder) record(node string, job *rivertype.JobRow, n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.runs[job.ID] = append(r.runs[job.ID], run{
		kind: job.Kind, n: n, attempt: job.Attempt, node: node, at: time.Now(), scheduled: job.ScheduledAt,
	})
}

func (r *recorder) ids() []int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ids []int64
	for id := range r.runs {
		ids = append(ids, id)
	}
	return ids
}

// byN returns the runs of the jobs of kind whose argument is n.
func (r *recorder) byN(kind string, n int) []run {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []run
	for _, runs := range r.runs {
		for _, x := range runs {
			if x.kind == kind && x.n == n {
				out = append(out, x)
			}
		}
	}
	return out
}

func (r *recorder) ofKind(kind string) []run {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []run
	for _, runs := range r.runs {
		for _, x := range runs {
			if x.kind == kind {
				out = append(out, x)
			}
		}
	}
	return out
}

// The toy kinds of job.

// noteArgs is a job that only records that it ran.
type noteArgs struct {
	N int `json:"n"`
}

func (noteArgs) Kind() string { return "test_note" }

type noteWorker struct {
	river.WorkerDefaults[noteArgs]
	r    *recorder
	node string
	// work, if set, runs inside the job.
	work func(ctx context.Context, n int) error
}

func (w *noteWorker) Work(ctx context.Context, job *river.Job[noteArgs]) error {
	w.r.record(w.node, job.JobRow, job.Args.N)
	if w.work != nil {
		return w.work(ctx, job.Args.N)
	}
	return nil
}

// flakyArgs is a job that fails its first Failures attempts, like an email
// sent while the mail server is down.
type flakyArgs struct {
	N        int `json:"n"`
	Failures int `json:"failures"`
}

func (flakyArgs) Kind() string { return "test_flaky" }

type flakyWorker struct {
	river.WorkerDefaults[flakyArgs]
	r *recorder
}

// flakyBackoff is the flaky job's wait between attempts, short to keep the
// test fast; River's default would be attempt⁴ seconds.
const flakyBackoff = 100 * time.Millisecond

func (w *flakyWorker) NextRetry(*river.Job[flakyArgs]) time.Time {
	return time.Now().Add(flakyBackoff)
}

func (w *flakyWorker) Work(ctx context.Context, job *river.Job[flakyArgs]) error {
	w.r.record("", job.JobRow, job.Args.N)
	if job.Attempt <= job.Args.Failures {
		return fmt.Errorf("mail server down (attempt %d)", job.Attempt)
	}
	return nil
}

// sweepArgs is a periodic job.
type sweepArgs struct{}

func (sweepArgs) Kind() string { return "test_sweep" }

type sweepWorker struct {
	river.WorkerDefaults[sweepArgs]
	r    *recorder
	node string
}

func (w *sweepWorker) Work(ctx context.Context, job *river.Job[sweepArgs]) error {
	w.r.record(w.node, job.JobRow, 0)
	return nil
}

// slowArgs is a job that takes a while.
type slowArgs struct {
	N     int           `json:"n"`
	Sleep time.Duration `json:"sleep"`
}

func (slowArgs) Kind() string { return "test_slow" }

type slowWorker struct {
	river.WorkerDefaults[slowArgs]
	r    *recorder
	node string
	// fast makes the job quick after all.
	fast bool
}

func (w *slowWorker) Work(ctx context.Context, job *river.Job[slowArgs]) error {
	w.r.record(w.node, job.JobRow, job.Args.N)
	if w.fast {
		return nil
	}
	select {
	case <-time.After(job.Args.Sleep):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// testLogger passes River's warnings and errors to the test log.
func testLogger(tb testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{tb}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct{ tb testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.tb.Log(string(p))
	return len(p), nil
}

// newQueue returns a queue on db with the given kinds, stopped when the test
// ends.
func newQueue(tb testing.TB, db *sql.DB, dialect string, cfg Config) *Queue {
	tb.Helper()
	cfg.PollInterval = 50 * time.Millisecond
	cfg.Logger = testLogger(tb)
	cfg.testOnly = true
	q, err := New(db, dialect, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := q.Stop(ctx); err != nil {
			tb.Errorf("stop queue: %v", err)
		}
	})
	return q
}

func start(tb testing.TB, q *Queue) {
	tb.Helper()
	if err := q.Start(context.Background()); err != nil {
		tb.Fatal(err)
	}
}

// waitFor fails the test unless cond becomes true within d.
func waitFor(tb testing.TB, d time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("waited %s for %s", d, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// jobState reads a job's state from the database.
func jobState(tb testing.TB, q *Queue, id int64) rivertype.JobState {
	tb.Helper()
	job, err := q.client.JobGet(context.Background(), id)
	if err != nil {
		tb.Fatalf("get job %d: %v", id, err)
	}
	return job.State
}

// countJobs counts the rows of river_job of a kind.
func countJobs(tb testing.TB, db *sql.DB, kind string) int {
	tb.Helper()
	var n int
	// The kind is a constant of the test, so it can be part of the query
	// whatever the dialect's placeholders.
	if err := db.QueryRow(`SELECT COUNT(*) FROM river_job WHERE kind = '` + kind + `'`).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

func exec(tb testing.TB, db interface {
	Exec(string, ...any) (sql.Result, error)
}, q string) {
	tb.Helper()
	if _, err := db.Exec(q); err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
}
