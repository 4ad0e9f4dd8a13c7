package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/groundswell-health/groundswell/webhook"
)

const webhookUsage = "usage: groundswell webhook listen --addr HOST:PORT (--secret whsec_… | --secret-file FILE) [--out FILE]"

// webhookCmd: groundswell webhook listen. A receiver for trying webhooks
// out, and for docs/API.md's walkthrough: it checks each delivery's
// signature with the endpoint's secret, writes the verified messages one a
// line, and refuses the rest (401, so Groundswell retries them).
//
// The secret may be given as a file read at every delivery, because an
// endpoint's secret is known only once the endpoint is registered — which
// needs the receiver's address first.
func webhookCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "listen" {
		return errors.New(webhookUsage)
	}
	fs := flag.NewFlagSet("webhook listen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8099", "address to listen on")
	secret := fs.String("secret", "", "the endpoint's signing secret, whsec_…")
	secretFile := fs.String("secret-file", "", "a file holding the secret, read at each delivery")
	outPath := fs.String("out", "", "append verified messages to this file (default: standard output)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if (*secret == "") == (*secretFile == "") {
		return errors.New("webhook listen: give --secret or --secret-file (one of them)")
	}
	out := stdout
	if *outPath != "" {
		f, err := os.OpenFile(*outPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return fmt.Errorf("webhook listen: %w", err)
		}
		defer f.Close()
		out = f
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("webhook listen: %w", err)
	}
	r := &receiver{out: out, log: stderr, secret: func() (string, error) {
		if *secretFile == "" {
			return *secret, nil
		}
		b, err := os.ReadFile(*secretFile)
		return strings.TrimSpace(string(b)), err
	}}
	srv := &http.Server{Handler: r, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "Listening for webhooks on http://%s\n", ln.Addr())
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

type receiver struct {
	mu     sync.Mutex
	out    io.Writer
	log    io.Writer
	secret func() (string, error)
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		fmt.Fprintln(w, "Groundswell webhook receiver: POST deliveries here.")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	secret, err := rc.secret()
	if err == nil {
		err = webhook.Verify(secret, r.Header, body)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if err != nil {
		fmt.Fprintf(rc.log, "refused %s: %v\n", r.Header.Get(webhook.HeaderID), err)
		http.Error(w, "signature not verified", http.StatusUnauthorized)
		return
	}
	fmt.Fprintf(rc.out, "%s %s\n", r.Header.Get(webhook.HeaderID), strings.TrimSpace(string(body)))
	w.WriteHeader(http.StatusNoContent)
}
