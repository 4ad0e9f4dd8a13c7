package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// liveWithPledges opens a new database at path, seeds it and stores n
// pledges, returning the open store, the seed and the pledges' commitment
// ids.
func liveWithPledges(t *testing.T, path string, n int) (*store.Store, storetest.Fixture, []int64) {
	t.Helper()
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := storetest.Seed(t, st)
	return st, f, pledgeSome(t, st, f, "first", n)
}

func pledgeSome(t *testing.T, st *store.Store, f storetest.Fixture, prefix string, n int) []int64 {
	t.Helper()
	var ids []int64
	for i := range n {
		res, err := st.Pledge(context.Background(), f.Pledge(fmt.Sprintf("%s-%d@example.org", prefix, i)))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.Commitment.ID)
	}
	return ids
}

// wantPledges checks which of the pledges ids the database at path has.
func wantPledges(t *testing.T, path string, ids []int64, want bool) {
	t.Helper()
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, id := range ids {
		_, err := st.ReceiptByCommitment(context.Background(), id)
		if got := err == nil; got != want {
			t.Errorf("%s: pledge %d there: %v, want %v (%v)", filepath.Base(path), id, got, want, err)
		}
	}
}

// TestRestoreAppliesTheBackupsWriteAheadLog: a backup made by copying the
// files of a database in use — or by a disk snapshot — is the database file
// plus a write-ahead log holding the latest commits. Restoring it restores
// those commits too, and writes nothing beside the backup.
func TestRestoreAppliesTheBackupsWriteAheadLog(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	live := filepath.Join(dir, "live.db")
	st, f, early := liveWithPledges(t, live, 3)
	// Fold what is there into the database file, so that the pledges below
	// are in the log only.
	raw := rawSQLite(t, live)
	var busy, logged, folded int
	must(t, raw.QueryRow(`PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logged, &folded))
	raw.Close()
	if busy != 0 {
		t.Fatal("could not fold the log into the database")
	}
	late := pledgeSome(t, st, f, "late", 5)
	if fi, err := os.Stat(live + "-wal"); err != nil || fi.Size() == 0 {
		t.Fatalf("the late pledges are not in the log: %v", err)
	}

	snap := filepath.Join(dir, "snapshot")
	must(t, os.Mkdir(snap, 0o700))
	for _, suffix := range []string{"", "-wal", "-shm"} {
		copyTestFile(t, live+suffix, filepath.Join(snap, "live.db"+suffix))
	}
	listing := func() string {
		entries, err := os.ReadDir(snap)
		must(t, err)
		var s []string
		for _, e := range entries {
			fi, err := e.Info()
			must(t, err)
			s = append(s, fmt.Sprintf("%s %d %v", e.Name(), fi.Size(), fi.ModTime()))
		}
		return strings.Join(s, "\n")
	}
	before := listing()

	restored := filepath.Join(t.TempDir(), "restored.db")
	if _, err := store.Restore(ctx, filepath.Join(snap, "live.db"), restored, false); err != nil {
		t.Fatalf("restore of a database file with its log: %v", err)
	}
	for _, suffix := range []string{"-wal", "-journal"} {
		if _, err := os.Stat(restored + suffix); err == nil {
			t.Errorf("the restore left %s beside the database", suffix)
		}
	}
	wantIntegrity(t, restored)
	wantPledges(t, restored, append(early, late...), true)
	if after := listing(); after != before {
		t.Errorf("the restore changed the backup's directory:\nbefore\n%s\nafter\n%s", before, after)
	}
}

// TestRestoreRollsBackAnUnfinishedTransaction: a copy of a database taken in
// the middle of a transaction that has already written some of its pages
// into the file — a snapshot, or a copy, of a database in rollback-journal
// mode — is restored as it was before that transaction, from the journal
// beside it.
func TestRestoreRollsBackAnUnfinishedTransaction(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	live := filepath.Join(dir, "live.db")
	st, _, ids := liveWithPledges(t, live, 3)
	st.Close()
	backup := filepath.Join(dir, "backup.db") // one file, in rollback-journal mode
	if _, err := store.Backup(ctx, live, backup); err != nil {
		t.Fatal(err)
	}
	raw := rawSQLite(t, backup)
	defer raw.Close()
	c, err := raw.Conn(ctx)
	must(t, err)
	defer c.Close()
	const rows = 2000
	for _, q := range []string{
		`CREATE TABLE filler (x BLOB)`,
		fmt.Sprintf(`INSERT INTO filler SELECT zeroblob(1000) FROM generate_series(1, %d)`, rows),
	} {
		if _, err := c.ExecContext(ctx, q); err != nil && strings.Contains(err.Error(), "generate_series") {
			// Without the series extension: a recursive count.
			_, err = c.ExecContext(ctx, fmt.Sprintf(`INSERT INTO filler WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < %d)
				SELECT zeroblob(1000) FROM n`, rows))
			must(t, err)
		} else {
			must(t, err)
		}
	}
	// A small page cache makes SQLite write changed pages into the file
	// before the transaction ends, the originals saved in the journal.
	for _, q := range []string{`PRAGMA cache_size = 10`, `BEGIN`, `UPDATE filler SET x = randomblob(1000)`} {
		_, err := c.ExecContext(ctx, q)
		must(t, err)
	}
	if fi, err := os.Stat(backup + "-journal"); err != nil || fi.Size() == 0 {
		t.Fatalf("no journal in the middle of the transaction: %v", err)
	}
	snap := filepath.Join(dir, "snapshot.db")
	copyTestFile(t, backup, snap)
	copyTestFile(t, backup+"-journal", snap+"-journal")
	_, err = c.ExecContext(ctx, `ROLLBACK`)
	must(t, err)

	restored := filepath.Join(t.TempDir(), "restored.db")
	if _, err := store.Restore(ctx, snap, restored, false); err != nil {
		t.Fatalf("restore of a database with an unfinished transaction: %v", err)
	}
	wantIntegrity(t, restored)
	db := rawSQLite(t, restored)
	defer db.Close()
	var unchanged int
	must(t, db.QueryRow(`SELECT COUNT(*) FROM filler WHERE x = zeroblob(1000)`).Scan(&unchanged))
	if unchanged != rows {
		t.Errorf("%d of %d rows as they were before the unfinished transaction: the restore has some of its changes", unchanged, rows)
	}
	db.Close()
	wantPledges(t, restored, ids, true)
}

// TestRestoreThroughASymbolicLink: when the database path is a symbolic
// link, the file it points to is replaced, and kept beside itself; the
// link stays a link to it. A link to nothing is refused.
func TestRestoreThroughASymbolicLink(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	data, links := filepath.Join(dir, "data"), filepath.Join(dir, "links")
	must(t, os.Mkdir(data, 0o700))
	must(t, os.Mkdir(links, 0o700))
	real := filepath.Join(data, "groundswell.db")
	st, f, early := liveWithPledges(t, real, 2)
	backup := filepath.Join(dir, "backup.db")
	if _, err := store.Backup(ctx, real, backup); err != nil {
		t.Fatal(err)
	}
	late := pledgeSome(t, st, f, "late", 2)
	st.Close()
	link := filepath.Join(links, "groundswell.db")
	must(t, os.Symlink(real, link))

	info, err := store.Restore(ctx, backup, link, true)
	if err != nil {
		t.Fatalf("restore through a link: %v", err)
	}
	if info.Path != real || info.Replaced != real+".before-restore" {
		t.Errorf("restored into %q, the old database kept as %q; want %q and %q beside it", info.Path, info.Replaced, real, real+".before-restore")
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link is no longer a link: %v", err)
	}
	if to, err := os.Readlink(link); err != nil || to != real {
		t.Errorf("the link points to %q (%v), want %q", to, err, real)
	}
	if entries, _ := os.ReadDir(links); len(entries) != 1 {
		t.Errorf("the link's directory has %d entries, want the link alone", len(entries))
	}
	if fi, err := os.Lstat(real + ".before-restore"); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("the replaced database is not kept as a file beside itself: %v", err)
	}
	wantPledges(t, link, early, true)
	wantPledges(t, link, late, false)
	wantPledges(t, real+".before-restore", late, true)

	dangling := filepath.Join(links, "dangling.db")
	must(t, os.Symlink(filepath.Join(data, "nowhere.db"), dangling))
	if _, err := store.Restore(ctx, backup, dangling, true); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("restore through a link to nothing: %v, want it refused", err)
	}
	if _, err := os.Lstat(filepath.Join(data, "nowhere.db")); err == nil {
		t.Error("a restore through a link to nothing created the file")
	}
}

// TestRestoreWhileAServerStarts: a server started during a restore — which
// the operator must not do — never serves the database being replaced, nor
// loses what it stores. Started before the old database is locked, it makes
// the restore fail with nothing changed, its log left alone. Started while
// it is locked, up to the rename, it waits, and then cannot write to the
// renamed file: it fails to start, and the restored database is whole, with
// no log of the old one beside it.
func TestRestoreWhileAServerStarts(t *testing.T) {
	ctx := context.Background()
	setup := func(t *testing.T) (dir, live, backup string, f storetest.Fixture, early, late []int64) {
		dir = t.TempDir()
		live = filepath.Join(dir, "live.db")
		st, f, early := liveWithPledges(t, live, 2)
		backup = filepath.Join(dir, "backup.db")
		if _, err := store.Backup(ctx, live, backup); err != nil {
			t.Fatal(err)
		}
		late = pledgeSome(t, st, f, "late", 2)
		st.Close()
		return dir, live, backup, f, early, late
	}

	t.Run("before the old database is locked", func(t *testing.T) {
		dir, live, backup, f, early, late := setup(t)
		var server *store.Store
		var byServer []int64
		store.SetRestoreStep(t, func(step string) {
			if step != "staged" {
				return
			}
			var err error
			if server, err = store.Open(ctx, live); err != nil {
				t.Errorf("start a server during the restore: %v", err)
				return
			}
			byServer = pledgeSome(t, server, f, "during", 2)
		})
		_, err := store.Restore(ctx, backup, live, true)
		if server == nil {
			t.Fatalf("no server was started (restore: %v)", err)
		}
		if err == nil || !strings.Contains(err.Error(), "in use") {
			t.Errorf("restore with a server started during it: %v, want it refused as in use", err)
		}
		if fi, err := os.Stat(live + "-wal"); err != nil || fi.Size() == 0 {
			t.Errorf("the server's log is gone from under it: %v", err)
		}
		must(t, server.Close())
		wantPledges(t, live, append(append(early, late...), byServer...), true)
		if _, err := os.Stat(live + ".before-restore"); err == nil {
			t.Error("a refused restore left a .before-restore behind")
		}
		if entries, _ := filepath.Glob(filepath.Join(dir, ".live.db.restoring-*")); len(entries) > 0 {
			t.Errorf("a refused restore left %s behind", entries[0])
		}
	})

	t.Run("while it is locked", func(t *testing.T) {
		_, live, backup, f, early, late := setup(t)
		type started struct {
			st  *store.Store
			err error
		}
		done := make(chan started, 1)
		store.SetRestoreStep(t, func(step string) {
			if step != "retired" {
				return
			}
			opened := openedFiles(live)
			go func() {
				st, err := store.Open(ctx, live)
				if err == nil {
					_, err = st.Pledge(ctx, f.Pledge("during@example.org"))
				}
				done <- started{st, err}
			}()
			// Let it open the old file, and wait for the lock, before the
			// rename.
			deadline := time.Now().Add(10 * time.Second)
			for opened >= 0 && openedFiles(live) <= opened && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			if opened < 0 {
				time.Sleep(300 * time.Millisecond) // no /proc to look in
			}
			time.Sleep(50 * time.Millisecond)
		})
		if _, err := store.Restore(ctx, backup, live, true); err != nil {
			t.Fatalf("restore: %v", err)
		}
		s := <-done
		t.Logf("the server started during the restore stopped with: %v", s.err)
		if s.st != nil {
			s.st.Close()
		}
		if s.err == nil {
			t.Error("a server that opened the old database during the restore could write to it")
		}
		wantIntegrity(t, live)
		wantPledges(t, live, early, true)
		wantPledges(t, live, late, false)
		wantPledges(t, live+".before-restore", late, true)
	})
}

// openedFiles counts the descriptors this process has open on path, or
// returns -1 where it cannot tell.
func openedFiles(path string) int {
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	n := 0
	for _, fd := range fds {
		if to, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name())); err == nil && to == path {
			n++
		}
	}
	return n
}

// TestRestoreOwnership: a restored database is readable by its owner only;
// where no database is replaced, a restore run as root gives the file the
// owner of its directory — normally the service's own — and what the owner
// and mode are is reported.
func TestRestoreOwnership(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	live := filepath.Join(dir, "live.db")
	st, _, _ := liveWithPledges(t, live, 1)
	st.Close()
	backup := filepath.Join(dir, "backup.db")
	if _, err := store.Backup(ctx, live, backup); err != nil {
		t.Fatal(err)
	}
	service := filepath.Join(t.TempDir(), "service")
	must(t, os.Mkdir(service, 0o700))
	const uid, gid = 4321, 4322
	asRoot := os.Geteuid() == 0
	if asRoot {
		must(t, os.Chown(service, uid, gid))
	}
	target := filepath.Join(service, "groundswell.db")
	info, err := store.Restore(ctx, backup, target, false)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(target)
	must(t, err)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("restored database mode %04o, want 0600", fi.Mode().Perm())
	}
	if !strings.Contains(info.Owner, "mode 0600") {
		t.Errorf("restore reports %q, want the mode", info.Owner)
	}
	if !asRoot {
		t.Log("not root: the owner cannot be given away")
		return
	}
	if st := fi.Sys().(*syscall.Stat_t); st.Uid != uid || st.Gid != gid {
		t.Errorf("restored database owned by %d:%d, want its directory's owner %d:%d", st.Uid, st.Gid, uid, gid)
	}
	if !strings.Contains(info.Owner, fmt.Sprint(uid)) {
		t.Errorf("restore reports %q, want the owner", info.Owner)
	}
}

// TestOpenMakesDatabasePrivateLikeBackups: a new database, like a backup of
// it, and the log and index SQLite keeps beside it, are readable and
// writable by their owner only — they hold personal data. An existing
// database keeps the mode its operator gave it.
func TestOpenMakesDatabasePrivateLikeBackups(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "new.db")
	st, _, _ := liveWithPledges(t, path, 1)
	for _, suffix := range []string{"", "-wal", "-shm"} {
		fi, err := os.Stat(path + suffix)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %04o, want 0600", filepath.Base(path+suffix), fi.Mode().Perm())
		}
	}
	backup := filepath.Join(dir, "backup.db")
	if _, err := store.Backup(ctx, path, backup); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(backup); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("backup: %v, mode %04o, want 0600", err, fi.Mode().Perm())
	}
	st.Close()

	must(t, os.Chmod(path, 0o640))
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("an existing database's mode was changed to %04o (%v)", fi.Mode().Perm(), err)
	}
}
