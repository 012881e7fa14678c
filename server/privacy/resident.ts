/**
 * One resident as a PIPL request sees them: their record, their identity (name and numbers), and which tickets and
 * calls are theirs — those linked to them, and those not linked to anyone that carry one of their numbers. A
 * number another resident also has (a family's landline) points at nobody in particular and is left out.
 */
import type { Queryable } from '../db/driver';
import { toIso, toIsoOrNull, type Row } from '../db/rows';
import { numberKeys, type Identity } from './identity';

export interface PrivacyResident {
  id: string;
  name: string;
  tags: string[];
  createdAt: string;
  erasedAt: string | null;
  phones: { raw: string; e164: string | null }[];
}

const parseJson = (v: unknown): unknown => (typeof v === 'string' ? (JSON.parse(v) as unknown) : v);

/** The resident's record and phones, or undefined; `forUpdate` locks the row (an erasure). */
export async function loadPrivacyResident(
  q: Queryable,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<PrivacyResident | undefined> {
  const { rows } = await q.query<Row>(
    `SELECT r.id, r.name, r.tags, r.created_at, r.erased_at,
       COALESCE((SELECT json_agg(json_build_object('raw', p.raw, 'e164', p.e164) ORDER BY p.raw)
                   FROM resident_phones p WHERE p.resident_id = r.id), '[]'::json) AS phones
       FROM residents r WHERE r.id = $1${opts.forUpdate ? ' FOR UPDATE OF r' : ''}`,
    [id],
  );
  const r = rows[0];
  if (!r) return undefined;
  return {
    id: String(r.id),
    name: String(r.name),
    tags: (r.tags as string[] | null) ?? [],
    createdAt: toIso(r.created_at),
    erasedAt: toIsoOrNull(r.erased_at),
    phones: parseJson(r.phones) as PrivacyResident['phones'],
  };
}

/** Their name (unless already erased) and their numbers that no other resident has. */
export async function identityOf(q: Queryable, resident: PrivacyResident): Promise<Identity> {
  const own = new Set(resident.phones.flatMap((p) => numberKeys(p.raw, p.e164)));
  if (own.size === 0) return { names: resident.erasedAt ? [] : [resident.name], numbers: [] };
  const { rows } = await q.query<{ raw: string; e164: string | null }>(
    `SELECT raw, e164 FROM resident_phones
      WHERE resident_id <> $1 AND (e164 = ANY($2::text[]) OR regexp_replace(raw, '[^0-9]', '', 'g') = ANY($3::text[]))`,
    [resident.id, resident.phones.map((p) => p.e164).filter((e) => e !== null), [...own]],
  );
  const shared = new Set(rows.flatMap((p) => numberKeys(String(p.raw), p.e164 == null ? null : String(p.e164))));
  return {
    names: resident.erasedAt ? [] : [resident.name],
    numbers: [...own].filter((k) => !shared.has(k)),
  };
}

/** `WHERE` for the resident's tickets (alias t); params $1 = resident id, $2 = number keys. */
export const RESIDENT_TICKETS = `t.resident_id = $1
   OR (t.resident_id IS NULL AND t.phone IS NOT NULL AND regexp_replace(t.phone, '[^0-9]', '', 'g') = ANY($2::text[]))`;

/** `WHERE` for the resident's calls (alias c); params $1 = resident id, $2 = number keys. */
export const RESIDENT_CALLS = `c.resident_id = $1
   OR (c.resident_id IS NULL AND (
         regexp_replace(COALESCE(c.from_raw, ''), '[^0-9]', '', 'g') = ANY($2::text[])
      OR regexp_replace(COALESCE(c.from_e164, ''), '[^0-9]', '', 'g') = ANY($2::text[])
      OR regexp_replace(COALESCE(c.to_raw, ''), '[^0-9]', '', 'g') = ANY($2::text[])))`;
