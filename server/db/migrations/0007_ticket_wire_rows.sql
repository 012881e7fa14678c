-- Sync schema 3 (common/sync.ts): a ticket travels as a row, its values in TICKET_ROW_FIELDS order without the
-- field names, which were some 40 % of an initial sync's bytes. The `wire` column keeps that row; a pull for an
-- older console spreads it back over the names (server/sync/pull.ts). The pull-wire integration test checks the
-- order against TICKET_ROW_FIELDS and every value against ticketFromRow.
CREATE OR REPLACE FUNCTION ticket_wire_json(t tickets) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT json_build_array(
    t.id, t.code, t.type, t.category, t.channel,
    t.priority, t.status, t.title, COALESCE(t.description, ''),
    t.unit_id, t.unit_code, t.resident_id, t.resident_name,
    t.phone, t.team_id, t.assignee_id, t.created_by,
    wire_time(t.created_at), wire_time(t.updated_at), wire_time(t.closed_at),
    t.version, COALESCE(to_json(t.tags), '[]'::json), t.sla_milestone,
    wire_time(t.sla_started_at), wire_time(t.sla_due_at),
    wire_time(t.sla_risk_at), wire_time(t.sla_paused_at),
    t.sla_remaining_minutes, COALESCE(t.sla_provisional, false),
    COALESCE(t.sla_pauses, '[]'::jsonb))::text
$$;

-- Existing rows (the trigger computes the value).
UPDATE tickets SET wire = NULL;
