package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/groundswell-health/groundswell/store"
)

// PostgresEnv names the variable holding the URL of a PostgreSQL server for
// tests, such as postgres://postgres@127.0.0.1:55432/postgres?sslmode=disable.
// The README's test command starts a server and sets it.
const PostgresEnv = "GROUNDSWELL_TEST_POSTGRES"

// PostgresURL returns the test server's URL. When the variable is unset the
// test is skipped — except under CI=true, where a missing service must fail
// the run rather than quietly test less.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv(PostgresEnv)
	if u == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("%s is not set, and CI=true: PostgreSQL tests must run in CI", PostgresEnv)
		}
		tb.Skipf("%s is not set: skipping the PostgreSQL run (scripts/test sets it)", PostgresEnv)
	}
	return u
}

// OpenPostgres returns a new store in a fresh schema of the test server,
// dropped when the test ends; tests running at once never see each other.
func OpenPostgres(tb testing.TB) *store.Store {
	tb.Helper()
	dsn := PostgresSchema(tb)
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		tb.Fatalf("open PostgreSQL store: %v", err)
	}
	tb.Cleanup(func() {
		if err := st.Close(); err != nil {
			tb.Errorf("close store: %v", err)
		}
	})
	return st
}

// PostgresSchema creates an empty schema on the test server and returns a
// URL whose connections use it. It is dropped when the test ends.
func PostgresSchema(tb testing.TB) string {
	tb.Helper()
	base := PostgresURL(tb)
	b := make([]byte, 8)
	rand.Read(b)
	schema := "gs_test_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		tb.Fatalf("create test schema on %s: %v", PostgresEnv, err)
	}
	tb.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			tb.Errorf("drop test schema: %v", err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("%s is not a URL: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Each runs fn once on SQLite and once on PostgreSQL, as subtests named
// "sqlite" and "postgres", each with a fresh store.
func Each(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, Open(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, OpenPostgres(t)) })
}
