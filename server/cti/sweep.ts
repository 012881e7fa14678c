/**
 * Ends calls whose hangup never came (common/calls/machine sweepCall: ringing past 10 min or talking past 4 h by
 * default, cause `lost`; a lost unanswered inbound call is missed and joins the callback queue), and returns agents
 * whose wrap-up time is over to available. Runs on a timer like tombstone compaction; each call in its own
 * transaction, so one bad row never stops the rest.
 */
import type { FastifyInstance } from 'fastify';
import { DEFAULT_SWEEP_LIMITS, sweepCall, type SweepLimits } from '../../common/calls/machine';
import type { Db } from '../db/driver';
import { notifyChanges } from '../sync/notify';
import { notifyCall } from './live';
import { logChangesTo } from './log';
import { endWrapUps, followCall } from './presence';
import { readCtiSettings } from './settings';
import { loadCall, saveCall } from './store';

export const DEFAULT_SWEEP_INTERVAL_MS = 60_000;

export interface SweepResult {
  ended: string[];
  available: string[];
}

export async function sweepCalls(db: Db, now: Date, limits: SweepLimits = DEFAULT_SWEEP_LIMITS): Promise<SweepResult> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id::text AS id FROM calls
      WHERE state <> 'ended' AND ((answered_at IS NULL AND started_at <= $1) OR answered_at <= $2)
      ORDER BY started_at LIMIT 1000`,
    [
      new Date(now.getTime() - limits.ringingMs).toISOString(),
      new Date(now.getTime() - limits.talkingMs).toISOString(),
    ],
  );
  const ended: string[] = [];
  for (const { id } of rows) {
    const swept = await db.tx(async (q) => {
      const call = await loadCall(q, String(id), true);
      if (!call) return false;
      const after = sweepCall(call, now, limits);
      if (after === call) return false; // an event ended or answered it meanwhile
      const log = logChangesTo(q);
      await saveCall(q, after, call);
      await log('call', after.id);
      await followCall(q, call, after, now, async () => (await readCtiSettings(q)).wrapUpSeconds, log);
      await notifyCall(q, after.id);
      await notifyChanges(q, { source: 'cti-sweep' });
      return true;
    });
    if (swept) ended.push(String(id));
  }
  const available = await db.tx(async (q) => {
    const ids = await endWrapUps(q, now, logChangesTo(q));
    if (ids.length > 0) await notifyChanges(q, { source: 'cti-sweep' });
    return ids;
  });
  return { ended, available };
}

export interface SweepOptions {
  limits: SweepLimits;
  now: () => Date;
  intervalMs: number;
}

/** Sweeps when the server is ready and then every `intervalMs`; a failure is logged and retried next time. */
export function scheduleCallSweep(app: FastifyInstance, db: Db, opts: SweepOptions): void {
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      const r = await sweepCalls(db, opts.now(), opts.limits);
      if (r.ended.length > 0) app.log.info({ sweep: r }, 'ended calls whose hangup never came');
    } catch (err) {
      app.log.error({ err }, 'call sweep failed');
    } finally {
      running = false;
    }
  };
  app.addHook('onReady', async () => {
    await run();
    timer = setInterval(() => void run(), opts.intervalMs);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
  });
}
