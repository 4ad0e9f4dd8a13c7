package jobs

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/groundswell-health/groundswell/store/storetest"
)

// A job inserted in a transaction exists only if the transaction commits:
// rolled back, whole or to a savepoint, it never runs; committed, it runs
// once. The store writes each pledge in a SAVEPOINT, so InsertTx must work
// inside one.
func TestInsertTx(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, db *sql.DB, dialect string) {
		ctx := context.Background()
		r := newRecorder()
		q := newQueue(t, db, dialect, Config{Kinds: []Kind{Define(&noteWorker{r: r}, Options{})}})
		exec(t, db, `CREATE TABLE pledge (id INTEGER PRIMARY KEY)`)
		start(t, q)

		// 1: the transaction rolls back.
		tx := begin(t, db)
		exec(t, tx, `INSERT INTO pledge (id) VALUES (1)`)
		insertTx(t, q, tx, noteArgs{N: 1})
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}

		// 2: rolled back to its savepoint, in a transaction that commits;
		// 3: in a savepoint that is released, as the store writes pledges.
		tx = begin(t, db)
		exec(t, tx, `SAVEPOINT pledge`)
		exec(t, tx, `INSERT INTO pledge (id) VALUES (2)`)
		insertTx(t, q, tx, noteArgs{N: 2})
		exec(t, tx, `ROLLBACK TO SAVEPOINT pledge`)
		exec(t, tx, `RELEASE SAVEPOINT pledge`)
		exec(t, tx, `SAVEPOINT pledge`)
		exec(t, tx, `INSERT INTO pledge (id) VALUES (3)`)
		insertTx(t, q, tx, noteArgs{N: 3})
		exec(t, tx, `RELEASE SAVEPOINT pledge`)
		// Until the commit the job is invisible, even once polled for.
		time.Sleep(150 * time.Millisecond)
		if runs := r.byN("test_note", 3); len(runs) != 0 {
			t.Fatalf("job 3 ran %d times before its transaction committed", len(runs))
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}

		// 4: outside any transaction.
		if err := q.Insert(ctx, noteArgs{N: 4}, nil); err != nil {
			t.Fatal(err)
		}

		waitFor(t, 5*time.Second, "jobs 3 and 4", func() bool {
			return len(r.byN("test_note", 3)) > 0 && len(r.byN("test_note", 4)) > 0
		})
		time.Sleep(150 * time.Millisecond) // three polls: a duplicate would have run
		for n, want := range map[int]int{1: 0, 2: 0, 3: 1, 4: 1} {
			if got := len(r.byN("test_note", n)); got != want {
				t.Errorf("job %d ran %d times, want %d", n, got, want)
			}
		}
		if got := countJobs(t, db, "test_note"); got != 2 {
			t.Errorf("river_job holds %d note jobs, want 2 (3 and 4)", got)
		}
		var pledges int
		if err := db.QueryRow(`SELECT COUNT(*) FROM pledge`).Scan(&pledges); err != nil {
			t.Fatal(err)
		}
		if pledges != 1 {
			t.Errorf("%d pledges were written, want 1", pledges)
		}
	})
}

// A failing job is retried after its worker's backoff and succeeds on a
// later attempt; one that keeps failing is given up after its kind's
// MaxAttempts.
func TestRetry(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, db *sql.DB, dialect string) {
		ctx := context.Background()
		r := newRecorder()
		q := newQueue(t, db, dialect, Config{Kinds: []Kind{Define(&flakyWorker{r: r}, Options{MaxAttempts: 3})}})
		start(t, q)
		if err := q.Insert(ctx, flakyArgs{N: 1, Failures: 2}, nil); err != nil {
			t.Fatal(err)
		}
		if err := q.Insert(ctx, flakyArgs{N: 2, Failures: 10}, nil); err != nil {
			t.Fatal(err)
		}
		// A MaxAttempts given at insertion wins over the kind's.
		if err := q.Insert(ctx, flakyArgs{N: 3, Failures: 10}, &river.InsertOpts{MaxAttempts: 1}); err != nil {
			t.Fatal(err)
		}

		waitFor(t, 5*time.Second, "the flaky jobs to finish", func() bool {
			for n, want := range map[int]int{1: 3, 2: 3, 3: 1} {
				if len(r.byN("test_flaky", n)) < want {
					return false
				}
			}
			return true
		})
		time.Sleep(300 * time.Millisecond) // would-be further attempts
		type outcome struct {
			attempts int
			state    rivertype.JobState
		}
		for n, want := range map[int]outcome{
			1: {3, rivertype.JobStateCompleted},
			2: {3, rivertype.JobStateDiscarded},
			3: {1, rivertype.JobStateDiscarded},
		} {
			runs := r.byN("test_flaky", n)
			if len(runs) != want.attempts {
				t.Errorf("job %d ran %d times, want %d", n, len(runs), want.attempts)
				continue
			}
			for i, x := range runs {
				if x.attempt != i+1 {
					t.Errorf("job %d: run %d was attempt %d", n, i+1, x.attempt)
				}
				if i > 0 {
					// Job timestamps have millisecond precision on SQLite.
					if gap := x.at.Sub(runs[i-1].at); gap < flakyBackoff-time.Millisecond {
						t.Errorf("job %d: attempt %d came %s after the previous one, before the backoff of %s", n, x.attempt, gap, flakyBackoff)
					}
				}
			}
			id := jobID(t, r, "test_flaky", n)
			if got := jobState(t, q, id); got != want.state {
				t.Errorf("job %d is %s, want %s", n, got, want.state)
			}
		}
	})
}

// A periodic job runs when the queue starts and then every period, at most
// once per period.
func TestPeriodic(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, db *sql.DB, dialect string) {
		r := newRecorder()
		q := newQueue(t, db, dialect, Config{Kinds: []Kind{
			Define(&sweepWorker{r: r}, Options{Every: time.Second}),
		}})
		start(t, q)
		waitFor(t, 5*time.Second, "two sweeps", func() bool { return len(r.ofKind("test_sweep")) >= 2 })
		checkPeriods(t, r.ofKind("test_sweep"), time.Second)

		// Periodic kinds get one attempt unless declared otherwise.
		for _, id := range r.ids() {
			job, err := q.client.JobGet(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			if job.MaxAttempts != 1 {
				t.Errorf("sweep job has MaxAttempts %d, want 1", job.MaxAttempts)
			}
		}
	})
}

// checkPeriods fails unless the runs were of distinct jobs, each run once,
// no two scheduled in the same period.
func checkPeriods(t *testing.T, runs []run, period time.Duration) {
	t.Helper()
	seen := map[time.Time]bool{}
	for _, x := range runs {
		if x.attempt != 1 {
			t.Errorf("a periodic job ran a second time (attempt %d)", x.attempt)
		}
		p := x.scheduled.Truncate(period)
		if seen[p] {
			t.Errorf("two periodic jobs were scheduled in the period starting %s", p.Format(time.RFC3339Nano))
		}
		seen[p] = true
	}
}

// Stop lets a running job finish; jobs inserted while no queue runs are kept,
// and a new queue on the same database runs them.
func TestRestart(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, db *sql.DB, dialect string) {
		ctx := context.Background()
		r := newRecorder()
		kinds := func(node string) []Kind {
			return []Kind{
				Define(&noteWorker{r: r, node: node}, Options{}),
				Define(&slowWorker{r: r, node: node}, Options{}),
			}
		}
		q1 := newQueue(t, db, dialect, Config{Kinds: kinds("first")})
		start(t, q1)
		if err := q1.Insert(ctx, slowArgs{N: 1, Sleep: 400 * time.Millisecond}, nil); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 5*time.Second, "the slow job to start", func() bool { return len(r.byN("test_slow", 1)) == 1 })
		stopCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if err := q1.Stop(stopCtx); err != nil {
			t.Fatalf("graceful stop: %v", err)
		}
		if got := jobState(t, q1, jobID(t, r, "test_slow", 1)); got != rivertype.JobStateCompleted {
			t.Fatalf("after a graceful stop the running job is %s, want completed", got)
		}

		// Nothing runs the queue now.
		if err := q1.Insert(ctx, noteArgs{N: 1}, nil); err != nil {
			t.Fatal(err)
		}
		tx := begin(t, db)
		insertTx(t, q1, tx, noteArgs{N: 2})
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(150 * time.Millisecond)
		if got := len(r.ofKind("test_note")); got != 0 {
			t.Fatalf("%d jobs ran on a stopped queue", got)
		}

		// A new process starts.
		q2 := newQueue(t, db, dialect, Config{Kinds: kinds("second")})
		start(t, q2)
		waitFor(t, 5*time.Second, "the jobs inserted while stopped", func() bool {
			return len(r.byN("test_note", 1)) == 1 && len(r.byN("test_note", 2)) == 1
		})
		for _, x := range r.ofKind("test_note") {
			if x.node != "second" {
				t.Errorf("a job ran on node %q", x.node)
			}
		}
	})
}

// A Stop whose context ends before the running jobs do cancels them; they
// run again on the next start, the interrupted attempt not counted.
func TestStopCancels(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, db *sql.DB, dialect string) {
		ctx := context.Background()
		r := newRecorder()
		q1 := newQueue(t, db, dialect, Config{Kinds: []Kind{Define(&slowWorker{r: r, node: "first"}, Options{})}})
		start(t, q1)
		if err := q1.Insert(ctx, slowArgs{N: 1, Sleep: time.Minute}, nil); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 5*time.Second, "the slow job to start", func() bool { return len(r.byN("test_slow", 1)) == 1 })
		stopCtx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancel()
		began := time.Now()
		if err := q1.Stop(stopCtx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Stop returned %v, want the deadline's error", err)
		}
		if d := time.Since(began); d > 3*time.Second {
			t.Errorf("Stop took %s to cancel a job", d)
		}
		id := jobID(t, r, "test_slow", 1)
		job, err := q1.client.JobGet(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if job.State != rivertype.JobStateAvailable || job.Attempt != 0 {
			t.Fatalf("the interrupted job is %s after %d attempts, want available after 0", job.State, job.Attempt)
		}

		q2 := newQueue(t, db, dialect, Config{Kinds: []Kind{Define(&slowWorker{r: r, node: "second", fast: true}, Options{})}})
		start(t, q2)
		waitFor(t, 5*time.Second, "the interrupted job to run again", func() bool { return jobState(t, q2, id) == rivertype.JobStateCompleted })
	})
}

// Migrate is idempotent, and two nodes migrating one PostgreSQL schema at
// once both succeed.
func TestMigrate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		db := openSQLite(t)
		if err := Migrate(ctx, db, "sqlite"); err != nil {
			t.Fatalf("second migration: %v", err)
		}
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		// Two nodes, two pools, one schema.
		url := storetest.PostgresSchema(t)
		db, other := openPool(t, url), openPool(t, url)
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Go(func() {
				pool := db
				if i%2 == 1 {
					pool = other
				}
				errs[i] = Migrate(ctx, pool, "postgres")
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("migration %d: %v", i, err)
			}
		}
		if err := Migrate(ctx, db, "postgres"); err != nil {
			t.Fatalf("migration after: %v", err)
		}
	})
}

func TestNewErrors(t *testing.T) {
	t.Parallel()
	db := openSQLite(t)
	note := Define(&noteWorker{r: newRecorder()}, Options{})
	for _, c := range []struct {
		name    string
		dialect string
		kinds   []Kind
		want    string
	}{
		{"no kinds", "sqlite", nil, "no job kinds"},
		{"twice", "sqlite", []Kind{note, note}, "declared twice"},
		{"too often", "sqlite", []Kind{Define(&sweepWorker{}, Options{Every: time.Millisecond})}, "once a second"},
		{"negative attempts", "sqlite", []Kind{Define(&sweepWorker{}, Options{MaxAttempts: -1})}, "negative"},
		{"dialect", "mysql", []Kind{note}, "unknown database dialect"},
	} {
		_, err := New(db, c.dialect, Config{Kinds: c.kinds})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got error %v, want one saying %q", c.name, err, c.want)
		}
	}
	if err := Migrate(context.Background(), db, "oracle"); err == nil {
		t.Error("Migrate accepted an unknown dialect")
	}
}

func begin(tb testing.TB, db *sql.DB) *sql.Tx {
	tb.Helper()
	tx, err := db.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { tx.Rollback() })
	return tx
}

func insertTx(tb testing.TB, q *Queue, tx *sql.Tx, args river.JobArgs) {
	tb.Helper()
	if err := q.InsertTx(context.Background(), tx, args, nil); err != nil {
		tb.Fatal(err)
	}
}

// jobID returns the ID of the job of kind with argument n that ran.
func jobID(tb testing.TB, r *recorder, kind string, n int) int64 {
	tb.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for id, runs := range r.runs {
		if runs[0].kind == kind && runs[0].n == n {
			return id
		}
	}
	tb.Fatalf("no %s job %d ran", kind, n)
	return 0
}
