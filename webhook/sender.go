package webhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/riverqueue/river"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/jobs"
	"github.com/groundswell-health/groundswell/store"
)

// How deliveries are sent.
//
// Every second a dispatcher job claims the deliveries that are due
// (store.ClaimWebhookDeliveries) and, in the same transaction, enqueues one
// DeliverWebhook job for each. The job makes one attempt — a POST, with a
// timeout, never following a redirect — and records it on the delivery:
// delivered on a 2xx answer; otherwise retried after Config.Backoff, or
// given up after Config.MaxAttempts. The schedule lives in the database
// (next_attempt_at) rather than in the queue's own retries, so that the
// organisers' page shows when the next attempt is due, a replay is one
// update, and an endpoint turned off simply pauses its deliveries.

// Defaults for Config.
const (
	DefaultMaxAttempts = 8
	DefaultTimeout     = 10 * time.Second
	// DefaultKeep is how long a finished delivery is kept: it can be
	// replayed until then. Its payload holds people's details, so it is
	// not kept for ever.
	DefaultKeep = 30 * 24 * time.Hour
)

// retrySchedule is the wait before each retry: the schedule Standard
// Webhooks' reference implementation uses. With the first attempt, eight
// attempts over about 27 hours, so an endpoint down for a day loses nothing.
var retrySchedule = []time.Duration{
	5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 5 * time.Hour, 10 * time.Hour, 10 * time.Hour,
}

// DefaultBackoff is the wait after failed attempt n (1 for the first)
// before the next.
func DefaultBackoff(n int) time.Duration {
	return retrySchedule[min(max(n, 1), len(retrySchedule))-1]
}

// Config configures a Sender.
type Config struct {
	// Backoff is the wait after failed attempt n (1 for the first) before
	// the next; default DefaultBackoff. Tests make it zero.
	Backoff func(n int) time.Duration
	// MaxAttempts is how many attempts a delivery gets before it is given
	// up; default DefaultMaxAttempts.
	MaxAttempts int
	// Timeout bounds one attempt, from connecting to the last byte of the
	// answer; default DefaultTimeout.
	Timeout time.Duration
	// AllowLoopback lets deliveries go to this machine: localhost and
	// loopback addresses, over HTTP or HTTPS. Without it they are refused,
	// by the address and again at the connection, after DNS, so that an
	// endpoint cannot reach services that listen only on the server
	// itself. The program sets it when its own base URL is on loopback: a
	// developer's machine, never a server others reach.
	AllowLoopback bool
	// TLS, when set, configures TLS connections (tests trust their own
	// server's certificate with it).
	TLS *tls.Config
	// Keep is how long finished deliveries are kept; default DefaultKeep.
	Keep   time.Duration
	Logger *slog.Logger
}

// Sender sends a store's webhook deliveries.
type Sender struct {
	store  *store.Store
	cfg    Config
	client *http.Client
	// queue is where the dispatcher enqueues deliveries; set by UseQueue.
	queue *jobs.Queue
}

// New returns a sender for the deliveries st holds.
func New(st *store.Store, cfg Config) *Sender {
	if cfg.Backoff == nil {
		cfg.Backoff = DefaultBackoff
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Keep <= 0 {
		cfg.Keep = DefaultKeep
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Sender{store: st, cfg: cfg}
	s.client = &http.Client{
		Timeout: cfg.Timeout,
		Transport: &http.Transport{
			// No proxy from the environment: the check of the address
			// connected to must see the endpoint's own.
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: cfg.Timeout, Control: s.checkDial}).DialContext,
			TLSClientConfig:     cfg.TLS,
			TLSHandshakeTimeout: cfg.Timeout,
			MaxIdleConnsPerHost: 2,
			IdleConnTimeout:     90 * time.Second,
			ForceAttemptHTTP2:   true,
		},
		// A redirect is answered as it is: following it would send the
		// message somewhere the organiser did not register.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return s
}

// UseQueue gives the sender the queue its dispatcher enqueues deliveries
// on. Call it before the queue starts.
func (s *Sender) UseQueue(q *jobs.Queue) { s.queue = q }

// Kinds is the table of the sender's background jobs.
func (s *Sender) Kinds() []jobs.Kind {
	return []jobs.Kind{
		jobs.Define[DispatchWebhooks](&dispatchWorker{s: s}, jobs.Options{Every: time.Second}),
		// The attempt's own failures are recorded, not returned: the job
		// fails, and is tried again by the queue, only when the database
		// does.
		// Deliveries wait on other people's servers, up to the timeout
		// each: they run in the outbound queue, so a dead endpoint cannot
		// hold up sign-in links and confirmations.
		jobs.Define[DeliverWebhook](&deliverWorker{s: s}, jobs.Options{MaxAttempts: 5, Outbound: true}),
		jobs.Define[PruneWebhookDeliveries](&pruneWorker{s: s}, jobs.Options{Every: time.Hour}),
	}
}

// DispatchWebhooks is the job, every second, that hands due deliveries to
// DeliverWebhook jobs.
type DispatchWebhooks struct{}

// Kind names the job in the queue.
func (DispatchWebhooks) Kind() string { return "dispatch_webhooks" }

type dispatchWorker struct {
	river.WorkerDefaults[DispatchWebhooks]
	s *Sender
}

func (w *dispatchWorker) Work(ctx context.Context, _ *river.Job[DispatchWebhooks]) error {
	_, err := w.s.Dispatch(ctx)
	return err
}

// Dispatch claims up to dispatchBatch due deliveries and enqueues their
// attempts, and returns how many. Bounding a run keeps a surge (an endpoint
// back after a day away) flowing at a pace rather than flooding the queue
// with jobs whose claims could run out before their turn.
func (s *Sender) Dispatch(ctx context.Context) (int, error) {
	if s.queue == nil {
		return 0, errors.New("webhook: no job queue to dispatch to (call UseQueue)")
	}
	return s.store.ClaimWebhookDeliveries(ctx, dispatchBatch, claimLease, func(tx *sql.Tx, claims []store.WebhookClaim) error {
		args := make([]river.JobArgs, len(claims))
		for i, c := range claims {
			args[i] = DeliverWebhook{c}
		}
		return s.queue.InsertManyTx(ctx, tx, args)
	})
}

const (
	dispatchBatch = 100
	// claimLease is how long a claimed delivery waits for its job before
	// it is presumed lost and claimed again: longer than the queue takes
	// to rescue a job whose node died (an hour).
	claimLease = 2 * time.Hour
)

// DeliverWebhook is the job that makes one attempt at a delivery.
type DeliverWebhook struct {
	store.WebhookClaim
}

// Kind names the job in the queue.
func (DeliverWebhook) Kind() string { return "deliver_webhook" }

type deliverWorker struct {
	river.WorkerDefaults[DeliverWebhook]
	s *Sender
}

func (w *deliverWorker) Work(ctx context.Context, job *river.Job[DeliverWebhook]) error {
	return w.s.deliver(ctx, job.Args.WebhookClaim)
}

// PruneWebhookDeliveries is the hourly job that removes finished deliveries
// older than Config.Keep.
type PruneWebhookDeliveries struct{}

// Kind names the job in the queue.
func (PruneWebhookDeliveries) Kind() string { return "prune_webhook_deliveries" }

type pruneWorker struct {
	river.WorkerDefaults[PruneWebhookDeliveries]
	s *Sender
}

func (w *pruneWorker) Work(ctx context.Context, _ *river.Job[PruneWebhookDeliveries]) error {
	n, err := w.s.store.PruneWebhookDeliveries(ctx, w.s.cfg.Keep)
	if n > 0 {
		w.s.cfg.Logger.InfoContext(ctx, "removed old webhook deliveries", "count", n, "kept", w.s.cfg.Keep)
	}
	return err
}

// deliver makes the claimed attempt at a delivery and records it. A claim
// that is no longer the delivery's current one (the job ran twice) does
// nothing; a delivery whose endpoint was turned off meanwhile is handed
// back, to wait.
func (s *Sender) deliver(ctx context.Context, c store.WebhookClaim) error {
	ws, err := s.store.WebhookDeliveryToSend(ctx, c.DeliveryID)
	if gs.ErrorCode(err) == gs.ENOTFOUND {
		return nil // its endpoint was deleted
	} else if err != nil {
		return err
	}
	d := ws.Delivery
	if d.Status != gs.DeliverySending || d.Attempts != c.Attempt-1 {
		return nil
	}
	if ws.Off {
		return s.store.ReleaseWebhookDelivery(ctx, c)
	}
	r := s.post(ctx, d, ws.Secrets)
	a := store.WebhookAttempt{Attempt: c.Attempt, StatusCode: r.status, Error: r.err, Delivered: r.err == ""}
	if !a.Delivered {
		if r.final || c.Attempt >= s.cfg.MaxAttempts {
			a.GiveUp = true
		} else {
			a.RetryIn = s.cfg.Backoff(c.Attempt)
		}
		s.cfg.Logger.InfoContext(ctx, "webhook delivery failed", "delivery", d.ID, "attempt", c.Attempt, "url", d.WebhookURL,
			"status", r.status, "err", r.err, "given_up", a.GiveUp)
	}
	if _, err := s.store.RecordWebhookAttempt(ctx, d.ID, a); err != nil {
		return err
	}
	return nil
}

// result is one attempt's outcome: err is "" when delivered, and final
// when trying again cannot help.
type result struct {
	status int
	err    string
	final  bool
}

// post sends a delivery's message once, signed now.
func (s *Sender) post(ctx context.Context, d gs.WebhookDelivery, secrets []string) result {
	u, err := url.Parse(d.WebhookURL)
	if err != nil {
		return result{err: "the address cannot be read", final: true}
	}
	if why := s.refuse(u); why != "" {
		return result{err: why, final: true}
	}
	body := []byte(d.Payload)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return result{err: "the request cannot be made: " + err.Error(), final: true}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Groundswell-Webhooks/1")
	if err := SetHeaders(req.Header, secrets, d.EventID, time.Now(), body); err != nil {
		return result{err: "the endpoint's secret cannot be used: " + err.Error(), final: true}
	}
	res, err := s.client.Do(req)
	if err != nil {
		return result{err: describe(err, s.cfg.Timeout)}
	}
	defer res.Body.Close()
	// Enough of the answer to say what went wrong; the rest is drained,
	// boundedly, so the connection can be used again.
	snippet, _ := io.ReadAll(io.LimitReader(res.Body, 512))
	io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	switch {
	case res.StatusCode >= 200 && res.StatusCode < 300:
		return result{status: res.StatusCode}
	case res.StatusCode >= 300 && res.StatusCode < 400:
		return result{status: res.StatusCode, err: fmt.Sprintf("HTTP %d: redirects are not followed; register the address it points to (%s)",
			res.StatusCode, clean(res.Header.Get("Location"), 200))}
	}
	msg := fmt.Sprintf("HTTP %d", res.StatusCode)
	if text := clean(string(snippet), 200); text != "" {
		msg += ": " + text
	}
	return result{status: res.StatusCode, err: msg}
}

// refuse says why a delivery may not go to an address, or "".
func (s *Sender) refuse(u *url.URL) string {
	loopback := gs.IsLoopbackHost(u.Hostname())
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return "refused: the address must start with https://"
	case loopback && !s.cfg.AllowLoopback:
		return "refused: deliveries to this server itself (localhost) are not allowed here"
	case u.Scheme == "http" && !loopback:
		return "refused: the address must start with https://"
	}
	return ""
}

// errRefusedAddress is the dial's refusal of an address no endpoint may
// have, whatever its name resolved to.
var errRefusedAddress = errors.New("refused: the endpoint's name leads to an address deliveries may not go to")

// checkDial refuses connections to addresses an endpoint must not reach:
// link-local ones (where clouds serve instance credentials), unspecified
// and multicast ones, and loopback ones unless AllowLoopback. It runs on the
// address actually connected to, after DNS, so a name that resolves to
// such an address is refused too.
func (s *Sender) checkDial(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return errRefusedAddress
	}
	ip := net.ParseIP(host)
	switch {
	case ip == nil, ip.IsUnspecified(), ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast(), ip.IsMulticast():
		return errRefusedAddress
	case ip.IsLoopback() && !s.cfg.AllowLoopback:
		return errRefusedAddress
	}
	return nil
}

// describe words a failed request for the organisers' page.
func describe(err error, timeout time.Duration) string {
	var ne net.Error
	switch {
	case errors.Is(err, errRefusedAddress):
		return errRefusedAddress.Error()
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return fmt.Sprintf("no answer within %s", timeout)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // the address is on the page already
	}
	return clean(err.Error(), 300)
}

// clean makes text from elsewhere fit to keep and show: valid UTF-8, one
// line, at most n characters.
func clean(s string, n int) string {
	s = strings.ToValidUTF8(s, "�")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > n {
		s = string([]rune(s)[:n]) + "…"
	}
	return s
}
