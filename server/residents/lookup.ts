/**
 * Finding residents by phone (caller-ID, intake) or by name prefix / unit code (search box), and one resident's
 * full record. These are the server's own reads, whole; routes mask what they send (server/privacy/wire.ts).
 * Erased residents (issue 11 §4) are found by no search.
 */
import type { Resident } from '../../common/domain';
import type { Queryable } from '../db/driver';
import type { Row } from '../db/rows';
import { toE164 } from './phone';

export const RESIDENT_LOOKUP_LIMIT = 20;

async function loadResidents(q: Queryable, ids: string[]): Promise<Resident[]> {
  if (ids.length === 0) return [];
  const { rows } = await q.query<Row>(
    `SELECT r.id, r.name, r.tags,
       COALESCE((SELECT json_agg(json_build_object('raw', p.raw, 'e164', p.e164) ORDER BY p.raw)
                   FROM resident_phones p WHERE p.resident_id = r.id), '[]'::json) AS phones,
       COALESCE((SELECT json_agg(json_build_object('id', u.id, 'code', u.code, 'relation', ru.relation) ORDER BY u.code)
                   FROM resident_units ru JOIN units u ON u.id = ru.unit_id WHERE ru.resident_id = r.id), '[]'::json) AS units
       FROM residents r WHERE r.id = ANY($1::text[]) AND r.erased_at IS NULL ORDER BY r.name, r.id`,
    [ids],
  );
  const parse = (v: unknown) => (typeof v === 'string' ? (JSON.parse(v) as unknown) : v);
  return rows.map((r) => ({
    id: String(r.id),
    name: String(r.name),
    phones: parse(r.phones) as Resident['phones'],
    units: parse(r.units) as Resident['units'],
    tags: (r.tags as string[] | null) ?? [],
  }));
}

export async function findResidentsByPhone(q: Queryable, phone: string): Promise<Resident[]> {
  const e164 = toE164(phone);
  // An unparseable number can still match a stored raw string exactly (extensions, short internal numbers).
  const { rows } = await q.query<{ resident_id: string }>(
    `SELECT DISTINCT resident_id FROM resident_phones WHERE e164 = $1 OR raw = $2 LIMIT ${RESIDENT_LOOKUP_LIMIT}`,
    [e164, phone.trim()],
  );
  return loadResidents(
    q,
    rows.map((r) => String(r.resident_id)),
  );
}

/** `q` is a name prefix (张, 张伟) or an exact unit code (3-1-502). */
export async function searchResidents(q: Queryable, text: string): Promise<Resident[]> {
  const term = text.trim();
  if (!term) return [];
  const { rows } = await q.query<{ id: string }>(
    `SELECT id FROM (
       SELECT r.id, r.name FROM residents r WHERE r.name LIKE $1 || '%'
       UNION
       SELECT r.id, r.name FROM residents r
         JOIN resident_units ru ON ru.resident_id = r.id JOIN units u ON u.id = ru.unit_id
        WHERE u.code = $2
     ) found ORDER BY name, id LIMIT ${RESIDENT_LOOKUP_LIMIT}`,
    [term.replace(/[\\%_]/g, (c) => `\\${c}`), term],
  );
  return loadResidents(
    q,
    rows.map((r) => String(r.id)),
  );
}

/** One resident's full record (phones whole), or undefined. */
export async function loadResident(q: Queryable, id: string): Promise<Resident | undefined> {
  return (await loadResidents(q, [id]))[0];
}
