package webhook

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// receiver is an endpoint for tests: it records what it is sent, checking
// each signature with its secret, and answers with the statuses it is
// given, in turn (then 204).
type receiver struct {
	mu      sync.Mutex
	secret  string
	answers []int
	got     []received
}

type received struct {
	header   http.Header
	body     string
	verified error
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	r.got = append(r.got, received{header: req.Header.Clone(), body: string(body), verified: Verify(r.secret, req.Header, body)})
	status := http.StatusNoContent
	if len(r.answers) > 0 {
		status, r.answers = r.answers[0], r.answers[1:]
	}
	r.mu.Unlock()
	if status >= 300 && status < 400 {
		w.Header().Set("Location", "/elsewhere")
	}
	w.WriteHeader(status)
	if status >= 400 {
		io.WriteString(w, "Service\tUnavailable\n")
	}
}

func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

// rig is a campaign with one endpoint, its receiver and a sender.
type rig struct {
	t    *testing.T
	st   *store.Store
	f    storetest.Fixture
	hook gs.Webhook
	rcv  *receiver
	s    *Sender
}

func newRig(t *testing.T, st *store.Store, url string, rcv *receiver, cfg Config) *rig {
	t.Helper()
	f := storetest.Seed(t, st)
	w := gs.Webhook{CampaignID: f.Campaign.ID, URL: url, Events: []string{gs.EventCommitmentCreated}}
	secret, err := st.CreateWebhook(context.Background(), &w)
	if err != nil {
		t.Fatal(err)
	}
	rcv.secret = secret
	cfg.Backoff = func(int) time.Duration { return 0 }
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	return &rig{t: t, st: st, f: f, hook: w, rcv: rcv, s: New(st, cfg)}
}

// serve starts rcv on a local HTTP server.
func serve(t *testing.T, rcv *receiver) string {
	srv := httptest.NewServer(rcv)
	t.Cleanup(srv.Close)
	return srv.URL
}

func (r *rig) pledge(email string) {
	r.t.Helper()
	if _, err := r.st.Pledge(context.Background(), r.f.Pledge(email)); err != nil {
		r.t.Fatal(err)
	}
}

// sendDue does what the dispatcher and its jobs do, in line: claims the
// deliveries due and makes their attempts. It returns how many it tried.
func (r *rig) sendDue() int {
	r.t.Helper()
	ctx := context.Background()
	var claims []store.WebhookClaim
	_, err := r.st.ClaimWebhookDeliveries(ctx, 100, time.Hour, func(_ *sql.Tx, c []store.WebhookClaim) error {
		claims = c
		return nil
	})
	if err != nil {
		r.t.Fatal(err)
	}
	for _, c := range claims {
		if err := r.s.deliver(ctx, c); err != nil {
			r.t.Fatal(err)
		}
	}
	return len(claims)
}

func (r *rig) deliveries() []gs.WebhookDelivery {
	r.t.Helper()
	ds, err := r.st.WebhookDeliveries(context.Background(), store.DeliveryFilter{CampaignID: r.f.Campaign.ID})
	if err != nil {
		r.t.Fatal(err)
	}
	return ds
}

// TestRetriesUntilDelivered: an endpoint that fails twice and then answers
// gets the same signed message three times, and the delivery ends
// delivered after three attempts.
func TestRetriesUntilDelivered(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		rcv := &receiver{answers: []int{500, 503}}
		r := newRig(t, st, serve(t, rcv)+"/hooks", rcv, Config{AllowLoopback: true})
		r.pledge("asha@example.org")
		for i := range 3 {
			if n := r.sendDue(); n != 1 {
				t.Fatalf("round %d tried %d deliveries", i+1, n)
			}
			if i < 2 {
				if d := r.deliveries()[0]; d.Status != gs.DeliveryRetrying || d.Attempts != i+1 || !strings.HasPrefix(d.LastError, "HTTP 50") {
					t.Fatalf("after failure %d: %+v", i+1, d)
				}
			}
		}
		if n := r.sendDue(); n != 0 {
			t.Errorf("a delivered message was tried again (%d)", n)
		}
		got := r.rcv.requests()
		if len(got) != 3 {
			t.Fatalf("the endpoint was sent %d requests, want 3", len(got))
		}
		for i, g := range got {
			if g.verified != nil {
				t.Errorf("request %d does not verify: %v", i+1, g.verified)
			}
			if g.header.Get(HeaderID) != got[0].header.Get(HeaderID) || g.body != got[0].body {
				t.Errorf("request %d is not the same message", i+1)
			}
			if g.header.Get("Content-Type") != "application/json" {
				t.Errorf("Content-Type %q", g.header.Get("Content-Type"))
			}
		}
		var m gs.WebhookMessage
		if err := json.Unmarshal([]byte(got[0].body), &m); err != nil || m.Type != gs.EventCommitmentCreated {
			t.Errorf("body %s: %v", got[0].body, err)
		}
		// Signed with another secret, the same request is refused.
		other := gs.WebhookSecretFrom([]byte("an entirely different key, 32 b"))
		if err := Verify(other, got[2].header, []byte(got[2].body)); err != ErrSignature {
			t.Errorf("verified with the wrong secret: %v", err)
		}
		d := r.deliveries()[0]
		if d.Status != gs.DeliveryDelivered || d.Attempts != 3 || d.LastStatusCode != 204 || d.LastError != "" || d.DeliveredAt.IsZero() {
			t.Errorf("delivery %+v", d)
		}
	})
}

// TestGivesUpThenReplays: after its last attempt a delivery is given up;
// replayed, the same message goes again.
func TestGivesUpThenReplays(t *testing.T) {
	rcv := &receiver{answers: []int{500, 500}}
	r := newRig(t, storetest.Open(t), serve(t, rcv), rcv, Config{AllowLoopback: true, MaxAttempts: 2})
	r.pledge("asha@example.org")
	r.sendDue()
	r.sendDue()
	if n := r.sendDue(); n != 0 {
		t.Errorf("tried %d times more after the last attempt", n)
	}
	d := r.deliveries()[0]
	if d.Status != gs.DeliveryGivenUp || d.Attempts != 2 || d.LastStatusCode != 500 || d.LastError != "HTTP 500: Service Unavailable" {
		t.Fatalf("after the last attempt: %+v", d)
	}
	if _, err := r.st.ReplayWebhookDelivery(context.Background(), r.f.Campaign.ID, d.ID); err != nil {
		t.Fatal(err)
	}
	if n := r.sendDue(); n != 1 {
		t.Fatalf("the replay was tried %d times", n)
	}
	got := r.rcv.requests()
	if len(got) != 3 || got[2].verified != nil || got[2].header.Get(HeaderID) != got[0].header.Get(HeaderID) || got[2].body != got[0].body {
		t.Fatalf("replay: %d requests; the last %+v", len(got), got[len(got)-1])
	}
	ds := r.deliveries()
	if ds[0].Status != gs.DeliveryDelivered || ds[0].ReplayOf != d.ID || ds[1].Status != gs.DeliveryGivenUp {
		t.Errorf("after the replay: %+v", ds)
	}
}

// TestDeliversOverHTTPS to a local TLS server.
func TestDeliversOverHTTPS(t *testing.T) {
	rcv := &receiver{}
	srv := httptest.NewTLSServer(rcv)
	t.Cleanup(srv.Close)
	tlsConfig := srv.Client().Transport.(*http.Transport).TLSClientConfig
	r := newRig(t, storetest.Open(t), srv.URL+"/hooks", rcv, Config{AllowLoopback: true, TLS: tlsConfig})
	r.pledge("asha@example.org")
	r.sendDue()
	if got := r.rcv.requests(); len(got) != 1 || got[0].verified != nil {
		t.Fatalf("over HTTPS: %+v", got)
	}
	if d := r.deliveries()[0]; d.Status != gs.DeliveryDelivered {
		t.Errorf("delivery %+v", d)
	}
}

// TestRefusals: what is not sent, or not counted as delivered.
func TestRefusals(t *testing.T) {
	ctx := context.Background()
	t.Run("redirect", func(t *testing.T) {
		rcv := &receiver{answers: []int{http.StatusFound}}
		r := newRig(t, storetest.Open(t), serve(t, rcv), rcv, Config{AllowLoopback: true})
		r.pledge("asha@example.org")
		r.sendDue()
		if got := r.rcv.requests(); len(got) != 1 {
			t.Errorf("the redirect was followed: %d requests", len(got))
		}
		if d := r.deliveries()[0]; d.Status != gs.DeliveryRetrying || d.LastStatusCode != 302 || !strings.Contains(d.LastError, "redirects are not followed") {
			t.Errorf("after a redirect: %+v", d)
		}
	})
	t.Run("loopback not allowed", func(t *testing.T) {
		rcv := &receiver{}
		r := newRig(t, storetest.Open(t), serve(t, rcv), rcv, Config{})
		r.pledge("asha@example.org")
		r.sendDue()
		if got := r.rcv.requests(); len(got) != 0 {
			t.Errorf("sent to localhost without the setting: %d requests", len(got))
		}
		if d := r.deliveries()[0]; d.Status != gs.DeliveryGivenUp || !strings.HasPrefix(d.LastError, "refused") {
			t.Errorf("delivery to localhost: %+v", d)
		}
	})
	t.Run("link-local address", func(t *testing.T) {
		// The address of cloud instances' credentials: refused when
		// connecting, as it would be for a name that resolves to it.
		r := newRig(t, storetest.Open(t), "https://169.254.169.254/latest", &receiver{}, Config{})
		r.pledge("asha@example.org")
		r.sendDue()
		if d := r.deliveries()[0]; d.Status != gs.DeliveryRetrying || d.LastError != errRefusedAddress.Error() {
			t.Errorf("delivery to a link-local address: %+v", d)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		rcv := &receiver{}
		stop := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			select {
			case <-req.Context().Done():
			case <-stop:
			}
		}))
		t.Cleanup(srv.Close)
		t.Cleanup(func() { close(stop) })
		r := newRig(t, storetest.Open(t), srv.URL, rcv, Config{AllowLoopback: true, Timeout: 100 * time.Millisecond})
		r.pledge("asha@example.org")
		r.sendDue()
		if d := r.deliveries()[0]; d.Status != gs.DeliveryRetrying || d.LastError != "no answer within 100ms" {
			t.Errorf("delivery to an endpoint that does not answer: %+v", d)
		}
	})
	t.Run("endpoint turned off", func(t *testing.T) {
		rcv := &receiver{}
		r := newRig(t, storetest.Open(t), serve(t, rcv), rcv, Config{AllowLoopback: true})
		r.pledge("asha@example.org")
		var claims []store.WebhookClaim
		if _, err := r.st.ClaimWebhookDeliveries(ctx, 10, time.Hour, func(_ *sql.Tx, c []store.WebhookClaim) error { claims = c; return nil }); err != nil {
			t.Fatal(err)
		}
		if err := r.st.SetWebhookDisabled(ctx, r.f.Campaign.ID, r.hook.ID, true); err != nil {
			t.Fatal(err)
		}
		if err := r.s.deliver(ctx, claims[0]); err != nil {
			t.Fatal(err)
		}
		if got := r.rcv.requests(); len(got) != 0 {
			t.Errorf("sent to an endpoint turned off")
		}
		if d := r.deliveries()[0]; d.Status != gs.DeliveryPending || d.Attempts != 0 {
			t.Errorf("paused delivery: %+v", d)
		}
		if err := r.st.SetWebhookDisabled(ctx, r.f.Campaign.ID, r.hook.ID, false); err != nil {
			t.Fatal(err)
		}
		r.sendDue()
		if got := r.rcv.requests(); len(got) != 1 {
			t.Errorf("turned on again, %d requests", len(got))
		}
	})
}

func TestDefaultBackoff(t *testing.T) {
	var total time.Duration
	for n := 1; n < DefaultMaxAttempts; n++ {
		total += DefaultBackoff(n)
	}
	// Eight attempts over about a day: an endpoint down for a day loses
	// nothing.
	if total < 24*time.Hour || total > 30*time.Hour || DefaultBackoff(1) != 5*time.Second || DefaultBackoff(100) != 10*time.Hour {
		t.Errorf("retries span %s", total)
	}
}
