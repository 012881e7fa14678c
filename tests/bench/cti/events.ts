/**
 * cti.events_per_s (issue 10, DESIGN.md §9, budget ≥ 1,000 on PGlite): webhook events the central server takes a
 * second. The server is server/cli.ts in its own process as `npm run server` runs it, on PGlite, holding the demo
 * data (./desk-fixture: small unless BENCH_CTI_DEMO_SIZE=large; the same server the pop benches used, its desk
 * closed by then). SENDERS concurrent
 * senders, each a PBX script posting to the Zammad-compatible endpoint over its own keep-alive connection: per
 * call a distinct callId and newCall → answer → hangup in order, each waiting for the previous reply; the caller is
 * a demo resident's number (national digits), `user` and `answeringNumber` a demo agent's extension.
 *
 * The first WARMUP_MS are excluded (the server's first statements of each kind, the JIT); then events whose reply
 * came within the next MEASURE_MS are counted — 2xx only; every other status and every failed request is counted
 * apart and reported. Requests in flight when the window closes are left out. Logged: the reply times, the server
 * process's CPU time per event, and the errors.
 *
 * cti.events_per_s.postgres: the same against a server on PostgreSQL (a database created on the server of
 * TEST_DATABASE_URL / BENCH_DATABASE_URL, seeded the same way); skipped without one.
 */
import { randomBytes } from 'node:crypto';
import {
  POSTGRES_SKIP_REASON,
  createBenchDatabase,
  describeSamples,
  percentile,
  postgresAdminUrl,
  round,
} from '../sync/fixtures';
import type { Bench, BenchContext, BenchEntry, BenchSkip } from '../types';
import { CTI_TOKEN, ctiFixture, startDemoServer, type Caller, type CtiServer } from './desk-fixture';

export const EVENTS_BUDGET_PER_S = 1_000;
const SENDERS = 20;
const WARMUP_MS = 5_000;
const MEASURE_MS = 30_000;
const SITE_NUMBER = '4008208820';

interface Outcome {
  ok: number;
  statuses: Map<string, number>;
  replyMs: number[];
  cpuMs: number;
  calls: number;
  firstError: string | null;
}

async function drive(
  server: CtiServer,
  callers: readonly Caller[],
  agents: ReadonlyArray<{ extension: string }>,
): Promise<Outcome> {
  const url = `${server.url}/api/v1/cti/generic/${CTI_TOKEN}`;
  const run = randomBytes(3).toString('hex');
  const started = performance.now();
  const windowStart = started + WARMUP_MS;
  const windowEnd = windowStart + MEASURE_MS;
  const out: Outcome = { ok: 0, statuses: new Map(), replyMs: [], cpuMs: 0, calls: 0, firstError: null };
  let cpuAtStart: number | null = null;
  const cpuTimer = setTimeout(() => (cpuAtStart = server.cpuMs()), WARMUP_MS);
  const count = (sentAt: number, status: string, body: string | null) => {
    const at = performance.now();
    if (at < windowStart || at > windowEnd) return;
    if (status.startsWith('2')) {
      out.ok += 1;
      out.replyMs.push(at - sentAt);
    } else {
      out.statuses.set(status, (out.statuses.get(status) ?? 0) + 1);
      out.firstError ??= `${status} ${body ?? ''}`.slice(0, 300);
    }
  };

  const sender = async (n: number) => {
    const agent = agents[n % agents.length]?.extension ?? 'agent01';
    for (let call = 0; performance.now() < windowEnd; call++) {
      const caller = callers[(n * 97 + call) % callers.length] as Caller;
      const callId = `bench-load-${run}-${n}-${call}`;
      const events = [
        { event: 'newCall', direction: 'in', from: caller.from, to: SITE_NUMBER, callId, user: agent },
        { event: 'answer', direction: 'in', from: caller.from, to: SITE_NUMBER, callId, answeringNumber: agent },
        { event: 'hangup', direction: 'in', from: caller.from, to: SITE_NUMBER, callId, cause: 'normalClearing' },
      ];
      for (const params of events) {
        if (performance.now() >= windowEnd) return;
        const sentAt = performance.now();
        try {
          const res = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(params),
          });
          const body = await res.text();
          count(sentAt, String(res.status), res.ok ? null : body);
        } catch (err) {
          count(sentAt, 'request failed', err instanceof Error ? err.message : String(err));
        }
      }
      if (performance.now() >= windowStart) out.calls += 1;
    }
  };
  await Promise.all(Array.from({ length: SENDERS }, (_, n) => sender(n)));
  clearTimeout(cpuTimer);
  out.cpuMs = cpuAtStart === null ? 0 : server.cpuMs() - cpuAtStart;
  return out;
}

function report(ctx: BenchContext, label: string, o: Outcome): number {
  const perSecond = o.ok / (MEASURE_MS / 1000);
  const errors = [...o.statuses.values()].reduce((a, b) => a + b, 0);
  ctx.log(
    `  ${label}: ${o.ok.toLocaleString('en-US')} events answered 2xx in ${MEASURE_MS / 1000} s ` +
      `(after ${WARMUP_MS / 1000} s of warm-up, not counted) = ${perSecond.toFixed(0)} events/s; ` +
      `${o.calls.toLocaleString('en-US')} calls completed in the window`,
  );
  if (o.replyMs.length > 0) ctx.log(`    reply time: ${describeSamples(o.replyMs)}`);
  ctx.log(
    `    server process CPU in the window: ${(o.cpuMs / 1000).toFixed(1)} s ` +
      `(${o.ok > 0 ? (o.cpuMs / o.ok).toFixed(2) : '—'} ms per event)`,
  );
  ctx.log(
    errors === 0
      ? '    errors: none'
      : `    errors: ${errors} (${[...o.statuses].map(([s, n]) => `${s}: ${n}`).join(', ')}); first: ${o.firstError}`,
  );
  return perSecond;
}

const SPAN =
  `${SENDERS} concurrent senders, each newCall → answer → hangup per call (each waits for the previous reply) to ` +
  'POST /api/v1/cti/generic/:token over keep-alive connections; counts the 2xx replies that came within ' +
  `${MEASURE_MS / 1000} s after ${WARMUP_MS / 1000} s of warm-up (not counted); each event committed (the call row, ` +
  'its change log and KPI rollup rows) before its reply; after it: the live pokes to the desks, requests in flight';

export function eventsBench(): Bench {
  const key = 'cti.events_per_s';
  return {
    name: `webhook events a second, ${SENDERS} concurrent senders (PGlite)`,
    keys: [key],
    async run(ctx): Promise<BenchEntry[]> {
      const fx = await ctiFixture(ctx);
      const o = await drive(fx.server, fx.callers, fx.agents);
      const perSecond = report(ctx, `PGlite, ${fx.data}`, o);
      ctx.log(`  ${SPAN}`);
      // The p95 of the replies, for the log only: the figure is the throughput.
      if (o.replyMs.length > 0) ctx.log(`    p95 reply ${percentile(o.replyMs, 95).toFixed(1)} ms`);
      return [
        { key, value: round(perSecond, 0), unit: 'per_s', budget: EVENTS_BUDGET_PER_S, data: fx.data, span: SPAN },
      ];
    },
  };
}

export function eventsPostgresBench(): Bench {
  const key = 'cti.events_per_s.postgres';
  return {
    name: `webhook events a second, ${SENDERS} concurrent senders (PostgreSQL)`,
    keys: [key],
    async run(ctx): Promise<Array<BenchEntry | BenchSkip>> {
      if (!postgresAdminUrl()) {
        ctx.log(`PostgreSQL variant skipped: ${POSTGRES_SKIP_REASON}`);
        return [{ key, skipped: POSTGRES_SKIP_REASON }];
      }
      const fx = await ctiFixture(ctx);
      const database = await createBenchDatabase('postgres');
      try {
        const server = await startDemoServer(ctx, `server (postgres, demo ${fx.size})`, database.serverArgs, fx.size);
        try {
          const o = await drive(server, fx.callers, fx.agents);
          const perSecond = report(ctx, `PostgreSQL, ${fx.data}`, o);
          ctx.log(`  ${SPAN}`);
          const span = `${SPAN}; the server on PostgreSQL`;
          return [{ key, value: round(perSecond, 0), unit: 'per_s', budget: EVENTS_BUDGET_PER_S, data: fx.data, span }];
        } finally {
          await server.stop();
        }
      } finally {
        await database.dispose();
      }
    },
  };
}
