-- Organisation representatives: users who speak for a partner organisation
-- in the alliance. Appointed by an organiser (or a fellow representative)
-- by email; they sign in with one-time links, as group leads do.
CREATE TABLE organisation_reps (
	organisation_id  {{bigint}} NOT NULL REFERENCES organisations(id),
	user_id          {{bigint}} NOT NULL REFERENCES users(id),
	invited_by       {{bigint}} REFERENCES users(id),
	created_at       {{bigint}} NOT NULL,
	PRIMARY KEY (organisation_id, user_id)
);
CREATE INDEX organisation_reps_user ON organisation_reps (user_id);

-- An organisation's alliance action plan, as items each with a "by when"
-- and a status, so that it can be followed up like a pledge. The rows refer
-- to the campaign and the organisation rather than to alliance_members, so
-- that an organisation leaving the alliance keeps the record of what it
-- did; the store refuses new items and changes while it is not a member.
CREATE TABLE alliance_commitments (
	id               {{id}},
	campaign_id      {{bigint}} NOT NULL REFERENCES campaigns(id),
	organisation_id  {{bigint}} NOT NULL REFERENCES organisations(id),
	title            TEXT NOT NULL,
	due_on           TEXT NOT NULL,
	status           TEXT NOT NULL CHECK (status IN ('planned', 'in_progress', 'done', 'dropped')),
	created_at       {{bigint}} NOT NULL,
	updated_at       {{bigint}} NOT NULL
);
CREATE INDEX alliance_commitments_org ON alliance_commitments (organisation_id, campaign_id, due_on);
