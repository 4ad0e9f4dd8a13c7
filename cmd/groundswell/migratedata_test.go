package main

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/groundswell-health/groundswell/jobs"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// sqliteInstallation makes a SQLite database with a campaign, three pledges
// and an organiser, closed as a stopped server leaves it.
func sqliteInstallation(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "groundswell.db")
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	f := storetest.Seed(t, st)
	for _, email := range []string{"a@example.org", "b@example.org", "c@example.org"} {
		if _, err := st.Pledge(ctx, f.Pledge(email)); err != nil {
			t.Fatal(err)
		}
	}
	// A real installation has served: the job queue's tables are there too,
	// and the copy must leave them alone.
	if err := jobs.Migrate(ctx, st.WriteDB(), st.Dialect()); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func migrateData(args ...string) (stdout, stderr string, err error) {
	var out, errOut bytes.Buffer
	err = run(context.Background(), append([]string{"migrate-data"}, args...), env(), strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestMigrateData(t *testing.T) {
	from := sqliteInstallation(t)
	// The test server trusts loopback, so a password in the address is
	// ignored by it; it must not be shown by us.
	u, err := url.Parse(storetest.PostgresSchema(t))
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword("postgres", "s3cret-pw")
	to := u.String()

	stdout, stderr, err := migrateData("--from", from, "--to", to)
	if err != nil {
		t.Fatalf("migrate-data: %v\nstdout:\n%s\nstderr:\n%s", err, stdout, stderr)
	}
	// Not a terminal: one line per table, in order.
	for _, line := range []string{"areas: 8 rows", "campaigns: 1 row", "people: 3 rows", "commitments: 3 rows", "sessions: 0 rows"} {
		if !strings.Contains(stderr, line+"\n") {
			t.Errorf("progress lacks %q:\n%s", line, stderr)
		}
	}
	if strings.Contains(stderr, "\r") {
		t.Errorf("progress redraws a bar, but stderr is not a terminal:\n%q", stderr)
	}
	for _, re := range []string{`(?m)^\s*people\s+3\s+3\s*$`, `(?m)^\s*commitments\s+3\s+3\s*$`, `(?m)^\s*areas\s+8\s+8\s*$`, `(?m)^verified: `} {
		if !regexp.MustCompile(re).MatchString(stdout) {
			t.Errorf("report does not match %s:\n%s", re, stdout)
		}
	}
	if strings.Contains(stdout+stderr, "s3cret-pw") {
		t.Errorf("the password is shown:\n%s\n%s", stdout, stderr)
	}

	ctx := context.Background()
	src, err := store.Open(ctx, from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := store.Open(ctx, to)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	c, err := dst.CampaignBySlug(ctx, "test-call-to-action")
	if err != nil {
		t.Fatalf("the campaign is not in PostgreSQL: %v", err)
	}
	want, err := src.CampaignCounts(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := dst.CampaignCounts(ctx, c.ID); err != nil || got != want {
		t.Errorf("counts in PostgreSQL = %+v, %v; in SQLite %+v", got, err, want)
	}

	// Again: the target now holds data, and is left as it is.
	stdout, _, err = migrateData("--from", from, "--to", to)
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("a second copy into the same database: %v", err)
	}
	if strings.Contains(stdout, "verified") {
		t.Errorf("a refused copy reports success:\n%s", stdout)
	}
	if got, _ := dst.CampaignCounts(ctx, c.ID); got != want {
		t.Errorf("after the refused copy, counts = %+v, want %+v", got, want)
	}
}

func TestMigrateDataRefusesBadArguments(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.db")
	notSQLite := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notSQLite, []byte("these are not the rows you are looking for\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	const pg = "postgres://postgres@127.0.0.1:1/none?sslmode=disable"
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"nothing", nil, "give both --from"},
		{"no --to", []string{"--from", missing}, "give both --from"},
		{"no --from", []string{"--to", pg}, "give both --from"},
		{"missing file", []string{"--from", missing, "--to", pg}, "missing.db: no such file"},
		{"directory", []string{"--from", dir, "--to", pg}, "is not a file"},
		{"not SQLite", []string{"--from", notSQLite, "--to", pg}, "is not a SQLite database"},
		{"empty file", []string{"--from", empty, "--to", pg}, "is not a SQLite database"},
		{"--to a file", []string{"--from", missing, "--to", filepath.Join(dir, "other.db")}, "--to must be a PostgreSQL URL"},
		{"--to another database", []string{"--from", missing, "--to", "mysql://root:hunter2@db/x"}, "--to must be a PostgreSQL URL"},
		{"--from PostgreSQL", []string{"--from", pg, "--to", pg}, "--from must be a SQLite database file"},
		{"extra argument", []string{"--from", missing, "--to", pg, "now"}, `unexpected argument "now"`},
		{"unknown flag", []string{"--form", missing}, "flag provided but not defined"},
	} {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, err := migrateData(c.args...)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error = %v, want one containing %q", err, c.want)
			}
			if strings.Contains(err.Error()+stdout+stderr, "hunter2") {
				t.Errorf("the password is shown: %v", err)
			}
		})
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("the missing --from file was created: %v", err)
	}
}

func TestCopyProgressOnATerminal(t *testing.T) {
	var b bytes.Buffer
	p := &copyProgress{w: &b, tty: true}
	p.update("people", 0, 5650)
	p.update("people", 2825, 5650)
	p.update("people", 5650, 5650)
	p.update("sessions", 0, 0)
	p.update("users", 0, 3)
	p.finish() // the copy failed part way
	want := "\rpeople               [                              ]     0 / 5,650 rows" +
		"\rpeople               [###############               ] 2,825 / 5,650 rows" +
		"\rpeople               [##############################] 5,650 / 5,650 rows\n" +
		"\rsessions             [##############################] 0 / 0 rows\n" +
		"\rusers                [                              ] 0 / 3 rows\n"
	if b.String() != want {
		t.Errorf("terminal output:\n%q\nwant\n%q", b.String(), want)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 5650: "5,650", 1234567: "1,234,567", -1234: "-1,234"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
