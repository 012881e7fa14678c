-- KPI first-response histograms per agent too (0021 kept them per day for the whole desk and per team only): a
-- year's report by agent read and sorted ~120k facts for its percentiles, the slowest report query (day by agent:
-- PGlite 451–482 ms, PostgreSQL 212 ms; budget 200). An agent's day holds a handful of responses, so its histogram
-- is about as long as its facts; what it saves is the work per value: narrow rows of whole minutes, read in day
-- order and merged in the server (server/kpi/histograms.ts), instead of each fact's minutes and period computed
-- and all of them sorted by group in SQL.
--
-- The histograms' group column now holds a team's id or an agent's (its uuid as text), so it is renamed from
-- team_id to group_id. Kept like 0021's: append-only ledgers written by the facts' row triggers, folded by
-- kpi_compact_rollups(), rebuilt by kpi_rebuild_rollups().

ALTER TABLE kpi_daily_responses RENAME COLUMN team_id TO group_id;
ALTER TABLE kpi_daily_responses DROP CONSTRAINT kpi_daily_responses_grouped_by_check,
  ADD CONSTRAINT kpi_daily_responses_grouped_by_check CHECK (grouped_by IN ('all', 'team', 'agent'));

-- A ticket's first response as ledger rows, one per grouping (KpiGroup): the whole desk, its team, its assignee.
CREATE OR REPLACE FUNCTION kpi_response_delta(f kpi_ticket_facts, s int) RETURNS SETOF kpi_daily_responses
LANGUAGE sql STABLE AS $$
  SELECT ((f.created_at AT TIME ZONE 'UTC') + make_interval(secs => z.offset_sec))::date, k.grouped_by,
    k.group_id, kpi_whole_minutes(f.created_at, f.first_response_at), s
  FROM kpi_rollup_zone z,
    (VALUES ('all', NULL::text), ('team', f.team_id), ('agent', f.assignee_id::text)) AS k(grouped_by, group_id)
  WHERE NOT f.deleted AND f.status <> 'cancelled' AND f.first_response_at IS NOT NULL
$$;

-- A reassignment now moves a response between histograms.
DROP TRIGGER kpi_responses_rolled_up_update ON kpi_ticket_facts;
CREATE TRIGGER kpi_responses_rolled_up_update AFTER UPDATE ON kpi_ticket_facts FOR EACH ROW
  WHEN ((OLD.created_at, OLD.team_id, OLD.assignee_id, OLD.deleted, OLD.status = 'cancelled', OLD.first_response_at)
        IS DISTINCT FROM
        (NEW.created_at, NEW.team_id, NEW.assignee_id, NEW.deleted, NEW.status = 'cancelled', NEW.first_response_at))
  EXECUTE FUNCTION kpi_responses_changed();

-- ———————————————————————————————— upkeep ————————————————————————————————

-- 0021's folding, with the histograms' group column renamed.
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
    SELECT day, grouped_by, group_id, minutes FROM kpi_daily_responses GROUP BY 1, 2, 3, 4 HAVING count(*) > 1),
  moved AS (
    DELETE FROM kpi_daily_responses r USING keys k
    WHERE r.day = k.day AND r.grouped_by = k.grouped_by AND r.group_id IS NOT DISTINCT FROM k.group_id
      AND r.minutes = k.minutes
    RETURNING r.*)
  INSERT INTO kpi_daily_responses
  SELECT day, grouped_by, group_id, minutes, sum(n) FROM moved GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0;

  WITH keys AS (
    SELECT day, agent_id, minutes FROM kpi_daily_callbacks GROUP BY 1, 2, 3 HAVING count(*) > 1),
  moved AS (
    DELETE FROM kpi_daily_callbacks r USING keys k
    WHERE r.day = k.day AND r.agent_id IS NOT DISTINCT FROM k.agent_id AND r.minutes = k.minutes
    RETURNING r.*)
  INSERT INTO kpi_daily_callbacks
  SELECT day, agent_id, minutes, sum(n) FROM moved GROUP BY 1, 2, 3 HAVING sum(n) <> 0;
$$;

-- 0021's rebuild, with the histograms' group column renamed; their rows in the order reports read them (a grouping's
-- days together).
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
  SELECT d.day, d.grouped_by, d.group_id, d.minutes, sum(d.n)
  FROM kpi_ticket_facts f, kpi_response_delta(f, 1) d GROUP BY 1, 2, 3, 4 ORDER BY 2, 1;
  INSERT INTO kpi_daily_callbacks
  SELECT d.day, d.agent_id, d.minutes, sum(d.n) FROM calls c, kpi_callback_delta(c, 1) d GROUP BY 1, 2, 3 ORDER BY 1;
END
$$;

SELECT kpi_rebuild_rollups(offset_sec) FROM kpi_rollup_zone;
