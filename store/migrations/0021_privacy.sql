-- Privacy (issue 8): consent kept with the version of its wording, erasure,
-- retention, and the key that signs the public forms' fill-time stamps.

-- The version of the consent wording (groundswell.ConsentVersion) a person
-- was shown when they made their choices on the pledge form, and when. 0
-- and NULL: chosen before versions were kept, or not on our form (an
-- import, the API).
ALTER TABLE people ADD COLUMN consent_version {{bigint}} NOT NULL DEFAULT 0;
ALTER TABLE people ADD COLUMN consent_at {{bigint}};

-- Set when a person is erased: their row stays, with nothing that says who
-- they were, so that their pledges and invitation links still count.
ALTER TABLE people ADD COLUMN erased_at {{bigint}};

-- Each erasure: who asked (the person, an organiser, the retention period),
-- when, and an opaque reference to quote back to the person. Nothing of
-- what was erased is kept here.
CREATE TABLE erasures (
	id             {{id}},
	reference      TEXT NOT NULL UNIQUE,
	requested_by   TEXT NOT NULL CHECK (requested_by IN ('person', 'organiser', 'retention')),
	by_user_id     {{bigint}} REFERENCES users(id),
	commitments    {{bigint}} NOT NULL DEFAULT 0,
	relationships  {{bigint}} NOT NULL DEFAULT 0,
	created_at     {{bigint}} NOT NULL
);

-- Random keys the installation makes for itself on first use, shared by
-- every node through the database: 'forms' signs the time a public form was
-- shown (web/formguard.go).
CREATE TABLE app_secrets (
	name        TEXT PRIMARY KEY,
	secret      TEXT NOT NULL,
	created_at  {{bigint}} NOT NULL
);

-- An erasure finds what was sent to a person, and each one-time link of
-- theirs, by index rather than by reading every email and link; the
-- retention of links removes expired ones by date. The confirmation
-- dispatcher's "already sent?" check uses messages_commitment too.
CREATE INDEX messages_to_email ON messages (to_email);
CREATE INDEX messages_commitment ON messages (commitment_id);
CREATE INDEX tokens_user ON tokens (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX tokens_expires ON tokens (expires_at);
