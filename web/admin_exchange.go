package web

import (
	"fmt"
	"net/http"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/csvio"
)

// Organisers' downloads of a campaign's data exchange files and archive
// (docs/DATA_EXCHANGE.md). Each streams from one read transaction straight
// to the response, so a campaign of a million pledges downloads in constant
// memory.

// exportFiles are the files /admin/campaigns/{id}/export/{file} serves.
var exportFiles = map[string]bool{"people.csv": true, "organisations.csv": true, "commitments.csv": true, "observations.csv": true, "campaign.zip": true}

// A download of a large campaign takes longer than the server's
// WriteTimeout (a minute), which counts from the request, not from the
// last byte. So the write deadline is rolled forward as the file streams:
// each write may take up to exportWriteWindow, and a client that stops
// reading for that long is still dropped.
const (
	exportWriteWindow = time.Minute
	// exportDeadlineEvery is how often the deadline is rolled forward:
	// once in a while rather than at every write of a few kilobytes.
	exportDeadlineEvery = time.Second
)

// trackingWriter notes whether anything has been written, so that a failure
// before the first byte can still be an error page, and rolls the write
// deadline forward as it writes.
type trackingWriter struct {
	http.ResponseWriter
	rc       *http.ResponseController
	wrote    bool
	extended time.Time // when the deadline was last rolled forward
}

func newTrackingWriter(w http.ResponseWriter) *trackingWriter {
	return &trackingWriter{ResponseWriter: w, rc: http.NewResponseController(w)}
}

func (t *trackingWriter) Write(b []byte) (int, error) {
	t.wrote = true
	if now := time.Now(); now.Sub(t.extended) >= exportDeadlineEvery {
		t.extended = now
		// An error — no deadline to move (http.ErrNotSupported), or the
		// connection gone — leaves the write to succeed or fail as it
		// would have.
		_ = t.rc.SetWriteDeadline(now.Add(exportWriteWindow))
	}
	return t.ResponseWriter.Write(b)
}

// Unwrap gives http.ResponseController the response underneath.
func (t *trackingWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }

// exportDownload serves one export of a campaign; ?bom=1 starts a CSV file
// with the byte-order mark Excel needs to read accents.
func (s *Server) exportDownload(w http.ResponseWriter, r *http.Request) {
	c, err := s.adminCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	file := r.PathValue("file")
	if !exportFiles[file] {
		s.fail(w, r, gs.Errorf(gs.ENOTFOUND, "There is no download called %s.", file))
		return
	}
	name := fmt.Sprintf("%s-%s-%s", c.Slug, file[:len(file)-4], time.Now().UTC().Format("2006-01-02"))
	h := w.Header()
	// Personal data: kept by no cache on the way.
	h.Set("Cache-Control", "no-store")
	tw := newTrackingWriter(w)
	ctx := r.Context()
	opt := csvio.Options{BOM: r.URL.Query().Get("bom") == "1"}
	if file == "campaign.zip" {
		h.Set("Content-Type", "application/zip")
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.zip"`, name))
		_, err = s.store.ExportCampaign(ctx, c.Slug, tw, nil)
	} else {
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.csv"`, name))
		err = s.exportCSV(r, file, c.ID, tw, opt)
	}
	if err == nil {
		return
	}
	if !tw.wrote {
		h.Del("Content-Disposition")
		h.Del("Content-Type")
		s.fail(w, r, err)
		return
	}
	// Half a file has been sent: end the response broken, so that the
	// browser says the download failed rather than keep a truncated file.
	s.log.ErrorContext(ctx, "export failed part way", "path", r.URL.Path, "err", err)
	panic(http.ErrAbortHandler)
}

// exportCSV writes one data exchange file of the campaign.
func (s *Server) exportCSV(r *http.Request, file string, campaignID int64, w *trackingWriter, opt csvio.Options) error {
	ctx := r.Context()
	var flush func() error
	var err error
	switch file {
	case "people.csv":
		var cw *csvio.RecordWriter[csvio.Person]
		if cw, err = csvio.NewPeopleWriter(w, opt); err == nil {
			flush, err = cw.Flush, s.store.ExportPeople(ctx, campaignID, cw.Write)
		}
	case "organisations.csv":
		var cw *csvio.RecordWriter[csvio.Organisation]
		if cw, err = csvio.NewOrganisationWriter(w, opt); err == nil {
			flush, err = cw.Flush, s.store.ExportOrganisations(ctx, campaignID, cw.Write)
		}
	case "commitments.csv":
		var cw *csvio.RecordWriter[csvio.Commitment]
		if cw, err = csvio.NewCommitmentWriter(w, opt); err == nil {
			flush, err = cw.Flush, s.store.ExportCommitments(ctx, campaignID, cw.Write)
		}
	case "observations.csv":
		var cw *csvio.RecordWriter[csvio.Row]
		if cw, err = csvio.NewObservationWriter(w, opt); err == nil {
			flush, err = cw.Flush, s.store.ExportObservations(ctx, campaignID, cw.Write)
		}
	}
	if err != nil {
		return err
	}
	return flush()
}
