package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	gs "github.com/groundswell-health/groundswell"
)

// maxFormBytes bounds a form body. The largest legitimate form (a campaign
// with its story) is well under this.
const maxFormBytes = 64 << 10

// form is a form's state between requests: the values as entered, so a form
// that fails validation comes back filled in, and the messages per field.
type form struct {
	Values url.Values
	Errors gs.FieldErrors
	// Order lists the fields as they appear on the page, so the error
	// summary reads top to bottom.
	Order []string
	// Message is a problem that belongs to no one field.
	Message string
}

func newForm(order ...string) *form {
	return &form{Values: url.Values{}, Errors: gs.FieldErrors{}, Order: order}
}

// parseForm reads a POSTed form, bounded in size.
func parseForm(w http.ResponseWriter, r *http.Request, order ...string) (*form, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return nil, gs.Errorf(gs.EINVALID, "The form could not be read. It may be too long: please shorten what you entered and try again")
	}
	f := newForm(order...)
	f.Values = r.PostForm
	return f, nil
}

func (f *form) Get(name string) string { return f.Values.Get(name) }

func (f *form) Set(name, value string) { f.Values.Set(name, value) }

func (f *form) Checked(name string) bool {
	v := f.Values.Get(name)
	return v == "yes" || v == "on" || v == "true"
}

// Int reads a whole-number field; an unreadable one is recorded as a field
// error with the given message.
func (f *form) Int(name, msg string) int64 {
	v := strings.TrimSpace(f.Values.Get(name))
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		f.Errors.Add(name, msg)
	}
	return n
}

// Date reads an ISO date field (what <input type="date"> sends).
func (f *form) Date(name, label string) gs.Date {
	v := strings.TrimSpace(f.Values.Get(name))
	if v == "" {
		return gs.Date{}
	}
	d, err := gs.ParseDate(v)
	if err != nil || d.Year < 1900 || d.Year > 2200 {
		f.Errors.Add(name, label+" must be a real date, like 31 March 2027")
	}
	return d
}

// Fail records a store or domain error on the form: field messages next to
// their fields, anything else as the form's message.
func (f *form) Fail(err error) {
	for k, v := range gs.ErrorFields(err) {
		f.Errors.Add(k, v)
	}
	if len(gs.ErrorFields(err)) == 0 {
		f.Message = gs.ErrorMessage(err)
	}
}

// HasErrors reports whether anything needs fixing.
func (f *form) HasErrors() bool { return len(f.Errors) > 0 || f.Message != "" }

type summaryItem struct {
	Field, Message string
}

// Summary lists the field errors in page order for the error summary; each
// links to its field.
func (f *form) Summary() []summaryItem {
	var out []summaryItem
	seen := map[string]bool{}
	for _, name := range f.Order {
		if msg, ok := f.Errors[name]; ok {
			out = append(out, summaryItem{name, msg})
			seen[name] = true
		}
	}
	for name, msg := range f.Errors {
		if !seen[name] {
			out = append(out, summaryItem{name, msg})
		}
	}
	return out
}

// IDs reads a field of ticked boxes whose values are ids. A value that is
// not an id is recorded as a field error with the given message.
func (f *form) IDs(name, msg string) []int64 {
	var out []int64
	for _, v := range f.Values[name] {
		id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || id <= 0 {
			f.Errors.Add(name, msg)
			return nil
		}
		out = append(out, id)
	}
	return out
}

// option is one choice of a select or radio group.
type option struct {
	Value, Label string
}

// field is what the field partials render.
type field struct {
	Kind, Name, Label, Hint, Value, Error string
	Checked                               bool
	// Values are every value sent for the field: the ticked boxes of a
	// "checkboxes" field.
	Values       []string
	Options      []option
	Width        string
	Autocomplete string
}

// fieldView builds a field from the form for the templates:
// {{template "field" (field .Form "text" "name" "Your name" "hint")}}.
// Extra arguments are key/value pairs: "options", "width", "autocomplete".
func fieldView(f *form, kind, name, label, hint string, extra ...any) field {
	fd := field{Kind: kind, Name: name, Label: label, Hint: hint}
	if f != nil {
		fd.Value = f.Get(name)
		fd.Values = f.Values[name]
		fd.Error = f.Errors[name]
		fd.Checked = f.Checked(name)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		switch extra[i] {
		case "options":
			fd.Options, _ = extra[i+1].([]option)
		case "width":
			fd.Width, _ = extra[i+1].(string)
		case "autocomplete":
			fd.Autocomplete, _ = extra[i+1].(string)
		}
	}
	return fd
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// pathID reads a numeric path value; anything else is a page that does not
// exist.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, gs.Errorf(gs.ENOTFOUND, "There is no such page.")
	}
	return id, nil
}

// saved is the common end of an organiser's form post. When the form parsed
// cleanly it stores (through save) and redirects to next, returning true. A
// problem with the input goes on the form — with every other problem validate
// finds, so all are shown at once — and it returns false for the caller to
// show the form again. Any other error is answered here, returning true.
func (s *Server) saved(w http.ResponseWriter, r *http.Request, f *form, save func() error, validate func() error, next func() string) bool {
	if len(f.Errors) > 0 {
		if validate != nil {
			f.Fail(validate())
		}
		return false
	}
	err := save()
	switch {
	case err == nil:
		http.Redirect(w, r, next(), http.StatusSeeOther)
		return true
	case gs.ErrorCode(err) == gs.EINVALID:
		f.Fail(err)
		return false
	default:
		s.fail(w, r, err)
		return true
	}
}
