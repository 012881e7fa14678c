-- The residents directory that consoles cache for offline intake and caller-ID (issue 4 item 5).
-- Each resident carries its place in a change order (dir_xid, dir_seq): the transaction that last changed it and a
-- sequence number. The directory route pages by that order below the snapshot horizon, like the sync pull
-- (DESIGN.md §5), so a late-committing change delays the cursor but is never skipped. Changing a resident's phones
-- or units, or a unit's code, moves the resident to the end of the order: the console gets it again, whole.
CREATE SEQUENCE resident_directory_seq;

ALTER TABLE residents
  ADD COLUMN dir_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
  ADD COLUMN dir_seq bigint NOT NULL DEFAULT nextval('resident_directory_seq');
CREATE INDEX residents_directory_order ON residents (dir_xid, dir_seq);

CREATE FUNCTION residents_directory_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.dir_xid := pg_current_xact_id();
  NEW.dir_seq := nextval('resident_directory_seq');
  RETURN NEW;
END
$$;
CREATE TRIGGER residents_directory_stamp BEFORE UPDATE ON residents
  FOR EACH ROW EXECUTE FUNCTION residents_directory_stamp();

-- Statement-level with transition tables: a bulk load touches each resident once, and residents already
-- written in this transaction (e.g. inserted by the same seed) are skipped.
CREATE FUNCTION residents_directory_touch_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE residents SET dir_seq = dir_seq
   WHERE id IN (SELECT resident_id FROM changed_rows) AND dir_xid <> pg_current_xact_id();
  RETURN NULL;
END
$$;
CREATE FUNCTION residents_directory_touch_units() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE residents SET dir_seq = dir_seq
   WHERE id IN (SELECT ru.resident_id FROM resident_units ru WHERE ru.unit_id IN (SELECT id FROM changed_rows))
     AND dir_xid <> pg_current_xact_id();
  RETURN NULL;
END
$$;

CREATE TRIGGER resident_phones_insert AFTER INSERT ON resident_phones
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION residents_directory_touch_new();
CREATE TRIGGER resident_phones_update AFTER UPDATE ON resident_phones
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION residents_directory_touch_new();
CREATE TRIGGER resident_phones_update_old AFTER UPDATE ON resident_phones
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION residents_directory_touch_new();
CREATE TRIGGER resident_phones_delete AFTER DELETE ON resident_phones
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION residents_directory_touch_new();

CREATE TRIGGER resident_units_insert AFTER INSERT ON resident_units
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION residents_directory_touch_new();
CREATE TRIGGER resident_units_update AFTER UPDATE ON resident_units
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION residents_directory_touch_new();
CREATE TRIGGER resident_units_update_old AFTER UPDATE ON resident_units
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION residents_directory_touch_new();
CREATE TRIGGER resident_units_delete AFTER DELETE ON resident_units
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION residents_directory_touch_new();

CREATE TRIGGER units_directory_update AFTER UPDATE ON units
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION residents_directory_touch_units();
