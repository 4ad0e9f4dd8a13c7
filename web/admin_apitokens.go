package web

import (
	"net/http"

	gs "github.com/groundswell-health/groundswell"
)

// Organisers create and revoke a campaign's personal API tokens here. A
// token's secret is shown once, on the page that answers its creation, and
// never again: only its hash is stored.

var apiTokenFields = []string{"name", "scope"}

var scopeOptions = []option{{gs.ScopeRead, "Read only: list and read the campaign's data"}, {gs.ScopeWrite, "Read and write: also pledge people and change records"}}

func (s *Server) renderAPITokens(w http.ResponseWriter, r *http.Request, status int, c gs.Campaign, f *form) {
	tokens, err := s.store.APITokens(r.Context(), c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "api_tokens", page{Title: "API tokens – " + c.Title, Form: f, D: map[string]any{
		"Campaign": c, "Tokens": tokens, "Scopes": scopeOptions,
	}})
}

func (s *Server) apiTokenList(w http.ResponseWriter, r *http.Request) {
	c, err := s.adminCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := newForm(apiTokenFields...)
	f.Set("scope", gs.ScopeRead)
	s.renderAPITokens(w, r, http.StatusOK, c, f)
}

func (s *Server) apiTokenCreate(w http.ResponseWriter, r *http.Request) {
	c, err := s.adminCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := parseForm(w, r, apiTokenFields...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t := gs.APIToken{CampaignID: c.ID, UserID: currentUser(r).ID, Name: f.Get("name"), Scope: f.Get("scope")}
	secret, err := s.store.CreateAPIToken(r.Context(), &t)
	if err != nil {
		if gs.ErrorCode(err) != gs.EINVALID {
			s.fail(w, r, err)
			return
		}
		f.Fail(err)
		s.renderAPITokens(w, r, http.StatusUnprocessableEntity, c, f)
		return
	}
	// Shown once, in this answer to the POST, which no one can load again;
	// the page must not be cached.
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusCreated, "api_token_created", page{Title: "Your new API token", D: map[string]any{
		"Campaign": c, "Token": t, "Secret": secret,
	}})
}

func (s *Server) apiTokenRevoke(w http.ResponseWriter, r *http.Request) {
	c, err := s.adminCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id, err := pathID(r, "token")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.store.RevokeAPIToken(r.Context(), c.ID, id); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/campaigns/"+r.PathValue("id")+"/tokens", http.StatusSeeOther)
}
