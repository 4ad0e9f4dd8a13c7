package csvio

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"

	gs "github.com/groundswell-health/groundswell"
)

// Required and optional column names.
var (
	RequiredColumns = []string{"indicator", "area_code", "area_name", "period", "value"}
	OptionalColumns = []string{"numerator", "denominator", "synthetic"}
)

// Row is one good observation and the line it started on.
type Row struct {
	Line        int
	Indicator   string // slug
	AreaCode    string
	AreaName    string
	Period      gs.Date
	Numerator   *float64
	Denominator *float64
	Value       float64
	// Synthetic marks made-up values, such as the demo's regional
	// series; the optional column synthetic, false when absent.
	Synthetic bool
}

// RowError is a bad row: its line, the fields as read, and why it is bad.
// Reading goes on after one.
type RowError struct {
	Line   int
	Record []string
	Reason string
}

func (e *RowError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason) }

// HeaderError is a header that lacks a required column or repeats one.
// Nothing can be read after one.
type HeaderError struct{ Reason string }

func (e *HeaderError) Error() string { return "header (line 1): " + e.Reason }

// ObservationColumns is the header ObservationWriter writes.
var ObservationColumns = []string{"indicator", "area_code", "area_name", "period", "numerator", "denominator", "value", "synthetic"}

// NewReader reads the header of r. known reports whether an indicator slug
// exists; nil accepts every slug. It returns a *HeaderError for a bad header.
// A row repeating the indicator, area code and period of an earlier good
// row is bad.
func NewReader(r io.Reader, known func(slug string) bool) (*Reader[Row], error) {
	return newReader(r, RequiredColumns, OptionalColumns,
		func(rec *Record) Row { return checkObservation(rec, known) },
		func(row Row) (string, string) {
			return row.Indicator + "\x00" + row.AreaCode + "\x00" + row.Period.String(), "indicator, area code and period"
		})
}

// checkObservation reads one record, noting every problem with it, each
// naming its column.
func checkObservation(rec *Record, known func(string) bool) Row {
	row := Row{Line: rec.Line}
	row.Indicator = rec.Text("indicator")
	switch {
	case row.Indicator == "":
		rec.Problem("indicator: enter the indicator's web address (its slug)")
	case known != nil && !known(row.Indicator):
		rec.Problem("indicator: no indicator has the web address %q", row.Indicator)
	}
	row.AreaCode = rec.Text("area_code")
	if row.AreaCode == "" {
		rec.Problem("area_code: enter the area's code")
	}
	row.AreaName = rec.Text("area_name")
	if row.AreaName == "" {
		rec.Problem("area_name: enter the area's name")
	}
	if rec.Text("period") == "" {
		rec.Problem("period: enter the date the figure's period starts, like 2024-01-01")
	} else {
		row.Period = rec.Date("period")
	}
	if rec.Text("value") == "" {
		rec.Problem("value: enter the figure")
	} else {
		row.Value = rec.Float("value")
	}
	row.Numerator, row.Denominator = rec.OptFloat("numerator"), rec.OptFloat("denominator")
	if row.Denominator != nil && *row.Denominator < 0 {
		rec.Problem("denominator: %s is negative", FormatFloat(*row.Denominator))
	}
	if row.Numerator != nil && row.Denominator != nil && *row.Numerator > *row.Denominator {
		rec.Problem("numerator: %s is greater than the denominator, %s", FormatFloat(*row.Numerator), FormatFloat(*row.Denominator))
	}
	row.Synthetic = rec.Bool("synthetic")
	return row
}

// NewObservationWriter writes the header of an observations file; its
// records are read back by NewReader.
func NewObservationWriter(w io.Writer, opt Options) (*RecordWriter[Row], error) {
	return newRecordWriter(w, ObservationColumns, opt, EncodeObservation)
}

// EncodeObservation is the record of an observation, in the order of
// ObservationColumns.
func EncodeObservation(o Row) []string {
	return []string{o.Indicator, o.AreaCode, o.AreaName, o.Period.String(), FormatOptFloat(o.Numerator),
		FormatOptFloat(o.Denominator), FormatFloat(o.Value), FormatBool(o.Synthetic)}
}

// number parses a finite decimal number; NaN and infinities are not numbers
// here.
func number(s string) (float64, bool) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

// RejectWriter writes bad rows to a CSV file: the input's columns, then
// "line" and "reason". Once fixed, the file can be imported again as it is:
// the extra columns are ignored.
type RejectWriter struct {
	w     *csv.Writer
	width int
}

// NewRejectWriter writes the header: header, then line and reason.
func NewRejectWriter(w io.Writer, header []string) (*RejectWriter, error) {
	cw := csv.NewWriter(w)
	h := append(clone(header), "line", "reason")
	if err := cw.Write(h); err != nil {
		return nil, err
	}
	return &RejectWriter{w: cw, width: len(header)}, nil
}

// Write writes one bad row, padded or cut to the header's width.
func (rw *RejectWriter) Write(e *RowError) error {
	rec := make([]string, rw.width, rw.width+2)
	copy(rec, e.Record)
	return rw.w.Write(append(rec, strconv.Itoa(e.Line), e.Reason))
}

// Flush flushes the output and returns any error writing it.
func (rw *RejectWriter) Flush() error {
	rw.w.Flush()
	return rw.w.Error()
}
