/**
 * Loads the demo data into an empty central database: one transaction, multi-row parameterized INSERTs in
 * batches (each statement well under PostgreSQL's 65,535-parameter limit), then change_log rows for the synced
 * entities so consoles pull everything on their first sync. The foreign keys of the loaded tables are dropped for
 * the load and added back at its end, which validates each in one join instead of a lookup per row.
 */
import type { Ticket } from '../../common/domain';
import { hashPassword } from '../auth/password';
import type { Db, Queryable } from '../db/driver';
import { TICKET_COLUMNS, ticketToParams } from '../db/rows';
import { generateDemo, type DemoData, type DemoSize, type TicketRow as DemoTicket } from './generate';

export const DEFAULT_DEMO_SEED = 20261126;
export const DEMO_PASSWORD = 'demo';

/** Parameters per INSERT statement (PGlite and pg both; limit 65,535). Larger batches were not faster in PGlite. */
const MAX_PARAMS = 10_000;
/** Arbitrary constant: serializes two seeders starting at once on PostgreSQL. */
const SEED_LOCK = 4_100_2026;

export interface SeedDemoOptions {
  size: DemoSize;
  seed?: number;
  now?: Date;
  /** Called after each table (and each change_log entity) with the number of rows written. */
  onProgress?: (table: string, rows: number) => void;
  /** Data generated beforehand (e.g. a bench's subset of it) instead of generating it from `size` and `seed`. */
  data?: DemoData;
}

export interface SeedDemoResult {
  seeded: boolean;
  counts: Record<string, number>;
}

interface TableSpec<T> {
  table: string;
  columns: readonly string[];
  rows: (data: DemoData) => readonly T[];
  values: (row: T) => readonly unknown[];
  /** Appended to the INSERT, e.g. an ON CONFLICT clause. */
  suffix?: string;
}

function spec<T>(s: TableSpec<T>): TableSpec<unknown> {
  return s as TableSpec<unknown>;
}

/** A generated ticket as the server stores it: no tags yet, the SLA fields spread, the hash computed on the wire. */
const demoTicket = ({ sla, ...t }: DemoTicket): Ticket => ({ ...t, ...sla, tags: [], phoneHash: null });

/** Tables in foreign-key order. */
function tableSpecs(passwordHash: string, now: Date): TableSpec<unknown>[] {
  return [
    spec({
      table: 'teams',
      columns: ['id', 'name_zh', 'name_en'],
      rows: (d) => d.teams,
      values: (t) => [t.id, t.nameZh, t.nameEn],
    }),
    spec({
      table: 'users',
      columns: ['id', 'username', 'name', 'role', 'extension', 'team_id', 'password_hash', 'created_at'],
      rows: (d) => d.users,
      values: (u) => [u.id, u.username, u.name, u.role, u.extension, u.teamId, passwordHash, u.createdAt],
    }),
    spec({ table: 'projects', columns: ['id', 'name'], rows: (d) => d.projects, values: (p) => [p.id, p.name] }),
    spec({
      table: 'buildings',
      columns: ['id', 'project_id', 'number', 'name'],
      rows: (d) => d.buildings,
      values: (b) => [b.id, b.projectId, b.number, b.name],
    }),
    spec({
      table: 'units',
      columns: ['id', 'project_id', 'building_id', 'code', 'area_m2'],
      rows: (d) => d.units,
      values: (u) => [u.id, u.projectId, u.buildingId, u.code, u.areaM2],
    }),
    spec({
      table: 'residents',
      columns: ['id', 'name', 'tags', 'created_at'],
      rows: (d) => d.residents,
      values: (r) => [r.id, r.name, r.tags, r.createdAt],
    }),
    spec({
      table: 'resident_phones',
      columns: ['resident_id', 'raw', 'e164'],
      rows: (d) => d.residentPhones,
      values: (p) => [p.residentId, p.raw, p.e164],
    }),
    spec({
      table: 'resident_units',
      columns: ['resident_id', 'unit_id', 'relation'],
      rows: (d) => d.residentUnits,
      values: (l) => [l.residentId, l.unitId, l.relation],
    }),
    spec({
      table: 'tickets',
      // The server's own column list and parameters (common/ticket-fields, server/db/rows).
      columns: TICKET_COLUMNS.split(', '),
      rows: (d) => d.tickets,
      values: (t) => ticketToParams(demoTicket(t)),
    }),
    spec({
      table: 'ticket_code_counters',
      columns: ['prefix_day', 'last'],
      rows: (d) => d.ticketCodeCounters,
      values: (c) => [c.prefixDay, c.last],
      suffix: 'ON CONFLICT (prefix_day) DO UPDATE SET last = GREATEST(ticket_code_counters.last, EXCLUDED.last)',
    }),
    spec({
      table: 'ticket_events',
      columns: ['id', 'ticket_id', 'kind', 'body', 'data', 'author_id', 'created_at'],
      rows: (d) => d.ticketEvents,
      values: (e) => [e.id, e.ticketId, e.kind, e.body, JSON.stringify(e.data), e.authorId, e.createdAt],
    }),
    spec({
      table: 'calls',
      // prettier-ignore
      columns: [
        'id', 'call_id', 'direction', 'from_raw', 'from_e164', 'to_raw', 'agent_id', 'resident_id', 'started_at',
        'answered_at', 'ended_at', 'missed', 'disposition', 'notes', 'ticket_id', 'source', 'callback_state', 'detail',
      ],
      rows: (d) => d.calls,
      // prettier-ignore
      values: (c) => [
        c.id, c.callId, c.direction, c.fromRaw, c.fromE164, c.toRaw, c.agentId, c.residentId, c.startedAt,
        c.answeredAt, c.endedAt, c.missed, c.disposition, c.notes, c.ticketId, 'pbx', ...seededCallback(c, now),
      ],
    }),
  ];
}

/**
 * A seeded missed call's callback: the last day's still wait in the queue; older ones were called back, as a
 * working desk would have (a queue of every missed call of the month is not what a lead would see).
 */
function seededCallback(c: DemoData['calls'][number], now: Date): [state: string, detail: string] {
  if (!c.missed) return ['none', '{}'];
  if (now.getTime() - Date.parse(c.startedAt) < 86_400_000) return ['open', '{}'];
  const doneAt = c.endedAt ?? c.startedAt;
  const callback = { state: 'done', claimedBy: null, claimedAt: null, result: 'reached', note: '', doneAt };
  return ['done', JSON.stringify({ callback })];
}

/** The synced entities (DESIGN.md §5), in the order a first pull should see them. */
const CHANGE_LOG: readonly (readonly [entity: string, select: string])[] = [
  ['team', 'SELECT id FROM teams ORDER BY id'],
  ['user', 'SELECT id::text FROM users ORDER BY username'],
  ['ticket', 'SELECT id::text FROM tickets ORDER BY created_at, id'],
  ['ticket_event', 'SELECT id::text FROM ticket_events ORDER BY created_at, id'],
];

async function insertBatches<T>(q: Queryable, s: TableSpec<T>, rows: readonly T[]): Promise<void> {
  const width = s.columns.length;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / width));
  const head = `INSERT INTO ${s.table} (${s.columns.join(', ')}) VALUES `;
  for (let start = 0; start < rows.length; start += perStatement) {
    const batch = rows.slice(start, start + perStatement);
    const params: unknown[] = new Array(batch.length * width);
    const tuples: string[] = new Array(batch.length);
    let p = 0;
    for (let i = 0; i < batch.length; i++) {
      const values = s.values(batch[i] as T);
      if (values.length !== width) throw new Error(`${s.table}: expected ${width} values, got ${values.length}`);
      const placeholders: string[] = new Array(width);
      for (let c = 0; c < width; c++) {
        params[p] = values[c];
        placeholders[c] = `$${++p}`;
      }
      tuples[i] = `(${placeholders.join(',')})`;
    }
    await q.query(head + tuples.join(',') + (s.suffix ? ` ${s.suffix}` : ''), params);
  }
}

/** A foreign key of a loaded table, as the statements that drop it and add it back (same name and definition). */
interface ForeignKey {
  drop: string;
  add: string;
}

/** Drops the foreign keys declared on `tables`; returns them, to be added back by restoreForeignKeys. */
async function dropForeignKeys(q: Queryable, tables: readonly string[]): Promise<ForeignKey[]> {
  const { rows } = await q.query<ForeignKey>(
    `SELECT format('ALTER TABLE %I.%I DROP CONSTRAINT %I', n.nspname, c.relname, k.conname) AS drop,
            format('ALTER TABLE %I.%I ADD CONSTRAINT %I %s', n.nspname, c.relname, k.conname,
                   pg_get_constraintdef(k.oid)) AS add
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE k.contype = 'f' AND c.relname = ANY($1::text[]) AND n.nspname = current_schema()
      ORDER BY k.oid`,
    [tables],
  );
  for (const fk of rows) await q.query(fk.drop);
  return rows;
}

/** Adds the keys back; each one checks every loaded row in one join (and fails the seed if a row is bad). */
async function restoreForeignKeys(q: Queryable, keys: readonly ForeignKey[]): Promise<void> {
  for (const fk of keys) await q.query(fk.add);
}

async function hasUsers(q: Queryable): Promise<boolean> {
  const { rows } = await q.query('SELECT 1 FROM users LIMIT 1', []);
  return rows.length > 0;
}

/**
 * Seeds the demo company into an empty database. Does nothing (seeded: false) when any user exists, so it is
 * safe to call on every start with `--seed demo`.
 */
export async function seedDemo(db: Db, opts: SeedDemoOptions): Promise<SeedDemoResult> {
  if (await hasUsers(db)) return { seeded: false, counts: {} };
  const progress = opts.onProgress ?? (() => {});
  const now = opts.now ?? new Date();
  const data = opts.data ?? generateDemo({ seed: opts.seed ?? DEFAULT_DEMO_SEED, size: opts.size, now });
  // Every demo account has the same, published password: one hash (salt included) serves them all. At the
  // production scrypt cost (~0.4 s each) hashing per user would add ~15 s to every demo start.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const result = await db.tx(async (q): Promise<SeedDemoResult> => {
    // Two servers seeding one PostgreSQL at once: the second waits here, then sees the users and stops.
    await q.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK]);
    if (await hasUsers(q)) return { seeded: false, counts: {} };
    const counts: Record<string, number> = {};
    // The KPI facts of every ticket and their rollups, computed once after the events are in (migrations 0016,
    // 0020), same transaction.
    await q.query(`SELECT set_config('kpi.bulk_load', 'on', true)`);
    const specs = tableSpecs(passwordHash, now);
    const foreignKeys = await dropForeignKeys(
      q,
      specs.map((spec) => spec.table),
    );
    for (const s of specs) {
      const rows = s.rows(data);
      await insertBatches(q, s, rows);
      counts[s.table] = rows.length;
      progress(s.table, rows.length);
    }
    await restoreForeignKeys(q, foreignKeys);
    progress('foreign_keys', foreignKeys.length);
    await q.query(`SELECT kpi_rebuild_facts(), set_config('kpi.bulk_load', 'off', true)`);
    progress('kpi_ticket_facts', counts.tickets ?? 0);
    // And their daily rollups (migration 0020), which the bulk load's triggers left alone too.
    await q.query('SELECT kpi_rebuild_rollups(offset_sec) FROM kpi_rollup_zone');
    progress('kpi_daily_rollups', counts.tickets ?? 0);
    let logged = 0;
    for (const [entity, select] of CHANGE_LOG) {
      const { rows } = await q.query<{ n: number }>(
        `WITH ins AS (INSERT INTO change_log (entity, entity_id, op) SELECT $1, id, 'put' FROM (${select}) s(id) RETURNING 1)
         SELECT count(*)::int AS n FROM ins`,
        [entity],
      );
      const n = rows[0]?.n ?? 0;
      logged += n;
      progress(`change_log:${entity}`, n);
    }
    counts.change_log = logged;
    return { seeded: true, counts };
  });
  // Statistics for the tables just filled: without them the planner takes them for the empty tables they were
  // (PGlite runs no autovacuum; PostgreSQL's comes later) and, e.g., hash-joins every unit for each resident of a
  // directory page — seconds a page, on a server whose one PGlite connection everything else then waits behind.
  if (result.seeded) await db.query('ANALYZE');
  return result;
}
