package web

import (
	"errors"
	"io"
	"net/http"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/csvio"
	"github.com/groundswell-health/groundswell/store"
)

// maxUploadBytes bounds an uploaded observations file. Larger files go
// through the command line (groundswell import observations), which streams.
const maxUploadBytes = 32 << 20

// maxShownRowErrors bounds the bad rows listed on the page; the count says
// how many there were in all.
const maxShownRowErrors = 200

func (s *Server) importForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "import", page{Title: "Import outcome figures", Form: newForm("file")})
}

// importUpload imports an observations CSV, all or nothing: any bad row and
// nothing is stored, and every bad row is listed with its line and reason.
func (s *Server) importUpload(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := newForm("file")
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBytes)
	file, _, err := r.FormFile("file")
	if err != nil {
		f.Errors.Add("file", "Choose a CSV file of 32 MB or less")
		s.render(w, r, http.StatusUnprocessableEntity, "import", page{Title: "Import outcome figures", Form: f})
		return
	}
	defer file.Close()
	slugs, err := s.store.IndicatorSlugs(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rd, err := csvio.NewReader(file, func(slug string) bool { _, ok := slugs[slug]; return ok })
	if err != nil {
		f.Errors.Add("file", "The file's first line is not right: "+err.Error())
		s.render(w, r, http.StatusUnprocessableEntity, "import", page{Title: "Import outcome figures", Form: f})
		return
	}
	var bad []*csvio.RowError
	badCount := 0
	var readErr error
	errBad := errors.New("bad rows")
	rows := func(yield func(store.ObservationRecord, error) bool) {
		for {
			row, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			var re *csvio.RowError
			if errors.As(err, &re) {
				badCount++
				if len(bad) < maxShownRowErrors {
					bad = append(bad, re)
				}
				continue
			}
			if err != nil {
				readErr = err
				yield(store.ObservationRecord{}, err)
				return
			}
			if !yield(store.ObservationRecord{Indicator: row.Indicator, AreaCode: row.AreaCode, AreaName: row.AreaName, Period: row.Period,
				Numerator: row.Numerator, Denominator: row.Denominator, Value: row.Value, Synthetic: row.Synthetic}, nil) {
				return
			}
		}
		if badCount > 0 {
			yield(store.ObservationRecord{}, errBad)
		}
	}
	rep, err := s.store.ImportObservations(ctx, rows, nil)
	switch {
	case errors.Is(err, errBad):
		f.Errors.Add("file", "The file has rows that are not right, listed below. Nothing was imported")
		s.render(w, r, http.StatusUnprocessableEntity, "import", page{Title: "Import outcome figures", Form: f,
			D: map[string]any{"Bad": bad, "BadCount": badCount}})
		return
	case readErr != nil:
		f.Errors.Add("file", "The file could not be read as CSV: "+readErr.Error())
		s.render(w, r, http.StatusUnprocessableEntity, "import", page{Title: "Import outcome figures", Form: f})
		return
	case gs.ErrorCode(err) == gs.EINVALID:
		f.Errors.Add("file", gs.ErrorMessage(err))
		s.render(w, r, http.StatusUnprocessableEntity, "import", page{Title: "Import outcome figures", Form: f})
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "import", page{Title: "Import outcome figures", Form: newForm("file"),
		D: map[string]any{"Report": rep}})
}
