package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/csvio"
	"github.com/groundswell-health/groundswell/store"
)

const exportUsage = `usage: groundswell export people|organisations|commitments|observations --campaign SLUG [--out FILE] [--bom] [--db PATH]
       groundswell export campaign SLUG --out FILE.zip [--db PATH]`

// exportCmd: groundswell export … writes a data exchange file (to stdout
// without --out) or a campaign's archive. Progress and the summary go to
// stderr, as stdout may be the file. A file given with --out appears whole
// or not at all: it is written beside its name and renamed when complete.
func exportCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return importBad("%s", exportUsage)
	}
	kind := args[0]
	switch kind {
	case "people", "organisations", "commitments", "observations", "campaign":
	default:
		return &importError{msg: fmt.Sprintf("export: nothing to export called %q\n%s", kind, exportUsage)}
	}
	fs := flag.NewFlagSet("export "+kind, flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := dbFlag(fs, getenv)
	campaign := fs.String("campaign", "", "the campaign to export from")
	out := fs.String("out", "", "write to this file rather than to standard output")
	bom := fs.Bool("bom", false, "start the file with a UTF-8 byte-order mark, which Excel needs to read accents")
	var slug string
	if kind == "campaign" {
		var err error
		if slug, err = parseArgs(fs, args[1:], "SLUG", exportUsage); err != nil {
			return err
		}
		if *out == "" {
			return &importError{msg: "export campaign: give the archive's file name with --out FILE.zip"}
		}
		if *bom || *campaign != "" {
			return &importError{msg: "export campaign takes the campaign's address as its argument, and no --bom or --campaign"}
		}
	} else {
		if err := fs.Parse(args[1:]); err != nil {
			return &importError{msg: "export: " + err.Error()}
		}
		if fs.NArg() > 0 {
			return &importError{msg: fmt.Sprintf("export: unexpected argument %q\n%s", fs.Arg(0), exportUsage)}
		}
		slug = *campaign
		if slug == "" && kind != "organisations" {
			return &importError{msg: fmt.Sprintf("export %s needs --campaign SLUG", kind)}
		}
	}
	st, err := openExisting(ctx, "export", *db)
	if err != nil {
		return err
	}
	defer st.Close()
	var c gs.Campaign
	if slug != "" {
		c, err = st.CampaignBySlug(ctx, slug)
		if gs.ErrorCode(err) == gs.ENOTFOUND {
			return &importError{msg: fmt.Sprintf("export: there is no campaign %q", slug)}
		} else if err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}

	start := time.Now()
	var rows int64
	err = writeOut(*out, stdout, func(w io.Writer) error {
		var werr error
		if kind == "campaign" {
			rows, werr = exportArchive(ctx, st, c.Slug, w, stderr)
		} else {
			rows, werr = exportFile(ctx, st, kind, c.ID, w, csvio.Options{BOM: *bom}, stderr)
		}
		return werr
	})
	if err != nil {
		return err
	}
	to := "standard output"
	if *out != "" {
		to = *out
	}
	what := kind
	if slug != "" {
		what += " of " + slug
	}
	fmt.Fprintf(stderr, "Exported %s (%s) to %s in %s\n", what, rowsText(rows), to, time.Since(start).Round(time.Millisecond))
	return nil
}

// writeOut runs write on the file named out — written beside it and renamed
// into place only once complete — or on stdout when out is "".
func writeOut(out string, stdout io.Writer, write func(io.Writer) error) error {
	if out == "" {
		return write(stdout)
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*.tmp")
	if err != nil {
		return &importError{msg: fmt.Sprintf("export: --out: %v", err)}
	}
	defer os.Remove(tmp.Name()) // after a successful rename, there is nothing there
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("export: write %s: %w", out, err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// exportFile writes one data exchange file of a campaign (organisations:
// of every campaign when campaignID is 0).
func exportFile(ctx context.Context, st *store.Store, kind string, campaignID int64, w io.Writer, opt csvio.Options, stderr io.Writer) (int64, error) {
	total := int64(0)
	if campaignID != 0 {
		var err error
		if total, err = st.ExportCount(ctx, kind, campaignID); err != nil {
			return 0, fmt.Errorf("export: %w", err)
		}
	}
	p := newProgress(stderr, "exported", kind, total)
	var n int64
	var err error
	var flush func() error
	switch kind {
	case "people":
		var cw *csvio.RecordWriter[csvio.Person]
		if cw, err = csvio.NewPeopleWriter(w, opt); err == nil {
			flush = cw.Flush
			err = st.ExportPeople(ctx, campaignID, func(r csvio.Person) error { n++; p.set(n); return cw.Write(r) })
		}
	case "organisations":
		var cw *csvio.RecordWriter[csvio.Organisation]
		if cw, err = csvio.NewOrganisationWriter(w, opt); err == nil {
			flush = cw.Flush
			err = st.ExportOrganisations(ctx, campaignID, func(r csvio.Organisation) error { n++; p.set(n); return cw.Write(r) })
		}
	case "commitments":
		var cw *csvio.RecordWriter[csvio.Commitment]
		if cw, err = csvio.NewCommitmentWriter(w, opt); err == nil {
			flush = cw.Flush
			err = st.ExportCommitments(ctx, campaignID, func(r csvio.Commitment) error { n++; p.set(n); return cw.Write(r) })
		}
	case "observations":
		var cw *csvio.RecordWriter[csvio.Row]
		if cw, err = csvio.NewObservationWriter(w, opt); err == nil {
			flush = cw.Flush
			err = st.ExportObservations(ctx, campaignID, func(r csvio.Row) error { n++; p.set(n); return cw.Write(r) })
		}
	}
	if err == nil {
		err = flush()
	}
	p.finish(n)
	if err != nil {
		return n, fmt.Errorf("export %s: %w", kind, err)
	}
	return n, nil
}

// exportArchive writes a campaign's archive, showing each file's progress.
func exportArchive(ctx context.Context, st *store.Store, slug string, w io.Writer, stderr io.Writer) (int64, error) {
	var p *progress
	m, err := st.ExportCampaign(ctx, slug, w, func(file string, rows int64, done bool) {
		if p == nil {
			p = newProgress(stderr, "exported", file, 0)
		}
		p.set(rows)
		if done {
			p.finish(rows)
			p = nil
		}
	})
	if p != nil {
		p.finish(p.n)
	}
	if err != nil {
		return 0, err
	}
	var rows int64
	for _, f := range m.Files {
		rows += f.Rows
	}
	return rows, nil
}
