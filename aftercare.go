package groundswell

import (
	"slices"
	"time"
)

// Aftercare: what happens once the date of a pledge comes. Its owner says
// how it went — done, partly done, not yet, blocked, or not done — from an
// emailed link or signed in. A blocked or lapsed pledge goes on its group
// leads' follow-up list; a done (or partly done) one invites a short story,
// which, with consent, appears on the group's page; a done one earns a
// certificate. Pledge → share → do → inspire is the journey its owner sees.

// More outcomes, beside those of a report link (OutcomeDone, OutcomeNotYet,
// OutcomeCant). "Not done" is OutcomeCant: the pledge is closed without being
// done, with the reason its owner gave, whether they said so from an email
// ("I cannot do it") or signed in ("Not done").
const (
	// OutcomePartly is "I have partly done it". The status is in progress,
	// not done: the pledge is still open, counts as made but not (yet)
	// kept, and its owner is asked again later, when they can say done.
	OutcomePartly = "partly"
	// OutcomeBlocked is "something is in the way", with what it is. The
	// status is in progress: the person still means to do it, and the
	// group's leads see it on their follow-up list so that they can help.
	OutcomeBlocked = "blocked"
)

// Outcomes lists every outcome a person can report, in the order the forms
// offer them.
var Outcomes = []string{OutcomeDone, OutcomePartly, OutcomeNotYet, OutcomeBlocked, OutcomeCant}

// OutcomeStatus is the status a commitment takes when its owner reports the
// outcome. Only done is done, so the "kept" rate (done ÷ made) counts only
// pledges kept in full: partly done and blocked stay in progress (open, and
// followed up again), not done is lapsed (closed, not kept).
func OutcomeStatus(outcome string) string {
	switch outcome {
	case OutcomeDone:
		return StatusDone
	case OutcomeCant:
		return StatusLapsed
	case OutcomePartly, OutcomeNotYet, OutcomeBlocked:
		return StatusInProgress
	}
	return ""
}

// LinkOutcomes lists the answers the page of a report link offers, the
// link's own first: from "done", partly done; from "not yet", partly done or
// blocked; from "I cannot do it", blocked. A link to start a lapsed pledge
// again has the one answer, not yet.
func LinkOutcomes(purpose string) []string {
	switch purpose {
	case TokenReportDone:
		return []string{OutcomeDone, OutcomePartly}
	case TokenReportNotYet:
		return []string{OutcomeNotYet, OutcomePartly, OutcomeBlocked}
	case TokenReportCant:
		return []string{OutcomeCant, OutcomeBlocked}
	case TokenRevive:
		return []string{OutcomeNotYet}
	}
	return nil
}

// OutcomeReport is what a person reports of their own pledge.
type OutcomeReport struct {
	Outcome string
	// Reason is why it was not done (optional) or what is in the way
	// (required); it is cleared for the other outcomes.
	Reason string
}

// Validate checks and cleans a report. The reason for "not done" is the
// field "reason"; what is in the way, "blocker".
func (o *OutcomeReport) Validate() error {
	errs := FieldErrors{}
	switch o.Outcome {
	case OutcomeCant:
		o.Reason = text(errs, "reason", "Your reason", o.Reason, false, MaxReasonLength, true)
	case OutcomeBlocked:
		o.Reason = text(errs, "blocker", "What is in the way", o.Reason, true, MaxReasonLength, true)
	case OutcomeDone, OutcomePartly, OutcomeNotYet:
		o.Reason = ""
	default:
		errs.Add("outcome", "Choose how your pledge is going")
	}
	return errs.Err()
}

// MaxStoryLength bounds a story, in characters.
const MaxStoryLength = 600

// StoryInput is a story as its author writes it.
type StoryInput struct {
	Text string
	// Public is consent to show the story on the group's public page.
	Public bool
}

// Validate checks and cleans a story. An empty story removes one written
// before.
func (s *StoryInput) Validate() error {
	errs := FieldErrors{}
	s.Text = text(errs, "story", "Your story", s.Text, false, MaxStoryLength, true)
	if s.Text == "" {
		s.Public = false
	}
	return errs.Err()
}

// StoryAllowed reports whether a commitment in this status, with this
// outcome, may have a story: once it is done, or partly done.
func StoryAllowed(status, outcome string) bool {
	return status == StatusDone || (status == StatusInProgress && outcome == OutcomePartly)
}

// Story is what someone wrote of what they did.
type Story struct {
	Text   string
	Public bool // shown on the group's page
	// Name is the author's name, given on the group's page only when they
	// also agreed to be shown on the pledge wall; "" otherwise.
	Name        string
	ActionTitle string
	Partly      bool // partly done, not done
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Aftercare is where a commitment stands after its pledge: what its owner
// last reported, their story, and how many they brought in.
type Aftercare struct {
	Outcome       string // "" when never reported
	OutcomeReason string
	ReportedAt    time.Time
	// DoneAt is when it was done; zero unless it is.
	DoneAt time.Time
	Story  Story // Story.Text is "" when there is none
	// Invited counts the people who pledged in the campaign through the
	// owner's invite link.
	Invited int
}

// OwnPledge is a pledge as its owner sees it.
type OwnPledge struct {
	Receipt
	Aftercare
}

// StoryAllowed reports whether the pledge may have a story now.
func (p OwnPledge) StoryAllowed() bool {
	return p.Commitment.Confirmed() && StoryAllowed(p.Commitment.Status, p.Outcome)
}

// Certified reports whether the pledge has a certificate: it is confirmed
// and done.
func (p OwnPledge) Certified() bool {
	return p.Commitment.Confirmed() && p.Commitment.Status == StatusDone
}

// The steps of a participant's journey.
const (
	JourneyPledge  = "Pledge"
	JourneyShare   = "Share"
	JourneyDo      = "Do"
	JourneyInspire = "Inspire"
)

// JourneySteps lists the journey in order.
var JourneySteps = []string{JourneyPledge, JourneyShare, JourneyDo, JourneyInspire}

// Where a journey step stands.
const (
	JourneyStepDone    = "done"
	JourneyStepCurrent = "current"
	JourneyStepToCome  = "to come"
)

// JourneyStep is one step of the journey and where it stands.
type JourneyStep struct {
	Name  string
	State string // JourneyStepDone, JourneyStepCurrent or JourneyStepToCome
}

// Journey is where the pledge stands on pledge → share → do → inspire: the
// steps before the current one are done. Pledge is current until the pledge
// is confirmed; then share, until someone has pledged through the owner's
// invite link; then do, until it is done (partly done is still doing);
// then inspire, until they have written their story, when every step is
// done. A withdrawn pledge has no journey.
func (p OwnPledge) Journey() []JourneyStep {
	c := p.Commitment
	var current string
	switch {
	case c.Status == StatusWithdrawn:
		return nil
	case !c.Confirmed():
		current = JourneyPledge
	case c.Status == StatusDone && p.Story.Text != "":
		current = "" // all done
	case c.Status == StatusDone:
		current = JourneyInspire
	case p.Invited > 0:
		current = JourneyDo
	default:
		current = JourneyShare
	}
	at := len(JourneySteps)
	if current != "" {
		at = slices.Index(JourneySteps, current)
	}
	out := make([]JourneyStep, len(JourneySteps))
	for i, name := range JourneySteps {
		out[i] = JourneyStep{Name: name, State: JourneyStepToCome}
		switch {
		case i < at:
			out[i].State = JourneyStepDone
		case i == at:
			out[i].State = JourneyStepCurrent
		}
	}
	return out
}

// FollowUpItem is a pledge on a group leads' follow-up list: blocked, or
// lapsed (in silence, or because its owner said they could not do it).
type FollowUpItem struct {
	CommitmentID int64
	Name         string
	Email        string // only when the person agreed to be contacted
	ActionTitle  string
	Status       string
	Outcome      string
	Reason       string // what they said: the reason, or what is in the way
	At           time.Time
}

// FollowUpList is a group leads' follow-up list: the most recent items,
// and how many there are in all.
type FollowUpList struct {
	Items []FollowUpItem
	Total int
}

// Kind is why the pledge needs following up: OutcomeBlocked, OutcomeCant
// (they said they could not do it), or StatusLapsed (no answer).
func (f FollowUpItem) Kind() string {
	switch {
	case f.Status == StatusLapsed && f.Outcome == OutcomeCant:
		return OutcomeCant
	case f.Status == StatusLapsed:
		return StatusLapsed
	}
	return OutcomeBlocked
}

// Certificate is what a certificate for a done pledge shows.
type Certificate struct {
	Receipt
	DoneOn Date
}

// Standing names where a pledge stands when its outcome says more than its
// status: not confirmed yet, partly done, blocked, not done. It is ""
// otherwise, when the status says it.
func (p OwnPledge) Standing() string {
	c := p.Commitment
	switch {
	case !c.Confirmed():
		return "Not confirmed yet"
	case c.Status == StatusInProgress && p.Outcome == OutcomePartly:
		return "Partly done"
	case c.Status == StatusInProgress && p.Outcome == OutcomeBlocked:
		return "Blocked"
	case c.Status == StatusLapsed && p.Outcome == OutcomeCant:
		return "Not done"
	}
	return ""
}
