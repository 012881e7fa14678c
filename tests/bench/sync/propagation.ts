/**
 * sync.propagation_p95_ms: console A comments on a ticket, console B sees it — the time from A's action to the
 * `tickets.changed` event on B after which B's cache holds that comment (checked with tickets.get). Two desk hosts
 * in this process with their default sync settings (live socket included when the desk has one), the server in a
 * child process (PGlite). 200 edits on distinct tickets, started at seeded random gaps of 100–300 ms so that the
 * measurement samples every phase of B's pull and poll timing.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Bench, BenchContext, BenchEntry } from '../types';
import {
  BENCH_PASSWORD,
  ROOT,
  bulkInsertTickets,
  createBenchDatabase,
  describeSamples,
  openConsole,
  percentile,
  prng,
  round,
  seedAgents,
  seedTeams,
  startServer,
} from './fixtures';

export const PROPAGATION_EDITS = 200;
export const PROPAGATION_BUDGET_MS = 200;
const TICKETS = 1_000;
/** Longer than the engine's fallback poll interval: an edit not seen by then is lost, not slow. */
const SEEN_TIMEOUT_MS = 45_000;

export function propagationBench(): Bench {
  const key = 'sync.propagation_p95_ms';
  return {
    name: 'propagation A → B',
    keys: [key],
    async run(ctx: BenchContext): Promise<BenchEntry[]> {
      const live = existsSync(join(ROOT, 'main/sync/live.ts'));
      ctx.log(
        live
          ? '  live pokes: main/sync/live.ts is present (the desk hosts use their live socket)'
          : '  live pokes: main/sync/live.ts is absent — console B learns of changes by its poll interval only',
      );
      const database = await createBenchDatabase('pglite');
      try {
        const db = await database.open();
        await seedTeams(db);
        const [userA, userB] = await seedAgents(db, 2, 'prop');
        if (!userA || !userB) throw new Error('no bench users');
        await bulkInsertTickets(db, TICKETS, [userA, userB]);
        await db.close();
        const server = await startServer(database);
        const a = await openConsole(server.url);
        const b = await openConsole(server.url);
        try {
          await a.desk.handlers['session.login']({ username: userA.username, password: BENCH_PASSWORD });
          await b.desk.handlers['session.login']({ username: userB.username, password: BENCH_PASSWORD });
          await Promise.all([a.synced, b.synced]);
          const { items } = await a.desk.handlers['tickets.list']({ view: 'all', offset: 0, limit: PROPAGATION_EDITS });
          if (items.length < PROPAGATION_EDITS) throw new Error(`only ${items.length} tickets to edit`);
          ctx.log(`  consoles A and B synced ${TICKETS} tickets; ${PROPAGATION_EDITS} edits follow`);

          const pending = new Map<string, { body: string; started: number }>();
          const latencies: number[] = [];
          let allSeen: (() => void) | null = null;
          b.on('tickets.changed', ({ ids }) => {
            const at = performance.now();
            for (const id of ids) {
              const edit = pending.get(id);
              if (!edit) continue;
              void b.desk.handlers['tickets.get']({ id }).then((detail) => {
                if (!detail?.events.some((e) => e.body === edit.body) || !pending.has(id)) return;
                pending.delete(id);
                latencies.push(at - edit.started);
                if (latencies.length % 50 === 0) ctx.log(`  ${latencies.length} edits seen by B`);
                if (pending.size === 0) allSeen?.();
              });
            }
          });

          const random = prng(20261126);
          for (let k = 0; k < PROPAGATION_EDITS; k++) {
            const ticket = items[k];
            if (!ticket) break;
            const body = `bench propagation edit ${k + 1}`;
            pending.set(ticket.id, { body, started: performance.now() });
            await a.desk.handlers['tickets.comment']({ id: ticket.id, body });
            await new Promise((r) => setTimeout(r, 100 + random() * 200));
          }
          if (pending.size > 0) {
            await new Promise<void>((resolvePromise) => {
              allSeen = resolvePromise;
              setTimeout(resolvePromise, SEEN_TIMEOUT_MS).unref();
            });
          }
          if (pending.size > 0) {
            throw new Error(`${pending.size} of ${PROPAGATION_EDITS} edits never reached console B within 45 s`);
          }
          ctx.log(`  A → B: ${describeSamples(latencies)}`);
          return [
            {
              key,
              value: round(percentile(latencies, 95), 1),
              unit: 'ms',
              budget: PROPAGATION_BUDGET_MS,
            },
          ];
        } finally {
          await a.close();
          await b.close();
          await server.stop();
        }
      } finally {
        await database.dispose();
      }
    },
  };
}
