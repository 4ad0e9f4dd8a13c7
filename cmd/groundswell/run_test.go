package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/demo"
	"github.com/groundswell-health/groundswell/store"
)

func env(kv ...string) func(string) string {
	// Tests send forms back at once, as no person could: the forms'
	// minimum fill time is off unless a test sets it.
	m := map[string]string{"GROUNDSWELL_MIN_FILL_TIME": "0s"}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

// start runs the program in the background and returns the address it
// serves on, and a function that stops it (as SIGINT would) and returns
// what run returned.
func start(t *testing.T, args []string, getenv func(string) string) (string, func() error) {
	t.Helper()
	return startWith(t, args, getenv, io.Discard)
}

// startWith is start with the program's log (its standard error) kept in
// logs.
func startWith(t *testing.T, args []string, getenv func(string) string, logs io.Writer) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, args, getenv, strings.NewReader(""), w, logs)
		w.Close()
		done <- err
	}()
	lines := bufio.NewScanner(out)
	addr := ""
	for addr == "" && lines.Scan() {
		if _, after, ok := strings.Cut(lines.Text(), " on http://"); ok {
			addr = "http://" + after
		}
	}
	if addr == "" {
		cancel()
		t.Fatalf("the server did not start: %v", <-done)
	}
	go io.Copy(io.Discard, out)
	// stop may be called more than once (directly and deferred); the
	// program stops once and every call returns what run returned.
	var once sync.Once
	var runErr error
	return addr, func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(30 * time.Second):
				t.Error("the server did not shut down")
			}
		})
		return runErr
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestDemoLoadsOnceServesAndShutsDown(t *testing.T) {
	db := filepath.Join(t.TempDir(), "groundswell.db")
	for run := range 2 {
		addr, stop := start(t, []string{"demo", "--addr", "127.0.0.1:0"}, env("GROUNDSWELL_DB", db))
		if code, _ := get(t, addr+"/healthz"); code != http.StatusOK {
			t.Fatalf("healthz = %d", code)
		}
		if code, body := get(t, addr+"/"); code != http.StatusOK || !strings.Contains(body, "The Right Prescription") {
			t.Fatalf("home page = %d:\n%.500s", code, body)
		}
		if err := stop(); err != nil {
			t.Fatalf("run %d returned %v", run, err)
		}
	}
	// The database was closed cleanly and holds the demo once.
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	campaigns, err := st.Campaigns(context.Background(), store.CampaignFilter{IncludeDrafts: true})
	if err != nil || len(campaigns) != 2 {
		t.Fatalf("campaigns after two demo runs = %d (%v), want 2", len(campaigns), err)
	}
	c, _ := st.CampaignBySlug(context.Background(), demo.CampaignSlug)
	counts, _ := st.CampaignCounts(context.Background(), c.ID)
	if counts.People != len(uniquePeople(demo.Generate(), 1)) {
		t.Errorf("people in campaign 1 = %d, want the demo's %d", counts.People, len(uniquePeople(demo.Generate(), 1)))
	}
}

func uniquePeople(ds *gs.Dataset, campaign int64) map[int64]bool {
	people := map[int64]bool{}
	for _, c := range ds.Commitments {
		if c.CampaignID == campaign && c.Status != gs.StatusWithdrawn {
			people[c.PersonID] = true
		}
	}
	return people
}

func TestServeLoadsNoDemo(t *testing.T) {
	db := filepath.Join(t.TempDir(), "empty.db")
	addr, stop := start(t, []string{"serve", "--addr", "127.0.0.1:0", "--db", db}, env())
	_, body := get(t, addr+"/")
	if strings.Contains(body, "The Right Prescription") || !strings.Contains(body, "There are no calls to action yet") {
		t.Errorf("serve shows demo data:\n%.500s", body)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

func TestFlagsWinOverEnvironment(t *testing.T) {
	cfg, err := parseConfig("serve", []string{"--db", "flag.db"}, env("GROUNDSWELL_DB", "env.db", "GROUNDSWELL_ADDR", "0.0.0.0:9000"), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.db != "flag.db" || cfg.addr != "0.0.0.0:9000" {
		t.Errorf("config = %+v, want db from the flag and addr from the environment", cfg)
	}
	cfg, _ = parseConfig("serve", nil, env(), io.Discard)
	if cfg.db != "groundswell.db" || cfg.addr != "localhost:8080" {
		t.Errorf("defaults = %+v", cfg)
	}
	if _, err := parseConfig("serve", []string{"--nope"}, env(), io.Discard); err == nil {
		t.Error("unknown flag accepted")
	}
	if err := run(context.Background(), []string{"frobnicate"}, env(), nil, io.Discard, io.Discard); err == nil {
		t.Error("unknown command accepted")
	}
}

// TestRateLimitSettings: the defaults, the environment, the flags, "off",
// and a clear message naming the setting for a bad one.
func TestRateLimitSettings(t *testing.T) {
	cfg, err := parseConfig("serve", nil, env(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.limits.PledgePerIP.String() != "300/10m0s" || cfg.limits.SigninPerAccount.String() != "10/15m0s" || cfg.limits.TrustProxy {
		t.Errorf("default limits %+v", cfg.limits)
	}
	cfg, err = parseConfig("serve", []string{"--limit-pledge-ip", "off", "--trust-proxy"}, env("GROUNDSWELL_LIMIT_PLEDGE_EMAIL", "5/1h"), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.limits.PledgePerIP.Off() || cfg.limits.PledgePerEmail.N != 5 || !cfg.limits.TrustProxy {
		t.Errorf("limits from flags and environment %+v", cfg.limits)
	}
	_, err = parseConfig("serve", []string{"--limit-signin-ip", "lots"}, env(), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "--limit-signin-ip") {
		t.Errorf("bad limit: %v, want an error naming --limit-signin-ip", err)
	}
}

func TestUserAddOrganiser(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "users.db")
	args := []string{"user", "add", "--organiser", "--email", "Olu@Example.org", "--name", "Olu Organiser", "--db", db}
	var out strings.Builder
	if err := run(ctx, args, env(), strings.NewReader("a long enough passphrase\n"), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	err := run(ctx, args, env(), strings.NewReader("a long enough passphrase\n"), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "already a user") {
		t.Errorf("second add = %v, want a clear refusal", err)
	}
	err = run(ctx, []string{"user", "add", "--organiser", "--email", "b@example.org", "--name", "B", "--db", db}, env(), strings.NewReader("short\n"), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "at least 12 characters") {
		t.Errorf("short password = %v", err)
	}
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u, err := st.UserByEmail(ctx, "olu@example.org")
	if err != nil || u.Role != gs.RoleOrganiser || strings.Contains(u.PasswordHash, "passphrase") {
		t.Errorf("user = %+v, %v", u, err)
	}
}
