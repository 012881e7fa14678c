-- Calls from one number around a time (server/cti/store.ts loadCandidates / groupCandidatesRead: correlation's
-- nearest calls from the same number, on every ring): one index range instead of every call of the number
-- intersected with every call of the last hours (calls_from AND calls_started_id, both whole ranges). It also
-- serves calls_from's equality lookups (the call list's number filter, re-resolving a number's calls).
CREATE INDEX calls_from_started ON calls(from_e164, started_at);
DROP INDEX calls_from;
