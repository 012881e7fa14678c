/**
 * The demo seed fills the KPI facts in its own transaction (server/seed/load.ts defers the per-batch recompute and
 * rebuilds once at its end): every ticket has its row, the same a fresh rebuild gives, and the bulk-load switch is
 * off again afterwards, so the next write keeps the facts up to date through the triggers. PGlite only: the seed's
 * SQL is the same on PostgreSQL, and the KPI report test covers the triggers there.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/driver';
import { migrate } from '../../server/db/migrate';
import { openDb } from '../../server/db/open';
import { seedDemo } from '../../server/seed/load';

describe('KPI facts after the demo seed', () => {
  let db: Db;
  const facts = async () => (await db.query(`SELECT * FROM kpi_ticket_facts ORDER BY ticket_id`)).rows;

  beforeAll(async () => {
    db = await openDb({ dataDir: 'memory' });
    await migrate(db);
    await seedDemo(db, { size: 'small', now: new Date('2026-11-26T02:00:00Z') });
  }, 120_000);

  afterAll(async () => {
    await db?.close();
  });

  it('has one row per ticket, as a rebuild computes it', async () => {
    const { rows } = await db.query<{ tickets: number; facts: number; responded: number }>(
      `SELECT (SELECT count(*)::int FROM tickets) AS tickets, count(*)::int AS facts,
              count(response_min)::int AS responded FROM kpi_ticket_facts`,
    );
    expect(rows[0]?.facts).toBe(rows[0]?.tickets);
    // Demo tickets have histories: most have left 待受理.
    expect(rows[0]?.responded).toBeGreaterThan((rows[0]?.tickets ?? 0) / 2);
    const seeded = await facts();
    await db.query(`UPDATE kpi_ticket_facts SET response_min = NULL, reopen_count = 0, completed_at = NULL`);
    await db.query(`SELECT kpi_rebuild_facts()`);
    expect(await facts()).toEqual(seeded);
  });

  it('keeps the facts by trigger again once the seed is done', async () => {
    const id = randomUUID();
    const created = new Date('2026-11-26T01:00:00Z');
    await db.query(
      `INSERT INTO tickets (id, type, category, channel, priority, status, title, created_at, updated_at)
       VALUES ($1, 'repair', 'plumbing', 'phone', 2, 'new', 't', $2, $2)`,
      [id, created],
    );
    await db.query(
      `INSERT INTO ticket_events (id, ticket_id, kind, data, created_at)
       VALUES ($1, $2, 'status', '{"from": "new", "to": "accepted"}', $3)`,
      [randomUUID(), id, new Date(created.getTime() + 12 * 60_000)],
    );
    const after = await db.query<{ response_min: number }>(
      `SELECT response_min FROM kpi_ticket_facts WHERE ticket_id = $1`,
      [id],
    );
    expect(after.rows[0]?.response_min).toBeCloseTo(12, 5);
  });
});
