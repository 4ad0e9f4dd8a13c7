package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Backups and restores of a SQLite installation.
//
// A backup is taken with SQLite's online backup API, in one step: one read
// transaction copies every page of the database as it stood when the step
// began, so the copy is consistent, and in WAL mode a reader does not hold up
// the server's writer — pledges go on being written while the copy is made.
// (Stepping a few pages at a time would let other processes' writes in
// between, and SQLite restarts a backup whose source changed under it: on a
// busy server it might never finish. VACUUM INTO gives a consistent, compacted
// copy too, but rebuilds every table and index to do it, which costs far more
// CPU than copying pages on a machine that is also serving.)
//
// A restore puts a checked copy of a backup in place of the database file, by
// rename, keeping the file it replaces beside it; it refuses to touch a
// database that a running server has open.

// BackupInfo describes a database copied by Backup or installed by Restore.
type BackupInfo struct {
	// SchemaVersion is the highest migration the database has had.
	SchemaVersion int64
	// Bytes is the size of the copy.
	Bytes int64
	// Replaced, after a restore, is where the database that was there before
	// has been kept ("" when there was none).
	Replaced string
}

// beforeRestoreSuffix names where Restore keeps the database it replaces.
const beforeRestoreSuffix = ".before-restore"

// errPostgresBackup is the answer to a backup or restore of PostgreSQL.
var errPostgresBackup = errors.New("groundswell backup and restore work on SQLite files; back up PostgreSQL with its own " +
	"tools (pg_dump, or base backups with WAL archiving for point-in-time recovery): see docs/OPERATIONS.md")

// Backup copies the SQLite database at dbPath into a new file dst, while
// servers go on using the database. The copy is checked (PRAGMA
// integrity_check) and synced to disk before it appears under its name, so
// dst is either a whole, checked backup or absent. dst must not exist.
func Backup(ctx context.Context, dbPath, dst string) (BackupInfo, error) {
	var info BackupInfo
	if IsPostgres(dbPath) {
		return info, errPostgresBackup
	}
	// Not opened here but by SQLite only: closing any other descriptor of
	// the file would drop the locks SQLite holds on it in this process.
	if fi, err := os.Stat(dbPath); err != nil {
		return info, fmt.Errorf("database to back up: %w", err)
	} else if !fi.Mode().IsRegular() {
		return info, fmt.Errorf("%s is not a database file", dbPath)
	}
	if _, err := os.Lstat(dst); err == nil {
		return info, fmt.Errorf("%s already exists: give the backup a new name", dst)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return info, fmt.Errorf("backup file: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".partial-*")
	if err != nil {
		return info, fmt.Errorf("create the backup file: %w", err)
	}
	tmpPath := tmp.Name()
	tmp.Close()
	defer removeFile(tmpPath)

	src, err := sql.Open("sqlite", sqliteURI(dbPath, "_busy_timeout=10000&_query_only=1"))
	if err != nil {
		return info, fmt.Errorf("open %s: %w", dbPath, err)
	}
	defer src.Close()
	if info.SchemaVersion, err = schemaVersion(ctx, src); err != nil {
		return info, fmt.Errorf("%s: %w", dbPath, err)
	}
	conn, err := src.Conn(ctx)
	if err != nil {
		return info, fmt.Errorf("open %s: %w", dbPath, err)
	}
	err = conn.Raw(func(dc any) error {
		b, ok := dc.(interface {
			NewBackup(string) (*sqlite.Backup, error)
		})
		if !ok {
			return fmt.Errorf("the SQLite driver (%T) has no online backup", dc)
		}
		bk, err := b.NewBackup(sqliteURI(tmpPath, ""))
		if err != nil {
			return err
		}
		// Step(-1): every page in one read transaction (see above).
		_, stepErr := bk.Step(-1)
		return errors.Join(stepErr, bk.Finish())
	})
	conn.Close()
	if err != nil {
		return info, fmt.Errorf("copy %s: %w", dbPath, err)
	}
	// The copy is in WAL mode, as its source; a backup is better as one
	// self-contained file that any SQLite can read, even from read-only
	// storage. The server turns WAL on again when it opens a restored copy.
	if err := rollbackJournal(ctx, tmpPath); err != nil {
		return info, fmt.Errorf("copy of %s: %w", dbPath, err)
	}
	if _, err := checkDatabase(ctx, tmpPath); err != nil {
		return info, fmt.Errorf("the copy of %s failed its check: %w", dbPath, err)
	}
	if info.Bytes, err = syncFile(tmpPath); err != nil {
		return info, err
	}
	// A hard link does not replace a file that appeared at dst meanwhile,
	// where a rename would.
	if err := os.Link(tmpPath, dst); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return info, fmt.Errorf("%s already exists: give the backup a new name", dst)
		}
		return info, fmt.Errorf("name the backup %s: %w", dst, err)
	}
	if err := syncDir(filepath.Dir(dst)); err != nil {
		return info, err
	}
	return info, nil
}

// Restore installs the backup file as the SQLite database at dbPath. The
// backup is copied beside dbPath, synced and checked there — it must pass
// PRAGMA integrity_check and be a Groundswell database at a schema version
// this program knows — and then renamed into place. A database already at
// dbPath is replaced only with force; it is kept as dbPath.before-restore
// (complete: its write-ahead log is checkpointed into it first). A database
// that any other connection has open — a running server — is never
// replaced.
func Restore(ctx context.Context, backup, dbPath string, force bool) (BackupInfo, error) {
	var info BackupInfo
	if IsPostgres(dbPath) {
		return info, errPostgresBackup
	}
	if err := isDatabaseFile(backup); err != nil {
		return info, err
	}
	old := dbPath + beforeRestoreSuffix
	exists, err := fileExists(dbPath)
	if err != nil {
		return info, err
	}
	if exists {
		if !force {
			return info, fmt.Errorf("%s exists: to replace it with %s, stop the server and add --force "+
				"(the database now there is kept as %s)", dbPath, backup, old)
		}
		if err := checkNotInUse(ctx, dbPath); err != nil {
			return info, err
		}
		if ok, err := fileExists(old); err != nil {
			return info, err
		} else if ok {
			return info, fmt.Errorf("%s exists, from an earlier restore: move it somewhere safe first", old)
		}
	}
	if ok, err := fileExists(dbPath + "-wal"); err != nil {
		return info, err
	} else if ok && !exists {
		return info, fmt.Errorf("%s-wal exists without its database %s: move it away first", dbPath, dbPath)
	}

	tmp, err := os.CreateTemp(filepath.Dir(dbPath), "."+filepath.Base(dbPath)+".restoring-*")
	if err != nil {
		return info, fmt.Errorf("restore beside %s: %w", dbPath, err)
	}
	tmpPath := tmp.Name()
	defer removeFile(tmpPath)
	err = copyFile(tmp, backup)
	if cerr := tmp.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("write %s: %w", tmpPath, cerr)
	}
	if err != nil {
		return info, err
	}
	if info.SchemaVersion, err = checkDatabase(ctx, tmpPath); err != nil {
		return info, fmt.Errorf("%s cannot be restored: %w", backup, err)
	}
	if exists {
		keepOwnership(tmpPath, dbPath)
	}
	if info.Bytes, err = syncFile(tmpPath); err != nil {
		return info, err
	}

	if exists {
		// Fold the old database's log into it, so that the file kept is
		// whole on its own and no log is left that could be replayed into
		// the restored one; this fails if a server has started meanwhile.
		if err := checkpointAlone(ctx, dbPath); err != nil {
			return info, err
		}
		// A hard link keeps dbPath in place until the rename below
		// replaces it: at every moment dbPath is the old database or the
		// new one, never missing.
		if err := os.Link(dbPath, old); err != nil {
			return info, fmt.Errorf("keep %s as %s: %w", dbPath, old, err)
		}
		info.Replaced = old
	}
	for _, leftover := range []string{dbPath + "-wal", dbPath + "-shm"} {
		if err := os.Remove(leftover); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return info, fmt.Errorf("remove %s: %w", leftover, err)
		}
	}
	if err := os.Rename(tmpPath, dbPath); err != nil {
		return info, fmt.Errorf("put the restored database in place: %w", err)
	}
	if err := syncDir(filepath.Dir(dbPath)); err != nil {
		return info, err
	}
	return info, nil
}

// isDatabaseFile checks that path is a SQLite database file, before SQLite
// opens it: SQLite would create a missing file, and its own error for a file
// of something else ("file is not a database") names no file.
func isDatabaseFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s does not exist", path)
	}
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	header := make([]byte, 16)
	if _, err := io.ReadFull(f, header); err != nil || !bytes.Equal(header, []byte("SQLite format 3\x00")) {
		return fmt.Errorf("%s is not a SQLite database", path)
	}
	return nil
}

// checkDatabase checks a database file no one else is using: it passes
// PRAGMA integrity_check, and it is a Groundswell database whose schema
// version this program knows. It returns that version.
func checkDatabase(ctx context.Context, path string) (int64, error) {
	db, err := sql.Open("sqlite", sqliteURI(path, "_query_only=1"))
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	var problems []string
	err = func() error {
		rows, err := db.QueryContext(ctx, `PRAGMA integrity_check(20)`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p string
			if err := rows.Scan(&p); err != nil {
				return err
			}
			problems = append(problems, p)
		}
		return rows.Err()
	}()
	if sqlitePrimary(err, sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB) {
		return 0, fmt.Errorf("it is damaged: %w", err)
	}
	if err != nil {
		return 0, fmt.Errorf("integrity check: %w", err)
	}
	if len(problems) != 1 || problems[0] != "ok" {
		return 0, fmt.Errorf("it is damaged: integrity check says %s", strings.Join(problems, "; "))
	}
	v, err := schemaVersion(ctx, db)
	if err != nil {
		return 0, err
	}
	all, err := loadMigrations()
	if err != nil {
		return 0, fmt.Errorf("load migrations: %w", err)
	}
	if latest := int64(all[len(all)-1].version); v > latest {
		return v, fmt.Errorf("it is at schema version %d, newer than this Groundswell knows (%d): use the Groundswell that made it, or a newer one", v, latest)
	}
	return v, nil
}

// rollbackJournal takes a database no one else is using out of WAL mode.
func rollbackJournal(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", sqliteURI(path, ""))
	if err != nil {
		return err
	}
	defer db.Close()
	var mode string
	if err := db.QueryRowContext(ctx, `PRAGMA journal_mode = DELETE`).Scan(&mode); err != nil {
		return fmt.Errorf("leave WAL mode: %w", err)
	}
	if mode != "delete" {
		return fmt.Errorf("leave WAL mode: the journal mode is still %s", mode)
	}
	return nil
}

// schemaVersion reads the schema version of a Groundswell database, and
// says so when the database is not one.
func schemaVersion(ctx context.Context, db *sql.DB) (int64, error) {
	var tables int
	err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema
		WHERE type = 'table' AND name IN ('schema_migrations', 'campaigns', 'people', 'commitments')`).Scan(&tables)
	if err != nil {
		return 0, fmt.Errorf("read its tables: %w", err)
	}
	if tables != 4 {
		return 0, errors.New("it is not a Groundswell database")
	}
	var v int64
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read its schema version: %w", err)
	}
	return v, nil
}

// checkNotInUse fails when another connection, in this process or any
// other, has the database at path open.
func checkNotInUse(ctx context.Context, path string) error {
	return withExclusive(ctx, path, func(*sql.Conn) error { return nil })
}

// checkpointAlone moves everything in the database's write-ahead log into
// the database file and removes the log, failing if anyone else has it open.
func checkpointAlone(ctx context.Context, path string) error {
	err := withExclusive(ctx, path, func(c *sql.Conn) error {
		_, err := c.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
		return err
	})
	if err != nil {
		return err
	}
	// The last connection to close removes the log; one left now would be
	// replayed into whatever takes the file's name.
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		return fmt.Errorf("%s-wal is still there after a checkpoint: is a server using %s?", path, path)
	}
	return nil
}

// withExclusive runs fn on a connection that holds the database at path
// exclusively. In WAL mode every open connection holds a shared lock on the
// file for as long as it is open, so the exclusive lock is refused at once
// while a server has the database open, whether busy or idle.
func withExclusive(ctx context.Context, path string, fn func(*sql.Conn) error) error {
	db, err := sql.Open("sqlite", sqliteURI(path, "_pragma=busy_timeout(0)&_pragma=locking_mode(EXCLUSIVE)"))
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	c, err := db.Conn(ctx)
	if err != nil {
		return inUse(path, err)
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, `BEGIN EXCLUSIVE`); err != nil {
		return inUse(path, err)
	}
	if _, err := c.ExecContext(ctx, `COMMIT`); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := fn(c); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func inUse(path string, err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) && (se.Code()&0xff == sqlite3.SQLITE_BUSY || se.Code()&0xff == sqlite3.SQLITE_LOCKED) {
		return fmt.Errorf("%s is in use — a Groundswell server (or another program) has it open: stop it first", path)
	}
	return fmt.Errorf("open %s: %w", path, err)
}

// sqliteURI names a file for SQLite as a URI, so that no character of the
// path is taken for a parameter.
func sqliteURI(path, params string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive letter
	}
	return "file://" + (&url.URL{Path: p}).EscapedPath() + "?" + params
}

func fileExists(path string) (bool, error) {
	_, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("look for %s: %w", path, err)
	}
	return true, nil
}

func copyFile(dst *os.File, src string) error {
	f, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("open %s: %w", src, err)
	}
	defer f.Close()
	if _, err := io.Copy(dst, f); err != nil {
		return fmt.Errorf("copy %s: %w", src, err)
	}
	return nil
}

// syncFile flushes a file to disk and returns its size.
func syncFile(path string) (int64, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return 0, fmt.Errorf("sync %s: %w", path, err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return 0, fmt.Errorf("sync %s: %w", path, err)
	}
	fi, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("sync %s: %w", path, err)
	}
	return fi.Size(), nil
}

// syncDir flushes a directory, so that a file renamed or linked into it
// keeps its name after a power cut.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}

func removeFile(path string) {
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		os.Remove(p)
	}
}
