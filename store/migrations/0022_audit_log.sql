-- The audit log (issue 8): every change an organiser, a group lead or an
-- organisation representative makes — who, when, which object, and the
-- object's fields before and after as JSON — written in the transaction of
-- the change itself (store/audit.go). Participants' personal data is never
-- put here: only staff, as the actors, and the objects they run.
--
-- No foreign keys: an entry outlives what it names (a deleted milestone, a
-- removed user), and a reference whose row is deleted is set to NULL or
-- cascades, an UPDATE or DELETE that the triggers below refuse.
-- campaign_id is NULL for objects of the whole installation (areas,
-- organisations); actor_user_id is NULL for the system.
CREATE TABLE audit_log (
	id             {{id}},
	at             {{bigint}} NOT NULL,
	campaign_id    {{bigint}},
	actor_user_id  {{bigint}},
	actor_name     TEXT NOT NULL,
	actor_email    TEXT NOT NULL DEFAULT '',
	actor_role     TEXT NOT NULL,
	via            TEXT NOT NULL,
	verb           TEXT NOT NULL,
	object_type    TEXT NOT NULL,
	object_id      {{bigint}},
	label          TEXT NOT NULL DEFAULT '',
	before_json    TEXT,
	after_json     TEXT
);
-- A campaign's log, newest first, and that filtered by kind of object.
CREATE INDEX audit_log_campaign ON audit_log (campaign_id, id);
CREATE INDEX audit_log_campaign_object ON audit_log (campaign_id, object_type, id);

-- Append-only: the store has no statement that changes or removes an entry,
-- and the database refuses one from anywhere else.

-- dialect: sqlite
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'the audit log is append-only: its entries cannot be changed');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'the audit log is append-only: its entries cannot be removed');
END;

-- dialect: postgres
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'the audit log is append-only: its entries cannot be changed or removed';
END
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
	FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
	FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
