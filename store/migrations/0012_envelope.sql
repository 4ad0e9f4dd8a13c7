-- The classic "resource envelope": money or staff time allocated to the
-- programme and spent, entered by organisers, so a campaign's dashboard can
-- show it running down beside the resources the movement builds.
CREATE TABLE envelope_entries (
	id           {{id}},
	campaign_id  {{bigint}} NOT NULL REFERENCES campaigns(id),
	on_date      TEXT NOT NULL,
	kind         TEXT NOT NULL CHECK (kind IN ('allocated', 'spent')),
	unit         TEXT NOT NULL CHECK (unit IN ('GBP', 'staff_hours')),
	amount       {{float}} NOT NULL CHECK (amount >= 0),
	note         TEXT NOT NULL DEFAULT '',
	created_at   {{bigint}} NOT NULL
);
CREATE INDEX envelope_entries_campaign ON envelope_entries (campaign_id, on_date);

-- A campaign's dashboard is public unless its organisers restrict it to
-- people signed in with a role.
ALTER TABLE campaigns ADD COLUMN dashboard_signed_in_only {{bool}} NOT NULL DEFAULT FALSE;
