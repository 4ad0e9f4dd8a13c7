package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/groundswell-health/groundswell/csvio"
	"github.com/groundswell-health/groundswell/store"
)

// importError is bad input to groundswell import (a flag, the file, its
// rows): the command exits with status 2. Database failures exit 1.
type importError struct{ msg string }

func (e *importError) Error() string { return e.msg }

// ExitCode is the process's exit status for this error (see main).
func (e *importError) ExitCode() int { return 2 }

func importBad(format string, args ...any) error {
	return &importError{msg: "import: " + fmt.Sprintf(format, args...)}
}

const importUsage = "usage: groundswell import observations FILE.csv [--db PATH] [--keep-good --rejects FILE]"

// errBadRows stops the store's import when the file had bad rows and the
// import is all-or-nothing.
var errBadRows = errors.New("bad rows")

// importCmd: groundswell import observations FILE.csv [--db PATH]
// [--keep-good --rejects FILE]. Each bad row goes to stderr as
// "FILE:LINE: reason"; progress goes to stderr; the summary to stdout.
//
// By default the import is all-or-nothing: any bad row and nothing is stored.
// --keep-good stores the good rows and needs --rejects, the file the bad ones
// are written to (their columns, then line and reason), so none is lost
// silently. --rejects alone writes the bad rows and still stores nothing.
// Unknown area codes create areas (kind "area", no parent) named as in the
// file; unknown indicators are bad rows.
func importCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "people", "organisations", "commitments":
			return importExchangeCmd(ctx, args[0], args[1:], getenv, stdout, stderr)
		case "campaign":
			return importCampaignCmd(ctx, args[1:], getenv, stdout, stderr)
		}
	}
	if len(args) == 0 || args[0] != "observations" {
		return importBad("%s\n%s\n%s", strings.TrimPrefix(importUsage, "usage: "), exchangeImportUsage, campaignImportUsage)
	}
	fs := flag.NewFlagSet("import observations", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "groundswell.db", "SQLite database file, or a postgres:// URL (env GROUNDSWELL_DB)")
	if v := getenv("GROUNDSWELL_DB"); v != "" {
		*db = v
	}
	keepGood := fs.Bool("keep-good", false, "store the good rows even if some are bad (needs --rejects)")
	rejectsPath := fs.String("rejects", "", "write the bad rows, with their line and reason, to this CSV file")
	// Flags may come before or after FILE.
	var file string
	rest := args[1:]
	for {
		if err := fs.Parse(rest); err != nil {
			return &importError{msg: "import: " + err.Error()}
		}
		if fs.NArg() == 0 {
			break
		}
		if file != "" {
			return importBad("unexpected argument %q: give one FILE\n%s", fs.Arg(0), importUsage)
		}
		file, rest = fs.Arg(0), fs.Args()[1:]
	}
	if file == "" {
		return importBad("no FILE given\n%s", importUsage)
	}
	if *keepGood && *rejectsPath == "" {
		return importBad("--keep-good needs --rejects FILE, so that the bad rows are kept somewhere")
	}
	if !store.IsPostgres(*db) {
		// Opening a missing path would create an empty database, with no
		// indicators to import into.
		if err := checkSQLiteFile(*db); err != nil {
			return importBad("--db %v", err)
		}
	}

	f, err := os.Open(file)
	if err != nil {
		return importBad("%v", err)
	}
	defer f.Close()
	total := countRows(file)

	st, err := store.Open(ctx, *db)
	if err != nil {
		return fmt.Errorf("import: open %s: %w", store.Describe(*db), err)
	}
	defer st.Close()
	slugs, err := st.IndicatorSlugs(ctx)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	rd, err := csvio.NewReader(f, func(slug string) bool { _, ok := slugs[slug]; return ok })
	if err != nil {
		return importBad("%s: %v", file, err)
	}

	var rejects *csvio.RejectWriter
	var rejectsFile *os.File
	if *rejectsPath != "" {
		if rejectsFile, err = os.Create(*rejectsPath); err != nil {
			return importBad("--rejects: %v", err)
		}
		defer rejectsFile.Close()
		if rejects, err = csvio.NewRejectWriter(rejectsFile, rd.Header()); err != nil {
			return fmt.Errorf("import: write %s: %w", *rejectsPath, err)
		}
	}

	fmt.Fprintf(stderr, "Importing %s into %s\n", file, store.Describe(*db))
	start := time.Now()
	p := newProgress(stderr, "read", file, total)
	var bad, read int64
	var readErr error
	rows := func(yield func(store.ObservationRecord, error) bool) {
		for {
			r, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			var re *csvio.RowError
			if errors.As(err, &re) {
				bad++
				p.interrupt()
				fmt.Fprintf(stderr, "%s:%d: %s\n", file, re.Line, re.Reason)
				if rejects != nil {
					if err := rejects.Write(re); err != nil {
						readErr = fmt.Errorf("import: write %s: %w", *rejectsPath, err)
						yield(store.ObservationRecord{}, readErr)
						return
					}
				}
				continue
			}
			if err != nil {
				readErr = importBad("%s: %v", file, err)
				yield(store.ObservationRecord{}, readErr)
				return
			}
			read++
			p.set(read)
			if !yield(store.ObservationRecord{Indicator: r.Indicator, AreaCode: r.AreaCode, AreaName: r.AreaName, Period: r.Period,
				Numerator: r.Numerator, Denominator: r.Denominator, Value: r.Value, Synthetic: r.Synthetic}, nil) {
				return
			}
		}
		if bad > 0 && !*keepGood {
			yield(store.ObservationRecord{}, errBadRows)
		}
	}
	rep, err := st.ImportObservations(ctx, rows, nil)
	p.finish(read)
	if rejects != nil {
		if ferr := rejects.Flush(); ferr != nil && err == nil {
			err = fmt.Errorf("import: write %s: %w", *rejectsPath, ferr)
		}
		if cerr := rejectsFile.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("import: write %s: %w", *rejectsPath, cerr)
		}
	}
	switch {
	case errors.Is(err, errBadRows):
		msg := fmt.Sprintf("%s: %s, listed above; nothing was stored (fix them, or use --keep-good --rejects FILE to store the good rows)",
			file, plural(bad, "bad row"))
		if *rejectsPath != "" {
			msg += "; the bad rows are in " + *rejectsPath
		}
		return importBad("%s", msg)
	case readErr != nil:
		return readErr
	case err != nil:
		return fmt.Errorf("import: %w; nothing was stored", err)
	}

	fmt.Fprintf(stdout, "Imported %s from %s in %s: %s new, %s updated\n", plural(rep.Rows, "observation"), file,
		time.Since(start).Round(time.Millisecond), thousands(rep.Inserted), thousands(rep.Updated))
	if n := len(rep.AreasCreated); n > 0 {
		fmt.Fprintf(stdout, "Created %s, with no parent: %s\n", plural(int64(n), "area"), strings.Join(rep.AreasCreated, ", "))
	}
	if bad > 0 {
		fmt.Fprintf(stdout, "Skipped %s; written with the reasons to %s\n", plural(bad, "bad row"), *rejectsPath)
	}
	return nil
}

// plural is "1 row", "5,650 rows".
func plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return thousands(n) + " " + noun + "s"
}
