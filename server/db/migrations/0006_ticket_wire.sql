-- Each ticket's wire form (the JSON a pull sends, equal in meaning to ticketFromRow in server/db/rows.ts; the
-- pull-wire integration test checks every column), kept with the row by a trigger on every insert and update.
-- A page of 5000 tickets is then read, not built: json_build_object with seven to_char calls per row was most of
-- an initial sync's server time (on PGlite about 30 ms per 1000 rows, each time any console synced).
-- A migration that changes what the wire carries replaces ticket_wire_json and touches every row.

-- ISO 8601 in UTC with milliseconds, as JavaScript's toISOString; null stays null. Immutable: the pattern has no
-- locale-dependent fields and the zone is fixed.
CREATE FUNCTION wire_time(ts timestamptz) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;

CREATE FUNCTION ticket_wire_json(t tickets) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT json_build_object(
    'id', t.id, 'code', t.code, 'type', t.type, 'category', t.category, 'channel', t.channel,
    'priority', t.priority, 'status', t.status, 'title', t.title, 'description', COALESCE(t.description, ''),
    'unitId', t.unit_id, 'unitCode', t.unit_code, 'residentId', t.resident_id, 'residentName', t.resident_name,
    'phone', t.phone, 'teamId', t.team_id, 'assigneeId', t.assignee_id, 'createdBy', t.created_by,
    'createdAt', wire_time(t.created_at), 'updatedAt', wire_time(t.updated_at), 'closedAt', wire_time(t.closed_at),
    'version', t.version, 'tags', COALESCE(to_json(t.tags), '[]'::json), 'slaMilestone', t.sla_milestone,
    'slaStartedAt', wire_time(t.sla_started_at), 'slaDueAt', wire_time(t.sla_due_at),
    'slaRiskAt', wire_time(t.sla_risk_at), 'slaPausedAt', wire_time(t.sla_paused_at),
    'slaRemainingMinutes', t.sla_remaining_minutes, 'slaProvisional', COALESCE(t.sla_provisional, false),
    'slaPauses', COALESCE(t.sla_pauses, '[]'::jsonb))::text
$$;

ALTER TABLE tickets ADD COLUMN wire text;

CREATE FUNCTION tickets_wire_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.wire := ticket_wire_json(NEW);
  RETURN NEW;
END
$$;

CREATE TRIGGER tickets_wire BEFORE INSERT OR UPDATE ON tickets FOR EACH ROW EXECUTE FUNCTION tickets_wire_stamp();

-- Existing rows (the trigger computes the value).
UPDATE tickets SET wire = NULL;
