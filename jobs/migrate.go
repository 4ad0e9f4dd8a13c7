package jobs

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"

	"github.com/riverqueue/river/rivermigrate"
)

// Migrate creates or updates River's tables (river_job, river_leader, …) in
// db: in the SQLite file, or in the first schema of the PostgreSQL
// search_path. It does nothing when they are up to date. dialect is "sqlite"
// or "postgres".
//
// rivermigrate takes no lock of its own: two nodes starting at once would
// both try to apply the same migration. On PostgreSQL Migrate therefore holds
// an advisory lock, one per schema, while it runs; the second node waits and
// then finds nothing to do. On SQLite the store's one write connection
// serialises callers within a process.
func Migrate(ctx context.Context, db *sql.DB, dialect string) error {
	drv, err := riverDriver(db, dialect)
	if err != nil {
		return err
	}
	m, err := rivermigrate.New(drv, &rivermigrate.Config{Logger: slog.Default()})
	if err != nil {
		return fmt.Errorf("prepare River migrations: %w", err)
	}
	if dialect == "postgres" {
		unlock, err := lockMigrations(ctx, db)
		if err != nil {
			return err
		}
		defer unlock()
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("apply River migrations: %w", err)
	}
	return nil
}

// migrationLockKey names the advisory lock taken while River's migrations
// run: one per schema, so that test schemas on one server do not wait for
// each other. Groundswell's own migrations use another key (store/dialect.go).
const migrationLockKey = `hashtextextended('groundswell river migrations ' || coalesce(current_schema(), ''), 0)`

// lockMigrations takes the migration lock on a connection of its own, which
// it keeps until unlock is called. The lock is held at session level because
// rivermigrate runs each migration in its own transaction on other
// connections of the pool, so the pool must allow at least two.
func lockMigrations(ctx context.Context, db *sql.DB) (unlock func(), err error) {
	if db.Stats().MaxOpenConnections == 1 {
		return nil, errors.New("apply River migrations: the PostgreSQL pool needs at least two connections")
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("lock River migrations: %w", err)
	}
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(`+migrationLockKey+`)`); err != nil {
		conn.Close()
		return nil, fmt.Errorf("lock River migrations: %w", err)
	}
	return func() {
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(`+migrationLockKey+`)`); err != nil {
			// Never hand the pool a connection that may still hold the
			// lock: discard it, which ends its session and the lock.
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		conn.Close()
	}, nil
}
