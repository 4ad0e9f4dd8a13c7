-- Each rollup key's sums over all its days: the figures as they stand, less
-- the few rows dated today or later (due dates still to pass), without
-- summing a row per key and day (two thousand organisations over two years
-- are more than a million rows). Kept with rollup_days, in the same
-- statements' transaction.
CREATE TABLE rollup_totals (
	campaign_id            {{bigint}} NOT NULL REFERENCES campaigns(id),
	series                 TEXT NOT NULL,
	series_key             {{bigint}} NOT NULL,
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
	PRIMARY KEY (campaign_id, series, series_key)
);
INSERT INTO rollup_totals (campaign_id, series, series_key, made, confirmed, done, lapsed, withdrawn, due, kept, due_passed, kept_passed,
		people, micro_hours_pledged, micro_hours_delivered, in_progress, pledged, undated)
	SELECT campaign_id, series, series_key, SUM(made), SUM(confirmed), SUM(done), SUM(lapsed), SUM(withdrawn), SUM(due), SUM(kept),
		SUM(due_passed), SUM(kept_passed), SUM(people), SUM(micro_hours_pledged), SUM(micro_hours_delivered), SUM(in_progress), SUM(pledged), SUM(undated)
	FROM rollup_days GROUP BY campaign_id, series, series_key;

-- The rows of a series from a day on: today's and those still to come.
CREATE INDEX rollup_days_by_day ON rollup_days (campaign_id, series, day);
