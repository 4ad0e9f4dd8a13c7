// Command pledgeload drives the public pledge form of a running Groundswell
// server with concurrent clients and reports throughput and latency. It uses
// the standard library only.
//
// Against a server (the demo data has a live campaign, the-right-care):
//
//	groundswell demo --db /tmp/load.db --addr 127.0.0.1:8181 &
//	pledgeload --url http://127.0.0.1:8181 --clients 64 --duration 10s
//
// The physical reference, a bare net/http handler that reads the same form and
// answers 303, loaded by the same client code:
//
//	pledgeload --bare --clients 64 --duration 10s                # handler in this process
//	pledgeload --serve-bare 127.0.0.1:8182 &                     # or in a process of its own
//	pledgeload --bare --url http://127.0.0.1:8182 --clients 64 --duration 10s
//
// Each request is a new pledge: a unique email (load-<run>-<n>@example.org)
// and a unique submission key. Redirects are not followed: a 303 to
// /pledges/… is an acknowledged pledge. Every other answer is counted as an
// error by status.
//
// The server takes no form sent back sooner than a person could fill it in
// (--min-fill-time, 3s by default). So, as a browser would, pledgeload first
// opens the pledge form, keeps the signed time it was shown, and waits
// --fill-time before the run starts; every request then carries that time.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "pledgeload:", err)
		}
		os.Exit(1)
	}
}

type config struct {
	url       string
	clients   int
	duration  time.Duration
	requests  int
	campaign  string
	actions   string
	area      int64
	bare      bool
	serveBare string
	timeout   time.Duration
	fillTime  time.Duration
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c config
	fs := flag.NewFlagSet("pledgeload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.url, "url", "", "base URL of a running server, e.g. http://127.0.0.1:8181")
	fs.IntVar(&c.clients, "clients", 64, "concurrent clients, each with its own keep-alive connection")
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "how long to send requests (ignored when --requests is set)")
	fs.IntVar(&c.requests, "requests", 0, "send exactly this many requests instead of running for --duration")
	fs.StringVar(&c.campaign, "campaign", "the-right-care", "slug of a live campaign")
	fs.StringVar(&c.actions, "actions", "", "comma-separated action IDs to pledge to (default: found on the campaign's group pages)")
	fs.Int64Var(&c.area, "area", 0, "area_id to send (default: the first area offered by a pledge form)")
	fs.BoolVar(&c.bare, "bare", false, "load a bare net/http handler: started in this process, or at --url if given (see --serve-bare)")
	fs.StringVar(&c.serveBare, "serve-bare", "", "only serve the bare handler on this address until interrupted")
	fs.DurationVar(&c.timeout, "timeout", 30*time.Second, "per-request timeout")
	fs.DurationVar(&c.fillTime, "fill-time", 3*time.Second, "how long to wait after opening the pledge form before sending it: at least the server's --min-fill-time")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if c.serveBare != "" {
		return serveBare(ctx, c.serveBare, stdout)
	}
	if c.clients < 1 {
		return errors.New("--clients must be at least 1")
	}
	if c.requests <= 0 && c.duration <= 0 {
		return errors.New("give a positive --duration or --requests")
	}

	client := newClient(c.clients, c.timeout)
	var target targetInfo
	switch {
	case c.bare && c.url == "":
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		srv := &http.Server{Handler: bareHandler(), ReadHeaderTimeout: 10 * time.Second}
		go srv.Serve(ln)
		defer srv.Close()
		c.url = "http://" + ln.Addr().String()
		target = targetInfo{actions: []int64{1}, area: 1}
	case c.bare:
		target = targetInfo{actions: []int64{1}, area: 1}
	case c.url == "":
		return errors.New("give --url of a running server, or --bare")
	default:
		var err error
		if target, err = discover(ctx, client, c); err != nil {
			return err
		}
		// The time a person takes to fill the form in, before the clock
		// starts.
		select {
		case <-time.After(c.fillTime):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	c.url = strings.TrimRight(c.url, "/")

	mode := "pledge"
	if c.bare {
		mode = "bare"
	}
	fmt.Fprintf(stdout, "pledgeload: %s mode, %s, %d clients, ", mode, c.url, c.clients)
	if c.requests > 0 {
		fmt.Fprintf(stdout, "%d requests", c.requests)
	} else {
		fmt.Fprintf(stdout, "%s", c.duration)
	}
	fmt.Fprintf(stdout, ", campaign %s, actions %v, area %d, GOMAXPROCS %d\n", c.campaign, target.actions, target.area, runtime.GOMAXPROCS(0))

	res := load(ctx, client, c, target)
	res.print(stdout)
	if res.ok == 0 {
		return errors.New("no request succeeded")
	}
	return nil
}

func newClient(clients int, timeout time.Duration) *http.Client {
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        clients * 2,
		MaxIdleConnsPerHost: clients * 2,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		// A 303 to the receipt is the answer we measure; do not fetch the
		// receipt page.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// targetInfo is what a pledge needs from the server's pages.
type targetInfo struct {
	actions []int64
	area    int64
	// started is the signed time the pledge form was shown, which the
	// server checks was long enough ago for a person to have filled it in.
	started string
}

var (
	groupLink  = regexp.MustCompile(`href="(/campaigns/[^"/]+/groups/[^"/]+)"`)
	pledgeLink = regexp.MustCompile(`/campaigns/[^"/]+/actions/([0-9]+)/pledge`)
	areaSelect = regexp.MustCompile(`(?s)<select[^>]*name="area_id"[^>]*>(.*?)</select>`)
	startedVal = regexp.MustCompile(`name="started" value="([^"]*)"`)
	optionVal  = regexp.MustCompile(`<option value="([0-9]+)"`)
)

// discover finds live actions on the campaign's group pages and an area from
// a pledge form, unless --actions and --area name them.
func discover(ctx context.Context, client *http.Client, c config) (targetInfo, error) {
	var t targetInfo
	base := strings.TrimRight(c.url, "/")
	if c.actions != "" {
		for f := range strings.SplitSeq(c.actions, ",") {
			id, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
			if err != nil || id <= 0 {
				return t, fmt.Errorf("--actions: %q is not an action ID", f)
			}
			t.actions = append(t.actions, id)
		}
	} else {
		page, err := get(ctx, client, base+"/campaigns/"+url.PathEscape(c.campaign))
		if err != nil {
			return t, err
		}
		seen := map[int64]bool{}
		for _, m := range groupLink.FindAllStringSubmatch(page, -1) {
			gp, err := get(ctx, client, base+m[1])
			if err != nil {
				return t, err
			}
			for _, a := range pledgeLink.FindAllStringSubmatch(gp, -1) {
				id, _ := strconv.ParseInt(a[1], 10, 64)
				if !seen[id] {
					seen[id] = true
					t.actions = append(t.actions, id)
				}
			}
		}
		if len(t.actions) == 0 {
			return t, fmt.Errorf("found no pledge links on the group pages of campaign %q", c.campaign)
		}
	}
	// Open the form, as a browser would: its signed time, and an area.
	form, err := get(ctx, client, fmt.Sprintf("%s/campaigns/%s/actions/%d/pledge", base, url.PathEscape(c.campaign), t.actions[0]))
	if err != nil {
		return t, err
	}
	if m := startedVal.FindStringSubmatch(form); m != nil {
		t.started = m[1]
	}
	t.area = c.area
	if t.area == 0 {
		sel := areaSelect.FindStringSubmatch(form)
		if sel == nil {
			return t, errors.New("the pledge form has no area_id select")
		}
		opt := optionVal.FindStringSubmatch(sel[1])
		if opt == nil {
			return t, errors.New("the pledge form offers no area")
		}
		t.area, _ = strconv.ParseInt(opt[1], 10, 64)
	}
	return t, nil
}

func get(ctx context.Context, client *http.Client, u string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return string(b), nil
}

// result is what a run measured.
type result struct {
	elapsed   time.Duration
	requests  int
	ok        int
	errors    map[string]int
	example   error           // one transport error, to say what went wrong
	latencies []time.Duration // of every request, successful or not
}

// worker is one client's tally, merged at the end.
type worker struct {
	ok        int
	errors    map[string]int
	example   error
	latencies []time.Duration
}

func load(ctx context.Context, client *http.Client, c config, t targetInfo) result {
	runID := randomHex(4)
	var seq atomic.Int64
	var deadline time.Time
	if c.requests <= 0 {
		deadline = time.Now().Add(c.duration)
	}
	workers := make([]worker, c.clients)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		wg.Go(func() {
			wk := &workers[w]
			wk.errors = map[string]int{}
			buf := make([]byte, 32<<10)
			for ctx.Err() == nil {
				n := seq.Add(1)
				if c.requests > 0 && n > int64(c.requests) {
					return
				}
				if c.requests <= 0 && !time.Now().Before(deadline) {
					return
				}
				action := t.actions[int(n)%len(t.actions)]
				form := url.Values{
					"name":         {"Load Test " + strconv.FormatInt(n, 10)},
					"email":        {fmt.Sprintf("load-%s-%d@example.org", runID, n)},
					"profession":   {"Ward nurse"},
					"area_id":      {strconv.FormatInt(t.area, 10)},
					"why":          {"Because people with dementia deserve the right care."},
					"show_on_wall": {"yes"},
					"submission":   {fmt.Sprintf("load%s%d", runID, n)},
					"started":      {t.started},
				}
				u := fmt.Sprintf("%s/campaigns/%s/actions/%d/pledge", c.url, url.PathEscape(c.campaign), action)
				t0 := time.Now()
				status, err := post(ctx, client, u, form.Encode(), buf)
				wk.latencies = append(wk.latencies, time.Since(t0))
				if status == "303" {
					wk.ok++
				} else {
					wk.errors[status]++
				}
				if err != nil && wk.example == nil {
					wk.example = err
				}
			}
		})
	}
	wg.Wait()
	res := result{elapsed: time.Since(start), errors: map[string]int{}}
	for _, wk := range workers {
		res.ok += wk.ok
		if res.example == nil {
			res.example = wk.example
		}
		for k, v := range wk.errors {
			res.errors[k] += v
		}
		res.latencies = append(res.latencies, wk.latencies...)
	}
	res.requests = len(res.latencies)
	return res
}

// post sends one form and returns "303" for an acknowledged pledge, else the
// status code or a short description of the failure, with the error if the
// request failed below HTTP.
func post(ctx context.Context, client *http.Client, u, body string, buf []byte) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(body))
	if err != nil {
		return "bad request", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client.Do(req)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return "timeout", err
		}
		return "transport error", err
	}
	// Drain the body so the connection is reused.
	_, err = io.CopyBuffer(io.Discard, resp.Body, buf)
	resp.Body.Close()
	if err != nil {
		return "reading body", err
	}
	if resp.StatusCode == http.StatusSeeOther {
		if loc := resp.Header.Get("Location"); strings.HasPrefix(loc, "/pledges/") {
			return "303", nil
		}
		return "303 elsewhere", nil
	}
	return strconv.Itoa(resp.StatusCode), nil
}

func (r result) print(w io.Writer) {
	secs := r.elapsed.Seconds()
	fmt.Fprintf(w, "requests:   %d in %.2fs\n", r.requests, secs)
	fmt.Fprintf(w, "successes:  %d (303 to /pledges/…)\n", r.ok)
	if len(r.errors) == 0 {
		fmt.Fprintln(w, "errors:     none")
	} else {
		keys := make([]string, 0, len(r.errors))
		for k := range r.errors {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		fmt.Fprint(w, "errors:    ")
		for _, k := range keys {
			fmt.Fprintf(w, " %s×%d", k, r.errors[k])
		}
		fmt.Fprintln(w)
		if r.example != nil {
			fmt.Fprintf(w, "            e.g. %v\n", r.example)
		}
	}
	fmt.Fprintf(w, "throughput: %.0f successes/s (%.0f requests/s)\n", float64(r.ok)/secs, float64(r.requests)/secs)
	if len(r.latencies) == 0 {
		return
	}
	slices.Sort(r.latencies)
	fmt.Fprintf(w, "latency:    p50 %s  p90 %s  p99 %s  max %s\n",
		fmtDur(percentile(r.latencies, 50)), fmtDur(percentile(r.latencies, 90)),
		fmtDur(percentile(r.latencies, 99)), fmtDur(r.latencies[len(r.latencies)-1]))
}

// percentile of sorted durations, nearest rank.
func percentile(sorted []time.Duration, p float64) time.Duration {
	i := int(float64(len(sorted))*p/100+0.5) - 1
	i = max(0, min(i, len(sorted)-1))
	return sorted[i]
}

func fmtDur(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + "ms"
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// bareHandler is the physical reference: it reads the pledge form the way
// the real handler does (bounded body, ParseForm) and answers 303 to a
// receipt address, with no database and no templates.
func bareHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /campaigns/{slug}/actions/{action}/pledge", func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if err := r.ParseForm(); err != nil || r.PostForm.Get("email") == "" {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		http.Redirect(w, r, "/pledges/"+randomHex(16), http.StatusSeeOther)
	})
	return mux
}

func serveBare(ctx context.Context, addr string, stdout io.Writer) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: bareHandler(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "pledgeload: bare handler on http://%s\n", ln.Addr())
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
