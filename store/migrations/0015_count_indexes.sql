-- A campaign's pledges awaiting confirmation, counted without visiting the
-- confirmed ones: the dashboards add them to the rollup's confirmed pledges.
CREATE INDEX IF NOT EXISTS commitments_unconfirmed_campaign ON commitments (campaign_id) WHERE confirmed_at IS NULL;

-- Commitments made for a team or an organisation, counted on the campaign
-- page; a small share of all.
CREATE INDEX IF NOT EXISTS commitments_on_behalf ON commitments (campaign_id) WHERE on_behalf <> 'self';
