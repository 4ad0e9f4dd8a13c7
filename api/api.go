// Package api is Groundswell's JSON API, served at /api/v1: every object of
// a campaign (campaigns, groups, actions, milestones, areas, organisations,
// indicators and their observations, people, commitments, relationships),
// read a page at a time with cursors, a few writes (pledges above all), and
// the Open Supporter Data Interface (OSDI) resources that organising tools
// such as Action Network speak (osdi.go).
//
// Operations are declared with huma, which checks every request against the
// operation's JSON Schema before a handler runs and generates the OpenAPI 3.1
// document from the same Go types, so the document and the code cannot
// drift. Errors are RFC 9457 problem details.
//
// A request carries a personal API token (store.APITokenBySecret), made by an
// organiser for one campaign: it sees that campaign only, and the token works
// only while its maker is still an organiser. Read-only tokens may only GET.
// Each token has a rate limit, announced in RateLimit headers.
package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/ratelimit"
	"github.com/groundswell-health/groundswell/store"
)

// Prefix is where the API is served.
const Prefix = "/api/v1"

// MaxBody is the largest request body accepted, in bytes: a pledge or a
// batch of observations is a few kilobytes.
const MaxBody = 256 << 10

// Options configure the API.
type Options struct {
	Store  *store.Store
	Logger *slog.Logger
	// Limiter counts requests per token under PerToken (a limiter of this
	// node's own when nil; the web app shares its one so nodes agree).
	Limiter  *ratelimit.Limiter
	PerToken ratelimit.Limit
	// Version is the program's version, shown in the OpenAPI document.
	Version string
	// BaseURL is the installation's public address, for the absolute links
	// of OSDI resources; when empty, the address the request came to.
	BaseURL string
}

// API serves /api/v1.
type API struct {
	store   *store.Store
	log     *slog.Logger
	opts    Options
	limiter *ratelimit.Limiter
	huma    huma.API
	handler http.Handler
}

// New returns the API.
func New(opts Options) *API {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Version == "" {
		opts.Version = "1.0.0"
	}
	a := &API{store: opts.Store, log: opts.Logger, opts: opts, limiter: opts.Limiter}
	if a.limiter == nil {
		a.limiter = ratelimit.New(nil, opts.Logger)
	}
	mux := http.NewServeMux()
	a.huma = humago.NewWithPrefix(mux, Prefix, a.config())
	a.register()
	mux.HandleFunc(Prefix+"/", func(w http.ResponseWriter, r *http.Request) {
		// The path may be an operation's, with another method: say which.
		var allow []string
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			other := r.Clone(r.Context())
			other.Method = m
			if _, pattern := mux.Handler(other); m != r.Method && pattern != "" && pattern != Prefix+"/" {
				allow = append(allow, m)
			}
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeProblem(w, http.StatusMethodNotAllowed, r.Method+" is not an operation on this resource; it allows "+strings.Join(allow, " and ")+".", nil)
			return
		}
		writeProblem(w, http.StatusNotFound, "There is no such resource in the API. The list is at "+Prefix+"/openapi.json.", nil)
	})
	a.handler = a.recoverer(a.authenticate(mux))
	return a
}

func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.handler.ServeHTTP(w, r) }

// OpenAPI is the API's OpenAPI 3.1 document.
func (a *API) OpenAPI() *huma.OpenAPI { return a.huma.OpenAPI() }

const halJSON = "application/hal+json"

func (a *API) config() huma.Config {
	cfg := huma.DefaultConfig("Groundswell API", a.opts.Version)
	cfg.Info.Description = "Read and write a call to action's campaigns, groups, actions, people, commitments and " +
		"relationships; OSDI people, petitions, signatures and tags for organising tools. See docs/API.md."
	cfg.Servers = []*huma.Server{{URL: Prefix}}
	// No CDN-hosted docs page: /api/docs is rendered by the web app from
	// this document, and the schema-link transformer would add a $schema
	// field to every body, which OSDI clients do not expect.
	cfg.DocsPath = ""
	cfg.SchemasPath = ""
	cfg.CreateHooks = nil
	cfg.RejectUnknownQueryParameters = true
	cfg.Formats = map[string]huma.Format{
		"application/json": huma.DefaultJSONFormat,
		"json":             huma.DefaultJSONFormat,
		halJSON:            huma.DefaultJSONFormat,
	}
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"token": {Type: "http", Scheme: "bearer", Description: "A personal API token (gsk_…), made by an organiser under Manage campaigns → API tokens."},
		"osdi":  {Type: "apiKey", In: "header", Name: "OSDI-API-Token", Description: "The same token, in the header OSDI clients send."},
	}
	cfg.Security = []map[string][]string{{"token": {}}, {"osdi": {}}}
	return cfg
}

// Problems are RFC 9457 problem details. huma reports a body or parameter
// that breaks its schema as 422; Groundswell answers every bad input — bad
// JSON, an unknown field, a wrong type, a value out of range, a failed
// domain rule — with 400 and the field named in errors[].location, so a
// client needs one rule.
func init() {
	base := huma.NewError
	huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
		if status == http.StatusUnprocessableEntity {
			status = http.StatusBadRequest
		}
		for _, err := range errs {
			nameMissing(err)
		}
		return base(status, msg, errs...)
	}
}

// missingProperty is how huma words a missing required property; it puts
// the object, not the property, in the location.
var missingProperty = regexp.MustCompile(`^expected required property (\S+) to be present$`)

// nameMissing moves a missing property's name into the location, so a
// client reads "body.email" as for every other bad field.
func nameMissing(err error) {
	var d *huma.ErrorDetail
	if errors.As(err, &d) {
		if m := missingProperty.FindStringSubmatch(d.Message); m != nil && !strings.HasSuffix(d.Location, "."+m[1]) {
			d.Location += "." + m[1]
			d.Value = nil
		}
	}
}

// caller is who is calling: the token and the organiser behind it.
type caller struct {
	token gs.APIToken
	user  gs.User
}

type callerKey struct{}

func callerOf(ctx context.Context) caller {
	c, _ := ctx.Value(callerKey{}).(caller)
	return c
}

// campaignOf is the campaign the calling token is for.
func campaignOf(ctx context.Context) int64 { return callerOf(ctx).token.CampaignID }

type baseKey struct{}

// baseURL is the public address links are made from.
func (a *API) baseURL(r *http.Request) string {
	if a.opts.BaseURL != "" {
		return strings.TrimSuffix(a.opts.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func baseOf(ctx context.Context) string { s, _ := ctx.Value(baseKey{}).(string); return s }

// public paths need no token: the API's own description.
func public(path string) bool {
	return path == Prefix+"/openapi.json" || path == Prefix+"/openapi.yaml" || path == Prefix+"/openapi-3.0.json" || path == Prefix+"/openapi-3.0.yaml"
}

// authenticate finds the token of a request, checks it may do what it asks,
// and counts it against its rate limit.
func (a *API) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if public(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		secret := r.Header.Get("OSDI-API-Token")
		if h := r.Header.Get("Authorization"); secret == "" && h != "" {
			scheme, rest, _ := strings.Cut(h, " ")
			if strings.EqualFold(scheme, "Bearer") {
				secret = strings.TrimSpace(rest)
			}
		}
		if secret == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="groundswell"`)
			writeProblem(w, http.StatusUnauthorized, "Send an API token in the Authorization header: \"Authorization: Bearer gsk_…\".", nil)
			return
		}
		tok, user, err := a.store.APITokenBySecret(r.Context(), secret)
		if gs.ErrorCode(err) == gs.EUNAUTHORIZED {
			w.Header().Set("WWW-Authenticate", `Bearer realm="groundswell", error="invalid_token"`)
			writeProblem(w, http.StatusUnauthorized, "The API token is not recognised, or has been revoked.", nil)
			return
		} else if err != nil {
			a.internal(w, r, fmt.Errorf("check API token: %w", err))
			return
		}
		// The same role rules as the web pages: a token acts for its maker,
		// and stops working when they are no longer an organiser.
		access, err := a.store.Access(r.Context(), user)
		if err != nil {
			a.internal(w, r, fmt.Errorf("access of token %d's user: %w", tok.ID, err))
			return
		}
		if !access.Organiser() {
			writeProblem(w, http.StatusForbidden, "The person who made this token is no longer an organiser, so it no longer works.", nil)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && tok.Scope != gs.ScopeWrite {
			writeProblem(w, http.StatusForbidden, "This token is read-only. An organiser can make a read-write token under Manage campaigns → API tokens.", nil)
			return
		}
		if !a.withinLimit(w, r, tok) {
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
		ctx := context.WithValue(r.Context(), callerKey{}, caller{tok, user})
		// The changes the request makes are audited as the token's maker's.
		ctx = store.WithActor(ctx, gs.ActorFor(&access, gs.ViaToken(tok.ID)))
		ctx = context.WithValue(ctx, urlKey{}, r.URL)
		ctx = context.WithValue(ctx, baseKey{}, a.baseURL(r))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// withinLimit counts the request against its token's limit and sets the
// RateLimit headers of draft-ietf-httpapi-ratelimit-headers (quota, window,
// what is left and when it resets); over the limit it answers 429.
func (a *API) withinLimit(w http.ResponseWriter, r *http.Request, tok gs.APIToken) bool {
	lim := a.opts.PerToken
	d := a.limiter.Take("api:token:"+strconv.FormatInt(tok.ID, 10), lim)
	if lim.Off() {
		return true
	}
	reset := int(max(time.Second, d.Reset.Round(time.Second)) / time.Second)
	w.Header().Set("RateLimit-Policy", fmt.Sprintf(`"token";q=%d;w=%d`, lim.N, int(lim.Per/time.Second)))
	w.Header().Set("RateLimit", fmt.Sprintf(`"token";r=%d;t=%d`, d.Remaining, reset))
	if d.OK {
		return true
	}
	w.Header().Set("Retry-After", strconv.Itoa(reset))
	a.log.WarnContext(r.Context(), "API rate limit", "token", tok.ID, "path", r.URL.Path)
	writeProblem(w, http.StatusTooManyRequests, fmt.Sprintf("This token has made more than %d requests in %s. Try again in %d seconds.", lim.N, lim.Per, reset), nil)
	return false
}

func (a *API) recoverer(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				a.internal(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		h.ServeHTTP(w, r)
	})
}

func (a *API) internal(w http.ResponseWriter, r *http.Request, err error) {
	if cause := store.FaultCause(err); cause != "" {
		a.log.ErrorContext(r.Context(), "API request failed: storage unavailable", "cause", cause, "err", err)
		w.Header().Set("Retry-After", "30")
		writeProblem(w, http.StatusServiceUnavailable, "The database cannot store anything at the moment ("+cause+"). Nothing was saved; please try again shortly.", nil)
		return
	}
	a.log.ErrorContext(r.Context(), "API request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	writeProblem(w, http.StatusInternalServerError, "Something went wrong on our side. It has been logged; please try again later.", nil)
}

// writeProblem answers with problem details outside huma (before an
// operation is found), in the same shape huma uses.
func writeProblem(w http.ResponseWriter, status int, detail string, errs []*huma.ErrorDetail) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	huma.DefaultJSONFormat.Marshal(w, &huma.ErrorModel{Title: http.StatusText(status), Status: status, Detail: detail, Errors: errs})
}

// problem turns an error of the domain or the store into the problem huma
// writes: its code sets the status, its field errors become errors[] with
// the field's place in the request, and anything not of the domain is logged
// and hidden.
func (a *API) problem(ctx context.Context, err error, fields map[string]string) error {
	if cause := store.FaultCause(err); cause != "" {
		// The database cannot store anything (a full disk, a read-only
		// file, PostgreSQL unreachable): nothing was written, and the
		// client may try again. The web pages answer the same way.
		a.log.ErrorContext(ctx, "API request failed: storage unavailable", "cause", cause, "err", err)
		return huma.ErrorWithHeaders(huma.Error503ServiceUnavailable("The database cannot store anything at the moment ("+cause+"). Nothing was saved; please try again shortly."),
			http.Header{"Retry-After": {"30"}})
	}
	var e *gs.Error
	if !errors.As(err, &e) {
		a.log.ErrorContext(ctx, "API request failed", "err", err)
		return huma.Error500InternalServerError("Something went wrong on our side. It has been logged; please try again later.")
	}
	status := map[string]int{
		gs.EINVALID: http.StatusBadRequest, gs.ENOTFOUND: http.StatusNotFound, gs.ECONFLICT: http.StatusConflict,
		gs.EUNAUTHORIZED: http.StatusUnauthorized, gs.EFORBIDDEN: http.StatusForbidden,
	}[e.Code]
	if status == 0 {
		a.log.ErrorContext(ctx, "API request failed", "err", err)
		return huma.Error500InternalServerError("Something went wrong on our side. It has been logged; please try again later.")
	}
	var details []error
	for _, field := range sortedKeys(e.Fields) {
		loc := fields[field]
		if loc == "" {
			loc = "body." + field
		}
		details = append(details, &huma.ErrorDetail{Message: e.Fields[field], Location: loc})
	}
	return huma.NewError(status, e.Message, details...)
}

// badParam is a 400 naming a query parameter.
func badParam(name, msg string, value any) error {
	return huma.Error400BadRequest("A query parameter is not valid", &huma.ErrorDetail{Message: msg, Location: "query." + name, Value: value})
}
