package web

import (
	"net/http"
	"strconv"
	"strings"

	gs "github.com/groundswell-health/groundswell"
)

// Organisers define a campaign's outcome measures here; their figures come
// from the import (page or CLI). Areas are shared by every campaign.

var indicatorFields = []string{"name", "slug", "unit", "direction", "target", "definition", "source", "caveats"}

var directionOptions = []option{{"down", "Lower is better"}, {"up", "Higher is better"}, {"neither", "Neither: no direction is better"}}

func indicatorToForm(i gs.Indicator) *form {
	f := newForm(indicatorFields...)
	f.Set("name", i.Name)
	f.Set("slug", i.Slug)
	f.Set("unit", i.Unit)
	f.Set("direction", i.Direction)
	if i.Target != nil {
		f.Set("target", strconv.FormatFloat(*i.Target, 'f', -1, 64))
	}
	f.Set("definition", i.Definition)
	f.Set("source", i.Source)
	f.Set("caveats", i.Caveats)
	return f
}

func indicatorFromForm(f *form, i *gs.Indicator) {
	i.Name = f.Get("name")
	i.Slug = strings.TrimSpace(f.Get("slug"))
	i.Unit = f.Get("unit")
	i.Direction = f.Get("direction")
	i.Target = nil
	if v := strings.TrimSpace(f.Get("target")); v != "" {
		t, err := strconv.ParseFloat(v, 64)
		if err != nil {
			f.Errors.Add("target", "Target must be a number, like 25 or 0.5")
		} else {
			i.Target = &t
		}
	}
	i.Definition = f.Get("definition")
	i.Source = f.Get("source")
	i.Caveats = f.Get("caveats")
}

func (s *Server) renderIndicatorForm(w http.ResponseWriter, r *http.Request, status int, c gs.Campaign, i gs.Indicator, f *form) {
	title := "New outcome measure"
	if i.ID != 0 {
		title = "Edit outcome measure"
	}
	s.render(w, r, status, "indicator_form", page{Title: title, Form: f, D: map[string]any{
		"Campaign": c, "Indicator": i, "Directions": directionOptions,
	}})
}

func (s *Server) indicatorNew(w http.ResponseWriter, r *http.Request) {
	c, err := s.adminCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderIndicatorForm(w, r, http.StatusOK, c, gs.Indicator{}, indicatorToForm(gs.Indicator{Direction: "down"}))
}

func (s *Server) indicatorCreate(w http.ResponseWriter, r *http.Request) {
	c, err := s.adminCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := parseForm(w, r, indicatorFields...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	i := gs.Indicator{CampaignID: c.ID}
	indicatorFromForm(f, &i)
	if s.saved(w, r, f, func() error { return s.store.CreateIndicator(r.Context(), &i) }, i.Validate, func() string { return campaignAdminURL(c.ID, "#indicators") }) {
		return
	}
	s.renderIndicatorForm(w, r, http.StatusUnprocessableEntity, c, gs.Indicator{}, f)
}

func (s *Server) adminIndicator(r *http.Request) (gs.Campaign, gs.Indicator, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return gs.Campaign{}, gs.Indicator{}, err
	}
	i, err := s.store.IndicatorByID(r.Context(), id)
	if err != nil {
		return gs.Campaign{}, i, err
	}
	if i.CampaignID == 0 {
		// Made by the CLI without a campaign: there is no page to go back to.
		return gs.Campaign{}, i, gs.Errorf(gs.ENOTFOUND, "This outcome measure belongs to no campaign.")
	}
	c, err := s.store.CampaignByID(r.Context(), i.CampaignID)
	return c, i, err
}

func (s *Server) indicatorEdit(w http.ResponseWriter, r *http.Request) {
	c, i, err := s.adminIndicator(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderIndicatorForm(w, r, http.StatusOK, c, i, indicatorToForm(i))
}

func (s *Server) indicatorUpdate(w http.ResponseWriter, r *http.Request) {
	c, i, err := s.adminIndicator(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := parseForm(w, r, indicatorFields...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	stored := i
	indicatorFromForm(f, &i)
	if s.saved(w, r, f, func() error { return s.store.UpdateIndicator(r.Context(), &i) }, i.Validate, func() string { return campaignAdminURL(c.ID, "#indicators") }) {
		return
	}
	s.renderIndicatorForm(w, r, http.StatusUnprocessableEntity, c, stored, f)
}

var areaFields = []string{"code", "name", "kind", "parent_id", "population"}

var areaKindOptions = []option{{"nation", "Nation"}, {"region", "Region"}, {"icb", "Integrated care board (ICB)"}, {"area", "Other area"}}

func areaToForm(a gs.Area) *form {
	f := newForm(areaFields...)
	f.Set("code", a.Code)
	f.Set("name", a.Name)
	f.Set("kind", a.Kind)
	if a.ParentID != 0 {
		f.Set("parent_id", strconv.FormatInt(a.ParentID, 10))
	}
	if a.Population != 0 {
		f.Set("population", strconv.FormatInt(a.Population, 10))
	}
	return f
}

func areaFromForm(f *form, a *gs.Area) {
	a.Code = f.Get("code")
	a.Name = f.Get("name")
	a.Kind = f.Get("kind")
	a.ParentID = f.Int("parent_id", "Select a parent area from the list")
	a.Population = f.Int("population", "Population must be a whole number, like 5760000")
}

func (s *Server) renderAreaForm(w http.ResponseWriter, r *http.Request, status int, a gs.Area, f *form) {
	areas, err := s.store.Areas(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	parents := []option{{"", "None: this is a top-level area"}}
	for _, p := range areas {
		if p.ID != a.ID {
			parents = append(parents, option{strconv.FormatInt(p.ID, 10), p.Name + " (" + kindName(p.Kind) + ")"})
		}
	}
	title := "New area"
	if a.ID != 0 {
		title = "Edit " + a.Name
	}
	s.render(w, r, status, "area_form", page{Title: title, Form: f, D: map[string]any{
		"Area": a, "Kinds": areaKindOptions, "Parents": parents,
	}})
}

func kindName(kind string) string {
	for _, o := range areaKindOptions {
		if o.Value == kind {
			return o.Label
		}
	}
	return kind
}

// areaList shows every area in its place in the hierarchy: those without a
// parent first (England, and any the import created), each followed by what
// it contains.
func (s *Server) areaList(w http.ResponseWriter, r *http.Request) {
	areas, err := s.store.Areas(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type row struct {
		gs.Area
		Indent     string // a dash per level, as the table cannot nest
		KindName   string
		Population int
		ParentName string // for screen readers, which do not see the dashes
	}
	children := map[int64][]gs.Area{}
	names := map[int64]string{}
	for _, a := range areas {
		names[a.ID] = a.Name
		children[a.ParentID] = append(children[a.ParentID], a)
	}
	var rows []row
	// An explicit stack: the hierarchy is shallow, but nothing here should
	// trust that.
	type item struct {
		a     gs.Area
		depth int
	}
	var stack []item
	top := children[0]
	for i := len(top) - 1; i >= 0; i-- {
		stack = append(stack, item{top[i], 0})
	}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		rows = append(rows, row{it.a, strings.Repeat("– ", it.depth), kindName(it.a.Kind), int(it.a.Population), names[it.a.ParentID]})
		kids := children[it.a.ID]
		for i := len(kids) - 1; i >= 0; i-- {
			stack = append(stack, item{kids[i], it.depth + 1})
		}
	}
	s.render(w, r, http.StatusOK, "areas", page{Title: "Areas", D: map[string]any{"Areas": rows}})
}

func (s *Server) areaNew(w http.ResponseWriter, r *http.Request) {
	s.renderAreaForm(w, r, http.StatusOK, gs.Area{}, areaToForm(gs.Area{Kind: "icb"}))
}

func (s *Server) areaCreate(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r, areaFields...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var a gs.Area
	areaFromForm(f, &a)
	if s.saved(w, r, f, func() error { return s.store.CreateArea(r.Context(), &a) }, a.Validate, func() string { return "/admin/areas" }) {
		return
	}
	s.renderAreaForm(w, r, http.StatusUnprocessableEntity, gs.Area{}, f)
}

func (s *Server) adminArea(r *http.Request) (gs.Area, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return gs.Area{}, err
	}
	return s.store.AreaByID(r.Context(), id)
}

func (s *Server) areaEdit(w http.ResponseWriter, r *http.Request) {
	a, err := s.adminArea(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderAreaForm(w, r, http.StatusOK, a, areaToForm(a))
}

func (s *Server) areaUpdate(w http.ResponseWriter, r *http.Request) {
	a, err := s.adminArea(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := parseForm(w, r, areaFields...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	stored := a
	areaFromForm(f, &a)
	if s.saved(w, r, f, func() error { return s.store.UpdateArea(r.Context(), &a) }, a.Validate, func() string { return "/admin/areas" }) {
		return
	}
	s.renderAreaForm(w, r, http.StatusUnprocessableEntity, stored, f)
}
