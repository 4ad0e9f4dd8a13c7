package store

import (
	"context"
	"database/sql"
	"errors"
	"hash/fnv"
	"sync"

	gs "github.com/groundswell-health/groundswell"
)

// Group commit for pledges.
//
// A commit costs far more than the inserts of one pledge: the WAL frames of
// every page the transaction touched are written out, and the one write
// connection is handed from caller to caller. So pledges that arrive while a
// commit is under way wait in a queue, and the next transaction takes up to
// maxPledgeBatch of them at once:
//
//   - each pledge runs inside its own SAVEPOINT, so one that fails (already
//     pledged, an unknown area, …) is rolled back alone and the others go on;
//   - the transaction commits once, and only then is any caller answered:
//     a pledge is acknowledged only after the commit that made it durable;
//   - if the commit fails, every pledge of the batch fails with it.
//
// There is no writer goroutine: the caller at the front of the queue leads —
// it runs the batch for itself and the callers queued behind it, answers them,
// and hands the lead to the next caller waiting, if any (the write queue of
// LevelDB works the same way). An idle store has nothing running, so there is
// nothing to stop when it is closed.
//
// The batch's statements run with the leader's context values but never its
// cancellation: one caller going away must not interrupt a transaction that
// carries other people's pledges. A caller whose context is done before its
// turn is answered with the context's error and not written.
//
// The same code serves PostgreSQL: SAVEPOINT, ROLLBACK TO SAVEPOINT and
// RELEASE SAVEPOINT are common SQL.

// maxPledgeBatch bounds the pledges in one transaction, and so the wait of
// the last of them.
const maxPledgeBatch = 128

// pledgeCall is one caller's pledge on its way through the queue.
type pledgeCall struct {
	ctx context.Context
	in  gs.PledgeInput
	res gs.PledgeResult
	err error
	// wake receives once, either when the call has been answered (done) or
	// when it has reached the front of the queue and must lead.
	wake chan struct{}
	done bool
}

// pledgeQueue is a store's queue of pledges waiting to be written; the call
// at calls[0] is the leader.
type pledgeQueue struct {
	mu    sync.Mutex
	calls []*pledgeCall
}

// postgresPledgeQueues is how many batches a node writes at once on
// PostgreSQL.
const postgresPledgeQueues = 8

// pledgeQueueFor picks the queue of a pledge by its email, so that pledges
// by one person always meet in one queue, in order.
func (s *Store) pledgeQueueFor(email string) *pledgeQueue {
	if len(s.pledges) == 1 {
		return &s.pledges[0]
	}
	h := fnv.New32a()
	h.Write([]byte(email))
	return &s.pledges[h.Sum32()%uint32(len(s.pledges))]
}

// groupPledge writes a validated pledge through the queue and returns once
// the transaction holding it has committed (or failed).
func (s *Store) groupPledge(ctx context.Context, in gs.PledgeInput) (gs.PledgeResult, error) {
	q := s.pledgeQueueFor(in.Email)
	c := &pledgeCall{ctx: ctx, in: in, wake: make(chan struct{}, 1)}
	q.mu.Lock()
	q.calls = append(q.calls, c)
	lead := len(q.calls) == 1
	q.mu.Unlock()
	if !lead {
		<-c.wake
		if c.done {
			return c.res, c.err
		}
	}

	// c is at the front of the queue: write a batch starting with it.
	q.mu.Lock()
	batch := make([]*pledgeCall, min(len(q.calls), maxPledgeBatch))
	copy(batch, q.calls)
	q.mu.Unlock()

	// Answer the batch and hand the lead on even if writing it panics, or
	// every later pledge would wait for ever.
	written := false
	defer func() {
		if !written {
			for _, b := range batch {
				b.res, b.err = gs.PledgeResult{}, errors.New("writing a batch of pledges failed")
			}
		}
		q.finish(c, batch)
	}()
	s.commitPledges(context.WithoutCancel(ctx), batch)
	written = true
	return c.res, c.err
}

// finish removes a written batch from the front of the queue, answers its
// calls but the leader's own, and wakes the next leader, if any.
func (q *pledgeQueue) finish(leader *pledgeCall, batch []*pledgeCall) {
	q.mu.Lock()
	defer q.mu.Unlock()
	rest := copy(q.calls, q.calls[len(batch):])
	clear(q.calls[rest:])
	q.calls = q.calls[:rest]
	for _, b := range batch {
		b.done = true
		if b != leader {
			b.wake <- struct{}{}
		}
	}
	if len(q.calls) > 0 {
		q.calls[0].wake <- struct{}{} // the next leader
	}
}

// commitPledges writes a batch of pledges in one transaction, each in its own
// savepoint, and sets every call's result.
func (s *Store) commitPledges(ctx context.Context, batch []*pledgeCall) {
	var err error
	// On PostgreSQL two nodes' batches can deadlock (each waits on a row the
	// other has inserted); the server aborts one, which is then run again.
	for attempt := 0; attempt < 3; attempt++ {
		if err = s.writeTx(ctx, func(t *tx) error { return writePledges(ctx, t, batch) }); !isRetryable(err) {
			break
		}
	}
	if err != nil {
		// Nothing of the batch was committed: no pledge is acknowledged.
		for _, c := range batch {
			c.res, c.err = gs.PledgeResult{}, err
		}
	}
	// A pledge that met a full disk in its savepoint failed alone, and the
	// batch's transaction did not: /healthz must hear of it all the same.
	// A batch that stored a new pledge and met no fault shows that the
	// database stores again: the fault is over.
	stored, faulty := false, false
	for _, c := range batch {
		stored = stored || (c.err == nil && !c.res.Replayed)
		if Unavailable(c.err) {
			faulty = true
			s.noteFault(c.err)
		}
	}
	if stored && !faulty {
		s.fault.Store(nil)
	}
}

// writePledges writes each pledge of a batch in its own savepoint, setting
// every call's result.
func writePledges(ctx context.Context, t *tx, batch []*pledgeCall) error {
	tx := &pledgeTx{tx: t, stmts: map[string]*sql.Stmt{}}
	for _, c := range batch {
		if err := c.ctx.Err(); err != nil {
			c.res, c.err = gs.PledgeResult{}, err
			continue
		}
		if _, err := tx.exec(ctx, `SAVEPOINT pledge`); err != nil {
			return err
		}
		c.res, c.err = pledge(ctx, tx, c.in)
		if isRetryable(c.err) {
			return c.err // run the whole batch again
		}
		if c.err != nil {
			c.res = gs.PledgeResult{}
			if _, err := tx.exec(ctx, `ROLLBACK TO SAVEPOINT pledge`); err != nil {
				if Unavailable(c.err) {
					// SQLite may roll the whole transaction back on a full
					// disk or an I/O error, savepoints and all: the batch
					// fails for the fault, not for the missing savepoint.
					return c.err
				}
				return err
			}
		}
		if _, err := tx.exec(ctx, `RELEASE SAVEPOINT pledge`); err != nil {
			return err
		}
	}
	return nil
}

// pledgeTx is a batch's transaction. Its queries are prepared once per
// transaction and reused by every pledge of the batch: parsing the SQL would
// otherwise cost more than running it. database/sql closes the statements
// when the transaction ends.
type pledgeTx struct {
	*tx
	stmts map[string]*sql.Stmt
	// webhooks remembers, for the batch, whether a campaign's event has
	// endpoints, so most pledges ask nothing (webhook_events.go).
	webhooks map[webhookKey]bool
}

func (t *pledgeTx) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := t.stmts[q]; ok {
		return st, nil
	}
	st, err := t.tx.tx.PrepareContext(ctx, t.d.bind(q))
	if err != nil {
		return nil, err
	}
	t.stmts[q] = st
	return st, nil
}

// prepares reports whether the batch prepares its statements itself. On
// SQLite it must: database/sql with this driver parses every statement every
// time. pgx caches prepared statements per connection on its own, and an
// explicit Prepare per batch would cost a round trip each time.
func (t *pledgeTx) prepares() bool { return !t.d.numbered }

func (t *pledgeTx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if !t.prepares() {
		return t.tx.exec(ctx, q, args...)
	}
	st, err := t.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (t *pledgeTx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if !t.prepares() {
		return t.tx.queryRow(ctx, q, args...)
	}
	st, err := t.stmt(ctx, q)
	if err != nil {
		// Unprepared, the query fails the same way, and the returned row
		// carries the error to Scan.
		return t.tx.queryRow(ctx, q, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// exists reports whether the query returns a row.
func (t *pledgeTx) exists(ctx context.Context, q string, args ...any) bool {
	var one int
	return t.queryRow(ctx, q, args...).Scan(&one) == nil
}
