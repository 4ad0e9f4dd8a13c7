// Package e2e holds Groundswell's end-to-end tests: the real web app, on a
// real SQLite store loaded with the demo data, driven through headless
// Chromium.
//
// The browser is the one named by GROUNDSWELL_CHROMIUM (scripts/test sets it
// to Debian's /usr/bin/chromium). Without it the browser tests skip, except
// under CI=true, where a missing browser is a failure.
package e2e

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/groundswell-health/groundswell/followup"
	"github.com/groundswell-health/groundswell/jobs"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
	"github.com/groundswell-health/groundswell/web"
)

// chromiumEnv names the environment variable with the Chromium binary's path.
const chromiumEnv = "GROUNDSWELL_CHROMIUM"

// chromiumPath returns the Chromium binary the browser tests drive.
func chromiumPath(tb testing.TB) string {
	tb.Helper()
	return serviceEnv(tb, chromiumEnv, "the browser tests", "set it to Chromium's path, e.g. /usr/bin/chromium")
}

// serviceEnv returns the value of the environment variable name, which
// points the tests (what) at a service. When it is unset the test skips,
// unless CI=true: a service missing under CI is a failure, never a skip.
// hint says how to set it.
func serviceEnv(tb testing.TB, name, what, hint string) string {
	tb.Helper()
	if v := os.Getenv(name); v != "" {
		return v
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("%s is not set and CI=true: %s must run under CI (scripts/test sets it)", name, what)
	}
	tb.Skipf("%s is not set: skipping %s (%s)", name, what, hint)
	return ""
}

// chromiumOptions are how every browser test starts Chromium: headless, on
// a fresh profile, and quiet on a machine with no network beyond loopback
// (without the background-networking flags Chromium's own connections are
// refused, many at a time). extra are added to them.
func chromiumOptions(t *testing.T, execPath string, extra ...chromedp.ExecAllocatorOption) []chromedp.ExecAllocatorOption {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(execPath),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.NoSandbox, // CI runs as root, where the sandbox cannot start
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
	)
	return append(opts, extra...)
}

// browser is one headless Chromium tab, and what the page wrote to its
// console.
type browser struct {
	ctx context.Context

	mu      sync.Mutex
	console []chromedp.ConsoleMessage
}

// newBrowser starts headless Chromium with a fresh profile and opens a tab.
// Everything the test does in it must finish within timeout. The browser is
// closed when the test ends.
func newBrowser(t *testing.T, timeout time.Duration) *browser {
	t.Helper()
	execPath := chromiumPath(t)
	opts := chromiumOptions(t, execPath, chromedp.WindowSize(1280, 1024))
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc() // waits for the browser process to exit
		cancel()
	})
	// The first action starts the browser.
	if err := chromedp.Do(tabCtx); err != nil {
		t.Fatalf("start %s: %v", execPath, err)
	}
	b := &browser{ctx: tabCtx}
	messages := chromedp.Console(tabCtx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.console = append(b.console, m)
			b.mu.Unlock()
		}
	}()
	return b
}

// problems returns the console's errors, warnings and uncaught exceptions so
// far: a script that failed, or a resource the Content-Security-Policy blocked.
// Messages that contain one of expected are left out, such as the network
// error Chromium logs for a form answered with 422 on purpose.
func (b *browser) problems(expected ...string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
next:
	for _, m := range b.console {
		if !m.IsException() && m.Type != chromedp.ConsoleError && m.Type != chromedp.ConsoleWarning {
			continue
		}
		for _, e := range expected {
			if strings.Contains(m.Text, e) {
				continue next
			}
		}
		out = append(out, fmt.Sprintf("%s (%s:%d)", m, m.URL, m.Line+1))
	}
	return out
}

// do runs steps that return nothing, failing the test with what on error.
func (b *browser) do(t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		t.Fatalf("%s: %v%s", what, err, b.where())
	}
}

// load runs steps that load a page (a click on a link, a form's submit
// button) and waits for it; the page must answer with status want.
func (b *browser) load(t *testing.T, what string, want int64, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, steps...)
	if err != nil {
		t.Fatalf("%s: %v%s", what, err, b.where())
	}
	b.checkStatus(t, what, resp, want)
}

// open navigates to url; the page must answer with status want.
func (b *browser) open(t *testing.T, url string, want int64) {
	t.Helper()
	resp, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(url))
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	b.checkStatus(t, "open "+url, resp, want)
}

func (b *browser) checkStatus(t *testing.T, what string, resp *network.Response, want int64) {
	t.Helper()
	if resp == nil {
		t.Fatalf("%s: no response%s", what, b.where())
	}
	if resp.Status != want {
		t.Fatalf("%s: %s answered %d %s, want %d%s", what, resp.URL, resp.Status, resp.StatusText, want, b.where())
	}
}

// value runs an action that returns a string.
func (b *browser) value(t *testing.T, what string, a chromedp.Action[string]) string {
	t.Helper()
	v, err := chromedp.Run(b.ctx, a)
	if err != nil {
		t.Fatalf("%s: %v%s", what, err, b.where())
	}
	return v
}

// location is the address of the page the tab shows.
func (b *browser) location(t *testing.T) string {
	t.Helper()
	return b.value(t, "read location", chromedp.Location())
}

// text is the visible text of the first element that sel matches.
func (b *browser) text(t *testing.T, sel chromedp.CSS) string {
	t.Helper()
	return b.value(t, "read text of "+string(sel), chromedp.Text(sel, chromedp.NodeVisible))
}

// where describes the page the tab shows, for a failure message. It has its
// own short timeout, so that it answers even after the test's has run out.
func (b *browser) where() string {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(b.ctx), 3*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return ""
	}
	body, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	if len(body) > 1500 {
		body = body[:1500] + "…"
	}
	return fmt.Sprintf("\n  page: %s\n  main: %s", loc, strings.Join(strings.Fields(body), " "))
}

// optionValue returns the value of the option of select #id whose visible
// label is label, to choose it as a person reading the list would.
func (b *browser) optionValue(t *testing.T, id, label string) string {
	t.Helper()
	xpath := fmt.Sprintf(`//select[@id=%q]/option[normalize-space()=%q]`, id, label)
	res, err := chromedp.Run(b.ctx, chromedp.AttributeValue(xpath, "value"))
	if err != nil {
		t.Fatalf("find option %q of #%s: %v%s", label, id, err, b.where())
	}
	if !res.Exists || res.Value == "" {
		t.Fatalf("option %q of #%s has no value", label, id)
	}
	return res.Value
}

// checked reports whether the checkbox #id is ticked.
func (b *browser) checked(t *testing.T, id string) bool {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.JavascriptAttribute[bool](chromedp.ID(id), "checked"))
	if err != nil {
		t.Fatalf("read checkbox #%s: %v%s", id, err, b.where())
	}
	return v
}

// artifactsEnv names the folder the browser tests save what a person may
// want to look at after a run: screenshots, printed pages and the
// accessibility report. The default is artifacts/accessibility at the top
// of the repository (the README names it).
const artifactsEnv = "GROUNDSWELL_ARTIFACTS"

// artifactsDir returns the folder for sub (created), under
// GROUNDSWELL_ARTIFACTS or the repository's artifacts/accessibility.
func artifactsDir(tb testing.TB, sub string) string {
	tb.Helper()
	root := os.Getenv(artifactsEnv)
	if root == "" {
		// Tests run in the package's folder, one below the repository's top.
		root = filepath.Join("..", "artifacts", "accessibility")
	}
	dir, err := filepath.Abs(filepath.Join(root, sub))
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatalf("make the artefacts folder: %v", err)
	}
	return dir
}

// TestMain removes the demo template the tests copy (storetest.OpenDemo)
// when they have all run.
func TestMain(m *testing.M) {
	code := m.Run()
	storetest.RemoveDemoTemplate()
	os.Exit(code)
}

// startApp serves the web app on st and returns its address. With mail,
// emails go through the real job queue into the store's outbox, with links
// to the app.
func startApp(t *testing.T, st *store.Store, mail bool) string {
	t.Helper()
	ctx := t.Context()
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	// The address is needed before the app exists: the emails' links
	// point at it.
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()
	// The zero Privacy options leave the forms' minimum fill time off: the
	// keys are pressed faster than a person presses them.
	opts := web.Options{Store: st, PasswordCost: 4, Logger: logger}
	if mail {
		if err := jobs.Migrate(ctx, st.WriteDB(), st.Dialect()); err != nil {
			t.Fatalf("migrate the job queue: %v", err)
		}
		fu := followup.New(st, nil, followup.Config{BaseURL: base, Logger: logger})
		q, err := jobs.New(st.WriteDB(), st.Dialect(), jobs.Config{Kinds: append(fu.Kinds(), fu.AccessKinds()...), Logger: logger})
		if err != nil {
			t.Fatalf("jobs.New: %v", err)
		}
		if err := q.Start(ctx); err != nil {
			t.Fatalf("start the job queue: %v", err)
		}
		t.Cleanup(func() {
			if err := q.Stop(context.Background()); err != nil {
				t.Errorf("stop the job queue: %v", err)
			}
		})
		opts.Mailer = followup.NewMailer(q)
	}
	app, err := web.New(opts)
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	ts.Config.Handler = app
	ts.Start()
	t.Cleanup(ts.Close)
	if ts.URL != base {
		t.Fatalf("the server is at %s, not %s as the emails say", ts.URL, base)
	}
	return base
}
