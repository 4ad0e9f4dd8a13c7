-- Who a pledge is for: the person themself, their team, their organisation,
-- or (made by a carer) the person they care for. Pledges made before this
-- existed were personal.
ALTER TABLE commitments ADD COLUMN on_behalf TEXT NOT NULL DEFAULT 'self' CHECK (on_behalf IN ('self', 'team', 'organisation', 'cared_for'));
