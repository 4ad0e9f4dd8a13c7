package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/api"
	"github.com/groundswell-health/groundswell/demo"
	"github.com/groundswell-health/groundswell/followup"
	"github.com/groundswell-health/groundswell/mail"
	"github.com/groundswell-health/groundswell/ratelimit"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/web"
)

const usage = `Groundswell runs a call to action for large-scale change in health and care.

Usage:
  groundswell demo  [--addr HOST:PORT] [--db PATH]   load the demo data (once) and serve the web UI
  groundswell serve [--addr HOST:PORT] [--db PATH]   serve the web UI
  groundswell user add --organiser --email EMAIL --name NAME [--db PATH]
                                                     add an organiser; the password is read from stdin
  groundswell token add --campaign SLUG --email ORGANISER --name NAME [--scope read|write]
                                                     make a JSON API token; the secret is printed once
  groundswell webhook listen --addr HOST:PORT --secret whsec_…   receive webhooks, checking their signatures
  groundswell migrate-data --from PATH --to postgres://…   copy a SQLite database into a new PostgreSQL one
  groundswell import observations FILE.csv [--db PATH] [--keep-good --rejects FILE]   load indicator data from a CSV
  groundswell import people|organisations|commitments FILE.csv [--campaign SLUG] [--keep-good --rejects FILE]
                                                     load people, organisations (by ODS code) or pledges from a CSV
  groundswell export people|organisations|commitments|observations --campaign SLUG [--out FILE] [--bom]
                                                     write a campaign's records as CSV (see docs/DATA_EXCHANGE.md)
  groundswell export campaign SLUG --out FILE.zip    a whole campaign as one archive, for another installation
  groundswell import campaign FILE.zip [--slug NEW]  bring in a campaign archive, all or nothing
  groundswell spc [flags] [FILE]                     an SPC chart ("Making Data Count" XmR) of a period,value CSV, as JSON
  groundswell retention --report|--apply [--retain-after-campaign DAYS]
                                                     who is past the retention period; --apply erases them
  groundswell backup [--db PATH] FILE                a consistent copy of a SQLite database, taken while it serves
  groundswell restore [--db PATH] [--force] FILE     check a backup and put it in place of a stopped server's database
Environment:
  GROUNDSWELL_ADDR       address to listen on (default localhost:8080)
  GROUNDSWELL_DB         SQLite database file (default groundswell.db), or a postgres:// URL
  GROUNDSWELL_BASE_URL   public address used in shared links (default: the address each request came to)
  GROUNDSWELL_SECURE_COOKIES=true  mark the session cookie Secure (serve over HTTPS)
  GROUNDSWELL_SMTP_HOST, _PORT, _USERNAME, _PASSWORD, _FROM, _TLS   email over SMTP (none: the outbox page)
  GROUNDSWELL_CONFIRM_WITHIN  how long a confirmation link works (default 168h)
  GROUNDSWELL_REMIND_BEFORE   days before a pledge's date to send reminders, a comma list (default 14d,2d; none)
  GROUNDSWELL_LAPSE_AFTER     days after the date, with no report, before a pledge lapses (default 14d)
  GROUNDSWELL_ASK_AGAIN_AFTER days after "not yet" before asking again (default 14d)
  GROUNDSWELL_FOLLOWUP_EVERY  how often to look for follow-up that is due (default 5m)
  GROUNDSWELL_DIGEST_AT       day and hour, UK time, of group leads' weekly digest (default "Monday 08:00")
  GROUNDSWELL_RETAIN_AFTER_CAMPAIGN  days people are kept after their last campaign ends (default 730d; off)
  GROUNDSWELL_PRIVACY_CONTACT        who to ask about personal data, shown on the privacy notice
  GROUNDSWELL_MIN_FILL_TIME          a public form sent back sooner is not taken (default 3s; 0s for off)
  GROUNDSWELL_DURABILITY             normal, or full: each commit synced to disk before it is acknowledged (SQLite)
Flags win over environment variables.
`

// run is the whole program, so that tests can start it with their own
// arguments, environment and streams.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], getenv, stdout, stderr, false)
	case "demo":
		return serve(ctx, args[1:], getenv, stdout, stderr, true)
	case "user":
		return userCmd(ctx, args[1:], getenv, stdin, stdout, stderr)
	case "token":
		return tokenCmd(ctx, args[1:], getenv, stdout, stderr)
	case "webhook":
		return webhookCmd(ctx, args[1:], stdout, stderr)
	case "migrate-data":
		return migrateDataCmd(ctx, args[1:], stdout, stderr)
	case "import":
		return importCmd(ctx, args[1:], getenv, stdout, stderr)
	case "export":
		return exportCmd(ctx, args[1:], getenv, stdout, stderr)
	case "spc":
		return spcCmd(args[1:], stdin, stdout, stderr)
	case "retention":
		return retentionCmd(ctx, args[1:], getenv, stdout, stderr)
	case "backup":
		return backupCmd(ctx, args[1:], getenv, stdout, stderr)
	case "restore":
		return restoreCmd(ctx, args[1:], getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", args[0])
	}
}

// config is what serve and demo take, from flags or the environment.
type config struct {
	addr, db, baseURL string
	secureCookies     bool
	smtp              mail.SMTPConfig
	confirmWithin     time.Duration
	schedule          gs.Schedule             // when pledges are followed up
	followupEvery     time.Duration           // how often the follow-up sweep runs
	digest            followup.DigestSchedule // when group leads' weekly digest goes
	scale             string                  // demo only: "normal" or "large"
	limits            web.Limits              // the public forms' rate limits
	apiPerToken       ratelimit.Limit         // JSON API requests per token
	privacy           web.PrivacyOptions      // the privacy notice's facts, the forms' minimum fill time
	durability        store.Durability        // SQLite: "normal", or "full" (synced at each commit)
}

// Default rate limits. Per address they are generous: an NHS trust's staff
// share a few public addresses, and a care home may pledge for its whole
// team from one computer. Per email and per account they are tight.
const (
	defaultPledgePerIP      = "300/10m"
	defaultPledgePerEmail   = "20/1h"
	defaultSigninPerIP      = "100/15m"
	defaultSigninPerAccount = "10/15m"
	// An API client syncing a large campaign reads 500 rows a request: 600
	// requests a minute is 300,000 rows, and a runaway script is still
	// stopped.
	defaultAPIPerToken = "600/1m"
)

func parseConfig(name string, args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	c := config{addr: "localhost:8080", db: "groundswell.db"}
	if v := getenv("GROUNDSWELL_ADDR"); v != "" {
		c.addr = v
	}
	if v := getenv("GROUNDSWELL_DB"); v != "" {
		c.db = v
	}
	c.baseURL = getenv("GROUNDSWELL_BASE_URL")
	c.secureCookies = getenv("GROUNDSWELL_SECURE_COOKIES") == "true"
	c.smtp = mail.SMTPConfig{Host: getenv("GROUNDSWELL_SMTP_HOST"), Username: getenv("GROUNDSWELL_SMTP_USERNAME"),
		Password: getenv("GROUNDSWELL_SMTP_PASSWORD"), From: getenv("GROUNDSWELL_SMTP_FROM"), TLS: getenv("GROUNDSWELL_SMTP_TLS")}
	if v := getenv("GROUNDSWELL_SMTP_PORT"); v != "" {
		port, err := strconv.Atoi(v)
		if err != nil {
			return c, fmt.Errorf("GROUNDSWELL_SMTP_PORT %q is not a port number", v)
		}
		c.smtp.Port = port
	}
	c.confirmWithin = followup.DefaultConfirmWithin
	if v := getenv("GROUNDSWELL_CONFIRM_WITHIN"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return c, fmt.Errorf("GROUNDSWELL_CONFIRM_WITHIN %q is not a duration such as 168h", v)
		}
		c.confirmWithin = d
	}
	// The follow-up schedule, in whole days: "14d,2d" (or "14,2"), "14d".
	def := gs.DefaultSchedule()
	remindBefore, lapseAfter, askAgain := gs.FormatDayList(def.RemindBefore), strconv.Itoa(def.LapseAfter)+"d", strconv.Itoa(def.AskAgainAfter)+"d"
	for _, e := range []struct {
		env string
		v   *string
	}{{"GROUNDSWELL_REMIND_BEFORE", &remindBefore}, {"GROUNDSWELL_LAPSE_AFTER", &lapseAfter}, {"GROUNDSWELL_ASK_AGAIN_AFTER", &askAgain}} {
		if v := getenv(e.env); v != "" {
			*e.v = v
		}
	}
	c.followupEvery = followup.DefaultSweepEvery
	if v := getenv("GROUNDSWELL_FOLLOWUP_EVERY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return c, fmt.Errorf("GROUNDSWELL_FOLLOWUP_EVERY %q is not a duration such as 5m", v)
		}
		c.followupEvery = d
	}
	limitFlags := []struct {
		flag, env, def, usage string
		into                  *ratelimit.Limit
		value                 string
	}{
		{"limit-pledge-ip", "GROUNDSWELL_LIMIT_PLEDGE_IP", defaultPledgePerIP, "pledges from one address, such as 300/10m, or off", &c.limits.PledgePerIP, ""},
		{"limit-pledge-email", "GROUNDSWELL_LIMIT_PLEDGE_EMAIL", defaultPledgePerEmail, "pledges for one email address", &c.limits.PledgePerEmail, ""},
		{"limit-signin-ip", "GROUNDSWELL_LIMIT_SIGNIN_IP", defaultSigninPerIP, "sign-in attempts and sign-in link requests from one address", &c.limits.SigninPerIP, ""},
		{"limit-signin-account", "GROUNDSWELL_LIMIT_SIGNIN_ACCOUNT", defaultSigninPerAccount, "sign-in attempts and sign-in link requests for one email address", &c.limits.SigninPerAccount, ""},
		{"limit-api-token", "GROUNDSWELL_LIMIT_API_TOKEN", defaultAPIPerToken, "JSON API requests with one token", &c.apiPerToken, ""},
	}
	for i := range limitFlags {
		limitFlags[i].value = limitFlags[i].def
		if v := getenv(limitFlags[i].env); v != "" {
			limitFlags[i].value = v
		}
	}
	c.limits.TrustProxy = getenv("GROUNDSWELL_TRUST_PROXY") == "true"
	durability := getenv("GROUNDSWELL_DURABILITY")
	digestAt := followup.DefaultDigestSchedule().String()
	if v := getenv("GROUNDSWELL_DIGEST_AT"); v != "" {
		digestAt = v
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", c.addr, "address to listen on, HOST:PORT (env GROUNDSWELL_ADDR)")
	fs.StringVar(&c.db, "db", c.db, "SQLite database file, or a postgres:// URL (env GROUNDSWELL_DB)")
	fs.StringVar(&c.baseURL, "base-url", c.baseURL, "public address used in shared links (env GROUNDSWELL_BASE_URL)")
	fs.BoolVar(&c.secureCookies, "secure-cookies", c.secureCookies, "mark the session cookie Secure (env GROUNDSWELL_SECURE_COOKIES)")
	fs.StringVar(&c.smtp.Host, "smtp-host", c.smtp.Host, "SMTP server for email; none: emails go to the outbox page (env GROUNDSWELL_SMTP_HOST)")
	fs.IntVar(&c.smtp.Port, "smtp-port", c.smtp.Port, "SMTP port; default 587, or 465 with --smtp-tls=tls (env GROUNDSWELL_SMTP_PORT)")
	fs.StringVar(&c.smtp.Username, "smtp-username", c.smtp.Username, "SMTP user name; the password is read from GROUNDSWELL_SMTP_PASSWORD only (env GROUNDSWELL_SMTP_USERNAME)")
	fs.StringVar(&c.smtp.From, "smtp-from", c.smtp.From, `sender, such as "Groundswell <noreply@example.org>" (env GROUNDSWELL_SMTP_FROM)`)
	fs.StringVar(&c.smtp.TLS, "smtp-tls", c.smtp.TLS, "starttls (default), tls or none (env GROUNDSWELL_SMTP_TLS)")
	fs.DurationVar(&c.confirmWithin, "confirm-within", c.confirmWithin, "how long a pledge's confirmation link works (env GROUNDSWELL_CONFIRM_WITHIN)")
	fs.StringVar(&remindBefore, "remind-before", remindBefore, `days before a pledge's date to send reminders, such as "14d,2d", or "none" (env GROUNDSWELL_REMIND_BEFORE)`)
	fs.StringVar(&lapseAfter, "lapse-after", lapseAfter, "days after a pledge's date with no report before it lapses (env GROUNDSWELL_LAPSE_AFTER)")
	fs.StringVar(&askAgain, "ask-again-after", askAgain, `days after "not yet" before asking again (env GROUNDSWELL_ASK_AGAIN_AFTER)`)
	fs.DurationVar(&c.followupEvery, "followup-every", c.followupEvery, "how often to look for follow-up that is due, at least 1s (env GROUNDSWELL_FOLLOWUP_EVERY)")
	fs.StringVar(&digestAt, "digest-at", digestAt, `day and hour, UK time, from which group leads' weekly digest goes, such as "Monday 08:00" (env GROUNDSWELL_DIGEST_AT)`)
	for i := range limitFlags {
		l := &limitFlags[i]
		fs.StringVar(&l.value, l.flag, l.value, l.usage+" (env "+l.env+")")
	}
	fs.StringVar(&durability, "durability", durability, "normal, or full: each commit synced to disk before it is acknowledged, to survive a power cut (SQLite; default normal) (env GROUNDSWELL_DURABILITY)")
	fs.BoolVar(&c.limits.TrustProxy, "trust-proxy", c.limits.TrustProxy, "take clients' addresses from the last X-Forwarded-For entry, which a load balancer in front appends (env GROUNDSWELL_TRUST_PROXY)")
	if name == "demo" {
		fs.StringVar(&c.scale, "scale", "normal", `the demo's size: "normal", or "large" (a million commitments, for load tests)`)
	}
	privacy := privacyFlags(fs, getenv)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if name == "demo" && c.scale != "normal" && c.scale != "large" {
		return c, fmt.Errorf("--scale %q: choose normal or large", c.scale)
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("%s: unexpected argument %q", name, fs.Arg(0))
	}
	for _, l := range limitFlags {
		lim, err := ratelimit.ParseLimit(l.value)
		if err != nil {
			return c, fmt.Errorf("--%s: %w", l.flag, err)
		}
		*l.into = lim
	}
	if durability != "" {
		d, err := store.ParseDurability(durability)
		if err != nil {
			return c, fmt.Errorf("--durability: %w", err)
		}
		c.durability = d
	}
	if err := parseSchedule(&c.schedule, remindBefore, lapseAfter, askAgain); err != nil {
		return c, err
	}
	var err error
	if c.privacy, err = privacy(c.confirmWithin); err != nil {
		return c, err
	}
	if c.digest, err = followup.ParseDigestAt(digestAt); err != nil {
		return c, fmt.Errorf("--digest-at: %w", err)
	}
	if c.followupEvery < time.Second {
		return c, fmt.Errorf("--followup-every %s: the follow-up runs at most once a second", c.followupEvery)
	}
	return c, nil
}

// parseSchedule reads the follow-up schedule's settings.
func parseSchedule(s *gs.Schedule, remindBefore, lapseAfter, askAgain string) error {
	var err error
	if s.RemindBefore, err = gs.ParseDayList(remindBefore); err != nil {
		return fmt.Errorf("--remind-before: %s", gs.ErrorMessage(err))
	}
	if s.LapseAfter, err = gs.ParseDays(lapseAfter); err != nil {
		return fmt.Errorf("--lapse-after: %s", gs.ErrorMessage(err))
	}
	if s.AskAgainAfter, err = gs.ParseDays(askAgain); err != nil {
		return fmt.Errorf("--ask-again-after: %s", gs.ErrorMessage(err))
	}
	if err := s.Validate(); err != nil {
		var msgs []string
		for _, m := range gs.ErrorFields(err) {
			msgs = append(msgs, m)
		}
		sort.Strings(msgs)
		return fmt.Errorf("follow-up schedule: %s", strings.Join(msgs, "; "))
	}
	return nil
}

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, loadDemo bool) error {
	name := "serve"
	if loadDemo {
		name = "demo"
	}
	cfg, err := parseConfig(name, args, getenv, stderr)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	st, err := store.OpenWith(ctx, cfg.db, store.Options{Durability: cfg.durability})
	if err != nil {
		return err
	}
	defer st.Close()
	if storeOpened != nil {
		storeOpened(st)
	}
	if d, err := st.Durability(ctx); err == nil {
		fmt.Fprintf(stdout, "Durability: %s\n", d)
	}

	if loadDemo {
		if err := loadDemoData(ctx, st, stdout, cfg.scale); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.addr, err)
	}
	baseURL := cfg.baseURL
	if baseURL == "" {
		baseURL = "http://" + ln.Addr().String()
	}
	mailer, stopBackground, err := startBackground(ctx, st, cfg, baseURL, logger, stdout)
	if err != nil {
		ln.Close()
		return cannotStore(cfg.db, err)
	}
	// Rate limits count in memory; on PostgreSQL, where there may be several
	// nodes, they share their counts through the database twice a second.
	var shared ratelimit.Store
	if store.IsPostgres(cfg.db) {
		shared = st
	}
	limiter := ratelimit.New(shared, logger)
	limitCtx, stopLimits := context.WithCancel(ctx)
	defer stopLimits()
	go limiter.Run(limitCtx, 500*time.Millisecond)
	jsonAPI := api.New(api.Options{Store: st, Logger: logger, Limiter: limiter, PerToken: cfg.apiPerToken, BaseURL: cfg.baseURL})
	app, err := web.New(web.Options{Store: st, Logger: logger, BaseURL: cfg.baseURL, SecureCookies: cfg.secureCookies, Mailer: mailer,
		Limits: cfg.limits, Limiter: limiter, API: jsonAPI, Privacy: cfg.privacy})
	if err != nil {
		ln.Close()
		return errors.Join(err, stopBackground(ctx))
	}
	srv := &http.Server{
		Handler:           app,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(stdout, "Groundswell is serving %s on http://%s\n", store.Describe(cfg.db), ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Let requests in flight finish, then close the database (deferred).
	fmt.Fprintln(stdout, "Shutting down: finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	return stopBackground(shutdownCtx)
}

// loadDemoData loads the demo once: a second run finds it there and leaves it.
// Scale "large" loads the large data set (demo.Large) instead.
func loadDemoData(ctx context.Context, st *store.Store, stdout io.Writer, scale string) error {
	slug, generate := demo.CampaignSlug, demo.Generate
	if scale == "large" {
		slug, generate = demo.LargeCampaignSlug, demo.Large
	}
	if _, err := st.CampaignBySlug(ctx, slug); err == nil {
		fmt.Fprintln(stdout, "Demo data already loaded")
		return nil
	} else if gs.ErrorCode(err) != gs.ENOTFOUND {
		return err
	}
	start := time.Now()
	if scale == "large" {
		fmt.Fprintln(stdout, "Generating and loading the large data set: a million commitments; this takes a minute or two")
	}
	ds := generate()
	if err := st.LoadDataset(ctx, ds); err != nil {
		if gs.ErrorCode(err) == gs.ECONFLICT {
			fmt.Fprintln(stdout, "Demo data already loaded")
			return nil
		}
		return fmt.Errorf("load demo data: %w", err)
	}
	fmt.Fprintf(stdout, "Loaded demo data: %d campaigns, %d people, %d commitments in %s\n",
		len(ds.Campaigns), len(ds.People), len(ds.Commitments), time.Since(start).Round(time.Millisecond))
	return nil
}
