package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
)

//go:embed templates
var templateFS embed.FS

// pages holds each page template parsed together with the layout and the
// shared partials.
type pages struct {
	byName map[string]*template.Template
}

func loadPages() (*pages, error) {
	shared := []string{"templates/layout.html", "templates/partials.html"}
	names, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, file := range names {
		name := strings.TrimSuffix(path.Base(file), ".html")
		t, err := template.New(name).Funcs(templateFuncs).Funcs(dashboardFuncs).ParseFS(templateFS, append(shared, file)...)
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", name, err)
		}
		p.byName[name] = t
	}
	return p, nil
}

// page is what every template receives. D holds what is particular to the page.
type page struct {
	Title string
	User  *gs.User
	// Illustrative shows the banner that says the data are made up.
	Illustrative bool
	Form         *form
	D            map[string]any
	// Path is the request path, for navigation state.
	Path string
}

// render executes a page into a buffer first, so that a template error gives
// a clean 500 page instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	t, ok := s.pages.byName[name]
	if !ok {
		s.serverError(w, r, fmt.Errorf("no template %q", name))
		return
	}
	if s.onRender != nil {
		s.onRender(name)
	}
	p.User = currentUser(r)
	p.Path = r.URL.Path
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.serverError(w, r, fmt.Errorf("render %s: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if p.User != nil || p.Form != nil {
		w.Header().Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	buf.WriteTo(w)
}

// errorStatus maps a domain error code to its HTTP status: the one place
// where that mapping is made.
func errorStatus(code string) int {
	switch code {
	case gs.EINVALID:
		return http.StatusUnprocessableEntity
	case gs.ENOTFOUND:
		return http.StatusNotFound
	case gs.ECONFLICT:
		return http.StatusConflict
	case gs.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case gs.EFORBIDDEN:
		return http.StatusForbidden
	default:
		return http.StatusInternalServerError
	}
}

// fail shows an error page for err. Internal errors are logged with the
// request and shown as a plain apology; others show their message.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := gs.ErrorCode(err)
	if code == gs.EINTERNAL {
		s.serverError(w, r, err)
		return
	}
	if code == gs.EUNAUTHORIZED {
		http.Redirect(w, r, "/signin?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	status := errorStatus(code)
	title := map[int]string{
		http.StatusNotFound:  "Page not found",
		http.StatusConflict:  "This cannot be done now",
		http.StatusForbidden: "You do not have access to this page",
	}[status]
	if title == "" {
		title = "There is a problem"
	}
	s.render(w, r, status, "error", page{Title: title, D: map[string]any{"Message": gs.ErrorMessage(err), "Status": status}})
}

func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	if cause := store.FaultCause(err); cause != "" {
		// A full disk, a read-only database: not this request's fault, and
		// it will succeed once an operator has mended the cause.
		if log, more := s.faults.next(time.Now()); log {
			s.log.ErrorContext(r.Context(), "request failed: the database cannot store anything", "cause", cause,
				"method", r.Method, "path", r.URL.Path, "err", err, "more_failed_alike", more)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(unavailablePage))
		return
	}
	s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusInternalServerError)
	// A fixed page, not a template: it must not be able to fail itself.
	w.Write([]byte(serverErrorPage))
}

const serverErrorPage = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sorry, there is a problem with the service – Groundswell</title>
<link rel="stylesheet" href="/static/nhsuk/nhsuk-frontend.min.css"></head>
<body><div class="nhsuk-width-container"><main class="nhsuk-main-wrapper" id="maincontent">
<h1 class="nhsuk-heading-l">Sorry, there is a problem with the service</h1>
<p class="nhsuk-body">Try again later. Anything you entered has not been lost if you saw it confirmed; otherwise please enter it again.</p>
<p class="nhsuk-body"><a class="nhsuk-link" href="/">Go to the home page</a></p>
</main></div></body></html>
`

// faultLog thins out the log while a storage fault lasts: every request that
// writes then fails the same way, thousands a second under load, and the log
// may be on the disk that is full. The first failure is logged, then one a
// second at most, with how many others failed since.
type faultLog struct {
	mu   sync.Mutex
	last time.Time
	more int
}

// next reports whether to log a failure now, and how many went unlogged
// before it.
func (l *faultLog) next(now time.Time) (bool, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.last) < time.Second {
		l.more++
		return false, 0
	}
	more := l.more
	l.last, l.more = now, 0
	return true, more
}

// unavailablePage is the 503 page of a storage fault. What was sent was not
// stored (its transaction was rolled back whole); what was confirmed before
// is safe.
const unavailablePage = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sorry, the service is unavailable – Groundswell</title>
<link rel="stylesheet" href="/static/nhsuk/nhsuk-frontend.min.css"></head>
<body><div class="nhsuk-width-container"><main class="nhsuk-main-wrapper" id="maincontent">
<h1 class="nhsuk-heading-l">Sorry, the service is unavailable</h1>
<p class="nhsuk-body">We cannot save anything at the moment, so what you just sent has not been saved. Please try again in a few minutes.</p>
<p class="nhsuk-body">Anything you saw confirmed before is safe.</p>
<p class="nhsuk-body"><a class="nhsuk-link" href="/">Go to the home page</a></p>
</main></div></body></html>
`

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, gs.Errorf(gs.ENOTFOUND, "If you typed the web address, check it is correct. If you pasted it, check you copied the whole address."))
}

var templateFuncs = template.FuncMap{
	"longDate":  func(d gs.Date) string { return d.Long() },
	"monthYear": func(d gs.Date) string { return d.MonthYear() },
	"when": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return gs.DateOf(t).Long()
	},
	"num":     formatInt,
	"decimal": func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) },
	"percent": func(part, whole int) string {
		if whole <= 0 {
			return "0%"
		}
		return strconv.Itoa(part*100/whole) + "%"
	},
	"plural":     plural,
	"paragraphs": paragraphs,
	"add":        func(a, b float64) float64 { return a + b },
	"sub":        func(a, b float64) float64 { return a - b },
	"int":        func(f float64) int { return int(f) },
	"asset":      assetURL,
	"field":      fieldView,
	"dict":       dict,
	"contains":   slices.Contains[[]string],
	"statusName": statusName,
	"auditWhat":  auditWhat,
	"onBehalfName": func(v string) string {
		for _, o := range onBehalfOptions {
			if o.Value == v {
				return o.Label
			}
		}
		return v
	},
	"derefFloat": func(f *float64) float64 {
		if f == nil {
			return 0
		}
		return *f
	},
}

// formatInt writes a count with thousands separators: 12,345.
func formatInt(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// paragraphs splits user text on blank lines. Each paragraph is escaped by
// the template as usual; nothing here produces HTML.
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, errors.New("dict needs key/value pairs")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

func statusName(s string) string {
	switch s {
	case gs.StatusPledged:
		return "Pledged"
	case gs.StatusInProgress:
		return "In progress"
	case gs.StatusDone:
		return "Done"
	case gs.StatusLapsed:
		return "Lapsed"
	case gs.StatusWithdrawn:
		return "Withdrawn"
	case gs.CampaignDraft:
		return "Draft"
	case gs.CampaignLive:
		return "Open for pledges"
	case gs.CampaignClosed:
		return "Closed"
	}
	return s
}
