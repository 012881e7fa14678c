/**
 * The push bench's concurrent shape without its sign-ins and baseline (a diagnostic for issue 13, no figure): DESKS
 * desks pushing 1–3 mutations back to back through the real server (its own process) for a few seconds, tokens
 * issued straight in the database. `tsx tests/bench/sync/push-http-probe.ts pglite|postgres [seconds]`
 */
import { randomUUID } from 'node:crypto';
import { SYNC_SCHEMA_VERSION } from '../../../common/sync';
import { CentralClient } from '../../../main/central';
import { issueToken } from '../../../server/auth/tokens';
import { DESKS, prepareDemoLarge } from './demo-large';
import { DeskLoad, workingSets } from './desk-load';
import { startServer, type Backend } from './fixtures';
import { PUSH_BATCH } from './push';

const backend = (process.argv[2] ?? 'pglite') as Backend;
const SECONDS = Number(process.argv[3] ?? 10);
/** `offline`: one desk pushing its queue in batches of PUSH_BATCH (sync.push_per_s.<backend>). */
const OFFLINE = process.argv[4] === 'offline';

const demo = await prepareDemoLarge(backend, { log: (line: string) => console.log(line) } as never);
try {
  const db = await demo.database.open();
  const agent = demo.agents[0];
  if (!agent) throw new Error('no agents');
  const { sets } = await workingSets(db, agent, OFFLINE ? 1 : DESKS, OFFLINE ? 200 : 20, `probe-${Date.now()}`);
  const desks = await Promise.all(
    sets.map(async (tickets, i) => {
      const user = demo.agents[i] ?? agent;
      return {
        load: new DeskLoad(randomUUID(), user, tickets, 9_000 + i),
        token: (await issueToken(db, user.id, new Date())).token,
      };
    }),
  );
  await db.close();
  const server = await startServer(demo.database);
  try {
    const run = async (seconds: number) => {
      const deadline = performance.now() + seconds * 1000;
      let mutations = 0;
      let requests = 0;
      const latencies: number[] = [];
      const started = performance.now();
      await Promise.all(
        desks.map(async ({ load, token }) => {
          const central = new CentralClient(server.url, { timeoutMs: 60_000 });
          central.setToken(token);
          while (performance.now() < deadline) {
            const batch = OFFLINE ? load.queue(PUSH_BATCH) : load.nextBatch();
            const t0 = performance.now();
            const res = await central.push({
              clientId: load.clientId,
              schemaVersion: SYNC_SCHEMA_VERSION,
              mutations: batch,
            });
            latencies.push(performance.now() - t0);
            if (res.results.some((r) => r.outcome !== 'applied')) throw new Error(JSON.stringify(res.results));
            mutations += batch.length;
            requests += 1;
          }
        }),
      );
      const ms = performance.now() - started;
      latencies.sort((a, b) => a - b);
      return { mutations, requests, ms, p50: latencies[Math.floor(latencies.length / 2)] ?? 0 };
    };
    await run(2);
    const cpu = server.cpuMs();
    const r = await run(SECONDS);
    console.log(
      `${backend}: ${r.mutations} mutations in ${r.requests} pushes over ${r.ms.toFixed(0)} ms → ` +
        `${((r.mutations / r.ms) * 1000).toFixed(0)}/s, p50 ${r.p50.toFixed(0)} ms, server CPU ${((server.cpuMs() - cpu) / 1000).toFixed(1)} s`,
    );
  } finally {
    await server.stop();
  }
} finally {
  await demo.database.dispose();
}
