-- An action may name the outcome measures it aims to move: the campaign's
-- driver diagram in miniature, shown on each indicator's page. Both sides
-- belong to the same campaign; the store checks that, as a foreign key
-- cannot.
CREATE TABLE action_indicators (
	action_id     {{bigint}} NOT NULL REFERENCES actions(id),
	indicator_id  {{bigint}} NOT NULL REFERENCES indicators(id),
	PRIMARY KEY (action_id, indicator_id)
);
CREATE INDEX action_indicators_indicator ON action_indicators (indicator_id);
