package followup

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/groundswell-health/groundswell/jobs"
)

// MaintenanceKinds is the table of housekeeping jobs.
func (f *Followup) MaintenanceKinds() []jobs.Kind {
	return []jobs.Kind{
		jobs.Define[ExpireUnconfirmed](&expiryWorker{f: f}, jobs.Options{Every: time.Hour}),
	}
}

// ExpireUnconfirmed is the hourly job that removes pledges nobody confirmed
// within the confirmation window (Config.ConfirmWithin).
type ExpireUnconfirmed struct{}

// Kind names the job in the queue.
func (ExpireUnconfirmed) Kind() string { return "expire_unconfirmed" }

type expiryWorker struct {
	river.WorkerDefaults[ExpireUnconfirmed]
	f *Followup
}

func (w *expiryWorker) Work(ctx context.Context, _ *river.Job[ExpireUnconfirmed]) error {
	n, err := w.f.store.ExpireUnconfirmed(ctx, w.f.cfg.ConfirmWithin)
	if err != nil {
		return err
	}
	if n > 0 {
		w.f.cfg.Logger.InfoContext(ctx, "removed pledges never confirmed", "count", n, "window", w.f.cfg.ConfirmWithin)
	}
	return nil
}
