-- The audit log (0001) becomes the PIPL audit trail (issue 11 §4): who read or changed residents' personal data
-- and other sensitive acts (reveals, directory downloads, exports, erasures, reassignments, deletions), from where.
-- `subject` stays the human-readable "type:id" the earlier writers used; the new columns make it filterable.
ALTER TABLE audit_log ADD COLUMN actor_role text;
ALTER TABLE audit_log ADD COLUMN subject_type text;
ALTER TABLE audit_log ADD COLUMN subject_id text;
ALTER TABLE audit_log ADD COLUMN source_ip text;
ALTER TABLE audit_log ADD COLUMN client_id text;
CREATE INDEX audit_log_at ON audit_log(at DESC, id DESC);
CREATE INDEX audit_log_actor ON audit_log(actor_id, at DESC);
CREATE INDEX audit_log_subject ON audit_log(subject_type, subject_id, at DESC);
CREATE INDEX audit_log_action ON audit_log(action, at DESC);

-- Rows are never updated or deleted: a database rule, not a convention.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
