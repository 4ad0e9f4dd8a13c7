-- A group lead's weekly digest, and a lead's message to the people who
-- pledged to their group.

-- Set when a user stops their weekly digest (the link in every digest, or
-- their group page). Only the digest: a user's other emails are unaffected.
ALTER TABLE users ADD COLUMN digest_off_at {{bigint}};

-- Every weekly digest queued, recorded in the transaction that queues its
-- email: the primary key is what makes a lead's digest go once a week,
-- however often and on however many nodes the digest sweep runs. week is
-- the ISO week of the day it is sent, 'YYYY-Www'.
CREATE TABLE digests_sent (
	user_id     {{bigint}} NOT NULL REFERENCES users(id),
	week        TEXT NOT NULL,
	created_at  {{bigint}} NOT NULL,
	PRIMARY KEY (user_id, week)
);

-- Messages a group's lead (or an organiser) sent to the people who pledged
-- to the group's actions, recorded in the transaction that queues one email
-- job per recipient. The sender's name and role are kept as they were when
-- it was sent. recipients is how many emails were queued. submission_key
-- makes a form sent twice one message.
CREATE TABLE group_messages (
	id              {{id}},
	group_id        {{bigint}} NOT NULL REFERENCES stakeholder_groups(id),
	sender_user_id  {{bigint}} NOT NULL REFERENCES users(id),
	sender_name     TEXT NOT NULL,
	sender_role     TEXT NOT NULL CHECK (sender_role IN ('lead', 'organiser')),
	subject         TEXT NOT NULL,
	body            TEXT NOT NULL,
	recipients      {{bigint}} NOT NULL,
	submission_key  TEXT NOT NULL UNIQUE,
	created_at      {{bigint}} NOT NULL
);
CREATE INDEX group_messages_group ON group_messages (group_id, created_at);
