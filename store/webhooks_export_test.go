package store

import (
	"context"
	"errors"

	gs "github.com/groundswell-health/groundswell"
)

// ErrRolledBack is what ReportThenRollBack returns when the report itself
// went through.
var ErrRolledBack = errors.New("rolled back on purpose")

// ReportThenRollBack records an outcome on a commitment as ReportOwn does,
// and then fails the transaction, as a later step of a write might: for
// tests that a change rolled back leaves nothing behind, webhook messages
// included.
func (s *Store) ReportThenRollBack(ctx context.Context, commitmentID int64, rep gs.OutcomeReport) error {
	return s.writeTx(ctx, func(t *tx) error {
		if err := applyOutcome(ctx, t, commitmentID, rep); err != nil {
			return err
		}
		return ErrRolledBack
	})
}
