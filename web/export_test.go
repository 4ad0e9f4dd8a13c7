package web

import (
	"net/http/httptest"
	"os"
	"testing"
)

// Names lists every page template, so a test can check each is rendered.
func (s *Server) PageNames() []string {
	var out []string
	for name := range s.pages.byName {
		out = append(out, name)
	}
	return out
}

// OnRender sets a hook told the name of each page rendered.
func (s *Server) OnRender(fn func(string)) { s.onRender = fn }

// CloseSharedDemo closes the demo the read-only tests share; TestMain calls
// it when they have all run.
func CloseSharedDemo() {
	if shared.srv != nil {
		shared.srv.Close()
	}
	if shared.st != nil {
		shared.st.Close()
	}
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
}

// SharedDemo serves the demo for read-only tests of package web_test.
func SharedDemo(t *testing.T) *httptest.Server {
	srv, _ := sharedDemo(t)
	return srv
}
