-- The audit log stays append-only but for one change: an erasure (UK GDPR
-- article 17) blanks the name and email copied into the entries a person
-- made as a lead or representative (store/erase.go). The entry itself, who
-- it was by (their user id, whose account the erasure anonymises), their
-- role, what they did and when all stay, so the record of accountability
-- holds; only the copy of who they were goes. Any other UPDATE, every
-- DELETE and (PostgreSQL) TRUNCATE are still refused.
--
-- The triggers allow an UPDATE only when it leaves actor_name and
-- actor_email empty, the entry was a user's (actor_user_id is not NULL: the
-- system's entries name no one), and every other column is unchanged.

-- An erasure and a subject access request find a user's entries.
CREATE INDEX audit_log_actor ON audit_log (actor_user_id, id);

-- dialect: sqlite
DROP TRIGGER audit_log_no_update;
-- SQLite's triggers cannot compare whole rows: each column is named, so a
-- column added to audit_log later must be added here too.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NOT (NEW.actor_name = '' AND NEW.actor_email = '' AND OLD.actor_user_id IS NOT NULL
	AND NEW.id IS OLD.id AND NEW.at IS OLD.at AND NEW.campaign_id IS OLD.campaign_id
	AND NEW.actor_user_id IS OLD.actor_user_id AND NEW.actor_role IS OLD.actor_role AND NEW.via IS OLD.via
	AND NEW.verb IS OLD.verb AND NEW.object_type IS OLD.object_type AND NEW.object_id IS OLD.object_id
	AND NEW.label IS OLD.label AND NEW.before_json IS OLD.before_json AND NEW.after_json IS OLD.after_json)
BEGIN
	SELECT RAISE(ABORT, 'the audit log is append-only: its entries cannot be changed');
END;

-- dialect: postgres
-- The row as JSON without the two columns an erasure may blank must be the
-- same before and after: a column added later is covered without naming it.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' THEN
		IF NEW.actor_name = '' AND NEW.actor_email = '' AND OLD.actor_user_id IS NOT NULL
			AND to_jsonb(NEW) - 'actor_name' - 'actor_email' = to_jsonb(OLD) - 'actor_name' - 'actor_email' THEN
			RETURN NEW;
		END IF;
	END IF;
	RAISE EXCEPTION 'the audit log is append-only: its entries cannot be changed or removed';
END
$$;
