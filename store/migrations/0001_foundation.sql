-- The foundation: campaigns, groups, actions, people, commitments and the
-- relationships they build; outcome indicators; organisers and their sessions.
-- Times are Unix milliseconds (UTC) and dates ISO text, the same on SQLite and
-- PostgreSQL, so one set of queries serves both.

CREATE TABLE areas (
	id          {{id}},
	code        TEXT NOT NULL UNIQUE,
	name        TEXT NOT NULL,
	kind        TEXT NOT NULL,
	parent_id   {{bigint}} REFERENCES areas(id),
	population  {{bigint}} NOT NULL DEFAULT 0
);

CREATE TABLE organisations (
	id          {{id}},
	name        TEXT NOT NULL,
	ods_code    TEXT NOT NULL DEFAULT '',
	sector      TEXT NOT NULL,
	area_id     {{bigint}} REFERENCES areas(id),
	created_at  {{bigint}} NOT NULL
);
CREATE UNIQUE INDEX organisations_ods_code ON organisations (ods_code) WHERE ods_code <> '';

CREATE TABLE campaigns (
	id              {{id}},
	slug            TEXT NOT NULL UNIQUE,
	title           TEXT NOT NULL,
	purpose         TEXT NOT NULL,
	story           TEXT NOT NULL DEFAULT '',
	starts_on       TEXT NOT NULL,
	ends_on         TEXT NOT NULL DEFAULT '',
	status          TEXT NOT NULL CHECK (status IN ('draft', 'live', 'closed')),
	predecessor_id  {{bigint}} REFERENCES campaigns(id),
	illustrative    {{bool}} NOT NULL DEFAULT FALSE,
	created_at      {{bigint}} NOT NULL,
	updated_at      {{bigint}} NOT NULL
);

CREATE TABLE alliance_members (
	campaign_id      {{bigint}} NOT NULL REFERENCES campaigns(id),
	organisation_id  {{bigint}} NOT NULL REFERENCES organisations(id),
	joined_on        TEXT NOT NULL,
	action_plan      TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (campaign_id, organisation_id)
);

CREATE TABLE stakeholder_groups (
	id           {{id}},
	campaign_id  {{bigint}} NOT NULL REFERENCES campaigns(id),
	slug         TEXT NOT NULL,
	name         TEXT NOT NULL,
	description  TEXT NOT NULL DEFAULT '',
	goal         TEXT NOT NULL,
	target       {{bigint}} NOT NULL DEFAULT 0 CHECK (target >= 0),
	position     {{bigint}} NOT NULL DEFAULT 0,
	UNIQUE (campaign_id, slug)
);

CREATE TABLE actions (
	id           {{id}},
	group_id     {{bigint}} NOT NULL REFERENCES stakeholder_groups(id),
	title        TEXT NOT NULL,
	description  TEXT NOT NULL DEFAULT '',
	due_on       TEXT NOT NULL,
	target       {{bigint}} NOT NULL DEFAULT 0 CHECK (target >= 0),
	retired      {{bool}} NOT NULL DEFAULT FALSE,
	position     {{bigint}} NOT NULL DEFAULT 0
);
CREATE INDEX actions_group ON actions (group_id);

CREATE TABLE milestones (
	id           {{id}},
	campaign_id  {{bigint}} NOT NULL REFERENCES campaigns(id),
	title        TEXT NOT NULL,
	on_date      TEXT NOT NULL,
	description  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX milestones_campaign ON milestones (campaign_id, on_date);

CREATE TABLE people (
	id                 {{id}},
	email              TEXT NOT NULL UNIQUE,
	name               TEXT NOT NULL,
	profession         TEXT NOT NULL DEFAULT '',
	organisation_id    {{bigint}} REFERENCES organisations(id),
	organisation_name  TEXT NOT NULL DEFAULT '',
	area_id            {{bigint}} REFERENCES areas(id),
	show_on_wall       {{bool}} NOT NULL DEFAULT FALSE,
	contact_ok         {{bool}} NOT NULL DEFAULT FALSE,
	referral_code      TEXT NOT NULL UNIQUE,
	created_at         {{bigint}} NOT NULL
);

-- A person pledges to an action once: UNIQUE (person_id, action_id) is the
-- duplicate rule, enforced by the database and not by application checks.
-- submission_key makes a form submitted twice one pledge.
CREATE TABLE commitments (
	id              {{id}},
	person_id       {{bigint}} NOT NULL REFERENCES people(id),
	action_id       {{bigint}} NOT NULL REFERENCES actions(id),
	campaign_id     {{bigint}} NOT NULL REFERENCES campaigns(id),
	status          TEXT NOT NULL CHECK (status IN ('pledged', 'in_progress', 'done', 'lapsed', 'withdrawn')),
	why             TEXT NOT NULL DEFAULT '',
	hours           {{float}} NOT NULL DEFAULT 0 CHECK (hours >= 0),
	channel         TEXT NOT NULL,
	invited_by_id   {{bigint}} REFERENCES people(id),
	receipt_token   TEXT NOT NULL UNIQUE,
	submission_key  TEXT UNIQUE,
	created_at      {{bigint}} NOT NULL,
	updated_at      {{bigint}} NOT NULL,
	UNIQUE (person_id, action_id)
);
CREATE INDEX commitments_action ON commitments (action_id, status);
CREATE INDEX commitments_campaign ON commitments (campaign_id, status);

-- Who invited whom into which campaign. A person is invited into a campaign
-- once: the first invitation they act on.
CREATE TABLE relationships (
	campaign_id  {{bigint}} NOT NULL REFERENCES campaigns(id),
	to_id        {{bigint}} NOT NULL REFERENCES people(id),
	from_id      {{bigint}} NOT NULL REFERENCES people(id),
	kind         TEXT NOT NULL DEFAULT 'invited',
	created_at   {{bigint}} NOT NULL,
	PRIMARY KEY (campaign_id, to_id),
	CHECK (from_id <> to_id)
);
CREATE INDEX relationships_from ON relationships (from_id);

CREATE TABLE indicators (
	id           {{id}},
	campaign_id  {{bigint}} REFERENCES campaigns(id),
	slug         TEXT NOT NULL UNIQUE,
	name         TEXT NOT NULL,
	unit         TEXT NOT NULL DEFAULT '',
	direction    TEXT NOT NULL CHECK (direction IN ('up', 'down', 'neither')),
	target       {{float}},
	definition   TEXT NOT NULL DEFAULT '',
	source       TEXT NOT NULL DEFAULT '',
	caveats      TEXT NOT NULL DEFAULT ''
);

CREATE TABLE observations (
	indicator_id  {{bigint}} NOT NULL REFERENCES indicators(id),
	area_id       {{bigint}} NOT NULL REFERENCES areas(id),
	period        TEXT NOT NULL,
	numerator     {{float}},
	denominator   {{float}},
	value         {{float}} NOT NULL,
	synthetic     {{bool}} NOT NULL DEFAULT FALSE,
	PRIMARY KEY (indicator_id, area_id, period)
);

CREATE TABLE users (
	id             {{id}},
	email          TEXT NOT NULL UNIQUE,
	name           TEXT NOT NULL,
	role           TEXT NOT NULL,
	password_hash  TEXT NOT NULL,
	created_at     {{bigint}} NOT NULL
);

-- Sessions are stored server-side; the cookie holds a random token and only
-- its SHA-256 is kept here, so a copy of the database cannot sign anyone in.
CREATE TABLE sessions (
	token_hash  TEXT PRIMARY KEY,
	user_id     {{bigint}} NOT NULL REFERENCES users(id),
	created_at  {{bigint}} NOT NULL,
	expires_at  {{bigint}} NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
