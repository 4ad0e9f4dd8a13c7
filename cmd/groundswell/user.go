package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/web"
)

// userCmd adds a user: groundswell user add --organiser --email E --name N.
// The password is read from the first line of stdin, so it never appears in
// the shell's history or the process list.
func userCmd(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New("usage: groundswell user add --organiser --email EMAIL --name NAME [--db PATH]")
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "groundswell.db", "SQLite database file (env GROUNDSWELL_DB)")
	if v := getenv("GROUNDSWELL_DB"); v != "" {
		*db = v
	}
	organiser := fs.Bool("organiser", false, "the user is an organiser (the programme team)")
	email := fs.String("email", "", "email address; the user signs in with it")
	name := fs.String("name", "", "the user's name")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if !*organiser {
		return errors.New("user add: give --organiser (the only role that signs in with a password)")
	}
	fmt.Fprint(stderr, "Password (at least 12 characters), then Enter: ")
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return fmt.Errorf("read password from stdin: %w", err)
	}
	fmt.Fprintln(stderr)
	in := gs.NewUserInput{Email: *email, Name: *name, Password: strings.TrimRight(line, "\r\n"), Role: gs.RoleOrganiser}
	if err := in.Validate(); err != nil {
		return fmt.Errorf("user add: %s", gs.ErrorFields(err))
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	hash, err := web.HashPassword(in.Password, 12)
	if err != nil {
		return err
	}
	u := gs.User{Email: in.Email, Name: in.Name, Role: in.Role, PasswordHash: hash}
	if err := st.CreateUser(ctx, &u); err != nil {
		if f := gs.ErrorFields(err); f != nil {
			return fmt.Errorf("user add: %s", f)
		}
		return err
	}
	fmt.Fprintf(stdout, "Added organiser %s\n", u.Email)
	return nil
}
