package web

import (
	"net/http"
	"slices"
	"strings"

	gs "github.com/groundswell-health/groundswell"
)

// mePage shows a signed-in person their own pledges, the groups they lead
// and the organisations they represent.
func (s *Server) mePage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := currentAccess(r)
	mine, err := s.store.OwnPledges(ctx, a.User.Email)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var leads []gs.Group
	for id := range a.Leads {
		g, err := s.store.GroupByID(ctx, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		leads = append(leads, g)
	}
	var orgs []gs.Organisation
	for id := range a.Represents {
		o, err := s.store.OrganisationByID(ctx, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		orgs = append(orgs, o)
	}
	// By name: the map gives them in no order.
	slices.SortFunc(orgs, func(x, y gs.Organisation) int { return strings.Compare(x.Name, y.Name) })
	s.render(w, r, http.StatusOK, "me", page{Title: "Your pledges", D: map[string]any{"Commitments": mine, "Leads": leads, "Represents": orgs}})
}
