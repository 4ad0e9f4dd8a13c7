-- Aftercare: what happens once a pledge's date comes.
--
-- The outcome a person reports lives in commitments.outcome (migration
-- 0004, which has no CHECK on it), now with two more values: 'partly'
-- (partly done) and 'blocked' (something is in the way, with what it is in
-- outcome_reason). Both keep the status 'in_progress' — open, followed up
-- again, counted as made but not kept — so the status stays within the five
-- of migration 0001 and "done" still means kept in full. Not done is 'cant'
-- (status 'lapsed'), as from the emailed link.

-- A short story of what someone did, written once their pledge is done or
-- partly done. show_on_page is consent to show it on the group's public
-- page; it is shown there with the author's name only if they also agreed to
-- the pledge wall. One story per commitment: writing again replaces it.
CREATE TABLE stories (
	commitment_id  {{bigint}} PRIMARY KEY REFERENCES commitments(id),
	story          TEXT NOT NULL,
	show_on_page   {{bool}} NOT NULL,
	created_at     {{bigint}} NOT NULL,
	updated_at     {{bigint}} NOT NULL
);
