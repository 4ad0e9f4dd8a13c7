-- Double opt-in: a pledge counts once its owner follows the link in the
-- confirmation email. Pledges made before this existed count as confirmed.
ALTER TABLE commitments ADD COLUMN confirmed_at {{bigint}};
UPDATE commitments SET confirmed_at = created_at;
CREATE INDEX commitments_unconfirmed ON commitments (created_at) WHERE confirmed_at IS NULL;

-- One-time links sent by email (confirm a pledge; later: sign in, report
-- back, unsubscribe). Only the SHA-256 of each token is kept, so a copy of
-- the database cannot be used to follow anyone's links.
CREATE TABLE tokens (
	token_hash     TEXT PRIMARY KEY,
	purpose        TEXT NOT NULL,
	commitment_id  {{bigint}} REFERENCES commitments(id),
	email          TEXT NOT NULL DEFAULT '',
	created_at     {{bigint}} NOT NULL,
	expires_at     {{bigint}} NOT NULL,
	used_at        {{bigint}}
);
CREATE INDEX tokens_commitment ON tokens (commitment_id);

-- Every email Groundswell composes: sent over SMTP, or, when no SMTP server
-- is configured, kept here as the outbox that organisers can read.
CREATE TABLE messages (
	id             {{id}},
	kind           TEXT NOT NULL,
	to_email       TEXT NOT NULL,
	to_name        TEXT NOT NULL DEFAULT '',
	subject        TEXT NOT NULL,
	text_body      TEXT NOT NULL,
	html_body      TEXT NOT NULL DEFAULT '',
	status         TEXT NOT NULL CHECK (status IN ('sent', 'outbox')),
	commitment_id  {{bigint}} REFERENCES commitments(id),
	created_at     {{bigint}} NOT NULL
);
CREATE INDEX messages_created ON messages (created_at);
