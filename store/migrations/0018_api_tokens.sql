-- Personal API tokens (issue 7): created by an organiser for one campaign,
-- read-only or read-write, shown once and kept only as a SHA-256 hash, so a
-- copy of the database authenticates no one. Revoked tokens are kept, with
-- the time, for the record.
CREATE TABLE api_tokens (
	id            {{id}},
	campaign_id   {{bigint}} NOT NULL REFERENCES campaigns(id),
	user_id       {{bigint}} NOT NULL REFERENCES users(id),
	name          TEXT NOT NULL,
	scope         TEXT NOT NULL CHECK (scope IN ('read', 'write')),
	token_hash    TEXT NOT NULL UNIQUE,
	created_at    {{bigint}} NOT NULL,
	last_used_at  {{bigint}},
	revoked_at    {{bigint}}
);
CREATE INDEX api_tokens_campaign ON api_tokens (campaign_id);
