package webhook_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/jobs"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
	"github.com/groundswell-health/groundswell/webhook"
)

// TestThroughTheJobQueue runs the real queue: a pledge and its confirmation
// reach a local endpoint, signed, through the dispatcher and the delivery
// jobs; the endpoint refuses each message the first time, and gets it again.
func TestThroughTheJobQueue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		w := gs.Webhook{CampaignID: f.Campaign.ID, URL: "http://127.0.0.1/placeholder", Events: gs.WebhookEvents}

		// The endpoint: each message fails once, then is taken.
		var mu sync.Mutex
		var secret string
		seen := map[string]int{}
		var taken []string
		srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			mu.Lock()
			defer mu.Unlock()
			if err := webhook.Verify(secret, r.Header, body); err != nil {
				t.Errorf("a message does not verify: %v", err)
				rw.WriteHeader(http.StatusUnauthorized)
				return
			}
			id := r.Header.Get(webhook.HeaderID)
			seen[id]++
			if seen[id] == 1 {
				rw.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			var m gs.WebhookMessage
			if err := json.Unmarshal(body, &m); err != nil {
				t.Errorf("body %s: %v", body, err)
			}
			taken = append(taken, m.Type)
			rw.WriteHeader(http.StatusOK)
		}))
		t.Cleanup(srv.Close)
		w.URL = srv.URL + "/groundswell"
		s, err := st.CreateWebhook(ctx, &w)
		if err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		secret = s
		mu.Unlock()

		logger := slog.New(slog.NewTextHandler(io.Discard, nil))
		if err := jobs.Migrate(ctx, st.WriteDB(), st.Dialect()); err != nil {
			t.Fatal(err)
		}
		sender := webhook.New(st, webhook.Config{AllowLoopback: true, Backoff: func(int) time.Duration { return 0 }, Logger: logger})
		q, err := jobs.New(st.WriteDB(), st.Dialect(), jobs.Config{Kinds: sender.Kinds(), Logger: logger, PollInterval: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		sender.UseQueue(q)
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := q.Stop(context.Background()); err != nil {
				t.Error(err)
			}
		})

		res, err := st.Pledge(ctx, f.Pledge("asha@example.org"))
		if err != nil {
			t.Fatal(err)
		}
		storetest.Confirm(t, st, res.Commitment.ID)

		want := []string{gs.EventCommitmentCreated, gs.EventCommitmentConfirmed}
		deadline := time.Now().Add(30 * time.Second)
		for {
			ds, err := st.WebhookDeliveries(ctx, store.DeliveryFilter{CampaignID: f.Campaign.ID})
			if err != nil {
				t.Fatal(err)
			}
			if len(ds) == 2 && ds[0].Status == gs.DeliveryDelivered && ds[1].Status == gs.DeliveryDelivered {
				for _, d := range ds {
					if d.Attempts != 2 || d.LastStatusCode != http.StatusOK {
						t.Errorf("delivery %+v: want delivered on the second attempt", d)
					}
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("deliveries not delivered: %+v", ds)
			}
			time.Sleep(50 * time.Millisecond)
		}
		mu.Lock()
		defer mu.Unlock()
		slices.Sort(taken)
		slices.Sort(want)
		if !slices.Equal(taken, want) {
			t.Errorf("the endpoint took %v, want %v", taken, want)
		}
	})
}
