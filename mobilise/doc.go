// Package mobilise measures what a call to action builds — people committed,
// commitments kept, discretionary effort, the alliance, the relationships
// people make by inviting others, what carries over to the next campaign —
// beside the classic envelope that runs down. It is pure functions over data
// the store hands it: no I/O, nothing drawn, so that every page, export and
// API shows the same numbers. The definitions below are the ones a
// dashboard's "what this counts" quotes.
//
// # Time series
//
// A [Timeline] is a run of buckets — days, weeks starting on Monday (ISO
// 8601), or calendar months — in one time zone, from the bucket holding its
// first date to the bucket now is in. Every figure of a bucket is as at its
// end: midnight (in that zone) starting the next bucket, and for the current
// bucket, now. An event at an instant t counts in the bucket holding t, so a
// pledge at 23:59:59 counts on its day and one at 00:00:00 on the next; it
// counts towards every total as at an end after t. Events before the first
// bucket count towards every total and are no bucket's "new"; events after
// now count nowhere.
//
// We keep only each commitment's current status and the times of a few
// events, so its history is rebuilt from these, and from nothing else:
//
//   - made: at CreatedAt (with [Options.ConfirmedOnly], at ConfirmedAt
//     instead, and never when unconfirmed);
//   - confirmed: at ConfirmedAt (never when zero);
//   - done, lapsed, withdrawn: the current status, at ReportedAt. Before it,
//     the commitment was open: pledged or in progress, which history cannot
//     tell apart. A terminal status with no ReportedAt counts as reached
//     when the commitment was made, and [Series.Undated] says how many did.
//     (As of migration 0010 the store dates only "done" in reported_at;
//     lapsing and withdrawal set only updated_at, which is what the store
//     should pass as ReportedAt for them.)
//   - in progress and pledged: known only now, so they are split in the
//     current snapshot only ([Series.InProgress], [Series.Pledged]); a
//     commitment that went back from lapsed to in progress is shown as
//     having been open all along.
//
// A confirmation or report time before the pledge is taken as the pledge's
// time.
//
// The figures of a [Point], for the commitments of its series:
//
//   - New: commitments made, confirmed, done, lapsed and withdrawn in the
//     bucket. Total: the same, up to its end. Made counts every pledge,
//     later withdrawn ones included.
//   - Standing: made and not withdrawn as at the end (Total.Made −
//     Total.Withdrawn). Open: standing and neither done nor lapsed.
//   - People (people committed): distinct people with at least one standing
//     commitment as at the end. It falls when someone withdraws their last
//     commitment. Split by group, area or organisation, a person counts
//     once in each series they have a standing commitment in, so the
//     series' people add up to more than the total's: the total counts each
//     person once.
//   - Kept = done ÷ due, as at the end. Due: standing commitments whose
//     action's due date has passed (the due date's midnight ending it is at
//     or before the end; a commitment due today is not yet due). Done: those
//     of them done. A commitment done before its due date counts as kept
//     once the date has passed; one done after it counts as kept from then;
//     one withdrawn after being due leaves both numbers. With nothing due
//     the kept rate is not available ([Ratio.Value] returns false), never 0.
//     A commitment with no due date is never due.
//   - HoursPledged (discretionary effort pledged): the sum of Hours over
//     standing commitments. HoursDelivered: the sum of Hours over done
//     commitments — the hours pledged for what was done, since no one
//     reports the hours they actually gave.
//
// Series split commitments by campaign, group, action, area or organisation
// ([By]), or by any key function ([Options.Key]). Area and organisation are
// the person's now, not when they pledged; key 0 gathers those with none.
// A [Tally] takes commitments one at a time, so the store can stream them.
//
// [HeadlineOf] and [ChangeOf] give each figure now (the last bucket, as at
// now) with its value at the end of the previous bucket, the "change since
// last period".
//
// # Alliance
//
// Organisations in the alliance, as at a bucket's end: those whose JoinedOn
// is on or before its last day; an organisation counts from the start of the
// day it joined, so one that joined today counts as at now. Their
// action-plan commitments are counted as people's commitments are, so their
// kept rate is done ÷ due as above.
//
// # Envelope
//
// The classic envelope, per unit (GBP, staff hours): allocated and spent are
// the sums of entries dated on or before a bucket's last day; remaining is
// allocated − spent, negative when overspent. An entry dated today counts
// as at now.
//
// # Relationships
//
// An invitation is a relationship: From invited To. [Analyse] turns a set of
// them into a forest:
//
//   - Each person is placed by their first invitation: the earliest by
//     CreatedAt, then the lowest CampaignID, then the lowest FromID — the
//     database's rule within a campaign (its primary key is campaign and
//     To). Later invitations of the same person are Duplicates, left out of
//     the trees; a person whose only invitations were duplicates is in no
//     tree. Given several campaigns, this makes the lasting graph: who first
//     brought each person in.
//   - A self-invitation is refused with [ErrSelfInvitation].
//   - A cycle (A invited B, and later B's link was recorded for A) is broken
//     at its latest invitation, whose invited person becomes a root; the
//     invitations left out are listed in [Summary.Broken].
//
// On the forest:
//
//   - Invitations: the relationships given. Accepted: those whose invited
//     person is among the committed people passed in. (The store records a
//     relationship when the invited person pledges through the link, so an
//     invitation no one acted on leaves no trace; accepted is then the
//     invitations whose pledge is confirmed and standing, if that is what
//     the caller passes as committed.)
//   - People: the people in the trees, inviters and invited.
//   - Recruits of a person: the people they invited (first invitations left
//     in the forest). Recruiters: people with at least one recruit.
//     SecondGeneration ("leaders developing leaders"): recruiters who were
//     invited themselves. Summary.Recruits[k]: the people with exactly k
//     recruits, among the people in the trees and the committed people in
//     none (Unlinked, who count under 0).
//   - Depth of a person: invitations between them and their tree's root.
//     Depth of the cascade: the longest chain, in invitations. AtDepth[d]:
//     people at depth d.
//   - Reach of a person: the people reachable through their invitations,
//     their descendants, not themselves; a root's reach is its tree's size
//     − 1. Top connectors: by reach, then by ascending id.
//   - Trees: the connected components, edges taken as undirected (each is
//     one tree, since each person has at most one inviter). TreeSizes
//     largest first; they add up to People.
//
// All of it is iterative and linear in people and invitations, so a chain
// 200,000 people long is no risk to the stack.
//
// [Graph.Draw] chooses what to draw when there are too many people: whole
// trees, largest first, or the part of the largest nearest its root, and
// says so in a note. [Layout] places a forest in the unit square, in layers.
//
// # Carry-over
//
// Given a predecessor's people (who made a commitment in it) and
// organisations (its alliance), and the new campaign's commitments, alliance
// and invitations, [Carry] (or [Carrier], streaming) counts, over the new
// campaign's standing
// commitments: the people and organisations again (in both); ByReturning,
// the commitments made by people of the predecessor; ByInvited, those made
// by anyone else whose first invitation into the new campaign came from a
// person of the predecessor; and the share that came through relationships
// built before, (ByReturning + ByInvited) ÷ standing commitments. Only one
// step of invitation counts: someone invited by a person who was themselves
// invited by the predecessor's people is not carried over.
package mobilise
