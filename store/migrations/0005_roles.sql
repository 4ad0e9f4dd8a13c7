-- Group leads: users who run a stakeholder group. Appointed by an organiser
-- (or a fellow lead) by email; they sign in with one-time links.
CREATE TABLE group_leads (
	group_id    {{bigint}} NOT NULL REFERENCES stakeholder_groups(id),
	user_id     {{bigint}} NOT NULL REFERENCES users(id),
	invited_by  {{bigint}} REFERENCES users(id),
	created_at  {{bigint}} NOT NULL,
	PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_leads_user ON group_leads (user_id);

-- Sign-in links name the user they sign in.
ALTER TABLE tokens ADD COLUMN user_id {{bigint}} REFERENCES users(id);
