package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/api"
	"github.com/groundswell-health/groundswell/followup"
	"github.com/groundswell-health/groundswell/jobs"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
	"github.com/groundswell-health/groundswell/web"
)

// rendered records every page template any test rendered; TestMain fails the
// run if one was never rendered, so a new page cannot go untested.
var (
	renderedMu sync.Mutex
	rendered   = map[string]bool{}
	allPages   []string
)

func TestMain(m *testing.M) {
	code := m.Run()
	web.CloseSharedDemo()
	if code == 0 && !testing.Short() && flagRunAll() {
		var missing []string
		for _, name := range allPages {
			if !rendered[name] {
				missing = append(missing, name)
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			os.Stderr.WriteString("pages no test rendered: " + strings.Join(missing, ", ") + "\n")
			code = 1
		}
	}
	os.Exit(code)
}

// flagRunAll reports whether the whole suite ran (no -run filter), the only
// case in which the coverage of pages can be judged.
func flagRunAll() bool {
	for _, a := range os.Args {
		if strings.HasPrefix(a, "-test.run") {
			return false
		}
	}
	return true
}

type harness struct {
	server  *web.Server
	baseURL string
	t       *testing.T
	st      *store.Store
	f       storetest.Fixture
	srv     *httptest.Server
	client  *http.Client
}

func newHarness(t *testing.T) *harness { return newHarnessWith(t, false) }

// newMailHarness is a harness whose pages can send email: through the real
// job queue and follow-up, into the store's outbox (no SMTP server).
func newMailHarness(t *testing.T) *harness { return newHarnessWith(t, true) }

func newHarnessWith(t *testing.T, withMail bool, set ...func(*web.Options)) *harness {
	t.Helper()
	st := storetest.Open(t)
	f := storetest.Seed(t, st)
	opts := web.Options{Store: st, PasswordCost: 4, API: api.New(api.Options{Store: st, Logger: quietLogger()})}
	if withMail {
		opts.Mailer = startMail(t, st)
	}
	for _, fn := range set {
		fn(&opts)
	}
	s, err := web.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	renderedMu.Lock()
	allPages = s.PageNames()
	renderedMu.Unlock()
	s.OnRender(func(name string) {
		renderedMu.Lock()
		rendered[name] = true
		renderedMu.Unlock()
	})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	h := &harness{t: t, st: st, f: f, srv: srv, client: newClient(), server: s}
	h.baseURL = srv.URL
	return h
}

// startMail runs the job queue with the follow-up's jobs on st, keeping
// emails in the outbox, and returns the Mailer the pages use. Links in the
// emails point at baseURL, set once the test server exists.
func startMail(t *testing.T, st *store.Store) web.Mailer {
	t.Helper()
	ctx := context.Background()
	if err := jobs.Migrate(ctx, st.WriteDB(), st.Dialect()); err != nil {
		t.Fatal(err)
	}
	fu := followup.New(st, nil, followup.Config{BaseURL: "http://groundswell.test", Logger: quietLogger()})
	q, err := jobs.New(st.WriteDB(), st.Dialect(), jobs.Config{Kinds: slices.Concat(fu.Kinds(), fu.AccessKinds(), fu.DigestKinds(), fu.MessageKinds()), Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := q.Stop(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return followup.NewMailer(q)
}

func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// waitForEmail waits for an email to an address in the outbox and returns
// its first link, made relative to the test server.
func (h *harness) waitForEmail(to, subjectPrefix string) (gs.OutboxMessage, string) {
	h.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		msgs, err := h.st.Messages(context.Background(), 50)
		if err != nil {
			h.t.Fatal(err)
		}
		for _, m := range msgs {
			if m.ToEmail == to && strings.HasPrefix(m.Subject, subjectPrefix) {
				link := emailLink.FindString(m.Text)
				return m, strings.TrimPrefix(link, "http://groundswell.test")
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	h.t.Fatalf("no email %q to %s", subjectPrefix, to)
	return gs.OutboxMessage{}, ""
}

var emailLink = regexp.MustCompile(`http://groundswell\.test/\S+`)

func newClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

type response struct {
	status   int
	body     string
	location string
	header   http.Header
}

func (h *harness) do(c *http.Client, method, path string, form url.Values, hdr ...string) response {
	h.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, h.srv.URL+path, body)
	if err != nil {
		h.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return response{status: res.StatusCode, body: string(b), location: res.Header.Get("Location"), header: res.Header}
}

func (h *harness) get(path string) response { return h.do(h.client, "GET", path, nil) }

func (h *harness) post(path string, form url.Values) response {
	return h.do(h.client, "POST", path, form)
}

// signIn makes an organiser and signs the harness's client in.
func (h *harness) signIn() {
	h.t.Helper()
	hash, err := web.HashPassword("correct horse battery", 4)
	if err != nil {
		h.t.Fatal(err)
	}
	u := gs.User{Email: "organiser@example.org", Name: "Olu Organiser", Role: gs.RoleOrganiser, PasswordHash: hash}
	if err := h.st.CreateUser(context.Background(), &u); err != nil {
		h.t.Fatal(err)
	}
	res := h.post("/signin", url.Values{"email": {"Organiser@example.org"}, "password": {"correct horse battery"}, "next": {"/admin"}})
	if res.status != http.StatusSeeOther || res.location != "/admin" {
		h.t.Fatalf("sign in: %d to %q\n%s", res.status, res.location, res.body)
	}
}

func wantStatus(t *testing.T, res response, status int) {
	t.Helper()
	if res.status != status {
		t.Fatalf("status = %d, want %d; body:\n%.2000s", res.status, status, res.body)
	}
}

func wantBody(t *testing.T, res response, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if !strings.Contains(res.body, s) {
			t.Errorf("page does not contain %q", s)
		}
	}
}

func count(t *testing.T, st *store.Store, campaignID int64) gs.CampaignCounts {
	t.Helper()
	c, err := st.CampaignCounts(context.Background(), campaignID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
