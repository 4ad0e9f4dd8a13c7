package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/groundswell-health/groundswell/api"
)

// The OpenAPI document is generated from the code (huma), so it cannot
// drift from the handlers' types; these checks make sure it is also a valid
// OpenAPI 3.1 document and that what the server actually sends matches it.
// Schemas are checked with santhosh-tekuri/jsonschema, independently of the
// library that generated them.

const docURL = "mem://groundswell/openapi.json"

// schemaChecker validates responses against the OpenAPI document.
type schemaChecker struct {
	doc      map[string]any
	compiler *jsonschema.Compiler
	mu       sync.Mutex
	compiled map[string]*jsonschema.Schema
	routes   []route
}

type route struct {
	method, template string
	re               *regexp.Regexp
}

// openAPIDocument fetches the document as a client would.
func openAPIDocument(t testing.TB, a *api.API) []byte {
	t.Helper()
	rec := httptest.NewRecorder()
	a.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, api.Prefix+"/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET openapi.json without a token: %d\n%s", rec.Code, rec.Body)
	}
	return rec.Body.Bytes()
}

func newSchemaChecker(t testing.TB, a *api.API) *schemaChecker {
	t.Helper()
	raw := openAPIDocument(t, a)
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(docURL, doc); err != nil {
		t.Fatal(err)
	}
	sc := &schemaChecker{doc: doc.(map[string]any), compiler: c, compiled: map[string]*jsonschema.Schema{}}
	paths, _ := sc.doc["paths"].(map[string]any)
	for template, item := range paths {
		for method := range item.(map[string]any) {
			pattern := "^" + api.Prefix + regexp.MustCompile(`\\\{[a-z_]+\\\}`).ReplaceAllString(regexp.QuoteMeta(template), `[^/]+`) + "$"
			sc.routes = append(sc.routes, route{strings.ToUpper(method), template, regexp.MustCompile(pattern)})
		}
	}
	return sc
}

// check validates a response body against its operation's schema for the
// status; a status the document does not list is itself an error.
func (sc *schemaChecker) check(t testing.TB, method, path string, r response) {
	t.Helper()
	var rt *route
	for i := range sc.routes {
		if sc.routes[i].method == method && sc.routes[i].re.MatchString(path) {
			// Prefer a literal segment over a parameter (/osdi over /{id}).
			if rt == nil || strings.Count(sc.routes[i].template, "{") < strings.Count(rt.template, "{") {
				rt = &sc.routes[i]
			}
		}
	}
	if rt == nil {
		return // not an operation (an unknown path): nothing to check against
	}
	op := sc.doc["paths"].(map[string]any)[rt.template].(map[string]any)[strings.ToLower(method)].(map[string]any)
	responses := op["responses"].(map[string]any)
	status := strconv.Itoa(r.status)
	res, ok := responses[status]
	if !ok {
		res, ok = responses["default"]
		status = "default"
	}
	if !ok {
		t.Errorf("%s %s answered %d, which the OpenAPI document does not list", method, rt.template, r.status)
		return
	}
	content, _ := res.(map[string]any)["content"].(map[string]any)
	if len(r.raw) == 0 || content == nil {
		return
	}
	ct := r.header.Get("Content-Type")
	if _, ok := content[ct]; !ok {
		ct = "application/json"
		if _, ok := content[ct]; !ok {
			for k := range content {
				ct = k
			}
		}
	}
	ptr := "#/paths/" + escape(rt.template) + "/" + strings.ToLower(method) + "/responses/" + status + "/content/" + escape(ct) + "/schema"
	sc.mu.Lock()
	schema, ok := sc.compiled[ptr]
	if !ok {
		var err error
		schema, err = sc.compiler.Compile(docURL + ptr)
		if err != nil {
			sc.mu.Unlock()
			t.Fatalf("compile the schema of %s %s %s: %v", method, rt.template, status, err)
		}
		sc.compiled[ptr] = schema
	}
	sc.mu.Unlock()
	body, err := jsonschema.UnmarshalJSON(bytes.NewReader(r.raw))
	if err != nil {
		t.Errorf("%s %s: body is not JSON: %v", method, path, err)
		return
	}
	if err := schema.Validate(body); err != nil {
		t.Errorf("%s %s answered %d with a body that breaks the OpenAPI document: %v\n%s", method, path, r.status, err, r.raw)
	}
}

func escape(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1") }

// TestOpenAPIDocumentIsValid checks the served document against the
// OpenAPI 3.1 schema published by the OpenAPI Initiative (kept in testdata,
// see testdata/README.md), and that it describes every resource.
func TestOpenAPIDocumentIsValid(t *testing.T) {
	a := api.New(api.Options{})
	raw := openAPIDocument(t, a)
	metaRaw, err := os.ReadFile("testdata/openapi-3.1-schema.json")
	if err != nil {
		t.Fatal(err)
	}
	meta, err := jsonschema.UnmarshalJSON(bytes.NewReader(metaRaw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("mem://oas-3.1.json", meta); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("mem://oas-3.1.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(doc); err != nil {
		t.Fatalf("the OpenAPI document is not valid OpenAPI 3.1: %v", err)
	}

	var d struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(d.OpenAPI, "3.1") {
		t.Errorf("openapi %q, want 3.1", d.OpenAPI)
	}
	for _, p := range []string{"/campaigns", "/groups", "/actions", "/milestones", "/areas", "/organisations", "/indicators",
		"/indicators/{id}/observations", "/people", "/commitments", "/relationships", "/osdi/people", "/osdi/petitions/{id}/signatures", "/osdi/tags"} {
		if d.Paths[p]["get"] == nil {
			t.Errorf("the document has no GET %s", p)
		}
	}
	if d.Paths["/commitments"]["post"] == nil || d.Paths["/osdi/petitions/{id}/signatures"]["post"] == nil {
		t.Error("the document lacks the pledge operations")
	}
}
