package web

import (
	"net/http"
	"strconv"
	"strings"

	gs "github.com/groundswell-health/groundswell"
)

// pledgeFields are the pledge form's fields in page order.
var pledgeFields = []string{"name", "email", "profession", "organisation_id", "organisation_name", "area_id", "on_behalf", "why", "hours", "show_on_wall", "contact_ok", "ref"}

// onBehalfOptions are the choices of who a pledge is for. A carer may pledge
// for the person they care for, in words that do not speak over them.
var onBehalfOptions = []option{
	{gs.OnBehalfSelf, "Me"},
	{gs.OnBehalfTeam, "My team"},
	{gs.OnBehalfOrganisation, "My organisation"},
	{gs.OnBehalfCaredFor, "The person I care for, with them"},
}

// pledgeContext finds the campaign, group and action a pledge form is for.
func (s *Server) pledgeContext(r *http.Request) (gs.Campaign, gs.Group, gs.Action, error) {
	var g gs.Group
	var a gs.Action
	c, err := s.visibleCampaign(r)
	if err != nil {
		return c, g, a, err
	}
	id, err := pathID(r, "action")
	if err != nil {
		return c, g, a, err
	}
	if a, err = s.store.ActionByID(r.Context(), id); err != nil {
		return c, g, a, err
	}
	if g, err = s.store.GroupByID(r.Context(), a.GroupID); err != nil {
		return c, g, a, err
	}
	if g.CampaignID != c.ID {
		return c, g, a, gs.Errorf(gs.ENOTFOUND, "There is no such action in this campaign.")
	}
	return c, g, a, nil
}

func (s *Server) pledgeForm(w http.ResponseWriter, r *http.Request) {
	c, g, a, err := s.pledgeContext(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := newForm(pledgeFields...)
	f.Set("ref", refParam(r))
	f.Set("on_behalf", gs.OnBehalfSelf)
	f.Set("submission", newSubmissionKey())
	f.Set(startedField, s.guard.stamp("pledge"))
	f.Set("consent_version", strconv.Itoa(gs.ConsentVersion))
	s.renderPledgeForm(w, r, http.StatusOK, c, g, a, f)
}

func (s *Server) renderPledgeForm(w http.ResponseWriter, r *http.Request, status int, c gs.Campaign, g gs.Group, a gs.Action, f *form) {
	ctx := r.Context()
	areas, err := s.store.Areas(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	alliance, err := s.store.Alliance(ctx, c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	areaOpts := []option{{"", "Select an area"}}
	for _, ar := range areas {
		if ar.Kind != "nation" {
			areaOpts = append(areaOpts, option{strconv.FormatInt(ar.ID, 10), ar.Name})
		}
	}
	orgOpts := []option{{"", "Not listed, or none (type it below)"}}
	for _, m := range alliance {
		orgOpts = append(orgOpts, option{strconv.FormatInt(m.Organisation.ID, 10), m.Name})
	}
	var inviter string
	if ref := f.Get("ref"); ref != "" && f.Errors["ref"] == "" {
		p, err := s.store.PersonByReferralCode(ctx, ref)
		switch {
		case err == nil:
			inviter = "a colleague"
			if p.ShowOnWall {
				inviter = p.Name
			}
		case gs.ErrorCode(err) == gs.ENOTFOUND:
			// Say so now, not only once the form is sent.
			f.Errors.Add("ref", gs.InvalidReferralMessage)
		default:
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, status, "pledge", page{Title: "Pledge: " + a.Title, Illustrative: c.Illustrative, Form: f, D: map[string]any{
		"Campaign": c, "Group": g, "Action": a, "AreaOptions": areaOpts, "OrganisationOptions": orgOpts, "Inviter": inviter,
		"OnBehalfOptions": onBehalfOptions, "Consent": gs.CurrentConsent(),
	}})
}

// pledgeSubmit stores a pledge. The store checks the action, its campaign
// and every reference in the same transaction that writes, so a pledge that
// succeeds costs no other reads; only a form to be shown again loads the page
// around it.
func (s *Server) pledgeSubmit(w http.ResponseWriter, r *http.Request) {
	actionID, err := pathID(r, "action")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := parseForm(w, r, pledgeFields...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !s.allowed(w, r, "pledges", s.perIP(r, "pledge", s.opts.Limits.PledgePerIP), perEmail("pledge", f.Get("email"), s.opts.Limits.PledgePerEmail)) {
		return
	}
	if v := s.guard.check("pledge", f); v.reason != "" {
		s.log.InfoContext(r.Context(), "pledge form not taken", "reason", v.reason)
		s.guard.refuse("pledge", f, v)
		s.pledgeFormAgain(w, r, f)
		return
	}
	// Choices made on words other than today's (the wording changed while
	// the form was open) are asked again, so that the version kept with
	// them is the one the person read. A form without the field (from
	// before it existed) was shown today's words.
	if v := f.Get("consent_version"); v != "" && v != strconv.Itoa(gs.ConsentVersion) && (f.Checked("show_on_wall") || f.Checked("contact_ok")) {
		f.Set("consent_version", strconv.Itoa(gs.ConsentVersion))
		f.Message = "The wording of “Your choices” has changed since this form was opened. Please read them again, then press the button again. Nothing has been saved yet."
		s.pledgeFormAgain(w, r, f)
		return
	}
	in := gs.PledgeInput{
		ActionID:         actionID,
		CampaignSlug:     r.PathValue("slug"),
		Name:             f.Get("name"),
		Email:            f.Get("email"),
		Profession:       f.Get("profession"),
		OrganisationID:   f.Int("organisation_id", "Select an organisation from the list, or type its name"),
		OrganisationName: f.Get("organisation_name"),
		AreaID:           f.Int("area_id", "Select the area where you work or live"),
		WhyItMatters:     f.Get("why"),
		Hours:            f.Get("hours"),
		ShowOnWall:       f.Checked("show_on_wall"),
		ContactOK:        f.Checked("contact_ok"),
		OnBehalf:         f.Get("on_behalf"),
		ReferralCode:     f.Get("ref"),
		SubmissionKey:    f.Get("submission"),
	}
	if len(f.Errors) == 0 {
		var res gs.PledgeResult
		res, err = s.store.Pledge(r.Context(), in)
		if err == nil {
			// Post/redirect/get: reloading the confirmation page does not
			// send the form again.
			http.Redirect(w, r, "/pledges/"+res.Commitment.ReceiptToken, http.StatusSeeOther)
			return
		}
	}
	// The form goes back with its problems: load the page around it. This
	// also answers 404 for an action that is not in a campaign this person
	// may see (a draft, say), whatever the store said.
	c, g, a, cerr := s.pledgeContext(r)
	if cerr != nil {
		s.fail(w, r, cerr)
		return
	}
	switch code := gs.ErrorCode(err); {
	case len(f.Errors) > 0:
		f.Fail(in.Validate())
	case code == gs.EINVALID || code == gs.ECONFLICT:
		f.Fail(err)
	default:
		s.fail(w, r, err)
		return
	}
	if f.Get("submission") == "" || len(f.Get("submission")) > 64 {
		f.Set("submission", newSubmissionKey())
	}
	status := http.StatusUnprocessableEntity
	if gs.ErrorCode(err) == gs.ECONFLICT {
		status = http.StatusConflict
	}
	s.renderPledgeForm(w, r, status, c, g, a, f)
}

// pledgeFormAgain shows a pledge form sent back and not taken, with what
// was typed and f's message.
func (s *Server) pledgeFormAgain(w http.ResponseWriter, r *http.Request, f *form) {
	c, g, a, err := s.pledgeContext(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderPledgeForm(w, r, http.StatusUnprocessableEntity, c, g, a, f)
}

// link is a link offered on a page.
type link struct{ Href, Text string }

func newSubmissionKey() string {
	return strings.ToLower(randomToken())
}

func (s *Server) pledgeReceipt(w http.ResponseWriter, r *http.Request) {
	p, err := s.store.PledgeByReceipt(r.Context(), r.PathValue("receipt"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rc := p.Receipt
	invite := s.baseURL(r) + "/campaigns/" + rc.Campaign.Slug + "/join/" + rc.Person.ReferralCode
	// The receipt's address is the only key to it: keep it out of caches
	// and of Referer headers.
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.render(w, r, http.StatusOK, "receipt", page{Title: "Thank you for your pledge", Illustrative: rc.Campaign.Illustrative, D: map[string]any{
		"Receipt": rc, "Pledge": p, "InviteURL": invite,
	}})
}

// baseURL is the public address for links people share.
func (s *Server) baseURL(r *http.Request) string {
	if s.opts.BaseURL != "" {
		return strings.TrimRight(s.opts.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) invitePage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, err := s.visibleCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.store.PersonByReferralCode(ctx, r.PathValue("code"))
	if gs.ErrorCode(err) == gs.ENOTFOUND {
		// Not a dead end: the campaign is known, so offer it.
		s.render(w, r, http.StatusNotFound, "error", page{Title: "This invite link is not recognised", Illustrative: c.Illustrative,
			D: map[string]any{"Message": "Check it was copied in full. You can still join without it.",
				"Next": link{"/campaigns/" + c.Slug, "Go to " + c.Title}}})
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	groups, err := s.store.Groups(ctx, c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	inviter := ""
	if p.ShowOnWall {
		inviter = p.Name
	}
	s.render(w, r, http.StatusOK, "invite", page{Title: "You are invited to join " + c.Title, Illustrative: c.Illustrative, D: map[string]any{
		"Campaign": c, "Groups": groups, "Inviter": inviter, "Ref": p.ReferralCode,
	}})
}

// confirmForm is where the link in a confirmation email leads. It asks for
// one press of a button rather than confirming on sight, because mail
// scanners follow links in emails before people do.
func (s *Server) confirmForm(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if len(token) > 64 {
		s.fail(w, r, gs.Errorf(gs.ENOTFOUND, "This link is not recognised. Check you copied the whole link from the email"))
		return
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.render(w, r, http.StatusOK, "confirm", page{Title: "Confirm your pledge", D: map[string]any{"Token": token}})
}

func (s *Server) confirmSubmit(w http.ResponseWriter, r *http.Request) {
	rc, err := s.store.ConfirmPledge(r.Context(), r.PathValue("token"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/pledges/"+rc.Commitment.ReceiptToken, http.StatusSeeOther)
}
