/**
 * Pull (DESIGN.md §5): change-log rows after the cursor, below the snapshot horizon, so a transaction that
 * commits late can delay the cursor but is never skipped. Rows are deduplicated and sent as current state.
 */
import type { User } from '../../common/domain';
import { V1_TICKET_EVENT_KINDS } from '../../common/domain';
import {
  PHONE_HASH_SCHEMA_VERSION,
  PRESENCE_SCHEMA_VERSION,
  SNAPSHOT_SCHEMA_VERSION,
  TICKET_ROWS_SCHEMA_VERSION,
  ticketFromWire,
  type Change,
  type PullRequest,
  type PullResponse,
  type SyncEntity,
} from '../../common/sync';
import type { Db, Queryable } from '../db/driver';
import {
  CALL_COLUMNS,
  EVENT_COLUMNS,
  PRESENCE_COLUMNS,
  TEAM_COLUMNS,
  USER_COLUMNS,
  callFromRow,
  eventFromRow,
  presenceFromRow,
  teamFromRow,
  userFromRow,
  type Row,
} from '../db/rows';
import { canonicalClientId, requireOwnRow } from './clients';
import { loadPhoneHasher } from '../privacy/phone-hash';
import { maskCall } from '../../common/calls/mask';
import { LOG_START, decodeCursor, decodeSnapshotCursor, encodeCursor, type LogPosition } from './cursor';
import { RawJson } from './raw-json';
import { estimateSnapshot, snapshotPage, startSnapshot, type SnapshotDeps } from './snapshot';

/** Changes per page when the client does not ask for a size. */
export const DEFAULT_PULL_LIMIT = 1000;
/**
 * The largest page the server sends, whatever the client asks (the protocol allows up to 5000): fewer, bigger
 * pages make an initial sync cheaper on both sides (one round trip, one log scan and one durable commit each).
 */
export const MAX_PULL_LIMIT = 5000;

interface LogRow {
  xid: string;
  seq: string;
  entity: SyncEntity;
  entityId: string;
}

export { RawJson };

const UUID_LENGTH = 36;

const LOADERS: Record<SyncEntity, (q: Queryable, ids: string[]) => Promise<Map<string, unknown>>> = {
  // A deleted ticket (tombstone) and its events read as absent: the pull sends `del`, never the row.
  ticket: async (q, ids) => {
    if (ids.length === 0) return new Map();
    // One text for the page, each ticket as its id followed by its row: one value for the driver to decode instead
    // of 2 per ticket (on PGlite each value costs a protocol message's worth of work). U+001E never occurs in JSON
    // text, whose strings escape every control character.
    const { rows } = await q.query<{ page: string | null }>(
      `SELECT string_agg(t.id::text || t.wire, E'\x1e') AS page
         FROM tickets t WHERE t.id = ANY($1::uuid[]) AND t.deleted_at IS NULL`,
      [ids],
    );
    const page = rows[0]?.page;
    if (!page) return new Map();
    return new Map(
      page.split('\x1e').map((entry) => [entry.slice(0, UUID_LENGTH), new RawJson(entry.slice(UUID_LENGTH))]),
    );
  },
  ticket_event: (q, ids) =>
    loadById(
      q,
      `SELECT ${EVENT_COLUMNS} FROM ticket_events e WHERE id = ANY($1::uuid[])
         AND EXISTS (SELECT 1 FROM tickets t WHERE t.id = e.ticket_id AND t.deleted_at IS NULL)`,
      ids,
      eventFromRow,
    ),
  // Numbers masked, with their hashes (issue 11 §4).
  call: async (q, ids) => {
    if (ids.length === 0) return new Map();
    const hash = await loadPhoneHasher(q);
    const toClient = (r: Row) => maskCall(callFromRow(r), hash);
    return loadById(q, `SELECT ${CALL_COLUMNS} FROM calls WHERE id = ANY($1::uuid[])`, ids, toClient);
  },
  // USER_COLUMNS excludes password_hash.
  user: (q, ids) => loadById(q, `SELECT ${USER_COLUMNS} FROM users WHERE id = ANY($1::uuid[])`, ids, userFromRow),
  team: (q, ids) => loadById(q, `SELECT ${TEAM_COLUMNS} FROM teams WHERE id = ANY($1::text[])`, ids, teamFromRow),
  // An agent's presence is keyed by the user id (the wire shape has no `id`).
  presence: async (q, ids) => {
    if (ids.length === 0) return new Map();
    const { rows } = await q.query<Row>(
      `SELECT ${PRESENCE_COLUMNS} FROM agent_presence WHERE user_id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((r) => [String(r.user_id), presenceFromRow(r)]));
  },
};

async function loadById<T extends { id: string }>(
  q: Queryable,
  sql: string,
  ids: string[],
  map: (r: Row) => T,
): Promise<Map<string, unknown>> {
  if (ids.length === 0) return new Map();
  // Each row as one JSON text: the driver then decodes one value per row instead of one per column (on PGlite
  // the per-column decoding was most of a page's cost). The mappers accept JSON values (ISO strings, numbers).
  const { rows } = await q.query<{ j: string }>(`SELECT row_to_json(r)::text AS j FROM (${sql}) r`, [ids]);
  return new Map(rows.map((r) => map(JSON.parse(r.j) as Row)).map((item) => [item.id, item]));
}

const SNAPSHOT_DEPS: SnapshotDeps = {
  loaders: LOADERS,
  loadEventsOf: (q, ticketIds) =>
    loadById(
      q,
      `SELECT ${EVENT_COLUMNS} FROM ticket_events WHERE ticket_id = ANY($1::uuid[]) ORDER BY ticket_id, created_at, id`,
      ticketIds,
      eventFromRow,
    ),
  lastMutationBelow: (q, clientId, bound) => lastMutationBelow(q, clientId, bound),
};

async function readLog(q: Queryable, from: LogPosition, horizon: string, limit: number): Promise<LogRow[]> {
  // One text for the whole page (see loadById): each row as "xid seq entity id" (ids are uuids or team slugs, never
  // a space or U+001E), rows joined by U+001E; cheaper to build than JSON (on PGlite a third of the log read) and to
  // take apart. Both ORDER BYs sort xid8 and bigint values, never their text (which sorts "1000" before "999" and
  // would skip changes across a digit boundary); the inner one names the table's columns so change_log_order
  // answers it without a sort.
  const { rows } = await q.query<{ page: string | null }>(
    `SELECT string_agg(xid::text || ' ' || seq::text || ' ' || entity || ' ' || entity_id, E'\x1e' ORDER BY xid, seq)
         AS page
       FROM (SELECT change_log.xid, seq, entity, entity_id FROM change_log
        WHERE (xid, seq) > ($1::xid8, $2::bigint) AND xid < $3::xid8
        ORDER BY change_log.xid, change_log.seq LIMIT $4) l`,
    [from.xid, from.seq, horizon, limit],
  );
  const page = rows[0]?.page;
  if (!page) return [];
  return page.split('\x1e').map((row) => {
    const [xid, seq, entity, entityId] = row.split(' ') as [string, string, SyncEntity, string];
    return { xid, seq, entity, entityId };
  });
}

/**
 * The client's last processed mutation among pushes whose changes this response fully covers: transactions
 * below `bound`. Reporting a later one would let the console drop an outbox row before seeing its effect.
 */
async function lastMutationBelow(q: Queryable, clientId: string, bound: string): Promise<number> {
  const { rows } = await q.query<{ last: unknown }>(
    'SELECT COALESCE(max(mutation_id), 0) AS last FROM sync_mutations WHERE client_id = $1 AND xid < $2::xid8',
    [clientId, bound],
  );
  return Number(rows[0]?.last ?? 0);
}

/**
 * Changes left after `from`, estimated in O(1) from the identity sequence (an index lookup of max(seq)) rather
 * than counted, so asking costs nothing on a 200k-row log. Sequence gaps from rolled-back transactions make it an
 * over-estimate, and it counts log rows where a page sends one change per entity: a progress figure, not a promise.
 */
async function estimateRemaining(q: Queryable, from: LogPosition): Promise<number> {
  const { rows } = await q.query<{ last: unknown }>('SELECT COALESCE(max(seq), 0) AS last FROM change_log');
  return Math.max(0, Number(rows[0]?.last ?? 0) - Number(from.seq));
}

const isLogStart = (p: LogPosition) => p.xid === LOG_START.xid && p.seq === LOG_START.seq;

/**
 * A pull's first round trip: the owner check of the client id (as assertClientOwner: another user's id is refused,
 * an id nobody pushed with yet is nobody's), the horizon, and whether compaction purged change-log rows after `from`
 * (beforeSyncHorizon). One statement instead of three: on PGlite each costs a protocol exchange, and a console
 * poked after every change of another pulls a page or two each time (propagation, DESIGN.md §9).
 */
async function openPull(
  q: Queryable,
  clientId: string,
  user: User,
  from: LogPosition,
): Promise<{ horizon: string; beforeSyncHorizon: boolean }> {
  const { rows } = await q.query<{ horizon: string; owner: string | null; before: boolean | null }>(
    `SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon,
            (SELECT user_id::text FROM sync_clients WHERE client_id = $1::uuid) AS owner,
            (SELECT ($2::xid8, $3::bigint) < (xid, seq) FROM sync_horizon) AS before`,
    [canonicalClientId(clientId), from.xid, from.seq],
  );
  const row = rows[0];
  if (row?.owner != null) requireOwnRow({ user_id: row.owner }, user);
  return { horizon: String(row?.horizon), beforeSyncHorizon: !isLogStart(from) && row?.before === true };
}

/**
 * The end of a last page (`more` false) in one round trip: the client's last processed mutation below the horizon
 * (lastMutationBelow), and whether committed log rows lie after `last` at or beyond the horizon (`held`): their
 * transaction finished, but one older than it had not when the horizon was taken, so this pull leaves them out. The
 * NOTIFY of their commit has been spent on this very pull, and the older transaction may notify nobody when it ends
 * (a login, an audited read, a push whose mutations were all refused): the console must come back by itself. One
 * index probe (change_log_order).
 */
async function lastPageEnd(
  q: Queryable,
  clientId: string,
  last: LogPosition,
  horizon: string,
): Promise<{ lastMutationId: number; heldBack: boolean }> {
  const { rows } = await q.query<{ last: unknown; held: unknown }>(
    `SELECT COALESCE((SELECT max(mutation_id) FROM sync_mutations WHERE client_id = $1 AND xid < $2::xid8), 0) AS last,
            EXISTS (SELECT 1 FROM change_log WHERE (xid, seq) > ($3::xid8, $4::bigint) AND xid >= $2::xid8) AS held`,
    [clientId, horizon, last.xid, last.seq],
  );
  return { lastMutationId: Number(rows[0]?.last ?? 0), heldBack: rows[0]?.held === true };
}

/** Whether compaction purged change-log rows after `from`: such a cursor may have missed a deletion. */
async function beforeSyncHorizon(q: Queryable, from: LogPosition): Promise<boolean> {
  if (isLogStart(from)) return false;
  const { rows } = await q.query<{ before: unknown }>(
    'SELECT ($1::xid8, $2::bigint) < (xid, seq) AS before FROM sync_horizon',
    [from.xid, from.seq],
  );
  return rows[0]?.before === true;
}

/** Before TICKET_ROWS_SCHEMA_VERSION a ticket travelled as an object: spread each row over its field names. */
function ticketsAsObjects(changes: Change[]): Change[] {
  return changes.map((c) =>
    c.entity === 'ticket' && c.data instanceof RawJson ? { ...c, data: ticketFromWire(c.data.toJSON()) } : c,
  );
}

/**
 * Before PHONE_HASH_SCHEMA_VERSION a ticket row ends before `phoneHash`: the row's last value (a hex hash or null,
 * neither holding a comma) is cut from the text, which stays unparsed.
 */
function ticketRowsWithoutHash(changes: Change[]): Change[] {
  return changes.map((c) =>
    c.entity === 'ticket' && c.data instanceof RawJson
      ? { ...c, data: new RawJson(`${c.data.text.slice(0, c.data.text.lastIndexOf(','))}]`) }
      : c,
  );
}

/** A schema-1 console's enums are closed: leave out what it cannot parse (calls, newer event kinds). */
function forSchemaV1(changes: Change[]): Change[] {
  return changes.filter(
    (c) =>
      c.entity !== 'call' &&
      !(
        c.entity === 'ticket_event' &&
        c.op === 'put' &&
        !V1_TICKET_EVENT_KINDS.includes((c.data as { kind: string }).kind)
      ),
  );
}

/** Consoles before schema 4 have no `presence` entity (their Change enum is closed). */
function withoutPresence(changes: Change[]): Change[] {
  return changes.filter((c) => c.entity !== 'presence');
}

async function currentState(q: Queryable, page: LogRow[]): Promise<Change[]> {
  const order = new Map<string, LogRow>();
  for (const row of page) order.set(`${row.entity}:${row.entityId}`, order.get(`${row.entity}:${row.entityId}`) ?? row);
  const idsByEntity = new Map<SyncEntity, string[]>();
  for (const row of order.values()) {
    const ids = idsByEntity.get(row.entity);
    if (ids) ids.push(row.entityId);
    else idsByEntity.set(row.entity, [row.entityId]);
  }
  const loaded = new Map<SyncEntity, Map<string, unknown>>();
  for (const [entity, ids] of idsByEntity) loaded.set(entity, await LOADERS[entity](q, ids));
  return [...order.values()].map(({ entity, entityId }) => {
    const data = loaded.get(entity)?.get(entityId);
    return data === undefined ? { entity, op: 'del', id: entityId } : { entity, op: 'put', id: entityId, data };
  });
}

export async function pullChanges(
  db: Db,
  user: User,
  req: PullRequest,
  defaultLimit = DEFAULT_PULL_LIMIT,
  maxLimit = MAX_PULL_LIMIT,
): Promise<PullResponse> {
  const from = decodeCursor(req.cursor);
  const limit = Math.min(req.limit ?? defaultLimit, maxLimit);
  // Everything below the horizon has finished: later statements see it complete, whatever else commits meanwhile.
  const opened = await openPull(db, req.clientId, user, from);
  const horizon = opened.horizon;
  const snapshot = decodeSnapshotCursor(req.cursor);
  // A first pull of a current console is a snapshot (./snapshot); a snapshot cursor from a console that went back
  // to an older version starts over, as after compaction.
  if (req.schemaVersion >= SNAPSHOT_SCHEMA_VERSION && (req.cursor === null || snapshot !== null)) {
    const at = snapshot ?? (await startSnapshot(db, horizon));
    if (!(await beforeSyncHorizon(db, at.from))) {
      const response = await snapshotPage(db, req, at, limit, SNAPSHOT_DEPS);
      if (req.estimate || req.cursor === null) {
        response.estimate = Math.max(await estimateSnapshot(db, at), response.changes.length);
      }
      return response;
    }
  }
  if (req.cursor !== null && (snapshot !== null || opened.beforeSyncHorizon)) {
    return {
      cursor: encodeCursor(LOG_START),
      lastMutationId: await lastMutationBelow(db, req.clientId, horizon),
      changes: [],
      more: true,
      reset: true,
    };
  }
  const fetched = await readLog(db, from, horizon, limit + 1);
  const more = fetched.length > limit;
  const page = fetched.slice(0, limit);
  const lastRow = page.at(-1);
  // A truncated page may end inside a transaction: only transactions before the last one are complete.
  const end = more
    ? { lastMutationId: await lastMutationBelow(db, req.clientId, lastRow?.xid ?? horizon), heldBack: false }
    : await lastPageEnd(db, req.clientId, lastRow ?? from, horizon);
  const response: PullResponse = {
    cursor: encodeCursor(lastRow ?? from),
    lastMutationId: end.lastMutationId,
    changes: await currentState(db, page),
    more,
  };
  if (end.heldBack) response.heldBack = true;
  if (req.schemaVersion < TICKET_ROWS_SCHEMA_VERSION) response.changes = ticketsAsObjects(response.changes);
  else if (req.schemaVersion < PHONE_HASH_SCHEMA_VERSION) response.changes = ticketRowsWithoutHash(response.changes);
  if (req.schemaVersion === 1) response.changes = forSchemaV1(response.changes);
  if (req.schemaVersion < PRESENCE_SCHEMA_VERSION) response.changes = withoutPresence(response.changes);
  if (req.estimate || req.cursor === null) {
    // Never below what this very page carries.
    response.estimate = Math.max(await estimateRemaining(db, from), response.changes.length);
  }
  return response;
}

/**
 * The response as UTF-8 JSON, with RawJson data spliced in unparsed. Equal in meaning to JSON.stringify(response):
 * the same keys, with `changes` written last. Built from buffers, one per piece: joining 5000 ticket strings into one
 * string and then encoding it cost three times as much (the text is mostly Chinese, so two bytes a character).
 */
export function serializePullResponse(response: PullResponse): Buffer {
  const { changes, ...rest } = response;
  const head = JSON.stringify(rest);
  const parts: Buffer[] = [Buffer.from(`${head.slice(0, -1)}${head.length > 2 ? ',' : ''}"changes":[`)];
  changes.forEach((c, i) => {
    const comma = i === 0 ? '' : ',';
    if (c.data instanceof RawJson) {
      const envelope = `${comma}{"entity":${JSON.stringify(c.entity)},"op":${JSON.stringify(c.op)},"id":${JSON.stringify(c.id)},"data":`;
      parts.push(Buffer.from(envelope), Buffer.from(c.data.text), CLOSE_BRACE);
    } else {
      parts.push(Buffer.from(comma + JSON.stringify(c)));
    }
  });
  parts.push(CLOSE_CHANGES);
  return Buffer.concat(parts);
}

const CLOSE_BRACE = Buffer.from('}');
const CLOSE_CHANGES = Buffer.from(']}');
