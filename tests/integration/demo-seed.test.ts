import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODE_PREFIX, formatTicketCode, shanghaiDate } from '../../common/domain';
import { verifyPassword } from '../../server/auth/password';
import type { Db } from '../../server/db/driver';
import { migrate } from '../../server/db/migrate';
import { openDb } from '../../server/db/open';
import { generateDemo, seedDemo, type DemoData } from '../../server/seed/index';
import { allocateTicketCode } from '../../server/tickets/codes';

const NOW = new Date('2026-11-26T10:00:00+08:00');
const SEED = 7;

const TABLES = [
  'teams',
  'users',
  'projects',
  'buildings',
  'units',
  'residents',
  'resident_phones',
  'resident_units',
  'tickets',
  'ticket_code_counters',
  'ticket_events',
  'calls',
  'change_log',
] as const;

async function countAll(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) {
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`, []);
    out[table] = rows[0]?.n ?? -1;
  }
  return out;
}

async function foreignKeys(db: Db) {
  const { rows } = await db.query<{ table: string; name: string; definition: string; validated: boolean }>(
    `SELECT conrelid::regclass::text AS table, conname AS name, pg_get_constraintdef(oid) AS definition,
            convalidated AS validated
       FROM pg_constraint WHERE contype = 'f' ORDER BY 1, 2`,
  );
  return rows;
}

describe('seedDemo on PGlite (small)', () => {
  let db: Db;
  let data: DemoData;
  let first: Awaited<ReturnType<typeof seedDemo>>;
  const progress: string[] = [];
  let loadMs = 0;

  beforeAll(async () => {
    db = await openDb({ dataDir: 'memory' });
    await migrate(db);
    data = generateDemo({ seed: SEED, size: 'small', now: NOW });
    const started = Date.now();
    first = await seedDemo(db, { size: 'small', seed: SEED, now: NOW, onProgress: (table) => progress.push(table) });
    loadMs = Date.now() - started;
  }, 180_000);

  afterAll(async () => {
    await db?.close();
  });

  it('keeps every foreign key the migrations declare (dropped for the load, added back and validated)', async () => {
    const fresh = await openDb({ dataDir: 'memory' });
    try {
      await migrate(fresh);
      expect(await foreignKeys(db)).toEqual(await foreignKeys(fresh));
      expect((await foreignKeys(db)).length).toBeGreaterThan(10);
      expect((await foreignKeys(db)).every((k) => k.validated)).toBe(true);
    } finally {
      await fresh.close();
    }
  });

  it('leaves the planner statistics of what it filled (PGlite has no autovacuum to gather them)', async () => {
    const { rows } = await db.query<{ relname: string; analyzed: boolean }>(
      `SELECT relname, last_analyze IS NOT NULL AS analyzed FROM pg_stat_user_tables
        WHERE relname IN ('residents', 'resident_units', 'units', 'tickets') ORDER BY relname`,
    );
    expect(rows).toEqual(
      ['resident_units', 'residents', 'tickets', 'units'].map((relname) => ({ relname, analyzed: true })),
    );
  });

  it('loads everything the generator produced, with change_log rows for synced entities', async () => {
    expect(first.seeded).toBe(true);
    console.info(`demo small seeded into PGlite in ${loadMs} ms`, first.counts);
    const counts = await countAll(db);
    const expected = {
      teams: data.teams.length,
      users: data.users.length,
      projects: data.projects.length,
      buildings: data.buildings.length,
      units: data.units.length,
      residents: data.residents.length,
      resident_phones: data.residentPhones.length,
      resident_units: data.residentUnits.length,
      tickets: data.tickets.length,
      ticket_code_counters: data.ticketCodeCounters.length,
      ticket_events: data.ticketEvents.length,
      calls: data.calls.length,
      change_log: data.teams.length + data.users.length + data.tickets.length + data.ticketEvents.length,
    };
    expect(counts).toEqual(expected);
    expect(first.counts).toEqual(expected);
    expect(progress).toContain('tickets');

    const { rows: entities } = await db.query<{ entity: string; n: number }>(
      'SELECT entity, count(*)::int AS n FROM change_log GROUP BY entity ORDER BY entity',
      [],
    );
    expect(entities).toEqual([
      { entity: 'team', n: data.teams.length },
      { entity: 'ticket', n: data.tickets.length },
      { entity: 'ticket_event', n: data.ticketEvents.length },
      { entity: 'user', n: data.users.length },
    ]);
  });

  it('stores rows faithfully (a ticket, its events, tags, json data)', async () => {
    const sample = data.tickets[data.tickets.length - 1];
    if (!sample) throw new Error('no tickets');
    const { rows } = await db.query<{ code: string; status: string; title: string; created_at: Date }>(
      'SELECT code, status, title, created_at FROM tickets WHERE id = $1',
      [sample.id],
    );
    expect(rows[0]).toMatchObject({ code: sample.code, status: sample.status, title: sample.title });
    expect(new Date(rows[0]?.created_at ?? 0).toISOString()).toBe(sample.createdAt);
    const { rows: ev } = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM ticket_events WHERE ticket_id = $1 AND kind = 'status' AND data ? 'from'",
      [sample.id],
    );
    expect(ev[0]?.n).toBe(data.ticketEvents.filter((e) => e.ticketId === sample.id && e.kind === 'status').length);
    const tagged = data.residents.find((r) => r.tags.length > 0);
    const { rows: res } = await db.query<{ tags: string[] }>('SELECT tags FROM residents WHERE id = $1', [tagged?.id]);
    expect(res[0]?.tags).toEqual(tagged?.tags);
  });

  it('sets code counters so the next ticket of a seeded day continues after the seeded ones', async () => {
    const last = data.tickets[data.tickets.length - 1];
    if (!last) throw new Error('no tickets');
    const { rows } = await db.query<{ last: number }>('SELECT last FROM ticket_code_counters WHERE prefix_day = $1', [
      `${CODE_PREFIX[last.type]}-${shanghaiDate(new Date(last.createdAt))}`,
    ]);
    expect(rows[0]?.last).toBe(Number(last.code.slice(12)));
    // The server's allocator continues the sequence.
    const next = await db.tx((q) => allocateTicketCode(q, last.type, new Date(last.createdAt)));
    expect(next).toBe(
      formatTicketCode(last.type, shanghaiDate(new Date(last.createdAt)), Number(last.code.slice(12)) + 1),
    );
  });

  it('does nothing the second time', async () => {
    const before = await countAll(db);
    const again = await seedDemo(db, { size: 'small', seed: SEED + 1, now: NOW });
    expect(again.seeded).toBe(false);
    expect(await countAll(db)).toEqual(before);
  });

  it("gives demo accounts the password 'demo'", async () => {
    const { rows } = await db.query<{ username: string; password_hash: string }>(
      "SELECT username, password_hash FROM users WHERE username IN ('agent01', 'admin', 'kiosk01') ORDER BY username",
      [],
    );
    expect(rows.map((r) => r.username)).toEqual(['admin', 'agent01', 'kiosk01']);
    for (const r of rows) {
      expect(await verifyPassword('demo', r.password_hash)).toBe(true);
      expect(await verifyPassword('wrong', r.password_hash)).toBe(false);
    }
  });
});
