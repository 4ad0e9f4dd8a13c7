-- Webhooks (issue 7): HTTPS endpoints an organiser registers for a campaign's
-- events, and the deliveries of those events to them.
--
-- The signing secret is kept as it is, not hashed: signing (HMAC-SHA256, as
-- Standard Webhooks) needs the key itself. It is shown to organisers once.
-- While a secret is being rotated, the previous one keeps signing beside the
-- new one until previous_secret_until, so receivers can switch over without
-- refusing messages. A deleted endpoint keeps its row, without its secret,
-- so that a pledge writing a delivery for it at that moment never fails on
-- the reference; it is no longer listed nor sent to.
CREATE TABLE webhooks (
	id                     {{id}},
	campaign_id            {{bigint}} NOT NULL REFERENCES campaigns(id),
	url                    TEXT NOT NULL,
	description            TEXT NOT NULL DEFAULT '',
	secret                 TEXT NOT NULL,
	previous_secret        TEXT NOT NULL DEFAULT '',
	previous_secret_until  {{bigint}},
	created_at             {{bigint}} NOT NULL,
	disabled_at            {{bigint}},
	deleted_at             {{bigint}}
);
CREATE INDEX webhooks_campaign ON webhooks (campaign_id);

-- The events each endpoint subscribes to, one row each, so that finding an
-- event's endpoints is one indexed join.
CREATE TABLE webhook_events (
	webhook_id  {{bigint}} NOT NULL REFERENCES webhooks(id),
	event       TEXT NOT NULL CHECK (event IN ('commitment.created', 'commitment.confirmed', 'commitment.done',
	                'commitment.lapsed', 'person.invited', 'organisation.joined')),
	PRIMARY KEY (webhook_id, event)
);

-- One row per event and endpoint: a transactional outbox. Rows are written
-- in the transaction of the change they report, so there is never a message
-- about a change that was rolled back, nor a change without its message.
-- payload is the exact body sent, on every attempt. next_attempt_at is when
-- the dispatcher should next hand the row to a job: NULL once it is final,
-- and while its endpoint is disabled; while a job has it (sending), it is
-- the time after which a lost job is presumed dead and the row taken again.
-- replay_of names the delivery a replay repeats; it is not a foreign key,
-- because finished deliveries are removed after a while (package webhook)
-- and their replays may stay.
CREATE TABLE webhook_deliveries (
	id                {{id}},
	webhook_id        {{bigint}} NOT NULL REFERENCES webhooks(id),
	event_id          TEXT NOT NULL,
	event_type        TEXT NOT NULL,
	payload           TEXT NOT NULL,
	status            TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'retrying', 'delivered', 'given_up')),
	attempts          {{bigint}} NOT NULL DEFAULT 0,
	next_attempt_at   {{bigint}},
	last_attempt_at   {{bigint}},
	last_status_code  {{bigint}} NOT NULL DEFAULT 0,
	last_error        TEXT NOT NULL DEFAULT '',
	delivered_at      {{bigint}},
	replay_of         {{bigint}},
	created_at        {{bigint}} NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE next_attempt_at IS NOT NULL;
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id);
-- Finished deliveries are removed some weeks after the event (package
-- webhook): their payloads hold people's names and emails.
CREATE INDEX webhook_deliveries_created ON webhook_deliveries (created_at);
