package web

import "net/http"

// apiDocs renders the JSON API's reference from its OpenAPI document: an
// ordinary page, readable without script and printable, where API tools
// usually load a renderer from a CDN.
func (s *Server) apiDocs(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "api_docs", page{Title: "API reference", D: map[string]any{"Ref": s.opts.API.Reference()}})
}
