-- The call rollups (0020 kpi_daily_calls, 0021 kpi_daily_callbacks) per statement instead of per row (issue 13,
-- cti.events_per_s): the row triggers ran up to four INSERT … SELECT per changed call — one each for a ledger's old
-- and new row — which on PGlite cost ~0.8 ms a row, more than the upsert itself. The CTI group commit writes a
-- group's calls in one upsert; these triggers roll it up in two statements per ledger, whatever its number of rows.
--
-- Same ledger sums for every statement: a row's contribution is subtracted as it was and added as it is, except
-- where the statement left the fields a ledger reads as they were — then the two are equal and both are left out,
-- as the old WHEN conditions did.

DROP TRIGGER kpi_calls_rolled_up ON calls;
DROP TRIGGER kpi_calls_rolled_up_update ON calls;
DROP TRIGGER kpi_callbacks_rolled_up_insert ON calls;
DROP TRIGGER kpi_callbacks_rolled_up_delete ON calls;
DROP TRIGGER kpi_callbacks_rolled_up_update ON calls;
DROP FUNCTION kpi_calls_changed();
DROP FUNCTION kpi_callbacks_changed();

CREATE FUNCTION kpi_calls_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('kpi.bulk_load', true) = 'on' THEN
    RETURN NULL;
  END IF;
  INSERT INTO kpi_daily_calls SELECT d.* FROM new_calls new_c, kpi_call_delta(new_c, 1) d;
  INSERT INTO kpi_daily_callbacks SELECT d.* FROM new_calls new_c, kpi_callback_delta(new_c, 1) d;
  RETURN NULL;
END
$$;

CREATE FUNCTION kpi_calls_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('kpi.bulk_load', true) = 'on' THEN
    RETURN NULL;
  END IF;
  INSERT INTO kpi_daily_calls SELECT d.* FROM old_calls old_c, kpi_call_delta(old_c, -1) d;
  INSERT INTO kpi_daily_callbacks SELECT d.* FROM old_calls old_c, kpi_callback_delta(old_c, -1) d;
  RETURN NULL;
END
$$;

-- A call's old and new row side by side (an id only one side has — nothing changes ids — meets a row of nulls,
-- which contributes nothing): both contributions, unless the fields its ledger reads are the same (0020's and 0021's
-- WHEN conditions).
CREATE FUNCTION kpi_calls_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('kpi.bulk_load', true) = 'on' THEN
    RETURN NULL;
  END IF;
  INSERT INTO kpi_daily_calls
  SELECT d.* FROM old_calls oc FULL JOIN new_calls nc USING (id),
    LATERAL (SELECT * FROM kpi_call_delta(oc, -1) UNION ALL SELECT * FROM kpi_call_delta(nc, 1)) d
   WHERE (oc.direction, oc.started_at, oc.agent_id, oc.state = 'ended', oc.answered_at, oc.ended_at, oc.missed)
         IS DISTINCT FROM
         (nc.direction, nc.started_at, nc.agent_id, nc.state = 'ended', nc.answered_at, nc.ended_at, nc.missed);
  -- Only a call whose callback is done has a callback row.
  INSERT INTO kpi_daily_callbacks
  SELECT d.* FROM old_calls oc FULL JOIN new_calls nc USING (id),
    LATERAL (SELECT * FROM kpi_callback_delta(oc, -1) UNION ALL SELECT * FROM kpi_callback_delta(nc, 1)) d
   WHERE (oc.callback_state = 'done' OR nc.callback_state = 'done')
     AND (oc.direction, oc.started_at, oc.agent_id, oc.missed, oc.callback_state, oc.ended_at,
          oc.detail #>> '{callback,doneAt}')
         IS DISTINCT FROM
         (nc.direction, nc.started_at, nc.agent_id, nc.missed, nc.callback_state, nc.ended_at,
          nc.detail #>> '{callback,doneAt}');
  RETURN NULL;
END
$$;

CREATE TRIGGER kpi_calls_rolled_up_insert AFTER INSERT ON calls REFERENCING NEW TABLE AS new_calls
  FOR EACH STATEMENT EXECUTE FUNCTION kpi_calls_inserted();
CREATE TRIGGER kpi_calls_rolled_up_delete AFTER DELETE ON calls REFERENCING OLD TABLE AS old_calls
  FOR EACH STATEMENT EXECUTE FUNCTION kpi_calls_deleted();
CREATE TRIGGER kpi_calls_rolled_up_update AFTER UPDATE ON calls REFERENCING OLD TABLE AS old_calls NEW TABLE AS new_calls
  FOR EACH STATEMENT EXECUTE FUNCTION kpi_calls_updated();
