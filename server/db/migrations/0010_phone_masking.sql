-- Residents' personal data, minimum necessary (issue 11 §4, PIPL). Lists, pulls, call logs and the residents
-- directory carry phone numbers masked (common/residents/phone maskPhone) with a keyed hash beside them
-- (common/residents/phone-hash): HMAC-SHA256 of the E.164 number with this server's secret, the first 16 bytes as
-- hex. Consoles get the secret after login and hash a caller's or a typed number to find it offline.

-- The secret: one row. The HMAC's inner and outer padded keys are kept with it, so phone_hash is two sha256 calls.
CREATE TABLE phone_hash_key (
  id         boolean PRIMARY KEY DEFAULT true CHECK (id),
  secret     bytea NOT NULL CHECK (length(secret) = 32),
  inner_pad  bytea NOT NULL,
  outer_pad  bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- RFC 2104: the key (hashed when longer than SHA-256's 64-byte block) padded with zeros to the block, XOR `pad`.
CREATE FUNCTION hmac_sha256_pad(key bytea, pad int) RETURNS bytea LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  k bytea := CASE WHEN length(key) > 64 THEN sha256(key) ELSE key END;
  padded bytea;
BEGIN
  k := k || decode(repeat('00', 64 - length(k)), 'hex');
  padded := k;
  FOR i IN 0..63 LOOP
    padded := set_byte(padded, i, get_byte(k, i) # pad);
  END LOOP;
  RETURN padded;
END
$$;

-- 32 bytes from three random UUIDs (pg_strong_random, 366 random bits), without the pgcrypto extension.
INSERT INTO phone_hash_key (secret, inner_pad, outer_pad)
SELECT s, hmac_sha256_pad(s, 54), hmac_sha256_pad(s, 92)
  FROM (SELECT sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text || gen_random_uuid()::text,
                                 'UTF8')) AS s) r;

-- The keyed hash of an E.164 number (null for null).
CREATE FUNCTION phone_hash(e164 text) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT encode(substring(sha256(k.outer_pad || sha256(k.inner_pad || convert_to(e164, 'UTF8'))) FROM 1 FOR 16), 'hex')
    FROM phone_hash_key k WHERE e164 IS NOT NULL
$$;

-- A ticket's phone as the wire carries it: masked by the server's JavaScript writers (server/db/rows.ts, the seed),
-- which alone have maskPhone. A writer that changes `phone` without it (SQL, a tool) leaves no mask: the wire then
-- carries no number at all rather than a stale or whole one. Named to run before tickets_wire (triggers of one
-- event fire in name order).
ALTER TABLE tickets ADD COLUMN phone_masked text;

CREATE FUNCTION tickets_phone_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.phone IS NULL
     OR (TG_OP = 'UPDATE' AND NEW.phone IS DISTINCT FROM OLD.phone
         AND NEW.phone_masked IS NOT DISTINCT FROM OLD.phone_masked) THEN
    NEW.phone_masked := NULL;
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER tickets_phone_guard BEFORE INSERT OR UPDATE ON tickets
  FOR EACH ROW EXECUTE FUNCTION tickets_phone_guard();

-- Sync schema 5 (common/sync.ts): the masked phone in `phone`'s place, and the row ends in `phoneHash` (tickets
-- record their phone in E.164 when it is a valid number; anything else has no hash).
CREATE OR REPLACE FUNCTION ticket_wire_json(t tickets) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT json_build_array(
    t.id, t.code, t.type, t.category, t.channel,
    t.priority, t.status, t.title, COALESCE(t.description, ''),
    t.unit_id, t.unit_code, t.resident_id, t.resident_name,
    t.phone_masked, t.team_id, t.assignee_id, t.created_by,
    wire_time(t.created_at), wire_time(t.updated_at), wire_time(t.closed_at),
    t.version, COALESCE(to_json(t.tags), '[]'::json), t.sla_milestone,
    wire_time(t.sla_started_at), wire_time(t.sla_due_at),
    wire_time(t.sla_risk_at), wire_time(t.sla_paused_at),
    t.sla_remaining_minutes, COALESCE(t.sla_provisional, false),
    COALESCE(t.sla_pauses, '[]'::jsonb),
    CASE WHEN t.phone ~ '^\+[1-9][0-9]{6,14}$' THEN phone_hash(t.phone) END)::text
$$;

-- Existing rows (the trigger computes the value; their masks are filled at start, server/privacy/backfill.ts).
UPDATE tickets SET wire = NULL;

-- Directory tombstones: an erased resident (their row anonymised, issue 11 §4) is sent as a tombstone, so every
-- console deletes them from its cache. The erasure work adds the same column; either migration may run first.
ALTER TABLE residents ADD COLUMN IF NOT EXISTS erased_at timestamptz;
