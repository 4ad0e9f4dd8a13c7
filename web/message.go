package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
)

// A group lead's email to the people who pledged to the group's actions:
// write it, check it (with how many people it will reach), send it. Sending
// records the message and queues one email per recipient in one transaction
// (store.SendGroupMessage), through the Mailer. The check page's key makes
// a message sent twice from it — a double click, the back button — one
// message.
//
// It goes to everyone with a confirmed pledge to the group, whether or not
// they agreed to be contacted about the campaign: it is about their own
// pledge, as the reminders are, and the form says so. Everyone who
// unsubscribed from our emails is left out, and every email can unsubscribe.

var messageFields = []string{"subject", "body"}

// messagesShown is how many sent messages the group's page lists.
const messagesShown = 20

func (s *Server) messageForm(w http.ResponseWriter, r *http.Request) {
	c, g, err := s.adminGroup(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderMessage(w, r, http.StatusOK, "group_message", c, g, newForm(messageFields...))
}

// messageSubmit checks a message (step "check", the default), goes back to
// change it (step "change"), or sends it (step "send").
func (s *Server) messageSubmit(w http.ResponseWriter, r *http.Request) {
	c, g, err := s.adminGroup(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := parseForm(w, r, messageFields...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in := gs.GroupMessageInput{GroupID: g.ID, Sender: *currentUser(r), SenderRole: senderRole(r, g.ID),
		Subject: f.Get("subject"), Body: f.Get("body"), SubmissionKey: f.Get("key")}
	if f.Get("step") == "change" {
		s.renderMessage(w, r, http.StatusOK, "group_message", c, g, f)
		return
	}
	if err := in.Validate(); err != nil {
		f.Fail(err)
		s.renderMessage(w, r, http.StatusUnprocessableEntity, "group_message", c, g, f)
		return
	}
	f.Set("subject", in.Subject) // as cleaned: what will be sent
	f.Set("body", in.Body)
	if f.Get("step") != "send" {
		// A key for each check: the same page sent twice is one message,
		// and a message changed and checked again is another.
		f.Set("key", newSubmissionKey())
		s.renderMessage(w, r, http.StatusOK, "group_message_check", c, g, f)
		return
	}
	if s.opts.Mailer == nil {
		s.fail(w, r, gs.Errorf(gs.ECONFLICT, "Messages cannot be sent from this installation."))
		return
	}
	_, err = s.store.SendGroupMessage(r.Context(), in, s.opts.Mailer.EnqueueGroupMessage)
	switch {
	case err == nil:
		http.Redirect(w, r, "/lead/groups/"+strconv.FormatInt(g.ID, 10)+"#messages", http.StatusSeeOther)
	case gs.ErrorCode(err) == gs.EINVALID || errors.Is(err, store.ErrNoRecipients):
		f.Fail(err)
		s.renderMessage(w, r, http.StatusUnprocessableEntity, "group_message", c, g, f)
	default:
		s.fail(w, r, err)
	}
}

// renderMessage shows the message form or its check page, with who the
// message would reach now. A message no one would receive cannot be checked
// or sent: the form says why.
func (s *Server) renderMessage(w http.ResponseWriter, r *http.Request, status int, name string, c gs.Campaign, g gs.Group, f *form) {
	aud, err := s.store.GroupMessageAudience(r.Context(), g.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if aud.Recipients == 0 && f.Message == "" {
		f.Message = gs.ErrorMessage(store.ErrNoRecipients)
		name = "group_message"
	}
	u := currentUser(r)
	sender := u.Name + ", a lead of " + g.Name + ","
	if senderRole(r, g.ID) == gs.SenderOrganiser {
		sender = u.Name + ", an organiser of " + c.Title + ","
	}
	title := "Email the people who pledged"
	if name == "group_message_check" {
		title = "Check your message before sending it"
	}
	s.render(w, r, status, name, page{Title: title, Form: f, D: map[string]any{
		"Campaign": c, "Group": g, "Audience": aud, "Sender": sender,
		"Subject": g.Name + ": " + f.Get("subject"), "Paragraphs": paragraphLines(f.Get("body")),
		"MaxSubject": gs.MaxMessageSubject, "MaxBody": gs.MaxMessageBody,
	}})
}

// senderRole is how a message names its sender: a lead of the group, or,
// for an organiser who does not lead it, an organiser of the campaign.
func senderRole(r *http.Request, groupID int64) string {
	if a := currentAccess(r); a != nil && a.Leads[groupID] {
		return gs.SenderLead
	}
	return gs.SenderOrganiser
}

// leadMessaging adds to the lead's group page the messages sent to the
// group and, for one of its leads, whether their weekly digest is on.
func (s *Server) leadMessaging(r *http.Request, groupID int64, d map[string]any) error {
	msgs, err := s.store.GroupMessages(r.Context(), groupID, messagesShown)
	if err != nil {
		return err
	}
	d["Messages"] = msgs
	if a := currentAccess(r); a != nil && a.Leads[groupID] {
		off, err := s.store.DigestOff(r.Context(), a.User.ID)
		if err != nil {
			return err
		}
		d["Digest"] = map[string]any{"Off": off}
	}
	return nil
}

// digestSetting starts or stops the signed-in lead's weekly digest (one
// for all the groups they lead).
func (s *Server) digestSetting(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := parseForm(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a := currentAccess(r)
	if !a.Leads[id] {
		s.fail(w, r, gs.Errorf(gs.ECONFLICT, "Only a group's leads get its weekly digest."))
		return
	}
	var on bool
	switch f.Get("digest") {
	case "on":
		on = true
	case "off":
	default:
		s.fail(w, r, gs.Errorf(gs.EINVALID, "Choose whether to get the weekly digest."))
		return
	}
	if err := s.store.SetDigest(r.Context(), a.User.ID, on); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/lead/groups/"+strconv.FormatInt(id, 10)+"#digest", http.StatusSeeOther)
}

// digestUnsubscribeForm is the page of the link in a digest that stops the
// digests. As with the other emailed links, GET shows a button and POST
// acts, because mail scanners fetch the links in emails.
func (s *Server) digestUnsubscribeForm(w http.ResponseWriter, r *http.Request) {
	linkHeaders(w)
	l, err := s.store.DigestLink(r.Context(), r.PathValue("token"))
	if err == nil && l.Expired {
		err = store.ErrLinkExpired
	}
	if err != nil {
		s.linkFailed(w, r, gs.FollowupLink{}, err)
		return
	}
	if l.Off {
		s.render(w, r, http.StatusOK, "digest_unsubscribe_done", page{Title: "You have already stopped the weekly digest", D: map[string]any{"Link": l}})
		return
	}
	s.render(w, r, http.StatusOK, "digest_unsubscribe", page{Title: "Stop the weekly digest", D: map[string]any{
		"Token": r.PathValue("token"), "Link": l,
	}})
}

// digestUnsubscribeSubmit stops the link's user's digests. It serves the
// page's button and the one-click unsubscribe of RFC 8058 (no cookies, no
// Origin), so it answers with the page, 200, rather than a redirect.
func (s *Server) digestUnsubscribeSubmit(w http.ResponseWriter, r *http.Request) {
	if _, err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	l, already, err := s.store.StopDigest(r.Context(), r.PathValue("token"))
	if err != nil {
		s.linkFailed(w, r, gs.FollowupLink{}, err)
		return
	}
	title := "You have stopped the weekly digest"
	if already {
		title = "You have already stopped the weekly digest"
	}
	linkHeaders(w)
	s.render(w, r, http.StatusOK, "digest_unsubscribe_done", page{Title: title, D: map[string]any{"Link": l}})
}

// paragraphLines splits plain text into paragraphs on blank lines, and each
// paragraph into its lines, as the email's HTML part shows them.
func paragraphLines(s string) [][]string {
	var out [][]string
	for _, p := range paragraphs(s) {
		out = append(out, strings.Split(p, "\n"))
	}
	return out
}
