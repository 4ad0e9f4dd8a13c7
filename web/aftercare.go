package web

import (
	"net/http"
	"strconv"

	gs "github.com/groundswell-health/groundswell"
)

// Aftercare: telling how a pledge went (done, partly done, not yet, blocked,
// not done), from an emailed link (report.go) or signed in; the story a done
// pledge invites; its certificate. The store decides what may change; these
// handlers parse, call it and show the result.

// followUpSize is how many pledges a lead's follow-up list shows, most
// recent first.
const followUpSize = 100

// outcomeChoice is one answer of the form that tells how a pledge went.
type outcomeChoice struct {
	Value, Label, Hint string
	// Field, when set, is the text field revealed with the choice: the
	// reason for "not done", or what is in the way.
	Field, FieldLabel, FieldHint string
}

// outcomeChoices lays out the answers, in the order given. A lapsed pledge
// is taken up again by "not yet".
func outcomeChoices(outcomes []string, lapsed bool) []outcomeChoice {
	var out []outcomeChoice
	for _, o := range outcomes {
		var c outcomeChoice
		switch o {
		case gs.OutcomeDone:
			c = outcomeChoice{Label: "Yes, I have done it", Hint: "It will count towards your group's goal."}
		case gs.OutcomePartly:
			c = outcomeChoice{Label: "I have done part of it", Hint: "Your pledge stays open, and we will ask you how it is going later."}
		case gs.OutcomeNotYet:
			c = outcomeChoice{Label: "Not yet, I am still working on it", Hint: "We will ask you how it is going later."}
			if lapsed {
				c = outcomeChoice{Label: "I want to take it up again", Hint: "Your pledge opens again, and we will ask you how it is going later."}
			}
		case gs.OutcomeBlocked:
			c = outcomeChoice{Label: "Something is in the way", Hint: "Your pledge stays open. Your group's leads will see your name and what you tell us, so that they can help.",
				Field: "blocker", FieldLabel: "What is in the way?", FieldHint: "Up to " + strconv.Itoa(gs.MaxReasonLength) + " characters."}
		case gs.OutcomeCant:
			c = outcomeChoice{Label: "I cannot do it", Hint: "We will close your pledge. Plans change.",
				Field: "reason", FieldLabel: "Tell us why (optional)", FieldHint: "This helps your group see what gets in the way. Up to " + strconv.Itoa(gs.MaxReasonLength) + " characters."}
		default:
			continue
		}
		c.Value = o
		out = append(out, c)
	}
	return out
}

// outcomeFields are the fields of the form, in page order.
var outcomeFields = []string{"outcome", "blocker", "reason"}

// outcomeReport reads the answer from the form: what is in the way comes
// from its own field.
func outcomeReport(f *form) gs.OutcomeReport {
	rep := gs.OutcomeReport{Outcome: f.Get("outcome"), Reason: f.Get("reason")}
	if rep.Outcome == gs.OutcomeBlocked {
		rep.Reason = f.Get("blocker")
	}
	return rep
}

// tellsStory reports whether an outcome invites a story next.
func tellsStory(outcome string) bool {
	return outcome == gs.OutcomeDone || outcome == gs.OutcomePartly
}

func ownPledgeURL(id int64) string { return "/me/commitments/" + strconv.FormatInt(id, 10) }

// meReportForm asks the signed-in owner of a pledge how it is going.
func (s *Server) meReportForm(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.store.OwnPledge(r.Context(), currentUser(r).Email, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	switch {
	case p.Commitment.Status == gs.StatusWithdrawn:
		s.fail(w, r, gs.Errorf(gs.ECONFLICT, "You withdrew this pledge, so it cannot be changed."))
		return
	case !p.Commitment.Confirmed():
		s.fail(w, r, gs.Errorf(gs.ECONFLICT, "Confirm your pledge first, with the link in the email we sent you."))
		return
	}
	s.showOwnReport(w, r, http.StatusOK, p, newForm(outcomeFields...))
}

func (s *Server) showOwnReport(w http.ResponseWriter, r *http.Request, status int, p gs.OwnPledge, f *form) {
	s.render(w, r, status, "report", page{Title: "Tell us how your pledge is going", Form: f, D: map[string]any{
		"Receipt": p.Receipt, "DueOn": p.Action.DueOn, "Action": ownPledgeURL(p.Commitment.ID),
		"Question": "How is your pledge going?", "Button": "Save",
		"Choices": outcomeChoices(gs.Outcomes, p.Commitment.Status == gs.StatusLapsed), "Back": "/me",
	}})
}

// meCommitmentStatus records what happened to one of the person's own
// pledges: an outcome from the form above (or the buttons on /me), or, as
// before outcomes, a status. Someone else's pledge is not found. Done, or
// partly done, leads on to the story.
func (s *Server) meCommitmentStatus(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := parseForm(w, r, outcomeFields...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	email := currentUser(r).Email
	if _, ok := f.Values["status"]; ok && !f.Values.Has("outcome") {
		if err := s.store.SetOwnStatus(r.Context(), email, id, f.Get("status")); err != nil {
			s.fail(w, r, err)
			return
		}
		http.Redirect(w, r, "/me", http.StatusSeeOther)
		return
	}
	rep := outcomeReport(f)
	err = s.store.ReportOwn(r.Context(), email, id, rep)
	switch {
	case err == nil && tellsStory(rep.Outcome):
		http.Redirect(w, r, ownPledgeURL(id)+"/story?reported="+rep.Outcome, http.StatusSeeOther)
	case err == nil:
		http.Redirect(w, r, "/me", http.StatusSeeOther)
	case gs.ErrorCode(err) == gs.EINVALID:
		p, perr := s.store.OwnPledge(r.Context(), email, id)
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		f.Fail(err)
		s.showOwnReport(w, r, http.StatusUnprocessableEntity, p, f)
	default:
		s.fail(w, r, err)
	}
}

var storyFields = []string{"story", "show"}

// storyForm fills the story form with the story written before.
func storyForm(st gs.Story) *form {
	f := newForm(storyFields...)
	f.Set("story", st.Text)
	if st.Public {
		f.Set("show", "yes")
	}
	return f
}

func storyInput(f *form) gs.StoryInput {
	return gs.StoryInput{Text: f.Get("story"), Public: f.Checked("show")}
}

// meStoryForm invites the owner of a done (or partly done) pledge to tell
// its story.
func (s *Server) meStoryForm(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.store.OwnPledge(r.Context(), currentUser(r).Email, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !p.StoryAllowed() {
		s.fail(w, r, gs.Errorf(gs.ECONFLICT, "You can tell your story once you have done your pledge, or done part of it."))
		return
	}
	s.showStory(w, r, http.StatusOK, p, storyForm(p.Story))
}

func (s *Server) showStory(w http.ResponseWriter, r *http.Request, status int, p gs.OwnPledge, f *form) {
	q := r.URL.Query()
	reported := q.Get("reported")
	if !tellsStory(reported) {
		reported = ""
	}
	s.render(w, r, status, "story", page{Title: "Tell your story", Form: f, D: map[string]any{
		"Pledge": p, "Action": ownPledgeURL(p.Commitment.ID) + "/story", "MaxStory": gs.MaxStoryLength,
		"Reported": reported, "Saved": q.Get("saved") == "1" && status == http.StatusOK,
	}})
}

// meStorySubmit saves the story (an empty one removes it).
func (s *Server) meStorySubmit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := parseForm(w, r, storyFields...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	email := currentUser(r).Email
	err = s.store.SaveOwnStory(r.Context(), email, id, storyInput(f))
	if err == nil {
		http.Redirect(w, r, ownPledgeURL(id)+"/story?saved=1", http.StatusSeeOther)
		return
	}
	if gs.ErrorCode(err) != gs.EINVALID {
		s.fail(w, r, err)
		return
	}
	p, perr := s.store.OwnPledge(r.Context(), email, id)
	if perr != nil {
		s.fail(w, r, perr)
		return
	}
	f.Fail(err)
	s.showStory(w, r, http.StatusUnprocessableEntity, p, f)
}

// reportStorySubmit saves a story from the page a report link led to: the
// link, once used, is the key, until it expires.
func (s *Server) reportStorySubmit(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r, storyFields...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	token := r.PathValue("token")
	l, err := s.store.SaveStoryByLink(r.Context(), token, storyInput(f))
	switch {
	case err == nil:
		http.Redirect(w, r, "/report/"+token+"/thanks?story=saved#story", http.StatusSeeOther)
	case gs.ErrorCode(err) == gs.EINVALID: // the link is good (it is checked first)
		f.Fail(err)
		s.showThanks(w, r, http.StatusUnprocessableEntity, token, l, f)
	default:
		s.linkFailed(w, r, l, err)
	}
}

// certificatePage is the printable certificate of a done pledge. As with
// the receipt, its unguessable address is the key.
func (s *Server) certificatePage(w http.ResponseWriter, r *http.Request) {
	linkHeaders(w)
	c, err := s.store.Certificate(r.Context(), r.PathValue("receipt"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "certificate", page{Title: "Certificate: " + c.Action.Title, Illustrative: c.Campaign.Illustrative, D: map[string]any{
		"Certificate": c,
	}})
}
