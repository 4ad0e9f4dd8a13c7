package store

import (
	"context"
	"fmt"
	"time"

	"github.com/groundswell-health/groundswell/ratelimit"
)

// AddRateCounts adds each node's request counts to the shared ones and
// returns the totals (ratelimit.Store), in one transaction.
func (s *Store) AddRateCounts(ctx context.Context, counts []ratelimit.Count) ([]int64, error) {
	totals := make([]int64, len(counts))
	err := s.writeTx(ctx, func(t *tx) error {
		for i, c := range counts {
			var err error
			if c.N == 0 {
				// Nothing new here: read the others' count, taking no lock.
				err = t.queryRow(ctx, `SELECT COALESCE(SUM(n), 0) FROM rate_counts WHERE rate_key = ? AND window_start = ? AND window_seconds = ?`,
					c.Key, c.WindowStart, int64(c.Window/time.Second)).Scan(&totals[i])
			} else {
				err = t.queryRow(ctx, `INSERT INTO rate_counts (rate_key, window_start, window_seconds, n) VALUES (?, ?, ?, ?)
					ON CONFLICT (rate_key, window_start, window_seconds) DO UPDATE SET n = rate_counts.n + excluded.n RETURNING n`,
					c.Key, c.WindowStart, int64(c.Window/time.Second), c.N).Scan(&totals[i])
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("add rate counts: %w", err)
	}
	return totals, nil
}

// ExpireRateCounts removes the counts of windows that ended before t.
func (s *Store) ExpireRateCounts(ctx context.Context, t time.Time) error {
	return s.writeTx(ctx, func(tx *tx) error {
		_, err := tx.exec(ctx, `DELETE FROM rate_counts WHERE window_start + window_seconds < ?`, t.Unix())
		return err
	})
}
