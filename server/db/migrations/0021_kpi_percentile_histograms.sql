-- KPI percentiles from the rollups (issue 13): per site day, histograms of first-response and callback times in
-- whole minutes, so a year's median and p90 merge a few hundred small histograms instead of sorting ~120k values
-- (the slowest report query, 550–1,050 ms; budget 200). Whole minutes (rounded down) is what the definitions say
-- (common/kpi/definitions.ts); the report computes exactly percentile_cont's interpolation from the merged counts,
-- and from the facts (shift reports, another offset) it takes percentile_cont of the same whole minutes.
--
-- Kept like the daily rollups of 0020: append-only ledgers written by row triggers in the writing transaction (the
-- old row's entry negated, the new row's added), folded by kpi_compact_rollups(), rebuilt by kpi_rebuild_rollups().

-- Whole minutes from `since` to `until`, rounded down (extract gives exact numeric seconds).
CREATE FUNCTION kpi_whole_minutes(since timestamptz, until timestamptz) RETURNS int LANGUAGE sql IMMUTABLE AS $$
  SELECT floor(extract(epoch FROM until - since) / 60)::int
$$;

-- ———————————————————————————————— first responses ————————————————————————————————

-- One histogram per day for the whole desk and one per day and team (`grouped_by` 'all' or 'team', as KpiGroup):
-- a whole-desk report reads one histogram a day, not one per team. None per agent: an agent's day holds a handful
-- of responses, so the histogram would be as long as the facts it replaces (a report by agent reads the facts).
CREATE TABLE kpi_daily_responses (
  day date NOT NULL,
  grouped_by text NOT NULL CHECK (grouped_by IN ('all', 'team')),
  team_id text,
  minutes int NOT NULL, n int NOT NULL
);
CREATE INDEX kpi_daily_responses_day ON kpi_daily_responses(grouped_by, day);

-- A ticket's first response as ledger rows (one per grouping), times `s`; none while it has none, and none for a
-- cancelled or deleted ticket (as kpi_ticket_delta).
CREATE FUNCTION kpi_response_delta(f kpi_ticket_facts, s int) RETURNS SETOF kpi_daily_responses
LANGUAGE sql STABLE AS $$
  SELECT ((f.created_at AT TIME ZONE 'UTC') + make_interval(secs => z.offset_sec))::date, k.grouped_by,
    k.team_id, kpi_whole_minutes(f.created_at, f.first_response_at), s
  FROM kpi_rollup_zone z, (VALUES ('all', NULL::text), ('team', f.team_id)) AS k(grouped_by, team_id)
  WHERE NOT f.deleted AND f.status <> 'cancelled' AND f.first_response_at IS NOT NULL
$$;

CREATE FUNCTION kpi_responses_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('kpi.bulk_load', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO kpi_daily_responses SELECT * FROM kpi_response_delta(OLD, -1);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO kpi_daily_responses SELECT * FROM kpi_response_delta(NEW, 1);
  END IF;
  RETURN NULL;
END
$$;
-- Only rows with a first response, and only a change of what kpi_response_delta reads (most writes: neither).
CREATE TRIGGER kpi_responses_rolled_up_insert AFTER INSERT ON kpi_ticket_facts FOR EACH ROW
  WHEN (NEW.first_response_at IS NOT NULL) EXECUTE FUNCTION kpi_responses_changed();
CREATE TRIGGER kpi_responses_rolled_up_delete AFTER DELETE ON kpi_ticket_facts FOR EACH ROW
  WHEN (OLD.first_response_at IS NOT NULL) EXECUTE FUNCTION kpi_responses_changed();
CREATE TRIGGER kpi_responses_rolled_up_update AFTER UPDATE ON kpi_ticket_facts FOR EACH ROW
  WHEN ((OLD.created_at, OLD.team_id, OLD.deleted, OLD.status = 'cancelled', OLD.first_response_at)
        IS DISTINCT FROM
        (NEW.created_at, NEW.team_id, NEW.deleted, NEW.status = 'cancelled', NEW.first_response_at))
  EXECUTE FUNCTION kpi_responses_changed();

-- ———————————————————————————————— callbacks ————————————————————————————————

-- Per day and the missed call's agent (the team is the agent's, looked up by the report, as for kpi_daily_calls).
CREATE TABLE kpi_daily_callbacks (
  day date NOT NULL, agent_id uuid,
  minutes int NOT NULL, n int NOT NULL
);
CREATE INDEX kpi_daily_callbacks_day ON kpi_daily_callbacks(day);

-- A missed inbound call whose callback is done, as a ledger row times `s` (server/kpi/sql.ts callbackPercentileSql).
CREATE FUNCTION kpi_callback_delta(c calls, s int) RETURNS SETOF kpi_daily_callbacks LANGUAGE sql STABLE AS $$
  SELECT ((c.started_at AT TIME ZONE 'UTC') + make_interval(secs => z.offset_sec))::date, c.agent_id,
    kpi_whole_minutes(COALESCE(c.ended_at, c.started_at), (c.detail #>> '{callback,doneAt}')::timestamptz), s
  FROM kpi_rollup_zone z
  WHERE c.direction = 'inbound' AND c.missed AND c.callback_state = 'done'
    AND c.detail #>> '{callback,doneAt}' IS NOT NULL
$$;

CREATE FUNCTION kpi_callbacks_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('kpi.bulk_load', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO kpi_daily_callbacks SELECT * FROM kpi_callback_delta(OLD, -1);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO kpi_daily_callbacks SELECT * FROM kpi_callback_delta(NEW, 1);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER kpi_callbacks_rolled_up_insert AFTER INSERT ON calls FOR EACH ROW
  WHEN (NEW.callback_state = 'done') EXECUTE FUNCTION kpi_callbacks_changed();
CREATE TRIGGER kpi_callbacks_rolled_up_delete AFTER DELETE ON calls FOR EACH ROW
  WHEN (OLD.callback_state = 'done') EXECUTE FUNCTION kpi_callbacks_changed();
CREATE TRIGGER kpi_callbacks_rolled_up_update AFTER UPDATE ON calls FOR EACH ROW
  WHEN ((OLD.direction, OLD.started_at, OLD.agent_id, OLD.missed, OLD.callback_state, OLD.ended_at,
         OLD.detail #>> '{callback,doneAt}')
        IS DISTINCT FROM
        (NEW.direction, NEW.started_at, NEW.agent_id, NEW.missed, NEW.callback_state, NEW.ended_at,
         NEW.detail #>> '{callback,doneAt}'))
  EXECUTE FUNCTION kpi_callbacks_changed();

-- ———————————————————————————————— upkeep ————————————————————————————————

-- 0020's folding, and the histograms'.
CREATE OR REPLACE FUNCTION kpi_compact_rollups() RETURNS void LANGUAGE sql AS $$
  WITH keys AS (
    SELECT day, team_id, assignee_id FROM kpi_daily_tickets GROUP BY 1, 2, 3 HAVING count(*) > 1),
  moved AS (
    DELETE FROM kpi_daily_tickets r USING keys k
    WHERE r.day = k.day AND r.team_id IS NOT DISTINCT FROM k.team_id AND r.assignee_id IS NOT DISTINCT FROM k.assignee_id
    RETURNING r.*)
  INSERT INTO kpi_daily_tickets
  SELECT day, team_id, assignee_id, sum(tickets), sum(respond_met), sum(respond_ended), sum(on_site_met),
    sum(on_site_ended), sum(fix_met), sum(fix_ended), sum(reply_met), sum(reply_ended), sum(follow_up_met),
    sum(follow_up_ended), sum(closed), sum(completed), sum(completed_reopened), sum(satisfaction_sum),
    sum(satisfaction_n), sum(followable), sum(followed_up), sum(first_contact_resolved)
  FROM moved GROUP BY 1, 2, 3 HAVING sum(tickets) <> 0;

  WITH keys AS (SELECT day, agent_id FROM kpi_daily_calls GROUP BY 1, 2 HAVING count(*) > 1),
  moved AS (
    DELETE FROM kpi_daily_calls r USING keys k
    WHERE r.day = k.day AND r.agent_id IS NOT DISTINCT FROM k.agent_id
    RETURNING r.*)
  INSERT INTO kpi_daily_calls
  SELECT day, agent_id, sum(inbound), sum(ended), sum(ended_answered), sum(ended_missed), sum(handle_us),
    sum(handled)
  FROM moved GROUP BY 1, 2 HAVING sum(inbound) <> 0;

  WITH keys AS (
    SELECT day, grouped_by, team_id, minutes FROM kpi_daily_responses GROUP BY 1, 2, 3, 4 HAVING count(*) > 1),
  moved AS (
    DELETE FROM kpi_daily_responses r USING keys k
    WHERE r.day = k.day AND r.grouped_by = k.grouped_by AND r.team_id IS NOT DISTINCT FROM k.team_id
      AND r.minutes = k.minutes
    RETURNING r.*)
  INSERT INTO kpi_daily_responses
  SELECT day, grouped_by, team_id, minutes, sum(n) FROM moved GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0;

  WITH keys AS (
    SELECT day, agent_id, minutes FROM kpi_daily_callbacks GROUP BY 1, 2, 3 HAVING count(*) > 1),
  moved AS (
    DELETE FROM kpi_daily_callbacks r USING keys k
    WHERE r.day = k.day AND r.agent_id IS NOT DISTINCT FROM k.agent_id AND r.minutes = k.minutes
    RETURNING r.*)
  INSERT INTO kpi_daily_callbacks
  SELECT day, agent_id, minutes, sum(n) FROM moved GROUP BY 1, 2, 3 HAVING sum(n) <> 0;
$$;

-- 0020's rebuild, and the histograms'. Each key is written once, summed (no folding afterwards, which would leave
-- a dead copy of every row for reports to read until a VACUUM, and PGlite runs none by itself), in the order
-- reports read them (a whole-desk report then reads its own pages, not every team's too).
CREATE OR REPLACE FUNCTION kpi_rebuild_rollups(new_offset_sec int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE kpi_ticket_facts, calls IN SHARE MODE;
  LOCK TABLE kpi_rollup_zone IN EXCLUSIVE MODE;
  UPDATE kpi_rollup_zone SET offset_sec = new_offset_sec;
  DELETE FROM kpi_daily_tickets;
  DELETE FROM kpi_daily_calls;
  DELETE FROM kpi_daily_responses;
  DELETE FROM kpi_daily_callbacks;
  INSERT INTO kpi_daily_tickets
  SELECT d.day, d.team_id, d.assignee_id, sum(d.tickets), sum(d.respond_met), sum(d.respond_ended),
    sum(d.on_site_met), sum(d.on_site_ended), sum(d.fix_met), sum(d.fix_ended), sum(d.reply_met),
    sum(d.reply_ended), sum(d.follow_up_met), sum(d.follow_up_ended), sum(d.closed), sum(d.completed),
    sum(d.completed_reopened), sum(d.satisfaction_sum), sum(d.satisfaction_n), sum(d.followable),
    sum(d.followed_up), sum(d.first_contact_resolved)
  FROM kpi_ticket_facts f, kpi_ticket_delta(f, 1) d GROUP BY 1, 2, 3 ORDER BY 1;
  INSERT INTO kpi_daily_calls
  SELECT d.day, d.agent_id, sum(d.inbound), sum(d.ended), sum(d.ended_answered), sum(d.ended_missed),
    sum(d.handle_us), sum(d.handled)
  FROM calls c, kpi_call_delta(c, 1) d GROUP BY 1, 2 ORDER BY 1;
  INSERT INTO kpi_daily_responses
  SELECT d.day, d.grouped_by, d.team_id, d.minutes, sum(d.n)
  FROM kpi_ticket_facts f, kpi_response_delta(f, 1) d GROUP BY 1, 2, 3, 4 ORDER BY 2, 1;
  INSERT INTO kpi_daily_callbacks
  SELECT d.day, d.agent_id, d.minutes, sum(d.n) FROM calls c, kpi_callback_delta(c, 1) d GROUP BY 1, 2, 3 ORDER BY 1;
END
$$;

SELECT kpi_rebuild_rollups(offset_sec) FROM kpi_rollup_zone;
