package groundswell

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Purposes of the one-time links in follow-up emails. A report link carries
// its answer in its purpose, so one click says it all.
const (
	TokenReportDone   = "report_done"    // "I have done it"
	TokenReportNotYet = "report_not_yet" // "not yet, I am still working on it"
	TokenReportCant   = "report_cant"    // "I cannot do it", with an optional reason
	TokenRevive       = "revive"         // start a lapsed pledge again
	TokenUnsubscribe  = "unsubscribe"    // stop follow-up emails
)

// ReportPurposes are the purposes of the links that change a commitment.
var ReportPurposes = []string{TokenReportDone, TokenReportNotYet, TokenReportCant, TokenRevive}

// How long the links in follow-up emails work. A report link outlives the
// grace period, so that someone who did it late can still say so; an
// unsubscribe link works for a year, and may be used more than once.
const (
	ReportLinksWithin      = 90 * 24 * time.Hour
	UnsubscribeLinksWithin = 365 * 24 * time.Hour
)

// Outcomes: what the owner of a commitment last reported from a link. The
// status follows from it (done → done; not yet → in progress; can't →
// lapsed); the outcome keeps the difference between a pledge that lapsed in
// silence (no outcome) and one its owner said they could not do, and why.
const (
	OutcomeDone   = "done"
	OutcomeNotYet = "not_yet"
	OutcomeCant   = "cant"
)

// MaxReasonLength bounds the reason given for "I cannot do it".
const MaxReasonLength = 500

// Steps of the follow-up of a commitment.
const (
	StepRemind = "remind" // a reminder, some days before the date
	StepReport = "report" // on the date: have you done it?
	StepLapse  = "lapse"  // no answer by the end of the grace period
)

// Schedule is when commitments are followed up, in whole days, counted from
// the date each one is followed up on: its action's "by when", or, after
// its owner said "not yet" or started it again, a date of their own
// AskAgainAfter days later.
type Schedule struct {
	// RemindBefore lists the days before the date on which a reminder is
	// sent, such as 14 and 2; empty for no reminders. Only the latest one
	// due is sent: a pledge confirmed 5 days before its date gets the 2-day
	// reminder only.
	RemindBefore []int
	// LapseAfter is the grace period: a commitment not reported this many
	// days after its date lapses.
	LapseAfter int
	// AskAgainAfter is how many days after "not yet" (or starting a lapsed
	// pledge again) the person is asked again.
	AskAgainAfter int
}

// DefaultSchedule reminds 14 and 2 days before, asks on the day, lapses 14
// days after, and asks again 14 days after "not yet".
func DefaultSchedule() Schedule {
	return Schedule{RemindBefore: []int{14, 2}, LapseAfter: 14, AskAgainAfter: 14}
}

// maxScheduleDays bounds every number of days in a schedule.
const maxScheduleDays = 365

// Validate checks a schedule and sorts its reminders, latest first.
func (s *Schedule) Validate() error {
	errs := FieldErrors{}
	s.RemindBefore = slices.Clone(s.RemindBefore)
	slices.Sort(s.RemindBefore)
	slices.Reverse(s.RemindBefore)
	s.RemindBefore = slices.Compact(s.RemindBefore)
	for _, d := range s.RemindBefore {
		if d < 1 || d > maxScheduleDays {
			errs.Add("remind_before", "Reminders must be between 1 and 365 days before the date")
		}
	}
	if s.LapseAfter < 1 || s.LapseAfter > maxScheduleDays {
		errs.Add("lapse_after", "The grace period must be between 1 and 365 days")
	}
	if s.AskAgainAfter < 1 || s.AskAgainAfter > maxScheduleDays {
		errs.Add("ask_again_after", "Asking again must be between 1 and 365 days later")
	}
	return errs.Err()
}

// ParseDays reads a number of whole days: "14d" or "14".
func ParseDays(s string) (int, error) {
	v := strings.TrimSuffix(strings.TrimSpace(s), "d")
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, Errorf(EINVALID, "%q is not a number of days, like 14d", s)
	}
	return n, nil
}

// ParseDayList reads a comma-separated list of days: "14d,2d" (or "14,2").
// "" and "none" are the empty list.
func ParseDayList(s string) ([]int, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "none" {
		return nil, nil
	}
	var out []int
	for part := range strings.SplitSeq(s, ",") {
		n, err := ParseDays(part)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// FormatDayList writes days as ParseDayList reads them: "14d,2d".
func FormatDayList(days []int) string {
	if len(days) == 0 {
		return "none"
	}
	parts := make([]string, len(days))
	for i, d := range days {
		parts[i] = strconv.Itoa(d) + "d"
	}
	return strings.Join(parts, ",")
}

// FollowupDue is one follow-up email the sweep has recorded as due, to be
// composed and sent by a job.
type FollowupDue struct {
	CommitmentID int64
	Step         string // StepRemind, StepReport or StepLapse
	DaysBefore   int    // for a reminder: how many days before DueOn
	DueOn        Date   // the date followed up
}

// SweepResult counts what one sweep of the follow-up did.
type SweepResult struct {
	Reminders int // reminders due and queued
	Reports   int // report-back requests queued
	Lapsed    int // commitments marked lapsed
	Notices   int // lapse notices queued (not to the unsubscribed)
	Skipped   int // reminders not sent: the pledge was confirmed or answered too recently
	Dated     int // commitments given a date of their own (after "not yet", or pledged late)
}

// FollowupState is a commitment with where it stands in its follow-up.
type FollowupState struct {
	Receipt
	Outcome       string // OutcomeDone, OutcomeNotYet, OutcomeCant, or "" when never reported
	OutcomeReason string // for OutcomeCant, as the person wrote it; may be empty
	ReportedAt    time.Time
	// FollowUpOn is the date followed up: the action's "by when", or the
	// person's own later date.
	FollowUpOn Date
	// Unsubscribed is set when the person has asked for no more follow-up
	// emails.
	Unsubscribed bool
}

// FollowupLink is a link from a follow-up email as it was found, before
// anything is done with it.
type FollowupLink struct {
	Purpose string
	State   FollowupState
	Used    bool
	Expired bool
}

// ReportRefusal says why a report link's answer cannot be taken for a commitment
// with this status, or "" when it can: what is done stays done, a withdrawn
// pledge is not changed from an email, and only a lapsed pledge can be
// started again.
func ReportRefusal(purpose, status string) string {
	switch {
	case status == StatusWithdrawn:
		return "This pledge was withdrawn, so it cannot be changed from this link. Nothing has been changed."
	case status == StatusDone:
		return "You have already told us you have done this pledge. Thank you! Nothing has been changed."
	case purpose == TokenRevive && status != StatusLapsed:
		return "Your pledge is already open, so there is nothing to start again. Nothing has been changed."
	}
	return ""
}

// CleanReason checks and cleans the optional reason for "I cannot do it".
func CleanReason(reason string) (string, error) {
	errs := FieldErrors{}
	reason = text(errs, "reason", "Your reason", reason, false, MaxReasonLength, true)
	return reason, errs.Err()
}

// FollowupStep is one step of follow-up taken for a commitment.
type FollowupStep struct {
	Step    string // "remind_14", "report", "lapse"
	DueOn   Date   // the date followed up
	Emailed bool   // false when taken without an email
	At      time.Time
}
