package store_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

func TestQueueConfirmationsOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		var made []int64
		for _, email := range []string{"a@example.org", "b@example.org", "c@example.org"} {
			res, err := st.Pledge(ctx, f.Pledge(email))
			if err != nil {
				t.Fatal(err)
			}
			made = append(made, res.Commitment.ID)
		}
		storetest.Confirm(t, st, made[2]) // confirmed already: no email needed

		// An enqueue that fails marks nothing.
		if _, err := st.QueueConfirmations(ctx, 10, func(*sql.Tx, []int64) error { return errors.New("queue down") }); err == nil {
			t.Fatal("a failed enqueue was not reported")
		}
		var got []int64
		n, err := st.QueueConfirmations(ctx, 10, func(_ *sql.Tx, ids []int64) error { got = ids; return nil })
		if err != nil || n != 2 || len(got) != 2 || got[0] != made[0] || got[1] != made[1] {
			t.Fatalf("queued %d %v (%v), want the two unconfirmed pledges", n, got, err)
		}
		n, err = st.QueueConfirmations(ctx, 10, func(_ *sql.Tx, ids []int64) error { t.Errorf("enqueued again: %v", ids); return nil })
		if err != nil || n != 0 {
			t.Errorf("second run queued %d (%v), want none", n, err)
		}
	})
}
