package jobs

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	"github.com/groundswell-health/groundswell/store/storetest"
)

// TestSingleConnection runs River on a SQLite pool of exactly one connection,
// as the store's write pool is, under load: writers inserting jobs both in
// transactions of their own (with a savepoint open, as the store writes
// pledges) and through Insert, workers that write through the same pool, a
// retried job and a periodic one, all at once.
//
// What it verifies: River never asks the pool for a second connection while
// holding the first — every River transaction (fetching, completing, electing
// a leader, inserting periodic jobs, migrating) runs its statements on that
// transaction, and nothing of River holds the connection while a job runs.
// Were it otherwise, database/sql would wait for ever for a connection that
// is never released, and the test would time out. (Reading riversqlite
// v0.51.2 agrees: Executor.Begin takes the pool's connection, and every
// statement inside runs on the transaction's own handle.) The one way to
// deadlock is the caller's: calling Insert, rather than InsertTx, while
// holding a write transaction open on the same pool.
func TestSingleConnection(t *testing.T) {
	t.Parallel()
	db := openSQLite(t)
	exec(t, db, `CREATE TABLE pledge (n INTEGER PRIMARY KEY)`)
	exec(t, db, `CREATE TABLE done (n INTEGER PRIMARY KEY)`)
	r := newRecorder()
	write := func(ctx context.Context, n int) error {
		// A duplicate run would fail here too, on the primary key.
		_, err := db.ExecContext(ctx, `INSERT INTO done (n) VALUES (?)`, n)
		return err
	}
	q := newQueue(t, db, "sqlite", Config{MaxWorkers: 50, Kinds: []Kind{
		Define(&noteWorker{r: r, work: write}, Options{}),
		Define(&flakyWorker{r: r}, Options{MaxAttempts: 3}),
		Define(&sweepWorker{r: r}, Options{Every: time.Second}),
	}})
	start(t, q)

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	const writers, each = 6, 30
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				n := w*each + i
				if err := loadInsert(ctx, db, q, n); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("insert under load: %v", err)
	}

	const total = writers * each
	waitFor(t, time.Until(deadline(ctx)), "every job to run on one connection", func() bool {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM done`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n == total && len(r.ofKind("test_flaky")) == 2*total/10
	})
	for n := range total {
		if got := len(r.byN("test_note", n)); got != 1 {
			t.Errorf("job %d ran %d times", n, got)
		}
	}
	if len(r.ofKind("test_sweep")) == 0 {
		t.Error("the periodic job never ran")
	}
	st := db.Stats()
	t.Logf("pool: max %d connection(s); %d waits for it, %s in all", st.MaxOpenConnections, st.WaitCount, st.WaitDuration)
}

// loadInsert enqueues job n: every tenth also a flaky job that fails once;
// the even ones in a transaction holding a savepoint, as the store writes
// pledges, and the odd ones through Insert.
func loadInsert(ctx context.Context, db *sql.DB, q *Queue, n int) error {
	if n%10 == 0 {
		if err := q.Insert(ctx, flakyArgs{N: n, Failures: 1}, nil); err != nil {
			return err
		}
	}
	if n%2 == 1 {
		return q.Insert(ctx, noteArgs{N: n}, nil)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, stmt := range []string{`INSERT INTO pledge (n) VALUES (?)`, `SAVEPOINT pledge`} {
		if _, err := tx.ExecContext(ctx, stmt, n); err != nil {
			return err
		}
	}
	if err := q.InsertTx(ctx, tx, noteArgs{N: n}, nil); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT pledge`); err != nil {
		return err
	}
	return tx.Commit()
}

func deadline(ctx context.Context) time.Time {
	d, _ := ctx.Deadline()
	return d
}

// Two nodes on one PostgreSQL schema share the jobs, and each job runs once;
// only one of them inserts each periodic job.
func TestTwoNodes(t *testing.T) {
	t.Parallel()
	url := storetest.PostgresSchema(t)
	dbs := []*sql.DB{openPool(t, url), openPool(t, url)}
	migrate(t, dbs[0], "postgres")
	r := newRecorder()
	var queues []*Queue
	for i, node := range []string{"a", "b"} {
		queues = append(queues, newQueue(t, dbs[i], "postgres", Config{MaxWorkers: 4, Kinds: []Kind{
			Define(&slowWorker{r: r, node: node}, Options{}),
			Define(&sweepWorker{r: r, node: node}, Options{Every: time.Second}),
		}}))
	}

	const total = 200
	tx := begin(t, dbs[0])
	for n := range total {
		insertTx(t, queues[0], tx, slowArgs{N: n, Sleep: 10 * time.Millisecond})
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	for _, q := range queues {
		start(t, q)
	}

	waitFor(t, 10*time.Second, "every job to run", func() bool { return len(r.ofKind("test_slow")) >= total })
	waitFor(t, 5*time.Second, "two sweeps", func() bool { return len(r.ofKind("test_sweep")) >= 2 })
	time.Sleep(200 * time.Millisecond) // four polls: a duplicate would have run
	share := map[string]int{}
	for n := range total {
		runs := r.byN("test_slow", n)
		if len(runs) != 1 {
			t.Errorf("job %d ran %d times", n, len(runs))
			continue
		}
		share[runs[0].node]++
	}
	t.Logf("jobs run by each node: %v", share)
	if share["a"] == 0 || share["b"] == 0 {
		t.Errorf("one node ran every job: %v", share)
	}
	checkPeriods(t, r.ofKind("test_sweep"), time.Second)
}
