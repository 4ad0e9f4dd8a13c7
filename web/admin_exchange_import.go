package web

import (
	"context"
	"errors"
	"io"
	"iter"
	"net/http"
	"sort"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/csvio"
	"github.com/groundswell-health/groundswell/store"
)

// The organisers' upload of data exchange files — people, organisations,
// commitments — the formats of docs/DATA_EXCHANGE.md, with the command
// line's rules: all or nothing, every bad row listed with its line and the
// column at fault. Files over maxUploadBytes go through `groundswell import`.

var exchangeKinds = []option{
	{"people", "People (matched by email: people already here are kept as they are, but for the file's opt-outs, which are taken)"},
	{"organisations", "Organisations (matched by ODS code, or by name without one: those already here are updated)"},
	{"commitments", "Pledges to this campaign's actions (the people must be here first; those awaiting confirmation are emailed a link to confirm)"},
}

func (s *Server) exchangeImportForm(w http.ResponseWriter, r *http.Request) {
	c, err := s.adminCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderExchangeImport(w, r, http.StatusOK, c, newForm("kind", "file"), nil)
}

func (s *Server) renderExchangeImport(w http.ResponseWriter, r *http.Request, status int, c gs.Campaign, f *form, d map[string]any) {
	if d == nil {
		d = map[string]any{}
	}
	d["Campaign"], d["Kinds"] = c, exchangeKinds
	s.render(w, r, status, "exchange_import", page{Title: "Import people, organisations or pledges", Form: f, D: d})
}

// exchangeImportUpload imports one file, all or nothing.
func (s *Server) exchangeImportUpload(w http.ResponseWriter, r *http.Request) {
	c, err := s.adminCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := newForm("kind", "file")
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBytes)
	kind := r.FormValue("kind")
	f.Values.Set("kind", kind)
	file, _, err := r.FormFile("file")
	known := false
	for _, k := range exchangeKinds {
		known = known || k.Value == kind
	}
	if !known {
		f.Errors.Add("kind", "Select what the file holds")
	}
	if err != nil {
		f.Errors.Add("file", "Choose a CSV file of 32 MB or less")
	}
	if len(f.Errors) > 0 {
		if file != nil {
			file.Close()
		}
		s.renderExchangeImport(w, r, http.StatusUnprocessableEntity, c, f, nil)
		return
	}
	defer file.Close()

	var res exchangeResult
	ctx := r.Context()
	switch kind {
	case "people":
		res = importRows(ctx, file, csvio.NewPeopleReader, s.store.ImportPeople)
	case "organisations":
		res = importRows(ctx, file, csvio.NewOrganisationReader, s.store.ImportOrganisations)
	case "commitments":
		res = importRows(ctx, file, csvio.NewCommitmentReader,
			func(ctx context.Context, rows iter.Seq2[csvio.Commitment, error], o store.ImportOptions) (store.ExchangeReport, error) {
				return s.store.ImportCommitments(ctx, c.ID, rows, o)
			})
	}
	switch {
	case res.header != nil:
		f.Errors.Add("file", "The file's first line is not right: "+res.header.Error())
	case res.read != nil:
		f.Errors.Add("file", "The file could not be read as CSV: "+res.read.Error())
	case len(res.bad) > 0:
		f.Errors.Add("file", "The file has rows that are not right, listed below. Nothing was imported")
	case gs.ErrorCode(res.err) == gs.EINVALID:
		f.Errors.Add("file", gs.ErrorMessage(res.err))
	case res.err != nil:
		s.fail(w, r, res.err)
		return
	}
	d := map[string]any{"Ignored": res.ignored}
	if len(f.Errors) > 0 {
		shown := res.bad
		if len(shown) > maxShownRowErrors {
			shown = shown[:maxShownRowErrors]
		}
		d["Bad"], d["BadCount"] = shown, len(res.bad)
		s.renderExchangeImport(w, r, http.StatusUnprocessableEntity, c, f, d)
		return
	}
	d["Report"], d["Kind"] = res.report, kind
	s.renderExchangeImport(w, r, http.StatusOK, c, newForm("kind", "file"), d)
}

// exchangeResult is what an upload's import came to.
type exchangeResult struct {
	report  store.ExchangeReport
	bad     []csvio.RowError // the reader's and the store's, by line
	ignored []string         // columns the format does not have
	header  error            // the first line is not a header of the format
	read    error            // the file is not CSV
	err     error            // the store's
}

// importRows reads a file with open and imports its rows with imp, all or
// nothing, gathering every bad row: those the reader finds and those the
// store refuses (a reference to nothing, a clash).
func importRows[T any](ctx context.Context, file io.Reader, open func(io.Reader) (*csvio.Reader[T], error),
	imp func(context.Context, iter.Seq2[T, error], store.ImportOptions) (store.ExchangeReport, error)) exchangeResult {
	var res exchangeResult
	rd, err := open(file)
	if err != nil {
		res.header = err
		return res
	}
	res.ignored = rd.Ignored()
	rows := func(yield func(T, error) bool) {
		for {
			v, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			var re *csvio.RowError
			if errors.As(err, &re) {
				res.bad = append(res.bad, *re)
				continue
			}
			if err != nil {
				res.read = err
				yield(v, err)
				return
			}
			if !yield(v, nil) {
				return
			}
		}
		if len(res.bad) > 0 {
			yield(*new(T), store.ErrBadRows)
		}
	}
	res.report, res.err = imp(ctx, rows, store.ImportOptions{Reject: func(line int, reason string) {
		res.bad = append(res.bad, csvio.RowError{Line: line, Reason: reason})
	}})
	if errors.Is(res.err, store.ErrBadRows) {
		res.err = nil
	}
	sort.SliceStable(res.bad, func(i, j int) bool { return res.bad[i].Line < res.bad[j].Line })
	return res
}
