-- SQLite's INSERT OR REPLACE removes a row without firing its DELETE
-- triggers (unless recursive triggers are on), so it could overwrite an
-- audit entry by giving its id. Refuse an insert whose id is taken.
-- (PostgreSQL has no REPLACE; an insert with a taken id fails on the key.)

-- dialect: sqlite
CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
BEGIN
	SELECT RAISE(ABORT, 'the audit log is append-only: its entries cannot be replaced');
END;

-- dialect: postgres
COMMENT ON TABLE audit_log IS 'Append-only: triggers refuse UPDATE, DELETE and TRUNCATE (store/audit.go).';
