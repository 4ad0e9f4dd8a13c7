// Package store keeps Groundswell's data in SQLite (the embedded default) or
// PostgreSQL, with one set of queries and migrations for both. Every exported
// method runs in one transaction and returns domain types and *groundswell.Error
// codes (ENOTFOUND, ECONFLICT), never driver errors to be interpreted upstream.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver

	gs "github.com/groundswell-health/groundswell"
)

// Store is an open database.
type Store struct {
	// write serialises writers. SQLite allows one writer at a time; one
	// connection for writes means writers queue in Go instead of spinning on
	// SQLITE_BUSY. On PostgreSQL read and write are the same pool.
	write *sql.DB
	read  *sql.DB
	d     dialect

	// pledges queues pledges for group commit (batch.go).
	pledges []pledgeQueue

	// fault is the last storage fault a transaction met (fault.go), for
	// /healthz.
	fault atomic.Pointer[storageFault]

	// Now is the store's clock, read once per transaction; tests replace it.
	Now func() time.Time
}

// Durability says how much of what has been committed survives a power cut
// on SQLite. Either way a commit survives the Groundswell process being
// killed: it is in the write-ahead log before the caller is answered.
type Durability string

const (
	// DurabilityNormal is SQLite's synchronous=NORMAL in WAL mode: the log
	// is synced to disk at checkpoints only, so a power cut or kernel crash
	// can lose the commits since the last one.
	DurabilityNormal Durability = "normal"
	// DurabilityFull is synchronous=FULL: the log is synced at every commit,
	// before anyone is answered. Group commit (batch.go) makes that one sync
	// for a whole batch of pledges.
	DurabilityFull Durability = "full"
)

// ParseDurability reads a durability setting: "normal" or "full".
func ParseDurability(v string) (Durability, error) {
	switch d := Durability(strings.ToLower(strings.TrimSpace(v))); d {
	case DurabilityNormal, DurabilityFull:
		return d, nil
	}
	return "", fmt.Errorf("durability %q: choose normal or full", v)
}

// Options are the settings of an opened store. The zero value is the
// default.
type Options struct {
	// Durability is SQLite's; empty means DurabilityNormal. On PostgreSQL
	// durability is the server's business (its synchronous_commit), and
	// DurabilityFull only checks that the server does not turn it off.
	Durability Durability
}

// Open opens (creating if needed) the database named by dsn and applies any
// pending migrations. A dsn starting with postgres:// or postgresql:// names a
// PostgreSQL server; anything else is a SQLite file path.
func Open(ctx context.Context, dsn string) (*Store, error) {
	return OpenWith(ctx, dsn, Options{})
}

// OpenWith is Open with settings.
func OpenWith(ctx context.Context, dsn string, o Options) (*Store, error) {
	if o.Durability == "" {
		o.Durability = DurabilityNormal
	}
	if _, err := ParseDurability(string(o.Durability)); err != nil {
		return nil, err
	}
	if IsPostgres(dsn) {
		return openPostgres(ctx, dsn, o)
	}
	if dsn == "" {
		return nil, gs.Errorf(gs.EINVALID, "no database path given")
	}
	if strings.ContainsAny(dsn, "?#") {
		return nil, gs.Errorf(gs.EINVALID, "database path %q must not contain '?' or '#'", dsn)
	}
	// synchronous=NORMAL in WAL mode: a committed transaction survives the
	// process being killed (it is in the OS's page cache and the WAL), which
	// is the durability an acknowledged pledge needs; only a power cut can lose
	// the last commits. FULL syncs the WAL at each commit, so a power cut
	// loses nothing acknowledged either. See docs/OPERATIONS.md.
	params := "?_busy_timeout=10000&_foreign_keys=1&_journal_mode=WAL&_synchronous=NORMAL"
	if o.Durability == DurabilityFull {
		params = strings.Replace(params, "_synchronous=NORMAL", "_synchronous=FULL", 1)
	}
	if err := createPrivate(dsn); err != nil {
		return nil, err
	}
	write, err := sql.Open("sqlite", dsn+params+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dsn, err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	write.SetConnMaxLifetime(0)

	// One pledge queue: SQLite has one writer, so batches written side by
	// side would only wait for each other.
	s := &Store{write: write, d: sqliteDialect, Now: time.Now, pledges: make([]pledgeQueue, 1)}
	// Migrate before opening readers: the reader connections are query-only
	// and the file must exist, in WAL mode, first.
	if err := s.migrate(ctx); err != nil {
		write.Close()
		return nil, err
	}
	read, err := sql.Open("sqlite", dsn+params+"&_query_only=1")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open %s for reading: %w", dsn, err)
	}
	n := max(4, 2*runtime.NumCPU())
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	s.read = read
	if err := s.buildMissingRollups(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// createPrivate creates a missing SQLite database file readable and
// writable by its owner only, before SQLite opens it. The database holds
// personal data, as its backups do (made 0600 too); SQLite would create the
// file 0644 less the umask, and it gives the -wal and -shm files beside a
// database the database file's mode, so they follow. An existing file's
// mode is left as its operator set it.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create the database %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("create the database %s: %w", path, err)
	}
	return nil
}

// IsPostgres reports whether dsn names a PostgreSQL server rather than a
// SQLite file.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// openPostgres connects to PostgreSQL. One pool serves reads and writes: the
// server, not Go, arbitrates between writers.
func openPostgres(ctx context.Context, dsn string, o Options) (*Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL: %w", err)
	}
	db.SetMaxOpenConns(max(8, 4*runtime.NumCPU()))
	db.SetMaxIdleConns(max(8, 4*runtime.NumCPU()))
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to PostgreSQL at %s: %w", redact(dsn), err)
	}
	if o.Durability == DurabilityFull {
		if err := checkPostgresDurable(ctx, db); err != nil {
			db.Close()
			return nil, err
		}
	}
	// Several pledge queues: PostgreSQL takes writers side by side, and one
	// batch at a time would leave the server waiting on round trips.
	s := &Store{write: db, read: db, d: postgresDialect, Now: time.Now, pledges: make([]pledgeQueue, postgresPledgeQueues)}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.buildMissingRollups(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Describe names a database for messages and logs: a SQLite path as it
// is, a PostgreSQL URL without its password.
func Describe(dsn string) string {
	if IsPostgres(dsn) {
		return redact(dsn)
	}
	return dsn
}

// redact hides the password of a connection URL in messages.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unreadable address)"
	}
	return u.Redacted()
}

// WriteDB returns the pool that writes go through. The job queue keeps its
// jobs in the same database and must share this pool: on SQLite it is the
// one connection that may write.
func (s *Store) WriteDB() *sql.DB { return s.write }

// Close closes the database.
func (s *Store) Close() error {
	var errs []error
	if s.read != nil && s.read != s.write {
		errs = append(errs, s.read.Close())
	}
	errs = append(errs, s.write.Close())
	return errors.Join(errs...)
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.read.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

// Dialect names the database in use: "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.d.name }

// tx is a transaction with the dialect's placeholder binding and the time read
// once when it began.
type tx struct {
	tx  *sql.Tx
	d   dialect
	now time.Time
}

func (t *tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, t.d.bind(q), args...)
}

func (t *tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, t.d.bind(q), args...)
}

func (t *tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, t.d.bind(q), args...)
}

// insertID runs an INSERT … RETURNING id and returns the id.
func (t *tx) insertID(ctx context.Context, q string, args ...any) (int64, error) {
	var id int64
	err := t.queryRow(ctx, q+" RETURNING id", args...).Scan(&id)
	return id, err
}

// update runs a statement that must change exactly one row; zero rows means
// the object does not exist.
func (t *tx) update(ctx context.Context, what string, q string, args ...any) error {
	res, err := t.exec(ctx, q, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return gs.Errorf(gs.ENOTFOUND, "%s not found", what)
	}
	return nil
}

// writeTx runs fn in a write transaction and commits it if fn succeeds.
func (s *Store) writeTx(ctx context.Context, fn func(*tx) error) error {
	return s.runTx(ctx, s.write, false, fn)
}

// readTx runs fn in a read-only transaction: one consistent snapshot.
func (s *Store) readTx(ctx context.Context, fn func(*tx) error) error {
	return s.runTx(ctx, s.read, true, fn)
}

func (s *Store) runTx(ctx context.Context, db *sql.DB, readOnly bool, fn func(*tx) error) error {
	opts := &sql.TxOptions{}
	if readOnly && s.d.name == "postgres" {
		// REPEATABLE READ makes the snapshot the whole transaction's, not
		// each statement's (READ COMMITTED): a page reading a rollup's
		// totals and then its days sees them agree. A read-only transaction
		// at this level never fails to serialise. SQLite's read
		// transactions are snapshots already.
		opts = &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead}
	}
	sqlTx, err := db.BeginTx(ctx, opts)
	if err != nil {
		s.noteFault(err)
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer sqlTx.Rollback()
	if err := fn(&tx{tx: sqlTx, d: s.d, now: s.Now().UTC()}); err != nil {
		s.noteFault(err)
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		s.noteFault(err)
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// notFound turns sql.ErrNoRows into an ENOTFOUND error naming what was sought.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return gs.Errorf(gs.ENOTFOUND, "%s not found", what)
	}
	return err
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// nullID stores a zero reference as NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// dateText stores a date as ISO text; the zero date as "".
func dateText(d gs.Date) string { return d.String() }

// scanDate is a sql.Scanner for dates stored as ISO text.
type scanDate struct{ d *gs.Date }

func (s scanDate) Scan(v any) error {
	var str string
	switch v := v.(type) {
	case nil:
		*s.d = gs.Date{}
		return nil
	case string:
		str = v
	case []byte:
		str = string(v)
	default:
		return fmt.Errorf("date column holds %T", v)
	}
	if str == "" {
		*s.d = gs.Date{}
		return nil
	}
	d, err := gs.ParseDate(str)
	if err != nil {
		return err
	}
	*s.d = d
	return nil
}

// scanID is a sql.Scanner for nullable references: NULL becomes 0.
type scanID struct{ id *int64 }

func (s scanID) Scan(v any) error {
	var n sql.NullInt64
	if err := n.Scan(v); err != nil {
		return err
	}
	*s.id = n.Int64
	return nil
}

// scanNullTime is a sql.Scanner for nullable times: NULL is the zero time.
type scanNullTime struct{ t *time.Time }

func (s scanNullTime) Scan(v any) error {
	var n sql.NullInt64
	if err := n.Scan(v); err != nil {
		return err
	}
	*s.t = time.Time{}
	if n.Valid {
		*s.t = fromMS(n.Int64)
	}
	return nil
}

// scanTime is a sql.Scanner for times stored as Unix milliseconds.
type scanTime struct{ t *time.Time }

func (s scanTime) Scan(v any) error {
	var n sql.NullInt64
	if err := n.Scan(v); err != nil {
		return err
	}
	if !n.Valid {
		*s.t = time.Time{} // NULL: not happened yet
		return nil
	}
	*s.t = fromMS(n.Int64)
	return nil
}

// placeholders is n comma-separated "?" for an IN (…) list.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
