/**
 * The central database the push benches write into (DESIGN.md §9 rules 3 and 4): the demo generator's large data
 * (server/seed `--size large`: 200k tickets with their events and calls, 200k residents, 105k units), loaded once
 * per backend for the group and reused by every bench that pushes into it. The data is cloned from a template built
 * once (tests/bench/seeded.ts: the seed plus DEMO_LARGE_PREPARE); neither is measured, both are logged.
 * The desks sign in as agents of the demo company: its 20 agents plus bench agents up to `DESKS`.
 */
import type { User } from '../../../common/domain';
import { DEMO_PASSWORD, SIZES, type DemoSize } from '../../../server/seed/index';
import type { Db } from '../../../server/db/driver';
import { USER_COLUMNS, userFromRow, type Row } from '../../../server/db/rows';
import { recordChanges } from '../../../server/sync/changes';
import { seededDatabase, type TemplatePrepare } from '../seeded';
import type { BenchContext } from '../types';
import type { Backend, BenchDatabase } from './fixtures';

/** Concurrent desks of the push bench (DESIGN.md §9 rule 4). */
export const DESKS = 50;
export const DEMO_TICKETS = SIZES.large.tickets;
export const DEMO_DATA = `${(DEMO_TICKETS / 1000).toFixed(0)}k tickets present (demo large)`;

export interface DemoLarge {
  database: BenchDatabase;
  /** One agent per desk (`DESKS` of them), password DEMO_PASSWORD. */
  agents: User[];
  /** Bearer tokens by username, once signed in (sessions are stored: they outlive a server restart). */
  tokens: Map<string, string>;
}

/** Agents agent21 … agentNN of the customer-service team, with the demo agents' password hash. */
async function addDeskAgents(db: Db, upTo: number): Promise<void> {
  await db.tx(async (q) => {
    const { rows } = await q.query<{ id: string }>(
      `INSERT INTO users (id, username, name, role, team_id, password_hash)
       SELECT gen_random_uuid(), 'agent' || lpad(i::text, 2, '0'), '坐席 ' || i, 'agent', 'cs',
              (SELECT password_hash FROM users WHERE username = 'agent01')
         FROM generate_series(1, $1::int) AS i
       ON CONFLICT (username) DO NOTHING
       RETURNING id::text`,
      [upTo],
    );
    await recordChanges(
      q,
      'user',
      rows.map((r) => r.id),
    );
  });
}

/**
 * What the template holds beyond the seed: the desks' agents, and the state of a server in service — its tables
 * vacuumed and analysed and its dirty pages written out (otherwise a checkpoint and the autovacuum of millions of
 * fresh rows would run inside the measurement). The kpi group's data is the same template.
 */
export const DEMO_LARGE_PREPARE: TemplatePrepare = {
  name: `desk-agents-${DESKS}-vacuumed`,
  sources: [import.meta.filename],
  async run(db, backend) {
    await addDeskAgents(db, DESKS);
    await db.query('VACUUM ANALYZE');
    if (backend === 'postgres') await db.query('CHECKPOINT');
  },
};

/** `size` is `large` for every figure; `small` only serves to try the benches out quickly. */
export async function prepareDemoLarge(
  backend: Backend,
  ctx: BenchContext,
  size: DemoSize = 'large',
): Promise<DemoLarge> {
  const database = await seededDatabase(backend, size, ctx, { prepare: DEMO_LARGE_PREPARE });
  try {
    const db = await database.open();
    try {
      const { rows } = await db.query<Row>(
        `SELECT ${USER_COLUMNS} FROM users WHERE role = 'agent' AND active ORDER BY username LIMIT $1`,
        [DESKS],
      );
      ctx.log(
        `  ${backend}: demo ${size} ` +
          `(${Object.entries(database.counts)
            .map(([t, n]) => `${t} ${n.toLocaleString('en-US')}`)
            .join(', ')})`,
      );
      return { database, agents: rows.map(userFromRow), tokens: new Map() };
    } finally {
      await db.close();
    }
  } catch (err) {
    await database.dispose();
    throw err;
  }
}

export { DEMO_PASSWORD };
