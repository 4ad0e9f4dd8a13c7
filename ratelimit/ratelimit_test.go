package ratelimit

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestParseLimit(t *testing.T) {
	for in, want := range map[string]Limit{"20/10m": {20, 10 * time.Minute}, "5/1h": {5, time.Hour}, "off": {}, " 3/30s ": {3, 30 * time.Second}} {
		got, err := ParseLimit(in)
		if err != nil || got != want {
			t.Errorf("ParseLimit(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "20", "x/10m", "0/10m", "20/soon", "20/0s", "20/48h", "-1/1m"} {
		if _, err := ParseLimit(bad); err == nil {
			t.Errorf("ParseLimit(%q) accepted", bad)
		}
	}
}

// clock is a settable time.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestAllowCountsPerKeyAndWindow(t *testing.T) {
	c := &clock{time.Date(2026, 11, 25, 10, 0, 5, 0, time.UTC)}
	l := New(nil, nil)
	l.now = c.now
	lim := Limit{N: 3, Per: time.Minute}
	for i := range 3 {
		if ok, _ := l.Allow("ip:203.0.113.9", lim); !ok {
			t.Fatalf("request %d refused within the limit", i+1)
		}
	}
	ok, retry := l.Allow("ip:203.0.113.9", lim)
	if ok || retry != 55*time.Second {
		t.Errorf("fourth request: allowed %v, retry after %v; want refused until the minute turns (55s)", ok, retry)
	}
	if ok, _ := l.Allow("ip:198.51.100.1", lim); !ok {
		t.Error("another address was refused")
	}
	if ok, _ := l.Allow("ip:203.0.113.9", Limit{}); !ok {
		t.Error("no limit refused")
	}
	c.t = c.t.Add(55 * time.Second)
	if ok, _ := l.Allow("ip:203.0.113.9", lim); !ok {
		t.Error("refused in the next window")
	}
}

// sharedStore is a Store in memory, as the database is for several nodes.
type sharedStore struct {
	mu     sync.Mutex
	counts map[Count]int64
	fail   bool
}

func (s *sharedStore) AddRateCounts(_ context.Context, cs []Count) ([]int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail {
		return nil, context.DeadlineExceeded
	}
	out := make([]int64, len(cs))
	for i, c := range cs {
		k := Count{Key: c.Key, WindowStart: c.WindowStart, Window: c.Window}
		s.counts[k] += c.N
		out[i] = s.counts[k]
	}
	return out, nil
}

func (s *sharedStore) ExpireRateCounts(context.Context, time.Time) error { return nil }

// TestLimitAcrossNodes: two nodes sharing counts let a sender through no
// more than the limit once they have synced, and a failed sync loses no
// count.
func TestLimitAcrossNodes(t *testing.T) {
	ctx := context.Background()
	c := &clock{time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}
	store := &sharedStore{counts: map[Count]int64{}}
	a, b := New(store, nil), New(store, nil)
	a.now, b.now = c.now, c.now
	lim := Limit{N: 5, Per: time.Hour}
	for range 3 {
		if ok, _ := a.Allow("email:x@example.org", lim); !ok {
			t.Fatal("node a refused within the limit")
		}
	}
	store.fail = true
	if err := a.Sync(ctx); err == nil {
		t.Fatal("a failed sync reported no error")
	}
	store.fail = false
	for _, n := range []*Limiter{a, b} {
		if err := n.Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// Node b first sees the sender now; it learns node a's count at its
	// next sync, half a second later in a server.
	if ok, _ := b.Allow("email:x@example.org", lim); !ok {
		t.Fatal("node b refused within the limit")
	}
	if err := b.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, _ := b.Allow("email:x@example.org", lim); !ok {
		t.Fatal("node b refused the fifth request")
	}
	if ok, _ := b.Allow("email:x@example.org", lim); ok {
		t.Error("node b let a sixth request through: it did not learn node a's three")
	}
	for _, n := range []*Limiter{b, a} {
		if err := n.Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if ok, _ := a.Allow("email:x@example.org", lim); ok {
		t.Error("node a let a sixth request through after learning node b's two")
	}
	if got := store.counts[Count{Key: "email:x@example.org", WindowStart: c.t.Unix(), Window: time.Hour}]; got != 5 {
		t.Errorf("shared count %d, want the 5 requests let through", got)
	}
}

func TestTakeSaysWhatIsLeft(t *testing.T) {
	c := &clock{time.Date(2026, 11, 25, 10, 0, 20, 0, time.UTC)}
	l := New(nil, nil)
	l.now = c.now
	lim := Limit{N: 2, Per: time.Minute}
	for i, want := range []Decision{
		{OK: true, Remaining: 1, Reset: 40 * time.Second},
		{OK: true, Remaining: 0, Reset: 40 * time.Second},
		{OK: false, Remaining: 0, Reset: 40 * time.Second},
	} {
		if got := l.Take("token:7", lim); got != want {
			t.Errorf("request %d: %+v, want %+v", i+1, got, want)
		}
	}
	if got := l.Take("token:7", Limit{}); !got.OK || got.Remaining != -1 {
		t.Errorf("no limit: %+v, want let in with Remaining -1", got)
	}
}

// FuzzParseLimit checks a setting an operator types is read, or refused with
// a message, and that what is read prints back as the same limit.
func FuzzParseLimit(f *testing.F) {
	for _, s := range []string{"300/10m", "20/1h", "off", "0/1s", "5/500ms", "-1/1m", "1/0s", "9223372036854775807/1h", "", "/", "10/1x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lim, err := ParseLimit(s)
		if err != nil {
			if err.Error() == "" {
				t.Errorf("%q refused without a message", s)
			}
			return
		}
		if lim.Off() {
			return
		}
		if lim.N <= 0 || lim.Per < time.Second {
			t.Errorf("%q read as %+v: a limit must count at least one request over at least a second", s, lim)
		}
		again, err := ParseLimit(fmt.Sprintf("%d/%s", lim.N, lim.Per))
		if err != nil || again != lim {
			t.Errorf("%q read as %+v, which reads back as %+v (%v)", s, lim, again, err)
		}
	})
}
