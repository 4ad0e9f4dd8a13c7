package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBackupAndRestoreCommands backs up a serving installation, restores
// the backup once the server has stopped, and serves it: pledges made before
// the backup are there, those made after it are not — and are still in the
// database kept beside it.
func TestBackupAndRestoreCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "groundswell.db")
	backup := filepath.Join(dir, "backup.db")
	getenv := env("GROUNDSWELL_DB", db)
	slug, actions, area := seedInstallation(t, db)
	base, stop := start(t, []string{"serve", "--addr", "127.0.0.1:0"}, getenv)
	defer stop()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	pledges := func(from int) []string {
		var tokens []string
		for n := from; n < from+5; n++ {
			p := ackedPledge{email: fmt.Sprintf("backup-%d@example.org", n), action: actions[n%len(actions)]}
			token, failure := postPledgeTo(ctx, client, base, slug, p, area, n)
			if failure != "" {
				t.Fatalf("pledge: %s", failure)
			}
			tokens = append(tokens, token)
		}
		return tokens
	}
	before := pledges(0)
	var out bytes.Buffer
	if err := run(ctx, []string{"backup", backup}, getenv, nil, &out, io.Discard); err != nil {
		t.Fatalf("backup while serving: %v", err)
	}
	if !strings.Contains(out.String(), "Backed up "+db+" to "+backup) || !strings.Contains(out.String(), "integrity checked") {
		t.Errorf("backup said:\n%s", out.String())
	}
	after := pledges(100)

	restore := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, append([]string{"restore"}, args...), getenv, nil, &out, io.Discard)
		return out.String(), err
	}
	if _, err := restore("--force", backup); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("restore while the server runs: %v, want it refused", err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := restore(backup); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("restore over a database without --force: %v, want it refused, naming --force", err)
	}
	said, err := restore(backup, "--force") // flags after the file work too
	if err != nil {
		t.Fatalf("restore: %v", err)
	}
	// It says to keep the server stopped, and who may open the file now.
	for _, want := range []string{"kept as " + db + ".before-restore", "keep the server stopped until this says the restore has finished",
		db + ": owner ", "mode 0600. The server's user must be able to read and write it", "The restore has finished."} {
		if !strings.Contains(said, want) {
			t.Errorf("restore said:\n%s\nwant %q", said, want)
		}
	}

	base, stop = start(t, []string{"serve", "--addr", "127.0.0.1:0"}, getenv)
	defer stop()
	for _, token := range before {
		if code, _ := get(t, base+"/pledges/"+token); code != http.StatusOK {
			t.Errorf("pledge made before the backup: receipt page %d after the restore, want 200", code)
		}
	}
	for _, token := range after {
		if code, _ := get(t, base+"/pledges/"+token); code != http.StatusNotFound {
			t.Errorf("pledge made after the backup: receipt page %d after the restore, want 404", code)
		}
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(db + ".before-restore"); err != nil {
		t.Errorf("the replaced database was not kept: %v", err)
	}
}

// TestBackupCommandRefusals: what backup and restore say when they cannot
// do as asked.
func TestBackupCommandRefusals(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
		code int
	}{
		{[]string{"backup"}, "no backup FILE given", 2},
		{[]string{"backup", "--db", filepath.Join(dir, "missing.db"), filepath.Join(dir, "b.db")}, "missing.db", 1},
		{[]string{"backup", "--db", "postgres://db.internal/groundswell", filepath.Join(dir, "b.db")}, "pg_dump", 1},
		{[]string{"restore", "--db", filepath.Join(dir, "new.db")}, "no backup FILE given", 2},
		{[]string{"restore", "--db", filepath.Join(dir, "new.db"), filepath.Join(dir, "missing.db")}, "does not exist", 1},
		{[]string{"serve", "--durability", "extra"}, `durability "extra": choose normal or full`, 1},
	} {
		err := run(ctx, c.args, env(), nil, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) || exitCode(err) != c.code {
			t.Errorf("%s: %v (exit %d), want %q (exit %d)", strings.Join(c.args, " "), err, exitCode(err), c.want, c.code)
		}
	}
}
