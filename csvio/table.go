package csvio

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	gs "github.com/groundswell-health/groundswell"
)

// What every format shares: a header row naming the columns, in any order;
// cells trimmed and undefused; dates as YYYY-MM-DD; times as RFC 3339 in UTC;
// true and false; numbers in full.

// Options are the writers' options.
type Options struct {
	// BOM starts the file with a UTF-8 byte-order mark. Excel needs it to
	// read the file as UTF-8 rather than in the computer's code page (which
	// garbles "Zoë"); the readers skip one.
	BOM bool
}

// Writer writes a CSV file: a header, then one record at a time, each cell
// defused (see Defuse). It holds one record at a time.
type Writer struct {
	cw    *csv.Writer
	width int
	rows  int64
	rec   []string
}

// NewWriter writes the header (and the byte-order mark if opt asks).
func NewWriter(w io.Writer, header []string, opt Options) (*Writer, error) {
	if opt.BOM {
		if _, err := io.WriteString(w, "\ufeff"); err != nil {
			return nil, err
		}
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return nil, err
	}
	return &Writer{cw: cw, width: len(header), rec: make([]string, len(header))}, nil
}

// Write writes one record, which must have a cell for every column.
func (w *Writer) Write(rec []string) error {
	if len(rec) != w.width {
		return fmt.Errorf("write CSV: %d cells for %d columns", len(rec), w.width)
	}
	for i, v := range rec {
		w.rec[i] = Defuse(v)
	}
	w.rows++
	return w.cw.Write(w.rec)
}

// Rows is how many records have been written, not counting the header.
func (w *Writer) Rows() int64 { return w.rows }

// Flush writes out what is buffered and returns any error writing so far.
func (w *Writer) Flush() error {
	w.cw.Flush()
	return w.cw.Error()
}

// FormatTime writes a time as RFC 3339 in UTC with milliseconds (what the
// database keeps), "2026-03-31T09:00:00.000Z"; the zero time as "".
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

// FormatFloat writes a number in the fewest digits that read back exactly.
func FormatFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// FormatOptFloat writes a number that may be absent ("").
func FormatOptFloat(v *float64) string {
	if v == nil {
		return ""
	}
	return FormatFloat(*v)
}

// FormatBool writes true or false.
func FormatBool(b bool) string { return strconv.FormatBool(b) }

// FormatInt writes a whole number.
func FormatInt(n int64) string { return strconv.FormatInt(n, 10) }

// MaxRecordBytes bounds one record of a file: encoding/csv holds a whole
// record in memory, and a file whose quote is never closed is one record to
// its end. No record of these formats comes near it (a pledge's "why" is at
// most 1,000 characters).
const MaxRecordBytes = 1 << 20

// bom is the UTF-8 byte-order mark a file may start with.
const bom = "\ufeff"

// NewCSVReader returns an encoding/csv reader of r as this package reads
// every file: a byte-order mark at the start skipped (before the CSV is
// parsed, so that a quoted first cell is still a quoted cell), and a record
// of more than MaxRecordBytes an error rather than held in memory. For code
// that reads the records itself, such as to count them; its offset
// (InputOffset) does not count the mark.
func NewCSVReader(r io.Reader) *csv.Reader {
	br := bufio.NewReader(&recordLimit{r: r, limit: MaxRecordBytes, line: 1})
	if b, err := br.Peek(len(bom)); err == nil && string(b) == bom {
		br.Discard(len(bom)) // peeked: it cannot fail
	}
	return csv.NewReader(br)
}

// recordLimit passes its input through, failing once a record — the bytes
// from one line end outside quotes to the next — grows past limit. It
// follows quotes as encoding/csv does: a quote opens a quoted field only at
// the start of a field, and inside one, a doubled quote is a quote.
type recordLimit struct {
	r     io.Reader
	limit int
	n     int // bytes of the record so far
	state int // where in a field the last byte was: one of the states below
	line  int // the line the record starts on
	lines int // line ends inside the record so far
	err   error
}

const (
	fieldStart  = iota // at the start of a field
	unquoted           // in a field that did not start with a quote
	quoted             // in a quoted field
	quoteInside        // just after a quote in a quoted field: a doubled quote, or its end
)

// RecordTooLongError is a record longer than MaxRecordBytes. Reading stops
// there: where the record ends cannot be told.
type RecordTooLongError struct{ Line int }

func (e *RecordTooLongError) Error() string {
	return fmt.Sprintf("line %d: the row is longer than %d MiB, which no row of these files is: is it a CSV file, and is every quote closed?",
		e.Line, MaxRecordBytes>>20)
}

func (l *recordLimit) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	for i, c := range p[:n] {
		switch {
		case c == '\n' && l.state == quoted:
			l.lines++
		case c == '\n':
			l.line += l.lines + 1
			l.n, l.lines, l.state = 0, 0, fieldStart
			continue
		case c == '"' && l.state == quoted:
			l.state = quoteInside
		case c == '"' && (l.state == fieldStart || l.state == quoteInside):
			l.state = quoted
		case c == ',' && l.state != quoted:
			l.state = fieldStart
		case (c == ' ' || c == '\t') && l.state == fieldStart:
			// Leading space, which the readers trim.
		case l.state != quoted:
			// Text after a quoted field's end is a bad row to
			// encoding/csv, which goes on at the next line.
			l.state = unquoted
		}
		l.n++
		if l.n > l.limit {
			l.err = &RecordTooLongError{Line: l.line}
			return i, l.err
		}
	}
	return n, err
}

// Table reads a CSV file of one format record by record: the header first,
// checked against the format's columns, then each record with its line.
// Columns may come in any order. A column the format does not know is
// ignored (Ignored lists them, so a caller can warn of a misspelt name); the
// reject files depend on that, adding line and reason to the columns read.
type Table struct {
	r       *csv.Reader
	header  []string
	col     map[string]int
	ignored []string
	columns Columns
}

// Columns are the columns of a format that a file's header names, as each
// of its rows carries them. A column the file leaves out says nothing about
// what its rows name — an import leaves the stored value as it is — where
// an empty cell says "none". The zero Columns names every column: a row
// made in code says everything, as does a row of a file whose header names
// every column of its format.
type Columns struct{ named map[string]bool }

// Has reports whether the file names the column.
func (c Columns) Has(name string) bool { return c.named == nil || c.named[name] }

// NewTable reads the header of r. required columns must be named; optional
// ones may be. It returns a *HeaderError for a bad header.
func NewTable(r io.Reader, required, optional []string) (*Table, error) {
	cr := NewCSVReader(r)
	cr.ReuseRecord = true
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &HeaderError{"the file is empty: it needs a header line naming the columns " + strings.Join(required, ", ")}
	}
	if err != nil {
		return nil, &HeaderError{err.Error()}
	}
	t := &Table{r: cr, header: make([]string, len(header)), col: map[string]int{}}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		t.header[i] = h
		if _, dup := t.col[h]; dup && h != "" {
			return nil, &HeaderError{fmt.Sprintf("column %q appears twice", h)}
		}
		t.col[h] = i
		if h != "" && !slices.Contains(required, h) && !slices.Contains(optional, h) {
			t.ignored = append(t.ignored, h)
		}
	}
	var missing []string
	for _, c := range required {
		if _, ok := t.col[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		msg := fmt.Sprintf("missing column(s) %s; the header must name %s", strings.Join(missing, ", "), strings.Join(required, ", "))
		if len(optional) > 0 {
			msg += ", and may name " + strings.Join(optional, ", ")
		}
		return nil, &HeaderError{msg}
	}
	cr.FieldsPerRecord = len(header)
	for _, c := range slices.Concat(required, optional) {
		if !t.Has(c) {
			t.columns.named = map[string]bool{}
			for _, h := range t.header {
				t.columns.named[h] = true
			}
			break
		}
	}
	return t, nil
}

// Header returns the column names as read (lower-cased, trimmed).
func (t *Table) Header() []string { return t.header }

// Ignored returns the columns of the header that the format does not know.
func (t *Table) Ignored() []string { return t.ignored }

// Has reports whether the header names the column.
func (t *Table) Has(name string) bool { _, ok := t.col[name]; return ok }

// InputOffset is how many bytes of the input have been read, for progress.
func (t *Table) InputOffset() int64 { return t.r.InputOffset() }

// Next returns the next record. A record that is not CSV, or has a different
// number of fields from the header, is a *RowError, and the following call
// goes on with the next record; at the end it returns io.EOF. A record of
// empty cells alone (",,,", as a spreadsheet saves the rows below a table)
// is skipped, as a blank line is. Any other error (reading the input failed,
// a *RecordTooLongError) ends the reading.
func (t *Table) Next() (*Record, error) {
	rec, err := t.r.Read()
	for err == nil && blank(rec) {
		rec, err = t.r.Read()
	}
	if errors.Is(err, io.EOF) {
		return nil, io.EOF
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		// Not FieldPos: it panics when the record has no field yet (a
		// quote left open on the first field).
		line := pe.StartLine
		if line == 0 {
			line = pe.Line
		}
		reason := pe.Err.Error()
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			reason = fmt.Sprintf("%d fields where the header has %d", len(rec), len(t.header))
		}
		return nil, &RowError{Line: line, Record: clone(rec), Reason: reason}
	}
	if err != nil {
		return nil, err
	}
	line, _ := t.r.FieldPos(0)
	return &Record{Line: line, fields: rec, t: t}, nil
}

// blank reports whether every cell of a record is empty or spaces.
func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// Record is one record as read, with the problems found in it so far. Its
// getters read a cell by column name — trimmed, undefused, "" when the
// header does not name the column — and note a problem with the cell
// (naming its column) rather than fail, so that every problem of a row is
// reported at once.
type Record struct {
	Line     int
	fields   []string
	t        *Table
	problems []string
	bad      map[string]bool // columns with a problem noted
}

// cellProblem notes a problem with one column's cell.
func (r *Record) cellProblem(name, format string, args ...any) {
	if r.bad == nil {
		r.bad = map[string]bool{}
	}
	r.bad[name] = true
	r.Problem("%s: %s", name, fmt.Sprintf(format, args...))
}

// Has reports whether the header names the column.
func (r *Record) Has(name string) bool { return r.t.Has(name) }

// Columns are the columns of the format the header names.
func (r *Record) Columns() Columns { return r.t.columns }

// Text returns the cell of the column.
func (r *Record) Text(name string) string {
	i, ok := r.t.col[name]
	if !ok {
		return ""
	}
	return Undefuse(strings.TrimSpace(r.fields[i]))
}

// Problem notes a problem with the record.
func (r *Record) Problem(format string, args ...any) {
	r.problems = append(r.problems, fmt.Sprintf(format, args...))
}

// Date reads an ISO 8601 date, YYYY-MM-DD; "" is the zero date.
func (r *Record) Date(name string) gs.Date {
	s := r.Text(name)
	if s == "" {
		return gs.Date{}
	}
	d, err := gs.ParseDate(s)
	if err != nil {
		r.cellProblem(name, "%q is not a date in the form YYYY-MM-DD", s)
	}
	return d
}

// timeLayouts are the forms a time may take: RFC 3339 as written, and the
// forms a spreadsheet tends to save it back in, read as UTC.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02"}

// Time reads a time: RFC 3339 ("2026-03-31T09:00:00Z"), or a date and time
// with no zone, or a date alone, as UTC. "" is the zero time. The result is
// in UTC, to the millisecond, as the database keeps it.
func (r *Record) Time(name string) time.Time {
	s := r.Text(name)
	if s == "" {
		return time.Time{}
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC().Truncate(time.Millisecond)
		}
	}
	r.cellProblem(name, "%q is not a date and time in the form 2026-03-31T09:00:00Z", s)
	return time.Time{}
}

// Bool reads true or false (also yes/no, y/n, 1/0, in any case); "" is false.
func (r *Record) Bool(name string) bool {
	switch s := strings.ToLower(r.Text(name)); s {
	case "true", "yes", "y", "1":
		return true
	case "false", "no", "n", "0", "":
		return false
	default:
		r.cellProblem(name, "%q is not true or false", r.Text(name))
		return false
	}
}

// Float reads a finite number; "" is 0.
func (r *Record) Float(name string) float64 {
	v := r.OptFloat(name)
	if v == nil {
		return 0
	}
	return *v
}

// OptFloat reads a finite number that may be absent: "" is nil.
func (r *Record) OptFloat(name string) *float64 {
	s := r.Text(name)
	if s == "" {
		return nil
	}
	v, ok := number(s)
	if !ok {
		r.cellProblem(name, "%q is not a number", s)
		return nil
	}
	return &v
}

// Int reads a whole number; "" is 0.
func (r *Record) Int(name string) int64 {
	s := r.Text(name)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		r.cellProblem(name, "%q is not a whole number", s)
	}
	return n
}

// Check notes the per-field messages of a domain validation error (a
// *groundswell.Error with Fields), each as "column: message"; column maps a
// field name to its column where they differ. A column whose cell could not
// be read has its problem noted already (not "Enter the date" after "is not
// a date"). Any other error is noted as it is.
func (r *Record) Check(err error, column map[string]string) {
	if err == nil {
		return
	}
	fields := gs.ErrorFields(err)
	if len(fields) == 0 {
		r.Problem("%s", gs.ErrorMessage(err))
		return
	}
	names := make([]string, 0, len(fields))
	for f := range fields {
		names = append(names, f)
	}
	slices.Sort(names)
	for _, f := range names {
		c := f
		if column[f] != "" {
			c = column[f]
		}
		if !r.bad[c] {
			r.Problem("%s: %s", c, fields[f])
		}
	}
}

// Err returns the record's problems as one *RowError, or nil.
func (r *Record) Err() *RowError {
	if len(r.problems) == 0 {
		return nil
	}
	return &RowError{Line: r.Line, Record: clone(r.fields), Reason: strings.Join(r.problems, "; ")}
}

// Reader reads the records of one format as values of type T, checking each
// row and refusing a row that repeats the key of an earlier good one.
type Reader[T any] struct {
	t     *Table
	parse func(*Record) T
	// key is a row's identity in the file and what to call it in a
	// message; "" for a row that has none.
	key  func(T) (string, string)
	seen map[string]int
	last *Record
}

func newReader[T any](r io.Reader, required, optional []string, parse func(*Record) T, key func(T) (string, string)) (*Reader[T], error) {
	t, err := NewTable(r, required, optional)
	if err != nil {
		return nil, err
	}
	return &Reader[T]{t: t, parse: parse, key: key, seen: map[string]int{}}, nil
}

// Header returns the column names as read (lower-cased, trimmed).
func (r *Reader[T]) Header() []string { return r.t.Header() }

// Ignored returns the columns of the header that the format does not know.
func (r *Reader[T]) Ignored() []string { return r.t.Ignored() }

// Has reports whether the header names the column.
func (r *Reader[T]) Has(name string) bool { return r.t.Has(name) }

// InputOffset is how many bytes of the input have been read, for progress.
func (r *Reader[T]) InputOffset() int64 { return r.t.InputOffset() }

// Fields returns a copy of the fields of the row Next last read, as they
// were in the file: for a reject file of rows refused later.
func (r *Reader[T]) Fields() []string {
	if r.last == nil {
		return nil
	}
	return clone(r.last.fields)
}

// Next returns the next good row. For a bad row it returns a *RowError
// naming every problem with it, and the following call goes on with the next
// row; at the end it returns io.EOF. Any other error (reading the input
// failed) ends the reading.
func (r *Reader[T]) Next() (T, error) {
	var zero T
	rec, err := r.t.Next()
	if err != nil {
		return zero, err
	}
	r.last = rec
	v := r.parse(rec)
	if re := rec.Err(); re != nil {
		return zero, re
	}
	if r.key != nil {
		if k, what := r.key(v); k != "" {
			if first, dup := r.seen[k]; dup {
				return zero, &RowError{Line: rec.Line, Record: clone(rec.fields), Reason: fmt.Sprintf("duplicate of line %d: same %s", first, what)}
			}
			r.seen[k] = rec.Line
		}
	}
	return v, nil
}

// RecordWriter writes values of type T as the records of one format.
type RecordWriter[T any] struct {
	w      *Writer
	encode func(T) []string
}

func newRecordWriter[T any](w io.Writer, header []string, opt Options, encode func(T) []string) (*RecordWriter[T], error) {
	cw, err := NewWriter(w, header, opt)
	if err != nil {
		return nil, err
	}
	return &RecordWriter[T]{w: cw, encode: encode}, nil
}

// Write writes one record.
func (w *RecordWriter[T]) Write(v T) error { return w.w.Write(w.encode(v)) }

// Rows is how many records have been written, not counting the header.
func (w *RecordWriter[T]) Rows() int64 { return w.w.Rows() }

// Flush writes out what is buffered and returns any error writing so far.
func (w *RecordWriter[T]) Flush() error { return w.w.Flush() }

func clone(rec []string) []string { return append([]string(nil), rec...) }
