package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/mobilise"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// backupOp is a write the store acknowledged, and when.
type backupOp struct {
	kind  string // "pledge", "confirm" or "done"
	email string
	id    int64 // the commitment
	token string
	at    time.Time
}

// TestBackupWhileWriting takes a backup while pledges, confirmations and
// reports are being written, and checks the copy: it is whole (integrity
// check), it holds every write acknowledged before the backup began, its
// rollups equal a recount, and restoring it brings exactly it back — the
// database it replaced kept beside it.
func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	live := filepath.Join(dir, "live.db")
	st, err := store.Open(ctx, live)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { st.Close() }()
	f := storetest.Seed(t, st)

	var (
		mu    sync.Mutex
		ops   []backupOp
		stop  = make(chan struct{})
		wg    sync.WaitGroup
		fails = make(chan error, 100)
	)
	acked := func(op backupOp) {
		op.at = time.Now()
		mu.Lock()
		ops = append(ops, op)
		mu.Unlock()
	}
	stopped := func() bool {
		select {
		case <-stop:
			return true
		default:
			return false
		}
	}
	// Pledgers; each then confirms its pledge and, every other time,
	// reports it done — the changes the rollups count.
	for w := range 8 {
		wg.Go(func() {
			for n := 0; !stopped(); n++ {
				in := f.Pledge(fmt.Sprintf("backup-%d-%d@example.org", w, n))
				in.ActionID = f.Actions[n%2].ID
				res, err := st.Pledge(ctx, in)
				if err != nil {
					fails <- fmt.Errorf("pledge: %w", err)
					return
				}
				id := res.Commitment.ID
				acked(backupOp{kind: "pledge", email: in.Email, id: id, token: res.Commitment.ReceiptToken})
				if n%3 == 2 {
					continue // left unconfirmed
				}
				tok, err := st.IssueToken(ctx, gs.TokenConfirm, id, "", time.Hour)
				if err == nil {
					_, err = st.ConfirmPledge(ctx, tok)
				}
				if err != nil {
					fails <- fmt.Errorf("confirm: %w", err)
					return
				}
				acked(backupOp{kind: "confirm", email: in.Email, id: id})
				if n%2 == 0 {
					if err := st.SetOwnStatus(ctx, in.Email, id, gs.StatusDone); err != nil {
						fails <- fmt.Errorf("report done: %w", err)
						return
					}
					acked(backupOp{kind: "done", email: in.Email, id: id})
				}
			}
		})
	}
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(ops) >= 200 })

	backup := filepath.Join(dir, "backup.db")
	began := time.Now()
	info, err := store.Backup(ctx, live, backup)
	if err != nil {
		t.Fatalf("backup while writing: %v", err)
	}
	// Let some more writes land after the backup, then stop.
	mu.Lock()
	n := len(ops)
	mu.Unlock()
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(ops) >= n+30 })
	close(stop)
	wg.Wait()
	close(fails)
	for err := range fails {
		t.Fatal(err)
	}
	var before, after []backupOp
	for _, op := range ops {
		if op.at.Before(began) {
			before = append(before, op)
		} else {
			after = append(after, op)
		}
	}
	t.Logf("%d writes acknowledged before the backup began, %d after; backup of %d bytes at schema version %d",
		len(before), len(after), info.Bytes, info.SchemaVersion)
	if info.SchemaVersion == 0 || info.Bytes == 0 {
		t.Errorf("backup info %+v", info)
	}
	if _, err := os.Stat(backup + "-wal"); err == nil {
		t.Error("the backup left a write-ahead log beside it: it is not one file")
	}
	wantIntegrity(t, backup)

	// The copy, opened as a server would open it.
	copyPath := filepath.Join(dir, "copy.db")
	if _, err := store.Restore(ctx, backup, copyPath, false); err != nil {
		t.Fatalf("restore into a new file: %v", err)
	}
	cp, err := store.Open(ctx, copyPath)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	wantWrites(t, cp, before)
	wantRollupsRecount(t, cp, f.Campaign.ID)
	copied := countCommitments(t, cp, f.Campaign.ID)

	// Restoring over the live database is refused while it is open, even
	// with --force.
	if _, err := store.Restore(ctx, backup, live, true); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("restore over a database in use: %v, want it refused as in use", err)
	}
	wantWrites(t, st, ops) // and nothing was touched
	all := countCommitments(t, st, f.Campaign.ID)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Restore(ctx, backup, live, false); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("restore over an existing database without force: %v, want a refusal that names --force", err)
	}
	res, err := store.Restore(ctx, backup, live, true)
	if err != nil {
		t.Fatalf("restore with force: %v", err)
	}
	if res.Replaced != live+".before-restore" {
		t.Errorf("the replaced database was kept as %q", res.Replaced)
	}
	restored, err := store.Open(ctx, live)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	wantWrites(t, restored, before)
	if got := countCommitments(t, restored, f.Campaign.ID); got != copied {
		t.Errorf("restored database has %d pledges, the backup %d", got, copied)
	}
	kept, err := store.Open(ctx, res.Replaced)
	if err != nil {
		t.Fatal(err)
	}
	defer kept.Close()
	wantWrites(t, kept, ops)
	if got := countCommitments(t, kept, f.Campaign.ID); got != all {
		t.Errorf("the database kept beside the restore has %d pledges, it had %d", got, all)
	}
	if copied >= all {
		t.Errorf("the backup has %d pledges and the live database had %d: the writes after it are missing from the test", copied, all)
	}

	// A second restore would overwrite the kept database: refused.
	restored.Close()
	if _, err := store.Restore(ctx, backup, live, true); err == nil || !strings.Contains(err.Error(), "before-restore") {
		t.Errorf("restore with a .before-restore already there: %v, want a refusal naming it", err)
	}
}

// TestRestoreRefusesBadBackups: a restore checks the file before it touches
// the database, and says what is wrong with it.
func TestRestoreRefusesBadBackups(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	good := filepath.Join(dir, "good.db")
	st, err := store.Open(ctx, good)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Seed(t, st)
	st.Close()
	backup := filepath.Join(dir, "backup.db")
	if _, err := store.Backup(ctx, good, backup); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Backup(ctx, good, backup); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("backup onto an existing file: %v, want it refused", err)
	}

	text := filepath.Join(dir, "notes.txt")
	must(t, os.WriteFile(text, []byte("not a database at all, but long enough"), 0o644))

	other := filepath.Join(dir, "other.db")
	raw := rawSQLite(t, other)
	_, err = raw.Exec(`CREATE TABLE things (x TEXT)`)
	must(t, err)
	raw.Close()

	newer := filepath.Join(dir, "newer.db")
	copyTestFile(t, backup, newer)
	raw = rawSQLite(t, newer)
	_, err = raw.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', 0)`)
	must(t, err)
	raw.Close()

	damaged := filepath.Join(dir, "scribbled.db")
	copyTestFile(t, backup, damaged)
	b, err := os.ReadFile(damaged)
	must(t, err)
	pageSize := 4096
	for i := 2 * pageSize; i < len(b)-pageSize; i += 3 * pageSize {
		copy(b[i+100:], strings.Repeat("\xff", 200)) // scribble inside pages
	}
	must(t, os.WriteFile(damaged, b, 0o644))

	for _, c := range []struct{ name, file, want string }{
		{"missing", filepath.Join(dir, "nowhere.db"), "does not exist"},
		{"not SQLite", text, "not a SQLite database"},
		{"not Groundswell", other, "not a Groundswell database"},
		{"newer schema", newer, "schema version 9999, newer than this Groundswell"},
		{"damaged", damaged, "it is damaged"},
		{"PostgreSQL", "postgres://localhost/groundswell", "pg_dump"},
	} {
		t.Run(c.name, func(t *testing.T) {
			target := filepath.Join(t.TempDir(), "target.db")
			if c.file == "postgres://localhost/groundswell" {
				target = c.file
			}
			_, err := store.Restore(ctx, c.file, target, true)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("restore of %s: %v, want an error saying %q", c.name, err, c.want)
			}
			if entries, _ := os.ReadDir(filepath.Dir(target)); len(entries) != 0 && !strings.HasPrefix(target, "postgres") {
				t.Errorf("a refused restore left %d files behind, such as %s", len(entries), entries[0].Name())
			}
		})
	}
}

// TestOpenWithDurability: the durability setting reaches SQLite.
func TestOpenWithDurability(t *testing.T) {
	ctx := context.Background()
	for _, d := range []store.Durability{"", store.DurabilityNormal, store.DurabilityFull} {
		st, err := store.OpenWith(ctx, filepath.Join(t.TempDir(), "d.db"), store.Options{Durability: d})
		if err != nil {
			t.Fatal(err)
		}
		got, err := st.Durability(ctx)
		st.Close()
		want := string(d)
		if d == "" {
			want = "normal"
		}
		if err != nil || got != want {
			t.Errorf("durability %q: database says %q (%v), want %q", d, got, err, want)
		}
	}
	if _, err := store.ParseDurability("extra"); err == nil {
		t.Error("durability extra accepted")
	}
}

// TestPostgresDurabilityIsTheServers: on PostgreSQL durability full is
// refused when the server would acknowledge commits before they are on
// disk, and accepted otherwise; Groundswell changes nothing on the server.
func TestPostgresDurabilityIsTheServers(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.PostgresSchema(t)
	for _, c := range []struct {
		sync string
		ok   bool
	}{{"off", false}, {"on", true}, {"local", true}} {
		st, err := store.OpenWith(ctx, dsn+"&synchronous_commit="+c.sync, store.Options{Durability: store.DurabilityFull})
		if !c.ok {
			if err == nil || !strings.Contains(err.Error(), "synchronous_commit = off") {
				t.Errorf("durability full with synchronous_commit=off: %v, want it refused", err)
			}
			if st != nil {
				st.Close()
			}
			continue
		}
		if err != nil {
			t.Fatalf("durability full with synchronous_commit=%s: %v", c.sync, err)
		}
		got, err := st.Durability(ctx)
		st.Close()
		if err != nil || !strings.Contains(got, "synchronous_commit = "+c.sync) {
			t.Errorf("durability with synchronous_commit=%s reported as %q (%v)", c.sync, got, err)
		}
	}
	if _, err := store.Backup(ctx, dsn, filepath.Join(t.TempDir(), "b.db")); err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Errorf("backup of PostgreSQL: %v, want a pointer to its own tools", err)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// wantWrites checks that every write in ops is in the store: the pledge,
// and its confirmation or report.
func wantWrites(t *testing.T, st *store.Store, ops []backupOp) {
	t.Helper()
	ctx := context.Background()
	byID := map[int64][]backupOp{}
	for _, op := range ops {
		byID[op.id] = append(byID[op.id], op)
	}
	missing := 0
	for id, list := range byID {
		rc, err := st.ReceiptByCommitment(ctx, id)
		if err != nil {
			missing++
			if missing <= 5 {
				t.Errorf("acknowledged pledge %d (%s) is missing: %v", id, list[0].email, err)
			}
			continue
		}
		for _, op := range list {
			switch {
			case op.kind == "pledge" && (rc.Person.Email != op.email || rc.Commitment.ReceiptToken != op.token):
				t.Errorf("pledge %d is %s's with receipt %s, want %s's with %s", id, rc.Person.Email, rc.Commitment.ReceiptToken, op.email, op.token)
			case op.kind == "confirm" && !rc.Commitment.Confirmed():
				t.Errorf("pledge %d: its acknowledged confirmation is missing", id)
			case op.kind == "done" && rc.Commitment.Status != gs.StatusDone:
				t.Errorf("pledge %d is %s; its acknowledged report of done is missing", id, rc.Commitment.Status)
			}
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d acknowledged pledges missing", missing, len(byID))
	}
}

// wantRollupsRecount checks that a campaign's rollups, as kept write by
// write, equal those a recount of its commitments builds.
func wantRollupsRecount(t *testing.T, st *store.Store, campaignID int64) {
	t.Helper()
	ctx := context.Background()
	read := func() map[string][]mobilise.DayDelta {
		out := map[string][]mobilise.DayDelta{}
		for _, series := range []string{"total", "group", "area", "organisation"} {
			rows, err := st.RollupDays(ctx, campaignID, series)
			must(t, err)
			for _, r := range rows {
				if !r.IsZero() {
					out[series] = append(out[series], r)
				}
			}
		}
		return out
	}
	kept := read()
	must(t, st.RebuildRollups(ctx, campaignID))
	if recount := read(); !reflect.DeepEqual(kept, recount) {
		t.Errorf("rollups kept write by write differ from a recount:\nkept    %+v\nrecount %+v", kept["total"], recount["total"])
	}
	if len(kept["total"]) == 0 {
		t.Error("the rollup is empty: nothing was confirmed")
	}
}

func countCommitments(t *testing.T, st *store.Store, campaignID int64) int {
	t.Helper()
	n := 0
	must(t, st.EachCommitment(context.Background(), campaignID, func(mobilise.Commitment) error { n++; return nil }))
	return n
}

func wantIntegrity(t *testing.T, path string) {
	t.Helper()
	db := rawSQLite(t, path)
	defer db.Close()
	var res string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
		t.Fatalf("integrity check of %s: %q (%v)", filepath.Base(path), res, err)
	}
}

func rawSQLite(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func copyTestFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	must(t, err)
	must(t, os.WriteFile(to, b, 0o644))
}
