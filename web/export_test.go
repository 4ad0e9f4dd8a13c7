package web

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
