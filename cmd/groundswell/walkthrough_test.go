package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAPIWalkthroughScript runs scripts/api-walkthrough — docs/API.md's
// walkthrough, in curl — against the demo served by the real binary: it
// makes a token, registers a webhook, pledges a person the OSDI way, pages
// through the campaign's commitments and receives the signed webhook. So the
// documentation is checked against the code on every run.
func TestAPIWalkthroughScript(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server binary")
	}
	for _, tool := range []string{"bash", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is missing: scripts/test installs it", tool)
			}
			t.Skipf("%s is missing", tool)
		}
	}
	ctx := context.Background()
	dir := t.TempDir()
	bin := buildGroundswell(t, dir)
	db := filepath.Join(dir, "walkthrough.db")
	const password = "a long enough passphrase"
	if err := run(ctx, []string{"user", "add", "--organiser", "--email", "walker@example.org", "--name", "Wal Ker", "--db", db}, env(),
		strings.NewReader(password+"\n"), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}

	// The receiver is on localhost, so the server's public address must be
	// a localhost one too (webhook deliveries to localhost need it).
	addr := freeAddr(t)
	base := "http://" + addr
	server := exec.Command(bin, "demo", "--db", db, "--addr", addr, "--base-url", base)
	server.Stderr = io.Discard
	stdout, err := server.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	t.Cleanup(func() {
		server.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			server.Process.Kill()
			<-exited
		}
	})
	go func() {
		io.Copy(io.Discard, bufio.NewReader(stdout))
		exited <- server.Wait()
	}()
	waitHealthy(t, base)

	script, err := filepath.Abs("../../scripts/api-walkthrough")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", script)
	cmd.Env = append(os.Environ(), "GS="+base, "GS_EMAIL=walker@example.org", "GS_PASSWORD="+password,
		"GROUNDSWELL="+bin, "GS_LISTEN="+freeAddr(t))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the walkthrough failed: %v\n%s", err, out)
	}
	for _, want := range []string{"token gsk_", "registered http://", "read back: Wanda Walker", "commitments in", "Done:"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the walkthrough's output lacks %q:\n%s", want, out)
		}
	}
}

// freeAddr is a localhost address with a port free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
