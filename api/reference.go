package api

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// Reference is the API's documentation as plain data, read from the same
// OpenAPI document clients get, for the web app to render at /api/docs as
// an ordinary page (no script, no CDN).
type Reference struct {
	Title, Version, Description string
	Sections                    []Section
	Schemas                     []Schema
}

// Section is the operations of one tag.
type Section struct {
	Name       string
	Operations []Operation
}

// Operation is one method on one path.
type Operation struct {
	ID, Method, Path, Summary, Description string
	Params                                 []Field
	Body                                   string // the request body's schema name, if any
	Responses                              []Response
}

// Response is one status an operation answers with.
type Response struct {
	Status, Description, Schema string
}

// Schema is a named body shape.
type Schema struct {
	Name   string
	Fields []Field
}

// Field is a parameter or a property.
type Field struct {
	Name, In, Type, Doc string
	Required            bool
}

// Reference describes the API.
func (a *API) Reference() Reference {
	doc := a.huma.OpenAPI()
	ref := Reference{Title: doc.Info.Title, Version: doc.Info.Version, Description: doc.Info.Description}
	sections := map[string]*Section{}
	var order []string
	for _, path := range slices.Sorted(maps.Keys(doc.Paths)) {
		item := doc.Paths[path]
		for _, mo := range []struct {
			method string
			op     *huma.Operation
		}{{"GET", item.Get}, {"POST", item.Post}, {"PUT", item.Put}, {"PATCH", item.Patch}, {"DELETE", item.Delete}} {
			if mo.op == nil || mo.op.Hidden {
				continue
			}
			tag := "Other"
			if len(mo.op.Tags) > 0 {
				tag = mo.op.Tags[0]
			}
			if sections[tag] == nil {
				sections[tag] = &Section{Name: tag}
				order = append(order, tag)
			}
			sections[tag].Operations = append(sections[tag].Operations, operationRef(mo.method, Prefix+path, mo.op))
		}
	}
	for _, tag := range order {
		ref.Sections = append(ref.Sections, *sections[tag])
	}
	schemas := doc.Components.Schemas.Map()
	for _, name := range slices.Sorted(maps.Keys(schemas)) {
		ref.Schemas = append(ref.Schemas, Schema{Name: name, Fields: properties(schemas[name])})
	}
	return ref
}

func operationRef(method, path string, op *huma.Operation) Operation {
	out := Operation{ID: op.OperationID, Method: method, Path: path, Summary: op.Summary, Description: op.Description}
	for _, p := range op.Parameters {
		out.Params = append(out.Params, Field{Name: p.Name, In: p.In, Type: typeOf(p.Schema), Doc: p.Description, Required: p.Required})
	}
	if op.RequestBody != nil {
		for _, mt := range op.RequestBody.Content {
			out.Body = typeOf(mt.Schema)
		}
	}
	for _, status := range slices.Sorted(maps.Keys(op.Responses)) {
		r := op.Responses[status]
		resp := Response{Status: status, Description: r.Description}
		for _, ct := range slices.Sorted(maps.Keys(r.Content)) {
			resp.Schema = typeOf(r.Content[ct].Schema) + " (" + ct + ")"
			break
		}
		out.Responses = append(out.Responses, resp)
	}
	return out
}

func properties(s *huma.Schema) []Field {
	if s == nil {
		return nil
	}
	var out []Field
	for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
		p := s.Properties[name]
		out = append(out, Field{Name: name, Type: typeOf(p), Doc: p.Description, Required: slices.Contains(s.Required, name)})
	}
	return out
}

// typeOf says a schema's type in words: "integer", "string (date)",
// "array of Commitment", "one of: self, team".
func typeOf(s *huma.Schema) string {
	if s == nil {
		return ""
	}
	if s.Ref != "" {
		return s.Ref[strings.LastIndexByte(s.Ref, '/')+1:]
	}
	t := s.Type
	switch {
	case t == "array" && s.Items != nil:
		t = "array of " + typeOf(s.Items)
	case len(s.Enum) > 0:
		var vs []string
		for _, v := range s.Enum {
			vs = append(vs, fmt.Sprint(v))
		}
		t += ", one of: " + strings.Join(vs, ", ")
	case s.Format != "" && s.Format != "int64" && s.Format != "double":
		t += " (" + s.Format + ")"
	}
	if s.Minimum != nil || s.Maximum != nil {
		switch {
		case s.Minimum != nil && s.Maximum != nil:
			t += fmt.Sprintf(", %g to %g", *s.Minimum, *s.Maximum)
		case s.Minimum != nil:
			t += fmt.Sprintf(", at least %g", *s.Minimum)
		}
	}
	if s.MaxLength != nil {
		t += fmt.Sprintf(", up to %d characters", *s.MaxLength)
	}
	return t
}
