-- Confirmation emails leave through a transactional outbox: a pledge is
-- written with confirmation_queued_at NULL, and a dispatcher job enqueues the
-- emails of all such pledges at once, marking them in the same transaction.
-- (Enqueueing one job inside every pledge's own transaction cost more than
-- the pledge itself: see docs/PERFORMANCE.md.) Pledges before this existed
-- already had their email enqueued, or were confirmed.
ALTER TABLE commitments ADD COLUMN confirmation_queued_at {{bigint}};
UPDATE commitments SET confirmation_queued_at = created_at;
CREATE INDEX commitments_confirmation_queue ON commitments (id) WHERE confirmed_at IS NULL AND confirmation_queued_at IS NULL;
