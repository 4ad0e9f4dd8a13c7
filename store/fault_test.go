package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
)

// TestStorageFaultIsReportedWhileItLasts: a write that fails because the
// database is read-only is a storage fault, reported until half a minute
// after the last one; a failure of the request's own making is not.
func TestStorageFaultIsReportedWhileItLasts(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "fault.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.IssueToken(ctx, gs.TokenConfirm, 12345, "", time.Hour); gs.ErrorCode(err) != gs.ENOTFOUND {
		t.Fatalf("token for a missing pledge: %v", err)
	}
	if f := s.StorageFault(); f != nil {
		t.Fatalf("a pledge not found is a storage fault: %v", f)
	}
	if _, err := s.write.ExecContext(ctx, `PRAGMA query_only = ON`); err != nil {
		t.Fatal(err)
	}
	_, err = s.IssueToken(ctx, gs.TokenConfirm, 0, "someone@example.org", time.Hour)
	if !Unavailable(err) || FaultCause(err) != "the database is read-only" {
		t.Fatalf("write to a read-only database: %v (%q)", err, FaultCause(err))
	}
	f := s.StorageFault()
	if f == nil || f.Cause != "the database is read-only" || !errors.Is(f, f.Err) {
		t.Fatalf("storage fault reported as %v", f)
	}
	// Half a minute on, with nothing written since, it is no longer
	// reported: a load balancer that took the node out puts it back.
	s.fault.Store(&storageFault{err: f.Err, at: time.Now().Add(-faultWindow - time.Second)})
	if f := s.StorageFault(); f != nil {
		t.Errorf("a fault from %s ago is still reported: %v", faultWindow, f)
	}
	if FaultCause(context.Canceled) != "" || FaultCause(nil) != "" {
		t.Error("a cancelled request is taken for a storage fault")
	}
}
