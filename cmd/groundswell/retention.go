package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/web"
)

// defaultMinFillTime is how soon a public form may come back: a person
// reading the pledge form and typing a name and email takes longer, even
// with a browser filling the fields in, while the programs that fill forms
// answer within a second. A person who was quicker is asked to press again,
// and their second press goes.
const defaultMinFillTime = "3s"

const retentionUsage = "usage: groundswell retention --report|--apply [--retain-after-campaign DAYS] [--db PATH]"

// retentionCmd reports who is past the retention period, or erases them.
//
// Erasure is irreversible, so it is a deliberate step: the server never
// erases on its own. An end date typed wrongly (2016 for 2026) would
// otherwise erase a live campaign's people overnight. Whoever runs the
// installation schedules `--apply` (monthly, say) after reading a
// `--report`, and organisers see the same report on their privacy page.
func retentionCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("retention", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "groundswell.db", "SQLite database file, or a postgres:// URL (env GROUNDSWELL_DB)")
	if v := getenv("GROUNDSWELL_DB"); v != "" {
		*db = v
	}
	period := fs.String("retain-after-campaign", retentionDefault(getenv), "days to keep people after their last campaign ends, such as 730d (env GROUNDSWELL_RETAIN_AFTER_CAMPAIGN)")
	report := fs.Bool("report", false, "say who would be erased now, and erase no one")
	apply := fs.Bool("apply", false, "erase everyone past the retention period (their pledges stay as anonymous records)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("retention: unexpected argument %q\n%s", fs.Arg(0), retentionUsage)
	}
	if *report == *apply {
		return errors.New("retention: give --report (who would be erased) or --apply (erase them)\n" + retentionUsage)
	}
	days, err := gs.ParseRetention(*period)
	if err != nil {
		return fmt.Errorf("--retain-after-campaign: %s", gs.ErrorMessage(err))
	}
	if days == 0 {
		return errors.New("retention: --retain-after-campaign is off, so no one is past it: people are kept until erased on request")
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if *report {
		rep, err := st.RetentionReport(ctx, days)
		if err != nil {
			return err
		}
		printRetention(stdout, rep)
		if rep.Due > 0 {
			fmt.Fprintln(stdout, "Nothing has been erased. Run with --apply to erase them.")
		}
		return nil
	}
	rep, erased, err := st.ApplyRetention(ctx, days)
	printRetention(stdout, rep)
	fmt.Fprintf(stdout, "Erased %d %s.\n", erased, nounFor(erased, "person", "people"))
	if erased < rep.Due && err == nil {
		fmt.Fprintf(stdout, "%d did something since the report was made and %s kept.\n", rep.Due-erased, nounFor(rep.Due-erased, "was", "were"))
	}
	return err
}

// privacyFlags adds serve's privacy settings to fs: the retention period,
// who to ask about personal data (both stated on the privacy notice), and
// the public forms' minimum fill time. The function it returns reads them,
// once fs is parsed.
func privacyFlags(fs *flag.FlagSet, getenv func(string) string) func(confirmWithin time.Duration) (web.PrivacyOptions, error) {
	retain := fs.String("retain-after-campaign", retentionDefault(getenv),
		"days to keep people after the last campaign they took part in ends, such as 730d, or off; groundswell retention --apply erases them (env GROUNDSWELL_RETAIN_AFTER_CAMPAIGN)")
	contact := fs.String("privacy-contact", getenv("GROUNDSWELL_PRIVACY_CONTACT"),
		`who is responsible for people's details and how to reach their data protection officer, shown on /privacy (env GROUNDSWELL_PRIVACY_CONTACT)`)
	minFill := defaultMinFillTime
	if v := getenv("GROUNDSWELL_MIN_FILL_TIME"); v != "" {
		minFill = v
	}
	fs.StringVar(&minFill, "min-fill-time", minFill, "a public form sent back sooner than this after it was shown is not taken; 0s for off (env GROUNDSWELL_MIN_FILL_TIME)")
	return func(confirmWithin time.Duration) (web.PrivacyOptions, error) {
		p := web.PrivacyOptions{Contact: *contact, ConfirmWithin: confirmWithin}
		var err error
		if p.RetainDays, err = gs.ParseRetention(*retain); err != nil {
			return p, fmt.Errorf("--retain-after-campaign: %s", gs.ErrorMessage(err))
		}
		if p.MinFillTime, err = time.ParseDuration(minFill); err != nil || p.MinFillTime < 0 || p.MinFillTime > time.Minute {
			return p, fmt.Errorf("--min-fill-time %q: give a duration from 0s (off) to 1m, such as 3s", minFill)
		}
		return p, nil
	}
}

// retentionDefault is the period from the environment, or the default.
func retentionDefault(getenv func(string) string) string {
	if v := getenv("GROUNDSWELL_RETAIN_AFTER_CAMPAIGN"); v != "" {
		return v
	}
	return strconv.Itoa(gs.DefaultRetainAfterCampaign) + "d"
}

func printRetention(w io.Writer, rep gs.RetentionReport) {
	fmt.Fprintf(w, "Retention period: %d days after the last campaign a person took part in ends, or their last activity (as of %s).\n", rep.Days, rep.AsOf.Long())
	fmt.Fprintf(w, "Past it: %d %s, with %d %s and %d %s, which stay as anonymous records.\n", rep.Due, nounFor(rep.Due, "person", "people"),
		rep.Commitments, nounFor(rep.Commitments, "pledge", "pledges"), rep.Relationships, nounFor(rep.Relationships, "invitation", "invitations"))
	for _, c := range rep.Campaigns {
		fmt.Fprintf(w, "  %s (%s), ended %s: %d\n", c.Title, c.Slug, c.EndsOn.Long(), c.People)
	}
	if len(rep.Unended) > 0 {
		fmt.Fprintln(w, "Kept because a campaign they are in has no end date (set one when it ends):")
		for _, c := range rep.Unended {
			fmt.Fprintf(w, "  %s (%s): %d\n", c.Title, c.Slug, c.People)
		}
	}
	if rep.KeptForRole > 0 {
		fmt.Fprintf(w, "Kept because they lead a group, represent an organisation or organise: %d\n", rep.KeptForRole)
	}
}

func nounFor(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
