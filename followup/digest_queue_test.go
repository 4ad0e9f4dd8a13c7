package followup_test

import (
	"context"
	"io"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/followup"
	"github.com/groundswell-health/groundswell/jobs"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// TestDigestThroughTheQueue: by the store's clock, the digest sweep finds
// nothing before Monday 8am (UK time); from then it queues one digest per
// lead, which the job queue composes into the outbox; sweeping again sends
// nothing more; the digest's own link stops the next week's.
func TestDigestThroughTheQueue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var mu sync.Mutex
		now := time.Date(2027, 4, 1, 9, 0, 0, 0, time.UTC)
		st.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		at := func(t time.Time) { mu.Lock(); now = t; mu.Unlock() }

		f := storetest.Seed(t, st)
		lead, err := st.AppointLead(ctx, gs.AppointLeadInput{GroupID: f.Group.ID, Email: "lee@example.org", Name: "Lee Lead"})
		if err != nil {
			t.Fatal(err)
		}
		res, err := st.Pledge(ctx, f.Pledge("pat@example.org"))
		if err != nil {
			t.Fatal(err)
		}
		at(time.Date(2027, 4, 7, 12, 0, 0, 0, time.UTC))
		storetest.Confirm(t, st, res.Commitment.ID)
		// Friday: the periodic sweep, run as the queue starts, finds
		// Monday's digests too old to send.
		at(time.Date(2027, 4, 9, 12, 0, 0, 0, time.UTC))

		if err := jobs.Migrate(ctx, st.WriteDB(), st.Dialect()); err != nil {
			t.Fatal(err)
		}
		logger := slog.New(slog.NewTextHandler(io.Discard, nil))
		fu := followup.New(st, nil, followup.Config{BaseURL: "http://groundswell.test", Logger: logger})
		q, err := jobs.New(st.WriteDB(), st.Dialect(), jobs.Config{Kinds: slices.Concat(fu.Kinds(), fu.DigestKinds()), Logger: logger})
		if err != nil {
			t.Fatal(err)
		}
		fu.UseQueue(q)
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := q.Stop(context.Background()); err != nil {
				t.Error(err)
			}
		})

		// Monday 12 April 2027, 07:59 BST: not yet (last week's is too old).
		at(time.Date(2027, 4, 12, 6, 59, 0, 0, time.UTC))
		if n, err := fu.SweepDigests(ctx); err != nil || n != 0 {
			t.Fatalf("sweep before 8am: %d, %v", n, err)
		}
		at(time.Date(2027, 4, 12, 7, 30, 0, 0, time.UTC))
		if n, err := fu.SweepDigests(ctx); err != nil || n != 1 {
			t.Fatalf("sweep at 8:30am: %d, %v", n, err)
		}
		if n, err := fu.SweepDigests(ctx); err != nil || n != 0 {
			t.Fatalf("sweep again: %d, %v", n, err)
		}
		msg := waitFor(t, st, "lee@example.org", "Your weekly digest")
		for _, s := range []string{"Hello Lee Lead", "8am on Monday 12 April 2027", "Community pharmacists", "New pledges (confirmed): 1",
			"In all: 1 pledge, 0 done", "http://groundswell.test/lead/groups/"} {
			if !strings.Contains(msg.Text, s) {
				t.Errorf("digest lacks %q:\n%s", s, msg.Text)
			}
		}
		if msg.Kind != "digest" || msg.HTML == "" || msg.Status != "outbox" {
			t.Errorf("digest kept as %q %q, HTML %d bytes", msg.Kind, msg.Status, len(msg.HTML))
		}
		if weeks, _ := st.DigestWeeks(ctx, lead.ID); !slices.Equal(weeks, []string{"2027-W15"}) {
			t.Errorf("weeks %v", weeks)
		}

		// The link in it stops the next one.
		link := regexp.MustCompile(`http://groundswell\.test/digest/unsubscribe/(\S+)`).FindStringSubmatch(msg.Text)
		if link == nil {
			t.Fatalf("no unsubscribe link in:\n%s", msg.Text)
		}
		if _, _, err := st.StopDigest(ctx, link[1]); err != nil {
			t.Fatal(err)
		}
		at(time.Date(2027, 4, 19, 7, 30, 0, 0, time.UTC))
		if n, err := fu.SweepDigests(ctx); err != nil || n != 0 {
			t.Fatalf("sweep after unsubscribing: %d, %v", n, err)
		}
	})
}

// waitFor waits for an email to an address in the outbox.
func waitFor(t *testing.T, st *store.Store, to, subjectPrefix string) gs.OutboxMessage {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		msgs, err := st.Messages(context.Background(), 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if m.ToEmail == to && strings.HasPrefix(m.Subject, subjectPrefix) {
				return m
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no email %q to %s", subjectPrefix, to)
	return gs.OutboxMessage{}
}
