package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"slices"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/followup"
	"github.com/groundswell-health/groundswell/jobs"
	"github.com/groundswell-health/groundswell/mail"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/webhook"
)

// storeClock, when set (by tests, before the program starts), replaces the
// store's clock, so that a test can move the follow-up's "today" on without
// waiting days. It is not a setting: a running installation keeps time.Now.
var storeClock func() time.Time

// startBackground starts the job queue and the follow-up it runs, and hooks
// new pledges to it. It returns the mailer the web pages send through, and
// the function that stops it all gracefully.
func startBackground(ctx context.Context, st *store.Store, cfg config, baseURL string, logger *slog.Logger, stdout io.Writer) (*followup.Mailer, func(context.Context) error, error) {
	var sender mail.Sender
	if cfg.smtp.Host != "" {
		s, err := mail.NewSMTP(cfg.smtp)
		if err != nil {
			return nil, nil, fmt.Errorf("email settings: %w", err)
		}
		sender = s
		fmt.Fprintf(stdout, "Sending email through %s\n", cfg.smtp.Host)
	} else {
		fmt.Fprintln(stdout, "No SMTP server set: emails are kept in the outbox (Manage campaigns → Outbox)")
	}
	if storeClock != nil {
		st.Now = storeClock
	}
	if err := jobs.Migrate(ctx, st.WriteDB(), st.Dialect()); err != nil {
		return nil, nil, err
	}
	fu := followup.New(st, sender, followup.Config{BaseURL: baseURL, ConfirmWithin: cfg.confirmWithin,
		Schedule: cfg.schedule, SweepEvery: cfg.followupEvery, Digest: &cfg.digest, Logger: logger})
	// Webhook deliveries may go to this machine only when the base URL is
	// set, explicitly, to an address on it: a developer's machine. A server
	// behind a proxy on localhost sets its public address, so it never
	// qualifies, and the address it falls back to is never taken for this.
	hooks := webhook.New(st, webhook.Config{AllowLoopback: loopbackURL(cfg.baseURL), Logger: logger})
	kinds := slices.Concat(fu.Kinds(), fu.AccessKinds(), fu.MaintenanceKinds(), fu.DigestKinds(), fu.MessageKinds(), hooks.Kinds())
	q, err := jobs.New(st.WriteDB(), st.Dialect(), jobs.Config{Kinds: kinds, Logger: logger})
	if err != nil {
		return nil, nil, err
	}
	fu.UseQueue(q) // the follow-up sweep queues its emails here
	hooks.UseQueue(q)
	if err := q.Start(ctx); err != nil {
		return nil, nil, err
	}
	return followup.NewMailer(q), func(ctx context.Context) error {
		if err := q.Stop(ctx); err != nil {
			return errors.Join(errors.New("stop background jobs"), err)
		}
		return nil
	}, nil
}

// loopbackURL reports whether a base URL names this machine.
func loopbackURL(base string) bool {
	u, err := url.Parse(base)
	return err == nil && gs.IsLoopbackHost(u.Hostname())
}
