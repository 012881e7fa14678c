-- KPI daily rollups (issue 13): the summable KPI figures per site-local day and group, so a year-long report reads a
-- few thousand rows instead of a year of kpi_ticket_facts (~120k rows at the demo's large size: 386–529 ms, budget
-- 200). Percentiles (first response, callback) cannot be summed and still read the facts.
--
-- Exact under concurrent writes: the rollup tables are append-only ledgers. Triggers on kpi_ticket_facts and calls
-- add, in the writing transaction, one row per (day, group) that a statement changed: minus the old contribution,
-- plus the new. Nothing is updated in place, so concurrent writers never wait on a shared counter row (today's row
-- of a team would be one) and never deadlock on it. A figure is the sum of a key's rows, whatever their number;
-- kpi_compact_rollups() (run by the server every minute) folds a key's rows into one, moving them in a single
-- statement, so a concurrent writer's rows are either folded or left as they are, never lost or counted twice.
--
-- Days are site-local at the UTC offset in kpi_rollup_zone (Asia/Shanghai, +08:00, at first). The report uses the
-- rollups only when the site's offset is that one, and kpi_rebuild_rollups(offset) rebuilds them for another.

CREATE TABLE kpi_rollup_zone (
  only_row   boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  offset_sec int NOT NULL
);
INSERT INTO kpi_rollup_zone (offset_sec) VALUES (28800);

-- ———————————————————————————————— tickets ————————————————————————————————

-- What a ticket's facts contribute (the cohort key and each summable fact), as the triggers compare them: an update
-- that leaves this unchanged (a first response, a status change within the open ones) writes no rollup row.
CREATE TYPE kpi_ticket_contribution AS (
  created_at timestamptz, team_id text, assignee_id uuid, counted boolean,
  sla_respond_met boolean, sla_on_site_met boolean, sla_fix_met boolean, sla_reply_met boolean,
  sla_follow_up_met boolean, closed boolean, completed boolean, reopened boolean, satisfaction smallint,
  followable boolean, followed_up boolean, first_contact_resolved boolean
);
-- The definitions of server/kpi/sql.ts ticketKpiSql (common/kpi/definitions.ts): counted = neither cancelled nor
-- deleted; completed = reached completion; followable = a completed repair or complaint.
CREATE FUNCTION kpi_ticket_contribution(f kpi_ticket_facts) RETURNS kpi_ticket_contribution
LANGUAGE sql IMMUTABLE AS $$
  SELECT ROW(f.created_at, f.team_id, f.assignee_id, NOT f.deleted AND f.status <> 'cancelled',
    f.sla_respond_met, f.sla_on_site_met, f.sla_fix_met, f.sla_reply_met, f.sla_follow_up_met,
    f.status = 'closed', f.completed_at IS NOT NULL, f.completed_at IS NOT NULL AND f.reopen_count > 0,
    f.satisfaction, f.completed_at IS NOT NULL AND f.type IN ('repair', 'complaint'),
    f.completed_at IS NOT NULL AND f.type IN ('repair', 'complaint') AND f.followed_up_at IS NOT NULL,
    f.first_contact_resolved)::kpi_ticket_contribution
$$;

-- Per day and group: tickets; per SLA clock the ended ones and those met; closed; completed and of them reopened;
-- the satisfaction scores' sum and number; followable and of them followed up; first-contact resolved.
CREATE TABLE kpi_daily_tickets (
  day date NOT NULL, team_id text, assignee_id uuid,
  tickets int NOT NULL,
  respond_met int NOT NULL, respond_ended int NOT NULL,
  on_site_met int NOT NULL, on_site_ended int NOT NULL,
  fix_met int NOT NULL, fix_ended int NOT NULL,
  reply_met int NOT NULL, reply_ended int NOT NULL,
  follow_up_met int NOT NULL, follow_up_ended int NOT NULL,
  closed int NOT NULL, completed int NOT NULL, completed_reopened int NOT NULL,
  satisfaction_sum int NOT NULL, satisfaction_n int NOT NULL,
  followable int NOT NULL, followed_up int NOT NULL, first_contact_resolved int NOT NULL
);
CREATE INDEX kpi_daily_tickets_day ON kpi_daily_tickets(day);

-- Appends the difference between contributions that went and came, one row per (day, team, assignee); a sum
-- over no rows is 0.
CREATE FUNCTION kpi_add_ticket_deltas(gone kpi_ticket_contribution[], came kpi_ticket_contribution[])
RETURNS void LANGUAGE sql AS $$
  INSERT INTO kpi_daily_tickets
  SELECT ((c.created_at AT TIME ZONE 'UTC') + make_interval(secs => z.offset_sec))::date, c.team_id, c.assignee_id,
    sum(c.s),
    COALESCE(sum(c.s) FILTER (WHERE c.sla_respond_met), 0), COALESCE(sum(c.s) FILTER (WHERE c.sla_respond_met IS NOT NULL), 0),
    COALESCE(sum(c.s) FILTER (WHERE c.sla_on_site_met), 0), COALESCE(sum(c.s) FILTER (WHERE c.sla_on_site_met IS NOT NULL), 0),
    COALESCE(sum(c.s) FILTER (WHERE c.sla_fix_met), 0), COALESCE(sum(c.s) FILTER (WHERE c.sla_fix_met IS NOT NULL), 0),
    COALESCE(sum(c.s) FILTER (WHERE c.sla_reply_met), 0), COALESCE(sum(c.s) FILTER (WHERE c.sla_reply_met IS NOT NULL), 0),
    COALESCE(sum(c.s) FILTER (WHERE c.sla_follow_up_met), 0), COALESCE(sum(c.s) FILTER (WHERE c.sla_follow_up_met IS NOT NULL), 0),
    COALESCE(sum(c.s) FILTER (WHERE c.closed), 0), COALESCE(sum(c.s) FILTER (WHERE c.completed), 0), COALESCE(sum(c.s) FILTER (WHERE c.reopened), 0),
    COALESCE(sum(c.s * c.satisfaction), 0), COALESCE(sum(c.s) FILTER (WHERE c.satisfaction IS NOT NULL), 0),
    COALESCE(sum(c.s) FILTER (WHERE c.followable), 0), COALESCE(sum(c.s) FILTER (WHERE c.followed_up), 0),
    COALESCE(sum(c.s) FILTER (WHERE c.first_contact_resolved), 0)
  FROM (SELECT -1 AS s, * FROM unnest(gone) UNION ALL SELECT 1, * FROM unnest(came)) c, kpi_rollup_zone z
  WHERE c.counted
  GROUP BY 1, 2, 3
$$;

CREATE FUNCTION kpi_facts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM kpi_add_ticket_deltas('{}', ARRAY(SELECT kpi_ticket_contribution(n) FROM came n));
  RETURN NULL;
END
$$;
CREATE FUNCTION kpi_facts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM kpi_add_ticket_deltas(
    ARRAY(SELECT kpi_ticket_contribution(o) FROM gone o JOIN came n USING (ticket_id)
          WHERE kpi_ticket_contribution(o) IS DISTINCT FROM kpi_ticket_contribution(n)),
    ARRAY(SELECT kpi_ticket_contribution(n) FROM gone o JOIN came n USING (ticket_id)
          WHERE kpi_ticket_contribution(o) IS DISTINCT FROM kpi_ticket_contribution(n)));
  RETURN NULL;
END
$$;
CREATE FUNCTION kpi_facts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM kpi_add_ticket_deltas(ARRAY(SELECT kpi_ticket_contribution(o) FROM gone o), '{}');
  RETURN NULL;
END
$$;
CREATE TRIGGER kpi_facts_inserted AFTER INSERT ON kpi_ticket_facts
  REFERENCING NEW TABLE AS came FOR EACH STATEMENT EXECUTE FUNCTION kpi_facts_inserted();
CREATE TRIGGER kpi_facts_updated AFTER UPDATE ON kpi_ticket_facts
  REFERENCING OLD TABLE AS gone NEW TABLE AS came FOR EACH STATEMENT EXECUTE FUNCTION kpi_facts_updated();
CREATE TRIGGER kpi_facts_deleted AFTER DELETE ON kpi_ticket_facts
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION kpi_facts_deleted();

-- ———————————————————————————————— calls ————————————————————————————————

-- What an inbound call contributes (server/kpi/sql.ts callKpiSql): the handle time in whole microseconds, so sums
-- stay exact however often a row is subtracted and added again.
CREATE TYPE kpi_call_contribution AS (
  started_at timestamptz, agent_id uuid, ended boolean, answered boolean, missed boolean, handle_us bigint
);
CREATE FUNCTION kpi_call_contribution(c calls) RETURNS kpi_call_contribution LANGUAGE sql IMMUTABLE AS $$
  SELECT ROW(c.started_at, c.agent_id, c.state = 'ended', c.answered_at IS NOT NULL, c.missed,
    round(date_part('epoch', c.ended_at - c.answered_at) * 1000000)::bigint)::kpi_call_contribution
$$;

-- Per day and answering agent: inbound calls; ended ones, of them answered and missed; the handle time's sum and
-- the number of calls that have one.
CREATE TABLE kpi_daily_calls (
  day date NOT NULL, agent_id uuid,
  inbound int NOT NULL, ended int NOT NULL, ended_answered int NOT NULL, ended_missed int NOT NULL,
  handle_us bigint NOT NULL, handled int NOT NULL
);
CREATE INDEX kpi_daily_calls_day ON kpi_daily_calls(day);

CREATE FUNCTION kpi_add_call_deltas(gone kpi_call_contribution[], came kpi_call_contribution[])
RETURNS void LANGUAGE sql AS $$
  INSERT INTO kpi_daily_calls
  SELECT ((c.started_at AT TIME ZONE 'UTC') + make_interval(secs => z.offset_sec))::date, c.agent_id,
    sum(c.s), COALESCE(sum(c.s) FILTER (WHERE c.ended), 0),
    COALESCE(sum(c.s) FILTER (WHERE c.ended AND c.answered), 0),
    COALESCE(sum(c.s) FILTER (WHERE c.ended AND c.missed), 0),
    COALESCE(sum(c.s * c.handle_us), 0), COALESCE(sum(c.s) FILTER (WHERE c.handle_us IS NOT NULL), 0)
  FROM (SELECT -1 AS s, * FROM unnest(gone) UNION ALL SELECT 1, * FROM unnest(came)) c, kpi_rollup_zone z
  GROUP BY 1, 2
$$;

CREATE FUNCTION kpi_calls_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM kpi_add_call_deltas('{}', ARRAY(SELECT kpi_call_contribution(n) FROM came n WHERE n.direction = 'inbound'));
  RETURN NULL;
END
$$;
CREATE FUNCTION kpi_calls_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM kpi_add_call_deltas(
    ARRAY(SELECT kpi_call_contribution(o) FROM gone o JOIN came n USING (id)
          WHERE o.direction = 'inbound'
            AND (n.direction <> 'inbound' OR kpi_call_contribution(o) IS DISTINCT FROM kpi_call_contribution(n))),
    ARRAY(SELECT kpi_call_contribution(n) FROM gone o JOIN came n USING (id)
          WHERE n.direction = 'inbound'
            AND (o.direction <> 'inbound' OR kpi_call_contribution(o) IS DISTINCT FROM kpi_call_contribution(n))));
  RETURN NULL;
END
$$;
CREATE FUNCTION kpi_calls_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM kpi_add_call_deltas(ARRAY(SELECT kpi_call_contribution(o) FROM gone o WHERE o.direction = 'inbound'), '{}');
  RETURN NULL;
END
$$;
CREATE TRIGGER kpi_calls_inserted AFTER INSERT ON calls
  REFERENCING NEW TABLE AS came FOR EACH STATEMENT EXECUTE FUNCTION kpi_calls_inserted();
CREATE TRIGGER kpi_calls_updated AFTER UPDATE ON calls
  REFERENCING OLD TABLE AS gone NEW TABLE AS came FOR EACH STATEMENT EXECUTE FUNCTION kpi_calls_updated();
CREATE TRIGGER kpi_calls_deleted AFTER DELETE ON calls
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION kpi_calls_deleted();

-- ———————————————————————————————— upkeep ————————————————————————————————

-- Folds each key's rows into one (and drops keys that net to nothing). The DELETE … RETURNING moves exactly the rows
-- it deleted: a row a concurrent compaction already moved is skipped, a row a writer adds meanwhile stays.
CREATE FUNCTION kpi_compact_rollups() RETURNS void LANGUAGE sql AS $$
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
$$;

-- Rebuilds both rollups for site days at `offset_sec` east of UTC. The SHARE locks hold writers of facts and calls
-- back until it commits, so no write falls between the rebuild's read and its rows.
CREATE FUNCTION kpi_rebuild_rollups(new_offset_sec int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE kpi_ticket_facts, calls IN SHARE MODE;
  LOCK TABLE kpi_rollup_zone IN EXCLUSIVE MODE;
  UPDATE kpi_rollup_zone SET offset_sec = new_offset_sec;
  DELETE FROM kpi_daily_tickets;
  DELETE FROM kpi_daily_calls;
  PERFORM kpi_add_ticket_deltas('{}', ARRAY(SELECT kpi_ticket_contribution(f) FROM kpi_ticket_facts f));
  PERFORM kpi_add_call_deltas('{}',
    ARRAY(SELECT kpi_call_contribution(c) FROM calls c WHERE c.direction = 'inbound'));
END
$$;

SELECT kpi_rebuild_rollups(28800);
