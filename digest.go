package groundswell

import "time"

// TokenDigestUnsubscribe is the purpose of the link in a group lead's weekly
// digest that stops their digests (and only those).
const TokenDigestUnsubscribe = "digest_unsubscribe"

// DigestUpcomingDays is how far ahead a digest looks for actions whose "by
// when" is coming up.
const DigestUpcomingDays = 14

// DigestDue is one weekly digest the digest sweep has recorded as due, to be
// composed and sent by a job: the lead, the ISO week ("2027-W10") and the
// seven days it covers, [Since, Until).
type DigestDue struct {
	UserID       int64
	Week         string
	Since, Until time.Time
}

// LeadDigest is what a group lead's weekly digest says: their groups in live
// campaigns, each with what happened in the week and what is coming up.
type LeadDigest struct {
	User         User
	Off          bool // the lead has stopped their digests
	Week         string
	Since, Until time.Time
	// From is the first day of the coming days the digest looks at.
	From   Date
	Groups []GroupDigest
}

// Quiet reports whether nothing happened in any of the lead's groups this
// week and nothing is coming up.
func (d LeadDigest) Quiet() bool {
	for _, g := range d.Groups {
		if !g.Quiet() {
			return false
		}
	}
	return true
}

// GroupDigest is one group's week, counting confirmed pledges only.
type GroupDigest struct {
	Group    Group
	Campaign Campaign
	// In the week: pledges confirmed, done, lapsed in silence, reported
	// not done ("I cannot do it"), and reported blocked (still open).
	New, Done, Lapsed, Cant, Blocked int
	// In all: confirmed pledges not withdrawn, and of them done.
	Pledged, DoneInAll int
	// Upcoming lists the group's actions due in the next
	// DigestUpcomingDays days, soonest first.
	Upcoming []ActionSummary
}

// News reports whether anything happened in the group in the week.
func (g GroupDigest) News() bool {
	return g.New+g.Done+g.Lapsed+g.Cant+g.Blocked > 0
}

// Quiet reports whether the group had no news in the week and has no
// action coming up.
func (g GroupDigest) Quiet() bool { return !g.News() && len(g.Upcoming) == 0 }

// DigestLink is the unsubscribe link of a digest as it was found.
type DigestLink struct {
	User    User
	Off     bool // the user's digests are already stopped
	Expired bool
}
