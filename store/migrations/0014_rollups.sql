-- Per-day rollups of each campaign's commitments (see store/rollup.go and
-- package mobilise): what a dashboard reads instead of every commitment.
-- One row per campaign, series (total, group, area, organisation), key
-- (the group's, area's or organisation's id; 0 for the total, and for
-- people with no area or organisation) and day in UK time; each counter is
-- a change on that day, hours in millionths. Rows are only ever added to,
-- in the same transaction as the change to a commitment.
CREATE TABLE rollup_days (
	campaign_id            {{bigint}} NOT NULL REFERENCES campaigns(id),
	series                 TEXT NOT NULL CHECK (series IN ('total', 'group', 'area', 'organisation')),
	series_key             {{bigint}} NOT NULL,
	day                    TEXT NOT NULL,
	made                   {{bigint}} NOT NULL DEFAULT 0,
	confirmed              {{bigint}} NOT NULL DEFAULT 0,
	done                   {{bigint}} NOT NULL DEFAULT 0,
	lapsed                 {{bigint}} NOT NULL DEFAULT 0,
	withdrawn              {{bigint}} NOT NULL DEFAULT 0,
	due                    {{bigint}} NOT NULL DEFAULT 0,
	kept                   {{bigint}} NOT NULL DEFAULT 0,
	due_passed             {{bigint}} NOT NULL DEFAULT 0,
	kept_passed            {{bigint}} NOT NULL DEFAULT 0,
	people                 {{bigint}} NOT NULL DEFAULT 0,
	micro_hours_pledged    {{bigint}} NOT NULL DEFAULT 0,
	micro_hours_delivered  {{bigint}} NOT NULL DEFAULT 0,
	in_progress            {{bigint}} NOT NULL DEFAULT 0,
	pledged                {{bigint}} NOT NULL DEFAULT 0,
	undated                {{bigint}} NOT NULL DEFAULT 0,
	PRIMARY KEY (campaign_id, series, series_key, day)
);

-- The campaigns whose rollups have been built from their commitments: one
-- built before this migration, or loaded in bulk, is built when the store
-- opens (store.Open) or at the end of the load.
CREATE TABLE rollup_campaigns (
	campaign_id  {{bigint}} PRIMARY KEY REFERENCES campaigns(id),
	built_at     {{bigint}} NOT NULL
);
