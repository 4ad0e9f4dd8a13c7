package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
)

// liveDemoCampaign is the demo's campaign that takes pledges.
const liveDemoCampaign = "the-right-care"

// ackedPledge is a pledge the server acknowledged: a 303 to its receipt.
type ackedPledge struct {
	email  string
	action int64
	token  string
}

// TestAcknowledgedPledgesSurviveKill9 runs the real binary, sends it pledges
// from concurrent clients, and kills it with SIGKILL while pledges are still
// arriving. Every pledge the server answered with a 303 must then be in the
// database: the server acknowledges a pledge only after the transaction that
// stores it has committed (WAL, synchronous=NORMAL: the commit is in the
// operating system's hands, which a killed process cannot undo).
func TestAcknowledgedPledgesSurviveKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server binary")
	}
	ctx := context.Background()
	dir := t.TempDir()
	bin := buildGroundswell(t, dir)
	db := filepath.Join(dir, "durability.db")

	cmd := exec.Command(bin, "demo", "--db", db, "--addr", "127.0.0.1:0", "--min-fill-time", "1s")
	cmd.Stderr = io.Discard
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	base := ""
	lines := bufio.NewScanner(stdout)
	for base == "" && lines.Scan() {
		if _, after, ok := strings.Cut(lines.Text(), " on http://"); ok {
			base = "http://" + after
		}
	}
	go func() {
		io.Copy(io.Discard, stdout)
		exited <- cmd.Wait()
	}()
	if base == "" {
		t.Fatal("the server did not say where it serves")
	}
	waitHealthy(t, base)
	actions, area := pledgeTargets(t, db)
	started := formStarted(t, base, actions[0], time.Second)

	// Clients post pledges until 200 are acknowledged; then the server is
	// killed while they are still posting.
	const clients, wantAcked, maxRequests = 16, 200, 5000
	client := &http.Client{
		Timeout:       10 * time.Second,
		Transport:     &http.Transport{MaxIdleConnsPerHost: clients},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	var (
		mu       sync.Mutex
		acked    []ackedPledge
		sent     int
		failures = map[string]int{}
		killOnce sync.Once
		killed   = make(chan struct{})
	)
	kill := func() {
		killOnce.Do(func() {
			if err := cmd.Process.Kill(); err != nil { // SIGKILL on Unix
				t.Errorf("kill: %v", err)
			}
			close(killed)
		})
	}
	var wg sync.WaitGroup
	for w := range clients {
		wg.Go(func() {
			for {
				select {
				case <-killed:
					return
				default:
				}
				mu.Lock()
				n := sent
				sent++
				mu.Unlock()
				if n >= maxRequests {
					return
				}
				p := ackedPledge{email: fmt.Sprintf("durable-%d-%d@example.org", w, n), action: actions[n%len(actions)]}
				token, failure := postPledgeStarted(ctx, client, base, p, area, n, started)
				mu.Lock()
				if failure == "" {
					p.token = token
					acked = append(acked, p)
				} else {
					failures[failure]++
				}
				enough := len(acked) >= wantAcked
				mu.Unlock()
				if enough {
					kill()
				}
			}
		})
	}
	wg.Wait()
	kill()
	err = <-exited
	exited <- err // for the cleanup
	if err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("the server was not killed: %v", err)
	}
	t.Logf("%d requests, %d acknowledged before the kill; others: %v", sent, len(acked), failures)
	if len(acked) < wantAcked {
		t.Fatalf("only %d pledges acknowledged, want at least %d", len(acked), wantAcked)
	}
	if fi, err := os.Stat(db + "-wal"); err == nil {
		t.Logf("write-ahead log left by the killed server: %d bytes", fi.Size())
	}

	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer st.Close()
	lost := 0
	for _, p := range acked {
		rc, err := st.Receipt(ctx, p.token)
		switch {
		case err != nil:
			lost++
			if lost <= 5 {
				t.Errorf("acknowledged pledge by %s (receipt %s) is gone: %v", p.email, p.token, err)
			}
		case rc.Person.Email != p.email || rc.Commitment.ActionID != p.action || rc.Commitment.Status != gs.StatusPledged:
			t.Errorf("receipt %s is %s's %s pledge to action %d, want %s's to action %d",
				p.token, rc.Person.Email, rc.Commitment.Status, rc.Commitment.ActionID, p.email, p.action)
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d acknowledged pledges lost", lost, len(acked))
	}
}

// buildGroundswell builds this command into dir.
func buildGroundswell(t *testing.T, dir string) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command to build the server: %v", err)
	}
	bin := filepath.Join(dir, "groundswell")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, goBin, "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// pledgeTargets reads, from the database the server has loaded the demo
// into, the live campaign's actions and an area to pledge from. (SQLite lets
// a second process open the file while the server runs.)
func pledgeTargets(t *testing.T, db string) ([]int64, int64) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := st.CampaignBySlug(ctx, liveDemoCampaign)
	if err != nil {
		t.Fatal(err)
	}
	groups, err := st.Groups(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var actions []int64
	for _, g := range groups {
		as, err := st.Actions(ctx, g.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range as {
			actions = append(actions, a.ID)
		}
	}
	areas, err := st.Areas(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range areas {
		if a.Kind == "region" {
			return actions, a.ID
		}
	}
	t.Fatal("the demo data has no region")
	return nil, 0
}

func waitHealthy(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server is not healthy: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// formStarted opens a pledge form, as a browser would, and returns the
// signed time it was shown (web/formguard.go), once minFill has passed: the
// server takes no form sent back sooner. Every client sends this one.
func formStarted(t *testing.T, base string, action int64, minFill time.Duration) string {
	t.Helper()
	code, body := get(t, fmt.Sprintf("%s/campaigns/%s/actions/%d/pledge", base, liveDemoCampaign, action))
	m := regexp.MustCompile(`name="started" value="([^"]+)"`).FindStringSubmatch(body)
	if code != http.StatusOK || m == nil {
		t.Fatalf("the pledge form (%d) has no signed time", code)
	}
	time.Sleep(minFill)
	return m[1]
}

// postPledge sends one pledge form. It returns the receipt token when the
// server acknowledged the pledge (303 to /pledges/…), else what happened.
func postPledge(ctx context.Context, client *http.Client, base string, p ackedPledge, area int64, n int) (string, string) {
	return postPledgeStarted(ctx, client, base, p, area, n, "")
}

// postPledgeStarted is postPledge with the signed time its form was shown,
// for a server that checks it.
func postPledgeStarted(ctx context.Context, client *http.Client, base string, p ackedPledge, area int64, n int, started string) (string, string) {
	form := url.Values{
		"started":      {started},
		"name":         {"Durable " + strconv.Itoa(n)},
		"email":        {p.email},
		"profession":   {"Ward nurse"},
		"area_id":      {strconv.FormatInt(area, 10)},
		"why":          {"It has to last."},
		"show_on_wall": {"yes"},
		"submission":   {"durable" + strconv.Itoa(n)},
	}
	u := fmt.Sprintf("%s/campaigns/%s/actions/%d/pledge", base, liveDemoCampaign, p.action)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err.Error()
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			return "", "transport error"
		}
		return "", err.Error()
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	token, ok := strings.CutPrefix(resp.Header.Get("Location"), "/pledges/")
	if resp.StatusCode != http.StatusSeeOther || !ok || token == "" {
		return "", "status " + strconv.Itoa(resp.StatusCode)
	}
	return token, ""
}
