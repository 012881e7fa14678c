/**
 * The `sync` bench group (issue 3, DESIGN.md §9): initial sync of 100k tickets (PGlite, PostgreSQL), push
 * throughput into the demo's 200k tickets (50 desks at once, and one desk's offline queue; PGlite, PostgreSQL),
 * propagation between two consoles, keypress latency during the initial sync, and the kill -9 run (desks and
 * servers killed). The PostgreSQL variants need TEST_DATABASE_URL or BENCH_DATABASE_URL.
 */
import { join } from 'node:path';
import type { BenchContext, BenchGroup } from '../types';
import { DEFAULT_DEMO_SEED } from '../../../server/seed/load';
import { USER_COLUMNS, userFromRow, type Row } from '../../../server/db/rows';
import { seededDatabase, type TemplatePrepare } from '../seeded';
import { postgresAdminUrl, seedAgents, type Backend, type BenchDatabase } from './fixtures';
import { INITIAL_TICKETS, initialSyncBench, type HundredK } from './initial';
import { keypressDuringInitialBench } from './keypress';
import { kill9Bench } from './kill9';
import { propagationBench } from './propagation';
import { pushBench } from './push';
import { prepareDemoLarge, type DemoLarge } from './demo-large';

const HUNDRED_K_AGENTS = 4;

/**
 * What the medium template holds beyond the seed: the agents who log in (bench01…), and the state of a server in
 * service — its tables vacuumed and analysed and its dirty pages written out; without this the autovacuum of the
 * fresh rows (and a checkpoint) would run during the measurement that follows.
 */
const HUNDRED_K_PREPARE: TemplatePrepare = {
  name: `bench-agents-${HUNDRED_K_AGENTS}-vacuumed`,
  sources: [import.meta.filename, join(import.meta.dirname, 'fixtures.ts')],
  async run(db, backend) {
    await seedAgents(db, HUNDRED_K_AGENTS);
    await db.query('VACUUM ANALYZE');
    if (backend === 'postgres') await db.query('CHECKPOINT');
  },
};

/** Real data (DESIGN.md §9 rule 3): the demo generator's medium size, 100k tickets with their events and calls. */
export async function prepareHundredK(backend: Backend, ctx: BenchContext): Promise<HundredK> {
  const database = await seededDatabase(backend, 'medium', ctx, { prepare: HUNDRED_K_PREPARE });
  try {
    const { counts } = database;
    if (counts.tickets !== INITIAL_TICKETS) throw new Error(`the medium demo has ${counts.tickets} tickets`);
    const db = await database.open();
    try {
      const { rows } = await db.query<Row>(
        `SELECT ${USER_COLUMNS} FROM users WHERE username LIKE 'bench%' ORDER BY username`,
      );
      const k = (n: number | undefined) => `${Math.round((n ?? 0) / 1000)}k`;
      const data =
        `demo medium (seed ${DEFAULT_DEMO_SEED}): ${k(counts.tickets)} tickets, ${k(counts.ticket_events)} events, ` +
        `${k(counts.calls)} calls, ${k(counts.residents)} residents`;
      ctx.log(`  ${backend}: ${data}`);
      return { database, users: rows.map(userFromRow), data };
    } finally {
      await db.close();
    }
  } catch (err) {
    await database.dispose();
    throw err;
  }
}

export const syncGroup: BenchGroup = {
  name: 'sync',
  description: 'initial sync, push throughput, propagation, keypress during sync, kill -9 (issue 3)',
  async setup(ctx) {
    ctx.log(
      postgresAdminUrl()
        ? 'PostgreSQL variants: on (a throwaway database on the server of TEST_DATABASE_URL / BENCH_DATABASE_URL)'
        : 'PostgreSQL variants: skipped (neither TEST_DATABASE_URL nor BENCH_DATABASE_URL is set)',
    );
    // Each 100k-ticket database is built once, on first use, and shared by the benches that read it.
    const prepared = new Map<Backend, Promise<HundredK>>();
    const hundredK = (backend: Backend) => () => {
      let p = prepared.get(backend);
      if (!p) {
        p = prepareHundredK(backend, ctx);
        prepared.set(backend, p);
      }
      return p;
    };
    // The demo's large data (200k tickets) the push benches write into: loaded once per backend, on first use.
    const demo = new Map<Backend, Promise<DemoLarge>>();
    const demoLarge = (backend: Backend) => () => {
      let p = demo.get(backend);
      if (!p) {
        p = prepareDemoLarge(backend, ctx);
        demo.set(backend, p);
      }
      return p;
    };
    return {
      benches: [
        initialSyncBench('pglite', hundredK('pglite')),
        initialSyncBench('postgres', hundredK('postgres')),
        keypressDuringInitialBench(hundredK('pglite')),
        pushBench('pglite', 'concurrent', demoLarge('pglite')),
        pushBench('pglite', 'offline', demoLarge('pglite')),
        pushBench('postgres', 'concurrent', demoLarge('postgres')),
        pushBench('postgres', 'offline', demoLarge('postgres')),
        propagationBench(),
        kill9Bench(),
      ],
      async dispose() {
        const databases: BenchDatabase[] = [];
        for (const p of prepared.values()) {
          const fixture = await p.catch(() => null);
          if (fixture) databases.push(fixture.database);
        }
        for (const p of demo.values()) {
          const fixture = await p.catch(() => null);
          if (fixture) databases.push(fixture.database);
        }
        await Promise.all(databases.map((d) => d.dispose()));
      },
    };
  },
};
