package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"
	"strings"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/csvio"
	"github.com/groundswell-health/groundswell/store"
)

// groundswell import people|organisations|commitments|campaign, and the
// progress display every import and export shares.

// progressEvery is how many rows apart the plain progress lines are.
const progressEvery = 10_000

// progress shows a command's progress through rows on stderr: on a
// terminal, a bar redrawn in place at most ten times a second; otherwise — a
// log, a pipe — a plain line every progressEvery rows and one at the end:
// "people.csv: imported 10,000 of 52,000 rows". The bar is drawn here, as
// migrate-data's is, rather than by a progress-bar module.
type progress struct {
	w       io.Writer
	verb    string
	what    string
	total   int64 // 0 when not known
	tty     bool
	drawn   time.Time // when the bar was last drawn
	width   int       // of the bar line last drawn, to clear it
	n, line int64     // rows so far; rows at the last plain line
}

func newProgress(w io.Writer, verb, what string, total int64) *progress {
	return newProgressOn(w, verb, what, total, isTerminal(w))
}

// newProgressOn shows a bar if tty is set, or else plain lines.
func newProgressOn(w io.Writer, verb, what string, total int64, tty bool) *progress {
	return &progress{w: w, verb: verb, what: what, total: total, tty: tty}
}

// set moves the progress to n rows.
func (p *progress) set(n int64) {
	p.n = n
	if p.tty {
		if time.Since(p.drawn) >= 100*time.Millisecond {
			p.draw()
		}
		return
	}
	if n/progressEvery > p.line/progressEvery {
		p.line = n
		p.print()
	}
}

// draw redraws the bar line: "importing people.csv [#####     ] 26,000 / 52,000 rows",
// or, with no total, "importing people.csv: 26,000 rows".
func (p *progress) draw() {
	p.drawn = time.Now()
	line := fmt.Sprintf("%s %s: %s", p.verb, p.what, rowsText(p.n))
	if p.total > 0 {
		const width = 30
		filled := int(min(p.n, p.total) * width / p.total)
		line = fmt.Sprintf("%s %s [%s%s] %s / %s", p.verb, p.what, strings.Repeat("#", filled), strings.Repeat(" ", width-filled),
			thousands(p.n), rowsText(p.total))
	}
	pad := max(0, p.width-len(line))
	p.width = len(line)
	fmt.Fprintf(p.w, "\r%s%s", line, strings.Repeat(" ", pad))
}

func (p *progress) print() {
	if p.total > 0 {
		fmt.Fprintf(p.w, "%s: %s %s of %s\n", p.what, p.verb, thousands(p.n), rowsText(p.total))
	} else {
		fmt.Fprintf(p.w, "%s: %s %s\n", p.what, p.verb, rowsText(p.n))
	}
}

// interrupt clears a bar's line so that a message can be printed; the bar
// is drawn again at the next step.
func (p *progress) interrupt() {
	if p.tty && p.width > 0 {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", p.width))
		p.width = 0
		p.drawn = time.Time{}
	}
}

// finish ends the display at n rows: the bar drawn and its line ended, or
// the last plain line.
func (p *progress) finish(n int64) {
	p.n = n
	if p.tty {
		p.draw()
		fmt.Fprintln(p.w)
		return
	}
	if p.line != n || n == 0 {
		p.line = n
		p.print()
	}
}

// countRows counts the records of a CSV file after its header, for an
// import's progress; 0 when it cannot tell (not a regular file, or not CSV:
// the import says which rows are bad). It reads the file as the import
// does: a byte-order mark skipped, and records bounded in size.
func countRows(path string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return 0
	}
	cr := csvio.NewCSVReader(f)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	var n int64
	for {
		if _, err := cr.Read(); errors.Is(err, io.EOF) {
			return max(n-1, 0)
		} else if err != nil {
			return 0
		}
		n++
	}
}

// parseArgs parses flags that may come before or after the one argument
// (named what: FILE, SLUG), and returns it.
func parseArgs(fs *flag.FlagSet, args []string, what, usage string) (string, error) {
	var arg string
	for {
		if err := fs.Parse(args); err != nil {
			return "", &importError{msg: fs.Name() + ": " + err.Error()}
		}
		if fs.NArg() == 0 {
			break
		}
		if arg != "" {
			return "", &importError{msg: fmt.Sprintf("%s: unexpected argument %q\n%s", fs.Name(), fs.Arg(0), usage)}
		}
		arg, args = fs.Arg(0), fs.Args()[1:]
	}
	if arg == "" {
		return "", &importError{msg: fmt.Sprintf("%s: no %s given\n%s", fs.Name(), what, usage)}
	}
	return arg, nil
}

// dbFlag adds --db, defaulting to GROUNDSWELL_DB.
func dbFlag(fs *flag.FlagSet, getenv func(string) string) *string {
	db := fs.String("db", "groundswell.db", "SQLite database file, or a postgres:// URL (env GROUNDSWELL_DB)")
	if v := getenv("GROUNDSWELL_DB"); v != "" {
		*db = v
	}
	return db
}

// openExisting opens a database that must exist already: opening a missing
// SQLite path would create an empty one, with nothing to export or import
// into.
func openExisting(ctx context.Context, cmd, db string) (*store.Store, error) {
	if !store.IsPostgres(db) {
		if err := checkSQLiteFile(db); err != nil {
			return nil, &importError{msg: fmt.Sprintf("%s: --db %v", cmd, err)}
		}
	}
	st, err := store.Open(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("%s: open %s: %w", cmd, store.Describe(db), err)
	}
	return st, nil
}

const exchangeImportUsage = "usage: groundswell import people|organisations|commitments FILE.csv [--campaign SLUG] [--db PATH] [--keep-good --rejects FILE]"

// importExchangeCmd: groundswell import people|organisations|commitments
// FILE.csv, with the rules of groundswell import observations: each bad row
// to stderr as "FILE:LINE: reason", all or nothing unless --keep-good (which
// needs --rejects). Commitments go into the campaign --campaign names.
func importExchangeCmd(ctx context.Context, kind string, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import "+kind, flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := dbFlag(fs, getenv)
	campaign := fs.String("campaign", "", "the campaign whose pledges the file holds (commitments only)")
	keepGood := fs.Bool("keep-good", false, "store the good rows even if some are bad (needs --rejects)")
	rejectsPath := fs.String("rejects", "", "write the bad rows, with their line and reason, to this CSV file")
	file, err := parseArgs(fs, args, "FILE", exchangeImportUsage)
	if err != nil {
		return err
	}
	switch {
	case *keepGood && *rejectsPath == "":
		return importBad("--keep-good needs --rejects FILE, so that the bad rows are kept somewhere")
	case kind == "commitments" && *campaign == "":
		return importBad("import commitments needs --campaign SLUG: the campaign whose actions the file names")
	case kind != "commitments" && *campaign != "":
		return importBad("import %s takes no --campaign: %s belong to the whole installation", kind, kind)
	}
	f, err := os.Open(file)
	if err != nil {
		return importBad("%v", err)
	}
	defer f.Close()
	st, err := openExisting(ctx, "import", *db)
	if err != nil {
		return err
	}
	defer st.Close()

	in := &exchangeImport{file: file, rejectsPath: *rejectsPath, keepGood: *keepGood, stderr: stderr}
	var rep store.ExchangeReport
	switch kind {
	case "people":
		rep, err = runExchangeImport(in, f, csvio.NewPeopleReader, func(p csvio.Person) int { return p.Line },
			func(rows iter.Seq2[csvio.Person, error], o store.ImportOptions) (store.ExchangeReport, error) {
				return st.ImportPeople(ctx, rows, o)
			})
	case "organisations":
		rep, err = runExchangeImport(in, f, csvio.NewOrganisationReader, func(o csvio.Organisation) int { return o.Line },
			func(rows iter.Seq2[csvio.Organisation, error], o store.ImportOptions) (store.ExchangeReport, error) {
				return st.ImportOrganisations(ctx, rows, o)
			})
	case "commitments":
		c, cerr := st.CampaignBySlug(ctx, *campaign)
		if gs.ErrorCode(cerr) == gs.ENOTFOUND {
			return importBad("--campaign: there is no campaign %q", *campaign)
		} else if cerr != nil {
			return fmt.Errorf("import: %w", cerr)
		}
		rep, err = runExchangeImport(in, f, csvio.NewCommitmentReader, func(c csvio.Commitment) int { return c.Line },
			func(rows iter.Seq2[csvio.Commitment, error], o store.ImportOptions) (store.ExchangeReport, error) {
				return st.ImportCommitments(ctx, c.ID, rows, o)
			})
	}
	if err != nil {
		return err
	}
	noun := map[string]string{"people": "person", "organisations": "organisation", "commitments": "pledge"}[kind]
	msg := fmt.Sprintf("Imported %s from %s in %s: %s new", pluralNoun(rep.Rows, noun), file, time.Since(in.start).Round(time.Millisecond), thousands(rep.Inserted))
	switch {
	case kind == "organisations":
		msg += fmt.Sprintf(", %s updated, %s unchanged", thousands(rep.Updated), thousands(rep.Kept))
	case kind == "people" && rep.Updated > 0:
		// People here are kept as they are, but for the opt-outs a file
		// carries (store.ImportPeople).
		msg += fmt.Sprintf(", %s already here (kept as they were), %s already here whose consent the file narrowed",
			thousands(rep.Kept), thousands(rep.Updated))
	default:
		msg += fmt.Sprintf(", %s already here (kept as they were)", thousands(rep.Kept))
	}
	fmt.Fprintln(stdout, msg)
	if in.bad > 0 {
		fmt.Fprintf(stdout, "Skipped %s; written with the reasons to %s\n", plural(in.bad, "bad row"), *rejectsPath)
	}
	return nil
}

// pluralNoun is "1 person", "2 people", "5 pledges".
func pluralNoun(n int64, noun string) string {
	if noun == "person" && n != 1 {
		return thousands(n) + " people"
	}
	return plural(n, noun)
}

// exchangeImport is the state of one import of a data exchange file.
type exchangeImport struct {
	file, rejectsPath string
	keepGood          bool
	stderr            io.Writer
	start             time.Time
	bad               int64
}

// runExchangeImport reads the file with open and imports its rows with imp.
// Bad rows — the reader's, and those the store refuses — are printed and
// written to the rejects file; the store's are matched to their fields
// through the last rows read, as it refuses rows a chunk at a time.
func runExchangeImport[T any](in *exchangeImport, f *os.File, open func(io.Reader) (*csvio.Reader[T], error), line func(T) int,
	imp func(iter.Seq2[T, error], store.ImportOptions) (store.ExchangeReport, error)) (store.ExchangeReport, error) {
	total := countRows(in.file)
	rd, err := open(f)
	if err != nil {
		return store.ExchangeReport{}, importBad("%s: %v", in.file, err)
	}
	if ig := rd.Ignored(); len(ig) > 0 {
		fmt.Fprintf(in.stderr, "%s: ignoring column(s) %s, which the format does not have\n", in.file, strings.Join(ig, ", "))
	}
	var rejects *csvio.RejectWriter
	var rejectsFile *os.File
	if in.rejectsPath != "" {
		if rejectsFile, err = os.Create(in.rejectsPath); err != nil {
			return store.ExchangeReport{}, importBad("--rejects: %v", err)
		}
		defer rejectsFile.Close()
		if rejects, err = csvio.NewRejectWriter(rejectsFile, rd.Header()); err != nil {
			return store.ExchangeReport{}, fmt.Errorf("import: write %s: %w", in.rejectsPath, err)
		}
	}
	in.start = time.Now()
	p := newProgress(in.stderr, "imported", in.file, total)
	var writeErr error
	reject := func(e *csvio.RowError) {
		in.bad++
		p.interrupt()
		fmt.Fprintf(in.stderr, "%s:%d: %s\n", in.file, e.Line, e.Reason)
		if rejects != nil && writeErr == nil {
			if err := rejects.Write(e); err != nil {
				writeErr = fmt.Errorf("import: write %s: %w", in.rejectsPath, err)
			}
		}
	}
	// The fields of the rows read lately, by line, for the rows the store
	// refuses: it looks at a chunk of rows at a time.
	recent := map[int][]string{}
	var order []int
	var read int64
	var readErr error
	rows := func(yield func(T, error) bool) {
		for {
			v, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			read++
			var re *csvio.RowError
			if errors.As(err, &re) {
				reject(re)
				continue
			}
			if err != nil {
				readErr = importBad("%s: %v", in.file, err)
				yield(v, readErr)
				return
			}
			recent[line(v)] = rd.Fields()
			order = append(order, line(v))
			if len(order) > 2000 {
				delete(recent, order[0])
				order = order[1:]
			}
			if writeErr != nil {
				yield(v, writeErr)
				return
			}
			if !yield(v, nil) {
				return
			}
		}
		if in.bad > 0 && !in.keepGood {
			yield(*new(T), store.ErrBadRows)
		}
	}
	rep, err := imp(rows, store.ImportOptions{KeepGood: in.keepGood, Progress: p.set,
		Reject: func(l int, reason string) { reject(&csvio.RowError{Line: l, Record: recent[l], Reason: reason}) }})
	p.finish(read)
	if rejects != nil {
		if ferr := rejects.Flush(); ferr != nil && writeErr == nil {
			writeErr = fmt.Errorf("import: write %s: %w", in.rejectsPath, ferr)
		}
		if cerr := rejectsFile.Close(); cerr != nil && writeErr == nil {
			writeErr = fmt.Errorf("import: write %s: %w", in.rejectsPath, cerr)
		}
	}
	switch {
	case errors.Is(err, store.ErrBadRows):
		msg := fmt.Sprintf("%s: %s, listed above; nothing was stored (fix them, or use --keep-good --rejects FILE to store the good rows)",
			in.file, plural(in.bad, "bad row"))
		if in.rejectsPath != "" {
			msg += "; the bad rows are in " + in.rejectsPath
		}
		return rep, importBad("%s", msg)
	case readErr != nil:
		return rep, readErr
	case writeErr != nil:
		return rep, writeErr
	case gs.ErrorCode(err) == gs.EINVALID || gs.ErrorCode(err) == gs.ENOTFOUND:
		return rep, importBad("%s: %s; nothing was stored", in.file, gs.ErrorMessage(err))
	case err != nil:
		return rep, fmt.Errorf("import: %w; nothing was stored", err)
	}
	return rep, nil
}

const campaignImportUsage = "usage: groundswell import campaign FILE.zip [--slug NEW] [--db PATH]"

// importCampaignCmd: groundswell import campaign FILE.zip [--slug NEW].
// Nothing is stored unless all of it is: an archive changed since it was
// exported, or any bad row, and the command says why and stops.
func importCampaignCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import campaign", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := dbFlag(fs, getenv)
	slug := fs.String("slug", "", "give the campaign this web address instead of the archive's")
	file, err := parseArgs(fs, args, "FILE", campaignImportUsage)
	if err != nil {
		return err
	}
	if *slug != "" && !gs.ValidSlug(*slug) {
		return importBad("--slug %q: a web address is 1 to 60 lower-case letters, numbers and hyphens", *slug)
	}
	f, err := os.Open(file)
	if err != nil {
		return importBad("%v", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return importBad("%v", err)
	}
	st, err := openExisting(ctx, "import", *db)
	if err != nil {
		return err
	}
	defer st.Close()

	fmt.Fprintf(stderr, "Importing %s into %s\n", file, store.Describe(*db))
	start := time.Now()
	var p *progress
	var current string
	var bad int64
	rep, err := st.ImportCampaign(ctx, f, fi.Size(), store.ArchiveImportOptions{
		Slug: *slug,
		Progress: func(name string, rows, total int64) {
			if name != current {
				if p != nil {
					p.finish(p.n)
				}
				current, p = name, newProgress(stderr, "read", name, total)
			}
			p.set(rows)
		},
		Reject: func(name string, line int, reason string) {
			bad++
			if p != nil {
				p.interrupt()
			}
			fmt.Fprintf(stderr, "%s:%s:%d: %s\n", file, name, line, reason)
		},
	})
	if p != nil {
		p.finish(p.n)
	}
	switch {
	case errors.Is(err, store.ErrBadRows):
		return importBad("%s: %s, listed above; nothing was imported", file, plural(bad, "bad row"))
	case gs.ErrorCode(err) == gs.EINVALID || gs.ErrorCode(err) == gs.ECONFLICT:
		return importBad("%s: %s", file, gs.ErrorMessage(err))
	case err != nil:
		return fmt.Errorf("import: %w; nothing was imported", err)
	}
	var rows int64
	for _, f := range rep.Manifest.Files {
		rows += f.Rows
	}
	fmt.Fprintf(stdout, "Imported campaign %s from %s (exported %s by Groundswell %s) in %s: %s in %d files\n",
		rep.Slug, file, rep.Manifest.ExportedAt.Format("2 January 2006 15:04 MST"), rep.Manifest.GroundswellVersion,
		time.Since(start).Round(time.Millisecond), rowsText(rows), len(rep.Manifest.Files))
	fmt.Fprintf(stdout, "People: %s new, %s already here (kept as they were). Organisations: %s new, %s already here.\n",
		thousands(rep.PeopleAdded), thousands(rep.PeopleMatched), thousands(rep.OrganisationsAdded), thousands(rep.OrganisationsMatched))
	if rep.PeopleNarrowed > 0 {
		fmt.Fprintf(stdout, "%s already here had agreed to more than the archive says: the archive's opt-outs were taken.\n",
			pluralNoun(rep.PeopleNarrowed, "person"))
	}
	if len(rep.AreasAdded) > 0 {
		fmt.Fprintf(stdout, "Added %s: %s\n", plural(int64(len(rep.AreasAdded)), "area"), strings.Join(rep.AreasAdded, ", "))
	}
	if rep.ReferralCodesRenewed > 0 {
		fmt.Fprintf(stdout, "%s had a referral code someone here has already, and got a new one: their old invite links do not work here.\n",
			pluralNoun(rep.ReferralCodesRenewed, "person"))
	}
	for _, n := range rep.Notes {
		fmt.Fprintln(stdout, n)
	}
	return nil
}
