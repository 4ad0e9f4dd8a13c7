package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
)

const tokenUsage = "usage: groundswell token add --campaign SLUG --email ORGANISER --name NAME [--scope read|write] [--db PATH]"

// tokenCmd makes a personal API token from the command line, as the tokens
// page does: for provisioning a system without a browser, and for the load
// program. The secret goes to stdout, alone on its line, and is not kept.
func tokenCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New(tokenUsage)
	}
	fs := flag.NewFlagSet("token add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "groundswell.db", "SQLite database file, or a postgres:// URL (env GROUNDSWELL_DB)")
	if v := getenv("GROUNDSWELL_DB"); v != "" {
		*db = v
	}
	slug := fs.String("campaign", "", "the campaign's slug: the token sees this campaign only")
	email := fs.String("email", "", "the organiser the token acts for; it stops working if they stop being one")
	name := fs.String("name", "", "what will use the token, for the tokens page")
	scope := fs.String("scope", gs.ScopeRead, "read (GET only) or write")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *slug == "" || *email == "" {
		return errors.New(tokenUsage)
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := st.CampaignBySlug(ctx, *slug)
	if gs.ErrorCode(err) == gs.ENOTFOUND {
		return fmt.Errorf("token add: no campaign %q", *slug)
	} else if err != nil {
		return err
	}
	u, err := st.UserByEmail(ctx, *email)
	if gs.ErrorCode(err) == gs.ENOTFOUND || err == nil && u.Role != gs.RoleOrganiser {
		return fmt.Errorf("token add: %s is not an organiser", *email)
	} else if err != nil {
		return err
	}
	secret, err := st.CreateAPIToken(ctx, &gs.APIToken{CampaignID: c.ID, UserID: u.ID, Name: *name, Scope: *scope})
	if f := gs.ErrorFields(err); f != nil {
		return fmt.Errorf("token add: %s", f)
	} else if err != nil {
		return err
	}
	fmt.Fprintln(stderr, "The token's secret follows; it is shown only now. Keep it like a password.")
	fmt.Fprintln(stdout, secret)
	return nil
}
