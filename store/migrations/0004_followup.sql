-- Follow-up after the pledge: reminders before the date a commitment is
-- followed up on, a report-back request on that date with one-click answers,
-- lapsing after a grace period, and the unsubscribe link.

-- What the owner last reported from an emailed link: 'done', 'not_yet' or
-- 'cant' ('' when never reported), with the optional reason for 'cant'. The
-- status stays within the five of migration 0001: "I cannot do it" is status
-- 'lapsed' with outcome 'cant', which keeps it apart from a pledge that
-- lapsed in silence and, like it, counts as made but not kept.
ALTER TABLE commitments ADD COLUMN outcome TEXT NOT NULL DEFAULT '';
ALTER TABLE commitments ADD COLUMN outcome_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE commitments ADD COLUMN reported_at {{bigint}};

-- followup_on is the person's own date, set after "not yet" (or starting a
-- lapsed pledge again): the commitment is followed up on the later of it and
-- its action's due date. '' when there is none. A report that needs a new
-- date clears it, and the next sweep dates it. Both indexes are partial, so
-- that each is small and the sweep's queries find their few rows through
-- them (see dueQuery and dateReported in store/followup.go).
ALTER TABLE commitments ADD COLUMN followup_on TEXT NOT NULL DEFAULT '';
CREATE INDEX commitments_followup_on ON commitments (followup_on) WHERE followup_on <> '';
CREATE INDEX commitments_to_date ON commitments (id) WHERE followup_on = '' AND reported_at IS NOT NULL AND status IN ('pledged', 'in_progress');

-- Set when the person asks for no more follow-up emails (the link in every
-- one of them). Confirmation emails, about a pledge just made, still go.
ALTER TABLE people ADD COLUMN unsubscribed_at {{bigint}};

-- Every step of follow-up taken for a commitment, recorded in the
-- transaction that queues its email: the primary key is what makes a
-- reminder go once, however often and on however many nodes the sweep runs.
-- step is 'remind_N' (N days before), 'report' or 'lapse'. due_on is the
-- date followed up, so that a new date (the action's moved, or the person's
-- own after "not yet") is followed up afresh. emailed is false for a step
-- taken without an email (a reminder too soon after the pledge, a lapse of
-- someone unsubscribed or found more than a week late).
CREATE TABLE followups (
	commitment_id  {{bigint}} NOT NULL REFERENCES commitments(id),
	step           TEXT NOT NULL,
	due_on         TEXT NOT NULL,
	emailed        {{bool}} NOT NULL,
	created_at     {{bigint}} NOT NULL,
	PRIMARY KEY (commitment_id, step, due_on)
);
