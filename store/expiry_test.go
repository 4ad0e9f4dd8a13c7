package store_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

func TestExpireUnconfirmed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		start := time.Now()
		st.Now = func() time.Time { return start }
		kept, err := st.Pledge(ctx, f.Pledge("kept@example.org"))
		if err != nil {
			t.Fatal(err)
		}
		storetest.Confirm(t, st, kept.Commitment.ID)
		invited := f.Pledge("invited@example.org")
		invited.ReferralCode = kept.Person.ReferralCode
		gone, err := st.Pledge(ctx, invited)
		if err != nil {
			t.Fatal(err)
		}
		if c := counts(t, st, f.Campaign.ID); c.Awaiting != 1 || c.Relationships != 1 {
			t.Fatalf("before: %+v", c)
		}
		// The window runs from the confirmation email: one not queued yet
		// is waited for, however old the pledge.
		st.Now = func() time.Time { return start.Add(8 * 24 * time.Hour) }
		if n, err := st.ExpireUnconfirmed(ctx, 7*24*time.Hour); err != nil || n != 0 {
			t.Fatalf("before its email: %d removed, %v", n, err)
		}
		st.Now = func() time.Time { return start.Add(24 * time.Hour) }
		queueConfirmations(t, st)

		// Within the window nothing goes.
		st.Now = func() time.Time { return start.Add(7 * 24 * time.Hour) }
		if n, err := st.ExpireUnconfirmed(ctx, 7*24*time.Hour); err != nil || n != 0 {
			t.Fatalf("within the window: %d removed, %v", n, err)
		}
		st.Now = func() time.Time { return start.Add(8*24*time.Hour + time.Second) }
		n, err := st.ExpireUnconfirmed(ctx, 7*24*time.Hour)
		if err != nil || n != 1 {
			t.Fatalf("after the window: %d removed, %v", n, err)
		}
		c := counts(t, st, f.Campaign.ID)
		if c.Awaiting != 0 || c.Commitments != 1 || c.Relationships != 0 {
			t.Errorf("after: %+v, want the confirmed pledge alone", c)
		}
		if _, err := st.Receipt(ctx, gone.Commitment.ReceiptToken); err == nil {
			t.Error("the expired pledge is still there")
		}
		if _, err := st.SignInUser(ctx, "invited@example.org"); err == nil {
			t.Error("the person who never confirmed is still known")
		}
		if _, err := st.Receipt(ctx, kept.Commitment.ReceiptToken); err != nil {
			t.Errorf("the confirmed pledge went: %v", err)
		}
	})
}

// queueConfirmations marks every pledge awaiting its confirmation email as
// queued, as the outbox's dispatcher does, sending nothing.
func queueConfirmations(t *testing.T, st *store.Store) {
	t.Helper()
	if _, err := st.QueueConfirmations(context.Background(), 1000, func(*sql.Tx, []int64) error { return nil }); err != nil {
		t.Fatal(err)
	}
}
