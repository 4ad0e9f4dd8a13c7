package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Storage faults.
//
// A full disk, a database file or file system that has turned read-only, a
// disk reporting I/O errors, a PostgreSQL server that cannot be reached or
// refuses writes: none of these is a fault of the request that met it, and
// the same request succeeds unchanged once an operator has mended the cause.
// The database itself is not harmed — the transaction that met the fault is
// rolled back whole, and what was committed before stays committed — so the
// web app answers 503 rather than 500 and /healthz reports the fault while it
// lasts.

// Unavailable reports whether err is a storage fault: the database cannot
// store anything (or cannot be reached) for a reason outside the request.
func Unavailable(err error) bool { return FaultCause(err) != "" }

// FaultCause says in a few words what storage fault err is, for logs and
// /healthz ("the disk is full"), or "" when err is not one.
func FaultCause(err error) string {
	switch {
	case err == nil:
		return ""
	case isDiskFull(err):
		return "the disk is full"
	case isReadOnly(err):
		return "the database is read-only"
	case isIOError(err):
		return "the disk reported an input/output error"
	case isUnreachable(err):
		return "the database server cannot be reached"
	}
	return ""
}

// isDiskFull: SQLITE_FULL (a write to the file or its log failed for want
// of space, or the database reached its maximum size), or PostgreSQL's
// disk_full.
func isDiskFull(err error) bool {
	return sqlitePrimary(err, sqlite3.SQLITE_FULL) || pgCode(err, "53100")
}

// isReadOnly: SQLITE_READONLY and its extended codes (the file, its
// directory or the connection is read-only), or a PostgreSQL read-only
// transaction — a standby, or default_transaction_read_only.
func isReadOnly(err error) bool {
	return sqlitePrimary(err, sqlite3.SQLITE_READONLY) || pgCode(err, "25006")
}

// isIOError: SQLITE_IOERR and its extended codes, as when a file system has
// been remounted read-only under the server or the disk is failing, and
// SQLITE_CANTOPEN (the log or its index cannot be opened).
func isIOError(err error) bool {
	return sqlitePrimary(err, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN)
}

// isUnreachable: PostgreSQL is down, starting, shutting down or out of
// connections.
func isUnreachable(err error) bool {
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && strings.HasPrefix(pe.Code, "08") {
		return true // connection exception
	}
	return pgCode(err, "57P01", "57P02", "57P03", "53300")
}

// sqlitePrimary reports whether err is a SQLite error whose primary result
// code is one of codes. The driver reports extended codes
// (SQLITE_READONLY_DBMOVED, SQLITE_IOERR_WRITE, …), whose low byte is the
// primary code.
func sqlitePrimary(err error, codes ...int) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	for _, c := range codes {
		if se.Code()&0xff == c {
			return true
		}
	}
	return false
}

// faultWindow is how long /healthz goes on reporting a storage fault after a
// transaction last met it, unless a batch of pledges is stored first
// (batch.go). A transaction that commits without having written anything
// would succeed on a full disk too, so only new pledges count as proof that
// the fault is over. A node taken out of a load balancer's pool, and so
// sent no pledges, is back within this long — and one that still has the
// fault fails again at once.
const faultWindow = 30 * time.Second

// storageFault is a storage fault met by a transaction, and when.
type storageFault struct {
	err error
	at  time.Time
}

// noteFault remembers err if it is a storage fault.
func (s *Store) noteFault(err error) {
	if Unavailable(err) {
		s.fault.Store(&storageFault{err: err, at: time.Now()})
	}
}

// FaultError is the storage fault a store met recently.
type FaultError struct {
	// Cause is what FaultCause says of Err.
	Cause string
	// At is when a transaction last met it.
	At  time.Time
	Err error
}

func (e *FaultError) Error() string {
	return fmt.Sprintf("%s (a transaction failed on it at %s): %v", e.Cause, e.At.UTC().Format(time.RFC3339), e.Err)
}

func (e *FaultError) Unwrap() error { return e.Err }

// StorageFault returns the storage fault that made a transaction fail within
// the last 30 seconds, or nil when there was none or pledges have been stored
// since. The database may answer
// reads (Ping) and still be unable to store anything.
func (s *Store) StorageFault() *FaultError {
	f := s.fault.Load()
	if f == nil || time.Since(f.at) > faultWindow {
		return nil
	}
	return &FaultError{Cause: FaultCause(f.err), At: f.at, Err: f.err}
}

// Durability describes the durability in force, as the database reports it:
// "normal" or "full" on SQLite (from PRAGMA synchronous on the connection
// that writes), and the server's synchronous_commit on PostgreSQL.
func (s *Store) Durability(ctx context.Context) (string, error) {
	if s.d.name == "postgres" {
		v, err := synchronousCommit(ctx, s.write)
		if err != nil {
			return "", err
		}
		return "the PostgreSQL server's (synchronous_commit = " + v + ")", nil
	}
	var level int
	if err := s.write.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&level); err != nil {
		return "", fmt.Errorf("read the durability setting: %w", err)
	}
	switch level {
	case 1:
		return string(DurabilityNormal), nil
	case 2:
		return string(DurabilityFull), nil
	}
	return fmt.Sprintf("SQLite synchronous = %d", level), nil
}

// checkPostgresDurable refuses a PostgreSQL server whose commits may be
// acknowledged before they are on disk, when full durability was asked for.
// Groundswell does not set synchronous_commit itself: it is the database
// administrator's, with the standbys and disks it depends on.
func checkPostgresDurable(ctx context.Context, db *sql.DB) error {
	v, err := synchronousCommit(ctx, db)
	if err != nil {
		return err
	}
	if v == "off" {
		return errors.New("durability full was asked for, but the PostgreSQL server has synchronous_commit = off, " +
			"so a commit can be acknowledged before it is on disk: set synchronous_commit to on for this database " +
			"(see docs/OPERATIONS.md), or leave the durability setting out")
	}
	return nil
}

func synchronousCommit(ctx context.Context, db *sql.DB) (string, error) {
	var v string
	if err := db.QueryRowContext(ctx, `SHOW synchronous_commit`).Scan(&v); err != nil {
		return "", fmt.Errorf("read synchronous_commit: %w", err)
	}
	return v, nil
}
