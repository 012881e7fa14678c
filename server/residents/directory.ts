/**
 * The residents directory in pages for the consoles' local cache (issue 4 item 5). Residents come in change order
 * (dir_xid, dir_seq) after the cursor, each whole (phones and units with their project), only from transactions
 * older than every one still running — the same horizon as the sync pull (DESIGN.md §5), so nothing is skipped.
 *
 * Issue 11 §4: phones go out masked with their keyed hash (`phone_hash`, migration 0010), never whole; an erased
 * resident (erased_at set, the row anonymised, which moves it in the change order) goes out as a tombstone.
 */
import {
  DIRECTORY_SCHEMA_VERSION,
  type DirectoryEntry,
  type DirectoryPage,
  type DirectoryQuery,
  type DirectoryResident,
} from '../../common/residents/directory';
import { maskPhone } from '../../common/residents/phone';
import { parseLogPosition } from '../../common/input';
import type { Queryable } from '../db/driver';
import type { Row } from '../db/rows';
import { HttpError } from '../http/errors';

/** The query's cursor (DirectoryQuery checked it), or the start. */
function parseCursor(cursor: string | undefined): [string, string] {
  if (cursor === undefined) return ['0', '0'];
  const position = parseLogPosition(cursor);
  if (!position) throw new HttpError(400, 'invalid_request', [{ path: ['cursor'], message: 'Invalid cursor' }]);
  return [position.xid, position.seq];
}

const parseJson = (v: unknown): unknown => (typeof v === 'string' ? (JSON.parse(v) as unknown) : v);

type PhoneRow = { raw: string; hash: string | null };

export async function readDirectoryPage(q: Queryable, { cursor, limit }: DirectoryQuery): Promise<DirectoryPage> {
  const [xid, seq] = parseCursor(cursor);
  const { rows } = await q.query<Row>(
    `SELECT r.id, r.name, r.tags, r.erased_at IS NOT NULL AS erased, r.dir_xid::text AS xid, r.dir_seq::text AS seq,
       COALESCE((SELECT json_agg(json_build_object('raw', p.raw, 'hash', phone_hash(p.e164)) ORDER BY p.raw)
                   FROM resident_phones p WHERE p.resident_id = r.id), '[]'::json) AS phones,
       COALESCE((SELECT json_agg(json_build_object('id', u.id, 'code', u.code, 'projectId', u.project_id,
                                                   'projectName', pr.name, 'relation', ru.relation) ORDER BY u.code, u.id)
                   FROM resident_units ru JOIN units u ON u.id = ru.unit_id JOIN projects pr ON pr.id = u.project_id
                  WHERE ru.resident_id = r.id), '[]'::json) AS units
       FROM residents r
      WHERE (r.dir_xid, r.dir_seq) > ($1::xid8, $2::bigint)
        AND r.dir_xid < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY r.dir_xid, r.dir_seq
      LIMIT $3`,
    [xid, seq, limit + 1],
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const items = page.map((r): DirectoryEntry =>
    r.erased === true
      ? { id: String(r.id), deleted: true }
      : {
          id: String(r.id),
          name: String(r.name),
          tags: (r.tags as string[] | null) ?? [],
          phones: (parseJson(r.phones) as PhoneRow[]).map((p) => ({ shown: maskPhone(p.raw), hash: p.hash })),
          units: parseJson(r.units) as DirectoryResident['units'],
        },
  );
  return {
    items,
    cursor: last ? `${String(last.xid)}:${String(last.seq)}` : `${xid}:${seq}`,
    more: rows.length > limit,
  };
}

/**
 * A page for a desk of directory version `v`. Version 1 knows neither hashes nor tombstones: it gets the masked
 * number as `raw` (no E.164), and erased residents are left out (such a desk keeps them until it is updated).
 */
export function directoryPageFor(v: number, page: DirectoryPage): unknown {
  if (v >= DIRECTORY_SCHEMA_VERSION) return page;
  return {
    ...page,
    items: page.items.flatMap((item) =>
      'deleted' in item ? [] : [{ ...item, phones: item.phones.map((p) => ({ raw: p.shown, e164: null })) }],
    ),
  };
}
