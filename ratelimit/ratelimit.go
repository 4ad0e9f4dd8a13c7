// Package ratelimit counts requests per key (an IP address, an email
// address, an account) in fixed windows and says when one is over its
// limit. Public forms face the open internet: a limit per address and per
// email keeps one sender from flooding a campaign or guessing passwords.
//
// A Limiter counts in memory, so checking costs no database write: the
// pledge path stays as fast as it is. With a Store (the database, on
// PostgreSQL with several nodes) a background sync adds each node's counts
// to shared ones every SyncEvery and reads back the totals, so the limits
// hold across nodes. A node learns the others' counts for a key at its
// first sync after it first sees that key, so for that half second each
// other node may let through up to the limit itself: a burst spread over k
// nodes can reach k times the limit once, and no further.
package ratelimit

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Limit is n requests per window. The zero Limit is no limit.
type Limit struct {
	N   int
	Per time.Duration
}

// Off reports whether the limit limits nothing.
func (l Limit) Off() bool { return l.N <= 0 || l.Per <= 0 }

func (l Limit) String() string {
	if l.Off() {
		return "off"
	}
	return strconv.Itoa(l.N) + "/" + l.Per.String()
}

// ParseLimit reads "N/DURATION" ("20/10m", "5/1h") or "off".
func ParseLimit(s string) (Limit, error) {
	s = strings.TrimSpace(s)
	if s == "off" || s == "none" {
		return Limit{}, nil
	}
	n, per, ok := strings.Cut(s, "/")
	if !ok {
		return Limit{}, fmt.Errorf("limit %q: write it as a number of requests per time, such as 20/10m, or off", s)
	}
	count, err := strconv.Atoi(n)
	if err != nil || count < 1 {
		return Limit{}, fmt.Errorf("limit %q: %q is not a whole number of requests of at least 1", s, n)
	}
	d, err := time.ParseDuration(per)
	if err != nil || d < time.Second || d > 24*time.Hour {
		return Limit{}, fmt.Errorf("limit %q: %q is not a time from 1s to 24h, such as 10m", s, per)
	}
	return Limit{N: count, Per: d}, nil
}

// Count is one key's count in one window, as a Store adds and returns it.
type Count struct {
	Key         string
	WindowStart int64 // Unix seconds
	Window      time.Duration
	N           int64
}

// Store keeps counts shared by every node.
type Store interface {
	// AddRateCounts adds each count's N to the shared count of its key and
	// window and returns the totals after, in the same order.
	AddRateCounts(ctx context.Context, counts []Count) ([]int64, error)
	// ExpireRateCounts removes counts of windows that ended before t.
	ExpireRateCounts(ctx context.Context, before time.Time) error
}

// Limiter counts requests. Its zero value is not ready: use New.
type Limiter struct {
	mu      sync.Mutex
	windows map[windowKey]*counter
	store   Store
	log     *slog.Logger
	now     func() time.Time
}

type windowKey struct {
	key   string
	start int64 // Unix seconds
	per   time.Duration
}

type counter struct {
	local     int64 // counted here, ever
	unsent    int64 // counted here since the last sync
	elsewhere int64 // counted by other nodes, as of the last sync
}

// New returns a Limiter; store may be nil (one node: counts stay here).
func New(store Store, log *slog.Logger) *Limiter {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Limiter{windows: map[windowKey]*counter{}, store: store, log: log, now: time.Now}
}

// Allow counts a request for key under lim and reports whether it is
// within the limit; when it is not, retryAfter says when the window ends.
// A refused request is not counted, so a sender that stops is let in again
// when the window turns.
func (l *Limiter) Allow(key string, lim Limit) (ok bool, retryAfter time.Duration) {
	d := l.Take(key, lim)
	if d.OK {
		return true, 0
	}
	return false, d.Reset
}

// A Decision is what Take decided, with what a client is told in RateLimit
// headers.
type Decision struct {
	OK        bool
	Remaining int           // requests left in this window after this one
	Reset     time.Duration // until the window ends
}

// Take is Allow, also saying how many requests are left and when the window
// ends. With the limit off, every request is let in and Remaining is -1.
func (l *Limiter) Take(key string, lim Limit) Decision {
	if lim.Off() {
		return Decision{OK: true, Remaining: -1}
	}
	now := l.now()
	secs := int64(lim.Per / time.Second)
	start := now.Unix() / secs * secs
	reset := time.Unix(start+secs, 0).Sub(now)
	k := windowKey{key, start, lim.Per}
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.windows[k]
	if c == nil {
		c = &counter{}
		l.windows[k] = c
	}
	if c.local+c.elsewhere >= int64(lim.N) {
		return Decision{Reset: reset}
	}
	c.local++
	c.unsent++
	return Decision{OK: true, Remaining: max(0, lim.N-int(c.local+c.elsewhere)), Reset: reset}
}

// Sync sends this node's new counts to the store and learns the other
// nodes', and forgets windows that have ended. Run calls it every
// interval; tests call it directly.
func (l *Limiter) Sync(ctx context.Context) error {
	now := l.now()
	l.mu.Lock()
	var send []Count
	var keys []windowKey
	for k := range l.windows {
		if now.Unix() >= k.start+int64(k.per/time.Second) {
			delete(l.windows, k) // the window has ended
			continue
		}
		if l.store != nil {
			keys = append(keys, k)
		}
	}
	// In one order on every node, so that two nodes' transactions on the
	// same keys take their row locks in the same order and cannot deadlock.
	slices.SortFunc(keys, func(a, b windowKey) int {
		return cmp.Or(strings.Compare(a.key, b.key), cmp.Compare(a.start, b.start), cmp.Compare(a.per, b.per))
	})
	for _, k := range keys {
		c := l.windows[k]
		// Every live window is sent, with nothing new as 0, to learn what
		// the other nodes have counted since.
		send = append(send, Count{Key: k.key, WindowStart: k.start, Window: k.per, N: c.unsent})
		c.unsent = 0
	}
	l.mu.Unlock()
	if l.store == nil || len(send) == 0 {
		return nil
	}
	totals, err := l.store.AddRateCounts(ctx, send)
	if err != nil {
		// Put the unsent counts back, to send next time.
		l.mu.Lock()
		for i, k := range keys {
			if c := l.windows[k]; c != nil {
				c.unsent += send[i].N
			}
		}
		l.mu.Unlock()
		return fmt.Errorf("share rate counts: %w", err)
	}
	l.mu.Lock()
	for i, k := range keys {
		if c := l.windows[k]; c != nil {
			// The shared total counts what this node sent; what it counted
			// since (unsent) is in local and not yet in the total.
			c.elsewhere = max(0, totals[i]-(c.local-c.unsent))
		}
	}
	l.mu.Unlock()
	return nil
}

// Run syncs every interval until ctx ends, and once an hour removes shared
// counts of windows long over.
func (l *Limiter) Run(ctx context.Context, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	lastExpiry := time.Time{}
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if err := l.Sync(ctx); err != nil && !errors.Is(err, context.Canceled) {
			l.log.Warn("rate limits: counts not shared this time", "err", err)
		}
		if l.store != nil && time.Since(lastExpiry) > time.Hour {
			lastExpiry = time.Now()
			if err := l.store.ExpireRateCounts(ctx, l.now().Add(-25*time.Hour)); err != nil && !errors.Is(err, context.Canceled) {
				l.log.Warn("rate limits: old counts not removed", "err", err)
			}
		}
	}
}
