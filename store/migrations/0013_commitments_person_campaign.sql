-- A person's commitments within one campaign: looked up by the expiry of
-- unconfirmed pledges and by a person's own pages. Without it, a national
-- campaign's expiry visited every commitment of the campaign per person.
CREATE INDEX commitments_person_campaign ON commitments (person_id, campaign_id);
