/**
 * What a mutation's references name (its unit, resident, team, assignee, a logged call's ticket), looked up by the
 * server whatever the console sent. Alone, a lookup is one query; a push group asks for all of its mutations'
 * references in one statement up front (issue 13: one query per reference per mutation was a fifth of a group's
 * statements), and each mutation then finds its answer here. An id the prefetch did not cover is asked alone.
 */
import { Uuid } from '../../common/input';
import type { Queryable } from '../db/driver';
import type { Row } from '../db/rows';
import { readTogether, type Read } from '../db/statement';

interface ReferenceQuery {
  /** The row of one id (none: it does not exist, or is not usable). */
  one: string;
  /** The rows of many ids, each with its `id` as text. */
  many: string;
  /** Ids of a uuid column: anything else names nothing (and must not reach the query's cast). */
  uuid: boolean;
}

const REFERENCES = {
  unit: {
    one: 'SELECT code FROM units WHERE id = $1',
    many: 'SELECT id, code FROM units WHERE id = ANY($1::text[])',
    uuid: false,
  },
  resident: {
    one: 'SELECT name FROM residents WHERE id = $1',
    many: 'SELECT id, name FROM residents WHERE id = ANY($1::text[])',
    uuid: false,
  },
  team: {
    one: 'SELECT 1 AS found FROM teams WHERE id = $1',
    many: 'SELECT id FROM teams WHERE id = ANY($1::text[])',
    uuid: false,
  },
  activeUser: {
    one: 'SELECT 1 AS found FROM users WHERE id = $1 AND active',
    many: 'SELECT id::text AS id FROM users WHERE id = ANY($1::uuid[]) AND active',
    uuid: true,
  },
  liveTicket: {
    one: 'SELECT 1 AS found FROM tickets WHERE id = $1 AND deleted_at IS NULL',
    many: 'SELECT id::text AS id FROM tickets WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL',
    uuid: true,
  },
  /** The record a hand-logged call was linked to (server/cti/hand-log), by the log's own id. */
  callAlias: {
    one: `SELECT call_id::text AS call_id FROM call_aliases WHERE kind = 'call' AND alias = $1`,
    many: `SELECT alias AS id, call_id::text AS call_id FROM call_aliases WHERE kind = 'call' AND alias = ANY($1::text[])`,
    uuid: false,
  },
  /** A call stored under this id already (a logged call is insert-only). */
  storedCall: {
    one: 'SELECT 1 AS found FROM calls WHERE id = $1',
    many: 'SELECT id::text AS id FROM calls WHERE id = ANY($1::uuid[])',
    uuid: true,
  },
} satisfies Record<string, ReferenceQuery>;

export type ReferenceKind = keyof typeof REFERENCES;

/** Ids worth asking about: strings, and for a uuid column only uuids (a malformed one is rejected when it runs). */
function askable(kind: ReferenceKind, id: unknown): id is string {
  if (typeof id !== 'string' || id === '') return false;
  return !REFERENCES[kind].uuid || Uuid.safeParse(id).success;
}

/** The referenced row, or undefined: not found (or, for a uuid column, not a uuid at all). */
export async function lookupReference(q: Queryable, kind: ReferenceKind, id: string): Promise<Row | undefined> {
  if (!askable(kind, id)) return undefined;
  return (await q.query<Row>(REFERENCES[kind].one, [id])).rows[0];
}

/** A batch's answers, kept for the batch's life: the rows its references named when it began (or first asked). */
export class ReferenceCache {
  private readonly known = new Map<string, Row | null>();

  async get(q: Queryable, kind: ReferenceKind, id: string): Promise<Row | undefined> {
    const key = `${kind}\u0000${id}`;
    if (!this.known.has(key)) this.known.set(key, (await lookupReference(q, kind, id)) ?? null);
    return this.known.get(key) ?? undefined;
  }

  /** What the batch itself just wrote (a link, a call): later mutations of the batch must see it. */
  remember(kind: ReferenceKind, id: string, row: Row): void {
    this.known.set(`${kind}\u0000${id}`, row);
  }

  /** Asks for all of `wanted` in one statement (ids already known are not asked again). */
  async prefetch(q: Queryable, wanted: ReadonlyArray<readonly [ReferenceKind, unknown]>): Promise<void> {
    const ids = new Map<ReferenceKind, Set<string>>();
    for (const [kind, id] of wanted) {
      if (!askable(kind, id) || this.known.has(`${kind}\u0000${id}`)) continue;
      ids.set(kind, (ids.get(kind) ?? new Set()).add(id));
    }
    if (ids.size === 0) return;
    const reads: Record<string, Read<Row[]>> = {};
    for (const [kind, set] of ids) reads[kind] = { sql: REFERENCES[kind].many, params: [[...set]], decode: (r) => r };
    const found = await readTogether(q, reads);
    for (const [kind, set] of ids) {
      const rows = new Map((found[kind] ?? []).map((r) => [String(r.id), r]));
      for (const id of set) this.known.set(`${kind}\u0000${id}`, rows.get(id) ?? null);
    }
  }
}

/** The references a pushed mutation's (unvalidated) arguments name, for a batch's prefetch. */
export function referencesOf(name: string, args: unknown): Array<[ReferenceKind, unknown]> {
  if (typeof args !== 'object' || args === null) return [];
  const a = args as Record<string, unknown>;
  switch (name) {
    case 'ticket.create':
      return [
        ['unit', a.unitId],
        ['resident', a.residentId],
        ['team', a.teamId],
      ];
    case 'ticket.assign':
      return [
        ['activeUser', a.assigneeId],
        ['team', a.teamId],
      ];
    case 'call.log':
      return [
        ['resident', a.residentId],
        ['liveTicket', a.ticketId],
        ['callAlias', a.id],
        ['storedCall', a.id],
      ];
    default:
      return [];
  }
}
