package web

import (
	"errors"
	"net/http"
	"slices"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
)

// The links in follow-up emails: report back with one click ("done", "not
// yet", "I cannot do it"), start a lapsed pledge again, and unsubscribe. None
// needs signing in: the unguessable link is the key, and only its hash is
// stored. As with the confirmation link, GET only shows a page with one
// button and POST does it, because mail scanners fetch the links in emails
// before people do. A link that is unknown, used, expired, or whose answer
// no longer fits the pledge gets a page that says so, and changes nothing.

// reportTitles heads the page of each report link.
var reportTitles = map[string]string{
	gs.TokenReportDone:   "Tell us you have done it",
	gs.TokenReportNotYet: "Not done yet",
	gs.TokenReportCant:   "You cannot do your pledge",
	gs.TokenRevive:       "Start your pledge again",
}

// thanksTitles heads the page shown once a report link has been used, by
// the answer given (starting a pledge again has its own).
var thanksTitles = map[string]string{
	gs.OutcomeDone:    "Thank you: your pledge is done",
	gs.OutcomePartly:  "Thank you: you have done part of it",
	gs.OutcomeNotYet:  "Thank you for letting us know",
	gs.OutcomeBlocked: "Thank you for telling us what is in the way",
	gs.OutcomeCant:    "Thank you for telling us",
	gs.TokenRevive:    "Your pledge is open again",
}

// linkHeaders keeps a link page out of caches and its address out of
// Referer headers: the address is the key.
func linkHeaders(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
}

// followupLink finds the link a page was reached by. When it cannot be
// used — unknown, of the other kind (report or unsubscribe), expired, or a
// report link already used or whose answer no longer fits — it answers with
// the page that says why and returns false.
func (s *Server) followupLink(w http.ResponseWriter, r *http.Request, report bool) (gs.FollowupLink, bool) {
	linkHeaders(w)
	l, err := s.store.FollowupLink(r.Context(), r.PathValue("token"))
	if err == nil {
		switch {
		case report != slices.Contains(gs.ReportPurposes, l.Purpose):
			err = store.ErrLinkUnknown
		case report && l.Used:
			err = store.ErrLinkUsed
		case l.Expired:
			err = store.ErrLinkExpired
		case report:
			if msg := gs.ReportRefusal(l.Purpose, l.State.Commitment.Status); msg != "" {
				err = gs.Errorf(gs.ECONFLICT, "%s", msg)
			}
		}
	}
	if err != nil {
		s.linkFailed(w, r, l, err)
		return l, false
	}
	return l, true
}

// linkFailed shows why a link could not be used. Nothing has been changed.
func (s *Server) linkFailed(w http.ResponseWriter, r *http.Request, l gs.FollowupLink, err error) {
	var title string
	var status int
	switch {
	case errors.Is(err, store.ErrLinkUnknown):
		title, status = "This link is not recognised", http.StatusNotFound
	case errors.Is(err, store.ErrLinkUsed):
		title, status = "This link has already been used", http.StatusConflict
	case errors.Is(err, store.ErrLinkExpired):
		title, status = "This link has expired", http.StatusGone
	case gs.ErrorCode(err) == gs.ECONFLICT:
		title, status = "Your pledge has not been changed", http.StatusConflict
	default:
		s.fail(w, r, err)
		return
	}
	d := map[string]any{"Message": gs.ErrorMessage(err)}
	if st := l.State; st.Campaign.Slug != "" && !errors.Is(err, store.ErrLinkUnknown) {
		d["Next"] = link{"/campaigns/" + st.Campaign.Slug + "/groups/" + st.Group.Slug, "See how " + st.Group.Name + " are doing"}
	}
	linkHeaders(w)
	s.render(w, r, status, "error", page{Title: title, D: d})
}

func (s *Server) reportForm(w http.ResponseWriter, r *http.Request) {
	l, ok := s.followupLink(w, r, true)
	if !ok {
		return
	}
	f := newForm(outcomeFields...)
	f.Set("outcome", gs.LinkOutcomes(l.Purpose)[0]) // the answer clicked in the email
	s.showReport(w, r, http.StatusOK, l, f)
}

// showReport shows the page of a report link: the link's own answer chosen,
// and the others near it offered (gs.LinkOutcomes), with one button.
func (s *Server) showReport(w http.ResponseWriter, r *http.Request, status int, l gs.FollowupLink, f *form) {
	linkHeaders(w)
	s.render(w, r, status, "report", page{Title: reportTitles[l.Purpose], Form: f, D: map[string]any{
		"Receipt": l.State.Receipt, "DueOn": l.State.FollowUpOn, "Action": "/report/" + r.PathValue("token"),
		"Revive": l.Purpose == gs.TokenRevive, "Question": "What would you like to tell us?", "Button": "Send my answer",
		"Choices": outcomeChoices(gs.LinkOutcomes(l.Purpose), false),
	}})
}

// reportSubmit records the answer of a report link — its own, or another
// its page offers — then shows the thank-you page (post/redirect/get). A
// reason that is too long, or what is in the way left out, brings the form
// back, with the link unspent.
func (s *Server) reportSubmit(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r, outcomeFields...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	token := r.PathValue("token")
	l, err := s.store.AnswerReportLink(r.Context(), token, outcomeReport(f))
	switch {
	case err == nil:
		http.Redirect(w, r, "/report/"+token+"/thanks", http.StatusSeeOther)
	case gs.ErrorCode(err) == gs.EINVALID:
		f.Fail(err)
		if f.Get("outcome") == "" {
			f.Set("outcome", gs.LinkOutcomes(l.Purpose)[0])
		}
		s.showReport(w, r, http.StatusUnprocessableEntity, l, f)
	default:
		s.linkFailed(w, r, l, err)
	}
}

// reportThanks is the page after a report link has been used. Its address
// holds the spent link, so it shows only what that link did — and, when the
// pledge is done or partly done and the link has not expired, invites its
// story.
func (s *Server) reportThanks(w http.ResponseWriter, r *http.Request) {
	linkHeaders(w)
	token := r.PathValue("token")
	l, err := s.store.FollowupLink(r.Context(), token)
	if err == nil && !slices.Contains(gs.ReportPurposes, l.Purpose) {
		err = store.ErrLinkUnknown
	}
	if err != nil {
		s.linkFailed(w, r, l, err)
		return
	}
	if !l.Used {
		http.Redirect(w, r, "/report/"+token, http.StatusSeeOther)
		return
	}
	s.showThanks(w, r, http.StatusOK, token, l, nil)
}

// showThanks shows the thank-you page of a used report link, with the story
// form (f, or the story written before) when a story may be told.
func (s *Server) showThanks(w http.ResponseWriter, r *http.Request, status int, token string, l gs.FollowupLink, f *form) {
	st := l.State
	a, err := s.store.Aftercare(r.Context(), st.Commitment.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := gs.OwnPledge{Receipt: st.Receipt, Aftercare: a}
	key := st.Outcome
	if l.Purpose == gs.TokenRevive {
		key = gs.TokenRevive
	}
	title := thanksTitles[key]
	if title == "" {
		title = thanksTitles[gs.OutcomeNotYet]
	}
	story := p.StoryAllowed() && !l.Expired
	if f == nil && story {
		f = storyForm(a.Story)
	}
	linkHeaders(w)
	s.render(w, r, status, "report_thanks", page{Title: title, Form: f, D: map[string]any{
		"Purpose": l.Purpose, "Outcome": st.Outcome, "State": st, "Pledge": p, "Story": story,
		"Action": "/report/" + token + "/story", "MaxStory": gs.MaxStoryLength,
		"Saved": status == http.StatusOK && r.URL.Query().Get("story") == "saved",
	}})
}

func (s *Server) unsubscribeForm(w http.ResponseWriter, r *http.Request) {
	l, ok := s.followupLink(w, r, false)
	if !ok {
		return
	}
	if l.State.Unsubscribed {
		s.render(w, r, http.StatusOK, "unsubscribe_done", page{Title: "You have already unsubscribed", D: map[string]any{"State": l.State, "Already": true}})
		return
	}
	s.render(w, r, http.StatusOK, "unsubscribe", page{Title: "Stop emails about your pledges", D: map[string]any{
		"Token": r.PathValue("token"), "State": l.State,
	}})
}

// unsubscribeSubmit stops follow-up emails for the link's person. It serves
// the page's button and the one-click unsubscribe of RFC 8058, which mail
// providers POST (body "List-Unsubscribe=One-Click", no cookies, no Origin)
// from the List-Unsubscribe header: the answer is the page itself, 200,
// rather than a redirect.
func (s *Server) unsubscribeSubmit(w http.ResponseWriter, r *http.Request) {
	if _, err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	l, already, err := s.store.Unsubscribe(r.Context(), r.PathValue("token"))
	if err != nil {
		s.linkFailed(w, r, l, err)
		return
	}
	title := "You have unsubscribed"
	if already {
		title = "You have already unsubscribed"
	}
	linkHeaders(w)
	s.render(w, r, http.StatusOK, "unsubscribe_done", page{Title: title, D: map[string]any{"State": l.State, "Already": already}})
}
