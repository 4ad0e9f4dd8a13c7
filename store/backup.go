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
	// Path, after a restore, is the file restored into: the database path
	// given, or the file it is a symbolic link to.
	Path string
	// Owner, after a restore, says who owns the restored file and its mode
	// ("owner groundswell (uid 998), group groundswell (gid 998), mode
	// 0600"), for the operator to check that the server's user can open it.
	Owner string
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
// backup is copied beside dbPath — with the write-ahead log or rollback
// journal beside it, if it has one, which SQLite then applies to the copy —
// synced and checked there: it must pass PRAGMA integrity_check and be a
// Groundswell database at a schema version this program knows. Then it is
// renamed into place. When dbPath is a symbolic link, the file it points to
// is replaced and the link kept. A database already at dbPath is replaced
// only with force; it is kept as dbPath.before-restore (whole on its own:
// its write-ahead log is folded into it first). A database that any other
// connection has open — a running server — is never replaced: that is
// checked at the start, and again as the old database is locked, up to the
// rename (see retire).
func Restore(ctx context.Context, backup, dbPath string, force bool) (BackupInfo, error) {
	var info BackupInfo
	if IsPostgres(dbPath) {
		return info, errPostgresBackup
	}
	if err := isDatabaseFile(backup); err != nil {
		return info, err
	}
	dbPath, err := resolveLink(dbPath)
	if err != nil {
		return info, err
	}
	info.Path = dbPath
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
	} else {
		// SQLite would replay a log it finds beside the restored file into
		// it.
		for _, suffix := range logSuffixes {
			if ok, err := fileExists(dbPath + suffix); err != nil {
				return info, err
			} else if ok {
				return info, fmt.Errorf("%s%s exists without its database %s: move it away first", dbPath, suffix, dbPath)
			}
		}
	}

	tmpPath, err := stageBackup(ctx, backup, dbPath)
	if err != nil {
		return info, err
	}
	defer removeFile(tmpPath)
	if info.SchemaVersion, err = checkDatabase(ctx, tmpPath); err != nil {
		return info, fmt.Errorf("%s cannot be restored: %w", backup, err)
	}
	if exists {
		keepOwnership(tmpPath, dbPath)
	} else {
		ownLikeDir(tmpPath)
	}
	if info.Bytes, err = syncFile(tmpPath); err != nil {
		return info, err
	}
	restoreStep("staged")

	if exists {
		err = retire(ctx, dbPath, func() error {
			restoreStep("retired")
			// A hard link keeps dbPath in place until the rename below
			// replaces it: at every moment dbPath is the old database or
			// the new one, never missing.
			if err := os.Link(dbPath, old); err != nil {
				return fmt.Errorf("keep %s as %s: %w", dbPath, old, err)
			}
			if err := os.Rename(tmpPath, dbPath); err != nil {
				os.Remove(old) // dbPath is untouched: drop only its second name
				return fmt.Errorf("put the restored database in place at %s: %w", dbPath, err)
			}
			info.Replaced = old
			return nil
		})
		if err != nil {
			return info, err
		}
	} else {
		// A link, unlike a rename, does not replace a database that a
		// server started meanwhile has created at dbPath.
		err := os.Link(tmpPath, dbPath)
		if errors.Is(err, fs.ErrExist) {
			return info, fmt.Errorf("%s appeared during the restore: has a server started? Nothing has been changed: "+
				"stop it, move %s away, and restore again", dbPath, dbPath)
		}
		if err != nil {
			return info, fmt.Errorf("put the restored database in place at %s: %w", dbPath, err)
		}
	}
	if err := syncDir(filepath.Dir(dbPath)); err != nil {
		return info, err
	}
	info.Owner = describeOwner(dbPath)
	return info, nil
}

// restoreStep is called as Restore passes the points where a server
// started too early could slip in; a test replaces it to start one there.
// It does nothing otherwise.
var restoreStep = func(string) {}

// logSuffixes name the files beside a SQLite database that hold changes
// not (or no longer) in it: SQLite applies them when it opens the database.
var logSuffixes = []string{"-wal", "-journal"}

// resolveLink returns the file a --db path that is a symbolic link points
// to. The restored file must replace that file, not the link: SQLite opens
// the file a link points to and keeps its log beside it, and renaming onto
// the link would put a plain file of its own in the link's directory,
// leaving the database it pointed to — and the server's view of it —
// behind. A link to nothing is refused rather than guessed at.
func resolveLink(dbPath string) (string, error) {
	fi, err := os.Lstat(dbPath)
	if errors.Is(err, fs.ErrNotExist) {
		return dbPath, nil
	}
	if err != nil {
		return "", fmt.Errorf("look for %s: %w", dbPath, err)
	}
	if fi.Mode()&fs.ModeSymlink == 0 {
		return dbPath, nil
	}
	target, err := filepath.EvalSymlinks(dbPath)
	if errors.Is(err, fs.ErrNotExist) {
		dest, _ := os.Readlink(dbPath)
		return "", fmt.Errorf("%s is a symbolic link to %s, which does not exist: point the link at the database, "+
			"or give --db the path of the file itself", dbPath, dest)
	}
	if err != nil {
		return "", fmt.Errorf("follow the symbolic link %s: %w", dbPath, err)
	}
	return target, nil
}

// stageBackup copies the backup into a new file beside dbPath, with its
// write-ahead log or rollback journal when it has one, and has SQLite
// recover the copy. A backup made by copying files or by a disk snapshot is
// the database file plus, often, a log holding the latest commits; the file
// alone would lose them (or be half of an unfinished transaction). Recovering
// a private copy, rather than opening the backup itself, applies the log the
// way SQLite would, yet writes nothing beside the backup — so a backup on
// read-only storage, such as a mounted snapshot, restores too — and the
// copy's log cannot be taken for anyone else's.
func stageBackup(ctx context.Context, backup, dbPath string) (tmpPath string, err error) {
	before, err := stampBackup(backup)
	if err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(filepath.Dir(dbPath), "."+filepath.Base(dbPath)+".restoring-*")
	if err != nil {
		return "", fmt.Errorf("restore beside %s: %w", dbPath, err)
	}
	tmpPath = tmp.Name()
	defer func() {
		if err != nil {
			removeFile(tmpPath)
		}
	}()
	err = copyFile(tmp, backup)
	if cerr := tmp.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("write %s: %w", tmpPath, cerr)
	}
	if err != nil {
		return tmpPath, err
	}
	for i, suffix := range logSuffixes {
		if before[i+1].size > 0 {
			if err := copyNewFile(tmpPath+suffix, backup+suffix); err != nil {
				return tmpPath, err
			}
		}
	}
	after, err := stampBackup(backup)
	if err != nil {
		return tmpPath, err
	}
	if after != before {
		return tmpPath, fmt.Errorf("%s changed while it was being copied: is a program using it? Restore from a "+
			"backup nothing is writing to (groundswell backup makes one while the server runs)", backup)
	}
	if err := rollbackJournal(ctx, tmpPath); err != nil {
		if sqlitePrimary(err, sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB) {
			return tmpPath, fmt.Errorf("%s cannot be restored: it is damaged: %w", backup, err)
		}
		return tmpPath, fmt.Errorf("%s cannot be restored: apply its log: %w", backup, err)
	}
	for _, suffix := range logSuffixes {
		if ok, err := fileExists(tmpPath + suffix); err != nil {
			return tmpPath, err
		} else if ok {
			return tmpPath, fmt.Errorf("%s cannot be restored: SQLite left %s beside the copy", backup, filepath.Base(tmpPath+suffix))
		}
	}
	return tmpPath, nil
}

// fileStamp is enough of a file's state to notice that it changed.
type fileStamp struct {
	size, modified int64
}

// stampBackup stamps a backup file and the logs beside it, in the order of
// "" followed by logSuffixes; a file that does not exist has the zero stamp.
func stampBackup(backup string) ([3]fileStamp, error) {
	var stamps [3]fileStamp
	for i, suffix := range append([]string{""}, logSuffixes...) {
		fi, err := os.Stat(backup + suffix)
		if errors.Is(err, fs.ErrNotExist) && suffix != "" {
			continue
		}
		if err != nil {
			return stamps, fmt.Errorf("read %s: %w", backup+suffix, err)
		}
		stamps[i] = fileStamp{fi.Size(), fi.ModTime().UnixNano()}
	}
	return stamps, nil
}

// copyNewFile copies src into dst, which must not exist yet; dst is
// readable by its owner only, as what it holds is.
func copyNewFile(dst, src string) error {
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("create %s: %w", dst, err)
	}
	err = copyFile(f, src)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("write %s: %w", dst, cerr)
	}
	return err
}

// retire folds the database's write-ahead log into it, takes it out of WAL
// mode and, holding it exclusively from then on, calls then — which renames
// the restored file over it. The file kept as .before-restore is then whole
// on its own, and no log of it is left that SQLite could replay into the
// restored file: leaving WAL mode has SQLite remove the log itself, under
// its lock, and nothing is removed by name, when the name could be a
// server's that started in between. It fails if a server has the database
// open; and because the lock is held until the rename is done, a server
// started meanwhile cannot use the old file before it is renamed: it waits
// for the lock, and then SQLite refuses it any write to a database file that
// has been renamed (SQLITE_READONLY_DBMOVED) — the WAL mode a server sets as
// it opens the database is such a write — so it stops, instead of serving
// the replaced database with its log beside the restored one. (A server puts
// the restored file back in WAL mode when it opens it.)
func retire(ctx context.Context, path string, then func() error) error {
	db, err := sql.Open("sqlite", sqliteURI(path, "_pragma=busy_timeout(0)"))
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	c, err := db.Conn(ctx)
	if err != nil {
		return inUse(path, err)
	}
	defer c.Close()
	var mode string
	if err := c.QueryRowContext(ctx, `PRAGMA journal_mode = DELETE`).Scan(&mode); err != nil {
		return inUse(path, err)
	}
	if mode != "delete" {
		return fmt.Errorf("%s is in use — its log cannot be folded into it (journal mode %s): stop the server first", path, mode)
	}
	// Locked from here until the connection is closed, after then. A
	// server that started since the line above holds a lock of its own
	// now, and this fails.
	if _, err := c.ExecContext(ctx, `BEGIN EXCLUSIVE`); err != nil {
		return inUse(path, err)
	}
	// Nothing is written in this transaction: ending it writes nothing.
	defer c.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`)
	for _, suffix := range logSuffixes {
		if fi, err := os.Stat(path + suffix); err == nil && fi.Size() > 0 {
			return fmt.Errorf("%s%s is still there after its log was folded in: is a server using %s?", path, suffix, path)
		}
	}
	return then()
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

// rollbackJournal takes a database no one else is using out of WAL mode,
// after SQLite has recovered it: applied the write-ahead log beside it, or
// rolled back the unfinished transaction a rollback journal beside it holds.
func rollbackJournal(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", sqliteURI(path, ""))
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	// SQLite recovers a database when it first reads it; read before
	// changing the journal mode, so that the change meets the recovered
	// database whatever mode its log left it in.
	var tables int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema`).Scan(&tables); err != nil {
		return fmt.Errorf("read it: %w", err)
	}
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
