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

// Routes lists every route with the name of the rule that guards it.
func (s *Server) Routes() [][2]string {
	var out [][2]string
	for _, r := range s.table {
		out = append(out, [2]string{r.Pattern, r.Rule})
	}
	return out
}

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
