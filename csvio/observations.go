// Package csvio reads and checks observation CSV files, the format of
// groundswell import observations:
//
//	indicator,area_code,area_name,period,numerator,denominator,value
//
// The columns indicator, area_code, area_name, period and value are required;
// numerator and denominator are optional; columns may come in any order and
// other columns are ignored. Reading streams: one record at a time, with the
// (indicator, area, period) keys seen so far kept to catch duplicates.
// The package is pure: it touches no database; which indicator slugs exist
// is asked of a function the caller supplies.
package csvio

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	gs "github.com/groundswell-health/groundswell"
)

// Required and optional column names.
var (
	RequiredColumns = []string{"indicator", "area_code", "area_name", "period", "value"}
	OptionalColumns = []string{"numerator", "denominator"}
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

// Reader reads observations from a CSV stream.
type Reader struct {
	r      *csv.Reader
	header []string
	col    map[string]int // column name → index; -1 absent
	known  func(slug string) bool
	seen   map[key]int // key → line first seen
}

type key struct {
	indicator, area string
	period          gs.Date
}

// NewReader reads the header of r. known reports whether an indicator slug
// exists; nil accepts every slug. It returns a *HeaderError for a bad header.
func NewReader(r io.Reader, known func(slug string) bool) (*Reader, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &HeaderError{"the file is empty: it needs a header line naming the columns " + strings.Join(RequiredColumns, ", ")}
	}
	if err != nil {
		return nil, &HeaderError{err.Error()}
	}
	rd := &Reader{r: cr, header: make([]string, len(header)), col: map[string]int{}, known: known, seen: map[key]int{}}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		rd.header[i] = h
		if _, dup := rd.col[h]; dup && h != "" {
			return nil, &HeaderError{fmt.Sprintf("column %q appears twice", h)}
		}
		rd.col[h] = i
	}
	var missing []string
	for _, c := range RequiredColumns {
		if _, ok := rd.col[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, &HeaderError{fmt.Sprintf("missing column(s) %s; the header must name %s, and may name %s",
			strings.Join(missing, ", "), strings.Join(RequiredColumns, ", "), strings.Join(OptionalColumns, ", "))}
	}
	cr.FieldsPerRecord = len(header)
	return rd, nil
}

// Header returns the column names as read (lower-cased, trimmed).
func (r *Reader) Header() []string { return r.header }

// InputOffset is how many bytes of the input have been read, for progress.
func (r *Reader) InputOffset() int64 { return r.r.InputOffset() }

// Next returns the next good row. For a bad row it returns a *RowError, and
// the following call goes on with the next row; at the end it returns io.EOF.
// Any other error (reading the input failed) ends the reading.
func (r *Reader) Next() (Row, error) {
	rec, err := r.r.Read()
	if errors.Is(err, io.EOF) {
		return Row{}, io.EOF
	}
	line, _ := r.r.FieldPos(0)
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if pe.StartLine > 0 {
			line = pe.StartLine
		}
		reason := pe.Err.Error()
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			reason = fmt.Sprintf("%d fields where the header has %d", len(rec), len(r.header))
		}
		return Row{}, &RowError{Line: line, Record: clone(rec), Reason: reason}
	}
	if err != nil {
		return Row{}, err
	}
	row, reason := r.check(rec, line)
	if reason != "" {
		return Row{}, &RowError{Line: line, Record: clone(rec), Reason: reason}
	}
	return row, nil
}

func clone(rec []string) []string { return append([]string(nil), rec...) }

func (r *Reader) field(rec []string, name string) (string, bool) {
	i, ok := r.col[name]
	if !ok {
		return "", false
	}
	return strings.TrimSpace(rec[i]), true
}

// check validates one record; a non-empty reason says why it is bad. Every
// problem with the row is named, separated by "; ".
func (r *Reader) check(rec []string, line int) (Row, string) {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	row := Row{Line: line}

	row.Indicator, _ = r.field(rec, "indicator")
	switch {
	case row.Indicator == "":
		bad("empty indicator")
	case r.known != nil && !r.known(row.Indicator):
		bad("unknown indicator %q", row.Indicator)
	}
	row.AreaCode, _ = r.field(rec, "area_code")
	if row.AreaCode == "" {
		bad("empty area code")
	}
	row.AreaName, _ = r.field(rec, "area_name")
	if row.AreaName == "" {
		bad("empty area name")
	}
	period, _ := r.field(rec, "period")
	if d, err := gs.ParseDate(period); err != nil {
		bad("bad period %q: must be a date, YYYY-MM-DD", period)
	} else {
		row.Period = d
	}
	value, _ := r.field(rec, "value")
	if v, ok := number(value); !ok {
		bad("value %q is not a number", value)
	} else {
		row.Value = v
	}
	for _, c := range []struct {
		name string
		dst  **float64
	}{{"numerator", &row.Numerator}, {"denominator", &row.Denominator}} {
		s, present := r.field(rec, c.name)
		if !present || s == "" {
			continue
		}
		v, ok := number(s)
		if !ok {
			bad("%s %q is not a number", c.name, s)
			continue
		}
		*c.dst = &v
	}
	if row.Denominator != nil && *row.Denominator < 0 {
		bad("negative denominator %s", strconv.FormatFloat(*row.Denominator, 'f', -1, 64))
	}
	if row.Numerator != nil && row.Denominator != nil && *row.Numerator > *row.Denominator {
		bad("numerator %s is greater than denominator %s",
			strconv.FormatFloat(*row.Numerator, 'f', -1, 64), strconv.FormatFloat(*row.Denominator, 'f', -1, 64))
	}
	if len(problems) == 0 {
		k := key{row.Indicator, row.AreaCode, row.Period}
		if first, dup := r.seen[k]; dup {
			bad("duplicate of line %d: same indicator, area code and period", first)
		} else {
			r.seen[k] = line
		}
	}
	return row, strings.Join(problems, "; ")
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
