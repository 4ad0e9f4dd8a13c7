package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/groundswell-health/groundswell/store"
)

// migrateDataCmd copies a SQLite installation into a new PostgreSQL database:
// groundswell migrate-data --from groundswell.db --to postgres://…
// Progress goes to stderr; the table of row counts to stdout.
func migrateDataCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate-data", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "", "the SQLite database file to copy (required)")
	to := fs.String("to", "", "the PostgreSQL database to copy into, postgres://… (required); it must hold no data yet")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("migrate-data: unexpected argument %q", fs.Arg(0))
	}
	if *from == "" || *to == "" {
		return errors.New("migrate-data: give both --from PATH (the SQLite database file) and --to postgres://… (the new PostgreSQL database)")
	}
	if store.IsPostgres(*from) {
		return errors.New("migrate-data: --from must be a SQLite database file: only a copy from SQLite into PostgreSQL is supported")
	}
	if !store.IsPostgres(*to) {
		// Not echoed: it may hold a password.
		return errors.New("migrate-data: --to must be a PostgreSQL URL starting postgres:// or postgresql://")
	}
	// Checked before opening: opening a missing path would create an empty
	// database, and copy that.
	if err := checkSQLiteFile(*from); err != nil {
		return fmt.Errorf("migrate-data: --from %w", err)
	}

	src, err := store.Open(ctx, *from)
	if err != nil {
		return fmt.Errorf("migrate-data: open %s: %w", *from, err)
	}
	defer src.Close()
	dst, err := store.Open(ctx, *to)
	if err != nil {
		return fmt.Errorf("migrate-data: %w", err)
	}
	defer dst.Close()

	fmt.Fprintf(stderr, "Copying %s into %s\n", *from, redactURL(*to))
	start := time.Now()
	p := newCopyProgress(stderr)
	rep, err := store.Copy(ctx, src, dst, p.update)
	p.finish()
	if err != nil {
		return fmt.Errorf("migrate-data: %w", err)
	}

	fmt.Fprintf(stdout, "Copied %s into %s (schema version %d) in %s:\n\n",
		*from, redactURL(*to), rep.SchemaVersion, time.Since(start).Round(time.Millisecond))
	rows := [][3]string{{"table", "SQLite", "PostgreSQL"}}
	var total int64
	for _, t := range rep.Tables {
		rows = append(rows, [3]string{t.Table, thousands(t.Source), thousands(t.Target)})
		total += t.Source
	}
	rows = append(rows, [3]string{"total", thousands(total), thousands(rep.Total())})
	var w [3]int
	for _, r := range rows {
		for i, cell := range r {
			w[i] = max(w[i], len(cell))
		}
	}
	for _, r := range rows {
		fmt.Fprintf(stdout, "  %-*s  %*s  %*s\n", w[0], r[0], w[1], r[1], w[2], r[2])
	}
	fmt.Fprintln(stdout, "\nverified: every table has as many rows in PostgreSQL as in SQLite")
	return nil
}

// checkSQLiteFile reports whether path is an existing SQLite database file.
func checkSQLiteFile(path string) error {
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%s: no such file", path)
	} else if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	header := make([]byte, 16)
	if _, err := io.ReadFull(f, header); err != nil || !bytes.Equal(header, []byte("SQLite format 3\x00")) {
		return fmt.Errorf("%s is not a SQLite database", path)
	}
	return nil
}

// redactURL hides the password in a connection URL.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unreadable address)"
	}
	return u.Redacted()
}

// copyProgress shows store.Copy's progress: on a terminal, a bar redrawn in
// place for each table; otherwise (a log, a pipe) one line per table once it
// is copied. The bar is these few lines rather than a progress-bar module and
// the five more it would bring in, for a command run once per installation.
type copyProgress struct {
	w       io.Writer
	tty     bool
	drawing bool // a bar line is open (not yet ended with a newline)
}

func newCopyProgress(w io.Writer) *copyProgress {
	return &copyProgress{w: w, tty: isTerminal(w)}
}

// isTerminal reports whether w is a character device such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func (p *copyProgress) update(table string, copied, total int64) {
	if !p.tty {
		if copied == total {
			fmt.Fprintf(p.w, "%s: %s\n", table, rowsText(total))
		}
		return
	}
	const width = 30
	filled := width
	if total > 0 {
		filled = int(copied * width / total)
	}
	t := thousands(total)
	fmt.Fprintf(p.w, "\r%-20s [%s%s] %*s / %s rows", table,
		strings.Repeat("#", filled), strings.Repeat(" ", width-filled), len(t), thousands(copied), t)
	p.drawing = copied != total
	if !p.drawing {
		fmt.Fprintln(p.w)
	}
}

// finish ends a bar left open by a copy that failed part way.
func (p *copyProgress) finish() {
	if p.drawing {
		fmt.Fprintln(p.w)
		p.drawing = false
	}
}

// rowsText is "1 row", "5,650 rows".
func rowsText(n int64) string {
	if n == 1 {
		return "1 row"
	}
	return thousands(n) + " rows"
}

// thousands formats n with commas: 5650 → "5,650".
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
