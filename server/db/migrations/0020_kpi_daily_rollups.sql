-- KPI daily rollups (issue 13): the summable KPI figures per site-local day and group, so a year-long report reads a
-- few rows per day instead of a year of kpi_ticket_facts (~120k rows at the demo's large size: 386–529 ms, budget
-- 200). Percentiles (first response, callback) cannot be summed and still read the facts.
--
-- Exact under concurrent writes: the rollup tables are append-only ledgers. Row triggers on kpi_ticket_facts and
-- calls add, in the writing transaction, the old row's contribution negated and the new row's (only when a field
-- that counts changed). Nothing is updated in place, so concurrent writers never wait on a shared counter row
-- (today's row of a team would be one) and never deadlock on it. A figure is the sum of a key's rows, whatever
-- their number; kpi_compact_rollups() (run by the server every minute) folds a key's rows into one, moving them in a
-- single statement, so a concurrent writer's rows are either folded or left as they are, never lost or counted twice.
--
-- Days are site-local at the UTC offset in kpi_rollup_zone (Asia/Shanghai, +08:00, at first). The report uses the
-- rollups only when the site's offset is that one, and kpi_rebuild_rollups(offset) rebuilds them for another.

CREATE TABLE kpi_rollup_zone (
  only_row   boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  offset_sec int NOT NULL
);
INSERT INTO kpi_rollup_zone (offset_sec) VALUES (28800);

-- ———————————————————————————————— tickets ————————————————————————————————

-- Per day and group: tickets; per SLA clock the ended ones and those met; closed; completed and of them reopened;
-- the satisfaction scores' sum and number; followable (completed repairs and complaints) and of them followed up;
-- first-contact resolved. The definitions of server/kpi/sql.ts ticketKpiSql (common/kpi/definitions.ts).
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

-- A ticket's facts as a ledger row, times `s` (1 or -1); no row for a cancelled or deleted ticket (counted nowhere).
CREATE FUNCTION kpi_ticket_delta(f kpi_ticket_facts, s int) RETURNS SETOF kpi_daily_tickets LANGUAGE sql STABLE AS $$
  SELECT ((f.created_at AT TIME ZONE 'UTC') + make_interval(secs => z.offset_sec))::date, f.team_id, f.assignee_id,
    s,
    s * (f.sla_respond_met IS TRUE)::int, s * (f.sla_respond_met IS NOT NULL)::int,
    s * (f.sla_on_site_met IS TRUE)::int, s * (f.sla_on_site_met IS NOT NULL)::int,
    s * (f.sla_fix_met IS TRUE)::int, s * (f.sla_fix_met IS NOT NULL)::int,
    s * (f.sla_reply_met IS TRUE)::int, s * (f.sla_reply_met IS NOT NULL)::int,
    s * (f.sla_follow_up_met IS TRUE)::int, s * (f.sla_follow_up_met IS NOT NULL)::int,
    s * (f.status = 'closed')::int, s * (f.completed_at IS NOT NULL)::int,
    s * (f.completed_at IS NOT NULL AND f.reopen_count > 0)::int,
    s * COALESCE(f.satisfaction, 0), s * (f.satisfaction IS NOT NULL)::int,
    s * (f.completed_at IS NOT NULL AND f.type IN ('repair', 'complaint'))::int,
    s * (f.completed_at IS NOT NULL AND f.type IN ('repair', 'complaint') AND f.followed_up_at IS NOT NULL)::int,
    s * f.first_contact_resolved::int
  FROM kpi_rollup_zone z
  WHERE NOT f.deleted AND f.status <> 'cancelled'
$$;

-- A bulk load (server/seed/load.ts sets kpi.bulk_load) rebuilds the rollups once at its end instead.
CREATE FUNCTION kpi_facts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('kpi.bulk_load', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO kpi_daily_tickets SELECT * FROM kpi_ticket_delta(OLD, -1);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO kpi_daily_tickets SELECT * FROM kpi_ticket_delta(NEW, 1);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER kpi_facts_rolled_up AFTER INSERT OR DELETE ON kpi_ticket_facts
  FOR EACH ROW EXECUTE FUNCTION kpi_facts_changed();
-- Only a change of what kpi_ticket_delta reads: a first response, a status change among open ones write nothing.
CREATE TRIGGER kpi_facts_rolled_up_update AFTER UPDATE ON kpi_ticket_facts FOR EACH ROW
  WHEN ((OLD.created_at, OLD.team_id, OLD.assignee_id, OLD.deleted, OLD.status = 'closed', OLD.status = 'cancelled',
         OLD.type, OLD.completed_at IS NULL, OLD.reopen_count > 0, OLD.satisfaction, OLD.followed_up_at IS NULL,
         OLD.first_contact_resolved, OLD.sla_respond_met, OLD.sla_on_site_met, OLD.sla_fix_met, OLD.sla_reply_met,
         OLD.sla_follow_up_met)
        IS DISTINCT FROM
        (NEW.created_at, NEW.team_id, NEW.assignee_id, NEW.deleted, NEW.status = 'closed', NEW.status = 'cancelled',
         NEW.type, NEW.completed_at IS NULL, NEW.reopen_count > 0, NEW.satisfaction, NEW.followed_up_at IS NULL,
         NEW.first_contact_resolved, NEW.sla_respond_met, NEW.sla_on_site_met, NEW.sla_fix_met, NEW.sla_reply_met,
         NEW.sla_follow_up_met))
  EXECUTE FUNCTION kpi_facts_changed();

-- ———————————————————————————————— calls ————————————————————————————————

-- Per day and answering agent: inbound calls; ended ones, of them answered and missed; the handle time's sum in
-- whole microseconds (sums stay exact however often a row is subtracted and added again) and the number of calls
-- that have one. The definitions of server/kpi/sql.ts callKpiSql.
CREATE TABLE kpi_daily_calls (
  day date NOT NULL, agent_id uuid,
  inbound int NOT NULL, ended int NOT NULL, ended_answered int NOT NULL, ended_missed int NOT NULL,
  handle_us bigint NOT NULL, handled int NOT NULL
);
CREATE INDEX kpi_daily_calls_day ON kpi_daily_calls(day);

-- A call as a ledger row, times `s`; no row for an outbound call.
CREATE FUNCTION kpi_call_delta(c calls, s int) RETURNS SETOF kpi_daily_calls LANGUAGE sql STABLE AS $$
  SELECT ((c.started_at AT TIME ZONE 'UTC') + make_interval(secs => z.offset_sec))::date, c.agent_id,
    s, s * (c.state = 'ended')::int, s * (c.state = 'ended' AND c.answered_at IS NOT NULL)::int,
    s * (c.state = 'ended' AND c.missed)::int,
    s * COALESCE(round(date_part('epoch', c.ended_at - c.answered_at) * 1000000)::bigint, 0),
    s * (c.ended_at IS NOT NULL AND c.answered_at IS NOT NULL)::int
  FROM kpi_rollup_zone z
  WHERE c.direction = 'inbound'
$$;

CREATE FUNCTION kpi_calls_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('kpi.bulk_load', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO kpi_daily_calls SELECT * FROM kpi_call_delta(OLD, -1);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO kpi_daily_calls SELECT * FROM kpi_call_delta(NEW, 1);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER kpi_calls_rolled_up AFTER INSERT OR DELETE ON calls
  FOR EACH ROW EXECUTE FUNCTION kpi_calls_changed();
-- Only a change of what kpi_call_delta reads (a call's notes, disposition, callback state write nothing).
CREATE TRIGGER kpi_calls_rolled_up_update AFTER UPDATE ON calls FOR EACH ROW
  WHEN ((OLD.direction, OLD.started_at, OLD.agent_id, OLD.state = 'ended', OLD.answered_at, OLD.ended_at, OLD.missed)
        IS DISTINCT FROM
        (NEW.direction, NEW.started_at, NEW.agent_id, NEW.state = 'ended', NEW.answered_at, NEW.ended_at, NEW.missed))
  EXECUTE FUNCTION kpi_calls_changed();

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

-- Rebuilds both rollups for site days at `offset_sec` east of UTC (and after a bulk load, at the current one). The
-- SHARE locks hold writers of facts and calls back until it commits, so no write falls between its read and its rows.
CREATE FUNCTION kpi_rebuild_rollups(new_offset_sec int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE kpi_ticket_facts, calls IN SHARE MODE;
  LOCK TABLE kpi_rollup_zone IN EXCLUSIVE MODE;
  UPDATE kpi_rollup_zone SET offset_sec = new_offset_sec;
  DELETE FROM kpi_daily_tickets;
  DELETE FROM kpi_daily_calls;
  INSERT INTO kpi_daily_tickets SELECT d.* FROM kpi_ticket_facts f, kpi_ticket_delta(f, 1) d;
  INSERT INTO kpi_daily_calls SELECT d.* FROM calls c, kpi_call_delta(c, 1) d;
  PERFORM kpi_compact_rollups();
END
$$;

SELECT kpi_rebuild_rollups(28800);
