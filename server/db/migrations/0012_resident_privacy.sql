-- Residents' rights and retention (issue 11 §4, PIPL).
-- An erased resident keeps its row (tickets and calls still point at it) under a neutral name, with erased_at
-- set. IF NOT EXISTS: another migration of the same release adds the same column for the directory feed.
ALTER TABLE residents ADD COLUMN IF NOT EXISTS erased_at timestamptz;

-- When the retention job replaced a closed ticket's or a call's personal fields: each row is done once.
ALTER TABLE tickets ADD COLUMN anonymised_at timestamptz;
ALTER TABLE calls ADD COLUMN anonymised_at timestamptz;
CREATE INDEX tickets_retention ON tickets(closed_at) WHERE closed_at IS NOT NULL AND anonymised_at IS NULL;
CREATE INDEX calls_retention ON calls(started_at) WHERE anonymised_at IS NULL;

-- A resident's tickets and calls, for an export or an erasure.
CREATE INDEX tickets_resident ON tickets(resident_id) WHERE resident_id IS NOT NULL;
CREATE INDEX calls_resident ON calls(resident_id) WHERE resident_id IS NOT NULL;
