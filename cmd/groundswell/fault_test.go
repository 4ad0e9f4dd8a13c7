package main

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// faultOp is a write the server acknowledged: a pledge (with its receipt),
// or a confirmation or report of done (by the commitment's id).
type faultOp struct {
	kind   string // "pledge", "confirm", "done"
	email  string
	action int64
	token  string // the pledge's receipt
	id     int64  // the commitment, for confirm and done
}

// TestAcknowledgedWritesSurviveRepeatedKills runs the real binary with
// --durability full and kills it with SIGKILL at random moments, round after
// round, while clients pledge and follow confirmation and "done" links (what
// people do from their emails), restarting it on the same file each time.
// Afterwards every acknowledged write is there, the rollups equal a recount,
// and jobs that were waiting in the queue when the server was killed have
// run after the restart. While the restarted server serves, a backup is
// taken and a restore over its database is refused.
func TestAcknowledgedWritesSurviveRepeatedKills(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server binary")
	}
	ctx := context.Background()
	seed := uint64(time.Now().UnixNano())
	t.Logf("random seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	dir := t.TempDir()
	bin := buildGroundswell(t, dir)
	db := filepath.Join(dir, "faults.db")
	args := func(cmd string) []string {
		return []string{cmd, "--db", db, "--addr", "127.0.0.1:0", "--durability", "full",
			"--limit-pledge-ip", "off", "--limit-pledge-email", "off"}
	}

	var (
		acked   []faultOp
		actions []int64
		area    int64
		waiting []int64 // jobs waiting in the queue when the server was last killed
		resumed int     // of those, how many ran after a restart
	)
	const rounds = 4
	for round := range rounds {
		cmd := "serve"
		if round == 0 {
			cmd = "demo"
		}
		srv := startProcess(t, bin, args(cmd)...)
		if round == 0 {
			actions, area = pledgeTargets(t, db)
		}
		resumed += waitForJobs(t, db, waiting)
		links := statusLinks(t, db, acked)
		// The kill comes at a random moment of the burst. The first waits,
		// after that, for confirmation emails to be waiting in the job
		// queue: only its server has the queue's lead from the start (a
		// killed leader's lease has to run out first), and so enqueues them
		// every second for the pledges so far.
		delay := time.Duration(150+rng.IntN(1000)) * time.Millisecond
		var ready func() bool
		if round == 0 {
			delay = time.Duration(1000+rng.IntN(1500)) * time.Millisecond
			ready = func() bool { return len(queuedJobs(t, db)) > 0 }
		}
		got, failures, took := burst(ctx, srv, round, actions, area, links, delay, ready)
		acked = append(acked, got...)
		waiting = queuedJobs(t, db)
		t.Logf("round %d: killed after %s; %d writes acknowledged, %d jobs left waiting; others: %v",
			round, took.Round(time.Millisecond), len(got), len(waiting), failures)
	}

	srv := startProcess(t, bin, args("serve")...)
	resumed += waitForJobs(t, db, waiting)
	if resumed == 0 {
		t.Error("no kill left a job waiting in the queue, so that the queue's resumption was not tested")
	}
	wantAcknowledged(t, db, acked)
	// The restarted server's database is backed up as it serves (which
	// checks the copy's integrity), and a restore over it is refused while
	// it does. The heavy work runs in the binary: this test process may be
	// built with the race detector, which slows SQLite tenfold.
	backup := filepath.Join(dir, "backup.db")
	if out, err := exec.Command(bin, "backup", "--db", db, backup).CombinedOutput(); err != nil {
		t.Fatalf("backup while the server runs: %v\n%s", err, out)
	}
	if err := run(ctx, []string{"restore", "--db", db, "--force", backup}, env(), nil, io.Discard, io.Discard); err == nil ||
		!strings.Contains(err.Error(), "in use") {
		t.Fatalf("restore over the running server's database: %v, want it refused as in use", err)
	}
	srv.stop(t)

	// The rollups, kept write by write through the kills, equal a recount:
	// with the campaign's rollup marked missing, the next start rebuilds it
	// (store.RebuildRollups, as for an installation from before rollups).
	kept := rollupRows(t, db)
	raw := openRaw(t, db, "")
	if _, err := raw.Exec(`DELETE FROM rollup_campaigns`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	startProcess(t, bin, args("serve")...).stop(t)
	if recount := rollupRows(t, db); !reflect.DeepEqual(kept, recount) {
		t.Errorf("rollups kept write by write differ from a recount:\nkept    %v\nrecount %v", firstRows(kept), firstRows(recount))
	}
	if out, err := exec.Command(bin, "backup", "--db", db, filepath.Join(dir, "final.db")).CombinedOutput(); err != nil {
		t.Fatalf("the database after the kills fails its check: %v\n%s", err, out)
	}
}

// statusLinks issues, as the emails would carry them, a confirmation link
// for acknowledged pledges not yet confirmed and a "done" link for confirmed
// ones — a few hundred at most — and returns them as the writes to try.
func statusLinks(t *testing.T, db string, acked []faultOp) []faultOp {
	t.Helper()
	ctx := context.Background()
	confirmed, done := map[string]bool{}, map[string]bool{}
	for _, op := range acked {
		switch op.kind {
		case "confirm":
			confirmed[op.email] = true
		case "done":
			done[op.email] = true
		}
	}
	stored := storedCommitments(t, db)
	var links []faultOp
	reqs := map[string][]store.TokenRequest{}
	for _, op := range acked {
		if op.kind != "pledge" || done[op.email] || len(links) >= 300 {
			continue
		}
		c, ok := stored[op.token]
		if !ok {
			t.Fatalf("acknowledged pledge by %s is gone", op.email)
		}
		purpose, kind := gs.TokenConfirm, "confirm"
		if confirmed[op.email] {
			purpose, kind = gs.TokenReportDone, "done"
		}
		reqs[purpose] = append(reqs[purpose], store.TokenRequest{CommitmentID: c.id})
		links = append(links, faultOp{kind: kind, email: op.email, id: c.id})
	}
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tokens := map[string][]string{}
	for purpose, rs := range reqs {
		if tokens[purpose], err = st.IssueTokens(ctx, purpose, rs, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	for i := range links {
		purpose := gs.TokenConfirm
		if links[i].kind == "done" {
			purpose = gs.TokenReportDone
		}
		links[i].token, tokens[purpose] = tokens[purpose][0], tokens[purpose][1:]
	}
	return links
}

// storedCommitment is a commitment as the database has it.
type storedCommitment struct {
	id, action int64
	email      string
	status     string
	confirmed  bool
}

// storedCommitments reads every commitment at once, by receipt — in one
// query, as the race detector makes many small ones slow.
func storedCommitments(t *testing.T, db string) map[string]storedCommitment {
	t.Helper()
	raw := openRaw(t, db, "mode=ro")
	defer raw.Close()
	rows, err := raw.Query(`SELECT c.receipt_token, c.id, c.action_id, p.email, c.status, c.confirmed_at IS NOT NULL
		FROM commitments c JOIN people p ON p.id = c.person_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]storedCommitment{}
	for rows.Next() {
		var token string
		var c storedCommitment
		if err := rows.Scan(&token, &c.id, &c.action, &c.email, &c.status, &c.confirmed); err != nil {
			t.Fatal(err)
		}
		out[token] = c
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// burst sends pledges from 12 clients and follows links from 4 until the
// server is killed — delay after the start, and then as soon as ready, if
// given, says so (or 10 seconds later) — and returns the acknowledged writes
// and a count of the other answers, and when the kill came.
func burst(ctx context.Context, srv *process, round int, actions []int64, area int64, links []faultOp,
	delay time.Duration, ready func() bool) ([]faultOp, map[string]int, time.Duration) {
	client := &http.Client{
		Timeout:       10 * time.Second,
		Transport:     &http.Transport{MaxIdleConnsPerHost: 16},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	var (
		mu       sync.Mutex
		acked    []faultOp
		failures = map[string]int{}
		next     int
		wg       sync.WaitGroup
	)
	record := func(op faultOp, failure string) {
		mu.Lock()
		defer mu.Unlock()
		if failure == "" {
			acked = append(acked, op)
		} else {
			failures[failure]++
		}
	}
	killed := make(chan struct{})
	began := time.Now()
	for w := range 12 {
		wg.Go(func() {
			for n := 0; ; n++ {
				select {
				case <-killed:
					return
				default:
				}
				p := ackedPledge{email: fmt.Sprintf("fault-%d-%d-%d@example.org", round, w, n), action: actions[(w+n)%len(actions)]}
				token, failure := postPledge(ctx, client, srv.base, p, area, round*1_000_000+w*10_000+n)
				record(faultOp{kind: "pledge", email: p.email, action: p.action, token: token}, failure)
			}
		})
	}
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-killed:
					return
				default:
				}
				mu.Lock()
				if next >= len(links) {
					mu.Unlock()
					return
				}
				op := links[next]
				next++
				mu.Unlock()
				record(op, followLink(ctx, client, srv.base, op))
			}
		})
	}
	time.Sleep(delay)
	for deadline := time.Now().Add(10 * time.Second); ready != nil && !ready() && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	srv.cmd.Process.Kill() // SIGKILL
	took := time.Since(began)
	close(killed)
	wg.Wait()
	srv.wait()
	return acked, failures, took
}

// followLink presses the button on a confirmation or "done" link's page,
// and returns "" when the server acknowledged it (a 303 onwards).
func followLink(ctx context.Context, client *http.Client, base string, op faultOp) string {
	u, form := base+"/confirm/"+op.token, url.Values{}
	if op.kind == "done" {
		u, form = base+"/report/"+op.token, url.Values{"outcome": {gs.OutcomeDone}}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		return err.Error()
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client.Do(req)
	if err != nil {
		return "transport error"
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return op.kind + " status " + strconv.Itoa(resp.StatusCode)
	}
	return ""
}

// queuedJobs lists the jobs waiting in the queue of a stopped server's
// database, read without changing the file: the restart must find its
// write-ahead log as the kill left it.
func queuedJobs(t *testing.T, db string) []int64 {
	t.Helper()
	raw := openRaw(t, db, "mode=ro")
	defer raw.Close()
	rows, err := raw.Query(`SELECT id FROM river_job WHERE state = 'available' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return ids
}

// waitForJobs waits until the jobs, waiting in the queue when the server
// was killed, have run since it was restarted, and returns how many there
// were.
func waitForJobs(t *testing.T, db string, ids []int64) int {
	t.Helper()
	if len(ids) == 0 {
		return 0
	}
	raw := openRaw(t, db, "mode=ro")
	defer raw.Close()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var notDone []string
		for _, id := range ids {
			var state string
			if err := raw.QueryRow(`SELECT state FROM river_job WHERE id = ?`, id).Scan(&state); err != nil {
				t.Fatalf("job %d: %v", id, err)
			}
			if state != "completed" {
				notDone = append(notDone, fmt.Sprintf("%d %s", id, state))
			}
		}
		if len(notDone) == 0 {
			return len(ids)
		}
		if time.Now().After(deadline) {
			t.Fatalf("jobs enqueued before the kill have not run since the restart: %v", notDone)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// wantAcknowledged checks that every acknowledged write is in the database.
func wantAcknowledged(t *testing.T, db string, acked []faultOp) {
	t.Helper()
	stored := storedCommitments(t, db)
	byID := map[int64]storedCommitment{}
	for _, c := range stored {
		byID[c.id] = c
	}
	lost := 0
	counts := map[string]int{}
	for _, op := range acked {
		counts[op.kind]++
		c, ok := byID[op.id]
		if op.kind == "pledge" {
			c, ok = stored[op.token]
		}
		switch {
		case !ok:
			lost++
			if lost <= 5 {
				t.Errorf("acknowledged pledge by %s is gone", op.email)
			}
		case c.email != op.email:
			t.Errorf("%s of %s: the pledge found is %s's", op.kind, op.email, c.email)
		case op.kind == "pledge" && c.action != op.action:
			t.Errorf("pledge by %s is to action %d, want %d", op.email, c.action, op.action)
		case op.kind == "confirm" && !c.confirmed:
			t.Errorf("the acknowledged confirmation of %s's pledge is lost: it is %s", op.email, c.status)
		case op.kind == "done" && c.status != gs.StatusDone:
			t.Errorf("the acknowledged report of %s's pledge as done is lost: it is %s", op.email, c.status)
		}
	}
	if lost > 0 {
		t.Errorf("%d acknowledged writes lost", lost)
	}
	t.Logf("acknowledged and found after the kills: %v", counts)
	if counts["confirm"] == 0 || counts["done"] == 0 {
		t.Errorf("acknowledged %v: the test made no status changes to check", counts)
	}
}

// rollupRows reads the rollups' rows that count anything, in order, as
// text.
func rollupRows(t *testing.T, db string) []string {
	t.Helper()
	raw := openRaw(t, db, "mode=ro")
	defer raw.Close()
	const counters = `made, confirmed, done, lapsed, withdrawn, due, kept, due_passed, kept_passed, people,
		micro_hours_pledged, micro_hours_delivered, in_progress, pledged, undated`
	var out []string
	for _, q := range []string{
		`SELECT 'day', campaign_id, series, series_key, day, ` + counters + ` FROM rollup_days ORDER BY 2, 3, 4, 5`,
		`SELECT 'total', campaign_id, series, series_key, '', ` + counters + ` FROM rollup_totals ORDER BY 2, 3, 4`,
	} {
		rows, err := raw.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var key [5]string
			var n [15]int64
			dest := []any{&key[0], &key[1], &key[2], &key[3], &key[4]}
			for i := range n {
				dest = append(dest, &n[i])
			}
			if err := rows.Scan(dest...); err != nil {
				t.Fatal(err)
			}
			if n != [15]int64{} {
				out = append(out, fmt.Sprint(key, n))
			}
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			t.Fatal(err)
		}
	}
	if len(out) == 0 {
		t.Fatal("the rollups count nothing")
	}
	return out
}

func firstRows(rows []string) []string { return rows[:min(len(rows), 5)] }

func wantIntegrityOK(t *testing.T, path string) {
	t.Helper()
	raw := openRaw(t, path, "")
	defer raw.Close()
	var res string
	if err := raw.QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
		t.Errorf("integrity check of %s: %q (%v)", filepath.Base(path), res, err)
	}
}

// openRaw opens a SQLite file directly, with URI parameters such as
// mode=ro.
func openRaw(t *testing.T, path, params string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?"+params)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// process is the server binary, running.
type process struct {
	cmd    *exec.Cmd
	base   string
	exited chan error
	once   sync.Once
	err    error
}

// startProcess runs the binary and waits until it is healthy. It is killed
// when the test ends, if it is still running.
func startProcess(t *testing.T, bin string, args ...string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(bin, args...), exited: make(chan error, 1)}
	p.cmd.Stderr = io.Discard
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.kill(); p.wait() })
	lines := bufio.NewScanner(stdout)
	for p.base == "" && lines.Scan() {
		if _, after, ok := strings.Cut(lines.Text(), " on http://"); ok {
			p.base = "http://" + after
		}
	}
	go func() {
		io.Copy(io.Discard, stdout)
		p.exited <- p.cmd.Wait()
	}()
	if p.base == "" {
		t.Fatalf("%s did not say where it serves: %v", strings.Join(args, " "), p.wait())
	}
	waitHealthy(t, p.base)
	return p
}

func (p *process) wait() error {
	p.once.Do(func() { p.err = <-p.exited })
	return p.err
}

// kill sends SIGKILL and waits for the process to end.
func (p *process) kill() {
	p.cmd.Process.Kill()
	p.wait()
}

// stop asks the server to stop, as systemd would, and checks that it did
// so cleanly.
func (p *process) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("the server stopped with %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not stop within 30 s of SIGTERM")
	}
}

// TestStorageFaultsAnswer503 fills the running server's database up, and
// then makes it read-only: pledges are answered 503 with a page that says
// nothing was saved, the cause is logged, /healthz reports it, the public
// pages still show, nothing stored before is harmed, and pledges are taken
// again once the fault is mended. The faults are made through the server's
// own write connection — PRAGMA max_page_count makes SQLite find the
// database full (SQLITE_FULL, as a full disk does) and PRAGMA query_only
// makes it refuse writes (SQLITE_READONLY, as a read-only file does) —
// because a full file system or a read-only file cannot be arranged for a
// test that may run as root.
func TestStorageFaultsAnswer503(t *testing.T) {
	for _, c := range []struct {
		name, cause   string
		make, mend    func(t *testing.T, w *sql.DB)
		logs, healthz string
	}{
		{
			name: "disk full",
			make: func(t *testing.T, w *sql.DB) {
				var pages int64
				mustExec(t, w.QueryRow(`PRAGMA page_count`).Scan(&pages))
				_, err := w.Exec(fmt.Sprintf(`PRAGMA max_page_count = %d`, pages))
				mustExec(t, err)
			},
			mend: func(t *testing.T, w *sql.DB) {
				_, err := w.Exec(`PRAGMA max_page_count = 1073741823`)
				mustExec(t, err)
			},
			logs:    "database or disk is full",
			healthz: "database cannot store anything: the disk is full",
		},
		{
			name: "read-only",
			make: func(t *testing.T, w *sql.DB) {
				_, err := w.Exec(`PRAGMA query_only = ON`)
				mustExec(t, err)
			},
			mend: func(t *testing.T, w *sql.DB) {
				_, err := w.Exec(`PRAGMA query_only = OFF`)
				mustExec(t, err)
			},
			logs:    "attempt to write a readonly database",
			healthz: "database cannot store anything: the database is read-only",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			db := filepath.Join(t.TempDir(), "fault.db")
			opened := make(chan *store.Store, 1)
			storeOpened = func(st *store.Store) { opened <- st }
			defer func() { storeOpened = nil }()
			slug, actions, area := seedInstallation(t, db)
			logs := &syncBuffer{}
			base, stop := startLogged(t, []string{"serve", "--db", db, "--addr", "127.0.0.1:0", "--limit-pledge-ip", "off"}, logs)
			defer stop()
			st := <-opened
			client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

			var acked []ackedPledge
			pledge := func(n int) string {
				p := ackedPledge{email: fmt.Sprintf("fault-%d@example.org", n), action: actions[n%len(actions)]}
				token, failure := postPledgeTo(ctx, client, base, slug, p, area, n)
				if failure == "" {
					p.token = token
					acked = append(acked, p)
				}
				return failure
			}
			for n := range 10 {
				if failure := pledge(n); failure != "" {
					t.Fatalf("pledge before the fault: %s", failure)
				}
			}

			c.make(t, st.WriteDB())
			// A full database may still take a few pledges in the room left
			// in its pages; one soon fails.
			n, failure := 10, ""
			for ; failure == "" && n < 5000; n++ {
				failure = pledge(n)
			}
			if failure != "status 503" {
				t.Fatalf("pledge into a database that cannot store it: %q after %d pledges, want status 503", failure, n)
			}
			res := postRaw(t, client, base, slug, actions[0], area, n+1)
			if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" ||
				!strings.Contains(res.body, "Sorry, the service is unavailable") || !strings.Contains(res.body, "has not been saved") {
				t.Errorf("pledge page during the fault: %d, Retry-After %q:\n%s", res.StatusCode, res.Header.Get("Retry-After"), res.body)
			}
			if !strings.Contains(logs.String(), c.logs) || !strings.Contains(logs.String(), "the database cannot store anything") {
				t.Errorf("the log does not give the cause (%q):\n%s", c.logs, lastLines(logs.String(), 10))
			}
			if code, body := get(t, base+"/healthz"); code != http.StatusServiceUnavailable || !strings.Contains(body, c.healthz) {
				t.Errorf("/healthz during the fault: %d %q, want 503 %q", code, body, c.healthz)
			}
			if code, _ := get(t, base+"/campaigns/"+slug); code != http.StatusOK {
				t.Errorf("campaign page during the fault: %d, want 200: reading needs no room", code)
			}

			// Nothing stored is harmed.
			for _, p := range acked {
				if rc, err := st.Receipt(ctx, p.token); err != nil || rc.Person.Email != p.email {
					t.Errorf("acknowledged pledge by %s after the fault: %v", p.email, err)
				}
			}
			wantIntegrityOK(t, db)

			c.mend(t, st.WriteDB())
			if failure := pledge(n + 2); failure != "" {
				t.Errorf("pledge once the fault is mended: %s", failure)
			}
			if code, body := get(t, base+"/healthz"); code != http.StatusOK {
				t.Errorf("/healthz once pledges are stored again: %d %q, want 200", code, body)
			}
			if err := stop(); err != nil {
				t.Errorf("the server stopped with %v", err)
			}
			t.Logf("%d pledges taken before the fault showed", len(acked))
		})
	}
}

// TestReadOnlyDatabaseFileAtStart: a server whose database file it may not
// write says so and does not start, and leaves the file as it was. (Root may
// write any file, so the test needs another user.)
func TestReadOnlyDatabaseFileAtStart(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root may write a read-only file")
	}
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "readonly.db")
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	mustExec(t, os.Chmod(db, 0o444))
	err = run(ctx, []string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, env(), nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), db+" cannot store anything: the database is read-only") {
		t.Fatalf("serving a read-only database file: %v, want a refusal that names the file and the cause", err)
	}
	mustExec(t, os.Chmod(db, 0o644))
	wantIntegrityOK(t, db)
}

// postPledgeTo is postPledge to the campaign with the slug.
func postPledgeTo(ctx context.Context, client *http.Client, base, slug string, p ackedPledge, area int64, n int) (string, string) {
	form := url.Values{"name": {"Fault " + strconv.Itoa(n)}, "email": {p.email}, "profession": {"Ward nurse"},
		"area_id": {strconv.FormatInt(area, 10)}, "why": {"It has to last."}, "submission": {"fault" + strconv.Itoa(n)}}
	u := fmt.Sprintf("%s/campaigns/%s/actions/%d/pledge", base, slug, p.action)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err.Error()
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client.Do(req)
	if err != nil {
		return "", "transport error"
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	token, ok := strings.CutPrefix(resp.Header.Get("Location"), "/pledges/")
	if resp.StatusCode != http.StatusSeeOther || !ok || token == "" {
		return "", "status " + strconv.Itoa(resp.StatusCode)
	}
	return token, ""
}

// seedInstallation makes a small installation with one live campaign (of
// two actions), rather than the demo's: loading the demo in a test process
// built with the race detector takes many seconds.
func seedInstallation(t *testing.T, db string) (slug string, actions []int64, area int64) {
	t.Helper()
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	f := storetest.Seed(t, st)
	for _, a := range f.Actions {
		actions = append(actions, a.ID)
	}
	return f.Campaign.Slug, actions, f.AreaID
}

func mustExec(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

type rawResponse struct {
	*http.Response
	body string
}

// postRaw posts a pledge form and returns the whole response.
func postRaw(t *testing.T, client *http.Client, base, slug string, action, area int64, n int) rawResponse {
	t.Helper()
	form := url.Values{"name": {"Fault " + strconv.Itoa(n)}, "email": {fmt.Sprintf("fault-raw-%d@example.org", n)},
		"profession": {"Ward nurse"}, "area_id": {strconv.FormatInt(area, 10)}, "why": {"It has to last."},
		"submission": {"fault-raw-" + strconv.Itoa(n)}}
	res, err := client.PostForm(fmt.Sprintf("%s/campaigns/%s/actions/%d/pledge", base, slug, action), form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return rawResponse{res, string(b)}
}

// startLogged is start with the program's log kept.
func startLogged(t *testing.T, args []string, logs io.Writer) (string, func() error) {
	t.Helper()
	return startWith(t, args, env(), logs)
}

// syncBuffer is a bytes.Buffer for one writer and one reader at a time.
type syncBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
