// Command pageload measures how fast a running Groundswell server renders
// pages: it requests each path N times from C clients and prints the
// latency percentiles per path, with /healthz (a handler that does nothing)
// measured in the same run as the baseline. Given the server's process id it
// also reports the server's resident memory after the run.
//
//	go run ./cmd/pageload --base http://127.0.0.1:8080 --n 50 --clients 2 \
//	    --pid $(pgrep -f 'groundswell serve') /campaigns/scale-test/dashboard
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "pageload:", err)
		}
		os.Exit(2)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("pageload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("base", "http://127.0.0.1:8080", "the server's address")
	n := fs.Int("n", 50, "requests per path")
	clients := fs.Int("clients", 1, "concurrent clients")
	pid := fs.Int("pid", 0, "the server's process id, to report its resident memory (Linux)")
	token := fs.String("token", "", "an API token, sent as Authorization: Bearer (for /api/v1 paths)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	paths := append([]string{"/healthz"}, fs.Args()...)
	if len(paths) == 1 {
		return errors.New("give at least one path to measure")
	}
	client := &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: *clients}}
	fmt.Fprintf(stdout, "%-52s %6s %9s %9s %9s %9s\n", "path", "n", "p50", "p90", "p99", "max")
	for _, p := range paths {
		lat, err := measure(ctx, client, *base+p, *token, *n, *clients)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		slices.Sort(lat)
		fmt.Fprintf(stdout, "%-52s %6d %9s %9s %9s %9s\n", p, len(lat), ms(pct(lat, 50)), ms(pct(lat, 90)), ms(pct(lat, 99)), ms(lat[len(lat)-1]))
	}
	if *pid != 0 {
		status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", *pid))
		if err != nil {
			return fmt.Errorf("read the server's memory: %w", err)
		}
		for _, line := range strings.Split(string(status), "\n") {
			if strings.HasPrefix(line, "VmRSS:") || strings.HasPrefix(line, "VmHWM:") {
				fmt.Fprintln(stdout, "server", strings.Join(strings.Fields(line), " "))
			}
		}
	}
	return nil
}

// measure requests u n times from clients goroutines; any answer but 200
// is an error, so a broken page cannot look fast.
func measure(ctx context.Context, client *http.Client, u, token string, n, clients int) ([]time.Duration, error) {
	var (
		mu   sync.Mutex
		lat  []time.Duration
		errs []error
		wg   sync.WaitGroup
	)
	next := make(chan struct{}, n)
	for range n {
		next <- struct{}{}
	}
	close(next)
	for range max(clients, 1) {
		wg.Go(func() {
			for range next {
				start := time.Now()
				err := get(ctx, client, u, token)
				d := time.Since(start)
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				} else {
					lat = append(lat, d)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(errs) > 0 {
		return nil, errs[0]
	}
	return lat, nil
}

func get(ctx context.Context, client *http.Client, u, token string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if _, err := io.Copy(io.Discard, res.Body); err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", res.StatusCode)
	}
	return nil
}

func pct(sorted []time.Duration, p float64) time.Duration {
	i := int(float64(len(sorted)-1) * p / 100)
	return sorted[i]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }
